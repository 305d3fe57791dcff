package sqldb_test

import (
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

func TestInitiativeBenefits(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		w := newInitiativeWorld(t, db)
		x := w.propose(t, samspil.VisibilityPrivate)
		today := samspil.Today(samspil.Now())
		plan := func(p testkit.Person, in samspil.BenefitInput) (*samspil.Benefit, error) {
			return db.PlanBenefit(ctx, p.Actor, x.ID, in)
		}
		// Viborg is a member of the collaboration, but plans a benefit only
		// once it takes part.
		_, err := plan(w.vEditor, samspil.BenefitInput{OrganizationID: testkit.Viborg, Kind: samspil.BenefitHours, Title: "Sparede timer",
			Planned: dkk(1200), OwnerName: "Jens"})
		wantField(t, err, samspil.EINVALID, "organization_id")
		w.participate(t, w.vAdmin, x, testkit.Viborg, samspil.ParticipationVoluntary)

		// The owner plans its own benefits, Viborg its own.
		portal, err := plan(w.sEditor, samspil.BenefitInput{OrganizationID: testkit.Silkeborg, Kind: samspil.BenefitMoney, Title: "Færre opkald",
			Planned: dkk(250000), OwnerName: " Mette Lund ", Plan: "Borgerservice måler opkald hver måned"})
		must(t, err)
		if portal.OrganizationID != w.silkeborg.ID || portal.OwnerName != "Mette Lund" || portal.Realised != 0 || len(portal.Realisations) != 0 {
			t.Fatalf("planned %+v", portal)
		}
		_, err = plan(w.sEditor, samspil.BenefitInput{OrganizationID: testkit.Silkeborg, Kind: samspil.BenefitQuality, Title: "Bedre selvbetjening",
			Measure: "tilfredshed 1-5", Planned: 400, OwnerName: "Mette Lund"})
		must(t, err)
		hours, err := plan(w.vEditor, samspil.BenefitInput{OrganizationID: testkit.Viborg, Kind: samspil.BenefitHours, Title: "Sparede timer",
			Planned: dkk(1200), OwnerName: "Jens Holm"})
		must(t, err)

		// Viborg cannot plan or realise Silkeborg's benefit.
		_, err = plan(w.vAdmin, samspil.BenefitInput{OrganizationID: testkit.Silkeborg, Kind: samspil.BenefitMoney, Title: "X", Planned: 1, OwnerName: "X"})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		_, err = db.RecordRealisation(ctx, w.vAdmin.Actor, portal.ID, samspil.RealisationInput{On: today, Value: 1})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)

		// Aarhus, an outsider, sees no benefit of the private initiative.
		_, err = db.ListBenefits(ctx, w.aAdmin.Actor, x.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		_, err = plan(w.aAdmin, samspil.BenefitInput{OrganizationID: testkit.Aarhus, Kind: samspil.BenefitMoney, Title: "X", Planned: 1, OwnerName: "X"})
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		_, err = db.RecordRealisation(ctx, w.aAdmin.Actor, portal.ID, samspil.RealisationInput{On: today, Value: 1})
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		// Invited, Aarhus sees it, but does not take part yet.
		w.participate(t, w.sEditor, x, testkit.Aarhus, samspil.ParticipationInvited)
		_, err = plan(w.aAdmin, samspil.BenefitInput{OrganizationID: testkit.Aarhus, Kind: samspil.BenefitMoney, Title: "X", Planned: 1, OwnerName: "X"})
		wantField(t, err, samspil.EINVALID, "organization_id")

		// Bad input names its field and changes nothing.
		for field, in := range map[string]samspil.BenefitInput{
			"kind":       {OrganizationID: testkit.Silkeborg, Kind: "goodwill", Title: "X", Planned: 1, OwnerName: "X"},
			"title":      {OrganizationID: testkit.Silkeborg, Kind: samspil.BenefitMoney, Title: " ", Planned: 1, OwnerName: "X"},
			"planned":    {OrganizationID: testkit.Silkeborg, Kind: samspil.BenefitMoney, Title: "X", Planned: -1, OwnerName: "X"},
			"measure":    {OrganizationID: testkit.Silkeborg, Kind: samspil.BenefitQuality, Title: "X", Planned: 1, OwnerName: "X"},
			"owner_name": {OrganizationID: testkit.Silkeborg, Kind: samspil.BenefitMoney, Title: "X", Planned: 1},
		} {
			_, err := plan(w.sEditor, in)
			wantField(t, err, samspil.EINVALID, field)
		}
		for field, in := range map[string]samspil.RealisationInput{
			"on":    {On: today.AddDays(1), Value: 1},
			"value": {On: today, Value: -1},
		} {
			_, err := db.RecordRealisation(ctx, w.sEditor.Actor, portal.ID, in)
			wantField(t, err, samspil.EINVALID, field)
		}

		// Realised is the newest value: by its day, then by when it was
		// recorded; the realisations are listed oldest first.
		for _, in := range []samspil.RealisationInput{
			{On: today.AddDays(-30), Value: dkk(100000), Note: "Første kvartal"},
			{On: today.AddDays(-60), Value: dkk(50000)},
			{On: today.AddDays(-30), Value: dkk(120000), Note: "Rettet tal"},
		} {
			portal, err = db.RecordRealisation(ctx, w.sEditor.Actor, portal.ID, in)
			must(t, err)
		}
		if portal.Realised != dkk(120000) || len(portal.Realisations) != 3 || portal.Realisations[0].Value != dkk(50000) ||
			portal.Realisations[2].Note != "Rettet tal" || portal.Version != 4 {
			t.Fatalf("realised %+v", portal)
		}
		if got := auditedActions(t, db, portal.ID); len(got) != 4 {
			t.Fatalf("audit of the benefit %v", got)
		}

		// The list: by organisation, then title, each with its realisations.
		bs, err := db.ListBenefits(ctx, w.vEditor.Actor, x.ID)
		must(t, err)
		if len(bs) != 3 || bs[0].Title != "Bedre selvbetjening" || bs[1].ID != portal.ID || bs[2].ID != hours.ID {
			t.Fatalf("benefits %+v", bs)
		}
		if bs[1].Realised != dkk(120000) || len(bs[1].Realisations) != 3 || len(bs[2].Realisations) != 0 {
			t.Fatalf("realisations in the list %+v", bs)
		}
		sum := samspil.SummarizeBenefits(bs)
		if len(sum) != 2 || sum[0].Kind != samspil.BenefitMoney || sum[0].Realised != dkk(120000) || sum[1].Planned != dkk(1200) {
			t.Fatalf("summary %+v", sum)
		}
	})
}
