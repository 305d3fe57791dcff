package server_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/mail/mailtest"
	"github.com/samspil/samspil/internal/server"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// EnvAxe names the axe-core script (axe.min.js from npm's axe-core) the
// accessibility test injects into each page; .ci/run installs it.
const EnvAxe = "SAMSPIL_TEST_AXE"

// axeSource returns axe-core's script, or skips the test (failing it when
// the browser tests are required).
func axeSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv(EnvAxe)
	if path == "" {
		if os.Getenv(EnvRequireBrowser) != "" {
			t.Fatalf("%s is set but %s does not name axe-core's axe.min.js", EnvRequireBrowser, EnvAxe)
		}
		t.Skip("the browser accessibility test needs axe-core: npm install axe-core and set " + EnvAxe + " to its axe.min.js")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v", EnvAxe, err)
	}
	return string(src)
}

// axeViolation is what the test keeps of an axe-core result.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// checkAccessible checks the page the browser shows: axe-core finds no
// violation of WCAG 2.1 A or AA, and at 320 CSS px the page reflows
// without scrolling sideways (WCAG 1.4.10). It restores the wide window.
func checkAccessible(t *testing.T, b *browser, axe, name string) {
	t.Helper()
	if b.eval(`typeof axe`) != "object" {
		// DevTools evaluation is not bound by the page's CSP, which allows
		// no inline script.
		_, err := chromedp.Run(b.ctx, chromedp.Evaluate[any](axe))
		b.step(name+": inject axe-core", err)
	}
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
		.then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	b.step(name+": run axe-core", err)
	var violations []axeViolation
	b.step(name+": read axe-core's result", json.Unmarshal([]byte(out), &violations))
	for _, v := range violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, n.HTML)
		}
		t.Errorf("%s: axe-core %s (%s): %s: %s", name, v.ID, v.Impact, v.Help, strings.Join(where, " | "))
	}

	_, err = chromedp.Run(b.ctx, chromedp.EmulateViewport(320, 640))
	b.step(name+": narrow the window to 320 px", err)
	if got := b.eval(`String(document.documentElement.scrollWidth) + "/" + String(document.documentElement.clientWidth)`); got != "320/320" {
		// Name the elements that stick out of the page (not those that
		// scroll inside a box of their own), outermost first.
		wide := b.eval(`Array.from(document.querySelectorAll("body *")).filter(e => {
				if (e.getBoundingClientRect().right <= 321) return false;
				for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
					if (getComputedStyle(p).overflowX !== "visible") return false;
				}
				return true;
			}).slice(0, 6).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className == "string" ? "." + e.className.split(" ").join(".") : "") +
			" (" + Math.round(e.getBoundingClientRect().right) + " px)").join(", ")`)
		t.Errorf("%s at 320 px: the page is %s px wide (scrollWidth/clientWidth): it scrolls sideways; sticking out: %s", name, got, wide)
	}
	_, err = chromedp.Run(b.ctx, chromedp.EmulateViewport(1280, 900))
	b.step(name+": widen the window again", err)
}

// TestBrowserConsentPagesAccessible opens the pages of membership and
// consent, filled (an invitation to answer, an adjustment waiting for
// approvals, a declined invitation, a former member, an open invitation of
// a person, partners), as the people who use them, and checks each with
// axe-core and at 320 px.
func TestBrowserConsentPagesAccessible(t *testing.T) {
	axe := axeSource(t)
	// With mail, so that the page asking for a reset link offers its form.
	smtpd := mailtest.Start(t)
	mailCfg := smtpd.Config()
	app := testkit.NewAppWith(t, sqldb.SQLite, server.Config{Version: "test", SecureCookies: true, Mail: &mailCfg, PublicURL: "https://samspil.example"})
	ctx := context.Background()
	db := app.DB
	sAdmin := testkit.NewPerson(t, db, "a11y@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
	vAdmin := testkit.NewPerson(t, db, "a11y@viborg.example", testkit.Viborg, samspil.RoleAdmin)
	silkeborg, viborg := testkit.Org(t, db, testkit.Silkeborg), testkit.Org(t, db, testkit.Viborg)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	c, err := db.CreateCollaboration(ctx, sAdmin.Actor, samspil.CollaborationInput{Name: "Silkeborg–Viborg IT-samarbejde", Kind: samspil.KindPartnership,
		Start: samspil.NewDate(2014, 1, 1), Visibility: samspil.VisibilityPrivate, DecisionRule: samspil.RuleMajority, Exclusivity: samspil.ExclusivityExclusive,
		OrganizationID: silkeborg.ID})
	must(err)
	testkit.Join(t, db, c.ID, samspil.InvitationInput{OrganizationID: viborg.ID, Since: samspil.NewDate(2014, 1, 1)})
	testkit.Join(t, db, c.ID, samspil.InvitationInput{OrganizationID: "0730", Since: samspil.NewDate(2015, 1, 1)})
	_, err = db.Leave(ctx, testkit.System, c.ID, samspil.LeaveInput{OrganizationID: "0730", Until: samspil.NewDate(2018, 12, 31), Reason: "Udtrådt"})
	must(err)
	_, err = db.Invite(ctx, sAdmin.Actor, c.ID, samspil.InvitationInput{OrganizationID: testkit.Aarhus, Message: "Vil I være med?"})
	must(err)
	declined, err := db.Invite(ctx, sAdmin.Actor, c.ID, samspil.InvitationInput{OrganizationID: "0461"})
	must(err)
	_, err = db.DeclineInvitation(ctx, testkit.Actor(t, db, testkit.NewPerson(t, db, "a11y@odense.example", "0461", samspil.RoleAdmin).User.ID),
		declined.ID, samspil.Answer{Reason: "Ikke nu"})
	must(err)
	sAdmin.Actor = testkit.Actor(t, db, sAdmin.User.ID)
	_, err = db.ProposeAdjustment(ctx, sAdmin.Actor, c.ID, samspil.AdjustmentInput{Title: "Viborg frivillig", EffectiveOn: samspil.Today(time.Now()).AddDays(30),
		Commitments: []samspil.CommitmentChange{{OrganizationID: viborg.ID, Commitment: samspil.CommitmentVoluntary}}})
	must(err)
	// An invitation of Viborg to a second collaboration, for its account page.
	other, err := db.CreateCollaboration(ctx, sAdmin.Actor, samspil.CollaborationInput{Name: "Fælles indkøb", Kind: samspil.KindNetwork,
		Start: samspil.NewDate(2020, 1, 1), Visibility: samspil.VisibilitySector, OrganizationID: silkeborg.ID})
	must(err)
	_, err = db.Invite(ctx, sAdmin.Actor, other.ID, samspil.InvitationInput{OrganizationID: viborg.ID})
	must(err)
	_, join, err := db.InvitePerson(ctx, sAdmin.Actor, silkeborg.ID, samspil.PersonInvitationInput{Email: "ny@silkeborg.example", Role: samspil.RoleViewer})
	must(err)
	_, reset, err := db.RequestPasswordReset(ctx, vAdmin.User.Email)
	must(err)

	signIn := func(b *browser, email string) {
		t.Helper()
		b.navigated("open the login page", "/login", chromedp.Navigate(app.URL+"/login"))
		b.step("fill in the login form", chromedp.Do(b.ctx,
			chromedp.SendKeys(chromedp.CSS("#f-email"), email),
			chromedp.SendKeys(chromedp.CSS("#f-password"), testkit.Password),
		))
		b.navigated("sign in as "+email, "/", chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`)))
	}
	// visit opens the page, makes sure it shows what it is checked for
	// (each selector matches), and checks it.
	visit := func(b *browser, who, path string, shows ...string) {
		t.Helper()
		b.navigated(who+" opens "+path, path, chromedp.Navigate(app.URL+path))
		for _, sel := range shows {
			if b.eval(`String(document.querySelectorAll(`+jsString(sel)+`).length)`) == "0" {
				t.Fatalf("%s on %s: the page shows no %s, so it is not the page meant to be checked", who, path, sel)
			}
		}
		checkAccessible(t, b, axe, who+" on "+path)
	}

	// Nobody signed in: the login page with its way to a reset, asking for
	// a reset link, the reset and the invitation pages.
	b := openBrowser(t)
	visit(b, "anonymous", "/login", `a[href="/password-reset"]`)
	visit(b, "anonymous", "/password-reset", `form[action="/password-reset"]`)
	visit(b, "anonymous", "/password-reset/"+reset, `input[type="password"]`)
	visit(b, "anonymous", sqldb.InvitationPath(join), `form[action="`+sqldb.InvitationPath(join)+`"]`)

	// Silkeborg's administrator runs the collaboration and its people: open
	// and declined invitations, a former member in the history, an
	// adjustment waiting for Viborg, an open invitation of a person.
	signIn(b, sAdmin.User.Email)
	visit(b, "Silkeborg's administrator", "/collaborations/"+c.ID, "#invitations", "#adjustments", `form[action$="/withdraw"]`)
	visit(b, "Silkeborg's administrator", "/collaborations", `form[action="/collaborations"]`)
	visit(b, "Silkeborg's administrator", "/organizations/"+silkeborg.ID, "#partners")
	visit(b, "Silkeborg's administrator", "/organizations/"+silkeborg.ID+"/people", `form[action$="/withdraw"]`)
	visit(b, "Silkeborg's administrator", "/account")

	// Viborg's administrator answers: an adjustment to approve, an
	// invitation on the account page, the partners of its organisation.
	v := openBrowser(t)
	signIn(v, vAdmin.User.Email)
	visit(v, "Viborg's administrator", "/collaborations/"+c.ID, `form[action$="/approve"]`, `form[action$="/leave"]`)
	visit(v, "Viborg's administrator", "/account", `ul.invitations a[href$="#invitations"]`)
	visit(v, "Viborg's administrator", "/organizations/"+viborg.ID, "#partners")
}

// jsString quotes s as a JavaScript string.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
