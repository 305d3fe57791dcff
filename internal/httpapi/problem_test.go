package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
)

// A busy or paused answer is a 429 problem with Retry-After, both where
// huma writes an operation's error and where the responder does.
func TestProblemRetryAfter(t *testing.T) {
	busy := samspil.Errorf(samspil.EBUSY, "the server is busy; try again in a moment")
	busy.RetryAfter = time.Second

	var he huma.HeadersError
	if err := fail(context.Background(), busy, "body"); !errors.As(err, &he) || he.GetHeaders().Get("Retry-After") != "1" {
		t.Fatalf("operation error %#v carries no Retry-After", err)
	}

	rec := httptest.NewRecorder()
	Responder.Error(rec, httptest.NewRequest("POST", "/api/v1/users", nil), busy)
	var p Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "1" || p.Code != samspil.EBUSY {
		t.Fatalf("status %d, Retry-After %q, code %q", rec.Code, rec.Header().Get("Retry-After"), p.Code)
	}

	rec = httptest.NewRecorder()
	Responder.Error(rec, httptest.NewRequest("GET", "/api/v1/users", nil), samspil.Errorf(samspil.EINVALID, "is required"))
	if rec.Header().Get("Retry-After") != "" {
		t.Fatalf("Retry-After on a %d answer", rec.Code)
	}
}
