package rrule

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
)

// loadCatalogue reads the web pages' message catalogue of lang
// (internal/web/i18n).
func loadCatalogue(t testing.TB, lang string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "web", "i18n", lang+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var texts map[string]string
	if err := json.Unmarshal(b, &texts); err != nil {
		t.Fatal(err)
	}
	return texts
}

// catalogue returns a translator through the catalogue of lang, which
// fails the test on a key that the catalogue lacks or that DescribeKeys
// does not list, and on a text that its arguments do not fit.
func catalogue(t testing.TB, lang string) Translator {
	t.Helper()
	texts := loadCatalogue(t, lang)
	listed := map[string]bool{}
	for _, k := range DescribeKeys() {
		listed[k] = true
	}
	return func(key string, args ...any) string {
		s, ok := texts[key]
		if !ok || !listed[key] {
			t.Errorf("%s: key %q: in the catalogue %v, in DescribeKeys %v", lang, key, ok, listed[key])
			return key
		}
		out := fmt.Sprintf(s, args...)
		if strings.Contains(out, "%!") {
			t.Errorf("%s: key %q with %v gives %q", lang, key, args, out)
		}
		return out
	}
}

// TestDescribeKeysInCatalogues: both catalogues have every key, with the
// same verbs in the same order.
func TestDescribeKeysInCatalogues(t *testing.T) {
	da, en := loadCatalogue(t, "da"), loadCatalogue(t, "en")
	for _, k := range DescribeKeys() {
		if da[k] == "" || en[k] == "" {
			t.Errorf("%q: da %q, en %q", k, da[k], en[k])
			continue
		}
		if a, b := fmtVerb.FindAllString(da[k], -1), fmtVerb.FindAllString(en[k], -1); !slices.Equal(a, b) {
			t.Errorf("%q: da takes %v, en %v", k, a, b)
		}
	}
}

// thursday is the first meeting of the IT chiefs' forum: Thursday 9
// January 2014 09:00 in Copenhagen.
var thursday = time.Date(2014, 1, 9, 9, 0, 0, 0, mustLoadZone("Europe/Copenhagen"))

func mustLoadZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func TestDescribe(t *testing.T) {
	cph := thursday.Location()
	wednesday := time.Date(2014, 1, 1, 9, 0, 0, 0, cph)
	for _, c := range []struct {
		rule    string
		dtstart time.Time
		da, en  string
	}{
		{"FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", thursday, "hver anden torsdag kl. 9.00", "every other Thursday at 9:00"},
		{"FREQ=WEEKLY;INTERVAL=2", thursday, "hver anden torsdag kl. 9.00", "every other Thursday at 9:00"},
		{"FREQ=WEEKLY;BYDAY=TH", thursday, "hver torsdag kl. 9.00", "every Thursday at 9:00"},
		{"FREQ=WEEKLY;INTERVAL=3;BYDAY=TH", thursday, "hver tredje torsdag kl. 9.00", "every third Thursday at 9:00"},
		{"FREQ=WEEKLY;INTERVAL=13;BYDAY=TH", thursday, "hver 13. torsdag kl. 9.00", "every 13 weeks on Thursday at 9:00"},
		{"FREQ=WEEKLY;BYDAY=MO,WE", thursday, "hver uge mandag og onsdag kl. 9.00", "every week on Monday and Wednesday at 9:00"},
		{"FREQ=WEEKLY;INTERVAL=2;BYDAY=FR,MO,WE", thursday, "hver anden uge mandag, onsdag og fredag kl. 9.00",
			"every other week on Monday, Wednesday and Friday at 9:00"},
		{"FREQ=WEEKLY;BYDAY=TH;WKST=SU", thursday, "hver torsdag kl. 9.00", "every Thursday at 9:00"},
		{"FREQ=WEEKLY;BYDAY=TH;BYMONTH=3,9", thursday, "hver torsdag i marts og september kl. 9.00", "every Thursday in March and September at 9:00"},
		{"FREQ=MONTHLY;INTERVAL=3;BYDAY=1WE", wednesday, "første onsdag hver tredje måned kl. 9.00", "first Wednesday every third month at 9:00"},
		{"FREQ=MONTHLY;BYMONTHDAY=15", thursday, "hver måned den 15. kl. 9.00", "every month on day 15 at 9:00"},
		{"FREQ=MONTHLY;BYDAY=-1FR", thursday, "sidste fredag i måneden kl. 9.00", "last Friday of the month at 9:00"},
		{"FREQ=MONTHLY;BYDAY=2TU", thursday, "anden tirsdag i måneden kl. 9.00", "second Tuesday of the month at 9:00"},
		{"FREQ=MONTHLY;BYDAY=3TH,1TH", thursday, "første og tredje torsdag i måneden kl. 9.00", "first and third Thursday of the month at 9:00"},
		{"FREQ=MONTHLY;BYDAY=-1FR,1MO", thursday, "første mandag og sidste fredag i måneden kl. 9.00", "first Monday and last Friday of the month at 9:00"},
		{"FREQ=MONTHLY;BYDAY=-2TH", thursday, "næstsidste torsdag i måneden kl. 9.00", "second-to-last Thursday of the month at 9:00"},
		{"FREQ=MONTHLY;INTERVAL=2;BYDAY=5FR", thursday, "femte fredag hver anden måned kl. 9.00", "fifth Friday every other month at 9:00"},
		{"FREQ=MONTHLY", thursday, "hver måned den 9. kl. 9.00", "every month on day 9 at 9:00"},
		{"FREQ=MONTHLY;BYMONTHDAY=-1,1", thursday, "hver måned den 1. og den sidste dag kl. 9.00", "every month on day 1 and the last day at 9:00"},
		{"FREQ=MONTHLY;INTERVAL=3;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=15;BYMINUTE=0", thursday,
			"sidste hverdag (mandag–fredag) hver tredje måned kl. 15.00", "last weekday (Monday to Friday) every third month at 15:00"},
		{"FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2", thursday, "anden tirsdag i måneden kl. 9.00", "second Tuesday of the month at 9:00"},
		{"FREQ=MONTHLY;INTERVAL=2;BYDAY=MO", thursday, "hver mandag, hver anden måned kl. 9.00", "every Monday, every other month at 9:00"},
		{"FREQ=MONTHLY;INTERVAL=24;BYMONTHDAY=1", thursday, "hver 24. måned den 1. kl. 9.00", "every 24 months on day 1 at 9:00"},
		{"FREQ=YEARLY", thursday, "hvert år den 9. januar kl. 9.00", "every year on 9 January at 9:00"},
		{"FREQ=YEARLY;INTERVAL=2", thursday, "hvert andet år den 9. januar kl. 9.00", "every other year on 9 January at 9:00"},
		{"FREQ=YEARLY;INTERVAL=4", thursday, "hvert fjerde år den 9. januar kl. 9.00", "every fourth year on 9 January at 9:00"},
		{"FREQ=YEARLY;BYMONTH=3,9;BYDAY=1MO", thursday, "første mandag i marts og september hvert år kl. 9.00",
			"first Monday of March and September every year at 9:00"},
		{"FREQ=MONTHLY;BYMONTH=3,9;BYDAY=1MO", thursday, "første mandag i marts og september hvert år kl. 9.00",
			"first Monday of March and September every year at 9:00"},
		{"FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1,15", thursday, "den 1. og den 15. i marts hvert år kl. 9.00", "day 1 and day 15 of March every year at 9:00"},
		{"FREQ=YEARLY;BYMONTH=3,9", thursday, "den 9. i marts og september hvert år kl. 9.00", "day 9 of March and September every year at 9:00"},
		{"FREQ=YEARLY;BYMONTH=6", thursday, "hvert år den 9. juni kl. 9.00", "every year on 9 June at 9:00"},
		{"FREQ=YEARLY;BYMONTH=12;BYDAY=MO", thursday, "hver mandag i december kl. 9.00", "every Monday in December at 9:00"},
		{"FREQ=YEARLY;INTERVAL=2;BYMONTH=12;BYDAY=MO", thursday, "hver mandag i december, hvert andet år kl. 9.00",
			"every Monday in December, every other year at 9:00"},
		{"FREQ=YEARLY;BYMONTH=11;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", thursday, "sidste hverdag (mandag–fredag) i november hvert år kl. 9.00",
			"last weekday (Monday to Friday) of November every year at 9:00"},
		{"FREQ=DAILY", thursday, "hver dag kl. 9.00", "every day at 9:00"},
		{"FREQ=DAILY;INTERVAL=2", thursday, "hver anden dag kl. 9.00", "every other day at 9:00"},
		{"FREQ=DAILY;INTERVAL=14", thursday, "hver 14. dag kl. 9.00", "every 14 days at 9:00"},
		{"FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", thursday, "hver mandag, tirsdag, onsdag, torsdag og fredag kl. 9.00",
			"every Monday, Tuesday, Wednesday, Thursday and Friday at 9:00"},
		{"FREQ=DAILY;BYMONTH=7", thursday, "hver dag i juli kl. 9.00", "every day in July at 9:00"},
		{"FREQ=WEEKLY;BYDAY=TH;BYHOUR=9,13;BYMINUTE=0,30", thursday, "hver torsdag kl. 9.00, 9.30, 13.00 og 13.30",
			"every Thursday at 9:00, 9:30, 13:00 and 13:30"},
		{"FREQ=WEEKLY;BYDAY=TH;COUNT=10", thursday, "hver torsdag kl. 9.00, 10 gange i alt", "every Thursday at 9:00, 10 times in all"},
		{"FREQ=WEEKLY;BYDAY=TH;UNTIL=20151231T225959Z", thursday, "hver torsdag kl. 9.00, til og med 31. december 2015",
			"every Thursday at 9:00, up to and including 31 December 2015"},
		{"FREQ=WEEKLY;BYDAY=TH;UNTIL=20151231T080000Z", thursday, "hver torsdag kl. 9.00, til og med 31. december 2015",
			"every Thursday at 9:00, up to and including 31 December 2015"},
		{"FREQ=WEEKLY;BYDAY=TH;UNTIL=20151231T075959Z", thursday, "hver torsdag kl. 9.00, til og med 30. december 2015",
			"every Thursday at 9:00, up to and including 30 December 2015"},
		{"FREQ=WEEKLY;BYDAY=TH", time.Date(2014, 1, 9, 9, 0, 0, 0, mustLoadZone("America/New_York")),
			"hver torsdag kl. 9.00 (tidszone America/New_York)", "every Thursday at 9:00 (time zone America/New_York)"},
		{"FREQ=WEEKLY;BYDAY=TH", time.Date(2014, 1, 9, 8, 5, 30, 0, cph), "hver torsdag kl. 8.05.30", "every Thursday at 8:05:30"},
	} {
		r := mustParse(t, c.rule)
		for _, l := range []struct{ lang, want string }{{"da", c.da}, {"en", c.en}} {
			got, ok := r.Describe(c.dtstart, catalogue(t, l.lang))
			if got != l.want || !ok {
				t.Errorf("%s from %s in %s: %q, %v; want %q", c.rule, c.dtstart, l.lang, got, ok, l.want)
			}
		}
		checkWords(t, c.rule, r, c.dtstart)
	}
}

// TestDescribeFallback: rules the words cannot say are named as rules.
func TestDescribeFallback(t *testing.T) {
	da, en := catalogue(t, "da"), catalogue(t, "en")
	for _, rule := range []string{
		"FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",             // Friday the 13th
		"FREQ=YEARLY;BYDAY=20MO",                          // the 20th Monday of the year
		"FREQ=YEARLY;BYDAY=MO",                            // every Monday, said yearly
		"FREQ=YEARLY;BYMONTHDAY=1",                        // every first of the month, said yearly
		"FREQ=MONTHLY;BYMONTHDAY=-3",                      // the third-to-last day
		"FREQ=MONTHLY;BYDAY=-3TH",                         // the third-to-last Thursday
		"FREQ=MONTHLY;BYDAY=1MO,TU",                       // ordinals and every Tuesday
		"FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,SU;WKST=SU",      // weeks from Sunday
		"FREQ=DAILY;INTERVAL=2;BYDAY=MO",                  // every other day if a Monday
		"FREQ=DAILY;BYMONTHDAY=1",                         // daily on the first
		"FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=3",             // the third of Mondays and Tuesdays
		"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1,-1", // two positions
		"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=9,15",
		"FREQ=YEARLY;BYMONTH=3,9;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", // the last weekday of the year among March and September
		"FREQ=MONTHLY;INTERVAL=2;BYMONTH=3,9;BYDAY=1MO",
		"FREQ=WEEKLY;BYSETPOS=1;BYDAY=MO,TU",
		"FREQ=WEEKLY;COUNT=1",
		"FREQ=WEEKLY;BYDAY=TH;BYHOUR=9,13;UNTIL=20151231T100000Z", // ends between the day's meetings
		"FREQ=DAILY;BYHOUR=8,9,10,11,12,13,14",                    // too many times to list
	} {
		r := mustParse(t, rule)
		for _, tr := range []Translator{da, en} {
			got, ok := r.Describe(thursday, tr)
			if ok || !strings.HasSuffix(got, ": "+r.String()) || !strings.Contains(got, "RRULE") {
				t.Errorf("%s: %q, %v; want the rule named", rule, got, ok)
			}
		}
	}
	if got := DescribeCadence("", thursday, da); got != "Efter behov (ingen fast frekvens)" {
		t.Errorf("no cadence: %q", got)
	}
	if got := DescribeCadence("FREQ=HOURLY", thursday, en); got != "by a recurrence rule (RRULE): FREQ=HOURLY" {
		t.Errorf("a rule that does not parse: %q", got)
	}
	if got := DescribeCadence(" FREQ=WEEKLY;BYDAY=TH ", thursday, da); got != "hver torsdag kl. 9.00" {
		t.Errorf("DescribeCadence: %q", got)
	}
}

// TestDescribeAgreesWithExpansion: what the words say, read as a Danish
// reader reads them (weeks from Monday, intervals counted from the first
// meeting), is what the expansion gives, for many random rules.
func TestDescribeAgreesWithExpansion(t *testing.T) {
	rng := rand.New(rand.NewPCG(5545, 2026))
	zones := []*time.Location{mustLoad(t, "Europe/Copenhagen"), mustLoad(t, "Europe/Copenhagen"), mustLoad(t, "UTC"),
		mustLoad(t, "America/New_York"), mustLoad(t, "Asia/Kolkata"), mustLoad(t, "Australia/Lord_Howe")}
	da, en := catalogue(t, "da"), catalogue(t, "en")
	described, total := 0, 0
	for range 3000 {
		r, dtstart := describableRule(rng, zones)
		if r == nil {
			continue
		}
		total++
		words, ok := r.Describe(dtstart, da)
		_, okEn := r.Describe(dtstart, en)
		if ok != okEn {
			t.Fatalf("%s: described in one language only", r)
		}
		if !ok {
			if !strings.HasSuffix(words, r.String()) {
				t.Fatalf("%s: fallback %q does not name the rule", r, words)
			}
			continue
		}
		described++
		checkWords(t, words, r, dtstart)
	}
	t.Logf("%d of %d rules described in words", described, total)
	if described < total/2 {
		t.Fatalf("only %d of %d rules described in words", described, total)
	}
	// Any rule at all: words or the rule, in both languages.
	for range 2000 {
		r, dtstart := randomRule(rng, t)
		for _, tr := range []Translator{da, en} {
			if got, ok := r.Describe(dtstart, tr); got == "" || (!ok && !strings.HasSuffix(got, r.String())) {
				t.Fatalf("%s: %q, %v", r, got, ok)
			}
		}
		if s, ok := shapeOf(r, dtstart); ok && !hasDSTHours(r, dtstart) {
			checkShape(t, r.String(), s, r, dtstart)
		}
	}
}

// hasDSTHours reports whether a rule meets at hours when clocks may change
// (0 to 3 local time), where the expansion moves times.
func hasDSTHours(r *Rule, dtstart time.Time) bool {
	for _, h := range sortedInts(r.ByHour, dtstart.Hour()) {
		if h <= 3 {
			return true
		}
	}
	return dtstart.Location().String() == "Pacific/Apia" || dtstart.Location().String() == "America/Sao_Paulo"
}

// describableRule returns a random rule of the kinds people write, with a
// first meeting, or nil when it is not valid.
func describableRule(rng *rand.Rand, zones []*time.Location) (*Rule, time.Time) {
	r := &Rule{Freq: Freq(1 + rng.IntN(4)), Interval: []int{1, 1, 1, 2, 2, 3, 4, 6, 12, 13, 30}[rng.IntN(11)], WeekStart: time.Monday}
	if rng.IntN(8) == 0 {
		r.WeekStart = time.Weekday(rng.IntN(7))
	}
	pick := func(n int, gen func() int) []int {
		out := make([]int, 1+rng.IntN(n))
		for i := range out {
			out[i] = gen()
		}
		return out
	}
	if rng.IntN(5) == 0 {
		for _, m := range pick(3, func() int { return 1 + rng.IntN(12) }) {
			r.ByMonth = append(r.ByMonth, time.Month(m))
		}
	}
	switch rng.IntN(6) {
	case 0, 1: // weekdays
		for _, d := range pick(3, func() int { return rng.IntN(7) }) {
			r.ByDay = append(r.ByDay, WeekdayNum{Day: time.Weekday(d)})
		}
	case 2: // nth weekdays
		if r.Freq == Monthly || r.Freq == Yearly && len(r.ByMonth) > 0 {
			for _, n := range pick(2, func() int { return []int{1, 2, 3, 4, 5, -1, -2, -3}[rng.IntN(8)] }) {
				r.ByDay = append(r.ByDay, WeekdayNum{N: n, Day: time.Weekday(rng.IntN(7))})
			}
		}
	case 3: // days of the month
		if r.Freq != Weekly {
			r.ByMonthDay = pick(3, func() int { return []int{1, 2, 15, 28, 29, 30, 31, -1, -2, -3}[rng.IntN(10)] })
		}
	case 4: // the nth workday
		r.ByDay = []WeekdayNum{{Day: time.Monday}, {Day: time.Tuesday}, {Day: time.Wednesday}, {Day: time.Thursday}, {Day: time.Friday}}
		r.BySetPos = []int{[]int{1, 2, 3, -1, -2}[rng.IntN(5)]}
	}
	if rng.IntN(6) == 0 {
		r.ByHour = pick(2, func() int { return 4 + rng.IntN(20) })
	}
	if rng.IntN(8) == 0 {
		r.ByMinute = pick(2, func() int { return rng.IntN(60) })
	}
	loc := zones[rng.IntN(len(zones))]
	dtstart := time.Date(2000+rng.IntN(30), time.Month(1+rng.IntN(12)), 1+rng.IntN(31), 4+rng.IntN(20), 15*rng.IntN(4), 0, 0, loc)
	switch rng.IntN(6) {
	case 0:
		r.Count = 2 + rng.IntN(40)
	case 1:
		r.Until = dtstart.Add(time.Duration(rng.IntN(1500*24*60)) * time.Minute).UTC().Truncate(time.Second)
	}
	r.normalize()
	if r.check() != nil || r.Validate(dtstart) != nil {
		return nil, time.Time{}
	}
	return r, dtstart
}

// checkWords checks the words of a rule (desc, for messages) against its
// expansion.
func checkWords(t *testing.T, desc string, r *Rule, dtstart time.Time) {
	t.Helper()
	s, ok := shapeOf(r, dtstart)
	if !ok {
		t.Fatalf("%s: no shape", desc)
	}
	checkShape(t, desc, s, r, dtstart)
}

// checkShape compares the occurrences after the first meeting that the
// shape's meaning gives with the rule's expansion, over years enough for
// a few dozen meetings.
func checkShape(t *testing.T, desc string, s shape, r *Rule, dtstart time.Time) {
	t.Helper()
	years := map[Freq]int{Daily: 1, Weekly: 3, Monthly: 12, Yearly: 40}[s.freq] * max(1, min(s.interval, 6))
	end := dtstart.AddDate(years, 0, 1)
	got := r.Between(dtstart, dtstart, end, 100000)
	if len(got) == 0 || !got[0].Equal(dtstart) {
		t.Fatalf("%s: the expansion does not start with the first meeting", desc)
	}
	type wall struct {
		date samspil.Date
		c    clock
	}
	// Both lists end the day before end's, in whichever zone.
	endDay := samspil.DateOf(end).AddDays(-1)
	var gotWall []wall
	for _, o := range got[1:] {
		if d := samspil.DateOf(o); d.Before(endDay) {
			gotWall = append(gotWall, wall{d, clock{o.Hour(), o.Minute(), o.Second()}})
		}
	}
	var want []wall
	start := samspil.DateOf(dtstart)
	startClock := clock{dtstart.Hour(), dtstart.Minute(), dtstart.Second()}
	for d := start; d.Before(endDay); d = d.AddDays(1) {
		if !s.says(start, d) {
			continue
		}
		if !s.until.IsZero() && d.After(samspil.DateOf(s.until)) {
			break
		}
		for _, c := range s.times {
			if d == start && c.seconds() <= startClock.seconds() {
				continue
			}
			want = append(want, wall{d, c})
		}
	}
	if s.count > 0 && len(want) > s.count-1 {
		want = want[:s.count-1]
	}
	if !slices.Equal(gotWall, want) {
		n := min(len(gotWall), len(want))
		for i := range n {
			if gotWall[i] != want[i] {
				t.Fatalf("%s from %s (%s): meeting %d is %v, the words say %v", desc, dtstart, r, i+1, gotWall[i], want[i])
			}
		}
		t.Fatalf("%s from %s (%s): %d meetings, the words say %d (%v / %v)", desc, dtstart, r, len(gotWall), len(want),
			gotWall[n:min(n+3, len(gotWall))], want[n:min(n+3, len(want))])
	}
}

// says reports whether the words of s select day, counted from the first
// meeting's day start. It reads the words as a person does, without the
// expansion's code: weeks start on Monday; "every other month" counts
// months from the first meeting's; "the last Friday" is the last of the
// month.
func (s *shape) says(start, day samspil.Date) bool {
	if len(s.months) > 0 && !slices.Contains(s.months, day.Month) {
		return false
	}
	wd := day.Time().Weekday()
	k := s.interval
	switch s.freq {
	case Daily:
		return samspil.DaysBetween(start, day)%k == 0 && (len(s.weekdays) == 0 || slices.Contains(s.weekdays, wd))
	case Weekly:
		monday := func(d samspil.Date) samspil.Date { return d.AddDays(-((int(d.Time().Weekday()) + 6) % 7)) }
		return (samspil.DaysBetween(monday(start), monday(day))/7)%k == 0 && slices.Contains(s.weekdays, wd)
	case Monthly:
		if ((day.Year-start.Year)*12+int(day.Month)-int(start.Month))%k != 0 {
			return false
		}
	case Yearly:
		if (day.Year-start.Year)%k != 0 {
			return false
		}
	}
	// A day of the month.
	last := day.EndOfMonth().Day
	switch {
	case s.workday != 0:
		var list []int
		for d := 1; d <= last; d++ {
			if w := samspil.NewDate(day.Year, day.Month, d).Time().Weekday(); w != time.Saturday && w != time.Sunday {
				list = append(list, d)
			}
		}
		i := s.workday - 1
		if s.workday < 0 {
			i = len(list) + s.workday
		}
		return list[i] == day.Day
	case len(s.nth) > 0:
		for _, o := range s.nth {
			var list []int
			for d := 1; d <= last; d++ {
				if samspil.NewDate(day.Year, day.Month, d).Time().Weekday() == o.Day {
					list = append(list, d)
				}
			}
			i := o.N - 1
			if o.N < 0 {
				i = len(list) + o.N
			}
			if i >= 0 && i < len(list) && list[i] == day.Day {
				return true
			}
		}
		return false
	case len(s.weekdays) > 0:
		return slices.Contains(s.weekdays, wd)
	default:
		for _, md := range s.monthDays {
			if md == day.Day || (md < 0 && last+1+md == day.Day) {
				return true
			}
		}
		return false
	}
}

// TestDescribeFortnightlyThursdays: "hver anden torsdag" gives Thursdays
// 14 days apart, at 9:00 through the changes of the clocks.
func TestDescribeFortnightlyThursdays(t *testing.T) {
	r := mustParse(t, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH")
	if got, _ := r.Describe(thursday, catalogue(t, "da")); got != "hver anden torsdag kl. 9.00" {
		t.Fatalf("words %q", got)
	}
	got := r.Between(thursday, thursday, thursday.AddDate(3, 0, 0), 1000)
	if len(got) != 79 {
		t.Fatalf("%d meetings in three years", len(got))
	}
	for i, o := range got {
		if o.Weekday() != time.Thursday || o.Hour() != 9 || o.Minute() != 0 {
			t.Fatalf("meeting %s", o)
		}
		if i > 0 && samspil.DaysBetween(samspil.DateOf(got[i-1]), samspil.DateOf(o)) != 14 {
			t.Fatalf("%s and %s are not 14 days apart", got[i-1], o)
		}
	}
}
