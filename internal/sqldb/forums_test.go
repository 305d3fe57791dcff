package sqldb_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

var copenhagen = func() *time.Location {
	l, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		panic(err)
	}
	return l
}()

// forumNow is the fixed "now" of the forum tests: Tuesday 10 March 2026.
var forumNow = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// itChiefs is the IT chiefs' forum of the story: every other Thursday at
// 09:00 from 9 January 2014, two hours.
func itChiefs(s *story) samspil.ForumInput {
	return samspil.ForumInput{Name: "IT-chefforum", Level: samspil.ForumITChiefs, Cadence: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
		FirstMeeting: time.Date(2014, 1, 9, 9, 0, 0, 0, time.FixedZone("", 3600)), Location: "Silkeborg Rådhus",
		Members: []samspil.ForumMember{{UserID: s.sAdmin.User.ID, OrganizationID: s.silkeborg.ID}, {UserID: s.vAdmin.User.ID}}}
}

// allMeetings pages through every meeting the filter selects.
func allMeetings(t testing.TB, db *sqldb.DB, actor *samspil.Actor, f samspil.MeetingFilter) []samspil.Meeting {
	t.Helper()
	var out []samspil.Meeting
	f.Limit = 97
	for i := 0; i < 100; i++ {
		p, err := db.ListMeetings(ctx, actor, f)
		must(t, err)
		out = append(out, p.Items...)
		if p.NextCursor == "" {
			return out
		}
		f.Cursor = p.NextCursor
	}
	t.Fatal("paging does not end")
	return nil
}

// fortnights returns the Thursdays 09:00 Copenhagen every 14 days from
// 9 January 2014 before until.
func fortnights(from time.Time, until time.Time) []time.Time {
	var out []time.Time
	for d := time.Date(2014, 1, 9, 9, 0, 0, 0, copenhagen); d.Before(until); d = d.AddDate(0, 0, 14) {
		if !d.Before(from) {
			out = append(out, d)
		}
	}
	return out
}

func TestForumMeetings(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		db.SetClock(func() time.Time { return forumNow })
		s := newStory(t, db, samspil.VisibilityPrivate)
		c := s.collab

		// Only managers create forums; Aarhus does not even see the collaboration.
		testkit.ErrCode(t, errOf(db.CreateForum(ctx, s.vViewer.Actor, c.ID, itChiefs(s))), samspil.EFORBIDDEN)
		testkit.ErrCode(t, errOf(db.CreateForum(ctx, s.vAdmin.Actor, c.ID, itChiefs(s))), samspil.EFORBIDDEN)
		testkit.ErrCode(t, errOf(db.CreateForum(ctx, s.aAdmin.Actor, c.ID, itChiefs(s))), samspil.ENOTFOUND)

		// Bad input names the field and changes nothing.
		before, _ := db.Fingerprint(ctx)
		for _, bad := range []string{"FREQ=FORTNIGHTLY", "FREQ=WEEKLY;BYDAY=XX", "FREQ=HOURLY", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "INTERVAL=2"} {
			in := itChiefs(s)
			in.Cadence = bad
			_, err := db.CreateForum(ctx, s.sAdmin.Actor, c.ID, in)
			wantField(t, err, samspil.EINVALID, "cadence")
		}
		in := itChiefs(s)
		in.Members = append(in.Members, samspil.ForumMember{UserID: s.aAdmin.User.ID})
		wantField(t, errOf(db.CreateForum(ctx, s.sAdmin.Actor, c.ID, in)), samspil.EINVALID, "members[2].user_id")
		in = itChiefs(s)
		in.Members = []samspil.ForumMember{{UserID: s.sAdmin.User.ID, OrganizationID: s.viborg.ID}}
		wantField(t, errOf(db.CreateForum(ctx, s.sAdmin.Actor, c.ID, in)), samspil.EINVALID, "members[0].user_id")
		in.Members = []samspil.ForumMember{{UserID: s.aAdmin.User.ID, OrganizationID: s.aarhus.ID}}
		wantField(t, errOf(db.CreateForum(ctx, s.sAdmin.Actor, c.ID, in)), samspil.EINVALID, "members[0].organization_id")
		in = itChiefs(s)
		in.TimeZone = "Mars/Olympus"
		wantField(t, errOf(db.CreateForum(ctx, s.sAdmin.Actor, c.ID, in)), samspil.EINVALID, "time_zone")
		if after, _ := db.Fingerprint(ctx); after != before {
			t.Fatal("refused forums changed the database")
		}

		f, err := db.CreateForum(ctx, s.sAdmin.Actor, c.ID, itChiefs(s))
		must(t, err)
		if len(f.Members) != 2 || f.Members[0].Name == "" || f.Members[1].OrganizationID != s.viborg.ID || f.Members[1].OrganizationName != s.viborg.Name ||
			f.TimeZone != samspil.TimeZone || f.DurationMinutes != 120 || f.FirstMeeting.Location().String() != samspil.TimeZone {
			t.Fatalf("forum %+v", f)
		}

		// Every other Thursday at 09:00 Copenhagen time, through the changes of the clocks, up to 400 days ahead.
		horizon := time.Date(2027, 4, 14, 0, 0, 0, 0, time.UTC)
		want := fortnights(time.Time{}, horizon)
		ms := allMeetings(t, db, s.vViewer.Actor, samspil.MeetingFilter{ForumID: f.ID})
		if len(ms) != len(want) {
			t.Fatalf("%d meetings, want %d", len(ms), len(want))
		}
		offsets := map[int]bool{}
		for i, m := range ms {
			if !m.Start.Equal(want[i]) || m.Start.Location().String() != samspil.TimeZone || m.Start.Hour() != 9 || m.Start.Minute() != 0 ||
				m.Start.Weekday() != time.Thursday || m.End.Sub(m.Start) != 2*time.Hour || m.Occurrence == nil || !m.Occurrence.Equal(m.Start) ||
				m.Status != samspil.MeetingPlanned || m.Touched || m.Location != "Silkeborg Rådhus" || m.ForumName != "IT-chefforum" {
				t.Fatalf("meeting %d: %+v, want start %s", i, m, want[i])
			}
			if i > 0 && samspil.DateOf(ms[i-1].Start).AddDays(14) != samspil.DateOf(m.Start) {
				t.Fatalf("meetings %s and %s are not 14 days apart", ms[i-1].Start, m.Start)
			}
			_, off := m.Start.Zone()
			offsets[off] = true
		}
		if !offsets[3600] || !offsets[7200] {
			t.Fatalf("offsets %v: the meetings do not cross the changes of the clocks", offsets)
		}
		// Spring 2014: winter time until 30 March, summer time after.
		window := allMeetings(t, db, s.vViewer.Actor, samspil.MeetingFilter{CollaborationID: c.ID,
			From: time.Date(2014, 3, 1, 0, 0, 0, 0, copenhagen), To: time.Date(2014, 5, 1, 0, 0, 0, 0, copenhagen)})
		var got []string
		for _, m := range window {
			got = append(got, m.Start.Format(time.RFC3339))
		}
		if strings.Join(got, " ") != "2014-03-06T09:00:00+01:00 2014-03-20T09:00:00+01:00 2014-04-03T09:00:00+02:00 2014-04-17T09:00:00+02:00" {
			t.Fatalf("spring 2014: %v", got)
		}
		// The user filter and the organisation filter: the forum's people see it, others do not.
		if n := len(allMeetings(t, db, s.vAdmin.Actor, samspil.MeetingFilter{UserID: "me"})); n != len(want) {
			t.Fatalf("Viborg's admin sits in %d meetings", n)
		}
		if n := len(allMeetings(t, db, s.vViewer.Actor, samspil.MeetingFilter{UserID: "me"})); n != 0 {
			t.Fatalf("Viborg's viewer sits in %d meetings", n)
		}
		if n := len(allMeetings(t, db, s.vViewer.Actor, samspil.MeetingFilter{OrganizationID: testkit.Viborg})); n != len(want) {
			t.Fatalf("Viborg sits in %d meetings", n)
		}

		// Aarhus sees neither the forum nor its meetings.
		testkit.ErrCode(t, errOf(db.FindForum(ctx, s.aAdmin.Actor, f.ID)), samspil.ENOTFOUND)
		testkit.ErrCode(t, errOf(db.ListForums(ctx, s.aAdmin.Actor, c.ID)), samspil.ENOTFOUND)
		testkit.ErrCode(t, errOf(db.FindMeeting(ctx, s.aAdmin.Actor, ms[0].ID)), samspil.ENOTFOUND)
		testkit.ErrCode(t, errOf(db.FindMeeting(ctx, samspil.Anonymous(), ms[0].ID)), samspil.ENOTFOUND)
		if n := len(allMeetings(t, db, s.aAdmin.Actor, samspil.MeetingFilter{})); n != 0 {
			t.Fatalf("Aarhus lists %d meetings", n)
		}
		testkit.ErrCode(t, errOf(db.UpdateMeeting(ctx, s.aAdmin.Actor, ms[0].ID, 1, samspil.MeetingPatch{Minutes: ptr("x")})), samspil.ENOTFOUND)
		testkit.ErrCode(t, errOf(db.UpdateForum(ctx, s.aAdmin.Actor, f.ID, 1, samspil.ForumPatch{Name: ptr("x")})), samspil.ENOTFOUND)
		forums, err := db.ListForums(ctx, s.vViewer.Actor, c.ID)
		must(t, err)
		if len(forums) != 1 || forums[0].ID != f.ID {
			t.Fatalf("forums %+v", forums)
		}

		// The future: move one meeting by a day, cancel another.
		future := allMeetings(t, db, s.sAdmin.Actor, samspil.MeetingFilter{ForumID: f.ID, From: forumNow})
		moved, cancelled := future[6], future[8] // about three and four months ahead
		testkit.ErrCode(t, errOf(db.UpdateMeeting(ctx, s.vAdmin.Actor, moved.ID, moved.Version, samspil.MeetingPatch{Start: ptr(moved.Start.AddDate(0, 0, 1))})),
			samspil.EFORBIDDEN)
		testkit.ErrCode(t, errOf(db.UpdateMeeting(ctx, s.sAdmin.Actor, moved.ID, moved.Version+1, samspil.MeetingPatch{Start: ptr(moved.Start.AddDate(0, 0, 1))})),
			samspil.ESTALE)
		before, _ = db.Fingerprint(ctx)
		wantField(t, errOf(db.UpdateMeeting(ctx, s.sAdmin.Actor, moved.ID, moved.Version, samspil.MeetingPatch{End: ptr(moved.Start.Add(-time.Hour))})),
			samspil.EINVALID, "end")
		long := strings.Repeat("æ", samspil.MaxMinutesRunes+1)
		wantField(t, errOf(db.UpdateMeeting(ctx, s.vAdmin.Actor, moved.ID, moved.Version, samspil.MeetingPatch{Minutes: &long})), samspil.EINVALID, "minutes")
		if after, _ := db.Fingerprint(ctx); after != before {
			t.Fatal("refused meeting changes changed the database")
		}
		m, err := db.UpdateMeeting(ctx, s.sAdmin.Actor, moved.ID, moved.Version, samspil.MeetingPatch{Start: ptr(moved.Start.AddDate(0, 0, 1))})
		must(t, err)
		if !m.Touched || m.Version != moved.Version+1 || m.Start.Weekday() != time.Friday || m.Start.Hour() != 9 || m.End.Sub(m.Start) != 2*time.Hour ||
			!m.Occurrence.Equal(moved.Start) {
			t.Fatalf("moved %+v", m)
		}
		m, err = db.UpdateMeeting(ctx, s.sAdmin.Actor, cancelled.ID, cancelled.Version, samspil.MeetingPatch{Status: ptr(samspil.MeetingCancelled)})
		must(t, err)
		if m.Status != samspil.MeetingCancelled || !m.Touched {
			t.Fatalf("cancelled %+v", m)
		}
		// A forum member records minutes of the first meeting; a viewer outside the forum may not.
		first := ms[0]
		testkit.ErrCode(t, errOf(db.UpdateMeeting(ctx, s.vViewer.Actor, first.ID, first.Version, samspil.MeetingPatch{Minutes: ptr("Referat")})), samspil.EFORBIDDEN)
		m, err = db.UpdateMeeting(ctx, s.vAdmin.Actor, first.ID, first.Version, samspil.MeetingPatch{Minutes: ptr("# Referat\n\nGodkendt."),
			Status: ptr(samspil.MeetingHeld)})
		must(t, err)
		if m.Minutes != "# Referat\n\nGodkendt." || m.Status != samspil.MeetingHeld {
			t.Fatalf("minutes %+v", m)
		}

		// An extra meeting: its end defaults to the forum's duration.
		extraStart := time.Date(2026, 3, 20, 13, 0, 0, 0, copenhagen)
		testkit.ErrCode(t, errOf(db.CreateMeeting(ctx, s.vAdmin.Actor, f.ID, samspil.MeetingInput{Start: extraStart})), samspil.EFORBIDDEN)
		wantField(t, errOf(db.CreateMeeting(ctx, s.sAdmin.Actor, f.ID, samspil.MeetingInput{Start: extraStart, End: extraStart.Add(-time.Minute)})),
			samspil.EINVALID, "end")
		extra, err := db.CreateMeeting(ctx, s.sAdmin.Actor, f.ID, samspil.MeetingInput{Title: "Ekstraordinært møde", Start: extraStart})
		must(t, err)
		if !extra.End.Equal(extraStart.Add(2*time.Hour)) || extra.Occurrence != nil || extra.Location != "Silkeborg Rådhus" {
			t.Fatalf("extra %+v", extra)
		}

		// A new cadence, every other Tuesday: the moved, the cancelled and the
		// extra meeting stay; untouched future meetings follow the new cadence;
		// the past stays as it was.
		testkit.ErrCode(t, errOf(db.UpdateForum(ctx, s.sAdmin.Actor, f.ID, f.Version+1, samspil.ForumPatch{Cadence: ptr("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")})),
			samspil.ESTALE)
		before, _ = db.Fingerprint(ctx)
		wantField(t, errOf(db.UpdateForum(ctx, s.sAdmin.Actor, f.ID, f.Version, samspil.ForumPatch{Cadence: ptr("FREQ=WEEKLY;BYDAY=TH;COUNT=abc")})),
			samspil.EINVALID, "cadence")
		if after, _ := db.Fingerprint(ctx); after != before {
			t.Fatal("a refused cadence changed the database")
		}
		f2, err := db.UpdateForum(ctx, s.sAdmin.Actor, f.ID, f.Version, samspil.ForumPatch{Cadence: ptr("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")})
		must(t, err)
		if f2.Version != f.Version+1 || f2.Cadence != "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU" || len(f2.Members) != 2 {
			t.Fatalf("updated %+v", f2)
		}
		after := allMeetings(t, db, s.sAdmin.Actor, samspil.MeetingFilter{ForumID: f.ID})
		kept := map[string]samspil.Meeting{}
		var past, tuesdays int
		for _, m := range after {
			switch {
			case m.ID == moved.ID || m.ID == cancelled.ID || m.ID == extra.ID:
				kept[m.ID] = m
			case m.Start.Before(forumNow):
				past++
				if m.Start.Weekday() != time.Thursday {
					t.Fatalf("a past meeting moved: %+v", m)
				}
			default:
				tuesdays++
				if m.Start.Weekday() != time.Tuesday || m.Start.Hour() != 9 || m.Touched {
					t.Fatalf("a future meeting does not follow the new cadence: %+v", m)
				}
			}
		}
		if len(kept) != 3 || kept[cancelled.ID].Status != samspil.MeetingCancelled || kept[moved.ID].Start.Weekday() != time.Friday {
			t.Fatalf("kept %+v", kept)
		}
		if past != len(fortnights(time.Time{}, forumNow)) || tuesdays < 25 {
			t.Fatalf("%d past and %d Tuesday meetings", past, tuesdays)
		}

		// The agenda: a forum member adds points; owners sit in the forum or belong to a member.
		meeting := after[len(after)-1]
		before, _ = db.Fingerprint(ctx)
		wantField(t, errOf(db.AddAgendaItem(ctx, s.vAdmin.Actor, meeting.ID, samspil.AgendaItemInput{Title: "Budget", OwnerUserID: s.aAdmin.User.ID})),
			samspil.EINVALID, "owner_user_id")
		wantField(t, errOf(db.AddAgendaItem(ctx, s.vAdmin.Actor, meeting.ID, samspil.AgendaItemInput{Title: "Budget",
			Attachments: []samspil.Attachment{{Title: "Bilag", URL: "ftp://example.org/budget.pdf"}}})), samspil.EINVALID, "attachments[0].url")
		testkit.ErrCode(t, errOf(db.AddAgendaItem(ctx, s.vViewer.Actor, meeting.ID, samspil.AgendaItemInput{Title: "Budget"})), samspil.EFORBIDDEN)
		testkit.ErrCode(t, errOf(db.AddAgendaItem(ctx, s.aAdmin.Actor, meeting.ID, samspil.AgendaItemInput{Title: "Budget"})), samspil.ENOTFOUND)
		if after, _ := db.Fingerprint(ctx); after != before {
			t.Fatal("refused agenda items changed the database")
		}
		_, err = db.AddAgendaItem(ctx, s.vAdmin.Actor, meeting.ID, samspil.AgendaItemInput{Title: "Godkendelse af dagsorden"})
		must(t, err)
		_, err = db.AddAgendaItem(ctx, s.vAdmin.Actor, meeting.ID, samspil.AgendaItemInput{Title: "Budget 2027", OwnerUserID: s.vViewer.User.ID,
			Attachments: []samspil.Attachment{{Title: "Budgetnotat", URL: "https://viborg.example/budget.pdf"}}})
		must(t, err)
		m, err = db.AddAgendaItem(ctx, s.sAdmin.Actor, meeting.ID, samspil.AgendaItemInput{Title: "Eventuelt"})
		must(t, err)
		if len(m.Agenda) != 3 || m.Agenda[1].Position != 2 || m.Agenda[1].OwnerName == "" || len(m.Agenda[1].Attachments) != 1 || !m.Touched {
			t.Fatalf("agenda %+v", m.Agenda)
		}
		m, err = db.UpdateAgendaItem(ctx, s.vAdmin.Actor, meeting.ID, m.Agenda[1].ID, samspil.AgendaItemInput{Title: "Budget 2027 og overslagsår"})
		must(t, err)
		if m.Agenda[1].Title != "Budget 2027 og overslagsår" || len(m.Agenda[1].Attachments) != 0 || m.Agenda[1].OwnerUserID != "" {
			t.Fatalf("updated agenda %+v", m.Agenda)
		}
		testkit.ErrCode(t, errOf(db.UpdateAgendaItem(ctx, s.vAdmin.Actor, first.ID, m.Agenda[1].ID, samspil.AgendaItemInput{Title: "X"})), samspil.ENOTFOUND)
		m, err = db.DeleteAgendaItem(ctx, s.vAdmin.Actor, meeting.ID, m.Agenda[0].ID)
		must(t, err)
		if len(m.Agenda) != 2 || m.Agenda[0].Position != 1 || m.Agenda[1].Title != "Eventuelt" || m.Agenda[1].Position != 2 {
			t.Fatalf("after delete %+v", m.Agenda)
		}

		// Attendance: people of member organisations only.
		before, _ = db.Fingerprint(ctx)
		wantField(t, errOf(db.SetAttendance(ctx, s.vAdmin.Actor, meeting.ID, []samspil.Attendance{{UserID: s.sAdmin.User.ID, Status: samspil.AttendancePresent},
			{UserID: s.aAdmin.User.ID, Status: samspil.AttendancePresent}})), samspil.EINVALID, "attendance[1].user_id")
		wantField(t, errOf(db.SetAttendance(ctx, s.vAdmin.Actor, meeting.ID, []samspil.Attendance{{UserID: s.sAdmin.User.ID, Status: "asleep"}})),
			samspil.EINVALID, "attendance[0].status")
		if after, _ := db.Fingerprint(ctx); after != before {
			t.Fatal("refused attendance changed the database")
		}
		m, err = db.SetAttendance(ctx, s.vAdmin.Actor, meeting.ID, []samspil.Attendance{{UserID: s.sAdmin.User.ID, Status: samspil.AttendancePresent},
			{UserID: s.vViewer.User.ID, OrganizationID: s.viborg.ID, Status: samspil.AttendanceExcused}})
		must(t, err)
		if len(m.Attendance) != 2 || m.Attendance[0].OrganizationID != s.silkeborg.ID || m.Attendance[1].Status != samspil.AttendanceExcused ||
			m.Attendance[1].Name == "" {
			t.Fatalf("attendance %+v", m.Attendance)
		}
		m, err = db.SetAttendance(ctx, s.sAdmin.Actor, meeting.ID, []samspil.Attendance{{UserID: s.vAdmin.User.ID, Status: samspil.AttendancePresent}})
		must(t, err)
		if len(m.Attendance) != 1 || m.Attendance[0].UserID != s.vAdmin.User.ID {
			t.Fatalf("replaced attendance %+v", m.Attendance)
		}

		// Extending is for the system, adds what is missing once, and nothing the second time.
		testkit.ErrCode(t, errOf(db.ExtendMeetings(ctx, s.sAdmin.Actor, horizon.AddDate(0, 0, 60))), samspil.EFORBIDDEN)
		n, err := db.ExtendMeetings(ctx, testkit.System, horizon.AddDate(0, 0, 60))
		must(t, err)
		if n < 4 || n > 5 {
			t.Fatalf("extended by %d meetings, want 4 or 5 in 60 days", n)
		}
		before, _ = db.Fingerprint(ctx)
		n, err = db.ExtendMeetings(ctx, testkit.System, horizon.AddDate(0, 0, 60))
		must(t, err)
		if after, _ := db.Fingerprint(ctx); n != 0 || after != before {
			t.Fatalf("the second extension added %d meetings", n)
		}
		n, err = db.ExtendMeetings(ctx, testkit.System, horizon)
		must(t, err)
		if n != 0 {
			t.Fatalf("an earlier horizon added %d meetings", n)
		}
		// A day without a meeting moves only how far meetings are generated,
		// which nobody sees: no audit event. The next fortnight brings one
		// meeting, generated from there.
		monday := horizon.AddDate(0, 0, 61) // Monday 14 June 2027, no Thursday since the last horizon
		mark := auditMark(t, db)
		n, err = db.ExtendMeetings(ctx, testkit.System, monday)
		must(t, err)
		wantAudit(t, db, mark)
		if n != 0 {
			t.Fatalf("a day without a meeting added %d meetings", n)
		}
		mark = auditMark(t, db)
		n, err = db.ExtendMeetings(ctx, testkit.System, monday.AddDate(0, 0, 14))
		must(t, err)
		extended := wantEvent(t, db, mark, "forum.meetings.extend", "", f.ID)
		if after := jsonObject(t, extended.After); n != 1 || after["from"] != monday.Format(time.RFC3339) || after["meetings_added"] != float64(1) {
			t.Fatalf("a fortnight added %d meetings, audited as %s", n, extended.After)
		}

		// Discontinuing: not before the first meeting; later untouched meetings go, touched ones stay.
		f2, err = db.FindForum(ctx, s.sAdmin.Actor, f.ID)
		must(t, err)
		stop := samspil.Today(forumNow).AddDays(60)
		testkit.ErrCode(t, errOf(db.DiscontinueForum(ctx, s.vAdmin.Actor, f.ID, f2.Version, samspil.ForumDiscontinue{On: stop, Reason: "Nedlagt"})),
			samspil.EFORBIDDEN)
		wantField(t, errOf(db.DiscontinueForum(ctx, s.sAdmin.Actor, f.ID, f2.Version, samspil.ForumDiscontinue{On: samspil.NewDate(2013, 12, 31), Reason: "Nedlagt"})),
			samspil.EINVALID, "on")
		testkit.ErrCode(t, errOf(db.DiscontinueForum(ctx, s.sAdmin.Actor, f.ID, f2.Version-1, samspil.ForumDiscontinue{On: stop, Reason: "Nedlagt"})),
			samspil.ESTALE)
		f3, err := db.DiscontinueForum(ctx, s.sAdmin.Actor, f.ID, f2.Version, samspil.ForumDiscontinue{On: stop, Reason: "Afløst af den fælles driftsenhed"})
		must(t, err)
		if f3.Status != samspil.ForumDiscontinued || f3.DiscontinuedOn == nil || *f3.DiscontinuedOn != stop || f3.Version != f2.Version+1 {
			t.Fatalf("discontinued %+v", f3)
		}
		testkit.ErrCode(t, errOf(db.DiscontinueForum(ctx, s.sAdmin.Actor, f.ID, f3.Version, samspil.ForumDiscontinue{On: stop, Reason: "Igen"})),
			samspil.ECONFLICT)
		var later []string
		for _, m := range allMeetings(t, db, s.sAdmin.Actor, samspil.MeetingFilter{ForumID: f.ID, From: stop.AddDays(1).Time()}) {
			later = append(later, m.ID)
		}
		slices.Sort(later)
		wantLater := []string{moved.ID, cancelled.ID, meeting.ID}
		slices.Sort(wantLater)
		if !slices.Equal(later, wantLater) {
			t.Fatalf("after the stop: %v, want the touched meetings %v", later, wantLater)
		}
		// A discontinued forum is not extended, and no extra meeting comes after its stop.
		n, err = db.ExtendMeetings(ctx, testkit.System, horizon.AddDate(1, 0, 0))
		must(t, err)
		if n != 0 {
			t.Fatalf("a discontinued forum got %d meetings", n)
		}
		wantField(t, errOf(db.CreateMeeting(ctx, s.sAdmin.Actor, f.ID, samspil.MeetingInput{Start: stop.AddDays(3).Time()})), samspil.EINVALID, "start")

		for _, action := range []string{"forum.create", "forum.update", "forum.discontinue", "forum.meetings.extend", "meeting.create", "meeting.update",
			"meeting.agenda.add", "meeting.agenda.update", "meeting.agenda.delete", "meeting.attendance"} {
			if countAudit(t, db, action) == 0 {
				t.Errorf("no %s audit event", action)
			}
		}
	})
}

// TestForumWithoutCadence checks that a forum meeting as needed has only
// its extra meetings, that changing its members needs the managers, and
// that a weekly forum since 2014 is generated in one go.
func TestForumWithoutCadence(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		db.SetClock(func() time.Time { return forumNow })
		s := newStory(t, db, samspil.VisibilitySector)
		in := itChiefs(s)
		in.Name, in.Level, in.Cadence, in.Members = "Styregruppe", samspil.ForumSteeringGroup, "", nil
		f, err := db.CreateForum(ctx, s.sAdmin.Actor, s.collab.ID, in)
		must(t, err)
		if n := len(allMeetings(t, db, s.sAdmin.Actor, samspil.MeetingFilter{ForumID: f.ID})); n != 0 {
			t.Fatalf("a forum without cadence has %d meetings", n)
		}
		// A sector-wide collaboration: Aarhus sees the forum but may not change it.
		if _, err := db.FindForum(ctx, s.aAdmin.Actor, f.ID); err != nil {
			t.Fatal(err)
		}
		testkit.ErrCode(t, errOf(db.UpdateForum(ctx, s.aAdmin.Actor, f.ID, f.Version, samspil.ForumPatch{Name: ptr("Overtaget")})), samspil.EFORBIDDEN)
		testkit.ErrCode(t, errOf(db.CreateMeeting(ctx, s.aAdmin.Actor, f.ID, samspil.MeetingInput{Start: forumNow})), samspil.EFORBIDDEN)
		// Members are replaced as a whole.
		f, err = db.UpdateForum(ctx, s.sAdmin.Actor, f.ID, f.Version, samspil.ForumPatch{Members: &[]samspil.ForumMember{{UserID: s.vViewer.User.ID}}})
		must(t, err)
		if len(f.Members) != 1 || f.Members[0].UserID != s.vViewer.User.ID {
			t.Fatalf("members %+v", f.Members)
		}
		// Anonymous readers of a public forum see no names.
		mark := auditMark(t, db)
		_, err = db.UpdateCollaboration(ctx, s.sAdmin.Actor, s.collab.ID, s.collab.Version, samspil.CollaborationPatch{Visibility: ptr(samspil.VisibilityPublic)})
		must(t, err)
		e := wantEvent(t, db, mark, "collaboration.update", s.silkeborg.ID, s.collab.ID)
		if jsonObject(t, e.Before)["visibility"] != string(s.collab.Visibility) || jsonObject(t, e.After)["visibility"] != "public" {
			t.Fatalf("collaboration.update images %s -> %s", e.Before, e.After)
		}
		anon, err := db.FindForum(ctx, samspil.Anonymous(), f.ID)
		must(t, err)
		if len(anon.Members) != 0 {
			t.Fatalf("anonymous sees members %+v", anon.Members)
		}
		// Weekly since 2014: about 680 meetings at once.
		in.Name, in.Cadence = "Ugemøde", "FREQ=WEEKLY"
		w, err := db.CreateForum(ctx, s.sAdmin.Actor, s.collab.ID, in)
		must(t, err)
		if n := len(allMeetings(t, db, s.sAdmin.Actor, samspil.MeetingFilter{ForumID: w.ID})); n < 670 || n > 700 {
			t.Fatalf("a weekly forum since 2014 has %d meetings", n)
		}
	})
}
