// Package httpx is the HTTP plumbing that the JSON API and the web pages
// share: the route table with a permission per route, the permission gate,
// the actor of a request, middleware, and the mapping of samspil errors to
// status codes.
package httpx

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/samspil/samspil"
)

// Route is one entry of the route table.
type Route struct {
	Pattern    string // "METHOD /path/{param}", as http.ServeMux takes it
	Permission samspil.Permission
}

// Router is the one route table of the server. Every route is registered
// with a permission; the router wraps each handler in the permission gate, so
// a route without a permission cannot exist.
type Router struct {
	mux    *http.ServeMux
	mu     sync.Mutex
	routes []Route
	// declared holds permissions for routes that another package (the API
	// framework) registers through HandleFunc.
	declared map[string]samspil.Permission
}

// NewRouter returns an empty router.
func NewRouter() *Router {
	return &Router{mux: http.NewServeMux(), declared: map[string]samspil.Permission{}}
}

// Responder answers requests that the gate turns away, in the style of its
// part of the server: problem+json for the API, pages for the web.
type Responder interface {
	// Unauthenticated answers a request that needs a signed-in user but has
	// none: 401 for the API, a redirect to the login page for the web.
	Unauthenticated(w http.ResponseWriter, r *http.Request)
	// Error answers with err mapped to its status.
	Error(w http.ResponseWriter, r *http.Request, err error)
}

// Handle registers h for pattern ("METHOD /path") under permission p.
func (rt *Router) Handle(pattern string, p samspil.Permission, resp Responder, h http.Handler) {
	rule, ok := samspil.Permissions[p]
	if !ok {
		panic(fmt.Sprintf("route %s: unknown permission %q", pattern, p))
	}
	if !strings.Contains(pattern, " ") {
		panic(fmt.Sprintf("route %s: the pattern must start with a method", pattern))
	}
	rt.mu.Lock()
	rt.routes = append(rt.routes, Route{Pattern: pattern, Permission: p})
	rt.mu.Unlock()
	rt.mux.Handle(pattern, gate(pattern, p, rule, resp, h))
}

// Declare records the permission of a route that will be registered through
// HandleFunc (the JSON API framework registers its routes that way).
func (rt *Router) Declare(pattern string, p samspil.Permission) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if _, dup := rt.declared[pattern]; dup {
		panic(fmt.Sprintf("route %s declared twice", pattern))
	}
	rt.declared[pattern] = p
}

// APIMux adapts the router for the JSON API framework: routes it registers
// must have been declared.
func (rt *Router) APIMux(resp Responder) *APIMux { return &APIMux{rt: rt, resp: resp} }

// APIMux registers declared routes; it panics on a route without a declared
// permission, so that such a route cannot ship.
type APIMux struct {
	rt   *Router
	resp Responder
}

// HandleFunc registers a declared route.
func (m *APIMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.rt.mu.Lock()
	p, ok := m.rt.declared[pattern]
	m.rt.mu.Unlock()
	if !ok {
		panic(fmt.Sprintf("route %s has no declared permission", pattern))
	}
	m.rt.Handle(pattern, p, m.resp, http.HandlerFunc(h))
}

// ServeHTTP serves through the router.
func (m *APIMux) ServeHTTP(w http.ResponseWriter, r *http.Request) { m.rt.ServeHTTP(w, r) }

// ServeHTTP dispatches to the registered routes.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) { rt.mux.ServeHTTP(w, r) }

// Routes returns the route table, sorted by pattern.
func (rt *Router) Routes() []Route {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	out := slices.Clone(rt.routes)
	slices.SortFunc(out, func(a, b Route) int { return strings.Compare(a.Pattern, b.Pattern) })
	return out
}

// gate enforces the route-level part of a permission: signed in, or
// operator. Which objects the actor may touch is checked by the store. It
// also refuses text holding U+0000 in the query and the path, and checks the
// body for it as the handler reads it (input.go).
func gate(pattern string, p samspil.Permission, rule samspil.PermissionRule, resp Responder, h http.Handler) http.Handler {
	params := wildcards(pattern)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor := ActorFrom(r.Context())
		setRoute(r, pattern, actor.Kind)
		switch {
		case rule.Anonymous:
		case !actor.SignedIn():
			resp.Unauthenticated(w, r)
			return
		case rule.OperatorOnly && !actor.IsOperator():
			resp.Error(w, r, samspil.Errorf(samspil.EFORBIDDEN, "this needs the %s permission (%s)", p, rule.Doc))
			return
		}
		if err := checkRequest(params, r); err != nil {
			resp.Error(w, r, err)
			return
		}
		h.ServeHTTP(w, scanBody(r))
	})
}
