package server_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/demo"
	"github.com/samspil/samspil/internal/mail/mailtest"
	"github.com/samspil/samspil/internal/server"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// pageWorld is the demo data, filled further, with one example of each
// parameterised page.
type pageWorld struct {
	silkeborg, viborg               *samspil.Organization
	collab, forum, meeting          string
	decision, contract, system      string
	usage                           string // a usage with relations both ways and dependents
	unit                            string // a unit with units below it
	dataProcessing                  string // the demo's registration of Silkeborg's Nexus
	importID, joinSecret, resetLink string
	grouping                        string // a grouping of Denmark compared with its regions
}

// nonPages are the GET routes of the route table that answer with
// something else than a page of the design system; every other GET route
// outside the API is a page and needs an example in pageExamples.
var nonPages = map[string]string{
	"GET /static/{path...}":                    "style sheets, scripts, fonts and icons",
	"GET /calendar/{file}":                     "iCalendar feeds",
	"GET /templates/{file}":                    "spreadsheet templates to download",
	"GET /organizations/{id}/export":           "spreadsheets to download",
	"GET /imports/{import}/invalid-rows":       "spreadsheets to download",
	"GET /collaborations/{id}/documents/{doc}": "the documents people uploaded",
	"GET /initiatives/export":                  "spreadsheets to download",
	"GET /search/suggest":                      "a fragment of the header's search, which the search page shows in full",
	"GET /healthz":                             "operations",
	"GET /readyz":                              "operations",
	"GET /metrics":                             "operations",
	"GET /login/sso/{provider}/metadata":       "SAML metadata (XML) for an identity provider",
	"GET /login/sso/{provider}/slo":            "a SAML provider's single logout: redirects only (saml_test.go checks them)",
	"GET /login/sso/callback":                  "the end of a sign-in at an identity provider, reached only by the provider's redirect (browser_sso_test.go checks the pages it shows)",
}

// anonymousPages are visited without signing in: a signed-in person is
// sent on from them, or sees them differently.
var anonymousPages = map[string]bool{
	"GET /login":                   true,
	"GET /password-reset":          true,
	"GET /password-reset/{secret}": true,
	"GET /join/{secret}":           true,
}

// pageExamples are a path for each page route (those without parameters
// too, where the bare path would show little) and the status it answers.
func (w *pageWorld) pageExamples() map[string]struct {
	path   string
	status int
} {
	s := w.silkeborg.ID
	ok := func(p string) struct {
		path   string
		status int
	} {
		return struct {
			path   string
			status int
		}{p, 200}
	}
	return map[string]struct {
		path   string
		status int
	}{
		"GET /":                                  {"/no-such-page", 404},
		"GET /{$}":                               ok("/"),
		"GET /account":                           ok("/account"),
		"GET /my/action-items":                   ok("/my/action-items"),
		"GET /my/meetings":                       ok("/my/meetings"),
		"GET /my/votes":                          ok("/my/votes"),
		"GET /login":                             ok("/login"),
		"GET /organizations/{id}/sign-in":        ok("/organizations/" + s + "/sign-in"),
		"GET /password-reset":                    ok("/password-reset"),
		"GET /password-reset/{secret}":           ok("/password-reset/" + w.resetLink),
		"GET /join/{secret}":                     ok(sqldb.InvitationPath(w.joinSecret)),
		"GET /search":                            ok("/search?q=Silkeborg"),
		"GET /organizations":                     ok("/organizations"),
		"GET /organizations/{id}":                ok("/organizations/" + s),
		"GET /organizations/{id}/people":         ok("/organizations/" + s + "/people"),
		"GET /organizations/{id}/units/{unit}":   ok("/organizations/" + s + "/units/" + w.unit),
		"GET /organizations/{id}/audit":          ok("/organizations/" + s + "/audit"),
		"GET /organizations/{id}/landscape":      ok("/organizations/" + s + "/landscape"),
		"GET /organizations/{id}/deadlines":      ok("/organizations/" + s + "/deadlines"),
		"GET /organizations/{id}/contracts/new":  ok("/organizations/" + s + "/contracts/new"),
		"GET /organizations/{id}/import":         ok("/organizations/" + s + "/import"),
		"GET /organizations/{id}/kitos":          ok("/organizations/" + s + "/kitos"),
		"GET /organizations/{id}/calendar-feeds": ok("/organizations/" + s + "/calendar-feeds"),
		"GET /organizations/{id}/opportunities":  ok("/organizations/" + s + "/opportunities"),
		"GET /organizations/{id}/role-types":     ok("/organizations/" + s + "/role-types"),
		"GET /imports/{import}":                  ok("/imports/" + w.importID),
		"GET /systems":                           ok("/systems"),
		"GET /systems/new":                       ok("/systems/new"),
		"GET /systems/{id}":                      ok("/systems/" + w.system),
		"GET /organizations/{id}/usages/{usage}": ok("/organizations/" + s + "/usages/" + w.usage),
		"GET /contracts/{id}":                    ok("/contracts/" + w.contract),
		"GET /collaborations":                    ok("/collaborations"),
		"GET /collaborations/{id}":               ok("/collaborations/" + w.collab),
		"GET /collaborations/{id}/forums":        ok("/collaborations/" + w.collab + "/forums"),
		"GET /forums/{id}":                       ok("/forums/" + w.forum),
		"GET /meetings/{id}":                     ok("/meetings/" + w.meeting),
		"GET /collaborations/{id}/decisions":     ok("/collaborations/" + w.collab + "/decisions"),
		"GET /decisions/{id}":                    ok("/decisions/" + w.decision),
		"GET /collaborations/{id}/ambitions":     ok("/collaborations/" + w.collab + "/ambitions"),
		"GET /collaborations/{id}/health":        ok("/collaborations/" + w.collab + "/health?at=2018-10-31"),
		"GET /collaborations/{id}/health/report": ok("/collaborations/" + w.collab + "/health/report?from=2017-11-01&to=2018-10-31"),
		"GET /organizations/{id}/health":         ok("/organizations/" + s + "/health"),
		"GET /collaborations/{id}/strategies":    ok("/collaborations/" + w.collab + "/strategies"),
		"GET /collaborations/{id}/action-items":  ok("/collaborations/" + w.collab + "/action-items?show=all"),

		// Initiatives: the portfolio's pages.
		"GET /initiatives":                        ok("/initiatives"),
		"GET /initiatives/new":                    ok("/initiatives/new?model=procurement&invite=" + w.viborg.ID), // prefilled as from Muligheder
		"GET /initiatives/mine":                   ok("/initiatives/mine"),
		"GET /lessons":                            ok("/lessons"),
		"GET /collaborations/{id}/prioritisation": ok("/collaborations/" + w.collab + "/prioritisation"),
		"GET /initiatives/{id}":                   ok("/initiatives/" + pageInitiatives[w]), // initiative_page_test.go

		// Opportunities: who can help, and the grouping what-if with its map.
		"GET /who-can-help": ok("/who-can-help?system_id=" + w.system),
		"GET /groupings":    ok(w.grouping),

		// Data processing: a registration from the demo, and the form.
		"GET /data-processing/{id}":                   ok("/data-processing/" + w.dataProcessing),
		"GET /organizations/{id}/data-processing/new": ok("/organizations/" + s + "/data-processing/new"),
	}
}

// newPageWorld loads the demo (a collaboration with forums, meetings with
// agendas, decisions with votes, ambitions, strategies, action items,
// contracts with deadlines, a landscape) and adds open business: an
// invitation to answer, an adjustment waiting, a person invited, a reset
// link; and an initiative with every part of its page filled.
func newPageWorld(t *testing.T, app *testkit.App) *pageWorld {
	w := fillPageWorld(t, app)
	pageInitiatives[w] = testkit.ExampleInitiative(t, app.DB)
	return w
}

// fillPageWorld is newPageWorld but for the initiative.
func fillPageWorld(t *testing.T, app *testkit.App) *pageWorld {
	t.Helper()
	ctx := context.Background()
	db := app.DB
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	if created, err := demo.Ensure(ctx, db); err != nil || !created {
		t.Fatalf("demo: %v %v", created, err)
	}
	w := &pageWorld{silkeborg: testkit.Org(t, db, testkit.Silkeborg), viborg: testkit.Org(t, db, testkit.Viborg)}
	chiefID, err := db.UserIDByEmail(ctx, demo.SilkeborgChiefEmail)
	must(err)
	chief := testkit.Actor(t, db, chiefID)

	cs, err := db.ListCollaborations(ctx, chief, samspil.CollaborationFilter{Query: "Silkeborg–Viborg"})
	must(err)
	if len(cs.Items) != 1 {
		t.Fatalf("%d Silkeborg–Viborg collaborations in the demo", len(cs.Items))
	}
	w.collab = cs.Items[0].ID
	forums, err := db.ListForums(ctx, chief, w.collab)
	must(err)
	for _, f := range forums {
		if f.Name == "IT-chefmøde" {
			w.forum = f.ID
		}
	}
	ms, err := db.ListMeetings(ctx, chief, samspil.MeetingFilter{ForumID: w.forum, From: time.Now().AddDate(-1, 0, 0)})
	must(err)
	for _, m := range ms.Items {
		if len(m.Agenda) > 0 && w.meeting == "" {
			w.meeting = m.ID
		}
	}
	ds, err := db.ListDecisions(ctx, chief, samspil.DecisionFilter{CollaborationID: w.collab})
	must(err)
	for _, d := range ds.Items {
		if d.Outcome.Result == samspil.OutcomeAdopted && d.Outcome.For > 0 && w.decision == "" {
			w.decision = d.ID
		}
	}
	contracts, err := db.ListContracts(ctx, chief, samspil.ContractFilter{OrganizationID: w.silkeborg.ID})
	must(err)
	for _, c := range contracts.Items {
		if c.Deadlines.NextDecisionDate != nil && w.contract == "" {
			w.contract = c.ID
		}
	}
	units, err := db.ListUnits(ctx, chief, w.silkeborg.ID, samspil.ListOptions{Limit: samspil.MaxPageSize})
	must(err)
	for _, u := range units.Items {
		if u.ParentID != "" && w.unit == "" {
			w.unit = u.ParentID
		}
	}
	usages, err := db.ListUsages(ctx, chief, samspil.UsageFilter{OrganizationID: w.silkeborg.ID})
	must(err)
	if len(usages.Items) > 0 {
		w.system = usages.Items[0].SystemID
	}
	// The usage (and its system) that most others depend on: the demo's
	// ESDH, with interfaces and relations both ways.
	most := 0
	for _, u := range usages.Items {
		deps, err := db.UsageDependents(ctx, chief, u.ID)
		must(err)
		if len(deps) > most {
			most, w.usage, w.system = len(deps), u.ID, u.SystemID
		}
	}
	if w.usage == "" {
		t.Fatal("the demo lacks a usage others depend on")
	}
	processing, err := db.AllDataProcessing(ctx, chief, samspil.DataProcessingFilter{OrganizationID: w.silkeborg.ID})
	must(err)
	for _, r := range processing {
		if r.NextOversight != nil && len(r.Contracts) > 0 && w.dataProcessing == "" {
			w.dataProcessing = r.ID
		}
	}
	if w.dataProcessing == "" {
		t.Fatalf("the demo lacks a data processing registration with a next oversight and a contract")
	}
	if w.forum == "" || w.meeting == "" || w.decision == "" || w.contract == "" || w.system == "" {
		t.Fatalf("the demo lacks an example: forum %q meeting with agenda %q decision with votes %q contract with deadlines %q system in use %q",
			w.forum, w.meeting, w.decision, w.contract, w.system)
	}
	setKITOSFields(t, db, chief, w, usages.Items[0])

	_, err = db.Invite(ctx, chief, w.collab, samspil.InvitationInput{OrganizationID: testkit.Aarhus, Message: "Vil I være med?"})
	must(err)
	_, err = db.ProposeAdjustment(ctx, chief, w.collab, samspil.AdjustmentInput{Title: "Viborg bindende igen", EffectiveOn: samspil.Today(time.Now()).AddDays(30),
		Commitments: []samspil.CommitmentChange{{OrganizationID: w.viborg.ID, Commitment: samspil.CommitmentBinding}}})
	must(err)
	_, w.joinSecret, err = db.InvitePerson(ctx, chief, w.silkeborg.ID, samspil.PersonInvitationInput{Email: "ny@silkeborg.example", Role: samspil.RoleViewer})
	must(err)
	_, w.resetLink, err = db.RequestPasswordReset(ctx, demo.ViborgChiefEmail)
	must(err)

	// The five regions as the grouping to compare with a proposal of five
	// groups of Denmark's municipalities.
	munis, err := db.ListOrganizations(ctx, chief, samspil.OrganizationFilter{Kind: samspil.KindMunicipality, ListOptions: samspil.ListOptions{Limit: 200}})
	must(err)
	byRegion := map[string][]string{}
	for _, o := range munis.Items {
		byRegion[o.Region] = append(byRegion[o.Region], o.Name)
	}
	var lines []string
	for _, region := range samspil.DanishRegionCodes {
		lines = append(lines, strings.Join(byRegion[region], ", "))
	}
	w.grouping = "/groupings?" + url.Values{"organization_id": {w.silkeborg.ID}, "groups": {"5"}, "compare": {strings.Join(lines, "\n")}}.Encode()
	testkit.ExampleKitosRuns(t, db, testkit.Silkeborg) // KITOS runs with a change of every kind and every note
	return w
}

// TestBrowserEveryPageAccessible visits every page of the route table on
// the filled demo data, signed in as Silkeborg's IT chief (the anonymous
// pages without signing in), with every collapsed block opened, and checks
// each with axe-core (WCAG 2.1 A and AA: no violation) and at 320 px (no
// sideways scrolling). The list of pages comes from the route table: a GET
// route outside the API that is neither a page with an example nor named
// in nonPages fails the test. It also checks that the header's navigation
// collapses to the menu button at 320 px and that the button opens the
// mobile drawer.
func TestBrowserEveryPageAccessible(t *testing.T) {
	axe := axeSource(t)
	smtpd := mailtest.Start(t)
	mailCfg := smtpd.Config()
	app := testkit.NewAppWith(t, sqldb.SQLite, server.Config{Version: "test", SecureCookies: true, Mail: &mailCfg, PublicURL: "https://samspil.example"})
	w := newPageWorld(t, app)

	// The pages, from the route table.
	examples := w.pageExamples()
	type visit struct {
		pattern, path string
		status        int
	}
	var visits []visit
	routes := map[string]bool{}
	for _, r := range app.Server.Routes() {
		routes[r.Pattern] = true
		method, pattern, _ := strings.Cut(r.Pattern, " ")
		if method != "GET" || strings.HasPrefix(pattern, "/api/") || nonPages[r.Pattern] != "" {
			continue
		}
		ex, ok := examples[r.Pattern]
		if !ok {
			t.Errorf("no example for the page %s: add one to pageWorld.pageExamples (or, if it is no page, to nonPages)", r.Pattern)
			continue
		}
		visits = append(visits, visit{r.Pattern, ex.path, ex.status})
	}
	for pattern := range examples {
		if !routes[pattern] {
			t.Errorf("the example for %s names no route", pattern)
		}
	}
	for pattern := range nonPages {
		if !routes[pattern] {
			t.Errorf("nonPages names %s, which is no route", pattern)
		}
	}
	sort.Slice(visits, func(i, j int) bool { return visits[i].pattern < visits[j].pattern })
	if len(visits) < 30 {
		t.Fatalf("only %d pages: %v", len(visits), visits)
	}

	check := func(b *browser, who string, v visit, shows ...string) {
		t.Helper()
		resp, err := chromedp.RunResponse(b.ctx, chromedp.Navigate(app.URL+v.path))
		b.step(who+" opens "+v.path, err)
		u, err := url.Parse(resp.URL)
		b.step("parse "+resp.URL, err)
		if want, _, _ := strings.Cut(v.path, "?"); resp.Status != int64(v.status) || u.Path != want {
			t.Fatalf("%s opens %s (%s): %d at %s, want %d there", who, v.path, v.pattern, resp.Status, resp.URL, v.status)
		}
		for _, sel := range shows {
			if b.eval(`String(document.querySelectorAll(`+jsString(sel)+`).length)`) == "0" {
				t.Fatalf("%s on %s: the page shows no %s, so it is not the page meant to be checked", who, v.path, sel)
			}
		}
		// Every collapsed block (edit forms, details) open, so that its
		// content is checked too.
		b.eval(`String(Array.from(document.querySelectorAll("details")).map(d => d.open = true).length)`)
		start := time.Now()
		checkAccessible(t, b, axe, who+" on "+v.path+" ("+v.pattern+")")
		t.Logf("%s: %s", v.path, time.Since(start).Round(10*time.Millisecond))
	}

	// Anonymous pages first, in a browser of their own.
	anon := openBrowserFor(t, 3*time.Minute)
	for _, v := range visits {
		if anonymousPages[v.pattern] {
			check(anon, "anonymous", v)
		}
	}

	b := openBrowserFor(t, 8*time.Minute)
	b.navigated("open the login page", "/login", chromedp.Navigate(app.URL+"/login"))
	b.step("fill in the login form", chromedp.Do(b.ctx,
		chromedp.SendKeys(chromedp.CSS("#f-email"), demo.SilkeborgChiefEmail),
		chromedp.SendKeys(chromedp.CSS("#f-password"), demo.Password),
	))
	b.navigated("sign in as Silkeborg's IT chief", "/", chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`)))

	// An import in progress: a file with errors uploaded and previewed,
	// not saved; its page shows the step indicator and the errors.
	file := filepath.Join(t.TempDir(), "anvendelser.csv")
	// It has a valid row too, for the sample, a unit the organisation
	// lacks, for the choice, and a column that is not read.
	if err := os.WriteFile(file, []byte("System*;Livscyklus;Fra;Til;Antal brugere;Synlighed;Leverandør CVR;Ansvarlig enhed;Kritikalitet\n"+
		"Testsystem fra KITOS;I drift;2024-01-01;;11-50;Offentlig;;Enhed fra KITOS;Høj\n"+
		"Nexus;Måske;31-31-2024;2023-01-01;mange;hemmelig;123;;\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b.navigated("open the import page", "/organizations/"+w.silkeborg.ID+"/import", chromedp.Navigate(app.URL+"/organizations/"+w.silkeborg.ID+"/import"))
	b.step("choose the file", chromedp.Do(b.ctx, chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file})))
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`main form[enctype="multipart/form-data"] button[type="submit"]`)))
	b.step("upload", err)
	u, err := url.Parse(resp.URL)
	b.step("parse "+resp.URL, err)
	if w.importID = strings.TrimPrefix(u.Path, "/imports/"); resp.Status != 200 || w.importID == u.Path {
		t.Fatalf("the upload answered %d at %s", resp.Status, resp.URL)
	}
	examples = w.pageExamples()
	for i := range visits {
		if visits[i].pattern == "GET /imports/{import}" {
			visits[i].path = examples["GET /imports/{import}"].path
		}
	}

	// What each page must show to be the filled page meant.
	shows := map[string][]string{
		"GET /collaborations/{id}":               {"svg.history-chart", "ol.history", "#invitations", "#adjustments", "nav.breadcrumbs", ".tab-container a[aria-current=page]"},
		"GET /meetings/{id}":                     {"ol.agenda li", "form[action$=\"/minutes\"]"},
		"GET /decisions/{id}":                    {"#outcome.alert", "table.votes tbody tr"},
		"GET /contracts/{id}":                    {".alert.deadline-box", "svg.timeline"},
		"GET /organizations/{id}/deadlines":      {"table.deadlines", "svg.timeline"},
		"GET /imports/{import}":                  {"ol.step-indicator li.current", "table.import-errors", "table.import-sample", "#f-unit_0"},
		"GET /organizations/{id}/import":         {"ol.step-indicator li.current"},
		"GET /systems/{id}":                      {"svg.dkmap a[href]"},
		"GET /collaborations/{id}/action-items":  {"table.action-items tbody tr"},
		"GET /collaborations/{id}/strategies":    {"table.coverage tbody tr"},
		"GET /collaborations/{id}/ambitions":     {"h2"},
		"GET /collaborations/{id}/health":        {"ul.health-warnings li", "svg.health-line"},
		"GET /collaborations/{id}/health/report": {"table.report-period tbody tr", "svg.health-line"},
		"GET /organizations/{id}/health":         {"ol.portfolio > li", "svg.health-line"},
		"GET /forums/{id}":                       {"table.meetings tbody tr"},
		"GET /initiatives/new":                   {"fieldset#f-invite input:checked"},
		"GET /organizations/{id}/opportunities":  {"ol.opportunity-list li .actions a", "svg.windows-chart", "table.window-members tbody tr", "table.harmonisation-tasks tbody tr"},
		"GET /who-can-help":                      {"#longest-h", "select#f-system_id option[selected]"},
		"GET /groupings":                         {"svg#grouping-map a[href]", ".grouping-group", ".group-labels text", ".grouping-compared table"},
	}
	for _, v := range visits {
		if !anonymousPages[v.pattern] {
			check(b, "Silkeborg's IT chief", v, shows[v.pattern]...)
		}
	}

	// At 320 px the header's menu collapses behind the menu button, which
	// opens the mobile drawer with the same links.
	b.navigated("open the directory", "/organizations", chromedp.Navigate(app.URL+"/organizations"))
	_, err = chromedp.Run(b.ctx, chromedp.EmulateViewport(320, 640))
	b.step("narrow the window to 320 px", err)
	visible := func(sel string) string {
		return b.eval(`(() => { const e = document.querySelector(` + jsString(sel) + `); if (!e) return "missing";
			const s = getComputedStyle(e), r = e.getBoundingClientRect();
			return s.display !== "none" && s.visibility !== "hidden" && r.width > 0 && r.height > 0 && r.right > 0 && r.left < innerWidth ? "visible" : "hidden"; })()`)
	}
	if got := visible(".navigation-menu .mainmenu"); got != "hidden" {
		t.Errorf("at 320 px the desktop menu is %s", got)
	}
	if got := visible(".js-menu-open"); got != "visible" {
		t.Fatalf("at 320 px the menu button is %s", got)
	}
	if got := visible(".mobile-drawer"); got == "visible" {
		t.Fatal("at 320 px the mobile drawer is open before the menu button is pressed")
	}
	// waitUntil polls (in Go: the page's CSP allows no eval) until the
	// element is as wanted, for at most five seconds.
	waitUntil := func(sel, want string) string {
		got := visible(sel)
		for deadline := time.Now().Add(5 * time.Second); got != want && time.Now().Before(deadline); got = visible(sel) {
			time.Sleep(100 * time.Millisecond)
		}
		return got
	}
	b.step("press the menu button", chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(".js-menu-open"))))
	if got := waitUntil(`.mobile-drawer .navigation-menu-mobile a[href="/collaborations"]`, "visible"); got != "visible" {
		t.Fatalf("the menu button did not open the drawer: its links are %s", got)
	}
	if got := b.eval(`document.activeElement && document.activeElement.closest(".mobile-drawer") ? "in" : "out"`); got != "in" {
		t.Errorf("the focus is not in the opened drawer")
	}
	time.Sleep(500 * time.Millisecond) // the drawer slides in for 0.3 s; a click before it stands may miss the button
	b.step("close the drawer", chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(".mobile-drawer .js-menu-close"))))
	if got := waitUntil(`.mobile-drawer .navigation-menu-mobile a[href="/collaborations"]`, "hidden"); got != "hidden" {
		t.Errorf("the close button did not close the drawer: its links are %s", got)
	}
	_, err = chromedp.Run(b.ctx, chromedp.EmulateViewport(1280, 900))
	b.step("widen the window again", err)
	if got := visible(".navigation-menu .mainmenu"); got != "visible" {
		t.Errorf("at 1280 px the desktop menu is %s", got)
	}
}
