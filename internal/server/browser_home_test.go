package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestBrowserHome signs in as two people of two member organisations and
// reads "Mit overblik" in a real browser: Silkeborg's IT chief sees
// Silkeborg's deadline needing action now, the vote waiting with the right
// to cast it, the next meeting with its agenda and an overdue action item;
// Viborg's viewer sees the vote waiting for Viborg, which only others may
// cast, and nothing of Silkeborg's contracts. Both pages pass axe-core and
// reflow at 320 px. Then the header search is used from the keyboard.
func TestBrowserHome(t *testing.T) {
	axe := axeSource(t)
	app := testkit.NewApp(t, sqldb.SQLite)
	ctx := context.Background()
	chief := testkit.NewPerson(t, app.DB, "chief@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
	viewer := testkit.NewPerson(t, app.DB, "viewer@viborg.example", testkit.Viborg, samspil.RoleViewer)
	silkeborg, viborg := testkit.Org(t, app.DB, testkit.Silkeborg), testkit.Org(t, app.DB, testkit.Viborg)
	c := testkit.Partnership(t, app.DB, chief.Actor)
	chief.Actor = testkit.Actor(t, app.DB, chief.User.ID)

	today := samspil.Today(time.Now())
	expiry := today.AddDays(20).AddMonths(3)
	contract, err := app.DB.CreateContract(ctx, chief.Actor, samspil.ContractInput{OrganizationID: silkeborg.ID, Name: "ESDH – drift og support",
		ContractTerms: samspil.ContractTerms{Start: samspil.NewDate(2020, 1, 1), Expiry: &expiry, NoticeMonths: 3, NoticeRule: samspil.NoticeAnyDay,
			ExtensionCount: 1, ExtensionMonths: 12}})
	must(t, err)
	decision, err := app.DB.CreateDecision(ctx, chief.Actor, c.ID, samspil.DecisionInput{Title: "Fælles udbud af ESDH", Rule: samspil.RuleMajority})
	must(t, err)
	first := time.Now().In(samspil.Copenhagen()).AddDate(0, 0, 3)
	forum, err := app.DB.CreateForum(ctx, chief.Actor, c.ID, samspil.ForumInput{Name: "IT-chefmøde", Level: samspil.ForumITChiefs,
		Cadence: "FREQ=WEEKLY;INTERVAL=2", FirstMeeting: time.Date(first.Year(), first.Month(), first.Day(), 9, 0, 0, 0, samspil.Copenhagen()),
		Members: []samspil.ForumMember{{UserID: chief.User.ID, OrganizationID: silkeborg.ID}, {UserID: viewer.User.ID, OrganizationID: viborg.ID}}})
	must(t, err)
	meetings, err := app.DB.ListMeetings(ctx, chief.Actor, samspil.MeetingFilter{ForumID: forum.ID, From: time.Now(), ListOptions: samspil.ListOptions{Limit: 1}})
	must(t, err)
	if len(meetings.Items) != 1 {
		t.Fatal("no meeting ahead")
	}
	_, err = app.DB.AddAgendaItem(ctx, chief.Actor, meetings.Items[0].ID, samspil.AgendaItemInput{Title: "Status på ESDH-udbuddet"})
	must(t, err)
	yesterday := today.AddDays(-1)
	_, err = app.DB.CreateActionItem(ctx, chief.Actor, c.ID, samspil.ActionItemInput{Title: "Send kravspecifikation til Viborg",
		OwnerUserID: chief.User.ID, Due: &yesterday})
	must(t, err)

	b := openBrowser(t)
	signIn := func(email string) {
		t.Helper()
		b.navigated("open the login page", "/login", chromedp.Navigate(app.URL+"/login"))
		b.step("fill in the login form", chromedp.Do(b.ctx,
			chromedp.SendKeys(chromedp.CSS("#f-email"), email),
			chromedp.SendKeys(chromedp.CSS("#f-password"), testkit.Password),
		))
		b.navigated("sign in as "+email, "/", chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`)))
	}
	signOut := func() {
		t.Helper()
		b.navigated("sign out", "/login", chromedp.Click(chromedp.CSS(`.solution-info form[action="/logout"] button`)))
	}

	signIn("chief@silkeborg.example")
	if got := b.text("main h1"); got != "Mit overblik" {
		t.Fatalf("after signing in the page is %q", got)
	}
	deadlines := b.eval(`document.querySelector("section[aria-labelledby=ov-deadlines]").innerText`)
	if !strings.Contains(deadlines, "ESDH – drift og support") || !strings.Contains(deadlines, "handl nu") {
		t.Errorf("the chief's deadlines block: %q", deadlines)
	}
	if got := b.eval(`document.querySelector("section[aria-labelledby=ov-deadlines] li.urgent-now a").getAttribute("href")`); got != "/contracts/"+contract.ID {
		t.Errorf("the urgent deadline links to %q", got)
	}
	votes := b.eval(`document.querySelector("section[aria-labelledby=ov-votes]").innerText`)
	if !strings.Contains(votes, "Fælles udbud af ESDH") || !strings.Contains(votes, "Silkeborg Kommune har ikke stemt") || strings.Contains(votes, "Kun administratorer") {
		t.Errorf("the chief's votes block: %q", votes)
	}
	meeting := b.eval(`document.querySelector("section[aria-labelledby=ov-meetings]").innerText`)
	if !strings.Contains(meeting, "IT-chefmøde") || !strings.Contains(meeting, "Dagsorden (1 punkter)") {
		t.Errorf("the chief's meetings block: %q", meeting)
	}
	actions := b.eval(`document.querySelector("section[aria-labelledby=ov-actions]").innerText`)
	if !strings.Contains(actions, "Send kravspecifikation til Viborg") || !strings.Contains(actions, "Overskredet") {
		t.Errorf("the chief's action items block: %q", actions)
	}
	checkAccessible(t, b, axe, "Mit overblik (Silkeborg's IT chief)")

	// The vote links to the decision, where the chief may vote.
	b.navigated("open the waiting vote", "/decisions/"+decision.ID,
		chromedp.Click(chromedp.CSS(`section[aria-labelledby=ov-votes] a[href="/decisions/`+decision.ID+`"]`)))
	signOut()

	signIn("viewer@viborg.example")
	votes = b.eval(`document.querySelector("section[aria-labelledby=ov-votes]").innerText`)
	if !strings.Contains(votes, "Viborg Kommune har ikke stemt") || !strings.Contains(votes, "Kun administratorer og redaktører kan stemme") {
		t.Errorf("the viewer's votes block: %q", votes)
	}
	page := b.eval(`document.querySelector("main").innerText`)
	if strings.Contains(page, "ESDH – drift og support") || !strings.Contains(page, "Ingen af jeres kontrakter") {
		t.Errorf("Viborg's viewer sees Silkeborg's deadline or no empty text: %q", page)
	}
	checkAccessible(t, b, axe, "Mit overblik (Viborg's viewer)")

	// The header search from the keyboard: suggestions as one types, arrow
	// down into them and between them, Escape back to the field, Enter
	// for the search page.
	b.step("type in the header search", chromedp.Do(b.ctx,
		chromedp.Focus(chromedp.CSS("#site-search")),
		chromedp.SendKeys(chromedp.CSS("#site-search"), "silk"),
		chromedp.WaitVisible(chromedp.CSS(`#search-suggestions a[href="/organizations/`+silkeborg.ID+`"]`)),
	))
	groups := b.eval(`Array.from(document.querySelectorAll("#search-suggestions h2")).map(h => h.textContent).join("|")`)
	if !strings.Contains(groups, "Organisationer") || !strings.Contains(groups, "Samarbejder") {
		t.Errorf("suggestion groups %q", groups)
	}
	b.step("arrow down into the suggestions", chromedp.Do(b.ctx, chromedp.KeyEvent(kb.ArrowDown)))
	firstHref := b.eval(`document.activeElement.getAttribute("href") || ""`)
	if firstHref != b.eval(`document.querySelector("#search-suggestions a").getAttribute("href")`) {
		t.Fatalf("arrow down focused %q, not the first suggestion", firstHref)
	}
	b.step("arrow down to the next", chromedp.Do(b.ctx, chromedp.KeyEvent(kb.ArrowDown)))
	if got := b.eval(`document.activeElement.getAttribute("href") || ""`); got == firstHref || got == "" {
		t.Fatalf("the second arrow down stayed at %q", got)
	}
	b.step("arrow up and up again to the field", chromedp.Do(b.ctx, chromedp.KeyEvent(kb.ArrowUp), chromedp.KeyEvent(kb.ArrowUp)))
	if got := b.eval(`document.activeElement.id`); got != "site-search" {
		t.Fatalf("arrow up from the first suggestion went to %q", got)
	}
	b.step("Escape closes the suggestions", chromedp.Do(b.ctx, chromedp.KeyEvent(kb.Escape)))
	if got := b.eval(`String(document.querySelectorAll("#search-suggestions a").length)`); got != "0" {
		t.Fatalf("%s suggestions after Escape", got)
	}
	if got := b.eval(`document.getElementById("site-search").value`); got != "silk" {
		t.Fatalf("Escape left %q in the field, want the text kept", got)
	}
	b.navigated("Enter opens the search page", "/search", chromedp.KeyEvent(kb.Enter))
	if got := b.eval(`document.querySelector("#kind-organizations + ul").innerText`); !strings.Contains(got, "Silkeborg Kommune") {
		t.Fatalf("the search page's organisations: %q", got)
	}
	checkAccessible(t, b, axe, "search page")
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
