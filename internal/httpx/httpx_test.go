package httpx

import (
	"net/http"
	"testing"
	"time"

	"github.com/samspil/samspil"
)

func TestRetryAfter(t *testing.T) {
	busy := samspil.Errorf(samspil.EBUSY, "the server is busy; try again in a moment")
	busy.RetryAfter = time.Second
	locked := samspil.Errorf(samspil.ELOCKED, "too many failed attempts; sign-in is paused for this account, try again later")
	locked.RetryAfter = 14*time.Minute + 30500*time.Millisecond
	unknown := samspil.Errorf(samspil.ELOCKED, "too many failed attempts; sign-in is paused for this account, try again later")
	invalid := samspil.Errorf(samspil.EINVALID, "is required")
	invalid.RetryAfter = time.Minute // only 429 answers say when to come back
	for _, c := range []struct {
		err    error
		status int
		want   string
	}{
		{busy, http.StatusTooManyRequests, "1"},
		{locked, http.StatusTooManyRequests, "871"},
		{unknown, http.StatusTooManyRequests, ""},
		{invalid, http.StatusUnprocessableEntity, ""},
	} {
		h := http.Header{}
		SetRetryAfter(h, c.err)
		if Status(c.err) != c.status || h.Get("Retry-After") != c.want {
			t.Errorf("%v: status %d, Retry-After %q; want %d, %q", c.err, Status(c.err), h.Get("Retry-After"), c.status, c.want)
		}
	}
	if got := CodeOf(http.StatusTooManyRequests); got != samspil.EBUSY {
		t.Errorf("CodeOf(429) = %q", got)
	}
}
