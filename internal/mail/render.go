package mail

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/textproto"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samspil/samspil"
)

// Address is an e-mail address with an optional display name.
type Address = netmail.Address

// ErrInvalidMessage is wrapped by the errors of [Render], and so of Send,
// for a message that cannot be sent as it is: no recipient, no text, a line
// break in a header, invalid UTF-8. Sending it again will not help.
var ErrInvalidMessage = errors.New("mail: invalid message")

// Message is one e-mail to one or more recipients. All texts are UTF-8.
type Message struct {
	// To are the recipients; at least one. All of them see each other in
	// the To header.
	To []Address
	// Subject is the subject line; it may not contain line breaks.
	Subject string
	// Text is the plain-text body; required. Lines may end in LF or CRLF
	// and may be of any length.
	Text string
	// HTML is an optional HTML version of Text; when set, the message is
	// multipart/alternative with Text first.
	HTML string
	// Headers are extra header fields such as List-Unsubscribe. Names and
	// values with CR or LF are refused, and so are the names of the fields
	// that Render writes itself (Date, From, To, Subject, ...). Values
	// that are not ASCII are encoded as unstructured text (RFC 2047); give
	// address fields such as Reply-To as Address.String() returns them.
	Headers map[string]string
	// MessageID is the Message-ID, with or without angle brackets. When
	// empty, Render generates a random one at the domain of the sender.
	MessageID string
}

// Header fields that Render writes itself and Headers may not set.
var reservedHeaders = []string{
	"bcc", "cc", "content-transfer-encoding", "content-type", "date", "from",
	"message-id", "mime-version", "sender", "subject", "to",
}

// Render returns the message as RFC 5322 bytes with CRLF line endings:
// Date, From, To, Subject (RFC 2047 Q-encoded when not ASCII), Message-ID,
// the extra Headers, MIME-Version and a text/plain; charset=utf-8 body in
// quoted-printable, or a multipart/alternative body when m.HTML is set.
// Header fields are folded at spaces to keep lines short; body lines longer
// than 76 characters get quoted-printable soft line breaks.
//
// Render refuses (with an error wrapping [ErrInvalidMessage]) messages
// without recipients or text, header names or values with CR or LF, and
// invalid UTF-8.
func Render(m Message, from Address, now time.Time) ([]byte, error) {
	if err := checkAddress(from); err != nil {
		return nil, invalid("sender %q: %v", from.Address, err)
	}
	if len(m.To) == 0 {
		return nil, invalid("no recipient")
	}
	to := make([]string, len(m.To))
	for i, a := range m.To {
		if err := checkAddress(a); err != nil {
			return nil, invalid("recipient %q: %v", a.Address, err)
		}
		to[i] = a.String()
	}
	if err := checkText("subject", m.Subject); err != nil {
		return nil, err
	}
	if strings.TrimSpace(m.Text) == "" {
		return nil, invalid("the text body is required")
	}
	if !utf8.ValidString(m.Text) {
		return nil, invalid("the text body is not valid UTF-8")
	}
	if !utf8.ValidString(m.HTML) {
		return nil, invalid("the HTML body is not valid UTF-8")
	}
	msgID, err := messageID(m.MessageID, from)
	if err != nil {
		return nil, err
	}
	extra, err := extraHeaders(m.Headers)
	if err != nil {
		return nil, err
	}

	var b bytes.Buffer
	fields := []struct{ name, value string }{
		{"Date", now.Format(time.RFC1123Z)},
		{"From", from.String()},
		{"To", strings.Join(to, ", ")},
		{"Subject", mime.QEncoding.Encode("utf-8", m.Subject)},
		{"Message-ID", msgID},
	}
	for _, f := range fields {
		if err := writeHeader(&b, f.name, f.value); err != nil {
			return nil, err
		}
	}
	for _, h := range extra {
		if err := writeHeader(&b, h[0], h[1]); err != nil {
			return nil, err
		}
	}
	b.WriteString("MIME-Version: 1.0\r\n")

	if m.HTML == "" {
		b.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
		b.WriteString("Content-Transfer-Encoding: quoted-printable\r\n\r\n")
		// Writing to a bytes.Buffer cannot fail.
		_ = writeQP(&b, m.Text)
		if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
			b.WriteString("\r\n")
		}
		return b.Bytes(), nil
	}

	mw := multipart.NewWriter(&b)
	ct := mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()})
	if err := writeHeader(&b, "Content-Type", ct); err != nil {
		return nil, err
	}
	b.WriteString("\r\n")
	for _, part := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		pw, err := mw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {part.typ + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		})
		if err != nil {
			return nil, err
		}
		if err := writeQP(pw, part.body); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidMessage}, args...)...)
}

// checkAddress checks a sender or recipient: a plain address that net/mail
// reads back unchanged, and a display name without line breaks.
func checkAddress(a Address) error {
	if !samspil.ValidEmail(a.Address) {
		return errors.New("not an e-mail address")
	}
	if strings.ContainsAny(a.Name, "\r\n") {
		return errors.New("the name contains a line break")
	}
	if !utf8.ValidString(a.Name) {
		return errors.New("the name is not valid UTF-8")
	}
	return nil
}

// checkText refuses header text with line breaks or invalid UTF-8.
func checkText(what, s string) error {
	if strings.ContainsAny(s, "\r\n") {
		return invalid("the %s contains a line break", what)
	}
	if !utf8.ValidString(s) {
		return invalid("the %s is not valid UTF-8", what)
	}
	return nil
}

// messageID returns id in angle brackets, or a new random ID at the domain
// of from when id is empty.
func messageID(id string, from Address) (string, error) {
	if id == "" {
		domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
		return "<" + rand.Text() + "@" + domain + ">", nil
	}
	bare := strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
	left, right, ok := strings.Cut(bare, "@")
	if !ok || left == "" || right == "" || strings.ContainsAny(bare, "<>()[]\\,;:\" ") || !printableASCII(bare) {
		return "", invalid("the message ID %q is not of the form <unique@domain>", id)
	}
	return "<" + bare + ">", nil
}

// extraHeaders checks m.Headers and returns them as name-value pairs
// sorted by name, with non-ASCII values encoded.
func extraHeaders(h map[string]string) ([][2]string, error) {
	out := make([][2]string, 0, len(h))
	seen := map[string]bool{}
	for name, value := range h {
		if strings.ContainsAny(name, "\r\n") || strings.ContainsAny(value, "\r\n") {
			return nil, invalid("the header %q contains a line break", name)
		}
		if name == "" || len(name) > 76 || strings.Contains(name, ":") || !printableASCII(name) {
			return nil, invalid("%q is not a header name", name)
		}
		lower := strings.ToLower(name)
		if slices.Contains(reservedHeaders, lower) {
			return nil, invalid("the header %s is set by Render and may not be given in Headers", name)
		}
		if seen[lower] {
			return nil, invalid("the header %s is given twice", name)
		}
		seen[lower] = true
		if err := checkText("header "+name, value); err != nil {
			return nil, err
		}
		out = append(out, [2]string{name, mime.QEncoding.Encode("utf-8", value)})
	}
	slices.SortFunc(out, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	return out, nil
}

// printableASCII reports whether s consists of the characters ! to ~.
func printableASCII(s string) bool {
	for i := range len(s) {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// Line lengths of RFC 5322 section 2.1.1: lines should be at most 78
// characters and must be at most 998.
const (
	foldAt      = 78
	maxLineSize = 998
)

// writeHeader writes "name: value" CRLF, folding the value at spaces so
// that lines stay within 78 characters where the words allow it. value
// must not contain CR or LF.
func writeHeader(b *bytes.Buffer, name, value string) error {
	line := name + ":"
	for i, word := range strings.Split(value, " ") {
		switch {
		case i == 0 || word == "" || len(line)+1+len(word) <= foldAt || strings.TrimSpace(line) == name+":":
			line += " " + word
		default:
			b.WriteString(line + "\r\n")
			line = " " + word
		}
		if len(line) > maxLineSize {
			return invalid("the %s header has a word too long for one line", name)
		}
	}
	b.WriteString(line + "\r\n")
	return nil
}

// writeQP writes text as quoted-printable with CRLF line endings; LF, CR
// and CRLF in text all end a line.
func writeQP(w io.Writer, text string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := io.WriteString(qp, text); err != nil {
		return err
	}
	return qp.Close()
}
