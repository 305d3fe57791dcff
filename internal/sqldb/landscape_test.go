package sqldb_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// Tests of the IT landscape store: the system catalogue, who uses what and
// merging duplicates. Usages, contracts, the KLE taxonomy and the agreement
// of visibleCond with Actor.CanSee have files of their own
// (landscape_*_test.go).

// Valid CVR numbers (modulus 11) for vendors and suppliers.
const (
	cvrVendor   = "10150817"
	cvrSupplier = "29189919"
)

// Real KLE codes of the embedded edition.
const (
	kleStyrelse     = "00.01.00" // Kommunens styrelse i almindelighed
	kleAeldrepleje  = "27.34.00" // Ældrepleje i almindelighed
	kleAeldretilsyn = "27.34.40" // Ældretilsyn
)

// land is a small IT landscape world: Silkeborg with an editor and a
// viewer, Viborg and Aarhus with an editor each, a platform operator, and two
// vendors (one visible to the sector, one private).
type land struct {
	db                        *sqldb.DB
	silkeborg, viborg, aarhus *samspil.Organization
	sEditor, sViewer          testkit.Person
	vEditor, aEditor          testkit.Person
	op                        *samspil.Actor // a user who is a platform operator, member of no organisation
	vendor, hidden            *samspil.Organization
}

func newLand(t *testing.T, db *sqldb.DB) *land {
	t.Helper()
	for _, c := range []string{cvrVendor, cvrSupplier} {
		if !samspil.ValidCVR(c) {
			t.Fatalf("fixture CVR %s is not valid", c)
		}
	}
	l := &land{db: db}
	l.silkeborg, l.viborg, l.aarhus = testkit.Org(t, db, testkit.Silkeborg), testkit.Org(t, db, testkit.Viborg), testkit.Org(t, db, testkit.Aarhus)
	l.sEditor = testkit.NewPerson(t, db, "editor@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
	l.sViewer = testkit.NewPerson(t, db, "viewer@silkeborg.dk", testkit.Silkeborg, samspil.RoleViewer)
	l.vEditor = testkit.NewPerson(t, db, "editor@viborg.dk", testkit.Viborg, samspil.RoleEditor)
	l.aEditor = testkit.NewPerson(t, db, "editor@aarhus.dk", testkit.Aarhus, samspil.RoleEditor)
	opUser, err := db.CreateUser(ctx, testkit.System, samspil.UserInput{Email: "drift@samspil.dk", DisplayName: "Drift", Operator: true})
	must(t, err)
	l.op = testkit.Actor(t, db, opUser.ID)
	l.vendor, err = db.CreateOrganization(ctx, testkit.System, samspil.OrganizationInput{Kind: samspil.KindCompany, Name: "Åben Software A/S", CVR: cvrVendor})
	must(t, err)
	l.hidden, err = db.CreateOrganization(ctx, testkit.System, samspil.OrganizationInput{Kind: samspil.KindCompany, Name: "Skjult ApS",
		CVR: cvrSupplier, Visibility: samspil.VisibilityPrivate})
	must(t, err)
	return l
}

// system registers a catalogue entry, failing the test on error.
func (l *land) system(t testing.TB, actor *samspil.Actor, in samspil.SystemInput) *samspil.System {
	t.Helper()
	if in.Category == "" {
		in.Category = samspil.CategoryOther
	}
	s, err := l.db.CreateSystem(ctx, actor, in)
	if err != nil {
		t.Fatalf("create system %s: %v", in.Name, err)
	}
	return s
}

// usage registers a usage, failing the test on error.
func (l *land) usage(t testing.TB, actor *samspil.Actor, in samspil.UsageInput) *samspil.Usage {
	t.Helper()
	if in.Lifecycle == "" {
		in.Lifecycle = samspil.LifecycleOperational
	}
	u, err := l.db.CreateUsage(ctx, actor, in)
	if err != nil {
		t.Fatalf("create usage of %s by %s: %v", in.SystemID, in.OrganizationID, err)
	}
	return u
}

// listSystems lists every visible catalogue entry matching f, paging through.
func listSystems(t testing.TB, db *sqldb.DB, actor *samspil.Actor, f samspil.SystemFilter) []samspil.System {
	t.Helper()
	var out []samspil.System
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("paging does not end")
		}
		p, err := db.ListSystems(ctx, actor, f)
		if err != nil {
			t.Fatalf("list systems %+v: %v", f, err)
		}
		out = append(out, p.Items...)
		if p.NextCursor == "" {
			return out
		}
		f.Cursor = p.NextCursor
	}
}

func systemNames(systems []samspil.System) []string {
	names := make([]string, len(systems))
	for i, s := range systems {
		names[i] = s.Name
	}
	return names
}

// wantMessage fails the test unless the error names s in a field message.
func wantMessage(t testing.TB, err error, s string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), s) {
		t.Fatalf("want an error mentioning %q, got %v", s, err)
	}
}

// actions returns the actions of audit events.
func actions(events []samspil.AuditEvent) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Action
	}
	return out
}

// wantAudit fails the test unless exactly the given actions were audited
// after mark, and returns those events.
func wantAudit(t testing.TB, db *sqldb.DB, mark string, want ...string) []samspil.AuditEvent {
	t.Helper()
	got := auditSince(t, db, mark)
	if !slices.Equal(actions(got), want) {
		t.Fatalf("audit events %v, want %v", actions(got), want)
	}
	return got
}

func TestSystemCreate(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)

		// An editor of one organisation registers for it without saying so.
		mark := auditMark(t, db)
		s, err := db.CreateSystem(ctx, l.sEditor.Actor, samspil.SystemInput{Name: "  Sagsbehandling Ø  ", Category: samspil.CategoryCaseManagement,
			VendorID: cvrVendor, Tasks: []string{kleAeldrepleje, " " + kleStyrelse, kleAeldrepleje}, Homepage: "https://example.dk/sag"})
		must(t, err)
		if s.OwnerID != l.silkeborg.ID || s.Name != "Sagsbehandling Ø" || s.Visibility != samspil.VisibilitySector || s.Version != 1 ||
			s.VendorID != l.vendor.ID || s.VendorName != "Åben Software A/S" || s.UsageCount != 0 {
			t.Fatalf("created %+v", s)
		}
		if !slices.Equal(s.Tasks, []string{kleStyrelse, kleAeldrepleje}) {
			t.Errorf("tasks %v, want them trimmed, sorted and without the double", s.Tasks)
		}
		ev := wantAudit(t, db, mark, "system.create")[0]
		if ev.OrganizationID != l.silkeborg.ID || ev.ObjectID != s.ID || ev.ObjectType != "system" {
			t.Errorf("audit event %+v", ev)
		}
		if after := jsonObject(t, ev.After); after["name"] != "Sagsbehandling Ø" || after["vendor_id"] != l.vendor.ID {
			t.Errorf("audit after image %v", after)
		}
		found, err := db.FindSystem(ctx, l.vEditor.Actor, s.ID)
		must(t, err)
		if found.Name != s.Name || !slices.Equal(found.Tasks, s.Tasks) || found.VendorID != l.vendor.ID {
			t.Errorf("stored %+v", found)
		}

		// The vendor by its ID works as well as by its CVR number.
		byID := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Økonomi", VendorID: l.vendor.ID})
		if byID.VendorID != l.vendor.ID {
			t.Errorf("vendor by ID: %q", byID.VendorID)
		}

		// Refused input leaves nothing behind and names the field.
		mark = auditMark(t, db)
		for _, c := range []struct {
			name  string
			actor *samspil.Actor
			in    samspil.SystemInput
			code  string
			field string
			says  string
		}{
			{"unknown vendor CVR", l.sEditor.Actor, samspil.SystemInput{Name: "X", VendorID: "12345674"}, samspil.EINVALID, "vendor_id", ""},
			{"unknown vendor ID", l.sEditor.Actor, samspil.SystemInput{Name: "X", VendorID: "no-such-id"}, samspil.EINVALID, "vendor_id", ""},
			{"invisible vendor", l.sEditor.Actor, samspil.SystemInput{Name: "X", VendorID: l.hidden.ID}, samspil.EINVALID, "vendor_id", ""},
			{"invisible vendor by CVR", l.sEditor.Actor, samspil.SystemInput{Name: "X", VendorID: cvrSupplier}, samspil.EINVALID, "vendor_id", ""},
			{"KLE code not in the taxonomy", l.sEditor.Actor, samspil.SystemInput{Name: "X", Tasks: []string{kleStyrelse, "99.99.99"}}, samspil.EINVALID, "tasks", "99.99.99"},
			{"malformed KLE code", l.sEditor.Actor, samspil.SystemInput{Name: "X", Tasks: []string{"27.3"}}, samspil.EINVALID, "tasks", "27.3"},
			{"KLE code with letters", l.sEditor.Actor, samspil.SystemInput{Name: "X", Tasks: []string{"27.ab.00"}}, samspil.EINVALID, "tasks", "27.ab.00"},
			{"no name", l.sEditor.Actor, samspil.SystemInput{Name: "  "}, samspil.EINVALID, "name", ""},
			{"bad category", l.sEditor.Actor, samspil.SystemInput{Name: "X", Category: "games"}, samspil.EINVALID, "category", ""},
			{"bad homepage", l.sEditor.Actor, samspil.SystemInput{Name: "X", Homepage: "javascript:alert(1)"}, samspil.EINVALID, "homepage", ""},
			{"bad visibility", l.sEditor.Actor, samspil.SystemInput{Name: "X", Visibility: "world"}, samspil.EINVALID, "visibility", ""},
			{"operator without owner", l.op, samspil.SystemInput{Name: "X"}, samspil.EINVALID, "owner_id", ""},
			{"another organisation's owner", l.vEditor.Actor, samspil.SystemInput{Name: "X", OwnerID: testkit.Silkeborg}, samspil.EFORBIDDEN, "", ""},
			{"viewer names the owner", l.sViewer.Actor, samspil.SystemInput{Name: "X", OwnerID: testkit.Silkeborg}, samspil.EFORBIDDEN, "", ""},
			{"viewer of one organisation", l.sViewer.Actor, samspil.SystemInput{Name: "X"}, samspil.EFORBIDDEN, "", ""},
			{"anonymous", samspil.Anonymous(), samspil.SystemInput{Name: "X", OwnerID: testkit.Silkeborg}, samspil.EFORBIDDEN, "", ""},
			{"unknown owner", l.op, samspil.SystemInput{Name: "X", OwnerID: "9999"}, samspil.ENOTFOUND, "", ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				if c.in.Category == "" {
					c.in.Category = samspil.CategoryOther
				}
				_, err := db.CreateSystem(ctx, c.actor, c.in)
				if c.field != "" {
					wantField(t, err, c.code, c.field)
				} else {
					testkit.ErrCode(t, err, c.code)
				}
				if c.says != "" {
					wantMessage(t, err, c.says)
				}
			})
		}
		wantAudit(t, db, mark)

		// An editor of two organisations must say which one registers it.
		both := addMember(t, db, l.vEditor, testkit.Silkeborg, samspil.RoleEditor)
		_, err = db.CreateSystem(ctx, both, samspil.SystemInput{Name: "Tvivl", Category: samspil.CategoryOther})
		wantField(t, err, samspil.EINVALID, "owner_id")
		byCode := l.system(t, both, samspil.SystemInput{Name: "Tvivl", OwnerID: testkit.Viborg})
		if byCode.OwnerID != l.viborg.ID {
			t.Errorf("owner by municipality code: %s, want %s", byCode.OwnerID, l.viborg.ID)
		}
		// Operators register for any organisation they name.
		byOp := l.system(t, l.op, samspil.SystemInput{Name: "Fælles", OwnerID: l.aarhus.ID, Visibility: samspil.VisibilityPublic})
		if byOp.OwnerID != l.aarhus.ID || byOp.Visibility != samspil.VisibilityPublic {
			t.Errorf("registered by an operator: %+v", byOp)
		}
	})
}

func TestSystemUpdate(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		s := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Borgerportal", Category: samspil.CategorySelfService,
			VendorID: l.vendor.ID, Tasks: []string{kleStyrelse}, Description: "Selvbetjening"})

		mark := auditMark(t, db)
		up, err := db.UpdateSystem(ctx, l.sEditor.Actor, s.ID, 1, samspil.SystemPatch{Name: ptr("Borgerportalen"), Tasks: &[]string{kleAeldrepleje, kleStyrelse}})
		must(t, err)
		if up.Version != 2 || up.Name != "Borgerportalen" || up.Description != "Selvbetjening" || up.VendorID != l.vendor.ID ||
			!slices.Equal(up.Tasks, []string{kleStyrelse, kleAeldrepleje}) || up.UpdatedAt.Before(s.UpdatedAt) {
			t.Fatalf("updated %+v", up)
		}
		ev := wantAudit(t, db, mark, "system.update")[0]
		if b, a := jsonObject(t, ev.Before), jsonObject(t, ev.After); b["name"] != "Borgerportal" || a["name"] != "Borgerportalen" || a["version"] != float64(2) {
			t.Errorf("audit images %v → %v", b, a)
		}

		// A patch without tasks keeps them; clearing the vendor with "".
		up, err = db.UpdateSystem(ctx, l.sEditor.Actor, s.ID, 2, samspil.SystemPatch{VendorID: ptr("")})
		must(t, err)
		if up.VendorID != "" || up.VendorName != "" || len(up.Tasks) != 2 {
			t.Fatalf("after clearing the vendor: %+v", up)
		}
		// A vendor by CVR on update.
		up, err = db.UpdateSystem(ctx, l.sEditor.Actor, s.ID, 3, samspil.SystemPatch{VendorID: ptr(cvrVendor)})
		must(t, err)
		if up.VendorID != l.vendor.ID {
			t.Fatalf("vendor by CVR on update: %q", up.VendorID)
		}

		mark = auditMark(t, db)
		// Stale versions, other organisations and bad input are refused.
		_, err = db.UpdateSystem(ctx, l.sEditor.Actor, s.ID, 3, samspil.SystemPatch{Name: ptr("X")})
		testkit.ErrCode(t, err, samspil.ESTALE)
		_, err = db.UpdateSystem(ctx, l.vEditor.Actor, s.ID, 4, samspil.SystemPatch{Name: ptr("X")})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		_, err = db.UpdateSystem(ctx, l.sViewer.Actor, s.ID, 4, samspil.SystemPatch{Name: ptr("X")})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		_, err = db.UpdateSystem(ctx, samspil.Anonymous(), s.ID, 4, samspil.SystemPatch{Name: ptr("X")})
		testkit.ErrCode(t, err, samspil.ENOTFOUND) // a sector entry is invisible to anonymous
		_, err = db.UpdateSystem(ctx, l.sEditor.Actor, s.ID, 4, samspil.SystemPatch{Tasks: &[]string{"99.99.99"}})
		wantField(t, err, samspil.EINVALID, "tasks")
		wantMessage(t, err, "99.99.99")
		_, err = db.UpdateSystem(ctx, l.sEditor.Actor, s.ID, 4, samspil.SystemPatch{VendorID: ptr("12345674")})
		wantField(t, err, samspil.EINVALID, "vendor_id")
		_, err = db.UpdateSystem(ctx, l.sEditor.Actor, s.ID, 4, samspil.SystemPatch{Name: ptr(" ")})
		wantField(t, err, samspil.EINVALID, "name")
		_, err = db.UpdateSystem(ctx, l.sEditor.Actor, "no-such-id", 1, samspil.SystemPatch{Name: ptr("X")})
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		wantAudit(t, db, mark)

		// Operators may change any entry.
		up, err = db.UpdateSystem(ctx, l.op, s.ID, 4, samspil.SystemPatch{OS2Product: ptr(true)})
		must(t, err)
		if !up.OS2Product || up.Version != 5 {
			t.Fatalf("changed by an operator: %+v", up)
		}

		// A private entry is invisible to others: not found, exactly like a missing one.
		up, err = db.UpdateSystem(ctx, l.sEditor.Actor, s.ID, 5, samspil.SystemPatch{Visibility: ptr(samspil.VisibilityPrivate)})
		must(t, err)
		for name, actor := range map[string]*samspil.Actor{"Viborg editor": l.vEditor.Actor, "anonymous": samspil.Anonymous()} {
			_, err := db.FindSystem(ctx, actor, s.ID)
			testkit.ErrCode(t, err, samspil.ENOTFOUND)
			_, err = db.UpdateSystem(ctx, actor, s.ID, 6, samspil.SystemPatch{Name: ptr("X")})
			testkit.ErrCode(t, err, samspil.ENOTFOUND)
			_, err = db.WhoUses(ctx, actor, s.ID)
			testkit.ErrCode(t, err, samspil.ENOTFOUND)
			for _, x := range listSystems(t, db, actor, samspil.SystemFilter{}) {
				if x.ID == s.ID {
					t.Errorf("%s lists the private entry", name)
				}
			}
		}
		for name, actor := range map[string]*samspil.Actor{"Silkeborg viewer": l.sViewer.Actor, "operator": l.op} {
			if _, err := db.FindSystem(ctx, actor, s.ID); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}

func TestSystemList(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		c := newClock(db)
		other, err := db.CreateOrganization(ctx, testkit.System, samspil.OrganizationInput{Kind: samspil.KindCompany, Name: "Kommunedata"})
		must(t, err)
		mk := func(actor *samspil.Actor, in samspil.SystemInput) *samspil.System {
			c.advance(time.Second)
			return l.system(t, actor, in)
		}
		aeroe := mk(l.sEditor.Actor, samspil.SystemInput{Name: "ÆRØ Sag", Category: samspil.CategoryCaseManagement, VendorID: l.vendor.ID,
			Tasks: []string{kleStyrelse}, Visibility: samspil.VisibilityPublic})
		oeko := mk(l.sEditor.Actor, samspil.SystemInput{Name: "Økonomistyring", Category: samspil.CategoryEconomy, VendorID: other.ID})
		pleje := mk(l.vEditor.Actor, samspil.SystemInput{Name: "Plejejournal", Category: samspil.CategoryHealth, VendorID: l.vendor.ID,
			Tasks: []string{kleAeldretilsyn}, OS2Product: true, Visibility: samspil.VisibilityPublic})
		aeldre := mk(l.vEditor.Actor, samspil.SystemInput{Name: "ældreguide", Category: samspil.CategoryHealth, Tasks: []string{"27.34"}})
		hemmelig := mk(l.vEditor.Actor, samspil.SystemInput{Name: "Åbent hemmeligt", Category: samspil.CategoryOther, Visibility: samspil.VisibilityPrivate})
		alpha := mk(l.aEditor.Actor, samspil.SystemInput{Name: "alpha", Category: samspil.CategoryData, OS2Product: true})

		// Names sort case-insensitively; a private entry only for its owner.
		all := systemNames(listSystems(t, db, l.sEditor.Actor, samspil.SystemFilter{}))
		if want := []string{"alpha", "Plejejournal", "ÆRØ Sag", "ældreguide", "Økonomistyring"}; !slices.Equal(sortedFold(all), sortedFold(want)) || len(all) != len(want) {
			t.Fatalf("Silkeborg sees %v, want %v", all, want)
		}
		if got := systemNames(listSystems(t, db, l.vEditor.Actor, samspil.SystemFilter{})); !slices.Contains(got, hemmelig.Name) || len(got) != 6 {
			t.Errorf("Viborg sees %v", got)
		}
		if got := systemNames(listSystems(t, db, l.op, samspil.SystemFilter{})); len(got) != 6 {
			t.Errorf("the operator sees %v", got)
		}
		if got := systemNames(listSystems(t, db, samspil.Anonymous(), samspil.SystemFilter{})); !slices.Equal(sortedFold(got), sortedFold([]string{aeroe.Name, pleje.Name})) {
			t.Errorf("anonymous sees %v, want the public entries", got)
		}

		// Search in names and vendor names, case-insensitive also for æøå.
		for _, c := range []struct {
			q    string
			want []string
		}{
			{"ærø", []string{aeroe.Name}},
			{"æRØ s", []string{aeroe.Name}},
			{"ÆLDRE", []string{aeldre.Name}},
			{"økonomi", []string{oeko.Name}},
			{"ÅBEN soft", []string{aeroe.Name, pleje.Name}}, // by the vendor's name
			{"kommunedata", []string{oeko.Name}},
			{"åbent", nil}, // the private entry stays hidden in searches too
			{"%", nil},     // LIKE wildcards are literal
			{"_", nil},
			{"  pleje ", []string{pleje.Name}},
		} {
			got := systemNames(listSystems(t, db, l.sEditor.Actor, samspil.SystemFilter{Query: c.q}))
			if !slices.Equal(sortedFold(got), sortedFold(c.want)) {
				t.Errorf("q=%q: %v, want %v", c.q, got, c.want)
			}
		}

		// Filters: category, vendor, task (a group or main group matches its topics), OS2.
		for _, c := range []struct {
			name string
			f    samspil.SystemFilter
			want []string
		}{
			{"category", samspil.SystemFilter{Category: samspil.CategoryHealth}, []string{pleje.Name, aeldre.Name}},
			{"vendor", samspil.SystemFilter{VendorID: l.vendor.ID}, []string{aeroe.Name, pleje.Name}},
			{"topic", samspil.SystemFilter{Task: kleAeldretilsyn}, []string{pleje.Name}},
			{"other topic", samspil.SystemFilter{Task: kleAeldrepleje}, nil},
			{"group", samspil.SystemFilter{Task: "27.34"}, []string{pleje.Name, aeldre.Name}},
			{"main group", samspil.SystemFilter{Task: "27"}, []string{pleje.Name, aeldre.Name}},
			{"main group 00", samspil.SystemFilter{Task: "00"}, []string{aeroe.Name}},
			{"other main group", samspil.SystemFilter{Task: "02"}, nil},
			{"prefix of a code is not a group", samspil.SystemFilter{Task: "27.3"}, nil},
			{"os2", samspil.SystemFilter{OS2: true}, []string{alpha.Name, pleje.Name}},
			{"os2 and category", samspil.SystemFilter{OS2: true, Category: samspil.CategoryHealth}, []string{pleje.Name}},
			{"search and task", samspil.SystemFilter{Query: "guide", Task: "27"}, []string{aeldre.Name}},
		} {
			got := systemNames(listSystems(t, db, l.sEditor.Actor, c.f))
			if !slices.Equal(sortedFold(got), sortedFold(c.want)) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}

		// Paging in pages of two visits every visible entry once, in the order of one page.
		whole := listSystems(t, db, l.vEditor.Actor, samspil.SystemFilter{ListOptions: samspil.ListOptions{Limit: 500}})
		var paged []samspil.System
		f := samspil.SystemFilter{ListOptions: samspil.ListOptions{Limit: 2}}
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("paging does not end")
			}
			p, err := db.ListSystems(ctx, l.vEditor.Actor, f)
			must(t, err)
			if len(p.Items) > 2 {
				t.Fatalf("page of %d", len(p.Items))
			}
			paged = append(paged, p.Items...)
			if p.NextCursor == "" {
				break
			}
			f.Cursor = p.NextCursor
		}
		if !slices.Equal(systemNames(paged), systemNames(whole)) || len(paged) != 6 {
			t.Errorf("paged %v, want %v", systemNames(paged), systemNames(whole))
		}
		_, err = db.ListSystems(ctx, l.vEditor.Actor, samspil.SystemFilter{ListOptions: samspil.ListOptions{Cursor: "not-a-cursor"}})
		wantField(t, err, samspil.EINVALID, "cursor")

		// changed_since: only what changed at or after the time.
		since := c.advance(time.Minute)
		_, err = db.UpdateSystem(ctx, l.sEditor.Actor, oeko.ID, 1, samspil.SystemPatch{Description: ptr("Nyt")})
		must(t, err)
		got := systemNames(listSystems(t, db, l.sEditor.Actor, samspil.SystemFilter{ListOptions: samspil.ListOptions{ChangedSince: &since}}))
		if !slices.Equal(got, []string{oeko.Name}) {
			t.Errorf("changed since %s: %v", since, got)
		}
		later := c.advance(time.Second)
		if got := listSystems(t, db, l.sEditor.Actor, samspil.SystemFilter{ListOptions: samspil.ListOptions{ChangedSince: &later}}); len(got) != 0 {
			t.Errorf("changed since %s: %v", later, systemNames(got))
		}
	})
}

// sortedFold returns the names sorted by their folded form, for comparisons
// that do not depend on the engine's collation.
func sortedFold(names []string) []string {
	out := slices.Clone(names)
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(samspil.Fold(a), samspil.Fold(b)) })
	if out == nil {
		out = []string{}
	}
	return out
}

func TestWhoUsesVisibility(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		s := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "Fælles ESDH", Visibility: samspil.VisibilityPublic})
		l.usage(t, l.sEditor.Actor, samspil.UsageInput{SystemID: s.ID, Visibility: samspil.VisibilityPrivate})
		l.usage(t, l.vEditor.Actor, samspil.UsageInput{SystemID: s.ID, Visibility: samspil.VisibilitySector, Lifecycle: samspil.LifecyclePilot,
			From: ptr(samspil.NewDate(2025, 9, 1))})
		l.usage(t, l.aEditor.Actor, samspil.UsageInput{SystemID: s.ID, Visibility: samspil.VisibilityPublic})
		// A partners usage is as narrow as a private one for organisations without a shared collaboration.
		odense := testkit.NewPerson(t, db, "editor@odense.dk", "0461", samspil.RoleEditor)
		l.usage(t, odense.Actor, samspil.UsageInput{SystemID: s.ID, Visibility: samspil.VisibilityPartners})

		for _, c := range []struct {
			name  string
			actor *samspil.Actor
			orgs  []string
		}{
			{"Silkeborg editor", l.sEditor.Actor, []string{l.aarhus.ID, l.silkeborg.ID, l.viborg.ID}},
			{"Silkeborg viewer", l.sViewer.Actor, []string{l.aarhus.ID, l.silkeborg.ID, l.viborg.ID}},
			{"Viborg editor", l.vEditor.Actor, []string{l.aarhus.ID, l.viborg.ID}},
			{"Odense editor", odense.Actor, []string{l.aarhus.ID, testkit.Org(t, db, "0461").ID, l.viborg.ID}},
			{"anonymous", samspil.Anonymous(), []string{l.aarhus.ID}},
			{"operator", l.op, []string{l.aarhus.ID, testkit.Org(t, db, "0461").ID, l.silkeborg.ID, l.viborg.ID}},
		} {
			t.Run(c.name, func(t *testing.T) {
				who, err := db.WhoUses(ctx, c.actor, s.ID)
				must(t, err)
				var got []string
				for _, w := range who {
					got = append(got, w.OrganizationID)
					if w.OrganizationID == l.viborg.ID && (w.Lifecycle != samspil.LifecyclePilot || w.From == nil || w.From.String() != "2025-09-01" ||
						w.MunicipalityCode != testkit.Viborg || w.OrganizationName == "" || w.Visibility != samspil.VisibilitySector) {
						t.Errorf("Viborg's usage: %+v", w)
					}
				}
				slices.Sort(got)
				want := slices.Sorted(slices.Values(c.orgs))
				if !slices.Equal(got, want) {
					t.Errorf("who uses: %v, want %v", got, want)
				}
				found, err := db.FindSystem(ctx, c.actor, s.ID)
				must(t, err)
				if found.UsageCount != len(want) {
					t.Errorf("usage_count %d, want %d", found.UsageCount, len(want))
				}
				for _, x := range listSystems(t, db, c.actor, samspil.SystemFilter{Query: "fælles esdh"}) {
					if x.UsageCount != len(want) {
						t.Errorf("usage_count in the list %d, want %d", x.UsageCount, len(want))
					}
				}
			})
		}
		_, err := db.WhoUses(ctx, samspil.Anonymous(), "no-such-system")
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
	})
}

func TestMergeSystems(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		sAdmin := testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)
		survivor := l.system(t, l.sEditor.Actor, samspil.SystemInput{Name: "OS2forms", Tasks: []string{kleStyrelse}})
		dup := l.system(t, l.vEditor.Actor, samspil.SystemInput{Name: "OS2 Forms", Tasks: []string{kleAeldrepleje, kleStyrelse}})
		other := l.system(t, l.aEditor.Actor, samspil.SystemInput{Name: "Andet"})

		// Silkeborg registered both; Viborg the duplicate only; Aarhus the survivor only.
		sKeep := l.usage(t, l.sEditor.Actor, samspil.UsageInput{SystemID: survivor.ID, Notes: "den rigtige"})
		sDouble := l.usage(t, l.sEditor.Actor, samspil.UsageInput{SystemID: dup.ID, Notes: "dobbelt", Visibility: samspil.VisibilitySector})
		vMoved := l.usage(t, l.vEditor.Actor, samspil.UsageInput{SystemID: dup.ID, Lifecycle: samspil.LifecyclePilot})
		aKeep := l.usage(t, l.aEditor.Actor, samspil.UsageInput{SystemID: survivor.ID})
		// A contract covering both, one covering the duplicate, one covering neither.
		terms := samspil.ContractTerms{Start: samspil.NewDate(2024, 1, 1), DurationMonths: 48, NoticeMonths: 3}
		cBoth, err := db.CreateContract(ctx, l.sEditor.Actor, samspil.ContractInput{Name: "Begge", SystemIDs: []string{survivor.ID, dup.ID}, ContractTerms: terms})
		must(t, err)
		cDup, err := db.CreateContract(ctx, l.vEditor.Actor, samspil.ContractInput{Name: "Dubletten", SystemIDs: []string{dup.ID}, ContractTerms: terms})
		must(t, err)
		cOther, err := db.CreateContract(ctx, l.aEditor.Actor, samspil.ContractInput{Name: "Andet", SystemIDs: []string{other.ID}, ContractTerms: terms})
		must(t, err)

		// Only operators merge, and not an entry into itself.
		mark := auditMark(t, db)
		for name, actor := range map[string]*samspil.Actor{"owner's editor": l.sEditor.Actor, "owner's admin": sAdmin.Actor,
			"duplicate's editor": l.vEditor.Actor, "anonymous": samspil.Anonymous()} {
			_, err := db.MergeSystems(ctx, actor, survivor.ID, dup.ID)
			if samspil.ErrorCode(err) != samspil.EFORBIDDEN {
				t.Errorf("%s merges: %v", name, err)
			}
		}
		_, err = db.MergeSystems(ctx, l.op, survivor.ID, survivor.ID)
		wantField(t, err, samspil.EINVALID, "duplicate_id")
		_, err = db.MergeSystems(ctx, l.op, survivor.ID, "no-such-system")
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		wantAudit(t, db, mark)

		mergedAt := newClock(db).advance(time.Minute)
		merged, err := db.MergeSystems(ctx, l.op, survivor.ID, dup.ID)
		must(t, err)
		if merged.ID != survivor.ID || merged.Name != "OS2forms" || merged.Version != 2 {
			t.Errorf("merged %+v", merged)
		}
		if !slices.Equal(merged.Tasks, []string{kleStyrelse, kleAeldrepleje}) {
			t.Errorf("tasks %v, want the union", merged.Tasks)
		}
		if merged.UsageCount != 3 {
			t.Errorf("usage_count %d, want 3 (Silkeborg once, Viborg, Aarhus)", merged.UsageCount)
		}

		// Exactly one audit event records it.
		ev := wantAudit(t, db, mark, "system.merge")[0]
		if ev.ObjectID != survivor.ID || ev.OrganizationID != l.silkeborg.ID {
			t.Errorf("merge event %+v", ev)
		}
		if a := jsonObject(t, ev.After); a["duplicate"] != dup.ID || a["usages_moved"] != float64(1) || a["usages_dropped_as_double"] != float64(1) {
			t.Errorf("merge event after image %v", a)
		}

		// The duplicate is gone.
		_, err = db.FindSystem(ctx, l.op, dup.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		for _, x := range listSystems(t, db, l.op, samspil.SystemFilter{}) {
			if x.ID == dup.ID {
				t.Error("the duplicate is still listed")
			}
		}

		// Usages: Silkeborg keeps the survivor's, Viborg's moved, Aarhus's untouched.
		us, err := db.ListUsages(ctx, l.op, samspil.UsageFilter{SystemID: survivor.ID})
		must(t, err)
		got := map[string]samspil.Usage{}
		for _, u := range us.Items {
			got[u.OrganizationID] = u
		}
		if len(us.Items) != 3 || got[l.silkeborg.ID].ID != sKeep.ID || got[l.silkeborg.ID].Notes != "den rigtige" ||
			got[l.viborg.ID].ID != vMoved.ID || got[l.viborg.ID].Lifecycle != samspil.LifecyclePilot || got[l.aarhus.ID].ID != aKeep.ID {
			t.Errorf("usages of the survivor: %+v", us.Items)
		}
		if got[l.viborg.ID].Version != 2 || got[l.viborg.ID].SystemName != "OS2forms" || got[l.viborg.ID].UpdatedAt.Before(mergedAt) {
			t.Errorf("the moved usage shows no change for syncing clients: %+v", got[l.viborg.ID])
		}
		_, err = db.FindUsage(ctx, l.op, sDouble.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		us, err = db.ListUsages(ctx, l.op, samspil.UsageFilter{SystemID: dup.ID})
		must(t, err)
		if len(us.Items) != 0 {
			t.Errorf("usages of the duplicate remain: %+v", us.Items)
		}

		// Contract references move too, without doubles.
		for _, c := range []struct {
			id   string
			want []string
		}{{cBoth.ID, []string{survivor.ID}}, {cDup.ID, []string{survivor.ID}}, {cOther.ID, []string{other.ID}}} {
			found, err := db.FindContract(ctx, l.op, c.id)
			must(t, err)
			if !slices.Equal(found.SystemIDs(), c.want) {
				t.Errorf("contract %s covers %v, want %v", found.Name, found.SystemIDs(), c.want)
			}
		}

		// The deletions feed tells syncing clients about the duplicate and
		// about the usage that was dropped as a double.
		dels := listDeletions(t, db, l.vEditor.Actor, samspil.DeletionFilter{})
		if !hasDeletion(dels, "system", dup.ID) {
			t.Errorf("the merged duplicate is not in the deletions feed: %+v", dels)
		}
		if !hasDeletion(dels, "usage", sDouble.ID) {
			t.Errorf("the usage dropped as a double is not in the deletions feed: %+v", dels)
		}
		if hasDeletion(dels, "usage", vMoved.ID) {
			t.Errorf("the moved usage is in the deletions feed: %+v", dels)
		}
	})
}

// listDeletions returns the whole deletions feed the actor sees.
func listDeletions(t testing.TB, db *sqldb.DB, actor *samspil.Actor, f samspil.DeletionFilter) []samspil.Deletion {
	t.Helper()
	var out []samspil.Deletion
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("paging does not end")
		}
		p, err := db.ListDeletions(ctx, actor, f)
		if err != nil {
			t.Fatalf("list deletions: %v", err)
		}
		out = append(out, p.Items...)
		if p.NextCursor == "" {
			return out
		}
		f.Cursor = p.NextCursor
	}
}

func hasDeletion(dels []samspil.Deletion, objectType, id string) bool {
	return slices.ContainsFunc(dels, func(d samspil.Deletion) bool { return d.ObjectType == objectType && d.ObjectID == id })
}
