package samspil

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Error codes. Every error that crosses a package boundary is an *Error with
// one of these codes; the HTTP layers map them to status codes in one place.
const (
	EINVALID      = "invalid"      // bad input; see Fields
	ENOTFOUND     = "not_found"    // missing, or not visible to the actor
	ECONFLICT     = "conflict"     // violates a uniqueness or state rule
	ESTALE        = "stale"        // optimistic-concurrency version mismatch
	EFORBIDDEN    = "forbidden"    // visible, but the actor may not do this
	EUNAUTHORIZED = "unauthorized" // no or bad credentials
	ELOCKED       = "locked"       // sign-in temporarily paused after failed logins
	EBUSY         = "busy"         // too much work in flight; try again in a moment
	EINTERNAL     = "internal"     // anything else; details are logged, not shown
	ETOOLARGE     = "too_large"    // input exceeds a size limit
	EPRECONDITION = "precondition" // a required precondition (If-Match) is missing
	EUNAVAILABLE  = "unavailable"  // the database cannot be reached just now; nothing was changed that was not acknowledged
)

// Error is the one error type of samspil. Message is safe to show to users;
// Fields name the offending input by its JSON path (e.g. "municipality_code",
// "population[2].year") so that forms and API clients can point at it.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	// RetryAfter, for EBUSY and ELOCKED, says when trying again can
	// succeed; zero when unknown.
	RetryAfter time.Duration

	format string // Message before formatting: the key for translations
	args   []any
}

// FieldError is one invalid input field.
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`

	format string
	args   []any
}

// Translator formats a message in the reader's language; format is the
// English message with fmt verbs, which is also its catalogue key.
type Translator func(format string, args ...any) string

// Localize returns the message in the reader's language.
func (e *Error) Localize(t Translator) string {
	if e.format != "" {
		return t(e.format, e.args...)
	}
	return t(e.Message)
}

// Localize returns the field message in the reader's language.
func (f FieldError) Localize(t Translator) string {
	if f.format != "" {
		return t(f.format, f.args...)
	}
	return t(f.Message)
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Path + ": " + f.Message
	}
	return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, strings.Join(parts, "; "))
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), format: format, args: args}
}

// ErrorAt returns an error of the given code about one input field; the
// field message is also the error's message.
func ErrorAt(code, path, format string, args ...any) *Error {
	f := FieldError{Path: path, Message: fmt.Sprintf(format, args...), format: format, args: args}
	return &Error{Code: code, Message: f.Message, Fields: []FieldError{f}, format: format, args: args}
}

// ErrorCode returns the code of err: its own for an *Error, EUNAVAILABLE
// when the database cannot be reached (see Unavailable), EINTERNAL for
// anything else and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if Unavailable(err) {
		return EUNAVAILABLE
	}
	return EINTERNAL
}

// unavailableMessage is the message of errors for which Unavailable holds.
const unavailableMessage = "The database cannot be reached just now. Try again in a moment."

// ErrorMessage returns the user-facing message of err; internal errors get a
// generic message so that no detail leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	if Unavailable(err) {
		return unavailableMessage
	}
	return "An internal error occurred."
}

// Unavailable reports whether err says that the database could not be
// reached or went away (a restart, a failover, a network fault): a refused
// or broken connection, one of the unavailableErrors, or an SQLSTATE of
// class 08 (connection exception) or 57P (the server shutting down,
// starting up or recovering). Such a request can succeed when tried again
// once the database is back; answers say so (503), where any other
// failure is an internal error (500).
func Unavailable(err error) bool {
	var state interface{ SQLState() string }
	if errors.As(err, &state) {
		code := state.SQLState()
		return strings.HasPrefix(code, "08") || strings.HasPrefix(code, "57P")
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	for _, e := range unavailableErrors {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// unavailableErrors say that a connection to the database went away. The
// store adds its drivers' own (RegisterUnavailable).
var unavailableErrors = []error{driver.ErrBadConn, io.ErrUnexpectedEOF, syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.EPIPE}

// RegisterUnavailable adds errors (compared with errors.Is) by which a
// database driver says that its connection went away. Call it from an init
// function only.
func RegisterUnavailable(errs ...error) { unavailableErrors = append(unavailableErrors, errs...) }

// NotFound is the error for an object that is missing or not visible to the
// actor; both cases must be indistinguishable. The message, e.g. "unit not
// found", is its own catalogue key, so each kind of object is translated.
func NotFound(objectType string) *Error {
	msg := objectType + " not found"
	return &Error{Code: ENOTFOUND, Message: msg, format: msg}
}

// Validation collects field errors and turns them into one EINVALID error.
type Validation struct {
	fields []FieldError
}

// Add records a problem with the field at path.
func (v *Validation) Add(path, format string, args ...any) {
	v.fields = append(v.fields, FieldError{Path: path, Message: fmt.Sprintf(format, args...), format: format, args: args})
}

// Check records a problem when ok is false.
func (v *Validation) Check(ok bool, path, format string, args ...any) {
	if !ok {
		v.Add(path, format, args...)
	}
}

// Merge adds the field errors of err when it is an EINVALID *Error and
// returns any other non-nil error unchanged.
func (v *Validation) Merge(err error) error {
	var e *Error
	if errors.As(err, &e) && e.Code == EINVALID {
		v.fields = append(v.fields, e.Fields...)
		return nil
	}
	return err
}

// Err returns nil when nothing was recorded, otherwise an EINVALID *Error.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "The input is not valid.", Fields: v.fields, format: "The input is not valid."}
}

// RenameFields returns err with its field paths renamed by rename, e.g. to
// the fields of a form or under a prefix; other errors are returned as they
// are. The messages stay.
func RenameFields(err error, rename func(path string) string) error {
	var e *Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = slices.Clone(e.Fields)
	for i := range out.Fields {
		out.Fields[i].Path = rename(out.Fields[i].Path)
	}
	return &out
}

// FieldPhrase returns the first field err is about and its message as a
// phrase, for a message shown later in the reader's language; path is ""
// for an error about no field, and an error that is not an *Error gives the
// internal error's message.
func FieldPhrase(err error) (path string, msg Phrase) {
	var e *Error
	switch {
	case !errors.As(err, &e):
		return "", Phrasef("An internal error occurred.")
	case len(e.Fields) > 0:
		f := e.Fields[0]
		if f.format == "" {
			return f.Path, Phrase{Format: f.Message}
		}
		return f.Path, Phrase{Format: f.format, Args: f.args}
	case e.format != "":
		return "", Phrase{Format: e.format, Args: e.args}
	}
	return "", Phrase{Format: e.Message}
}
