package sqldb_test

import (
	"context"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestNoticeQueue: a key is queued once; a claimed notice is not claimed
// again; a temporary failure comes back when due; a notice whose sender
// stopped while sending becomes unknown and is never sent again; only the
// system uses the queue.
func TestNoticeQueue(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		sys := samspil.SystemActor("notices")
		p := testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		n := samspil.Notice{Key: "vote:1:2:" + p.User.ID, UserID: p.User.ID, Kind: samspil.NoticeVote, Subject: "Afstemning", Body: "Stem"}
		ok, err := db.QueueNotice(ctx, sys, n)
		must(t, err)
		again, err := db.QueueNotice(ctx, sys, n)
		must(t, err)
		if !ok || again {
			t.Fatalf("queued %v then %v", ok, again)
		}
		_, err = db.QueueNotice(ctx, p.Actor, samspil.Notice{Key: "x", UserID: p.User.ID, Kind: samspil.NoticeVote})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)

		now := time.Now().Add(time.Second)
		claimed, err := db.ClaimNotices(ctx, sys, now, 10)
		must(t, err)
		if len(claimed) != 1 || claimed[0].Email != "admin@silkeborg.example" || claimed[0].Attempts != 1 {
			t.Fatalf("claimed %+v", claimed)
		}
		if more, _ := db.ClaimNotices(ctx, sys, now, 10); len(more) != 0 {
			t.Fatal("claimed twice")
		}
		// A temporary failure: due again after the pause.
		must(t, db.FinishNotice(ctx, sys, claimed[0].ID, samspil.NoticePending, "dial: refused", now.Add(5*time.Minute)))
		if early, _ := db.ClaimNotices(ctx, sys, now.Add(time.Minute), 10); len(early) != 0 {
			t.Fatal("claimed before it was due")
		}
		retry, err := db.ClaimNotices(ctx, sys, now.Add(6*time.Minute), 10)
		must(t, err)
		if len(retry) != 1 || retry[0].Attempts != 2 {
			t.Fatalf("retry %+v", retry)
		}
		// The sender stops while sending: much later the notice is unknown, not sent again.
		if later, _ := db.ClaimNotices(ctx, sys, now.Add(time.Hour), 10); len(later) != 0 {
			t.Fatal("a notice being sent was claimed again")
		}
		must(t, db.FinishNotice(ctx, sys, retry[0].ID, samspil.NoticeSent, "", time.Time{}))
		// Finishing a notice that is no longer being sent changes nothing.
		must(t, db.FinishNotice(ctx, sys, retry[0].ID, samspil.NoticePending, "late", now))
		if again, _ := db.ClaimNotices(ctx, sys, now.Add(2*time.Hour), 10); len(again) != 0 {
			t.Fatal("a sent notice came back")
		}
		// Opt-outs: the user's own, validated.
		wantField(t, db.SetNoticeOptOuts(ctx, p.Actor, p.User.ID, []samspil.NoticeKind{"spam"}), samspil.EINVALID, "opt_outs[0]")
		mark := auditMark(t, db)
		must(t, db.SetNoticeOptOuts(ctx, p.Actor, p.User.ID, []samspil.NoticeKind{samspil.NoticeAction, samspil.NoticeAction}))
		wantEvent(t, db, mark, "user.notice_opt_outs", "", p.User.ID)
		kinds, err := db.NoticeOptOuts(ctx, p.Actor, p.User.ID)
		must(t, err)
		if len(kinds) != 1 || kinds[0] != samspil.NoticeAction {
			t.Fatalf("opt-outs %v", kinds)
		}
	})
}
