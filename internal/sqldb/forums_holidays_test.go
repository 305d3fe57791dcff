package sqldb_test

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// thursdays returns the Thursdays 09:00 Copenhagen from first before
// until, leaving out those on the days skip.
func thursdays(first, until time.Time, skip ...samspil.Date) []time.Time {
	var out []time.Time
	for d := first; d.Before(until); d = d.AddDate(0, 0, 7) {
		if !slices.Contains(skip, samspil.DateOf(d)) {
			out = append(out, d)
		}
	}
	return out
}

func meetingStarts(ms []samspil.Meeting) []time.Time {
	out := make([]time.Time, len(ms))
	for i, m := range ms {
		out[i] = m.Start
	}
	return out
}

func sameInstants(a, b []time.Time) bool {
	return slices.EqualFunc(a, b, func(x, y time.Time) bool { return x.Equal(y) })
}

// skippedDays returns the days and holidays of a forum's skipped meetings.
func skippedDays(f *samspil.Forum) map[samspil.Date]samspil.HolidayKind {
	out := map[samspil.Date]samspil.HolidayKind{}
	for _, s := range f.SkippedMeetings {
		out[samspil.DateOf(s.Occurrence.In(copenhagen))] = s.Holiday
	}
	return out
}

// TestForumSkipsHolidays: a weekly Thursday forum that skips holidays has
// no meetings on skærtorsdag, Kristi himmelfartsdag and in the Christmas
// week, says which it skipped and why, keeps its first meeting and a
// meeting someone recorded, and its extensions skip too.
func TestForumSkipsHolidays(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		db.SetClock(func() time.Time { return forumNow }) // Tuesday 10 March 2026
		s := newStory(t, db, samspil.VisibilityPrivate)
		first := time.Date(2026, 1, 8, 9, 0, 0, 0, copenhagen)
		horizon := time.Date(2027, 4, 14, 0, 0, 0, 0, time.UTC) // 400 days after 10 March 2026
		in := itChiefs(s)
		in.Cadence, in.FirstMeeting, in.SkipHolidays = "FREQ=WEEKLY;BYDAY=TH", first, true

		holidays := map[samspil.Date]samspil.HolidayKind{
			samspil.NewDate(2026, 4, 2): samspil.HolidayMaundyThursday, samspil.NewDate(2026, 5, 14): samspil.HolidayAscensionDay,
			samspil.NewDate(2026, 12, 24): samspil.HolidayChristmasEve, samspil.NewDate(2026, 12, 31): samspil.HolidayNewYearsEve,
			samspil.NewDate(2027, 3, 25): samspil.HolidayMaundyThursday,
		}
		var days []samspil.Date
		for d := range holidays {
			days = append(days, d)
		}

		mark := auditMark(t, db)
		f, err := db.CreateForum(ctx, s.sAdmin.Actor, s.collab.ID, in)
		must(t, err)
		created := wantEvent(t, db, mark, "forum.create", s.silkeborg.ID, f.ID)
		if after := jsonObject(t, created.After); after["skip_holidays"] != true {
			t.Fatalf("forum.create audited as %s", created.After)
		}
		if !f.SkipHolidays || !maps.Equal(skippedDays(f), holidays) {
			t.Fatalf("skipped %v, want %v", f.SkippedMeetings, holidays)
		}
		for i, sk := range f.SkippedMeetings {
			if sk.Occurrence.Hour() != 9 || sk.Occurrence.Location().String() != samspil.TimeZone ||
				(i > 0 && !f.SkippedMeetings[i-1].Occurrence.Before(sk.Occurrence)) {
				t.Fatalf("skipped %v", f.SkippedMeetings)
			}
		}
		got := meetingStarts(allMeetings(t, db, s.vViewer.Actor, samspil.MeetingFilter{ForumID: f.ID}))
		if want := thursdays(first, horizon, days...); !sameInstants(got, want) {
			t.Fatalf("%d meetings, want %d Thursdays without the holidays", len(got), len(want))
		}
		list, err := db.ListForums(ctx, s.vViewer.Actor, s.collab.ID)
		must(t, err)
		if len(list) != 1 || !maps.Equal(skippedDays(&list[0]), holidays) {
			t.Fatalf("the list skips %v", list)
		}

		// A stale version changes nothing.
		before, _ := db.Fingerprint(ctx)
		testkit.ErrCode(t, errOf(db.UpdateForum(ctx, s.sAdmin.Actor, f.ID, f.Version+1, samspil.ForumPatch{SkipHolidays: ptr(false)})), samspil.ESTALE)
		testkit.ErrCode(t, errOf(db.UpdateForum(ctx, s.vAdmin.Actor, f.ID, f.Version, samspil.ForumPatch{SkipHolidays: ptr(false)})), samspil.EFORBIDDEN)
		if after, _ := db.Fingerprint(ctx); after != before {
			t.Fatal("a refused change changed the database")
		}

		// Holidays no longer skipped: the future holidays get their meetings.
		mark = auditMark(t, db)
		f, err = db.UpdateForum(ctx, s.sAdmin.Actor, f.ID, f.Version, samspil.ForumPatch{SkipHolidays: ptr(false)})
		must(t, err)
		updated := wantEvent(t, db, mark, "forum.update", s.silkeborg.ID, f.ID)
		if b, a := jsonObject(t, updated.Before), jsonObject(t, updated.After); b["skip_holidays"] != true || a["skip_holidays"] != false {
			t.Fatalf("forum.update audited as %s -> %s", updated.Before, updated.After)
		}
		if f.SkipHolidays || len(f.SkippedMeetings) != 0 || f.Version != 2 {
			t.Fatalf("forum %+v", f)
		}
		future := allMeetings(t, db, s.sAdmin.Actor, samspil.MeetingFilter{ForumID: f.ID, From: forumNow})
		if got, want := meetingStarts(future), thursdays(time.Date(2026, 3, 12, 9, 0, 0, 0, copenhagen), horizon); !sameInstants(got, want) {
			t.Fatalf("%d future meetings, want every Thursday (%d)", len(got), len(want))
		}

		// Someone records the Christmas Eve meeting; skipping again keeps it.
		var eve samspil.Meeting
		for _, m := range future {
			if samspil.DateOf(m.Start) == samspil.NewDate(2026, 12, 24) {
				eve = m
			}
		}
		_, err = db.UpdateMeeting(ctx, s.sAdmin.Actor, eve.ID, eve.Version, samspil.MeetingPatch{Minutes: ptr("Julefrokost")})
		must(t, err)
		f, err = db.UpdateForum(ctx, s.sAdmin.Actor, f.ID, f.Version, samspil.ForumPatch{SkipHolidays: ptr(true)})
		must(t, err)
		delete(holidays, samspil.NewDate(2026, 12, 24))
		if !maps.Equal(skippedDays(f), holidays) {
			t.Fatalf("skipped %v, want %v", skippedDays(f), holidays)
		}
		got = meetingStarts(allMeetings(t, db, s.vViewer.Actor, samspil.MeetingFilter{ForumID: f.ID}))
		if want := thursdays(first, horizon, slices.DeleteFunc(days, func(d samspil.Date) bool { return d == samspil.NewDate(2026, 12, 24) })...); !sameInstants(got, want) {
			t.Fatalf("%d meetings, want %d: the holidays but the recorded one left out", len(got), len(want))
		}

		// Extending skips too: Kristi himmelfartsdag 2027 is 6 May.
		n, err := db.ExtendMeetings(ctx, testkit.System, time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC))
		must(t, err)
		if n != 6 { // 15, 22, 29 April, 13, 20, 27 May
			t.Fatalf("extended by %d meetings, want 6", n)
		}
		if ms := allMeetings(t, db, s.vViewer.Actor, samspil.MeetingFilter{ForumID: f.ID, From: time.Date(2027, 5, 6, 0, 0, 0, 0, copenhagen),
			To: time.Date(2027, 5, 7, 0, 0, 0, 0, copenhagen)}); len(ms) != 0 {
			t.Fatalf("a meeting on Kristi himmelfartsdag: %v", ms)
		}
		f, err = db.FindForum(ctx, s.vViewer.Actor, f.ID)
		must(t, err)
		holidays[samspil.NewDate(2027, 5, 6)] = samspil.HolidayAscensionDay
		if !maps.Equal(skippedDays(f), holidays) {
			t.Fatalf("skipped after the extension %v, want %v", skippedDays(f), holidays)
		}

		// Stopped on 1 December 2026: nothing is skipped after that.
		f, err = db.DiscontinueForum(ctx, s.sAdmin.Actor, f.ID, f.Version, samspil.ForumDiscontinue{On: samspil.NewDate(2026, 12, 1), Reason: "Nedlagt"})
		must(t, err)
		if want := map[samspil.Date]samspil.HolidayKind{samspil.NewDate(2026, 4, 2): samspil.HolidayMaundyThursday,
			samspil.NewDate(2026, 5, 14): samspil.HolidayAscensionDay}; !maps.Equal(skippedDays(f), want) {
			t.Fatalf("skipped by a stopped forum %v", skippedDays(f))
		}

		// The first meeting is chosen by hand: a forum starting on New
		// Year's Day 2026 meets then, and skips New Year's Day 2027.
		in = itChiefs(s)
		in.Name, in.Cadence, in.SkipHolidays = "Nytårsforum", "FREQ=YEARLY", true
		in.FirstMeeting = time.Date(2026, 1, 1, 10, 0, 0, 0, copenhagen)
		ny, err := db.CreateForum(ctx, s.sAdmin.Actor, s.collab.ID, in)
		must(t, err)
		ms := allMeetings(t, db, s.vViewer.Actor, samspil.MeetingFilter{ForumID: ny.ID})
		if len(ms) != 1 || !ms[0].Start.Equal(in.FirstMeeting) || len(ny.SkippedMeetings) != 1 ||
			!ny.SkippedMeetings[0].Occurrence.Equal(in.FirstMeeting.AddDate(1, 0, 0)) || ny.SkippedMeetings[0].Holiday != samspil.HolidayNewYearsDay {
			t.Fatalf("meetings %v, skipped %v", meetingStarts(ms), ny.SkippedMeetings)
		}
		// Without skipping, nothing is listed as skipped.
		in.Name, in.SkipHolidays = "Nytårsforum uden fri", false
		plain, err := db.CreateForum(ctx, s.sAdmin.Actor, s.collab.ID, in)
		must(t, err)
		if plain.SkipHolidays || plain.SkippedMeetings == nil || len(plain.SkippedMeetings) != 0 {
			t.Fatalf("a forum that does not skip: %+v", plain)
		}
		if ms := allMeetings(t, db, s.vViewer.Actor, samspil.MeetingFilter{ForumID: plain.ID}); len(ms) != 2 {
			t.Fatalf("%d meetings of a yearly forum over 15 months", len(ms))
		}
	})
}
