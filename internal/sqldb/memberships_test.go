package sqldb_test

import (
	"context"
	"slices"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

func TestMembershipCreate(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		private := newOrg(t, db, "Lukket Fællesskab", samspil.VisibilityPrivate)
		vAdmin := testkit.NewPerson(t, db, "admin@viborg.dk", testkit.Viborg, samspil.RoleAdmin)
		vEditor := testkit.NewPerson(t, db, "editor@viborg.dk", testkit.Viborg, samspil.RoleEditor)
		sAdmin := testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)
		anna := testkit.NewPerson(t, db, "anna@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		v := testkit.Org(t, db, testkit.Viborg)

		// Viborg's administrator cannot see Anna, nor add her: she belongs
		// to no organisation Viborg's administrator administers. The answer
		// is the one for an address without an account, word for word.
		_, err := db.FindUser(ctx, vAdmin.Actor, anna.User.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		_, foreign := db.CreateMembership(ctx, vAdmin.Actor, samspil.MembershipInput{Email: "anna@silkeborg.dk", OrganizationID: testkit.Viborg, Role: samspil.RoleViewer})
		_, unknown := db.CreateMembership(ctx, vAdmin.Actor, samspil.MembershipInput{Email: "nobody@silkeborg.dk", OrganizationID: testkit.Viborg, Role: samspil.RoleViewer})
		wantField(t, foreign, samspil.EINVALID, "email")
		if foreign.Error() != unknown.Error() {
			t.Fatalf("the answers tell an account from none:\n%v\n%v", foreign, unknown)
		}
		_, foreign = db.CreateMembership(ctx, vAdmin.Actor, samspil.MembershipInput{UserID: anna.User.ID, OrganizationID: testkit.Viborg, Role: samspil.RoleViewer})
		_, unknown = db.CreateMembership(ctx, vAdmin.Actor, samspil.MembershipInput{UserID: "no-such-user", OrganizationID: testkit.Viborg, Role: samspil.RoleViewer})
		if samspil.ErrorCode(foreign) != samspil.EINVALID || foreign.Error() != unknown.Error() {
			t.Fatalf("the answers by id tell an account from none:\n%v\n%v", foreign, unknown)
		}

		// Viborg's administrator becomes an administrator of Silkeborg too:
		// now Anna belongs to one of their organisations and may be added.
		vAdmin.Actor = addMember(t, db, vAdmin, testkit.Silkeborg, samspil.RoleAdmin)
		m, err := db.CreateMembership(ctx, vAdmin.Actor, samspil.MembershipInput{Email: "ANNA@Silkeborg.dk", OrganizationID: testkit.Viborg, Role: samspil.RoleViewer})
		must(t, err)
		if m.UserID != anna.User.ID || m.OrganizationID != v.ID || m.Role != samspil.RoleViewer || m.Version != 1 ||
			m.UserEmail != "anna@silkeborg.dk" || m.OrganizationName != "Viborg Kommune" || m.UserDisplayName != anna.User.DisplayName {
			t.Fatalf("created %+v", m)
		}
		if a := testkit.Actor(t, db, anna.User.ID); a.RoleIn(v.ID) != samspil.RoleViewer {
			t.Errorf("Anna's roles: %v", a.Roles)
		}

		for _, c := range []struct {
			name  string
			actor *samspil.Actor
			in    samspil.MembershipInput
			code  string
			field string
		}{
			{"again by e-mail", vAdmin.Actor, samspil.MembershipInput{Email: "anna@silkeborg.dk", OrganizationID: testkit.Viborg, Role: samspil.RoleEditor}, samspil.ECONFLICT, "email"},
			{"again by user id", vAdmin.Actor, samspil.MembershipInput{UserID: anna.User.ID, OrganizationID: v.ID, Role: samspil.RoleEditor}, samspil.ECONFLICT, "user_id"},
			{"unknown e-mail", vAdmin.Actor, samspil.MembershipInput{Email: "nobody@example.dk", OrganizationID: testkit.Viborg, Role: samspil.RoleViewer}, samspil.EINVALID, "email"},
			{"unknown user id", vAdmin.Actor, samspil.MembershipInput{UserID: "no-such-user", OrganizationID: testkit.Viborg, Role: samspil.RoleViewer}, samspil.EINVALID, "user_id"},
			{"no user", vAdmin.Actor, samspil.MembershipInput{OrganizationID: testkit.Viborg, Role: samspil.RoleViewer}, samspil.EINVALID, "user_id"},
			{"no organisation", vAdmin.Actor, samspil.MembershipInput{Email: "admin@silkeborg.dk", Role: samspil.RoleViewer}, samspil.EINVALID, "organization_id"},
			{"bad role", vAdmin.Actor, samspil.MembershipInput{Email: "admin@silkeborg.dk", OrganizationID: testkit.Viborg, Role: "boss"}, samspil.EINVALID, "role"},
			{"editor", vEditor.Actor, samspil.MembershipInput{Email: "admin@silkeborg.dk", OrganizationID: testkit.Viborg, Role: samspil.RoleViewer}, samspil.EFORBIDDEN, ""},
			{"admin of another organisation", sAdmin.Actor, samspil.MembershipInput{Email: "admin@silkeborg.dk", OrganizationID: testkit.Viborg, Role: samspil.RoleAdmin}, samspil.EFORBIDDEN, ""},
			{"outsider of a private organisation", sAdmin.Actor, samspil.MembershipInput{Email: "admin@silkeborg.dk", OrganizationID: private.ID, Role: samspil.RoleAdmin}, samspil.ENOTFOUND, ""},
			{"anonymous", samspil.Anonymous(), samspil.MembershipInput{Email: "admin@silkeborg.dk", OrganizationID: testkit.Viborg, Role: samspil.RoleAdmin}, samspil.EFORBIDDEN, ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := db.CreateMembership(ctx, c.actor, c.in)
				if c.field != "" {
					wantField(t, err, c.code, c.field)
				} else {
					testkit.ErrCode(t, err, c.code)
				}
			})
		}
		// Nothing refused was stored: Viborg has its two people and Anna.
		p, err := db.ListMemberships(ctx, testkit.System, samspil.MembershipFilter{OrganizationID: testkit.Viborg})
		must(t, err)
		if len(p.Items) != 3 {
			t.Errorf("Viborg has %d memberships, want 3: %+v", len(p.Items), p.Items)
		}
		if a := testkit.Actor(t, db, sAdmin.User.ID); a.MemberOf(v.ID) {
			t.Errorf("a refused membership was stored: %v", a.Roles)
		}
		if p.Items[0].UserEmail == "admin@silkeborg.dk" || p.Items[1].UserEmail == "admin@silkeborg.dk" || p.Items[2].UserEmail == "admin@silkeborg.dk" {
			t.Errorf("a refused membership was stored: %+v", p.Items)
		}
	})
}

func TestMembershipVisibility(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		sViewer := testkit.NewPerson(t, db, "viewer@silkeborg.dk", testkit.Silkeborg, samspil.RoleViewer)
		testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)
		vAdmin := testkit.NewPerson(t, db, "admin@viborg.dk", testkit.Viborg, samspil.RoleAdmin)
		both := testkit.NewPerson(t, db, "begge@example.dk", testkit.Silkeborg, samspil.RoleEditor)
		both.Actor = addMember(t, db, both, testkit.Viborg, samspil.RoleViewer)

		list := func(actor *samspil.Actor, f samspil.MembershipFilter) []string {
			t.Helper()
			p, err := db.ListMemberships(ctx, actor, f)
			must(t, err)
			var out []string
			for _, m := range p.Items {
				out = append(out, m.UserEmail+"@"+m.OrganizationName)
			}
			slices.Sort(out)
			return out
		}
		for _, c := range []struct {
			who   string
			actor *samspil.Actor
			f     samspil.MembershipFilter
			want  []string
		}{
			{"Silkeborg viewer", sViewer.Actor, samspil.MembershipFilter{OrganizationID: testkit.Silkeborg},
				[]string{"admin@silkeborg.dk@Silkeborg Kommune", "begge@example.dk@Silkeborg Kommune", "viewer@silkeborg.dk@Silkeborg Kommune"}},
			{"Silkeborg viewer asking for Viborg", sViewer.Actor, samspil.MembershipFilter{OrganizationID: testkit.Viborg}, nil},
			{"Viborg admin, all", vAdmin.Actor, samspil.MembershipFilter{},
				[]string{"admin@viborg.dk@Viborg Kommune", "begge@example.dk@Viborg Kommune"}},
			{"own memberships", both.Actor, samspil.MembershipFilter{UserID: both.User.ID},
				[]string{"begge@example.dk@Silkeborg Kommune", "begge@example.dk@Viborg Kommune"}},
			{"anonymous", samspil.Anonymous(), samspil.MembershipFilter{}, nil},
		} {
			t.Run(c.who, func(t *testing.T) {
				if got := list(c.actor, c.f); !slices.Equal(got, c.want) {
					t.Errorf("sees %q, want %q", got, c.want)
				}
			})
		}
		sMember := both.User.Memberships[0]
		_, err := db.FindMembership(ctx, vAdmin.Actor, sMember.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		if _, err := db.FindMembership(ctx, sViewer.Actor, sMember.ID); err != nil {
			t.Errorf("a colleague cannot see the membership: %v", err)
		}
	})
}

func TestMembershipUpdateAndDelete(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		admin := testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)
		editor := testkit.NewPerson(t, db, "editor@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		vAdmin := testkit.NewPerson(t, db, "admin@viborg.dk", testkit.Viborg, samspil.RoleAdmin)
		anna := testkit.NewPerson(t, db, "anna@silkeborg.dk", testkit.Silkeborg, samspil.RoleViewer)
		s := testkit.Org(t, db, testkit.Silkeborg)
		m := anna.User.Memberships[0]

		for _, c := range []struct {
			name    string
			actor   *samspil.Actor
			version int
			role    samspil.Role
			code    string
			field   string
		}{
			{"stale version", admin.Actor, 2, samspil.RoleEditor, samspil.ESTALE, ""},
			{"bad role", admin.Actor, 1, "owner", samspil.EINVALID, "role"},
			{"editor", editor.Actor, 1, samspil.RoleEditor, samspil.EFORBIDDEN, ""},
			{"member promotes self", anna.Actor, 1, samspil.RoleAdmin, samspil.EFORBIDDEN, ""},
			{"admin of another organisation", vAdmin.Actor, 1, samspil.RoleEditor, samspil.ENOTFOUND, ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := db.UpdateMembership(ctx, c.actor, m.ID, c.version, samspil.MembershipPatch{Role: &c.role})
				if c.field != "" {
					wantField(t, err, c.code, c.field)
				} else {
					testkit.ErrCode(t, err, c.code)
				}
			})
		}
		if a := testkit.Actor(t, db, anna.User.ID); a.RoleIn(s.ID) != samspil.RoleViewer {
			t.Fatalf("refused changes changed the role: %v", a.Roles)
		}

		upd, err := db.UpdateMembership(ctx, admin.Actor, m.ID, 1, samspil.MembershipPatch{Role: ptr(samspil.RoleEditor)})
		must(t, err)
		if upd.Role != samspil.RoleEditor || upd.Version != 2 {
			t.Fatalf("updated %+v", upd)
		}
		if a := testkit.Actor(t, db, anna.User.ID); a.RoleIn(s.ID) != samspil.RoleEditor {
			t.Fatalf("role after update: %v", a.Roles)
		}

		err = db.DeleteMembership(ctx, editor.Actor, m.ID, 2)
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		err = db.DeleteMembership(ctx, admin.Actor, m.ID, 1)
		testkit.ErrCode(t, err, samspil.ESTALE)
		must(t, db.DeleteMembership(ctx, admin.Actor, m.ID, 2))
		_, err = db.FindMembership(ctx, testkit.System, m.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		if a := testkit.Actor(t, db, anna.User.ID); a.MemberOf(s.ID) {
			t.Fatalf("still a member: %v", a.Roles)
		}
		// Anna shares no organisation with Silkeborg's administrator any more.
		_, err = db.FindUser(ctx, admin.Actor, anna.User.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
	})
}

func TestMembershipLastAdmin(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		org := newOrg(t, db, "OS2", samspil.VisibilitySector)
		first := testkit.NewPerson(t, db, "first@os2.dk", org.ID, samspil.RoleAdmin)
		m1 := first.User.Memberships[0]

		// Neither the administrator nor an operator may leave the
		// organisation without an administrator.
		for name, actor := range map[string]*samspil.Actor{"the admin": first.Actor, "an operator": testkit.System} {
			_, err := db.UpdateMembership(ctx, actor, m1.ID, 1, samspil.MembershipPatch{Role: ptr(samspil.RoleEditor)})
			if samspil.ErrorCode(err) != samspil.ECONFLICT {
				t.Errorf("%s demotes the last admin: want conflict, got %v", name, err)
			}
			err = db.DeleteMembership(ctx, actor, m1.ID, 1)
			if samspil.ErrorCode(err) != samspil.ECONFLICT {
				t.Errorf("%s removes the last admin: want conflict, got %v", name, err)
			}
		}
		// Keeping the admin role is no demotion.
		_, err := db.UpdateMembership(ctx, first.Actor, m1.ID, 1, samspil.MembershipPatch{Role: ptr(samspil.RoleAdmin)})
		must(t, err)

		second := testkit.NewPerson(t, db, "second@os2.dk", org.ID, samspil.RoleAdmin).User.Memberships[0]
		_, err = db.UpdateMembership(ctx, first.Actor, m1.ID, 2, samspil.MembershipPatch{Role: ptr(samspil.RoleViewer)})
		must(t, err)
		err = db.DeleteMembership(ctx, testkit.System, second.ID, 1)
		testkit.ErrCode(t, err, samspil.ECONFLICT)
		must(t, db.DeleteMembership(ctx, testkit.System, m1.ID, 3))
	})
}

// A disabled administrator does not count as an administrator: the one who
// is enabled stays the last one, and the disabled one may be removed.
func TestMembershipLastAdminIgnoresDisabled(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		org := newOrg(t, db, "OS2", samspil.VisibilitySector)
		active := testkit.NewPerson(t, db, "active@os2.dk", org.ID, samspil.RoleAdmin)
		gone := testkit.NewPerson(t, db, "gone@os2.dk", org.ID, samspil.RoleAdmin)
		_, err := db.UpdateUser(ctx, active.Actor, gone.User.ID, 1, samspil.UserPatch{Disabled: ptr(true)})
		must(t, err)

		_, err = db.UpdateMembership(ctx, active.Actor, active.User.Memberships[0].ID, 1, samspil.MembershipPatch{Role: ptr(samspil.RoleEditor)})
		testkit.ErrCode(t, err, samspil.ECONFLICT)

		if err := db.DeleteMembership(ctx, active.Actor, gone.User.Memberships[0].ID, 1); err != nil {
			t.Fatalf("removing a disabled administrator while an enabled one remains: %v", err)
		}
	})
}

func TestDisablingLastAdminRefused(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		admin := testkit.NewPerson(t, db, "eneste@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		_, err := db.UpdateUser(ctx, testkit.System, admin.User.ID, admin.User.Version, samspil.UserPatch{Disabled: ptr(true)})
		testkit.ErrCode(t, err, samspil.ECONFLICT)
		// With a second administrator the first may be disabled.
		testkit.NewPerson(t, db, "anden@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		if _, err := db.UpdateUser(ctx, testkit.System, admin.User.ID, admin.User.Version, samspil.UserPatch{Disabled: ptr(true)}); err != nil {
			t.Fatal(err)
		}
	})
}
