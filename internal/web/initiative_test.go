package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// The page of one initiative: who may see it, who may answer for which
// organisation, the calculator following the participations, and the
// forms' errors at their fields with nothing changed.

// iniWorld is Silkeborg's administrator (the owner's), Viborg's and
// Aarhus's administrators, and Odense's administrator, an outsider.
type iniWorld struct {
	app                              *testkit.App
	sAdmin, vAdmin, aAdmin, oAdmin   testkit.Person
	silkeborg, viborg, aarhus        *samspil.Organization
	silkeborgB, viborgB, aarhusB, oB *browser
}

const odense = "0461"

func newIniWorld(t *testing.T, app *testkit.App) *iniWorld {
	t.Helper()
	db := app.DB
	w := &iniWorld{app: app,
		sAdmin:    testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin),
		vAdmin:    testkit.NewPerson(t, db, "admin@viborg.example", testkit.Viborg, samspil.RoleAdmin),
		aAdmin:    testkit.NewPerson(t, db, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin),
		oAdmin:    testkit.NewPerson(t, db, "admin@odense.example", odense, samspil.RoleAdmin),
		silkeborg: testkit.Org(t, db, testkit.Silkeborg), viborg: testkit.Org(t, db, testkit.Viborg), aarhus: testkit.Org(t, db, testkit.Aarhus)}
	w.silkeborgB, _ = signIn(t, app, "admin@silkeborg.example")
	w.viborgB, _ = signIn(t, app, "admin@viborg.example")
	w.aarhusB, _ = signIn(t, app, "admin@aarhus.example")
	w.oB, _ = signIn(t, app, "admin@odense.example")
	return w
}

// propose records Silkeborg's initiative, open to any organisation.
func (w *iniWorld) propose(t *testing.T, title string, vis samspil.Visibility) *samspil.Initiative {
	t.Helper()
	x, err := w.app.DB.ProposeInitiative(context.Background(), w.sAdmin.Actor, samspil.InitiativeInput{Title: title,
		Model: samspil.ModelImplementation, Visibility: vis, Description: "Et **fælles** system til sagsbehandling."})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// iniForm returns the fields of the form posting to action whose fields
// hold the given values (the hidden fields that tell the forms apart).
func iniForm(t *testing.T, page *testkit.Response, action string, want ...string) url.Values {
	t.Helper()
	for _, m := range reForm.FindAllStringSubmatch(body(page), -1) {
		if html.UnescapeString(attrs(m[1])["action"]) != action {
			continue
		}
		f := fieldsOf(m[2])
		ok := true
		for i := 0; i+1 < len(want); i += 2 {
			ok = ok && f.Get(want[i]) == want[i+1]
		}
		if ok {
			return f
		}
	}
	t.Fatalf("no form posting to %s with %v:\n%s", action, want, page.Body)
	return nil
}

// hasIniForm reports whether the page has a form posting to action with
// the given values.
func hasIniForm(page *testkit.Response, action string, want ...string) bool {
	for _, m := range reForm.FindAllStringSubmatch(body(page), -1) {
		if html.UnescapeString(attrs(m[1])["action"]) != action {
			continue
		}
		f := fieldsOf(m[2])
		ok := true
		for i := 0; i+1 < len(want); i += 2 {
			ok = ok && f.Get(want[i]) == want[i+1]
		}
		if ok {
			return true
		}
	}
	return false
}

var reTagText = regexp.MustCompile(`(?s)<[^>]*>`)

var reIDAttr = regexp.MustCompile(`\sid="([^"]*)"`)

// noDuplicateIDs fails when two elements of the page share an id, which
// breaks the labels, hints and error links that point at them.
func noDuplicateIDs(t *testing.T, page *testkit.Response) {
	t.Helper()
	seen := map[string]bool{}
	for _, m := range reIDAttr.FindAllStringSubmatch(body(page), -1) {
		if seen[m[1]] {
			t.Errorf("the id %q is used twice", m[1])
		}
		seen[m[1]] = true
	}
}

// shareCells returns the text of a participant's cells under one key of
// the calculator: its development and its yearly operation share.
func shareCells(t *testing.T, page *testkit.Response, orgID string, key samspil.CostKey) []string {
	t.Helper()
	row := regexp.MustCompile(`(?s)<tr id="share-` + regexp.QuoteMeta(orgID) + `">(.*?)</tr>`).FindStringSubmatch(body(page))
	if row == nil {
		t.Fatalf("no row of %s in the calculator:\n%s", orgID, page.Body)
	}
	var out []string
	for _, m := range regexp.MustCompile(`(?s)<td class="num share share-`+string(key)+`[^"]*">(.*?)</td>`).FindAllStringSubmatch(row[1], -1) {
		out = append(out, strings.TrimSpace(reTagText.ReplaceAllString(m[1], "")))
	}
	return out
}

// TestInitiativePageHiddenFromOutsiders: a private initiative is not found
// for an organisation outside it and for anonymous readers, exactly like
// one that does not exist; its owner and its participants see it.
func TestInitiativePageHiddenFromOutsiders(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newIniWorld(t, app)
		x := w.propose(t, "Fælles ESDH", samspil.VisibilityPrivate)
		path := "/initiatives/" + x.ID
		page := w.silkeborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, page, "<h1>Fælles ESDH</h1>", "Fase: idé", "<strong>fælles</strong>")
		noInlineStyle(t, page)

		missing := w.oB.Do("GET", "/initiatives/no-such-initiative", nil).Want(t, http.StatusNotFound)
		outsider := w.oB.Do("GET", path, nil).Want(t, http.StatusNotFound)
		mustNotContain(t, outsider, "Fælles ESDH")
		mustContain(t, outsider, "initiativet findes ikke")
		if strings.ReplaceAll(body(outsider), x.ID, "no-such-initiative") != body(missing) {
			t.Error("a private initiative answers differently from a missing one")
		}
		newBrowser(t, app).Do("GET", path, nil).Want(t, http.StatusNotFound)
		w.viborgB.Do("GET", path, nil).Want(t, http.StatusNotFound)

		// Invited, Viborg sees it.
		if _, err := app.DB.SetParticipation(context.Background(), w.sAdmin.Actor, x.ID, samspil.ParticipationInput{OrganizationID: testkit.Viborg,
			State: samspil.ParticipationInvited}); err != nil {
			t.Fatal(err)
		}
		mustContain(t, w.viborgB.Do("GET", path, nil).Want(t, http.StatusOK), "<h1>Fælles ESDH</h1>")
		w.oB.Do("GET", path, nil).Want(t, http.StatusNotFound)
	})
}

// TestInitiativeParticipationForOwnOrganisation: the keepers invite
// Viborg; Viborg's administrator gets the choices for Viborg only, joins
// in two clicks (choose, confirm) and cannot answer for Silkeborg.
func TestInitiativeParticipationForOwnOrganisation(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newIniWorld(t, app)
		x := w.propose(t, "Fælles ESDH", samspil.VisibilitySector)
		path := "/initiatives/" + x.ID
		action := path + "/participation"

		// The owner invites Viborg by its municipality code.
		page := w.silkeborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		invite := iniForm(t, page, action, "state", "invited")
		u := wantRedirect(t, w.silkeborgB.Do("POST", action, with(invite, "code", testkit.Viborg, "reason", "Vil I være med?")), path)
		if u.Query().Get("done") != "initiative_invited" || u.Fragment != "participation" {
			t.Fatalf("invited: %v", u)
		}
		page = w.silkeborgB.Do("GET", u.RequestURI(), nil).Want(t, http.StatusOK)
		mustContain(t, page, "Organisationen er inviteret.", `<span class="badge badge-warning participation-state state-invited">inviteret</span>`, "Vil I være med?")

		// Viborg's administrator: choices for Viborg, none for Silkeborg.
		page = w.viborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "Viborg Kommune: jeres deltagelse", "Deltag bindende (skal)", "Deltag frivilligt (kan)", "Giv tilsagn", "Tak nej")
		mustNotContain(t, page, "Silkeborg Kommune: jeres deltagelse")
		for _, state := range []string{"interested", "pledged", "voluntary", "binding", "declined"} {
			if !hasIniForm(page, action, "organization_id", w.viborg.ID, "state", state) {
				t.Errorf("Viborg's administrator has no choice %s for Viborg", state)
			}
			if hasIniForm(page, action, "organization_id", w.silkeborg.ID, "state", state) {
				t.Errorf("Viborg's administrator may choose %s for Silkeborg", state)
			}
		}
		if hasIniForm(page, action, "state", "invited") || hasIniForm(page, path+"/budget") || hasIniForm(page, path+"/gates") {
			t.Error("Viborg's administrator is shown the keepers' forms")
		}

		// Posting for Silkeborg is refused and changes nothing.
		before := fingerprint(t, app)
		res := w.viborgB.Do("POST", action, url.Values{"organization_id": {w.silkeborg.ID}, "state": {"binding"}})
		res.Want(t, http.StatusForbidden)
		mustContain(t, res, "kun administratorer af Silkeborg Kommune kan give dens samtykke")
		w.viborgB.Do("POST", action, url.Values{"organization_id": {testkit.Aarhus}, "state": {"binding"}}).Want(t, http.StatusForbidden)
		if fingerprint(t, app) != before {
			t.Fatal("a refused participation changed the database")
		}

		// Two clicks: choose "Deltag bindende (skal)", confirm; not from
		// another web site.
		form := iniForm(t, page, action, "organization_id", w.viborg.ID, "state", "binding")
		w.viborgB.Do("POST", action, form, "Sec-Fetch-Site", "cross-site").Want(t, http.StatusForbidden)
		if fingerprint(t, app) != before {
			t.Fatal("a cross-site participation changed the database")
		}
		u = wantRedirect(t, w.viborgB.Do("POST", action, with(form, "res0.competence", "Projektleder", "res0.hours", "20")), path)
		if u.Query().Get("done") != "participation_saved" {
			t.Fatalf("joined: %v", u)
		}
		page = w.viborgB.Do("GET", u.RequestURI(), nil).Want(t, http.StatusOK)
		mustContain(t, page, "Deltagelsen er registreret.", `state-binding">bindende (skal)</span>`, "Projektleder, 20 timer pr. måned",
			"Viborg Kommune står nu som bindende (skal).")
		// A bound organisation may go to voluntary or withdraw, not bind again.
		if hasIniForm(page, action, "organization_id", w.viborg.ID, "state", "binding") || !hasIniForm(page, action, "organization_id", w.viborg.ID, "state", "withdrawn") {
			t.Error("the choices do not follow the participation's state")
		}
		// Withdrawing without a reason: the field error, nothing changed.
		before = fingerprint(t, app)
		res = w.viborgB.Do("POST", action, iniForm(t, page, action, "organization_id", w.viborg.ID, "state", "withdrawn"))
		res.Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "skal angive hvorfor")
		if fingerprint(t, app) != before {
			t.Fatal("a refused withdrawal changed the database")
		}

		// The history of each organisation.
		page = w.silkeborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Historik (2)")
	})
}

// TestInitiativeCalculatorFollowsParticipation: the calculator is
// recomputed from the participations on every view, so the shares on the
// page change when Viborg joins bindingly and Aarhus voluntarily; a key
// that cannot split says why in Danish.
func TestInitiativeCalculatorFollowsParticipation(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newIniWorld(t, app)
		x := w.propose(t, "Fælles ESDH", samspil.VisibilitySector)
		path := "/initiatives/" + x.ID

		// The budget: development once, operation a year.
		for _, line := range []url.Values{
			{"kind": {"development"}, "title": {"Udvikling"}, "amount": {"1.000.000"}, "year": {"2027"}},
			{"kind": {"operation"}, "title": {"Drift og support"}, "amount": {"200000,50"}},
		} {
			wantRedirect(t, w.silkeborgB.Do("POST", path+"/budget", line), path)
		}
		page := w.silkeborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, page, "1.000.000,00 kr.", "200.000,50 kr.", "Ingen organisation deltager endnu.")

		join := func(b *browser, org *samspil.Organization, state string) {
			t.Helper()
			page := b.Do("GET", path, nil).Want(t, http.StatusOK)
			form := iniForm(t, page, path+"/participation", "organization_id", org.ID, "state", state)
			wantRedirect(t, b.Do("POST", path+"/participation", form), path)
		}
		join(w.viborgB, w.viborg, "binding")
		page = w.aarhusB.Do("GET", path, nil).Want(t, http.StatusOK)
		if got := shareCells(t, page, w.viborg.ID, samspil.CostEqual); strings.Join(got, " | ") != "1.000.000,00 | 200.000,50" {
			t.Fatalf("Viborg alone pays %v", got)
		}
		perCapita := shareCells(t, page, w.viborg.ID, samspil.CostPerCapita)
		join(w.aarhusB, w.aarhus, "voluntary")

		page = w.silkeborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		noDuplicateIDs(t, page)
		if got := shareCells(t, page, w.viborg.ID, samspil.CostEqual); strings.Join(got, " | ") != "500.000,00 | 100.000,25" {
			t.Fatalf("Viborg's equal share with Aarhus: %v", got)
		}
		if got := shareCells(t, page, w.aarhus.ID, samspil.CostEqual); strings.Join(got, " | ") != "500.000,00 | 100.000,25" {
			t.Fatalf("Aarhus's equal share: %v", got)
		}
		if got := shareCells(t, page, w.viborg.ID, samspil.CostPerCapita); strings.Join(got, "") == strings.Join(perCapita, "") {
			t.Fatalf("Viborg's share per capita did not fall when Aarhus joined: %v", got)
		}
		mustContain(t, page, `state-binding">bindende (skal)</span>`, `state-voluntary">frivillig (kan)</span>`,
			`<th scope="colgroup" colspan="2" class="key-head chosen">Lige store andele <span class="badge badge-success">valgt</span></th>`)

		// Fixed percentages for Viborg only: the key cannot split and
		// says why; the other keys still split.
		cost := iniForm(t, page, path+"/cost")
		u := wantRedirect(t, w.silkeborgB.Do("POST", path+"/cost", with(cost, "key", "fixed_percentages", w.viborg.ID+".percent", "60")), path)
		if u.Query().Get("done") != "cost_saved" {
			t.Fatalf("cost: %v", u)
		}
		page = w.silkeborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Procentsatserne: skal give 100 % tilsammen (10000 hundrededele procent), ikke 6000", "Faste procentsatser <span class=\"badge badge-success\">valgt</span>")
		if got := shareCells(t, page, w.aarhus.ID, samspil.CostEqual); len(got) != 2 {
			t.Fatalf("the equal key stopped splitting: %v", got)
		}
		cost = iniForm(t, page, path+"/cost")
		wantRedirect(t, w.silkeborgB.Do("POST", path+"/cost", with(cost, w.aarhus.ID+".percent", "40")), path)
		page = w.silkeborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		if got := shareCells(t, page, w.viborg.ID, samspil.CostFixedPercentages); strings.Join(got, " | ") != "600.000,00 | 120.000,30" {
			t.Fatalf("Viborg's 60 %%: %v", got)
		}

		// When Aarhus withdraws, Viborg carries the equal share alone again.
		page = w.aarhusB.Do("GET", path, nil).Want(t, http.StatusOK)
		form := iniForm(t, page, path+"/participation", "organization_id", w.aarhus.ID, "state", "withdrawn")
		wantRedirect(t, w.aarhusB.Do("POST", path+"/participation", with(form, "reason", "Ikke i år")), path)
		page = w.silkeborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		if got := shareCells(t, page, w.viborg.ID, samspil.CostEqual); strings.Join(got, " | ") != "1.000.000,00 | 200.000,50" {
			t.Fatalf("Viborg after Aarhus withdrew: %v", got)
		}
		d := newDetector(t)
		for _, f := range d.find(body(page)) {
			t.Errorf("the page shows English: %s", f)
		}
	})
}

// TestInitiativeGateNamesMissingCriteria: a gate out of qualification
// without the must-criteria is refused with each missing criterion named
// in Danish, and nothing changes; answered and confirmed, it passes.
func TestInitiativeGateNamesMissingCriteria(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newIniWorld(t, app)
		x := w.propose(t, "Fælles ESDH", samspil.VisibilitySector)
		path := "/initiatives/" + x.ID

		page := w.silkeborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		gate := iniForm(t, page, path+"/gates")
		if gate.Get("to") != "qualification" {
			t.Fatalf("the gate form offers %v", gate)
		}
		u := wantRedirect(t, w.silkeborgB.Do("POST", path+"/gates", with(gate, "approved_by", "Direktionen i Silkeborg")), path)
		if u.Query().Get("done") != "gate_passed" {
			t.Fatalf("gate: %v", u)
		}
		page = w.silkeborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Fase: kvalificering", "idé → kvalificering, godkendt af Direktionen i Silkeborg", `class="phase-chart"`, `role="img"`)

		// To analysis without the criteria.
		before := fingerprint(t, app)
		gate = iniForm(t, page, path+"/gates")
		res := w.silkeborgB.Do("POST", path+"/gates", with(gate, "to", "analysis", "approved_by", "Direktionen i Silkeborg"))
		res.Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, "Overgangen er blokeret. Disse skal-kriterier mangler:",
			"er ikke opfyldt: behovet er bekræftet af mindst to organisationer", "er ikke opfyldt: en navngiven ejer",
			"er ikke opfyldt: kompetencerne er bemandet", "er ikke opfyldt: finansiering af udviklingen",
			"er ikke opfyldt: finansiering af den senere vedligeholdelse", "er ikke opfyldt: det langsigtede ejerskab",
			"er ikke opfyldt: kobling til et strategisk mål", `id="f-gate.criteria.owner_named"`, `href="#f-gate.criteria.owner_named"`)
		if fingerprint(t, app) != before {
			t.Fatal("a blocked gate changed the database")
		}
		noDuplicateIDs(t, res)
		d := newDetector(t)
		for _, f := range d.find(body(res)) {
			t.Errorf("the blocked gate shows English: %s", f)
		}

		// The keepers answer the criteria; a criterion said to be met
		// needs its evidence.
		crit := iniForm(t, page, path+"/criteria")
		res = w.silkeborgB.Do("POST", path+"/criteria", with(crit, "met", "owner_named"))
		res.Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "mangler dokumentation")
		mustContain(t, res, `id="f-criteria.owner_named"`)
		crit = url.Values{"version": crit["version"]}
		for _, c := range samspil.Criteria {
			if c != samspil.CriterionNeedConfirmed {
				crit.Add("met", string(c))
				crit.Set(string(c), "Dokumenteret i projektgrundlaget")
			}
		}
		wantRedirect(t, w.silkeborgB.Do("POST", path+"/criteria", crit), path)
		// The need, confirmed by Silkeborg and Viborg, each for itself.
		for _, b := range []*browser{w.silkeborgB, w.viborgB} {
			page = b.Do("GET", path, nil).Want(t, http.StatusOK)
			need := iniForm(t, page, path+"/need")
			wantRedirect(t, b.Do("POST", path+"/need", with(need, "evidence", "Vi har 40 sager om måneden")), path)
		}
		page = w.silkeborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, page, "2 organisationer har bekræftet behovet.")
		gate = iniForm(t, page, path+"/gates")
		wantRedirect(t, w.silkeborgB.Do("POST", path+"/gates", with(gate, "to", "analysis", "approved_by", "Direktionen i Silkeborg")), path)
		page = w.silkeborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Fase: analyse", "kvalificering → analyse")
	})
}

// TestInitiativeBudgetRefusesNegativeAmount: a negative amount shows the
// field error at the amount and changes nothing; a line is deleted with
// its version.
func TestInitiativeBudgetRefusesNegativeAmount(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newIniWorld(t, app)
		x := w.propose(t, "Fælles ESDH", samspil.VisibilitySector)
		path := "/initiatives/" + x.ID
		page := w.silkeborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		form := iniForm(t, page, path+"/budget")

		before := fingerprint(t, app)
		res := w.silkeborgB.Do("POST", path+"/budget", with(form, "title", "Licenser", "amount", "-5.000"))
		res.Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "må ikke være negativ")
		mustContain(t, res, `id="f-budget.amount"`, `href="#f-budget.amount"`, `value="-5.000"`, `id="budget-form" open`)
		res = w.silkeborgB.Do("POST", path+"/budget", with(form, "title", "Licenser", "amount", "mange penge"))
		res.Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "skal være et beløb i kroner som 125.000,50")
		if fingerprint(t, app) != before {
			t.Fatal("a refused budget line changed the database")
		}
		// Viborg may not add to Silkeborg's budget.
		w.viborgB.Do("POST", path+"/budget", with(form, "title", "Licenser", "amount", "5000")).Want(t, http.StatusForbidden)
		if fingerprint(t, app) != before {
			t.Fatal("a refused budget line changed the database")
		}

		wantRedirect(t, w.silkeborgB.Do("POST", path+"/budget", with(form, "title", "Licenser", "amount", "5.000")), path)
		page = w.silkeborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, page, "<th scope=\"row\">Licenser</th>", "5.000,00 kr.")
		lines, err := app.DB.ListBudgetLines(context.Background(), w.sAdmin.Actor, x.ID)
		if err != nil || len(lines) != 1 {
			t.Fatalf("lines %v %+v", err, lines)
		}
		del := path + "/budget/" + lines[0].ID + "/delete"
		res = w.silkeborgB.Do("POST", del, url.Values{"version": {"99"}})
		if res.Status != http.StatusConflict && res.Status != http.StatusPreconditionFailed {
			t.Fatalf("a stale delete answered %d", res.Status)
		}
		u := wantRedirect(t, w.silkeborgB.Do("POST", del, iniForm(t, page, del)), path)
		page = w.silkeborgB.Do("GET", u.RequestURI(), nil).Want(t, http.StatusOK)
		mustContain(t, page, "Budgetlinjen er slettet.", "Budgettet har ingen linjer endnu.")
	})
}

// TestInitiativeBenefitsAndLessons: a participant plans a benefit and
// records what it realised; the page shows planned against realised in a
// table and a chart; it records a lesson.
func TestInitiativeBenefitsAndLessons(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newIniWorld(t, app)
		x := w.propose(t, "Fælles ESDH", samspil.VisibilitySector)
		path := "/initiatives/" + x.ID
		if _, err := app.DB.SetParticipation(context.Background(), w.vAdmin.Actor, x.ID, samspil.ParticipationInput{OrganizationID: testkit.Viborg,
			State: samspil.ParticipationVoluntary}); err != nil {
			t.Fatal(err)
		}
		page := w.viborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		form := iniForm(t, page, path+"/benefits")
		if form.Get("organization_id") != w.viborg.ID {
			t.Fatalf("the benefit form is for %v", form)
		}
		res := w.viborgB.Do("POST", path+"/benefits", with(form, "title", "Færre manuelle opslag", "planned", "-1", "owner_name", "Ida Holm"))
		res.Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "må ikke være negativ")
		wantRedirect(t, w.viborgB.Do("POST", path+"/benefits", with(form, "title", "Færre manuelle opslag", "planned", "250.000",
			"owner_name", "Ida Holm", "plan", "Omlægning af opslag i 2027")), path)
		page = w.viborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		bs, err := app.DB.ListBenefits(context.Background(), w.vAdmin.Actor, x.ID)
		if err != nil || len(bs) != 1 {
			t.Fatalf("benefits %v %+v", err, bs)
		}
		real := path + "/benefits/" + bs[0].ID + "/realisations"
		wantRedirect(t, w.viborgB.Do("POST", real, with(iniForm(t, page, real), "value", "100.000")), path)
		// Silkeborg may not record Viborg's realisation.
		w.silkeborgB.Do("POST", real, url.Values{"on": {samspil.Today(samspil.Now()).String()}, "value": {"1"}}).Want(t, http.StatusForbidden)

		page = w.silkeborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Færre manuelle opslag", "250.000 kr.", "100.000 kr.", "40 % af det planlagte", `class="benefit-chart"`,
			"Viborg Kommune: planlagt 250.000 kr., realiseret 100.000 kr.")
		if hasForm(page, real) {
			t.Error("Silkeborg is offered Viborg's realisation form")
		}

		lesson := iniForm(t, page, path+"/lessons")
		wantRedirect(t, w.silkeborgB.Do("POST", path+"/lessons", with(lesson, "title", "Kan bærer ikke skal", "what_did_not",
			"Frivillig deltagelse bar ikke forandringen", "tags", "Forpligtelse, ambition")), path)
		page = w.viborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, page, "<h3>Kan bærer ikke skal</h3>", "Frivillig deltagelse bar ikke forandringen", ">forpligtelse</span>")
		d := newDetector(t)
		for _, f := range d.find(body(page)) {
			t.Errorf("the page shows English: %s", f)
		}
	})
}

// iniExamples is the example initiative of each crawl's world
// (testkit.ExampleInitiative), for danishWorld.examples.
var iniExamples = map[*danishWorld]string{}

// TestInitiativePageFormsAgreeWithStore walks the page of an initiative as
// every role, as TestPagesAndStoreAgree walks the other pages: a form shown
// is accepted by the store (on a copy of the fixture), a form not shown is
// refused and changes nothing.
func TestInitiativePageFormsAgreeWithStore(t *testing.T) {
	app := testkit.NewApp(t, "sqlite")
	ctx := context.Background()
	db := app.DB
	w := newIniWorld(t, app)
	testkit.NewPerson(t, db, "editor@silkeborg.example", testkit.Silkeborg, samspil.RoleEditor)
	testkit.NewPerson(t, db, "viewer@silkeborg.example", testkit.Silkeborg, samspil.RoleViewer)
	testkit.NewPerson(t, db, "editor@viborg.example", testkit.Viborg, samspil.RoleEditor)
	testkit.NewPerson(t, db, "admin@koebenhavn.example", "0101", samspil.RoleAdmin)
	op := testkit.NewPerson(t, db, "drift@example.org", odense, samspil.RoleViewer)
	if _, err := db.UpdateUser(ctx, testkit.System, op.User.ID, 1, samspil.UserPatch{Operator: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// Silkeborg's initiative in its idea phase: Viborg bound, Aarhus and
	// Odense invited; a budget line, Viborg's benefit, a lesson.
	x := w.propose(t, "Fælles ESDH", samspil.VisibilitySector)
	for _, p := range []samspil.ParticipationInput{{OrganizationID: testkit.Viborg, State: samspil.ParticipationBinding},
		{OrganizationID: testkit.Aarhus, State: samspil.ParticipationInvited}, {OrganizationID: odense, State: samspil.ParticipationInvited}} {
		_, err := db.SetParticipation(ctx, testkit.System, x.ID, p)
		must(err)
	}
	_, err := db.AddBudgetLine(ctx, w.sAdmin.Actor, x.ID, samspil.BudgetLineInput{Kind: samspil.BudgetDevelopment, Title: "Udvikling", Amount: 100000})
	must(err)
	_, err = db.PlanBenefit(ctx, w.vAdmin.Actor, x.ID, samspil.BenefitInput{OrganizationID: testkit.Viborg, Kind: samspil.BenefitHours,
		Title: "Færre opslag", Planned: 10000, OwnerName: "Ida Holm"})
	must(err)
	_, err = db.RecordLesson(ctx, w.vAdmin.Actor, samspil.LessonInput{InitiativeID: x.ID, OrganizationID: testkit.Viborg, Title: "Aftal driften tidligt",
		WhatWorked: "Fælles krav"})
	must(err)
	page := "/initiatives/" + x.ID
	fills := map[string]url.Values{
		"/budget":        {"amount": {"1.000"}},
		"/benefits":      {"planned": {"100"}},
		"/realisations":  {"value": {"10"}},
		"/lessons":       {"what_worked": {"Fælles krav"}},
		"/participation": {"organization_id": {"0101"}}, // the invitation's organisation
	}
	roles := []walkRole{{name: "anonymous"}}
	for _, p := range []struct{ name, email string }{
		{"operator", op.User.Email}, {"Silkeborg admin (owner)", "admin@silkeborg.example"}, {"Silkeborg editor", "editor@silkeborg.example"},
		{"Silkeborg viewer", "viewer@silkeborg.example"}, {"Viborg admin (bound)", "admin@viborg.example"}, {"Viborg editor", "editor@viborg.example"},
		{"Aarhus admin (invited)", "admin@aarhus.example"}, {"Odense admin (invited)", "admin@odense.example"},
		{"Copenhagen admin (outsider)", "admin@koebenhavn.example"},
	} {
		_, secret := signIn(t, app, p.email)
		roles = append(roles, walkRole{name: p.name, email: p.email, secret: secret})
	}
	today := samspil.Today(samspil.Now())
	shown := map[string]walkForm{}
	byRole := map[string]map[string]walkForm{}
	for _, r := range roles {
		res := r.get(t, app, page)
		byRole[r.name] = map[string]walkForm{}
		if res.Status != http.StatusOK {
			continue // anonymous: the initiative is for signed-in organisations
		}
		for _, f := range walkForms(t, res, today, fills) {
			byRole[r.name][f.key] = f
			if _, ok := shown[f.key]; !ok {
				shown[f.key] = f
			}
		}
	}
	if len(byRole["Silkeborg admin (owner)"]) < 12 || len(byRole["Viborg admin (bound)"]) < 4 || len(byRole["anonymous"]) != 0 {
		t.Fatalf("the roles are shown too few forms: owner %d, Viborg %d, anonymous %d", len(byRole["Silkeborg admin (owner)"]),
			len(byRole["Viborg admin (bound)"]), len(byRole["anonymous"]))
	}
	before := fingerprint(t, app)
	refusals, acceptances := 0, 0
	for _, r := range roles {
		for key, f := range shown {
			if _, ok := byRole[r.name][key]; ok {
				continue
			}
			refusals++
			if res := r.post(t, app, f); !refused(res) {
				t.Errorf("%s is not shown %s, but the store accepts it: %d %s", r.name, key, res.Status, excerpt(res))
			}
		}
	}
	if fingerprint(t, app) != before {
		t.Fatal("a refused form changed the database")
	}
	for _, r := range roles {
		for key, f := range byRole[r.name] {
			acceptances++
			if res := r.post(t, app.Clone(t), f); !accepted(res) {
				t.Errorf("%s is shown %s, but the store refuses it: %d %s", r.name, key, res.Status, excerpt(res))
			}
		}
	}
	t.Logf("%d roles: %d forms shown in all, %d refused where not shown, %d accepted where shown", len(roles), len(shown), refusals, acceptances)
}

// TestInitiativeGateByCollaborationDecision: inside a collaboration a gate
// is passed by one of its adopted decisions, which the form offers (and no
// other); the gates list links to it.
func TestInitiativeGateByCollaborationDecision(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		db := app.DB
		w := newIniWorld(t, app)
		c := testkit.Partnership(t, db, w.sAdmin.Actor)
		sAdmin, vAdmin := testkit.Actor(t, db, w.sAdmin.User.ID), testkit.Actor(t, db, w.vAdmin.User.ID)
		x, err := db.ProposeInitiative(ctx, sAdmin, samspil.InitiativeInput{Title: "Fælles borgerportal", CollaborationID: c.ID,
			Model: samspil.ModelImplementation, Visibility: samspil.VisibilityPrivate})
		if err != nil {
			t.Fatal(err)
		}
		today := samspil.Today(samspil.Now())
		adopted, err := db.CreateDecision(ctx, sAdmin, c.ID, samspil.DecisionInput{Title: "Borgerportalen kvalificeres", Rule: samspil.RuleMajority, DecidedOn: today})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []struct {
			by  *samspil.Actor
			org string
		}{{sAdmin, w.silkeborg.ID}, {vAdmin, w.viborg.ID}} {
			if _, err := db.CastVote(ctx, v.by, adopted.ID, samspil.VoteInput{OrganizationID: v.org, Choice: samspil.VoteFor}); err != nil {
				t.Fatal(err)
			}
		}
		pending, err := db.CreateDecision(ctx, sAdmin, c.ID, samspil.DecisionInput{Title: "Borgerportalen analyseres", Rule: samspil.RuleMajority, DecidedOn: today})
		if err != nil {
			t.Fatal(err)
		}
		path := "/initiatives/" + x.ID
		page := w.silkeborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, page, `<a href="/collaborations/`+c.ID+`">Silkeborg–Viborg IT-samarbejde</a>`, `<option value="`+adopted.ID+`">Borgerportalen kvalificeres (`)
		mustNotContain(t, page, pending.ID, `name="approved_by"`)
		if hasIniForm(w.viborgB.Do("GET", path, nil).Want(t, http.StatusOK), path+"/gates") {
			t.Error("Viborg, a member but not the secretariat, is offered the gate form")
		}
		gate := iniForm(t, page, path+"/gates")
		res := w.silkeborgB.Do("POST", path+"/gates", with(gate, "decision_id", pending.ID))
		res.Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "Borgerportalen analyseres er ikke vedtaget (åben)")
		wantRedirect(t, w.silkeborgB.Do("POST", path+"/gates", with(gate, "decision_id", adopted.ID)), path)
		page = w.silkeborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Fase: kvalificering", `idé → kvalificering, ved beslutningen <a href="/decisions/`+adopted.ID+`">Borgerportalen kvalificeres</a>`)
	})
}

// TestInitiativeEdit: those who keep the initiative edit its facts, with
// the related systems among those the owner uses; an unknown KLE code is
// an error at its field and changes nothing; the version guards against
// editing over another's change.
func TestInitiativeEdit(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		w := newIniWorld(t, app)
		sys, err := app.DB.CreateSystem(ctx, w.sAdmin.Actor, samspil.SystemInput{Name: "Silkeborgs ESDH", Category: samspil.CategoryCaseManagement,
			OwnerID: w.silkeborg.ID, Visibility: samspil.VisibilitySector})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := app.DB.CreateUsage(ctx, w.sAdmin.Actor, samspil.UsageInput{OrganizationID: w.silkeborg.ID, SystemID: sys.ID,
			Lifecycle: samspil.LifecycleOperational, Visibility: samspil.VisibilitySector}); err != nil {
			t.Fatal(err)
		}
		x := w.propose(t, "Fælles ESDH", samspil.VisibilitySector)
		path := "/initiatives/" + x.ID
		page := w.silkeborgB.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, page, `value="`+sys.ID+`"`, ">Silkeborgs ESDH</label>")
		edit := iniForm(t, page, path)
		if edit.Get("title") != "Fælles ESDH" || edit.Get("model") != "implementation" {
			t.Fatalf("the edit form holds %v", edit)
		}
		if hasIniForm(w.viborgB.Do("GET", path, nil).Want(t, http.StatusOK), path) {
			t.Fatal("Viborg is offered the edit form")
		}

		before := fingerprint(t, app)
		res := w.silkeborgB.Do("POST", path, with(edit, "tasks", "99.99.99"))
		res.Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `href="#f-edit.tasks"`, `id="e-edit.tasks"`, `value="99.99.99"`)
		if fingerprint(t, app) != before {
			t.Fatal("a refused edit changed the database")
		}

		edited := with(edit, "title", "Fælles ESDH-platform", "contact_name", "Ida Holm", "contact_email", "ida@silkeborg.example",
			"expected_benefits", "Én platform i stedet for to")
		edited.Set("system_ids", sys.ID)
		u := wantRedirect(t, w.silkeborgB.Do("POST", path, edited), path)
		page = w.silkeborgB.Do("GET", u.RequestURI(), nil).Want(t, http.StatusOK)
		mustContain(t, page, "Initiativet er gemt.", "<h1>Fælles ESDH-platform</h1>", `<a href="/systems/`+sys.ID+`">Silkeborgs ESDH</a>`,
			`<a href="mailto:ida@silkeborg.example">ida@silkeborg.example</a>`, "Én platform i stedet for to")

		// The form posted before the change is now stale.
		res = w.silkeborgB.Do("POST", path, with(edit, "title", "Gammel titel"))
		res.Want(t, http.StatusPreconditionFailed)
		mustNotContain(t, w.silkeborgB.Do("GET", path, nil), "<h1>Gammel titel</h1>")
	})
}
