// Package web serves samspil's HTML pages: html/template pages embedded in
// the binary and parsed at start-up (a broken template stops the start, not
// a request), static assets under content-hashed names, and one message
// catalogue for Danish (the default) and English.
package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth/sso"
	"github.com/samspil/samspil/internal/httpx"
	"github.com/samspil/samspil/internal/opportunity"
)

//go:embed templates/*.html
var templateFS embed.FS

// Store is what the pages need of the store.
type Store = samspil.Services

// Config configures the pages.
type Config struct {
	Cookies   httpx.CookieOptions
	PublicURL string // the site's address for links that leave it (calendar feeds); empty means the request's host
	Version   string
	Demo      bool // show that the installation holds demo data
	// SendMail, when set, sends a plain-text e-mail: invitations of people
	// and password reset links. Without it, invitation links are only shown
	// to the administrator, and passwords cannot be reset by e-mail.
	SendMail func(ctx context.Context, to, subject, text string) error
	// Opportunities answers where working together makes sense (the
	// Muligheder page).
	Opportunities *opportunity.Engine
	// SSO speaks OpenID Connect with the organisations' identity
	// providers.
	SSO *sso.OIDC
	// SAML speaks SAML 2.0 with them.
	SAML *sso.SAML
}

// Web serves the pages.
type Web struct {
	now     func() time.Time
	commits commits // imports being committed by this process
	store   Store
	cfg     Config
	cat     *catalogue
	assets  *assets
	pages   map[string]map[string]*template.Template // language -> page -> template
}

// New registers the pages on rt. The templates, the catalogue and the
// assets are embedded and never change, so they are read and parsed once per
// process.
func New(rt *httpx.Router, store Store, cfg Config) (*Web, error) {
	site, err := loadSite()
	if err != nil {
		return nil, err
	}
	w := &Web{now: samspil.Now, store: store, cfg: cfg, cat: site.cat, assets: site.assets, pages: site.pages}
	w.routes(rt)
	return w, nil
}

// loadSite reads the catalogue and the assets and parses every page with
// the layout, once per language, so that the t function is bound to its
// language. The template functions use only the catalogue and the assets.
var loadSite = sync.OnceValues(func() (*Web, error) {
	cat, err := loadCatalogue()
	if err != nil {
		return nil, err
	}
	as, err := loadAssets()
	if err != nil {
		return nil, err
	}
	site := &Web{cat: cat, assets: as, pages: map[string]map[string]*template.Template{}}
	if err := site.parseTemplates(); err != nil {
		return nil, err
	}
	return site, nil
})

// parseTemplates parses every page with the layout, once per language, so
// that the t function is bound to its language.
func (w *Web) parseTemplates() error {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	for _, lang := range languages {
		w.pages[lang] = map[string]*template.Template{}
		for _, file := range names {
			name := strings.TrimSuffix(strings.TrimPrefix(file, "templates/"), ".html")
			if name == "layout" || name == "partials" || strings.HasPrefix(name, "partials_") {
				continue
			}
			t, err := template.New(name).Funcs(w.funcs(lang)).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", "templates/partials_*.html", file)
			if err != nil {
				return fmt.Errorf("parse template %s: %w", name, err)
			}
			w.pages[lang][name] = t
		}
	}
	return nil
}

func (w *Web) funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"t":         func(key string, args ...any) string { return w.cat.text(lang, key, args...) },
		"asset":     w.assets.url,
		"icon":      w.icon,
		"urgencyOf": samspil.UrgencyOf,
		"daysUntil": func(today samspil.Date, d *samspil.Date) int {
			if d == nil {
				return 0
			}
			return samspil.DaysBetween(today, *d)
		},
		"longday": func(d samspil.Date) string { return samspil.LongDate(d, lang) },
		"searchQuery": func(v *view) string {
			if s, ok := v.Data.(*searchPage); ok {
				return s.Query
			}
			return ""
		},
		"date": func(t any) string {
			switch v := t.(type) {
			case time.Time:
				return formatTime(v, lang)
			case *time.Time:
				if v != nil {
					return formatTime(*v, lang)
				}
			}
			return ""
		},
		"thousands": func(n int) string { return thousands(n, lang) },
		"kroner":    func(d samspil.DKK) string { return kroner(d, lang) },
		"day": func(d any) string {
			switch v := d.(type) {
			case samspil.Date:
				return formatDate(v, lang)
			case *samspil.Date:
				if v != nil {
					return formatDate(*v, lang)
				}
			}
			return ""
		},
		"mapclass": func(l samspil.Lifecycle) string { return mapClass(l) },
		"has":      func(ids []string, id string) bool { return slices.Contains(ids, id) },
		"json": func(b []byte) string {
			var buf bytes.Buffer
			if err := jsonIndent(&buf, b); err != nil {
				return string(b)
			}
			return buf.String()
		},
		"say":       func(p samspil.Phrase) string { return w.say(lang, p) },
		"sentence":  func(s string) string { return w.cat.sentence(lang, s) },
		"fieldname": func(path string) string { return w.cat.fieldName(lang, path) },
		// textor is the text of key, or fallback when the catalogue has
		// none: for code words of records, such as the object types of
		// audit events, that may outnumber the catalogue.
		"textor": func(key, fallback string) string {
			if w.cat.has(key) {
				return w.cat.text(lang, key)
			}
			return fallback
		},
		"collabnav": func(v *view, c *samspil.Collaboration, current string) []collabNavItem {
			return w.collabNav(lang, v, c, current)
		},
		"subtree": func(v *view, nodes []*unitNode) treeView { return treeView{View: v, Nodes: nodes} },
		"relrows": func(v *view, rows []samspil.UsageRelation, dir string, showOrg bool) relationRows {
			return relationRows{View: v, Rows: rows, Dir: dir, ShowOrg: showOrg}
		},
		"relform": func(v *view, prefix string, errors bool, to, iface, freq, desc, ref, contract string) relationFields {
			return relationFields{View: v, Prefix: prefix, Errors: errors, ToUsageID: to, InterfaceID: iface, Frequency: freq,
				Description: desc, Reference: ref, ContractID: contract}
		},
		"providerfields": func(v *view, f providerForm, prefix string) providerFields {
			pf := providerFields{F: f, P: prefix, Fields: map[string]string{}, Roles: samspil.Roles, Levels: samspil.NSISLevels,
				Operator: v.Actor.MayRequireSSO(), New: f.ID == ""}
			if f.Failed {
				pf.Fields = v.Fields
			}
			return pf
		},
		"ssoinput":       ssoInput,
		"indent":         func(depth int) string { return strings.Repeat("\u00a0\u00a0", depth) },
		"reflines":       referenceLines,
		"milestonelines": milestoneLines,
	}
}

// icon returns a design-system icon (from the vendored sprite) for
// decoration next to a text: hidden from assistive technology.
func (w *Web) icon(name string) template.HTML {
	return template.HTML(`<svg class="icon-svg" focusable="false" aria-hidden="true"><use href="` +
		template.HTMLEscapeString(w.assets.url("vendor/dkfds/img/all-svg-icons.svg")) + "#" + template.HTMLEscapeString(name) + `"></use></svg>`)
}

// treeView is the data of one level of the unit tree.
type treeView struct {
	View  *view
	Nodes []*unitNode
}

// view is the data every page gets.
type view struct {
	Lang    string
	Title   string
	Actor   *samspil.Actor
	Path    string // the current path with query, for return_to
	Nav     string // the active navigation item
	Demo    bool
	Version string
	Notice  string // a translated confirmation after a change
	Error   string // a translated error for the whole form
	Fields  map[string]string
	// Refresh sends the browser on to another site at once (a meta
	// refresh): after a form post, where the site's Content-Security-Policy
	// (form-action 'self') refuses a redirect to another origin.
	Refresh   string
	Data      any
	Today     samspil.Date // the day of the request, by the site's clock
	requestID string
	err       error // the error shown, for its headers (Retry-After)
}

// newView prepares the common page data.
func (w *Web) newView(r *http.Request, nav string, data any) *view {
	v := &view{Lang: language(r), Actor: httpx.ActorFrom(r.Context()), Path: pagePath(r), Nav: nav, Today: samspil.Today(w.now()),
		Demo: w.cfg.Demo, Version: w.cfg.Version, Data: data, Fields: map[string]string{}, requestID: samspil.RequestID(r.Context())}
	if done := r.URL.Query().Get("done"); done != "" && w.cat.has("done."+done) {
		v.Notice = w.cat.text(v.Lang, "done."+done)
	}
	return v
}

// pagePath is where the reader is, for return_to links: the page itself,
// or after a failed form post the page that held the form.
func pagePath(r *http.Request) string {
	if r.Method == http.MethodGet {
		return localPath(r.URL.RequestURI(), "/organizations")
	}
	if u, err := url.Parse(r.Referer()); err == nil && u.Host == r.Host {
		return localPath(u.RequestURI(), "/organizations")
	}
	return "/organizations"
}

// withError puts err on the page: a form-level message and one message per
// invalid field, in the reader's language.
func (w *Web) withError(v *view, err error) *view {
	v.err = err
	tr := w.translator(v.Lang)
	var e *samspil.Error
	if !errors.As(err, &e) {
		key := "error.internal"
		if samspil.ErrorCode(err) == samspil.EUNAVAILABLE {
			key = "error.unavailable"
		}
		v.Error = w.cat.text(v.Lang, key)
		return v
	}
	v.Error = e.Localize(tr)
	for _, f := range e.Fields {
		v.Fields[f.Path] = f.Localize(tr)
	}
	return v
}

// Text returns a text of the message catalogue in lang, for other parts of
// samspil that write to people, such as e-mail notices.
func (w *Web) Text(lang, key string, args ...any) string { return w.cat.text(lang, key, args...) }

// say returns a computed sentence in the reader's language, its code words
// (samspil.Term) translated too.
func (w *Web) say(lang string, p samspil.Phrase) string { return w.sayPhrase(lang, p) }

// translator translates error messages, with their code words (Term).
func (w *Web) translator(lang string) samspil.Translator {
	return func(format string, args ...any) string { return w.say(lang, samspil.Phrasef(format, args...)) }
}

// render writes a page with the given status.
func (w *Web) render(rw http.ResponseWriter, r *http.Request, status int, page string, v *view) {
	w.renderTemplate(rw, r, status, page, "layout", v)
}

// renderTemplate executes one named template of a page: "layout" for the
// whole page, or a fragment that htmx swaps in.
func (w *Web) renderTemplate(rw http.ResponseWriter, r *http.Request, status int, page, name string, v *view) {
	t, ok := w.pages[v.Lang][page]
	if !ok {
		panic("no template " + page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, v); err != nil {
		slog.ErrorContext(r.Context(), "render page", "page", page, "error", err.Error(), "request_id", v.requestID)
		http.Error(rw, w.cat.text(v.Lang, "error.internal"), http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.Header().Set("Cache-Control", "no-store")
	rw.Header().Set("Vary", "Cookie, HX-Request")
	if v.err != nil {
		httpx.SetRetryAfter(rw.Header(), v.err)
	}
	rw.WriteHeader(status)
	rw.Write(buf.Bytes())
}

// fail shows an error page for err with its status.
func (w *Web) fail(rw http.ResponseWriter, r *http.Request, err error) {
	httpx.LogInternal(r.Context(), err)
	v := w.withError(w.newView(r, "", nil), err)
	v.Title = w.cat.text(v.Lang, "error.title")
	w.render(rw, r, httpx.Status(err), "error", v)
}

// redirect answers a form post with 303 See Other to a page, optionally
// with a confirmation key. The key goes into the query, before any
// #fragment, or the page would never see it.
func redirect(rw http.ResponseWriter, r *http.Request, path, done string) {
	if done != "" {
		path, fragment, hasFragment := strings.Cut(path, "#")
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		target := path + sep + "done=" + url.QueryEscape(done)
		if hasFragment {
			target += "#" + fragment
		}
		http.Redirect(rw, r, target, http.StatusSeeOther)
		return
	}
	http.Redirect(rw, r, path, http.StatusSeeOther)
}

// localPath returns p when it is a path on this site, else fallback. Every
// redirect to a place that the request names (return_to, Referer) goes
// through it, so that none sends people elsewhere.
func localPath(p, fallback string) string {
	if !isLocalPath(p) {
		return fallback
	}
	return p
}

// isLocalPath reports whether p is a path on this site: it starts with
// exactly one "/" and has no backslash anywhere (browsers read "/\evil" as
// "//evil") and no control or format character (browsers drop tabs and
// newlines, so "/\t/evil" becomes "//evil"; others reorder or hide text),
// neither as written nor percent-decoded, in case anything decodes it once
// more on the way.
func isLocalPath(p string) bool {
	decoded, err := url.PathUnescape(p)
	if err != nil {
		return false
	}
	for _, s := range []string{p, decoded} {
		if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || !utf8.ValidString(s) {
			return false
		}
		for _, r := range s {
			if r < 0x20 || r == 0x7f || r == '\\' || unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
				return false
			}
		}
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil
}

// responder answers turned-away page requests.
type responder struct{ w *Web }

func (p responder) Unauthenticated(rw http.ResponseWriter, r *http.Request) {
	target := r.URL.RequestURI()
	if r.Method != http.MethodGet {
		target = r.Referer()
		if u, err := url.Parse(target); err == nil {
			target = u.RequestURI()
		}
	}
	http.Redirect(rw, r, "/login?return_to="+url.QueryEscape(localPath(target, "/")), http.StatusSeeOther)
}

func (p responder) Error(rw http.ResponseWriter, r *http.Request, err error) { p.w.fail(rw, r, err) }
