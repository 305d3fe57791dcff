package httpx

import (
	"context"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/samspil/samspil"
)

type actorKey struct{}

// WithActor returns a context carrying the actor of a request.
func WithActor(ctx context.Context, a *samspil.Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor of a request; anonymous when none was set.
func ActorFrom(ctx context.Context) *samspil.Actor {
	if a, ok := ctx.Value(actorKey{}).(*samspil.Actor); ok && a != nil {
		return a
	}
	return samspil.Anonymous()
}

type routeKey struct{}

// routeHolder is filled in by the gate with the matched route pattern and
// the kind of actor, so that outer middleware (metrics, logs) can label by
// pattern, never by path.
type routeHolder struct {
	pattern string
	actor   samspil.ActorKind
	// inFlight, when set, counts the request under its pattern once the
	// gate knows it; counted is the label it was counted under, for the
	// outer middleware to take it off again.
	inFlight *prometheus.GaugeVec
	counted  string
}

func withRouteHolder(r *http.Request) (*http.Request, *routeHolder) {
	h := &routeHolder{}
	return r.WithContext(context.WithValue(r.Context(), routeKey{}, h)), h
}

func setRoute(r *http.Request, pattern string, actor samspil.ActorKind) {
	if h, ok := r.Context().Value(routeKey{}).(*routeHolder); ok {
		h.pattern, h.actor = pattern, actor
		if h.inFlight != nil && h.counted == "" {
			h.inFlight.WithLabelValues(pattern).Inc()
			h.counted = pattern
		}
	}
}

// routeLabel returns the matched pattern, or "unmatched".
func (h *routeHolder) label() string {
	if h.pattern == "" {
		return "unmatched"
	}
	return h.pattern
}

// Credentials.
const (
	SessionCookie = "samspil_session"
	bearerPrefix  = "Bearer "
)

// bearerToken returns the token of an "Authorization: Bearer" header.
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) > len(bearerPrefix) && strings.EqualFold(h[:len(bearerPrefix)], bearerPrefix) {
		return strings.TrimSpace(h[len(bearerPrefix):]), true
	}
	return "", false
}

// SessionSecret returns the session cookie's secret, or "".
func SessionSecret(r *http.Request) string {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// CookieOptions say how session cookies are set.
type CookieOptions struct {
	Secure bool // send only over HTTPS (browsers treat http://localhost as secure too)
}

// SetSessionCookie starts a browser session. The cookie lives as long as the
// browser keeps it; the server ends the session on its own clock.
func (o CookieOptions) SetSessionCookie(w http.ResponseWriter, secret string) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: secret, Path: "/", HttpOnly: true, Secure: o.Secure, SameSite: http.SameSiteLaxMode})
}

// ClearSessionCookie removes the session cookie.
func (o CookieOptions) ClearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: o.Secure, SameSite: http.SameSiteLaxMode})
}
