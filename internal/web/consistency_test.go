package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
	"github.com/samspil/samspil/internal/testkit"
)

// The pages ask the same rules as the store (samspil.Actor.Manages,
// Represents, ConsentsFor, Require...) to decide which forms to show. This
// test walks the pages of a fixture as each role and checks both sides:
//
//   - every form a role is shown is one the store accepts from it: posted as
//     the page fills it (with plausible values for required fields), it
//     succeeds, on a copy of the fixture so that each post starts from the
//     same state;
//   - every form shown to some role but not to this one is refused to it
//     (403, 404, or the way to the login page), and changes nothing.

// walkRole is a person the test signs in as (or nobody, for anonymous).
type walkRole struct {
	name   string
	email  string // "" for anonymous
	secret string // the session cookie's value
}

// walkForm is one way to post from a page: a form, or one of its submit
// buttons with its own formaction or name and value.
type walkForm struct {
	key    string // action plus the hidden fields that tell rows apart
	action string
	values url.Values
	fill   url.Values // values for empty required fields
}

var (
	reButton   = regexp.MustCompile(`<button\b([^>]*)>`)
	reRequired = regexp.MustCompile(`(?s)<(input|select|textarea)\b([^>]*)>`)
)

// walkForms returns the forms of a page that post, one per submit button;
// the header's forms (language, logout) are left out.
func walkForms(t *testing.T, page *testkit.Response, today samspil.Date, extra map[string]url.Values) []walkForm {
	t.Helper()
	var out []walkForm
	for _, m := range reForm.FindAllStringSubmatch(body(page), -1) {
		fa := attrs(m[1])
		if !strings.EqualFold(fa["method"], "post") || fa["action"] == "/language" || fa["action"] == "/logout" {
			continue
		}
		// Several forms may post to one action (a row each): each has its
		// own fields.
		base := fieldsOf(m[2])
		fill := url.Values{}
		for _, f := range reRequired.FindAllStringSubmatch(m[2], -1) {
			a := attrs(f[2])
			if _, req := a["required"]; !req || a["name"] == "" || base.Get(a["name"]) != "" {
				continue
			}
			switch {
			case f[1] == "select":
				fill.Set(a["name"], firstOption(m[2], a["name"]))
			case a["type"] == "radio":
				if fill.Get(a["name"]) == "" {
					fill.Set(a["name"], a["value"])
				}
			case a["type"] == "date":
				fill.Set(a["name"], today.String())
			case a["type"] == "time":
				fill.Set(a["name"], "10:00")
			case a["type"] == "email":
				fill.Set(a["name"], "ny.person@example.org")
			case a["type"] == "url":
				fill.Set(a["name"], "https://example.org/dokument.pdf")
			case a["type"] == "password":
				fill.Set(a["name"], "et nyt og langt kodeord til prøven")
			case a["type"] == "number":
				fill.Set(a["name"], "1")
			default:
				fill.Set(a["name"], "Prøve")
			}
		}
		// The hidden fields that tell rows apart (a member, an organisation)
		// are part of the key; lists of them (the people of an attendance
		// form, which differ by who reads) are not.
		hidden := url.Values{}
		for _, in := range reInput.FindAllStringSubmatch(m[2], -1) {
			a := attrs(in[1])
			if a["type"] == "hidden" && a["name"] != "version" && a["name"] != "return_to" && a["name"] != "username" {
				hidden.Add(a["name"], a["value"])
			}
		}
		for k, vs := range hidden {
			if len(vs) > 1 {
				delete(hidden, k)
			}
		}
		// What a person would fill in besides the required fields: a change
		// for an adjustment, a link for a document, a level for ambitions.
		switch {
		case strings.HasSuffix(fa["action"], "/adjustments"):
			fill.Set("strategy_note", "Den fælles strategi gælder fortsat.")
		case strings.HasSuffix(fa["action"], "/documents"):
			fill.Set("url", "https://example.org/dokument.pdf")
		case strings.HasSuffix(fa["action"], "/ambitions"):
			fill.Set("level."+string(samspil.AmbitionAreas[0]), "2")
		}
		for suffix, vs := range extra {
			if strings.HasSuffix(fa["action"], suffix) {
				for k, v := range vs {
					fill[k] = v
				}
			}
		}
		buttons := reButton.FindAllStringSubmatch(m[2], -1)
		if len(buttons) == 0 {
			buttons = [][]string{{"", ""}}
		}
		for _, b := range buttons {
			ba := attrs(b[1])
			if ba["type"] != "" && ba["type"] != "submit" {
				continue
			}
			f := walkForm{action: fa["action"], values: url.Values{}, fill: fill}
			if ba["formaction"] != "" {
				f.action = ba["formaction"]
			}
			for k, vs := range base {
				f.values[k] = slices.Clone(vs)
			}
			keyParts := hidden.Encode()
			if ba["name"] != "" {
				f.values.Set(ba["name"], ba["value"])
				keyParts += "&" + ba["name"] + "=" + ba["value"]
			}
			f.key = f.action + "?" + keyParts
			out = append(out, f)
		}
	}
	return out
}

// firstOption returns the first non-empty option of the named select.
func firstOption(inner, name string) string {
	for _, s := range reSelect.FindAllStringSubmatch(inner, -1) {
		if attrs(s[1])["name"] != name {
			continue
		}
		for _, o := range reOption.FindAllStringSubmatch(s[2], -1) {
			if v := attrs(o[1])["value"]; v != "" {
				return v
			}
		}
	}
	return ""
}

// post sends a form as the role to app.
func (r walkRole) post(t *testing.T, app *testkit.App, f walkForm) *testkit.Response {
	t.Helper()
	values := url.Values{}
	for k, vs := range f.values {
		values[k] = slices.Clone(vs)
	}
	for k, vs := range f.fill {
		if values.Get(k) == "" {
			values[k] = slices.Clone(vs)
		}
	}
	b := newBrowser(t, app)
	if r.secret == "" {
		return b.Do("POST", f.action, values)
	}
	return b.Do("POST", f.action, values, "Cookie", httpx.SessionCookie+"="+r.secret)
}

func (r walkRole) get(t *testing.T, app *testkit.App, path string) *testkit.Response {
	t.Helper()
	b := newBrowser(t, app)
	if r.secret == "" {
		return b.Do("GET", path, nil)
	}
	return b.Do("GET", path, nil, "Cookie", httpx.SessionCookie+"="+r.secret)
}

// refused reports whether a response turns the post away: forbidden, not
// found, or to the login page.
func refused(res *testkit.Response) bool {
	switch res.Status {
	case http.StatusForbidden, http.StatusNotFound:
		return true
	case http.StatusSeeOther:
		return strings.HasPrefix(res.Header.Get("Location"), "/login")
	}
	return false
}

// accepted reports whether a response says the change was made.
func accepted(res *testkit.Response) bool {
	switch res.Status {
	case http.StatusOK, http.StatusCreated:
		return true
	case http.StatusSeeOther:
		return !strings.HasPrefix(res.Header.Get("Location"), "/login")
	}
	return false
}

// walkFixture builds the world the test walks: a private collaboration of
// Silkeborg (secretariat) and Viborg with Aarhus invited, a forum and its
// meeting, an open decision, a proposed adjustment concerning Viborg, an
// action item, ambitions, a joint strategy, a document; Silkeborg's
// landscape, an open invitation of a person; people of every role, one of
// them in two organisations.
func walkFixture(t *testing.T, app *testkit.App) (pages []string, roles []walkRole, fills map[string]url.Values) {
	t.Helper()
	ctx := context.Background()
	db := app.DB
	sAdmin := testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
	sEditor := testkit.NewPerson(t, db, "editor@silkeborg.example", testkit.Silkeborg, samspil.RoleEditor)
	sViewer := testkit.NewPerson(t, db, "viewer@silkeborg.example", testkit.Silkeborg, samspil.RoleViewer)
	vAdmin := testkit.NewPerson(t, db, "admin@viborg.example", testkit.Viborg, samspil.RoleAdmin)
	vEditor := testkit.NewPerson(t, db, "editor@viborg.example", testkit.Viborg, samspil.RoleEditor)
	testkit.NewPerson(t, db, "viewer@viborg.example", testkit.Viborg, samspil.RoleViewer)
	aAdmin := testkit.NewPerson(t, db, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
	testkit.NewPerson(t, db, "admin@odense.example", "0461", samspil.RoleAdmin)
	op := testkit.NewPerson(t, db, "drift@example.org", "0461", samspil.RoleViewer)
	if _, err := db.UpdateUser(ctx, testkit.System, op.User.ID, 1, samspil.UserPatch{Operator: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	silkeborg, viborg := testkit.Org(t, db, testkit.Silkeborg), testkit.Org(t, db, testkit.Viborg)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	today := samspil.Today(time.Now())

	c, err := db.CreateCollaboration(ctx, sAdmin.Actor, samspil.CollaborationInput{Name: "Silkeborg–Viborg IT-samarbejde", Kind: samspil.KindPartnership,
		Start: samspil.NewDate(2014, 1, 1), Visibility: samspil.VisibilityPrivate, Exclusivity: samspil.ExclusivityExclusive, DecisionRule: samspil.RuleMajority,
		OrganizationID: testkit.Silkeborg, CoFounders: []samspil.FounderInput{{OrganizationID: testkit.Viborg}}})
	must(err)
	invs, err := db.ListInvitations(ctx, testkit.System, samspil.InvitationFilter{CollaborationID: c.ID})
	must(err)
	_, err = db.AcceptInvitation(ctx, vAdmin.Actor, invs.Items[0].ID, samspil.Answer{On: ptr(samspil.NewDate(2014, 1, 1))})
	must(err)
	_, err = db.Invite(ctx, sAdmin.Actor, c.ID, samspil.InvitationInput{OrganizationID: testkit.Aarhus})
	must(err)
	sAdmin.Actor, vAdmin.Actor = testkit.Actor(t, db, sAdmin.User.ID), testkit.Actor(t, db, vAdmin.User.ID)
	f, err := db.CreateForum(ctx, sAdmin.Actor, c.ID, samspil.ForumInput{Name: "IT-chefmøde", Level: samspil.ForumITChiefs,
		Cadence: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", FirstMeeting: time.Date(2014, 1, 9, 9, 0, 0, 0, samspil.Copenhagen()),
		Members: []samspil.ForumMember{{UserID: sViewer.User.ID, OrganizationID: silkeborg.ID}, {UserID: vEditor.User.ID, OrganizationID: viborg.ID}}})
	must(err)
	meetings, err := db.ListMeetings(ctx, testkit.System, samspil.MeetingFilter{ForumID: f.ID, From: time.Now(), ListOptions: samspil.ListOptions{Limit: 1}})
	must(err)
	if len(meetings.Items) == 0 {
		t.Fatal("no upcoming meeting")
	}
	meeting := meetings.Items[0]
	_, err = db.AddAgendaItem(ctx, sAdmin.Actor, meeting.ID, samspil.AgendaItemInput{Title: "Status på driften"})
	must(err)
	d, err := db.CreateDecision(ctx, sAdmin.Actor, c.ID, samspil.DecisionInput{Title: "Fælles mødebooking", DecidedOn: today.AddDays(7)})
	must(err)
	_, err = db.ProposeAdjustment(ctx, sAdmin.Actor, c.ID, samspil.AdjustmentInput{Title: "Viborg frivillig", EffectiveOn: today,
		Commitments: []samspil.CommitmentChange{{OrganizationID: viborg.ID, Commitment: samspil.CommitmentVoluntary}}})
	must(err)
	_, err = db.CreateActionItem(ctx, sAdmin.Actor, c.ID, samspil.ActionItemInput{Title: "Afklar mødebooking", OwnerUserID: vEditor.User.ID,
		OrganizationID: viborg.ID, Due: ptr(today.AddDays(14))})
	must(err)
	_, err = db.DeclareAmbitions(ctx, sAdmin.Actor, c.ID, samspil.AmbitionInput{OrganizationID: silkeborg.ID, DeclaredOn: samspil.NewDate(2015, 1, 1),
		Levels: []samspil.AmbitionLevel{{Area: samspil.AreaJointOperations, Level: 3}}})
	must(err)
	_, err = db.CreateStrategy(ctx, sAdmin.Actor, samspil.StrategyInput{CollaborationID: c.ID, Title: "Fælles strategi", From: samspil.NewDate(2015, 1, 1),
		Owners: []samspil.StrategyOwner{{OrganizationID: silkeborg.ID}, {OrganizationID: viborg.ID}}})
	must(err)
	_, err = db.AddDocument(ctx, sAdmin.Actor, c.ID, samspil.DocumentInput{Kind: samspil.DocStatutes, Title: "Aftale", URL: "https://example.org/aftale.pdf"})
	must(err)
	sys, err := db.CreateSystem(ctx, sEditor.Actor, samspil.SystemInput{Name: "Silkeborgs ESDH", Category: samspil.CategoryCaseManagement,
		OwnerID: silkeborg.ID, Visibility: samspil.VisibilitySector})
	must(err)
	_, err = db.CreateUsage(ctx, sEditor.Actor, samspil.UsageInput{OrganizationID: silkeborg.ID, SystemID: sys.ID, Lifecycle: samspil.LifecycleOperational,
		Visibility: samspil.VisibilitySector})
	must(err)
	con, err := db.CreateContract(ctx, sEditor.Actor, samspil.ContractInput{OrganizationID: silkeborg.ID, Name: "ESDH-kontrakt", SystemIDs: []string{sys.ID},
		Visibility: samspil.VisibilitySector, ContractTerms: samspil.ContractTerms{Start: samspil.NewDate(2024, 1, 1), DurationMonths: 48, NoticeMonths: 6}})
	must(err)
	_, _, err = db.InvitePerson(ctx, sAdmin.Actor, silkeborg.ID, samspil.PersonInvitationInput{Email: "ny@silkeborg.example", Role: samspil.RoleViewer})
	must(err)
	// A duplicate catalogue entry an operator may merge, and a person of
	// Odense, which Silkeborg's administrator administers too, to add.
	dup, err := db.CreateSystem(ctx, sEditor.Actor, samspil.SystemInput{Name: "Silkeborgs ESDH (dublet)", Category: samspil.CategoryCaseManagement,
		OwnerID: silkeborg.ID, Visibility: samspil.VisibilitySector})
	must(err)
	_, err = db.CreateMembership(ctx, testkit.System, samspil.MembershipInput{UserID: sAdmin.User.ID, OrganizationID: "0461", Role: samspil.RoleAdmin})
	must(err)
	// A person of both Silkeborg and Viborg: only administrators of both
	// may disable the account.
	shared := testkit.NewPerson(t, db, "faelles@silkeborg.example", testkit.Silkeborg, samspil.RoleViewer)
	_, err = db.CreateMembership(ctx, testkit.System, samspil.MembershipInput{UserID: shared.User.ID, OrganizationID: testkit.Viborg, Role: samspil.RoleViewer})
	must(err)
	fills = map[string]url.Values{
		"/merge": {"duplicate_id": {dup.ID}},
		"/organizations/" + silkeborg.ID + "/people": {"email": {"admin@odense.example"}},
	}

	pages = []string{
		"/collaborations/" + c.ID, "/collaborations/" + c.ID + "/forums", "/forums/" + f.ID, "/meetings/" + meeting.ID,
		"/collaborations/" + c.ID + "/decisions", "/decisions/" + d.ID, "/collaborations/" + c.ID + "/ambitions",
		"/collaborations/" + c.ID + "/strategies", "/collaborations/" + c.ID + "/action-items",
		"/organizations/" + silkeborg.ID, "/organizations/" + viborg.ID, "/organizations/" + silkeborg.ID + "/people",
		"/organizations/" + silkeborg.ID + "/landscape", "/contracts/" + con.ID, "/systems/" + sys.ID,
	}
	roles = []walkRole{{name: "anonymous"}}
	for _, p := range []struct{ name, email string }{
		{"operator", op.User.Email}, {"Silkeborg admin (secretariat)", sAdmin.User.Email}, {"Silkeborg editor", sEditor.User.Email},
		{"Silkeborg viewer (sits in the forum)", sViewer.User.Email}, {"Viborg admin (member)", vAdmin.User.Email},
		{"Viborg editor (owns the action item)", vEditor.User.Email}, {"Viborg viewer", "viewer@viborg.example"},
		{"Aarhus admin (invited)", aAdmin.User.Email}, {"Odense admin (outsider)", "admin@odense.example"},
	} {
		_, secret := signIn(t, app, p.email)
		roles = append(roles, walkRole{name: p.name, email: p.email, secret: secret})
	}
	return pages, roles, fills
}

// TestPagesAndStoreAgree walks the fixture's pages as every role: a form
// shown is accepted by the store, a form not shown is refused. It runs on
// SQLite, whose databases copy in milliseconds; the rules it checks do not
// depend on the engine, and every store and API test of them runs on both.
func TestPagesAndStoreAgree(t *testing.T) {
	app := testkit.NewApp(t, "sqlite")
	pages, roles, fills := walkFixture(t, app)
	today := samspil.Today(time.Now())

	shown := map[string]map[string]walkForm{}             // page -> form key -> form (as first shown)
	byRole := map[string]map[string]map[string]walkForm{} // role -> page -> form key -> form (as shown to the role)
	pagesChecked := 0
	for _, r := range roles {
		byRole[r.name] = map[string]map[string]walkForm{}
		for _, p := range pages {
			res := r.get(t, app, p)
			byRole[r.name][p] = map[string]walkForm{}
			if res.Status != http.StatusOK {
				continue
			}
			pagesChecked++
			if shown[p] == nil {
				shown[p] = map[string]walkForm{}
			}
			for _, f := range walkForms(t, res, today, fills) {
				byRole[r.name][p][f.key] = f
				if _, ok := shown[p][f.key]; !ok {
					shown[p][f.key] = f
				}
			}
		}
	}

	// Refusals first, on the fixture itself: none may change anything.
	before := fingerprint(t, app)
	refusals, acceptances := 0, 0
	for _, p := range pages {
		keys := make([]string, 0, len(shown[p]))
		for k := range shown[p] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, r := range roles {
			for _, k := range keys {
				if _, ok := byRole[r.name][p][k]; ok {
					continue
				}
				f := shown[p][k]
				res := r.post(t, app, f)
				refusals++
				if !refused(res) {
					t.Errorf("%s is not shown %s on %s, but the store accepts it: %d %s", r.name, f.key, p, res.Status, excerpt(res))
				}
			}
		}
	}
	if fingerprint(t, app) != before {
		t.Fatal("a refused form changed the database")
	}

	// Acceptances, each on a copy of the fixture, with the values the
	// role's own page filled in.
	for _, r := range roles {
		for _, p := range pages {
			keys := make([]string, 0, len(byRole[r.name][p]))
			for k := range byRole[r.name][p] {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				f := byRole[r.name][p][k]
				clone := app.Clone(t)
				res := r.post(t, clone, f)
				acceptances++
				if !accepted(res) {
					t.Errorf("%s is shown %s on %s, but the store refuses it: %d %s", r.name, f.key, p, res.Status, excerpt(res))
				}
			}
		}
	}
	t.Logf("%d pages × %d roles: %d pages shown, %d forms refused where not shown, %d forms accepted where shown",
		len(pages), len(roles), pagesChecked, refusals, acceptances)
	if acceptances < 40 || refusals < 100 {
		t.Fatalf("the walk checked too little: %d acceptances, %d refusals", acceptances, refusals)
	}
}

// excerpt returns the error part of a page for a failure message.
func excerpt(res *testkit.Response) string {
	b := body(res)
	if i := strings.Index(b, `<div class="error"`); i >= 0 {
		b = b[i:]
		if j := strings.Index(b, "</div>"); j >= 0 {
			b = b[:j]
		}
		return b
	}
	if i := strings.Index(b, "<h1>"); i >= 0 {
		b = b[i:]
	}
	if len(b) > 300 {
		b = b[:300]
	}
	return fmt.Sprint(res.Header.Get("Location"), " ", b)
}

func ptr[T any](v T) *T { return &v }
