package samspil

import (
	"testing"
	"time"
)

// Easter Sundays as the Danish almanac lists them.
var knownEaster = map[int]Date{
	2014: {2014, time.April, 20}, 2015: {2015, time.April, 5}, 2016: {2016, time.March, 27}, 2017: {2017, time.April, 16},
	2018: {2018, time.April, 1}, 2019: {2019, time.April, 21}, 2020: {2020, time.April, 12}, 2021: {2021, time.April, 4},
	2022: {2022, time.April, 17}, 2023: {2023, time.April, 9}, 2024: {2024, time.March, 31}, 2025: {2025, time.April, 20},
	2026: {2026, time.April, 5}, 2027: {2027, time.March, 28}, 2028: {2028, time.April, 16}, 2029: {2029, time.April, 1},
	2030: {2030, time.April, 21},
	// The earliest and latest dates Easter can fall on.
	1818: {1818, time.March, 22}, 2285: {2285, time.March, 22}, 1943: {1943, time.April, 25}, 2038: {2038, time.April, 25},
}

func TestEasterKnownYears(t *testing.T) {
	for y, want := range knownEaster {
		if got := Easter(y); got != want {
			t.Errorf("Easter(%d) = %s, want %s", y, got, want)
		}
	}
}

func TestEasterProperties(t *testing.T) {
	earliest, latest := 0, 0
	for y := 1583; y <= 4099; y++ {
		e := Easter(y)
		if e.Year != y || !e.valid() {
			t.Fatalf("Easter(%d) = %+v is not a date of the year", y, e)
		}
		if wd := e.Time().Weekday(); wd != time.Sunday {
			t.Fatalf("Easter(%d) = %s is a %s", y, e, wd)
		}
		if e.Before(NewDate(y, time.March, 22)) || e.After(NewDate(y, time.April, 25)) {
			t.Fatalf("Easter(%d) = %s is outside 22 March to 25 April", y, e)
		}
		if e == NewDate(y, time.March, 22) {
			earliest++
		}
		if e == NewDate(y, time.April, 25) {
			latest++
		}
	}
	if earliest == 0 || latest == 0 {
		t.Fatalf("in 2,517 years Easter never fell on 22 March (%d) or 25 April (%d)", earliest, latest)
	}
}

func TestHolidays(t *testing.T) {
	// 2026: Easter 5 April.
	want := map[Date]HolidayKind{
		{2026, time.January, 1}: HolidayNewYearsDay, {2026, time.April, 2}: HolidayMaundyThursday, {2026, time.April, 3}: HolidayGoodFriday,
		{2026, time.April, 5}: HolidayEasterSunday, {2026, time.April, 6}: HolidayEasterMonday, {2026, time.May, 14}: HolidayAscensionDay,
		{2026, time.May, 24}: HolidayWhitSunday, {2026, time.May, 25}: HolidayWhitMonday, {2026, time.December, 24}: HolidayChristmasEve,
		{2026, time.December, 25}: HolidayChristmasDay, {2026, time.December, 26}: HolidaySecondChristmas,
		{2026, time.December, 27}: HolidayBetweenChristmas, {2026, time.December, 28}: HolidayBetweenChristmas,
		{2026, time.December, 29}: HolidayBetweenChristmas, {2026, time.December, 30}: HolidayBetweenChristmas,
		{2026, time.December, 31}: HolidayNewYearsEve,
	}
	list := HolidaysIn(2026)
	if len(list) != len(want) {
		t.Fatalf("2026 has %d holidays, want %d: %v", len(list), len(want), list)
	}
	for i, h := range list {
		if want[h.Date] != h.Kind {
			t.Errorf("%s: %s, want %q", h.Date, h.Kind, want[h.Date])
		}
		if i > 0 && !list[i-1].Date.Before(h.Date) {
			t.Errorf("holidays out of order: %s before %s", list[i-1].Date, h.Date)
		}
	}
	// Grundlovsdag is not a holiday; store bededag was one until 2023.
	for _, c := range []struct {
		d    Date
		want HolidayKind
	}{
		{NewDate(2026, time.June, 5), ""},
		{NewDate(2023, time.May, 5), HolidayGreatPrayerDay},
		{NewDate(2014, time.May, 16), HolidayGreatPrayerDay},
		{NewDate(2024, time.April, 26), ""},
		{NewDate(2026, time.May, 1), ""},
		{NewDate(2026, time.December, 23), ""},
		{NewDate(2027, time.January, 2), ""},
	} {
		if got, ok := HolidayOn(c.d); got != c.want || ok != (c.want != "") {
			t.Errorf("HolidayOn(%s) = %q, %v; want %q", c.d, got, ok, c.want)
		}
	}
	// HolidayOn agrees with HolidaysIn on every day of many years, and the
	// Easter holidays keep their weekdays.
	weekdays := map[HolidayKind]time.Weekday{HolidayMaundyThursday: time.Thursday, HolidayGoodFriday: time.Friday,
		HolidayEasterSunday: time.Sunday, HolidayEasterMonday: time.Monday, HolidayGreatPrayerDay: time.Friday,
		HolidayAscensionDay: time.Thursday, HolidayWhitSunday: time.Sunday, HolidayWhitMonday: time.Monday}
	for y := 1990; y <= 2060; y++ {
		byDate := map[Date]HolidayKind{}
		for _, h := range HolidaysIn(y) {
			byDate[h.Date] = h.Kind
			if wd, ok := weekdays[h.Kind]; ok && h.Date.Time().Weekday() != wd {
				t.Errorf("%s %s is a %s", h.Kind, h.Date, h.Date.Time().Weekday())
			}
			if h.Kind == HolidayGreatPrayerDay && y > LastGreatPrayerDay {
				t.Errorf("store bededag in %d", y)
			}
		}
		if _, ok := byDate[Easter(y).AddDays(26)]; ok != (y <= LastGreatPrayerDay) {
			t.Errorf("%d: store bededag listed %v", y, ok)
		}
		for d := NewDate(y, time.January, 1); d.Year == y; d = d.AddDays(1) {
			got, ok := HolidayOn(d)
			if want, listed := byDate[d]; got != want || ok != listed {
				t.Fatalf("HolidayOn(%s) = %q, %v; HolidaysIn lists %q", d, got, ok, want)
			}
		}
	}
}
