package ical_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/samspil/samspil/internal/ical"
)

// The feed is read back with an independent parser (arran4/golang-ical),
// which must find the same events.
func TestFeedParses(t *testing.T) {
	updated := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	long := strings.Repeat("Æblegrød og østers; med komma, og \\ backslash. ", 5)
	cal := ical.Calendar{Name: "Silkeborg Kommune – kontraktfrister", Events: []ical.Event{
		{UID: "contract-1-notice@samspil", Summary: "Sidste frist for opsigelse: Nexus", Description: long + "\nny linje",
			URL: "https://samspil.example/contracts/1", AllDay: true, Start: time.Date(2027, 2, 28, 0, 0, 0, 0, time.UTC), Updated: updated,
			Categories: []string{"Frist", "Kontrakt"}, Alarms: []ical.Alarm{{Before: 14 * 24 * time.Hour, Description: "Påmindelse: frist; snart"}}},
		{UID: "meeting-2@samspil", Summary: "IT-chefmøde", Start: time.Date(2027, 3, 4, 8, 0, 0, 0, time.UTC),
			End: time.Date(2027, 3, 4, 10, 0, 0, 0, time.UTC), Updated: updated, Busy: true,
			Alarms: []ical.Alarm{{Before: 90 * time.Minute, Description: "Møde"}}},
	}}
	var buf bytes.Buffer
	if err := ical.Write(&buf, cal); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for i, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Fatalf("line %d has %d octets: %q", i+1, len(l), l)
		}
	}
	if strings.Contains(strings.ReplaceAll(out, "\r\n", ""), "\n") {
		t.Fatal("a bare newline in the output")
	}
	parsed, err := ics.ParseCalendar(strings.NewReader(out))
	if err != nil {
		t.Fatalf("independent parser: %v\n%s", err, out)
	}
	events := parsed.Events()
	if len(events) != 2 {
		t.Fatalf("%d events", len(events))
	}
	e := events[0]
	if got := e.GetProperty(ics.ComponentPropertySummary).Value; got != "Sidste frist for opsigelse: Nexus" {
		t.Fatalf("summary %q", got)
	}
	desc := e.GetProperty(ics.ComponentPropertyDescription).Value
	if unescape(desc) != long+"\nny linje" {
		t.Fatalf("description came back as %q", desc)
	}
	start, err := e.GetAllDayStartAt()
	if err != nil || start.Format("2006-01-02") != "2027-02-28" {
		t.Fatalf("all-day start %v %v", start, err)
	}
	end, err := e.GetAllDayEndAt()
	if err != nil || end.Format("2006-01-02") != "2027-03-01" {
		t.Fatalf("all-day end %v %v", end, err)
	}
	if e.GetProperty(ics.ComponentPropertyUniqueId).Value != "contract-1-notice@samspil" {
		t.Fatal("uid")
	}
	ts, err := events[1].GetStartAt()
	if err != nil || !ts.Equal(time.Date(2027, 3, 4, 8, 0, 0, 0, time.UTC)) {
		t.Fatalf("timed start %v %v", ts, err)
	}
	// A deadline leaves the time free, a meeting takes it; each has its
	// reminder before its start.
	for i, want := range []struct{ transp, trigger, desc string }{
		{"TRANSPARENT", "-P14D", "Påmindelse: frist; snart"},
		{"OPAQUE", "-PT5400S", "Møde"},
	} {
		if got := events[i].GetProperty(ics.ComponentPropertyTransp); got == nil || got.Value != want.transp {
			t.Fatalf("event %d: TRANSP %v, want %s", i, got, want.transp)
		}
		alarms := events[i].Alarms()
		if len(alarms) != 1 {
			t.Fatalf("event %d: %d alarms", i, len(alarms))
		}
		a := alarms[0]
		if got := a.GetProperty(ics.ComponentPropertyAction); got == nil || got.Value != "DISPLAY" {
			t.Fatalf("event %d: alarm action %v", i, got)
		}
		if got := a.GetProperty(ics.ComponentPropertyTrigger); got == nil || got.Value != want.trigger {
			t.Fatalf("event %d: alarm trigger %v, want %s", i, got, want.trigger)
		}
		if got := a.GetProperty(ics.ComponentPropertyDescription); got == nil || unescape(got.Value) != want.desc {
			t.Fatalf("event %d: alarm description %v", i, got)
		}
	}
}

// unescape undoes RFC 5545 TEXT escaping, which the parser leaves in place.
func unescape(s string) string {
	r := strings.NewReplacer(`\\`, `\`, `\;`, ";", `\,`, ",", `\n`, "\n", `\N`, "\n")
	return r.Replace(s)
}

// TestZonedFeed writes meetings in Europe/Copenhagen across a change to
// summer time: the parser must find the same instants, and the VTIMEZONE
// must describe the zone's changes in the span.
func TestZonedFeed(t *testing.T) {
	cph, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatal(err)
	}
	updated := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	starts := []time.Time{time.Date(2014, 3, 20, 9, 0, 0, 0, cph), time.Date(2014, 4, 3, 9, 0, 0, 0, cph), time.Date(2014, 11, 6, 9, 0, 0, 0, cph)}
	cal := ical.Calendar{Name: "IT-chefmøde", Zone: cph}
	for i, s := range starts {
		cal.Events = append(cal.Events, ical.Event{UID: fmt.Sprintf("meeting-%d@samspil", i), Summary: "IT-chefmøde", Start: s,
			End: s.Add(2 * time.Hour), Updated: updated})
	}
	cal.Events = append(cal.Events, ical.Event{UID: "deadline@samspil", Summary: "Frist", AllDay: true, Start: time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC), Updated: updated})
	var buf bytes.Buffer
	if err := ical.Write(&buf, cal); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"DTSTART;TZID=Europe/Copenhagen:20140320T090000", "DTSTART;TZID=Europe/Copenhagen:20140403T090000",
		"BEGIN:VTIMEZONE\r\nTZID:Europe/Copenhagen", "BEGIN:DAYLIGHT\r\nDTSTART:20140330T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200",
		"BEGIN:STANDARD\r\nDTSTART:20141026T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100"} {
		if !strings.Contains(out, want) {
			t.Fatalf("the feed lacks %q:\n%s", want, out)
		}
	}
	parsed, err := ics.ParseCalendar(strings.NewReader(out))
	if err != nil {
		t.Fatalf("independent parser: %v\n%s", err, out)
	}
	if len(parsed.Timezones()) != 1 {
		t.Fatalf("%d time zones", len(parsed.Timezones()))
	}
	events := parsed.Events()
	for i, s := range starts {
		got, err := events[i].GetStartAt()
		if err != nil || !got.Equal(s) {
			t.Fatalf("event %d starts %v (%v), want %v", i, got, err, s)
		}
		end, err := events[i].GetEndAt()
		if err != nil || !end.Equal(s.Add(2*time.Hour)) {
			t.Fatalf("event %d ends %v (%v)", i, end, err)
		}
	}
}
