package sqldb_test

import (
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// TestConsentMigrationKeepsHistory fills the schema as it was before
// consent (version 5) with a collaboration of the 2014 kind, a former
// member, the 2018 adjustment and an account an organisation made, and
// checks what migration 00006 makes of them: memberships accepted on their
// first day, the adjustment in effect and approved on its day by the members
// it changed, the account's maker taken from the audit log.
func TestConsentMigrationKeepsHistory(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			db := openStore(t, freshDSN(t, e))
			must(t, db.MigrateTo(ctx, 5))
			now := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
			exec := func(q string, args ...any) {
				t.Helper()
				must(t, db.Exec(ctx, q, args...))
			}
			for _, o := range [][2]string{{"org-s", "Silkeborg Kommune"}, {"org-v", "Viborg Kommune"}, {"org-a", "Aarhus Kommune"}} {
				exec(`INSERT INTO organizations (id, kind, name, name_fold, country, visibility, version, created_at, updated_at)
					VALUES ($1, 'municipality', $2, $3, 'DK', 'public', 1, $4, $4)`, o[0], o[1], samspil.Fold(o[1]), now)
			}
			exec(`INSERT INTO collaborations (id, name, name_fold, kind, purpose, start_date, legal_form, exclusivity, decision_rule, cost_key,
				visibility, version, created_at, updated_at) VALUES ('c1', 'Silkeborg–Viborg', 'silkeborg–viborg', 'partnership', '', $1,
				'agreement', 'open', 'consensus', 'equal', 'private', 1, $2, $2)`, samspil.NewDate(2014, 1, 1), now)
			for _, m := range []struct {
				id, org, role, commitment string
				since                     samspil.Date
				until                     *samspil.Date
			}{
				{"m-s", "org-s", "secretariat", "voluntary", samspil.NewDate(2014, 1, 1), nil},
				{"m-v", "org-v", "member", "voluntary", samspil.NewDate(2014, 1, 1), nil},
				{"m-a", "org-a", "member", "binding", samspil.NewDate(2015, 6, 1), ptr(samspil.NewDate(2017, 12, 31))},
			} {
				exec(`INSERT INTO collaboration_members (id, collaboration_id, organization_id, role, commitment, since, until, version, created_at, updated_at)
					VALUES ($1, 'c1', $2, $3, $4, $5, $6, 1, $7, $7)`, m.id, m.org, m.role, m.commitment, m.since, m.until, now)
			}
			exec(`INSERT INTO adjustments (id, collaboration_id, title, summary, effective_on, exclusivity, previous_exclusivity, strategy_note, by_name, created_at)
				VALUES ('adj', 'c1', 'Justeret samarbejdsform', '', $1, 'open', 'exclusive', '', 'Mette', $2)`, samspil.NewDate(2018, 11, 1), now)
			for i, org := range []string{"org-s", "org-v"} {
				exec(`INSERT INTO member_events (id, collaboration_id, organization_id, kind, on_date, from_value, to_value, reason, adjustment_id, by_name, recorded_at)
					VALUES ($1, 'c1', $2, 'commitment', $3, 'binding', 'voluntary', 'Justeret samarbejdsform', 'adj', 'Mette', $4)`,
					"ev"+string(rune('0'+i)), org, samspil.NewDate(2018, 11, 1), now)
			}
			// Two accounts of Silkeborg: its administrator, and one its
			// administrator made (so says the audit log).
			for _, u := range []string{"u-admin", "u-made"} {
				exec(`INSERT INTO users (id, email, email_fold, display_name, name_fold, disabled, operator, version, created_at, updated_at)
					VALUES ($1, $2, $2, $1, $1, FALSE, FALSE, 1, $3, $3)`, u, u+"@silkeborg.example", now)
			}
			exec(`INSERT INTO memberships (id, user_id, organization_id, role, version, created_at, updated_at) VALUES ('ms1', 'u-admin', 'org-s', 'admin', 1, $1, $1)`, now)
			exec(`INSERT INTO memberships (id, user_id, organization_id, role, version, created_at, updated_at) VALUES ('ms2', 'u-made', 'org-s', 'viewer', 1, $1, $1)`, now)
			exec(`INSERT INTO audit_events (id, time, actor_kind, actor_user_id, actor_label, organization_id, action, object_type, object_id)
				VALUES ('ae1', $1, 'user', 'u-admin', 'u-admin', 'org-s', 'user.create', 'user', 'u-made')`, now)

			must(t, db.Migrate(ctx))

			invs, err := db.ListInvitations(ctx, testkit.System, samspil.InvitationFilter{CollaborationID: "c1", ListOptions: samspil.ListOptions{Limit: 10}})
			must(t, err)
			byOrg := map[string]samspil.Invitation{}
			for _, inv := range invs.Items {
				byOrg[inv.OrganizationID] = inv
			}
			for org, want := range map[string]struct {
				since    samspil.Date
				founding bool
			}{"org-s": {samspil.NewDate(2014, 1, 1), true}, "org-v": {samspil.NewDate(2014, 1, 1), true}, "org-a": {samspil.NewDate(2015, 6, 1), false}} {
				inv, ok := byOrg[org]
				if !ok || inv.Status != samspil.InvitationAccepted || inv.AnsweredOn == nil || *inv.AnsweredOn != want.since ||
					inv.Since != want.since || inv.Founding != want.founding || inv.MemberID != "m-"+org[len(org)-1:] {
					t.Errorf("%s: %+v", org, inv)
				}
			}
			a, err := db.FindAdjustment(ctx, testkit.System, "adj")
			must(t, err)
			if a.Status != samspil.AdjustmentInEffect || a.AppliedAt == nil || len(a.Commitments) != 2 {
				t.Fatalf("adjustment %+v", a)
			}
			// Approved by the two members of that day (Aarhus had left).
			if len(a.Approvals) != 2 {
				t.Fatalf("approvals %+v", a.Approvals)
			}
			for _, ap := range a.Approvals {
				if ap.State != samspil.ApprovalApproved || ap.On == nil || *ap.On != samspil.NewDate(2018, 11, 1) || ap.OrganizationID == "org-a" {
					t.Errorf("approval %+v", ap)
				}
			}
			// The account Silkeborg made, and holds alone, has its password
			// set by Silkeborg's administrator.
			admin, err := db.ActorForUser(ctx, "u-admin")
			must(t, err)
			must(t, db.SetPassword(ctx, admin, "u-made", "", testkit.Password))
			// Partners still come from the accepted memberships.
			if c, err := db.FindCollaboration(ctx, admin, "c1"); err != nil || len(c.Members) != 3 {
				t.Fatalf("collaboration %v %+v", err, c)
			}
		})
	}
}
