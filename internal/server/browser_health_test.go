package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/demo"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestBrowserHealthStory opens the health panel of the demo's Silkeborg–
// Viborg collaboration as Silkeborg's IT chief, replays it a week before
// the adjustment of November 2018 through the page's own form, finds the
// warnings of 2018 in Danish, and then the end of 2015 without any.
func TestBrowserHealthStory(t *testing.T) {
	app := testkit.NewApp(t, sqldb.SQLite)
	ctx := context.Background()
	if created, err := demo.Ensure(ctx, app.DB); err != nil || !created {
		t.Fatalf("demo: %v %v", created, err)
	}
	chief := testkit.Actor(t, app.DB, mustUserID(t, app.DB, demo.SilkeborgChiefEmail))
	cs, err := app.DB.ListCollaborations(ctx, chief, samspil.CollaborationFilter{Query: "Silkeborg–Viborg"})
	if err != nil || len(cs.Items) != 1 {
		t.Fatalf("collaborations %v %v", cs, err)
	}
	health := "/collaborations/" + cs.Items[0].ID + "/health"

	b := openBrowser(t)
	bctx, step, text, eval, navigated := b.ctx, b.step, b.text, b.eval, b.navigated
	navigated("open the login page", "/login", chromedp.Navigate(app.URL+"/login"))
	step("fill in the login form", chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.CSS("#f-email"), demo.SilkeborgChiefEmail),
		chromedp.SendKeys(chromedp.CSS("#f-password"), demo.Password),
	))
	navigated("sign in", "/", chromedp.Click(chromedp.CSS(`main form[action="/login"] button[type="submit"]`)))

	// The collaboration's page links its health for a member.
	collab := strings.TrimSuffix(health, "/health")
	navigated("open the collaboration", collab, chromedp.Navigate(app.URL+collab))
	navigated("open its health", health, chromedp.Click(chromedp.CSS(`nav.tab-container a[href="`+health+`"]`)))
	if got := text("main h2#health-day"); !strings.HasPrefix(got, "Samarbejdets sundhed i dag") {
		t.Fatalf("heading %q", got)
	}

	// Replay 31 October 2018 with the form.
	step("choose the day", chromedp.Do(bctx, chromedp.SetValue(chromedp.CSS("#health-at"), "2018-10-31")))
	navigated("show the day", health, chromedp.Click(chromedp.CSS(`form.health-replay button[type="submit"]`)))
	if got := text("main h2#health-day"); got != "Samarbejdets sundhed den 31. oktober 2018" {
		t.Fatalf("replayed heading %q", got)
	}
	warnings := eval(`Array.from(document.querySelectorAll("ul.health-warnings li strong")).map(s => s.textContent.trim()).join("\n")`)
	for _, want := range []string{
		"Fælles direktionsmøde holdt 1 af 4 planlagte møder de seneste 12 måneder",
		"Koncernledelsen og Strategisk Lederforum holdt 2 af 6 planlagte møder de seneste 12 måneder",
		"Ambitionen for fælles organisation er 3 niveauer fra hinanden: Silkeborg Kommune 3, Viborg Kommune 0",
		"Realiserede gevinster: 30 % af de planlagte kroner om året (720.000 af 2.400.000 kr.)",
	} {
		if !strings.Contains(warnings, want) {
			t.Errorf("no warning %q in:\n%s", want, warnings)
		}
	}
	if !strings.Contains(warnings, "Viborg Kommune deltog i ") {
		t.Errorf("no attendance warning for Viborg in:\n%s", warnings)
	}
	// Each warning links its evidence beside it, and the lines are pictures
	// with a title.
	if got := eval(`document.querySelector("ul.health-warnings li a").getAttribute("href")`); !strings.HasPrefix(got, "/") {
		t.Errorf("evidence link %q", got)
	}
	if got := eval(`document.querySelector("#indicator-meetings svg title").textContent`); got != "Møder holdt" {
		t.Errorf("chart title %q", got)
	}

	// The end of 2015: nothing to warn of.
	navigated("show the end of 2015", health, chromedp.Navigate(app.URL+health+"?at=2015-12-31"))
	if got := text("main .health-no-warnings"); got != "Ingen advarsler den 31. december 2015." {
		t.Fatalf("2015: %q", got)
	}
}

// mustUserID returns the ID of the user with the e-mail address.
func mustUserID(t *testing.T, db *sqldb.DB, email string) string {
	t.Helper()
	id, err := db.UserIDByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
