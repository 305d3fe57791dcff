// Package server assembles samspil's HTTP server: the route table, the JSON
// API, the web pages, health and metrics endpoints, and the middleware that
// every request passes through.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth/sso"
	"github.com/samspil/samspil/internal/httpapi"
	"github.com/samspil/samspil/internal/httpx"
	"github.com/samspil/samspil/internal/mail"
	"github.com/samspil/samspil/internal/notify"
	"github.com/samspil/samspil/internal/opportunity"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/web"
)

// Config configures the server.
type Config struct {
	Addr          string // listen address, e.g. 127.0.0.1:8080
	Version       string
	SecureCookies bool   // set the Secure flag on cookies (default true; browsers accept it on http://localhost)
	TLS           bool   // served behind an HTTPS proxy: adds Strict-Transport-Security, and the client's address is the proxy's last X-Forwarded-For entry
	Demo          bool   // the database holds demo data; the pages say so
	PublicURL     string // the site's address for links that leave it, e.g. https://samspil.example.dk
	// Mail, when set, is the SMTP server the notices job sends through;
	// without it no notices are sent (nor queued).
	Mail *mail.Config
	// Notices say how early each kind of notice goes out; zero fields take
	// the defaults.
	Notices samspil.NoticeHorizons
	// SSOAllowPrivate lets identity providers be reached at loopback and
	// private addresses (the development provider, tests, a provider in
	// the municipality's own network); by default only public addresses.
	SSOAllowPrivate bool
	// ShutdownGrace is how long requests in flight and imports being
	// committed may finish once samspil is told to stop; zero means
	// DefaultShutdownGrace.
	ShutdownGrace time.Duration
}

// Server is samspil's HTTP server.
type Server struct {
	cfg     Config
	db      *sqldb.DB
	web     *web.Web
	notices *notify.Job // nil without mail
	opps    *opportunity.Engine
	saml    *sso.SAML // single sign-on with SAML providers: the metadata refresh
	router  *httpx.Router
	api     *httpapi.API
	handler http.Handler
}

// New builds the server on a migrated store.
func New(db *sqldb.DB, cfg Config) (*Server, error) {
	s := &Server{cfg: cfg, db: db, router: httpx.NewRouter()}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := httpx.NewMetrics(reg)

	cookies := httpx.CookieOptions{Secure: cfg.SecureCookies}
	s.opps = opportunity.NewEngine(db, db.Now, slog.Default())
	s.api = httpapi.New(s.router, db)
	s.api.PublicURL = cfg.PublicURL
	ssoClient := &sso.Client{AllowPrivate: cfg.SSOAllowPrivate}
	samlSP := &sso.SAML{Client: ssoClient, Assertions: db}
	s.saml = samlSP
	s.api.FetchSAMLMetadata = samlSP.FetchMetadata
	s.api.Opportunities = s.opps
	webCfg := web.Config{Cookies: cookies, Version: cfg.Version, Demo: cfg.Demo, PublicURL: cfg.PublicURL, Opportunities: s.opps,
		SSO: &sso.OIDC{Client: ssoClient}, SAML: samlSP}
	var sender mail.Sender
	if cfg.Mail != nil {
		if cfg.PublicURL == "" {
			return nil, errors.New("notices link back to the site: set the public URL when mail is configured")
		}
		smtp, err := mail.NewSMTP(*cfg.Mail)
		if err != nil {
			return nil, fmt.Errorf("mail: %w", err)
		}
		sender = smtp
		webCfg.SendMail = func(ctx context.Context, to, subject, text string) error {
			ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			return sender.Send(ctx, mail.Message{To: []mail.Address{{Address: to}}, Subject: subject, Text: text})
		}
	}
	w, err := web.New(s.router, db, webCfg)
	if err != nil {
		return nil, err
	}
	s.web = w
	s.api.Reports = w
	s.api.Danish = w.Danish
	if sender != nil {
		s.notices = &notify.Job{Store: db, Sender: sender, BaseURL: cfg.PublicURL, Horizons: cfg.Notices,
			Texts: w.Text, Phrases: w.Say, Lang: web.DefaultLanguage}
	}
	plain := plainResponder{}
	s.router.Handle("GET /healthz", samspil.PermPublic, plain, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	}))
	s.router.Handle("GET /readyz", samspil.PermPublic, plain, http.HandlerFunc(s.ready))
	s.router.Handle("GET /metrics", samspil.PermPublic, plain, promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))

	csrf := http.NewCrossOriginProtection()
	// A SAML identity provider posts its response from its own site: the
	// response's signature, the sign-in's state and the browser's binding
	// cookie (checked at the callback it is sent on to) are its credentials.
	csrf.AddInsecureBypassPattern("POST " + sso.ACSPath)
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpapi.Responder.Error(w, r, samspil.Errorf(samspil.EFORBIDDEN, "cross-origin request refused"))
	}))
	s.handler = httpx.Chain(s.router,
		httpx.DrainBody,
		httpx.RequestID,
		httpx.KeepHost,
		httpx.ClientAddress(cfg.TLS),
		httpx.Observe(metrics),
		httpx.Compress(),
		httpx.SecurityHeaders(cfg.TLS),
		csrf.Handler,
		httpx.Authenticate(db, cookies, httpapi.Responder),
	)
	return s, nil
}

// Handler returns the whole server as one handler (tests serve it with
// httptest).
func (s *Server) Handler() http.Handler { return s.handler }

// Routes returns the route table.
func (s *Server) Routes() []httpx.Route { return s.router.Routes() }

// OpenAPIDocument returns the API's OpenAPI document without a database.
func OpenAPIDocument() ([]byte, error) {
	return httpapi.New(httpx.NewRouter(), nil).OpenAPI()
}

// OpenAPI returns the API's OpenAPI document.
func (s *Server) OpenAPI() ([]byte, error) { return s.api.OpenAPI() }

func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.db.Ping(ctx); err != nil {
		slog.WarnContext(r.Context(), "not ready: database unreachable", "error", err.Error())
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unreachable\n"))
		return
	}
	w.Write([]byte("ready\n"))
}

// ListenAndServe serves on cfg.Addr until ctx ends, then shuts down
// gracefully. ready, when not nil, receives the bound address.
func (s *Server) ListenAndServe(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
	}
	// The background loops stop with ctx (or when serving fails);
	// ListenAndServe waits for them, so that none is left writing when the
	// caller closes the database.
	var loops sync.WaitGroup
	defer loops.Wait()
	ctx, stopLoops := context.WithCancel(ctx)
	defer stopLoops()
	background := []func(context.Context){s.purgeLoop, s.meetingsLoop, s.dueChangesLoop, s.samlMetadataLoop, s.opps.Run}
	if s.notices != nil {
		background = append(background, s.notices.Run)
	}
	for _, loop := range background {
		loops.Add(1)
		go func() {
			defer loops.Done()
			loop(ctx)
		}()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Shutting down: no new connections; requests in flight and imports
	// being committed in the background get the grace to finish. Then
	// the requests left are cut off and the commits left stopped (their
	// transactions roll back), so that samspil ends within the grace and a
	// few seconds, as a service manager expects.
	grace := s.cfg.ShutdownGrace
	if grace <= 0 {
		grace = DefaultShutdownGrace
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		slog.Warn("requests still running after the shutdown grace were cut off", "grace", grace.String(), "error", err.Error())
		srv.Close()
	}
	s.web.Drain(shutdownCtx)
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// The server's bounds on a connection. A request's head must arrive within
// ReadHeaderTimeout, and the whole request within ReadTimeout, which the
// largest uploads need (the API's bodies and the pages' forms have shorter
// limits of their own); an answer must be taken within WriteTimeout; an idle
// connection is closed after IdleTimeout.
const (
	ReadHeaderTimeout = 10 * time.Second
	ReadTimeout       = 60 * time.Second
	WriteTimeout      = 120 * time.Second
	IdleTimeout       = 120 * time.Second
	MaxHeaderBytes    = 64 << 10
)

// DefaultShutdownGrace is how long samspil, told to stop, lets requests in
// flight and imports being committed finish.
const DefaultShutdownGrace = 20 * time.Second

// purgeLoop removes ended sessions every few minutes.
func (s *Server) purgeLoop(ctx context.Context) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		if n, err := s.db.PurgeExpired(ctx); err != nil && ctx.Err() == nil {
			slog.Warn("purge expired sessions", "error", err.Error())
		} else if n > 0 {
			slog.Info("purged expired sessions", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// meetingsLoop keeps every forum's meetings generated a good year ahead,
// once at start and then daily.
func (s *Server) meetingsLoop(ctx context.Context) {
	t := time.NewTicker(24 * time.Hour)
	defer t.Stop()
	for {
		if n, err := s.db.ExtendMeetings(ctx, samspil.SystemActor("meetings"), samspil.Now().AddDate(0, 0, 400)); err != nil && ctx.Err() == nil {
			slog.Warn("extend meetings", "error", err.Error())
		} else if n > 0 {
			slog.Info("extended meetings", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// dueChangesLoop makes the changes whose day has come (approved
// adjustments, members' departures), at start and then hourly, so that a
// change dated today is made within the hour.
func (s *Server) dueChangesLoop(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := s.db.ApplyDueChanges(ctx, samspil.SystemActor("consent")); err != nil && ctx.Err() == nil {
			slog.Warn("apply due changes", "error", err.Error())
		} else if n > 0 {
			slog.Info("applied due changes", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// samlMetadataLoop reads the SAML providers' metadata again from their
// addresses, at start and then daily, so that a provider's new signing
// certificate is known before its old one retires.
func (s *Server) samlMetadataLoop(ctx context.Context) {
	t := time.NewTicker(24 * time.Hour)
	defer t.Stop()
	for {
		if n, err := s.saml.RefreshMetadata(ctx, s.db); err != nil && ctx.Err() == nil {
			slog.Warn("refresh SAML metadata", "error", err.Error())
		} else if n > 0 {
			slog.Info("refreshed SAML metadata", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// plainResponder answers the operational endpoints in plain text.
type plainResponder struct{}

func (plainResponder) Unauthenticated(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "unauthorized", http.StatusUnauthorized)
}

func (plainResponder) Error(w http.ResponseWriter, r *http.Request, err error) {
	httpx.SetRetryAfter(w.Header(), err)
	http.Error(w, samspil.ErrorMessage(err), httpx.Status(err))
}
