package server_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/server"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestDatabaseUnreachable cuts the connection between samspil and
// PostgreSQL (a proxy in between drops every connection and refuses new
// ones, as a restarting or failed-over server does) and heals it: while it
// is cut, the API answers 503 with a problem document, pages 503 with a
// Danish page, /readyz 503, and never a 500; once healed, samspil serves
// again without a restart. (SQLite is embedded: it cannot become
// unreachable.)
func TestDatabaseUnreachable(t *testing.T) {
	if !slices.Contains(testkit.Engines(t), sqldb.Postgres) {
		t.Skip("needs PostgreSQL: SQLite is embedded and cannot become unreachable")
	}
	dsn := testkit.NewDSN(t, sqldb.Postgres)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cut := newCuttableProxy(t, u.Host)
	u.Host = cut.addr
	app := testkit.NewAppOn(t, u.String(), server.Config{Version: "test"})
	db := app.DB
	p := testkit.NewPerson(t, db, "drift@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
	api := app.Token(t, p.User.ID)
	unseen := app.Token(t, p.User.ID) // a token samspil has not seen yet: no cache can answer for it
	anon := app.Anonymous(t)

	api.Do("GET", "/api/v1/organizations/0740/units", nil).Want(t, http.StatusOK)
	anon.Do("GET", "/organizations/0740", nil).Want(t, http.StatusOK)

	cut.cut()
	res := api.Do("GET", "/api/v1/organizations/0740/units", nil).Want(t, http.StatusServiceUnavailable)
	var problem struct {
		Status int    `json:"status"`
		Code   string `json:"code"`
		Detail string `json:"detail"`
	}
	res.JSON(t, &problem)
	if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" || problem.Code != samspil.EUNAVAILABLE || problem.Status != 503 {
		t.Fatalf("API while the database is unreachable: %s %s", ct, res.Body)
	}
	res = unseen.Do("GET", "/api/v1/organizations/0740/units", nil).Want(t, http.StatusServiceUnavailable)
	res.JSON(t, &problem)
	if problem.Code != samspil.EUNAVAILABLE {
		t.Fatalf("a token checked while the database is unreachable: %s", res.Body)
	}
	res = api.Do("POST", "/api/v1/organizations/0740/units", `{"kind":"team","name":"Under afbrydelsen"}`).Want(t, http.StatusServiceUnavailable)
	res.JSON(t, &problem)
	if problem.Code != samspil.EUNAVAILABLE {
		t.Fatalf("a write while the database is unreachable: %s", res.Body)
	}
	page := anon.Do("GET", "/organizations/0740", nil, "Accept-Language", "da").Want(t, http.StatusServiceUnavailable)
	if !strings.Contains(string(page.Body), "Databasen kan ikke nås lige nu") || strings.Contains(string(page.Body), "goroutine") {
		t.Fatalf("the page while the database is unreachable:\n%s", page.Body)
	}
	anon.Do("GET", "/readyz", nil).Want(t, http.StatusServiceUnavailable)

	cut.heal()
	// Connections the pool held died with the cut; the pool replaces them
	// as they are found dead. Within a few seconds every answer is whole.
	deadline := time.Now().Add(10 * time.Second)
	for {
		res := api.Do("GET", "/api/v1/organizations/0740/units", nil)
		if res.Status == http.StatusOK {
			break
		}
		if res.Status != http.StatusServiceUnavailable || time.Now().After(deadline) {
			t.Fatalf("after the database came back: %d %s", res.Status, res.Body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	api.Do("POST", "/api/v1/organizations/0740/units", `{"kind":"team","name":"Efter afbrydelsen"}`).Want(t, http.StatusCreated)
	anon.Do("GET", "/organizations/0740", nil).Want(t, http.StatusOK)
	anon.Do("GET", "/readyz", nil).Want(t, http.StatusOK)
	var units struct {
		Items []samspil.OrgUnit `json:"items"`
	}
	if err := json.Unmarshal(api.Do("GET", "/api/v1/organizations/0740/units", nil).Want(t, http.StatusOK).Body, &units); err != nil {
		t.Fatal(err)
	}
	for _, u := range units.Items {
		if u.Name == "Under afbrydelsen" {
			t.Fatal("the write answered 503 was stored")
		}
	}
}

// cuttableProxy forwards TCP connections to target until cut: then it
// closes every connection and refuses new ones, until healed.
type cuttableProxy struct {
	t      *testing.T
	addr   string
	target string
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
}

func newCuttableProxy(t *testing.T, target string) *cuttableProxy {
	p := &cuttableProxy{t: t, target: target, conns: map[net.Conn]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.cut)
	return p
}

func (p *cuttableProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns[c], p.conns[up] = true, true
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
}

// cut closes the listener and every connection.
func (p *cuttableProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// heal listens again at the same address.
func (p *cuttableProxy) heal() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.serve(ln)
}
