// Package ical writes iCalendar (RFC 5545) feeds: a VCALENDAR with
// all-day or timed VEVENTs (timed ones in UTC, or in a named zone with its
// VTIMEZONE), each busy (TRANSP:OPAQUE) or free (TRANSP:TRANSPARENT) and
// with its reminders (VALARM), lines folded at 75 octets, text escaped,
// CRLF line ends. It writes only what calendar clients need to subscribe to
// samspil's deadlines and meetings; tests read its output back with an
// independent parser.
package ical

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is one VEVENT.
type Event struct {
	UID         string // stable across feeds, e.g. "contract-<id>-notice@samspil"
	Summary     string
	Description string
	URL         string // absolute link back to the object
	AllDay      bool
	Start       time.Time // for all-day events only the date counts
	End         time.Time // exclusive; zero means one day (all-day) or Start (timed)
	Updated     time.Time // DTSTAMP / LAST-MODIFIED
	Categories  []string
	Location    string
	Cancelled   bool // STATUS:CANCELLED, so clients show the event as called off
	// Busy marks the event as taking the time (TRANSP:OPAQUE), as a
	// meeting does; otherwise it leaves the time free (TRANSP:TRANSPARENT),
	// as a deadline does.
	Busy   bool
	Alarms []Alarm
}

// Alarm is a reminder (a VALARM that displays its description) before an
// event starts; for an all-day event, before the start of its day.
type Alarm struct {
	Before      time.Duration // positive: how long before the start
	Description string
}

// Calendar is a feed.
type Calendar struct {
	Name    string // X-WR-CALNAME, shown by clients
	Events  []Event
	Refresh time.Duration // suggested refresh interval; zero means a day
	// Zone, when set, is the time zone timed events are written in, with
	// its VTIMEZONE; otherwise they are written in UTC.
	Zone *time.Location
}

// Write writes the calendar.
func Write(w io.Writer, c Calendar) error {
	bw := bufio.NewWriter(w)
	line := func(name, value string) { writeFolded(bw, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//samspil//samspil//DA")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	if c.Name != "" {
		line("X-WR-CALNAME", escapeText(c.Name))
	}
	refresh := c.Refresh
	if refresh <= 0 {
		refresh = 24 * time.Hour
	}
	line("REFRESH-INTERVAL;VALUE=DURATION", duration(refresh))
	line("X-PUBLISHED-TTL", duration(refresh))
	zone := c.Zone
	if zone == time.UTC || zone == time.Local {
		zone = nil
	}
	if zone != nil && hasTimed(c.Events) {
		line("X-WR-TIMEZONE", zone.String())
		writeTimezone(line, zone, c.Events)
	}
	for _, e := range c.Events {
		line("BEGIN", "VEVENT")
		line("UID", escapeText(e.UID))
		line("DTSTAMP", e.Updated.UTC().Format("20060102T150405Z"))
		line("LAST-MODIFIED", e.Updated.UTC().Format("20060102T150405Z"))
		if e.AllDay {
			end := e.End
			if end.IsZero() || !end.After(e.Start) {
				end = e.Start.AddDate(0, 0, 1)
			}
			line("DTSTART;VALUE=DATE", e.Start.Format("20060102"))
			line("DTEND;VALUE=DATE", end.Format("20060102"))
		} else {
			end := e.End
			if end.IsZero() {
				end = e.Start
			}
			if zone != nil {
				line("DTSTART;TZID="+zone.String(), e.Start.In(zone).Format("20060102T150405"))
				line("DTEND;TZID="+zone.String(), end.In(zone).Format("20060102T150405"))
			} else {
				line("DTSTART", e.Start.UTC().Format("20060102T150405Z"))
				line("DTEND", end.UTC().Format("20060102T150405Z"))
			}
		}
		line("SUMMARY", escapeText(e.Summary))
		if e.Description != "" {
			line("DESCRIPTION", escapeText(e.Description))
		}
		if e.URL != "" {
			line("URL", e.URL)
		}
		if e.Location != "" {
			line("LOCATION", escapeText(e.Location))
		}
		if e.Cancelled {
			line("STATUS", "CANCELLED")
		}
		if len(e.Categories) > 0 {
			parts := make([]string, len(e.Categories))
			for i, c := range e.Categories {
				parts[i] = escapeText(c)
			}
			line("CATEGORIES", strings.Join(parts, ","))
		}
		if e.Busy {
			line("TRANSP", "OPAQUE")
		} else {
			line("TRANSP", "TRANSPARENT")
		}
		for _, a := range e.Alarms {
			line("BEGIN", "VALARM")
			line("ACTION", "DISPLAY")
			line("DESCRIPTION", escapeText(a.Description))
			line("TRIGGER", "-"+duration(max(a.Before, 0)))
			line("END", "VALARM")
		}
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return bw.Flush()
}

// escapeText escapes a TEXT value (RFC 5545 §3.3.11).
func escapeText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

// writeFolded writes a content line folded at 75 octets without splitting
// a UTF-8 character (RFC 5545 §3.1).
func writeFolded(w *bufio.Writer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.WriteString(s[:cut])
		w.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space of a continuation counts
	}
	w.WriteString(s)
	w.WriteString("\r\n")
}

// duration formats a duration that is not negative as an RFC 5545
// DURATION: whole days as P14D, otherwise in seconds (PT5400S).
func duration(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("P%dD", d/(24*time.Hour))
	}
	return fmt.Sprintf("PT%dS", int64(d/time.Second))
}

// hasTimed reports whether any event has a time of day.
func hasTimed(events []Event) bool {
	for _, e := range events {
		if !e.AllDay {
			return true
		}
	}
	return false
}

// writeTimezone writes the VTIMEZONE of zone for the span of the timed
// events: one STANDARD or DAYLIGHT part per change of offset, from the
// zone's tz data.
func writeTimezone(line func(name, value string), zone *time.Location, events []Event) {
	var first, last time.Time
	for _, e := range events {
		if e.AllDay {
			continue
		}
		if first.IsZero() || e.Start.Before(first) {
			first = e.Start
		}
		if e.Start.After(last) {
			last = e.Start
		}
	}
	line("BEGIN", "VTIMEZONE")
	line("TZID", zone.String())
	// The period in force at the first event, then every change up to
	// the last event.
	t := first.In(zone)
	start, end := t.ZoneBounds()
	part := func(at time.Time) {
		before := at.Add(-time.Second)
		_, fromOff := before.Zone()
		name, toOff := at.Zone()
		kind := "STANDARD"
		if at.IsDST() {
			kind = "DAYLIGHT"
		}
		line("BEGIN", kind)
		// DTSTART is the local time of the change in the offset before it.
		line("DTSTART", at.In(time.FixedZone("", fromOff)).Format("20060102T150405"))
		line("TZOFFSETFROM", offset(fromOff))
		line("TZOFFSETTO", offset(toOff))
		line("TZNAME", escapeText(name))
		line("END", kind)
	}
	if start.IsZero() {
		start = time.Date(1970, 1, 1, 0, 0, 0, 0, zone)
	}
	part(start.In(zone))
	for n := 0; !end.IsZero() && !end.After(last) && n < 1000; n++ {
		part(end.In(zone))
		_, end = end.In(zone).ZoneBounds()
	}
	line("END", "VTIMEZONE")
}

// offset formats a UTC offset in seconds as +HHMM.
func offset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	return fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec%3600/60)
}
