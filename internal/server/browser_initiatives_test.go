package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestBrowserInitiative runs the story of a joint initiative in a real
// browser: Silkeborg's IT chief proposes it through the form, gives it a
// budget and invites Viborg and Aarhus; each answers for itself on the
// initiative's page (two clicks), Viborg bindingly and Aarhus voluntarily;
// and the cost calculator on the page splits the budget first on Viborg
// alone, then on both. The page passes axe-core and reflows at 320 px.
func TestBrowserInitiative(t *testing.T) {
	axe := axeSource(t)
	app := testkit.NewApp(t, sqldb.SQLite)
	testkit.NewPerson(t, app.DB, "chief@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
	testkit.NewPerson(t, app.DB, "admin@viborg.example", testkit.Viborg, samspil.RoleAdmin)
	testkit.NewPerson(t, app.DB, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
	viborg, aarhus := testkit.Org(t, app.DB, testkit.Viborg), testkit.Org(t, app.DB, testkit.Aarhus)

	b := openBrowserFor(t, 2*time.Minute)
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

	// Propose.
	signIn("chief@silkeborg.example")
	b.navigated("open the proposal form", "/initiatives/new", chromedp.Navigate(app.URL+"/initiatives/new"))
	b.step("fill in the proposal", chromedp.Do(b.ctx,
		chromedp.SendKeys(chromedp.CSS("#f-title"), "Fælles chatbot til borgerservice"),
		chromedp.SetValue(chromedp.CSS("#f-model"), string(samspil.ModelProcurement)),
		chromedp.SetValue(chromedp.CSS("#f-cost_key"), string(samspil.CostEqual)),
		chromedp.SendKeys(chromedp.CSS("#f-contact_name"), "Mette Lund"),
	))
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(`main form[action="/initiatives"] button[type="submit"]`)))
	b.step("propose", err)
	path := strings.TrimPrefix(resp.URL, app.URL)
	if resp.Status != 200 || !strings.HasPrefix(path, "/initiatives/") || strings.Count(path, "/") != 2 {
		t.Fatalf("after proposing: %d at %s", resp.Status, resp.URL)
	}
	page := strings.SplitN(strings.SplitN(path, "#", 2)[0], "?", 2)[0]
	if got := b.text("main h1"); !strings.Contains(got, "Fælles chatbot til borgerservice") {
		t.Fatalf("the initiative's page is headed %q", got)
	}

	// A budget of 600.000 kr. for development.
	b.step("open the budget form", chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS("#budget-form > summary"))))
	b.step("fill in a budget line", chromedp.Do(b.ctx,
		chromedp.SetValue(chromedp.CSS(`#budget-form select[name="kind"]`), string(samspil.BudgetDevelopment)),
		chromedp.SendKeys(chromedp.CSS(`#budget-form input[name="title"]`), "Indkøb og opsætning"),
		chromedp.SendKeys(chromedp.CSS(`#budget-form input[name="amount"]`), "600.000"),
	))
	b.navigated("add the budget line", page, chromedp.Click(chromedp.CSS(`#budget-form button[type="submit"]`)))
	if got := b.text("#budget"); !strings.Contains(got, "600.000,00") {
		t.Fatalf("the budget reads %q", got)
	}

	// Invite Viborg and Aarhus.
	for _, org := range []*samspil.Organization{viborg, aarhus} {
		b.step("open the invitation form", chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS("#invite > summary"))))
		b.step("choose "+org.Name, chromedp.Do(b.ctx, chromedp.SetValue(chromedp.CSS(`#invite select[name="organization_id"]`), org.ID)))
		b.navigated("invite "+org.Name, page, chromedp.Click(chromedp.CSS(`#invite button[type="submit"]`)))
		if got := b.text("#part-" + org.ID); !strings.Contains(got, "inviteret") {
			t.Fatalf("%s after the invitation: %q", org.Name, got)
		}
	}
	if n := b.eval(`String(document.querySelectorAll("#calculator tr[id^=share-]").length)`); n != "0" {
		t.Fatalf("the calculator splits on %s organisations before anyone takes part", n)
	}
	checkAccessible(t, b, axe, "the initiative's page as its owner")
	signOut()

	// Each answers for itself: two clicks on the initiative's page.
	answer := func(email string, org *samspil.Organization, state samspil.ParticipationState) {
		t.Helper()
		signIn(email)
		b.navigated("open the initiative", page, chromedp.Navigate(app.URL+page))
		moves := "#moves-" + org.ID + " .choice-" + string(state)
		b.step("choose "+string(state), chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(moves+" > summary"))))
		b.navigated("confirm "+string(state), page, chromedp.Click(chromedp.CSS(moves+` button[type="submit"]`)))
	}
	answer("admin@viborg.example", viborg, samspil.ParticipationBinding)
	if got := b.text("#part-" + viborg.ID); !strings.Contains(got, "bindende (skal)") {
		t.Fatalf("Viborg after committing: %q", got)
	}
	if got := b.text("#share-" + viborg.ID + " .share-equal"); got != "600.000,00" {
		t.Fatalf("Viborg alone pays %q under equal shares", got)
	}
	// Viborg is offered no choice for Aarhus or Silkeborg.
	if n := b.eval(`String(document.querySelectorAll(".participation-moves").length)`); n != "1" {
		t.Fatalf("Viborg's administrator is offered moves for %s organisations", n)
	}
	signOut()
	answer("admin@aarhus.example", aarhus, samspil.ParticipationVoluntary)
	if got := b.text("#part-" + aarhus.ID); !strings.Contains(got, "frivillig (kan)") {
		t.Fatalf("Aarhus after joining: %q", got)
	}
	for _, org := range []*samspil.Organization{viborg, aarhus} {
		if got := b.text("#share-" + org.ID + " .share-equal"); got != "300.000,00" {
			t.Fatalf("%s pays %q under equal shares once both take part", org.Name, got)
		}
	}
	checkAccessible(t, b, axe, "the initiative's page as a participant")
}
