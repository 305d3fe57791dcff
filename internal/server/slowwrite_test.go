package server_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/server"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestWriteWaitingForTheDatabase makes an API write and a page form wait
// longer for the database than their bodies may take to arrive (the API's
// 5 s, the forms' 10 s are for the body only): another connection holds
// the lock of their units for 11 s. Both must be taken once it lets go,
// with the server's own timeouts in place: nothing may end a request
// because its body's deadline passed while it waited.
func TestWriteWaitingForTheDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("waits 11 s per engine")
	}
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			dsn := testkit.NewDSN(t, e)
			// A server with the read deadlines samspil serve sets.
			app := testkit.NewAppOn(t, dsn, server.Config{Version: "test"})
			db := app.DB
			p := testkit.NewPerson(t, db, "drift@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
			api := app.Token(t, p.User.ID)
			var unit, other samspil.OrgUnit // one for the API, one for the form
			api.Do("POST", "/api/v1/organizations/0740/units", `{"kind":"team","name":"Før ventetiden"}`).Want(t, http.StatusCreated).JSON(t, &unit)
			api.Do("POST", "/api/v1/organizations/0740/units", `{"kind":"team","name":"Formularens enhed"}`).Want(t, http.StatusCreated).JSON(t, &other)
			b := app.Browser(t)
			b.Login("drift@silkeborg.example", testkit.Password).Want(t, http.StatusSeeOther)

			// Another connection takes the lock: SQLite's write lock, or
			// PostgreSQL's lock on the unit's row.
			raw, err := sql.Open(map[sqldb.Engine]string{sqldb.SQLite: "sqlite", sqldb.Postgres: "pgx"}[e], dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { raw.Close() })
			tx, err := raw.Begin()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.Exec(`UPDATE org_units SET name = name WHERE id IN ($1, $2)`, unit.ID, other.ID); err != nil {
				t.Fatal(err)
			}
			time.AfterFunc(11*time.Second, func() { tx.Rollback() })

			done := make(chan *testkit.Response, 1)
			go func() {
				done <- b.Do("POST", "/organizations/0740/units/"+other.ID, url.Values{"name": {"Formularen efter ventetiden"},
					"kind": {"team"}, "parent_id": {""}, "version": {"1"}})
			}()
			started := time.Now()
			res := api.Do("PATCH", "/api/v1/organizations/0740/units/"+unit.ID, `{"name":"Efter ventetiden"}`, "If-Match", `"1"`)
			if res.Status != http.StatusOK {
				t.Fatalf("the API write after %s: %d %s", time.Since(started).Round(time.Millisecond), res.Status, res.Body)
			}
			form := <-done
			if form.Status != http.StatusSeeOther {
				t.Fatalf("the form after %s: %d %s", time.Since(started).Round(time.Millisecond), form.Status, form.Body)
			}
			if waited := time.Since(started); waited < 10*time.Second {
				t.Fatalf("the writes did not wait for the lock (%s): the test proves nothing", waited)
			}
			for id, want := range map[string]string{unit.ID: "Efter ventetiden", other.ID: "Formularen efter ventetiden"} {
				got, err := db.FindUnit(context.Background(), testkit.System, unit.OrganizationID, id)
				if err != nil {
					t.Fatal(err)
				}
				if got.Name != want {
					t.Fatalf("the unit is %q, want %q", got.Name, want)
				}
			}
		})
	}
}
