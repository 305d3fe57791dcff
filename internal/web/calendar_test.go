package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"
	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// A calendar client subscribes to the secret address; the feed parses with
// an independent parser and holds one event per deadline, and stops working
// when revoked.
func TestCalendarFeed(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		ed := testkit.NewPerson(t, app.DB, "ed@silkeborg.example", testkit.Silkeborg, samspil.RoleEditor)
		org := testkit.Org(t, app.DB, testkit.Silkeborg)
		// An open-ended contract always has a coming notice date.
		c, err := app.DB.CreateContract(ctx, ed.Actor, samspil.ContractInput{OrganizationID: org.ID, Name: "Nexus, drift; support",
			ContractTerms: samspil.ContractTerms{Start: samspil.NewDate(2020, 1, 1), NoticeMonths: 3, NoticeRule: samspil.NoticeEndOfQuarter}})
		if err != nil {
			t.Fatal(err)
		}
		b := app.Browser(t)
		b.Login("ed@silkeborg.example", testkit.Password).Want(t, http.StatusSeeOther)
		page := b.Do("POST", "/organizations/"+org.ID+"/calendar-feeds", nil).Want(t, http.StatusCreated)
		m := regexp.MustCompile(`value="(http://[^"]+/calendar/[^"]+\.ics)"`).FindStringSubmatch(string(page.Body))
		if m == nil {
			t.Fatalf("no feed address on the page")
		}
		path := strings.TrimPrefix(m[1], app.URL)
		feed := app.Anonymous(t).Do("GET", path, nil).Want(t, http.StatusOK)
		if ct := feed.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
			t.Fatalf("content type %q", ct)
		}
		cal, err := ics.ParseCalendar(strings.NewReader(string(feed.Body)))
		if err != nil {
			t.Fatalf("parse: %v\n%s", err, feed.Body)
		}
		events := cal.Events()
		if len(events) != 1 {
			t.Fatalf("%d events:\n%s", len(events), feed.Body)
		}
		stored, err := app.DB.FindContract(ctx, ed.Actor, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		start, err := events[0].GetAllDayStartAt()
		if err != nil || start.Format("2006-01-02") != stored.Deadlines.LastNoticeDate.String() {
			t.Fatalf("event on %v (%v), want the last notice date %s", start, err, stored.Deadlines.LastNoticeDate)
		}
		if s := events[0].GetProperty(ics.ComponentPropertySummary).Value; !strings.Contains(s, "Nexus, drift; support") {
			t.Fatalf("summary %q", s)
		}
		if u := events[0].GetProperty(ics.ComponentPropertyUrl).Value; u != app.URL+"/contracts/"+c.ID {
			t.Fatalf("url %q", u)
		}
		// A wrong secret answers 404 like a revoked one.
		app.Anonymous(t).Do("GET", "/calendar/not-a-secret.ics", nil).Want(t, http.StatusNotFound)
		feeds, err := app.DB.ListFeeds(ctx, ed.Actor)
		if err != nil || len(feeds) != 1 {
			t.Fatal(feeds, err)
		}
		b.Do("POST", "/organizations/"+org.ID+"/calendar-feeds/"+feeds[0].ID+"/revoke", nil).Want(t, http.StatusSeeOther)
		app.Anonymous(t).Do("GET", path, nil).Want(t, http.StatusNotFound)
		// Only members subscribe.
		other := testkit.NewPerson(t, app.DB, "v@viborg.example", testkit.Viborg, samspil.RoleAdmin)
		if _, _, err := app.DB.CreateFeed(ctx, other.Actor, org.ID, samspil.FeedDeadlines); samspil.ErrorCode(err) != samspil.EFORBIDDEN {
			t.Fatalf("a member of another organisation: %v", err)
		}
	})
}
