package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
	"github.com/samspil/samspil/internal/ical"
)

// Calendar feeds: a secret URL that calendar clients subscribe to. A feed
// holds an organisation's contract deadlines, or meetings (of a forum, of
// the forums its user sits in, or of those an organisation sits in), as its
// user may see them when the client fetches it.

// baseURL is the absolute address of the site, for links in feeds.
func (w *Web) baseURL(r *http.Request) string {
	if w.cfg.PublicURL != "" {
		return strings.TrimSuffix(w.cfg.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// feedURL is the subscription address of a feed secret.
func (w *Web) feedURL(r *http.Request, secret string) string {
	return w.baseURL(r) + "/calendar/" + secret + ".ics"
}

func (w *Web) calendarFeed(rw http.ResponseWriter, r *http.Request) {
	secret, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		http.NotFound(rw, r)
		return
	}
	ctx := r.Context()
	feed, actor, err := w.store.FeedActor(ctx, secret)
	if err != nil {
		if samspil.ErrorCode(err) == samspil.ENOTFOUND {
			http.NotFound(rw, r)
			return
		}
		w.fail(rw, r, err)
		return
	}
	var cal ical.Calendar
	if feed.Scope == samspil.FeedDeadlines {
		cal, err = w.deadlineCalendar(r, actor, feed)
	} else {
		cal, err = w.meetingCalendar(r, actor, feed)
	}
	if samspil.ErrorCode(err) == samspil.ENOTFOUND {
		http.NotFound(rw, r)
		return
	}
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	var buf bytes.Buffer
	if err := ical.Write(&buf, cal); err != nil {
		w.fail(rw, r, err)
		return
	}
	rw.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	rw.Header().Set("Cache-Control", "private, max-age=300")
	rw.Write(buf.Bytes())
}

// deadlineCalendar holds an organisation's contract deadlines: one all-day
// event per contract on the last day to act — the last day to give notice,
// or for a contract that needs no notice the day a decision must be taken
// by (when it expires) — saying what must be done by then and what happens
// otherwise, with the feed's reminder before it. Deadlines leave the day
// free (TRANSP:TRANSPARENT).
func (w *Web) deadlineCalendar(r *http.Request, actor *samspil.Actor, feed *samspil.CalendarFeed) (ical.Calendar, error) {
	ctx := r.Context()
	org, err := w.store.FindOrganization(ctx, actor, feed.OrganizationID)
	if err != nil {
		return ical.Calendar{}, err
	}
	contracts, err := w.store.AllContracts(ctx, actor, samspil.ContractFilter{OrganizationID: org.ID, Sort: samspil.SortByUrgency})
	if err != nil {
		return ical.Calendar{}, err
	}
	lang, base := feedLang(feed), w.baseURL(r)
	cal := ical.Calendar{Name: w.cat.text(lang, "deadlines.title", org.Name), Refresh: 12 * time.Hour}
	for i := range contracts {
		c := &contracts[i]
		d := c.Deadlines
		link := base + "/contracts/" + c.ID
		if d.LastNoticeDate != nil {
			lnd := *d.LastNoticeDate
			var text string
			after := c.ContractTerms.Deadlines(lnd.AddDays(1)) // the contract if nobody gives notice in time
			switch {
			case d.NextEnd == nil:
				text = w.cat.text(lang, "calendar.notice_by", c.Name, w.longDate(lang, lnd))
			case d.CurrentEnd != nil && after.CurrentEnd != nil && after.Status != samspil.ContractExpired:
				text = w.cat.text(lang, "calendar.notice_extend", c.Name, w.longDate(lang, lnd), w.longDate(lang, *d.NextEnd),
					w.longDate(lang, *after.CurrentEnd))
			case d.CurrentEnd == nil && after.NextEnd != nil:
				text = w.cat.text(lang, "calendar.notice_open", c.Name, w.longDate(lang, lnd), w.longDate(lang, *d.NextEnd),
					w.longDate(lang, *after.NextEnd))
			default:
				text = w.cat.text(lang, "calendar.notice_end", c.Name, w.longDate(lang, lnd), w.longDate(lang, *d.NextEnd))
			}
			e := ical.Event{UID: "contract-" + c.ID + "-notice@samspil", AllDay: true, Start: lnd.Time(),
				Summary: w.cat.text(lang, "calendar.notice", c.Name), Description: text + "\n" + link, URL: link, Updated: c.UpdatedAt,
				Categories: []string{w.cat.text(lang, "contract.last_notice_date")}}
			if feed.ReminderDays > 0 {
				e.Alarms = []ical.Alarm{{Before: days(feed.ReminderDays),
					Description: w.cat.text(lang, "calendar.alarm_notice", c.Name, w.longDate(lang, lnd))}}
			}
			cal.Events = append(cal.Events, e)
		}
		if x := d.OptionOpen(); x != nil {
			// An option the buyer must exercise: if nobody acts by this day,
			// the contract ends at its current end.
			e := ical.Event{UID: "contract-" + c.ID + "-option@samspil", AllDay: true, Start: x.Time(),
				Summary: w.cat.text(lang, "calendar.option", c.Name),
				Description: w.cat.text(lang, "calendar.option_text", c.Name, w.longDate(lang, *x), w.longDate(lang, *d.ExtendsTo),
					w.longDate(lang, *d.NextEnd)) + "\n" + link,
				URL: link, Updated: c.UpdatedAt, Categories: []string{w.cat.text(lang, "contract.last_exercise_date")}}
			if feed.ReminderDays > 0 {
				e.Alarms = []ical.Alarm{{Before: days(feed.ReminderDays),
					Description: w.cat.text(lang, "calendar.alarm_option", c.Name, w.longDate(lang, *x))}}
			}
			cal.Events = append(cal.Events, e)
		} else if d.NextDecisionDate != nil && (d.LastNoticeDate == nil || *d.NextDecisionDate != *d.LastNoticeDate) {
			day := *d.NextDecisionDate
			e := ical.Event{UID: "contract-" + c.ID + "-decision@samspil", AllDay: true, Start: day.Time(),
				Summary:     w.cat.text(lang, "calendar.decision", c.Name),
				Description: w.cat.text(lang, "calendar.decision_expires", c.Name, w.longDate(lang, day)) + "\n" + link,
				URL:         link, Updated: c.UpdatedAt, Categories: []string{w.cat.text(lang, "contract.next_decision_date")}}
			if feed.ReminderDays > 0 {
				e.Alarms = []ical.Alarm{{Before: days(feed.ReminderDays),
					Description: w.cat.text(lang, "calendar.alarm_decision", c.Name, w.longDate(lang, day))}}
			}
			cal.Events = append(cal.Events, e)
		}
	}
	oversights, err := w.store.AllDataProcessing(ctx, actor, samspil.DataProcessingFilter{OrganizationID: org.ID})
	if err != nil {
		return ical.Calendar{}, err
	}
	cal.Events = append(cal.Events, w.oversightEvents(lang, base, feed, oversights)...)
	return cal, nil
}

// oversightEvents are the next oversights of data processing
// registrations: an all-day event on the day of each, with the feed's
// reminder before it.
func (w *Web) oversightEvents(lang, base string, feed *samspil.CalendarFeed, regs []samspil.DataProcessingRegistration) []ical.Event {
	var out []ical.Event
	for i := range regs {
		reg := &regs[i]
		if reg.NextOversight == nil {
			continue
		}
		day, link := *reg.NextOversight, base+"/data-processing/"+reg.ID
		text := w.cat.text(lang, "calendar.oversight_planned", reg.Name, w.longDate(lang, day))
		if reg.Oversight.PlannedDate == nil && reg.Oversight.LastDate != nil {
			text = w.cat.text(lang, "calendar.oversight_due", reg.Name, w.longDate(lang, day), w.longDate(lang, *reg.Oversight.LastDate),
				w.cat.text(lang, "dpr_interval."+string(reg.Oversight.Interval)))
		}
		e := ical.Event{UID: "data-processing-" + reg.ID + "-oversight@samspil", AllDay: true, Start: day.Time(),
			Summary: w.cat.text(lang, "calendar.oversight", reg.Name), Description: text + "\n" + link, URL: link, Updated: reg.UpdatedAt,
			Categories: []string{w.cat.text(lang, "dpr.next_oversight")}}
		if feed.ReminderDays > 0 {
			e.Alarms = []ical.Alarm{{Before: days(feed.ReminderDays),
				Description: w.cat.text(lang, "calendar.alarm_oversight", reg.Name, w.longDate(lang, day))}}
		}
		out = append(out, e)
	}
	return out
}

// feedLang is the language of a feed's texts.
func feedLang(feed *samspil.CalendarFeed) string {
	for _, l := range languages {
		if string(feed.Language) == l {
			return l
		}
	}
	return DefaultLanguage
}

// days is n days as a duration.
func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

// longDate writes a date with the month's name: "31. december 2026" in
// Danish, "31 December 2026" in English, as computed sentences do.
func (w *Web) longDate(lang string, d samspil.Date) string { return samspil.LongDate(d, lang) }

// clock writes a time of day in Danish time: "09.00" in Danish, "09:00" in
// English.
func clock(lang string, t time.Time) string {
	t = t.In(samspil.Copenhagen())
	if lang == "da" {
		return t.Format("15.04")
	}
	return t.Format("15:04")
}

// meetingWindow is how far back and ahead a meeting feed reaches.
const (
	meetingFeedPast   = 180 * 24 * time.Hour
	meetingFeedFuture = 400 * 24 * time.Hour
)

// meetingCalendar holds the meetings of a forum, of the forums the feed's
// user sits in, or of those its organisation sits in, in Danish time.
// Meetings take the time (TRANSP:OPAQUE) and have the feed's reminder; a
// cancelled one is marked so and frees the time.
func (w *Web) meetingCalendar(r *http.Request, actor *samspil.Actor, feed *samspil.CalendarFeed) (ical.Calendar, error) {
	ctx, lang, base := r.Context(), feedLang(feed), w.baseURL(r)
	now := samspil.Now()
	f := samspil.MeetingFilter{From: now.Add(-meetingFeedPast), To: now.Add(meetingFeedFuture)}
	var name string
	switch feed.Scope {
	case samspil.FeedForum:
		forum, err := w.store.FindForum(ctx, actor, feed.ForumID)
		if err != nil {
			return ical.Calendar{}, err
		}
		f.ForumID, name = forum.ID, forum.Name
	case samspil.FeedPerson:
		f.UserID, name = feed.UserID, w.cat.text(lang, "calendar.my_meetings")
	case samspil.FeedOrganization:
		org, err := w.store.FindOrganization(ctx, actor, feed.OrganizationID)
		if err != nil {
			return ical.Calendar{}, err
		}
		f.OrganizationID, name = org.ID, w.cat.text(lang, "calendar.org_meetings", org.Name)
	}
	meetings, err := allPages(func(cursor string) (*samspil.Page[samspil.Meeting], error) {
		f.ListOptions = samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}
		return w.store.ListMeetings(ctx, actor, f)
	})
	if err != nil {
		return ical.Calendar{}, err
	}
	cal := ical.Calendar{Name: name, Refresh: 6 * time.Hour, Zone: samspil.Copenhagen()}
	for _, m := range meetings {
		link := base + "/meetings/" + m.ID
		title := m.Title
		if title == "" {
			title = m.ForumName
		}
		var desc strings.Builder
		for _, a := range m.Agenda {
			desc.WriteString("• " + a.Title + "\n")
		}
		desc.WriteString(link)
		e := ical.Event{UID: "meeting-" + m.ID + "@samspil", Summary: title, Description: desc.String(), URL: link, Start: m.Start,
			End: m.End, Location: m.Location, Updated: m.UpdatedAt, Categories: []string{m.ForumName}, Busy: true}
		if m.Status == samspil.MeetingCancelled {
			e.Cancelled, e.Busy = true, false
			e.Summary = w.cat.text(lang, "calendar.cancelled", title)
		} else if feed.ReminderDays > 0 {
			e.Alarms = []ical.Alarm{{Before: days(feed.ReminderDays), Description: w.cat.text(lang, "calendar.alarm_meeting", title,
				w.longDate(lang, samspil.DateOf(m.Start.In(samspil.Copenhagen()))), clock(lang, m.Start))}}
		}
		cal.Events = append(cal.Events, e)
	}
	return cal, nil
}

type feedsData struct {
	Org        *samspil.Organization
	Feeds      []samspil.CalendarFeed
	NewURL     string // the address of a deadlines feed just made, shown once
	WebcalURL  string
	MeetingURL string // the address of the reader's feed of the organisation's meetings
	CanMeet    bool   // whether the reader may make a feed of the organisation's meetings
	// The reminder days in the forms: as typed after an error, else the
	// default.
	Reminder, MeetingReminder string
}

// feedForm reads what the forms that make a feed ask beside the scope: the
// reminder days (field reminder_days; empty for the default) and the
// language, which is the page's.
func feedForm(r *http.Request, in *samspil.FeedInput) error {
	in.Language = samspil.FeedLanguage(language(r))
	v := strings.TrimSpace(r.PostFormValue("reminder_days"))
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return samspil.ErrorAt(samspil.EINVALID, "reminder_days", "must be a whole number of days from 0 to %d", samspil.MaxFeedReminderDays)
	}
	in.ReminderDays = &n
	return in.Validate()
}

// createFeed makes a feed of the organisation: of its contract deadlines
// (scope=deadlines, the default), whose address is shown once, or of its
// meetings (scope=organization), whose address the page keeps showing. The
// form gives the reminder days; the feed's texts are in the page's
// language.
func (w *Web) createFeed(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	scope := samspil.FeedScope(r.PostFormValue("scope"))
	switch scope {
	case "":
		scope = samspil.FeedDeadlines
	case samspil.FeedDeadlines, samspil.FeedOrganization:
	default:
		http.Error(rw, "unknown calendar feed scope", http.StatusBadRequest)
		return
	}
	in := samspil.FeedInput{Scope: scope, OrganizationID: r.PathValue("id")}
	err := feedForm(r, &in)
	var feed *samspil.CalendarFeed
	var secret string
	if err == nil {
		feed, secret, err = w.store.CreateFeed(ctx, actor, in)
	}
	if samspil.ErrorCode(err) == samspil.EINVALID {
		// Shown at the form that was sent, with what was typed.
		typed := r.PostFormValue("reminder_days")
		d := feedsData{Reminder: typed}
		if scope == samspil.FeedOrganization {
			d = feedsData{MeetingReminder: typed}
			err = samspil.RenameFields(err, func(path string) string { return "meeting_" + path })
		}
		w.showFeeds(rw, r, in.OrganizationID, d, err)
		return
	}
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	if scope == samspil.FeedOrganization {
		redirect(rw, r, "/organizations/"+feed.OrganizationID+"/calendar-feeds#meeting-feed", "feed_created")
		return
	}
	w.showFeeds(rw, r, feed.OrganizationID, feedsData{NewURL: w.feedURL(r, secret)}, nil)
}

func (w *Web) feeds(rw http.ResponseWriter, r *http.Request) {
	w.showFeeds(rw, r, r.PathValue("id"), feedsData{}, nil)
}

// showFeeds shows the organisation's feeds page: with d.NewURL the address
// of a feed just made, with formErr what was wrong with a form.
func (w *Web) showFeeds(rw http.ResponseWriter, r *http.Request, orgID string, d feedsData, formErr error) {
	httpx.DontCompress(rw) // it shows a secret: see httpx.Compress
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	org, err := w.store.FindOrganization(ctx, actor, orgID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	all, err := w.store.ListFeeds(ctx, actor)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d.Org, d.CanMeet = org, actor.MemberOf(org.ID) || actor.IsOperator()
	if d.Reminder == "" {
		d.Reminder = strconv.Itoa(samspil.FeedDeadlines.DefaultReminderDays())
	}
	if d.MeetingReminder == "" {
		d.MeetingReminder = strconv.Itoa(samspil.FeedOrganization.DefaultReminderDays())
	}
	if d.NewURL != "" {
		d.WebcalURL = "webcal" + strings.TrimPrefix(strings.TrimPrefix(d.NewURL, "https"), "http")
	}
	for _, f := range all {
		if f.OrganizationID == org.ID {
			d.Feeds = append(d.Feeds, f)
		}
	}
	if _, secret, err := w.store.MeetingFeed(ctx, actor, samspil.FeedOrganization, org.ID); err == nil {
		d.MeetingURL = w.feedURL(r, secret)
	} else if samspil.ErrorCode(err) != samspil.ENOTFOUND {
		w.fail(rw, r, err)
		return
	}
	v := w.newView(r, "directory", d)
	v.Title = w.cat.text(v.Lang, "calendar.feeds_title")
	status := http.StatusOK
	switch {
	case formErr != nil:
		w.withError(v, formErr)
		status = httpx.Status(formErr)
	case d.NewURL != "":
		status = http.StatusCreated
	}
	w.render(rw, r, status, "feeds", v)
}

func (w *Web) revokeFeed(rw http.ResponseWriter, r *http.Request) {
	if err := w.store.RevokeFeed(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("feed")); err != nil {
		w.fail(rw, r, err)
		return
	}
	redirect(rw, r, "/organizations/"+r.PathValue("id")+"/calendar-feeds", "feed_revoked")
}
