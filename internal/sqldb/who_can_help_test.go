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

// Municipality codes of the who-can-help world beyond the testkit's three.
const (
	codeOdense  = "0461"
	codeAalborg = "0851"
	codeHerning = "0657"
)

func TestUsageShareExperience(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		l := newLand(t, db)
		s := l.system(t, l.vEditor.Actor, samspil.SystemInput{Name: "Omsorgssystem", Visibility: samspil.VisibilitySector})

		// The flag and the contact are written, read and audited.
		mark := auditMark(t, db)
		u, err := db.CreateUsage(ctx, l.sEditor.Actor, samspil.UsageInput{SystemID: s.ID, Lifecycle: samspil.LifecycleOperational,
			ShareExperience: true, ExperienceContactName: " Mette Lund ", ExperienceContactEmail: " mette@silkeborg.dk "})
		must(t, err)
		if !u.ShareExperience || u.ExperienceContactName != "Mette Lund" || u.ExperienceContactEmail != "mette@silkeborg.dk" {
			t.Fatalf("created %+v", u)
		}
		after := jsonObject(t, wantAudit(t, db, mark, "usage.create")[0].After)
		if after["share_experience"] != true || after["experience_contact_name"] != "Mette Lund" || after["experience_contact_email"] != "mette@silkeborg.dk" {
			t.Errorf("audited %v", after)
		}
		found, err := db.FindUsage(ctx, l.vEditor.Actor, u.ID)
		must(t, err)
		if !found.ShareExperience || found.ExperienceContactName != "Mette Lund" || found.ExperienceContactEmail != "mette@silkeborg.dk" {
			t.Fatalf("Viborg finds %+v", found)
		}

		// Bad input names its field and changes nothing.
		for _, c := range []struct {
			name  string
			p     samspil.UsagePatch
			field string
		}{
			{"bad e-mail", samspil.UsagePatch{ExperienceContactEmail: ptr("mette at silkeborg")}, "experience_contact_email"},
			{"no contact", samspil.UsagePatch{ExperienceContactName: ptr(" "), ExperienceContactEmail: ptr("")}, "experience_contact_name"},
			{"long name", samspil.UsagePatch{ExperienceContactName: ptr(strings.Repeat("å", 201))}, "experience_contact_name"},
		} {
			t.Run(c.name, func(t *testing.T) {
				m := auditMark(t, db)
				_, err := db.UpdateUsage(ctx, l.sEditor.Actor, u.ID, u.Version, c.p)
				wantField(t, err, samspil.EINVALID, c.field)
				if got := auditSince(t, db, m); len(got) != 0 {
					t.Errorf("refused update audited %v", actions(got))
				}
				again, err := db.FindUsage(ctx, l.sEditor.Actor, u.ID)
				must(t, err)
				if again.Version != u.Version || again.ExperienceContactName != "Mette Lund" || again.ExperienceContactEmail != "mette@silkeborg.dk" {
					t.Errorf("after refused update %+v", again)
				}
			})
		}
		_, err = db.CreateUsage(ctx, l.aEditor.Actor, samspil.UsageInput{SystemID: s.ID, Lifecycle: samspil.LifecycleOperational, ShareExperience: true})
		wantField(t, err, samspil.EINVALID, "experience_contact_name")
		_, err = db.CreateUsage(ctx, l.aEditor.Actor, samspil.UsageInput{SystemID: s.ID, Lifecycle: samspil.LifecycleOperational,
			ExperienceContactEmail: "ikke en adresse"})
		wantField(t, err, samspil.EINVALID, "experience_contact_email")
		if who, err := db.WhoUses(ctx, l.op, s.ID); err != nil || len(who) != 1 {
			t.Fatalf("usages after refused creates: %v, %v", who, err)
		}

		// An e-mail alone is a contact; turning the flag off keeps the
		// contact, and the audit shows both sides.
		mark = auditMark(t, db)
		u, err = db.UpdateUsage(ctx, l.sEditor.Actor, u.ID, u.Version, samspil.UsagePatch{ExperienceContactName: ptr(""),
			ExperienceContactEmail: ptr("it@silkeborg.dk")})
		must(t, err)
		u, err = db.UpdateUsage(ctx, l.sEditor.Actor, u.ID, u.Version, samspil.UsagePatch{ShareExperience: ptr(false)})
		must(t, err)
		if u.ShareExperience || u.ExperienceContactName != "" || u.ExperienceContactEmail != "it@silkeborg.dk" || u.Version != 3 {
			t.Fatalf("updated %+v", u)
		}
		evs := wantAudit(t, db, mark, "usage.update", "usage.update")
		before, after := jsonObject(t, evs[1].Before), jsonObject(t, evs[1].After)
		if before["share_experience"] != true || after["share_experience"] != false || after["experience_contact_email"] != "it@silkeborg.dk" {
			t.Errorf("audited %v → %v", before, after)
		}
	})
}

// helpWorld is the world of the who-can-help tests: the Silkeborg–Viborg
// partnership, Aarhus, Odense, Aalborg and Herning; the system ESDH (KLE
// 27.34.00) in use at most of them, Omsorg (no tasks) that Aalborg uses for
// 27.34.00 all the same, and Tilsyn (27.34.40) at Herning.
type helpWorld struct {
	*initiativeWorld
	aEditor, oEditor, alEditor, hEditor testkit.Person
	esdh, omsorg, tilsyn                *samspil.System
	usages                              map[string]*samspil.Usage // by organisation code and system name
	lessons                             map[string]*samspil.Lesson
}

func newHelpWorld(t *testing.T, db *sqldb.DB) *helpWorld {
	t.Helper()
	w := &helpWorld{initiativeWorld: newInitiativeWorld(t, db), usages: map[string]*samspil.Usage{}, lessons: map[string]*samspil.Lesson{}}
	w.aEditor = testkit.NewPerson(t, db, "editor@aarhus.example", testkit.Aarhus, samspil.RoleEditor)
	w.oEditor = testkit.NewPerson(t, db, "editor@odense.example", codeOdense, samspil.RoleEditor)
	w.alEditor = testkit.NewPerson(t, db, "editor@aalborg.example", codeAalborg, samspil.RoleEditor)
	w.hEditor = testkit.NewPerson(t, db, "editor@herning.example", codeHerning, samspil.RoleEditor)
	system := func(name string, tasks ...string) *samspil.System {
		s, err := db.CreateSystem(ctx, w.sEditor.Actor, samspil.SystemInput{Name: name, Category: samspil.CategoryOther, Tasks: tasks,
			Visibility: samspil.VisibilitySector})
		must(t, err)
		return s
	}
	w.esdh, w.omsorg, w.tilsyn = system("ESDH", kleAeldrepleje), system("Omsorg"), system("Tilsyn", kleAeldretilsyn)
	use := func(p testkit.Person, code string, s *samspil.System, in samspil.UsageInput) {
		in.SystemID = s.ID
		u, err := db.CreateUsage(ctx, p.Actor, in)
		must(t, err)
		w.usages[code+" "+s.Name] = u
	}
	date := func(y, m, d int) *samspil.Date { x := samspil.NewDate(y, time.Month(m), d); return &x }
	op := samspil.LifecycleOperational
	use(w.sEditor, testkit.Silkeborg, w.esdh, samspil.UsageInput{Lifecycle: op, From: date(2012, 3, 1), Visibility: samspil.VisibilitySector,
		ShareExperience: true, ExperienceContactName: "Mette Lund", ExperienceContactEmail: "mette@silkeborg.dk"})
	// Viborg shares with its partners only, and does not use ESDH for
	// 27.34.00.
	use(w.vEditor, testkit.Viborg, w.esdh, samspil.UsageInput{Lifecycle: op, From: date(2015, 6, 1), Visibility: samspil.VisibilityPartners,
		ShareExperience: true, ExperienceContactName: "Jens Holm", TaskChanges: []samspil.TaskChange{{Code: kleAeldrepleje, OptOut: true}}})
	use(w.aEditor, testkit.Aarhus, w.esdh, samspil.UsageInput{Lifecycle: samspil.LifecyclePhasingOut, From: date(2010, 1, 1),
		Visibility: samspil.VisibilityPrivate, ShareExperience: true, ExperienceContactEmail: "it@aarhus.dk"})
	use(w.oEditor, codeOdense, w.esdh, samspil.UsageInput{Lifecycle: samspil.LifecyclePlanned, ShareExperience: true, ExperienceContactName: "Odense IT"})
	use(w.alEditor, codeAalborg, w.esdh, samspil.UsageInput{Lifecycle: samspil.LifecyclePilot, Visibility: samspil.VisibilityPublic})
	use(w.alEditor, codeAalborg, w.omsorg, samspil.UsageInput{Lifecycle: op, From: date(2008, 1, 1), TaskChanges: []samspil.TaskChange{{Code: kleAeldrepleje}}})
	use(w.hEditor, codeHerning, w.esdh, samspil.UsageInput{Lifecycle: samspil.LifecycleRetired, From: date(2005, 1, 1)})
	use(w.hEditor, codeHerning, w.tilsyn, samspil.UsageInput{Lifecycle: op, From: date(2019, 1, 1)})

	// Lessons: of a sector initiative on ESDH and 27.34.00, of a private
	// initiative of the partnership on ESDH and 27.34.40, and of the
	// partnership as a whole.
	today := samspil.Today(samspil.Now())
	day := func(n int) *samspil.Date { d := today.AddDays(-n); return &d }
	open, err := db.ProposeInitiative(ctx, w.sEditor.Actor, samspil.InitiativeInput{Title: "Fælles ESDH-opgradering", Model: samspil.ModelImplementation,
		SystemIDs: []string{w.esdh.ID}, Tasks: []string{kleAeldrepleje}})
	must(t, err)
	closed, err := db.ProposeInitiative(ctx, w.sEditor.Actor, samspil.InitiativeInput{Title: "Tilsyn i partnerskabet", Model: samspil.ModelImplementation,
		CollaborationID: w.collab.ID, Visibility: samspil.VisibilityPrivate, SystemIDs: []string{w.esdh.ID}, Tasks: []string{kleAeldretilsyn}})
	must(t, err)
	record := func(key string, p testkit.Person, in samspil.LessonInput) {
		l, err := db.RecordLesson(ctx, p.Actor, in)
		must(t, err)
		w.lessons[key] = l
	}
	record("open old", w.sEditor, samspil.LessonInput{InitiativeID: open.ID, OrganizationID: testkit.Silkeborg, Title: "Test før opgradering",
		WhatWorked: "En testplan", On: day(30)})
	record("open new", w.sEditor, samspil.LessonInput{InitiativeID: open.ID, OrganizationID: testkit.Silkeborg, Title: "Uddan superbrugere",
		WhatWorked: "Superbrugere i hver afdeling", On: day(3)})
	record("closed", w.sEditor, samspil.LessonInput{InitiativeID: closed.ID, OrganizationID: testkit.Silkeborg, Title: "Fælles tilsynsmodel",
		WhatDidNot: "Forskellige organiseringer", On: day(10)})
	record("whole", w.vEditor, samspil.LessonInput{CollaborationID: w.collab.ID, OrganizationID: testkit.Viborg, Title: "Ambitionsniveau",
		WhatWorked: "Fælles møder", On: day(1)})
	return w
}

// names returns the keys ("code system") of the usages of each list and
// the keys of the lessons.
func (w *helpWorld) names(t *testing.T, got *samspil.WhoCanHelp) (longest, sharing, lessons []string) {
	t.Helper()
	key := func(usageID string) string {
		for k, u := range w.usages {
			if u.ID == usageID {
				return k
			}
		}
		t.Fatalf("unknown usage %s", usageID)
		return ""
	}
	for _, e := range got.Longest {
		longest = append(longest, key(e.UsageID))
	}
	for _, e := range got.Sharing {
		sharing = append(sharing, key(e.UsageID))
	}
	for _, l := range got.Lessons {
		for k, x := range w.lessons {
			if x.ID == l.ID {
				lessons = append(lessons, k)
			}
		}
	}
	return
}

func TestWhoCanHelp(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		w := newHelpWorld(t, db)
		today := samspil.NewDate(2026, 3, 1)
		ask := func(p *samspil.Actor, q samspil.WhoCanHelpQuery) *samspil.WhoCanHelp {
			t.Helper()
			q.Today = today
			got, err := db.WhoCanHelp(ctx, p, q)
			must(t, err)
			return got
		}
		want := func(what string, got []string, want ...string) {
			t.Helper()
			if !slices.Equal(got, want) {
				t.Errorf("%s: got %q, want %q", what, got, want)
			}
		}
		sys := samspil.WhoCanHelpQuery{SystemID: w.esdh.ID}
		S, V, A, O, AL, H := testkit.Silkeborg+" ", testkit.Viborg+" ", testkit.Aarhus+" ", codeOdense+" ", codeAalborg+" ", codeHerning+" "

		// Silkeborg, Viborg's partner, sees Viborg's partners usage and the
		// lessons of the partnership's private initiative; Aarhus's private
		// usage, Odense's planned and Herning's retired one are not in use
		// or not visible; the usage without a start date comes last.
		got := ask(w.sEditor.Actor, sys)
		if got.SystemID != w.esdh.ID || got.SystemName != "ESDH" || got.Task != "" || got.Today != today {
			t.Errorf("answer about %+v", got)
		}
		longest, sharing, lessons := w.names(t, got)
		want("Silkeborg: longest", longest, S+"ESDH", V+"ESDH", AL+"ESDH")
		want("Silkeborg: sharing", sharing, S+"ESDH", V+"ESDH", O+"ESDH")
		want("Silkeborg: lessons", lessons, "open new", "closed", "open old")
		first := got.Longest[0]
		if first.OrganizationID != w.silkeborg.ID || first.OrganizationName != w.silkeborg.Name || first.SystemName != "ESDH" ||
			first.Lifecycle != samspil.LifecycleOperational || first.Since == nil || first.Since.String() != "2012-03-01" ||
			first.Years == nil || *first.Years != 14 {
			t.Errorf("longest in operation %+v", first)
		}
		if y := got.Longest[1].Years; y == nil || *y != 10 {
			t.Errorf("Viborg's years %v, want 10 (2015-06-01 to 2026-03-01)", y)
		}
		if last := got.Longest[2]; last.Since != nil || last.Years != nil || last.Lifecycle != samspil.LifecyclePilot {
			t.Errorf("usage without a start %+v", last)
		}
		if c := got.Sharing[0]; c.ContactName != "Mette Lund" || c.ContactEmail != "mette@silkeborg.dk" || c.OrganizationName != w.silkeborg.Name {
			t.Errorf("contact %+v", c)
		}
		if c := got.Sharing[1]; c.ContactName != "Jens Holm" || c.ContactEmail != "" {
			t.Errorf("Viborg's contact %+v", c)
		}
		if l := got.Lessons[0]; l.Title != "Uddan superbrugere" || l.InitiativeTitle != "Fælles ESDH-opgradering" || l.OrganizationName != w.silkeborg.Name {
			t.Errorf("lesson %+v", l)
		}

		// Aarhus sees its own private usage, but not Viborg's partners
		// usage nor the partnership's private initiative.
		longest, sharing, lessons = w.names(t, ask(w.aEditor.Actor, sys))
		want("Aarhus: longest", longest, A+"ESDH", S+"ESDH", AL+"ESDH")
		want("Aarhus: sharing", sharing, A+"ESDH", S+"ESDH", O+"ESDH")
		want("Aarhus: lessons", lessons, "open new", "open old")
		// The operator sees everything.
		longest, sharing, _ = w.names(t, ask(w.opActor(t), sys))
		want("operator: longest", longest, A+"ESDH", S+"ESDH", V+"ESDH", AL+"ESDH")
		want("operator: sharing", sharing, A+"ESDH", S+"ESDH", V+"ESDH", O+"ESDH")

		// A task: ESDH covers 27.34.00 except where a usage opts out
		// (Viborg); Aalborg adds it to Omsorg. A group covers the codes
		// under it (Herning's Tilsyn, 27.34.40).
		got = ask(w.sEditor.Actor, samspil.WhoCanHelpQuery{Task: kleAeldrepleje})
		if got.Task != kleAeldrepleje || got.TaskTitle == "" || got.SystemID != "" {
			t.Errorf("answer about %+v", got)
		}
		longest, sharing, lessons = w.names(t, got)
		want("27.34.00: longest", longest, AL+"Omsorg", S+"ESDH", AL+"ESDH")
		want("27.34.00: sharing", sharing, S+"ESDH", O+"ESDH")
		want("27.34.00: lessons", lessons, "open new", "open old")
		longest, _, lessons = w.names(t, ask(w.sEditor.Actor, samspil.WhoCanHelpQuery{Task: "27.34"}))
		want("27.34: longest", longest, AL+"Omsorg", S+"ESDH", H+"Tilsyn", AL+"ESDH")
		want("27.34: lessons", lessons, "open new", "closed", "open old")
		_, _, lessons = w.names(t, ask(w.aEditor.Actor, samspil.WhoCanHelpQuery{Task: kleAeldretilsyn}))
		want("27.34.40 for Aarhus: lessons", lessons)
		// Anonymous readers see public usages of public systems only.
		got = ask(samspil.Anonymous(), samspil.WhoCanHelpQuery{Task: "27"})
		if len(got.Longest)+len(got.Sharing)+len(got.Lessons) != 0 {
			t.Errorf("anonymous sees %+v", got)
		}

		// The limit bounds every list and keeps the first entries.
		longest, sharing, lessons = w.names(t, ask(w.sEditor.Actor, samspil.WhoCanHelpQuery{SystemID: w.esdh.ID, Limit: 1}))
		want("limit 1: longest", longest, S+"ESDH")
		want("limit 1: sharing", sharing, S+"ESDH")
		want("limit 1: lessons", lessons, "open new")
		// Today defaults to today.
		got, err := db.WhoCanHelp(ctx, w.sEditor.Actor, sys)
		must(t, err)
		if got.Today != samspil.Today(samspil.Now()) || len(got.Longest) != 3 {
			t.Errorf("default today %v, %d entries", got.Today, len(got.Longest))
		}
	})
}

// opActor is a platform operator, member of no organisation.
func (w *helpWorld) opActor(t *testing.T) *samspil.Actor {
	t.Helper()
	u, err := w.db.CreateUser(ctx, testkit.System, samspil.UserInput{Email: "drift@samspil.example", DisplayName: "Drift", Operator: true})
	must(t, err)
	return testkit.Actor(t, w.db, u.ID)
}

func TestWhoCanHelpBadInput(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		w := newInitiativeWorld(t, db)
		aarhus := testkit.NewPerson(t, db, "editor@aarhus.example", testkit.Aarhus, samspil.RoleEditor)
		private, err := db.CreateSystem(ctx, w.vEditor.Actor, samspil.SystemInput{Name: "Viborgs eget", Category: samspil.CategoryOther,
			Visibility: samspil.VisibilityPrivate})
		must(t, err)
		for _, c := range []struct {
			name  string
			q     samspil.WhoCanHelpQuery
			field string
		}{
			{"both", samspil.WhoCanHelpQuery{SystemID: private.ID, Task: kleAeldrepleje}, "task"},
			{"both names the system too", samspil.WhoCanHelpQuery{SystemID: private.ID, Task: kleAeldrepleje}, "system_id"},
			{"neither", samspil.WhoCanHelpQuery{SystemID: " "}, "system_id"},
			{"malformed task", samspil.WhoCanHelpQuery{Task: "27.3"}, "task"},
			{"unknown task", samspil.WhoCanHelpQuery{Task: "99.99.99"}, "task"},
			{"limit too large", samspil.WhoCanHelpQuery{Task: kleAeldrepleje, Limit: samspil.WhoCanHelpMaxLimit + 1}, "limit"},
			{"negative limit", samspil.WhoCanHelpQuery{Task: kleAeldrepleje, Limit: -1}, "limit"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := db.WhoCanHelp(ctx, aarhus.Actor, c.q)
				wantField(t, err, samspil.EINVALID, c.field)
			})
		}
		// A missing system and one the actor may not see answer alike.
		for _, id := range []string{"no-such-system", private.ID} {
			_, err := db.WhoCanHelp(ctx, aarhus.Actor, samspil.WhoCanHelpQuery{SystemID: id})
			testkit.ErrCode(t, err, samspil.ENOTFOUND)
			wantMessage(t, err, "system not found")
		}
		got, err := db.WhoCanHelp(ctx, w.vEditor.Actor, samspil.WhoCanHelpQuery{SystemID: private.ID, Limit: samspil.WhoCanHelpMaxLimit})
		must(t, err)
		if got.SystemName != "Viborgs eget" || got.Longest == nil || got.Sharing == nil || got.Lessons == nil {
			t.Errorf("Viborg asks about its own system: %+v", got)
		}
	})
}

// TestWhoCanHelpUsesIndexes checks that every query of WhoCanHelp reaches
// the usages, task links and lessons through an index, for a system and
// for a task, as the engine plans it (on PostgreSQL with sequential scans
// off, so that a scan means no index serves the query).
func TestWhoCanHelpUsesIndexes(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		w := newHelpWorld(t, db)
		var traced []struct {
			query string
			args  []any
		}
		db.TraceReads(func(query string, args []any) {
			traced = append(traced, struct {
				query string
				args  []any
			}{query, slices.Clone(args)})
		})
		for _, q := range []samspil.WhoCanHelpQuery{{SystemID: w.esdh.ID}, {Task: kleAeldrepleje}, {Task: "27.34"}} {
			_, err := db.WhoCanHelp(ctx, w.sEditor.Actor, q)
			must(t, err)
		}
		db.TraceReads(nil)
		if len(traced) < 9 {
			t.Fatalf("traced %d queries", len(traced))
		}
		guarded := []string{"usages", "usage_tasks", "system_tasks", "lessons", "initiative_systems", "initiative_tasks", "systems"}
		for _, q := range traced {
			scans, err := db.FullScans(ctx, q.query, q.args)
			must(t, err)
			for _, table := range scans {
				if slices.Contains(guarded, table) {
					t.Errorf("reads all of %s in %s", table, q.query)
				}
			}
		}
	})
}
