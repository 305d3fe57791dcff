package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

type accountData struct {
	User      *samspil.User
	People    []samspil.PersonInvitation // invitations to the reader's own address
	Collabs   []samspil.Invitation       // invitations waiting for the reader's organisations' answer
	Tokens    []samspil.Token
	NewSecret string // a just-created token's secret, shown once
	TokenName string
	Notices   []noticeChoice
	FeedURL   string // the address of the reader's feed of their meetings, if any
	// FeedReminder is the reminder days in the form that makes it: as
	// typed after an error, else the default.
	FeedReminder string
	SSO          []samspil.SSOLink // the identity providers of the reader's organisations
}

// noticeChoice is one kind of e-mail notice and whether the reader wants it.
type noticeChoice struct {
	Kind samspil.NoticeKind
	On   bool
}

func (w *Web) account(rw http.ResponseWriter, r *http.Request) {
	w.showAccount(rw, r, http.StatusOK, nil, accountData{})
}

func (w *Web) showAccount(rw http.ResponseWriter, r *http.Request, status int, formErr error, d accountData) {
	httpx.DontCompress(rw) // it shows a secret: see httpx.Compress
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	u, err := w.store.FindUser(ctx, actor, actor.UserID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	tokens, err := w.store.ListTokens(ctx, actor, actor.UserID, samspil.ListOptions{Limit: samspil.MaxPageSize})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d.User, d.Tokens = u, tokens.Items
	if d.People, err = w.store.MyPersonInvitations(ctx, actor); err != nil {
		w.fail(rw, r, err)
		return
	}
	if d.Collabs, err = w.store.InvitationsToAnswer(ctx, actor); err != nil {
		w.fail(rw, r, err)
		return
	}
	off, err := w.store.NoticeOptOuts(ctx, actor, actor.UserID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	for _, k := range samspil.NoticeKinds {
		d.Notices = append(d.Notices, noticeChoice{Kind: k, On: !slices.Contains(off, k)})
	}
	if d.SSO, err = w.store.AccountSSO(ctx, actor); err != nil {
		w.fail(rw, r, err)
		return
	}
	if d.FeedReminder == "" {
		d.FeedReminder = strconv.Itoa(samspil.FeedPerson.DefaultReminderDays())
	}
	if _, secret, err := w.store.MeetingFeed(ctx, actor, samspil.FeedPerson, ""); err == nil {
		d.FeedURL = w.feedURL(r, secret)
	} else if samspil.ErrorCode(err) != samspil.ENOTFOUND {
		w.fail(rw, r, err)
		return
	}
	v := w.newView(r, "account", d)
	v.Title = w.cat.text(v.Lang, "account.title")
	if formErr != nil {
		w.withError(v, formErr)
	}
	w.render(rw, r, status, "account", v)
}

func (w *Web) changePassword(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	actor := httpx.ActorFrom(r.Context())
	err := w.store.SetPassword(r.Context(), actor, actor.UserID, r.PostFormValue("current_password"), r.PostFormValue("password"))
	if err != nil {
		if samspil.ErrorCode(err) == samspil.EINVALID {
			w.showAccount(rw, r, httpx.Status(err), err, accountData{})
			return
		}
		w.fail(rw, r, err)
		return
	}
	// A new password ends every session, this one too.
	w.cfg.Cookies.ClearSessionCookie(rw)
	redirect(rw, r, "/login", "password_changed")
}

func (w *Web) createToken(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	in := samspil.TokenInput{Name: r.PostFormValue("name")}
	if days := r.PostFormValue("expires_in_days"); days != "" {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || n > 3650 {
			w.showAccount(rw, r, http.StatusUnprocessableEntity,
				samspil.ErrorAt(samspil.EINVALID, "expires_in_days", "must be a number of days from 1 to 3650"), accountData{TokenName: in.Name})
			return
		}
		e := time.Now().UTC().AddDate(0, 0, n)
		in.ExpiresAt = &e
	}
	_, secret, err := w.store.CreateToken(r.Context(), httpx.ActorFrom(r.Context()), "", in)
	if err != nil {
		if samspil.ErrorCode(err) == samspil.EINVALID {
			w.showAccount(rw, r, httpx.Status(err), err, accountData{TokenName: in.Name})
			return
		}
		w.fail(rw, r, err)
		return
	}
	w.showAccount(rw, r, http.StatusCreated, nil, accountData{NewSecret: secret})
}

func (w *Web) revokeToken(rw http.ResponseWriter, r *http.Request) {
	if err := w.store.RevokeToken(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id")); err != nil {
		w.fail(rw, r, err)
		return
	}
	redirect(rw, r, "/account#tokens", "token_revoked")
}

// setNotices records which kinds of e-mail notice the reader wants.
func (w *Web) setNotices(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	actor := httpx.ActorFrom(r.Context())
	var off []samspil.NoticeKind
	for _, k := range samspil.NoticeKinds {
		if r.PostForm.Get("notice_"+string(k)) != "on" {
			off = append(off, k)
		}
	}
	if err := w.store.SetNoticeOptOuts(r.Context(), actor, actor.UserID, off); err != nil {
		w.showAccount(rw, r, httpx.Status(err), err, accountData{})
		return
	}
	http.Redirect(rw, r, "/account?done=notices_saved#notices", http.StatusSeeOther)
}

// createMeetingFeed makes the reader's feed of the meetings of the forums
// they sit in.
func (w *Web) createMeetingFeed(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	in := samspil.FeedInput{Scope: samspil.FeedPerson}
	err := feedForm(r, &in)
	if err == nil {
		_, _, err = w.store.CreateFeed(r.Context(), httpx.ActorFrom(r.Context()), in)
	}
	if err != nil {
		w.showAccount(rw, r, httpx.Status(err), err, accountData{FeedReminder: r.PostFormValue("reminder_days")})
		return
	}
	http.Redirect(rw, r, "/account?done=feed_created#meeting-feed", http.StatusSeeOther)
}
