package httpx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/netip"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/samspil/samspil"
)

// Middleware wraps a handler.
type Middleware func(http.Handler) http.Handler

// Chain applies middleware so that the first one is the outermost.
func Chain(h http.Handler, mw ...Middleware) http.Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

var reRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// RequestID gives every request an id (a sane incoming X-Request-Id is
// kept), puts it in the context for logs and audit events and echoes it.
func RequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !reRequestID.MatchString(id) {
			b := make([]byte, 12)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(samspil.WithRequestID(r.Context(), id)))
	})
}

type hostKey struct{}

// KeepHost keeps the host a request was sent to in its context, for
// absolute links in answers (Go moves the Host header out of the headers).
func KeepHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), hostKey{}, r.Host)))
	})
}

// HostFrom returns the host kept by KeepHost, or "".
func HostFrom(ctx context.Context) string {
	h, _ := ctx.Value(hostKey{}).(string)
	return h
}

type clientKey struct{}

// ClientAddress keeps the client's address in the request context, where
// sign-in throttling finds it. Directly, the client is the connection's
// peer. Behind a proxy (the server's --behind-tls), it is the last address
// in X-Forwarded-For: the one the proxy in front of samspil added; any
// earlier ones come from the client and prove nothing. Without a usable
// header it is the peer, the proxy itself.
func ClientAddress(behindProxy bool) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientKey{}, clientAddr(r, behindProxy))))
		})
	}
}

func clientAddr(r *http.Request, behindProxy bool) netip.Addr {
	if behindProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			all := strings.Split(xff[len(xff)-1], ",")
			if a, ok := parseAddr(strings.TrimSpace(all[len(all)-1])); ok {
				return a
			}
		}
	}
	a, _ := parseAddr(r.RemoteAddr)
	return a
}

// parseAddr reads an address with or without a port.
func parseAddr(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	return netip.Addr{}, false
}

// ClientAddr returns the address kept by ClientAddress, or the zero Addr.
func ClientAddr(ctx context.Context) netip.Addr {
	a, _ := ctx.Value(clientKey{}).(netip.Addr)
	return a
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Metrics are the Prometheus metrics of the HTTP server.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight *prometheus.GaugeVec
}

// NewMetrics registers the HTTP metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "samspil_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "samspil_http_request_duration_seconds", Help: "HTTP request duration by route pattern.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		inFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "samspil_http_requests_in_flight", Help: "HTTP requests being handled, by route pattern: counted once the route is known, until the handler returns.",
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration, m.inFlight)
	return m
}

// Observe logs each request as one JSON line and counts it in the metrics,
// labelled by route pattern (never by path, which holds ids), without
// personal data: no query string, no address, no user. A request is in
// flight from when the gate knows its route until its handler returns.
func Observe(m *Metrics) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			r, route := withRouteHolder(r)
			route.inFlight = m.inFlight
			sw := &statusWriter{ResponseWriter: w}
			defer func() {
				if route.counted != "" {
					m.inFlight.WithLabelValues(route.counted).Dec()
				}
				if p := recover(); p != nil {
					slog.ErrorContext(r.Context(), "panic", "panic", p, "stack", string(debug.Stack()), "request_id", samspil.RequestID(r.Context()))
					if sw.status == 0 {
						http.Error(sw, "internal error", http.StatusInternalServerError)
					}
				}
				if sw.status == 0 {
					sw.status = http.StatusOK
				}
				elapsed := time.Since(start)
				label := route.label()
				m.requests.WithLabelValues(label, r.Method, strconv.Itoa(sw.status)).Inc()
				m.duration.WithLabelValues(label).Observe(elapsed.Seconds())
				level := slog.LevelInfo
				if sw.status >= 500 {
					level = slog.LevelError
				}
				slog.Log(r.Context(), level, "request", "method", r.Method, "route", label, "status", sw.status,
					"bytes", sw.bytes, "duration_ms", float64(elapsed.Microseconds())/1000,
					"actor", string(route.actor), "request_id", samspil.RequestID(r.Context()))
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

// ContentSecurityPolicy allows only our own scripts, styles and images: no
// inline code, no framing.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// SecurityHeaders sets the headers every response carries.
func SecurityHeaders(tls bool) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", ContentSecurityPolicy)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", "same-origin")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
			if tls {
				h.Set("Strict-Transport-Security", "max-age=31536000")
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Authenticate resolves the credentials of a request to an actor: an API
// token in "Authorization: Bearer", else the session cookie, else anonymous.
// A bad token is refused at once; a stale cookie is dropped and the request
// goes on anonymously.
func Authenticate(auth samspil.AuthService, cookies CookieOptions, api Responder) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			actor := samspil.Anonymous()
			if token, ok := bearerToken(r); ok {
				a, err := auth.TokenActor(r.Context(), token)
				if err != nil {
					api.Error(w, r, err)
					return
				}
				actor = a
			} else if secret := SessionSecret(r); secret != "" {
				a, err := auth.SessionActor(r.Context(), secret)
				switch {
				case err == nil:
					actor = a
				case samspil.ErrorCode(err) == samspil.EUNAUTHORIZED:
					cookies.ClearSessionCookie(w)
				default:
					api.Error(w, r, err)
					return
				}
			}
			next.ServeHTTP(w, r.WithContext(WithActor(r.Context(), actor)))
		})
	}
}
