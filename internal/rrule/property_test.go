package rrule

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"
)

var propertyZones = []string{
	"Europe/Copenhagen", "Europe/Copenhagen", "Europe/Copenhagen", "America/New_York", "Australia/Lord_Howe",
	"America/Sao_Paulo", "Asia/Kolkata", "UTC", "Pacific/Apia", "America/St_Johns", "Europe/London",
}

// randomRule returns a random valid rule of the supported subset and a
// first meeting for it.
func randomRule(rng *rand.Rand, t *testing.T) (*Rule, time.Time) {
	for {
		r := &Rule{Freq: Freq(1 + rng.IntN(4)), Interval: 1, WeekStart: time.Weekday(rng.IntN(7))}
		if rng.IntN(2) == 0 {
			r.Interval = 1 + rng.IntN(4)
		} else if rng.IntN(5) == 0 {
			r.Interval = 1 + rng.IntN(30)
		}
		if rng.IntN(10) < 3 {
			r.ByMonth = randomSet(rng, 1+rng.IntN(3), func() time.Month { return time.Month(1 + rng.IntN(12)) })
		}
		if r.Freq != Weekly && rng.IntN(10) < 3 {
			r.ByMonthDay = randomSet(rng, 1+rng.IntN(3), func() int {
				if rng.IntN(3) == 0 {
					return -1 - rng.IntN(31)
				}
				return 1 + rng.IntN(31)
			})
		}
		if rng.IntN(10) < 4 {
			maxN := 0
			switch {
			case r.Freq == Monthly, r.Freq == Yearly && len(r.ByMonth) > 0:
				maxN = 5
			case r.Freq == Yearly:
				maxN = 53
			}
			r.ByDay = randomSet(rng, 1+rng.IntN(3), func() WeekdayNum {
				w := WeekdayNum{Day: time.Weekday(rng.IntN(7))}
				if maxN > 0 && rng.IntN(2) == 0 {
					w.N = 1 + rng.IntN(min(maxN, 5))
					if maxN > 5 && rng.IntN(3) == 0 {
						w.N = 1 + rng.IntN(maxN)
					}
					if rng.IntN(2) == 0 {
						w.N = -w.N
					}
				}
				return w
			})
		}
		if rng.IntN(10) < 2 {
			r.ByHour = randomSet(rng, 1+rng.IntN(3), func() int { return rng.IntN(24) })
		}
		if rng.IntN(10) < 2 {
			r.ByMinute = randomSet(rng, 1+rng.IntN(3), func() int { return rng.IntN(60) })
		}
		if len(r.ByDay)+len(r.ByMonthDay)+len(r.ByMonth)+len(r.ByHour)+len(r.ByMinute) > 0 && rng.IntN(10) < 2 {
			r.BySetPos = randomSet(rng, 1+rng.IntN(2), func() int {
				if rng.IntN(2) == 0 {
					return -1 - rng.IntN(5)
				}
				return 1 + rng.IntN(5)
			})
		}
		loc := mustLoad(t, propertyZones[rng.IntN(len(propertyZones))])
		y := 1996 + rng.IntN(35)
		if loc.String() == "Pacific/Apia" {
			y = 2011
		}
		hours := []int{0, 1, 2, 3, 9, 13, 23}
		dtstart := time.Date(y, time.Month(1+rng.IntN(12)), 1+rng.IntN(28), hours[rng.IntN(len(hours))], 15*rng.IntN(4), 0, 0, loc)
		switch rng.IntN(10) {
		case 0, 1, 2:
			r.Count = 1 + rng.IntN(60)
		case 3, 4:
			r.Until = dtstart.Add(time.Duration(rng.IntN(800*24)) * time.Hour).UTC()
		}
		r.normalize()
		if r.check() != nil || r.Validate(dtstart) != nil {
			continue
		}
		return r, dtstart
	}
}

func randomSet[T comparable](rng *rand.Rand, n int, gen func() T) []T {
	out := make([]T, n)
	for i := range out {
		out[i] = gen()
	}
	return out
}

// The oracle below expands a rule in a second, deliberately naive way: it
// looks at every local day, asks whether the rule's parts select it, and
// finds the instant of each wall-clock time by scanning the zone's offsets.

// oracleMatch reports whether the rule selects the local date day
// (BYSETPOS aside).
func oracleMatch(r *Rule, dtstart, day time.Time) bool {
	y0, m0, d0 := dtstart.Date()
	y, m, d := day.Date()
	first := time.Date(y0, m0, d0, 0, 0, 0, 0, time.UTC)
	days := func(a, b time.Time) int { return int(b.Sub(a).Hours()/24 + 0.5) }
	switch r.Freq {
	case Daily:
		if days(first, day)%r.Interval != 0 {
			return false
		}
	case Weekly:
		weekStart := func(x time.Time) time.Time { return x.AddDate(0, 0, -int((x.Weekday()-r.WeekStart+7)%7)) }
		if (days(weekStart(first), weekStart(day))/7)%r.Interval != 0 {
			return false
		}
	case Monthly:
		if ((y*12+int(m))-(y0*12+int(m0)))%r.Interval != 0 {
			return false
		}
	case Yearly:
		if (y-y0)%r.Interval != 0 {
			return false
		}
	}
	if len(r.ByMonth) > 0 && !slices.Contains(r.ByMonth, m) {
		return false
	}
	dim := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if len(r.ByMonthDay) > 0 && !slices.ContainsFunc(r.ByMonthDay, func(md int) bool { return md == d || md == d-dim-1 }) {
		return false
	}
	if len(r.ByDay) > 0 && !slices.ContainsFunc(r.ByDay, func(w WeekdayNum) bool {
		if w.Day != day.Weekday() {
			return false
		}
		if w.N == 0 {
			return true
		}
		pos, n := d, dim // the position of day in its month or year
		if r.Freq == Yearly && len(r.ByMonth) == 0 {
			pos, n = day.YearDay(), time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC).YearDay()
		}
		if w.N > 0 {
			return (pos-1)/7+1 == w.N
		}
		return (n-pos)/7+1 == -w.N
	}) {
		return false
	}
	if len(r.ByDay) == 0 && len(r.ByMonthDay) == 0 {
		switch r.Freq {
		case Weekly:
			return day.Weekday() == dtstart.Weekday()
		case Monthly:
			return d == d0
		case Yearly:
			return d == d0 && (m == m0 || len(r.ByMonth) > 0)
		}
	}
	return true
}

// oracleResolve returns the instant of a wall-clock time in loc: the
// earliest instant showing it, or for a time in a gap the instant that the
// offset before the gap gives; false when that lands on another day.
func oracleResolve(loc *time.Location, day time.Time, h, m, s, ns int) (time.Time, bool) {
	u := day.Unix() + int64(h*3600+m*60+s)
	offAt := func(x int64) int64 { _, off := time.Unix(x, 0).In(loc).Zone(); return int64(off) }
	offsets := map[int64]bool{}
	for x := u - 36*3600; x <= u+36*3600; x += 900 {
		offsets[offAt(x)] = true
	}
	best, found := int64(0), false
	for off := range offsets {
		if x := u - off; offAt(x) == off && (!found || x < best) {
			best, found = x, true
		}
	}
	if found {
		return time.Unix(best, int64(ns)).In(loc), true
	}
	for x := u - 36*3600; x <= u+36*3600; x += 60 {
		if x+offAt(x) < u && x+60+offAt(x+60) > u {
			t := time.Unix(u-offAt(x), int64(ns)).In(loc)
			y, mo, d := t.Date()
			dy, dm, dd := day.Date()
			return t, y == dy && mo == dm && d == dd
		}
	}
	panic("no gap found")
}

// oracle returns the occurrences of r from dtstart up to and including
// the local date last.
func oracle(r *Rule, dtstart, last time.Time) []time.Time {
	loc := dtstart.Location()
	h0, mi0, s0 := dtstart.Clock()
	hours, minutes := r.ByHour, r.ByMinute
	if len(hours) == 0 {
		hours = []int{h0}
	}
	if len(minutes) == 0 {
		minutes = []int{mi0}
	}
	hours, minutes = slices.Sorted(slices.Values(hours)), slices.Sorted(slices.Values(minutes))
	y0, m0, d0 := dtstart.Date()
	day := time.Date(y0, m0, d0, 0, 0, 0, 0, time.UTC)
	// Start at the first day of dtstart's period, for BYSETPOS.
	switch r.Freq {
	case Weekly:
		day = day.AddDate(0, 0, -int((day.Weekday()-r.WeekStart+7)%7))
	case Monthly:
		day = time.Date(y0, m0, 1, 0, 0, 0, 0, time.UTC)
	case Yearly:
		day = time.Date(y0, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	periodOf := func(d time.Time) int {
		switch r.Freq {
		case Weekly:
			return int(d.AddDate(0, 0, -int((d.Weekday()-r.WeekStart+7)%7)).Unix() / 86400)
		case Monthly:
			return d.Year()*12 + int(d.Month())
		case Yearly:
			return d.Year()
		}
		return int(d.Unix() / 86400)
	}
	type wall struct {
		day  time.Time
		h, m int
	}
	var walls []wall
	var out []time.Time
	flush := func() {
		if len(r.BySetPos) > 0 {
			var sel []wall
			for i := range walls {
				if slices.Contains(r.BySetPos, i+1) || slices.Contains(r.BySetPos, i-len(walls)) {
					sel = append(sel, walls[i])
				}
			}
			walls = sel
		}
		for i := 0; i < len(walls); {
			j := i
			var dayTimes []time.Time
			for ; j < len(walls) && walls[j].day.Equal(walls[i].day); j++ {
				if t, ok := oracleResolve(loc, walls[j].day, walls[j].h, walls[j].m, s0, dtstart.Nanosecond()); ok {
					dayTimes = append(dayTimes, t)
				}
			}
			sort.Slice(dayTimes, func(a, b int) bool { return dayTimes[a].Before(dayTimes[b]) })
			dayTimes = slices.CompactFunc(dayTimes, time.Time.Equal)
			out = append(out, dayTimes...)
			i = j
		}
		walls = walls[:0]
	}
	period := periodOf(day)
	for ; ; day = day.AddDate(0, 0, 1) {
		if p := periodOf(day); p != period {
			flush()
			period = p
			if day.After(last) {
				break
			}
		}
		if oracleMatch(r, dtstart, day) {
			for _, h := range hours {
				for _, m := range minutes {
					walls = append(walls, wall{day, h, m})
				}
			}
		}
	}
	// DTSTART first, then the rule's own occurrences; COUNT and UNTIL.
	all := []time.Time{dtstart}
	for _, t := range out {
		if t.After(dtstart) {
			all = append(all, t)
		}
	}
	if r.Count > 0 && len(all) > r.Count {
		all = all[:r.Count]
	}
	if !r.Until.IsZero() {
		if dtstart.After(r.Until) {
			return nil
		}
		all = slices.DeleteFunc(all, func(t time.Time) bool { return t.After(r.Until) })
	}
	return all
}

func window(all []time.Time, from, to time.Time) []time.Time {
	var out []time.Time
	for _, t := range all {
		if !t.Before(from) && t.Before(to) {
			out = append(out, t)
		}
	}
	return out
}

func sameTimes(a, b []time.Time) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) || a[i].Location() != b[i].Location() {
			return false
		}
	}
	return true
}

// euOffset is the UTC offset of Danish time at instant t by the EU rules
// since 1996: summer time (+02) from 01:00 UTC on the last Sunday of March
// to 01:00 UTC on the last Sunday of October.
func euOffset(t time.Time) int {
	y := t.UTC().Year()
	lastSunday := func(m time.Month) time.Time {
		d := time.Date(y, m+1, 0, 1, 0, 0, 0, time.UTC)
		return d.AddDate(0, 0, -int(d.Weekday()))
	}
	if !t.Before(lastSunday(time.March)) && t.Before(lastSunday(time.October)) {
		return 2 * 3600
	}
	return 3600
}

// TestProperties expands many random rules over random windows and checks
// the results against the oracle and against each other.
func TestProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(20140109, 5545))
	n := 400
	if testing.Short() {
		n = 50
	}
	for i := range n {
		r, dtstart := randomRule(rng, t)
		loc := dtstart.Location()
		desc := r.String() + " from " + dtstart.Format(time.RFC3339) + " " + loc.String()

		// String round-trips.
		if r2, err := Parse(r.String()); err != nil || !reflect.DeepEqual(r, r2) {
			t.Fatalf("%d %s: does not round-trip: %v %+v", i, desc, err, r2)
		}

		from := dtstart.Add(time.Duration(rng.IntN(400*24)-30*24) * time.Hour)
		if r.Count > 0 {
			from = dtstart.Add(time.Duration(rng.IntN(90*24)-30*24) * time.Hour)
		}
		to := from.Add(time.Duration(1+rng.IntN(700*24)) * time.Hour)
		got := r.Between(dtstart, from, to, maxResults)
		want := window(oracle(r, dtstart, to.In(loc).AddDate(0, 0, 2)), from, to)
		if !sameTimes(got, want) {
			t.Fatalf("%d %s in [%s, %s):\n got %v\nwant %v", i, desc, from, to, format(got, time.RFC3339), format(want, time.RFC3339))
		}

		// Strictly increasing, inside the window.
		for j, o := range got {
			if j > 0 && !o.After(got[j-1]) {
				t.Fatalf("%s: %s does not follow %s", desc, o, got[j-1])
			}
			if o.Before(from) || !o.Before(to) {
				t.Fatalf("%s: %s outside [%s, %s)", desc, o, from, to)
			}
		}

		// Two halves make the whole.
		mid := from.Add(time.Duration(rng.Int64N(int64(to.Sub(from)))))
		if halves := append(r.Between(dtstart, from, mid, maxResults), r.Between(dtstart, mid, to, maxResults)...); !sameTimes(halves, got) {
			t.Fatalf("%s: halves at %s differ:\n%v\n%v", desc, mid, halves, got)
		}

		// max takes a prefix.
		if len(got) > 0 {
			k := 1 + rng.IntN(len(got))
			if pre := r.Between(dtstart, from, to, k); !sameTimes(pre, got[:k]) {
				t.Fatalf("%s: max %d gives %v", desc, k, pre)
			}
		}

		// After steps from one occurrence to the next.
		for j := 0; j+1 < len(got) && j < 5; j++ {
			if next, ok := r.After(dtstart, got[j]); !ok || !next.Equal(got[j+1]) {
				t.Fatalf("%s: After(%s) = %s, %v; want %s", desc, got[j], next, ok, got[j+1])
			}
		}
		if len(got) > 0 {
			if first, ok := r.After(dtstart, from.Add(-time.Nanosecond)); !ok || !first.Equal(got[0]) {
				t.Fatalf("%s: After(from) = %s, want %s", desc, first, got[0])
			}
		}

		// COUNT bounds the total, UNTIL the last; both cut the same
		// sequence as the rule without them.
		if r.Count > 0 || !r.Until.IsZero() {
			far := dtstart.AddDate(30, 0, 0)
			all := r.Between(dtstart, dtstart, far, maxResults)
			free := *r
			free.Count, free.Until = 0, time.Time{}
			unbounded := free.Between(dtstart, dtstart, far, maxResults)
			if r.Count > 0 {
				if len(all) > r.Count {
					t.Fatalf("%s: %d occurrences", desc, len(all))
				}
				if !sameTimes(all, unbounded[:min(r.Count, len(unbounded))]) {
					t.Fatalf("%s: COUNT does not take a prefix", desc)
				}
			} else {
				for _, o := range all {
					if o.After(r.Until) {
						t.Fatalf("%s: %s is after UNTIL", desc, o)
					}
				}
				if !sameTimes(all, window(unbounded, dtstart, r.Until.Add(time.Nanosecond))) {
					t.Fatalf("%s: UNTIL does not take a prefix", desc)
				}
			}
		}

		checkOccurrences(t, desc, r, dtstart, got)
	}
}

// checkOccurrences checks each occurrence by itself: its wall-clock time,
// its date against the BYxxx parts and, in Copenhagen, its UTC offset.
func checkOccurrences(t *testing.T, desc string, r *Rule, dtstart time.Time, got []time.Time) {
	t.Helper()
	loc := dtstart.Location()
	h0, m0, s0 := dtstart.Clock()
	hours, minutes := r.ByHour, r.ByMinute
	if len(hours) == 0 {
		hours = []int{h0}
	}
	if len(minutes) == 0 {
		minutes = []int{m0}
	}
	for _, o := range got {
		if o.Equal(dtstart) {
			continue
		}
		if o.Location() != loc {
			t.Fatalf("%s: %s is not in %s", desc, o, loc)
		}
		y, mo, d := o.Date()
		day := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
		h, m, s := o.Clock()
		if s != s0 || o.Nanosecond() != dtstart.Nanosecond() {
			t.Fatalf("%s: %s has other seconds than the first meeting", desc, o)
		}
		if !slices.Contains(hours, h) || !slices.Contains(minutes, m) {
			// Only a time moved out of a gap may differ; find which.
			moved := false
			for _, hh := range hours {
				for _, mm := range minutes {
					v := time.Date(y, mo, d, hh, mm, s0, o.Nanosecond(), loc)
					if vh, vm, _ := v.Clock(); vh == hh && vm == mm {
						continue // exists
					}
					if res, ok := oracleResolve(loc, day, hh, mm, s0, o.Nanosecond()); ok && res.Equal(o) {
						moved = true
					}
				}
			}
			if !moved {
				t.Fatalf("%s: %s is not at a time of the rule", desc, o)
			}
		}
		if !oracleMatch(r, dtstart, day) {
			t.Fatalf("%s: %s is on a day the rule does not select", desc, o)
		}
		if len(r.ByMonth) > 0 && !slices.Contains(r.ByMonth, mo) {
			t.Fatalf("%s: %s is not in BYMONTH", desc, o)
		}
		if dim := time.Date(y, mo+1, 0, 0, 0, 0, 0, time.UTC).Day(); len(r.ByMonthDay) > 0 && !slices.Contains(r.ByMonthDay, d) && !slices.Contains(r.ByMonthDay, d-dim-1) {
			t.Fatalf("%s: %s is not on a day of BYMONTHDAY", desc, o)
		}
		if len(r.ByDay) > 0 && !slices.ContainsFunc(r.ByDay, func(w WeekdayNum) bool { return w.Day == o.Weekday() }) {
			t.Fatalf("%s: %s is not on a weekday of BYDAY", desc, o)
		}
		if loc.String() == "Europe/Copenhagen" && y >= 1996 {
			if _, off := o.Zone(); off != euOffset(o) {
				t.Fatalf("%s: %s has offset %d, the EU rules say %d", desc, o, off, euOffset(o))
			}
		}
	}
}

// TestPropertyBiweekly checks the forum cadence "every other week" for
// many first meetings: occurrences are 14 local calendar days apart, at
// the first meeting's wall-clock time, with the offset the EU rules give.
func TestPropertyBiweekly(t *testing.T) {
	cph := mustLoad(t, "Europe/Copenhagen")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		dtstart := time.Date(1996+rng.IntN(40), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 7+rng.IntN(10), 15*rng.IntN(4), 0, 0, cph)
		rule := "FREQ=WEEKLY;INTERVAL=2"
		if rng.IntN(2) == 0 {
			rule += ";BYDAY=" + dayCodes[dtstart.Weekday()]
		}
		if rng.IntN(2) == 0 {
			rule += ";WKST=" + dayCodes[rng.IntN(7)]
		}
		r := mustParse(t, rule)
		got := r.Between(dtstart, dtstart, dtstart.AddDate(3, 0, 0), 1000)
		if len(got) < 78 {
			t.Fatalf("%s from %s: only %d occurrences", rule, dtstart, len(got))
		}
		for i, o := range got {
			if o.Hour() != dtstart.Hour() || o.Minute() != dtstart.Minute() {
				t.Fatalf("%s: %s is not at %s", rule, o, dtstart.Format("15:04"))
			}
			if _, off := o.Zone(); off != euOffset(o) {
				t.Fatalf("%s: %s has offset %d", rule, o, off)
			}
			if i > 0 {
				y, m, d := o.Date()
				py, pm, pd := got[i-1].Date()
				if diff := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(time.Date(py, pm, pd, 0, 0, 0, 0, time.UTC)); diff != 14*24*time.Hour {
					t.Fatalf("%s: %s follows %s", rule, o, got[i-1])
				}
			}
		}
	}
}

// TestPropertyDST expands rules at the small hours around many clock
// changes in several zones and checks them against the oracle: times in a
// gap move forward by the gap, doubled times take the first instant, and
// moved times that meet others count once.
func TestPropertyDST(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	zones := []string{"Europe/Copenhagen", "America/New_York", "Australia/Lord_Howe", "America/Sao_Paulo",
		"America/St_Johns", "Europe/London", "Pacific/Apia", "Asia/Tehran", "America/Havana", "Antarctica/Troll"}
	rules := []string{
		"FREQ=DAILY", "FREQ=DAILY;BYHOUR=0,1,2,3,4;BYMINUTE=0,30", "FREQ=DAILY;BYHOUR=1,2,3;BYMINUTE=0,15,30,45",
		"FREQ=DAILY;BYHOUR=23,0,1;BYMINUTE=10,50", "FREQ=WEEKLY;BYDAY=SA,SU,MO;BYHOUR=0,1,2,3;BYMINUTE=5,35",
		"FREQ=DAILY;BYHOUR=0,1,2,3;BYMINUTE=0,30;BYSETPOS=1,3,-1", "FREQ=MONTHLY;BYDAY=SA,SU;BYHOUR=0,2;BYMINUTE=30",
		"FREQ=DAILY;COUNT=7;BYHOUR=1,2,3;BYMINUTE=30",
	}
	checked := 0
	for range 300 {
		loc := mustLoad(t, zones[rng.IntN(len(zones))])
		// A clock change between 1996 and 2030.
		at := time.Date(1996+rng.IntN(35), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 12, 0, 0, 0, loc)
		start, end := at.ZoneBounds()
		change := end
		if rng.IntN(2) == 0 && !start.IsZero() {
			change = start
		}
		if change.IsZero() {
			continue
		}
		r := mustParse(t, rules[rng.IntN(len(rules))])
		dtstart := change.Add(-time.Duration(24+rng.IntN(72)) * time.Hour).In(loc)
		dtstart = time.Date(dtstart.Year(), dtstart.Month(), dtstart.Day(), rng.IntN(4), 30*rng.IntN(2), 0, 0, loc)
		from := dtstart.Add(time.Duration(rng.IntN(48)) * time.Hour)
		to := change.Add(time.Duration(24+rng.IntN(72)) * time.Hour)
		got := r.Between(dtstart, from, to, maxResults)
		want := window(oracle(r, dtstart, to.In(loc).AddDate(0, 0, 2)), from, to)
		desc := r.String() + " from " + dtstart.Format(time.RFC3339) + " " + loc.String()
		if !sameTimes(got, want) {
			t.Fatalf("%s in [%s, %s):\n got %v\nwant %v", desc, from, to, format(got, time.RFC3339), format(want, time.RFC3339))
		}
		for j := 1; j < len(got); j++ {
			if !got[j].After(got[j-1]) {
				t.Fatalf("%s: %s does not follow %s", desc, got[j], got[j-1])
			}
		}
		mid := from.Add(time.Duration(rng.Int64N(int64(to.Sub(from)))))
		if halves := append(r.Between(dtstart, from, mid, maxResults), r.Between(dtstart, mid, to, maxResults)...); !sameTimes(halves, got) {
			t.Fatalf("%s: halves at %s differ", desc, mid)
		}
		checkOccurrences(t, desc, r, dtstart, got)
		checked += len(got)
	}
	if checked < 5000 {
		t.Fatalf("only %d occurrences checked", checked)
	}
}
