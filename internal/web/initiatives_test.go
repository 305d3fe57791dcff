package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/tabular"
	"github.com/samspil/samspil/internal/testkit"
	"github.com/samspil/samspil/internal/testkit/soffice"
	"github.com/xuri/excelize/v2"
)

// portfolioWorld is the Silkeborg–Viborg partnership (private) with
// Silkeborg's administrator (its secretariat) and viewer, Viborg's
// administrator and Aarhus's administrator, an outsider to it.
type portfolioWorld struct {
	app                         *testkit.App
	sAdmin, sViewer             testkit.Person
	vAdmin, aAdmin              testkit.Person
	silkeborg, viborg, aarhus   *samspil.Organization
	collab                      *samspil.Collaboration
	admin, viewer, viborgB, aar *browser
}

func newPortfolioWorld(t *testing.T, app *testkit.App) *portfolioWorld {
	t.Helper()
	db := app.DB
	w := &portfolioWorld{app: app,
		sAdmin:    testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin),
		sViewer:   testkit.NewPerson(t, db, "viewer@silkeborg.example", testkit.Silkeborg, samspil.RoleViewer),
		vAdmin:    testkit.NewPerson(t, db, "admin@viborg.example", testkit.Viborg, samspil.RoleAdmin),
		aAdmin:    testkit.NewPerson(t, db, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin),
		silkeborg: testkit.Org(t, db, testkit.Silkeborg), viborg: testkit.Org(t, db, testkit.Viborg), aarhus: testkit.Org(t, db, testkit.Aarhus)}
	w.collab = testkit.Partnership(t, db, w.sAdmin.Actor)
	for _, p := range []*testkit.Person{&w.sAdmin, &w.sViewer, &w.vAdmin, &w.aAdmin} {
		p.Actor = testkit.Actor(t, db, p.User.ID)
	}
	w.admin, _ = signIn(t, app, "admin@silkeborg.example")
	w.viewer, _ = signIn(t, app, "viewer@silkeborg.example")
	w.viborgB, _ = signIn(t, app, "admin@viborg.example")
	w.aar, _ = signIn(t, app, "admin@aarhus.example")
	return w
}

// propose records an initiative through the store.
func (w *portfolioWorld) propose(t *testing.T, by *samspil.Actor, in samspil.InitiativeInput) *samspil.Initiative {
	t.Helper()
	x, err := w.app.DB.ProposeInitiative(context.Background(), by, in)
	if err != nil {
		t.Fatalf("propose %s: %v", in.Title, err)
	}
	return x
}

// participate records an organisation's own stand.
func (w *portfolioWorld) participate(t *testing.T, by *samspil.Actor, id string, in samspil.ParticipationInput) {
	t.Helper()
	if _, err := w.app.DB.SetParticipation(context.Background(), by, id, in); err != nil {
		t.Fatalf("participation of %s: %v", in.OrganizationID, err)
	}
}

// portal is Silkeborg's private initiative of the partnership, Viborg
// taking part bindingly.
func (w *portfolioWorld) portal(t *testing.T) *samspil.Initiative {
	t.Helper()
	x := w.propose(t, w.sAdmin.Actor, samspil.InitiativeInput{Title: "Fælles borgerportal", CollaborationID: w.collab.ID,
		Model: samspil.ModelImplementation, Visibility: samspil.VisibilityPrivate, Tasks: []string{"27.34.40"}})
	w.participate(t, w.vAdmin.Actor, x.ID, samspil.ParticipationInput{OrganizationID: testkit.Viborg, State: samspil.ParticipationBinding})
	return x
}

// gis is Aarhus's public initiative open to any organisation.
func (w *portfolioWorld) gis(t *testing.T) *samspil.Initiative {
	t.Helper()
	return w.propose(t, w.aAdmin.Actor, samspil.InitiativeInput{Title: "Åben GIS-platform", Model: samspil.ModelOpenSourceProduct,
		Visibility: samspil.VisibilityPublic})
}

// danish fails when a page's visible text holds English.
func danish(t *testing.T, d *detector, what string, page *testkit.Response) {
	t.Helper()
	for _, f := range d.find(body(page)) {
		t.Errorf("%s: %s", what, f)
	}
}

// TestInitiativeBoard: the board shows by phase what the reader may see,
// and its filters narrow it; the timeline draws the phases from the gates.
func TestInitiativeBoard(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		w := newPortfolioWorld(t, app)
		d := newDetector(t)
		portal, gis := w.portal(t), w.gis(t)
		// Aarhus approves its own initiative out of idea.
		if _, err := app.DB.PassGate(ctx, w.aAdmin.Actor, gis.ID, gis.Version, samspil.GateInput{To: samspil.PhaseQualification,
			On: samspil.Today(samspil.Now()), ApprovedBy: "Direktionen i Aarhus"}); err != nil {
			t.Fatal(err)
		}

		page := w.admin.Do("GET", "/initiatives", nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		danish(t, d, "the board", page)
		mustContain(t, page, "<h1>Initiativer</h1>", `href="/initiatives/new"`, `href="/initiatives/`+portal.ID+`"`, `href="/initiatives/`+gis.ID+`"`,
			"1 bindende", "Åbent for alle organisationer", "Open source-produkt", "Silkeborg–Viborg IT-samarbejde",
			`<li class="active current"><a href="/initiatives" class="nav-link" aria-current="page">`)
		// Each in the column of its phase.
		if col := boardColumn(t, page, "idea"); !strings.Contains(col, "Fælles borgerportal") || strings.Contains(col, "Åben GIS-platform") {
			t.Fatalf("the idea column:\n%s", col)
		}
		if col := boardColumn(t, page, "qualification"); !strings.Contains(col, "Åben GIS-platform") {
			t.Fatalf("the qualification column:\n%s", col)
		}

		// An outsider and an anonymous reader do not see the private one.
		for who, b := range map[string]*testkit.Response{"Aarhus": w.aar.Do("GET", "/initiatives", nil), "anonymous": newBrowser(t, app).Do("GET", "/initiatives", nil)} {
			b.Want(t, http.StatusOK)
			mustContain(t, b, "Åben GIS-platform")
			mustNotContain(t, b, "Fælles borgerportal", portal.ID)
			if who == "anonymous" {
				mustNotContain(t, b, `href="/initiatives/new"`, `name="mine"`)
			}
		}
		// A viewer may not propose.
		mustNotContain(t, w.viewer.Do("GET", "/initiatives", nil).Want(t, http.StatusOK), `href="/initiatives/new"`)

		// The filters.
		for query, want := range map[string][2]string{
			"?q=gis":                          {"Åben GIS-platform", "Fælles borgerportal"},
			"?collaboration=" + w.collab.ID:   {"Fælles borgerportal", "Åben GIS-platform"},
			"?phase=qualification":            {"Åben GIS-platform", "Fælles borgerportal"},
			"?task=27.34":                     {"Fælles borgerportal", "Åben GIS-platform"},
			"?mine=1":                         {"Fælles borgerportal", "Åben GIS-platform"},
			"?mine=1&view=timeline":           {"Fælles borgerportal", "Åben GIS-platform"},
			"?q=gis&view=timeline":            {"Åben GIS-platform", "Fælles borgerportal"},
			"?phase=idea&mine=1&q=borgerport": {"Fælles borgerportal", "Åben GIS-platform"},
		} {
			res := w.admin.Do("GET", "/initiatives"+query, nil).Want(t, http.StatusOK)
			mustContain(t, res, want[0], "1 initiativer passer til filtret.")
			mustNotContain(t, res, want[1])
		}
		mustContain(t, w.aar.Do("GET", "/initiatives?mine=1", nil).Want(t, http.StatusOK), "Åben GIS-platform")
		w.admin.Do("GET", "/initiatives?phase=someday", nil).Want(t, http.StatusUnprocessableEntity)

		// The timeline: a picture with its title and description, and the
		// same in words: Aarhus's initiative was an idea, and is in
		// qualification from today.
		tl := w.admin.Do("GET", "/initiatives?view=timeline", nil).Want(t, http.StatusOK)
		noInlineStyle(t, tl)
		danish(t, d, "the timeline", tl)
		today := samspil.Today(samspil.Now())
		mustContain(t, tl, `<svg class="initiative-timeline"`, `role="img" aria-labelledby="it-title it-desc"`, `<title id="it-title">Initiativernes faser over tid</title>`,
			`<desc id="it-desc">2 initiativer fra`, `class="it-bar ip-idea"`, `class="it-bar ip-qualification"`, `<table class="table table--zebra initiative-phases">`,
			"<li>Idé: "+fmtDay(today)+" – "+fmtDay(today)+"</li><li>Kvalificering: "+fmtDay(today)+" – i dag</li>")
		mustNotContain(t, tl, `class="board"`)

		// English through the catalogue.
		w.admin.Do("POST", "/language", url.Values{"lang": {"en"}, "return_to": {"/initiatives"}}).Want(t, http.StatusSeeOther)
		mustContain(t, w.admin.Do("GET", "/initiatives", nil).Want(t, http.StatusOK), "Propose an initiative", "Open to any organisation", "1 binding", "Qualification")
	})
}

// boardColumn returns the board's column of a phase.
func boardColumn(t *testing.T, page *testkit.Response, phase string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<section class="board-column ip-` + phase + `".*?</section>`).FindString(body(page))
	if m == "" {
		t.Fatalf("no column %s:\n%s", phase, page.Body)
	}
	return m
}

func fmtDay(d samspil.Date) string { return d.Time().Format("02.01.2006") }

// TestProposeInitiativeForm: the form proposes an initiative with its
// references; a bad KLE code is shown at its field with what was typed,
// and nothing is created.
func TestProposeInitiativeForm(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		w := newPortfolioWorld(t, app)
		d := newDetector(t)
		sys, err := app.DB.CreateSystem(ctx, w.sAdmin.Actor, samspil.SystemInput{Name: "Borgerportal (test)", Category: samspil.CategoryOther,
			OwnerID: w.silkeborg.ID, Visibility: samspil.VisibilitySector})
		if err != nil {
			t.Fatal(err)
		}
		strategy, err := app.DB.CreateStrategy(ctx, w.sAdmin.Actor, samspil.StrategyInput{Title: "Digitaliseringsstrategi 2024",
			From: samspil.NewDate(2024, 1, 1), Owners: []samspil.StrategyOwner{{OrganizationID: w.silkeborg.ID}},
			Goals: []samspil.Goal{{Title: "Digital borgerservice"}, {Title: "Fælles data"}}})
		if err != nil {
			t.Fatal(err)
		}

		page := w.admin.Do("GET", "/initiatives/new", nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		danish(t, d, "the form", page)
		mustContain(t, page, "Foreslå initiativ", `<option value="`+w.collab.ID+`">Silkeborg–Viborg IT-samarbejde</option>`,
			`<option value="`+sys.ID+`">Borgerportal (test)</option>`, `value="`+strategy.ID+`:2"`, "2. Fælles data", "Trappemodel")
		form := formFields(t, page, "/initiatives")
		form = with(form, "title", "Fælles borgerportal", "collaboration_id", w.collab.ID, "model", "implementation", "visibility", "private",
			"tasks", "27.34.40, 99.99.99", "expected_benefits", "Færre henvendelser", "contact_name", "Mette Lund", "contact_email", "mette@silkeborg.example",
			"cost_key", "per_capita")
		form["system_ids"] = []string{sys.ID}
		form["goals"] = []string{strategy.ID + ":2"}

		// An unknown KLE code: the field's error, the input kept, nothing made.
		res := w.admin.Do("POST", "/initiatives", form).Want(t, http.StatusUnprocessableEntity)
		danish(t, d, "the refused form", res)
		mustContain(t, res, `<div class="form-group form-error">`, `id="e-tasks"`, "99.99.99", `href="#f-tasks"`, `value="27.34.40, 99.99.99"`,
			`value="Fælles borgerportal"`, `<option value="`+sys.ID+`" selected>`, `value="`+strategy.ID+`:2" checked`)
		if list, _ := app.DB.ListInitiatives(ctx, testkit.System, samspil.InitiativeFilter{}); len(list.Items) != 0 {
			t.Fatalf("a refused form proposed %+v", list.Items)
		}
		// A bad e-mail address likewise.
		res = w.admin.Do("POST", "/initiatives", with(form, "tasks", "27.34.40", "contact_email", "mette")).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `id="e-contact_email"`, "skal være en e-mailadresse")

		res = w.admin.Do("POST", "/initiatives", with(form, "tasks", "27.34.40"))
		u := location(t, res)
		res.Want(t, http.StatusSeeOther)
		if !strings.HasPrefix(u.Path, "/initiatives/") || u.Query().Get("done") != "initiative_proposed" {
			t.Fatalf("proposed: %v", u)
		}
		x, err := app.DB.FindInitiative(ctx, testkit.System, strings.TrimPrefix(u.Path, "/initiatives/"))
		if err != nil {
			t.Fatal(err)
		}
		if x.Title != "Fælles borgerportal" || x.OwnerID != w.silkeborg.ID || x.CollaborationID != w.collab.ID || x.Visibility != samspil.VisibilityPrivate ||
			len(x.Tasks) != 1 || x.Tasks[0] != "27.34.40" || len(x.Systems) != 1 || x.Systems[0].ID != sys.ID ||
			len(x.Goals) != 1 || x.Goals[0].Goal != 2 || x.Goals[0].StrategyID != strategy.ID || x.ContactEmail != "mette@silkeborg.example" ||
			x.Cost.Key != samspil.CostPerCapita || x.ExpectedBenefits != "Færre henvendelser" || x.Phase != samspil.PhaseIdea {
			t.Fatalf("proposed %+v", x)
		}

		// A viewer has no form, and an outsider cannot propose inside the
		// partnership.
		w.viewer.Do("GET", "/initiatives/new", nil).Want(t, http.StatusForbidden)
		res = w.aar.Do("POST", "/initiatives", with(form, "owner_id", w.aarhus.ID, "tasks", "")).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `id="e-collaboration_id"`)
		w.viewer.Do("POST", "/initiatives", with(form, "tasks", "")).Want(t, http.StatusForbidden)
		if list, _ := app.DB.ListInitiatives(ctx, testkit.System, samspil.InitiativeFilter{}); len(list.Items) != 1 {
			t.Fatalf("%d initiatives", len(list.Items))
		}
	})
}

// TestMyInitiatives: "Vores initiativer" shows each organisation's stand,
// its share under the chosen key and the resources it pledged.
func TestMyInitiatives(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		w := newPortfolioWorld(t, app)
		d := newDetector(t)
		x := w.propose(t, w.sAdmin.Actor, samspil.InitiativeInput{Title: "Fælles vikarbooking", CollaborationID: w.collab.ID,
			Model: samspil.ModelProcurement, Cost: &samspil.CostSettings{Key: samspil.CostEqual}})
		for _, l := range []samspil.BudgetLineInput{{Kind: samspil.BudgetDevelopment, Title: "Udbud", Amount: 10_000_000},
			{Kind: samspil.BudgetOperation, Title: "Licens", Amount: 2_000_001}} {
			if _, err := app.DB.AddBudgetLine(ctx, w.sAdmin.Actor, x.ID, l); err != nil {
				t.Fatal(err)
			}
		}
		w.participate(t, w.sAdmin.Actor, x.ID, samspil.ParticipationInput{OrganizationID: testkit.Silkeborg, State: samspil.ParticipationBinding})
		w.participate(t, w.vAdmin.Actor, x.ID, samspil.ParticipationInput{OrganizationID: testkit.Viborg, State: samspil.ParticipationVoluntary,
			Resources: &[]samspil.ResourcePledge{{Competence: "Projektleder", HoursPerMonth: 20}}})

		page := w.viborgB.Do("GET", "/initiatives/mine", nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		danish(t, d, "Viborg's initiatives", page)
		row := mineRow(t, page, "Fælles vikarbooking")
		for _, want := range []string{"Frivillig (kan)", fmtDay(samspil.Today(samspil.Now())), "Lige store andele", "50.000,00", "10.000,00", "Projektleder: 20 timer pr. måned"} {
			if !strings.Contains(row, want) {
				t.Fatalf("Viborg's row lacks %q:\n%s", want, row)
			}
		}
		if strings.Contains(row, `class="badge badge-info owner"`) {
			t.Fatalf("Viborg is shown as the owner:\n%s", row)
		}
		// Silkeborg owns it and takes part bindingly; the operation's odd
		// øre goes to one of them, and the shares sum to the budget.
		page = w.admin.Do("GET", "/initiatives/mine", nil).Want(t, http.StatusOK)
		row = mineRow(t, page, "Fælles vikarbooking")
		for _, want := range []string{"Bindende (skal)", "Ejer", "50.000,00"} {
			if !strings.Contains(row, want) {
				t.Fatalf("Silkeborg's row lacks %q:\n%s", want, row)
			}
		}
		vOp, sOp := shareOf(t, w.viborgB.Do("GET", "/initiatives/mine", nil)), shareOf(t, page)
		if !(vOp == "10.000,00" && sOp == "10.000,01" || vOp == "10.000,01" && sOp == "10.000,00") {
			t.Fatalf("operation shares %s and %s do not sum to 20.000,01", vOp, sOp)
		}
		// When Silkeborg withdraws, Viborg carries it all.
		w.participate(t, w.sAdmin.Actor, x.ID, samspil.ParticipationInput{OrganizationID: testkit.Silkeborg, State: samspil.ParticipationWithdrawn,
			Reason: "Andre prioriteter"})
		mustContain(t, w.viborgB.Do("GET", "/initiatives/mine", nil), "100.000,00", "20.000,01")
		mustContain(t, w.admin.Do("GET", "/initiatives/mine", nil), "Trådt ud", "Ingen andel: deltager ikke")
		// An outsider has none; anonymous readers must sign in.
		mustContain(t, w.aar.Do("GET", "/initiatives/mine", nil).Want(t, http.StatusOK), "Aarhus Kommune ejer ikke og deltager ikke i nogen initiativer.")
		wantRedirect(t, newBrowser(t, app).Do("GET", "/initiatives/mine", nil), "/login")
	})
}

// mineRow returns the row of an initiative on "Vores initiativer".
func mineRow(t *testing.T, page *testkit.Response, title string) string {
	t.Helper()
	for _, m := range regexp.MustCompile(`(?s)<tr class="mine-row">.*?</tr>`).FindAllString(body(page), -1) {
		if strings.Contains(m, title) {
			return m
		}
	}
	t.Fatalf("no row of %s:\n%s", title, page.Body)
	return ""
}

// shareOf returns the operation share of the page's first row.
func shareOf(t *testing.T, page *testkit.Response) string {
	t.Helper()
	m := regexp.MustCompile(`<td class="num share-operation">([^<]*)</td>`).FindStringSubmatch(body(page))
	if m == nil {
		t.Fatalf("no operation share:\n%s", page.Body)
	}
	return m[1]
}

// TestPrioritisationPage: the managers score the initiatives and set the
// weights; the list ranks them with the reasons, and a recorded round
// makes the next ranking say what changed.
func TestPrioritisationPage(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newPortfolioWorld(t, app)
		d := newDetector(t)
		a := w.propose(t, w.sAdmin.Actor, samspil.InitiativeInput{Title: "Fælles borgerportal", CollaborationID: w.collab.ID, Model: samspil.ModelImplementation})
		b := w.propose(t, w.sAdmin.Actor, samspil.InitiativeInput{Title: "Fælles vikarbooking", CollaborationID: w.collab.ID, Model: samspil.ModelProcurement})
		path := "/collaborations/" + w.collab.ID + "/prioritisation"

		mustContain(t, w.admin.Do("GET", "/collaborations/"+w.collab.ID, nil), `href="`+path+`"`)
		page := w.admin.Do("GET", path, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		danish(t, d, "the prioritisation", page)
		mustContain(t, page, "ikke vurderet endnu", "Der er ikke registreret nogen prioriteringsrunde endnu.",
			`action="/initiatives/`+a.ID+`/priority-score"`, `action="`+path+`/weights"`, `action="`+path+`/rounds"`)
		score := func(id string, benefit, urgency, feasibility, cost string) *testkit.Response {
			t.Helper()
			return w.admin.Do("POST", "/initiatives/"+id+"/priority-score", url.Values{"benefit": {benefit}, "urgency": {urgency},
				"feasibility": {feasibility}, "cost": {cost}, "note": {"Vurderet i IT-chefgruppen"}})
		}
		u := wantRedirect(t, score(a.ID, "5", "4", "3", "2"), path)
		if u.Fragment != "rank-"+a.ID || u.Query().Get("done") != "priority_scored" {
			t.Fatalf("scored: %v", u)
		}
		wantRedirect(t, score(b.ID, "2", "2", "3", "4"), path)
		page = w.admin.Do("GET", path, nil).Want(t, http.StatusOK)
		danish(t, d, "the ranked list", page)
		ranks := rankOrder(page)
		if len(ranks) != 2 || ranks[0] != a.ID || ranks[1] != b.ID {
			t.Fatalf("order %v, want %s then %s", ranks, a.ID, b.ID)
		}
		// Weights 4, 3, 2, 1: (4*5 + 3*4 + 2*3 + 1*(6-2)) / 10 = 4,20.
		mustContain(t, page, "gevinst 5 af 5, vægt 4", "omkostning 2 af 5 (lav omkostning rangerer højere), vægt 1", "4,20", "første prioritering",
			"Vurderet i IT-chefgruppen")

		// A round is recorded; then B is scored higher and the list says
		// what changed.
		u = wantRedirect(t, w.admin.Do("POST", path+"/rounds", url.Values{}), path)
		if u.Query().Get("done") != "prioritisation_recorded" {
			t.Fatalf("round: %v", u)
		}
		mustContain(t, w.admin.Do("GET", u.RequestURI(), nil), "Prioriteringsrunden er registreret.", "Sidste prioriteringsrunde: "+fmtDay(samspil.Today(samspil.Now())), "uændret")
		wantRedirect(t, score(b.ID, "5", "5", "5", "1"), path)
		page = w.admin.Do("GET", path, nil).Want(t, http.StatusOK)
		if ranks = rankOrder(page); len(ranks) != 2 || ranks[0] != b.ID {
			t.Fatalf("after the new scores: %v", ranks)
		}
		mustContain(t, page, "op 1 fra nr. 2", "ned 1 fra nr. 1")

		// Weights: none above 0 and out of range are refused at their
		// fields; good ones are saved.
		res := w.admin.Do("POST", path+"/weights", url.Values{"benefit": {"0"}, "urgency": {"0"}, "feasibility": {"0"}, "cost": {"0"}}).
			Want(t, http.StatusUnprocessableEntity)
		danish(t, d, "refused weights", res)
		mustContain(t, res, `id="e-weights.benefit"`, `<details class="details edit-block" open>`)
		res = w.admin.Do("POST", path+"/weights", url.Values{"benefit": {"11"}, "urgency": {"1"}, "feasibility": {"1"}, "cost": {"x"}}).
			Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `id="e-weights.cost"`, "skal være et helt tal")
		res = score(a.ID, "6", "1", "1", "1").Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `id="e-score-`+a.ID+`.benefit"`, "skal være mellem 1 og 5")
		wantRedirect(t, w.admin.Do("POST", path+"/weights", url.Values{"benefit": {"1"}, "urgency": {"0"}, "feasibility": {"0"}, "cost": {"9"}}), path)
		mustContain(t, w.admin.Do("GET", path, nil), "Vægte: gevinst 1, hast 0, gennemførlighed 0, omkostning 9.")

		// Viborg, a member that does not manage it, reads the list only.
		page = w.viborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Fælles borgerportal")
		mustNotContain(t, page, "/priority-score", path+"/weights", path+"/rounds")
		w.viborgB.Do("POST", "/initiatives/"+a.ID+"/priority-score", url.Values{"benefit": {"1"}, "urgency": {"1"}, "feasibility": {"1"}, "cost": {"1"}}).
			Want(t, http.StatusForbidden)
		w.viborgB.Do("POST", path+"/rounds", url.Values{}).Want(t, http.StatusForbidden)
		// An outsider does not see the private partnership's list.
		w.aar.Do("GET", path, nil).Want(t, http.StatusNotFound)
	})
}

// rankOrder returns the initiative IDs of the ranked list, in order.
func rankOrder(page *testkit.Response) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<tr id="rank-([^"]+)"`).FindAllStringSubmatch(body(page), -1) {
		out = append(out, m[1])
	}
	return out
}

// TestLessonsPage: the lessons log finds lessons by word and by tag,
// newest first, and shows only what the reader may see.
func TestLessonsPage(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		w := newPortfolioWorld(t, app)
		d := newDetector(t)
		x := w.portal(t)
		for _, in := range []samspil.LessonInput{
			{CollaborationID: w.collab.ID, OrganizationID: testkit.Silkeborg, Title: "Organisatoriske forskelle",
				WhatDidNot: "Viborg har sektordirektører, Silkeborg har ikke; det var sværere end ventet.", Tags: []string{"Organisation", "ledelse"},
				On: ptr(samspil.NewDate(2018, 11, 1))},
			{InitiativeID: x.ID, OrganizationID: testkit.Viborg, Title: "Fælles udbud er svært",
				WhatWorked: "Et fælles kravsæt.", WhatDidNot: "Hver kommune er sin egen juridiske enhed.", Tags: []string{"indkøb"},
				On: ptr(samspil.NewDate(2019, 3, 1))},
		} {
			by := w.sAdmin.Actor
			if in.OrganizationID == testkit.Viborg {
				by = w.vAdmin.Actor
			}
			if _, err := app.DB.RecordLesson(ctx, by, in); err != nil {
				t.Fatal(err)
			}
		}
		page := w.admin.Do("GET", "/lessons", nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		danish(t, d, "the lessons", page)
		text := body(page)
		if i, j := strings.Index(text, "Fælles udbud er svært"), strings.Index(text, "Organisatoriske forskelle"); i < 0 || j < 0 || i > j {
			t.Fatalf("not newest first:\n%s", text)
		}
		mustContain(t, page, "Det virkede ikke", "Et fælles kravsæt.", `href="/initiatives/`+x.ID+`"`, `href="/collaborations/`+w.collab.ID+`"`,
			`href="/lessons?tag=organisation"`, "Viborg Kommune", `<li class="active current"><a href="/lessons"`)

		res := w.admin.Do("GET", "/lessons?q=juridiske+enhed", nil).Want(t, http.StatusOK)
		mustContain(t, res, "Fælles udbud er svært")
		mustNotContain(t, res, "Organisatoriske forskelle")
		res = w.admin.Do("GET", "/lessons?tag=Organisation", nil).Want(t, http.StatusOK)
		mustContain(t, res, "Organisatoriske forskelle")
		mustNotContain(t, res, "Fælles udbud er svært")
		mustContain(t, w.admin.Do("GET", "/lessons?q=blockchain", nil), "Ingen erfaringer passer til søgningen.")

		// A page holds 20, newest first; the older ones are a link away.
		for i := range 21 {
			if _, err := app.DB.RecordLesson(ctx, w.sAdmin.Actor, samspil.LessonInput{CollaborationID: w.collab.ID, OrganizationID: testkit.Silkeborg,
				Title: "Månedens læring " + strconv.Itoa(i+1), WhatWorked: "Korte møder.", Tags: []string{"møder"},
				On: ptr(samspil.NewDate(2020, 1, 1).AddDays(i))}); err != nil {
				t.Fatal(err)
			}
		}
		res = w.admin.Do("GET", "/lessons?tag=m%C3%B8der", nil).Want(t, http.StatusOK)
		mustContain(t, res, "Månedens læring 21", "Månedens læring 2<")
		mustNotContain(t, res, "Månedens læring 1<", "Organisatoriske forskelle")
		next := regexp.MustCompile(`<a href="(/lessons\?[^"]+)">Ældre</a>`).FindStringSubmatch(body(res))
		if next == nil {
			t.Fatalf("no link to the older lessons:\n%s", res.Body)
		}
		res = w.admin.Do("GET", strings.ReplaceAll(next[1], "&amp;", "&"), nil).Want(t, http.StatusOK)
		mustContain(t, res, "Månedens læring 1<", `<a href="/lessons?tag=m%C3%B8der">Første side</a>`)
		mustNotContain(t, res, "Månedens læring 2<")

		// The private partnership's lessons are not the outsider's.
		res = w.aar.Do("GET", "/lessons", nil).Want(t, http.StatusOK)
		mustNotContain(t, res, "Organisatoriske forskelle", "Fælles udbud er svært")
		mustContain(t, res, "Der er ingen erfaringer at vise endnu.")
	})
}

// TestInitiativesExport: the portfolio the reader sees, under the board's
// filters, as XLSX with typed cells and as CSV.
func TestInitiativesExport(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		w := newPortfolioWorld(t, app)
		x := w.portal(t)
		w.gis(t)
		if _, err := app.DB.AddBudgetLine(ctx, w.sAdmin.Actor, x.ID, samspil.BudgetLineInput{Kind: samspil.BudgetDevelopment, Title: "Udvikling",
			Amount: 125_000_050}); err != nil {
			t.Fatal(err)
		}
		if _, err := app.DB.AddBudgetLine(ctx, w.sAdmin.Actor, x.ID, samspil.BudgetLineInput{Kind: samspil.BudgetOperation, Title: "Drift",
			Amount: 30_000_000}); err != nil {
			t.Fatal(err)
		}
		mustContain(t, w.admin.Do("GET", "/initiatives?q=borger", nil), `href="/initiatives/export?format=xlsx&amp;q=borger"`)

		res := w.admin.Do("GET", "/initiatives/export?format=xlsx&q=borger", nil).Want(t, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("Content-Type %q", ct)
		}
		f, err := excelize.OpenReader(bytes.NewReader(res.Body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		const sheet = "Initiativer"
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 {
			t.Fatalf("rows %v", rows)
		}
		header := strings.Join(rows[0], "|")
		if header != "Titel|Ejer|Samarbejde|Model|Fase|I fasen siden|Deltagere bindende|Deltagere frivillige|Deltagere med tilsagn|Udviklingsbudget|Driftsbudget pr. år|Fordelingsnøgle" {
			t.Fatalf("header %s", header)
		}
		if r := rows[1]; r[0] != "Fælles borgerportal" || r[1] != "Silkeborg Kommune" || r[2] != "Silkeborg–Viborg IT-samarbejde" || r[3] != "Implementering" ||
			r[4] != "Idé" || r[6] != "1" || r[7] != "0" || r[11] != "Lige store andele" {
			t.Fatalf("row %v", r)
		}
		format := func(ref string) string {
			t.Helper()
			id, err := f.GetCellStyle(sheet, ref)
			if err != nil {
				t.Fatal(err)
			}
			st, err := f.GetStyle(id)
			if err != nil {
				t.Fatal(err)
			}
			if st.CustomNumFmt == nil {
				return ""
			}
			return *st.CustomNumFmt
		}
		raw, err := excelize.OpenReader(bytes.NewReader(res.Body), excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		today := samspil.Today(samspil.Now())
		serial := samspil.DaysBetween(samspil.NewDate(1899, 12, 30), today)
		for ref, want := range map[string][2]string{
			"F2": {tabular.DateFormat, strconv.Itoa(serial)},
			"J2": {tabular.AmountFormat, "1250000.5"},
			"K2": {tabular.AmountFormat, "300000"},
			"G2": {"", "1"},
		} {
			typ, err := f.GetCellType(sheet, ref)
			if err != nil {
				t.Fatal(err)
			}
			v, _ := raw.GetCellValue(sheet, ref)
			if got := format(ref); typ != excelize.CellTypeUnset || got != want[0] || v != want[1] {
				t.Errorf("%s: type %v format %q value %q, want a number in %q holding %s", ref, typ, got, v, want[0], want[1])
			}
		}

		// CSV, read back as Danish Excel writes it.
		res = w.admin.Do("GET", "/initiatives/export?format=csv", nil).Want(t, http.StatusOK)
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || !strings.Contains(res.Header.Get("Content-Disposition"), "samspil-initiativer.csv") {
			t.Fatalf("headers %v", res.Header)
		}
		tb, err := tabular.Open(bytes.NewReader(res.Body), "initiativer.csv", tabular.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		defer tb.Close()
		got := map[string][]string{}
		for tb.Next() {
			got[tb.Row()[0]] = append([]string(nil), tb.Row()...)
		}
		if err := tb.Err(); err != nil {
			t.Fatal(err)
		}
		portal, gisRow := got["Fælles borgerportal"], got["Åben GIS-platform"]
		if len(got) != 2 || portal == nil || gisRow == nil || portal[5] != today.String() || portal[9] != "1250000,50" || portal[10] != "300000,00" ||
			gisRow[2] != "" || gisRow[3] != "Open source-produkt" || gisRow[9] != "0,00" {
			t.Fatalf("CSV rows %v", got)
		}

		// The outsider's export holds only what it sees; a bad format is refused.
		res = w.aar.Do("GET", "/initiatives/export?format=csv", nil).Want(t, http.StatusOK)
		if strings.Contains(string(res.Body), "Fælles borgerportal") || !strings.Contains(string(res.Body), "Åben GIS-platform") {
			t.Fatalf("the outsider's export:\n%s", res.Body)
		}
		w.admin.Do("GET", "/initiatives/export?format=pdf", nil).Want(t, http.StatusUnprocessableEntity)
	})
}

// TestInitiativeNamesInCatalogues: the names the pages give phases, models
// and participation states (initiativeNames, whose keys the template test
// cannot see) are in both catalogues.
func TestInitiativeNamesInCatalogues(t *testing.T) {
	da, en := loadCatalogue(t, "da"), loadCatalogue(t, "en")
	var keys []string
	for _, p := range samspil.InitiativePhases {
		keys = append(keys, "initiative_phase."+string(p))
	}
	for _, m := range samspil.InitiativeModels {
		keys = append(keys, "initiative_model."+string(m))
	}
	for _, s := range samspil.ParticipationStates {
		keys = append(keys, "participation_state."+string(s))
	}
	for _, k := range samspil.CostKeys {
		keys = append(keys, "cost_key."+string(k))
	}
	for _, k := range keys {
		if da[k] == "" || en[k] == "" {
			t.Errorf("%s: da %q en %q", k, da[k], en[k])
		}
	}
}

// TestInitiativesExportReadByLibreOffice has LibreOffice, an independent
// reader of XLSX files, convert the export to flat OpenDocument and checks
// the types it sees: the day of the phase as a date, the budgets as DKK,
// the counts as numbers, the title as text.
func TestInitiativesExportReadByLibreOffice(t *testing.T) {
	app := testkit.NewApp(t, sqldb.SQLite)
	w := newPortfolioWorld(t, app)
	x := w.portal(t)
	if _, err := app.DB.AddBudgetLine(context.Background(), w.sAdmin.Actor, x.ID, samspil.BudgetLineInput{Kind: samspil.BudgetDevelopment,
		Title: "Udvikling", Amount: 125_000_050}); err != nil {
		t.Fatal(err)
	}
	res := w.admin.Do("GET", "/initiatives/export?format=xlsx", nil).Want(t, http.StatusOK)
	fods := soffice.ReadXLSX(t, "initiativer", res.Body)
	today := samspil.Today(samspil.Now())
	for what, re := range map[string]string{
		"the title as text":       `office:value-type="string"[^>]*>\s*<text:p>Fælles borgerportal</text:p>`,
		"the day of the phase":    `office:value-type="date" office:date-value="` + today.String() + `"`,
		"the development in DKK":  `office:value-type="currency" office:currency="DKK" office:value="1250000.5"`,
		"the operation in DKK":    `office:value-type="currency" office:currency="DKK" office:value="0"`,
		"the binding as a number": `office:value-type="float" office:value="1"`,
		"the header row filtered": `table:display-filter-buttons="true"`,
	} {
		if !regexp.MustCompile(re).Match(fods) {
			t.Errorf("LibreOffice does not read %s (%s)", what, re)
		}
	}
	if bytes.Contains(fods, []byte("table:formula=")) {
		t.Error("LibreOffice reads a formula")
	}
}

// TestBoardColumnsAreBounded: a column of the whole board shows its first
// initiatives with the phase's count and a link to the phase alone, which
// shows them all a page at a time; "only mine" narrows in the store.
func TestBoardColumnsAreBounded(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newPortfolioWorld(t, app)
		for i := range 23 {
			w.propose(t, w.vAdmin.Actor, samspil.InitiativeInput{Title: "Idé " + strconv.Itoa(100+i), Model: samspil.ModelKnowledgeSharing})
		}
		mine := w.propose(t, w.sAdmin.Actor, samspil.InitiativeInput{Title: "Silkeborgs egen idé", Model: samspil.ModelKnowledgeSharing})
		page := w.admin.Do("GET", "/initiatives", nil).Want(t, http.StatusOK)
		body := string(page.Body)
		idea := body[strings.Index(body, `id="ph-idea"`):]
		idea = idea[:strings.Index(idea, "</section>")]
		if n := strings.Count(idea, `class="board-card"`); n != 20 || !strings.Contains(idea, "(24)") {
			t.Fatalf("the idea column shows %d cards: %s", n, idea)
		}
		mustContain(t, page, `href="/initiatives?phase=idea"`, "Se flere i fasen")
		all := w.admin.Do("GET", "/initiatives?phase=idea", nil).Want(t, http.StatusOK)
		if n := strings.Count(string(all.Body), `class="board-card"`); n != 24 {
			t.Fatalf("the phase alone shows %d cards", n)
		}
		only := w.admin.Do("GET", "/initiatives?mine=1", nil).Want(t, http.StatusOK)
		mustContain(t, only, "Silkeborgs egen idé", `href="/initiatives/`+mine.ID+`"`)
		mustNotContain(t, only, "Idé 100")
	})
}
