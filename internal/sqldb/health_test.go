package sqldb_test

import (
	"context"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestHealthStore checks the store's side of a collaboration's health on
// each engine: the history it reads (a proposal's day, an invitation
// declined), who sees it, and the
// thresholds: their consent rules, their audit event, and that refused
// changes change nothing.
func TestHealthStore(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		sAdmin := testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		vAdmin := testkit.NewPerson(t, db, "admin@viborg.example", testkit.Viborg, samspil.RoleAdmin)
		vViewer := testkit.NewPerson(t, db, "viewer@viborg.example", testkit.Viborg, samspil.RoleViewer)
		outsider := testkit.NewPerson(t, db, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
		c := testkit.Partnership(t, db, sAdmin.Actor)
		viborg := testkit.Org(t, db, testkit.Viborg)

		// An initiative Silkeborg proposed in 2019, which Viborg declined.
		x, err := db.ProposeInitiative(ctx, sAdmin.Actor, samspil.InitiativeInput{Title: "Fælles RPA", CollaborationID: c.ID,
			Model: samspil.ModelImplementation, ProposedOn: ptr(samspil.NewDate(2019, 3, 1))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.SetParticipation(ctx, sAdmin.Actor, x.ID, samspil.ParticipationInput{OrganizationID: viborg.ID,
			State: samspil.ParticipationInvited, On: ptr(samspil.NewDate(2019, 3, 2))}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SetParticipation(ctx, vAdmin.Actor, x.ID, samspil.ParticipationInput{OrganizationID: viborg.ID,
			State: samspil.ParticipationDeclined, On: ptr(samspil.NewDate(2019, 3, 10)), Reason: "Ikke nu"}); err != nil {
			t.Fatal(err)
		}
		h, err := db.CollaborationHealth(ctx, vViewer.Actor, c.ID, samspil.NewDate(2019, 12, 31))
		if err != nil {
			t.Fatal(err)
		}
		if p := h.SeriesOf(samspil.IndicatorOptIn).Last(); p.Num != 0 || p.Den != 1 {
			t.Errorf("opt-in at the end of 2019: %+v, want 0 of 1 (Viborg declined)", p)
		}
		if p := h.SeriesOf(samspil.IndicatorCommitment).Last(); p.Num != 0 || p.Den != 1 || h.Mix.Out != 1 {
			t.Errorf("commitment at the end of 2019: %+v %+v", p, h.Mix)
		}
		// Before the proposal there was nothing to count.
		if h, err = db.CollaborationHealth(ctx, vViewer.Actor, c.ID, samspil.NewDate(2019, 2, 28)); err != nil {
			t.Fatal(err)
		}
		if p := h.SeriesOf(samspil.IndicatorOptIn).Last(); p.Known {
			t.Errorf("opt-in before the proposal: %+v", p)
		}

		// Who sees it: the members' people, not others; a day in the future
		// names its field.
		if _, err := db.CollaborationHealth(ctx, outsider.Actor, c.ID, samspil.Date{}); samspil.ErrorCode(err) != samspil.ENOTFOUND {
			t.Errorf("an outsider: %v", err)
		}
		if _, err := db.CollaborationHealth(ctx, samspil.Anonymous(), c.ID, samspil.Date{}); samspil.ErrorCode(err) != samspil.ENOTFOUND {
			t.Errorf("anonymous: %v", err)
		}
		_, err = db.CollaborationHealth(ctx, vViewer.Actor, c.ID, samspil.Today(samspil.Now()).AddDays(2))
		if e, ok := err.(*samspil.Error); !ok || e.Code != samspil.EINVALID || len(e.Fields) != 1 || e.Fields[0].Path != "at" {
			t.Errorf("a future day: %v", err)
		}

		// The thresholds: only the managers change them; bad values and
		// stale versions change nothing.
		s, err := db.HealthSettings(ctx, vViewer.Actor, c.ID)
		if err != nil || s.Version != 1 || s.Thresholds != samspil.DefaultHealthThresholds() {
			t.Fatalf("settings %+v %v", s, err)
		}
		before, err := db.Fingerprint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		changed := *s
		changed.Thresholds.MeetingsHeld = 60
		if _, err := db.SetHealthSettings(ctx, vAdmin.Actor, c.ID, 1, changed); samspil.ErrorCode(err) != samspil.EFORBIDDEN {
			t.Errorf("a member that does not manage: %v", err)
		}
		if _, err := db.SetHealthSettings(ctx, outsider.Actor, c.ID, 1, changed); samspil.ErrorCode(err) != samspil.ENOTFOUND {
			t.Errorf("an outsider: %v", err)
		}
		bad := changed
		bad.Thresholds.OptInLast, bad.Thresholds.MinOptIn = 2, 3
		_, err = db.SetHealthSettings(ctx, sAdmin.Actor, c.ID, 1, bad)
		if e, ok := err.(*samspil.Error); !ok || e.Code != samspil.EINVALID || len(e.Fields) != 1 || e.Fields[0].Path != "thresholds.min_opt_in" {
			t.Errorf("min_opt_in over opt_in_last: %v", err)
		}
		if _, err := db.SetHealthSettings(ctx, sAdmin.Actor, c.ID, 5, changed); samspil.ErrorCode(err) != samspil.ESTALE {
			t.Errorf("a stale version: %v", err)
		}
		if after, _ := db.Fingerprint(ctx); after != before {
			t.Fatal("refused changes changed the database")
		}
		got, err := db.SetHealthSettings(ctx, sAdmin.Actor, c.ID, 1, changed)
		if err != nil || got.Version != 2 || got.Thresholds.MeetingsHeld != 60 {
			t.Fatalf("set: %+v %v", got, err)
		}
		changed.Shared = true
		if got, err = db.SetHealthSettings(ctx, sAdmin.Actor, c.ID, 2, changed); err != nil || got.Version != 3 || !got.Shared {
			t.Fatalf("second change: %+v %v", got, err)
		}
		if h, err = db.CollaborationHealth(ctx, vViewer.Actor, c.ID, samspil.Date{}); err != nil || h.Thresholds.MeetingsHeld != 60 {
			t.Fatalf("health with the new thresholds: %v", err)
		}
		events, err := db.ListAuditEvents(ctx, sAdmin.Actor, samspil.AuditFilter{OrganizationID: testkit.Org(t, db, testkit.Silkeborg).ID,
			Action: "collaboration.health_settings", ListOptions: samspil.ListOptions{Limit: 50}})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range events.Items {
			if e.Action == "collaboration.health_settings" && e.ObjectID == c.ID {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d audit events of the settings, want 2", n)
		}
	})
}
