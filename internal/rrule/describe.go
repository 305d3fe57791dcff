package rrule

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samspil/samspil"
)

// Translator returns the text of a message catalogue key in the reader's
// language, formatted with args as fmt.Sprintf does. The words of a
// cadence are all catalogue texts (the keys in DescribeKeys), so that the
// pages show them in Danish or English.
type Translator func(key string, args ...any) string

// DescribeCadence returns a forum's cadence in words, from its first
// meeting dtstart, in the language of tr: "" is "as needed", and a rule
// the words cannot say, or that does not parse, is named as a rule. The
// text starts with a lower-case letter unless the language says otherwise.
func DescribeCadence(cadence string, dtstart time.Time, tr Translator) string {
	if strings.TrimSpace(cadence) == "" {
		return tr("cadence.none")
	}
	r, err := Parse(cadence)
	if err != nil {
		return tr("cadence.rule", strings.TrimSpace(cadence))
	}
	s, _ := r.Describe(dtstart, tr)
	return s
}

// Describe returns the rule from dtstart in words, such as "hver anden
// torsdag kl. 9.00" or "first Wednesday every third month at 9:00", and
// true. The time of day is dtstart's wall-clock time (or BYHOUR and
// BYMINUTE), in dtstart's location, which the words name unless it is
// Europe/Copenhagen. The first meeting itself is not described: it is
// always a meeting, as RFC 5545 says, and is shown on its own.
//
// For a rule the words cannot say exactly (such as BYSETPOS beyond "the
// nth weekday", the 20th Monday of the year, or the third-to-last day of
// the month) it returns a generic sentence naming the rule's RRULE text,
// and false: the words are never wrong.
func (r *Rule) Describe(dtstart time.Time, tr Translator) (string, bool) {
	s, ok := shapeOf(r, dtstart)
	if !ok {
		return tr("cadence.rule", r.String()), false
	}
	return s.render(tr), true
}

// DescribeKeys lists the catalogue keys Describe and DescribeCadence use;
// a test checks that every catalogue has them.
func DescribeKeys() []string {
	keys := []string{"cadence.none", "cadence.rule", "cadence.at", "cadence.clock", "cadence.clock_seconds", "cadence.zone", "cadence.count",
		"cadence.until", "date.long", "cadence.list", "cadence.and", "cadence.weekday.1", "cadence.weekday.2", "cadence.weekday.n",
		"cadence.weekday.many", "cadence.weekly_days", "cadence.monthly_nth", "cadence.what_period", "cadence.plain_period",
		"cadence.period_days", "cadence.period_date", "cadence.date", "cadence.in_months", "cadence.nth_in_months",
		"cadence.days_in_months", "cadence.nth_weekday", "cadence.workday", "cadence.monthday", "cadence.monthday.-1",
		"cadence.monthday.-2"}
	for _, unit := range []string{"day", "week", "month", "year"} {
		keys = append(keys, "cadence.every."+unit, "cadence.every."+unit+".2", "cadence.every."+unit+".n", "cadence.every."+unit+".many")
	}
	for _, n := range []string{"1", "2", "3", "4", "5", "-1", "-2"} {
		keys = append(keys, "cadence.ord."+n)
	}
	for n := 3; n <= maxWordInterval; n++ {
		keys = append(keys, "cadence.nth."+itoa(n))
	}
	for m := 1; m <= 12; m++ {
		keys = append(keys, "date.month_"+itoa(m))
	}
	return append(keys, dayKeys[:]...)
}

// maxWordInterval is the largest interval said with an ordinal word
// ("every twelfth month"); larger ones are said with digits.
const maxWordInterval = 12

// maxTimes is the most times of day the words list.
const maxTimes = 6

var dayKeys = [7]string{"weekday.sunday", "weekday.monday", "weekday.tuesday", "weekday.wednesday", "weekday.thursday",
	"weekday.friday", "weekday.saturday"}

// clock is a time of day.
type clock struct{ h, m, s int }

func (c clock) seconds() int { return c.h*3600 + c.m*60 + c.s }

// shape is a rule as the words say it. Its meaning, which the tests check
// against the expansion, is: the days of the periods (days, Monday-based
// weeks, months or years) counted every interval from dtstart's, that
//   - for Daily: fall on weekdays (if any);
//   - for Weekly: fall on weekdays;
//   - for Monthly and Yearly: are the nth weekdays of the month, the
//     workday-th Monday-to-Friday of the month, any of weekdays, or the days
//     of the month monthDays (negative from the end);
//
// and fall in months (if any; a Yearly shape always has them), at each of
// times, count times in all or up to and including the day until.
type shape struct {
	freq      Freq
	interval  int
	weekdays  []time.Weekday
	nth       []WeekdayNum
	workday   int
	monthDays []int
	months    []time.Month
	times     []clock
	count     int
	until     time.Time // the last day, as midnight UTC; zero for none
	zone      string    // the zone's name when the words must say it
}

// ordinal reports whether the words have an ordinal for n ("first",
// "second-to-last").
func ordinal(n int) bool { return (n >= 1 && n <= 5) || n == -1 || n == -2 }

var workdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

// shapeOf returns the shape of r from dtstart, and false when the words
// cannot say it exactly.
func shapeOf(r *Rule, dtstart time.Time) (shape, bool) {
	if r.check() != nil || r.Count == 1 {
		return shape{}, false
	}
	s := shape{freq: r.Freq, interval: r.Interval, count: r.Count, months: slices.Clone(r.ByMonth)}
	slices.Sort(s.months)
	s.months = slices.Compact(s.months)
	loc := dtstart.Location()
	if loc.String() != samspil.TimeZone {
		s.zone = loc.String()
	}
	// Times of day.
	hours, minutes := sortedInts(r.ByHour, dtstart.Hour()), sortedInts(r.ByMinute, dtstart.Minute())
	if len(hours)*len(minutes) > maxTimes {
		return shape{}, false
	}
	for _, h := range hours {
		for _, m := range minutes {
			s.times = append(s.times, clock{h, m, dtstart.Second()})
		}
	}
	var plain []time.Weekday
	var ords []WeekdayNum
	for _, w := range r.ByDay {
		if w.N == 0 {
			plain = append(plain, w.Day)
		} else {
			ords = append(ords, w)
		}
	}
	plain = sortedDays(plain)
	_, m0, d0 := dtstart.Date()
	switch r.Freq {
	case Daily:
		if len(r.ByMonthDay) > 0 || len(r.BySetPos) > 0 || (len(plain) > 0 && r.Interval != 1) {
			return shape{}, false
		}
		s.weekdays = plain
	case Weekly:
		if len(r.BySetPos) > 0 || (r.WeekStart != time.Monday && r.Interval > 1) {
			// Another first day of the week changes which days of a week
			// every other week takes; the words count weeks from Monday.
			return shape{}, false
		}
		s.weekdays = plain
		if len(plain) == 0 {
			s.weekdays = []time.Weekday{dtstart.Weekday()}
		}
	case Monthly:
		if len(s.months) > 0 {
			if r.Interval != 1 {
				return shape{}, false
			}
			// Every month of some months is every year in those months.
			s.freq = Yearly
		}
		if !s.daysOfMonth(r, plain, ords, d0) {
			return shape{}, false
		}
	case Yearly:
		if len(s.months) == 0 {
			if len(r.ByDay)+len(r.ByMonthDay)+len(r.BySetPos) > 0 {
				return shape{}, false
			}
			s.months, s.monthDays = []time.Month{m0}, []int{d0}
		} else if (len(r.BySetPos) > 0 && len(s.months) > 1) || !s.daysOfMonth(r, plain, ords, d0) {
			// BYSETPOS of a YEARLY rule picks from the whole year's days,
			// not from each month's.
			return shape{}, false
		}
	default:
		return shape{}, false
	}
	if !r.Until.IsZero() {
		// The words name the last day that can have a meeting.
		u := r.Until.In(loc)
		day := time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
		if dstChange(day, loc) {
			return shape{}, false
		}
		uNanos := int64(u.Hour()*3600+u.Minute()*60+u.Second()) * 1e9
		ns := int64(dtstart.Nanosecond())
		first, last := int64(s.times[0].seconds())*1e9+ns, int64(s.times[len(s.times)-1].seconds())*1e9+ns
		switch {
		case uNanos >= last:
		case uNanos < first:
			day = day.AddDate(0, 0, -1)
		default:
			return shape{}, false
		}
		s.until = day
	}
	return s, true
}

// daysOfMonth sets the days of a month that a Monthly rule, or a Yearly
// one with BYMONTH, selects, and reports whether the words can say them.
func (s *shape) daysOfMonth(r *Rule, plain []time.Weekday, ords []WeekdayNum, d0 int) bool {
	switch {
	case len(r.BySetPos) > 0:
		// Only "the nth of the weekdays Monday to Friday" and "the nth of
		// one weekday" at one time of day.
		if len(r.BySetPos) != 1 || len(s.times) != 1 || len(r.ByMonthDay) > 0 || len(ords) > 0 || !ordinal(r.BySetPos[0]) {
			return false
		}
		p := r.BySetPos[0]
		switch {
		case slices.Equal(plain, workdays):
			s.workday = p
		case len(plain) == 1:
			s.nth = []WeekdayNum{{N: p, Day: plain[0]}}
		default:
			return false
		}
	case len(r.ByMonthDay) > 0 && len(r.ByDay) > 0:
		return false
	case len(ords) > 0:
		if len(plain) > 0 {
			return false
		}
		for _, o := range ords {
			if !ordinal(o.N) {
				return false
			}
		}
		s.nth = slices.Clone(ords)
		slices.SortStableFunc(s.nth, func(a, b WeekdayNum) int { return ordRank(a.N) - ordRank(b.N) })
	case len(plain) > 0:
		s.weekdays = plain
	case len(r.ByMonthDay) > 0:
		for _, d := range r.ByMonthDay {
			if d < -2 {
				return false
			}
		}
		s.monthDays = slices.Clone(r.ByMonthDay)
		slices.SortFunc(s.monthDays, func(a, b int) int { return monthDayRank(a) - monthDayRank(b) })
	default:
		s.monthDays = []int{d0}
	}
	return true
}

// ordRank orders ordinals first to last: 1..5, then -2, -1.
func ordRank(n int) int {
	if n < 0 {
		return 100 + n
	}
	return n
}

// monthDayRank orders days of the month: 1..31, then -2, -1.
func monthDayRank(n int) int {
	if n < 0 {
		return 100 + n
	}
	return n
}

// dstChange reports whether the UTC offset of loc changes during the day
// of day's date.
func dstChange(day time.Time, loc *time.Location) bool {
	_, a := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc).Zone()
	_, b := time.Date(day.Year(), day.Month(), day.Day(), 23, 59, 59, 0, loc).Zone()
	return a != b
}

func sortedInts(list []int, def int) []int {
	if len(list) == 0 {
		return []int{def}
	}
	out := slices.Clone(list)
	slices.Sort(out)
	return slices.Compact(out)
}

// sortedDays sorts weekdays Monday first and drops repeats.
func sortedDays(days []time.Weekday) []time.Weekday {
	out := slices.Clone(days)
	slices.SortFunc(out, func(a, b time.Weekday) int { return (int(a)+6)%7 - (int(b)+6)%7 })
	return slices.Compact(out)
}

// render says the shape in the language of tr.
func (s *shape) render(tr Translator) string {
	var text string
	switch s.freq {
	case Daily:
		if len(s.weekdays) > 0 {
			text = tr("cadence.weekday.1", s.dayList(tr))
		} else {
			text = s.period(tr, "day")
		}
		text = s.inMonths(tr, text)
	case Weekly:
		if len(s.weekdays) == 1 {
			day := tr(dayKeys[s.weekdays[0]])
			switch k := s.interval; {
			case k == 1:
				text = tr("cadence.weekday.1", day)
			case k == 2:
				text = tr("cadence.weekday.2", day)
			case k <= maxWordInterval:
				text = tr("cadence.weekday.n", tr("cadence.nth."+itoa(k)), day)
			default:
				text = tr("cadence.weekday.many", k, day)
			}
		} else {
			text = tr("cadence.weekly_days", s.period(tr, "week"), s.dayList(tr))
		}
		text = s.inMonths(tr, text)
	case Monthly:
		switch {
		case len(s.nth) > 0 || s.workday != 0:
			if s.interval == 1 {
				text = tr("cadence.monthly_nth", s.nthList(tr))
			} else {
				text = tr("cadence.what_period", s.nthList(tr), s.period(tr, "month"))
			}
		case len(s.weekdays) > 0:
			text = tr("cadence.weekday.1", s.dayList(tr))
			if s.interval != 1 {
				text = tr("cadence.plain_period", text, s.period(tr, "month"))
			}
		default:
			text = tr("cadence.period_days", s.period(tr, "month"), s.monthDayList(tr))
		}
	case Yearly:
		months := s.monthList(tr)
		switch {
		case len(s.months) == 1 && len(s.monthDays) == 1 && s.monthDays[0] > 0:
			text = tr("cadence.period_date", s.period(tr, "year"), tr("cadence.date", s.monthDays[0], months))
		case len(s.nth) > 0 || s.workday != 0:
			text = tr("cadence.what_period", tr("cadence.nth_in_months", s.nthList(tr), months), s.period(tr, "year"))
		case len(s.weekdays) > 0:
			text = tr("cadence.in_months", tr("cadence.weekday.1", s.dayList(tr)), months)
			if s.interval != 1 {
				text = tr("cadence.plain_period", text, s.period(tr, "year"))
			}
		default:
			text = tr("cadence.what_period", tr("cadence.days_in_months", s.monthDayList(tr), months), s.period(tr, "year"))
		}
	}
	times := make([]string, len(s.times))
	for i, c := range s.times {
		if c.s != 0 {
			times[i] = tr("cadence.clock_seconds", c.h, c.m, c.s)
		} else {
			times[i] = tr("cadence.clock", c.h, c.m)
		}
	}
	text = tr("cadence.at", text, join(tr, times))
	if s.zone != "" {
		text = tr("cadence.zone", text, s.zone)
	}
	if s.count > 0 {
		text = tr("cadence.count", text, s.count)
	}
	if !s.until.IsZero() {
		text = tr("cadence.until", text, tr("date.long", s.until.Day(), tr("date.month_"+itoa(int(s.until.Month()))), s.until.Year()))
	}
	return text
}

// period says "every day", "every other week", "every third month", "every
// 14 years" for a unit of day, week, month or year.
func (s *shape) period(tr Translator, unit string) string {
	switch k := s.interval; {
	case k <= 1:
		return tr("cadence.every." + unit)
	case k == 2:
		return tr("cadence.every." + unit + ".2")
	case k <= maxWordInterval:
		return tr("cadence.every."+unit+".n", tr("cadence.nth."+itoa(k)))
	default:
		return tr("cadence.every."+unit+".many", k)
	}
}

// inMonths adds the months, if any, to text.
func (s *shape) inMonths(tr Translator, text string) string {
	if len(s.months) == 0 {
		return text
	}
	return tr("cadence.in_months", text, s.monthList(tr))
}

func (s *shape) dayList(tr Translator) string {
	items := make([]string, len(s.weekdays))
	for i, d := range s.weekdays {
		items[i] = tr(dayKeys[d])
	}
	return join(tr, items)
}

func (s *shape) monthList(tr Translator) string {
	items := make([]string, len(s.months))
	for i, m := range s.months {
		items[i] = tr("date.month_" + itoa(int(m)))
	}
	return join(tr, items)
}

func (s *shape) monthDayList(tr Translator) string {
	items := make([]string, len(s.monthDays))
	for i, d := range s.monthDays {
		if d < 0 {
			items[i] = tr("cadence.monthday." + itoa(d))
		} else {
			items[i] = tr("cadence.monthday", d)
		}
	}
	return join(tr, items)
}

// nthList says the nth weekdays: "first and third Thursday" when they are
// one weekday, else "first Monday and last Friday".
func (s *shape) nthList(tr Translator) string {
	if s.workday != 0 {
		return tr("cadence.workday", tr("cadence.ord."+itoa(s.workday)))
	}
	same := true
	for _, o := range s.nth {
		same = same && o.Day == s.nth[0].Day
	}
	if same {
		ords := make([]string, len(s.nth))
		for i, o := range s.nth {
			ords[i] = tr("cadence.ord." + itoa(o.N))
		}
		return tr("cadence.nth_weekday", join(tr, ords), tr(dayKeys[s.nth[0].Day]))
	}
	items := make([]string, len(s.nth))
	for i, o := range s.nth {
		items[i] = tr("cadence.nth_weekday", tr("cadence.ord."+itoa(o.N)), tr(dayKeys[o.Day]))
	}
	return join(tr, items)
}

// join says a list: "a", "a and b", "a, b and c".
func join(tr Translator, items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	head := items[0]
	for _, it := range items[1 : len(items)-1] {
		head = tr("cadence.list", head, it)
	}
	return tr("cadence.and", head, items[len(items)-1])
}

func itoa(n int) string { return strconv.Itoa(n) }
