package samspil

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Date is a calendar date without time of day or zone: the day a contract
// starts, expires or must be given notice by. Days are counted in the
// proleptic Gregorian calendar, as by package time.
//
// The zero Date means "no date": it prints, marshals and unmarshals as ""
// and is stored as NULL. Optional date fields are *Date with omitempty, so
// that an absent date is left out of JSON rather than sent as "".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// dateLayout is the one text form of a Date (ISO 8601 calendar date).
const dateLayout = "2006-01-02"

// NewDate returns the date y-m-d, normalised like time.Date: 2026-02-30
// becomes 2026-03-02 and month 13 is January of the next year.
func NewDate(y int, m time.Month, d int) Date {
	return DateOf(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// DateOf returns the date of t in t's location. To get today's date in
// Denmark, pass time.Now().In(loc) with loc the Europe/Copenhagen zone.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate parses a date in the form "2026-01-31": four-digit year,
// two-digit month and day, nothing before or after. Days that do not exist,
// such as 2026-02-30, are an error.
func ParseDate(s string) (Date, error) {
	bad := func() (Date, error) {
		return Date{}, Errorf(EINVALID, "%q is not a date of the form YYYY-MM-DD such as 2026-01-31", s)
	}
	if len(s) != len(dateLayout) || s[4] != '-' || s[7] != '-' {
		return bad()
	}
	num := func(s string) (int, bool) {
		n := 0
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			n = n*10 + int(s[i]-'0')
		}
		return n, true
	}
	y, ok1 := num(s[0:4])
	m, ok2 := num(s[5:7])
	d, ok3 := num(s[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return bad()
	}
	return Date{Year: y, Month: time.Month(m), Day: d}, nil
}

// daysIn returns the number of days of month m of year y.
func daysIn(y int, m time.Month) int {
	if m < time.January || m > time.December {
		return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
	}
	if m == time.February && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		return 29
	}
	return monthDays[m-1]
}

var monthDays = [12]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// Deadlines are computed for thousands of contracts per request, so the day
// arithmetic below counts days from 1970-01-01 in the proleptic Gregorian
// calendar (H. Hinnant's days_from_civil and civil_from_days) instead of
// going through time.Time. Day numbers outside the month are carried over
// like time.Date does; TestDateArithmeticAgreesWithTime checks both ways.

// dayNumber returns the days from 1970-01-01 to d; d.Month must be 1–12.
func (d Date) dayNumber() int {
	y, m := d.Year, int(d.Month)
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	doy := (153*((m+9)%12)+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// dateOfDayNumber returns the date n days after 1970-01-01.
func dateOfDayNumber(n int) Date {
	n += 719468
	era := floorDiv(n, 146097)
	doe := n - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	y := yoe + era*400
	if m <= 2 {
		y++
	}
	return Date{Year: y, Month: time.Month(m), Day: day}
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// String returns the date as "2026-01-31", or "" for the zero Date. Years
// outside 0–9999 do not have this form and cannot be parsed back.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	if d.Year < 0 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > 99 {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
	b := [10]byte{'0' + byte(d.Year/1000), '0' + byte(d.Year/100%10), '0' + byte(d.Year/10%10), '0' + byte(d.Year%10), '-',
		'0' + byte(d.Month/10), '0' + byte(d.Month%10), '-', '0' + byte(d.Day/10), '0' + byte(d.Day%10)}
	return string(b[:])
}

// IsZero reports whether d is the zero Date ("no date").
func (d Date) IsZero() bool { return d == Date{} }

// valid reports whether d is a real day (not zero, not denormalised like
// 2026-02-30).
func (d Date) valid() bool {
	return !d.IsZero() && d == NewDate(d.Year, d.Month, d.Day)
}

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// StartIn returns the first instant of d in loc, such as midnight in
// Denmark.
func (d Date) StartIn(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays returns the date n days after d (before d when n < 0).
func (d Date) AddDays(n int) Date {
	if d.Month < time.January || d.Month > time.December {
		return NewDate(d.Year, d.Month, d.Day+n)
	}
	return dateOfDayNumber(d.dayNumber() + n)
}

// AddMonths returns the same day n months later (earlier when n < 0). When
// that month is shorter, the result is its last day: 2026-01-31 plus one
// month is 2026-02-28, 2024-01-31 plus one month is 2024-02-29, and
// 2024-02-29 plus twelve months is 2025-02-28. Unlike time.Time.AddDate it
// never spills over into the following month.
func (d Date) AddMonths(n int) Date {
	months := d.Year*12 + int(d.Month) - 1 + n
	y, m := months/12, months%12
	if m < 0 { // floor division for dates before year 0
		y, m = y-1, m+12
	}
	month := time.Month(m + 1)
	if d.Day < 1 {
		return NewDate(y, month, d.Day)
	}
	return Date{Year: y, Month: month, Day: min(d.Day, daysIn(y, month))}
}

// EndOfMonth returns the last day of d's month.
func (d Date) EndOfMonth() Date {
	return Date{Year: d.Year, Month: d.Month, Day: daysIn(d.Year, d.Month)}
}

// EndOfQuarter returns the last day of d's calendar quarter: 31 March,
// 30 June, 30 September or 31 December.
func (d Date) EndOfQuarter() Date {
	m := (d.Month-1)/3*3 + 3
	return Date{Year: d.Year, Month: m, Day: daysIn(d.Year, m)}
}

// EndOfYear returns 31 December of d's year.
func (d Date) EndOfYear() Date {
	return Date{Year: d.Year, Month: time.December, Day: 31}
}

// Compare returns -1 when d is before o, 0 when they are the same day and +1
// when d is after o.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmpInt(d.Year, o.Year)
	case d.Month != o.Month:
		return cmpInt(int(d.Month), int(o.Month))
	}
	return cmpInt(d.Day, o.Day)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// DaysBetween returns the number of days from a to b: b - a, negative when b
// is before a.
func DaysBetween(a, b Date) int {
	if a.Month < time.January || a.Month > time.December || b.Month < time.January || b.Month > time.December {
		return int((b.Time().Unix() - a.Time().Unix()) / (24 * 60 * 60))
	}
	return b.dayNumber() - a.dayNumber()
}

// MonthsBetween returns the number of whole months from a to b: the largest
// m ≥ 0 with a.AddMonths(m) on or before b, and 0 when b is before a. Because
// AddMonths clamps to the end of the month, 2026-01-31 to 2026-02-28 is one
// whole month.
func MonthsBetween(a, b Date) int {
	if b.Before(a) {
		return 0
	}
	m := (b.Year-a.Year)*12 + int(b.Month) - int(a.Month)
	if a.AddMonths(m).After(b) {
		m--
	}
	return m
}

// MarshalText returns the date as "2026-01-31", or nothing for the zero Date.
func (d Date) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}

// UnmarshalText parses "2026-01-31"; empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Scan reads a date from a database column: a time.Time (PostgreSQL DATE,
// and SQLite drivers that parse columns declared DATE) taken as the date in
// its own location, or text "2026-01-31" (SQLite). NULL is the zero Date.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = DateOf(v)
		return nil
	case string:
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.UnmarshalText(v)
	}
	return Errorf(EINTERNAL, "cannot scan %T into a date", src)
}

// Value stores the date as the text "2026-01-31", which both PostgreSQL
// (into DATE) and SQLite accept; the zero Date is stored as NULL.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// StringOrEmpty returns the date as text, or "" for nil.
func (d *Date) StringOrEmpty() string {
	if d == nil {
		return ""
	}
	return d.String()
}
