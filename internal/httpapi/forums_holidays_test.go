package httpapi_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// TestForumSkipHolidaysAPI: skip_holidays is written and read through the
// API, the forum lists the meetings it skips and why, and the meetings
// agree: none on a skipped day, and back when skipping is turned off.
func TestForumSkipHolidaysAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		w := newWorld(t, app)
		c := testkit.Partnership(t, app.DB, w.sAdmin.Actor)
		// Every Thursday from next week: skærtorsdag, Kristi himmelfartsdag
		// and a Thursday of the Christmas week fall within 400 days.
		first := time.Now().In(samspil.Copenhagen()).AddDate(0, 0, 7)
		for first.Weekday() != time.Thursday {
			first = first.AddDate(0, 0, 1)
		}
		first = time.Date(first.Year(), first.Month(), first.Day(), 9, 0, 0, 0, samspil.Copenhagen())
		base := "/api/v1/collaborations/" + c.ID + "/forums"
		body := map[string]any{"name": "IT-chefforum", "level": "it_chiefs", "cadence": "FREQ=WEEKLY;BYDAY=TH", "skip_holidays": true,
			"first_meeting": first.Format(time.RFC3339)}

		w.asSAdmin.Do("GET", "/api/v1/users/me", nil).Want(t, 200) // the token's first use is recorded
		before, _ := app.DB.Fingerprint(ctx)
		bad := map[string]any{}
		for k, v := range body {
			bad[k] = v
		}
		bad["skip_holidays"] = "ja"
		wantProblemAt(t, w.asSAdmin.Do("POST", base, bad).Want(t, 422), "body.skip_holidays")
		if after, _ := app.DB.Fingerprint(ctx); after != before {
			t.Fatal("a refused forum changed the database")
		}

		var f samspil.Forum
		w.asSAdmin.Do("POST", base, body).Want(t, 201).JSON(t, &f)
		if !f.SkipHolidays || len(f.SkippedMeetings) < 3 {
			t.Fatalf("created: skip %v, skipped %v", f.SkipHolidays, f.SkippedMeetings)
		}
		kinds := map[samspil.HolidayKind]bool{}
		for _, s := range f.SkippedMeetings {
			d := samspil.DateOf(s.Occurrence.In(samspil.Copenhagen()))
			if h, ok := samspil.HolidayOn(d); !ok || h != s.Holiday || s.Occurrence.Weekday() != time.Thursday || s.Occurrence.Hour() != 9 {
				t.Fatalf("skipped %v on %s", s, d)
			}
			kinds[s.Holiday] = true
		}
		if !kinds[samspil.HolidayMaundyThursday] || !kinds[samspil.HolidayAscensionDay] {
			t.Fatalf("skipped %v", f.SkippedMeetings)
		}
		// The list and the forum agree; no meeting is on a skipped day.
		var list struct{ Items []samspil.Forum }
		w.asVAd.Do("GET", base, nil).Want(t, 200).JSON(t, &list)
		if len(list.Items) != 1 || !list.Items[0].SkipHolidays || len(list.Items[0].SkippedMeetings) != len(f.SkippedMeetings) {
			t.Fatalf("list %+v", list.Items)
		}
		meetingOn := func(at time.Time) int {
			var page samspil.Page[samspil.Meeting]
			w.asVAd.Do("GET", "/api/v1/meetings?forum_id="+f.ID+"&from="+url.QueryEscape(at.Format(time.RFC3339))+
				"&to="+url.QueryEscape(at.Add(time.Minute).Format(time.RFC3339)), nil).Want(t, 200).JSON(t, &page)
			return len(page.Items)
		}
		for _, s := range f.SkippedMeetings {
			if n := meetingOn(s.Occurrence); n != 0 {
				t.Fatalf("a meeting on the skipped %s", s.Occurrence)
			}
		}
		if meetingOn(first) != 1 {
			t.Fatal("no first meeting")
		}

		// Turned off: the meetings come back, nothing is skipped.
		skipped := f.SkippedMeetings
		w.asSAdmin.Do("PATCH", "/api/v1/forums/"+f.ID, map[string]any{"skip_holidays": false}, "If-Match", `"1"`).Want(t, 200).JSON(t, &f)
		if f.SkipHolidays || f.SkippedMeetings == nil || len(f.SkippedMeetings) != 0 || f.Version != 2 {
			t.Fatalf("after turning it off: %+v", f)
		}
		for _, s := range skipped {
			if n := meetingOn(s.Occurrence); n != 1 {
				t.Fatalf("%d meetings on %s", n, s.Occurrence)
			}
		}
		// A patch without skip_holidays leaves it as it is.
		w.asSAdmin.Do("PATCH", "/api/v1/forums/"+f.ID, map[string]any{"skip_holidays": true}, "If-Match", `"2"`).Want(t, 200)
		w.asSAdmin.Do("PATCH", "/api/v1/forums/"+f.ID, map[string]any{"name": "IT-chefmøde"}, "If-Match", `"3"`).Want(t, 200).JSON(t, &f)
		if !f.SkipHolidays || len(f.SkippedMeetings) != len(skipped) {
			t.Fatalf("after a rename: skip %v, skipped %d", f.SkipHolidays, len(f.SkippedMeetings))
		}
	})
}
