package web

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// A meeting's page: facts, agenda, minutes, attendance and the decisions
// taken, with the forms of those who record or manage it.

// markdownRenderer turns Markdown into HTML. It leaves raw HTML out (the
// default); the sanitiser below removes whatever else is not plain
// user-generated content.
var markdownRenderer = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify))

// markdownPolicy allows the elements and attributes of user-generated
// content and nothing that runs or styles: no script, no event handlers,
// no style attributes (the pages' CSP forbids inline styles too).
var markdownPolicy = bluemonday.UGCPolicy()

// markdown renders Markdown typed by users as safe HTML.
func markdown(src string) template.HTML {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	var buf bytes.Buffer
	if err := markdownRenderer.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(markdownPolicy.SanitizeBytes(buf.Bytes())) // sanitised above
}

// agendaRow is a point on the agenda with its description rendered.
type agendaRow struct {
	samspil.AgendaItem
	Description template.HTML
}

// attendee is a person who may be recorded at a meeting, with what is
// recorded.
type attendee struct {
	person
	Status samspil.AttendanceStatus
}

type meetingData struct {
	M           *samspil.Meeting
	F           *samspil.Forum
	C           *samspil.Collaboration
	Moved       bool
	Minutes     template.HTML
	Agenda      []agendaRow
	Attendance  []samspil.Attendance
	Attendees   []attendee
	Owners      []person // who may own a point on the agenda
	Decisions   []samspil.Decision
	CanManage   bool
	CanRecord   bool // managers and the people sitting in the forum
	Unmarked    bool // over, and still marked planned: health counts it as not held until someone marks it
	Statuses    []samspil.MeetingStatus
	Attendances []samspil.AttendanceStatus
	Rules       []samspil.DecisionRule
	StartDate   string // the start in Copenhagen, for the move form
	StartTime   string
	Form        url.Values
	Open        string // the form to show open after an error
}

// meeting shows a meeting.
func (w *Web) meeting(rw http.ResponseWriter, r *http.Request) {
	w.showMeeting(rw, r, http.StatusOK, nil, "", nil)
}

func (w *Web) showMeeting(rw http.ResponseWriter, r *http.Request, status int, formErr error, open string, form url.Values) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	m, err := w.store.FindMeeting(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	f, err := w.store.FindForum(ctx, actor, m.ForumID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	c, err := w.store.FindCollaboration(ctx, actor, m.CollaborationID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	decisions, err := allPages(func(cursor string) (*samspil.Page[samspil.Decision], error) {
		return w.store.ListDecisions(ctx, actor, samspil.DecisionFilter{MeetingID: m.ID, ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
	})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	local := m.Start.In(samspil.Copenhagen())
	d := meetingData{M: m, F: f, C: c, Moved: meetingRowOf(*m).Moved, Minutes: markdown(m.Minutes), Attendance: m.Attendance,
		Unmarked:  m.Status == samspil.MeetingPlanned && m.End.Before(w.now()),
		Decisions: decisions, CanManage: actor.Manages(c, samspil.Today(w.now())), Statuses: samspil.MeetingStatuses,
		Rules: samspil.DecisionRules, StartDate: local.Format("2006-01-02"), StartTime: local.Format("15:04"), Open: open}
	d.Attendances = []samspil.AttendanceStatus{samspil.AttendancePresent, samspil.AttendanceAbsent, samspil.AttendanceExcused}
	d.CanRecord = actor.MayRecordMeeting(c, f, samspil.Today(w.now()))
	for _, it := range m.Agenda {
		d.Agenda = append(d.Agenda, agendaRow{AgendaItem: it, Description: markdown(it.Description)})
	}
	if d.CanRecord {
		if d.Attendees, d.Owners, err = w.meetingPeople(ctx, actor, c, f, m); err != nil {
			w.fail(rw, r, err)
			return
		}
		// An owner the reader does not see otherwise stays choosable, so
		// that changing the item keeps them.
		for _, it := range m.Agenda {
			if it.OwnerUserID != "" && !slices.ContainsFunc(d.Owners, func(p person) bool { return p.UserID == it.OwnerUserID }) {
				d.Owners = append(d.Owners, person{UserID: it.OwnerUserID, Name: it.OwnerName})
			}
		}
	}
	d.Form = url.Values{}
	if form == nil {
		d.Form.Set("binding", "true")
	}
	for k, vs := range form {
		d.Form[k] = vs
	}
	if _, ok := d.Form["minutes"]; !ok {
		d.Form.Set("minutes", m.Minutes)
	}
	if d.Form.Get("rule") == "" {
		d.Form.Set("rule", string(c.DecisionRule))
	}
	v := w.newView(r, "collaborations", d)
	v.Title = meetingTitle(m) + " " + formatTime(m.Start, v.Lang)
	if formErr != nil {
		w.withError(v, formErr)
	}
	w.render(rw, r, status, "meeting", v)
}

// itemForm names the edit form of an agenda item; its fields' errors are
// at "item-<id>.title" and so on.
func itemForm(id string) string { return "item-" + id }

// ItemForm returns the fields of an agenda item's edit form: what was
// posted when that form failed, else the item as it is.
func (d meetingData) ItemForm(id string) url.Values {
	if d.Open == itemForm(id) {
		return d.Form
	}
	for _, it := range d.Agenda {
		if it.ID == id {
			v := url.Values{"title": {it.Title}, "description": {it.AgendaItem.Description}, "owner_user_id": {it.OwnerUserID}}
			if len(it.Attachments) > 0 {
				v.Set("attachment_title", it.Attachments[0].Title)
				v.Set("attachment_url", it.Attachments[0].URL)
			}
			return v
		}
	}
	return url.Values{}
}

// meetingTitle is a meeting's own title, else its forum's name.
func meetingTitle(m *samspil.Meeting) string {
	if m.Title != "" {
		return m.Title
	}
	return m.ForumName
}

// meetingPeople returns who may be recorded at the meeting (the forum's
// members, those recorded, and the people the actor sees of the member
// organisations on the day) and who may own a point on its agenda.
func (w *Web) meetingPeople(ctx context.Context, actor *samspil.Actor, c *samspil.Collaboration, f *samspil.Forum, m *samspil.Meeting) ([]attendee, []person, error) {
	var people []person
	for _, fm := range f.Members {
		people = addPerson(people, person{UserID: fm.UserID, Name: fm.Name, OrganizationID: fm.OrganizationID, OrganizationName: fm.OrganizationName})
	}
	for _, a := range m.Attendance {
		people = addPerson(people, person{UserID: a.UserID, Name: a.Name, OrganizationID: a.OrganizationID, OrganizationName: a.OrganizationName})
	}
	others, err := w.memberPeople(ctx, actor, c, samspil.DateOf(m.Start.In(samspil.Copenhagen())))
	if err != nil {
		return nil, nil, err
	}
	for _, p := range others {
		people = addPerson(people, p)
	}
	sortPeople(people)
	recorded := map[string]samspil.AttendanceStatus{}
	for _, a := range m.Attendance {
		recorded[a.UserID+"|"+a.OrganizationID] = a.Status
	}
	var out []attendee
	var owners []person
	seen := map[string]bool{}
	for _, p := range people {
		out = append(out, attendee{person: p, Status: recorded[p.Key()]})
		if !seen[p.UserID] {
			seen[p.UserID] = true
			owners = append(owners, p)
		}
	}
	return out, owners, nil
}

// addAgendaItem appends a point to the agenda.
func (w *Web) addAgendaItem(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	_, err := w.store.AddAgendaItem(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), agendaItemInput(r.PostForm))
	w.afterMeetingChange(rw, r, err, "agenda", "agenda_item_added")
}

// agendaItemInput reads an agenda item's form: title, description, owner
// and one attachment link.
func agendaItemInput(f url.Values) samspil.AgendaItemInput {
	in := samspil.AgendaItemInput{Title: f.Get("title"), Description: f.Get("description"), OwnerUserID: f.Get("owner_user_id")}
	if t, u := strings.TrimSpace(f.Get("attachment_title")), strings.TrimSpace(f.Get("attachment_url")); t != "" || u != "" {
		in.Attachments = []samspil.Attachment{{Title: t, URL: u}}
	}
	return in
}

// updateAgendaItem changes a point on the agenda. The form shows the first
// attachment link; any further ones (added through the API) are kept.
func (w *Web) updateAgendaItem(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	m, err := w.store.FindMeeting(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	itemID := r.PathValue("item")
	in := agendaItemInput(r.PostForm)
	for _, it := range m.Agenda {
		if it.ID == itemID && len(it.Attachments) > 1 {
			in.Attachments = append(in.Attachments, it.Attachments[1:]...)
		}
	}
	_, err = w.store.UpdateAgendaItem(ctx, actor, m.ID, itemID, in)
	form := itemForm(itemID)
	err = renameFields(err, func(path string) string { return form + "." + path })
	w.afterMeetingChange(rw, r, err, form, "agenda_item_updated")
}

// deleteAgendaItem removes a point from the agenda.
func (w *Web) deleteAgendaItem(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	_, err := w.store.DeleteAgendaItem(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), r.PathValue("item"))
	w.afterMeetingChange(rw, r, err, "", "agenda_item_deleted")
}

// saveMinutes writes the minutes.
func (w *Web) saveMinutes(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	minutes := r.PostFormValue("minutes")
	_, err := w.store.UpdateMeeting(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), formVersion(r), samspil.MeetingPatch{Minutes: &minutes})
	w.afterMeetingChange(rw, r, err, "minutes", "minutes_saved")
}

// setMeetingStatus marks a meeting held, cancelled or planned again.
func (w *Web) setMeetingStatus(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	status := samspil.MeetingStatus(r.PostFormValue("status"))
	_, err := w.store.UpdateMeeting(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), formVersion(r), samspil.MeetingPatch{Status: &status})
	w.afterMeetingChange(rw, r, err, "status", "meeting_updated")
}

// moveMeeting gives a meeting a new start; it keeps its length.
func (w *Web) moveMeeting(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	var v samspil.Validation
	start := formDateTime(&v, r, "date", "time", "start")
	if start.IsZero() {
		v.Check(strings.TrimSpace(r.PostFormValue("date")) != "", "start", "is required")
	}
	err := v.Err()
	if err == nil {
		_, err = w.store.UpdateMeeting(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), formVersion(r), samspil.MeetingPatch{Start: &start})
	}
	w.afterMeetingChange(rw, r, err, "move", "meeting_moved")
}

// setAttendance records who attended. The form has one row per person: a
// hidden person key and a status, empty for not recorded.
func (w *Web) setAttendance(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	keys, statuses := r.PostForm["person"], r.PostForm["status"]
	att := []samspil.Attendance{}
	for i, k := range keys {
		if i >= len(statuses) || statuses[i] == "" {
			continue
		}
		user, org, _ := strings.Cut(k, "|")
		att = append(att, samspil.Attendance{UserID: user, OrganizationID: org, Status: samspil.AttendanceStatus(statuses[i])})
	}
	_, err := w.store.SetAttendance(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), att)
	w.afterMeetingChange(rw, r, err, "attendance", "attendance_saved")
}

// proposeAtMeeting puts a proposal to the members, taken at this meeting.
func (w *Web) proposeAtMeeting(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	m, err := w.store.FindMeeting(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	in, err := decisionForm(r)
	in.MeetingID = m.ID
	var d *samspil.Decision
	if err == nil {
		if d, err = w.store.CreateDecision(ctx, actor, m.CollaborationID, in); err == nil {
			redirect(rw, r, "/decisions/"+d.ID, "decision_created")
			return
		}
	}
	w.afterMeetingChange(rw, r, err, "decision", "")
}

// afterMeetingChange answers a form post on the meeting page.
func (w *Web) afterMeetingChange(rw http.ResponseWriter, r *http.Request, err error, form, done string) {
	if err != nil {
		if inputError(err) {
			w.showMeeting(rw, r, httpx.Status(err), err, form, r.PostForm)
			return
		}
		w.fail(rw, r, err)
		return
	}
	redirect(rw, r, "/meetings/"+r.PathValue("id"), done)
}
