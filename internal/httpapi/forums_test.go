package httpapi_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// wantProblemAt fails the test unless the problem document names the field
// location.
func wantProblemAt(t *testing.T, res *testkit.Response, location string) {
	t.Helper()
	if !strings.Contains(string(res.Body), `"location":"`+location+`"`) {
		t.Fatalf("no error at %s: %s", location, res.Body)
	}
}

func TestForumsAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		w := newWorld(t, app)
		c := testkit.Partnership(t, app.DB, w.sAdmin.Actor)
		base := "/api/v1/collaborations/" + c.ID + "/forums"
		forum := func(cadence string) map[string]any {
			return map[string]any{"name": "IT-chefforum", "level": "it_chiefs", "cadence": cadence, "first_meeting": "2014-01-09T09:00:00+01:00",
				"location": "Viborg Rådhus", "members": []map[string]any{{"user_id": w.vAdmin.User.ID, "organization_id": w.viborg.ID},
					{"user_id": w.sEditor.User.ID, "organization_id": w.silkeborg.ID}}}
		}

		// Refused: a bad RRULE names the field, a viewer may not; neither changes anything.
		w.asSAdmin.Do("GET", "/api/v1/users/me", nil).Want(t, 200)
		w.asSViewer.Do("GET", "/api/v1/users/me", nil).Want(t, 200)
		before, _ := app.DB.Fingerprint(ctx)
		res := w.asSAdmin.Do("POST", base, forum("FREQ=WEEKLY;INTERVAL=0;BYDAY=TH")).Want(t, 422)
		wantProblemAt(t, res, "body.cadence")
		res = w.asSAdmin.Do("POST", base, forum("FREQ=SOMETIMES")).Want(t, 422)
		wantProblemAt(t, res, "body.cadence")
		w.asSViewer.Do("POST", base, forum("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH")).Want(t, 403)
		app.Anonymous(t).Do("POST", base, forum("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH")).Want(t, 401)
		if after, _ := app.DB.Fingerprint(ctx); after != before {
			t.Fatal("refused forums changed the database")
		}

		// A fortnightly forum.
		var f samspil.Forum
		res = w.asSAdmin.Do("POST", base, forum("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH")).Want(t, 201)
		res.JSON(t, &f)
		if res.Header.Get("Location") != "/api/v1/forums/"+f.ID || res.Header.Get("ETag") != `"1"` || len(f.Members) != 2 || f.Members[1].Name == "" ||
			f.FirstMeeting.Format(time.RFC3339) != "2014-01-09T09:00:00+01:00" {
			t.Fatalf("created %s %+v", res.Header, f)
		}
		w.asVAd.Do("GET", "/api/v1/forums/"+f.ID, nil).Want(t, 200)
		var forums struct{ Items []samspil.Forum }
		w.asVAd.Do("GET", base, nil).Want(t, 200).JSON(t, &forums)
		if len(forums.Items) != 1 || forums.Items[0].ID != f.ID {
			t.Fatalf("forums %+v", forums.Items)
		}

		// Its meetings in spring 2014, at 09:00 Copenhagen time on both sides of the change to summer time.
		var page samspil.Page[samspil.Meeting]
		w.asVAd.Do("GET", "/api/v1/meetings?forum_id="+f.ID+"&from="+url.QueryEscape("2014-03-01T00:00:00+01:00")+
			"&to="+url.QueryEscape("2014-05-01T00:00:00+02:00"), nil).Want(t, 200).JSON(t, &page)
		var starts []string
		for _, m := range page.Items {
			starts = append(starts, m.Start.Format(time.RFC3339))
		}
		if strings.Join(starts, " ") != "2014-03-06T09:00:00+01:00 2014-03-20T09:00:00+01:00 2014-04-03T09:00:00+02:00 2014-04-17T09:00:00+02:00" {
			t.Fatalf("spring 2014: %v", starts)
		}
		// Paging by two.
		var p1, p2 samspil.Page[samspil.Meeting]
		w.asVAd.Do("GET", "/api/v1/meetings?collaboration_id="+c.ID+"&limit=2&from="+url.QueryEscape("2014-03-01T00:00:00Z"), nil).Want(t, 200).JSON(t, &p1)
		w.asVAd.Do("GET", "/api/v1/meetings?collaboration_id="+c.ID+"&limit=2&from="+url.QueryEscape("2014-03-01T00:00:00Z")+"&cursor="+p1.NextCursor, nil).
			Want(t, 200).JSON(t, &p2)
		if len(p1.Items) != 2 || len(p2.Items) != 2 || p1.NextCursor == "" || p2.Items[0].ID != page.Items[2].ID {
			t.Fatalf("paging: %+v / %+v", p1, p2)
		}

		// Move the meeting of 3 April to Friday 10:00 with If-Match.
		mpath := "/api/v1/meetings/" + page.Items[2].ID
		res = w.asVAd.Do("GET", mpath, nil).Want(t, 200)
		if res.Header.Get("ETag") != `"1"` {
			t.Fatalf("etag %q", res.Header.Get("ETag"))
		}
		w.asSAdmin.Do("PATCH", mpath, map[string]any{"start": "2014-04-04T10:00:00+02:00"}).Want(t, 428)
		w.asVAd.Do("PATCH", mpath, map[string]any{"start": "2014-04-04T10:00:00+02:00"}, "If-Match", `"1"`).Want(t, 403)
		var m samspil.Meeting
		res = w.asSAdmin.Do("PATCH", mpath, map[string]any{"start": "2014-04-04T10:00:00+02:00"}, "If-Match", `"1"`).Want(t, 200)
		res.JSON(t, &m)
		if res.Header.Get("ETag") != `"2"` || !m.Touched || m.Start.Format(time.RFC3339) != "2014-04-04T10:00:00+02:00" ||
			m.End.Format(time.RFC3339) != "2014-04-04T12:00:00+02:00" || m.Occurrence.Format(time.RFC3339) != "2014-04-03T09:00:00+02:00" {
			t.Fatalf("moved %s %+v", res.Header.Get("ETag"), m)
		}
		w.asSAdmin.Do("PATCH", mpath, map[string]any{"location": "Silkeborg"}, "If-Match", `"1"`).Want(t, 412)
		res = w.asSAdmin.Do("PATCH", mpath, map[string]any{"end": "2014-04-04T09:00:00+02:00"}, "If-Match", `"2"`).Want(t, 422)
		wantProblemAt(t, res, "body.end")
		// A forum member writes the minutes.
		w.asVAd.Do("PATCH", mpath, map[string]any{"minutes": "## Referat\n\nBudgettet blev godkendt.", "status": "held"}, "If-Match", `"2"`).Want(t, 200)

		// The agenda: add, change, remove.
		res = w.asVAd.Do("POST", mpath+"/agenda", map[string]any{"title": "Budget", "attachments": []map[string]any{{"title": "Notat", "url": "ftp://viborg.example/notat.pdf"}}}).
			Want(t, 422)
		wantProblemAt(t, res, "body.attachments[0].url")
		w.asVAd.Do("POST", mpath+"/agenda", map[string]any{"title": "Budget", "owner_user_id": w.sEditor.User.ID,
			"attachments": []map[string]any{{"title": "Notat", "url": "https://viborg.example/notat.pdf"}}}).Want(t, 200).JSON(t, &m)
		if len(m.Agenda) != 1 || m.Agenda[0].OwnerName == "" || len(m.Agenda[0].Attachments) != 1 {
			t.Fatalf("agenda %+v", m.Agenda)
		}
		item := mpath + "/agenda/" + m.Agenda[0].ID
		w.asSEditor.Do("PUT", item, map[string]any{"title": "Budget 2015"}).Want(t, 200).JSON(t, &m)
		if m.Agenda[0].Title != "Budget 2015" {
			t.Fatalf("agenda %+v", m.Agenda)
		}
		w.asSViewer.Do("PUT", item, map[string]any{"title": "Overtaget"}).Want(t, 403)

		// Attendance.
		res = w.asVAd.Do("PUT", mpath+"/attendance", map[string]any{"attendance": []map[string]any{
			{"user_id": w.sAdmin.User.ID, "organization_id": w.viborg.ID, "status": "present"}}}).Want(t, 422)
		wantProblemAt(t, res, "body.attendance[0].user_id")
		w.asVAd.Do("PUT", mpath+"/attendance", map[string]any{"attendance": []map[string]any{
			{"user_id": w.vAdmin.User.ID, "organization_id": w.viborg.ID, "status": "present"},
			{"user_id": w.sEditor.User.ID, "organization_id": w.silkeborg.ID, "status": "excused"}}}).Want(t, 200).JSON(t, &m)
		if len(m.Attendance) != 2 || m.Attendance[0].OrganizationName == "" {
			t.Fatalf("attendance %+v", m.Attendance)
		}
		w.asVAd.Do("DELETE", item, nil).Want(t, 200).JSON(t, &m)
		if len(m.Agenda) != 0 {
			t.Fatalf("agenda after delete %+v", m.Agenda)
		}
		w.asVAd.Do("DELETE", item, nil).Want(t, 404)
		res = w.asVAd.Do("GET", mpath, nil).Want(t, 200)
		res.JSON(t, &m)
		if res.Header.Get("ETag") != `"7"` || len(m.Attendance) != 2 || m.Status != samspil.MeetingHeld {
			t.Fatalf("meeting %s %+v", res.Header.Get("ETag"), m)
		}
		app.Anonymous(t).Do("GET", mpath, nil).Want(t, 404)

		// An extra meeting ends after the forum's two hours.
		res = w.asSAdmin.Do("POST", "/api/v1/forums/"+f.ID+"/meetings", map[string]any{"title": "Strategiseminar", "start": "2030-06-13T10:00:00+02:00"}).
			Want(t, 201)
		res.JSON(t, &m)
		if !strings.HasPrefix(res.Header.Get("Location"), "/api/v1/meetings/") || m.End.Format(time.RFC3339) != "2030-06-13T12:00:00+02:00" {
			t.Fatalf("extra %s %+v", res.Header.Get("Location"), m)
		}

		// A new cadence; then the forum stops.
		fpath := "/api/v1/forums/" + f.ID
		res = w.asSAdmin.Do("PATCH", fpath, map[string]any{"cadence": "FREQ=MONTHLY;BYMONTHDAY=32"}, "If-Match", `"1"`).Want(t, 422)
		wantProblemAt(t, res, "body.cadence")
		w.asSAdmin.Do("PATCH", fpath, map[string]any{"cadence": "FREQ=MONTHLY;BYDAY=1TH"}, "If-Match", `"1"`).Want(t, 200).JSON(t, &f)
		if f.Version != 2 || f.Cadence != "FREQ=MONTHLY;BYDAY=1TH" {
			t.Fatalf("forum %+v", f)
		}
		w.asSAdmin.Do("PATCH", fpath, map[string]any{"name": "IT-chefmøde"}, "If-Match", `"1"`).Want(t, 412)
		res = w.asSAdmin.Do("POST", fpath+"/discontinue", map[string]any{"on": "2013-12-31", "reason": "Nedlagt"}, "If-Match", `"2"`).Want(t, 422)
		wantProblemAt(t, res, "body.on")
		w.asSAdmin.Do("POST", fpath+"/discontinue", map[string]any{"on": "2030-01-01", "reason": "Nedlagt"}, "If-Match", `"2"`).Want(t, 200).JSON(t, &f)
		if f.Status != samspil.ForumDiscontinued || f.DiscontinuedOn.String() != "2030-01-01" {
			t.Fatalf("discontinued %+v", f)
		}
		w.asSAdmin.Do("POST", fpath+"/discontinue", map[string]any{"on": "2030-01-01", "reason": "Igen"}, "If-Match", `"3"`).Want(t, 409)
	})
}

// forumPattern turns a concrete forum or meeting path back into its route
// pattern.
func forumPattern(path string) string {
	path = strings.SplitN(path, "?", 2)[0]
	parts := strings.Split(path, "/")
	names := map[string]string{"collaborations": "{id}", "forums": "{id}", "meetings": "{id}", "agenda": "{item_id}"}
	for i := 4; i < len(parts); i++ {
		if n, ok := names[parts[i-1]]; ok && parts[i] != "" {
			parts[i] = n
		}
	}
	return strings.Join(parts, "/")
}

// TestForumRoutesCrossCollaboration lets Silkeborg's administrator try
// every forum and meeting route on the forums of collaborations between
// Aarhus and Odense: on a private one everything is invisible (404, lists
// empty); on a sector-wide one it reads, but every change is refused (403).
// Nothing changes.
func TestForumRoutesCrossCollaboration(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		w := newWorld(t, app)
		aAdmin := testkit.NewPerson(t, app.DB, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
		aarhus := testkit.Org(t, app.DB, testkit.Aarhus)
		type objects struct{ collab, forum, meeting, item string }
		made := func(v samspil.Visibility) objects {
			c, err := app.DB.CreateCollaboration(ctx, aAdmin.Actor, samspil.CollaborationInput{Name: "Østjysk netværk " + string(v), Kind: samspil.KindNetwork,
				Start: samspil.NewDate(2020, 1, 1), Visibility: v, OrganizationID: testkit.Aarhus})
			if err != nil {
				t.Fatal(err)
			}
			testkit.Join(t, app.DB, c.ID, samspil.InvitationInput{OrganizationID: "0461", Since: samspil.NewDate(2020, 1, 1)})
			f, err := app.DB.CreateForum(ctx, aAdmin.Actor, c.ID, samspil.ForumInput{Name: "Netværksmøde", Level: samspil.ForumWorkingGroup,
				Cadence: "FREQ=MONTHLY;BYDAY=2TU", FirstMeeting: time.Date(2020, 1, 14, 10, 0, 0, 0, time.UTC),
				Members: []samspil.ForumMember{{UserID: aAdmin.User.ID, OrganizationID: aarhus.ID}}})
			if err != nil {
				t.Fatal(err)
			}
			ms, err := app.DB.ListMeetings(ctx, aAdmin.Actor, samspil.MeetingFilter{ForumID: f.ID, ListOptions: samspil.ListOptions{Limit: 1}})
			if err != nil || len(ms.Items) != 1 {
				t.Fatalf("meetings: %v", err)
			}
			m, err := app.DB.AddAgendaItem(ctx, aAdmin.Actor, ms.Items[0].ID, samspil.AgendaItemInput{Title: "Status"})
			if err != nil {
				t.Fatal(err)
			}
			return objects{collab: c.ID, forum: f.ID, meeting: m.ID, item: m.Agenda[0].ID}
		}
		closed, shared := made(samspil.VisibilityPrivate), made(samspil.VisibilitySector)

		type attempt struct {
			method, path string
			body         any
		}
		attempts := func(o objects) []attempt {
			forum, meeting := "/api/v1/forums/"+o.forum, "/api/v1/meetings/"+o.meeting
			return []attempt{
				{"GET", "/api/v1/collaborations/" + o.collab + "/forums", nil},
				{"POST", "/api/v1/collaborations/" + o.collab + "/forums", map[string]any{"name": "Indtrængt", "level": "working_group",
					"first_meeting": "2026-01-06T10:00:00+01:00"}},
				{"GET", forum, nil},
				{"PATCH", forum, map[string]any{"name": "Overtaget"}},
				{"PATCH", forum, map[string]any{"cadence": "FREQ=DAILY"}},
				{"POST", forum + "/discontinue", map[string]any{"on": "2026-01-01", "reason": "Overtaget"}},
				{"POST", forum + "/meetings", map[string]any{"start": "2026-01-06T10:00:00+01:00"}},
				{"GET", "/api/v1/meetings?collaboration_id=" + o.collab, nil},
				{"GET", "/api/v1/meetings?forum_id=" + o.forum, nil},
				{"GET", meeting, nil},
				{"PATCH", meeting, map[string]any{"minutes": "Overtaget"}},
				{"PATCH", meeting, map[string]any{"status": "cancelled"}},
				{"POST", meeting + "/agenda", map[string]any{"title": "Indtrængt"}},
				{"PUT", meeting + "/agenda/" + o.item, map[string]any{"title": "Overtaget"}},
				{"DELETE", meeting + "/agenda/" + o.item, nil},
				{"PUT", meeting + "/attendance", map[string]any{"attendance": []map[string]any{
					{"user_id": w.sAdmin.User.ID, "organization_id": w.silkeborg.ID, "status": "present"}}}},
			}
		}

		// Every forum and meeting route is tried.
		tried := map[string]bool{}
		for _, a := range attempts(closed) {
			tried[a.method+" "+forumPattern(a.path)] = true
		}
		for _, r := range app.Server.Routes() {
			mine := strings.Contains(r.Pattern, " /api/v1/forums") || strings.Contains(r.Pattern, " /api/v1/meetings") ||
				strings.Contains(r.Pattern, " /api/v1/collaborations/{id}/forums")
			if mine && !tried[r.Pattern] {
				t.Errorf("route %s is not tried by the cross-collaboration test", r.Pattern)
			}
		}

		// First use of a token records its last use; do it before measuring.
		w.asSAdmin.Do("GET", "/api/v1/users/me", nil).Want(t, 200)
		before, err := app.DB.Fingerprint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		try := func(name string, o objects, private bool) {
			for _, a := range attempts(o) {
				res := w.asSAdmin.Do(a.method, a.path, a.body, "If-Match", `"1"`)
				if strings.Contains(a.path, "?") {
					var p struct{ Items []any }
					res.JSON(t, &p)
					if res.Status != 200 || (private && len(p.Items) != 0) || (!private && len(p.Items) == 0) {
						t.Errorf("%s: %s %s = %d with %d items", name, a.method, a.path, res.Status, len(p.Items))
					}
					continue
				}
				want := 404
				if !private {
					want = 403
					if a.method == "GET" {
						want = 200
					}
				}
				if res.Status != want {
					t.Errorf("%s: %s %s = %d, want %d: %s", name, a.method, a.path, res.Status, want, res.Body)
				}
			}
		}
		try("private collaboration", closed, true)
		try("sector-wide collaboration", shared, false)
		if after, _ := app.DB.Fingerprint(ctx); after != before {
			t.Fatal("the attempts changed the database")
		}
	})
}
