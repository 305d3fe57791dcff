package web_test

import (
	"context"
	"fmt"
	"go/ast"
	"go/token"
	"html"
	"io/fs"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/demo"
	"github.com/samspil/samspil/internal/testkit"
)

// The Danish UI must be Danish everywhere: the pages, their computed
// sentences, the errors of the domain and of imports, dates. The tests here
// crawl every page of the route table on the demo data in Danish and fail
// when a page shows a sentence of the English catalogue or a known English
// system phrase.

// ---------------------------------------------------------------- the detector

// englishPhrases are English system phrases that no Danish page shows:
// error texts of Go and of HTTP, and English words of the domain. They are
// matched as whole words, ignoring case.
var englishPhrases = []string{
	"not found", "invalid", "must be", "must not", "is required", "required", "cannot", "is not",
	"notice", "expires", "expired", "extension", "contract", "deadline", "successor",
	"Internal Server Error", "internal error", "Bad Request", "Forbidden", "Unauthorized", "Method Not Allowed",
	"too large", "strconv", "parsing time", "unexpected", "<nil>", "%!",
	"founding member", "binding", "voluntary", "observer", "secretariat", "chair", "member",
	"pending", "accepted", "declined", "withdrawn", "adopted", "rejected", "waiting for", "took part", "abstained",
	"municipality", "partnership", "association", "collaboration", "ambitions", "levels apart",
	"has declared", "strategy", "in force", "joined", "changed from", "was founded", "stopped",
	"operational", "phasing", "retired", "planned",
	"the", "and", "of the", "with", "please", "you",
}

// englishNames are English names of months and weekdays, matched as whole
// words with their capital letter (Danish writes them in lower case, and
// some are the same: "august").
var englishNames = []string{
	"January", "February", "March", "April", "June", "July", "October", "December",
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
}

// allowedEnglish are texts a Danish page may show although they look
// English, each with the reason.
var allowedEnglish = map[string]string{
	"English": "the button that switches to English names the language in English",
}

// detector finds English on a page in the Danish UI.
type detector struct {
	fragments []string         // lower-cased English catalogue fragments
	words     []*regexp.Regexp // englishPhrases, then englishNames
	names     []string         // what words match, in order
}

// A fragment of the English catalogue counts when it is this long: shorter
// ones ("Status", "Pilot", "Open source") are shared by the languages or
// are names.
const (
	minFragmentChars = 12
	minFragmentWords = 2
)

// newDetector collects the English texts that differ from their Danish
// ones: the English pages' texts, and the English messages (the keys of the
// formats) that Danish translates. Fragments between fmt verbs count on
// their own; those that a Danish text also holds do not.
func newDetector(t *testing.T) *detector {
	t.Helper()
	da, en := loadCatalogue(t, "da"), loadCatalogue(t, "en")
	var all strings.Builder
	for _, v := range da {
		all.WriteString(strings.ToLower(v) + "\n")
	}
	danishText := all.String()
	seen := map[string]bool{}
	d := &detector{}
	add := func(english, danish string) {
		if english == danish {
			return
		}
		for _, frag := range reVerb.Split(english, -1) {
			frag = strings.ToLower(strings.Trim(strings.TrimSpace(frag), ".,;:()«»“”\"'–-!? "))
			if len(frag) < minFragmentChars || len(strings.Fields(frag)) < minFragmentWords || seen[frag] {
				continue
			}
			if strings.Contains(danishText, frag) {
				continue
			}
			seen[frag] = true
			d.fragments = append(d.fragments, frag)
		}
	}
	for key, text := range en {
		if dk, ok := da[key]; ok {
			add(text, dk)
		}
	}
	for key, text := range da {
		if _, ok := en[key]; !ok && strings.Contains(key, " ") {
			add(key, text) // an English message and its Danish translation
		}
	}
	if len(d.fragments) < 300 {
		t.Fatalf("only %d English fragments: the catalogue was not read", len(d.fragments))
	}
	for _, p := range englishPhrases {
		d.words = append(d.words, regexp.MustCompile(`(?i)(^|[^\pL\pN])`+regexp.QuoteMeta(p)+`($|[^\pL\pN])`))
		d.names = append(d.names, p)
	}
	for _, p := range englishNames {
		d.words = append(d.words, regexp.MustCompile(`(^|[^\pL\pN])`+regexp.QuoteMeta(p)+`($|[^\pL\pN])`))
		d.names = append(d.names, p)
	}
	return d
}

var (
	reInvisible  = regexp.MustCompile(`(?is)<(script|style|template|pre|code)\b.*?</(script|style|template|pre|code)>|<!--.*?-->`)
	reTag        = regexp.MustCompile(`(?s)<[^>]*>`)
	reShownAttr  = regexp.MustCompile(`(?i)\s(?:title|aria-label|placeholder|alt|aria-description)="([^"]*)"`)
	reButtonText = regexp.MustCompile(`(?i)<input\b[^>]*\btype="(?:submit|button)"[^>]*\bvalue="([^"]*)"`)
	reSpace      = regexp.MustCompile(`\s+`)
)

// visibleText returns what a reader sees or hears of a page: its text
// without tags, scripts and styles, and the attributes that are read out or
// shown (title, aria-label, placeholder, alt, the value of a button). Code
// (<code>, <pre>) is left out: it shows records as they are stored, such as
// the JSON of the audit log and the codes of its actions.
func visibleText(page string) string {
	page = reInvisible.ReplaceAllString(page, " ")
	var b strings.Builder
	for _, m := range reShownAttr.FindAllStringSubmatch(page, -1) {
		b.WriteString(" | " + m[1])
	}
	for _, m := range reButtonText.FindAllStringSubmatch(page, -1) {
		b.WriteString(" | " + m[1])
	}
	text := reTag.ReplaceAllString(page, " | ") + b.String()
	return reSpace.ReplaceAllString(html.UnescapeString(text), " ")
}

// find returns the English the page's visible text holds, each with a
// little of its context.
func (d *detector) find(page string) []string {
	text := visibleText(page)
	for allowed := range allowedEnglish {
		text = strings.ReplaceAll(text, allowed, " ")
	}
	lower := strings.ToLower(text)
	var out []string
	context := func(i, n int) string {
		from, to := max(i-40, 0), min(i+n+40, len(text))
		for from > 0 && !utf8.RuneStart(text[from]) {
			from--
		}
		for to < len(text) && !utf8.RuneStart(text[to]) {
			to++
		}
		return strings.TrimSpace(text[from:to])
	}
	for _, f := range d.fragments {
		if i := strings.Index(lower, f); i >= 0 {
			out = append(out, fmt.Sprintf("catalogue text %q in …%s…", f, context(i, len(f))))
		}
	}
	for i, re := range d.words {
		if loc := re.FindStringIndex(text); loc != nil {
			out = append(out, fmt.Sprintf("English phrase %q in …%s…", d.names[i], context(loc[0], loc[1]-loc[0])))
		}
	}
	return out
}

// ---------------------------------------------------------------- the world

// danishWorld is the demo data with what the demo lacks for every page to
// show all it can: an open invitation of an organisation and of a person,
// a proposed adjustment, contracts of every kind of deadline, an import
// whose rows have errors.
type danishWorld struct {
	admin, viewer, anon  *browser
	operator             *browser
	silkeborg, viborg    *samspil.Organization
	collab, forum        string
	meeting, decision    string
	contract, system     string
	usage                string
	unit                 string // a unit with units below it
	dataProcessing       string
	importID, joinSecret string
	openDecision         string
	otherCollab          string
}

func newDanishWorld(t *testing.T, app *testkit.App) *danishWorld {
	t.Helper()
	ctx := context.Background()
	db := app.DB
	if created, err := demo.Ensure(ctx, db); err != nil || !created {
		t.Fatalf("demo: %v %v", created, err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	w := &danishWorld{silkeborg: testkit.Org(t, db, testkit.Silkeborg), viborg: testkit.Org(t, db, testkit.Viborg)}
	adminID, err := db.UserIDByEmail(ctx, demo.SilkeborgChiefEmail)
	must(err)
	admin := testkit.Actor(t, db, adminID)

	cs, err := db.ListCollaborations(ctx, admin, samspil.CollaborationFilter{Query: "Silkeborg–Viborg"})
	must(err)
	if len(cs.Items) != 1 {
		t.Fatalf("%d Silkeborg–Viborg collaborations", len(cs.Items))
	}
	w.collab = cs.Items[0].ID
	all, err := db.ListCollaborations(ctx, admin, samspil.CollaborationFilter{})
	must(err)
	for _, c := range all.Items {
		if c.ID != w.collab {
			w.otherCollab = c.ID
		}
	}
	forums, err := db.ListForums(ctx, admin, w.collab)
	must(err)
	for _, f := range forums {
		if f.Name == "IT-chefmøde" {
			w.forum = f.ID
		}
	}
	ms, err := db.ListMeetings(ctx, admin, samspil.MeetingFilter{ForumID: w.forum, From: time.Now().AddDate(0, 0, -30), ListOptions: samspil.ListOptions{Limit: 1}})
	must(err)
	if w.forum == "" || len(ms.Items) == 0 {
		t.Fatal("the demo has no IT chiefs' meeting")
	}
	w.meeting = ms.Items[0].ID
	ds, err := db.ListDecisions(ctx, admin, samspil.DecisionFilter{CollaborationID: w.collab})
	must(err)
	for _, d := range ds.Items {
		if d.Outcome.Result == samspil.OutcomeAdopted && w.decision == "" {
			w.decision = d.ID
		}
		if d.Status == samspil.DecisionOpen {
			w.openDecision = d.ID
		}
	}
	if w.decision == "" || w.openDecision == "" {
		t.Fatalf("the demo lacks an adopted and an open decision: %+v", ds.Items)
	}

	// Open business: Aarhus invited, a change of terms waiting for Viborg,
	// a person invited to Silkeborg.
	_, err = db.Invite(ctx, admin, w.collab, samspil.InvitationInput{OrganizationID: testkit.Aarhus, Message: "Vil I være med?"})
	must(err)
	_, err = db.ProposeAdjustment(ctx, admin, w.collab, samspil.AdjustmentInput{Title: "Viborg bindende igen", EffectiveOn: samspil.Today(time.Now()).AddDays(30),
		Commitments: []samspil.CommitmentChange{{OrganizationID: w.viborg.ID, Commitment: samspil.CommitmentBinding}}})
	must(err)
	_, w.joinSecret, err = db.InvitePerson(ctx, admin, w.silkeborg.ID, samspil.PersonInvitationInput{Email: "ny@silkeborg.example", Role: samspil.RoleViewer})
	must(err)

	// Contracts with every kind of explanation: options left, irrevocable,
	// open-ended to the end of a quarter, expired, terminated.
	sys, err := db.CreateSystem(ctx, admin, samspil.SystemInput{Name: "Fælles ESDH (test)", Category: samspil.CategoryCaseManagement,
		OwnerID: w.silkeborg.ID, Visibility: samspil.VisibilitySector})
	must(err)
	w.system = sys.ID
	today := samspil.Today(time.Now())
	for i, terms := range []samspil.ContractTerms{
		{Start: today.AddMonths(-11), DurationMonths: 24, ExtensionCount: 2, ExtensionMonths: 12, NoticeMonths: 3},
		{Start: today.AddMonths(-11), DurationMonths: 12, ExtensionCount: 3, ExtensionMonths: 12, NoticeMonths: 6, IrrevocableUntil: ptr(today.AddMonths(20))},
		{Start: today.AddMonths(-30), NoticeMonths: 3, NoticeRule: samspil.NoticeEndOfQuarter},
		{Start: today.AddMonths(-30), NoticeMonths: 1, NoticeRule: samspil.NoticeEndOfYear, IrrevocableUntil: ptr(today.AddMonths(14))},
		{Start: today.AddMonths(-40), DurationMonths: 24},
		{Start: today.AddMonths(-40), DurationMonths: 48, TerminatedOn: ptr(today.AddMonths(2))},
	} {
		c, err := db.CreateContract(ctx, admin, samspil.ContractInput{OrganizationID: w.silkeborg.ID, Name: fmt.Sprintf("Testkontrakt %d", i+1),
			SystemIDs: []string{sys.ID}, Visibility: samspil.VisibilitySector, ContractTerms: terms})
		must(err)
		if i == 0 {
			w.contract = c.ID
		}
	}

	// A data processing registration with every part filled, covering the
	// first contract, with a yearly oversight.
	supplier, err := db.CreateOrganization(ctx, testkit.System, samspil.OrganizationInput{Kind: samspil.KindCompany, Name: "Databehandleren A/S"})
	must(err)
	dpr, err := db.CreateDataProcessing(ctx, admin, samspil.DataProcessingInput{OrganizationID: w.silkeborg.ID, Name: "ESDH og sagsbehandling",
		DataResponsible: samspil.DataResponsibleSupplierProcessor, ContractIDs: []string{w.contract}, AgreementConcluded: samspil.AnswerYes,
		AgreementDate: ptr(today.AddMonths(-10)), Processors: []samspil.DataProcessor{{OrganizationID: supplier.ID, Country: "DK"}},
		SubProcessors: []samspil.DataProcessor{{OrganizationID: supplier.ID, Country: "IE"}}, TransferBasis: samspil.TransferStandardClauses,
		ThirdCountries: []string{"US"}, PersonalData: samspil.PersonalDataKinds,
		Oversight: samspil.Oversight{Interval: samspil.OversightYearly, LastDate: ptr(today.AddMonths(-11)), Result: "Ingen væsentlige bemærkninger.",
			DocumentURL: "https://intranet.silkeborg.example/tilsyn/esdh.pdf"},
		Notes: "Tilsynet sker ved skriftlig kontrol.", Visibility: samspil.VisibilityPublic})
	must(err)
	w.dataProcessing = dpr.ID

	demoSignIn := func(email string) *browser {
		b := newBrowser(t, app)
		b.Login(email, demo.Password).Want(t, http.StatusSeeOther)
		return b
	}
	w.admin, w.viewer, w.operator = demoSignIn(demo.SilkeborgChiefEmail), demoSignIn(demo.ViewerEmail), demoSignIn(demo.OperatorEmail)
	w.anon = newBrowser(t, app)

	// An import whose rows have errors of every kind the readers check.
	csv := "System*;Livscyklus;Fra;Til;Antal brugere;Synlighed;Leverandør CVR\n" +
		"Fælles ESDH (test);I drift;2024-01-01;;11-50;Offentlig;\n" +
		"Fælles ESDH (test);Måske;31-31-2024;2023-01-01;mange;hemmelig;123\n" +
		";I drift;;;;;\n"
	res := postFile(t, w.admin, "/organizations/"+w.silkeborg.ID+"/import", url.Values{}, "anvendelser.csv", "text/csv", []byte(csv))
	u := wantRedirect(t, res, res.Header.Get("Location"))
	w.importID = strings.TrimPrefix(u.Path, "/imports/")
	if !strings.HasPrefix(u.Path, "/imports/") {
		t.Fatalf("the upload went to %s", u)
	}
	iniExamples[w] = testkit.ExampleInitiative(t, db) // an initiative with every part of its page filled (initiative_test.go)

	units, err := db.ListUnits(ctx, admin, w.silkeborg.ID, samspil.ListOptions{Limit: samspil.MaxPageSize})
	must(err)
	for _, u := range units.Items {
		if u.ParentID != "" && w.unit == "" {
			w.unit = u.ParentID
		}
	}
	// A usage of Silkeborg with relations both ways and dependents: the
	// demo's ESDH, which the professional systems file in.
	usages, err := db.ListUsages(ctx, admin, samspil.UsageFilter{OrganizationID: w.silkeborg.ID, ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}})
	must(err)
	for _, u := range usages.Items {
		if deps, err := db.UsageDependents(ctx, admin, u.ID); err == nil && len(deps) > 1 && w.usage == "" {
			w.usage = u.ID
		}
	}
	if w.usage == "" {
		t.Fatal("the demo has no usage of Silkeborg that others depend on")
	}
	testkit.ExampleKitosRuns(t, db, testkit.Silkeborg) // KITOS runs with a change of every kind and every note

	// Roles on the usage, the contract and the registration: a user, a
	// person without an account and a user who has left.
	left := testkit.NewPerson(t, db, "fratraadt@silkeborg.example", testkit.Silkeborg, samspil.RoleViewer)
	for _, r := range []struct {
		kind samspil.RoleObjectKind
		id   string
	}{{samspil.RoleOnUsage, w.usage}, {samspil.RoleOnContract, w.contract}, {samspil.RoleOnDataProcessing, w.dataProcessing}} {
		types, err := db.RoleTypes(ctx, admin, w.silkeborg.ID, r.kind)
		must(err)
		for _, in := range []samspil.RoleAssignmentInput{{UserID: adminID}, {Name: "Bo Konsulent", Email: "bo@konsulent.example"}, {UserID: left.User.ID}} {
			in.RoleTypeID = types[len(types)-1].ID // the demo gives the first ones
			_, err := db.CreateRoleAssignment(ctx, admin, r.kind, r.id, in)
			must(err)
		}
	}
	leftUser, err := db.FindUser(ctx, testkit.System, left.User.ID)
	must(err)
	_, err = db.UpdateUser(ctx, testkit.System, left.User.ID, leftUser.Version, samspil.UserPatch{Disabled: ptr(true)})
	must(err)
	return w
}

// examples are a path for each parameterised page of the route table.
func (w *danishWorld) examples() map[string]string {
	s := w.silkeborg.ID
	return map[string]string{
		"GET /initiatives/{id}":                  "/initiatives/" + iniExamples[w],
		"GET /{$}":                               "/",
		"GET /organizations/{id}":                "/organizations/" + s,
		"GET /organizations/{id}/units/{unit}":   "/organizations/" + s + "/units/" + w.unit,
		"GET /organizations/{id}/people":         "/organizations/" + s + "/people",
		"GET /organizations/{id}/audit":          "/organizations/" + s + "/audit",
		"GET /organizations/{id}/landscape":      "/organizations/" + s + "/landscape",
		"GET /organizations/{id}/deadlines":      "/organizations/" + s + "/deadlines",
		"GET /organizations/{id}/contracts/new":  "/organizations/" + s + "/contracts/new",
		"GET /organizations/{id}/import":         "/organizations/" + s + "/import",
		"GET /organizations/{id}/kitos":          "/organizations/" + s + "/kitos",
		"GET /organizations/{id}/calendar-feeds": "/organizations/" + s + "/calendar-feeds",
		"GET /organizations/{id}/opportunities":  "/organizations/" + s + "/opportunities",
		"GET /organizations/{id}/health":         "/organizations/" + s + "/health",
		"GET /organizations/{id}/role-types":     "/organizations/" + s + "/role-types",
		"GET /organizations/{id}/sign-in":        "/organizations/" + s + "/sign-in",
		"GET /join/{secret}":                     "/join/" + w.joinSecret,
		"GET /password-reset/{secret}":           "/password-reset/no-such-link",
		"GET /systems/{id}":                      "/systems/" + w.system,
		"GET /organizations/{id}/usages/{usage}": "/organizations/" + s + "/usages/" + w.usage,
		"GET /contracts/{id}":                    "/contracts/" + w.contract,
		"GET /imports/{import}":                  "/imports/" + w.importID,
		"GET /collaborations/{id}":               "/collaborations/" + w.collab,
		"GET /collaborations/{id}/forums":        "/collaborations/" + w.collab + "/forums",
		"GET /forums/{id}":                       "/forums/" + w.forum,
		"GET /meetings/{id}":                     "/meetings/" + w.meeting,
		"GET /collaborations/{id}/decisions":     "/collaborations/" + w.collab + "/decisions",
		"GET /decisions/{id}":                    "/decisions/" + w.decision,
		"GET /collaborations/{id}/ambitions":     "/collaborations/" + w.collab + "/ambitions",
		"GET /collaborations/{id}/strategies":    "/collaborations/" + w.collab + "/strategies",
		"GET /collaborations/{id}/action-items":  "/collaborations/" + w.collab + "/action-items",
		"GET /collaborations/{id}/health":        "/collaborations/" + w.collab + "/health",
		"GET /collaborations/{id}/health/report": "/collaborations/" + w.collab + "/health/report",

		// Initiatives.
		"GET /collaborations/{id}/prioritisation": "/collaborations/" + w.collab + "/prioritisation",

		// Data processing.
		"GET /data-processing/{id}":                   "/data-processing/" + w.dataProcessing,
		"GET /organizations/{id}/data-processing/new": "/organizations/" + s + "/data-processing/new",
	}
}

// notPages are GET routes that answer with something else than a page.
var notPages = map[string]string{
	"GET /static/{path...}":                    "style sheets, scripts and images",
	"GET /calendar/{file}":                     "iCalendar feeds, checked by the calendar tests",
	"GET /templates/{file}":                    "spreadsheet templates to download",
	"GET /organizations/{id}/export":           "spreadsheets to download",
	"GET /imports/{import}/invalid-rows":       "spreadsheets to download",
	"GET /collaborations/{id}/documents/{doc}": "the documents people uploaded",
	"GET /initiatives/export":                  "spreadsheets to download",
	"GET /login/sso/{provider}/metadata":       "SAML metadata (XML) for an identity provider",
	"GET /login/sso/{provider}/slo":            "a SAML provider's single logout: redirects only (saml_test.go checks them)",
}

// ---------------------------------------------------------------- the crawl

// TestDanishEverywhere crawls every page of the route table on the demo
// data in the Danish UI, signed in as Silkeborg's administrator (the
// demo's IT chief), as the platform operator and without signing in, the
// second demo collaboration and the open decision too, then the error
// pages: not found, forbidden, a refused sign-in, forms with bad input and
// an upload that is not a landscape file. A page fails when its visible
// text holds English.
func TestDanishEverywhere(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newDanishWorld(t, app)
		d := newDetector(t)
		checked := 0
		check := func(who, what string, res *testkit.Response) {
			t.Helper()
			if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				t.Errorf("%s %s: %d %s, not a page", who, what, res.Status, res.Header.Get("Content-Type"))
				return
			}
			checked++
			if strings.Contains(body(res), "<html") && !strings.Contains(body(res), `<html lang="da"`) {
				t.Errorf("%s %s: the page is not marked Danish", who, what)
			}
			for _, f := range d.find(body(res)) {
				t.Errorf("%s %s (%d): %s", who, what, res.Status, f)
			}
		}
		get := func(b *browser, who, path string, want ...int) {
			t.Helper()
			res := b.Do("GET", path, nil)
			if res.Status == http.StatusSeeOther {
				return // a page for others only, or a redirect; its target is crawled on its own
			}
			if len(want) > 0 && !slices.Contains(want, res.Status) {
				t.Errorf("%s GET %s: status %d, want %v", who, path, res.Status, want)
			}
			check(who, "GET "+path, res)
		}

		examples := w.examples()
		var paths []string
		routes := map[string]bool{}
		for _, r := range app.Server.Routes() {
			routes[r.Pattern] = true
			method, pattern, _ := strings.Cut(r.Pattern, " ")
			if method != "GET" || strings.HasPrefix(pattern, "/api/") || !strings.HasPrefix(pattern, "/") || notPages[r.Pattern] != "" {
				continue
			}
			if pattern == "/healthz" || pattern == "/readyz" || pattern == "/metrics" || strings.HasPrefix(pattern, "/openapi") || strings.HasPrefix(pattern, "/docs") {
				continue // operational and API endpoints
			}
			if !strings.Contains(pattern, "{") {
				paths = append(paths, pattern)
				continue
			}
			p, ok := examples[r.Pattern]
			if !ok {
				t.Errorf("no example for the page %s: add one to danishWorld.examples", r.Pattern)
				continue
			}
			paths = append(paths, p)
		}
		for pattern := range examples {
			if !routes[pattern] {
				t.Errorf("the example for %s names no route", pattern)
			}
		}
		sort.Strings(paths)
		if len(paths) < 25 {
			t.Fatalf("only %d pages to crawl: %v", len(paths), paths)
		}
		paths = append(paths, "/collaborations/"+w.otherCollab, "/decisions/"+w.openDecision, "/organizations/"+w.viborg.ID,
			"/organizations/"+w.viborg.ID+"/deadlines", "/organizations/"+w.viborg.ID+"/landscape", "/organizations?q=Silkeborg",
			"/systems?q=ESDH",
			// Who can help, by system and by a KLE group; a grouping of
			// Denmark compared with its five regions, and a bad one.
			"/who-can-help?system_id="+w.system, "/who-can-help?task=00.14", "/who-can-help?task=ukendt",
			groupingExample(t, app, w.silkeborg.ID), "/groupings?organization_id="+w.silkeborg.ID+"&groups=200")
		// Muligheder, filtered, and with filters it refuses.
		paths = append(paths, "/organizations/"+w.silkeborg.ID+"/opportunities?not_partners=1&min_population=20.000&months=24",
			"/organizations/"+w.silkeborg.ID+"/opportunities?min_population=mange&max_population=-1&months=0&region=x",
			"/initiatives/new?model=procurement&invite="+w.viborg.ID)
		for _, p := range paths {
			get(w.admin, "admin", p)
			get(w.operator, "operator", p)
			get(w.anon, "anonymous", p)
		}

		// Error pages.
		get(w.admin, "admin", "/organizations/no-such-organisation", http.StatusNotFound)
		get(w.admin, "admin", "/contracts/no-such-contract", http.StatusNotFound)
		get(w.admin, "admin", "/decisions/no-such-decision", http.StatusNotFound)
		get(w.anon, "anonymous", "/meetings/no-such-meeting", http.StatusNotFound)
		get(w.admin, "admin", "/no/such/page", http.StatusNotFound)
		get(w.viewer, "viewer", "/organizations/"+w.silkeborg.ID+"/import", http.StatusForbidden)
		get(w.viewer, "viewer", "/organizations/"+w.silkeborg.ID+"/contracts/new", http.StatusForbidden)
		get(w.admin, "admin", "/organizations/"+w.silkeborg.ID+"/export?what=nothing&format=pdf", http.StatusUnprocessableEntity)

		post := func(b *browser, who, path string, form url.Values, status int) {
			t.Helper()
			res := b.Do("POST", path, form)
			if res.Status != status {
				t.Errorf("%s POST %s: status %d, want %d: %s", who, path, res.Status, status, excerpt(res))
			}
			check(who, "POST "+path, res)
		}
		post(w.anon, "anonymous", "/login", url.Values{"email": {demo.SilkeborgChiefEmail}, "password": {"forkert"}}, http.StatusUnauthorized)
		post(w.anon, "anonymous", "/language", url.Values{"lang": {"fr"}}, http.StatusUnprocessableEntity)

		newContract := "/organizations/" + w.silkeborg.ID + "/contracts"
		form := formFields(t, w.admin.Do("GET", newContract+"/new", nil), newContract)
		post(w.admin, "admin", newContract, with(form, "name", "", "start", "31-31-2026", "notice_months", "tre", "duration_months", "700"),
			http.StatusUnprocessableEntity)
		post(w.admin, "admin", newContract, with(form, "name", "Forkert", "start", "2026-01-01", "duration_months", "12", "expiry", "2025-01-01",
			"extension_count", "2", "extension_months", "0", "irrevocable_until", "2040-01-01"), http.StatusUnprocessableEntity)
		get(w.admin, "admin", "/data-processing/"+w.dataProcessing+"?edit=true")
		newDPR := "/organizations/" + w.silkeborg.ID + "/data-processing"
		pform := formFields(t, w.admin.Do("GET", newDPR+"/new", nil), newDPR)
		post(w.admin, "admin", newDPR, with(pform, "name", "", "third_countries", "US, XX", "oversight.last_date", "2026-05-01",
			"oversight.planned_date", "2026-01-01", "oversight.document_url", "rapport.pdf", "processor_org", "ukendt", "processor_country", "ZZ"),
			http.StatusUnprocessableEntity)
		decisions := "/collaborations/" + w.collab + "/decisions"
		dform := formFields(t, w.admin.Do("GET", decisions, nil), decisions)
		post(w.admin, "admin", decisions, with(dform, "title", "", "decided_on", "i morgen"), http.StatusUnprocessableEntity)
		people := "/organizations/" + w.silkeborg.ID + "/invitations"
		post(w.admin, "admin", people, url.Values{"email": {"ikke en adresse"}, "role": {"boss"}}, http.StatusUnprocessableEntity)
		res := postFile(t, w.admin, "/organizations/"+w.silkeborg.ID+"/import", url.Values{}, "noter.csv", "text/csv", []byte("Hvad;Hvem\nx;y\n"))
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("an upload that is no landscape file: %d", res.Status)
		}
		check("admin", "POST an upload that is no landscape file", res)
		t.Logf("%d pages checked", checked)
	})
}

// TestDanishDetectorFindsEnglish shows that the crawl's detector is not
// blind: the English UI's contract page and import errors, the ones the
// crawl checks in Danish, are found to be English.
func TestDanishDetectorFindsEnglish(t *testing.T) {
	app := testkit.NewApp(t, "sqlite")
	w := newDanishWorld(t, app)
	d := newDetector(t)
	for _, p := range []string{"/contracts/" + w.contract, "/imports/" + w.importID, "/collaborations/" + w.collab + "/decisions"} {
		res := w.admin.Do("GET", p, nil, "Cookie", "samspil_lang=en")
		if res.Status != http.StatusOK || !strings.Contains(body(res), `<html lang="en"`) {
			t.Fatalf("GET %s in English: %d", p, res.Status)
		}
		if found := d.find(body(res)); len(found) == 0 {
			t.Errorf("the detector finds no English on the English page %s", p)
		}
		// And the same page in Danish says the same in Danish.
		da := w.admin.Do("GET", p, nil)
		if found := d.find(body(da)); len(found) > 0 {
			t.Errorf("GET %s in Danish: %s", p, strings.Join(found, "\n"))
		}
	}
	if found := d.find(`<p>Give notice by 31 December 2026 to end the contract on 31 March 2027.</p>`); len(found) == 0 {
		t.Error("the detector misses an English deadline sentence")
	}
	if found := d.find(`<p>Opsig kontrakten senest den 31. december 2026, så den ophører den 31. marts 2027.</p>`); len(found) > 0 {
		t.Errorf("the detector finds English in Danish: %v", found)
	}
}

// ---------------------------------------------------------------- phrases

// phraseFormats returns the format of every samspil.Phrasef call with a
// literal format in the module's non-test Go files, with where it is.
func phraseFormats(t *testing.T) map[string][]string {
	t.Helper()
	root := filepath.Join("..", "..")
	formats := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if name := e.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			if ok, _ := filepath.Glob(filepath.Join(path, "*.go")); len(ok) == 0 {
				return nil
			}
			forEachCall(t, path, func(pos token.Position, name string, args []ast.Expr) {
				if (name == "Phrasef" || name == "samspil.Phrasef") && len(args) > 0 {
					if s, ok := stringLit(args[0]); ok {
						formats[s] = append(formats[s], pos.String())
					} else if id, ok := args[0].(*ast.Ident); ok && id.Name == "format" {
						// A wrapper that passes its caller's format on
						// (the translator of error messages).
					} else {
						t.Errorf("%s: Phrasef with a format that is not a literal cannot be checked for its translation", pos)
					}
				}
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return formats
}

// TestPhrasesTranslated checks that every computed sentence (a Phrasef
// format anywhere in samspil) has a Danish translation that differs from
// the English and takes the same arguments.
func TestPhrasesTranslated(t *testing.T) {
	da := loadCatalogue(t, "da")
	formats := phraseFormats(t)
	for _, want := range []string{"Give notice by %s to end the contract on %s (%s); it runs until notice is given.",
		"%s: ambitions lie %d levels apart", "waiting for %d of %d votes", "no notice period"} {
		if formats[want] == nil {
			t.Fatalf("the format %q was not found: the scan misses calls", want)
		}
	}
	// Phrases that Danish writes as English does, each with the reason.
	sameInDanish := map[string]string{
		"%d GiB": "a unit symbol", "%d MiB": "a unit symbol", "%d KiB": "a unit symbol",
	}
	for f, where := range formats {
		switch tr, ok := da[f]; {
		case !ok || tr == "":
			t.Errorf("%q (%s) has no Danish translation in da.json", f, strings.Join(where, ", "))
		case tr == f && sameInDanish[f] == "":
			t.Errorf("%q (%s): the Danish translation is the English", f, strings.Join(where, ", "))
		case !slices.Equal(verbs(tr), verbs(f)):
			t.Errorf("%q: the Danish text has verbs %v, the format %v", f, verbs(tr), verbs(f))
		}
	}
	t.Logf("%d phrase formats", len(formats))
}

// importMessageFormats returns the messages that the readers of landscape
// files (landscapeio, tabular) and the import's checks in the store write
// about rows and files, as formats: the literal messages and fmt formats
// given to the helpers that report a cell or a file, the expect* constants,
// and messages joined with + (a joined value stands for %s, a number
// written by strconv.Itoa for %d).
func importMessageFormats(t *testing.T) map[string][]string {
	t.Helper()
	root := filepath.Join("..", "..")
	formats := map[string][]string{}
	add := func(pos token.Position, f string) { formats[f] = append(formats[f], pos.String()) }
	// joined writes a message made with + as a format.
	var joined func(e ast.Expr) (string, bool)
	joined = func(e ast.Expr) (string, bool) {
		switch e := e.(type) {
		case *ast.BasicLit:
			return stringLit(e)
		case *ast.BinaryExpr:
			if e.Op != token.ADD {
				return "", false
			}
			a, okA := joined(e.X)
			b, okB := joined(e.Y)
			return a + b, okA && okB
		case *ast.CallExpr:
			if sel, ok := e.Fun.(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "strconv" && sel.Sel.Name == "Itoa" {
					return "%d", true
				}
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "fmt" && sel.Sel.Name == "Sprintf" && len(e.Args) > 0 {
					return stringLit(e.Args[0])
				}
			}
			return "%s", true
		case *ast.Ident, *ast.SelectorExpr, *ast.IndexExpr:
			return "%s", true
		}
		return "", false
	}
	message := func(pos token.Position, e ast.Expr) {
		if s, ok := joined(e); ok && strings.Contains(s, " ") {
			add(pos, s)
		}
	}
	for _, dir := range []string{"landscapeio", "tabular", "sqldb"} {
		dir = filepath.Join(root, "internal", dir)
		fset, files := parseDir(t, dir)
		for _, f := range files {
			if strings.HasSuffix(dir, "sqldb") && !strings.HasSuffix(fset.Position(f.Pos()).Filename, "imports.go") {
				continue
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.ValueSpec: // const expectBool = "must be Ja or Nej"
					for i, name := range n.Names {
						if strings.HasPrefix(name.Name, "expect") && i < len(n.Values) {
							message(fset.Position(n.Pos()), n.Values[i])
						}
					}
				case *ast.CallExpr:
					name := ""
					switch fun := n.Fun.(type) {
					case *ast.Ident:
						name = fun.Name
					case *ast.SelectorExpr:
						name = fun.Sel.Name
					}
					switch {
					case (name == "invalid" || name == "tooLarge") && len(n.Args) > 0 && !strings.HasSuffix(dir, "sqldb"):
						message(fset.Position(n.Pos()), n.Args[0])
					case (name == "bad" || name == "fail") && len(n.Args) == 1:
						if _, isIdent := n.Args[0].(*ast.Ident); !isIdent {
							message(fset.Position(n.Pos()), n.Args[0])
						}
					case name == "badAt" && len(n.Args) == 3:
						if call, ok := n.Args[2].(*ast.CallExpr); ok {
							if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Sprintf" {
								message(fset.Position(n.Pos()), n.Args[2])
							}
						}
					}
				case *ast.CompositeLit: // samspil.RowError{..., Message: "the same " + what + ...}
					for _, el := range n.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok {
							if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Message" {
								if _, isSel := kv.Value.(*ast.SelectorExpr); !isSel {
									message(fset.Position(kv.Pos()), kv.Value)
								}
							}
						}
					}
				}
				return true
			})
		}
	}
	return formats
}

// TestImportMessagesTranslated checks that every message about a row or a
// file of an import has a Danish translation, which the import's page shows
// (the message is stored in English; the page finds its format).
func TestImportMessagesTranslated(t *testing.T) {
	da := loadCatalogue(t, "da")
	formats := importMessageFormats(t)
	for _, want := range []string{"must be Ja or Nej", "the same %s as row %d", "%s is not in the KLE taxonomy",
		"must be KLE codes such as 27.24.00 separated by semicolons; %q is not one", "line %d: the file has more than %d rows"} {
		if formats[want] == nil {
			t.Fatalf("the message %q was not found: the scan misses calls", want)
		}
	}
	for f, where := range formats {
		if tr := da[f]; tr == "" {
			t.Errorf("%q (%s) has no Danish translation in da.json", f, strings.Join(where, ", "))
		} else if !slices.Equal(verbs(tr), verbs(f)) {
			t.Errorf("%q: the Danish text has verbs %v, the format %v", f, verbs(tr), verbs(f))
		}
	}
	t.Logf("%d import messages", len(formats))
}
