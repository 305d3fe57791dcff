package sqldb_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// unitTree is a small unit tree in Silkeborg:
//
//	Børn og Unge
//	    Skole
//	        Team Nord
//	    Dagtilbud
//	Administration
type unitTree struct {
	editor                                            testkit.Person
	boern, skole, teamNord, dagtilbud, administration *samspil.OrgUnit
}

func newUnitTree(t *testing.T, db *sqldb.DB) unitTree {
	t.Helper()
	tr := unitTree{editor: testkit.NewPerson(t, db, "editor@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)}
	mk := func(parent *samspil.OrgUnit, kind samspil.UnitKind, name string) *samspil.OrgUnit {
		t.Helper()
		in := samspil.OrgUnitInput{Kind: kind, Name: name}
		if parent != nil {
			in.ParentID = parent.ID
		}
		u, err := db.CreateUnit(ctx, tr.editor.Actor, testkit.Silkeborg, in)
		if err != nil {
			t.Fatalf("create unit %s: %v", name, err)
		}
		return u
	}
	tr.boern = mk(nil, samspil.UnitDirectorate, "Børn og Unge")
	tr.skole = mk(tr.boern, samspil.UnitDepartment, "Skole")
	tr.teamNord = mk(tr.skole, samspil.UnitTeam, "Team Nord")
	tr.dagtilbud = mk(tr.boern, samspil.UnitDepartment, "Dagtilbud")
	tr.administration = mk(nil, samspil.UnitDirectorate, "Administration")
	return tr
}

// treeString renders a unit list as "name@depth" lines, for readable
// comparisons.
func treeString(units []samspil.OrgUnit) string {
	var b strings.Builder
	for _, u := range units {
		fmt.Fprintf(&b, "%s%s@%d\n", strings.Repeat("  ", u.Depth), u.Name, u.Depth)
	}
	return b.String()
}

func listUnits(t *testing.T, db *sqldb.DB, actor *samspil.Actor, org string) []samspil.OrgUnit {
	t.Helper()
	p, err := db.ListUnits(ctx, actor, org, samspil.ListOptions{Limit: samspil.MaxPageSize})
	if err != nil {
		t.Fatalf("list units of %s: %v", org, err)
	}
	if p.NextCursor != "" {
		t.Fatalf("unexpected second page")
	}
	return p.Items
}

func TestUnitTreeDepthFirst(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		tr := newUnitTree(t, db)
		silkeborg := testkit.Org(t, db, testkit.Silkeborg)

		for _, c := range []struct {
			unit  *samspil.OrgUnit
			depth int
		}{{tr.boern, 0}, {tr.skole, 1}, {tr.teamNord, 2}, {tr.dagtilbud, 1}, {tr.administration, 0}} {
			if c.unit.Depth != c.depth || c.unit.Version != 1 || c.unit.OrganizationID != silkeborg.ID {
				t.Errorf("created %s: depth %d version %d org %s, want depth %d version 1 org %s",
					c.unit.Name, c.unit.Depth, c.unit.Version, c.unit.OrganizationID, c.depth, silkeborg.ID)
			}
		}

		want := "Administration@0\nBørn og Unge@0\n  Dagtilbud@1\n  Skole@1\n    Team Nord@2\n"
		// Units of a public organisation are visible to anyone, also anonymous.
		for name, actor := range map[string]*samspil.Actor{"editor": tr.editor.Actor, "anonymous": samspil.Anonymous()} {
			if got := treeString(listUnits(t, db, actor, testkit.Silkeborg)); got != want {
				t.Errorf("tree as %s:\n%s\nwant:\n%s", name, got, want)
			}
		}
		// The tree is listed by organisation ID as well as by municipality code.
		if got := treeString(listUnits(t, db, samspil.Anonymous(), silkeborg.ID)); got != want {
			t.Errorf("tree by ID:\n%s\nwant:\n%s", got, want)
		}
		// Another organisation's tree is empty.
		if got := listUnits(t, db, samspil.Anonymous(), testkit.Viborg); len(got) != 0 {
			t.Errorf("Viborg has units %s", treeString(got))
		}
		// UnitTree gives the same tree in one read, by code and by ID.
		for _, org := range []string{testkit.Silkeborg, silkeborg.ID, testkit.Viborg} {
			tree, err := db.UnitTree(ctx, samspil.Anonymous(), org)
			must(t, err)
			if got, want := treeString(tree), treeString(listUnits(t, db, samspil.Anonymous(), org)); got != want {
				t.Errorf("UnitTree of %s:\n%s\nwant:\n%s", org, got, want)
			}
		}

		// Paging in pages of two gives the same order.
		var paged []samspil.OrgUnit
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("paging does not end")
			}
			p, err := db.ListUnits(ctx, samspil.Anonymous(), testkit.Silkeborg, samspil.ListOptions{Limit: 2, Cursor: cursor})
			must(t, err)
			paged = append(paged, p.Items...)
			if p.NextCursor == "" {
				break
			}
			cursor = p.NextCursor
		}
		if got := treeString(paged); got != want {
			t.Errorf("paged tree:\n%s\nwant:\n%s", got, want)
		}

		_, err := db.ListUnits(ctx, samspil.Anonymous(), testkit.Silkeborg, samspil.ListOptions{Cursor: "not-a-cursor"})
		wantField(t, err, samspil.EINVALID, "cursor")

		got, err := db.FindUnit(ctx, samspil.Anonymous(), testkit.Silkeborg, tr.teamNord.ID)
		must(t, err)
		if got.Name != "Team Nord" || got.ParentID != tr.skole.ID || got.Depth != 2 {
			t.Errorf("FindUnit: %+v", got)
		}
		// A unit is found only under its own organisation.
		_, err = db.FindUnit(ctx, samspil.Anonymous(), testkit.Viborg, tr.teamNord.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
	})
}

func TestUnitCreateInvalid(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		tr := newUnitTree(t, db)
		vAdmin := testkit.NewPerson(t, db, "admin@viborg.dk", testkit.Viborg, samspil.RoleAdmin)
		viborgUnit, err := db.CreateUnit(ctx, vAdmin.Actor, testkit.Viborg, samspil.OrgUnitInput{Kind: samspil.UnitOffice, Name: "IT"})
		must(t, err)

		for _, c := range []struct {
			name  string
			in    samspil.OrgUnitInput
			field string
		}{
			{"empty name", samspil.OrgUnitInput{Kind: samspil.UnitTeam, Name: "   "}, "name"},
			{"long name", samspil.OrgUnitInput{Kind: samspil.UnitTeam, Name: strings.Repeat("x", 201)}, "name"},
			{"unknown kind", samspil.OrgUnitInput{Kind: "division", Name: "X"}, "kind"},
			{"parent in another organisation", samspil.OrgUnitInput{Kind: samspil.UnitTeam, Name: "X", ParentID: viborgUnit.ID}, "parent_id"},
			{"unknown parent", samspil.OrgUnitInput{Kind: samspil.UnitTeam, Name: "X", ParentID: "no-such-unit"}, "parent_id"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := db.CreateUnit(ctx, tr.editor.Actor, testkit.Silkeborg, c.in)
				wantField(t, err, samspil.EINVALID, c.field)
			})
		}
		if n := len(listUnits(t, db, tr.editor.Actor, testkit.Silkeborg)); n != 5 {
			t.Errorf("refused creations changed the tree: %d units, want 5", n)
		}
	})
}

func TestUnitUpdate(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		tr := newUnitTree(t, db)
		ed := tr.editor.Actor

		renamed, err := db.UpdateUnit(ctx, ed, testkit.Silkeborg, tr.skole.ID, 1, samspil.OrgUnitPatch{Name: ptr("  Skoler  ")})
		must(t, err)
		if renamed.Name != "Skoler" || renamed.Version != 2 || renamed.ParentID != tr.boern.ID || renamed.Depth != 1 {
			t.Fatalf("renamed: %+v", renamed)
		}

		// A second change with the old version is refused and changes nothing.
		_, err = db.UpdateUnit(ctx, ed, testkit.Silkeborg, tr.skole.ID, 1, samspil.OrgUnitPatch{Name: ptr("Lost update")})
		testkit.ErrCode(t, err, samspil.ESTALE)
		got, err := db.FindUnit(ctx, ed, testkit.Silkeborg, tr.skole.ID)
		must(t, err)
		if got.Name != "Skoler" || got.Version != 2 {
			t.Fatalf("after stale update: %+v", got)
		}

		// Move Team Nord from Skoler to Dagtilbud, then to the top level.
		moved, err := db.UpdateUnit(ctx, ed, testkit.Silkeborg, tr.teamNord.ID, 1, samspil.OrgUnitPatch{ParentID: &tr.dagtilbud.ID})
		must(t, err)
		if moved.ParentID != tr.dagtilbud.ID || moved.Depth != 2 || moved.Version != 2 {
			t.Fatalf("moved: %+v", moved)
		}
		want := "Administration@0\nBørn og Unge@0\n  Dagtilbud@1\n    Team Nord@2\n  Skoler@1\n"
		if got := treeString(listUnits(t, db, ed, testkit.Silkeborg)); got != want {
			t.Fatalf("after move:\n%s\nwant:\n%s", got, want)
		}
		top, err := db.UpdateUnit(ctx, ed, testkit.Silkeborg, tr.teamNord.ID, 2, samspil.OrgUnitPatch{ParentID: ptr(""), Kind: ptr(samspil.UnitOffice)})
		must(t, err)
		if top.ParentID != "" || top.Depth != 0 || top.Kind != samspil.UnitOffice {
			t.Fatalf("moved to top: %+v", top)
		}
		want = "Administration@0\nBørn og Unge@0\n  Dagtilbud@1\n  Skoler@1\nTeam Nord@0\n"
		if got := treeString(listUnits(t, db, ed, testkit.Silkeborg)); got != want {
			t.Fatalf("after move to top:\n%s\nwant:\n%s", got, want)
		}

		// Moving a whole branch moves its sub-units along.
		_, err = db.UpdateUnit(ctx, ed, testkit.Silkeborg, tr.boern.ID, 1, samspil.OrgUnitPatch{ParentID: &tr.administration.ID})
		must(t, err)
		want = "Administration@0\n  Børn og Unge@1\n    Dagtilbud@2\n    Skoler@2\nTeam Nord@0\n"
		if got := treeString(listUnits(t, db, ed, testkit.Silkeborg)); got != want {
			t.Fatalf("after moving a branch:\n%s\nwant:\n%s", got, want)
		}

		_, err = db.UpdateUnit(ctx, ed, testkit.Silkeborg, tr.skole.ID, 2, samspil.OrgUnitPatch{Name: ptr("")})
		wantField(t, err, samspil.EINVALID, "name")
		_, err = db.UpdateUnit(ctx, ed, testkit.Silkeborg, "no-such-unit", 1, samspil.OrgUnitPatch{Name: ptr("X")})
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
	})
}

func TestUnitMoveRefused(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		tr := newUnitTree(t, db)
		vAdmin := testkit.NewPerson(t, db, "admin@viborg.dk", testkit.Viborg, samspil.RoleAdmin)
		viborgUnit, err := db.CreateUnit(ctx, vAdmin.Actor, testkit.Viborg, samspil.OrgUnitInput{Kind: samspil.UnitOffice, Name: "IT"})
		must(t, err)
		before := treeString(listUnits(t, db, tr.editor.Actor, testkit.Silkeborg))

		for _, c := range []struct {
			name   string
			unit   *samspil.OrgUnit
			parent string
		}{
			{"under itself", tr.boern, tr.boern.ID},
			{"under its child", tr.boern, tr.skole.ID},
			{"under its grandchild", tr.boern, tr.teamNord.ID},
			{"middle unit under its child", tr.skole, tr.teamNord.ID},
			{"under a unit of another organisation", tr.skole, viborgUnit.ID},
			{"under a unit that does not exist", tr.skole, "no-such-unit"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := db.UpdateUnit(ctx, tr.editor.Actor, testkit.Silkeborg, c.unit.ID, c.unit.Version, samspil.OrgUnitPatch{ParentID: &c.parent})
				wantField(t, err, samspil.EINVALID, "parent_id")
			})
		}
		if after := treeString(listUnits(t, db, tr.editor.Actor, testkit.Silkeborg)); after != before {
			t.Errorf("refused moves changed the tree:\n%s\nwas:\n%s", after, before)
		}
		got, err := db.FindUnit(ctx, tr.editor.Actor, testkit.Silkeborg, tr.boern.ID)
		must(t, err)
		if got.Version != 1 {
			t.Errorf("refused moves bumped the version to %d", got.Version)
		}
	})
}

func TestUnitDelete(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		tr := newUnitTree(t, db)
		ed := tr.editor.Actor

		err := db.DeleteUnit(ctx, ed, testkit.Silkeborg, tr.skole.ID, 1)
		testkit.ErrCode(t, err, samspil.ECONFLICT)
		if !strings.Contains(samspil.ErrorMessage(err), "1 sub-unit") {
			t.Errorf("message should say how many sub-units block the delete: %q", samspil.ErrorMessage(err))
		}
		err = db.DeleteUnit(ctx, ed, testkit.Silkeborg, tr.teamNord.ID, 7)
		testkit.ErrCode(t, err, samspil.ESTALE)

		must(t, db.DeleteUnit(ctx, ed, testkit.Silkeborg, tr.teamNord.ID, 1))
		_, err = db.FindUnit(ctx, ed, testkit.Silkeborg, tr.teamNord.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		err = db.DeleteUnit(ctx, ed, testkit.Silkeborg, tr.teamNord.ID, 1)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)

		// Without children the parent goes too.
		must(t, db.DeleteUnit(ctx, ed, testkit.Silkeborg, tr.skole.ID, 1))
		want := "Administration@0\nBørn og Unge@0\n  Dagtilbud@1\n"
		if got := treeString(listUnits(t, db, ed, testkit.Silkeborg)); got != want {
			t.Fatalf("after deletes:\n%s\nwant:\n%s", got, want)
		}
	})
}

func TestUnitPermissions(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		private := newOrg(t, db, "Lukket Fællesskab", samspil.VisibilityPrivate)
		people := map[string]*samspil.Actor{
			"admin":           testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin).Actor,
			"editor":          testkit.NewPerson(t, db, "editor@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor).Actor,
			"viewer":          testkit.NewPerson(t, db, "viewer@silkeborg.dk", testkit.Silkeborg, samspil.RoleViewer).Actor,
			"admin of Viborg": testkit.NewPerson(t, db, "admin@viborg.dk", testkit.Viborg, samspil.RoleAdmin).Actor,
			"anonymous":       samspil.Anonymous(),
			"operator":        testkit.System,
		}
		privAdmin := testkit.NewPerson(t, db, "admin@lukket.dk", private.ID, samspil.RoleAdmin)
		people["private admin"] = privAdmin.Actor
		people["private viewer"] = testkit.NewPerson(t, db, "viewer@lukket.dk", private.ID, samspil.RoleViewer).Actor

		for _, c := range []struct {
			org, who string
			want     string // "" for allowed
		}{
			{testkit.Silkeborg, "admin", ""},
			{testkit.Silkeborg, "editor", ""},
			{testkit.Silkeborg, "operator", ""},
			{testkit.Silkeborg, "viewer", samspil.EFORBIDDEN},
			{testkit.Silkeborg, "admin of Viborg", samspil.EFORBIDDEN}, // Silkeborg is public: visible, not writable
			{testkit.Silkeborg, "anonymous", samspil.EFORBIDDEN},
			{private.ID, "private admin", ""},
			{private.ID, "private viewer", samspil.EFORBIDDEN},
			{private.ID, "admin of Viborg", samspil.ENOTFOUND}, // private: not even visible
			{private.ID, "admin", samspil.ENOTFOUND},
			{private.ID, "anonymous", samspil.ENOTFOUND},
		} {
			t.Run(c.who+" in "+c.org, func(t *testing.T) {
				actor := people[c.who]
				// A unit to update and delete, made by an operator.
				target, err := db.CreateUnit(ctx, testkit.System, c.org, samspil.OrgUnitInput{Kind: samspil.UnitOffice, Name: "Mål " + c.who})
				must(t, err)

				created, err := db.CreateUnit(ctx, actor, c.org, samspil.OrgUnitInput{Kind: samspil.UnitTeam, Name: "Ny " + c.who})
				if c.want == "" {
					must(t, err)
					if created.Name != "Ny "+c.who {
						t.Errorf("created %+v", created)
					}
				} else {
					testkit.ErrCode(t, err, c.want)
				}

				_, err = db.UpdateUnit(ctx, actor, c.org, target.ID, 1, samspil.OrgUnitPatch{Name: ptr("Omdøbt")})
				if c.want == "" {
					must(t, err)
				} else {
					testkit.ErrCode(t, err, c.want)
					got, err := db.FindUnit(ctx, testkit.System, c.org, target.ID)
					must(t, err)
					if got.Name != target.Name || got.Version != 1 {
						t.Errorf("refused update changed the unit: %+v", got)
					}
				}

				version := 1
				if c.want == "" {
					version = 2
				}
				err = db.DeleteUnit(ctx, actor, c.org, target.ID, version)
				if c.want == "" {
					must(t, err)
				} else {
					testkit.ErrCode(t, err, c.want)
					if _, err := db.FindUnit(ctx, testkit.System, c.org, target.ID); err != nil {
						t.Errorf("refused delete removed the unit: %v", err)
					}
				}

				// Reading follows visibility: a private organisation's units are
				// hidden from everyone outside it.
				_, err = db.ListUnits(ctx, actor, c.org, samspil.ListOptions{})
				_, ferr := db.FindUnit(ctx, actor, c.org, target.ID)
				tree, terr := db.UnitTree(ctx, actor, c.org)
				if c.want == samspil.ENOTFOUND {
					testkit.ErrCode(t, err, samspil.ENOTFOUND)
					testkit.ErrCode(t, ferr, samspil.ENOTFOUND)
					testkit.ErrCode(t, terr, samspil.ENOTFOUND)
					if tree != nil {
						t.Errorf("UnitTree refused but gave %s", treeString(tree))
					}
				} else {
					must(t, err)
					must(t, terr)
					if c.want != "" {
						must(t, ferr)
					}
				}
			})
		}
	})
}
