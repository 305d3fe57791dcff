package httpx

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/samspil/samspil"
)

// statusOf maps samspil error codes to HTTP status codes: the one place
// where this happens.
var statusOf = map[string]int{
	samspil.EINVALID:      http.StatusUnprocessableEntity,
	samspil.ENOTFOUND:     http.StatusNotFound,
	samspil.ECONFLICT:     http.StatusConflict,
	samspil.ESTALE:        http.StatusPreconditionFailed,
	samspil.EPRECONDITION: http.StatusPreconditionRequired,
	samspil.EFORBIDDEN:    http.StatusForbidden,
	samspil.EUNAUTHORIZED: http.StatusUnauthorized,
	samspil.ELOCKED:       http.StatusTooManyRequests,
	samspil.EBUSY:         http.StatusTooManyRequests,
	samspil.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	samspil.EINTERNAL:     http.StatusInternalServerError,
	samspil.EUNAVAILABLE:  http.StatusServiceUnavailable,
}

// Status returns the HTTP status for err.
func Status(err error) int {
	if s, ok := statusOf[samspil.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// codeOf names the code for statuses that several codes map to.
var codeOf = map[int]string{
	http.StatusTooManyRequests: samspil.EBUSY,
}

// CodeOf returns the samspil error code for an HTTP status, for errors that
// the HTTP layer makes itself (malformed JSON, oversized bodies).
func CodeOf(status int) string {
	if code, ok := codeOf[status]; ok {
		return code
	}
	for code, s := range statusOf {
		if s == status {
			return code
		}
	}
	if status >= 400 && status < 500 {
		return samspil.EINVALID
	}
	return samspil.EINTERNAL
}

// LogInternal logs an error that is not the client's fault. The message
// shown to the client stays generic.
func LogInternal(ctx context.Context, err error) {
	if Status(err) >= 500 {
		slog.ErrorContext(ctx, "request failed", "error", err.Error(), "request_id", samspil.RequestID(ctx))
	}
}

// SetRetryAfter sets the Retry-After header of an answer to err when err
// asks the client to come back later (429) and says when: whole seconds,
// rounded up.
func SetRetryAfter(h http.Header, err error) {
	var e *samspil.Error
	if Status(err) != http.StatusTooManyRequests || !errors.As(err, &e) || e.RetryAfter <= 0 {
		return
	}
	h.Set("Retry-After", strconv.FormatInt(int64((e.RetryAfter+time.Second-1)/time.Second), 10))
}
