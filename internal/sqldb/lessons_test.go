package sqldb_test

import (
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

func TestLessons(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		w := newInitiativeWorld(t, db)
		x := w.propose(t, samspil.VisibilityPrivate)
		today := samspil.Today(samspil.Now())
		day := func(n int) *samspil.Date { d := today.AddDays(-n); return &d }
		record := func(p testkit.Person, in samspil.LessonInput) (*samspil.Lesson, error) {
			return db.RecordLesson(ctx, p.Actor, in)
		}
		count := func() int {
			page, err := db.ListLessons(ctx, testkit.System, samspil.LessonFilter{})
			must(t, err)
			return len(page.Items)
		}

		// The owner records a lesson of its initiative: it takes the
		// collaboration and the phase, and its tags are normalised.
		own, err := record(w.sEditor, samspil.LessonInput{InitiativeID: x.ID, OrganizationID: testkit.Silkeborg, Title: "Organisatoriske forskelle",
			WhatDidNot: "Forvaltningerne var organiseret forskelligt", Tags: []string{" Organisation ", "kan-skal", "organisation", ""}, On: day(10)})
		must(t, err)
		if own.CollaborationID != w.collab.ID || own.Phase != samspil.PhaseIdea || own.InitiativeTitle != x.Title ||
			len(own.Tags) != 2 || own.Tags[0] != "kan-skal" || own.Tags[1] != "organisation" || own.OrganizationName != w.silkeborg.Name {
			t.Fatalf("recorded %+v", own)
		}
		// Viborg, invited only, has no lesson of the initiative yet; once it
		// takes part it has.
		w.participate(t, w.sEditor, x, testkit.Viborg, samspil.ParticipationInvited)
		in := samspil.LessonInput{InitiativeID: x.ID, OrganizationID: testkit.Viborg, Title: "Kan bærer ikke, hvad skal bør bære",
			WhatDidNot: "Frivillig deltagelse gav ingen fremdrift", Tags: []string{"kan-skal"}, On: day(5)}
		_, err = record(w.vEditor, in)
		wantField(t, err, samspil.EINVALID, "organization_id")
		_, err = db.SetParticipation(ctx, w.vAdmin.Actor, x.ID, samspil.ParticipationInput{OrganizationID: testkit.Viborg,
			State: samspil.ParticipationDeclined, Reason: "Ikke nu"})
		must(t, err) // declined is an answer: any state but invited may record a lesson
		kanSkal, err := record(w.vEditor, in)
		must(t, err)
		// A lesson of the collaboration as a whole, by a member.
		whole, err := record(w.vEditor, samspil.LessonInput{CollaborationID: w.collab.ID, OrganizationID: testkit.Viborg,
			Title: "Ledelserne skal være enige om ambitionsniveauet", WhatWorked: "Fælles direktionsmøder", Tags: []string{"ambition"}, On: day(1)})
		must(t, err)
		if whole.InitiativeID != "" || whole.Phase != "" || whole.CollaborationName != w.collab.Name {
			t.Fatalf("lesson of the collaboration %+v", whole)
		}

		// Each organisation records its own lessons only; an outsider none.
		_, err = record(w.vAdmin, samspil.LessonInput{InitiativeID: x.ID, OrganizationID: testkit.Silkeborg, Title: "X", WhatWorked: "X"})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		_, err = record(w.aAdmin, samspil.LessonInput{InitiativeID: x.ID, OrganizationID: testkit.Aarhus, Title: "X", WhatWorked: "X"})
		wantField(t, err, samspil.EINVALID, "initiative_id")
		_, err = record(w.aAdmin, samspil.LessonInput{CollaborationID: w.collab.ID, OrganizationID: testkit.Aarhus, Title: "X", WhatWorked: "X"})
		wantField(t, err, samspil.EINVALID, "collaboration_id")
		// A collaboration Silkeborg sees but never was a member of.
		net, err := db.CreateCollaboration(ctx, w.aAdmin.Actor, samspil.CollaborationInput{Name: "Østjysk netværk", Kind: samspil.KindNetwork,
			Start: samspil.NewDate(2020, 1, 1), Visibility: samspil.VisibilitySector, OrganizationID: testkit.Aarhus})
		must(t, err)
		_, err = record(w.sEditor, samspil.LessonInput{CollaborationID: net.ID, OrganizationID: testkit.Silkeborg, Title: "X", WhatWorked: "X"})
		wantField(t, err, samspil.EINVALID, "organization_id")
		// Bad input names its field and changes nothing.
		for field, in := range map[string]samspil.LessonInput{
			"title":            {InitiativeID: x.ID, OrganizationID: testkit.Silkeborg, Title: " ", WhatWorked: "X"},
			"initiative_id":    {OrganizationID: testkit.Silkeborg, Title: "X", WhatWorked: "X"},
			"what_worked":      {InitiativeID: x.ID, OrganizationID: testkit.Silkeborg, Title: "X"},
			"on":               {InitiativeID: x.ID, OrganizationID: testkit.Silkeborg, Title: "X", WhatWorked: "X", On: day(-1)},
			"collaboration_id": {InitiativeID: x.ID, CollaborationID: net.ID, OrganizationID: testkit.Silkeborg, Title: "X", WhatWorked: "X"},
		} {
			_, err := record(w.sEditor, in)
			wantField(t, err, samspil.EINVALID, field)
		}
		if n := count(); n != 3 {
			t.Fatalf("%d lessons after bad input, want 3", n)
		}

		// The log: newest first, searched by every word, one tag exactly.
		list := func(p testkit.Person, f samspil.LessonFilter) []string {
			t.Helper()
			page, err := db.ListLessons(ctx, p.Actor, f)
			must(t, err)
			var ids []string
			for _, l := range page.Items {
				ids = append(ids, l.ID)
			}
			return ids
		}
		want := func(got []string, want ...string) {
			t.Helper()
			if len(got) != len(want) {
				t.Fatalf("got %v, want %v", got, want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("got %v, want %v", got, want)
				}
			}
		}
		want(list(w.sEditor, samspil.LessonFilter{}), whole.ID, kanSkal.ID, own.ID)
		want(list(w.aAdmin, samspil.LessonFilter{}))
		want(list(w.sEditor, samspil.LessonFilter{Query: "FORVALTNINGERNE organisation"}), own.ID)
		want(list(w.sEditor, samspil.LessonFilter{Query: "forvaltningerne ambition"}))
		want(list(w.sEditor, samspil.LessonFilter{Query: "direktionsmøder"}), whole.ID)
		want(list(w.sEditor, samspil.LessonFilter{Tag: "Kan-Skal"}), kanSkal.ID, own.ID)
		want(list(w.sEditor, samspil.LessonFilter{Tag: "kan"}))
		want(list(w.sEditor, samspil.LessonFilter{InitiativeID: x.ID}), kanSkal.ID, own.ID)
		want(list(w.sEditor, samspil.LessonFilter{CollaborationID: w.collab.ID, Query: "ambitionsniveauet"}), whole.ID)
		var paged []string
		f := samspil.LessonFilter{ListOptions: samspil.ListOptions{Limit: 1}}
		for range 4 {
			page, err := db.ListLessons(ctx, w.vEditor.Actor, f)
			must(t, err)
			for _, l := range page.Items {
				paged = append(paged, l.ID)
			}
			if page.NextCursor == "" {
				break
			}
			f.Cursor = page.NextCursor
		}
		want(paged, whole.ID, kanSkal.ID, own.ID)
		_, err = db.ListLessons(ctx, w.vEditor.Actor, samspil.LessonFilter{ListOptions: samspil.ListOptions{Cursor: "nonsense"}})
		wantField(t, err, samspil.EINVALID, "cursor")

		// A lesson of a sector initiative is seen by every organisation; a
		// former member still records lessons of its collaboration.
		open, err := db.ProposeInitiative(ctx, w.sAdmin.Actor, samspil.InitiativeInput{Title: "Fælles udbud", Model: samspil.ModelProcurement})
		must(t, err)
		procurement, err := record(w.sAdmin, samspil.LessonInput{InitiativeID: open.ID, OrganizationID: testkit.Silkeborg,
			Title: "Fælles udbud på tværs af juridiske enheder er svært", WhatDidNot: "Hver kommune er sin egen ordregiver", Tags: []string{"udbud"}})
		must(t, err)
		if procurement.CollaborationID != "" || procurement.On != today {
			t.Fatalf("lesson of an open initiative %+v", procurement)
		}
		want(list(w.aAdmin, samspil.LessonFilter{}), procurement.ID)
		_, err = db.Leave(ctx, w.vAdmin.Actor, w.collab.ID, samspil.LeaveInput{OrganizationID: testkit.Viborg, Until: today, Reason: "Ny strategi"})
		must(t, err)
		_, err = record(w.vEditor, samspil.LessonInput{CollaborationID: w.collab.ID, OrganizationID: testkit.Viborg, Title: "Efter samarbejdet",
			WhatWorked: "Vi kender hinanden"})
		must(t, err)
		if got := auditedActions(t, db, own.ID); len(got) != 1 || got[0] != "lesson.record" {
			t.Fatalf("audit of the lesson %v", got)
		}
	})
}
