package sqldb_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver for raw SQL
	_ "modernc.org/sqlite"             // "sqlite" driver for raw SQL

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// auditCase is one write and the audit event it must leave.
type auditCase struct {
	name   string
	setup  func(t *testing.T)                   // prepares the write, before the events are counted
	do     func(t *testing.T) (objectID string) // performs the write
	action string                               // "" when the write is refused and must leave no event
	org    string                               // organization_id of the event
	before map[string]any                       // fields the before image must hold; nil: no before image
	after  map[string]any                       // fields the after image must hold; nil: no after image
}

func TestAuditEveryWrite(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		admin := testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)
		outsider := testkit.NewPerson(t, db, "ida@viborg.dk", testkit.Viborg, samspil.RoleViewer)
		stranger := testkit.NewPerson(t, db, "ole@aarhus.dk", testkit.Aarhus, samspil.RoleViewer)
		s := testkit.Org(t, db, testkit.Silkeborg)
		// The administrator of Silkeborg administers Viborg too, so Viborg's
		// people may be given a role in Silkeborg.
		_, err := db.CreateMembership(ctx, testkit.System, samspil.MembershipInput{UserID: admin.User.ID, OrganizationID: testkit.Viborg, Role: samspil.RoleAdmin})
		must(t, err)
		actor := testkit.Actor(t, db, admin.User.ID)
		var inviteSecret string
		var unit *samspil.OrgUnit
		var user *samspil.User
		var member *samspil.Membership
		var token *samspil.Token
		var secret string

		cases := []auditCase{
			{name: "organization update", action: "organization.update", org: s.ID,
				do: func(t *testing.T) string {
					_, err := db.UpdateOrganization(ctx, actor, s.ID, s.Version, samspil.OrganizationPatch{Name: ptr("Silkeborg Kommune (ny)")})
					must(t, err)
					return s.ID
				},
				before: map[string]any{"name": "Silkeborg Kommune", "version": float64(s.Version)},
				after:  map[string]any{"name": "Silkeborg Kommune (ny)", "version": float64(s.Version + 1)}},
			{name: "stale organization update", do: func(t *testing.T) string {
				_, err := db.UpdateOrganization(ctx, actor, s.ID, s.Version, samspil.OrganizationPatch{Name: ptr("X")})
				testkit.ErrCode(t, err, samspil.ESTALE)
				return ""
			}},
			{name: "unit create", action: "unit.create", org: s.ID,
				do: func(t *testing.T) string {
					var err error
					unit, err = db.CreateUnit(ctx, actor, testkit.Silkeborg, samspil.OrgUnitInput{Kind: samspil.UnitOffice, Name: "IT"})
					must(t, err)
					return unit.ID
				},
				after: map[string]any{"name": "IT", "kind": "office"}},
			{name: "unit update", action: "unit.update", org: s.ID,
				do: func(t *testing.T) string {
					_, err := db.UpdateUnit(ctx, actor, testkit.Silkeborg, unit.ID, 1, samspil.OrgUnitPatch{Name: ptr("Digitalisering")})
					must(t, err)
					return unit.ID
				},
				before: map[string]any{"name": "IT", "version": float64(1)},
				after:  map[string]any{"name": "Digitalisering", "version": float64(2)}},
			{name: "refused unit delete", do: func(t *testing.T) string {
				err := db.DeleteUnit(ctx, outsider.Actor, testkit.Silkeborg, unit.ID, 2)
				testkit.ErrCode(t, err, samspil.EFORBIDDEN)
				return ""
			}},
			{name: "unit delete", action: "unit.delete", org: s.ID,
				do: func(t *testing.T) string {
					must(t, db.DeleteUnit(ctx, actor, testkit.Silkeborg, unit.ID, 2))
					return unit.ID
				},
				before: map[string]any{"name": "Digitalisering"}},
			{name: "refused user create", do: func(t *testing.T) string {
				_, err := db.CreateUser(ctx, actor, samspil.UserInput{Email: "anna@silkeborg.dk", DisplayName: "Anna", Password: testkit.Password,
					OrganizationID: testkit.Silkeborg, Role: samspil.RoleViewer})
				testkit.ErrCode(t, err, samspil.EFORBIDDEN)
				return ""
			}},
			{name: "person invitation", action: "person_invitation.create", org: s.ID,
				do: func(t *testing.T) string {
					inv, secret, err := db.InvitePerson(ctx, actor, testkit.Silkeborg, samspil.PersonInvitationInput{Email: "anna@silkeborg.dk",
						Role: samspil.RoleViewer})
					must(t, err)
					inviteSecret = secret
					return inv.ID
				},
				after: map[string]any{"email": "anna@silkeborg.dk", "role": "viewer", "status": "pending"}},
			{name: "user update", action: "user.update", org: s.ID,
				setup: func(t *testing.T) {
					var err error
					user, err = db.AcceptByLink(ctx, inviteSecret, samspil.NewAccountInput{DisplayName: "Anna", Password: testkit.Password})
					must(t, err)
				},
				do: func(t *testing.T) string {
					_, err := db.UpdateUser(ctx, actor, user.ID, 1, samspil.UserPatch{DisplayName: ptr("Anna Jensen")})
					must(t, err)
					return user.ID
				},
				before: map[string]any{"display_name": "Anna", "version": float64(1)},
				after:  map[string]any{"display_name": "Anna Jensen", "version": float64(2)}},
			{name: "password", action: "user.password", org: s.ID,
				do: func(t *testing.T) string {
					must(t, db.SetPassword(ctx, actor, user.ID, "", newPassword))
					return user.ID
				}},
			{name: "identity link", action: "identity.link", org: s.ID,
				do: func(t *testing.T) string {
					_, err := db.LinkIdentity(ctx, actor, user.ID, "https://idp.silkeborg.dk", "anna")
					must(t, err)
					return user.ID
				},
				after: map[string]any{"provider": "https://idp.silkeborg.dk", "subject": "anna"}},
			{name: "membership create", action: "membership.create", org: s.ID,
				do: func(t *testing.T) string {
					var err error
					member, err = db.CreateMembership(ctx, actor, samspil.MembershipInput{Email: outsider.User.Email, OrganizationID: testkit.Silkeborg, Role: samspil.RoleViewer})
					must(t, err)
					return member.ID
				},
				after: map[string]any{"role": "viewer", "user_id": outsider.User.ID}},
			{name: "refused membership of a stranger", do: func(t *testing.T) string {
				_, err := db.CreateMembership(ctx, actor, samspil.MembershipInput{Email: stranger.User.Email, OrganizationID: testkit.Silkeborg, Role: samspil.RoleViewer})
				testkit.ErrCode(t, err, samspil.EINVALID)
				return ""
			}},
			{name: "duplicate membership", do: func(t *testing.T) string {
				_, err := db.CreateMembership(ctx, actor, samspil.MembershipInput{Email: outsider.User.Email, OrganizationID: testkit.Silkeborg, Role: samspil.RoleViewer})
				testkit.ErrCode(t, err, samspil.ECONFLICT)
				return ""
			}},
			{name: "membership update", action: "membership.update", org: s.ID,
				do: func(t *testing.T) string {
					_, err := db.UpdateMembership(ctx, actor, member.ID, 1, samspil.MembershipPatch{Role: ptr(samspil.RoleEditor)})
					must(t, err)
					return member.ID
				},
				before: map[string]any{"role": "viewer"},
				after:  map[string]any{"role": "editor"}},
			{name: "membership delete", action: "membership.delete", org: s.ID,
				do: func(t *testing.T) string {
					must(t, db.DeleteMembership(ctx, actor, member.ID, 2))
					return member.ID
				},
				before: map[string]any{"role": "editor", "user_id": outsider.User.ID}},
			{name: "token create", action: "token.create", org: "",
				do: func(t *testing.T) string {
					var err error
					token, secret, err = db.CreateToken(ctx, actor, "", samspil.TokenInput{Name: "ci"})
					must(t, err)
					return token.ID
				},
				after: map[string]any{"name": "ci", "user_id": admin.User.ID}},
			{name: "token revoke", action: "token.revoke", org: "",
				do: func(t *testing.T) string {
					must(t, db.RevokeToken(ctx, actor, token.ID))
					return token.ID
				},
				before: map[string]any{"name": "ci"},
				after:  map[string]any{"name": "ci"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if c.setup != nil {
					c.setup(t)
				}
				mark := auditMark(t, db)
				objectID := c.do(t)
				events := auditSince(t, db, mark)
				if c.action == "" {
					if len(events) != 0 {
						t.Fatalf("a refused write left %d audit events: %+v", len(events), events)
					}
					return
				}
				if len(events) != 1 {
					t.Fatalf("want exactly one audit event, got %d: %+v", len(events), events)
				}
				e := events[0]
				if e.Action != c.action || e.OrganizationID != c.org || e.ObjectID != objectID {
					t.Errorf("event action %q org %q object %q, want %q %q %q", e.Action, e.OrganizationID, e.ObjectID, c.action, c.org, objectID)
				}
				if e.ActorKind != samspil.ActorUser || e.ActorUserID != admin.User.ID || e.ActorLabel != admin.User.DisplayName {
					t.Errorf("event actor %s %q %q, want the admin", e.ActorKind, e.ActorUserID, e.ActorLabel)
				}
				checkImage(t, "before", e.Before, c.before)
				checkImage(t, "after", e.After, c.after)
				// Secrets never reach the audit log.
				for _, leak := range []string{secret, testkit.Password, newPassword, "argon2"} {
					if leak != "" && (strings.Contains(string(e.Before), leak) || strings.Contains(string(e.After), leak)) {
						t.Errorf("the audit event holds a secret: %s / %s", e.Before, e.After)
					}
				}
				got, err := db.FindAuditEvent(ctx, testkit.System, e.ID)
				must(t, err)
				if got.Action != e.Action || got.ObjectID != e.ObjectID {
					t.Errorf("FindAuditEvent: %+v", got)
				}
			})
		}
		// The revoke is also visible in the after image.
		rev := allAudit(t, db, samspil.AuditFilter{Action: "token.revoke"})
		if len(rev) == 1 {
			if jsonObject(t, rev[0].Before)["revoked_at"] != nil || jsonObject(t, rev[0].After)["revoked_at"] == nil {
				t.Errorf("token.revoke images: %s -> %s", rev[0].Before, rev[0].After)
			}
		}
	})
}

// checkImage compares the listed fields of an audit image.
func checkImage(t *testing.T, name string, raw json.RawMessage, want map[string]any) {
	t.Helper()
	got := jsonObject(t, raw)
	if want == nil {
		if got != nil {
			t.Errorf("%s image %s, want none", name, raw)
		}
		return
	}
	if got == nil {
		t.Errorf("%s image missing, want %v", name, want)
		return
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s.%s = %#v, want %#v (%s)", name, k, got[k], v, raw)
		}
	}
}

func TestAuditSystemActorAndRequestID(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		mark := auditMark(t, db)
		o, err := db.CreateOrganization(samspil.WithRequestID(ctx, "req-42"), samspil.SystemActor("cli"), samspil.OrganizationInput{Kind: samspil.KindCommunity, Name: "OS2"})
		must(t, err)
		events := auditSince(t, db, mark)
		if len(events) != 2 {
			t.Fatalf("want the creation and the lists it starts with, got %+v", events)
		}
		e := events[0]
		if e.Action != "organization.create" || e.OrganizationID != o.ID || e.ObjectID != o.ID || e.ActorKind != samspil.ActorSystem ||
			e.ActorLabel != "cli" || e.ActorUserID != "" || e.RequestID != "req-42" || e.Time.IsZero() {
			t.Errorf("event %+v", e)
		}
		checkImage(t, "after", e.After, map[string]any{"name": "OS2", "visibility": "sector"})
		// The organisation starts with KITOS's lists, in the same
		// transaction and audited with the same actor and request.
		e = events[1]
		if e.Action != "organization.seed_lists" || e.OrganizationID != o.ID || e.ActorLabel != "cli" || e.RequestID != "req-42" {
			t.Errorf("lists event %+v", e)
		}
		lists := jsonObject(t, e.After)
		if got := fmt.Sprint(lists["data_classifications"]); got != "[Offentlige data Interne data Fortrolige data Hemmelige data]" {
			t.Errorf("seeded levels %s", got)
		}
		if got := fmt.Sprint(lists["role_types.data_processing"]); got != "[Standard Skriverolle Standard Læserolle]" {
			t.Errorf("seeded role types %s", got)
		}
	})
}

func TestAuditVisibility(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		sAdmin := testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)
		sEditor := testkit.NewPerson(t, db, "editor@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		sViewer := testkit.NewPerson(t, db, "viewer@silkeborg.dk", testkit.Silkeborg, samspil.RoleViewer)
		vAdmin := testkit.NewPerson(t, db, "admin@viborg.dk", testkit.Viborg, samspil.RoleAdmin)
		s, v := testkit.Org(t, db, testkit.Silkeborg), testkit.Org(t, db, testkit.Viborg)

		_, err := db.CreateUnit(ctx, sEditor.Actor, testkit.Silkeborg, samspil.OrgUnitInput{Kind: samspil.UnitOffice, Name: "IT"})
		must(t, err)
		_, err = db.CreateUnit(ctx, vAdmin.Actor, testkit.Viborg, samspil.OrgUnitInput{Kind: samspil.UnitOffice, Name: "IT"})
		must(t, err)
		login(t, db, sAdmin.User.Email, testkit.Password)
		_, _, err = db.Login(ctx, samspil.LoginAttempt{Email: sAdmin.User.Email, Password: "wrong password"})
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)

		all := allAudit(t, db, samspil.AuditFilter{})
		byOrg := map[string]int{}
		for _, e := range all {
			byOrg[e.OrganizationID]++
		}
		// Silkeborg: 3 users and a unit; Viborg: 1 user and a unit; no
		// organisation: logins and reference data.
		if byOrg[s.ID] != 4 || byOrg[v.ID] != 2 || byOrg[""] < 2 {
			t.Fatalf("events by organisation: %v", byOrg)
		}

		for _, c := range []struct {
			who   string
			actor *samspil.Actor
			f     samspil.AuditFilter
			want  map[string]int // organisation ID -> events
		}{
			{"Silkeborg admin", sAdmin.Actor, samspil.AuditFilter{}, map[string]int{s.ID: 4}},
			{"Silkeborg admin asking for Viborg", sAdmin.Actor, samspil.AuditFilter{OrganizationID: v.ID}, map[string]int{}},
			{"Silkeborg admin, units only", sAdmin.Actor, samspil.AuditFilter{ObjectType: "unit"}, map[string]int{s.ID: 1}},
			{"Silkeborg editor", sEditor.Actor, samspil.AuditFilter{}, map[string]int{}},
			{"Silkeborg viewer", sViewer.Actor, samspil.AuditFilter{}, map[string]int{}},
			{"Viborg admin", vAdmin.Actor, samspil.AuditFilter{}, map[string]int{v.ID: 2}},
			{"anonymous", samspil.Anonymous(), samspil.AuditFilter{}, map[string]int{}},
			{"operator", testkit.System, samspil.AuditFilter{}, byOrg},
		} {
			t.Run(c.who, func(t *testing.T) {
				got := map[string]int{}
				for _, e := range auditAs(t, db, c.actor, c.f) {
					got[e.OrganizationID]++
				}
				if len(got) != len(c.want) {
					t.Fatalf("sees events of %v, want %v", got, c.want)
				}
				for org, n := range c.want {
					if got[org] != n {
						t.Fatalf("sees events of %v, want %v", got, c.want)
					}
				}
			})
		}

		// Single events follow the same rule.
		var sEvent, loginEvent samspil.AuditEvent
		for _, e := range all {
			switch {
			case e.OrganizationID == s.ID && sEvent.ID == "":
				sEvent = e
			case e.Action == "login.success":
				loginEvent = e
			}
		}
		if _, err := db.FindAuditEvent(ctx, sAdmin.Actor, sEvent.ID); err != nil {
			t.Errorf("Silkeborg admin finds a Silkeborg event: %v", err)
		}
		for name, actor := range map[string]*samspil.Actor{"editor": sEditor.Actor, "Viborg admin": vAdmin.Actor, "anonymous": samspil.Anonymous()} {
			if _, err := db.FindAuditEvent(ctx, actor, sEvent.ID); samspil.ErrorCode(err) != samspil.ENOTFOUND {
				t.Errorf("%s finds a Silkeborg event: %v", name, err)
			}
		}
		// Logins belong to no organisation: only operators see them, even
		// the user's own.
		if _, err := db.FindAuditEvent(ctx, sAdmin.Actor, loginEvent.ID); samspil.ErrorCode(err) != samspil.ENOTFOUND {
			t.Errorf("admin finds a login event: %v", err)
		}
	})
}

// openRaw opens a plain database/sql handle on a test database.
func openRaw(t *testing.T, e sqldb.Engine, dsn string) *sql.DB {
	t.Helper()
	driver, src := "pgx", dsn
	if e == sqldb.SQLite {
		driver, src = "sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)"
	}
	raw, err := sql.Open(driver, src)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

func TestAuditAppendOnly(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			dsn := testkit.NewDSN(t, e)
			db, err := sqldb.Open(ctx, dsn, sqldb.Options{Passwords: testkit.Passwords()})
			must(t, err)
			t.Cleanup(func() { db.Close() })
			_, err = db.CreateOrganization(ctx, testkit.System, samspil.OrganizationInput{Kind: samspil.KindCommunity, Name: "OS2"})
			must(t, err)
			raw := openRaw(t, e, dsn)

			count := func() int {
				t.Helper()
				var n int
				must(t, raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events`).Scan(&n))
				return n
			}
			n := count()
			if n < 2 {
				t.Fatalf("want some audit events to protect, have %d", n)
			}
			stmts := []string{
				`UPDATE audit_events SET action = 'tampered'`,
				`UPDATE audit_events SET after_json = NULL WHERE action = 'organization.create'`,
				`DELETE FROM audit_events WHERE action = 'organization.create'`,
				`DELETE FROM audit_events`,
			}
			if e == sqldb.Postgres {
				stmts = append(stmts, `TRUNCATE audit_events`, `TRUNCATE TABLE audit_events CASCADE`)
			}
			for _, q := range stmts {
				_, err := raw.ExecContext(ctx, q)
				if err == nil {
					t.Errorf("%s: succeeded", q)
				} else if !strings.Contains(err.Error(), "append-only") {
					t.Errorf("%s: failed for another reason than the append-only rule: %v", q, err)
				}
			}
			if got := count(); got != n {
				t.Errorf("%d audit events after tampering, want %d", got, n)
			}
			if got := countAudit(t, db, "organization.create"); got != 1 {
				t.Errorf("%d organization.create events, want 1", got)
			}
			var tampered int
			must(t, raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events WHERE action = 'tampered' OR after_json IS NULL AND action = 'organization.create'`).Scan(&tampered))
			if tampered != 0 {
				t.Errorf("%d events were changed", tampered)
			}
			// Appending still works.
			_, err = db.CreateOrganization(ctx, testkit.System, samspil.OrganizationInput{Kind: samspil.KindCommunity, Name: "OS3"})
			must(t, err)
			if got := count(); got != n+2 { // the creation and the lists it starts with
				t.Errorf("%d audit events after one more change, want %d", got, n+2)
			}
		})
	}
}
