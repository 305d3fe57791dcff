package sqldb_test

import (
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

func countRows(t testing.TB, db *sqldb.DB, table string) int {
	t.Helper()
	n, err := db.CountRows(ctx, table)
	must(t, err)
	return n
}

func TestRoleTypes(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		admin := testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)

		// The organisation has KITOS's defaults from its start; reading
		// them writes nothing.
		mark := auditMark(t, db)
		rows := countRows(t, db, "role_types")
		types, err := db.RoleTypes(ctx, l.vEditor.Actor, l.silkeborg.ID, samspil.RoleOnUsage)
		must(t, err)
		if len(types) != len(samspil.DefaultRoleTypes[samspil.RoleOnUsage]) || types[0].Name != "Systemejer" || !types[0].Active {
			t.Fatalf("defaults %+v", types)
		}
		if ev := auditSince(t, db, mark); len(ev) != 0 || countRows(t, db, "role_types") != rows {
			t.Fatalf("reading role types wrote %+v", ev)
		}
		_, err = db.RoleTypes(ctx, l.sViewer.Actor, l.silkeborg.ID, "system")
		wantField(t, err, samspil.EINVALID, "object_kind")

		// Only administrators add, rename and deactivate.
		_, err = db.CreateRoleType(ctx, l.sEditor.Actor, l.silkeborg.ID, samspil.RoleTypeInput{ObjectKind: samspil.RoleOnContract, Name: "Indkøber"})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		_, err = db.CreateRoleType(ctx, l.vEditor.Actor, l.silkeborg.ID, samspil.RoleTypeInput{ObjectKind: samspil.RoleOnContract, Name: "Indkøber"})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		_, err = db.CreateRoleType(ctx, admin.Actor, l.silkeborg.ID, samspil.RoleTypeInput{ObjectKind: samspil.RoleOnContract, Name: " "})
		wantField(t, err, samspil.EINVALID, "name")
		_, err = db.CreateRoleType(ctx, admin.Actor, l.silkeborg.ID, samspil.RoleTypeInput{ObjectKind: "system", Name: "x"})
		wantField(t, err, samspil.EINVALID, "object_kind")
		_, err = db.CreateRoleType(ctx, admin.Actor, l.hidden.ID, samspil.RoleTypeInput{ObjectKind: samspil.RoleOnContract, Name: "x"})
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		if n := countRows(t, db, "role_types"); n != rows {
			t.Fatalf("refusals wrote role types: %d, want %d", n, rows)
		}
		mark = auditMark(t, db)
		buyer, err := db.CreateRoleType(ctx, admin.Actor, l.silkeborg.ID, samspil.RoleTypeInput{ObjectKind: samspil.RoleOnContract, Name: " Indkøber ",
			Description: "Køber ind"})
		must(t, err)
		if buyer.Name != "Indkøber" || !buyer.Active || buyer.ObjectKind != samspil.RoleOnContract || buyer.Version != 1 {
			t.Fatalf("created %+v", buyer)
		}
		if ev := auditSince(t, db, mark); len(ev) != 1 || ev[0].Action != "role_type.create" || ev[0].ObjectID != buyer.ID {
			t.Fatalf("adding a contract role type wrote %+v", ev)
		}
		contractTypes, err := db.RoleTypes(ctx, l.sViewer.Actor, l.silkeborg.ID, samspil.RoleOnContract)
		must(t, err)
		if n := len(samspil.DefaultRoleTypes[samspil.RoleOnContract]) + 1; len(contractTypes) != n || contractTypes[n-1].ID != buyer.ID {
			t.Fatalf("contract types %+v", contractTypes)
		}
		_, err = db.CreateRoleType(ctx, admin.Actor, l.silkeborg.ID, samspil.RoleTypeInput{ObjectKind: samspil.RoleOnContract, Name: "KONTRAKTEJER"})
		wantField(t, err, samspil.ECONFLICT, "name")

		_, err = db.UpdateRoleType(ctx, l.sEditor.Actor, buyer.ID, 1, samspil.RoleTypePatch{Active: ptr(false)})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		_, err = db.UpdateRoleType(ctx, admin.Actor, buyer.ID, 1, samspil.RoleTypePatch{Name: ptr("Kontraktejer")})
		wantField(t, err, samspil.ECONFLICT, "name")
		_, err = db.UpdateRoleType(ctx, admin.Actor, buyer.ID, 1, samspil.RoleTypePatch{Name: ptr("")})
		wantField(t, err, samspil.EINVALID, "name")
		mark = auditMark(t, db)
		changed, err := db.UpdateRoleType(ctx, admin.Actor, buyer.ID, 1, samspil.RoleTypePatch{Name: ptr("Indkøbsansvarlig"), Active: ptr(false)})
		must(t, err)
		if changed.Name != "Indkøbsansvarlig" || changed.Active || changed.Version != 2 {
			t.Fatalf("changed %+v", changed)
		}
		wantEvent(t, db, mark, "role_type.update", l.silkeborg.ID, buyer.ID)
		_, err = db.UpdateRoleType(ctx, admin.Actor, buyer.ID, 1, samspil.RoleTypePatch{Active: ptr(true)})
		testkit.ErrCode(t, err, samspil.ESTALE)
		_, err = db.FindRoleType(ctx, samspil.Anonymous(), buyer.ID)
		must(t, err) // Silkeborg is public
	})
}

func TestRoleAssignments(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		s := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "ESDH"})
		u := l.usage(t, l.sEditor.Actor, samspil.UsageInput{SystemID: s.ID})
		private := l.usage(t, l.sEditor.Actor, samspil.UsageInput{SystemID: l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Intern"}).ID,
			Visibility: samspil.VisibilityPrivate})
		c := l.contract(t, l.sEditor.Actor, samspil.ContractInput{Name: "Driftsaftale",
			ContractTerms: samspil.ContractTerms{Start: samspil.NewDate(2025, 1, 1), DurationMonths: 48, NoticeMonths: 3}})
		r := l.dataProcessing(t, l.sEditor.Actor, samspil.DataProcessingInput{Name: "Løn"})
		colleague := testkit.NewPerson(t, db, "kollega@silkeborg.dk", testkit.Silkeborg, samspil.RoleViewer)

		usageTypes, err := db.RoleTypes(ctx, l.sEditor.Actor, l.silkeborg.ID, samspil.RoleOnUsage)
		must(t, err)
		owner, responsible := usageTypes[0], usageTypes[1]
		contractTypes, err := db.RoleTypes(ctx, l.sEditor.Actor, l.silkeborg.ID, samspil.RoleOnContract)
		must(t, err)
		dpTypes, err := db.RoleTypes(ctx, l.sEditor.Actor, l.silkeborg.ID, samspil.RoleOnDataProcessing)
		must(t, err)
		viborgTypes, err := db.RoleTypes(ctx, l.vEditor.Actor, l.viborg.ID, samspil.RoleOnUsage)
		must(t, err)

		// A user of the organisation, and a person without an account; the
		// same person may hold several roles.
		mark := auditMark(t, db)
		a1, err := db.CreateRoleAssignment(ctx, l.sEditor.Actor, samspil.RoleOnUsage, u.ID, samspil.RoleAssignmentInput{RoleTypeID: owner.ID, UserID: colleague.User.ID})
		must(t, err)
		if a1.UserID != colleague.User.ID || a1.Email != "kollega@silkeborg.dk" || a1.RoleTypeName != "Systemejer" || a1.Left || a1.OrganizationID != l.silkeborg.ID {
			t.Fatalf("assigned %+v", a1)
		}
		wantEvent(t, db, mark, "role_assignment.create", l.silkeborg.ID, a1.ID)
		_, err = db.CreateRoleAssignment(ctx, l.sEditor.Actor, samspil.RoleOnUsage, u.ID, samspil.RoleAssignmentInput{RoleTypeID: responsible.ID, UserID: colleague.User.ID})
		must(t, err)
		a3, err := db.CreateRoleAssignment(ctx, l.sEditor.Actor, samspil.RoleOnUsage, u.ID, samspil.RoleAssignmentInput{RoleTypeID: owner.ID,
			Name: " Bo Konsulent ", Email: "bo@konsulent.dk"})
		must(t, err)
		if a3.UserID != "" || a3.Name != "Bo Konsulent" || a3.Email != "bo@konsulent.dk" {
			t.Fatalf("assigned %+v", a3)
		}

		// Refusals name the field and write nothing.
		rows, events := countRows(t, db, "role_assignments"), countRows(t, db, "audit_events")
		for _, tc := range []struct {
			actor *samspil.Actor
			kind  samspil.RoleObjectKind
			id    string
			in    samspil.RoleAssignmentInput
			code  string
			path  string
		}{
			{l.sEditor.Actor, samspil.RoleOnUsage, u.ID, samspil.RoleAssignmentInput{RoleTypeID: owner.ID, UserID: colleague.User.ID}, samspil.ECONFLICT, "user_id"},
			{l.sEditor.Actor, samspil.RoleOnUsage, u.ID, samspil.RoleAssignmentInput{RoleTypeID: owner.ID, Name: "Bo", Email: "BO@konsulent.dk"}, samspil.ECONFLICT, "email"},
			{l.sEditor.Actor, samspil.RoleOnUsage, u.ID, samspil.RoleAssignmentInput{UserID: colleague.User.ID}, samspil.EINVALID, "role_type_id"},
			{l.sEditor.Actor, samspil.RoleOnUsage, u.ID, samspil.RoleAssignmentInput{RoleTypeID: owner.ID}, samspil.EINVALID, "name"},
			{l.sEditor.Actor, samspil.RoleOnUsage, u.ID, samspil.RoleAssignmentInput{RoleTypeID: owner.ID, Name: "Bo", Email: "bo"}, samspil.EINVALID, "email"},
			{l.sEditor.Actor, samspil.RoleOnUsage, u.ID, samspil.RoleAssignmentInput{RoleTypeID: owner.ID, UserID: colleague.User.ID, Name: "Bo"}, samspil.EINVALID, "name"},
			{l.sEditor.Actor, samspil.RoleOnUsage, u.ID, samspil.RoleAssignmentInput{RoleTypeID: owner.ID, UserID: l.vEditor.User.ID}, samspil.EINVALID, "user_id"},
			{l.sEditor.Actor, samspil.RoleOnUsage, u.ID, samspil.RoleAssignmentInput{RoleTypeID: contractTypes[0].ID, UserID: colleague.User.ID}, samspil.EINVALID, "role_type_id"},
			{l.sEditor.Actor, samspil.RoleOnUsage, u.ID, samspil.RoleAssignmentInput{RoleTypeID: viborgTypes[0].ID, UserID: colleague.User.ID}, samspil.EINVALID, "role_type_id"},
			{l.sEditor.Actor, samspil.RoleOnUsage, u.ID, samspil.RoleAssignmentInput{RoleTypeID: "nope", UserID: colleague.User.ID}, samspil.EINVALID, "role_type_id"},
			{l.sViewer.Actor, samspil.RoleOnUsage, u.ID, samspil.RoleAssignmentInput{RoleTypeID: owner.ID, UserID: l.sEditor.User.ID}, samspil.EFORBIDDEN, ""},
			{l.vEditor.Actor, samspil.RoleOnUsage, u.ID, samspil.RoleAssignmentInput{RoleTypeID: owner.ID, UserID: l.sEditor.User.ID}, samspil.EFORBIDDEN, ""},
			{l.vEditor.Actor, samspil.RoleOnUsage, private.ID, samspil.RoleAssignmentInput{RoleTypeID: owner.ID, UserID: l.sEditor.User.ID}, samspil.ENOTFOUND, ""},
			{l.sEditor.Actor, "system", u.ID, samspil.RoleAssignmentInput{RoleTypeID: owner.ID, UserID: l.sEditor.User.ID}, samspil.EINVALID, "object_kind"},
		} {
			_, err := db.CreateRoleAssignment(ctx, tc.actor, tc.kind, tc.id, tc.in)
			if tc.path == "" {
				testkit.ErrCode(t, err, tc.code)
			} else {
				wantField(t, err, tc.code, tc.path)
			}
		}
		if n, e := countRows(t, db, "role_assignments"), countRows(t, db, "audit_events"); n != rows || e != events {
			t.Fatalf("refusals wrote: %d assignments (want %d), %d events (want %d)", n, rows, e, events)
		}

		// An inactive role type is not offered for new assignments; the old
		// ones keep it.
		admin := testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)
		_, err = db.UpdateRoleType(ctx, admin.Actor, responsible.ID, responsible.Version, samspil.RoleTypePatch{Active: ptr(false)})
		must(t, err)
		_, err = db.CreateRoleAssignment(ctx, l.sEditor.Actor, samspil.RoleOnUsage, u.ID, samspil.RoleAssignmentInput{RoleTypeID: responsible.ID, UserID: l.sEditor.User.ID})
		wantField(t, err, samspil.EINVALID, "role_type_id")

		// Reading follows the record's visibility.
		list, err := db.RoleAssignments(ctx, l.vEditor.Actor, samspil.RoleOnUsage, u.ID)
		must(t, err)
		if len(list) != 3 || list[0].RoleTypeName != "Systemejer" || list[0].Name != "Bo Konsulent" || list[2].RoleTypeActive {
			t.Fatalf("listed %+v", list)
		}
		_, err = db.CreateRoleAssignment(ctx, l.sEditor.Actor, samspil.RoleOnUsage, private.ID, samspil.RoleAssignmentInput{RoleTypeID: owner.ID, UserID: l.sEditor.User.ID})
		must(t, err)
		_, err = db.RoleAssignments(ctx, l.vEditor.Actor, samspil.RoleOnUsage, private.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		testkit.ErrCode(t, db.DeleteRoleAssignment(ctx, l.vEditor.Actor, samspil.RoleOnUsage, u.ID, a1.ID), samspil.EFORBIDDEN)
		testkit.ErrCode(t, db.DeleteRoleAssignment(ctx, l.sEditor.Actor, samspil.RoleOnContract, c.ID, a1.ID), samspil.ENOTFOUND)

		// People who left keep their roles, marked.
		must(t, errOf(db.UpdateUser(ctx, testkit.System, colleague.User.ID, findUser(t, db, colleague.User.ID).Version, samspil.UserPatch{Disabled: ptr(true)})))
		list, err = db.RoleAssignments(ctx, l.sViewer.Actor, samspil.RoleOnUsage, u.ID)
		must(t, err)
		if !list[1].Left || list[0].Left {
			t.Fatalf("after disabling %+v", list)
		}
		editorRole, err := db.CreateRoleAssignment(ctx, l.sEditor.Actor, samspil.RoleOnUsage, u.ID, samspil.RoleAssignmentInput{RoleTypeID: owner.ID, UserID: l.sViewer.User.ID})
		must(t, err)
		ms, err := db.ListMemberships(ctx, testkit.System, samspil.MembershipFilter{UserID: l.sViewer.User.ID})
		must(t, err)
		must(t, db.DeleteMembership(ctx, admin.Actor, ms.Items[0].ID, ms.Items[0].Version))
		list, err = db.RoleAssignments(ctx, l.sEditor.Actor, samspil.RoleOnUsage, u.ID)
		must(t, err)
		for _, a := range list {
			if a.ID == editorRole.ID && !a.Left {
				t.Fatalf("a removed member's role is not marked: %+v", a)
			}
		}

		// Contracts and data processing registrations carry roles too;
		// removing one is audited.
		ca, err := db.CreateRoleAssignment(ctx, l.sEditor.Actor, samspil.RoleOnContract, c.ID, samspil.RoleAssignmentInput{RoleTypeID: contractTypes[0].ID, UserID: l.sEditor.User.ID})
		must(t, err)
		da, err := db.CreateRoleAssignment(ctx, l.sEditor.Actor, samspil.RoleOnDataProcessing, r.ID, samspil.RoleAssignmentInput{RoleTypeID: dpTypes[0].ID, Name: "Ane", Email: "ane@eksempel.dk"})
		must(t, err)
		if ca.RoleTypeName != "Kontraktejer" || da.RoleTypeName != "Standard Skriverolle" {
			t.Fatalf("assigned %+v and %+v", ca, da)
		}
		mark = auditMark(t, db)
		must(t, db.DeleteRoleAssignment(ctx, l.sEditor.Actor, samspil.RoleOnUsage, u.ID, a3.ID))
		wantEvent(t, db, mark, "role_assignment.delete", l.silkeborg.ID, a3.ID)
		testkit.ErrCode(t, db.DeleteRoleAssignment(ctx, l.sEditor.Actor, samspil.RoleOnUsage, u.ID, a3.ID), samspil.ENOTFOUND)

		// Deleting a record deletes its roles with it.
		before := countRows(t, db, "role_assignments")
		must(t, db.DeleteUsage(ctx, l.sEditor.Actor, u.ID, u.Version))
		must(t, db.DeleteContract(ctx, l.sEditor.Actor, c.ID, c.Version))
		must(t, db.DeleteDataProcessing(ctx, l.sEditor.Actor, r.ID, r.Version))
		// Three on the usage, one on the contract, one on the registration.
		if n := countRows(t, db, "role_assignments"); n != before-5 {
			t.Fatalf("after deleting the records %d assignments, want %d", n, before-5)
		}
		_, err = db.RoleAssignments(ctx, l.sEditor.Actor, samspil.RoleOnUsage, u.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
	})
}
