package sqldb_test

import (
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// activeFeeds returns the ids of the actor's feeds that still work.
func activeFeeds(t testing.TB, db *sqldb.DB, actor *samspil.Actor) []string {
	t.Helper()
	feeds, err := db.ListFeeds(ctx, actor)
	must(t, err)
	var ids []string
	for _, f := range feeds {
		if f.RevokedAt == nil {
			ids = append(ids, f.ID)
		}
	}
	return ids
}

func TestCalendarFeeds(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		s := newStory(t, db, samspil.VisibilityPrivate)

		// Only members subscribe to an organisation's deadlines.
		unchanged(t, db, func() {
			_, _, err := db.CreateFeed(ctx, s.vAdmin.Actor, samspil.FeedInput{Scope: samspil.FeedDeadlines, OrganizationID: testkit.Silkeborg})
			testkit.ErrCode(t, err, samspil.EFORBIDDEN)
			_, _, err = db.CreateFeed(ctx, s.sAdmin.Actor, samspil.FeedInput{Scope: "weather"})
			wantField(t, err, samspil.EINVALID, "scope")
			// The reminder is 0 to 365 days; the language Danish or English.
			for _, days := range []int{-1, 366} {
				_, _, err = db.CreateFeed(ctx, s.sAdmin.Actor, samspil.FeedInput{Scope: samspil.FeedDeadlines, OrganizationID: testkit.Silkeborg, ReminderDays: &days})
				wantField(t, err, samspil.EINVALID, "reminder_days")
			}
			_, _, err = db.CreateFeed(ctx, s.sAdmin.Actor, samspil.FeedInput{Scope: samspil.FeedPerson, Language: "de"})
			wantField(t, err, samspil.EINVALID, "language")
		})

		// Silkeborg's administrator subscribes to its contract deadlines.
		mark := auditMark(t, db)
		deadlines, secret, err := db.CreateFeed(ctx, s.sAdmin.Actor, samspil.FeedInput{Scope: samspil.FeedDeadlines, OrganizationID: testkit.Silkeborg})
		must(t, err)
		e := wantEvent(t, db, mark, "calendar_feed.create", s.silkeborg.ID, deadlines.ID)
		if strings.Contains(string(e.After), secret) {
			t.Fatalf("the feed's secret reached the audit log: %s", e.After)
		}
		f, actor, err := db.FeedActor(ctx, secret)
		must(t, err)
		if f.ID != deadlines.ID || f.Scope != samspil.FeedDeadlines || actor.UserID != s.sAdmin.User.ID {
			t.Fatalf("the secret opens feed %+v as %s", f, actor.UserID)
		}
		// Without a choice: reminders 14 days before, texts in Danish, as
		// the audit event records.
		if f.ReminderDays != samspil.DefaultFeedReminderDays || f.Language != samspil.FeedDanish ||
			deadlines.ReminderDays != 14 || deadlines.Language != samspil.FeedDanish {
			t.Fatalf("default feed %+v, created as %+v", f, deadlines)
		}
		if after := jsonObject(t, e.After); after["reminder_days"] != 14.0 || after["language"] != "da" {
			t.Fatalf("calendar_feed.create records %s", e.After)
		}
		// A meeting feed reminds only when asked.
		quiet, _, err := db.CreateFeed(ctx, s.aAdmin.Actor, samspil.FeedInput{Scope: samspil.FeedPerson})
		must(t, err)
		if quiet.ReminderDays != 0 {
			t.Fatalf("a person's meeting feed reminds %d days ahead by default", quiet.ReminderDays)
		}
		if got := activeFeeds(t, db, s.sAdmin.Actor); len(got) != 1 || got[0] != deadlines.ID {
			t.Fatalf("Silkeborg's administrator has feeds %v", got)
		}

		// Viborg's viewer subscribes to the meetings of the forums they sit
		// in; the feed is recorded under Viborg and its address kept.
		mark = auditMark(t, db)
		person, personSecret, err := db.CreateFeed(ctx, s.vViewer.Actor, samspil.FeedInput{Scope: samspil.FeedPerson})
		must(t, err)
		wantEvent(t, db, mark, "calendar_feed.create", s.viborg.ID, person.ID)
		kept, keptSecret, err := db.MeetingFeed(ctx, s.vViewer.Actor, samspil.FeedPerson, "")
		must(t, err)
		if kept.ID != person.ID || keptSecret != personSecret {
			t.Fatalf("the viewer's meeting feed is %s, want %s with its secret", kept.ID, person.ID)
		}

		// Chosen: no reminders, in English; kept as chosen.
		none := 0
		mark = auditMark(t, db)
		quiet, quietSecret, err := db.CreateFeed(ctx, s.vViewer.Actor, samspil.FeedInput{Scope: samspil.FeedPerson, ReminderDays: &none, Language: samspil.FeedEnglish})
		must(t, err)
		e = wantEvent(t, db, mark, "calendar_feed.create", s.viborg.ID, quiet.ID)
		if after := jsonObject(t, e.After); after["reminder_days"] != 0.0 || after["language"] != "en" {
			t.Fatalf("calendar_feed.create records %s", e.After)
		}
		f, _, err = db.FeedActor(ctx, quietSecret)
		must(t, err)
		if f.ReminderDays != 0 || f.Language != samspil.FeedEnglish {
			t.Fatalf("stored feed %+v", f)
		}
		must(t, db.RevokeFeed(ctx, s.vViewer.Actor, quiet.ID))

		// Nobody else revokes a feed, or sees that it exists.
		unchanged(t, db, func() {
			testkit.ErrCode(t, db.RevokeFeed(ctx, s.vAdmin.Actor, deadlines.ID), samspil.ENOTFOUND)
		})

		// Revoked, the address stops working at once.
		mark = auditMark(t, db)
		must(t, db.RevokeFeed(ctx, s.sAdmin.Actor, deadlines.ID))
		e = wantEvent(t, db, mark, "calendar_feed.revoke", s.silkeborg.ID, deadlines.ID)
		if jsonObject(t, e.Before)["revoked_at"] != nil || jsonObject(t, e.After)["revoked_at"] == nil {
			t.Fatalf("calendar_feed.revoke images %s -> %s", e.Before, e.After)
		}
		_, _, err = db.FeedActor(ctx, secret)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		if got := activeFeeds(t, db, s.sAdmin.Actor); len(got) != 0 {
			t.Fatalf("a revoked feed is still active: %v", got)
		}
		// Revoking it again changes nothing and is not audited twice.
		unchanged(t, db, func() { must(t, db.RevokeFeed(ctx, s.sAdmin.Actor, deadlines.ID)) })

		// An operator stops anyone's feed.
		mark = auditMark(t, db)
		must(t, db.RevokeFeed(ctx, testkit.System, person.ID))
		wantEvent(t, db, mark, "calendar_feed.revoke", s.viborg.ID, person.ID)
		_, _, err = db.MeetingFeed(ctx, s.vViewer.Actor, samspil.FeedPerson, "")
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		_, _, err = db.FeedActor(ctx, personSecret)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
	})
}
