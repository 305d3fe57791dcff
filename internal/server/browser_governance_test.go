package server_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestBrowserGovernance drives a real browser through a collaboration's
// governance: the secretariat's administrator creates a fortnightly forum,
// opens its next meeting, proposes a decision by majority there and votes;
// the other member votes too (through the store), and the decision's page
// shows it adopted.
func TestBrowserGovernance(t *testing.T) {
	app := testkit.NewApp(t, sqldb.SQLite)
	ctx := context.Background()
	const email = "governance@silkeborg.example"
	sAdmin := testkit.NewPerson(t, app.DB, email, testkit.Silkeborg, samspil.RoleAdmin)
	vAdmin := testkit.NewPerson(t, app.DB, "governance@viborg.example", testkit.Viborg, samspil.RoleAdmin)
	silkeborg, viborg := testkit.Org(t, app.DB, testkit.Silkeborg), testkit.Org(t, app.DB, testkit.Viborg)
	c := testkit.Partnership(t, app.DB, sAdmin.Actor)
	// The first meeting: a Thursday at least a week ahead, 09:00 Danish time.
	first := time.Now().In(samspil.Copenhagen()).AddDate(0, 0, 7)
	for first.Weekday() != time.Thursday {
		first = first.AddDate(0, 0, 1)
	}
	first = time.Date(first.Year(), first.Month(), first.Day(), 9, 0, 0, 0, samspil.Copenhagen())

	b := openBrowser(t)
	bctx, step, text, eval, navigated := b.ctx, b.step, b.text, b.eval, b.navigated
	// submitted runs actions that post a form and returns the path of the
	// page the browser lands on, which must answer 200 under prefix.
	submitted := func(name, prefix string, actions ...chromedp.Action[chromedp.Void]) string {
		t.Helper()
		resp, err := chromedp.RunResponse(bctx, actions...)
		step(name, err)
		u, err := url.Parse(resp.URL)
		step(name+": parse URL", err)
		if resp.Status != 200 || !strings.HasPrefix(u.Path, prefix) {
			t.Fatalf("%s: %d at %s, want 200 under %s", name, resp.Status, resp.URL, prefix)
		}
		return u.Path
	}

	// Sign in.
	navigated("open the login page", "/login", chromedp.Navigate(app.URL+"/login"))
	step("fill in the login form", chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.CSS("#f-email"), email),
		chromedp.SendKeys(chromedp.CSS("#f-password"), testkit.Password),
	))
	navigated("sign in", "/", chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`)))

	// Create a forum that meets every second week.
	forums := "/collaborations/" + c.ID + "/forums"
	navigated("open the forums", forums, chromedp.Navigate(app.URL+forums))
	step("fill in the forum form", chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS(`main details.edit-block > summary`)),
		chromedp.SendKeys(chromedp.CSS("#f-name"), "IT-chefmøde"),
		chromedp.SetValue(chromedp.CSS("#f-first_meeting"), first.Format("2006-01-02")),
		chromedp.SetValue(chromedp.CSS("#f-first_time"), "09:00"),
		chromedp.SendKeys(chromedp.CSS("#f-location"), "Viborg Rådhus"),
		chromedp.Click(chromedp.CSS("#f-cadence_freq-weekly")),
		chromedp.SetValue(chromedp.CSS("#f-cadence_interval"), "2"),
		chromedp.Click(chromedp.CSS(`input[name="members"][value="`+sAdmin.User.ID+`|`+silkeborg.ID+`"]`)),
	))
	forumPath := submitted("create the forum", "/forums/", chromedp.Click(chromedp.CSS(`form[action="`+forums+`"] button[type="submit"]`)))
	if got := text("main .notice"); got != "Forummet er oprettet, og dets møder er planlagt." {
		t.Fatalf("notice %q", got)
	}
	if got := eval(`Array.from(document.querySelectorAll("dl.facts dt")).map(dt => dt.textContent.trim() + "=" + dt.nextElementSibling.textContent.trim()).join("|")`); !strings.Contains(got, "Mødefrekvens=Hver anden torsdag kl. 9.00") {
		t.Fatalf("forum facts %q", got)
	}
	f, err := app.DB.FindForum(ctx, testkit.System, strings.TrimPrefix(forumPath, "/forums/"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Cadence != "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH" || !f.FirstMeeting.Equal(first) {
		t.Fatalf("forum cadence %q from %v", f.Cadence, f.FirstMeeting)
	}

	// Open the next meeting.
	next := `#upcoming-h + .table--responsive-scroll a[href^="/meetings/"]`
	meetingPath := eval(`document.querySelector('` + next + `').getAttribute("href")`)
	navigated("open the next meeting", meetingPath, chromedp.Click(chromedp.CSS(next)))
	if got := text("#meeting-start"); got != first.Format("02.01.2006 15.04") {
		t.Fatalf("meeting start %q, want %s", got, first.Format("02.01.2006 15.04"))
	}

	// Propose a decision by majority at the meeting.
	proposeForm := `form[action="` + meetingPath + `/decisions"]`
	step("fill in the proposal", chromedp.Do(bctx,
		chromedp.Click(chromedp.Search(`//summary[normalize-space(.)="Stil et forslag til beslutning"]`)),
		chromedp.SendKeys(chromedp.CSS("#f-decision-title"), "Fælles MFA-løsning"),
		chromedp.SendKeys(chromedp.CSS("#f-proposal"), "Vi indfører **MFA** sammen."),
		chromedp.SetValue(chromedp.CSS("#f-rule"), "majority"),
	))
	decisionPath := submitted("propose", "/decisions/", chromedp.Click(chromedp.CSS(proposeForm+` button[type="submit"]`)))
	if got := text("#outcome strong"); got != "Afventer" {
		t.Fatalf("outcome before the votes %q", got)
	}
	if got := eval(`String(document.querySelector("#vote-` + viborg.ID + `") === null)`); got != "true" {
		t.Fatal("Silkeborg's administrator is offered a vote for Viborg")
	}

	// Silkeborg votes for in the browser; Viborg through the store.
	step("choose for", chromedp.Do(bctx, chromedp.Click(chromedp.CSS("#c-"+silkeborg.ID+"-for"))))
	navigated("vote", decisionPath, chromedp.Click(chromedp.CSS("#vote-"+silkeborg.ID+` button[type="submit"]`)))
	if got := text("main .notice"); got != "Stemmen er registreret." {
		t.Fatalf("notice after the vote %q", got)
	}
	if _, err := app.DB.CastVote(ctx, vAdmin.Actor, strings.TrimPrefix(decisionPath, "/decisions/"),
		samspil.VoteInput{OrganizationID: viborg.ID, Choice: samspil.VoteFor, Comment: "Enig"}); err != nil {
		t.Fatal(err)
	}
	navigated("reload the decision", decisionPath, chromedp.Navigate(app.URL+decisionPath))
	if got := text("#outcome strong"); got != "Vedtaget" {
		t.Fatalf("outcome %q, want Vedtaget", got)
	}
	if got := text("#outcome .explanation"); !strings.HasPrefix(got, "vedtaget med flertal: 2 for, 0 imod") {
		t.Fatalf("explanation %q", got)
	}
	for _, org := range []*samspil.Organization{silkeborg, viborg} {
		if got := text("#ballot-" + org.ID + " .vote"); got != "For" {
			t.Fatalf("%s's vote shows %q", org.Name, got)
		}
	}
	if got := text("main .markdown strong"); got != "MFA" {
		t.Fatalf("the proposal's bold text %q", got)
	}
}
