package sqldb_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// newPassword is a password that passes the policy and differs from
// testkit.Password.
const newPassword = "grøn cykel under regnbuen"

func login(t testing.TB, db *sqldb.DB, email, password string) string {
	t.Helper()
	secret, _, err := db.Login(ctx, samspil.LoginAttempt{Email: email, Password: password})
	if err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	return secret
}

func findUser(t testing.TB, db *sqldb.DB, id string) *samspil.User {
	t.Helper()
	u, err := db.FindUser(ctx, testkit.System, id)
	if err != nil {
		t.Fatalf("find user %s: %v", id, err)
	}
	return u
}

func TestUserCreate(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		s := testkit.Org(t, db, testkit.Silkeborg)

		u, err := db.CreateUser(ctx, testkit.System, samspil.UserInput{Email: " Anna.Jensen@Silkeborg.dk ", DisplayName: " Anna Jensen ",
			OrganizationID: testkit.Silkeborg, Role: samspil.RoleEditor})
		must(t, err)
		if u.Email != "Anna.Jensen@Silkeborg.dk" || u.DisplayName != "Anna Jensen" || u.HasPassword || u.Disabled || u.Operator || u.Version != 1 {
			t.Fatalf("created %+v", u)
		}
		if len(u.Memberships) != 1 || u.Memberships[0].OrganizationID != s.ID || u.Memberships[0].Role != samspil.RoleEditor ||
			u.Memberships[0].OrganizationName != "Silkeborg Kommune" {
			t.Fatalf("first membership: %+v", u.Memberships)
		}
		if a := testkit.Actor(t, db, u.ID); a.RoleIn(s.ID) != samspil.RoleEditor {
			t.Errorf("new user's actor has roles %v", a.Roles)
		}
		withPw, err := db.CreateUser(ctx, testkit.System, samspil.UserInput{Email: "bo@silkeborg.dk", DisplayName: "Bo", Password: testkit.Password,
			OrganizationID: s.ID, Role: samspil.RoleViewer})
		must(t, err)
		if !withPw.HasPassword {
			t.Errorf("user created with a password has none")
		}
		login(t, db, "bo@silkeborg.dk", testkit.Password)

		// E-mail addresses are unique regardless of case.
		_, err = db.CreateUser(ctx, testkit.System, samspil.UserInput{Email: "anna.jensen@SILKEBORG.DK", DisplayName: "Anna 2",
			OrganizationID: testkit.Silkeborg, Role: samspil.RoleViewer})
		wantField(t, err, samspil.ECONFLICT, "email")

		// Operators may create users without an organisation, and operators.
		op, err := db.CreateUser(ctx, testkit.System, samspil.UserInput{Email: "drift@samspil.dk", DisplayName: "Drift", Operator: true})
		must(t, err)
		if !op.Operator || len(op.Memberships) != 0 || !testkit.Actor(t, db, op.ID).IsOperator() {
			t.Errorf("operator: %+v", op)
		}

		users, err := db.ListUsers(ctx, testkit.System, samspil.UserFilter{Query: "anna"})
		must(t, err)
		if len(users.Items) != 1 {
			t.Errorf("want one Anna, got %+v", users.Items)
		}
	})
}

func TestUserCreateRefused(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		private := newOrg(t, db, "Lukket Fællesskab", samspil.VisibilityPrivate)
		admin := testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)
		editor := testkit.NewPerson(t, db, "editor@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		ok := samspil.UserInput{Email: "ny@silkeborg.dk", DisplayName: "Ny", OrganizationID: testkit.Silkeborg, Role: samspil.RoleViewer}
		with := func(f func(*samspil.UserInput)) samspil.UserInput {
			in := ok
			f(&in)
			return in
		}
		for _, c := range []struct {
			name  string
			actor *samspil.Actor
			in    samspil.UserInput
			code  string
			field string
		}{
			{"no role", testkit.System, with(func(in *samspil.UserInput) { in.Role = "" }), samspil.EINVALID, "role"},
			{"unknown role", testkit.System, with(func(in *samspil.UserInput) { in.Role = "owner" }), samspil.EINVALID, "role"},
			{"bad e-mail", testkit.System, with(func(in *samspil.UserInput) { in.Email = "Ny <ny@silkeborg.dk>" }), samspil.EINVALID, "email"},
			{"no name", testkit.System, with(func(in *samspil.UserInput) { in.DisplayName = " " }), samspil.EINVALID, "display_name"},
			{"short password", testkit.System, with(func(in *samspil.UserInput) { in.Password = "kort" }), samspil.EINVALID, "password"},
			{"unknown organisation", testkit.System, with(func(in *samspil.UserInput) { in.OrganizationID = "no-such-org" }), samspil.ENOTFOUND, ""},
			// Administrators invite people instead: whether an address has an
			// account must not show in their answers.
			{"admin", admin.Actor, ok, samspil.EFORBIDDEN, ""},
			{"editor", editor.Actor, ok, samspil.EFORBIDDEN, ""},
			{"anonymous", samspil.Anonymous(), ok, samspil.EFORBIDDEN, ""},
			{"admin of another organisation", admin.Actor, with(func(in *samspil.UserInput) { in.OrganizationID = testkit.Viborg }), samspil.EFORBIDDEN, ""},
			{"admin making an operator", admin.Actor, with(func(in *samspil.UserInput) { in.Operator = true }), samspil.EFORBIDDEN, ""},
			{"admin of a private organisation", admin.Actor, with(func(in *samspil.UserInput) { in.OrganizationID = private.ID }), samspil.EFORBIDDEN, ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := db.CreateUser(ctx, c.actor, c.in)
				if c.field != "" {
					wantField(t, err, c.code, c.field)
				} else {
					testkit.ErrCode(t, err, c.code)
				}
				if _, err := db.UserIDByEmail(ctx, c.in.Email); err == nil {
					t.Errorf("refused user %s was stored", c.in.Email)
				}
			})
		}
	})
}

func TestUserVisibility(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		sViewer := testkit.NewPerson(t, db, "viewer@silkeborg.dk", testkit.Silkeborg, samspil.RoleViewer)
		sAdmin := testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)
		vAdmin := testkit.NewPerson(t, db, "admin@viborg.dk", testkit.Viborg, samspil.RoleAdmin)
		both := testkit.NewPerson(t, db, "begge@example.dk", testkit.Silkeborg, samspil.RoleEditor)
		both.Actor = addMember(t, db, both, testkit.Viborg, samspil.RoleViewer)
		loner, err := db.CreateUser(ctx, testkit.System, samspil.UserInput{Email: "alene@example.dk", DisplayName: "Alene"})
		must(t, err)
		s, v := testkit.Org(t, db, testkit.Silkeborg), testkit.Org(t, db, testkit.Viborg)

		emails := func(actor *samspil.Actor, f samspil.UserFilter) []string {
			t.Helper()
			p, err := db.ListUsers(ctx, actor, f)
			must(t, err)
			var out []string
			for _, u := range p.Items {
				out = append(out, u.Email)
			}
			slices.Sort(out)
			return out
		}
		for _, c := range []struct {
			who   string
			actor *samspil.Actor
			f     samspil.UserFilter
			want  []string
		}{
			{"Silkeborg viewer", sViewer.Actor, samspil.UserFilter{}, []string{"admin@silkeborg.dk", "begge@example.dk", "viewer@silkeborg.dk"}},
			{"Viborg admin", vAdmin.Actor, samspil.UserFilter{}, []string{"admin@viborg.dk", "begge@example.dk"}},
			{"member of both", both.Actor, samspil.UserFilter{}, []string{"admin@silkeborg.dk", "admin@viborg.dk", "begge@example.dk", "viewer@silkeborg.dk"}},
			{"member of both, Viborg only", both.Actor, samspil.UserFilter{OrganizationID: testkit.Viborg}, []string{"admin@viborg.dk", "begge@example.dk"}},
			{"member of both, by ID", both.Actor, samspil.UserFilter{OrganizationID: s.ID}, []string{"admin@silkeborg.dk", "begge@example.dk", "viewer@silkeborg.dk"}},
			{"Viborg admin asking for Silkeborg", vAdmin.Actor, samspil.UserFilter{OrganizationID: testkit.Silkeborg}, []string{"begge@example.dk"}},
			{"search", sViewer.Actor, samspil.UserFilter{Query: "ADMIN"}, []string{"admin@silkeborg.dk"}},
			{"user without organisation", testkit.Actor(t, db, loner.ID), samspil.UserFilter{}, []string{"alene@example.dk"}},
			{"anonymous", samspil.Anonymous(), samspil.UserFilter{}, nil},
		} {
			t.Run(c.who, func(t *testing.T) {
				if got := emails(c.actor, c.f); !slices.Equal(got, c.want) {
					t.Errorf("sees %q, want %q", got, c.want)
				}
			})
		}

		// Those not listed are not found either.
		for _, c := range []struct {
			who    string
			actor  *samspil.Actor
			target string
		}{
			{"Silkeborg viewer finds Viborg admin", sViewer.Actor, vAdmin.User.ID},
			{"Viborg admin finds Silkeborg admin", vAdmin.Actor, sAdmin.User.ID},
			{"Silkeborg admin finds a user without organisation", sAdmin.Actor, loner.ID},
			{"anonymous finds anyone", samspil.Anonymous(), sViewer.User.ID},
		} {
			_, err := db.FindUser(ctx, c.actor, c.target)
			if samspil.ErrorCode(err) != samspil.ENOTFOUND {
				t.Errorf("%s: want not_found, got %v", c.who, err)
			}
		}

		// A user's memberships show as far as the reader may see them.
		for _, c := range []struct {
			who   string
			actor *samspil.Actor
			want  []string
		}{
			{"Silkeborg viewer", sViewer.Actor, []string{s.ID}},
			{"Viborg admin", vAdmin.Actor, []string{v.ID}},
			{"the user", both.Actor, []string{s.ID, v.ID}},
			{"operator", testkit.System, []string{s.ID, v.ID}},
		} {
			u, err := db.FindUser(ctx, c.actor, both.User.ID)
			must(t, err)
			var got []string
			for _, m := range u.Memberships {
				got = append(got, m.OrganizationID)
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(c.want))
			if !slices.Equal(got, want) {
				t.Errorf("%s sees memberships in %v, want %v", c.who, got, want)
			}
		}
	})
}

func TestUserUpdate(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		admin := testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)
		viewer := testkit.NewPerson(t, db, "viewer@silkeborg.dk", testkit.Silkeborg, samspil.RoleViewer)
		editor := testkit.NewPerson(t, db, "editor@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		vAdmin := testkit.NewPerson(t, db, "admin@viborg.dk", testkit.Viborg, samspil.RoleAdmin)

		// Users change their own name and e-mail.
		u, err := db.UpdateUser(ctx, viewer.Actor, viewer.User.ID, 1, samspil.UserPatch{DisplayName: ptr(" Vera Viewer "), Email: ptr("vera@silkeborg.dk")})
		must(t, err)
		if u.DisplayName != "Vera Viewer" || u.Email != "vera@silkeborg.dk" || u.Version != 2 {
			t.Fatalf("self update: %+v", u)
		}
		if got := findUser(t, db, viewer.User.ID); got.DisplayName != "Vera Viewer" || got.Version != 2 {
			t.Fatalf("stored %+v", got)
		}
		login(t, db, "VERA@silkeborg.dk", testkit.Password)

		for _, c := range []struct {
			name  string
			actor *samspil.Actor
			id    string
			ver   int
			p     samspil.UserPatch
			code  string
			field string
		}{
			{"stale version", viewer.Actor, viewer.User.ID, 1, samspil.UserPatch{DisplayName: ptr("X")}, samspil.ESTALE, ""},
			{"e-mail of another user", viewer.Actor, viewer.User.ID, 2, samspil.UserPatch{Email: ptr("ADMIN@silkeborg.dk")}, samspil.ECONFLICT, "email"},
			{"invalid e-mail", viewer.Actor, viewer.User.ID, 2, samspil.UserPatch{Email: ptr("vera")}, samspil.EINVALID, "email"},
			{"empty name", viewer.Actor, viewer.User.ID, 2, samspil.UserPatch{DisplayName: ptr("")}, samspil.EINVALID, "display_name"},
			{"viewer changes a colleague", viewer.Actor, editor.User.ID, 1, samspil.UserPatch{DisplayName: ptr("X")}, samspil.EFORBIDDEN, ""},
			{"editor disables a colleague", editor.Actor, viewer.User.ID, 2, samspil.UserPatch{Disabled: ptr(true)}, samspil.EFORBIDDEN, ""},
			{"user makes self operator", viewer.Actor, viewer.User.ID, 2, samspil.UserPatch{Operator: ptr(true)}, samspil.EFORBIDDEN, ""},
			{"admin makes a member operator", admin.Actor, viewer.User.ID, 2, samspil.UserPatch{Operator: ptr(true)}, samspil.EFORBIDDEN, ""},
			{"admin disables self", admin.Actor, admin.User.ID, 1, samspil.UserPatch{Disabled: ptr(true)}, samspil.ECONFLICT, ""},
			{"admin of another organisation", vAdmin.Actor, viewer.User.ID, 2, samspil.UserPatch{DisplayName: ptr("X")}, samspil.ENOTFOUND, ""},
			{"anonymous", samspil.Anonymous(), viewer.User.ID, 2, samspil.UserPatch{DisplayName: ptr("X")}, samspil.ENOTFOUND, ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				before := findUser(t, db, c.id)
				_, err := db.UpdateUser(ctx, c.actor, c.id, c.ver, c.p)
				if c.field != "" {
					wantField(t, err, c.code, c.field)
				} else {
					testkit.ErrCode(t, err, c.code)
				}
				after := findUser(t, db, c.id)
				if after.Version != before.Version || after.DisplayName != before.DisplayName || after.Email != before.Email ||
					after.Disabled != before.Disabled || after.Operator != before.Operator {
					t.Errorf("refused update changed the user: %+v -> %+v", before, after)
				}
			})
		}

		// Administrators change their members' accounts.
		u, err = db.UpdateUser(ctx, admin.Actor, editor.User.ID, 1, samspil.UserPatch{DisplayName: ptr("Erik Editor")})
		must(t, err)
		if u.DisplayName != "Erik Editor" {
			t.Errorf("admin update: %+v", u)
		}

		// Only operators grant the operator role.
		u, err = db.UpdateUser(ctx, testkit.System, viewer.User.ID, 2, samspil.UserPatch{Operator: ptr(true)})
		must(t, err)
		if !u.Operator || !testkit.Actor(t, db, viewer.User.ID).IsOperator() {
			t.Fatalf("operator role not granted: %+v", u)
		}
	})
}

func TestUserDisable(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		sAdmin := testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)
		vAdmin := testkit.NewPerson(t, db, "admin@viborg.dk", testkit.Viborg, samspil.RoleAdmin)
		bothAdmin := testkit.NewPerson(t, db, "chef@example.dk", testkit.Silkeborg, samspil.RoleAdmin)
		bothAdmin.Actor = addMember(t, db, bothAdmin, testkit.Viborg, samspil.RoleAdmin)
		user := testkit.NewPerson(t, db, "begge@example.dk", testkit.Silkeborg, samspil.RoleEditor)
		addMember(t, db, user, testkit.Viborg, samspil.RoleViewer)

		session := login(t, db, user.User.Email, testkit.Password)
		token, secret, err := db.CreateToken(ctx, user.Actor, "", samspil.TokenInput{Name: "cli"})
		must(t, err)

		// The facts the people page asks the rule with: the shared account
		// belongs to both organisations, so Silkeborg's administrator may not
		// disable it, the administrator of both may; nobody disables
		// themself; Aarhus cannot read Silkeborg's people.
		facts, err := db.AccountFacts(ctx, sAdmin.Actor, testkit.Silkeborg)
		must(t, err)
		if got := facts[user.User.ID].Orgs; len(got) != 2 || len(facts) != 3 {
			t.Fatalf("facts %+v", facts)
		}
		if sAdmin.Actor.MayDisableAccount(facts[user.User.ID]) || !bothAdmin.Actor.MayDisableAccount(facts[user.User.ID]) ||
			sAdmin.Actor.MayDisableAccount(facts[sAdmin.User.ID]) || !sAdmin.Actor.MayManageAccount(facts[sAdmin.User.ID]) {
			t.Fatal("MayDisableAccount disagrees with who may disable")
		}
		aarhus := testkit.NewPerson(t, db, "admin@aarhus.dk", testkit.Aarhus, samspil.RoleAdmin)
		testkit.ErrCode(t, errOf(db.AccountFacts(ctx, aarhus.Actor, testkit.Silkeborg)), samspil.ENOTFOUND)
		_, err = db.UpdateUser(ctx, sAdmin.Actor, sAdmin.User.ID, 1, samspil.UserPatch{Disabled: ptr(true)})
		testkit.ErrCode(t, err, samspil.ECONFLICT)

		// The account is shared by both organisations: an administrator of
		// only one of them may not disable it.
		for name, actor := range map[string]*samspil.Actor{"Silkeborg admin": sAdmin.Actor, "Viborg admin": vAdmin.Actor} {
			_, err := db.UpdateUser(ctx, actor, user.User.ID, 1, samspil.UserPatch{Disabled: ptr(true)})
			if samspil.ErrorCode(err) != samspil.EFORBIDDEN {
				t.Errorf("%s disables a user of two organisations: want forbidden, got %v", name, err)
			}
		}
		if _, err := db.SessionActor(ctx, session); err != nil {
			t.Fatalf("refused disable ended the session: %v", err)
		}

		u, err := db.UpdateUser(ctx, bothAdmin.Actor, user.User.ID, 1, samspil.UserPatch{Disabled: ptr(true)})
		must(t, err)
		if !u.Disabled {
			t.Fatalf("not disabled: %+v", u)
		}
		_, err = db.SessionActor(ctx, session)
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
		_, err = db.TokenActor(ctx, secret)
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
		_, _, err = db.Login(ctx, samspil.LoginAttempt{Email: user.User.Email, Password: testkit.Password})
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
		_, err = db.ActorForUser(ctx, user.User.ID)
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
		_, _, err = db.CreateToken(ctx, testkit.System, user.User.ID, samspil.TokenInput{Name: "another"})
		testkit.ErrCode(t, err, samspil.ECONFLICT)

		// Enabling the account again does not revive the ended session.
		_, err = db.UpdateUser(ctx, bothAdmin.Actor, user.User.ID, 2, samspil.UserPatch{Disabled: ptr(false)})
		must(t, err)
		_, err = db.SessionActor(ctx, session)
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
		fresh := login(t, db, user.User.Email, testkit.Password)
		if a, err := db.SessionActor(ctx, fresh); err != nil || a.UserID != user.User.ID {
			t.Fatalf("new session after enabling: %v %+v", err, a)
		}
		if _, err := db.TokenActor(ctx, secret); err != nil {
			t.Errorf("token %s of the enabled user: %v", token.Prefix, err)
		}

		// An administrator of the user's only organisation may disable it.
		single := testkit.NewPerson(t, db, "en@silkeborg.dk", testkit.Silkeborg, samspil.RoleViewer)
		_, err = db.UpdateUser(ctx, sAdmin.Actor, single.User.ID, 1, samspil.UserPatch{Disabled: ptr(true)})
		must(t, err)
	})
}

func TestSetPassword(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		user := testkit.NewPerson(t, db, "anna.jensen@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		s1 := login(t, db, user.User.Email, testkit.Password)

		err := db.SetPassword(ctx, user.Actor, user.User.ID, "not my password", newPassword)
		wantField(t, err, samspil.EINVALID, "current_password")

		for _, c := range []struct{ name, password string }{
			{"short", "kort kodeord"},
			{"common", "polniypizdec0211"},
			{"repetition", strings.Repeat("ab", 8)},
			{"sequence", "123456789012345"},
			{"own name with digits", "jensen2024!!!!!!!!"},
			{"own e-mail word repeated", "silkeborgsilkeborg"},
		} {
			t.Run(c.name, func(t *testing.T) {
				err := db.SetPassword(ctx, user.Actor, user.User.ID, testkit.Password, c.password)
				wantField(t, err, samspil.EINVALID, "password")
			})
		}
		// Refused changes leave the password and the session alone.
		if _, err := db.SessionActor(ctx, s1); err != nil {
			t.Fatalf("refused changes ended the session: %v", err)
		}
		login(t, db, user.User.Email, testkit.Password)

		must(t, db.SetPassword(ctx, user.Actor, user.User.ID, testkit.Password, newPassword))
		_, err = db.SessionActor(ctx, s1)
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
		_, _, err = db.Login(ctx, samspil.LoginAttempt{Email: user.User.Email, Password: testkit.Password})
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
		login(t, db, user.User.Email, newPassword)
	})
}

func TestSetPasswordByOthers(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		sAdmin := testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)
		sViewer := testkit.NewPerson(t, db, "viewer@silkeborg.dk", testkit.Silkeborg, samspil.RoleViewer)
		vAdmin := testkit.NewPerson(t, db, "admin@viborg.dk", testkit.Viborg, samspil.RoleAdmin)
		user := testkit.NewPerson(t, db, "begge@example.dk", testkit.Silkeborg, samspil.RoleEditor)
		addMember(t, db, user, testkit.Aarhus, samspil.RoleEditor)
		session := login(t, db, user.User.Email, testkit.Password)

		for _, c := range []struct {
			who   string
			actor *samspil.Actor
			code  string
		}{
			{"admin of one of the user's two organisations", sAdmin.Actor, samspil.EFORBIDDEN},
			{"colleague", sViewer.Actor, samspil.EFORBIDDEN},
			{"admin of an unrelated organisation", vAdmin.Actor, samspil.ENOTFOUND},
			{"anonymous", samspil.Anonymous(), samspil.ENOTFOUND},
		} {
			err := db.SetPassword(ctx, c.actor, user.User.ID, "", newPassword)
			if samspil.ErrorCode(err) != c.code {
				t.Errorf("%s: want %s, got %v", c.who, c.code, err)
			}
		}
		login(t, db, user.User.Email, testkit.Password)

		// Even an administrator of both of the user's organisations may not:
		// the account does not belong to one organisation alone.
		sAdmin.Actor = addMember(t, db, sAdmin, testkit.Aarhus, samspil.RoleAdmin)
		testkit.ErrCode(t, db.SetPassword(ctx, sAdmin.Actor, user.User.ID, "", newPassword), samspil.EFORBIDDEN)
		// Once it belongs to Silkeborg alone, which made it, Silkeborg's
		// administrator may, without the current password.
		for _, m := range findUser(t, db, user.User.ID).Memberships {
			if m.OrganizationID != testkit.Org(t, db, testkit.Silkeborg).ID {
				must(t, db.DeleteMembership(ctx, testkit.System, m.ID, m.Version))
			}
		}
		must(t, db.SetPassword(ctx, sAdmin.Actor, user.User.ID, "", newPassword))
		_, err := db.SessionActor(ctx, session)
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
		login(t, db, user.User.Email, newPassword)

		// An account another organisation made stays out of reach when it
		// moves: Aarhus made it, it now belongs to Silkeborg alone.
		moved := testkit.NewPerson(t, db, "flyttet@example.dk", testkit.Aarhus, samspil.RoleViewer)
		addMember(t, db, moved, testkit.Silkeborg, samspil.RoleViewer)
		must(t, db.DeleteMembership(ctx, testkit.System, moved.User.Memberships[0].ID, moved.User.Memberships[0].Version))
		testkit.ErrCode(t, db.SetPassword(ctx, sAdmin.Actor, moved.User.ID, "", newPassword), samspil.EFORBIDDEN)
		login(t, db, moved.User.Email, testkit.Password)
		// An account that belongs to no organisation is revived only by an
		// operator (or its owner through a reset link).
		orphan := testkit.NewPerson(t, db, "forladt@silkeborg.dk", testkit.Silkeborg, samspil.RoleViewer)
		must(t, db.DeleteMembership(ctx, testkit.System, orphan.User.Memberships[0].ID, orphan.User.Memberships[0].Version))
		testkit.ErrCode(t, db.SetPassword(ctx, sAdmin.Actor, orphan.User.ID, "", newPassword), samspil.ENOTFOUND)
		must(t, db.SetPassword(ctx, testkit.System, orphan.User.ID, "", newPassword))

		// A user without a password gets one.
		nopw, err := db.CreateUser(ctx, testkit.System, samspil.UserInput{Email: "sso@silkeborg.dk", DisplayName: "SSO", OrganizationID: testkit.Silkeborg, Role: samspil.RoleViewer})
		must(t, err)
		_, _, err = db.Login(ctx, samspil.LoginAttempt{Email: "sso@silkeborg.dk", Password: newPassword})
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
		must(t, db.SetPassword(ctx, sAdmin.Actor, nopw.ID, "", newPassword))
		if !findUser(t, db, nopw.ID).HasPassword {
			t.Errorf("has_password is false after setting one")
		}
		login(t, db, "sso@silkeborg.dk", newPassword)
	})
}

// An operator's account opens the whole platform, so administrators of an
// organisation the operator belongs to must not be able to take it over.
func TestOperatorAccountNotManagedByOrgAdmins(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		admin := testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)
		op := testkit.NewPerson(t, db, "drift@silkeborg.dk", testkit.Silkeborg, samspil.RoleViewer)
		_, err := db.UpdateUser(ctx, testkit.System, op.User.ID, 1, samspil.UserPatch{Operator: ptr(true)})
		must(t, err)

		err = db.SetPassword(ctx, admin.Actor, op.User.ID, "", newPassword)
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		_, err = db.UpdateUser(ctx, admin.Actor, op.User.ID, 2, samspil.UserPatch{Email: ptr("admin2@silkeborg.dk")})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		_, err = db.UpdateUser(ctx, admin.Actor, op.User.ID, 2, samspil.UserPatch{Disabled: ptr(true)})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		_, err = db.LinkIdentity(ctx, admin.Actor, op.User.ID, "https://idp.example.dk", "attacker")
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)

		login(t, db, op.User.Email, testkit.Password)
		// The operator still manages their own account.
		_, err = db.UpdateUser(ctx, testkit.Actor(t, db, op.User.ID), op.User.ID, 2, samspil.UserPatch{DisplayName: ptr("Drift")})
		must(t, err)
	})
}

func TestLinkIdentity(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		admin := testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)
		anna := testkit.NewPerson(t, db, "anna@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		bo := testkit.NewPerson(t, db, "bo@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		const idp = "https://login.silkeborg.dk"

		ident, err := db.LinkIdentity(ctx, admin.Actor, anna.User.ID, " "+idp+" ", " anna-123 ")
		must(t, err)
		if ident.Provider != idp || ident.Subject != "anna-123" || ident.UserID != anna.User.ID || ident.ID == "" {
			t.Fatalf("linked %+v", ident)
		}

		for _, c := range []struct {
			name              string
			actor             *samspil.Actor
			user              string
			provider, subject string
			code, field       string
		}{
			{"same identity for another user", admin.Actor, bo.User.ID, idp, "anna-123", samspil.ECONFLICT, ""},
			{"same identity again", admin.Actor, anna.User.ID, idp, "anna-123", samspil.ECONFLICT, ""},
			{"no provider", admin.Actor, bo.User.ID, " ", "bo", samspil.EINVALID, "provider"},
			{"no subject", admin.Actor, bo.User.ID, idp, "", samspil.EINVALID, "subject"},
			{"user links own identity", bo.Actor, bo.User.ID, idp, "bo", samspil.EFORBIDDEN, ""},
			{"colleague", anna.Actor, bo.User.ID, idp, "bo", samspil.EFORBIDDEN, ""},
			{"unknown user", admin.Actor, "no-such-user", idp, "x", samspil.ENOTFOUND, ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := db.LinkIdentity(ctx, c.actor, c.user, c.provider, c.subject)
				if c.field != "" {
					wantField(t, err, c.code, c.field)
				} else {
					testkit.ErrCode(t, err, c.code)
				}
			})
		}

		// The subject is unique per provider only.
		_, err = db.LinkIdentity(ctx, admin.Actor, bo.User.ID, "https://login.viborg.dk", "anna-123")
		must(t, err)
		_, err = db.LinkIdentity(ctx, admin.Actor, bo.User.ID, idp, "bo-456")
		must(t, err)
	})
}
