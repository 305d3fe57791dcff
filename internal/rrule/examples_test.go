package rrule

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the same zone data wherever the tests run
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustParse(t testing.TB, s string) *Rule {
	t.Helper()
	r, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return r
}

// local parses an RFC 5545 local time such as 19970902T090000 in loc.
func local(t testing.TB, s string, loc *time.Location) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("20060102T150405", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// expandWant turns "1997-09-02" (at the time of dtstart) and
// "1997-09-02 16:40" into "1997-09-02 09:00" strings.
func expandWant(dtstart time.Time, want []string) []string {
	out := make([]string, len(want))
	for i, w := range want {
		if len(w) == len("2006-01-02") {
			w += dtstart.Format(" 15:04")
		}
		out[i] = w
	}
	return out
}

func format(ts []time.Time, layout string) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Format(layout)
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestRFCExamples runs the examples of RFC 5545 section 3.8.5.3 that fall
// into the supported subset. Most examples run "forever"; they are checked
// for their first occurrences.
func TestRFCExamples(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	cases := []struct {
		name    string
		dtstart string
		rule    string
		want    []string // dates at DTSTART's time, or dates with a time
		total   int      // when > 0: the expected number of occurrences in all
	}{
		{"daily for 10 occurrences", "19970902T090000", "FREQ=DAILY;COUNT=10",
			[]string{"1997-09-02", "1997-09-03", "1997-09-04", "1997-09-05", "1997-09-06", "1997-09-07", "1997-09-08", "1997-09-09", "1997-09-10", "1997-09-11"}, 10},
		{"every other day", "19970902T090000", "FREQ=DAILY;INTERVAL=2",
			[]string{"1997-09-02", "1997-09-04", "1997-09-06", "1997-09-08", "1997-09-10", "1997-09-12", "1997-09-14", "1997-09-16", "1997-09-18", "1997-09-20", "1997-09-22", "1997-09-24", "1997-09-26", "1997-09-28", "1997-09-30", "1997-10-02"}, 0},
		{"every 10 days, 5 occurrences", "19970902T090000", "FREQ=DAILY;INTERVAL=10;COUNT=5",
			[]string{"1997-09-02", "1997-09-12", "1997-09-22", "1997-10-02", "1997-10-12"}, 5},
		{"weekly for 10 occurrences", "19970902T090000", "FREQ=WEEKLY;COUNT=10",
			[]string{"1997-09-02", "1997-09-09", "1997-09-16", "1997-09-23", "1997-09-30", "1997-10-07", "1997-10-14", "1997-10-21", "1997-10-28", "1997-11-04"}, 10},
		{"weekly until December 24, 1997", "19970902T090000", "FREQ=WEEKLY;UNTIL=19971224T000000Z",
			[]string{"1997-09-02", "1997-09-09", "1997-09-16", "1997-09-23", "1997-09-30", "1997-10-07", "1997-10-14", "1997-10-21", "1997-10-28", "1997-11-04", "1997-11-11", "1997-11-18", "1997-11-25", "1997-12-02", "1997-12-09", "1997-12-16", "1997-12-23"}, 17},
		{"every other week", "19970902T090000", "FREQ=WEEKLY;INTERVAL=2;WKST=SU",
			[]string{"1997-09-02", "1997-09-16", "1997-09-30", "1997-10-14", "1997-10-28", "1997-11-11", "1997-11-25", "1997-12-09", "1997-12-23", "1998-01-06", "1998-01-20", "1998-02-03", "1998-02-17"}, 0},
		{"weekly on Tuesday and Thursday for five weeks (UNTIL)", "19970902T090000", "FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH",
			[]string{"1997-09-02", "1997-09-04", "1997-09-09", "1997-09-11", "1997-09-16", "1997-09-18", "1997-09-23", "1997-09-25", "1997-09-30", "1997-10-02"}, 10},
		{"weekly on Tuesday and Thursday for five weeks (COUNT)", "19970902T090000", "FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH",
			[]string{"1997-09-02", "1997-09-04", "1997-09-09", "1997-09-11", "1997-09-16", "1997-09-18", "1997-09-23", "1997-09-25", "1997-09-30", "1997-10-02"}, 10},
		{"every other week on Monday, Wednesday and Friday until December 24, 1997", "19970901T090000", "FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR",
			[]string{"1997-09-01", "1997-09-03", "1997-09-05", "1997-09-15", "1997-09-17", "1997-09-19", "1997-09-29", "1997-10-01", "1997-10-03", "1997-10-13", "1997-10-15", "1997-10-17", "1997-10-27", "1997-10-29", "1997-10-31", "1997-11-10", "1997-11-12", "1997-11-14", "1997-11-24", "1997-11-26", "1997-11-28", "1997-12-08", "1997-12-10", "1997-12-12", "1997-12-22"}, 25},
		{"every other week on Tuesday and Thursday, for 8 occurrences", "19970902T090000", "FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH",
			[]string{"1997-09-02", "1997-09-04", "1997-09-16", "1997-09-18", "1997-09-30", "1997-10-02", "1997-10-14", "1997-10-16"}, 8},
		{"monthly on the first Friday for 10 occurrences", "19970905T090000", "FREQ=MONTHLY;COUNT=10;BYDAY=1FR",
			[]string{"1997-09-05", "1997-10-03", "1997-11-07", "1997-12-05", "1998-01-02", "1998-02-06", "1998-03-06", "1998-04-03", "1998-05-01", "1998-06-05"}, 10},
		{"monthly on the first Friday until December 24, 1997", "19970905T090000", "FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR",
			[]string{"1997-09-05", "1997-10-03", "1997-11-07", "1997-12-05"}, 4},
		{"every other month on the first and last Sunday for 10 occurrences", "19970907T090000", "FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU",
			[]string{"1997-09-07", "1997-09-28", "1997-11-02", "1997-11-30", "1998-01-04", "1998-01-25", "1998-03-01", "1998-03-29", "1998-05-03", "1998-05-31"}, 10},
		{"monthly on the second-to-last Monday for 6 months", "19970922T090000", "FREQ=MONTHLY;COUNT=6;BYDAY=-2MO",
			[]string{"1997-09-22", "1997-10-20", "1997-11-17", "1997-12-22", "1998-01-19", "1998-02-16"}, 6},
		{"monthly on the third-to-the-last day of the month", "19970928T090000", "FREQ=MONTHLY;BYMONTHDAY=-3",
			[]string{"1997-09-28", "1997-10-29", "1997-11-28", "1997-12-29", "1998-01-29", "1998-02-26"}, 0},
		{"monthly on the 2nd and 15th for 10 occurrences", "19970902T090000", "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15",
			[]string{"1997-09-02", "1997-09-15", "1997-10-02", "1997-10-15", "1997-11-02", "1997-11-15", "1997-12-02", "1997-12-15", "1998-01-02", "1998-01-15"}, 10},
		{"monthly on the first and last day for 10 occurrences", "19970930T090000", "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1",
			[]string{"1997-09-30", "1997-10-01", "1997-10-31", "1997-11-01", "1997-11-30", "1997-12-01", "1997-12-31", "1998-01-01", "1998-01-31", "1998-02-01"}, 10},
		{"every 18 months on the 10th to 15th for 10 occurrences", "19970910T090000", "FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15",
			[]string{"1997-09-10", "1997-09-11", "1997-09-12", "1997-09-13", "1997-09-14", "1997-09-15", "1999-03-10", "1999-03-11", "1999-03-12", "1999-03-13"}, 10},
		{"every Tuesday, every other month", "19970902T090000", "FREQ=MONTHLY;INTERVAL=2;BYDAY=TU",
			[]string{"1997-09-02", "1997-09-09", "1997-09-16", "1997-09-23", "1997-09-30", "1997-11-04", "1997-11-11", "1997-11-18", "1997-11-25", "1998-01-06", "1998-01-13", "1998-01-20", "1998-01-27", "1998-03-03", "1998-03-10", "1998-03-17", "1998-03-24", "1998-03-31"}, 0},
		{"yearly in June and July for 10 occurrences", "19970610T090000", "FREQ=YEARLY;COUNT=10;BYMONTH=6,7",
			[]string{"1997-06-10", "1997-07-10", "1998-06-10", "1998-07-10", "1999-06-10", "1999-07-10", "2000-06-10", "2000-07-10", "2001-06-10", "2001-07-10"}, 10},
		{"every other year on January, February and March for 10 occurrences", "19970310T090000", "FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3",
			[]string{"1997-03-10", "1999-01-10", "1999-02-10", "1999-03-10", "2001-01-10", "2001-02-10", "2001-03-10", "2003-01-10", "2003-02-10", "2003-03-10"}, 10},
		{"every 20th Monday of the year", "19970519T090000", "FREQ=YEARLY;BYDAY=20MO",
			[]string{"1997-05-19", "1998-05-18", "1999-05-17"}, 0},
		{"every Thursday in March", "19970313T090000", "FREQ=YEARLY;BYMONTH=3;BYDAY=TH",
			[]string{"1997-03-13", "1997-03-20", "1997-03-27", "1998-03-05", "1998-03-12", "1998-03-19", "1998-03-26", "1999-03-04", "1999-03-11", "1999-03-18", "1999-03-25"}, 0},
		{"every Thursday, but only during June, July and August", "19970605T090000", "FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8",
			[]string{"1997-06-05", "1997-06-12", "1997-06-19", "1997-06-26", "1997-07-03", "1997-07-10", "1997-07-17", "1997-07-24", "1997-07-31", "1997-08-07", "1997-08-14", "1997-08-21", "1997-08-28",
				"1998-06-04", "1998-06-11", "1998-06-18", "1998-06-25", "1998-07-02", "1998-07-09", "1998-07-16", "1998-07-23", "1998-07-30", "1998-08-06", "1998-08-13", "1998-08-20", "1998-08-27",
				"1999-06-03", "1999-06-10", "1999-06-17", "1999-06-24", "1999-07-01", "1999-07-08", "1999-07-15", "1999-07-22", "1999-07-29", "1999-08-05", "1999-08-12", "1999-08-19", "1999-08-26"}, 0},
		// The RFC excludes DTSTART with an EXDATE; without it, DTSTART is
		// the first occurrence although it is no Friday the 13th.
		{"every Friday the 13th", "19970902T090000", "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",
			[]string{"1997-09-02", "1998-02-13", "1998-03-13", "1998-11-13", "1999-08-13", "2000-10-13"}, 0},
		{"the first Saturday that follows the first Sunday of the month", "19970913T090000", "FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13",
			[]string{"1997-09-13", "1997-10-11", "1997-11-08", "1997-12-13", "1998-01-10", "1998-02-07", "1998-03-07", "1998-04-11", "1998-05-09", "1998-06-13"}, 0},
		{"US Presidential Election day", "19961105T090000", "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8",
			[]string{"1996-11-05", "2000-11-07", "2004-11-02"}, 0},
		{"the third instance into the month of one of Tuesday, Wednesday or Thursday, for the next 3 months", "19970904T090000", "FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3",
			[]string{"1997-09-04", "1997-10-07", "1997-11-06"}, 3},
		{"the second-to-last weekday of the month", "19970929T090000", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2",
			[]string{"1997-09-29", "1997-10-30", "1997-11-27", "1997-12-30", "1998-01-29", "1998-02-26", "1998-03-30"}, 0},
		{"every 20 minutes from 9:00 to 16:40 every day", "19970902T090000", "FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40",
			[]string{"1997-09-02 09:00", "1997-09-02 09:20", "1997-09-02 09:40", "1997-09-02 10:00", "1997-09-02 10:20", "1997-09-02 10:40", "1997-09-02 11:00", "1997-09-02 11:20", "1997-09-02 11:40", "1997-09-02 12:00", "1997-09-02 12:20", "1997-09-02 12:40",
				"1997-09-02 13:00", "1997-09-02 13:20", "1997-09-02 13:40", "1997-09-02 14:00", "1997-09-02 14:20", "1997-09-02 14:40", "1997-09-02 15:00", "1997-09-02 15:20", "1997-09-02 15:40", "1997-09-02 16:00", "1997-09-02 16:20", "1997-09-02 16:40",
				"1997-09-03 09:00", "1997-09-03 09:20"}, 0},
		{"WKST=MO", "19970805T090000", "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO",
			[]string{"1997-08-05", "1997-08-10", "1997-08-19", "1997-08-24"}, 4},
		{"WKST=SU", "19970805T090000", "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU",
			[]string{"1997-08-05", "1997-08-17", "1997-08-19", "1997-08-31"}, 4},
		{"an invalid date (February 30) is ignored", "20070115T090000", "FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5",
			[]string{"2007-01-15", "2007-01-30", "2007-02-15", "2007-03-15", "2007-03-30"}, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := mustParse(t, c.rule)
			dtstart := local(t, c.dtstart, ny)
			want := expandWant(dtstart, c.want)
			got := format(r.Between(dtstart, dtstart, dtstart.AddDate(20, 0, 0), len(want)), "2006-01-02 15:04")
			if !equalStrings(got, want) {
				t.Errorf("%s from %s:\n got %v\nwant %v", c.rule, c.dtstart, got, want)
			}
			if c.total > 0 {
				if all := r.Between(dtstart, dtstart, dtstart.AddDate(20, 0, 0), 1000); len(all) != c.total {
					t.Errorf("%d occurrences in all, want %d", len(all), c.total)
				}
			}
		})
	}
}

// TestRFCDailyUntil checks "daily until December 24, 1997" and "every day
// in January, for 3 years", whose lists the RFC abbreviates, by their ends
// and sizes.
func TestRFCDailyUntil(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	dtstart := local(t, "19970902T090000", ny)
	got := mustParse(t, "FREQ=DAILY;UNTIL=19971224T000000Z").Between(dtstart, dtstart, dtstart.AddDate(5, 0, 0), 1000)
	if len(got) != 113 {
		t.Fatalf("%d occurrences, want 113 (Sep 2 to Dec 23, 1997)", len(got))
	}
	if first, last := got[0].Format(time.RFC3339), got[len(got)-1].Format(time.RFC3339); first != "1997-09-02T09:00:00-04:00" || last != "1997-12-23T09:00:00-05:00" {
		t.Errorf("from %s to %s", first, last)
	}
	for _, o := range got {
		if o.Hour() != 9 {
			t.Errorf("%s is not at 09:00 local", o)
		}
	}

	dtstart = local(t, "19980101T090000", ny)
	for _, rule := range []string{
		"FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA",
		"FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1",
	} {
		got := mustParse(t, rule).Between(dtstart, dtstart, dtstart.AddDate(5, 0, 0), 1000)
		if len(got) != 93 {
			t.Errorf("%s: %d occurrences, want 93", rule, len(got))
			continue
		}
		for i, o := range got {
			y, m, d := o.Date()
			if m != time.January || y != 1998+i/31 || d != i%31+1 || o.Hour() != 9 {
				t.Errorf("%s: occurrence %d is %s", rule, i, o)
			}
		}
	}
}

// TestCopenhagenCadences checks cadences of Danish forums, worked out by
// hand from a calendar.
func TestCopenhagenCadences(t *testing.T) {
	cph := mustLoad(t, "Europe/Copenhagen")
	cases := []struct {
		name    string
		dtstart string
		rule    string
		want    []string // RFC 3339 with the UTC offset
		total   int
	}{
		{"every 14 days on Thursday across both DST changes", "20140109T090000", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
			[]string{"2014-01-09T09:00:00+01:00", "2014-01-23T09:00:00+01:00", "2014-02-06T09:00:00+01:00", "2014-02-20T09:00:00+01:00",
				"2014-03-06T09:00:00+01:00", "2014-03-20T09:00:00+01:00", "2014-04-03T09:00:00+02:00", "2014-04-17T09:00:00+02:00",
				"2014-05-01T09:00:00+02:00", "2014-05-15T09:00:00+02:00", "2014-05-29T09:00:00+02:00", "2014-06-12T09:00:00+02:00",
				"2014-06-26T09:00:00+02:00", "2014-07-10T09:00:00+02:00", "2014-07-24T09:00:00+02:00", "2014-08-07T09:00:00+02:00",
				"2014-08-21T09:00:00+02:00", "2014-09-04T09:00:00+02:00", "2014-09-18T09:00:00+02:00", "2014-10-02T09:00:00+02:00",
				"2014-10-16T09:00:00+02:00", "2014-10-30T09:00:00+01:00", "2014-11-13T09:00:00+01:00", "2014-11-27T09:00:00+01:00",
				"2014-12-11T09:00:00+01:00", "2014-12-25T09:00:00+01:00", "2015-01-08T09:00:00+01:00"}, 0},
		{"monthly on the 2nd Tuesday", "20140114T130000", "FREQ=MONTHLY;BYDAY=2TU",
			[]string{"2014-01-14T13:00:00+01:00", "2014-02-11T13:00:00+01:00", "2014-03-11T13:00:00+01:00", "2014-04-08T13:00:00+02:00", "2014-05-13T13:00:00+02:00", "2014-06-10T13:00:00+02:00"}, 0},
		{"monthly on the last Friday", "20140131T100000", "FREQ=MONTHLY;BYDAY=-1FR",
			[]string{"2014-01-31T10:00:00+01:00", "2014-02-28T10:00:00+01:00", "2014-03-28T10:00:00+01:00", "2014-04-25T10:00:00+02:00", "2014-05-30T10:00:00+02:00", "2014-06-27T10:00:00+02:00"}, 0},
		{"monthly on the 31st skips short months", "20140131T100000", "FREQ=MONTHLY;BYMONTHDAY=31",
			[]string{"2014-01-31T10:00:00+01:00", "2014-03-31T10:00:00+02:00", "2014-05-31T10:00:00+02:00", "2014-07-31T10:00:00+02:00", "2014-08-31T10:00:00+02:00", "2014-10-31T10:00:00+01:00", "2014-12-31T10:00:00+01:00"}, 0},
		{"monthly from a 31st skips short months", "20140131T100000", "FREQ=MONTHLY",
			[]string{"2014-01-31T10:00:00+01:00", "2014-03-31T10:00:00+02:00", "2014-05-31T10:00:00+02:00", "2014-07-31T10:00:00+02:00"}, 0},
		{"monthly on the last day", "20160131T100000", "FREQ=MONTHLY;BYMONTHDAY=-1",
			[]string{"2016-01-31T10:00:00+01:00", "2016-02-29T10:00:00+01:00", "2016-03-31T10:00:00+02:00", "2016-04-30T10:00:00+02:00"}, 0},
		{"last weekday of the month", "20140131T150000", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
			[]string{"2014-01-31T15:00:00+01:00", "2014-02-28T15:00:00+01:00", "2014-03-31T15:00:00+02:00", "2014-04-30T15:00:00+02:00", "2014-05-30T15:00:00+02:00", "2014-06-30T15:00:00+02:00"}, 0},
		{"yearly on the first Monday of March and September", "20140303T090000", "FREQ=YEARLY;BYMONTH=3,9;BYDAY=1MO",
			[]string{"2014-03-03T09:00:00+01:00", "2014-09-01T09:00:00+02:00", "2015-03-02T09:00:00+01:00", "2015-09-07T09:00:00+02:00"}, 0},
		{"yearly in June, on the day of the first meeting", "20140612T140000", "FREQ=YEARLY;BYMONTH=6",
			[]string{"2014-06-12T14:00:00+02:00", "2015-06-12T14:00:00+02:00", "2016-06-12T14:00:00+02:00"}, 0},
		{"quarterly", "20140115T090000", "FREQ=MONTHLY;INTERVAL=3",
			[]string{"2014-01-15T09:00:00+01:00", "2014-04-15T09:00:00+02:00", "2014-07-15T09:00:00+02:00", "2014-10-15T09:00:00+02:00", "2015-01-15T09:00:00+01:00"}, 0},
		{"COUNT counts the first meeting", "20140109T090000", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;COUNT=3",
			[]string{"2014-01-09T09:00:00+01:00", "2014-01-23T09:00:00+01:00", "2014-02-06T09:00:00+01:00"}, 3},
		{"UNTIL is inclusive", "20140109T090000", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;UNTIL=20140206T080000Z",
			[]string{"2014-01-09T09:00:00+01:00", "2014-01-23T09:00:00+01:00", "2014-02-06T09:00:00+01:00"}, 3},
		{"UNTIL a second earlier", "20140109T090000", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;UNTIL=20140206T075959Z",
			[]string{"2014-01-09T09:00:00+01:00", "2014-01-23T09:00:00+01:00"}, 2},
		{"a first meeting off the rule comes first", "20140108T090000", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;COUNT=3",
			[]string{"2014-01-08T09:00:00+01:00", "2014-01-09T09:00:00+01:00", "2014-01-23T09:00:00+01:00"}, 3},
		{"BYHOUR and BYMINUTE replace the time of the first meeting", "20140109T090000", "FREQ=WEEKLY;BYDAY=TH;BYHOUR=13;BYMINUTE=30",
			[]string{"2014-01-09T09:00:00+01:00", "2014-01-09T13:30:00+01:00", "2014-01-16T13:30:00+01:00"}, 0},
		{"weekly on two days with WKST=SU", "20140107T083000", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU;WKST=SU",
			[]string{"2014-01-07T08:30:00+01:00", "2014-01-19T08:30:00+01:00", "2014-01-21T08:30:00+01:00", "2014-02-02T08:30:00+01:00"}, 0},
		{"weekly on two days with WKST=MO", "20140107T083000", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU",
			[]string{"2014-01-07T08:30:00+01:00", "2014-01-12T08:30:00+01:00", "2014-01-21T08:30:00+01:00", "2014-01-26T08:30:00+01:00"}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := mustParse(t, c.rule)
			dtstart := local(t, c.dtstart, cph)
			got := format(r.Between(dtstart, dtstart, dtstart.AddDate(5, 0, 0), len(c.want)), time.RFC3339)
			if !equalStrings(got, c.want) {
				t.Errorf("%s from %s:\n got %v\nwant %v", c.rule, c.dtstart, got, c.want)
			}
			if c.total > 0 {
				if all := r.Between(dtstart, dtstart, dtstart.AddDate(5, 0, 0), 1000); len(all) != c.total {
					t.Errorf("%d occurrences in all, want %d", len(all), c.total)
				}
			}
		})
	}
}

// TestDSTEdges checks wall-clock times that do not exist or exist twice.
func TestDSTEdges(t *testing.T) {
	cases := []struct {
		name, zone, dtstart, rule string
		want                      []string // RFC 3339, with the offset
	}{
		{"Copenhagen spring forward: 02:30 becomes 03:30 CEST", "Europe/Copenhagen", "20140329T023000", "FREQ=DAILY;COUNT=3",
			[]string{"2014-03-29T02:30:00+01:00", "2014-03-30T03:30:00+02:00", "2014-03-31T02:30:00+02:00"}},
		{"Copenhagen fall back: 02:30 is the first, summer-time 02:30", "Europe/Copenhagen", "20141025T023000", "FREQ=DAILY;COUNT=3",
			[]string{"2014-10-25T02:30:00+02:00", "2014-10-26T02:30:00+02:00", "2014-10-27T02:30:00+01:00"}},
		{"New York spring forward: 02:30 becomes 03:30 EDT", "America/New_York", "20070310T023000", "FREQ=DAILY;COUNT=3",
			[]string{"2007-03-10T02:30:00-05:00", "2007-03-11T03:30:00-04:00", "2007-03-12T02:30:00-04:00"}},
		{"New York fall back: 01:30 is the first, EDT 01:30", "America/New_York", "20071103T013000", "FREQ=DAILY;COUNT=3",
			[]string{"2007-11-03T01:30:00-04:00", "2007-11-04T01:30:00-04:00", "2007-11-05T01:30:00-05:00"}},
		{"a moved time that meets another counts once", "Europe/Copenhagen", "20140329T023000", "FREQ=DAILY;COUNT=5;BYHOUR=2,3;BYMINUTE=30",
			[]string{"2014-03-29T02:30:00+01:00", "2014-03-29T03:30:00+01:00", "2014-03-30T03:30:00+02:00", "2014-03-31T02:30:00+02:00", "2014-03-31T03:30:00+02:00"}},
		{"a moved time is put in order", "Europe/Copenhagen", "20140329T023000", "FREQ=DAILY;COUNT=6;BYHOUR=2,3;BYMINUTE=15,45",
			[]string{"2014-03-29T02:30:00+01:00", "2014-03-29T02:45:00+01:00", "2014-03-29T03:15:00+01:00", "2014-03-29T03:45:00+01:00",
				"2014-03-30T03:15:00+02:00", "2014-03-30T03:45:00+02:00"}},
		{"Lord Howe Island moves its clocks by 30 minutes", "Australia/Lord_Howe", "20141004T021500", "FREQ=DAILY;COUNT=3",
			[]string{"2014-10-04T02:15:00+10:30", "2014-10-05T02:45:00+11:00", "2014-10-06T02:15:00+11:00"}},
		{"Samoa skipped 30 December 2011", "Pacific/Apia", "20111228T090000", "FREQ=DAILY;COUNT=4",
			[]string{"2011-12-28T09:00:00-10:00", "2011-12-29T09:00:00-10:00", "2011-12-31T09:00:00+14:00", "2012-01-01T09:00:00+14:00"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			loc := mustLoad(t, c.zone)
			dtstart := local(t, c.dtstart, loc)
			// time.ParseInLocation may pick either instant of a doubled
			// time; the test wants the first.
			if want := c.want[0]; dtstart.Format(time.RFC3339) != want {
				v, err := time.Parse(time.RFC3339, want)
				if err != nil {
					t.Fatal(err)
				}
				dtstart = v.In(loc)
			}
			got := format(mustParse(t, c.rule).Between(dtstart, dtstart, dtstart.AddDate(1, 0, 0), 100), time.RFC3339)
			if !equalStrings(got, c.want) {
				t.Errorf("%s from %s:\n got %v\nwant %v", c.rule, c.dtstart, got, c.want)
			}
		})
	}
}

// TestGoDateInGap records what time.Date does with a wall-clock time that
// does not exist, which is why the package resolves times itself: east of
// Greenwich it moves them forward, west of it backward.
func TestGoDateInGap(t *testing.T) {
	for _, c := range []struct {
		zone string
		date [5]int
	}{
		{"Europe/Copenhagen", [5]int{2014, 3, 30, 2, 30}},
		{"America/New_York", [5]int{2007, 3, 11, 2, 30}},
	} {
		loc := mustLoad(t, c.zone)
		d := c.date
		goDate := time.Date(d[0], time.Month(d[1]), d[2], d[3], d[4], 0, 0, loc)
		dtstart := time.Date(d[0], time.Month(d[1]), d[2]-1, d[3], d[4], 0, 0, loc)
		ours := mustParse(t, "FREQ=DAILY").Between(dtstart, dtstart, dtstart.AddDate(0, 0, 2), 2)
		t.Logf("%s %02d:%02d on %d-%02d-%02d: time.Date gives %s, Between %s", c.zone, d[3], d[4], d[0], d[1], d[2], goDate.Format(time.RFC3339), ours[1].Format(time.RFC3339))
		if ours[1].Hour() != d[3]+1 || ours[1].Minute() != d[4] {
			t.Errorf("%s: %s is not moved forward by the hour of the gap", c.zone, ours[1])
		}
	}
}

func TestBetweenWindow(t *testing.T) {
	cph := mustLoad(t, "Europe/Copenhagen")
	dtstart := local(t, "20140109T090000", cph)
	r := mustParse(t, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH")
	at := func(s string) time.Time { return local(t, s, cph) }
	cases := []struct {
		name     string
		from, to time.Time
		max      int
		want     []string
	}{
		{"from is inclusive, to exclusive", at("20140123T090000"), at("20140220T090000"), 10, []string{"2014-01-23", "2014-02-06"}},
		{"max", at("20140101T000000"), at("20150101T000000"), 2, []string{"2014-01-09", "2014-01-23"}},
		{"max 0", at("20140101T000000"), at("20150101T000000"), 0, nil},
		{"empty window", at("20140123T090000"), at("20140123T090000"), 10, nil},
		{"reversed window", at("20140220T090000"), at("20140123T090000"), 10, nil},
		{"before the first meeting", at("20130101T000000"), at("20140109T090000"), 10, nil},
		{"far in the future", at("21140101T000000"), at("21140201T000000"), 10, []string{"2114-01-11", "2114-01-25"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := format(r.Between(dtstart, c.from, c.to, c.max), "2006-01-02")
			if len(got) == 0 {
				got = nil
			}
			if !equalStrings(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
	// 2114-01-11 is a Thursday 5218 weeks (an even number) after the first
	// meeting; check the arithmetic of the test itself.
	if d := at("21140111T090000"); d.Weekday() != time.Thursday || int(d.Sub(dtstart).Hours()/24+0.5)%14 != 0 {
		t.Fatalf("the test's far date is wrong: %s", d)
	}
}

func TestAfter(t *testing.T) {
	cph := mustLoad(t, "Europe/Copenhagen")
	dtstart := local(t, "20140109T090000", cph)
	cases := []struct {
		rule, after, want string // want "" for none
	}{
		{"FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "20130101T000000", "2014-01-09T09:00:00+01:00"},
		{"FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "20140109T085959", "2014-01-09T09:00:00+01:00"},
		{"FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "20140109T090000", "2014-01-23T09:00:00+01:00"},
		{"FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "20260305T120000", "2026-03-19T09:00:00+01:00"},
		{"FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "20260320T120000", "2026-04-02T09:00:00+02:00"},
		{"FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;COUNT=2", "20140123T090000", ""},
		{"FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;COUNT=2", "20140110T000000", "2014-01-23T09:00:00+01:00"},
		{"FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;UNTIL=20140301T000000Z", "20140220T090000", ""},
		{"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "20140109T090000", ""},
		{"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "20140109T090000", ""},
		{"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "20140109T090000", "2016-02-29T09:00:00+01:00"},
		{"FREQ=YEARLY;INTERVAL=1000", "20140109T090000", "3014-01-09T09:00:00+01:00"},
	}
	for _, c := range cases {
		got, ok := mustParse(t, c.rule).After(dtstart, local(t, c.after, cph))
		gotS := ""
		if ok {
			gotS = got.Format(time.RFC3339)
		}
		if gotS != c.want {
			t.Errorf("%s after %s: got %q, want %q", c.rule, c.after, gotS, c.want)
		}
	}
}

func TestValidate(t *testing.T) {
	cph := mustLoad(t, "Europe/Copenhagen")
	dtstart := local(t, "20150109T090000", cph)
	cases := []struct {
		rule string
		want string // part of the message; "" for valid
	}{
		{"FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", ""},
		{"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "no meeting in the 10 years"},
		{"FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31", "no meeting"},
		{"FREQ=MONTHLY;BYDAY=1FR;BYMONTHDAY=13", "no meeting"},
		{"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", ""},
		{"FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29", "no meeting"}, // 2015, 2019, 2023 are no leap years
		{"FREQ=MONTHLY;BYDAY=5FR", ""},
		{"FREQ=YEARLY;INTERVAL=20", ""}, // the first meeting itself matches
		{"FREQ=YEARLY;INTERVAL=20;BYMONTH=1;BYMONTHDAY=8", "no meeting"},
		{"FREQ=WEEKLY;UNTIL=20150109T080000Z", ""},
		{"FREQ=WEEKLY;UNTIL=20150109T075959Z", "UNTIL=20150109T075959Z is before the first meeting"},
		{"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", ""},
		{"FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6", "no meeting"},
	}
	for _, c := range cases {
		err := mustParse(t, c.rule).Validate(dtstart)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: %v", c.rule, err)
			}
			continue
		}
		checkCadenceError(t, c.rule, err, c.want)
	}
	// A leap year within the 10 years from 2016.
	if err := mustParse(t, "FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29").Validate(local(t, "20160109T090000", cph)); err != nil {
		t.Errorf("from 2016: %v", err)
	}
	// Rules built by hand are checked as Parse checks them.
	for _, c := range []struct {
		rule Rule
		want string
	}{
		{Rule{}, "FREQ=Freq(0) is not supported"},
		{Rule{Freq: Weekly}, "INTERVAL=0"},
		{Rule{Freq: Weekly, Interval: 1, Count: MaxCount + 1}, "COUNT=10001"},
		{Rule{Freq: Weekly, Interval: 1, Count: 3, Until: dtstart.AddDate(1, 0, 0)}, "COUNT and UNTIL"},
		{Rule{Freq: Weekly, Interval: 1, ByDay: []WeekdayNum{{N: 1, Day: time.Monday}}}, "BYDAY=1MO"},
		{Rule{Freq: Monthly, Interval: 1, ByDay: []WeekdayNum{{Day: 9}}}, "is not a weekday"},
		{Rule{Freq: Monthly, Interval: 1, ByMonth: []time.Month{13}}, "BYMONTH=13"},
		{Rule{Freq: Daily, Interval: 1, ByHour: []int{-1}}, "BYHOUR=-1"},
		{Rule{Freq: Daily, Interval: 1, WeekStart: 7}, "WKST=7"},
		{Rule{Freq: Daily, Interval: 1, ByMinute: make([]int, MaxListLength+1)}, "BYMINUTE may list at most 50 values"},
	} {
		checkCadenceError(t, c.rule.String(), c.rule.Validate(dtstart), c.want)
	}
	if err := (&Rule{Freq: Weekly, Interval: 2, ByDay: []WeekdayNum{{Day: time.Thursday}}}).Validate(dtstart); err != nil {
		t.Errorf("a rule built by hand: %v", err)
	}
}

func TestBetweenHandBuiltRule(t *testing.T) {
	cph := mustLoad(t, "Europe/Copenhagen")
	dtstart := local(t, "20140109T090000", cph)
	// Unsorted and repeated values are fine; WeekStart is Sunday (zero).
	r := &Rule{Freq: Monthly, Interval: 1, ByMonthDay: []int{20, 10, 10}, ByHour: []int{14, 9, 14}}
	got := format(r.Between(dtstart, dtstart, dtstart.AddDate(0, 2, 0), 100), "01-02 15:04")
	want := []string{"01-09 09:00", "01-10 09:00", "01-10 14:00", "01-20 09:00", "01-20 14:00", "02-10 09:00", "02-10 14:00", "02-20 09:00", "02-20 14:00"}
	if !equalStrings(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	// An invalid rule gives nothing rather than garbage.
	if got := (&Rule{}).Between(dtstart, dtstart, dtstart.AddDate(1, 0, 0), 10); got != nil {
		t.Errorf("zero rule: %v", got)
	}
}

func TestBetweenUntilBeforeStart(t *testing.T) {
	cph := mustLoad(t, "Europe/Copenhagen")
	dtstart := local(t, "20140109T090000", cph)
	r := mustParse(t, "FREQ=WEEKLY;UNTIL=20140101T000000Z")
	if got := r.Between(dtstart, dtstart, dtstart.AddDate(1, 0, 0), 10); len(got) != 0 {
		t.Errorf("got %v", got)
	}
}

func TestBetweenKeepsLocation(t *testing.T) {
	cph := mustLoad(t, "Europe/Copenhagen")
	dtstart := time.Date(2014, 1, 9, 8, 0, 0, 0, time.UTC).In(cph)
	for _, o := range mustParse(t, "FREQ=DAILY;COUNT=3").Between(dtstart, dtstart, dtstart.AddDate(1, 0, 0), 10) {
		if o.Location() != cph || o.Hour() != 9 {
			t.Errorf("%s is not 09:00 in Europe/Copenhagen", o)
		}
	}
	// Seconds and nanoseconds of the first meeting are kept.
	dtstart = time.Date(2014, 1, 9, 9, 0, 7, 500, cph)
	got := mustParse(t, "FREQ=DAILY;BYHOUR=10").Between(dtstart, dtstart, dtstart.AddDate(0, 0, 2), 10)
	if len(got) != 3 || got[1] != time.Date(2014, 1, 9, 10, 0, 7, 500, cph) {
		t.Errorf("got %v", got)
	}
	// A monotonic clock reading does not leak into the results.
	now := time.Now().In(cph)
	if got := mustParse(t, "FREQ=DAILY;COUNT=1").Between(now, now, now.Add(time.Hour), 1); len(got) != 1 || got[0] != now.Round(0) {
		t.Errorf("got %v", got)
	}
}

func TestMessagesNamePart(t *testing.T) {
	// A spot check that messages read well; the error table checks each.
	_, err := Parse("FREQ=HOURLY")
	if got, want := err.Error(), "invalid: FREQ=HOURLY is not supported; use DAILY, WEEKLY, MONTHLY or YEARLY (cadence: FREQ=HOURLY is not supported; use DAILY, WEEKLY, MONTHLY or YEARLY)"; got != want {
		t.Errorf("got %q", got)
	}
	if !strings.Contains(err.Error(), "cadence") {
		t.Error("no field")
	}
}

// TestBounds checks the limits that keep an expansion cheap whatever the
// rule and the window.
func TestBounds(t *testing.T) {
	cph := mustLoad(t, "Europe/Copenhagen")
	dtstart := local(t, "20140109T090000", cph)
	// At most 100,000 occurrences, whatever max says.
	r := mustParse(t, "FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,10,20,30,40,50")
	if got := r.Between(dtstart, dtstart, dtstart.AddDate(10, 0, 0), 1<<40); len(got) != maxResults {
		t.Errorf("%d occurrences, want the cap %d", len(got), maxResults)
	}
	// A rule that never matches ends after a calendar cycle, also with an
	// unbounded search or a window of a million years.
	for _, rule := range []string{"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=WEEKLY;INTERVAL=7;BYMONTH=4;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYSETPOS=8",
		"FREQ=MONTHLY;INTERVAL=997;BYMONTH=2;BYMONTHDAY=29;BYDAY=1MO", "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31"} {
		r := mustParse(t, rule)
		if _, ok := r.After(dtstart, dtstart); ok {
			t.Errorf("%s: After found an occurrence", rule)
		}
		if got := r.Between(dtstart, dtstart, dtstart.AddDate(1000000, 0, 0), 10); len(got) != 1 {
			t.Errorf("%s: %v", rule, got)
		}
	}
	// Far windows are reached without walking there.
	r = mustParse(t, "FREQ=DAILY")
	from := dtstart.AddDate(5000, 0, 0)
	if got := r.Between(dtstart, from, from.AddDate(0, 0, 3), 10); len(got) != 3 || got[0].Format("2006-01-02 15:04") != "7014-01-09 09:00" {
		t.Errorf("far window: %v", got)
	}
}
