package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// TestWhoCanHelpPage asks who can help with a system and with a KLE task:
// the three lists show what the reader may see (an organisation's private
// usage and its contact are left out for others, shown to itself), with
// links, "i drift siden", years and a mailto for those happy to share; a
// bad question shows its error at the field, and a hidden system is not
// found.
func TestWhoCanHelpPage(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		f := newLandscape(t, app)
		const task = "27.34.00"
		acadre := f.system(t, f.ed, samspil.SystemInput{Name: "Acadre Test", VendorID: f.vendor.ID, Category: samspil.CategoryCaseManagement,
			Visibility: samspil.VisibilityPublic, Tasks: []string{task}})
		f.usage(t, f.ed, samspil.UsageInput{SystemID: acadre.ID, From: date(2015, 1, 1), Visibility: samspil.VisibilitySector,
			ShareExperience: true, ExperienceContactName: "Hanne Hansen", ExperienceContactEmail: "hanne@silkeborg.example"})
		f.usage(t, f.vEd, samspil.UsageInput{SystemID: acadre.ID, From: date(2021, 6, 1), Visibility: samspil.VisibilitySector})
		f.usage(t, f.aEd, samspil.UsageInput{SystemID: acadre.ID, From: date(2010, 1, 1), Visibility: samspil.VisibilityPrivate,
			ShareExperience: true, ExperienceContactName: "Hemmelig Kontakt", ExperienceContactEmail: "skjult@aarhus.example"})
		ini, err := app.DB.ProposeInitiative(ctx, f.ed.Actor, samspil.InitiativeInput{Title: "Fælles Acadre-opgradering", Model: samspil.ModelImplementation,
			SystemIDs: []string{acadre.ID}, Tasks: []string{task}, Visibility: samspil.VisibilitySector})
		if err != nil {
			t.Fatal(err)
		}
		lesson, err := app.DB.RecordLesson(ctx, f.ed.Actor, samspil.LessonInput{InitiativeID: ini.ID, OrganizationID: testkit.Silkeborg,
			Title: "Uddan superbrugere først", WhatWorked: "Superbrugere i hver afdeling"})
		if err != nil {
			t.Fatal(err)
		}

		viborg, _ := signIn(t, app, lsViborgEmail)
		page := viborg.Do("GET", "/who-can-help?system_id="+acadre.ID, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		sq := body(squashed(page))
		mustContain(t, page, "<h1>Hvem kan hjælpe med Acadre Test?</h1>",
			`<a href="/organizations/`+f.silkeborg.ID+`">Silkeborg Kommune</a>`,
			`<a href="/organizations/`+f.viborg.ID+`">Viborg Kommune</a>`,
			`<time datetime="2015-01-01">01.01.2015</time>`,
			"Hanne Hansen", `<a href="mailto:hanne@silkeborg.example">hanne@silkeborg.example</a>`,
			`<a href="/initiatives/`+ini.ID+`#lesson-`+lesson.ID+`">Uddan superbrugere først</a>`,
			`<a href="/initiatives/`+ini.ID+`">Fælles Acadre-opgradering</a>`,
			`<a href="/who-can-help?task=`+task+`">`)
		// Silkeborg, in operation longest of what Viborg sees, comes first.
		if i, j := strings.Index(sq, "Silkeborg Kommune"), strings.Index(sq, "Viborg Kommune"); i < 0 || j < 0 || i > j {
			t.Errorf("Silkeborg (since 2015) is not listed before Viborg (since 2021)")
		}
		years := samspil.YearsInOperation(date(2015, 1, 1), samspil.Today(samspil.Now()))
		mustContain(t, page, ">"+strconv.Itoa(*years)+" år<")
		// Aarhus' private usage and its contact are not shown to Viborg.
		mustNotContain(t, page, "Aarhus Kommune", "Hemmelig Kontakt", "skjult@aarhus.example")
		// The system is picked in the form.
		mustContain(t, page, `<option value="`+acadre.ID+`" selected>Acadre Test (Netcompany)</option>`)

		// Aarhus sees its own private usage, longest in operation first.
		aarhus, _ := signIn(t, app, lsAarhusEmail)
		page = aarhus.Do("GET", "/who-can-help?system_id="+acadre.ID, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Aarhus Kommune", "Hemmelig Kontakt", "mailto:skjult@aarhus.example")
		if sq := body(squashed(page)); strings.Index(sq, "Aarhus Kommune") > strings.Index(sq, "Silkeborg Kommune") {
			t.Errorf("Aarhus (since 2010) is not listed first for itself")
		}

		// By KLE task: the systems covering it, with the system named.
		page = viborg.Do("GET", "/who-can-help?task="+task, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "<h1>Hvem kan hjælpe med KLE-emne "+task+"?</h1>", `<a href="/systems/`+acadre.ID+`">Acadre Test</a>`,
			"Silkeborg Kommune", "Uddan superbrugere først", `value="`+task+`"`)
		mustNotContain(t, page, "Hemmelig Kontakt")

		// Without a question: the forms only.
		page = viborg.Do("GET", "/who-can-help", nil).Want(t, http.StatusOK)
		mustContain(t, page, "<h1>Hvem kan hjælpe?</h1>", `id="f-system_id"`, `id="f-task"`)
		mustNotContain(t, page, "Længst i drift")

		// Bad questions: the error at the field, in Danish.
		page = viborg.Do("GET", "/who-can-help?task=ældre", nil).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, page, `<span class="form-error-message" id="e-task">`, "er ikke et KLE-nummer som 27.24.00", `aria-invalid="true"`)
		page = viborg.Do("GET", "/who-can-help?task=99.99.99", nil).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, page, `id="e-task"`, "99.99.99 findes ikke i KLE")
		page = viborg.Do("GET", "/who-can-help?"+url.Values{"system_id": {acadre.ID}, "task": {task}}.Encode(), nil).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, page, `id="e-system_id"`, `id="e-task"`)

		// A system hidden from the reader is not found; signing in is needed.
		secret := f.system(t, f.aEd, samspil.SystemInput{Name: "Hemmeligt System", Visibility: samspil.VisibilityPrivate})
		page = viborg.Do("GET", "/who-can-help?system_id="+secret.ID, nil).Want(t, http.StatusNotFound)
		mustNotContain(t, page, "Hemmeligt System")
		res := newBrowser(t, app).Do("GET", "/who-can-help?system_id="+acadre.ID, nil)
		wantRedirect(t, res, "/login")

		// The system page links to the question, for signed-in readers.
		mustContain(t, viborg.Do("GET", "/systems/"+acadre.ID, nil).Want(t, http.StatusOK),
			`<a href="/who-can-help?system_id=`+acadre.ID+`">Hvem kan hjælpe med dette system?</a>`)
		mustNotContain(t, newBrowser(t, app).Do("GET", "/systems/"+acadre.ID, nil).Want(t, http.StatusOK), "/who-can-help")
	})
}
