package sqldb_test

import (
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// The ways the organisation search may find names (SetOrgSearchWalk): as
// the sample suggests, by walking the name index only, through the
// substring index only, and by walking two organisations and then going to
// the index. Each must give what the plain query gives.
var orgSearchModes = []struct {
	name string
	walk int
}{{"estimate", 0}, {"walk", 1 << 40}, {"index", -1}, {"walk then index", 2}}

// orgSearchTexts are searched for as a user types them: substrings at the
// start, in the middle and at the end of names, Danish letters in either
// case, one, two and more characters, codes and CVR numbers, LIKE's
// wildcards and escape, FTS5's quote, and texts nothing holds.
var orgSearchTexts = []string{
	"ø", "Æ", "å", "e", "x", "-", "%", "_", `\`, `"`, " ",
	"ab", "qx", "ØR", "ær", "a ", "e d", "-b-",
	"ærø", "Ærø Kommune", "kommune", "ommun", "une", "ved", "hus",
	"aps", "a/s", "100%", "0%", "data_hus", "a_b", `back\slash`, `"ny start"`, `"ny`,
	"fælles drift", "  Fælles  ", "drift", "alfa", "forening 1", "zeta forening 3", "zeta forening 39",
	"0101", "0851", "751", "zzqq", "østervang dataforening for hele øresundsregionen",
}

// orgSearchWorld is a database with the reference data's municipalities
// and organisations made to be searched for, with an actor of each kind.
type orgSearchWorld struct {
	db      *sqldb.DB
	raw     *sql.DB
	actors  []orgSearchActor
	private *samspil.Organization // the member's own, private
	cvr     string                // a company's CVR number
}

type orgSearchActor struct {
	name  string
	actor *samspil.Actor
	cond  string // the visibility condition the store applies, for the plain query
}

func newOrgSearchWorld(t *testing.T, e sqldb.Engine) *orgSearchWorld {
	t.Helper()
	dsn := testkit.NewDSN(t, e)
	w := &orgSearchWorld{db: openStore(t, dsn), raw: openRaw(t, e, dsn)}
	w.cvr = validCVR(3141592)
	add := func(name string, kind samspil.OrgKind, v samspil.Visibility, cvr string) *samspil.Organization {
		o, err := w.db.CreateOrganization(ctx, testkit.System, samspil.OrganizationInput{Kind: kind, Name: name, Visibility: v, CVR: cvr})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return o
	}
	vis := []samspil.Visibility{samspil.VisibilityPublic, samspil.VisibilitySector, samspil.VisibilityPartners, samspil.VisibilityPrivate}
	for i, name := range []string{
		"Øresund Vand A/S", "Åbenrå Data ApS", "100% Digital A/S", "Data_Hus ApS", "Data-hus ApS", "Datahus ApS",
		"Ab", "X", "Æbeltoft IT-forening", "A-B-C", "e d", `Foreningen "Ny Start"`, `Back\slash IT`, "Kommune 0101 Forening",
		"Østervang Dataforening for hele Øresundsregionen og omegn, herunder de nordsjællandske kommuner",
	} {
		kind := samspil.KindCommunity
		if strings.HasSuffix(name, "ApS") || strings.HasSuffix(name, "A/S") {
			kind = samspil.KindCompany
		}
		add(name, kind, vis[i%len(vis)], "")
	}
	// Names alike at the start, first and last in name order, and equal
	// names, which the ids order.
	for i := range 40 {
		add("Alfa Forening "+strconv.Itoa(i), samspil.KindCommunity, vis[i%len(vis)], "")
		add("Zeta Forening "+strconv.Itoa(i), samspil.KindCommunity, vis[(i+1)%len(vis)], "")
	}
	for _, v := range vis {
		add("Fælles Drift", samspil.KindCommunity, v, "")
	}
	add("Kode Partner ApS", samspil.KindCompany, samspil.VisibilitySector, w.cvr)
	w.private = add("Egen Privat Forening", samspil.KindCommunity, samspil.VisibilityPrivate, "")
	partner := add("Partnerforeningen", samspil.KindCommunity, samspil.VisibilityPartners, "")

	member := &samspil.Actor{Kind: samspil.ActorUser, UserID: "org-search", Roles: map[string]samspil.Role{w.private.ID: samspil.RoleAdmin},
		Partners: []string{partner.ID}}
	w.actors = []orgSearchActor{
		{"anonymous", samspil.Anonymous(), "o.visibility = 'public'"},
		{"member", member, "o.visibility IN ('public', 'sector') OR o.id = '" + w.private.ID + "' OR (o.visibility = 'partners' AND o.id = '" + partner.ID + "')"},
		{"operator", testkit.System, "1 = 1"},
	}
	return w
}

// validCVR returns the CVR number beginning with the seven digits of n.
func validCVR(n int) string {
	for ; ; n++ {
		s := strconv.Itoa(n)
		weights := []int{2, 7, 6, 5, 4, 3, 2}
		sum := 0
		for i := range 7 {
			sum += int(s[i]-'0') * weights[i]
		}
		if d := (11 - sum%11) % 11; d < 10 {
			return s + strconv.Itoa(d)
		}
	}
}

// scan returns the ids the plain query the search replaced selects: every
// organisation the actor sees (of kind, when given) whose folded name is
// LIKE the text, or whose municipality code or CVR number is the text, in
// name order.
func (w *orgSearchWorld) scan(t *testing.T, a orgSearchActor, text string, kind samspil.OrgKind) []string {
	t.Helper()
	s := samspil.Fold(text)
	like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
	cond := "(" + a.cond + ")"
	args := []any{like, s}
	if kind != "" {
		cond += " AND o.kind = $3"
		args = append(args, string(kind))
	}
	rows, err := w.raw.QueryContext(ctx, "SELECT o.id FROM organizations o WHERE "+cond+
		` AND (o.name_fold LIKE $1 ESCAPE '\' OR o.municipality_code = $2 OR o.cvr = $2) ORDER BY o.name_fold, o.id`, args...)
	must(t, err)
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		must(t, rows.Scan(&id))
		ids = append(ids, id)
	}
	must(t, rows.Err())
	return ids
}

// list returns the ids ListOrganizations gives for the text, page by page.
func (w *orgSearchWorld) list(t *testing.T, a orgSearchActor, text string, kind samspil.OrgKind, limit int) []string {
	t.Helper()
	var ids []string
	f := samspil.OrganizationFilter{Query: text, Kind: kind, ListOptions: samspil.ListOptions{Limit: limit}}
	for pages := 0; ; pages++ {
		page, err := w.db.ListOrganizations(ctx, a.actor, f)
		must(t, err)
		if len(page.Items) > limit || page.NextCursor != "" && len(page.Items) != limit {
			t.Fatalf("%q: a page of %d with next cursor %q", text, len(page.Items), page.NextCursor)
		}
		for _, o := range page.Items {
			ids = append(ids, o.ID)
		}
		if page.NextCursor == "" || pages > 1000 {
			return ids
		}
		f.Cursor = page.NextCursor
	}
}

// check compares, for the texts, the search's answers with the plain
// query's in every mode and for every actor: the organisation list page by
// page, with and without a kind, and the header search.
func (w *orgSearchWorld) check(t *testing.T, texts ...string) {
	t.Helper()
	defer w.db.SetOrgSearchWalk(0)
	for _, mode := range orgSearchModes {
		w.db.SetOrgSearchWalk(mode.walk)
		for _, a := range w.actors {
			for _, text := range texts {
				where := fmt.Sprintf("%s, %s, %q", mode.name, a.name, text)
				want := w.scan(t, a, text, "")
				small := 7 // pages of 7, or of 250 for many
				if len(want) > 200 {
					small = 250
				}
				if got := w.list(t, a, text, "", small); !slices.Equal(got, want) {
					t.Errorf("%s: list gives %d %v, the plain query %d %v", where, len(got), got, len(want), want)
				}
				if got := w.list(t, a, text, "", 500); !slices.Equal(got, want) {
					t.Errorf("%s: list of 500 gives %d, the plain query %d", where, len(got), len(want))
				}
				wantKind := w.scan(t, a, text, samspil.KindCompany)
				if got := w.list(t, a, text, samspil.KindCompany, 3); !slices.Equal(got, wantKind) {
					t.Errorf("%s: companies %v, the plain query %v", where, got, wantKind)
				}
				res, err := w.db.Search(ctx, a.actor, samspil.SearchQuery{Text: text, Kinds: []samspil.SearchKind{samspil.SearchOrganizations}})
				must(t, err)
				var hits []string
				more := false
				for _, g := range res.Groups {
					for _, h := range g.Hits {
						hits = append(hits, h.ID)
					}
					more = g.More
				}
				if len([]rune(samspil.Fold(text))) < samspil.SearchMinRunes {
					want = nil // too short for the header search
				}
				if n := min(5, len(want)); !slices.Equal(hits, want[:n]) || more != (len(want) > 5) {
					t.Errorf("%s: search gives %v (more %v), the plain query %v", where, hits, more, want)
				}
			}
		}
	}
}

// TestOrgSearchMatchesScan: the organisation search, which finds names
// through indexes, gives the organisations, the order and the pages of the
// plain query it replaced, on both engines, whichever way it finds them.
func TestOrgSearchMatchesScan(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			w := newOrgSearchWorld(t, e)
			must(t, w.db.TakeOrgSample(ctx))
			w.check(t, append(orgSearchTexts, w.cvr, w.cvr[:4])...)
			// Not a test that cannot fail: the texts find something.
			for text, least := range map[string]int{"ø": 10, "kommune": 98, "zeta forening 3": 11, "0101": 2, w.cvr: 1, "100%": 1, "data_hus": 1, `"ny`: 1} {
				if n := len(w.scan(t, w.actors[2], text, "")); n < least {
					t.Errorf("the plain query finds %d for %q, want at least %d", n, text, least)
				}
			}
		})
	}
}

// TestOrgSearchFollowsChanges: new, renamed and deleted organisations are
// found, found by their new name and not found at once, whether the store
// or plain SQL changes them.
func TestOrgSearchFollowsChanges(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			w := newOrgSearchWorld(t, e)
			must(t, w.db.TakeOrgSample(ctx))
			texts := []string{"quokka", "wombat", "ŵ", "ŵa", "numbat", "forening", "egen", "zz"}
			found := func(text string, want int) {
				t.Helper()
				if n := len(w.scan(t, w.actors[2], text, "")); n != want {
					t.Errorf("the plain query finds %d for %q, want %d", n, text, want)
				}
			}

			o, err := w.db.CreateOrganization(ctx, testkit.System, samspil.OrganizationInput{Kind: samspil.KindCommunity, Name: "Quokka Forening"})
			must(t, err)
			w.keysInNameOrder(t, e)
			w.check(t, texts...)
			found("quokka", 1)

			name := "Wombat Forening ŵ"
			o, err = w.db.UpdateOrganization(ctx, testkit.System, o.ID, o.Version, samspil.OrganizationPatch{Name: &name})
			must(t, err)
			w.keysInNameOrder(t, e)
			w.check(t, texts...)
			found("quokka", 0)
			found("ŵ", 1)

			must(t, w.db.Exec(ctx, "UPDATE organizations SET name = 'Numbat ZZ', name_fold = 'numbat zz' WHERE id = $1", o.ID))
			w.keysInNameOrder(t, e)
			w.check(t, texts...)
			found("wombat", 0)
			found("numbat", 1)

			for _, id := range []string{o.ID, w.private.ID} {
				for _, table := range []string{"role_types", "data_classifications"} {
					must(t, w.db.Exec(ctx, "DELETE FROM "+table+" WHERE organization_id = $1", id))
				}
				must(t, w.db.Exec(ctx, "DELETE FROM organizations WHERE id = $1", id))
			}
			w.keysInNameOrder(t, e)
			w.check(t, texts...)
			found("numbat", 0)
			found("egen", 0)

			must(t, w.db.Exec(ctx, "INSERT INTO organizations (id, kind, name, name_fold, country, visibility, created_at, updated_at)"+
				" VALUES ('org-search-plain', 'community', 'Ŵallaby', 'ŵallaby', 'DK', 'public', $1, $1)", samspil.Now()))
			w.keysInNameOrder(t, e)
			w.check(t, texts...)
			found("ŵa", 1)
		})
	}
}

// TestOrgSearchMigratesNames: migration 00015 indexes the organisations a
// database already has.
func TestOrgSearchMigratesNames(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			dsn := freshDSN(t, e)
			db := openStore(t, dsn)
			must(t, db.MigrateTo(ctx, 14))
			for i, name := range []string{"Før Migreringen", "Efter Nul", "Fø"} {
				must(t, db.Exec(ctx, "INSERT INTO organizations (id, kind, name, name_fold, country, visibility, created_at, updated_at)"+
					" VALUES ($1, 'community', $2, $3, 'DK', 'public', $4, $4)", fmt.Sprintf("pre-%d", i), name, samspil.Fold(name), samspil.Now()))
			}
			must(t, db.Migrate(ctx))
			for _, mode := range orgSearchModes {
				db.SetOrgSearchWalk(mode.walk)
				for text, want := range map[string][]string{"før": {"pre-0"}, "fø": {"pre-2", "pre-0"}, "ø": {"pre-2", "pre-0"}, "nul": {"pre-1"}} {
					page, err := db.ListOrganizations(ctx, testkit.System, samspil.OrganizationFilter{Query: text})
					must(t, err)
					var got []string
					for _, o := range page.Items {
						got = append(got, o.ID)
					}
					if !slices.Equal(got, want) {
						t.Errorf("%s: %q finds %v, want %v", mode.name, text, got, want)
					}
				}
			}
		})
	}
}

// TestOrgSearchUsesIndexes: through the substring index, a search for a
// text that few names hold reads none of the organisations in full: not
// for codes, not for names of one, two or more characters, and not to
// check the rows it found.
func TestOrgSearchUsesIndexes(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			w := newOrgSearchWorld(t, e)
			if e == sqldb.Postgres {
				must(t, w.db.Exec(ctx, "VACUUM ANALYZE organizations"))
			}
			w.db.SetOrgSearchWalk(-1)
			var traced []struct {
				query string
				args  []any
			}
			w.db.TraceReads(func(query string, args []any) {
				traced = append(traced, struct {
					query string
					args  []any
				}{query, slices.Clone(args)})
			})
			for _, text := range []string{"zzqq", "qx", "ŵ", "e d", "0101"} {
				_, err := w.db.ListOrganizations(ctx, w.actors[1].actor, samspil.OrganizationFilter{Query: text})
				must(t, err)
			}
			w.db.TraceReads(nil)
			if len(traced) < 10 {
				t.Fatalf("traced %d queries", len(traced))
			}
			for _, q := range traced {
				scans, err := w.db.FullScans(ctx, q.query, q.args)
				must(t, err)
				if slices.Contains(scans, "organizations") || slices.Contains(scans, "organization_search") {
					t.Errorf("reads all organisations: %s %v", q.query, q.args)
				}
			}
		})
	}
}

// TestOrgSearchManyInOneGap: names added in name order between two others
// soon leave no room for keys in name order on SQLite; there they take
// keys of their own, until there are so many that all names are numbered
// anew. The search finds the same all along, and the keys that follow name
// order keep following it.
func TestOrgSearchManyInOneGap(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			w := newOrgSearchWorld(t, e)
			must(t, w.db.TakeOrgSample(ctx))
			pad := "printf('%04d', i)"
			if e == sqldb.Postgres {
				pad = "lpad(i::text, 4, '0')"
			}
			add := func(from, to int) {
				t.Helper()
				must(t, w.db.Exec(ctx, "WITH RECURSIVE n (i) AS (SELECT "+strconv.Itoa(from)+" UNION ALL SELECT i + 1 FROM n WHERE i < "+strconv.Itoa(to)+")"+
					" INSERT INTO organizations (id, kind, name, name_fold, country, visibility, created_at, updated_at)"+
					" SELECT 'gap-' || "+pad+", 'community', 'Gab ' || "+pad+", 'gab ' || "+pad+", 'DK', 'public', $1, $1 FROM n", samspil.Now()))
				w.keysInNameOrder(t, e)
			}
			texts := []string{"gab", "gab 40", "ab 41", "b 0", "gab 4", "4099", "g"}
			add(1, 100)
			w.check(t, texts...)
			if e == sqldb.SQLite {
				var loose int
				must(t, w.raw.QueryRowContext(ctx, "SELECT COUNT(*) FROM organization_search WHERE search_id < 0").Scan(&loose))
				if loose == 0 {
					t.Errorf("100 names in one gap all found room")
				}
			}
			add(101, 4200) // the 4,096th without room numbers all anew
			if e == sqldb.SQLite {
				var loose int
				must(t, w.raw.QueryRowContext(ctx, "SELECT COUNT(*) FROM organization_search WHERE search_id < 0").Scan(&loose))
				if loose == 0 || loose > 200 {
					t.Errorf("%d names without room after 4,200 in one gap, want some, but fewer than the 4,096 that number all anew", loose)
				}
			}
			w.check(t, texts...)
			if n := len(w.scan(t, w.actors[0], "gab ", "")); n != 4200 {
				t.Errorf("the plain query finds %d names with gab, want 4200", n)
			}
		})
	}
}

// keysInNameOrder checks, on SQLite, that the positive keys of the names
// follow name order and that the FTS index holds every name.
func (w *orgSearchWorld) keysInNameOrder(t *testing.T, e sqldb.Engine) {
	t.Helper()
	if e != sqldb.SQLite {
		return
	}
	var disorder, names, orgs int
	must(t, w.raw.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT search_id, lag(search_id) OVER (ORDER BY name_fold, id) AS prev"+
		" FROM organization_search WHERE search_id > 0) k WHERE prev >= search_id").Scan(&disorder))
	must(t, w.raw.QueryRowContext(ctx, "SELECT COUNT(*) FROM organization_search s JOIN organizations o ON o.id = s.id AND o.name_fold = s.name_fold").Scan(&names))
	must(t, w.raw.QueryRowContext(ctx, "SELECT COUNT(*) FROM organizations").Scan(&orgs))
	if disorder != 0 || names != orgs {
		t.Errorf("%d keys out of name order; %d names for %d organisations", disorder, names, orgs)
	}
}
