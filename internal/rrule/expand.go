package rrule

import (
	"math"
	"slices"
	"time"

	"github.com/samspil/samspil"
)

const (
	// maxPeriods bounds the periods (days, weeks, months or years) one
	// expansion visits.
	maxPeriods = 200_000
	// maxResults bounds the occurrences Between returns, whatever max says.
	maxResults = 100_000
	// validateYears is how far Validate looks for a first occurrence.
	validateYears = 10
	secondsPerDay = 86400
	// noEnd is the last day of an expansion without an end.
	noEnd = math.MaxInt64 / 4
)

// Between returns the occurrences t of the rule from dtstart with
// from <= t < to, in ascending order, at most max of them (and never more
// than 100,000).
//
// As RFC 5545 says, dtstart is always the first occurrence and counts
// towards COUNT, also when it does not match the rule (the RFC leaves such
// a recurrence set undefined; the forum's first meeting is a meeting all
// the same). The rule's own occurrences after dtstart follow; those before
// it are not part of the set. When UNTIL is before dtstart there are no
// occurrences at all.
//
// Occurrences are in dtstart's location, at dtstart's wall-clock time (or
// BYHOUR and BYMINUTE, with dtstart's seconds). A wall-clock time that
// occurs twice means the first instant; one that does not exist moves
// forward by the length of the gap (RFC 5545 section 3.3.5), and should
// that move it into the next day, which only happens in zones that skip a
// whole day, it is dropped as section 3.8.5.3 says. Occurrences that fall
// on the same instant count once. BYSETPOS picks positions in the
// wall-clock order of each period's candidates.
//
// Between expects a rule that Validate accepts; values out of range in a
// rule built by hand never match. It returns nil when max <= 0 or
// from >= to.
func (r *Rule) Between(dtstart, from, to time.Time, max int) []time.Time {
	if max <= 0 || !from.Before(to) {
		return nil
	}
	max = min(max, maxResults)
	var out []time.Time
	r.each(dtstart, from, to, true, func(t time.Time) bool {
		out = append(out, t)
		return len(out) < max
	})
	return out
}

// After returns the first occurrence of the rule from dtstart that is
// strictly after t, as Between would list it, and false when there is none
// (the rule has ended, or it finds nothing within its bounds: 200,000
// periods, or a full 400-year cycle of the calendar without a match).
func (r *Rule) After(dtstart, t time.Time) (time.Time, bool) {
	var next time.Time
	found := false
	r.each(dtstart, t.Add(time.Nanosecond), time.Time{}, false, func(o time.Time) bool {
		next, found = o, true
		return false
	})
	return next, found
}

// Validate checks a rule against the first meeting dtstart: the rule's
// values must be in range (as Parse checks them), UNTIL must not be before
// dtstart, and the rule itself, apart from COUNT and UNTIL, must match at
// least one time in the 10 years from dtstart, which for example
// BYMONTH=2;BYMONTHDAY=30 never does. Errors are *samspil.Error values
// with code samspil.EINVALID about the field "cadence".
func (r *Rule) Validate(dtstart time.Time) error {
	if err := r.check(); err != nil {
		return err
	}
	if !r.Until.IsZero() && r.Until.Before(dtstart) {
		return samspil.ErrorAt(samspil.EINVALID, field, "UNTIL=%s is before the first meeting; write a later time or leave UNTIL out", r.Until.UTC().Format(untilLayout))
	}
	end := dtstart.AddDate(validateYears, 0, 0)
	w := newWalker(r, dtstart)
	found := false
	w.walk(w.day0, w.dayOf(end)+1, func(t time.Time) bool {
		if t.Before(dtstart) {
			return true
		}
		found = t.Before(end)
		return false
	})
	if !found {
		return samspil.ErrorAt(samspil.EINVALID, field, "the cadence has no meeting in the %d years after the first meeting; check that BYMONTH, BYMONTHDAY, BYDAY and BYSETPOS can pick the same day", validateYears)
	}
	return nil
}

// each calls yield with the occurrences t >= from, and t < to when
// bounded, in ascending order until yield returns false.
func (r *Rule) each(dtstart, from, to time.Time, bounded bool, yield func(time.Time) bool) {
	if r.Freq < Daily || r.Freq > Yearly || (bounded && !from.Before(to)) {
		return
	}
	dtstart = dtstart.Round(0) // no monotonic clock reading in results
	until := r.Until
	if !until.IsZero() && dtstart.After(until) {
		return
	}
	if bounded && !dtstart.Before(to) {
		return
	}
	if !dtstart.Before(from) && !yield(dtstart) {
		return
	}
	if r.Count == 1 {
		return
	}
	w := newWalker(r, dtstart)
	hint := w.day0
	if r.Count <= 0 {
		// Nothing before from is counted: start at the period of from. A
		// day's margin covers times that the time zone moves.
		hint = max(hint, w.dayOf(from)-1)
	}
	stop := int64(noEnd)
	if bounded {
		stop = w.dayOf(to) + 1
	}
	if !until.IsZero() {
		stop = min(stop, w.dayOf(until)+1)
	}
	n := 1
	w.walk(hint, stop, func(t time.Time) bool {
		switch {
		case !t.After(dtstart):
			return true
		case !until.IsZero() && t.After(until), bounded && !t.Before(to):
			return false
		}
		n++
		if !t.Before(from) && !yield(t) {
			return false
		}
		return r.Count <= 0 || n < r.Count
	})
}

// walker expands the BYxxx parts of a rule period by period. Days are
// numbered from 1970-01-01 in dtstart's local calendar.
type walker struct {
	freq     Freq
	interval int64
	wkst     time.Weekday
	loc      *time.Location

	// dtstart's local date and time
	day0       int64
	y0         int
	m0         time.Month
	d0         int
	wd0        time.Weekday
	sec, nsec  int
	months     uint16       // BYMONTH: bit m; 0 when absent
	mdPos      uint32       // BYMONTHDAY 1..31: bit d
	mdNeg      uint32       // BYMONTHDAY -1..-31: bit -d
	hasByDay   bool         // BYDAY given
	wdays      uint8        // BYDAY weekdays without ordinal: bit d
	ords       []WeekdayNum // BYDAY weekdays with an ordinal
	hours      []int        // sorted, distinct
	minutes    []int        // sorted, distinct
	setPos     []int
	sel        []int // BYSETPOS indices of the current period
	days       [366]int64
	nd         int
	buf        []time.Time // one day's instants
	small      [4]time.Time
	hbuf, mbuf [60]int
}

func newWalker(r *Rule, dtstart time.Time) *walker {
	w := &walker{freq: r.Freq, interval: int64(max(r.Interval, 1)), wkst: r.WeekStart, loc: dtstart.Location()}
	if w.wkst < time.Sunday || w.wkst > time.Saturday {
		w.wkst = time.Monday
	}
	_, off := dtstart.Zone()
	u := dtstart.Unix() + int64(off)
	w.day0 = floorDiv(u, secondsPerDay)
	sod := int(u - w.day0*secondsPerDay)
	w.y0, w.m0, w.d0 = dtstart.Date()
	w.wd0 = dtstart.Weekday()
	w.sec, w.nsec = sod%60, dtstart.Nanosecond()
	for _, m := range r.ByMonth {
		if m >= time.January && m <= time.December {
			w.months |= 1 << m
		}
	}
	for _, d := range r.ByMonthDay {
		switch {
		case d >= 1 && d <= 31:
			w.mdPos |= 1 << d
		case d <= -1 && d >= -31:
			w.mdNeg |= 1 << -d
		}
	}
	w.hasByDay = len(r.ByDay) > 0
	for _, wd := range r.ByDay {
		switch {
		case wd.Day < time.Sunday || wd.Day > time.Saturday:
		case wd.N == 0:
			w.wdays |= 1 << wd.Day
		case r.Freq == Monthly || r.Freq == Yearly:
			w.ords = append(w.ords, wd)
		}
	}
	w.hours = sortedSet(w.hbuf[:0], r.ByHour, 23, sod/3600)
	w.minutes = sortedSet(w.mbuf[:0], r.ByMinute, 59, sod%3600/60)
	for _, p := range r.BySetPos {
		if p != 0 {
			w.setPos = append(w.setPos, p)
		}
	}
	if len(w.setPos) > 0 {
		w.sel = make([]int, 0, len(w.setPos))
	}
	if nt := len(w.hours) * len(w.minutes); nt <= len(w.small) {
		w.buf = w.small[:0]
	} else {
		w.buf = make([]time.Time, 0, nt)
	}
	return w
}

// sortedSet returns the distinct values 0..hi of list in ascending order,
// or def alone when list is empty.
func sortedSet(buf, list []int, hi, def int) []int {
	if len(list) == 0 {
		return append(buf, def)
	}
	var seen [64]bool
	for _, v := range list {
		if v >= 0 && v <= hi {
			seen[v] = true
		}
	}
	for v := 0; v <= hi; v++ {
		if seen[v] {
			buf = append(buf, v)
		}
	}
	return buf
}

// walk calls yield with the rule's candidate times, ascending, from the
// period that holds day hint (or the first period, if later) until a
// period starts after day stop or yield returns false. It stops early
// after maxPeriods periods, or when a whole cycle of the Gregorian
// calendar (400 years) of periods has produced no candidate, since then
// no later period can.
func (w *walker) walk(hint, stop int64, yield func(time.Time) bool) {
	var p, cycle int64 // period number, and periods in a calendar cycle
	switch w.freq {
	case Daily:
		p, cycle = w.day0, 146097
		if hint > p {
			p += (hint - p) / w.interval * w.interval
		}
	case Weekly:
		p, cycle = w.weekStart(w.day0), 146097/7
		if hw := w.weekStart(hint); hw > p {
			p += (hw - p) / 7 / w.interval * w.interval * 7
		}
	case Monthly:
		p, cycle = int64(w.y0)*12+int64(w.m0)-1, 4800
		if hy, hm, _ := civil(hint); int64(hy)*12+int64(hm)-1 > p {
			p += (int64(hy)*12 + int64(hm) - 1 - p) / w.interval * w.interval
		}
	case Yearly:
		p, cycle = int64(w.y0), 400
		if hy, _, _ := civil(hint); int64(hy) > p {
			p += (int64(hy) - p) / w.interval * w.interval
		}
	default:
		return
	}
	step := w.interval
	if w.freq == Weekly {
		step *= 7
	}
	idleLimit := cycle / gcd(w.interval, cycle)
	idle := int64(0)
	for range maxPeriods {
		if w.fill(p, stop) {
			return
		}
		produced, ok := w.emitPeriod(yield)
		if !ok {
			return
		}
		if produced {
			idle = 0
		} else if idle++; idle >= idleLimit {
			return
		}
		p += step
	}
}

// weekStart returns the first day of the week (by WKST) that holds day.
func (w *walker) weekStart(day int64) int64 {
	return day - int64((weekdayOf(day)-w.wkst+7)%7)
}

// fill sets w.days to the days of period p that the rule's date parts
// select, ascending, and reports whether the period starts after day stop.
func (w *walker) fill(p, stop int64) (past bool) {
	w.nd = 0
	switch w.freq {
	case Daily:
		if p > stop {
			return true
		}
		y, m, d := civil(p)
		switch {
		case w.months != 0 && w.months&(1<<m) == 0:
		case (w.mdPos|w.mdNeg) != 0 && w.mdPos&(1<<d) == 0 && w.mdNeg&(1<<(daysIn(y, m)-d+1)) == 0:
		case w.hasByDay && w.wdays&(1<<weekdayOf(p)) == 0:
		default:
			w.days[0], w.nd = p, 1
		}
	case Weekly:
		if p > stop {
			return true
		}
		for i := range int64(7) {
			day := p + i
			wd := weekdayOf(day)
			if w.hasByDay && w.wdays&(1<<wd) == 0 || !w.hasByDay && wd != w.wd0 {
				continue
			}
			if w.months != 0 {
				if _, m, _ := civil(day); w.months&(1<<m) == 0 {
					continue
				}
			}
			w.days[w.nd] = day
			w.nd++
		}
	case Monthly:
		y, m := int(floorDiv(p, 12)), time.Month(p-floorDiv(p, 12)*12+1)
		first := dayNumber(y, m, 1)
		if first > stop {
			return true
		}
		if w.months == 0 || w.months&(1<<m) != 0 {
			w.addMonth(y, m, first)
		}
	case Yearly:
		y := int(p)
		first := dayNumber(y, time.January, 1)
		if first > stop {
			return true
		}
		switch {
		case w.months != 0:
			for m := time.January; m <= time.December; m++ {
				if w.months&(1<<m) != 0 {
					w.addMonth(y, m, dayNumber(y, m, 1))
				}
			}
		case (w.mdPos|w.mdNeg) != 0 || w.hasByDay:
			w.addYear(y, first)
		case w.d0 <= daysIn(y, w.m0):
			w.days[0], w.nd = dayNumber(y, w.m0, w.d0), 1
		}
	}
	return false
}

// addMonth appends the selected days of month m of year y, whose first
// day is first. BYDAY ordinals count within the month.
func (w *walker) addMonth(y int, m time.Month, first int64) {
	n := daysIn(y, m)
	set := uint64(1)<<n - 1
	has := false
	if w.mdPos|w.mdNeg != 0 {
		set &= w.monthDays(n)
		has = true
	}
	if w.hasByDay {
		var s uint64
		w.weekdays(weekdayOf(first), n, func(i int) { s |= 1 << i })
		set &= s
		has = true
	}
	if !has {
		set = 0
		if w.d0 <= n {
			set = 1 << (w.d0 - 1)
		}
	}
	for i := range n {
		if set&(1<<i) != 0 {
			w.days[w.nd] = first + int64(i)
			w.nd++
		}
	}
}

// addYear appends the selected days of year y, whose first day is first,
// for a YEARLY rule without BYMONTH: BYMONTHDAY applies to every month and
// BYDAY ordinals count within the year.
func (w *walker) addYear(y int, first int64) {
	n := 365
	if isLeap(y) {
		n = 366
	}
	var set, s [6]uint64
	for i := range n {
		set[i/64] |= 1 << (i % 64)
	}
	if w.mdPos|w.mdNeg != 0 {
		s = [6]uint64{}
		off := 0
		for m := time.January; m <= time.December; m++ {
			md := daysIn(y, m)
			days := w.monthDays(md)
			for i := range md {
				if days&(1<<i) != 0 {
					s[(off+i)/64] |= 1 << ((off + i) % 64)
				}
			}
			off += md
		}
		for i := range set {
			set[i] &= s[i]
		}
	}
	if w.hasByDay {
		s = [6]uint64{}
		w.weekdays(weekdayOf(first), n, func(i int) { s[i/64] |= 1 << (i % 64) })
		for i := range set {
			set[i] &= s[i]
		}
	}
	for i := range n {
		if set[i/64]&(1<<(i%64)) != 0 {
			w.days[w.nd] = first + int64(i)
			w.nd++
		}
	}
}

// monthDays returns BYMONTHDAY for a month of n days: bit i for day i+1.
func (w *walker) monthDays(n int) uint64 {
	s := uint64(w.mdPos>>1) & (1<<n - 1)
	for k := 1; k <= n; k++ {
		if w.mdNeg&(1<<k) != 0 {
			s |= 1 << (n - k)
		}
	}
	return s
}

// weekdays calls mark with the index (0-based) of every day that BYDAY
// selects in a span of n days whose first day is a firstWd.
func (w *walker) weekdays(firstWd time.Weekday, n int, mark func(i int)) {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if w.wdays&(1<<d) != 0 {
			for i := int((d - firstWd + 7) % 7); i < n; i += 7 {
				mark(i)
			}
		}
	}
	for _, o := range w.ords {
		f := int((o.Day - firstWd + 7) % 7)
		count := (n-1-f)/7 + 1
		switch {
		case o.N > 0 && o.N <= count:
			mark(f + 7*(o.N-1))
		case o.N < 0 && -o.N <= count:
			mark(f + 7*(count+o.N))
		}
	}
}

// emitPeriod yields the candidates of the days in w.days, after BYSETPOS.
// It reports whether the period had candidates, and false for ok when
// yield stopped the walk.
func (w *walker) emitPeriod(yield func(time.Time) bool) (produced, ok bool) {
	nt := len(w.hours) * len(w.minutes)
	if w.nd == 0 || nt == 0 {
		return false, true
	}
	if len(w.setPos) == 0 {
		for i := range w.nd {
			if !w.emitDay(w.days[i], nil, 0, nt, yield) {
				return true, false
			}
		}
		return true, true
	}
	total := w.nd * nt
	w.sel = w.sel[:0]
	for _, p := range w.setPos {
		i := p - 1
		if p < 0 {
			i = total + p
		}
		if i >= 0 && i < total {
			w.sel = append(w.sel, i)
		}
	}
	if len(w.sel) == 0 {
		return false, true
	}
	slices.Sort(w.sel)
	w.sel = slices.Compact(w.sel)
	for start := 0; start < len(w.sel); {
		d := w.sel[start] / nt
		end := start + 1
		for end < len(w.sel) && w.sel[end]/nt == d {
			end++
		}
		if !w.emitDay(w.days[d], w.sel[start:end], d*nt, nt, yield) {
			return true, false
		}
		start = end
	}
	return true, true
}

// emitDay yields the times of day at time indexes idx (minus base), or
// all nt of them when idx is nil, in ascending order without repeats.
func (w *walker) emitDay(day int64, idx []int, base, nt int, yield func(time.Time) bool) bool {
	w.buf = w.buf[:0]
	nm := len(w.minutes)
	add := func(ti int) {
		sod := w.hours[ti/nm]*3600 + w.minutes[ti%nm]*60 + w.sec
		if t, ok := w.resolve(day, sod); ok {
			// Insertion sort: times are in order except around a DST gap.
			i := len(w.buf)
			w.buf = append(w.buf, t)
			for ; i > 0 && t.Before(w.buf[i-1]); i-- {
				w.buf[i] = w.buf[i-1]
			}
			w.buf[i] = t
		}
	}
	if idx == nil {
		for ti := range nt {
			add(ti)
		}
	} else {
		for _, i := range idx {
			add(i - base)
		}
	}
	for i, t := range w.buf {
		if i > 0 && t.Equal(w.buf[i-1]) {
			continue
		}
		if !yield(t) {
			return false
		}
	}
	return true
}

// resolve returns the instant of the wall-clock time sod seconds into day
// in w.loc: the first instant of a time that occurs twice, and for a time
// in a gap the instant that the UTC offset before the gap gives, which
// reads as a wall-clock time later by the gap. It reports false when that
// is on another day.
func (w *walker) resolve(day int64, sod int) (time.Time, bool) {
	t := time.Date(1970, time.January, 1+int(day), 0, 0, sod, w.nsec, w.loc)
	u := day*secondsPerDay + int64(sod)
	_, off := t.Zone()
	if wall := t.Unix() + int64(off); wall != u {
		// In a gap. time.Date used one of the two offsets; we want the one
		// before the gap, which makes the wall-clock time later.
		if wall < u {
			t = t.Add(time.Duration(u-wall) * time.Second)
			_, off = t.Zone()
			wall = t.Unix() + int64(off)
		}
		return t, floorDiv(wall, secondsPerDay) == day
	}
	// Clocks set back: the same wall-clock time may have occurred under
	// the previous, larger offset.
	start, _ := t.ZoneBounds()
	if !start.IsZero() {
		if _, prev := start.Add(-time.Nanosecond).Zone(); prev > off {
			if e := t.Add(-time.Duration(prev-off) * time.Second); e.Before(start) {
				t = e
			}
		}
	}
	return t, true
}

// dayOf returns the local day number of t in w.loc.
func (w *walker) dayOf(t time.Time) int64 {
	_, off := t.In(w.loc).Zone()
	return floorDiv(t.Unix()+int64(off), secondsPerDay)
}

// civil returns the date of a day number.
func civil(day int64) (int, time.Month, int) {
	return time.Unix(day*secondsPerDay, 0).UTC().Date()
}

// dayNumber returns the day number of a date.
func dayNumber(y int, m time.Month, d int) int64 {
	return floorDiv(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix(), secondsPerDay)
}

// weekdayOf returns the weekday of a day number; day 0 was a Thursday.
func weekdayOf(day int64) time.Weekday {
	return time.Weekday(floorMod(day+4, 7))
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
