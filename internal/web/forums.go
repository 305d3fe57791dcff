package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
	"github.com/samspil/samspil/internal/rrule"
)

// Forums: a collaboration's forums with the form to add one, and a forum's
// page with its meetings.

// cadenceFreqs are the frequencies of the cadence chooser; its other
// choices (how often, which weekdays, which weekday of the month) make the
// RRULE with them, unless a rule is typed in the advanced field.
var cadenceFreqs = []string{"none", "weekly", "monthly"}

// maxFormInterval is the largest "every nth week or month" of the chooser.
const maxFormInterval = 12

// formNths are the chooser's weekdays of the month: first to fourth, last.
var formNths = []int{1, 2, 3, 4, -1}

// formOption is a choice of a select or a group of checkboxes.
type formOption struct {
	Value, Label string
	Selected     bool
}

// forumRow is a forum in the list, with its cadence in words and its next
// meeting.
type forumRow struct {
	samspil.Forum
	Cadence string
	Next    *samspil.Meeting
}

// person is someone who may sit in a forum or attend a meeting, for one
// member organisation.
type person struct {
	UserID, Name, OrganizationID, OrganizationName string
}

// Key identifies the person and their organisation in a form value.
func (p person) Key() string { return p.UserID + "|" + p.OrganizationID }

type forumsData struct {
	C         *samspil.Collaboration
	Forums    []forumRow
	CanManage bool
	ForumForm forumForm // the fields of the create form
	ShowForm  bool
}

// forumForm is what the fields of a forum need (the partial forum_fields):
// the create form on the forums list and the edit form on a forum's page.
type forumForm struct {
	Prefix    string // starts the ids and error paths of the form's fields: "" to create, formForumEdit+"." to edit
	Form      url.Values
	Levels    []samspil.ForumLevel
	Freqs     []string        // cadence_freq
	Intervals []formOption    // cadence_interval
	Days      []formOption    // cadence_days, for a weekly cadence
	Nths      []formOption    // cadence_nth, for a monthly cadence
	NthDays   []formOption    // cadence_nth_day, for a monthly cadence
	Advanced  bool            // the advanced rule is filled in: its field is shown open
	People    []person        // who may sit in the forum
	Chosen    map[string]bool // the people ticked as members
}

// newForumForm returns the fields of a forum filled from form, in lang,
// with the people of people ticked as form says.
func (w *Web) newForumForm(lang, prefix string, form url.Values, people []person) forumForm {
	ff := forumForm{Prefix: prefix, Form: form, Levels: samspil.ForumLevels, Freqs: cadenceFreqs, People: people, Chosen: map[string]bool{},
		Advanced: strings.TrimSpace(form.Get("cadence")) != ""}
	for _, k := range form["members"] {
		ff.Chosen[k] = true
	}
	for n := 1; n <= maxFormInterval; n++ {
		label := w.cat.text(lang, "forum.interval.1")
		switch {
		case n == 2:
			label = w.cat.text(lang, "forum.interval.2")
		case n > 2:
			label = w.cat.text(lang, "forum.interval.n", w.cat.text(lang, "cadence.nth."+strconv.Itoa(n)))
		}
		v := strconv.Itoa(n)
		ff.Intervals = append(ff.Intervals, formOption{Value: v, Label: label, Selected: form.Get("cadence_interval") == v})
	}
	asFirst := w.cat.text(lang, "forum.as_first_meeting")
	ff.Nths = []formOption{{Value: "", Label: asFirst, Selected: form.Get("cadence_nth") == ""}}
	for _, n := range formNths {
		v := strconv.Itoa(n)
		ff.Nths = append(ff.Nths, formOption{Value: v, Label: w.cat.text(lang, "cadence.ord."+v), Selected: form.Get("cadence_nth") == v})
	}
	ff.NthDays = []formOption{{Value: "", Label: asFirst, Selected: form.Get("cadence_nth_day") == ""}}
	for i := range 7 {
		d := time.Weekday((i + 1) % 7) // Monday first
		code := rruleDays[d]
		label := w.cat.text(lang, weekdayKeys[d])
		ff.Days = append(ff.Days, formOption{Value: code, Label: label, Selected: slices.Contains(form["cadence_days"], code)})
		ff.NthDays = append(ff.NthDays, formOption{Value: code, Label: label, Selected: form.Get("cadence_nth_day") == code})
	}
	return ff
}

// formForumEdit names the edit form of a forum's page; its fields' errors
// are at "edit.name" and so on.
const formForumEdit = "edit"

// forumFields renames the store's paths of a forum to the fields of a form
// whose errors start with prefix; a problem with one member is shown at the
// members' checkboxes.
func forumFields(err error, prefix string) error {
	return renameFields(err, func(path string) string {
		if strings.HasPrefix(path, "members[") {
			path = "members"
		}
		return prefix + path
	})
}

// formMembers reads the ticked members ("user|organisation" keys).
func formMembers(keys []string) []samspil.ForumMember {
	out := []samspil.ForumMember{}
	for _, k := range keys {
		user, org, _ := strings.Cut(k, "|")
		out = append(out, samspil.ForumMember{UserID: user, OrganizationID: org})
	}
	return out
}

// sameMembers reports whether two lists name the same people for the same
// organisations, in any order.
func sameMembers(a, b []samspil.ForumMember) bool {
	key := func(m samspil.ForumMember) string { return m.UserID + "|" + m.OrganizationID }
	ka, kb := make([]string, len(a)), make([]string, len(b))
	for i, m := range a {
		ka[i] = key(m)
	}
	for i, m := range b {
		kb[i] = key(m)
	}
	slices.Sort(ka)
	slices.Sort(kb)
	return slices.Equal(slices.Compact(ka), slices.Compact(kb))
}

// memberPeople returns the people the actor may see of the organisations
// that are members of the collaboration on day d, sorted by organisation
// and name.
func (w *Web) memberPeople(ctx context.Context, actor *samspil.Actor, c *samspil.Collaboration, d samspil.Date) ([]person, error) {
	var out []person
	if !actor.SignedIn() {
		return out, nil
	}
	for i := range c.Members {
		m := &c.Members[i]
		if !m.ActiveOn(d) {
			continue
		}
		ms, err := allPages(func(cursor string) (*samspil.Page[samspil.Membership], error) {
			return w.store.ListMemberships(ctx, actor, samspil.MembershipFilter{OrganizationID: m.OrganizationID,
				ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
		})
		if err != nil {
			return nil, err
		}
		for _, ms := range ms {
			out = addPerson(out, person{UserID: ms.UserID, Name: ms.UserDisplayName, OrganizationID: m.OrganizationID, OrganizationName: m.OrganizationName})
		}
	}
	sortPeople(out)
	return out, nil
}

// addPerson appends p unless the list has them for the same organisation.
func addPerson(list []person, p person) []person {
	if slices.ContainsFunc(list, func(x person) bool { return x.Key() == p.Key() }) {
		return list
	}
	return append(list, p)
}

func sortPeople(list []person) {
	slices.SortStableFunc(list, func(a, b person) int {
		if c := strings.Compare(samspil.Fold(a.OrganizationName), samspil.Fold(b.OrganizationName)); c != 0 {
			return c
		}
		return strings.Compare(samspil.Fold(a.Name), samspil.Fold(b.Name))
	})
}

// cadenceText says a forum's cadence in words in lang, and that it skips
// holidays; a rule the words cannot say is named as a rule.
func (w *Web) cadenceText(lang string, f *samspil.Forum) string {
	tr := func(key string, args ...any) string { return w.cat.text(lang, key, args...) }
	s := rrule.DescribeCadence(f.Cadence, f.FirstMeeting, tr)
	if f.Cadence != "" && f.SkipHolidays {
		s = tr("cadence.skip_holidays", s)
	}
	return upperFirst(s)
}

// upperFirst returns s with its first letter in upper case.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

var weekdayKeys = [7]string{"weekday.sunday", "weekday.monday", "weekday.tuesday", "weekday.wednesday", "weekday.thursday",
	"weekday.friday", "weekday.saturday"}

var rruleDays = [7]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// cadenceRule makes the RRULE of the cadence chooser of form for a first
// meeting at start (local time): the rule typed in the advanced field
// when there is one, else the one the simple choices make, where no
// weekday chosen means the first meeting's, and no weekday of the month
// the one the first meeting is (a fifth one is the last). Errors name the
// chooser's fields.
func cadenceRule(v *samspil.Validation, form url.Values, start time.Time) string {
	if custom := strings.TrimSpace(form.Get("cadence")); custom != "" {
		return custom
	}
	freq := form.Get("cadence_freq")
	switch freq {
	case "", "none":
		return ""
	case "weekly", "monthly":
	default:
		v.Add("cadence_freq", "is not a choice of the form")
		return ""
	}
	interval := 1
	if s := strings.TrimSpace(form.Get("cadence_interval")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxFormInterval {
			v.Add("cadence_interval", "is not a choice of the form")
			return ""
		}
		interval = n
	}
	rule := "FREQ=" + strings.ToUpper(freq)
	if interval > 1 {
		rule += ";INTERVAL=" + strconv.Itoa(interval)
	}
	day := func(code string) (time.Weekday, bool) {
		i := slices.Index(rruleDays[:], code)
		return time.Weekday(i), i >= 0
	}
	if freq == "weekly" {
		var days []time.Weekday
		for _, code := range form["cadence_days"] {
			d, ok := day(code)
			if !ok {
				v.Add("cadence_days", "is not a choice of the form")
				return ""
			}
			days = append(days, d)
		}
		if start.IsZero() && len(days) == 0 {
			return "" // the first meeting is required and reported so
		}
		if len(days) == 0 {
			days = []time.Weekday{start.Weekday()}
		}
		slices.SortFunc(days, func(a, b time.Weekday) int { return (int(a)+6)%7 - (int(b)+6)%7 })
		codes := make([]string, 0, len(days))
		for _, d := range slices.Compact(days) {
			codes = append(codes, rruleDays[d])
		}
		return rule + ";BYDAY=" + strings.Join(codes, ",")
	}
	n := 0
	if s := form.Get("cadence_nth"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || !slices.Contains(formNths, n) {
			v.Add("cadence_nth", "is not a choice of the form")
			return ""
		}
	}
	code := form.Get("cadence_nth_day")
	if code != "" {
		if _, ok := day(code); !ok {
			v.Add("cadence_nth_day", "is not a choice of the form")
			return ""
		}
	}
	if start.IsZero() && (n == 0 || code == "") {
		return "" // the first meeting is required and reported so
	}
	if n == 0 {
		if n = (start.Day()-1)/7 + 1; n == 5 {
			n = -1 // a fifth weekday is not in every month: the last one is
		}
	}
	if code == "" {
		code = rruleDays[start.Weekday()]
	}
	return rule + ";BYDAY=" + strconv.Itoa(n) + code
}

// cadenceValues returns the chooser's fields for a cadence from a first
// meeting at start: the simple choices when they make the very same rule,
// else the rule in the advanced field.
func cadenceValues(cadence string, start time.Time) url.Values {
	simple := url.Values{"cadence_freq": {"none"}, "cadence_interval": {"1"}}
	if cadence == "" {
		return simple
	}
	if r, err := rrule.Parse(cadence); err == nil && r.Count == 0 && r.Until.IsZero() && len(r.ByMonth)+len(r.ByMonthDay)+len(r.ByHour)+
		len(r.ByMinute)+len(r.BySetPos) == 0 && r.WeekStart == time.Monday && r.Interval <= maxFormInterval && len(r.ByDay) > 0 {
		form := url.Values{"cadence_interval": {strconv.Itoa(r.Interval)}}
		switch {
		case r.Freq == rrule.Weekly:
			form.Set("cadence_freq", "weekly")
			for _, d := range r.ByDay {
				form.Add("cadence_days", rruleDays[d.Day])
			}
		case r.Freq == rrule.Monthly && len(r.ByDay) == 1:
			form.Set("cadence_freq", "monthly")
			form.Set("cadence_nth", strconv.Itoa(r.ByDay[0].N))
			form.Set("cadence_nth_day", rruleDays[r.ByDay[0].Day])
		}
		var v samspil.Validation
		if got := cadenceRule(&v, form, start); got == cadence && v.Err() == nil {
			return form
		}
	}
	simple.Set("cadence", cadence)
	return simple
}

// formDateTime reads a date and a time field as a time in Copenhagen,
// recording errors at path. It returns the zero time when both are empty.
func formDateTime(v *samspil.Validation, r *http.Request, dateField, timeField, path string) time.Time {
	ds, ts := strings.TrimSpace(r.PostFormValue(dateField)), strings.TrimSpace(r.PostFormValue(timeField))
	if ds == "" && ts == "" {
		return time.Time{}
	}
	d, err := samspil.ParseDate(ds)
	if err != nil {
		v.Add(path, "%q is not a date of the form YYYY-MM-DD such as 2026-01-31", ds)
		return time.Time{}
	}
	clock, err := time.Parse("15:04", ts)
	if err != nil {
		v.Add(path, "%q is not a time of the form HH:MM such as 09:30", ts)
		return time.Time{}
	}
	t := d.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), clock.Hour(), clock.Minute(), 0, 0, samspil.Copenhagen())
}

// forums lists a collaboration's forums.
func (w *Web) forums(rw http.ResponseWriter, r *http.Request) {
	w.showForums(rw, r, http.StatusOK, nil, url.Values{"level": {string(samspil.ForumITChiefs)}, "cadence_freq": {"none"},
		"cadence_interval": {"1"}, "duration_minutes": {"120"}, "first_time": {"09:00"}})
}

func (w *Web) showForums(rw http.ResponseWriter, r *http.Request, status int, formErr error, form url.Values) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	c, err := w.store.FindCollaboration(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	forums, err := w.store.ListForums(ctx, actor, c.ID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	now := w.now()
	today := samspil.Today(now)
	lang := language(r)
	d := forumsData{C: c, CanManage: actor.Manages(c, today)}
	for _, f := range forums {
		row := forumRow{Forum: f, Cadence: w.cadenceText(lang, &f)}
		if f.Status == samspil.ForumActive {
			if row.Next, err = w.nextMeeting(ctx, actor, f.ID, now); err != nil {
				w.fail(rw, r, err)
				return
			}
		}
		d.Forums = append(d.Forums, row)
	}
	if d.CanManage {
		people, err := w.memberPeople(ctx, actor, c, today)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		d.ForumForm = w.newForumForm(lang, "", form, people)
	}
	v := w.newView(r, "collaborations", d)
	v.Title = w.cat.text(v.Lang, "forums.title", c.Name)
	if formErr != nil {
		w.withError(v, formErr)
		d.ShowForm = true
		v.Data = d
	}
	w.render(rw, r, status, "forums", v)
}

// nextMeeting returns a forum's first meeting from now on that is not
// cancelled, or nil.
func (w *Web) nextMeeting(ctx context.Context, actor *samspil.Actor, forumID string, now time.Time) (*samspil.Meeting, error) {
	page, err := w.store.ListMeetings(ctx, actor, samspil.MeetingFilter{ForumID: forumID, From: now, ListOptions: samspil.ListOptions{Limit: 10}})
	if err != nil {
		return nil, err
	}
	for i := range page.Items {
		if page.Items[i].Status != samspil.MeetingCancelled {
			return &page.Items[i], nil
		}
	}
	return nil, nil
}

// createForum adds a forum from the form.
func (w *Web) createForum(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	f := r.PostForm
	var v samspil.Validation
	in := samspil.ForumInput{Name: f.Get("name"), Level: samspil.ForumLevel(f.Get("level")), Description: f.Get("description"),
		Location: f.Get("location"), DurationMinutes: atoiOr(&v, r, "duration_minutes"), TimeZone: samspil.TimeZone,
		SkipHolidays: f.Get("skip_holidays") == "true"}
	in.FirstMeeting = formDateTime(&v, r, "first_date", "first_time", "first_meeting")
	in.Cadence = cadenceRule(&v, f, in.FirstMeeting)
	if members := formMembers(f["members"]); len(members) > 0 {
		in.Members = members
	}
	err := v.Err()
	var forum *samspil.Forum
	if err == nil {
		forum, err = w.store.CreateForum(ctx, actor, r.PathValue("id"), in)
	}
	if err != nil {
		if inputError(err) {
			w.showForums(rw, r, httpx.Status(err), forumFields(err, ""), f)
			return
		}
		w.fail(rw, r, err)
		return
	}
	redirect(rw, r, "/forums/"+forum.ID, "forum_created")
}

// inputError reports whether err is about what the form said, so that the
// form is shown again with it.
func inputError(err error) bool {
	switch samspil.ErrorCode(err) {
	case samspil.EINVALID, samspil.ECONFLICT, samspil.ESTALE:
		return true
	}
	return false
}

// meetingRow is a meeting in a list, marked when moved from its cadence.
type meetingRow struct {
	samspil.Meeting
	Moved bool
	Extra bool
}

func meetingRowOf(m samspil.Meeting) meetingRow {
	return meetingRow{Meeting: m, Moved: m.Occurrence != nil && !m.Occurrence.Equal(m.Start), Extra: m.Occurrence == nil}
}

type forumData struct {
	F         *samspil.Forum
	C         *samspil.Collaboration
	Cadence   string
	Upcoming  []meetingRow
	Skipped   []string     // "24. december 2026 springes over: juleaften"
	Recent    []meetingRow // newest first
	CanManage bool
	Form      url.Values // the forms of an extra meeting and of stopping the forum
	ForumForm forumForm  // the edit form, for managers
	Open      string     // the form to show open after an error
	FeedURL   string     // the reader's calendar address of the forum, if they made one
	CanFeed   bool       // the reader is signed in and may make one
	// FeedReminder is the reminder days in the form that makes it: as
	// typed after an error, else the default.
	FeedReminder string
}

// forum shows a forum with its members and meetings.
func (w *Web) forum(rw http.ResponseWriter, r *http.Request) {
	w.showForum(rw, r, http.StatusOK, nil, "", nil)
}

// forumValues returns the edit form of a forum as it is. The cadence is
// the chooser's choices that make the same rule from the first meeting, or
// the rule itself in the advanced field.
func forumValues(f *samspil.Forum) url.Values {
	first := f.FirstMeeting.In(samspil.Copenhagen()) // the form's times are Danish
	form := cadenceValues(f.Cadence, first)
	for k, v := range (url.Values{"name": {f.Name}, "level": {string(f.Level)}, "description": {f.Description},
		"first_date": {first.Format("2006-01-02")}, "first_time": {first.Format("15:04")},
		"duration_minutes": {strconv.Itoa(f.DurationMinutes)}, "location": {f.Location}}) {
		form[k] = v
	}
	if f.SkipHolidays {
		form.Set("skip_holidays", "true")
	}
	for _, m := range f.Members {
		form.Add("members", m.UserID+"|"+m.OrganizationID)
	}
	return form
}

func (w *Web) showForum(rw http.ResponseWriter, r *http.Request, status int, formErr error, open string, form url.Values) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	f, err := w.store.FindForum(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	c, err := w.store.FindCollaboration(ctx, actor, f.CollaborationID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	now := w.now()
	lang := language(r)
	d := forumData{F: f, C: c, Cadence: w.cadenceText(lang, f), CanManage: actor.Manages(c, samspil.Today(now)),
		Form: form, Open: open}
	for _, s := range f.SkippedMeetings {
		d.Skipped = append(d.Skipped, w.cat.text(lang, "forum.skipped_item", w.longDate(lang, samspil.DateOf(s.Occurrence.In(samspil.Copenhagen()))),
			w.cat.text(lang, "holiday."+string(s.Holiday))))
	}
	if open == formForumEdit || form == nil {
		d.Form = url.Values{"time": {"09:00"}}
	}
	if d.CanManage {
		// Everyone sitting in the forum is listed, also those the manager
		// does not see otherwise, so that saving keeps them.
		people, err := w.memberPeople(ctx, actor, c, samspil.Today(now))
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		for _, m := range f.Members {
			people = addPerson(people, person{UserID: m.UserID, Name: m.Name, OrganizationID: m.OrganizationID, OrganizationName: m.OrganizationName})
		}
		sortPeople(people)
		values := forumValues(f)
		if open == formForumEdit {
			values = form
		}
		d.ForumForm = w.newForumForm(lang, formForumEdit+".", values, people)
	}
	up, err := w.store.ListMeetings(ctx, actor, samspil.MeetingFilter{ForumID: f.ID, From: now, ListOptions: samspil.ListOptions{Limit: 10}})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	for _, m := range up.Items {
		d.Upcoming = append(d.Upcoming, meetingRowOf(m))
	}
	past, err := w.pastMeetings(ctx, actor, f.ID, now, 10)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	for _, m := range past {
		d.Recent = append(d.Recent, meetingRowOf(m))
	}
	if actor.SignedIn() && actor.UserID != "" {
		d.CanFeed = true
		d.FeedReminder = strconv.Itoa(samspil.FeedForum.DefaultReminderDays())
		if typed := form.Get("reminder_days"); typed != "" {
			d.FeedReminder = typed
		}
		if _, secret, err := w.store.MeetingFeed(ctx, actor, samspil.FeedForum, f.ID); err == nil {
			d.FeedURL = w.feedURL(r, secret)
			httpx.DontCompress(rw) // it shows a secret: see httpx.Compress
		} else if samspil.ErrorCode(err) != samspil.ENOTFOUND {
			w.fail(rw, r, err)
			return
		}
	}
	v := w.newView(r, "collaborations", d)
	v.Title = f.Name
	if formErr != nil {
		w.withError(v, formErr)
	}
	w.render(rw, r, status, "forum", v)
}

// createForumFeed makes the reader's calendar address of a forum's meetings.
func (w *Web) createForumFeed(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	id := r.PathValue("id")
	in := samspil.FeedInput{Scope: samspil.FeedForum, ForumID: id}
	err := feedForm(r, &in)
	if err == nil {
		_, _, err = w.store.CreateFeed(r.Context(), httpx.ActorFrom(r.Context()), in)
	}
	if err != nil {
		w.showForum(rw, r, httpx.Status(err), err, "", url.Values{"reminder_days": {r.PostFormValue("reminder_days")}})
		return
	}
	http.Redirect(rw, r, "/forums/"+id+"?done=feed_created#calendar", http.StatusSeeOther)
}

// pastMeetings returns up to n of a forum's meetings before now, the newest
// first. Meetings are listed by start, so it looks back a year first and
// further only when that holds too few.
func (w *Web) pastMeetings(ctx context.Context, actor *samspil.Actor, forumID string, now time.Time, n int) ([]samspil.Meeting, error) {
	for _, from := range []time.Time{now.AddDate(-1, 0, 0), {}} {
		ms, err := allPages(func(cursor string) (*samspil.Page[samspil.Meeting], error) {
			return w.store.ListMeetings(ctx, actor, samspil.MeetingFilter{ForumID: forumID, From: from, To: now,
				ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
		})
		if err != nil {
			return nil, err
		}
		if len(ms) >= n || from.IsZero() {
			ms = ms[max(0, len(ms)-n):]
			slices.Reverse(ms)
			return ms, nil
		}
	}
	return nil, nil
}

// updateForum changes a forum from the edit form. A new cadence, first
// meeting, duration or location replaces the future meetings nobody has
// touched; the store does that, and the notice says so.
func (w *Web) updateForum(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	before, err := w.store.FindForum(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	f := r.PostForm
	var v samspil.Validation
	name, description, location := f.Get("name"), f.Get("description"), strings.TrimSpace(f.Get("location"))
	level := samspil.ForumLevel(f.Get("level"))
	duration := atoiOr(&v, r, "duration_minutes")
	first := formDateTime(&v, r, "first_date", "first_time", "first_meeting")
	if strings.TrimSpace(f.Get("first_date")+f.Get("first_time")) == "" {
		v.Add("first_meeting", "is required")
	}
	cadence := cadenceRule(&v, f, first)
	skip := f.Get("skip_holidays") == "true"
	p := samspil.ForumPatch{Name: &name, Level: &level, Description: &description, Cadence: &cadence, SkipHolidays: &skip, FirstMeeting: &first,
		DurationMinutes: &duration, Location: &location}
	// The members are sent only when they change, so that a member
	// organisation that has left does not stop other changes.
	if members := formMembers(f["members"]); !sameMembers(members, before.Members) {
		p.Members = &members
	}
	done := "forum_updated"
	if strings.TrimSpace(cadence) != before.Cadence || skip != before.SkipHolidays || !first.Truncate(time.Second).Equal(before.FirstMeeting) ||
		duration != before.DurationMinutes || location != before.Location {
		done = "forum_rescheduled"
	}
	if err = v.Err(); err == nil {
		_, err = w.store.UpdateForum(ctx, actor, before.ID, formVersion(r), p)
	}
	if err != nil {
		if inputError(err) {
			w.showForum(rw, r, httpx.Status(err), forumFields(err, formForumEdit+"."), formForumEdit, f)
			return
		}
		w.fail(rw, r, err)
		return
	}
	redirect(rw, r, "/forums/"+before.ID, done)
}

// discontinueForum stops a forum from a day.
func (w *Web) discontinueForum(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	var v samspil.Validation
	in := samspil.ForumDiscontinue{Reason: r.PostFormValue("reason")}
	if on := formDate(&v, r, "on"); on != nil {
		in.On = *on
	}
	err := v.Err()
	if err == nil {
		_, err = w.store.DiscontinueForum(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), formVersion(r), in)
	}
	w.afterForumChange(rw, r, err, "discontinue", "forum_discontinued")
}

// createMeeting adds an extra meeting to a forum.
func (w *Web) createMeeting(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	var v samspil.Validation
	in := samspil.MeetingInput{Title: r.PostFormValue("title"), Location: r.PostFormValue("location")}
	if strings.TrimSpace(r.PostFormValue("date")) == "" {
		v.Add("start", "is required")
	} else {
		in.Start = formDateTime(&v, r, "date", "time", "start")
	}
	err := v.Err()
	var m *samspil.Meeting
	if err == nil {
		if m, err = w.store.CreateMeeting(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), in); err == nil {
			redirect(rw, r, "/meetings/"+m.ID, "meeting_created")
			return
		}
	}
	w.afterForumChange(rw, r, err, "meeting", "")
}

// afterForumChange answers a form post on the forum page.
func (w *Web) afterForumChange(rw http.ResponseWriter, r *http.Request, err error, form, done string) {
	if err != nil {
		if inputError(err) {
			w.showForum(rw, r, httpx.Status(err), err, form, r.PostForm)
			return
		}
		w.fail(rw, r, err)
		return
	}
	redirect(rw, r, "/forums/"+r.PathValue("id"), done)
}
