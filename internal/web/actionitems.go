package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// Action items: a collaboration's follow-up points, the open ones first by
// due date, overdue ones marked, with a form to record one and buttons to
// move one along.

// actionItemRow is an action item on the page with the statuses the reader
// may move it to.
type actionItemRow struct {
	samspil.ActionItem
	MeetingTitle string
	Next         []samspil.ActionStatus // empty when the reader may not change it
}

// actionOwnerChoice is a choice of who is responsible: an organisation, or
// a person of a member organisation. Value is "org:<id>" or
// "person:<user>|<org>".
type actionOwnerChoice struct {
	Value, Label string
}

// meetingChoice is a meeting an action item may come from.
type meetingChoice struct {
	ID, Label string
}

type actionItemsData struct {
	C         *samspil.Collaboration
	Today     samspil.Date
	Show      string // "open" or "all"
	Items     []actionItemRow
	Overdue   int
	CanCreate bool
	Orgs      []actionOwnerChoice
	People    []actionOwnerChoice
	Meetings  []meetingChoice
	Form      url.Values
	ShowForm  bool
}

// actionItems lists a collaboration's action items.
func (w *Web) actionItems(rw http.ResponseWriter, r *http.Request) {
	w.showActionItems(rw, r, r.PathValue("id"), http.StatusOK, nil, nil)
}

// showActionItems renders the list of collaboration collabID; after a
// failed post formErr is set and form holds what was posted.
func (w *Web) showActionItems(rw http.ResponseWriter, r *http.Request, collabID string, status int, formErr error, form url.Values) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	c, err := w.store.FindCollaboration(ctx, actor, collabID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	today := samspil.Today(w.now())
	show := r.URL.Query().Get("show")
	if show != "all" {
		show = "open"
	}
	items, err := allPages(func(cursor string) (*samspil.Page[samspil.ActionItem], error) {
		return w.store.ListActionItems(ctx, actor, samspil.ActionItemFilter{CollaborationID: c.ID, OpenOnly: show == "open",
			ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
	})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	// The store orders by due date, those without one last; open ones come
	// first here.
	slices.SortStableFunc(items, func(a, b samspil.ActionItem) int { return actionRank(a.Status) - actionRank(b.Status) })

	d := actionItemsData{C: c, Today: today, Show: show, Form: form, ShowForm: formErr != nil && form.Has("title")}
	if !d.ShowForm {
		d.Form = url.Values{}
	}
	meetings := map[string]string{}
	if actor.SignedIn() {
		page, err := w.store.ListMeetings(ctx, actor, samspil.MeetingFilter{CollaborationID: c.ID,
			From: w.now().AddDate(0, -6, 0), To: w.now().AddDate(0, 3, 0), ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}})
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		for _, m := range page.Items {
			label := meetingTitle(&m) + " " + formatTime(m.Start, language(r))
			meetings[m.ID] = label
			if m.Status != samspil.MeetingCancelled {
				d.Meetings = append(d.Meetings, meetingChoice{ID: m.ID, Label: label})
			}
		}
	}
	for _, it := range items {
		row := actionItemRow{ActionItem: it, MeetingTitle: meetings[it.MeetingID]}
		if it.Overdue {
			d.Overdue++
		}
		if actor.SignedIn() && actor.MayChangeActionItem(c, &it, today) {
			for _, s := range samspil.ActionStatuses {
				if s != it.Status {
					row.Next = append(row.Next, s)
				}
			}
		}
		d.Items = append(d.Items, row)
	}

	if actor.SignedIn() {
		d.CanCreate = actor.MayRecordActionItems(c, today)
		for i := range c.Members {
			m := &c.Members[i]
			if !m.ActiveOn(today) || slices.ContainsFunc(d.Orgs, func(o actionOwnerChoice) bool { return o.Value == "org:"+m.OrganizationID }) {
				continue
			}
			d.Orgs = append(d.Orgs, actionOwnerChoice{Value: "org:" + m.OrganizationID, Label: m.OrganizationName})
		}
	}
	if d.CanCreate {
		people, err := w.memberPeople(ctx, actor, c, today)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		for _, p := range people {
			d.People = append(d.People, actionOwnerChoice{Value: "person:" + p.Key(), Label: p.Name + " (" + p.OrganizationName + ")"})
		}
	}
	v := w.newView(r, "collaborations", d)
	v.Title = w.cat.text(v.Lang, "action_items.title", c.Name)
	if formErr != nil {
		w.withError(v, formErr)
	}
	w.render(rw, r, status, "actionitems", v)
}

// actionRank puts open and started items before finished ones.
func actionRank(s samspil.ActionStatus) int {
	if s == samspil.ActionOpen || s == samspil.ActionInProgress {
		return 0
	}
	return 1
}

// createActionItem records an action item from the form.
func (w *Web) createActionItem(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	var v samspil.Validation
	in := samspil.ActionItemInput{Title: r.PostFormValue("title"), Description: r.PostFormValue("description"),
		MeetingID: r.PostFormValue("meeting_id"), Due: formDate(&v, r, "due")}
	switch owner := r.PostFormValue("owner"); {
	case strings.HasPrefix(owner, "org:"):
		in.OrganizationID = strings.TrimPrefix(owner, "org:")
	case strings.HasPrefix(owner, "person:"):
		in.OwnerUserID, in.OrganizationID, _ = strings.Cut(strings.TrimPrefix(owner, "person:"), "|")
	case owner != "":
		v.Add("owner", "is not a choice of the form")
	}
	err := v.Err()
	if err == nil {
		_, err = w.store.CreateActionItem(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), in)
	}
	if err == nil {
		redirect(rw, r, "/collaborations/"+r.PathValue("id")+"/action-items", "action_item_created")
		return
	}
	if !inputError(err) {
		w.fail(rw, r, err)
		return
	}
	err = renameFields(err, func(path string) string {
		if path == "owner_user_id" || path == "organization_id" {
			return "owner"
		}
		return path
	})
	form := r.PostForm
	if !form.Has("title") {
		form.Set("title", "")
	}
	w.showActionItems(rw, r, r.PathValue("id"), httpx.Status(err), err, form)
}

// updateActionItem moves an action item to another status.
func (w *Web) updateActionItem(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	it, err := w.store.FindActionItem(ctx, actor, r.PathValue("aid"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	status := samspil.ActionStatus(r.PostFormValue("status"))
	_, err = w.store.UpdateActionItem(ctx, actor, it.ID, formVersion(r), samspil.ActionItemPatch{Status: &status})
	back := "/collaborations/" + it.CollaborationID + "/action-items"
	if r.PostFormValue("show") == "all" {
		back += "?show=all"
	}
	if err == nil {
		redirect(rw, r, back, "action_item_updated")
		return
	}
	if !inputError(err) {
		w.fail(rw, r, err)
		return
	}
	w.showActionItems(rw, r, it.CollaborationID, httpx.Status(err), err, r.PostForm)
}
