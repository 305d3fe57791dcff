// Package httpapi is the JSON API of samspil under /api/v1, described by an
// OpenAPI 3.1 document (committed as api/openapi.json). Errors are RFC 9457
// problem documents carrying the field paths of invalid input.
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
	"github.com/samspil/samspil/internal/opportunity"
)

// Prefix is where the API lives.
const Prefix = "/api/v1"

// Version is the version of the API contract (not of the program).
const Version = "1.0"

// MaxBodyBytes caps request bodies; larger ones get 413.
const MaxBodyBytes = 256 << 10

// Store is what the API needs of the store.
type Store = samspil.Services

// API serves /api/v1.
type API struct {
	store     Store
	PublicURL string // the site's address for absolute links; empty means the request's host
	// FetchSAMLMetadata reads a SAML identity provider's metadata from its
	// address, for a provider given by metadata_url only.
	FetchSAMLMetadata func(ctx context.Context, address string) (string, error)
	// Opportunities answers where working together makes sense; the
	// server sets it (its routes answer 503 without it).
	Opportunities *opportunity.Engine
	// Reports writes the health reports' PDF and HTML (the web pages' own
	// documents); the server sets it (the report answers 503 without it).
	Reports HealthReporter
	// Danish says an import's stored English message in Danish, for the
	// column Fejl of an import's rows with errors; the server sets it (the
	// messages stay English without it).
	Danish func(message string) string
	rt     *httpx.Router
	huma   huma.API
}

// Responder answers turned-away API requests with problem documents.
var Responder httpx.Responder = responder{}

// New registers the API's routes on rt.
func New(rt *httpx.Router, store Store) *API {
	config := huma.Config{
		OpenAPI: &huma.OpenAPI{
			OpenAPI: "3.1.0",
			Info: &huma.Info{
				Title:       "samspil API",
				Version:     Version,
				Description: "Organisations, people, roles and the audit log of samspil, the platform where municipalities collaborate on IT and digitalisation.",
				License:     &huma.License{Name: "EUPL-1.2", Identifier: "EUPL-1.2"},
			},
			Servers: []*huma.Server{{URL: Prefix}},
			Components: &huma.Components{
				Schemas: huma.NewMapRegistry("#/components/schemas/", huma.DefaultSchemaNamer),
				SecuritySchemes: map[string]*huma.SecurityScheme{
					"bearer":  {Type: "http", Scheme: "bearer", Description: "An API token made with `samspil token create` or POST /tokens"},
					"session": {Type: "apiKey", In: "cookie", Name: httpx.SessionCookie, Description: "The browser session of the web pages"},
				},
			},
		},
		Formats:       map[string]huma.Format{"application/json": huma.DefaultJSONFormat, "json": huma.DefaultJSONFormat},
		DefaultFormat: "application/json",
		// No docs page (it would load scripts from a CDN), no $schema links.
	}
	// Amounts are kept in øre but travel as decimal numbers of kroner.
	config.Components.Schemas.RegisterTypeAlias(reflect.TypeFor[samspil.DKK](), reflect.TypeFor[float64]())
	a := &API{store: store, rt: rt}
	a.huma = humago.NewWithPrefix(rt.APIMux(Responder), Prefix, config)
	rt.Handle("GET "+Prefix+"/openapi.json", samspil.PermPublic, Responder, http.HandlerFunc(a.serveOpenAPI))
	a.registerOrganizations()
	a.registerUnits()
	a.registerUsers()
	a.registerMemberships()
	a.registerAudit()
	a.registerTokens()
	a.registerSystems()
	a.registerUsages()
	a.registerRelations()
	a.registerContracts()
	a.registerDataProcessing()
	a.registerRoles()
	a.registerDataClassifications()
	a.registerIdentityProviders()
	a.registerKLE()
	a.registerDeletions()
	a.registerCalendarFeeds()
	a.registerImports()
	a.registerCollaborations()
	a.registerConsent()
	a.registerDecisions()
	a.registerGovernance()
	a.registerForums()
	a.registerNotices()
	a.registerSearch()
	a.registerInitiatives()
	a.registerOpportunities()
	a.registerHealth()
	allowEmptyDates(config.Components.Schemas)
	setEnums(config.Components.Schemas)
	return a
}

// publicURL is the site's address for links in answers.
func (a *API) publicURL(host string) string {
	if a.PublicURL != "" {
		return strings.TrimSuffix(a.PublicURL, "/")
	}
	return "http://" + host
}

// OpenAPI returns the OpenAPI document, indented, as served.
func (a *API) OpenAPI() ([]byte, error) {
	b, err := json.MarshalIndent(a.huma.OpenAPI(), "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func (a *API) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	b, err := a.OpenAPI()
	if err != nil {
		Responder.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.oai.openapi+json")
	w.Write(b)
}

// register adds an operation with its permission: the permission is declared
// in the route table (which refuses undeclared routes), shown in the
// document as x-permission, and enforced by the gate and the store.
func register[I, O any](a *API, op huma.Operation, perm samspil.Permission, h func(context.Context, *I) (*O, error)) {
	rule := samspil.Permissions[perm]
	a.rt.Declare(strings.ToUpper(op.Method)+" "+Prefix+op.Path, perm)
	op.Extensions = map[string]any{"x-permission": string(perm)}
	op.Description = strings.TrimSpace(op.Description + "\n\nWho may call it: " + rule.Doc + ".")
	op.Security = []map[string][]string{{"bearer": {}}, {"session": {}}}
	if rule.Anonymous {
		// Open to anyone; signed in, the caller is answered with more.
		op.Security = append([]map[string][]string{{}}, op.Security...)
	}
	if op.MaxBodyBytes == 0 {
		op.MaxBodyBytes = MaxBodyBytes
	}
	// A body said to be over the limit is refused before any of it is
	// read (the framework would read up to the limit first: 50 MiB for an
	// import); one sent without a length is cut at the limit as it is read.
	limit := op.MaxBodyBytes
	op.Middlewares = append(op.Middlewares, func(ctx huma.Context, next func(huma.Context)) {
		r, _ := humago.Unwrap(ctx)
		if r.ContentLength > limit {
			huma.WriteErr(a.huma, ctx, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body is too large limit=%d bytes", limit))
			return
		}
		if r.ContentLength < 0 && limit > MaxBodyBytes {
			// An upload sent without a length goes to disk first: one over
			// the limit is refused without being held in memory.
			f, err := os.CreateTemp("", "samspil-upload-*")
			if err != nil {
				huma.WriteErr(a.huma, ctx, http.StatusInternalServerError, "the upload could not be kept")
				return
			}
			defer os.Remove(f.Name())
			defer f.Close()
			n, err := io.Copy(f, io.LimitReader(r.Body, limit+1))
			switch {
			case n > limit:
				huma.WriteErr(a.huma, ctx, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body is too large limit=%d bytes", limit))
				return
			case err != nil:
				huma.WriteErr(a.huma, ctx, http.StatusBadRequest, "the body could not be read")
				return
			}
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				huma.WriteErr(a.huma, ctx, http.StatusInternalServerError, "the upload could not be kept")
				return
			}
			r.Body, r.ContentLength = io.NopCloser(f), n
		}
		next(ctx)
	})
	op.Errors = append(op.Errors, http.StatusUnprocessableEntity)
	huma.Register(a.huma, op, h)
	setParamEnums(a.huma.OpenAPI(), op.Method, op.Path, reflect.TypeFor[I]())
}

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type      string          `json:"type,omitempty" doc:"A URI reference that identifies the problem type" default:"about:blank"`
	Title     string          `json:"title,omitempty" doc:"Short summary of the problem type"`
	Status    int             `json:"status,omitempty" doc:"HTTP status code"`
	Detail    string          `json:"detail,omitempty" doc:"What went wrong, for people"`
	Code      string          `json:"code" doc:"Machine-readable error code" enum:"invalid,not_found,conflict,stale,forbidden,unauthorized,locked,busy,internal,too_large,precondition"`
	RequestID string          `json:"request_id,omitempty" doc:"Quote it when reporting a problem"`
	Errors    []*FieldProblem `json:"errors,omitempty" doc:"The invalid input fields"`

	headers http.Header // sent with the problem, such as Retry-After
}

// GetHeaders returns the headers sent with the problem.
func (p *Problem) GetHeaders() http.Header {
	if p.headers == nil {
		p.headers = http.Header{}
	}
	return p.headers
}

// FieldProblem names one invalid input field. The offending value is never
// echoed: it may be a password.
type FieldProblem struct {
	Location string `json:"location" doc:"Where the field is, e.g. body.municipality_code or query.limit"`
	Message  string `json:"message"`
}

func (p *Problem) Error() string  { return p.Detail }
func (p *Problem) GetStatus() int { return p.Status }

// ContentType makes problems application/problem+json.
func (p *Problem) ContentType(ct string) string {
	if ct == "application/json" || ct == "" {
		return "application/problem+json"
	}
	return ct
}

func init() {
	// Errors made by the framework (malformed JSON, schema violations,
	// oversized bodies) become problems of the same shape as ours.
	huma.NewErrorWithContext = func(ctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
		for _, err := range errs {
			// Text holding U+0000 found while the body was read.
			var in *httpx.InputError
			if errors.As(err, &in) && ctx != nil {
				return fail(ctx.Context(), in, in.In).(*Problem)
			}
		}
		p := newProblem(status, msg)
		if ctx != nil {
			p.RequestID = samspil.RequestID(ctx.Context())
		}
		for _, err := range errs {
			var d *huma.ErrorDetail
			if errors.As(err, &d) {
				p.Errors = append(p.Errors, &FieldProblem{Location: d.Location, Message: d.Message})
			} else if err != nil {
				p.Errors = append(p.Errors, &FieldProblem{Message: err.Error()})
			}
		}
		if status == http.StatusBadRequest && len(p.Errors) > 0 && p.Errors[0].Location == "" {
			p.Errors[0].Location = "body"
		}
		return p
	}
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		return huma.NewErrorWithContext(nil, status, msg, errs...)
	}
}

func newProblem(status int, detail string) *Problem {
	return &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail, Code: httpx.CodeOf(status)}
}

// fail turns a store error into a problem; where ("body", "query", "path")
// prefixes the field paths of invalid input.
func fail(ctx context.Context, err error, where string) error {
	status := httpx.Status(err)
	p := newProblem(status, samspil.ErrorMessage(err))
	p.Code = samspil.ErrorCode(err)
	p.RequestID = samspil.RequestID(ctx)
	httpx.SetRetryAfter(p.GetHeaders(), err)
	var e *samspil.Error
	if errors.As(err, &e) {
		for _, f := range e.Fields {
			loc := where
			switch {
			case strings.HasPrefix(f.Path, "["): // an item of a top-level array: body[0].title
				loc += f.Path
			case f.Path != "":
				loc += "." + f.Path
			}
			p.Errors = append(p.Errors, &FieldProblem{Location: loc, Message: f.Message})
		}
	}
	if status >= 500 {
		httpx.LogInternal(ctx, err)
	}
	return p
}

type responder struct{}

func (responder) Unauthenticated(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="samspil"`)
	writeProblem(w, r, newProblem(http.StatusUnauthorized, "Sign in or send an API token in the Authorization header."))
}

func (responder) Error(w http.ResponseWriter, r *http.Request, err error) {
	where := "body"
	var in *httpx.InputError
	if errors.As(err, &in) {
		where = in.In
	}
	p, ok := fail(r.Context(), err, where).(*Problem)
	if !ok {
		p = newProblem(http.StatusInternalServerError, "internal error")
	}
	writeProblem(w, r, p)
}

func writeProblem(w http.ResponseWriter, r *http.Request, p *Problem) {
	p.RequestID = samspil.RequestID(r.Context())
	for k, v := range p.headers {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}

// etag is the entity tag of a versioned object.
func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// ifMatch returns the version named by an If-Match header: 428 without one,
// 412 when it names no version.
func ifMatch(ctx context.Context, header string) (int, error) {
	if header == "" {
		return 0, fail(ctx, samspil.Errorf(samspil.EPRECONDITION, "send If-Match with the ETag of the version you changed, so that nobody's change is lost"), "header")
	}
	s := strings.TrimPrefix(strings.TrimSpace(header), "W/")
	v, err := strconv.Atoi(strings.Trim(s, `"`))
	if err != nil || !strings.HasPrefix(s, `"`) || v <= 0 {
		return 0, fail(ctx, samspil.Errorf(samspil.ESTALE, "If-Match %s names no version of this object; send the ETag from GET", header), "header")
	}
	return v, nil
}

// actor returns the actor of the request.
func actor(ctx context.Context) *samspil.Actor { return httpx.ActorFrom(ctx) }

// ListParams are the paging and sync parameters of every list.
type ListParams struct {
	Cursor       string    `query:"cursor" doc:"next_cursor of the previous page"`
	Limit        int       `query:"limit" minimum:"1" maximum:"500" default:"50" doc:"Page size"`
	ChangedSince time.Time `query:"changed_since" doc:"Only records changed at or after this time (RFC 3339), for syncing"`
}

// options converts the parameters.
func (p ListParams) options() samspil.ListOptions {
	o := samspil.ListOptions{Cursor: p.Cursor, Limit: p.Limit}
	if !p.ChangedSince.IsZero() {
		t := p.ChangedSince.UTC()
		o.ChangedSince = &t
	}
	return o
}
