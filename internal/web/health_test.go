package web_test

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/demo"
	"github.com/samspil/samspil/internal/testkit"
	"github.com/samspil/samspil/internal/testkit/pdftext"
)

// TestHealthPages checks the health panel and the directors' report of
// the demo's Silkeborg–Viborg collaboration on each engine: who sees them,
// a replayed day, bad days, the thresholds form, and the report as a page
// and as a PDF whose text (read by pdftotext, an independent reader) holds
// the warnings of 2018 in Danish.
func TestHealthPages(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		if created, err := demo.Ensure(ctx, app.DB); err != nil || !created {
			t.Fatalf("demo: %v %v", created, err)
		}
		chief := app.Browser(t)
		chief.Login(demo.SilkeborgChiefEmail, demo.Password).Want(t, 303)
		cs, err := app.DB.ListCollaborations(ctx, testkit.System, samspil.CollaborationFilter{Query: "Silkeborg–Viborg"})
		if err != nil || len(cs.Items) != 1 {
			t.Fatalf("collaborations %v %v", cs, err)
		}
		health := "/collaborations/" + cs.Items[0].ID + "/health"

		page := string(chief.Do("GET", health+"?at=2018-10-31", nil).Want(t, 200).Body)
		for _, want := range []string{"Samarbejdets sundhed den 31. oktober 2018", "Fælles direktionsmøde holdt 1 af 4 planlagte møder de seneste 12 måneder",
			`<svg class="health-line"`, "Tærskler for advarsler", "Organisatoriske forskelle", "Sektordirektører (4 direktørområder)",
			"Direktionen › Digitalisering og IT", "Peter Vinther (it-chef) – chef",
			"Sektordirektører i Viborg Kommune, én samlet direktion i Silkeborg Kommune",
			`<tr class="spread-wide"><th scope="row">Fælles organisation</th><td class="num"><strong>3</strong></td><td>Silkeborg Kommune 3, Viborg Kommune 0</td></tr>`} {
			if !strings.Contains(page, want) {
				t.Errorf("the panel lacks %q", want)
			}
		}
		// Bad and future days name the field and show today's panel.
		for _, at := range []string{"2018-13-01", "2999-01-01"} {
			body := string(chief.Do("GET", health+"?at="+at, nil).Want(t, 422).Body)
			if !strings.Contains(body, `aria-invalid="true" aria-describedby="e-health-at"`) {
				t.Errorf("at=%s: no error at the day field", at)
			}
		}
		// Outsiders and the anonymous do not find it; Aarhus' people neither.
		app.Anonymous(t).Do("GET", health, nil).Want(t, 404)
		outsider := testkit.NewPerson(t, app.DB, "health@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
		out := app.Browser(t)
		out.Login(outsider.User.Email, testkit.Password).Want(t, 303)
		out.Do("GET", health, nil).Want(t, 404)
		out.Do("GET", health+"/report", nil).Want(t, 404)
		if strings.Contains(string(out.Do("GET", strings.TrimSuffix(health, "/health"), nil).Want(t, 200).Body), `href="`+health+`"`) {
			t.Error("an outsider is shown the link to the health panel")
		}

		// A meeting that is over but still planned asks to be marked, and
		// stops asking once it is.
		forums, err := app.DB.ListForums(ctx, testkit.System, cs.Items[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		chiefActor := testkit.Actor(t, app.DB, mustUser(t, app, demo.SilkeborgChiefEmail))
		start := time.Now().Add(-72 * time.Hour).Truncate(time.Hour)
		var chiefs string
		for _, f := range forums {
			if f.Name == "IT-chefmøde" {
				chiefs = f.ID
			}
		}
		extra, err := app.DB.CreateMeeting(ctx, chiefActor, chiefs, samspil.MeetingInput{Title: "Ekstra møde", Start: start})
		if err != nil {
			t.Fatal(err)
		}
		page = string(chief.Do("GET", "/meetings/"+extra.ID, nil).Want(t, 200).Body)
		if !strings.Contains(page, "Mødet står stadig som planlagt") || !strings.Contains(page, `href="#meeting-status-change"`) {
			t.Error("a past meeting still planned does not ask to be marked")
		}
		chief.Do("POST", "/meetings/"+extra.ID+"/status", url.Values{"version": {"1"}, "status": {"held"}}).Want(t, 303)
		if page = string(chief.Do("GET", "/meetings/"+extra.ID, nil).Want(t, 200).Body); strings.Contains(page, "Mødet står stadig som planlagt") {
			t.Error("a held meeting still asks to be marked")
		}

		// Silkeborg's portfolio: the Silkeborg–Viborg collaboration and the
		// others Silkeborg is a member of, healthiest first, each with
		// Silkeborg as a partner; an outsider sees none of them. On
		// 2018-10-31 seven indicators count or warn there (not opt-in), and
		// only the decisions are fine.
		portfolio := "/organizations/" + testkit.Org(t, app.DB, testkit.Silkeborg).ID + "/health"
		page = string(chief.Do("GET", portfolio+"?at=2018-10-31", nil).Want(t, 200).Body)
		for _, want := range []string{"Samarbejdernes sundhed – Silkeborg Kommune", "Silkeborg–Viborg IT- og digitaliseringssamarbejde",
			"Silkeborg Kommune som partner", "1 af 7 indikatorer uden advarsel"} {
			if !strings.Contains(page, want) {
				t.Errorf("the portfolio lacks %q", want)
			}
		}
		if page = string(out.Do("GET", portfolio, nil).Want(t, 200).Body); strings.Contains(page, "Silkeborg–Viborg IT-") {
			t.Error("an outsider sees Silkeborg's collaborations' health")
		}
		chief.Do("GET", portfolio+"?at=2999-01-01", nil).Want(t, 422)

		// The thresholds: a bad value is shown at its field and changes
		// nothing; a good one is kept.
		form := url.Values{"version": {"1"}, "attendance": {"120"}, "min_meetings": {"4"}, "meetings_held": {"75"}, "actions_on_time": {"60"},
			"min_action_items": {"3"}, "decisions_reached": {"67"}, "min_decisions": {"3"}, "ambition_spread": {"2"}, "benefits_realised": {"50"},
			"opt_in": {"50"}, "opt_in_last": {"6"}, "min_opt_in": {"3"}, "commitment_moves": {"1"}, "window_months": {"12"}, "long_window_months": {"24"}}
		body := string(chief.Do("POST", health+"/settings", form).Want(t, 422).Body)
		if !strings.Contains(body, `id="e-hs-attendance"`) {
			t.Error("the bad threshold is not shown at its field")
		}
		if s, _ := app.DB.HealthSettings(ctx, testkit.System, cs.Items[0].ID); s.Version != 1 {
			t.Fatalf("a refused form changed the settings: %+v", s)
		}
		form.Set("attendance", "60")
		chief.Do("POST", health+"/settings", form).Want(t, 303)
		if s, _ := app.DB.HealthSettings(ctx, testkit.System, cs.Items[0].ID); s.Version != 2 || s.Thresholds.Attendance != 60 {
			t.Fatalf("settings after the form: %+v", s)
		}

		// The report of the year before the adjustment, as a page and as a PDF.
		report := health + "/report?from=2017-11-01&to=2018-10-31"
		page = string(chief.Do("GET", report, nil).Want(t, 200).Body)
		if !strings.Contains(page, "Sundhedsrapport: Silkeborg–Viborg IT- og digitaliseringssamarbejde") || !strings.Contains(page, "format=pdf") {
			t.Errorf("report page:\n%.2000s", page)
		}
		res := chief.Do("GET", report, nil, "Accept", "application/pdf").Want(t, 200)
		if ct := res.Header.Get("Content-Type"); ct != "application/pdf" || !bytes.HasPrefix(res.Body, []byte("%PDF-")) {
			t.Fatalf("PDF: %s %.20q", ct, res.Body)
		}
		t.Run("the PDF's text", func(t *testing.T) {
			text := pdftext.Read(t, res.Body)
			for _, want := range []string{"Sundhedsrapport: Silkeborg–Viborg IT- og digitaliseringssamarbejde",
				"Perioden 1. november 2017 til 31. oktober 2018",
				"Fælles direktionsmøde holdt 1 af 4 planlagte møder de seneste 12 måneder",
				"Realiserede gevinster: 30 % af de planlagte kroner om året (720.000 af 2.400.000 kr.)",
				"Møder holdt", "Medlemmerne som partnere", "Viborg Kommune bindende (skal)", "Organisatoriske forskelle",
				"Sektordirektører i Viborg Kommune, én samlet direktion i Silkeborg Kommune"} {
				if !strings.Contains(text, want) {
					t.Errorf("the PDF's text lacks %q:\n%s", want, text)
				}
			}
		})
		chief.Do("GET", health+"/report?from=2018-11-01&to=2018-10-31", nil).Want(t, 422)
		chief.Do("GET", health+"/report?to=2999-01-01", nil).Want(t, 422)
	})
}

// TestPositionsAndITUnit records a person's title and level on the people
// page and marks where IT sits in the units, as the organisational
// differences read them; a level that is none is refused and changes
// nothing.
func TestPositionsAndITUnit(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		admin := testkit.NewPerson(t, app.DB, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		chief := testkit.NewPerson(t, app.DB, "chief@silkeborg.example", testkit.Silkeborg, samspil.RoleViewer)
		org := testkit.Org(t, app.DB, testkit.Silkeborg)
		b := app.Browser(t)
		b.Login(admin.User.Email, testkit.Password).Want(t, 303)
		people := "/organizations/" + org.ID + "/people"
		page := string(b.Do("GET", people, nil).Want(t, 200).Body)
		m := chief.User.Memberships[0]
		if !strings.Contains(page, `action="`+people+`/`+m.ID+`/position"`) {
			t.Fatal("no title form on the people page")
		}
		bad := url.Values{"version": {"1"}, "position": {"IT-chef"}, "level": {"boss"}}
		b.Do("POST", people+"/"+m.ID+"/position", bad).Want(t, 422)
		b.Do("POST", people+"/"+m.ID+"/position", url.Values{"version": {"1"}, "position": {" IT-chef "}, "level": {"head"}}).Want(t, 303)
		got, err := app.DB.FindMembership(ctx, testkit.System, m.ID)
		if err != nil || got.Position != "IT-chef" || got.Level != samspil.LevelHead || got.Version != 2 {
			t.Fatalf("membership %+v %v", got, err)
		}
		if page = string(b.Do("GET", people, nil).Want(t, 200).Body); !strings.Contains(page, `<option value="head" selected>chef</option>`) {
			t.Error("the level is not shown selected")
		}

		b.Do("POST", "/organizations/"+org.ID+"/units", url.Values{"name": {"Digitalisering"}, "kind": {"department"}, "it": {"1"}}).Want(t, 303)
		units, err := app.DB.ListUnits(ctx, testkit.System, org.ID, samspil.ListOptions{})
		if err != nil || len(units.Items) != 1 || !units.Items[0].IT {
			t.Fatalf("units %+v %v", units, err)
		}
		b.Do("POST", "/organizations/"+org.ID+"/units/"+units.Items[0].ID, url.Values{"version": {"1"}, "name": {"Digitalisering"},
			"kind": {"department"}}).Want(t, 303)
		if units, _ = app.DB.ListUnits(ctx, testkit.System, org.ID, samspil.ListOptions{}); units.Items[0].IT {
			t.Error("unticking IT kept it")
		}
	})
}

// mustUser returns the ID of the user with the e-mail address.
func mustUser(t *testing.T, app *testkit.App, email string) string {
	t.Helper()
	id, err := app.DB.UserIDByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
