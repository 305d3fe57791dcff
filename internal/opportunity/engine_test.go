package opportunity_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/opportunity"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestEngineKeepsCurrent: two engines on one database, as two instances
// of samspil: a change made through the store reaches both at their next
// Sync, through the audit log, without building the index anew; a change
// of partnership too; and the day changing builds it anew.
func TestEngineKeepsCurrent(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })
		s := testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		v := testkit.NewPerson(t, db, "admin@viborg.example", testkit.Viborg, samspil.RoleAdmin)
		a := testkit.NewPerson(t, db, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
		silkeborg, viborg, aarhus := testkit.Org(t, db, testkit.Silkeborg), testkit.Org(t, db, testkit.Viborg), testkit.Org(t, db, testkit.Aarhus)
		acadre, err := db.CreateSystem(ctx, s.Actor, samspil.SystemInput{Name: "Acadre", Category: samspil.CategoryCaseManagement, Visibility: samspil.VisibilitySector})
		must(t, err)
		use := func(p testkit.Person, org string, vis samspil.Visibility) *samspil.Usage {
			u, err := db.CreateUsage(ctx, p.Actor, samspil.UsageInput{OrganizationID: org, SystemID: acadre.ID, Lifecycle: samspil.LifecycleOperational, Visibility: vis})
			must(t, err)
			return u
		}
		use(s, testkit.Silkeborg, samspil.VisibilitySector)
		viborgUse := use(v, testkit.Viborg, samspil.VisibilityPartners)

		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		clock := func() time.Time { return now }
		one, two := opportunity.NewEngine(db, clock, quiet), opportunity.NewEngine(db, clock, quiet)
		must(t, one.Build(ctx))
		must(t, two.Build(ctx))
		shares := func(e *opportunity.Engine, asker, other string) bool {
			t.Helper()
			x, today, err := e.Index(ctx)
			must(t, err)
			ss, err := x.Partners(asker, opportunity.Query{Today: today})
			must(t, err)
			for _, s := range ss {
				if s.OrgID == other {
					for _, tm := range s.Terms {
						if tm.Kind == opportunity.TermSharedSystem && tm.SystemID == acadre.ID {
							return true
						}
					}
				}
			}
			return false
		}
		// Viborg shares with partners only, and they are not partners yet.
		if shares(one, silkeborg.ID, viborg.ID) {
			t.Fatal("Silkeborg sees Viborg's partners-only usage before they are partners")
		}
		built, _, _ := one.Index(ctx)

		// Viborg opens its usage to the sector: both instances learn it.
		_, err = db.UpdateUsage(ctx, v.Actor, viborgUse.ID, viborgUse.Version, samspil.UsagePatch{Visibility: ptr(samspil.VisibilitySector)})
		must(t, err)
		for _, e := range []*opportunity.Engine{one, two} {
			must(t, e.Sync(ctx))
			if !shares(e, silkeborg.ID, viborg.ID) {
				t.Fatal("the change did not reach an instance")
			}
		}
		if x, _, _ := one.Index(ctx); x == built {
			t.Fatal("the index was not replaced")
		}

		// Aarhus starts using Acadre, privately: nobody else sees it.
		aarhusUse := use(a, testkit.Aarhus, samspil.VisibilityPrivate)
		must(t, two.Sync(ctx))
		if shares(two, silkeborg.ID, aarhus.ID) || !shares(two, aarhus.ID, silkeborg.ID) {
			t.Fatal("Aarhus's private usage: Silkeborg sees it, or Aarhus does not count it")
		}
		// Syncing again changes nothing.
		before, _, _ := two.Index(ctx)
		must(t, two.Sync(ctx))
		if after, _, _ := two.Index(ctx); after != before {
			t.Error("a Sync without changes replaced the index")
		}
		// Aarhus deletes it.
		must(t, db.DeleteUsage(ctx, a.Actor, aarhusUse.ID, aarhusUse.Version))
		must(t, two.Sync(ctx))
		if shares(two, aarhus.ID, silkeborg.ID) {
			t.Fatal("a deleted usage still counts")
		}

		// Silkeborg and Viborg become partners: relations are read again.
		testkit.Partnership(t, db, s.Actor)
		must(t, one.Sync(ctx))
		x, _, _ := one.Index(ctx)
		ss, err := x.Partners(silkeborg.ID, opportunity.Query{Today: samspil.Today(now)})
		must(t, err)
		if len(ss) == 0 || ss[0].OrgID != viborg.ID || !ss[0].Partner {
			t.Fatalf("after the partnership: %+v", ss)
		}

		// A new day: the index is built anew for it.
		now = now.Add(24 * time.Hour)
		must(t, one.Sync(ctx))
		if _, today, _ := one.Index(ctx); today != samspil.Today(now) {
			t.Errorf("the index is for %s on %s", today, samspil.Today(now))
		}
	})
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }
