package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// TestDataProcessingPages: an editor registers a data processing through
// the form (refused input is shown at its fields, nothing written), sees
// it on its page, on the landscape (and at the usage it covers) and on the
// contract page; edits and deletes it. Another organisation does not see
// the private registration.
func TestDataProcessingPages(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		f := newLandscape(t, app)
		nexus := f.system(t, f.ed, samspil.SystemInput{Name: "Nexus Sundhed", Visibility: samspil.VisibilityPublic})
		u := f.usage(t, f.ed, samspil.UsageInput{SystemID: nexus.ID})
		c := f.contract(t, f.ed, samspil.ContractInput{Name: "Nexus drift", ContractTerms: samspil.ContractTerms{Start: samspil.NewDate(2024, 1, 1)}})
		newPath := "/organizations/" + f.silkeborg.ID + "/data-processing/new"
		action := "/organizations/" + f.silkeborg.ID + "/data-processing"

		ed, _ := signIn(t, app, lsEditorEmail)
		page := ed.Do("GET", newPath+"?usage="+u.ID, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, `<label class="form-label" for="u-`+u.ID+`">Nexus Sundhed</label>`, `<label class="form-label" for="c-`+c.ID+`">Nexus drift</label>`,
			"Halvårligt", "Hvert andet år", "Leverandøren er selvstændig dataansvarlig", "Følsomme personoplysninger (art. 9)", "Underdatabehandlere")
		form := formFields(t, page, action)
		if form.Get("visibility") != "private" || form.Get("usage_ids") != u.ID {
			t.Fatalf("the form's defaults: %v", form)
		}
		form = with(form, "name", "Nexus borgerdata", "data_responsible", "supplier_processor", "agreement_concluded", "yes",
			"agreement_date", "2025-02-01", "processor_org", f.vendor.ID, "processor_country", "dk", "transfer_basis", "eu_eea",
			"third_countries", "", "personal_data", "sensitive", "oversight.interval", "yearly", "oversight.last_date", "2026-03-31",
			"oversight.result", "Ingen bemærkninger", "oversight.document_url", "https://example.dk/tilsyn.pdf", "contract_ids", c.ID)

		res := ed.Do("POST", action, with(form, "name", "", "third_countries", "US, XX", "oversight.planned_date", "2026-01-01",
			"processor_country", "ZZ")).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "skal udfyldes")
		fieldError(t, res, `"XX" er ikke en ISO 3166-1-landekode som US`)
		fieldError(t, res, `"ZZ" er ikke en ISO 3166-1-landekode som US`)
		fieldError(t, res, "skal være efter seneste tilsyn (31. marts 2026)")
		mustContain(t, res, `value="US, XX"`, `value="https://example.dk/tilsyn.pdf"`)
		if all, err := app.DB.AllDataProcessing(ctx, testkit.System, samspil.DataProcessingFilter{}); err != nil || len(all) != 0 {
			t.Fatalf("refused posts wrote %d registrations (%v)", len(all), err)
		}

		res = ed.Do("POST", action, form).Want(t, http.StatusSeeOther)
		loc := location(t, res)
		all, err := app.DB.AllDataProcessing(ctx, testkit.System, samspil.DataProcessingFilter{})
		if err != nil || len(all) != 1 {
			t.Fatalf("%d registrations (%v)", len(all), err)
		}
		reg := all[0]
		if loc.Path != "/data-processing/"+reg.ID || loc.Query().Get("done") != "dpr_created" {
			t.Fatalf("redirect to %s", loc)
		}
		if reg.Visibility != samspil.VisibilityPrivate || len(reg.Usages) != 1 || len(reg.Contracts) != 1 || len(reg.Processors) != 1 ||
			reg.Processors[0].Country != "DK" || reg.NextOversight == nil || reg.NextOversight.String() != "2027-03-31" {
			t.Fatalf("stored %+v", reg)
		}
		page = ed.Do("GET", loc.String(), nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "Databehandlingen er registreret.", "<h1>Nexus borgerdata</h1>", "Næste tilsyn: 31.03.2027",
			"Næste tilsyn er beregnet ud fra seneste tilsyn og tilsynsintervallet (Årligt).", "Leverandøren er databehandler",
			"Følsomme personoplysninger (art. 9)", `<a href="/contracts/`+c.ID+`">Nexus drift</a>`, "Netcompany", "EU og EØS",
			`<a href="https://example.dk/tilsyn.pdf" rel="noopener">`)

		// The landscape lists it, and the usage row and the contract page link to it.
		link := `<a href="/data-processing/` + reg.ID + `">Nexus borgerdata</a>`
		land := ed.Do("GET", "/organizations/"+f.silkeborg.ID+"/landscape", nil).Want(t, http.StatusOK)
		if n := strings.Count(body(land), link); n != 2 {
			t.Errorf("the landscape links %d times to the registration, want twice (the list and the usage)", n)
		}
		mustContain(t, ed.Do("GET", "/contracts/"+c.ID, nil).Want(t, http.StatusOK), link)

		// Private: Viborg's editor does not find it.
		ved, _ := signIn(t, app, lsViborgEmail)
		ved.Do("GET", "/data-processing/"+reg.ID, nil).Want(t, http.StatusNotFound)
		if strings.Contains(body(ved.Do("GET", "/organizations/"+f.silkeborg.ID+"/landscape", nil)), "Nexus borgerdata") {
			t.Errorf("Viborg sees the private registration on Silkeborg's landscape")
		}

		// Edit: the form holds the stored values; a planned oversight wins.
		edit := ed.Do("GET", "/data-processing/"+reg.ID+"?edit=true", nil).Want(t, http.StatusOK)
		eform := formFields(t, edit, "/data-processing/"+reg.ID)
		if eform.Get("name") != "Nexus borgerdata" || eform.Get("oversight.last_date") != "2026-03-31" || eform.Get("version") != "1" ||
			eform.Get("processor_org") != f.vendor.ID {
			t.Fatalf("edit form %v", eform)
		}
		ed.Do("POST", "/data-processing/"+reg.ID, with(eform, "oversight.planned_date", "2026-11-15", "visibility", "sector")).Want(t, http.StatusSeeOther)
		stored, err := app.DB.FindDataProcessing(ctx, testkit.System, reg.ID)
		if err != nil || stored.Version != 2 || stored.NextOversight.String() != "2026-11-15" || stored.Visibility != samspil.VisibilitySector ||
			stored.AgreementDate == nil || len(stored.Processors) != 1 {
			t.Fatalf("after the edit: %+v %v", stored, err)
		}
		// A stale form is refused and shown again.
		ed.Do("POST", "/data-processing/"+reg.ID, with(eform, "name", "Gammel")).Want(t, http.StatusPreconditionFailed)
		ved.Do("GET", "/data-processing/"+reg.ID, nil).Want(t, http.StatusOK)
		ved.Do("POST", "/data-processing/"+reg.ID+"/delete", map[string][]string{"version": {"2"}}).Want(t, http.StatusForbidden)

		res = ed.Do("POST", "/data-processing/"+reg.ID+"/delete", map[string][]string{"version": {"2"}}).Want(t, http.StatusSeeOther)
		if l := location(t, res); l.Path != "/organizations/"+f.silkeborg.ID+"/landscape" {
			t.Errorf("after deleting: %s", l)
		}
		ed.Do("GET", "/data-processing/"+reg.ID, nil).Want(t, http.StatusNotFound)
	})
}

// TestOversightDeadlines: the next oversights appear on the deadlines page
// (earliest first, overdue marked, filtered by urgency) and in the
// deadlines calendar feed with the feed's reminder.
func TestOversightDeadlines(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		ed := testkit.NewPerson(t, app.DB, "ed@silkeborg.example", testkit.Silkeborg, samspil.RoleEditor)
		ved := testkit.NewPerson(t, app.DB, "ed@viborg.example", testkit.Viborg, samspil.RoleEditor)
		org := testkit.Org(t, app.DB, testkit.Silkeborg)
		today := samspil.Today(time.Now())
		create := func(p testkit.Person, name string, o samspil.Oversight) *samspil.DataProcessingRegistration {
			t.Helper()
			r, err := app.DB.CreateDataProcessing(ctx, p.Actor, samspil.DataProcessingInput{Name: name, Oversight: o})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		last := today.AddMonths(-11)
		soon := create(ed, "Løn og personale", samspil.Oversight{Interval: samspil.OversightYearly, LastDate: &last}) // due in a month
		late := today.AddMonths(-7)
		overdue := create(ed, "Skoleintra", samspil.Oversight{Interval: samspil.OversightHalfYearly, LastDate: &late})
		planned := today.AddMonths(8)
		later := create(ed, "Hjemmepleje", samspil.Oversight{PlannedDate: &planned})
		create(ed, "Uden tilsyn", samspil.Oversight{Interval: samspil.OversightOther, LastDate: &last})
		create(ved, "Viborgs egen", samspil.Oversight{PlannedDate: &planned})

		b := app.Browser(t)
		b.Login("ed@silkeborg.example", testkit.Password).Want(t, http.StatusSeeOther)
		page := b.Do("GET", "/organizations/"+org.ID+"/deadlines", nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		text := body(page)
		i, j, k := strings.Index(text, ">Skoleintra<"), strings.Index(text, ">Løn og personale<"), strings.Index(text, ">Hjemmepleje<")
		if i < 0 || j < i || k < j {
			t.Fatalf("the oversights are not listed earliest first: %d %d %d", i, j, k)
		}
		if strings.Contains(text, "Uden tilsyn") || strings.Contains(text, "Viborgs egen") {
			t.Errorf("the deadlines list a registration without a next oversight, or another organisation's")
		}
		mustContain(t, page, "Tilsyn med databehandling", "Overskredet")
		now := body(b.Do("GET", "/organizations/"+org.ID+"/deadlines?urgency=soon", nil).Want(t, http.StatusOK))
		if !strings.Contains(now, ">Løn og personale<") || !strings.Contains(now, ">Skoleintra<") || strings.Contains(now, ">Hjemmepleje<") {
			t.Errorf("the soon filter keeps the oversights within three months and the overdue ones only")
		}

		// The start page shows the overdue and the coming ones within six months.
		home := b.Do("GET", "/", nil).Want(t, http.StatusOK)
		mustContain(t, home, `<h2 id="ov-oversights">Tilsyn med databehandling</h2>`, "2 tilsyn er overskredet eller falder inden for et halvt år.",
			`<a href="/data-processing/`+overdue.ID+`">Skoleintra</a>`, `<a href="/data-processing/`+soon.ID+`">Løn og personale</a>`)
		if strings.Contains(body(home), `<a href="/data-processing/`+later.ID+`">`) {
			t.Errorf("the start page shows an oversight eight months away")
		}

		res := b.Do("POST", "/organizations/"+org.ID+"/calendar-feeds", nil).Want(t, http.StatusCreated)
		m := regexp.MustCompile(`value="(http://[^"]+/calendar/[^"]+\.ics)"`).FindStringSubmatch(string(res.Body))
		if m == nil {
			t.Fatalf("no feed address on the page")
		}
		feed := app.Anonymous(t).Do("GET", strings.TrimPrefix(m[1], app.URL), nil).Want(t, http.StatusOK)
		cal, err := ics.ParseCalendar(strings.NewReader(string(feed.Body)))
		if err != nil {
			t.Fatalf("parse: %v\n%s", err, feed.Body)
		}
		byUID := map[string]*ics.VEvent{}
		for _, e := range cal.Events() {
			byUID[e.Id()] = e
		}
		if len(byUID) != 3 {
			t.Fatalf("%d events, want the three next oversights:\n%s", len(byUID), feed.Body)
		}
		for _, want := range []struct {
			reg  *samspil.DataProcessingRegistration
			text string
		}{
			{soon, "Næste tilsyn med Løn og personale skal ske senest " + samspil.LongDate(*soon.NextOversight, "da") + ": seneste tilsyn var " +
				samspil.LongDate(last, "da") + ", og tilsynsintervallet er Årligt."},
			{overdue, "Næste tilsyn med Skoleintra skal ske senest"},
			{later, "Tilsynet med Hjemmepleje er planlagt til " + samspil.LongDate(planned, "da") + "."},
		} {
			e := byUID["data-processing-"+want.reg.ID+"-oversight@samspil"]
			if e == nil {
				t.Fatalf("no event for %s", want.reg.Name)
			}
			start, err := e.GetAllDayStartAt()
			if err != nil || start.Format("2006-01-02") != want.reg.NextOversight.String() {
				t.Errorf("%s: event on %v (%v), want %s", want.reg.Name, start, err, want.reg.NextOversight)
			}
			if s := e.GetProperty(ics.ComponentPropertySummary).Value; s != "Tilsyn med databehandling: "+want.reg.Name {
				t.Errorf("summary %q", s)
			}
			if d := e.GetProperty(ics.ComponentPropertyDescription).Value; !strings.Contains(d, want.text) || !strings.Contains(d, "/data-processing/"+want.reg.ID) {
				t.Errorf("description %q, want %q and the link", d, want.text)
			}
			if alarms := e.Alarms(); len(alarms) != 1 {
				t.Errorf("%s: %d alarms, want the feed's reminder", want.reg.Name, len(alarms))
			}
		}
	})
}
