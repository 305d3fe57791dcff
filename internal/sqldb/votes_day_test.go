package sqldb_test

import (
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestVoteDays checks the day a vote carries: the day of the meeting at
// which it was given when it is recorded afterwards, else today; never in
// the future nor before the decision was put to the members; audited; and
// for votes recorded before votes had a day, the day of cast_at in
// Copenhagen.
func TestVoteDays(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		s := newStory(t, db, samspil.VisibilityPrivate)
		sk, vb := s.silkeborg.ID, s.viborg.ID
		today := samspil.Today(samspil.Now())
		cph := samspil.Copenhagen()
		f, err := db.CreateForum(ctx, s.sAdmin.Actor, s.collab.ID, samspil.ForumInput{Name: "Fælles direktionsmøde", Level: samspil.ForumDirectors,
			FirstMeeting: time.Date(2014, 2, 5, 10, 0, 0, 0, cph)})
		must(t, err)
		m, err := db.CreateMeeting(ctx, s.sAdmin.Actor, f.ID, samspil.MeetingInput{Start: time.Date(2018, 11, 7, 10, 0, 0, 0, cph)})
		must(t, err)
		d, err := db.CreateDecision(ctx, s.sAdmin.Actor, s.collab.ID, samspil.DecisionInput{Title: "Justeret samarbejdsform", MeetingID: m.ID})
		must(t, err)
		meetingDay := samspil.NewDate(2018, 11, 7)
		if d.DecidedOn != meetingDay {
			t.Fatalf("the decision's day is %s, not the meeting's", d.DecidedOn)
		}

		// Silkeborg's vote at the meeting, recorded today: it carries the
		// meeting's day, and the audit event says so.
		mark := auditMark(t, db)
		d, err = db.CastVote(ctx, s.sAdmin.Actor, d.ID, samspil.VoteInput{OrganizationID: sk, Choice: samspil.VoteFor, CastOn: meetingDay})
		must(t, err)
		if len(d.Votes) != 1 || d.Votes[0].CastOn != meetingDay || today.After(samspil.Today(d.Votes[0].CastAt)) {
			t.Fatalf("the vote of the meeting: %+v", d.Votes)
		}
		e := wantEvent(t, db, mark, "decision.vote", sk, d.Votes[0].ID)
		if after := jsonObject(t, e.After); after["cast_on"] != "2018-11-07" {
			t.Fatalf("the audit event lacks the vote's day: %s", e.After)
		}

		// Not in the future, not before the decision was put to the members:
		// refused, naming the field, changing nothing.
		unchanged(t, db, func() {
			_, err = db.CastVote(ctx, s.vAdmin.Actor, d.ID, samspil.VoteInput{OrganizationID: vb, Choice: samspil.VoteFor, CastOn: today.AddDays(1)})
			wantField(t, err, samspil.EINVALID, "cast_on")
			_, err = db.CastVote(ctx, s.vAdmin.Actor, d.ID, samspil.VoteInput{OrganizationID: vb, Choice: samspil.VoteFor, CastOn: meetingDay.AddDays(-1)})
			wantField(t, err, samspil.EINVALID, "cast_on")
		})
		// Without a day, a vote is today's; so is a changed vote.
		d, err = db.CastVote(ctx, s.vAdmin.Actor, d.ID, samspil.VoteInput{OrganizationID: vb, Choice: samspil.VoteFor})
		must(t, err)
		d, err = db.CastVote(ctx, s.sAdmin.Actor, d.ID, samspil.VoteInput{OrganizationID: sk, Choice: samspil.VoteAbstain, Replace: true})
		must(t, err)
		for _, v := range d.Votes {
			if v.CastOn != today {
				t.Errorf("%s voted on %s, not today", v.OrganizationName, v.CastOn)
			}
		}

		// A proposal put today for a coming meeting takes votes from today.
		ahead, err := db.CreateDecision(ctx, s.sAdmin.Actor, s.collab.ID, samspil.DecisionInput{Title: "Fælles mødebooking", DecidedOn: today.AddDays(10)})
		must(t, err)
		unchanged(t, db, func() {
			_, err = db.CastVote(ctx, s.sAdmin.Actor, ahead.ID, samspil.VoteInput{OrganizationID: sk, Choice: samspil.VoteFor, CastOn: today.AddDays(-1)})
			wantField(t, err, samspil.EINVALID, "cast_on")
		})
		ahead, err = db.CastVote(ctx, s.sAdmin.Actor, ahead.ID, samspil.VoteInput{OrganizationID: sk, Choice: samspil.VoteFor, CastOn: today})
		must(t, err)
		if ahead.Votes[0].CastOn != today {
			t.Fatalf("a vote in advance: %+v", ahead.Votes[0])
		}

		// A vote recorded before votes had a day of their own (the column is
		// empty) is of the day of cast_at in Copenhagen: 23:30 UTC on 6
		// November 2018 is 00:30 on the 7th there.
		must(t, db.Exec(ctx, `UPDATE votes SET cast_on = NULL, cast_at = $2 WHERE id = $1`, ahead.Votes[0].ID,
			time.Date(2018, 11, 6, 23, 30, 0, 0, time.UTC)))
		ahead, err = db.FindDecision(ctx, s.sAdmin.Actor, ahead.ID)
		must(t, err)
		if ahead.Votes[0].CastOn != meetingDay {
			t.Fatalf("a vote without a day of its own: %+v", ahead.Votes[0])
		}
	})
}
