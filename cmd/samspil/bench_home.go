package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth"
	"github.com/samspil/samspil/internal/demo"
	"github.com/samspil/samspil/internal/server"
	"github.com/samspil/samspil/internal/sqldb"
)

// Targets of the start page issue, at demo scale, server time.
const (
	targetHome   = 50 * time.Millisecond // "Mit overblik"
	targetSearch = 30 * time.Millisecond // the header search and the search API
)

// benchHome measures "Mit overblik" and search at demo scale as the demo's
// Silkeborg IT chief (a municipality's role, so every visibility filter
// runs), on the SQLite demo database h serves and, with --postgres, on a
// PostgreSQL demo of its own.
func (c *benchCmd) benchHome(ctx context.Context, m *Main, db *sqldb.DB, h http.Handler, engine string) error {
	actor := samspil.SystemActor("bench")
	chief, err := db.UserIDByEmail(ctx, demo.SilkeborgChiefEmail)
	if err != nil {
		return fmt.Errorf("demo IT chief of Silkeborg: %w", err)
	}
	_, secret, err := db.CreateToken(ctx, actor, chief, samspil.TokenInput{Name: "bench home"})
	if err != nil {
		return err
	}
	for _, p := range []struct {
		name, path string
		target     time.Duration
	}{
		{"Mit overblik (Silkeborg IT chief), " + engine, "/", targetHome},
		{"search suggestions \"silk\", " + engine, "/search/suggest?q=silk", targetSearch},
		{"search page \"esdh\", " + engine, "/search?q=esdh", targetSearch},
		{"search API \"0740\", " + engine, "/api/v1/search?q=0740", targetSearch},
	} {
		median, err := medianRequest(h, p.path, secret, c.Runs)
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		row(m.Stdout, p.name, float64(median.Microseconds())/1000, float64(p.target.Microseconds())/1000, "ms")
	}
	return c.benchInitiatives(ctx, m, db, h, engine)
}

// benchHomePostgres builds the demo in a scratch PostgreSQL database and
// measures the start page and search there.
func (c *benchCmd) benchHomePostgres(ctx context.Context, m *Main) error {
	dsn, drop, err := scratchPostgres(ctx, c.Postgres)
	if err != nil {
		return err
	}
	defer drop()
	db, srv, err := demoServer(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	return c.benchHome(ctx, m, db, srv.Handler(), "postgres")
}

// demoServer opens the database at dsn, fills it with the demo (as serve
// --demo does) and returns it with a server for the pages and the API.
func demoServer(ctx context.Context, dsn string) (*sqldb.DB, *server.Server, error) {
	db, err := openStore(ctx, dsn, auth.Limit{})
	if err != nil {
		return nil, nil, err
	}
	if _, err := demo.Ensure(ctx, db); err != nil {
		db.Close()
		return nil, nil, err
	}
	srv, err := server.New(db, server.Config{Version: Version, SecureCookies: true})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, srv, nil
}
