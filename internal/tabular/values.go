package tabular

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/samspil/samspil"
)

// ParseDecimal reads a number written the Danish or the plain way:
// "1.234,56", "1234,56", "1 234,56", "-12,5", "1234.56", "1234", "1.5E-3"
// (the last as XLSX cells hold numbers). The rules:
//
//   - A comma is the decimal separator; then dots and spaces group
//     thousands ("1.234.567,89").
//   - Without a comma, exactly one dot is the decimal point ("1234.56",
//     and so "1.234" is one point two three four, not 1234: the raw values
//     of XLSX cells are written so); two or more dots group thousands
//     ("1.234.567").
//   - Spaces (also no-break spaces) group thousands in either form.
//   - Grouping must be regular: 1–3 digits, then groups of exactly 3.
//   - A leading '+', '-' or '−' (U+2212) gives the sign; an exponent is
//     allowed only in the plain form without grouping.
//
// Surrounding spaces are ignored. The result is a float64: exact for the
// 15 significant digits Excel keeps, which covers amounts in kroner and
// øre. An error is a *samspil.Error (EINVALID) that quotes s; callers add
// the line and column.
func ParseDecimal(s string) (float64, error) {
	v, ok := parseDecimal(s)
	if !ok {
		return 0, samspil.Errorf(samspil.EINVALID, "%q is not a number; write it like 1234,56 or 1.234,56", clip(s))
	}
	return v, nil
}

func parseDecimal(s string) (float64, bool) {
	s = trimSpaces(s)
	neg := false
	switch {
	case strings.HasPrefix(s, "-"), strings.HasPrefix(s, "+"):
		neg = s[0] == '-'
		s = s[1:]
	case strings.HasPrefix(s, "−"):
		neg = true
		s = s[len("−"):]
	}
	if s == "" {
		return 0, false
	}
	// Normalise the grouping spaces to ' '.
	s = strings.NewReplacer("\u00A0", " ", "\u202F", " ").Replace(s)
	var intPart, frac, exp string
	if i := strings.IndexByte(s, ','); i >= 0 {
		intPart, frac = s[:i], s[i+1:]
		if frac == "" || !allDigits(frac) {
			return 0, false
		}
		digits, ok := ungroup(intPart, '.', true)
		if !ok {
			return 0, false
		}
		intPart = digits
	} else {
		mant := s
		if i := strings.IndexAny(s, "eE"); i >= 0 {
			mant, exp = s[:i], s[i+1:]
			e := strings.TrimPrefix(strings.TrimPrefix(exp, "+"), "-")
			if e == "" || !allDigits(e) || strings.ContainsAny(mant, " ") || strings.Count(mant, ".") > 1 {
				return 0, false
			}
		}
		switch strings.Count(mant, ".") {
		case 0:
			digits, ok := ungroup(mant, 0, false)
			if !ok {
				return 0, false
			}
			intPart = digits
		case 1:
			i := strings.IndexByte(mant, '.')
			intPart, frac = mant[:i], mant[i+1:]
			if frac == "" || !allDigits(frac) {
				return 0, false
			}
			digits, ok := ungroup(intPart, 0, true)
			if !ok {
				return 0, false
			}
			intPart = digits
		default:
			digits, ok := ungroup(mant, '.', false)
			if !ok {
				return 0, false
			}
			intPart = digits
		}
	}
	if intPart == "" {
		intPart = "0"
	}
	num := intPart
	if frac != "" {
		num += "." + frac
	}
	if exp != "" {
		num += "e" + exp
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// ungroup checks the integer part s, whose thousands may be grouped by
// spaces or by sep (0 for none), and returns its digits. emptyOK allows ""
// (as in ",5").
func ungroup(s string, sep byte, emptyOK bool) (string, bool) {
	if s == "" {
		return "", emptyOK
	}
	if allDigits(s) {
		return s, true
	}
	digits := make([]byte, 0, len(s))
	group, groups := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
			group++
		case c == ' ' || (sep != 0 && c == sep):
			if group == 0 || (groups == 0 && group > 3) || (groups > 0 && group != 3) {
				return "", false
			}
			groups++
			group = 0
		default:
			return "", false
		}
	}
	if group != 3 {
		return "", false
	}
	return string(digits), true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func trimSpaces(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\u00A0' || r == '\u202F'
	})
}

// FormatDecimalDA writes v the way Danish Excel reads a number from CSV:
// a decimal comma, no grouping ("1234,56", "-12,5", "1000000"), rounded
// to the 15 significant digits that Excel keeps, which also drops float
// artefacts (0.1+0.2 is "0,3"). ParseDecimal reads it back.
func FormatDecimalDA(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	if r == 0 {
		return "0"
	}
	return strings.Replace(strconv.FormatFloat(r, 'f', -1, 64), ".", ",", 1)
}

// Serial numbers of Excel dates: day 1 is 1900-01-01 and day 2958465 is
// 9999-12-31.
const maxSerial = 2958466

// ExcelDate reads an Excel date serial number as XLSX cells hold dates
// ("45322" is 2024-01-31, "45322.5" noon that day), in the 1900 date
// system that all but old Mac workbooks use. It keeps Excel's count, in
// which the non-existent 1900-02-29 is day 60 (refused). The fraction is
// the time of day, rounded to the millisecond. The time is in UTC, as a
// calendar date without zone. ok is false for anything else.
func ExcelDate(s string) (time.Time, bool) { return excelDate(s, false) }

func excelDate(s string, date1904 bool) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || s[0] < '0' || s[0] > '9' || strings.Trim(s, "0123456789.eE+-") != "" {
		return time.Time{}, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return time.Time{}, false
	}
	var base time.Time
	switch {
	case date1904:
		if v < 0 || v >= maxSerial-1462 {
			return time.Time{}, false
		}
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	case v < 1 || v >= maxSerial || (v >= 60 && v < 61):
		return time.Time{}, false
	case v < 60:
		base = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)
	default:
		base = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	}
	days := math.Floor(v)
	ms := math.Round((v - days) * 86_400_000)
	return base.AddDate(0, 0, int(days)).Add(time.Duration(ms) * time.Millisecond), true
}

// ParseDateFlexible reads a date as Danish users and systems write it:
// "2026-01-31" (ISO, also with a time as "2026-01-31T10:15:00Z" or
// "2026-01-31 10:15"), "31-01-2026", "31.01.2026", "31/01/2026" (always
// day first; "1.2.2026" is 1 February; a time "10:15" or "10:15:30" may
// follow after a space), or an Excel date serial number (see ExcelDate).
// Two-digit years are refused as ambiguous. Times without a zone are
// taken as UTC. An error is a *samspil.Error (EINVALID) that quotes s.
func ParseDateFlexible(s string) (time.Time, error) { return parseDate(s, false) }

// ParseDate is ParseDateFlexible in the table's date system: serial
// numbers of a workbook with Date1904 count from 1904-01-01.
func (t *Table) ParseDate(s string) (time.Time, error) { return parseDate(s, t.Date1904) }

func parseDate(s string, date1904 bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, ok := parseDateText(s); ok {
		return t, nil
	}
	if t, ok := excelDate(s, date1904); ok {
		return t, nil
	}
	return time.Time{}, samspil.Errorf(samspil.EINVALID, "%q is not a date; write it like 31-01-2026 or 2026-01-31", clip(s))
}

func parseDateText(s string) (time.Time, bool) {
	if len(s) >= 10 && s[4] == '-' {
		for _, layout := range []string{"2006-01-02", time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC(), true
			}
		}
		return time.Time{}, false
	}
	date, clock, _ := strings.Cut(s, " ")
	clock = strings.TrimSpace(clock)
	i := strings.IndexAny(date, "-./")
	if i < 1 || i > 2 {
		return time.Time{}, false
	}
	sep := date[i]
	parts := strings.Split(date, string(sep))
	if len(parts) != 3 || len(parts[1]) < 1 || len(parts[1]) > 2 || len(parts[2]) != 4 {
		return time.Time{}, false
	}
	for _, p := range parts {
		if !allDigits(p) {
			return time.Time{}, false
		}
	}
	d, _ := strconv.Atoi(parts[0])
	m, _ := strconv.Atoi(parts[1])
	y, _ := strconv.Atoi(parts[2])
	var hh, mm, ss int
	if clock != "" {
		c, err := time.Parse("15:04:05", clock)
		if err != nil {
			c, err = time.Parse("15:04", clock)
		}
		if err != nil {
			return time.Time{}, false
		}
		hh, mm, ss = c.Clock()
	}
	t := time.Date(y, time.Month(m), d, hh, mm, ss, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m || t.Year() != y {
		return time.Time{}, false
	}
	return t, true
}

// clip shortens s for a message.
func clip(s string) string {
	if len(s) > 40 {
		return truncateUTF8(s, 40) + "…"
	}
	return s
}
