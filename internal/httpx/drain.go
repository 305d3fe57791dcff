package httpx

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The most DrainBody reads of a body its handler left unread, and for how
// long, before the connection is closed anyway.
const (
	DrainBytes = 8 << 20
	DrainTime  = 5 * time.Second
)

// answerBuffer is how much of the answer to a request with a body is held
// back, so that a short answer goes out whole, with its length, before the
// body is drained.
const answerBuffer = 64 << 10

// DrainBody reads and discards what a handler left of the request body (a
// body over its limit answered 413, a post turned away with 401), up to
// DrainBytes or DrainTime, whichever comes first, after the answer has been
// sent. Many clients (Python's urllib among them) send the whole body before
// they read the answer; without this the server closes the connection while
// they are still sending, and they see a reset instead of the answer.
func DrainBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 || r.ProtoMajor != 1 {
			next.ServeHTTP(w, r)
			return
		}
		body := &drainBody{rc: r.Body}
		r = r.WithContext(r.Context()) // a copy, so that the caller's request keeps its body
		r.Body = body
		answer := &heldAnswer{ResponseWriter: w}
		next.ServeHTTP(answer, r)
		answer.finish()
		if body.eof {
			return
		}
		if !body.read && strings.EqualFold(r.Header.Get("Expect"), "100-continue") {
			// Nobody asked for the body: the client waits for "100
			// Continue" and, having the answer instead, sends nothing.
			return
		}
		rc := http.NewResponseController(w)
		rc.Flush() // the answer goes out first
		rc.SetReadDeadline(time.Now().Add(DrainTime))
		io.CopyN(io.Discard, body.rc, DrainBytes)
		// The next request on this connection gets the server's own
		// deadlines (none when it has none).
		rc.SetReadDeadline(time.Time{})
	})
}

// drainBody is a request body that remembers whether it was read to the end.
// Closing it leaves the body open for DrainBody; the server closes it after
// the handler in any case.
type drainBody struct {
	rc   io.ReadCloser
	read bool
	eof  bool
}

func (b *drainBody) Read(p []byte) (int, error) {
	b.read = true
	n, err := b.rc.Read(p)
	if err == io.EOF {
		b.eof = true
	}
	return n, err
}

func (b *drainBody) Close() error { return nil }

// heldAnswer holds back an answer of up to answerBuffer bytes until the
// handler is done, then sends it with its Content-Length: a client reading
// it while the server drains the body then knows where it ends. A longer
// answer, or one the handler flushes, goes out as it is written.
type heldAnswer struct {
	http.ResponseWriter
	status int
	buf    []byte
	passed bool
}

func (a *heldAnswer) WriteHeader(code int) {
	switch {
	case a.passed || code < 200: // informational answers go out at once
		a.ResponseWriter.WriteHeader(code)
	case a.status == 0:
		a.status = code
	}
}

func (a *heldAnswer) Write(p []byte) (int, error) {
	if !a.passed && len(a.buf)+len(p) <= answerBuffer {
		if a.status == 0 {
			a.status = http.StatusOK
		}
		a.buf = append(a.buf, p...)
		return len(p), nil
	}
	a.pass()
	return a.ResponseWriter.Write(p)
}

// pass sends what was held and lets the rest through.
func (a *heldAnswer) pass() {
	if a.passed {
		return
	}
	a.passed = true
	if a.status != 0 {
		a.ResponseWriter.WriteHeader(a.status)
	}
	if len(a.buf) > 0 {
		a.ResponseWriter.Write(a.buf)
	}
	a.buf = nil
}

// Flush sends what was held and flushes it.
func (a *heldAnswer) Flush() {
	a.pass()
	http.NewResponseController(a.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (a *heldAnswer) Unwrap() http.ResponseWriter { return a.ResponseWriter }

// finish sends a held answer with its length.
func (a *heldAnswer) finish() {
	if a.passed {
		return
	}
	h := a.Header()
	if a.status >= 200 && a.status != http.StatusNoContent && a.status != http.StatusNotModified &&
		h.Get("Content-Length") == "" && h.Get("Transfer-Encoding") == "" {
		h.Set("Content-Length", strconv.Itoa(len(a.buf)))
	}
	a.pass()
}
