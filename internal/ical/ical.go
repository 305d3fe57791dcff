// Package ical writes iCalendar (RFC 5545) feeds: a VCALENDAR with
// all-day or timed VEVENTs, lines folded at 75 octets, text escaped, CRLF
// line ends. It writes only what calendar clients need to subscribe to
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
}

// Calendar is a feed.
type Calendar struct {
	Name    string // X-WR-CALNAME, shown by clients
	Events  []Event
	Refresh time.Duration // suggested refresh interval; zero means a day
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
			line("DTSTART", e.Start.UTC().Format("20060102T150405Z"))
			line("DTEND", end.UTC().Format("20060102T150405Z"))
		}
		line("SUMMARY", escapeText(e.Summary))
		if e.Description != "" {
			line("DESCRIPTION", escapeText(e.Description))
		}
		if e.URL != "" {
			line("URL", e.URL)
		}
		if len(e.Categories) > 0 {
			parts := make([]string, len(e.Categories))
			for i, c := range e.Categories {
				parts[i] = escapeText(c)
			}
			line("CATEGORIES", strings.Join(parts, ","))
		}
		line("TRANSP", "TRANSPARENT")
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

// duration formats a positive duration as an RFC 5545 DURATION.
func duration(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("P%dD", d/(24*time.Hour))
	}
	return fmt.Sprintf("PT%dS", int64(d/time.Second))
}
