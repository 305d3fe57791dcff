package sqldb_test

import (
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/demo"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// generatedBatches are the batches samspil demo generate writes for g: the
// catalogue (checking the database first), then per organisations.
func generatedBatches(g *demo.Generator, perBatch int) []*sqldb.GeneratedBatch {
	cat := g.Catalogue()
	out := []*sqldb.GeneratedBatch{{Label: "catalogue", Organizations: cat.Vendors, Systems: cat.Systems, RequireEmpty: g.Codes(),
		Note: map[string]any{"seed": g.Config().Seed}}}
	for from := 0; from < g.Config().Orgs; from += perBatch {
		b := &sqldb.GeneratedBatch{Label: "organisations"}
		for i := from; i < min(from+perBatch, g.Config().Orgs); i++ {
			l := g.Landscape(i)
			b.Organizations = append(b.Organizations, l.Organization)
			b.Usages = append(b.Usages, l.Usages...)
			b.Contracts = append(b.Contracts, l.Contracts...)
		}
		out = append(out, b)
	}
	return out
}

// rowCounts counts the rows of tables.
func rowCounts(t *testing.T, raw *sql.DB, tables ...string) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range tables {
		var n int
		must(t, raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n))
		out[table] = n
	}
	return out
}

var generatedTables = []string{"organizations", "organization_populations", "systems", "usages", "contracts", "contract_systems", "audit_events",
	"role_types", "data_classifications"}

func TestLoadGenerated(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			dsn := testkit.NewDSN(t, e)
			db, err := sqldb.Open(ctx, dsn, sqldb.Options{Passwords: testkit.Passwords()})
			must(t, err)
			t.Cleanup(func() { db.Close() })
			raw := openRaw(t, e, dsn)
			const orgs, usages, contracts = 20, 30, 10
			g, err := demo.NewGenerator(demo.Config{Orgs: orgs, Seed: 5, UsagesPerOrg: usages, ContractsPerOrg: contracts})
			must(t, err)
			batches := generatedBatches(g, 7)
			actor := samspil.SystemActor("demo generate")

			// Only operators and the system load generated data.
			admin := testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
			_, err = db.LoadGenerated(ctx, admin.Actor, batches[0])
			testkit.ErrCode(t, err, samspil.EFORBIDDEN)
			// An invalid row is refused, naming it, before anything is written.
			before := rowCounts(t, raw, generatedTables...)
			bad := *batches[1]
			bad.Contracts = append([]samspil.Contract(nil), bad.Contracts...)
			bad.Contracts[3].NoticeMonths = -1
			_, err = db.LoadGenerated(ctx, actor, &bad)
			wantField(t, err, samspil.EINVALID, "contracts[3].notice_months")
			if after := rowCounts(t, raw, generatedTables...); !equalCounts(before, after) {
				t.Fatalf("an invalid batch wrote rows: %v -> %v", before, after)
			}

			var rows int
			for _, b := range batches {
				n, err := db.LoadGenerated(ctx, actor, b)
				must(t, err)
				if n.Usages != len(b.Usages) || n.Contracts != len(b.Contracts) || n.Organizations != len(b.Organizations) {
					t.Fatalf("%s: wrote %+v", b.Label, n)
				}
				rows += n.Rows
			}
			cat := g.Catalogue()
			after := rowCounts(t, raw, generatedTables...)
			var municipalities, links, pops int
			must(t, raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM organizations WHERE kind = 'municipality' AND country <> 'DK'`).Scan(&municipalities))
			must(t, raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events WHERE action = 'demo.generate'`).Scan(&links))
			if municipalities != orgs || after["usages"] != orgs*usages || after["contracts"] != orgs*contracts ||
				after["systems"]-before["systems"] != len(cat.Systems) || after["organizations"]-before["organizations"] != orgs+len(cat.Vendors) ||
				links != len(batches) {
				t.Fatalf("counts %v (before %v), %d municipalities, %d audit events", after, before, municipalities, links)
			}
			for _, b := range batches[1:] {
				for _, c := range b.Contracts {
					links += len(c.Systems)
				}
				for _, o := range b.Organizations {
					pops += len(o.Population)
				}
			}
			if perOrg := len(samspil.DefaultDataClassifications); after["data_classifications"]-before["data_classifications"] != perOrg*(orgs+len(cat.Vendors)) {
				t.Fatalf("%d data classification levels for %d organisations", after["data_classifications"]-before["data_classifications"], orgs+len(cat.Vendors))
			}
			if after["contract_systems"] != links-len(batches) || after["organization_populations"]-before["organization_populations"] != pops {
				t.Fatalf("contract systems %d, populations %d", after["contract_systems"], after["organization_populations"]-before["organization_populations"])
			}
			if want := after["organizations"] - before["organizations"] + after["usages"] + after["contracts"] + after["contract_systems"] +
				after["systems"] - before["systems"] + after["organization_populations"] - before["organization_populations"] +
				after["role_types"] - before["role_types"] + after["data_classifications"] - before["data_classifications"]; rows != want {
				t.Errorf("LoadGenerated counted %d rows, the tables grew by %d", rows, want)
			}

			// The store reads what was generated: the organisation by its
			// code, its usages, and its contracts with deadlines.
			l := g.Landscape(4)
			o, err := db.FindOrganization(ctx, testkit.System, l.Organization.ID)
			must(t, err)
			if o.MunicipalityCode != l.Organization.MunicipalityCode || o.Country != l.Organization.Country || o.Inhabitants() != l.Organization.Inhabitants() {
				t.Fatalf("organisation %+v, generated %+v", o, l.Organization)
			}
			page, err := db.ListContracts(ctx, testkit.System, samspil.ContractFilter{OrganizationID: o.ID, ListOptions: samspil.ListOptions{Limit: 100}})
			must(t, err)
			if len(page.Items) != contracts {
				t.Fatalf("%d contracts listed", len(page.Items))
			}
			decisions := 0
			for _, c := range page.Items {
				if c.Deadlines.Status == "" || len(c.Systems) == 0 || c.SupplierID == "" {
					t.Fatalf("contract %+v", c)
				}
				if want := c.ContractTerms.Deadlines(samspil.Today(time.Now())); c.Deadlines.Status != want.Status {
					t.Fatalf("contract %s: status %s, terms give %s", c.Name, c.Deadlines.Status, want.Status)
				}
				if c.Deadlines.NextDecisionDate != nil {
					decisions++
				}
			}
			if decisions == 0 {
				t.Error("no contract has a decision ahead")
			}
			us, err := db.ListUsages(ctx, testkit.System, samspil.UsageFilter{OrganizationID: o.ID, ListOptions: samspil.ListOptions{Limit: 100}})
			must(t, err)
			if len(us.Items) != usages {
				t.Fatalf("%d usages listed", len(us.Items))
			}

			// A second run is refused, and writes nothing.
			before = rowCounts(t, raw, generatedTables...)
			again := generatedBatches(g, 7)[0]
			_, err = db.LoadGenerated(ctx, actor, again)
			if !errors.Is(err, sqldb.ErrGenerateRefused) || !strings.Contains(err.Error(), "usages") {
				t.Fatalf("second run: %v", err)
			}
			if after := rowCounts(t, raw, generatedTables...); !equalCounts(before, after) {
				t.Fatalf("a refused run wrote rows: %v -> %v", before, after)
			}
		})
	}
}

func equalCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

func TestLoadGeneratedRefusesData(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		g, err := demo.NewGenerator(demo.Config{Orgs: 5, Seed: 9, UsagesPerOrg: 3, ContractsPerOrg: 1})
		must(t, err)
		actor := samspil.SystemActor("demo generate")
		// An organisation with the national code of a generated one.
		first := g.Landscape(0).Organization
		_, err = db.CreateOrganization(ctx, testkit.System, samspil.OrganizationInput{Kind: samspil.KindMunicipality, Name: "Registered before",
			Country: first.Country, MunicipalityCode: first.MunicipalityCode})
		must(t, err)
		_, err = db.LoadGenerated(ctx, actor, generatedBatches(g, 5)[0])
		if !errors.Is(err, sqldb.ErrGenerateRefused) || !strings.Contains(err.Error(), first.Country+" "+first.MunicipalityCode) {
			t.Fatalf("code taken: %v", err)
		}
		if _, err := db.FindOrganization(ctx, testkit.System, g.Catalogue().Vendors[0].ID); samspil.ErrorCode(err) != samspil.ENOTFOUND {
			t.Fatalf("the refused catalogue was written: %v", err)
		}

		// A usage someone registered.
		other, err := demo.NewGenerator(demo.Config{Orgs: 5, Seed: 10, UsagesPerOrg: 3, ContractsPerOrg: 1})
		must(t, err)
		sys, err := db.CreateSystem(ctx, testkit.System, samspil.SystemInput{Name: "Eget system", Category: samspil.CategoryOther,
			OwnerID: testkit.Org(t, db, testkit.Silkeborg).ID})
		must(t, err)
		_, err = db.CreateUsage(ctx, testkit.System, samspil.UsageInput{OrganizationID: testkit.Silkeborg, SystemID: sys.ID, Lifecycle: samspil.LifecycleOperational})
		must(t, err)
		_, err = db.LoadGenerated(ctx, actor, generatedBatches(other, 5)[0])
		if !errors.Is(err, sqldb.ErrGenerateRefused) {
			t.Fatalf("usages present: %v", err)
		}
	})
}

func TestLoadOrganizations(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			dsn := testkit.NewDSN(t, e)
			db, err := sqldb.Open(ctx, dsn, sqldb.Options{Passwords: testkit.Passwords()})
			must(t, err)
			t.Cleanup(func() { db.Close() })
			raw := openRaw(t, e, dsn)
			op := testkit.System
			stockholm := samspil.OrganizationInput{Kind: samspil.KindMunicipality, Name: "Stockholms kommun", Country: "SE", MunicipalityCode: "0180",
				Region: "SE-AB", Population: []samspil.Population{{Year: 2025, Inhabitants: 984748}}}
			oslo := samspil.OrganizationInput{Kind: samspil.KindMunicipality, Name: "Oslo kommune", Country: "NO", MunicipalityCode: "0301",
				Region: "NO-03", Population: []samspil.Population{{Year: 2025, Inhabitants: 717710}}}
			sum, err := db.LoadOrganizations(ctx, op, []samspil.OrganizationInput{stockholm, oslo})
			must(t, err)
			if sum != (sqldb.OrganizationLoad{Created: 2}) {
				t.Fatalf("first load: %+v", sum)
			}
			page, err := db.ListOrganizations(ctx, op, samspil.OrganizationFilter{Query: "0180"})
			must(t, err)
			if len(page.Items) != 1 || page.Items[0].Name != "Stockholms kommun" || page.Items[0].Country != "SE" || page.Items[0].Inhabitants() != 984748 ||
				page.Items[0].Visibility != samspil.VisibilityPublic {
				t.Fatalf("Stockholm: %+v", page.Items)
			}
			id := page.Items[0].ID

			// The same list again changes nothing and writes no audit event.
			events := rowCounts(t, raw, "audit_events")
			sum, err = db.LoadOrganizations(ctx, op, []samspil.OrganizationInput{stockholm, oslo})
			must(t, err)
			if sum != (sqldb.OrganizationLoad{Unchanged: 2}) || !equalCounts(events, rowCounts(t, raw, "audit_events")) {
				t.Fatalf("second load: %+v", sum)
			}

			// A new name and this year's figure update Stockholm and keep
			// last year's; a Danish row updates the reference municipality.
			stockholm.Name = "Stockholms stad"
			stockholm.Population = []samspil.Population{{Year: 2026, Inhabitants: 990000}}
			silkeborg := samspil.OrganizationInput{Kind: samspil.KindMunicipality, Name: "Silkeborg Kommune", Country: "DK", MunicipalityCode: testkit.Silkeborg,
				Region: "1082", Population: []samspil.Population{{Year: 2026, Inhabitants: 101000}}}
			sum, err = db.LoadOrganizations(ctx, op, []samspil.OrganizationInput{stockholm, oslo, silkeborg})
			must(t, err)
			if sum != (sqldb.OrganizationLoad{Updated: 2, Unchanged: 1}) {
				t.Fatalf("third load: %+v", sum)
			}
			o, err := db.FindOrganization(ctx, op, id)
			must(t, err)
			if o.Name != "Stockholms stad" || len(o.Population) != 2 || o.Population[0] != (samspil.Population{Year: 2026, Inhabitants: 990000}) || o.Version != 2 {
				t.Fatalf("Stockholm after the update: %+v", o)
			}
			if s := testkit.Org(t, db, testkit.Silkeborg); s.Inhabitants() != 101000 || s.Population[1].Year != 2025 {
				t.Fatalf("Silkeborg: %+v", s.Population)
			}
			var creates, updates int
			must(t, raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events WHERE action = 'organization.create' AND object_id = $1`, id).Scan(&creates))
			must(t, raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events WHERE action = 'organization.update' AND object_id = $1`, id).Scan(&updates))
			if creates != 1 || updates != 1 {
				t.Fatalf("audit of Stockholm: %d creates, %d updates", creates, updates)
			}

			// Bad rows: nothing is written, and the error names the row.
			before := rowCounts(t, raw, "organizations", "organization_populations", "audit_events")
			helsinki := samspil.OrganizationInput{Kind: samspil.KindMunicipality, Name: "Helsingin kaupunki", Country: "FI", MunicipalityCode: "091"}
			for _, c := range []struct {
				name string
				list []samspil.OrganizationInput
				path string
			}{
				{"twice", []samspil.OrganizationInput{helsinki, helsinki}, "organizations[1].municipality_code"},
				{"unknown country", []samspil.OrganizationInput{helsinki, {Kind: samspil.KindMunicipality, Name: "X", Country: "XX", MunicipalityCode: "1"}}, "organizations[1].country"},
				{"no name", []samspil.OrganizationInput{{Kind: samspil.KindMunicipality, Country: "SE", MunicipalityCode: "0181"}, helsinki}, "organizations[0].name"},
				{"no code", []samspil.OrganizationInput{helsinki, {Kind: samspil.KindMunicipality, Name: "Ingen kod", Country: "SE"}}, "organizations[1].municipality_code"},
				{"bad Danish code", []samspil.OrganizationInput{{Kind: samspil.KindMunicipality, Name: "X", Country: "DK", MunicipalityCode: "07400"}}, "organizations[0].municipality_code"},
			} {
				_, err := db.LoadOrganizations(ctx, op, c.list)
				wantField(t, err, samspil.EINVALID, c.path)
			}
			if after := rowCounts(t, raw, "organizations", "organization_populations", "audit_events"); !equalCounts(before, after) {
				t.Fatalf("invalid loads wrote rows: %v -> %v", before, after)
			}
			admin := testkit.NewPerson(t, db, "admin@viborg.example", testkit.Viborg, samspil.RoleAdmin)
			before = rowCounts(t, raw, "organizations", "organization_populations", "audit_events")
			_, err = db.LoadOrganizations(ctx, admin.Actor, []samspil.OrganizationInput{helsinki})
			testkit.ErrCode(t, err, samspil.EFORBIDDEN)
			if after := rowCounts(t, raw, "organizations", "organization_populations", "audit_events"); !equalCounts(before, after) {
				t.Fatalf("refused loads wrote rows: %v -> %v", before, after)
			}
		})
	}
}
