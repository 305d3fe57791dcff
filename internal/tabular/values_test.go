package tabular

import (
	"math"
	"testing"
	"time"

	"github.com/samspil/samspil"
)

func TestParseDecimal(t *testing.T) {
	good := map[string]float64{
		"1.234,56":            1234.56,
		"1234,56":             1234.56,
		"1234.56":             1234.56,
		"1 234,56":            1234.56,
		"1\u00a0234,56":       1234.56,
		"1\u202f234,56":       1234.56,
		"-12,5":               -12.5,
		"−12,5":               -12.5,
		"+7":                  7,
		" 42 ":                42,
		"0":                   0,
		",5":                  0.5,
		".5":                  0.5,
		"1.234":               1.234, // one dot, no comma: a decimal point
		"1.234.567":           1234567,
		"1.234.567,891":       1234567.891,
		"12 345 678":          12345678,
		"1 234.5":             1234.5,
		"1.5E-3":              0.0015,
		"1E5":                 100000,
		"-2.5e+2":             -250,
		"0.30000000000000004": 0.30000000000000004,
		"007":                 7,
	}
	for in, want := range good {
		got, err := ParseDecimal(in)
		if err != nil || got != want {
			t.Errorf("ParseDecimal(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	bad := []string{
		"", " ", "-", "abc", "1,234.56", "1,2,3", "12,", "1.2.3", "1..234", "1.23.456",
		"1.2345,6", "12.34,5", "1 23,4", "1  234", " 1 234 5", "1,5E3", "1.234.567.8",
		"1e", "e5", "NaN", "Inf", "0x10", "1_000", "1e400", "--1", "+-1", "1-", "12kr", "1.234 567,8.",
	}
	for _, in := range bad {
		if got, err := ParseDecimal(in); err == nil {
			t.Errorf("ParseDecimal(%q) = %v, want an error", in, got)
		} else if samspil.ErrorCode(err) != samspil.EINVALID {
			t.Errorf("ParseDecimal(%q): %v", in, err)
		}
	}
}

func TestFormatDecimalDA(t *testing.T) {
	tests := map[float64]string{
		1234.56:              "1234,56",
		-12.5:                "-12,5",
		1e6:                  "1000000",
		0:                    "0",
		math.Copysign(0, -1): "0",
		0.1 + 0.2:            "0,3",
		1543.1999999999998:   "1543,2",
		0.000001:             "0,000001",
		123456789012345678:   "123456789012346000",
	}
	for in, want := range tests {
		got := FormatDecimalDA(in)
		if got != want {
			t.Errorf("FormatDecimalDA(%v) = %q, want %q", in, got, want)
		}
		back, err := ParseDecimal(got)
		if err != nil {
			t.Errorf("ParseDecimal(%q): %v", got, err)
		}
		if r, _ := ParseDecimal(FormatDecimalDA(back)); r != back {
			t.Errorf("%q does not round-trip", got)
		}
	}
}

func TestExcelDate(t *testing.T) {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	good := map[string]time.Time{
		"1":                  day(1900, 1, 1),
		"59":                 day(1900, 2, 28),
		"61":                 day(1900, 3, 1),
		"45322":              day(2024, 1, 31),
		"46053":              day(2026, 1, 31),
		"45322.5":            day(2024, 1, 31).Add(12 * time.Hour),
		"46380.4375":         day(2026, 12, 24).Add(10*time.Hour + 30*time.Minute),
		"45322.416666666664": day(2024, 1, 31).Add(10 * time.Hour),
		"2958465":            day(9999, 12, 31),
	}
	for in, want := range good {
		got, ok := ExcelDate(in)
		if !ok || !got.Equal(want) {
			t.Errorf("ExcelDate(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "0", "0.5", "60", "60.5", "-1", "2958466", "abc", "1,5", "+45322", "1e400", "NaN", "0x10"} {
		if got, ok := ExcelDate(in); ok {
			t.Errorf("ExcelDate(%q) = %v, want not ok", in, got)
		}
	}
	if got, ok := excelDate("0", true); !ok || !got.Equal(day(1904, 1, 1)) {
		t.Errorf("1904: %v %v", got, ok)
	}
}

func TestParseDateFlexible(t *testing.T) {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	good := map[string]time.Time{
		"2026-01-31":                day(2026, 1, 31),
		"31-01-2026":                day(2026, 1, 31),
		"31.01.2026":                day(2026, 1, 31),
		"31/01/2026":                day(2026, 1, 31),
		"1.2.2026":                  day(2026, 2, 1),
		" 29-02-2024 ":              day(2024, 2, 29),
		"31-01-2026 10:15":          day(2026, 1, 31).Add(10*time.Hour + 15*time.Minute),
		"31.01.2026 10:15:30":       day(2026, 1, 31).Add(10*time.Hour + 15*time.Minute + 30*time.Second),
		"2026-01-31 10:15":          day(2026, 1, 31).Add(10*time.Hour + 15*time.Minute),
		"2026-01-31T10:15:00+01:00": day(2026, 1, 31).Add(9*time.Hour + 15*time.Minute),
		"46053":                     day(2026, 1, 31),
	}
	for in, want := range good {
		got, err := ParseDateFlexible(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseDateFlexible(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "31-01-26", "2026-1-31", "31-13-2026", "29-02-2026", "31-01/2026", "31-01-2026 25:00",
		"2026-02-30", "januar 2026", "123-01-2026", "31--2026", "0-01-2026", "31-01-2026x", "20260131"} {
		if got, err := ParseDateFlexible(in); err == nil {
			t.Errorf("ParseDateFlexible(%q) = %v, want an error", in, got)
		} else if samspil.ErrorCode(err) != samspil.EINVALID {
			t.Errorf("ParseDateFlexible(%q): %v", in, err)
		}
	}
}
