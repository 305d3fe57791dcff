package sqldb_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"

	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestApplicationRoleCannotRewriteAudit sets PostgreSQL up as
// docs/operations.md describes — an owner migrates, an application role gets
// the rights the server needs — and checks that the application role can add
// audit events but not change or remove them.
func TestApplicationRoleCannotRewriteAudit(t *testing.T) {
	hasPG := false
	for _, e := range testkit.Engines(t) {
		hasPG = hasPG || e == sqldb.Postgres
	}
	if !hasPG {
		t.Skip("needs PostgreSQL")
	}
	ctx := context.Background()
	dsn := testkit.NewDSN(t, sqldb.Postgres)
	owner, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { owner.Close() }) // after the role's cleanup below, which needs the connection
	b := make([]byte, 4)
	rand.Read(b)
	role := "samspil_app_" + hex.EncodeToString(b)
	for _, stmt := range []string{
		"CREATE ROLE " + role + " LOGIN",
		"GRANT USAGE ON SCHEMA public TO " + role,
		"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role,
		"REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM " + role,
	} {
		if _, err := owner.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	t.Cleanup(func() {
		owner.Exec("REASSIGN OWNED BY " + role + " TO CURRENT_USER")
		owner.Exec("DROP OWNED BY " + role)
		owner.Exec("DROP ROLE " + role)
	})
	u, _ := url.Parse(dsn)
	u.User = url.User(role)
	app, err := sqldb.Open(ctx, u.String(), sqldb.Options{Passwords: testkit.Passwords()})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	// The server works as the application role: a change writes its audit event.
	p := testkit.NewPerson(t, app, "a@silkeborg.example", testkit.Silkeborg, "admin")
	if p.User.ID == "" {
		t.Fatal("no user")
	}
	raw, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, stmt := range []string{
		"UPDATE audit_events SET action = 'forged'",
		"DELETE FROM audit_events",
		"TRUNCATE audit_events",
	} {
		_, err := raw.ExecContext(ctx, stmt)
		if err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("%s as the application role: %v, want permission denied", stmt, err)
		}
	}
}
