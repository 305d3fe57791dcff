package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// homePage is the data of "Mit overblik".
type homePage struct {
	*samspil.Overview
	ManyOrgs bool // the person belongs to more than one organisation: name it in each row
}

// home is the start page: for a signed-in person "Mit overblik", what is
// due for them and their organisations; anonymous readers go to the
// directory of organisations.
func (w *Web) home(rw http.ResponseWriter, r *http.Request) {
	actor := httpx.ActorFrom(r.Context())
	if !actor.SignedIn() {
		http.Redirect(rw, r, "/organizations", http.StatusSeeOther)
		return
	}
	o, err := w.store.Overview(r.Context(), actor, w.now())
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	v := w.newView(r, "home", &homePage{Overview: o, ManyOrgs: len(o.Organizations) > 1})
	v.Title = w.cat.text(v.Lang, "home.title")
	w.render(rw, r, http.StatusOK, "home", v)
}

// minePage is the data of the full lists behind the start page's blocks:
// the votes waiting for the person's organisations, their next meetings
// and their open action items.
type minePage struct {
	Kind        string // "votes", "meetings" or "action-items"
	Votes       []samspil.VoteWaiting
	Meetings    []samspil.Meeting
	ActionItems []samspil.ActionItem
	Next, First string // pages of the meetings and action items
}

// myVotes lists every open decision waiting for a vote of one of the
// person's organisations.
func (w *Web) myVotes(rw http.ResponseWriter, r *http.Request) {
	votes, err := w.store.VotesWaiting(r.Context(), httpx.ActorFrom(r.Context()), samspil.MaxPageSize)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	w.renderMine(rw, r, &minePage{Kind: "votes", Votes: votes})
}

// myMeetings lists the person's coming meetings, a page at a time.
func (w *Web) myMeetings(rw http.ResponseWriter, r *http.Request) {
	actor, cursor := httpx.ActorFrom(r.Context()), r.URL.Query().Get("cursor")
	page, err := w.store.ListMeetings(r.Context(), actor, samspil.MeetingFilter{UserID: actor.UserID, From: w.now().Add(-2 * time.Hour),
		ListOptions: samspil.ListOptions{Cursor: cursor, Limit: minePageSize}})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d := &minePage{Kind: "meetings", Meetings: page.Items}
	d.pages(r, cursor, page.NextCursor)
	w.renderMine(rw, r, d)
}

// myActionItems lists the person's open action items, overdue first.
func (w *Web) myActionItems(rw http.ResponseWriter, r *http.Request) {
	actor, cursor := httpx.ActorFrom(r.Context()), r.URL.Query().Get("cursor")
	page, err := w.store.ListActionItems(r.Context(), actor, samspil.ActionItemFilter{OwnerUserID: actor.UserID, OpenOnly: true,
		ListOptions: samspil.ListOptions{Cursor: cursor, Limit: minePageSize}})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d := &minePage{Kind: "action-items", ActionItems: page.Items}
	d.pages(r, cursor, page.NextCursor)
	w.renderMine(rw, r, d)
}

// minePageSize is how many meetings or action items a page lists.
const minePageSize = 50

func (d *minePage) pages(r *http.Request, cursor, next string) {
	if next != "" {
		d.Next = r.URL.Path + "?" + url.Values{"cursor": {next}}.Encode()
	}
	if cursor != "" {
		d.First = r.URL.Path
	}
}

func (w *Web) renderMine(rw http.ResponseWriter, r *http.Request, d *minePage) {
	v := w.newView(r, "home", d)
	v.Title = w.cat.text(v.Lang, "mine."+d.Kind+".title")
	w.render(rw, r, http.StatusOK, "mine", v)
}
