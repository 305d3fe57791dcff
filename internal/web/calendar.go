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

// Calendar feeds: a secret URL per user and organisation that calendar
// clients subscribe to. The feed holds the contract deadlines the user may
// see when the client fetches it.

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
	org, err := w.store.FindOrganization(ctx, actor, feed.OrganizationID)
	if err != nil {
		http.NotFound(rw, r)
		return
	}
	contracts, err := allPages(func(cursor string) (*samspil.Page[samspil.Contract], error) {
		return w.store.ListContracts(ctx, actor, samspil.ContractFilter{OrganizationID: org.ID, Sort: samspil.SortByUrgency,
			ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
	})
	if err != nil {
		w.fail(rw, r, err)
		return
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
	var buf bytes.Buffer
	if err := ical.Write(&buf, cal); err != nil {
		w.fail(rw, r, err)
		return
	}
	rw.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	rw.Header().Set("Cache-Control", "private, max-age=300")
	rw.Write(buf.Bytes())
}

type feedsData struct {
	Org       *samspil.Organization
	Feeds     []samspil.CalendarFeed
	NewURL    string // the address of a feed just made, shown once
	WebcalURL string
}

// createFeed makes a feed and shows its address once.
func (w *Web) createFeed(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	feed, secret, err := w.store.CreateFeed(ctx, actor, r.PathValue("id"), samspil.FeedDeadlines)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	u := w.feedURL(r, secret)
	w.showFeeds(rw, r, feed.OrganizationID, u)
}

func (w *Web) feeds(rw http.ResponseWriter, r *http.Request) {
	w.showFeeds(rw, r, r.PathValue("id"), "")
}

func (w *Web) showFeeds(rw http.ResponseWriter, r *http.Request, orgID, newURL string) {
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
	d := feedsData{Org: org, NewURL: newURL}
	if newURL != "" {
		d.WebcalURL = "webcal" + strings.TrimPrefix(strings.TrimPrefix(newURL, "https"), "http")
	}
	for _, f := range all {
		if f.OrganizationID == org.ID {
			d.Feeds = append(d.Feeds, f)
		}
	}
	v := w.newView(r, "directory", d)
	v.Title = w.cat.text(v.Lang, "calendar.title")
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
