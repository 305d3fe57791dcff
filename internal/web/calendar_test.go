package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

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
		if _, _, err := app.DB.CreateFeed(ctx, other.Actor, samspil.FeedInput{Scope: samspil.FeedDeadlines, OrganizationID: org.ID}); samspil.ErrorCode(err) != samspil.EFORBIDDEN {
			t.Fatalf("a member of another organisation: %v", err)
		}
	})
}

// A meeting feed of a forum, of a person and of an organisation: each parses
// with an independent parser, its events are the meetings in Danish time
// (cancelled ones marked), the forum's JSON shows its owner the address, an
// outsider cannot make one for a private collaboration's forum, and a
// revoked feed answers 404.
func TestMeetingFeeds(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		sAdmin := testkit.NewPerson(t, app.DB, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		vAdmin := testkit.NewPerson(t, app.DB, "admin@viborg.example", testkit.Viborg, samspil.RoleAdmin)
		aAdmin := testkit.NewPerson(t, app.DB, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
		c, err := app.DB.CreateCollaboration(ctx, sAdmin.Actor, samspil.CollaborationInput{Name: "Silkeborg–Viborg", Kind: samspil.KindPartnership,
			Start: samspil.NewDate(2014, 1, 1), Visibility: samspil.VisibilityPrivate, OrganizationID: testkit.Silkeborg})
		if err != nil {
			t.Fatal(err)
		}
		testkit.Join(t, app.DB, c.ID, samspil.InvitationInput{OrganizationID: testkit.Viborg, Since: samspil.NewDate(2014, 1, 1)})
		cph := samspil.Copenhagen()
		// Fortnightly on Thursday 09:00 from a Thursday in the recent past.
		first := time.Now().In(cph).AddDate(0, 0, -30)
		for first.Weekday() != time.Thursday {
			first = first.AddDate(0, 0, 1)
		}
		first = time.Date(first.Year(), first.Month(), first.Day(), 9, 0, 0, 0, cph)
		forum, err := app.DB.CreateForum(ctx, sAdmin.Actor, c.ID, samspil.ForumInput{Name: "IT-chefmøde", Level: samspil.ForumITChiefs,
			Cadence: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", FirstMeeting: first, Location: "Silkeborg Rådhus, mødelokale 2",
			Members: []samspil.ForumMember{{UserID: sAdmin.User.ID, OrganizationID: testkit.Org(t, app.DB, testkit.Silkeborg).ID},
				{UserID: vAdmin.User.ID, OrganizationID: testkit.Org(t, app.DB, testkit.Viborg).ID}}})
		if err != nil {
			t.Fatal(err)
		}
		page, err := app.DB.ListMeetings(ctx, sAdmin.Actor, samspil.MeetingFilter{ForumID: forum.ID, From: time.Now().AddDate(0, -6, 0),
			To: time.Now().AddDate(0, 13, 0), ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}})
		if err != nil || len(page.Items) < 20 {
			t.Fatalf("meetings: %d %v", len(page.Items), err)
		}
		cancelled := page.Items[3]
		if _, err := app.DB.UpdateMeeting(ctx, sAdmin.Actor, cancelled.ID, cancelled.Version, samspil.MeetingPatch{Status: ptrTo(samspil.MeetingCancelled)}); err != nil {
			t.Fatal(err)
		}

		// Through the API: Viborg's admin makes a forum feed and sees its address on the forum.
		api := app.Token(t, vAdmin.User.ID)
		var created struct {
			URL string `json:"url"`
		}
		api.Do("POST", "/api/v1/calendar-feeds", map[string]any{"scope": "forum", "forum_id": forum.ID}).Want(t, 201).JSON(t, &created)
		var got samspil.Forum
		api.Do("GET", "/api/v1/forums/"+forum.ID, nil).Want(t, 200).JSON(t, &got)
		if got.CalendarURL == "" || got.CalendarURL != created.URL {
			t.Fatalf("calendar_url %q, created %q", got.CalendarURL, created.URL)
		}
		// Silkeborg's admin has none of their own.
		var other samspil.Forum
		app.Token(t, sAdmin.User.ID).Do("GET", "/api/v1/forums/"+forum.ID, nil).Want(t, 200).JSON(t, &other)
		if other.CalendarURL != "" {
			t.Fatalf("another user's feed shown: %q", other.CalendarURL)
		}
		// Aarhus may not make a feed of a forum it cannot see.
		app.Token(t, aAdmin.User.ID).Do("POST", "/api/v1/calendar-feeds", map[string]any{"scope": "forum", "forum_id": forum.ID}).Want(t, 404)

		check := func(name, url string) {
			t.Helper()
			res := app.Anonymous(t).Do("GET", strings.TrimPrefix(url, app.URL), nil).Want(t, http.StatusOK)
			cal, err := ics.ParseCalendar(strings.NewReader(string(res.Body)))
			if err != nil {
				t.Fatalf("%s: parse: %v", name, err)
			}
			events := cal.Events()
			byUID := map[string]*ics.VEvent{}
			for _, e := range events {
				byUID[e.GetProperty(ics.ComponentPropertyUniqueId).Value] = e
			}
			for _, m := range page.Items {
				e := byUID["meeting-"+m.ID+"@samspil"]
				if e == nil {
					t.Fatalf("%s: meeting of %s missing", name, m.Start)
				}
				start, err := e.GetStartAt()
				if err != nil || !start.Equal(m.Start) || start.In(cph).Hour() != 9 {
					t.Fatalf("%s: event starts %v (%v), meeting %v", name, start, err, m.Start)
				}
				status := e.GetProperty(ics.ComponentPropertyStatus)
				if (m.ID == cancelled.ID) != (status != nil && status.Value == "CANCELLED") {
					t.Fatalf("%s: cancelled marking of %s", name, m.Start)
				}
				if loc := e.GetProperty(ics.ComponentPropertyLocation); loc == nil || unescapeText(loc.Value) != "Silkeborg Rådhus, mødelokale 2" {
					t.Fatalf("%s: location %v", name, loc)
				}
			}
			if !strings.Contains(string(res.Body), "TZID:Europe/Copenhagen") {
				t.Fatalf("%s: no time zone", name)
			}
		}
		check("forum", created.URL)

		var person, org struct {
			URL  string `json:"url"`
			Feed struct {
				ID string `json:"id"`
			} `json:"feed"`
		}
		api.Do("POST", "/api/v1/calendar-feeds", map[string]any{"scope": "person"}).Want(t, 201).JSON(t, &person)
		check("person", person.URL)
		api.Do("POST", "/api/v1/calendar-feeds", map[string]any{"scope": "organization", "organization_id": testkit.Viborg}).Want(t, 201).JSON(t, &org)
		check("organization", org.URL)
		// Viborg's admin may not subscribe to Silkeborg's meetings as an organisation.
		api.Do("POST", "/api/v1/calendar-feeds", map[string]any{"scope": "organization", "organization_id": testkit.Silkeborg}).Want(t, 403)

		api.Do("DELETE", "/api/v1/calendar-feeds/"+person.Feed.ID, nil).Want(t, 204)
		app.Anonymous(t).Do("GET", strings.TrimPrefix(person.URL, app.URL), nil).Want(t, http.StatusNotFound)
	})
}

func ptrTo[T any](v T) *T { return &v }

// unescapeText undoes RFC 5545 TEXT escaping, which the parser leaves in place.
func unescapeText(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\;`, ";", `\,`, ",", `\n`, "\n", `\N`, "\n").Replace(s)
}

// From the forum page a member makes the forum's calendar address and
// finds it there again; an outsider cannot make one.
func TestForumFeedFromPage(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		sAdmin := testkit.NewPerson(t, app.DB, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		testkit.NewPerson(t, app.DB, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
		c, err := app.DB.CreateCollaboration(ctx, sAdmin.Actor, samspil.CollaborationInput{Name: "Silkeborg–Viborg", Kind: samspil.KindPartnership,
			Start: samspil.NewDate(2014, 1, 1), Visibility: samspil.VisibilityPrivate, OrganizationID: testkit.Silkeborg})
		if err != nil {
			t.Fatal(err)
		}
		forum, err := app.DB.CreateForum(ctx, sAdmin.Actor, c.ID, samspil.ForumInput{Name: "IT-chefmøde", Level: samspil.ForumITChiefs,
			Cadence: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", FirstMeeting: time.Date(2026, 1, 8, 9, 0, 0, 0, samspil.Copenhagen())})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := signIn(t, app, "admin@silkeborg.example")
		page := b.Do("GET", "/forums/"+forum.ID, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Forummets møder i din kalender", `action="/forums/`+forum.ID+`/calendar-feed"`)
		wantRedirect(t, b.Do("POST", "/forums/"+forum.ID+"/calendar-feed", nil), "/forums/"+forum.ID)
		page = b.Do("GET", "/forums/"+forum.ID, nil).Want(t, http.StatusOK)
		m := regexp.MustCompile(`id="forum-feed-url" readonly value="([^"]+)"`).FindStringSubmatch(body(page))
		if m == nil {
			t.Fatalf("no address on the page:\n%s", page.Body)
		}
		feed := app.Anonymous(t).Do("GET", strings.TrimPrefix(m[1], app.URL), nil).Want(t, http.StatusOK)
		mustContain(t, feed, "X-WR-CALNAME:IT-chefmøde", "DTSTART;TZID=Europe/Copenhagen:")
		outsider, _ := signIn(t, app, "admin@aarhus.example")
		outsider.Do("POST", "/forums/"+forum.ID+"/calendar-feed", nil).Want(t, http.StatusNotFound)
	})
}
