package testkit

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/server"
	"github.com/samspil/samspil/internal/sqldb"
)

// App is a running samspil server over a fresh database.
type App struct {
	DB     *sqldb.DB
	Server *server.Server
	HTTP   *httptest.Server
	URL    string
	cfg    server.Config
}

// quietLogs silences the server's request log in tests unless
// SAMSPIL_TEST_LOG is set.
var quietLogs sync.Once

// NewApp starts a server on engine e with a fresh database.
func NewApp(t testing.TB, e sqldb.Engine) *App {
	t.Helper()
	return NewAppWith(t, e, server.Config{Version: "test", SecureCookies: true})
}

// NewAppWith starts a server with the given configuration on engine e with
// a fresh database.
func NewAppWith(t testing.TB, e sqldb.Engine, cfg server.Config) *App {
	t.Helper()
	return serveApp(t, NewDB(t, e), cfg, false)
}

// NewAppOn starts a server with the given configuration on the database at
// dsn (made with NewDSN, or reached through something in between), with
// the connection timeouts samspil serve sets.
func NewAppOn(t testing.TB, dsn string, cfg server.Config) *App {
	t.Helper()
	db, err := sqldb.Open(context.Background(), dsn, sqldb.Options{Passwords: Passwords()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return serveApp(t, db, cfg, true)
}

func serveApp(t testing.TB, db *sqldb.DB, cfg server.Config, timeouts bool) *App {
	t.Helper()
	quietLogs.Do(func() {
		if os.Getenv("SAMSPIL_TEST_LOG") == "" {
			slog.SetDefault(slog.New(slog.DiscardHandler))
		}
	})
	srv, err := server.New(db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(srv.Handler())
	if timeouts {
		hs.Config.ReadHeaderTimeout, hs.Config.ReadTimeout = server.ReadHeaderTimeout, server.ReadTimeout
		hs.Config.WriteTimeout, hs.Config.IdleTimeout = server.WriteTimeout, server.IdleTimeout
	}
	hs.Start()
	t.Cleanup(hs.Close)
	return &App{DB: db, Server: srv, HTTP: hs, URL: hs.URL, cfg: cfg}
}

// Clone starts a second server over a copy of the app's database as it is
// now, so that a test can make a change on the copy and keep the original
// as it was. Only SQLite databases are copied this way (an online backup).
func (a *App) Clone(t testing.TB) *App {
	t.Helper()
	if a.DB.Engine() != sqldb.SQLite {
		t.Fatalf("Clone copies SQLite databases only, not %s", a.DB.Engine())
	}
	path := filepath.Join(t.TempDir(), "clone.db")
	if err := a.DB.Backup(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	db, err := sqldb.Open(context.Background(), path, sqldb.Options{Passwords: Passwords()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	srv, err := server.New(db, a.cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &App{DB: db, Server: srv, HTTP: hs, URL: hs.URL, cfg: a.cfg}
}

// ForEachApp runs fn as a subtest per engine with a fresh server.
func ForEachApp(t *testing.T, fn func(t *testing.T, app *App)) {
	t.Helper()
	ForEachAppWith(t, server.Config{Version: "test", SecureCookies: true}, fn)
}

// ForEachAppWith runs fn as a subtest per engine with a fresh server
// configured by cfg.
func ForEachAppWith(t *testing.T, cfg server.Config, fn func(t *testing.T, app *App)) {
	t.Helper()
	for _, e := range Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			fn(t, NewAppWith(t, e, cfg))
		})
	}
}

// Token creates an API token for a user and returns an API client using it.
func (a *App) Token(t testing.TB, userID string) *Client {
	t.Helper()
	_, secret, err := a.DB.CreateToken(context.Background(), System, userID, samspil.TokenInput{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return &Client{t: t, app: a, http: a.newHTTPClient(), token: secret}
}

// Anonymous returns a client without credentials.
func (a *App) Anonymous(t testing.TB) *Client {
	return &Client{t: t, app: a, http: a.newHTTPClient()}
}

// Browser returns a client with its own cookie jar, as a browser would be;
// it sends the Sec-Fetch-Site header of a same-origin browser request and
// does not follow redirects, so that tests see them.
func (a *App) Browser(t testing.TB) *Client {
	c := a.newHTTPClient()
	c.Jar, _ = cookiejar.New(nil)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Client{t: t, app: a, http: c, browser: true}
}

// newHTTPClient returns a client of its own: httptest's Client() is shared,
// and a jar set on it would leak between clients.
func (a *App) newHTTPClient() *http.Client {
	return &http.Client{Transport: a.HTTP.Client().Transport}
}

// Client talks to an App.
type Client struct {
	t       testing.TB
	app     *App
	http    *http.Client
	token   string
	browser bool
}

// Response is a finished request.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test when it cannot.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Do sends a request; body may be nil, a string (sent as is), url.Values
// (sent as a form) or any value (sent as JSON). Headers come in pairs.
func (c *Client) Do(method, path string, body any, headers ...string) *Response {
	c.t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd, ctype = strings.NewReader(b), "application/json"
	case []byte:
		rd, ctype = bytes.NewReader(b), "application/json"
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd, ctype = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequest(method, c.app.URL+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.browser {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// Want fails the test unless the response has the given status.
func (r *Response) Want(t testing.TB, status int) *Response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("want status %d, got %d: %s", status, r.Status, r.Body)
	}
	return r
}

// Login signs a browser client in through the login form.
func (c *Client) Login(email, password string) *Response {
	c.t.Helper()
	return c.Do("POST", "/login", url.Values{"email": {email}, "password": {password}})
}
