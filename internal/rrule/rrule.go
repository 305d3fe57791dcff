package rrule

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samspil/samspil"
)

// Limits on a rule, so that a rule typed by a user costs bounded time to
// parse and to expand.
const (
	// MaxLength is the longest rule text Parse accepts, in bytes.
	MaxLength = 500
	// MaxInterval is the largest INTERVAL.
	MaxInterval = 1000
	// MaxCount is the largest COUNT.
	MaxCount = 10000
	// MaxListLength is the most values a BYxxx list may have.
	MaxListLength = 50
)

// field is the input field that errors name.
const field = "cadence"

// Freq is the frequency of a rule (FREQ): the length of its periods.
type Freq int

// The supported frequencies. The zero Freq is not a frequency.
const (
	Daily Freq = iota + 1
	Weekly
	Monthly
	Yearly
)

var freqNames = [...]string{Daily: "DAILY", Weekly: "WEEKLY", Monthly: "MONTHLY", Yearly: "YEARLY"}

// String returns the RRULE name of f, e.g. "WEEKLY".
func (f Freq) String() string {
	if f >= Daily && f <= Yearly {
		return freqNames[f]
	}
	return "Freq(" + strconv.Itoa(int(f)) + ")"
}

// WeekdayNum is a BYDAY value: a weekday, and with FREQ=MONTHLY or YEARLY
// optionally its ordinal within the month or year: N=2 for the second, N=-1
// for the last; N=0 means every such weekday.
type WeekdayNum struct {
	N   int
	Day time.Weekday
}

var dayCodes = [7]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// String returns the RRULE form of w, e.g. "TH", "2TU" or "-1FR".
func (w WeekdayNum) String() string {
	code := "??"
	if w.Day >= time.Sunday && w.Day <= time.Saturday {
		code = dayCodes[w.Day]
	}
	if w.N == 0 {
		return code
	}
	return strconv.Itoa(w.N) + code
}

// Rule is a parsed recurrence rule: the subset of RFC 5545 RRULE that
// meeting cadences use (see the package documentation). Parse returns
// rules with their lists sorted and without repeated values; expansion
// also accepts rules built by hand, and Validate checks them.
type Rule struct {
	Freq       Freq         // FREQ: Daily, Weekly, Monthly or Yearly
	Interval   int          // INTERVAL: every how many periods; >= 1
	Count      int          // COUNT: number of occurrences, DTSTART included; 0 = unbounded
	Until      time.Time    // UNTIL: last possible occurrence, inclusive; zero = unbounded
	ByDay      []WeekdayNum // BYDAY: weekdays, with ordinals only for Monthly and Yearly
	ByMonthDay []int        // BYMONTHDAY: 1..31, or -31..-1 counting from the month's end
	ByMonth    []time.Month // BYMONTH
	ByHour     []int        // BYHOUR: 0..23; otherwise DTSTART's hour
	ByMinute   []int        // BYMINUTE: 0..59; otherwise DTSTART's minute
	WeekStart  time.Weekday // WKST: first day of a week; Parse defaults it to Monday
	BySetPos   []int        // BYSETPOS: 1..366 or -366..-1, positions in each period's set
}

// untilLayout is the RFC 5545 form of a UTC DATE-TIME.
const untilLayout = "20060102T150405Z"

// Parse parses an RRULE value such as "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
// optionally prefixed by "RRULE:". Names and values are case-insensitive
// and spaces around parts are ignored. Parse rejects what the package does
// not support (see the package documentation), repeated parts, COUNT
// together with UNTIL, values out of range, INTERVAL above MaxInterval,
// COUNT above MaxCount, lists longer than MaxListLength and text longer
// than MaxLength bytes. Errors are *samspil.Error values with code
// samspil.EINVALID about the field "cadence".
func Parse(s string) (*Rule, error) {
	if len(s) > MaxLength {
		return nil, samspil.ErrorAt(samspil.EINVALID, field, "the cadence is longer than %d characters; write a shorter rule", MaxLength)
	}
	s = upperASCII(strings.TrimSpace(s))
	s = strings.TrimSpace(strings.TrimPrefix(s, "RRULE:"))
	if s == "" {
		return nil, samspil.ErrorAt(samspil.EINVALID, field, "the cadence is empty; write a rule such as FREQ=WEEKLY;BYDAY=TH")
	}
	r := &Rule{Interval: 1, WeekStart: time.Monday}
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, value, ok := strings.Cut(part, "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || name == "" {
			return nil, samspil.ErrorAt(samspil.EINVALID, field, "%q is not of the form NAME=VALUE; separate parts with semicolons, as in FREQ=WEEKLY;BYDAY=TH", part)
		}
		switch name {
		case "FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYHOUR", "BYMINUTE", "WKST", "BYSETPOS":
		case "BYSECOND":
			return nil, samspil.ErrorAt(samspil.EINVALID, field, "BYSECOND is not supported; leave it out")
		case "BYWEEKNO", "BYYEARDAY":
			return nil, samspil.ErrorAt(samspil.EINVALID, field, "%s is not supported; give the dates with BYMONTH, BYMONTHDAY and BYDAY instead", name)
		default:
			return nil, samspil.ErrorAt(samspil.EINVALID, field, "%q is not a part of a recurrence rule; use FREQ, INTERVAL, COUNT, UNTIL, BYMONTH, BYMONTHDAY, BYDAY, BYHOUR, BYMINUTE, BYSETPOS or WKST", name)
		}
		if seen[name] {
			return nil, samspil.ErrorAt(samspil.EINVALID, field, "%s is given more than once; give each part once", name)
		}
		seen[name] = true
		if err := r.set(name, value); err != nil {
			return nil, err
		}
	}
	if !seen["FREQ"] {
		return nil, samspil.ErrorAt(samspil.EINVALID, field, "FREQ is missing; start the rule with FREQ=DAILY, FREQ=WEEKLY, FREQ=MONTHLY or FREQ=YEARLY")
	}
	r.normalize()
	if err := r.check(); err != nil {
		return nil, err
	}
	return r, nil
}

// set parses the value of one rule part into r; ranges are left to check.
func (r *Rule) set(name, value string) error {
	var items []string
	if strings.HasPrefix(name, "BY") {
		items = strings.Split(value, ",")
		if len(items) > MaxListLength {
			return samspil.ErrorAt(samspil.EINVALID, field, "%s may list at most %d values", name, MaxListLength)
		}
		for _, it := range items {
			if it == "" {
				return samspil.ErrorAt(samspil.EINVALID, field, "%s has an empty value; separate values with single commas, as in BYDAY=TU,TH", name)
			}
		}
	}
	switch name {
	case "FREQ":
		for f := Daily; f <= Yearly; f++ {
			if value == f.String() {
				r.Freq = f
				return nil
			}
		}
		return samspil.ErrorAt(samspil.EINVALID, field, "FREQ=%s is not supported; use DAILY, WEEKLY, MONTHLY or YEARLY", value)
	case "INTERVAL":
		n, ok := atoi(value, false)
		if !ok {
			return samspil.ErrorAt(samspil.EINVALID, field, "INTERVAL=%s must be a whole number from 1 to %d", value, MaxInterval)
		}
		r.Interval = n
	case "COUNT":
		n, ok := atoi(value, false)
		if !ok {
			return samspil.ErrorAt(samspil.EINVALID, field, "COUNT=%s must be a whole number from 1 to %d", value, MaxCount)
		}
		r.Count = n
		if n == 0 {
			// 0 would read as "unbounded" in a Rule.
			return samspil.ErrorAt(samspil.EINVALID, field, "COUNT=%s must be a whole number from 1 to %d", value, MaxCount)
		}
	case "UNTIL":
		t, ok := parseUntil(value)
		if !ok {
			return samspil.ErrorAt(samspil.EINVALID, field, "UNTIL=%s is not a UTC date and time; write it like 20151231T235959Z", value)
		}
		r.Until = t
	case "WKST":
		d, ok := weekday(value)
		if !ok {
			return samspil.ErrorAt(samspil.EINVALID, field, "WKST=%s is not a weekday; use MO, TU, WE, TH, FR, SA or SU", value)
		}
		r.WeekStart = d
	case "BYDAY":
		for _, it := range items {
			num, code := it[:len(it)-min(2, len(it))], it[len(it)-min(2, len(it)):]
			d, ok := weekday(code)
			n := 0
			if ok && num != "" {
				n, ok = atoi(num, true)
				ok = ok && n != 0 // 0MO is no ordinal
			}
			if !ok {
				return samspil.ErrorAt(samspil.EINVALID, field, "BYDAY=%s is not a weekday; use MO, TU, WE, TH, FR, SA or SU, with FREQ=MONTHLY or YEARLY optionally numbered as in 2TU or -1FR", it)
			}
			r.ByDay = append(r.ByDay, WeekdayNum{N: n, Day: d})
		}
	case "BYMONTHDAY":
		for _, it := range items {
			n, ok := atoi(it, true)
			if !ok {
				return samspil.ErrorAt(samspil.EINVALID, field, "BYMONTHDAY=%s must be a day from 1 to 31 or from -31 to -1", it)
			}
			r.ByMonthDay = append(r.ByMonthDay, n)
		}
	case "BYMONTH":
		for _, it := range items {
			n, ok := atoi(it, false)
			if !ok {
				return samspil.ErrorAt(samspil.EINVALID, field, "BYMONTH=%s must be a month from 1 to 12", it)
			}
			r.ByMonth = append(r.ByMonth, time.Month(n))
		}
	case "BYHOUR":
		for _, it := range items {
			n, ok := atoi(it, false)
			if !ok {
				return samspil.ErrorAt(samspil.EINVALID, field, "BYHOUR=%s must be an hour from 0 to 23", it)
			}
			r.ByHour = append(r.ByHour, n)
		}
	case "BYMINUTE":
		for _, it := range items {
			n, ok := atoi(it, false)
			if !ok {
				return samspil.ErrorAt(samspil.EINVALID, field, "BYMINUTE=%s must be a minute from 0 to 59", it)
			}
			r.ByMinute = append(r.ByMinute, n)
		}
	case "BYSETPOS":
		for _, it := range items {
			n, ok := atoi(it, true)
			if !ok {
				return samspil.ErrorAt(samspil.EINVALID, field, "BYSETPOS=%s must be a position from 1 to 366 or from -366 to -1", it)
			}
			r.BySetPos = append(r.BySetPos, n)
		}
	}
	return nil
}

// check validates the values of r and how its parts combine.
func (r *Rule) check() error {
	if r.Freq < Daily || r.Freq > Yearly {
		return samspil.ErrorAt(samspil.EINVALID, field, "FREQ=%s is not supported; use DAILY, WEEKLY, MONTHLY or YEARLY", r.Freq.String())
	}
	if r.Interval < 1 || r.Interval > MaxInterval {
		return samspil.ErrorAt(samspil.EINVALID, field, "INTERVAL=%s must be a whole number from 1 to %d", strconv.Itoa(r.Interval), MaxInterval)
	}
	if r.Count < 0 || r.Count > MaxCount {
		return samspil.ErrorAt(samspil.EINVALID, field, "COUNT=%s must be a whole number from 1 to %d", strconv.Itoa(r.Count), MaxCount)
	}
	if r.Count > 0 && !r.Until.IsZero() {
		return samspil.ErrorAt(samspil.EINVALID, field, "COUNT and UNTIL cannot both be given; keep one of them")
	}
	if r.WeekStart < time.Sunday || r.WeekStart > time.Saturday {
		return samspil.ErrorAt(samspil.EINVALID, field, "WKST=%s is not a weekday; use MO, TU, WE, TH, FR, SA or SU", strconv.Itoa(int(r.WeekStart)))
	}
	for _, l := range []struct {
		name string
		n    int
	}{{"BYDAY", len(r.ByDay)}, {"BYMONTHDAY", len(r.ByMonthDay)}, {"BYMONTH", len(r.ByMonth)},
		{"BYHOUR", len(r.ByHour)}, {"BYMINUTE", len(r.ByMinute)}, {"BYSETPOS", len(r.BySetPos)}} {
		if l.n > MaxListLength {
			return samspil.ErrorAt(samspil.EINVALID, field, "%s may list at most %d values", l.name, MaxListLength)
		}
	}
	// Ordinals count weekdays within the month for MONTHLY, and for YEARLY
	// with BYMONTH; within the year for YEARLY without it.
	maxN := 0
	switch {
	case r.Freq == Monthly, r.Freq == Yearly && len(r.ByMonth) > 0:
		maxN = 5
	case r.Freq == Yearly:
		maxN = 53
	}
	for _, w := range r.ByDay {
		if w.Day < time.Sunday || w.Day > time.Saturday {
			return samspil.ErrorAt(samspil.EINVALID, field, "BYDAY=%s is not a weekday; use MO, TU, WE, TH, FR, SA or SU, with FREQ=MONTHLY or YEARLY optionally numbered as in 2TU or -1FR", w.String())
		}
		if w.N != 0 && maxN == 0 {
			return samspil.ErrorAt(samspil.EINVALID, field, "BYDAY=%s: a number before the weekday needs FREQ=MONTHLY or FREQ=YEARLY; write %s", w.String(), dayCodes[w.Day])
		}
		if w.N > maxN || w.N < -maxN {
			return samspil.ErrorAt(samspil.EINVALID, field, "BYDAY=%s: the number before the weekday must be from 1 to %d or from -%d to -1", w.String(), maxN, maxN)
		}
	}
	for _, d := range r.ByMonthDay {
		if d == 0 || d > 31 || d < -31 {
			return samspil.ErrorAt(samspil.EINVALID, field, "BYMONTHDAY=%s must be a day from 1 to 31 or from -31 to -1", strconv.Itoa(d))
		}
	}
	if len(r.ByMonthDay) > 0 && r.Freq == Weekly {
		return samspil.ErrorAt(samspil.EINVALID, field, "BYMONTHDAY cannot be used with FREQ=WEEKLY; use FREQ=MONTHLY, or BYDAY for weekdays")
	}
	for _, m := range r.ByMonth {
		if m < time.January || m > time.December {
			return samspil.ErrorAt(samspil.EINVALID, field, "BYMONTH=%s must be a month from 1 to 12", strconv.Itoa(int(m)))
		}
	}
	for _, h := range r.ByHour {
		if h < 0 || h > 23 {
			return samspil.ErrorAt(samspil.EINVALID, field, "BYHOUR=%s must be an hour from 0 to 23", strconv.Itoa(h))
		}
	}
	for _, m := range r.ByMinute {
		if m < 0 || m > 59 {
			return samspil.ErrorAt(samspil.EINVALID, field, "BYMINUTE=%s must be a minute from 0 to 59", strconv.Itoa(m))
		}
	}
	for _, p := range r.BySetPos {
		if p == 0 || p > 366 || p < -366 {
			return samspil.ErrorAt(samspil.EINVALID, field, "BYSETPOS=%s must be a position from 1 to 366 or from -366 to -1", strconv.Itoa(p))
		}
	}
	if len(r.BySetPos) > 0 && len(r.ByDay)+len(r.ByMonthDay)+len(r.ByMonth)+len(r.ByHour)+len(r.ByMinute) == 0 {
		return samspil.ErrorAt(samspil.EINVALID, field, "BYSETPOS needs a list to choose from; add BYDAY, BYMONTHDAY, BYMONTH, BYHOUR or BYMINUTE")
	}
	return nil
}

// normalize sorts the lists of r and drops repeated values, so that rules
// that mean the same have the same String.
func (r *Rule) normalize() {
	mondayFirst := func(d time.Weekday) int { return (int(d) + 6) % 7 }
	slices.SortFunc(r.ByDay, func(a, b WeekdayNum) int {
		if a.Day != b.Day {
			return mondayFirst(a.Day) - mondayFirst(b.Day)
		}
		return a.N - b.N
	})
	r.ByDay = slices.Compact(r.ByDay)
	for _, l := range []*[]int{&r.ByMonthDay, &r.ByHour, &r.ByMinute, &r.BySetPos} {
		slices.Sort(*l)
		*l = slices.Compact(*l)
	}
	slices.Sort(r.ByMonth)
	r.ByMonth = slices.Compact(r.ByMonth)
}

// String returns the rule as canonical RRULE text without the "RRULE:"
// prefix: FREQ first, then INTERVAL (unless 1), COUNT, UNTIL (in UTC),
// BYMONTH, BYMONTHDAY, BYDAY, BYHOUR, BYMINUTE, BYSETPOS and WKST (unless
// Monday), each only when set. For a rule from Parse, Parse(r.String())
// returns an equal rule. Note that WeekStart's zero value is Sunday, so a
// Rule built by hand without it prints WKST=SU.
func (r *Rule) String() string {
	var b strings.Builder
	b.WriteString("FREQ=")
	b.WriteString(r.Freq.String())
	if r.Interval != 1 {
		fmt.Fprintf(&b, ";INTERVAL=%d", r.Interval)
	}
	if r.Count != 0 {
		fmt.Fprintf(&b, ";COUNT=%d", r.Count)
	}
	if !r.Until.IsZero() {
		b.WriteString(";UNTIL=")
		b.WriteString(r.Until.UTC().Format(untilLayout))
	}
	list := func(name string, n int, item func(i int) string) {
		if n == 0 {
			return
		}
		b.WriteString(";" + name + "=")
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(item(i))
		}
	}
	list("BYMONTH", len(r.ByMonth), func(i int) string { return strconv.Itoa(int(r.ByMonth[i])) })
	list("BYMONTHDAY", len(r.ByMonthDay), func(i int) string { return strconv.Itoa(r.ByMonthDay[i]) })
	list("BYDAY", len(r.ByDay), func(i int) string { return r.ByDay[i].String() })
	list("BYHOUR", len(r.ByHour), func(i int) string { return strconv.Itoa(r.ByHour[i]) })
	list("BYMINUTE", len(r.ByMinute), func(i int) string { return strconv.Itoa(r.ByMinute[i]) })
	list("BYSETPOS", len(r.BySetPos), func(i int) string { return strconv.Itoa(r.BySetPos[i]) })
	if r.WeekStart != time.Monday {
		b.WriteString(";WKST=")
		if r.WeekStart >= time.Sunday && r.WeekStart <= time.Saturday {
			b.WriteString(dayCodes[r.WeekStart])
		} else {
			b.WriteString(strconv.Itoa(int(r.WeekStart)))
		}
	}
	return b.String()
}

// upperASCII upper-cases the ASCII letters of s and leaves other bytes.
func upperASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'a' <= c && c <= 'z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'a' <= b[j] && b[j] <= 'z' {
					b[j] -= 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// atoi parses a decimal number of at most 6 digits, with a leading + or -
// when signed.
func atoi(s string, signed bool) (int, bool) {
	neg := false
	if signed && s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" || len(s) > 6 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// weekday parses a two-letter weekday code such as "TH".
func weekday(code string) (time.Weekday, bool) {
	for d, c := range dayCodes {
		if code == c {
			return time.Weekday(d), true
		}
	}
	return 0, false
}

// parseUntil parses a UTC DATE-TIME such as 20151231T235959Z strictly:
// every field must be in range.
func parseUntil(s string) (time.Time, bool) {
	if len(s) != len(untilLayout) || s[8] != 'T' || s[15] != 'Z' {
		return time.Time{}, false
	}
	var v [6]int
	for i, span := range [6][2]int{{0, 4}, {4, 6}, {6, 8}, {9, 11}, {11, 13}, {13, 15}} {
		n, ok := atoi(s[span[0]:span[1]], false)
		if !ok {
			return time.Time{}, false
		}
		v[i] = n
	}
	t := time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], v[5], 0, time.UTC)
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	if v[0] < 1 || y != v[0] || int(m) != v[1] || d != v[2] || hh != v[3] || mm != v[4] || ss != v[5] || t.IsZero() {
		return time.Time{}, false
	}
	return t, true
}
