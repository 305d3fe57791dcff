package samspil

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite" // "sqlite" driver for the SQL round trip
)

// mustParseDate parses "2026-01-31" or fails the test.
func mustParseDate(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatalf("ParseDate(%q): %v", s, err)
	}
	return d
}

// randDate returns a random day in 1990–2100, a third of them at or near a
// month's end, where clamping happens.
func randDate(r *rand.Rand) Date {
	first, last := NewDate(1990, 1, 1), NewDate(2100, 12, 31)
	d := first.AddDays(r.IntN(DaysBetween(first, last) + 1))
	if r.IntN(3) == 0 {
		d = d.EndOfMonth().AddDays(-r.IntN(3))
	}
	return d
}

func TestNewDateNormalises(t *testing.T) {
	for _, c := range []struct {
		y    int
		m    time.Month
		d    int
		want string
	}{
		{2026, 1, 31, "2026-01-31"},
		{2026, 2, 30, "2026-03-02"},
		{2024, 2, 30, "2024-03-01"},
		{2026, 13, 1, "2027-01-01"},
		{2026, 1, 0, "2025-12-31"},
		{2026, 0, 1, "2025-12-01"},
	} {
		if got := NewDate(c.y, c.m, c.d).String(); got != c.want {
			t.Errorf("NewDate(%d, %d, %d) = %s, want %s", c.y, c.m, c.d, got, c.want)
		}
	}
}

func TestDateOfUsesLocation(t *testing.T) {
	cph := time.FixedZone("CET", 60*60)
	// 00:30 on 1 January in Copenhagen is still 31 December in UTC.
	tm := time.Date(2026, 1, 1, 0, 30, 0, 0, cph)
	if got := DateOf(tm); got != NewDate(2026, 1, 1) {
		t.Errorf("DateOf in CET = %s, want 2026-01-01", got)
	}
	if got := DateOf(tm.UTC()); got != NewDate(2025, 12, 31) {
		t.Errorf("DateOf in UTC = %s, want 2025-12-31", got)
	}
	if got, want := NewDate(2026, 1, 31).Time(), time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("Time() = %v, want %v", got, want)
	}
}

func TestParseDate(t *testing.T) {
	for _, s := range []string{"2026-01-31", "2024-02-29", "2000-02-29", "2026-12-31", "0001-01-01", "9999-12-31"} {
		d, err := ParseDate(s)
		if err != nil {
			t.Errorf("ParseDate(%q): %v", s, err)
			continue
		}
		if d.String() != s {
			t.Errorf("ParseDate(%q).String() = %q", s, d.String())
		}
	}
	if d := mustParseDate(t, "2026-01-31"); d != (Date{2026, time.January, 31}) {
		t.Errorf("ParseDate(2026-01-31) = %#v", d)
	}
	for _, s := range []string{
		"2026-02-30", "2025-02-29", "2100-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00",
		"2026-1-5", "2026-01-5", "26-01-05", "", " 2026-01-01", "2026-01-01 ", "2026/01/01", "20260101",
		"2026-01-3a", "2026-01- 1", " 026-01-01", "+026-01-01", "-026-01-01", "2026-01-01T00:00:00Z", "2026-01-01Z", "２026-01-01",
	} {
		if d, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) = %s, want an error", s, d)
		} else if ErrorCode(err) != EINVALID {
			t.Errorf("ParseDate(%q) error code = %s, want %s", s, ErrorCode(err), EINVALID)
		}
	}
}

func TestDateStringAndZero(t *testing.T) {
	var z Date
	if !z.IsZero() || z.String() != "" {
		t.Errorf("zero Date: IsZero=%v String=%q", z.IsZero(), z.String())
	}
	d := NewDate(2026, 3, 5)
	if d.IsZero() || d.String() != "2026-03-05" {
		t.Errorf("2026-03-05: IsZero=%v String=%q", d.IsZero(), d.String())
	}
	if s := NewDate(987, 1, 2).String(); s != "0987-01-02" {
		t.Errorf("year 987 = %q, want 0987-01-02", s)
	}
}

func TestDateAddMonths(t *testing.T) {
	for _, c := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-01-15", 1, "2026-02-15"},
		{"2026-01-31", 1, "2026-02-28"}, // clamped to the shorter month
		{"2024-01-31", 1, "2024-02-29"}, // leap year
		{"2000-01-31", 1, "2000-02-29"}, // divisible by 400: leap
		{"2100-01-31", 1, "2100-02-28"}, // divisible by 100: not leap
		{"2026-08-31", 1, "2026-09-30"},
		{"2026-10-31", 4, "2027-02-28"},
		{"2026-12-31", 1, "2027-01-31"},
		{"2026-12-15", 13, "2028-01-15"},
		{"2024-02-29", 12, "2025-02-28"},
		{"2024-02-29", 48, "2028-02-29"},
		{"2024-02-29", 1, "2024-03-29"}, // not the end of March: AddMonths keeps the day
		{"2026-05-31", 0, "2026-05-31"},
		{"2026-03-31", -1, "2026-02-28"},
		{"2024-03-31", -1, "2024-02-29"},
		{"2026-01-15", -1, "2025-12-15"},
		{"2026-01-31", -2, "2025-11-30"},
		{"2026-01-01", -12, "2025-01-01"},
		{"2026-01-31", -13, "2024-12-31"},
		{"2028-02-29", -48, "2024-02-29"},
		{"2028-02-29", -12, "2027-02-28"},
		{"2026-07-31", -600, "1976-07-31"},
	} {
		if got := mustParseDate(t, c.from).AddMonths(c.n).String(); got != c.want {
			t.Errorf("%s.AddMonths(%d) = %s, want %s", c.from, c.n, got, c.want)
		}
	}
	// Floor division below year 0.
	if got := NewDate(0, 1, 15).AddMonths(-1); got != (Date{-1, time.December, 15}) {
		t.Errorf("0000-01-15 minus a month = %#v", got)
	}
}

func TestDateAddDaysAndDaysBetween(t *testing.T) {
	for _, c := range []struct {
		a, b string
		days int
	}{
		{"2026-01-01", "2026-01-01", 0},
		{"2026-01-31", "2026-02-01", 1},
		{"2026-01-01", "2027-01-01", 365},
		{"2024-01-01", "2025-01-01", 366},
		{"2024-02-28", "2024-03-01", 2},
		{"2026-03-29", "2026-03-30", 1}, // DST change in Denmark: still one day
		{"2026-05-31", "2026-02-28", -92},
		{"1990-01-01", "2100-12-31", 40541},
	} {
		a, b := mustParseDate(t, c.a), mustParseDate(t, c.b)
		if got := DaysBetween(a, b); got != c.days {
			t.Errorf("DaysBetween(%s, %s) = %d, want %d", a, b, got, c.days)
		}
		if got := a.AddDays(c.days); got != b {
			t.Errorf("%s.AddDays(%d) = %s, want %s", a, c.days, got, b)
		}
	}
}

func TestDateEndOfPeriod(t *testing.T) {
	for _, c := range []struct{ d, month, quarter, year string }{
		{"2026-01-01", "2026-01-31", "2026-03-31", "2026-12-31"},
		{"2026-02-10", "2026-02-28", "2026-03-31", "2026-12-31"},
		{"2024-02-10", "2024-02-29", "2024-03-31", "2024-12-31"},
		{"2026-03-31", "2026-03-31", "2026-03-31", "2026-12-31"},
		{"2026-04-01", "2026-04-30", "2026-06-30", "2026-12-31"},
		{"2026-05-15", "2026-05-31", "2026-06-30", "2026-12-31"},
		{"2026-06-30", "2026-06-30", "2026-06-30", "2026-12-31"},
		{"2026-07-01", "2026-07-31", "2026-09-30", "2026-12-31"},
		{"2026-09-30", "2026-09-30", "2026-09-30", "2026-12-31"},
		{"2026-10-01", "2026-10-31", "2026-12-31", "2026-12-31"},
		{"2026-11-30", "2026-11-30", "2026-12-31", "2026-12-31"},
		{"2026-12-31", "2026-12-31", "2026-12-31", "2026-12-31"},
	} {
		d := mustParseDate(t, c.d)
		if got := d.EndOfMonth().String(); got != c.month {
			t.Errorf("%s.EndOfMonth() = %s, want %s", d, got, c.month)
		}
		if got := d.EndOfQuarter().String(); got != c.quarter {
			t.Errorf("%s.EndOfQuarter() = %s, want %s", d, got, c.quarter)
		}
		if got := d.EndOfYear().String(); got != c.year {
			t.Errorf("%s.EndOfYear() = %s, want %s", d, got, c.year)
		}
	}
}

func TestDateCompare(t *testing.T) {
	dates := []string{"2025-12-31", "2026-01-01", "2026-01-02", "2026-02-01", "2027-01-01"}
	for i, a := range dates {
		for j, b := range dates {
			da, db := mustParseDate(t, a), mustParseDate(t, b)
			want := cmpInt(i, j)
			if got := da.Compare(db); got != want {
				t.Errorf("%s.Compare(%s) = %d, want %d", a, b, got, want)
			}
			if da.Before(db) != (i < j) || da.After(db) != (i > j) {
				t.Errorf("%s Before/After %s = %v/%v", a, b, da.Before(db), da.After(db))
			}
		}
	}
}

func TestDateMonthsBetween(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"2026-01-15", "2026-01-15", 0},
		{"2026-01-15", "2026-02-14", 0},
		{"2026-01-15", "2026-02-15", 1},
		{"2026-01-15", "2027-01-14", 11},
		{"2026-01-15", "2027-01-15", 12},
		{"2026-01-31", "2026-02-27", 0},
		{"2026-01-31", "2026-02-28", 1}, // AddMonths(1) clamps to 28 February
		{"2026-03-31", "2026-04-30", 1},
		{"2026-03-30", "2026-04-29", 0},
		{"2024-02-29", "2025-02-28", 12},
		{"2024-02-29", "2028-02-28", 47},
		{"2024-02-29", "2028-02-29", 48},
		{"2026-05-31", "2026-01-01", 0}, // b before a
		{"2026-12-31", "2026-12-01", 0},
	} {
		a, b := mustParseDate(t, c.a), mustParseDate(t, c.b)
		if got := MonthsBetween(a, b); got != c.want {
			t.Errorf("MonthsBetween(%s, %s) = %d, want %d", a, b, got, c.want)
		}
	}
}

func TestDateJSON(t *testing.T) {
	type doc struct {
		D Date  `json:"d"`
		P *Date `json:"p,omitempty"`
	}
	leap := NewDate(2024, 2, 29)
	in := doc{D: NewDate(2026, 1, 31), P: &leap}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"d":"2026-01-31","p":"2024-02-29"}` {
		t.Errorf("Marshal = %s", b)
	}
	var out doc
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.D != in.D || out.P == nil || *out.P != leap {
		t.Errorf("round trip = %+v", out)
	}

	// The zero Date is "" both ways; an absent pointer is left out.
	b, err = json.Marshal(doc{})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"d":""}` {
		t.Errorf("Marshal(zero) = %s", b)
	}
	out = doc{D: NewDate(2026, 1, 1), P: &leap}
	if err := json.Unmarshal([]byte(`{"d":"","p":null}`), &out); err != nil {
		t.Fatal(err)
	}
	if !out.D.IsZero() || out.P != nil {
		t.Errorf(`Unmarshal("", null) = %+v`, out)
	}

	for _, bad := range []string{`{"d":"2026-02-30"}`, `{"d":"2026-1-5"}`, `{"d":20260101}`, `{"p":"31-01-2026"}`} {
		if err := json.Unmarshal([]byte(bad), &out); err == nil {
			t.Errorf("Unmarshal(%s) succeeded: %+v", bad, out)
		}
	}
}

func TestDateSQLValues(t *testing.T) {
	d := NewDate(2026, 1, 31)
	if v, err := d.Value(); err != nil || v != "2026-01-31" {
		t.Errorf("Value() = %#v, %v", v, err)
	}
	if v, err := (Date{}).Value(); err != nil || v != nil {
		t.Errorf("zero Value() = %#v, %v; want NULL", v, err)
	}
	cph := time.FixedZone("CET", 60*60)
	for _, src := range []any{
		"2026-01-31",
		[]byte("2026-01-31"),
		time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC), // PostgreSQL DATE
		time.Date(2026, 1, 31, 0, 0, 0, 0, cph),      // the date in the value's own zone, not UTC
		time.Date(2026, 1, 31, 23, 59, 0, 0, time.UTC),
	} {
		got := NewDate(1999, 9, 9)
		if err := got.Scan(src); err != nil || got != d {
			t.Errorf("Scan(%#v) = %s, %v; want %s", src, got, err, d)
		}
	}
	got := d
	if err := got.Scan(nil); err != nil || !got.IsZero() {
		t.Errorf("Scan(nil) = %s, %v; want the zero Date", got, err)
	}
	for _, src := range []any{"2026-02-30", "2026-01-31 00:00:00", []byte("x"), int64(20260131), 3.5} {
		if err := got.Scan(src); err == nil {
			t.Errorf("Scan(%#v) succeeded: %s", src, got)
		}
	}
}

// TestDateSQLiteRoundTrip stores dates through the SQLite driver the
// platform uses, in a column declared DATE (which the driver returns as
// time.Time) and in a TEXT column (returned as text).
func TestDateSQLiteRoundTrip(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+t.TempDir()+"/dates.db?_time_format=sqlite")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE d (id INTEGER PRIMARY KEY, as_date DATE, as_text TEXT)`); err != nil {
		t.Fatal(err)
	}
	leap := NewDate(2028, 2, 29)
	rows := map[int][2]any{1: {NewDate(2026, 1, 31), NewDate(1999, 12, 31)}, 2: {&leap, &leap}, 3: {Date{}, (*Date)(nil)}}
	for id, v := range rows {
		if _, err := db.Exec(`INSERT INTO d VALUES (?, ?, ?)`, id, v[0], v[1]); err != nil {
			t.Fatal(err)
		}
	}
	// The driver returns the DATE column as time.Time, the TEXT one as text,
	// so both paths of Scan are taken.
	var asDate, asText any
	if err := db.QueryRow(`SELECT as_date, as_text FROM d WHERE id = 1`).Scan(&asDate, &asText); err != nil {
		t.Fatal(err)
	}
	if _, ok := asDate.(time.Time); !ok {
		t.Errorf("DATE column scanned as %T, want time.Time", asDate)
	}
	if _, ok := asText.(string); !ok {
		t.Errorf("TEXT column scanned as %T, want string", asText)
	}
	var raw string
	if err := db.QueryRow(`SELECT as_text FROM d WHERE id = 1`).Scan(&raw); err != nil || raw != "1999-12-31" {
		t.Errorf("stored text = %q, %v", raw, err)
	}
	for id, want := range map[int][2]Date{1: {NewDate(2026, 1, 31), NewDate(1999, 12, 31)}, 2: {leap, leap}, 3: {}} {
		var a, b Date
		if err := db.QueryRow(`SELECT as_date, as_text FROM d WHERE id = ?`, id).Scan(&a, &b); err != nil {
			t.Fatalf("row %d: %v", id, err)
		}
		if a != want[0] || b != want[1] {
			t.Errorf("row %d = %s, %s; want %s, %s", id, a, b, want[0], want[1])
		}
	}
	var p *Date
	if err := db.QueryRow(`SELECT as_date FROM d WHERE id = 3`).Scan(&p); err != nil || p != nil {
		t.Errorf("NULL into *Date = %v, %v; want nil", p, err)
	}
	// Dates stored as text sort as dates.
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM d WHERE as_text < ?`, NewDate(2000, 1, 1)).Scan(&n); err != nil || n != 1 {
		t.Errorf("dates before 2000 = %d, %v; want 1", n, err)
	}
}

// The properties below run over thousands of random dates in 1990–2100.
const dateTrials = 20000

func TestDateAddMonthsProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range dateTrials {
		d := randDate(r)
		n := r.IntN(241) - 120
		got := d.AddMonths(n)

		// The month moves by exactly n, and the day is kept unless the
		// target month is too short, in which case it is that month's end.
		if months := (got.Year*12 + int(got.Month)) - (d.Year*12 + int(d.Month)); months != n {
			t.Fatalf("%s.AddMonths(%d) = %s: moved %d months", d, n, got, months)
		}
		clamped := d.Day > daysIn(got.Year, got.Month)
		if clamped && got != got.EndOfMonth() || !clamped && got.Day != d.Day {
			t.Fatalf("%s.AddMonths(%d) = %s", d, n, got)
		}

		// Going back returns the date, or an earlier day of the same month
		// only when the way out was clamped.
		back := got.AddMonths(-n)
		switch {
		case back == d:
		case clamped && back.Year == d.Year && back.Month == d.Month && back.Before(d):
		default:
			t.Fatalf("%s.AddMonths(%d).AddMonths(%d) = %s (clamped: %v)", d, n, -n, back, clamped)
		}
		if !clamped && back != d {
			t.Fatalf("%s +%d -%d months = %s without clamping", d, n, n, back)
		}

		// AddMonths is non-decreasing in the date.
		e := d.AddDays(r.IntN(62))
		if e.AddMonths(n).Before(got) {
			t.Fatalf("%s < %s but %s.AddMonths(%d) = %s < %s", d, e, e, n, e.AddMonths(n), got)
		}
	}
}

func TestDateAddDaysProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range dateTrials {
		d := randDate(r)
		n := r.IntN(20001) - 10000
		e := d.AddDays(n)
		if back := e.AddDays(-n); back != d {
			t.Fatalf("%s +%d -%d days = %s", d, n, n, back)
		}
		if got := DaysBetween(d, e); got != n {
			t.Fatalf("DaysBetween(%s, %s) = %d, want %d", d, e, got, n)
		}
		if want := cmpInt(0, n); d.Compare(e) != want || d.Compare(e) != d.Time().Compare(e.Time()) {
			t.Fatalf("%s.Compare(%s) = %d, want %d", d, e, d.Compare(e), want)
		}
		if next := d.AddDays(1); next == d || DaysBetween(d, next) != 1 || !next.valid() {
			t.Fatalf("%s.AddDays(1) = %s", d, next)
		}
		if p, err := ParseDate(d.String()); err != nil || p != d {
			t.Fatalf("ParseDate(%s) = %s, %v", d, p, err)
		}
	}
}

func TestDateEndOfPeriodProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for range dateTrials {
		d := randDate(r)
		for _, p := range []struct {
			name   string
			end    Date
			months int // the period's length
		}{{"EndOfMonth", d.EndOfMonth(), 1}, {"EndOfQuarter", d.EndOfQuarter(), 3}, {"EndOfYear", d.EndOfYear(), 12}} {
			next := p.end.AddDays(1)
			if p.end.Before(d) || next.Day != 1 || (int(next.Month)-1)%p.months != 0 {
				t.Fatalf("%s.%s() = %s: before the date, or its next day %s does not start a period", d, p.name, p.end, next)
			}
			// d is in the period that ends there.
			if MonthsBetween(d, p.end) >= p.months || p.end.Year != d.Year {
				t.Fatalf("%s.%s() = %s is in a later period", d, p.name, p.end)
			}
		}
	}
}

func TestDateMonthsBetweenProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range dateTrials {
		a := randDate(r)
		b := a.AddDays(r.IntN(4000) - 100)
		m := MonthsBetween(a, b)
		if b.Before(a) {
			if m != 0 {
				t.Fatalf("MonthsBetween(%s, %s) = %d for b before a", a, b, m)
			}
			continue
		}
		if m < 0 || a.AddMonths(m).After(b) || !a.AddMonths(m+1).After(b) {
			t.Fatalf("MonthsBetween(%s, %s) = %d: not the largest m with a+m months <= b", a, b, m)
		}
	}
}

func TestDateScanErrorMessage(t *testing.T) {
	var d Date
	err := d.Scan(int64(1))
	if err == nil || !strings.Contains(err.Error(), "int64") {
		t.Errorf("Scan(int64) error = %v", err)
	}
}

// TestDateArithmeticAgreesWithTime checks the day arithmetic that does not
// go through time.Time against time.Date, over random dates of years 1 to
// 9999, day numbers outside the month included.
func TestDateArithmeticAgreesWithTime(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	viaTime := func(d Date) Date { return DateOf(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)) }
	for range 200000 {
		d := Date{Year: 1 + rng.IntN(9999), Month: time.Month(1 + rng.IntN(12)), Day: rng.IntN(40) - 5}
		n := rng.IntN(200000) - 100000
		if got, want := d.AddDays(n), viaTime(Date{d.Year, d.Month, d.Day + n}); got != want {
			t.Fatalf("%+v.AddDays(%d) = %v, want %v", d, n, got, want)
		}
		e := viaTime(Date{d.Year, d.Month, d.Day + n})
		if got, want := DaysBetween(d, e), int(e.Time().Sub(viaTime(d).Time()).Hours()/24); got != want {
			t.Fatalf("DaysBetween(%+v, %v) = %d, want %d", d, e, got, want)
		}
		v := viaTime(d)
		months := rng.IntN(2000) - 1000
		t0 := time.Date(v.Year, v.Month+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
		if got, want := v.AddMonths(months), viaTime(Date{t0.Year(), t0.Month(), min(v.Day, time.Date(t0.Year(), t0.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day())}); got != want {
			t.Fatalf("%v.AddMonths(%d) = %v, want %v", v, months, got, want)
		}
		if got, want := daysIn(v.Year, v.Month), time.Date(v.Year, v.Month+1, 0, 0, 0, 0, 0, time.UTC).Day(); got != want {
			t.Fatalf("daysIn(%d, %d) = %d, want %d", v.Year, v.Month, got, want)
		}
		if got, want := v.String(), fmt.Sprintf("%04d-%02d-%02d", v.Year, int(v.Month), v.Day); got != want {
			t.Fatalf("String() = %q, want %q", got, want)
		}
	}
}
