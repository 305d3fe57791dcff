package sqldb_test

import (
	"fmt"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// The lists that keep the landscape and deadlines pages short: the
// earliest oversights with their total, and the registrations covering a
// page of usages, both filtered by what the actor may see.
func TestOversightsDueAndCovering(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		s := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Løn", Visibility: samspil.VisibilityPublic})
		u, err := db.CreateUsage(ctx, l.sEditor.Actor, samspil.UsageInput{SystemID: s.ID, Lifecycle: samspil.LifecycleOperational,
			Visibility: samspil.VisibilitySector})
		must(t, err)
		// Six registrations, overseen yearly from days in 2025 in reverse
		// order of their names, one private, one without oversight.
		var ids []string
		for i := range 6 {
			in := samspil.DataProcessingInput{OrganizationID: l.silkeborg.ID, Name: fmt.Sprintf("Behandling %d", i), UsageIDs: []string{u.ID},
				Visibility: samspil.VisibilitySector}
			if i < 5 {
				last := samspil.NewDate(2025, 6, 10-i)
				in.Oversight = samspil.Oversight{Interval: samspil.OversightYearly, LastDate: &last}
			}
			if i == 0 {
				in.Visibility = samspil.VisibilityPrivate
			}
			r, err := db.CreateDataProcessing(ctx, l.sEditor.Actor, in)
			must(t, err)
			ids = append(ids, r.ID)
		}
		f := samspil.DataProcessingFilter{OrganizationID: l.silkeborg.ID}
		first, total, err := db.OversightsDue(ctx, l.sEditor.Actor, f, 3)
		must(t, err)
		if total != 5 || len(first) != 3 || first[0].ID != ids[4] || first[1].ID != ids[3] || first[2].ID != ids[2] || len(first[0].Usages) != 1 {
			t.Fatalf("first oversights %d of %d: %+v", len(first), total, first)
		}
		by := samspil.NewDate(2026, 6, 7)
		f.OversightBy = &by
		if _, total, err := db.OversightsDue(ctx, l.sEditor.Actor, f, 3); err != nil || total != 2 {
			t.Fatalf("by %s: %d, %v", by, total, err)
		}
		// Viborg's editor sees the sector registrations, not the private one.
		if _, total, err := db.OversightsDue(ctx, l.vEditor.Actor, samspil.DataProcessingFilter{OrganizationID: l.silkeborg.ID}, 10); err != nil || total != 4 {
			t.Fatalf("Viborg sees %d, %v", total, err)
		}

		covering, err := db.DataProcessingCovering(ctx, l.sEditor.Actor, []string{u.ID, "no-such-usage"})
		must(t, err)
		if got := covering[u.ID]; len(got) != 6 || got[0].Name != "Behandling 0" || got[5].ID != ids[5] || len(covering) != 1 {
			t.Fatalf("covering %+v", covering)
		}
		covering, err = db.DataProcessingCovering(ctx, l.vEditor.Actor, []string{u.ID})
		must(t, err)
		if got := covering[u.ID]; len(got) != 5 || got[0].Name != "Behandling 1" {
			t.Fatalf("Viborg's view of the covering %+v", got)
		}
		if covering, err := db.DataProcessingCovering(ctx, l.sEditor.Actor, nil); err != nil || len(covering) != 0 {
			t.Fatalf("no usages: %v %v", covering, err)
		}
		_, err = db.DataProcessingCovering(ctx, l.sEditor.Actor, make([]string, samspil.MaxPageSize+1))
		testkit.ErrCode(t, err, samspil.EINVALID)
	})
}
