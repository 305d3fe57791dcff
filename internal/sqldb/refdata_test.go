package sqldb_test

import (
	"maps"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/refdata"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// Loading the reference data again, as every start of the server does, must
// change nothing: no duplicate organisations, no audit event, and no edits
// undone.
func TestReferenceDataReloadIsNoop(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		s := testkit.Org(t, db, testkit.Silkeborg)
		_, err := db.UpdateOrganization(ctx, testkit.System, s.ID, s.Version, samspil.OrganizationPatch{Name: ptr("Silkeborg Kommune (redigeret)")})
		must(t, err)

		type snapshot struct {
			orgs        map[string]string // municipality code or region -> name
			orgCount    int
			audit       int
			tasks       map[int]int
			fingerprint string
		}
		take := func() snapshot {
			t.Helper()
			p, err := db.ListOrganizations(ctx, testkit.System, samspil.OrganizationFilter{ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}})
			must(t, err)
			snap := snapshot{orgs: map[string]string{}, orgCount: len(p.Items), audit: len(allAudit(t, db, samspil.AuditFilter{}))}
			for _, o := range p.Items {
				snap.orgs[o.MunicipalityCode+"/"+o.Region+"/"+string(o.Kind)] = o.Name
			}
			snap.tasks, err = db.CountTasks(ctx)
			must(t, err)
			snap.fingerprint, err = db.Fingerprint(ctx)
			must(t, err)
			return snap
		}
		before := take()
		if before.orgCount != 103 || len(before.orgs) != 103 {
			t.Fatalf("before: %d organisations (%d distinct), want 103", before.orgCount, len(before.orgs))
		}
		for i := 0; i < 2; i++ {
			must(t, refdata.Load(ctx, db))
		}
		after := take()
		if after.orgCount != before.orgCount || !maps.Equal(after.orgs, before.orgs) {
			t.Errorf("organisations changed: %d -> %d", before.orgCount, after.orgCount)
		}
		if after.audit != before.audit {
			t.Errorf("reloading wrote %d audit events", after.audit-before.audit)
		}
		if !maps.Equal(after.tasks, before.tasks) {
			t.Errorf("KLE counts changed: %v -> %v", before.tasks, after.tasks)
		}
		if after.fingerprint != before.fingerprint {
			t.Errorf("reloading changed the database contents")
		}
		if got := testkit.Org(t, db, testkit.Silkeborg).Name; got != "Silkeborg Kommune (redigeret)" {
			t.Errorf("reloading undid an edit: name is %q", got)
		}
		// The loads themselves were audited once each, when the database was made.
		for _, action := range []string{"reference_data.load", "kle.load"} {
			if n := countAudit(t, db, action); n != 1 {
				t.Errorf("%d %s events, want 1", n, action)
			}
		}
	})
}
