package sqldb_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// searchPlanContracts is how many contracts the plan test loads: enough
// that reading them all is the plan to avoid.
const searchPlanContracts = 20000

// TestSearchFindsFewThroughTrigramIndex loads many contracts, analyses
// them, and searches for a four-letter text that none of them contains.
// Both engines must answer alike; on PostgreSQL the contracts query must
// reach its rows through the trigram index of migration 00012 (a Bitmap
// Index Scan on contracts_name_trgm), not by reading the table or walking
// the name index from end to end: in the plan PostgreSQL makes for the
// query, in the plan its plan cache settles on after repeated runs (the
// driver prepares statements once per connection), and with sequential
// scans disabled (DB.FullScans). SQLite reads the visible rows by design
// (small installations); there the test checks the answers only.
func TestSearchFindsFewThroughTrigramIndex(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) { testSearchPlan(t, e) })
	}
}

func testSearchPlan(t *testing.T, e sqldb.Engine) {
	ctx := context.Background()
	dsn := testkit.NewDSN(t, e)
	db, err := sqldb.Open(ctx, dsn, sqldb.Options{Passwords: testkit.Passwords()})
	must(t, err)
	defer db.Close()
	admin := testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
	own, other := testkit.Org(t, db, testkit.Silkeborg), testkit.Org(t, db, testkit.Viborg)
	// Half the contracts are Silkeborg's (even numbers, shared with the
	// sector), half Viborg's, public or private (i % 4 = 1 or 3), so that
	// the visibility condition keeps some rows and drops others.
	must(t, db.Exec(ctx, `INSERT INTO contracts (id, organization_id, name, name_fold, start_date, notice_rule, visibility,
		price_visibility, created_at, updated_at)
		WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < `+strconv.Itoa(searchPlanContracts)+`)
		SELECT 'plan-' || i, CASE WHEN i % 2 = 0 THEN $1 ELSE $2 END, 'Kontrakt ' || i, 'kontrakt ' || i, '2024-01-01', 'any_day',
			CASE i % 4 WHEN 1 THEN 'public' WHEN 3 THEN 'private' ELSE 'sector' END, 'private', $3, $3
		FROM n`, own.ID, other.ID, samspil.Now()))
	// As autovacuum does after a bulk load: statistics for the planner and,
	// on PostgreSQL, the GIN pending list merged into the index. Until then
	// new rows wait in that list, which every index scan reads in full, and
	// the planner counts it in the cost of the index (for this many fresh
	// rows, enough to prefer walking the name index).
	if e == sqldb.Postgres {
		must(t, db.Exec(ctx, "VACUUM ANALYZE contracts"))
	}
	must(t, db.Exec(ctx, "ANALYZE"))

	var mu sync.Mutex
	var traced []struct {
		query string
		args  []any
	}
	db.TraceReads(func(query string, args []any) {
		mu.Lock()
		defer mu.Unlock()
		traced = append(traced, struct {
			query string
			args  []any
		}{query, slices.Clone(args)})
	})
	res, err := db.Search(ctx, admin.Actor, samspil.SearchQuery{Text: "zzqq"})
	db.TraceReads(nil)
	must(t, err)
	if len(res.Groups) != 0 {
		t.Errorf("zzqq found %+v, want nothing", res.Groups)
	}
	// The index changes how rows are found, not which or in what order
	// (Viborg's private contracts, i % 4 = 3, stay hidden).
	res, err = db.Search(ctx, admin.Actor, samspil.SearchQuery{Text: "Kontrakt 1234", Kinds: []samspil.SearchKind{samspil.SearchContracts}, PerKind: 20})
	must(t, err)
	var names []string
	for _, g := range res.Groups {
		for _, h := range g.Hits {
			names = append(names, h.Name)
		}
	}
	if want := []string{"Kontrakt 1234", "Kontrakt 12340", "Kontrakt 12341", "Kontrakt 12342", "Kontrakt 12344",
		"Kontrakt 12345", "Kontrakt 12346", "Kontrakt 12348", "Kontrakt 12349"}; !slices.Equal(names, want) {
		t.Errorf("Kontrakt 1234 found %q, want %q", names, want)
	}
	if db.Engine() != sqldb.Postgres {
		return
	}

	checked := 0
	for _, q := range traced {
		if !strings.Contains(q.query, " contracts c ") {
			continue
		}
		checked++
		scans, err := db.FullScans(ctx, q.query, q.args)
		must(t, err)
		if slices.Contains(scans, "contracts") {
			t.Errorf("with sequential scans disabled, the search reads all of contracts:\n%s", q.query)
		}
		for _, cached := range []bool{false, true} {
			plan := explainSearch(t, dsn, q.query, q.args, cached)
			if !plan.uses("Bitmap Index Scan", "contracts_name_trgm") || plan.readsAll("contracts") {
				t.Errorf("the search for zzqq (repeated: %v) does not find contracts through contracts_name_trgm:\n%s\n%s", cached, q.query, plan.raw)
			}
		}
	}
	if checked != 1 {
		t.Fatalf("%d contract queries traced, want 1", checked)
	}
}

// searchPlan is PostgreSQL's plan of a query, as EXPLAIN (FORMAT JSON) gives it.
type searchPlan struct {
	raw  string
	root searchPlanNode
}

type searchPlanNode struct {
	NodeType     string           `json:"Node Type"`
	RelationName string           `json:"Relation Name"`
	IndexName    string           `json:"Index Name"`
	IndexCond    string           `json:"Index Cond"`
	Plans        []searchPlanNode `json:"Plans"`
}

func (p searchPlan) walk(fn func(n *searchPlanNode) bool) bool {
	var walk func(n *searchPlanNode) bool
	walk = func(n *searchPlanNode) bool {
		if fn(n) {
			return true
		}
		for i := range n.Plans {
			if walk(&n.Plans[i]) {
				return true
			}
		}
		return false
	}
	return walk(&p.root)
}

// uses tells whether a node of the type reads the index.
func (p searchPlan) uses(nodeType, index string) bool {
	return p.walk(func(n *searchPlanNode) bool { return n.NodeType == nodeType && n.IndexName == index })
}

// readsAll tells whether the plan reads the table in full: a sequential
// scan, or an index scan without a condition (a walk through all of it).
func (p searchPlan) readsAll(table string) bool {
	return p.walk(func(n *searchPlanNode) bool {
		return n.RelationName == table && (n.NodeType == "Seq Scan" ||
			(n.NodeType == "Index Scan" || n.NodeType == "Index Only Scan") && n.IndexCond == "")
	})
}

// explainSearch returns the plan PostgreSQL makes for the query with the
// arguments. With cached, the query is prepared and run six times first,
// as the driver's prepared statement is on a busy connection, so that the
// plan shown is the one the plan cache settles on: a custom plan for the
// arguments or, when it judges that no cheaper, the generic plan.
func explainSearch(t *testing.T, dsn, query string, args []any, cached bool) searchPlan {
	t.Helper()
	ctx := context.Background()
	raw, err := sql.Open("pgx", dsn)
	must(t, err)
	defer raw.Close()
	conn, err := raw.Conn(ctx)
	must(t, err)
	defer conn.Close()
	var text string
	if !cached {
		must(t, conn.QueryRowContext(ctx, "EXPLAIN (FORMAT JSON) "+query, args...).Scan(&text))
	} else {
		literals := make([]string, len(args))
		for i, a := range args {
			switch v := a.(type) {
			case string:
				literals[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
			case int:
				literals[i] = strconv.Itoa(v)
			default:
				t.Fatalf("argument %d of the search is a %T", i+1, a)
			}
		}
		execute := "EXECUTE search_plan (" + strings.Join(literals, ", ") + ")"
		_, err := conn.ExecContext(ctx, "PREPARE search_plan AS "+query)
		must(t, err)
		for range 6 {
			_, err := conn.ExecContext(ctx, execute)
			must(t, err)
		}
		must(t, conn.QueryRowContext(ctx, "EXPLAIN (FORMAT JSON) "+execute).Scan(&text))
	}
	var plans []struct{ Plan searchPlanNode }
	if err := json.Unmarshal([]byte(text), &plans); err != nil || len(plans) != 1 {
		t.Fatalf("read plan (%v): %s", err, text)
	}
	return searchPlan{raw: text, root: plans[0].Plan}
}

// TestDatabaseOwnerMigratesWithoutSuperuser sets PostgreSQL up as
// docs/operations.md describes: a role without superuser rights owns the
// database and runs the migrations. Migration 00012 creates pg_trgm, which
// such an owner may do because the extension is trusted (PostgreSQL 13+).
func TestDatabaseOwnerMigratesWithoutSuperuser(t *testing.T) {
	if !slices.Contains(testkit.Engines(t), sqldb.Postgres) {
		t.Skip("needs PostgreSQL")
	}
	ctx := context.Background()
	adm, err := sql.Open("pgx", testkit.PostgresURL())
	must(t, err)
	t.Cleanup(func() { adm.Close() }) // after the cleanup below, which uses it
	b := make([]byte, 4)
	rand.Read(b)
	role, name := "samspil_owner_"+hex.EncodeToString(b), "samspil_owned_"+hex.EncodeToString(b)
	for _, stmt := range []string{
		"CREATE ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE",
		"CREATE DATABASE " + name + " OWNER " + role,
	} {
		if _, err := adm.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	t.Cleanup(func() {
		adm.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		adm.Exec("DROP ROLE IF EXISTS " + role)
	})
	u, err := url.Parse(testkit.PostgresURL())
	must(t, err)
	u.User, u.Path = url.User(role), "/"+name
	db, err := sqldb.Open(ctx, u.String(), sqldb.Options{Passwords: testkit.Passwords()})
	must(t, err)
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate as the database owner %s: %v", role, err)
	}
	current, newest, err := db.SchemaVersion(ctx)
	must(t, err)
	if current != newest || current < 12 {
		t.Errorf("schema at version %d of %d", current, newest)
	}
	var owner string
	q := "SELECT r.rolname FROM pg_extension e JOIN pg_roles r ON r.oid = e.extowner WHERE e.extname = 'pg_trgm'"
	raw, err := sql.Open("pgx", u.String())
	must(t, err)
	defer raw.Close()
	if err := raw.QueryRowContext(ctx, q).Scan(&owner); err != nil || owner != role {
		t.Errorf("pg_trgm owned by %q (%v), want the database owner %s", owner, err, role)
	}
}
