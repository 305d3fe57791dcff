package rrule

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
)

// checkCadenceError checks that err is an EINVALID *samspil.Error about
// the field "cadence" whose message contains want.
func checkCadenceError(t *testing.T, input string, err error, want string) {
	t.Helper()
	if err == nil {
		t.Errorf("%q: no error, want one containing %q", input, want)
		return
	}
	if code := samspil.ErrorCode(err); code != samspil.EINVALID {
		t.Errorf("%q: code %q, want %q (%v)", input, code, samspil.EINVALID, err)
	}
	var e *samspil.Error
	if !errors.As(err, &e) {
		t.Errorf("%q: %T is not a *samspil.Error", input, err)
		return
	}
	if len(e.Fields) != 1 || e.Fields[0].Path != "cadence" {
		t.Errorf("%q: fields %+v, want one named cadence", input, e.Fields)
	}
	if !strings.Contains(e.Message, want) {
		t.Errorf("%q: message %q does not contain %q", input, e.Message, want)
	}
	if len(e.Fields) == 1 && e.Fields[0].Message != e.Message {
		t.Errorf("%q: field message %q differs from %q", input, e.Fields[0].Message, e.Message)
	}
}

func TestParse(t *testing.T) {
	cases := []struct {
		in, want string // want: the canonical String
	}{
		{"FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"},
		{"RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"},
		{"rrule:freq=weekly;interval=2;byday=th", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"},
		{"  BYDAY = TH ; FREQ = Weekly ; INTERVAL=2;  ", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"},
		{"FREQ=WEEKLY;INTERVAL=1;WKST=MO", "FREQ=WEEKLY"},
		{"FREQ=DAILY", "FREQ=DAILY"},
		{"FREQ=MONTHLY;BYDAY=+2TU", "FREQ=MONTHLY;BYDAY=2TU"},
		{"FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYDAY=-1FR"},
		{"FREQ=WEEKLY;BYDAY=TH,MO,TH", "FREQ=WEEKLY;BYDAY=MO,TH"},
		{"FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU"},
		{"FREQ=YEARLY;UNTIL=20151231T235959Z;BYMONTH=9,3;BYDAY=1MO", "FREQ=YEARLY;UNTIL=20151231T235959Z;BYMONTH=3,9;BYDAY=1MO"},
		{"FREQ=MONTHLY;BYDAY=FR,MO,TU,WE,TH;BYSETPOS=-1", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"},
		{"FREQ=DAILY;BYMINUTE=40,0,20;BYHOUR=16,9", "FREQ=DAILY;BYHOUR=9,16;BYMINUTE=0,20,40"},
		{"FREQ=MONTHLY;BYMONTHDAY=15,-1,1,+15", "FREQ=MONTHLY;BYMONTHDAY=-1,1,15"},
		{"FREQ=YEARLY;BYDAY=20MO", "FREQ=YEARLY;BYDAY=20MO"},
		{"FREQ=YEARLY;BYDAY=-53SU", "FREQ=YEARLY;BYDAY=-53SU"},
		{"FREQ=MONTHLY;BYDAY=-1MO,MO,1MO", "FREQ=MONTHLY;BYDAY=-1MO,MO,1MO"},
		{"FREQ=YEARLY;COUNT=10000;INTERVAL=1000", "FREQ=YEARLY;INTERVAL=1000;COUNT=10000"},
		{"FREQ=MONTHLY;BYSETPOS=366,-366;BYDAY=MO", "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-366,366"},
		{"FREQ=WEEKLY;;BYDAY=TH;", "FREQ=WEEKLY;BYDAY=TH"},
	}
	for _, c := range cases {
		r, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if got := r.String(); got != c.want {
			t.Errorf("Parse(%q).String() = %q, want %q", c.in, got, c.want)
		}
		r2, err := Parse(r.String())
		if err != nil || !reflect.DeepEqual(r, r2) {
			t.Errorf("Parse(%q) does not round-trip: %+v, %+v, %v", c.in, r, r2, err)
		}
	}
	// The fields of one rule in full.
	r := mustParse(t, "FREQ=YEARLY;INTERVAL=2;UNTIL=20151231T235959Z;BYMONTH=3,9;BYMONTHDAY=1,2,3,4,5,6,7;BYDAY=MO;BYHOUR=9;BYMINUTE=30;BYSETPOS=1;WKST=SU")
	want := &Rule{Freq: Yearly, Interval: 2, Until: time.Date(2015, 12, 31, 23, 59, 59, 0, time.UTC),
		ByMonth: []time.Month{time.March, time.September}, ByMonthDay: []int{1, 2, 3, 4, 5, 6, 7},
		ByDay: []WeekdayNum{{Day: time.Monday}}, ByHour: []int{9}, ByMinute: []int{30}, BySetPos: []int{1}, WeekStart: time.Sunday}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("got %+v\nwant %+v", r, want)
	}
	if r.Until != want.Until {
		t.Errorf("UNTIL %v is not a UTC time equal to %v", r.Until, want.Until)
	}
	r = mustParse(t, "FREQ=WEEKLY;COUNT=3")
	if want := (&Rule{Freq: Weekly, Interval: 1, Count: 3, WeekStart: time.Monday}); !reflect.DeepEqual(r, want) {
		t.Errorf("defaults: got %+v, want %+v", r, want)
	}
}

func TestParseErrors(t *testing.T) {
	list := func(n int) string {
		days := make([]string, n)
		for i := range days {
			days[i] = "MO"
		}
		return strings.Join(days, ",")
	}
	cases := []struct {
		in, want string
	}{
		{"", "the cadence is empty"},
		{"   ", "the cadence is empty"},
		{"RRULE:", "the cadence is empty"},
		{"FREQ=WEEKLY;BYDAY=TH;" + strings.Repeat(" ", 480), "longer than 500 characters"},
		{"FREQ", `"FREQ" is not of the form NAME=VALUE`},
		{"=WEEKLY", `"=WEEKLY" is not of the form NAME=VALUE`},
		{"DTSTART:20140109T090000", `"DTSTART:20140109T090000" is not of the form NAME=VALUE`},
		{"FREQ=HOURLY", "FREQ=HOURLY is not supported; use DAILY, WEEKLY, MONTHLY or YEARLY"},
		{"FREQ=MINUTELY", "FREQ=MINUTELY is not supported"},
		{"FREQ=SECONDLY", "FREQ=SECONDLY is not supported"},
		{"FREQ=FORTNIGHTLY", "FREQ=FORTNIGHTLY is not supported"},
		{"FREQ=", "FREQ= is not supported"},
		{"BYDAY=TH", "FREQ is missing"},
		{"INTERVAL=2", "FREQ is missing"},
		{"FREQ=WEEKLY;BYSECOND=0", "BYSECOND is not supported"},
		{"FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", "BYWEEKNO is not supported; give the dates with BYMONTH, BYMONTHDAY and BYDAY instead"},
		{"FREQ=YEARLY;BYYEARDAY=100", "BYYEARDAY is not supported"},
		{"FREQ=WEEKLY;FOO=1", `"FOO" is not a part of a recurrence rule`},
		{"FREQ=WEEKLY;X-NAME=1", `"X-NAME" is not a part`},
		{"FREQ=WEEKLY;RSCALE=GREGORIAN", `"RSCALE" is not a part`},
		{"FREQ=WEEKLY;FREQ=DAILY", "FREQ is given more than once"},
		{"FREQ=WEEKLY;BYDAY=MO;BYDAY=TU", "BYDAY is given more than once"},
		{"FREQ=WEEKLY;COUNT=5;UNTIL=20200101T000000Z", "COUNT and UNTIL cannot both be given"},
		{"FREQ=WEEKLY;INTERVAL=0", "INTERVAL=0 must be a whole number from 1 to 1000"},
		{"FREQ=WEEKLY;INTERVAL=1001", "INTERVAL=1001 must be"},
		{"FREQ=WEEKLY;INTERVAL=-1", "INTERVAL=-1 must be"},
		{"FREQ=WEEKLY;INTERVAL=two", "INTERVAL=TWO must be"},
		{"FREQ=WEEKLY;INTERVAL=99999999999999999999", "INTERVAL=99999999999999999999 must be"},
		{"FREQ=WEEKLY;INTERVAL=", "INTERVAL= must be"},
		{"FREQ=WEEKLY;COUNT=0", "COUNT=0 must be a whole number from 1 to 10000"},
		{"FREQ=WEEKLY;COUNT=10001", "COUNT=10001 must be"},
		{"FREQ=WEEKLY;COUNT=+5", "COUNT=+5 must be"},
		{"FREQ=WEEKLY;UNTIL=20200101", "UNTIL=20200101 is not a UTC date and time; write it like 20151231T235959Z"},
		{"FREQ=WEEKLY;UNTIL=20200101T000000", "UNTIL=20200101T000000 is not a UTC"},
		{"FREQ=WEEKLY;UNTIL=20200230T000000Z", "UNTIL=20200230T000000Z is not"},
		{"FREQ=WEEKLY;UNTIL=20201301T000000Z", "UNTIL=20201301T000000Z is not"},
		{"FREQ=WEEKLY;UNTIL=20200101T240000Z", "UNTIL=20200101T240000Z is not"},
		{"FREQ=WEEKLY;UNTIL=20200101T235960Z", "UNTIL=20200101T235960Z is not"},
		{"FREQ=WEEKLY;UNTIL=00000101T000000Z", "UNTIL=00000101T000000Z is not"},
		{"FREQ=WEEKLY;UNTIL=2020-01-01T00:00:00Z", "UNTIL=2020-01-01T00:00:00Z is not"},
		{"FREQ=WEEKLY;BYDAY=XX", "BYDAY=XX is not a weekday; use MO, TU, WE, TH, FR, SA or SU"},
		{"FREQ=WEEKLY;BYDAY=THU", "BYDAY=THU is not a weekday"},
		{"FREQ=WEEKLY;BYDAY=T", "BYDAY=T is not a weekday"},
		{"FREQ=MONTHLY;BYDAY=0MO", "BYDAY=0MO is not a weekday"},
		{"FREQ=MONTHLY;BYDAY=+MO", "BYDAY=+MO is not a weekday"},
		{"FREQ=WEEKLY;BYDAY=2TU", "BYDAY=2TU: a number before the weekday needs FREQ=MONTHLY or FREQ=YEARLY; write TU"},
		{"FREQ=DAILY;BYDAY=-1FR", "BYDAY=-1FR: a number before the weekday needs"},
		{"FREQ=MONTHLY;BYDAY=6MO", "BYDAY=6MO: the number before the weekday must be from 1 to 5 or from -5 to -1"},
		{"FREQ=YEARLY;BYMONTH=3;BYDAY=-6MO", "BYDAY=-6MO: the number before the weekday must be from 1 to 5"},
		{"FREQ=YEARLY;BYDAY=54MO", "BYDAY=54MO: the number before the weekday must be from 1 to 53 or from -53 to -1"},
		{"FREQ=WEEKLY;BYDAY=MO,,TU", "BYDAY has an empty value"},
		{"FREQ=WEEKLY;BYDAY=", "BYDAY has an empty value"},
		{"FREQ=WEEKLY;BYDAY=" + list(51), "BYDAY may list at most 50 values"},
		{"FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY=0 must be a day from 1 to 31 or from -31 to -1"},
		{"FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY=32 must be"},
		{"FREQ=MONTHLY;BYMONTHDAY=-32", "BYMONTHDAY=-32 must be"},
		{"FREQ=MONTHLY;BYMONTHDAY=first", "BYMONTHDAY=FIRST must be"},
		{"FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY cannot be used with FREQ=WEEKLY"},
		{"FREQ=YEARLY;BYMONTH=13", "BYMONTH=13 must be a month from 1 to 12"},
		{"FREQ=YEARLY;BYMONTH=0", "BYMONTH=0 must be"},
		{"FREQ=YEARLY;BYMONTH=-1", "BYMONTH=-1 must be"},
		{"FREQ=DAILY;BYHOUR=24", "BYHOUR=24 must be an hour from 0 to 23"},
		{"FREQ=DAILY;BYHOUR=-1", "BYHOUR=-1 must be"},
		{"FREQ=DAILY;BYMINUTE=60", "BYMINUTE=60 must be a minute from 0 to 59"},
		{"FREQ=MONTHLY;BYSETPOS=1", "BYSETPOS needs a list to choose from"},
		{"FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0", "BYSETPOS=0 must be a position from 1 to 366 or from -366 to -1"},
		{"FREQ=MONTHLY;BYDAY=MO;BYSETPOS=367", "BYSETPOS=367 must be"},
		{"FREQ=MONTHLY;BYDAY=MO;BYSETPOS=last", "BYSETPOS=LAST must be"},
		{"FREQ=WEEKLY;WKST=XX", "WKST=XX is not a weekday"},
		{"FREQ=WEEKLY;WKST=1MO", "WKST=1MO is not a weekday"},
	}
	for _, c := range cases {
		r, err := Parse(c.in)
		if r != nil {
			t.Errorf("Parse(%q) returned a rule with an error", c.in)
		}
		checkCadenceError(t, c.in, err, c.want)
	}
	// 500 bytes are fine.
	ok := "FREQ=WEEKLY;BYDAY=TH;"
	if _, err := Parse(ok + strings.Repeat(" ", MaxLength-len(ok))); err != nil {
		t.Errorf("500 bytes: %v", err)
	}
	if _, err := Parse("FREQ=WEEKLY;BYDAY=" + list(50)); err != nil {
		t.Errorf("50 values: %v", err)
	}
}

func TestFreqAndWeekdayNumString(t *testing.T) {
	for f, want := range map[Freq]string{Daily: "DAILY", Weekly: "WEEKLY", Monthly: "MONTHLY", Yearly: "YEARLY", 0: "Freq(0)", 9: "Freq(9)"} {
		if got := f.String(); got != want {
			t.Errorf("%d: %q", int(f), got)
		}
	}
	for w, want := range map[WeekdayNum]string{{Day: time.Thursday}: "TH", {N: 2, Day: time.Tuesday}: "2TU", {N: -1, Day: time.Friday}: "-1FR", {Day: 8}: "??"} {
		if got := w.String(); got != want {
			t.Errorf("%+v: %q", w, got)
		}
	}
}
