package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
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
		api.Do("POST", "/api/v1/calendar-feeds", map[string]any{"scope": "forum", "forum_id": forum.ID, "reminder_days": 14}).Want(t, 201).JSON(t, &created)
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
				// A meeting takes the time (a cancelled one frees it); the
				// feed's reminder, 14 days, comes before each one that is
				// held, in Danish.
				wantTransp := map[bool]string{true: "TRANSPARENT", false: "OPAQUE"}[m.ID == cancelled.ID]
				if tr := e.GetProperty(ics.ComponentPropertyTransp); tr == nil || tr.Value != wantTransp {
					t.Fatalf("%s: TRANSP %v, want %s", name, tr, wantTransp)
				}
				alarms := e.Alarms()
				if m.ID == cancelled.ID {
					if len(alarms) != 0 {
						t.Fatalf("%s: a cancelled meeting has a reminder", name)
					}
					continue
				}
				local := m.Start.In(cph)
				wantAlarm := fmt.Sprintf("Påmindelse: IT-chefmøde den %s kl. 09.00.", danishLong(samspil.DateOf(local)))
				if len(alarms) != 1 || alarms[0].GetProperty(ics.ComponentPropertyTrigger).Value != "-P14D" ||
					unescapeText(alarms[0].GetProperty(ics.ComponentPropertyDescription).Value) != wantAlarm {
					t.Fatalf("%s: alarms of %s: %d, want one 14 days before: %q", name, m.Start, len(alarms), wantAlarm)
				}
			}
			if !strings.Contains(string(res.Body), "TZID:Europe/Copenhagen") {
				t.Fatalf("%s: no time zone", name)
			}
			t.Run(name+"/ical.js", func(t *testing.T) {
				events := icalJS(t)(res.Body)
				if len(events) != len(cal.Events()) {
					t.Fatalf("ical.js finds %d events, golang-ical %d", len(events), len(cal.Events()))
				}
				for _, m := range page.Items {
					e := events["meeting-"+m.ID+"@samspil"]
					wantTransp := map[bool]string{true: "TRANSPARENT", false: "OPAQUE"}[m.ID == cancelled.ID]
					if e.Transp != wantTransp || e.AllDay || !strings.HasPrefix(e.Start, m.Start.In(cph).Format("2006-01-02T15:04:05")) {
						t.Fatalf("ical.js reads the meeting of %s as %+v", m.Start, e)
					}
					if n := len(e.Alarms); (m.ID == cancelled.ID) != (n == 0) || (n > 0 && e.Alarms[0].Trigger != "-P14D") {
						t.Fatalf("ical.js reads the alarms of %s as %+v", m.Start, e.Alarms)
					}
				}
			})
		}
		check("forum", created.URL)

		var person, org struct {
			URL  string `json:"url"`
			Feed struct {
				ID string `json:"id"`
			} `json:"feed"`
		}
		api.Do("POST", "/api/v1/calendar-feeds", map[string]any{"scope": "person", "reminder_days": 14}).Want(t, 201).JSON(t, &person)
		check("person", person.URL)
		api.Do("POST", "/api/v1/calendar-feeds", map[string]any{"scope": "organization", "organization_id": testkit.Viborg, "reminder_days": 14}).Want(t, 201).JSON(t, &org)
		check("organization", org.URL)
		// Viborg's admin may not subscribe to Silkeborg's meetings as an organisation.
		api.Do("POST", "/api/v1/calendar-feeds", map[string]any{"scope": "organization", "organization_id": testkit.Silkeborg}).Want(t, 403)

		api.Do("DELETE", "/api/v1/calendar-feeds/"+person.Feed.ID, nil).Want(t, 204)
		app.Anonymous(t).Do("GET", strings.TrimPrefix(person.URL, app.URL), nil).Want(t, http.StatusNotFound)

		// Through the API the reminder and the language are chosen too;
		// bad values are refused at their fields and make no feed.
		before, err := app.DB.ListFeeds(ctx, vAdmin.Actor)
		if err != nil {
			t.Fatal(err)
		}
		for field, bad := range map[string]any{"reminder_days": 366, "language": "de"} {
			res := api.Do("POST", "/api/v1/calendar-feeds", map[string]any{"scope": "person", field: bad}).Want(t, http.StatusUnprocessableEntity)
			if !strings.Contains(string(res.Body), field) {
				t.Fatalf("%s=%v refused without naming the field: %s", field, bad, res.Body)
			}
		}
		if after, err := app.DB.ListFeeds(ctx, vAdmin.Actor); err != nil || len(after) != len(before) {
			t.Fatalf("refused input made a feed: %d feeds, before %d (%v)", len(after), len(before), err)
		}
		var english struct {
			URL  string               `json:"url"`
			Feed samspil.CalendarFeed `json:"feed"`
		}
		api.Do("POST", "/api/v1/calendar-feeds", map[string]any{"scope": "person", "reminder_days": 2, "language": "en"}).Want(t, 201).JSON(t, &english)
		if english.Feed.ReminderDays != 2 || english.Feed.Language != samspil.FeedEnglish {
			t.Fatalf("feed %+v", english.Feed)
		}
		res := app.Anonymous(t).Do("GET", strings.TrimPrefix(english.URL, app.URL), nil).Want(t, http.StatusOK)
		mustContain(t, res, "X-WR-CALNAME:My meetings in samspil", "TRIGGER:-P2D", "DESCRIPTION:Reminder: IT-chefmøde on ")
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

// A deadlines feed made from the page in Danish, and one in English: each
// deadline is an all-day event on the last day to act that leaves the day
// free, says in the feed's language (dates with the month's name) what
// must be done by then and what happens otherwise, and has the reminder
// chosen in the form. Both parsers read it alike: golang-ical, and ical.js
// where it is installed. A reminder out of bounds is refused at its field
// and makes no feed.
func TestDeadlineFeedTextsAndReminders(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		ed := testkit.NewPerson(t, app.DB, "ed@silkeborg.example", testkit.Silkeborg, samspil.RoleEditor)
		org := testkit.Org(t, app.DB, testkit.Silkeborg)
		create := func(in samspil.ContractInput) *samspil.Contract {
			t.Helper()
			in.OrganizationID = org.ID
			c, err := app.DB.CreateContract(ctx, ed.Actor, in)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		// Ten years with one option of two years, six months' notice to the
		// end of a month: notice by 30 June 2033 ends it on 31 December
		// 2033, else it runs to 31 December 2035.
		optioned := create(samspil.ContractInput{Name: "Nexus, drift; support", ContractTerms: samspil.ContractTerms{
			Start: samspil.NewDate(2024, 1, 1), DurationMonths: 120, ExtensionCount: 1, ExtensionMonths: 24,
			NoticeMonths: 6, NoticeRule: samspil.NoticeEndOfMonth}})
		// No options: it simply expires; the decision is due by then.
		expiring := create(samspil.ContractInput{Name: "Opus Løn", ContractTerms: samspil.ContractTerms{
			Start: samspil.NewDate(2024, 1, 1), Expiry: ptrTo(samspil.NewDate(2034, 3, 31)), NoticeMonths: 3}})
		// Open-ended: its notice date moves with today.
		open := create(samspil.ContractInput{Name: "Løbende hosting", ContractTerms: samspil.ContractTerms{
			Start: samspil.NewDate(2020, 1, 1), NoticeMonths: 3, NoticeRule: samspil.NoticeEndOfQuarter}})
		// The same ten years with an option the buyer must exercise: by 30
		// June 2033, or it ends on 31 December 2033.
		exercise := create(samspil.ContractInput{Name: "Fagsystem med option", ContractTerms: samspil.ContractTerms{
			Start: samspil.NewDate(2024, 1, 1), DurationMonths: 120, ExtensionCount: 1, ExtensionMonths: 24,
			NoticeMonths: 6, NoticeRule: samspil.NoticeEndOfMonth, ExtensionKind: samspil.ExtensionOption}})
		openStored, err := app.DB.FindContract(ctx, ed.Actor, open.ID)
		if err != nil {
			t.Fatal(err)
		}

		b, _ := signIn(t, app, "ed@silkeborg.example")
		feedsPath := "/organizations/" + org.ID + "/calendar-feeds"
		addr := regexp.MustCompile(`id="feed-url" readonly value="(http://[^"]+/calendar/[^"]+\.ics)"`)

		// Out of bounds or not a number: refused at the field, no feed made.
		for _, bad := range []struct{ value, msg string }{{"366", "skal være mellem 0 og 365"}, {"-1", "skal være mellem 0 og 365"},
			{"to uger", "skal være et helt antal dage fra 0 til 365"}} {
			res := b.Do("POST", feedsPath, url.Values{"scope": {"deadlines"}, "reminder_days": {bad.value}}).Want(t, http.StatusUnprocessableEntity)
			mustContain(t, res, `id="e-reminder_days">`+bad.msg, `aria-invalid="true"`, `value="`+bad.value+`"`)
			if addr.Match(res.Body) {
				t.Fatalf("reminder %q made a feed", bad.value)
			}
		}
		if feeds, err := app.DB.ListFeeds(ctx, ed.Actor); err != nil || len(feeds) != 0 {
			t.Fatalf("feeds after refused input: %v %v", feeds, err)
		}
		// The form offers the default.
		mustContain(t, b.Do("GET", feedsPath, nil).Want(t, http.StatusOK), `name="reminder_days" type="number" min="0" max="365" inputmode="numeric" value="14"`)

		fetch := func(form url.Values) (string, []byte) {
			t.Helper()
			page := b.Do("POST", feedsPath, form).Want(t, http.StatusCreated)
			m := addr.FindStringSubmatch(body(page))
			if m == nil {
				t.Fatalf("no feed address on the page:\n%s", page.Body)
			}
			res := app.Anonymous(t).Do("GET", strings.TrimPrefix(m[1], app.URL), nil).Want(t, http.StatusOK)
			return m[1], res.Body
		}
		type want struct {
			day, summary, desc, alarm string
		}
		check := func(lang string, feed []byte, reminder string, wants map[string]want) {
			t.Helper()
			cal, err := ics.ParseCalendar(strings.NewReader(string(feed)))
			if err != nil {
				t.Fatalf("%s: parse: %v\n%s", lang, err, feed)
			}
			events := cal.Events()
			if len(events) != len(wants) {
				t.Fatalf("%s: %d events, want %d:\n%s", lang, len(events), len(wants), feed)
			}
			for _, e := range events {
				uid := e.GetProperty(ics.ComponentPropertyUniqueId).Value
				w, ok := wants[uid]
				if !ok {
					t.Fatalf("%s: unexpected event %s", lang, uid)
				}
				start, err := e.GetAllDayStartAt()
				if err != nil || start.Format("2006-01-02") != w.day {
					t.Fatalf("%s: %s on %v (%v), want %s", lang, uid, start, err, w.day)
				}
				if got := e.GetProperty(ics.ComponentPropertyTransp); got == nil || got.Value != "TRANSPARENT" {
					t.Fatalf("%s: %s TRANSP %v", lang, uid, got)
				}
				if got := unescapeText(e.GetProperty(ics.ComponentPropertySummary).Value); got != w.summary {
					t.Fatalf("%s: %s summary %q, want %q", lang, uid, got, w.summary)
				}
				if got := unescapeText(e.GetProperty(ics.ComponentPropertyDescription).Value); !strings.HasPrefix(got, w.desc) {
					t.Fatalf("%s: %s description %q, want it to start %q", lang, uid, got, w.desc)
				}
				alarms := e.Alarms()
				if reminder == "" {
					if len(alarms) != 0 {
						t.Fatalf("%s: %s has %d alarms, want none", lang, uid, len(alarms))
					}
					continue
				}
				if len(alarms) != 1 {
					t.Fatalf("%s: %s has %d alarms", lang, uid, len(alarms))
				}
				if got := alarms[0].GetProperty(ics.ComponentPropertyTrigger); got == nil || got.Value != reminder {
					t.Fatalf("%s: %s trigger %v, want %s", lang, uid, got, reminder)
				}
				if got := alarms[0].GetProperty(ics.ComponentPropertyDescription); got == nil || unescapeText(got.Value) != w.alarm {
					t.Fatalf("%s: %s alarm text %v, want %q", lang, uid, got, w.alarm)
				}
			}
		}
		lnd := openStored.Deadlines.LastNoticeDate.String()
		notice, decision := func(c *samspil.Contract) string { return "contract-" + c.ID + "-notice@samspil" },
			func(c *samspil.Contract) string { return "contract-" + c.ID + "-decision@samspil" }
		option := "contract-" + exercise.ID + "-option@samspil"

		// In Danish, reminded 10 days before.
		_, da := fetch(url.Values{"scope": {"deadlines"}, "reminder_days": {"10"}})
		mustContain(t, &testkit.Response{Body: da}, "X-WR-CALNAME:Kontraktfrister for Silkeborg Kommune")
		daWants := map[string]want{
			notice(optioned): {"2033-06-30", "Sidste frist for opsigelse: Nexus, drift; support",
				"Sidste dag for at opsige Nexus, drift; support er 30. juni 2033. Opsiges kontrakten senest denne dag, ophører den 31. december 2033; ellers forlænges den til 31. december 2035.\n" + app.URL + "/contracts/" + optioned.ID,
				"Påmindelse: Sidste frist for at opsige Nexus, drift; support er 30. juni 2033."},
			decision(expiring): {"2034-03-31", "Kontrakten udløber – afløser skal være klar: Opus Løn",
				"Opus Løn udløber 31. marts 2034 uden flere forlængelser. Den skal ikke opsiges, men en afløser skal være på plads senest denne dag.",
				"Påmindelse: Opus Løn udløber 31. marts 2034; en afløser skal være på plads."},
			notice(open): {lnd, "Sidste frist for opsigelse: Løbende hosting", "Sidste dag for at opsige Løbende hosting er ", ""},
			option: {"2033-06-30", "Sidste frist for option: Fagsystem med option",
				"Fagsystem med option: Udnyt optionen senest 30. juni 2033, så kontrakten forlænges til 31. december 2035. Ellers ophører den 31. december 2033.",
				"Påmindelse: Sidste frist for at udnytte optionen på Fagsystem med option er 30. juni 2033."},
		}
		w := daWants[notice(open)]
		w.alarm = "Påmindelse: Sidste frist for at opsige Løbende hosting er " + danishLong(*openStored.Deadlines.LastNoticeDate) + "."
		daWants[notice(open)] = w
		check("da", da, "-P10D", daWants)

		// In English, without reminders.
		wantRedirect(t, b.Do("POST", "/language", url.Values{"lang": {"en"}}), "/organizations")
		_, en := fetch(url.Values{"scope": {"deadlines"}, "reminder_days": {"0"}})
		check("en", en, "", map[string]want{
			notice(optioned): {"2033-06-30", "Last day to give notice: Nexus, drift; support",
				"The last day to give notice on Nexus, drift; support is 30 June 2033. With notice by then the contract ends on 31 December 2033; otherwise it is extended to 31 December 2035.", ""},
			decision(expiring): {"2034-03-31", "Contract expires – successor due: Opus Løn",
				"Opus Løn expires on 31 March 2034 with no extensions left. No notice is needed, but a successor must be in place by then.", ""},
			notice(open): {lnd, "Last day to give notice: Løbende hosting", "The last day to give notice on Løbende hosting is ", ""},
			option: {"2033-06-30", "Last day for option: Fagsystem med option",
				"Fagsystem med option: exercise the option by 30 June 2033 to extend the contract to 31 December 2035. Otherwise it ends on 31 December 2033.", ""},
		})

		feeds, err := app.DB.ListFeeds(ctx, ed.Actor)
		if err != nil || len(feeds) != 2 {
			t.Fatalf("feeds %v %v", feeds, err)
		}
		// Newest first.
		if feeds[0].ReminderDays != 0 || feeds[0].Language != samspil.FeedEnglish || feeds[1].ReminderDays != 10 || feeds[1].Language != samspil.FeedDanish {
			t.Fatalf("stored feeds %+v", feeds)
		}
		mustContain(t, b.Do("GET", feedsPath, nil).Want(t, http.StatusOK), "<td>10 days before</td>", "<td>None</td>", "<td>Danish</td>", "<td>English</td>")

		// The independent parser reads the same.
		t.Run("ical.js", func(t *testing.T) {
			read := icalJS(t)
			for lang, feed := range map[string][]byte{"da": da, "en": en} {
				events := read(feed)
				if len(events) != 4 {
					t.Fatalf("%s: ical.js finds %d events", lang, len(events))
				}
				for uid, day := range map[string]string{notice(optioned): "2033-06-30", decision(expiring): "2034-03-31", notice(open): lnd, option: "2033-06-30"} {
					e := events[uid]
					if e.Start != day || !e.AllDay || e.Transp != "TRANSPARENT" {
						t.Fatalf("%s: ical.js reads %s as %+v", lang, uid, e)
					}
					switch {
					case lang == "en" && len(e.Alarms) != 0:
						t.Fatalf("en: ical.js finds alarms in %s: %+v", uid, e.Alarms)
					case lang == "da" && (len(e.Alarms) != 1 || e.Alarms[0].Action != "DISPLAY" || e.Alarms[0].Trigger != "-P10D" ||
						e.Alarms[0].TriggerSeconds != -10*86400 || e.Alarms[0].Description != daWants[uid].alarm):
						t.Fatalf("da: ical.js reads the alarms of %s as %+v", uid, e.Alarms)
					}
				}
				if e := events[notice(optioned)]; lang == "da" && !strings.HasPrefix(e.Description, daWants[notice(optioned)].desc) {
					t.Fatalf("ical.js reads the description as %q", e.Description)
				}
			}
		})
	})
}

// danishLong writes a date as the Danish feeds do.
func danishLong(d samspil.Date) string {
	months := []string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"}
	return fmt.Sprintf("%d. %s %d", d.Day, months[d.Month-1], d.Year)
}

// The account page and the forum page make meeting feeds with the reminder
// chosen in their forms, in the page's language; a bad reminder is refused
// at its field and makes no feed.
func TestMeetingFeedFormsReminder(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		sAdmin := testkit.NewPerson(t, app.DB, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
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
		for _, form := range []struct{ page, post string }{{"/account", "/account/meeting-feed"}, {"/forums/" + forum.ID, "/forums/" + forum.ID + "/calendar-feed"}} {
			mustContain(t, b.Do("GET", form.page, nil).Want(t, http.StatusOK), `id="f-reminder_days" name="reminder_days" type="number" min="0" max="365" inputmode="numeric" value="0"`)
			res := b.Do("POST", form.post, url.Values{"reminder_days": {"400"}}).Want(t, http.StatusUnprocessableEntity)
			mustContain(t, res, `id="e-reminder_days">skal være mellem 0 og 365`, `value="400"`)
		}
		if feeds, err := app.DB.ListFeeds(ctx, sAdmin.Actor); err != nil || len(feeds) != 0 {
			t.Fatalf("refused forms made feeds: %v %v", feeds, err)
		}
		wantRedirect(t, b.Do("POST", "/account/meeting-feed", url.Values{"reminder_days": {"0"}}), "/account")
		wantRedirect(t, b.Do("POST", "/language", url.Values{"lang": {"en"}}), "/organizations")
		wantRedirect(t, b.Do("POST", "/forums/"+forum.ID+"/calendar-feed", url.Values{"reminder_days": {"1"}}), "/forums/"+forum.ID)
		feeds, err := app.DB.ListFeeds(ctx, sAdmin.Actor)
		if err != nil || len(feeds) != 2 {
			t.Fatalf("feeds %v %v", feeds, err)
		}
		got := map[samspil.FeedScope]samspil.CalendarFeed{feeds[0].Scope: feeds[0], feeds[1].Scope: feeds[1]}
		if p := got[samspil.FeedPerson]; p.ReminderDays != 0 || p.Language != samspil.FeedDanish {
			t.Fatalf("person feed %+v", p)
		}
		if f := got[samspil.FeedForum]; f.ReminderDays != 1 || f.Language != samspil.FeedEnglish {
			t.Fatalf("forum feed %+v", f)
		}
	})
}
