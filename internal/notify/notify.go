// Package notify is the background job that e-mails notices: a meeting in
// a few days with its agenda, a vote waiting for your organisation, an
// action item of yours coming due, a contract notice deadline approaching.
//
// Each run asks the store what should be noticed, queues one notice per
// person and subject (the queue's key makes a notice unique, so it is queued
// once however often the job runs, also across restarts), then claims due
// notices and sends them. A notice is sent at most once: a sender that
// stops while sending leaves its notice "unknown" rather than sending it
// again. Temporary failures are retried with a growing pause; a message the
// server refuses is given up.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/mail"
)

// Store is what the job needs of the store.
type Store interface {
	samspil.NoticeService
}

// Texts formats a text of the message catalogue in a language: key is a
// catalogue key.
type Texts func(lang, key string, args ...any) string

// Phrases writes a computed sentence, such as what to do about a contract,
// in a language.
type Phrases func(lang string, p samspil.Phrase) string

// Job sends notices.
//
// A notice is written in its recipient's language. samspil stores no
// language per person (the language of the pages is a choice kept by the
// browser), so every notice is written in Lang, Danish unless set.
type Job struct {
	Store    Store
	Sender   mail.Sender
	Texts    Texts
	Phrases  Phrases                // nil writes computed sentences in English
	Lang     string                 // the language of notices; default Danish ("da")
	BaseURL  string                 // the site's address, for links
	Horizons samspil.NoticeHorizons // zero fields take the defaults
	Every    time.Duration          // how often Run runs; default 15 minutes
	Now      func() time.Time       // default samspil.Now
	Batch    int                    // notices sent per run at most; default 200
}

// Defaults.
const (
	DefaultEvery       = 15 * time.Minute
	DefaultMeeting     = 3 * 24 * time.Hour
	DefaultAction      = 3 * 24 * time.Hour
	DefaultDeadline    = 30 * 24 * time.Hour
	DefaultOversight   = 30 * 24 * time.Hour
	maxAttempts        = 6
	firstRetryAfter    = 5 * time.Minute
	defaultBatch       = 200
	maxNoticeBodyRunes = 20000
)

func (j *Job) now() time.Time {
	if j.Now != nil {
		return j.Now()
	}
	return samspil.Now()
}

func (j *Job) horizons() samspil.NoticeHorizons {
	h := j.Horizons
	if h.Meeting <= 0 {
		h.Meeting = DefaultMeeting
	}
	if h.Action <= 0 {
		h.Action = DefaultAction
	}
	if h.Deadline <= 0 {
		h.Deadline = DefaultDeadline
	}
	if h.Oversight <= 0 {
		h.Oversight = DefaultOversight
	}
	return h
}

// Run runs the job until ctx ends.
func (j *Job) Run(ctx context.Context) {
	every := j.Every
	if every <= 0 {
		every = DefaultEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if queued, sent, err := j.RunOnce(ctx); err != nil && ctx.Err() == nil {
			slog.Warn("notices", "error", err.Error())
		} else if queued > 0 || sent > 0 {
			slog.Info("notices", "queued", queued, "sent", sent)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce queues what is due and sends the queue once; it reports how many
// notices it queued and sent.
func (j *Job) RunOnce(ctx context.Context) (queued, sent int, err error) {
	actor := samspil.SystemActor("notices")
	now := j.now()
	subjects, err := j.Store.NoticeSubjects(ctx, actor, now, j.horizons())
	if err != nil {
		return 0, 0, err
	}
	for _, s := range subjects {
		subject, body := j.compose(s)
		ok, err := j.Store.QueueNotice(ctx, actor, samspil.Notice{Key: s.Key, UserID: s.UserID, Kind: s.Kind, Subject: subject, Body: body})
		if err != nil {
			return queued, 0, err
		}
		if ok {
			queued++
		}
	}
	batch := j.Batch
	if batch <= 0 {
		batch = defaultBatch
	}
	now = j.now() // after queueing, so that what was just queued is due
	notices, err := j.Store.ClaimNotices(ctx, actor, now, batch)
	if err != nil {
		return queued, 0, err
	}
	for _, n := range notices {
		err := j.Sender.Send(ctx, mail.Message{To: []mail.Address{{Address: n.Email}}, Subject: n.Subject, Text: n.Body,
			Headers: map[string]string{"Auto-Submitted": "auto-generated", "X-Samspil-Notice": string(n.Kind)}})
		status, next, lastError := samspil.NoticeSent, time.Time{}, ""
		if err != nil {
			// The error says which step failed; it names no password and,
			// logged, no personal data beyond the notice's ID.
			lastError = err.Error()
			status, next = samspil.NoticePending, now.Add(firstRetryAfter<<(n.Attempts-1))
			if errors.Is(err, mail.ErrRejected) || errors.Is(err, mail.ErrInvalidMessage) || n.Attempts >= maxAttempts {
				status = samspil.NoticeFailed
			}
			slog.Warn("notice not sent", "notice", n.ID, "kind", string(n.Kind), "attempt", n.Attempts, "retry", status == samspil.NoticePending)
		}
		if err := j.Store.FinishNotice(context.WithoutCancel(ctx), actor, n.ID, status, lastError, next); err != nil {
			return queued, sent, err
		}
		if status == samspil.NoticeSent {
			sent++
		}
		if ctx.Err() != nil {
			return queued, sent, ctx.Err()
		}
	}
	return queued, sent, nil
}

// language returns the language to write to the recipient of s in.
func (j *Job) language(samspil.NoticeSubject) string {
	if j.Lang != "" {
		return j.Lang
	}
	return "da"
}

// compose writes a notice's subject and body in its recipient's language.
// Dates are written as sentences write them: 26. november 2026.
func (j *Job) compose(s samspil.NoticeSubject) (subject, body string) {
	lang := j.language(s)
	t := func(key string, args ...any) string { return j.Texts(lang, key, args...) }
	say := func(p samspil.Phrase) string {
		if j.Phrases == nil {
			return p.String()
		}
		return j.Phrases(lang, p)
	}
	day := func(d *samspil.Date) string {
		if d == nil {
			return ""
		}
		return samspil.LongDate(*d, lang)
	}
	clock := func(tm time.Time) string {
		if lang == "da" {
			return tm.Format("15.04")
		}
		return tm.Format("15:04")
	}
	base := strings.TrimSuffix(j.BaseURL, "/")
	var b strings.Builder
	b.WriteString(t("notice.greeting", s.Name) + "\n\n")
	switch s.Kind {
	case samspil.NoticeMeeting:
		m := s.Meeting
		title := m.Title
		if title == "" {
			title = m.ForumName
		}
		start := m.Start.In(samspil.Copenhagen())
		subject = t("notice.meeting_subject", title, day(ptr(samspil.DateOf(start))))
		b.WriteString(t("notice.meeting_body", title, day(ptr(samspil.DateOf(start))), clock(start)) + "\n")
		if m.Location != "" {
			b.WriteString(t("notice.location", m.Location) + "\n")
		}
		if len(m.Agenda) > 0 {
			b.WriteString("\n" + t("notice.agenda") + "\n")
			for i, a := range m.Agenda {
				fmt.Fprintf(&b, "%d. %s\n", i+1, a.Title)
			}
		}
		b.WriteString("\n" + base + "/meetings/" + m.ID + "\n")
	case samspil.NoticeVote:
		d := s.Decision
		subject = t("notice.vote_subject", d.Title)
		b.WriteString(t("notice.vote_body", s.OrgName, d.Title) + "\n")
		b.WriteString("\n" + base + "/decisions/" + d.ID + "\n")
	case samspil.NoticeAction:
		a := s.Action
		subject = t("notice.action_subject", a.Title, day(a.Due))
		b.WriteString(t("notice.action_body", a.Title, day(a.Due)) + "\n")
		b.WriteString("\n" + base + "/collaborations/" + a.CollaborationID + "/action-items\n")
	case samspil.NoticeConsent:
		if inv := s.Invitation; inv != nil {
			subject = t("notice.invitation_subject", inv.CollaborationName)
			b.WriteString(t("notice.invitation_body", inv.OrganizationName, inv.CollaborationName, t("term."+string(inv.Role)),
				t("term."+string(inv.Commitment))) + "\n")
			if inv.Message != "" {
				b.WriteString("\n" + inv.Message + "\n")
			}
			b.WriteString("\n" + base + "/collaborations/" + inv.CollaborationID + "#invitations\n")
		} else if a := s.Adjustment; a != nil {
			subject = t("notice.approval_subject", s.Collaboration, a.Title)
			b.WriteString(t("notice.approval_body", a.Title, s.Collaboration, s.OrgName, day(&a.EffectiveOn)) + "\n")
			b.WriteString("\n" + base + "/collaborations/" + a.CollaborationID + "#adjustments\n")
		}
	case samspil.NoticeDeadline:
		c := s.Contract
		if x := c.Deadlines.OptionOpen(); x != nil {
			subject = t("notice.option_subject", c.Name, day(x))
			b.WriteString(t("notice.option_body", c.Name, s.OrgName, day(x), day(c.Deadlines.NextEnd)) + "\n")
		} else {
			last := day(c.Deadlines.LastNoticeDate)
			subject = t("notice.deadline_subject", c.Name, last)
			b.WriteString(t("notice.deadline_body", c.Name, s.OrgName, last) + "\n")
		}
		if why := say(c.Deadlines.Why); why != "" {
			b.WriteString(why + "\n")
		}
		b.WriteString("\n" + base + "/contracts/" + c.ID + "\n")
	case samspil.NoticeOversight:
		reg := s.DataProcessing
		next := day(reg.NextOversight)
		subject = t("notice.oversight_subject", reg.Name, next)
		b.WriteString(t("notice.oversight_body", reg.Name, s.OrgName, next) + "\n")
		if last := reg.Oversight.LastDate; last != nil {
			b.WriteString(t("notice.oversight_last", day(last)) + "\n")
		}
		b.WriteString("\n" + base + "/data-processing/" + reg.ID + "\n")
	}
	b.WriteString("\n-- \n" + t("notice.footer", base+"/account") + "\n")
	body = b.String()
	if r := []rune(body); len(r) > maxNoticeBodyRunes {
		body = string(r[:maxNoticeBodyRunes])
	}
	return subject, body
}

func ptr[T any](v T) *T { return &v }
