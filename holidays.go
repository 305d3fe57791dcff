package samspil

import "time"

// Holidays: the days a forum whose cadence skips holidays does not meet.
//
// They are the Danish public holidays (helligdage): nytårsdag, skærtorsdag,
// langfredag, påskedag, 2. påskedag, store bededag (until 2023: the day was
// abolished as a public holiday from 2024), Kristi himmelfartsdag, pinsedag,
// 2. pinsedag, juledag and 2. juledag; and, since public offices close or
// run skeleton staff between Christmas and New Year, every day from 24 to 31
// December (juleaften, the days between Christmas and New Year, and
// nytårsaftensdag).
//
// Grundlovsdag (5 June) is left out on purpose: it is not a public holiday,
// and whether it is a day off (all day, from noon, or not at all) depends on
// each workplace's agreement. A forum that does not meet on 5 June cancels
// that meeting by hand.

// HolidayKind names a holiday.
type HolidayKind string

// The holidays.
const (
	HolidayNewYearsDay      HolidayKind = "new_years_day"     // nytårsdag, 1 January
	HolidayMaundyThursday   HolidayKind = "maundy_thursday"   // skærtorsdag, Easter - 3
	HolidayGoodFriday       HolidayKind = "good_friday"       // langfredag, Easter - 2
	HolidayEasterSunday     HolidayKind = "easter_sunday"     // påskedag
	HolidayEasterMonday     HolidayKind = "easter_monday"     // 2. påskedag, Easter + 1
	HolidayGreatPrayerDay   HolidayKind = "great_prayer_day"  // store bededag, Easter + 26, until 2023
	HolidayAscensionDay     HolidayKind = "ascension_day"     // Kristi himmelfartsdag, Easter + 39
	HolidayWhitSunday       HolidayKind = "whit_sunday"       // pinsedag, Easter + 49
	HolidayWhitMonday       HolidayKind = "whit_monday"       // 2. pinsedag, Easter + 50
	HolidayChristmasEve     HolidayKind = "christmas_eve"     // juleaften, 24 December
	HolidayChristmasDay     HolidayKind = "christmas_day"     // juledag, 25 December
	HolidaySecondChristmas  HolidayKind = "second_christmas"  // 2. juledag, 26 December
	HolidayBetweenChristmas HolidayKind = "between_christmas" // mellem jul og nytår, 27-30 December
	HolidayNewYearsEve      HolidayKind = "new_years_eve"     // nytårsaftensdag, 31 December
)

// HolidayKinds lists the holidays in the order of the year.
var HolidayKinds = []HolidayKind{HolidayNewYearsDay, HolidayMaundyThursday, HolidayGoodFriday, HolidayEasterSunday,
	HolidayEasterMonday, HolidayGreatPrayerDay, HolidayAscensionDay, HolidayWhitSunday, HolidayWhitMonday, HolidayChristmasEve,
	HolidayChristmasDay, HolidaySecondChristmas, HolidayBetweenChristmas, HolidayNewYearsEve}

func init() { RegisterEnum(HolidayKinds) }

// LastGreatPrayerDay is the last year store bededag was a public holiday.
const LastGreatPrayerDay = 2023

// Holiday is one day off.
type Holiday struct {
	Date Date        `json:"date" format:"date"`
	Kind HolidayKind `json:"kind"`
}

// Easter returns Easter Sunday of a year of the Gregorian calendar, by the
// anonymous Gregorian algorithm (Meeus/Jones/Butcher).
func Easter(year int) Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return Date{Year: year, Month: time.Month(month), Day: day}
}

// HolidaysIn returns the holidays of a year in date order.
func HolidaysIn(year int) []Holiday {
	easter := Easter(year)
	out := []Holiday{{NewDate(year, time.January, 1), HolidayNewYearsDay}}
	for _, h := range []struct {
		days int
		kind HolidayKind
	}{{-3, HolidayMaundyThursday}, {-2, HolidayGoodFriday}, {0, HolidayEasterSunday}, {1, HolidayEasterMonday},
		{26, HolidayGreatPrayerDay}, {39, HolidayAscensionDay}, {49, HolidayWhitSunday}, {50, HolidayWhitMonday}} {
		if h.kind == HolidayGreatPrayerDay && year > LastGreatPrayerDay {
			continue
		}
		out = append(out, Holiday{easter.AddDays(h.days), h.kind})
	}
	out = append(out, Holiday{NewDate(year, time.December, 24), HolidayChristmasEve}, Holiday{NewDate(year, time.December, 25), HolidayChristmasDay},
		Holiday{NewDate(year, time.December, 26), HolidaySecondChristmas})
	for d := 27; d <= 30; d++ {
		out = append(out, Holiday{NewDate(year, time.December, d), HolidayBetweenChristmas})
	}
	return append(out, Holiday{NewDate(year, time.December, 31), HolidayNewYearsEve})
}

// HolidayOn returns the holiday on day d, if it is one.
func HolidayOn(d Date) (HolidayKind, bool) {
	switch {
	case d.Month == time.January && d.Day == 1:
		return HolidayNewYearsDay, true
	case d.Month == time.December && d.Day >= 24:
		switch d.Day {
		case 24:
			return HolidayChristmasEve, true
		case 25:
			return HolidayChristmasDay, true
		case 26:
			return HolidaySecondChristmas, true
		case 31:
			return HolidayNewYearsEve, true
		}
		return HolidayBetweenChristmas, true
	case d.Month < time.March || d.Month > time.June:
		return "", false // Easter's holidays fall from 19 March to 14 June
	}
	for _, h := range HolidaysIn(d.Year) {
		if h.Date == d {
			return h.Kind, true
		}
	}
	return "", false
}
