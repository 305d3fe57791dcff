package httpx

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/samspil/samspil"
)

func TestClientAddress(t *testing.T) {
	for _, c := range []struct {
		name        string
		behindProxy bool
		remote      string
		xff         []string
		want        string
	}{
		{"direct", false, "192.0.2.10:51234", nil, "192.0.2.10"},
		{"direct ignores X-Forwarded-For", false, "192.0.2.10:51234", []string{"203.0.113.7"}, "192.0.2.10"},
		{"direct IPv6", false, "[2001:db8::5]:443", nil, "2001:db8::5"},
		{"direct IPv4-mapped", false, "[::ffff:192.0.2.10]:80", nil, "192.0.2.10"},
		{"proxy", true, "10.0.0.2:40000", []string{"203.0.113.7"}, "203.0.113.7"},
		{"proxy appends to what the client sent", true, "10.0.0.2:40000", []string{"198.51.100.1, 203.0.113.7"}, "203.0.113.7"},
		{"proxy adds a header of its own", true, "10.0.0.2:40000", []string{"198.51.100.1", "203.0.113.7"}, "203.0.113.7"},
		{"proxy with a port", true, "10.0.0.2:40000", []string{"203.0.113.7:5555"}, "203.0.113.7"},
		{"proxy IPv6", true, "10.0.0.2:40000", []string{"[2001:db8::7]:5555"}, "2001:db8::7"},
		{"proxy IPv6 without port", true, "10.0.0.2:40000", []string{" 2001:db8::7 "}, "2001:db8::7"},
		{"proxy sent nothing", true, "10.0.0.2:40000", nil, "10.0.0.2"},
		{"proxy sent garbage", true, "10.0.0.2:40000", []string{"203.0.113.7, unknown"}, "10.0.0.2"},
		{"no address at all", false, "", nil, "invalid IP"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/login", nil)
			r.RemoteAddr = c.remote
			for _, v := range c.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			var got netip.Addr
			ClientAddress(c.behindProxy)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = ClientAddr(r.Context())
			})).ServeHTTP(httptest.NewRecorder(), r)
			if got.String() != c.want {
				t.Fatalf("client address %v, want %s", got, c.want)
			}
		})
	}
}

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

// A request is in flight under its route pattern while its handler runs,
// and no longer once it returns, also when it panics; a request that no
// route took is not counted.
func TestRequestsInFlight(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	// inFlight reads the gauge of each route, as /metrics shows it.
	inFlight := func() map[string]float64 {
		t.Helper()
		families, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for _, f := range families {
			if f.GetName() != "samspil_http_requests_in_flight" {
				continue
			}
			for _, g := range f.GetMetric() {
				for _, l := range g.GetLabel() {
					if l.GetName() == "route" {
						out[l.GetValue()] = g.GetGauge().GetValue()
					}
				}
			}
		}
		return out
	}
	rt := NewRouter()
	entered, release := make(chan struct{}), make(chan struct{})
	rt.Handle("GET /slow/{id}", samspil.PermPublic, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
	}))
	rt.Handle("GET /panics", samspil.PermPublic, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := inFlight()["GET /panics"]; got != 1 {
			t.Errorf("in flight while panicking: %v", got)
		}
		panic("on purpose")
	}))
	h := Chain(rt, Observe(m))
	slow := func() float64 { return inFlight()["GET /slow/{id}"] }
	done := make(chan struct{})
	for i := range 2 {
		go func() {
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/slow/"+strconv.Itoa(i), nil))
			done <- struct{}{}
		}()
		<-entered
	}
	if got := slow(); got != 2 {
		t.Fatalf("in flight: %v, want 2", got)
	}
	release <- struct{}{}
	<-done
	if got := slow(); got != 1 {
		t.Fatalf("in flight after one returned: %v, want 1", got)
	}
	release <- struct{}{}
	<-done
	if got := slow(); got != 0 {
		t.Fatalf("in flight after both returned: %v, want 0", got)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/panics", nil))
	if got := inFlight()["GET /panics"]; rec.Code != http.StatusInternalServerError || got != 0 {
		t.Fatalf("after a panic: status %d, in flight %v", rec.Code, got)
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/slow/1", nil)) // 405: no route took it
	if got := inFlight(); len(got) != 2 {
		t.Fatalf("routes in flight %v, want only the two that were called", got)
	}
}
