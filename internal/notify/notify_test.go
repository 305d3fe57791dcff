package notify_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
	"github.com/samspil/samspil/internal/mail"
	"github.com/samspil/samspil/internal/mail/mailtest"
	"github.com/samspil/samspil/internal/notify"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
	"github.com/samspil/samspil/internal/web"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }

// TestNotices runs the job against a real SMTP server in-process: each
// kind of notice reaches the right people once, opt-outs hold, a moved
// meeting is noticed again, a refused address is given up, and a new job
// (a restart) sends nothing twice.
func TestNotices(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		smtpd := mailtest.Start(t, mailtest.WithRejectRecipient("ed@silkeborg.example"))
		sender, err := mail.NewSMTP(smtpd.Config())
		must(t, err)
		w, err := web.New(httpx.NewRouter(), db, web.Config{})
		must(t, err)
		newJob := func() *notify.Job {
			return &notify.Job{Store: db, Sender: sender, BaseURL: "https://samspil.example", Texts: w.Text, Phrases: w.Say}
		}

		s := testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		testkit.NewPerson(t, db, "ed@silkeborg.example", testkit.Silkeborg, samspil.RoleEditor)
		v := testkit.NewPerson(t, db, "admin@viborg.example", testkit.Viborg, samspil.RoleAdmin)
		testkit.NewPerson(t, db, "viewer@viborg.example", testkit.Viborg, samspil.RoleViewer)
		sk, vb := testkit.Org(t, db, testkit.Silkeborg), testkit.Org(t, db, testkit.Viborg)
		c, err := db.CreateCollaboration(ctx, s.Actor, samspil.CollaborationInput{Name: "Silkeborg–Viborg", Kind: samspil.KindPartnership,
			Start: samspil.NewDate(2014, 1, 1), OrganizationID: testkit.Silkeborg})
		must(t, err)
		testkit.Join(t, db, c.ID, samspil.InvitationInput{OrganizationID: testkit.Viborg, Since: samspil.NewDate(2014, 1, 1)})
		s.Actor, v.Actor = testkit.Actor(t, db, s.User.ID), testkit.Actor(t, db, v.User.ID)

		// A meeting in two days with an agenda.
		cph := samspil.Copenhagen()
		in2 := time.Now().In(cph).AddDate(0, 0, 2)
		first := time.Date(in2.Year(), in2.Month(), in2.Day(), 9, 0, 0, 0, cph)
		forum, err := db.CreateForum(ctx, s.Actor, c.ID, samspil.ForumInput{Name: "IT-chefmøde", Level: samspil.ForumITChiefs, FirstMeeting: first,
			Location: "Viborg Rådhus", Members: []samspil.ForumMember{{UserID: s.User.ID, OrganizationID: sk.ID}, {UserID: v.User.ID, OrganizationID: vb.ID}}})
		must(t, err)
		meeting, err := db.CreateMeeting(ctx, s.Actor, forum.ID, samspil.MeetingInput{Start: first})
		must(t, err)
		meeting, err = db.AddAgendaItem(ctx, s.Actor, meeting.ID, samspil.AgendaItemInput{Title: "Fælles ESDH-udbud"})
		must(t, err)
		// A decision Silkeborg has voted on and Viborg has not.
		d, err := db.CreateDecision(ctx, s.Actor, c.ID, samspil.DecisionInput{Title: "Fælles driftscenter", Rule: samspil.RuleMajority})
		must(t, err)
		_, err = db.CastVote(ctx, s.Actor, d.ID, samspil.VoteInput{OrganizationID: sk.ID, Choice: samspil.VoteFor})
		must(t, err)
		// Viborg's admin owns an action item due tomorrow.
		today := samspil.Today(time.Now())
		_, err = db.CreateActionItem(ctx, s.Actor, c.ID, samspil.ActionItemInput{Title: "Afklar licenser", OwnerUserID: v.User.ID,
			OrganizationID: vb.ID, Due: ptr(today.AddDays(1))})
		must(t, err)
		// A Silkeborg contract that extends itself unless notice is given
		// within ten days.
		expiry := today.AddDays(10).AddMonths(3)
		con, err := db.CreateContract(ctx, s.Actor, samspil.ContractInput{OrganizationID: sk.ID, Name: "ESDH-drift",
			ContractTerms: samspil.ContractTerms{Start: samspil.NewDate(2020, 1, 1), Expiry: &expiry, ExtensionCount: 1, ExtensionMonths: 12, NoticeMonths: 3}})
		must(t, err)
		if con.Deadlines.LastNoticeDate == nil || samspil.DaysBetween(today, *con.Deadlines.LastNoticeDate) < 5 {
			t.Fatalf("deadline %+v", con.Deadlines)
		}
		// Silkeborg's admin does not want meeting notices.
		must(t, db.SetNoticeOptOuts(ctx, s.Actor, s.User.ID, []samspil.NoticeKind{samspil.NoticeMeeting}))
		testkit.ErrCode(t, db.SetNoticeOptOuts(ctx, v.Actor, s.User.ID, nil), samspil.ENOTFOUND)

		queued, sent, err := newJob().RunOnce(ctx)
		must(t, err)
		// meeting → Viborg; vote → Viborg's admin; action → Viborg's admin;
		// deadline → Silkeborg's admin and editor (the editor's address is refused).
		if queued != 5 || sent != 4 {
			t.Fatalf("queued %d, sent %d", queued, sent)
		}
		got := smtpd.Wait(t, 4, 5*time.Second)
		var lines []string
		for _, m := range got {
			lines = append(lines, m.To[0]+" | "+m.Subject)
		}
		sort.Strings(lines)
		// Notices are in Danish, dates as sentences write them.
		dueDay := samspil.LongDate(today.AddDays(1), "da")
		want := []string{
			"admin@silkeborg.example | Opsigelsesfrist nærmer sig: ESDH-drift (" + samspil.LongDate(*con.Deadlines.LastNoticeDate, "da") + ")",
			"admin@viborg.example | Afstemning venter: Fælles driftscenter",
			"admin@viborg.example | Møde: IT-chefmøde den " + samspil.LongDate(samspil.DateOf(first), "da"),
			"admin@viborg.example | Opfølgningspunkt forfalder: Afklar licenser (" + dueDay + ")",
		}
		if strings.Join(lines, "\n") != strings.Join(want, "\n") {
			t.Fatalf("sent:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
		}
		for _, m := range got {
			if strings.HasPrefix(m.Subject, "Opsigelsesfrist") {
				// What to do, in Danish: the contract's explanation.
				want := "Opsig kontrakten senest den " + samspil.LongDate(*con.Deadlines.LastNoticeDate, "da")
				if !strings.Contains(m.Text, want) || strings.Contains(m.Text, "Give notice") {
					t.Errorf("the deadline notice lacks %q:\n%s", want, m.Text)
				}
			}
			if strings.HasPrefix(m.Subject, "Møde") {
				for _, s := range []string{"kl. 09.00", "Sted: Viborg Rådhus", "1. Fælles ESDH-udbud", "https://samspil.example/meetings/" + meeting.ID,
					"https://samspil.example/account"} {
					if !strings.Contains(m.Text, s) {
						t.Errorf("the meeting notice lacks %q:\n%s", s, m.Text)
					}
				}
				if m.Header.Get("Auto-Submitted") != "auto-generated" {
					t.Error("no Auto-Submitted header")
				}
			}
		}

		// Running again, or after a restart, sends nothing twice; the refused
		// address is not tried again.
		for i := 0; i < 2; i++ {
			queued, sent, err = newJob().RunOnce(ctx)
			must(t, err)
			if queued != 0 || sent != 0 {
				t.Fatalf("run %d queued %d, sent %d", i+2, queued, sent)
			}
		}
		// A moved meeting is a new notice.
		_, err = db.UpdateMeeting(ctx, s.Actor, meeting.ID, meeting.Version, samspil.MeetingPatch{Start: ptr(first.Add(time.Hour)),
			End: ptr(first.Add(3 * time.Hour))})
		must(t, err)
		queued, sent, err = newJob().RunOnce(ctx)
		must(t, err)
		if queued != 1 || sent != 1 {
			t.Fatalf("after the move: queued %d, sent %d", queued, sent)
		}
		if m := smtpd.Wait(t, 5, 5*time.Second)[4]; m.To[0] != "admin@viborg.example" || !strings.Contains(m.Text, "kl. 10.00") {
			t.Fatalf("moved notice to %v:\n%s", m.To, m.Text)
		}
		if n := len(smtpd.Messages()); n != 5 {
			t.Fatalf("%d messages in all", n)
		}
	})
}

// TestConsentNotices: an invitation and a change of terms waiting for an
// organisation's answer are noticed once to its administrators, and not to
// its other people.
func TestConsentNotices(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		smtpd := mailtest.Start(t)
		sender, err := mail.NewSMTP(smtpd.Config())
		must(t, err)
		w, err := web.New(httpx.NewRouter(), db, web.Config{})
		must(t, err)
		job := func() *notify.Job {
			return &notify.Job{Store: db, Sender: sender, BaseURL: "https://samspil.example", Texts: w.Text, Phrases: w.Say}
		}
		s := testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		v := testkit.NewPerson(t, db, "admin@viborg.example", testkit.Viborg, samspil.RoleAdmin)
		testkit.NewPerson(t, db, "ed@viborg.example", testkit.Viborg, samspil.RoleEditor)
		a := testkit.NewPerson(t, db, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
		c, err := db.CreateCollaboration(ctx, s.Actor, samspil.CollaborationInput{Name: "Silkeborg–Viborg", Kind: samspil.KindPartnership,
			Start: samspil.NewDate(2014, 1, 1), OrganizationID: testkit.Silkeborg})
		must(t, err)
		testkit.Join(t, db, c.ID, samspil.InvitationInput{OrganizationID: testkit.Aarhus, Since: samspil.NewDate(2014, 1, 1)})
		inv, err := db.Invite(ctx, s.Actor, c.ID, samspil.InvitationInput{OrganizationID: testkit.Viborg, Message: "Vil I være med?"})
		must(t, err)
		adj, err := db.ProposeAdjustment(ctx, testkit.Actor(t, db, s.User.ID), c.ID, samspil.AdjustmentInput{Title: "Aarhus frivillig",
			EffectiveOn: samspil.NewDate(2027, 1, 1), Commitments: []samspil.CommitmentChange{{OrganizationID: testkit.Org(t, db, testkit.Aarhus).ID,
				Commitment: samspil.CommitmentVoluntary}}})
		must(t, err)

		queued, sent, err := job().RunOnce(ctx)
		must(t, err)
		if queued != 2 || sent != 2 {
			t.Fatalf("queued %d, sent %d", queued, sent)
		}
		got := smtpd.Wait(t, 2, 5*time.Second)
		byTo := map[string]mailtest.Received{}
		for _, m := range got {
			byTo[m.To[0]] = m
		}
		m, ok := byTo[v.User.Email]
		if !ok || m.Subject != "Invitation til Silkeborg–Viborg" || !strings.Contains(m.Text, "Viborg Kommune er inviteret til Silkeborg–Viborg som medlem, bindende (skal).") ||
			!strings.Contains(m.Text, "Vil I være med?") || !strings.Contains(m.Text, "https://samspil.example/collaborations/"+c.ID+"#invitations") {
			t.Fatalf("the invitation notice: %+v", m)
		}
		m, ok = byTo[a.User.Email]
		if !ok || m.Subject != "Silkeborg–Viborg: Aarhus frivillig venter på jeres godkendelse" || !strings.Contains(m.Text, "1. januar 2027") ||
			!strings.Contains(m.Text, "#adjustments") {
			t.Fatalf("the approval notice: %+v", m)
		}
		// Nothing twice; answered ones are not noticed again.
		_, err = db.AcceptInvitation(ctx, v.Actor, inv.ID, samspil.Answer{})
		must(t, err)
		_, err = db.ApproveAdjustment(ctx, a.Actor, adj.ID, samspil.ApprovalInput{OrganizationID: testkit.Aarhus})
		must(t, err)
		if queued, sent, err = job().RunOnce(ctx); err != nil || queued != 0 || sent != 0 {
			t.Fatalf("again: queued %d, sent %d, %v", queued, sent, err)
		}
		// Opting out holds.
		must(t, db.SetNoticeOptOuts(ctx, a.Actor, a.User.ID, []samspil.NoticeKind{samspil.NoticeConsent}))
		_, err = db.ProposeAdjustment(ctx, testkit.Actor(t, db, s.User.ID), c.ID, samspil.AdjustmentInput{Title: "Aarhus observerer",
			EffectiveOn: samspil.NewDate(2027, 2, 1), Roles: []samspil.RoleChange{{OrganizationID: testkit.Org(t, db, testkit.Aarhus).ID,
				Role: samspil.MemberRoleObserver}}})
		must(t, err)
		if queued, _, err = job().RunOnce(ctx); err != nil || queued != 0 {
			t.Fatalf("after opting out: queued %d, %v", queued, err)
		}
	})
}

// TestNoticeLanguage: notices are written in the job's language, Danish by
// default (samspil stores no language per person), with the contract's
// explanation of what to do and dates as sentences write them.
func TestNoticeLanguage(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w, err := web.New(httpx.NewRouter(), db, web.Config{})
		must(t, err)
		s := testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		today := samspil.Today(time.Now())
		expiry := today.AddDays(10).AddMonths(3)
		terms := samspil.ContractTerms{Start: samspil.NewDate(2020, 1, 1), Expiry: &expiry, ExtensionCount: 1, ExtensionMonths: 12, NoticeMonths: 3}
		last := *terms.Deadlines(today).LastNoticeDate
		for _, c := range []struct {
			lang, name    string
			subject, text string
			notText       string
		}{
			{"", "ESDH-drift", "Opsigelsesfrist nærmer sig: ESDH-drift (" + samspil.LongDate(last, "da") + ")",
				"Opsig kontrakten senest den " + samspil.LongDate(last, "da") + ", så den ophører den " + samspil.LongDate(expiry, "da"), "Give notice"},
			{"en", "Økonomi-drift", "Notice deadline approaching: Økonomi-drift (" + samspil.LongDate(last, "en") + ")",
				"Give notice by " + samspil.LongDate(last, "en") + " to end the contract on " + samspil.LongDate(expiry, "en"), "Opsig"},
		} {
			// Each case has a contract of its own: a notice is sent once,
			// in whatever language.
			_, err := db.CreateContract(ctx, s.Actor, samspil.ContractInput{OrganizationID: testkit.Org(t, db, testkit.Silkeborg).ID, Name: c.name,
				ContractTerms: terms})
			must(t, err)
			smtpd := mailtest.Start(t)
			sender, err := mail.NewSMTP(smtpd.Config())
			must(t, err)
			job := &notify.Job{Store: db, Sender: sender, BaseURL: "https://samspil.example", Texts: w.Text, Phrases: w.Say, Lang: c.lang}
			if _, sent, err := job.RunOnce(ctx); err != nil || sent != 1 {
				t.Fatalf("%q: sent %d, %v", c.lang, sent, err)
			}
			m := smtpd.Wait(t, 1, 5*time.Second)[0]
			if m.Subject != c.subject || !strings.Contains(m.Text, c.text) || strings.Contains(m.Text, c.notText) {
				t.Errorf("%q: the notice %q:\n%s\nwant subject %q and %q", c.lang, m.Subject, m.Text, c.subject, c.text)
			}
		}
	})
}

// TestOptionNotice: an option the buyer must exercise is noticed by its
// last exercise day, with words that say to exercise it, not to give notice.
func TestOptionNotice(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w, err := web.New(httpx.NewRouter(), db, web.Config{})
		must(t, err)
		s := testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		today := samspil.Today(time.Now())
		expiry := today.AddDays(10).AddMonths(3)
		terms := samspil.ContractTerms{Start: samspil.NewDate(2020, 1, 1), Expiry: &expiry, ExtensionCount: 1, ExtensionMonths: 12, NoticeMonths: 3,
			ExtensionKind: samspil.ExtensionOption}
		dl := terms.Deadlines(today)
		if dl.LastExerciseDate == nil || dl.LastNoticeDate != nil {
			t.Fatalf("deadlines %+v", dl)
		}
		_, err = db.CreateContract(ctx, s.Actor, samspil.ContractInput{OrganizationID: testkit.Org(t, db, testkit.Silkeborg).ID, Name: "Fagsystem",
			ContractTerms: terms})
		must(t, err)
		smtpd := mailtest.Start(t)
		sender, err := mail.NewSMTP(smtpd.Config())
		must(t, err)
		job := &notify.Job{Store: db, Sender: sender, BaseURL: "https://samspil.example", Texts: w.Text, Phrases: w.Say}
		if _, sent, err := job.RunOnce(ctx); err != nil || sent != 1 {
			t.Fatalf("sent %d, %v", sent, err)
		}
		m := smtpd.Wait(t, 1, 5*time.Second)[0]
		x := samspil.LongDate(*dl.LastExerciseDate, "da")
		if want := "Frist for at udnytte option nærmer sig: Fagsystem (" + x + ")"; m.Subject != want {
			t.Errorf("subject %q, want %q", m.Subject, want)
		}
		for _, want := range []string{"skal udnyttes senest den " + x, "Udnyt optionen senest den " + x,
			"ellers ophører den den " + samspil.LongDate(expiry, "da")} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("the notice lacks %q:\n%s", want, m.Text)
			}
		}
		if strings.Contains(m.Text, "Opsig") {
			t.Errorf("the notice asks for notice:\n%s", m.Text)
		}
	})
}
