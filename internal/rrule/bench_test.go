package rrule

import (
	"testing"
	"time"
)

func benchBetween(b *testing.B, rule string, years int) {
	cph := mustLoad(b, "Europe/Copenhagen")
	r := mustParse(b, rule)
	dtstart := time.Date(2014, 1, 9, 9, 0, 0, 0, cph)
	to := dtstart.AddDate(years, 0, 0)
	n := len(r.Between(dtstart, dtstart, to, maxResults))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r.Between(dtstart, dtstart, to, maxResults)
	}
	b.ReportMetric(float64(n), "occurrences")
}

// BenchmarkBetweenWeekly10Years expands a weekly forum over 10 years.
func BenchmarkBetweenWeekly10Years(b *testing.B) { benchBetween(b, "FREQ=WEEKLY;BYDAY=TH", 10) }

// BenchmarkBetweenBiweekly10Years expands the typical cadence.
func BenchmarkBetweenBiweekly10Years(b *testing.B) {
	benchBetween(b, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", 10)
}

// BenchmarkBetweenLastWeekday10Years expands a BYSETPOS rule.
func BenchmarkBetweenLastWeekday10Years(b *testing.B) {
	benchBetween(b, "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", 10)
}

// BenchmarkBetweenDaily10Years expands a daily rule.
func BenchmarkBetweenDaily10Years(b *testing.B) { benchBetween(b, "FREQ=DAILY", 10) }

// BenchmarkBetweenFarWindow expands one month 500 years away; expansion
// skips to the window.
func BenchmarkBetweenFarWindow(b *testing.B) {
	cph := mustLoad(b, "Europe/Copenhagen")
	r := mustParse(b, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH")
	dtstart := time.Date(2014, 1, 9, 9, 0, 0, 0, cph)
	from := dtstart.AddDate(500, 0, 0)
	b.ReportAllocs()
	for b.Loop() {
		r.Between(dtstart, from, from.AddDate(0, 1, 0), 100)
	}
}

// BenchmarkBetweenCountFarWindow must count from the first meeting.
func BenchmarkBetweenCountFarWindow(b *testing.B) {
	cph := mustLoad(b, "Europe/Copenhagen")
	r := mustParse(b, "FREQ=DAILY;COUNT=10000")
	dtstart := time.Date(2014, 1, 9, 9, 0, 0, 0, cph)
	from := dtstart.AddDate(500, 0, 0)
	b.ReportAllocs()
	for b.Loop() {
		r.Between(dtstart, from, from.AddDate(0, 1, 0), 100)
	}
}

// BenchmarkAfterImpossible is the worst case of an impossible rule: a
// daily rule that never matches runs a 400-year calendar cycle of days.
func BenchmarkAfterImpossible(b *testing.B) {
	cph := mustLoad(b, "Europe/Copenhagen")
	dtstart := time.Date(2014, 1, 9, 9, 0, 0, 0, cph)
	for _, rule := range []string{"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"} {
		r := mustParse(b, rule)
		b.Run(r.Freq.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := r.After(dtstart, dtstart); ok {
					b.Fatal("an occurrence")
				}
			}
		})
	}
}

// BenchmarkValidate validates the typical cadence.
func BenchmarkValidate(b *testing.B) {
	cph := mustLoad(b, "Europe/Copenhagen")
	r := mustParse(b, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH")
	dtstart := time.Date(2014, 1, 9, 9, 0, 0, 0, cph)
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Validate(dtstart); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse parses a typical cadence.
func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;WKST=MO"); err != nil {
			b.Fatal(err)
		}
	}
}
