package web

import (
	"bytes"
	"net/http"
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

// deadlineCalendar holds an organisation's contract deadlines.
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
	lang, base := languages[0], w.baseURL(r)
	cal := ical.Calendar{Name: w.cat.text(lang, "deadlines.title", org.Name), Refresh: 12 * time.Hour}
	for _, c := range contracts {
		d := c.Deadlines
		link := base + "/contracts/" + c.ID
		if d.LastNoticeDate != nil {
			cal.Events = append(cal.Events, ical.Event{UID: "contract-" + c.ID + "-notice@samspil", AllDay: true, Start: d.LastNoticeDate.Time(),
				Summary: w.cat.text(lang, "calendar.notice", c.Name), Description: d.Explanation + "\n" + link, URL: link, Updated: c.UpdatedAt,
				Categories: []string{w.cat.text(lang, "contract.last_notice_date")}})
		}
		if d.NextDecisionDate != nil && (d.LastNoticeDate == nil || *d.NextDecisionDate != *d.LastNoticeDate) {
			cal.Events = append(cal.Events, ical.Event{UID: "contract-" + c.ID + "-decision@samspil", AllDay: true, Start: d.NextDecisionDate.Time(),
				Summary: w.cat.text(lang, "calendar.decision", c.Name), Description: d.Explanation + "\n" + link, URL: link, Updated: c.UpdatedAt,
				Categories: []string{w.cat.text(lang, "contract.next_decision_date")}})
		}
	}
	return cal, nil
}

// meetingWindow is how far back and ahead a meeting feed reaches.
const (
	meetingFeedPast   = 180 * 24 * time.Hour
	meetingFeedFuture = 400 * 24 * time.Hour
)

// meetingCalendar holds the meetings of a forum, of the forums the feed's
// user sits in, or of those its organisation sits in, in Danish time.
func (w *Web) meetingCalendar(r *http.Request, actor *samspil.Actor, feed *samspil.CalendarFeed) (ical.Calendar, error) {
	ctx, lang, base := r.Context(), languages[0], w.baseURL(r)
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
			End: m.End, Location: m.Location, Updated: m.UpdatedAt, Categories: []string{m.ForumName}}
		if m.Status == samspil.MeetingCancelled {
			e.Cancelled = true
			e.Summary = w.cat.text(lang, "calendar.cancelled", title)
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
}

// createFeed makes a feed of the organisation: of its contract deadlines
// (scope=deadlines, the default), whose address is shown once, or of its
// meetings (scope=organization), whose address the page keeps showing.
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
	feed, secret, err := w.store.CreateFeed(ctx, actor, samspil.FeedInput{Scope: scope, OrganizationID: r.PathValue("id")})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	if scope == samspil.FeedOrganization {
		redirect(rw, r, "/organizations/"+feed.OrganizationID+"/calendar-feeds#meeting-feed", "feed_created")
		return
	}
	w.showFeeds(rw, r, feed.OrganizationID, w.feedURL(r, secret))
}

func (w *Web) feeds(rw http.ResponseWriter, r *http.Request) {
	w.showFeeds(rw, r, r.PathValue("id"), "")
}

func (w *Web) showFeeds(rw http.ResponseWriter, r *http.Request, orgID, newURL string) {
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
	d := feedsData{Org: org, NewURL: newURL, CanMeet: actor.MemberOf(org.ID) || actor.IsOperator()}
	if newURL != "" {
		d.WebcalURL = "webcal" + strings.TrimPrefix(strings.TrimPrefix(newURL, "https"), "http")
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
	if newURL != "" {
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
