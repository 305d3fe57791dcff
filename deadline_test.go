package samspil

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// day parses "2026-01-31" for test tables; it panics on a typo.
func day(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// dayp is day as a pointer, for optional fields.
func dayp(s string) *Date { return datep(day(s)) }

func TestNoticeEffectiveExamples(t *testing.T) {
	for _, c := range []struct {
		given  string
		months int
		rule   NoticeRule
		want   string
	}{
		// Any day: the same day (clamped) months later.
		{"2026-02-28", 3, NoticeAnyDay, "2026-05-28"},
		{"2026-03-31", 3, NoticeAnyDay, "2026-06-30"},
		{"2026-03-01", 3, NoticeAnyDay, "2026-06-01"},
		{"2026-03-01", 0, NoticeAnyDay, "2026-03-01"},
		{"2026-03-01", -2, NoticeAnyDay, "2026-03-01"}, // negative months count as 0
		{"2026-03-01", 3, "", "2026-06-01"},            // unknown rules count as any_day
		// End of month ("løbende måned").
		{"2026-01-15", 3, NoticeEndOfMonth, "2026-04-30"},
		{"2026-01-31", 1, NoticeEndOfMonth, "2026-02-28"},
		{"2026-02-01", 1, NoticeEndOfMonth, "2026-03-31"},
		{"2026-04-29", 0, NoticeEndOfMonth, "2026-04-30"},
		// End of quarter.
		{"2026-01-15", 6, NoticeEndOfQuarter, "2026-09-30"},
		{"2026-03-31", 6, NoticeEndOfQuarter, "2026-09-30"},
		{"2026-04-01", 6, NoticeEndOfQuarter, "2026-12-31"},
		// End of year.
		{"2026-09-30", 3, NoticeEndOfYear, "2026-12-31"},
		{"2026-10-01", 3, NoticeEndOfYear, "2027-12-31"},
		{"2026-01-01", 0, NoticeEndOfYear, "2026-12-31"},
	} {
		if got := NoticeEffective(day(c.given), c.months, c.rule).String(); got != c.want {
			t.Errorf("NoticeEffective(%s, %d, %q) = %s, want %s", c.given, c.months, c.rule, got, c.want)
		}
	}
}

func TestLastNoticeDateExamples(t *testing.T) {
	for _, c := range []struct {
		end    string
		months int
		rule   NoticeRule
		want   string
		why    string
	}{
		{"2026-05-31", 3, NoticeAnyDay, "2026-02-28", "2026-03-01 plus 3 months is 2026-06-01, a day late"},
		{"2028-05-31", 3, NoticeAnyDay, "2028-02-29", "leap year"},
		{"2026-06-30", 3, NoticeAnyDay, "2026-03-31", "2026-03-31 plus 3 months is clamped to 2026-06-30"},
		{"2027-02-28", 1, NoticeAnyDay, "2027-01-31", "29, 30 and 31 January all clamp to 28 February"},
		{"2026-12-31", 6, NoticeAnyDay, "2026-06-30", "2026-07-01 plus 6 months is 2027-01-01"},
		{"2026-05-31", 0, NoticeAnyDay, "2026-05-31", "no notice period: notice on the last day"},
		{"2026-04-30", 3, NoticeEndOfMonth, "2026-01-31", "any day in January ends at the end of April"},
		{"2026-04-15", 3, NoticeEndOfMonth, "2025-12-31", "end not at a month end: notice in January would run to 30 April"},
		{"2026-04-30", 0, NoticeEndOfMonth, "2026-04-30", "no notice period, to the end of the month"},
		{"2026-04-29", 0, NoticeEndOfMonth, "2026-03-31", "notice in April takes effect on 30 April, a day late"},
		{"2026-12-31", 6, NoticeEndOfQuarter, "2026-06-30", "6 months to the end of a quarter"},
		{"2026-11-15", 6, NoticeEndOfQuarter, "2026-03-31", "the last quarter end on or before the end is 2026-09-30"},
		{"2026-09-30", 6, NoticeEndOfQuarter, "2026-03-31", "2026-03-31 plus 6 months is clamped to 2026-09-30"},
		{"2026-12-31", 3, NoticeEndOfYear, "2026-09-30", "2026-10-01 plus 3 months is in 2027"},
		{"2026-06-30", 12, NoticeEndOfYear, "2024-12-31", "the end must be a year end: 2025-12-31"},
		{"2026-12-30", 0, NoticeEndOfYear, "2025-12-31", "a year earlier: the search must reach back 12 months"},
		{"2026-12-30", 60, NoticeEndOfYear, "2020-12-31", "the longest notice period and a year of rounding"},
	} {
		if got := LastNoticeDate(day(c.end), c.months, c.rule).String(); got != c.want {
			t.Errorf("LastNoticeDate(%s, %d, %s) = %s, want %s (%s)", c.end, c.months, c.rule, got, c.want, c.why)
		}
	}
}

// TestDeadlineTermEnds checks the ends of successive terms: extensions count
// from the day after the previous end, so month ends stay month ends.
func TestDeadlineTermEnds(t *testing.T) {
	for _, c := range []struct {
		terms ContractTerms
		want  []string // ends after 0, 1, 2, … extensions
	}{
		{ContractTerms{Start: day("2022-01-01"), DurationMonths: 48, ExtensionMonths: 12},
			[]string{"2025-12-31", "2026-12-31", "2027-12-31"}},
		{ContractTerms{Start: day("2026-03-01"), Expiry: dayp("2027-02-28"), ExtensionMonths: 12},
			[]string{"2027-02-28", "2028-02-29", "2029-02-28"}},
		{ContractTerms{Start: day("2025-06-16"), Expiry: dayp("2026-06-15"), ExtensionMonths: 6},
			[]string{"2026-06-15", "2026-12-15", "2027-06-15"}},
		{ContractTerms{Start: day("2026-01-15"), DurationMonths: 1, ExtensionMonths: 1},
			[]string{"2026-02-14", "2026-03-14", "2026-04-14"}},
		{ContractTerms{Start: day("2025-09-01"), DurationMonths: 6, ExtensionMonths: 1},
			[]string{"2026-02-28", "2026-03-31", "2026-04-30"}},
	} {
		for k, want := range c.want {
			if got := c.terms.termEnd(k).String(); got != want {
				t.Errorf("start %s, %d months, expiry %v: end after %d extensions = %s, want %s",
					c.terms.Start, c.terms.DurationMonths, c.terms.Expiry, k, got, want)
			}
		}
	}
}

// want is the expected Deadlines in a readable form: "" for an absent date,
// -1 for absent months.
type want struct {
	status                                   ContractStatus
	currentEnd, nextEnd, lastNotice, decison string
	monthsLeft                               int
	extensionsLeft                           int
	explanation                              string
}

func dateOrEmpty(d *Date) string {
	if d == nil {
		return ""
	}
	if d.IsZero() {
		return "(zero)"
	}
	return d.String()
}

func asWant(dl Deadlines) want {
	m := -1
	if dl.MonthsLeft != nil {
		m = *dl.MonthsLeft
	}
	return want{dl.Status, dateOrEmpty(dl.CurrentEnd), dateOrEmpty(dl.NextEnd), dateOrEmpty(dl.LastNoticeDate),
		dateOrEmpty(dl.NextDecisionDate), m, dl.ExtensionsLeft, dl.Explanation}
}

// TestDeadlineExamples are worked examples: each states the terms, the day,
// and every deadline, worked out by hand in the comment.
func TestDeadlineExamples(t *testing.T) {
	// A one-year contract to 2026-05-31 with one option of a year, and 3
	// months' notice on any day.
	oneYear := ContractTerms{Start: day("2025-06-01"), DurationMonths: 12, ExtensionCount: 1, ExtensionMonths: 12,
		NoticeMonths: 3, NoticeRule: NoticeAnyDay}
	// A 4-year contract, 2022–2025, with 2 options of a year, one of them
	// used (so it now runs to 2026-12-31), and 6 months' notice.
	fourYears := ContractTerms{Start: day("2022-01-01"), DurationMonths: 48, ExtensionCount: 2, ExtensionMonths: 12,
		ExtensionsUsed: 1, NoticeMonths: 6, NoticeRule: NoticeAnyDay}
	notRecorded := fourYears
	notRecorded.ExtensionsUsed = 0
	// An open-ended contract, 3 months' notice, not before 2027-01-01.
	irrevocable := ContractTerms{Start: day("2025-01-01"), IrrevocableUntil: dayp("2027-01-01"),
		NoticeMonths: 3, NoticeRule: NoticeAnyDay}
	terminated := oneYear
	terminated.TerminatedOn = dayp("2026-06-30")

	for _, c := range []struct {
		name  string
		terms ContractTerms
		today string
		want  want
	}{{
		// 3 months before 2026-05-31 is 2026-02-28: notice on 1 March would
		// take effect on 1 June, a day late. The option extends the contract
		// from 2026-06-01 for 12 months, to 2027-05-31.
		"one option, 3 months on any day", oneYear, "2026-02-01",
		want{ContractActive, "2026-05-31", "2026-05-31", "2026-02-28", "2026-02-28", 3, 1,
			"Give notice by 2026-02-28 to end the contract on 2026-05-31; otherwise it is extended to 2027-05-31 (1 of 1 extension left)."},
	}, {
		// On the last notice day itself there is still time.
		"on the last notice day", oneYear, "2026-02-28",
		want{ContractActive, "2026-05-31", "2026-05-31", "2026-02-28", "2026-02-28", 3, 1,
			"Give notice by 2026-02-28 to end the contract on 2026-05-31; otherwise it is extended to 2027-05-31 (1 of 1 extension left)."},
	}, {
		// A day later the option has been used, recorded or not: the contract
		// runs to 2027-05-31 and then expires; no notice is needed, but a
		// successor must be ready. 14 whole months from 2026-03-01.
		"past the last notice day: extended automatically", oneYear, "2026-03-01",
		want{ContractActive, "2027-05-31", "2027-05-31", "", "2027-05-31", 14, 0,
			"The contract expires on 2027-05-31 with no extensions left; no notice is needed, but a successor must be in place by then."},
	}, {
		// The same in a leap year: 3 months before 2028-05-31 is 2028-02-29.
		"leap year", ContractTerms{Start: day("2027-06-01"), DurationMonths: 12, ExtensionCount: 1, ExtensionMonths: 12,
			NoticeMonths: 3, NoticeRule: NoticeAnyDay}, "2028-01-10",
		want{ContractActive, "2028-05-31", "2028-05-31", "2028-02-29", "2028-02-29", 4, 1,
			"Give notice by 2028-02-29 to end the contract on 2028-05-31; otherwise it is extended to 2029-05-31 (1 of 1 extension left)."},
	}, {
		// No options: the contract simply expires on 2026-05-31. The decision
		// date is the end itself, by which a successor must be in place.
		"no options: no notice needed", ContractTerms{Start: day("2025-06-01"), DurationMonths: 12,
			NoticeMonths: 3, NoticeRule: NoticeAnyDay}, "2026-05-31",
		want{ContractActive, "2026-05-31", "2026-05-31", "", "2026-05-31", 0, 0,
			"The contract expires on 2026-05-31; no notice is needed, but a successor must be in place by then."},
	}, {
		// The day after its last day it has expired.
		"no options: expired the day after the end", ContractTerms{Start: day("2025-06-01"), DurationMonths: 12,
			NoticeMonths: 3, NoticeRule: NoticeAnyDay}, "2026-06-01",
		want{ContractExpired, "2026-05-31", "", "", "", -1, 0, "The contract expired on 2026-05-31."},
	}, {
		// 4 years and one extension: the current term ends 2026-12-31. Notice
		// of 6 months must be given by 2026-06-30 (1 July plus 6 months is
		// 1 January). Otherwise the last option takes it to 2027-12-31.
		"4 years with 2 yearly options, one used", fourYears, "2026-03-15",
		want{ContractActive, "2026-12-31", "2026-12-31", "2026-06-30", "2026-06-30", 9, 1,
			"Give notice by 2026-06-30 to end the contract on 2026-12-31; otherwise it is extended to 2027-12-31 (1 of 2 extensions left)."},
	}, {
		// Nobody recorded the first extension, but the notice date for
		// 2025-12-31 (2025-06-30) passed without notice, so it happened.
		"unrecorded extension", notRecorded, "2026-03-15",
		want{ContractActive, "2026-12-31", "2026-12-31", "2026-06-30", "2026-06-30", 9, 1,
			"Give notice by 2026-06-30 to end the contract on 2026-12-31; otherwise it is extended to 2027-12-31 (1 of 2 extensions left)."},
	}, {
		// After 2026-06-30 the last option is used: it runs to 2027-12-31,
		// 17 whole months from 2026-07-01.
		"last option used automatically", fourYears, "2026-07-01",
		want{ContractActive, "2027-12-31", "2027-12-31", "", "2027-12-31", 17, 0,
			"The contract expires on 2027-12-31 with no extensions left; no notice is needed, but a successor must be in place by then."},
	}, {
		"last day of the last term", fourYears, "2027-12-31",
		want{ContractActive, "2027-12-31", "2027-12-31", "", "2027-12-31", 0, 0,
			"The contract expires on 2027-12-31 with no extensions left; no notice is needed, but a successor must be in place by then."},
	}, {
		"expired after all options", fourYears, "2028-01-01",
		want{ContractExpired, "2027-12-31", "", "", "", -1, 0, "The contract expired on 2027-12-31 with no extensions left."},
	}, {
		// Extensions from a month end stay at month ends: 2027-02-28 plus a
		// year is 2028-02-29. With 1 month's notice, any day from 29 to 31
		// January clamps to the end of February, so 2027-01-31 was the last
		// notice day for 2027-02-28 and 2028-01-31 is the one for 2028-02-29.
		"month-end extension through a leap year", ContractTerms{Start: day("2026-03-01"), Expiry: dayp("2027-02-28"),
			ExtensionCount: 2, ExtensionMonths: 12, NoticeMonths: 1, NoticeRule: NoticeAnyDay}, "2027-02-01",
		want{ContractActive, "2028-02-29", "2028-02-29", "2028-01-31", "2028-01-31", 12, 1,
			"Give notice by 2028-01-31 to end the contract on 2028-02-29; otherwise it is extended to 2029-02-28 (1 of 2 extensions left)."},
	}, {
		// 1 month's notice to the end of a month, for an end on the 15th:
		// notice in May takes effect on 30 June, after 2026-06-15, so the
		// last notice day is 2026-04-30.
		"fixed term, end of month rule, mid-month end", ContractTerms{Start: day("2025-06-16"), Expiry: dayp("2026-06-15"),
			ExtensionCount: 1, ExtensionMonths: 12, NoticeMonths: 1, NoticeRule: NoticeEndOfMonth}, "2026-04-01",
		want{ContractActive, "2026-06-15", "2026-06-15", "2026-04-30", "2026-04-30", 2, 1,
			"Give notice by 2026-04-30 to end the contract on 2026-06-15; otherwise it is extended to 2027-06-15 (1 of 1 extension left)."},
	}, {
		// 6 months to the end of a quarter, for an end on 2026-11-15: the
		// notice can only take effect on 2026-09-30, so it must be given by
		// 2026-03-31 (31 March plus 6 months is clamped to 30 September).
		"fixed term, end of quarter rule", ContractTerms{Start: day("2024-11-16"), Expiry: dayp("2026-11-15"),
			ExtensionCount: 1, ExtensionMonths: 12, NoticeMonths: 6, NoticeRule: NoticeEndOfQuarter}, "2026-01-05",
		want{ContractActive, "2026-11-15", "2026-11-15", "2026-03-31", "2026-03-31", 10, 1,
			"Give notice by 2026-03-31 to end the contract on 2026-11-15; otherwise it is extended to 2027-11-15 (1 of 1 extension left)."},
	}, {
		// Open-ended, 3 months "løbende måned": notice any day in January
		// ends it on 30 April.
		"open-ended, end of month", ContractTerms{Start: day("2024-01-01"), NoticeMonths: 3, NoticeRule: NoticeEndOfMonth}, "2026-01-15",
		want{ContractActive, "", "2026-04-30", "2026-01-31", "2026-01-31", 3, 0,
			"Give notice by 2026-01-31 to end the contract on 2026-04-30 (3 months' notice to the end of a month); it runs until notice is given."},
	}, {
		// A day into February, the earliest end moves a month on.
		"open-ended, end of month, next month", ContractTerms{Start: day("2024-01-01"), NoticeMonths: 3, NoticeRule: NoticeEndOfMonth}, "2026-02-01",
		want{ContractActive, "", "2026-05-31", "2026-02-28", "2026-02-28", 3, 0,
			"Give notice by 2026-02-28 to end the contract on 2026-05-31 (3 months' notice to the end of a month); it runs until notice is given."},
	}, {
		// 6 months to the end of a quarter: notice today (31 March) runs to
		// 30 September, a quarter end.
		"open-ended, end of quarter, last day of a quarter", ContractTerms{Start: day("2020-01-01"), NoticeMonths: 6,
			NoticeRule: NoticeEndOfQuarter}, "2026-03-31",
		want{ContractActive, "", "2026-09-30", "2026-03-31", "2026-03-31", 6, 0,
			"Give notice by 2026-03-31 to end the contract on 2026-09-30 (6 months' notice to the end of a quarter); it runs until notice is given."},
	}, {
		// A day later it runs to 1 October, so to the end of the year; notice
		// for that can wait until 30 June.
		"open-ended, end of quarter, first day of a quarter", ContractTerms{Start: day("2020-01-01"), NoticeMonths: 6,
			NoticeRule: NoticeEndOfQuarter}, "2026-04-01",
		want{ContractActive, "", "2026-12-31", "2026-06-30", "2026-06-30", 8, 0,
			"Give notice by 2026-06-30 to end the contract on 2026-12-31 (6 months' notice to the end of a quarter); it runs until notice is given."},
	}, {
		// 3 months to the end of a year: from 1 October the earliest end is
		// 2027-12-31, and notice for it can be given until 2027-09-30.
		"open-ended, end of year", ContractTerms{Start: day("2020-01-01"), NoticeMonths: 3, NoticeRule: NoticeEndOfYear}, "2026-10-01",
		want{ContractActive, "", "2027-12-31", "2027-09-30", "2027-09-30", 14, 0,
			"Give notice by 2027-09-30 to end the contract on 2027-12-31 (3 months' notice to the end of a year); it runs until notice is given."},
	}, {
		// Irrevocable until 2027-01-01: notice today would take effect on
		// 2026-06-10, too early. The first notice that takes effect on or
		// after 2027-01-01 is given on 2026-10-01; it is also the last for
		// that end (2 October plus 3 months is 2 January).
		"open-ended, irrevocable", irrevocable, "2026-03-10",
		want{ContractActive, "", "2027-01-01", "2026-10-01", "2026-10-01", 9, 0,
			"The contract cannot end before 2027-01-01; give notice by 2026-10-01 to end the contract on 2027-01-01 (3 months' notice); it runs until notice is given."},
	}, {
		// On 2026-10-01 notice takes effect on 2027-01-01 by itself.
		"open-ended, irrevocable, first possible notice day", irrevocable, "2026-10-01",
		want{ContractActive, "", "2027-01-01", "2026-10-01", "2026-10-01", 3, 0,
			"Give notice by 2026-10-01 to end the contract on 2027-01-01 (3 months' notice); it runs until notice is given."},
	}, {
		// After the irrevocable period, 3 months from today.
		"open-ended, after the irrevocable period", irrevocable, "2027-02-10",
		want{ContractActive, "", "2027-05-10", "2027-02-10", "2027-02-10", 3, 0,
			"Give notice by 2027-02-10 to end the contract on 2027-05-10 (3 months' notice); it runs until notice is given."},
	}, {
		// Irrevocable until 2027-01-15 with 3 months to the end of a quarter:
		// the first end on or after it is 2027-03-31, for which notice is due
		// by 2026-12-31.
		"open-ended, irrevocable, end of quarter", ContractTerms{Start: day("2025-01-01"), IrrevocableUntil: dayp("2027-01-15"),
			NoticeMonths: 3, NoticeRule: NoticeEndOfQuarter}, "2026-03-10",
		want{ContractActive, "", "2027-03-31", "2026-12-31", "2026-12-31", 12, 0,
			"The contract cannot end before 2027-01-15; give notice by 2026-12-31 to end the contract on 2027-03-31 (3 months' notice to the end of a quarter); it runs until notice is given."},
	}, {
		// Fixed term, yearly options, irrevocable until 2026-12-31: the ends
		// 2024-12-31 and 2025-12-31 are not real choices. The current term
		// still ends 2024-12-31, but the next possible end is 2026-12-31.
		"fixed term irrevocable beyond the first end", ContractTerms{Start: day("2024-01-01"), DurationMonths: 12,
			ExtensionCount: 3, ExtensionMonths: 12, IrrevocableUntil: dayp("2026-12-31"), NoticeMonths: 3, NoticeRule: NoticeAnyDay}, "2024-06-01",
		want{ContractActive, "2024-12-31", "2026-12-31", "2026-09-30", "2026-09-30", 30, 3,
			"The contract cannot end before 2026-12-31; give notice by 2026-09-30 to end the contract on 2026-12-31; otherwise it is extended to 2027-12-31 (3 of 3 extensions left)."},
	}, {
		// Irrevocable until its last possible end: nothing to decide but a
		// successor.
		"fixed term irrevocable to the last end", ContractTerms{Start: day("2024-01-01"), DurationMonths: 12,
			ExtensionCount: 1, ExtensionMonths: 12, IrrevocableUntil: dayp("2025-12-31"), NoticeMonths: 3, NoticeRule: NoticeAnyDay}, "2024-06-01",
		want{ContractActive, "2024-12-31", "2025-12-31", "", "2025-12-31", 18, 1,
			"The contract cannot end before 2025-12-31; it is extended to 2025-12-31 and then expires with no extensions left, so a successor must be in place by then."},
	}, {
		// No notice period: notice on the last day itself.
		"no notice period", ContractTerms{Start: day("2026-01-01"), DurationMonths: 6, ExtensionCount: 1, ExtensionMonths: 6,
			NoticeRule: NoticeAnyDay}, "2026-06-30",
		want{ContractActive, "2026-06-30", "2026-06-30", "2026-06-30", "2026-06-30", 0, 1,
			"Give notice by 2026-06-30 to end the contract on 2026-06-30; otherwise it is extended to 2026-12-31 (1 of 1 extension left)."},
	}, {
		// Notice given: it ends on 2026-06-30, options or not.
		"in notice", terminated, "2026-03-15",
		want{ContractInNotice, "", "2026-06-30", "", "", 3, 0,
			"Notice has been given or the contract terminated; it ends on 2026-06-30."},
	}, {
		"in notice, last day", terminated, "2026-06-30",
		want{ContractInNotice, "", "2026-06-30", "", "", 0, 0,
			"Notice has been given or the contract terminated; it ends on 2026-06-30."},
	}, {
		"terminated", terminated, "2026-07-01",
		want{ContractTerminated, "", "", "", "", -1, 0, "The contract ended on 2026-06-30 after notice or termination."},
	}, {
		// Not started: an open-ended contract is seen from its start, so
		// notice can be given until 2026-09-01 to end it on 2026-12-01.
		"not started, open-ended", ContractTerms{Start: day("2026-09-01"), NoticeMonths: 3, NoticeRule: NoticeAnyDay}, "2026-05-01",
		want{ContractNotStarted, "", "2026-12-01", "2026-09-01", "2026-09-01", 7, 0,
			"Give notice by 2026-09-01 to end the contract on 2026-12-01 (3 months' notice); it runs until notice is given."},
	}, {
		// Not started, fixed term of 2 years to 2028-08-31; 6 months' notice
		// means 2028-02-29 (1 March plus 6 months is 1 September).
		"not started, fixed term", ContractTerms{Start: day("2026-09-01"), DurationMonths: 24, ExtensionCount: 1, ExtensionMonths: 12,
			NoticeMonths: 6, NoticeRule: NoticeAnyDay}, "2026-05-01",
		want{ContractNotStarted, "2028-08-31", "2028-08-31", "2028-02-29", "2028-02-29", 27, 1,
			"Give notice by 2028-02-29 to end the contract on 2028-08-31; otherwise it is extended to 2029-08-31 (1 of 1 extension left)."},
	}} {
		t.Run(c.name, func(t *testing.T) {
			if err := c.terms.Validate(); err != nil {
				t.Fatalf("terms not valid: %v", err)
			}
			if got := asWant(c.terms.Deadlines(day(c.today))); got != c.want {
				t.Errorf("on %s:\n got %+v\nwant %+v", c.today, got, c.want)
			}
		})
	}
}

func TestDeadlineValidate(t *testing.T) {
	base := func() ContractTerms {
		return ContractTerms{Start: day("2024-01-01"), DurationMonths: 24, ExtensionCount: 2, ExtensionMonths: 12,
			ExtensionsUsed: 1, NoticeMonths: 3, NoticeRule: NoticeEndOfMonth, IrrevocableUntil: dayp("2026-06-30")}
	}
	if err := base().Validate(); err != nil {
		t.Fatalf("base terms: %v", err)
	}
	for _, c := range []struct {
		name   string
		change func(*ContractTerms)
		paths  []string // nil: valid
	}{
		{"open-ended", func(t *ContractTerms) {
			t.DurationMonths, t.ExtensionCount, t.ExtensionMonths, t.ExtensionsUsed = 0, 0, 0, 0
			t.IrrevocableUntil = dayp("2040-01-01")
		}, nil},
		{"expiry instead of duration", func(t *ContractTerms) { t.DurationMonths, t.Expiry = 0, dayp("2025-12-31") }, nil},
		{"expiry on the start day", func(t *ContractTerms) {
			t.DurationMonths, t.Expiry, t.IrrevocableUntil = 0, dayp("2024-01-01"), nil
		}, nil},
		{"irrevocable until the last possible end", func(t *ContractTerms) { t.IrrevocableUntil = dayp("2027-12-31") }, nil},
		{"terminated on the start day", func(t *ContractTerms) { t.TerminatedOn = dayp("2024-01-01") }, nil},
		{"limits", func(t *ContractTerms) {
			t.DurationMonths, t.ExtensionCount, t.ExtensionMonths, t.ExtensionsUsed, t.NoticeMonths = 600, 20, 120, 20, 60
			t.IrrevocableUntil = nil
		}, nil},
		{"empty optional dates are absent", func(t *ContractTerms) { t.TerminatedOn, t.IrrevocableUntil = &Date{}, &Date{} }, nil},

		{"start missing", func(t *ContractTerms) { t.Start = Date{} }, []string{"start"}},
		{"start not a day", func(t *ContractTerms) { t.Start = Date{2026, 2, 30} }, []string{"start"}},
		{"expiry before start", func(t *ContractTerms) { t.DurationMonths, t.Expiry = 0, dayp("2023-12-31") }, []string{"expiry"}},
		{"expiry not a day", func(t *ContractTerms) { t.DurationMonths, t.Expiry = 0, &Date{2026, 13, 1} }, []string{"expiry"}},
		{"expiry and duration", func(t *ContractTerms) { t.Expiry = dayp("2025-12-31") }, []string{"expiry"}},
		{"negative duration", func(t *ContractTerms) { t.DurationMonths = -1 }, []string{"duration_months", "extension_count"}},
		{"duration too long", func(t *ContractTerms) { t.DurationMonths = 601 }, []string{"duration_months"}},
		{"negative extension count", func(t *ContractTerms) { t.ExtensionCount, t.ExtensionsUsed = -1, 0 }, []string{"extension_count"}},
		{"too many extensions", func(t *ContractTerms) { t.ExtensionCount = 21 }, []string{"extension_count"}},
		{"extensions on an open-ended contract", func(t *ContractTerms) { t.DurationMonths = 0; t.IrrevocableUntil = nil }, []string{"extension_count"}},
		{"extensions of no months", func(t *ContractTerms) { t.ExtensionMonths = 0 }, []string{"extension_months"}},
		{"extensions too long", func(t *ContractTerms) { t.ExtensionMonths = 121 }, []string{"extension_months"}},
		{"extension months without extensions", func(t *ContractTerms) {
			t.ExtensionCount, t.ExtensionsUsed, t.IrrevocableUntil = 0, 0, nil
		}, []string{"extension_months"}},
		{"more used than there are", func(t *ContractTerms) { t.ExtensionsUsed = 3 }, []string{"extensions_used"}},
		{"negative used", func(t *ContractTerms) { t.ExtensionsUsed = -1 }, []string{"extensions_used"}},
		{"negative notice", func(t *ContractTerms) { t.NoticeMonths = -1 }, []string{"notice_months"}},
		{"notice too long", func(t *ContractTerms) { t.NoticeMonths = 61 }, []string{"notice_months"}},
		{"notice rule missing", func(t *ContractTerms) { t.NoticeRule = "" }, []string{"notice_rule"}},
		{"notice rule unknown", func(t *ContractTerms) { t.NoticeRule = "end_of_week" }, []string{"notice_rule"}},
		{"irrevocable before start", func(t *ContractTerms) { t.IrrevocableUntil = dayp("2023-12-31") }, []string{"irrevocable_until"}},
		{"irrevocable beyond the last end", func(t *ContractTerms) { t.IrrevocableUntil = dayp("2028-01-01") }, []string{"irrevocable_until"}},
		{"irrevocable beyond expiry without options", func(t *ContractTerms) {
			t.DurationMonths, t.Expiry, t.ExtensionCount, t.ExtensionMonths, t.ExtensionsUsed = 0, dayp("2025-12-31"), 0, 0, 0
			t.IrrevocableUntil = dayp("2026-01-01")
		}, []string{"irrevocable_until"}},
		{"terminated before start", func(t *ContractTerms) { t.TerminatedOn = dayp("2023-12-31") }, []string{"terminated_on"}},
		{"terminated on no day", func(t *ContractTerms) { t.TerminatedOn = &Date{2026, 2, 29} }, []string{"terminated_on"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			terms := base()
			c.change(&terms)
			err := terms.Validate()
			if c.paths == nil {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != EINVALID {
				t.Fatalf("want an %s error, got %v", EINVALID, err)
			}
			var paths []string
			for _, f := range e.Fields {
				paths = append(paths, f.Path)
				if f.Message == "" || strings.Contains(f.Message, "%!") {
					t.Errorf("bad message for %s: %q", f.Path, f.Message)
				}
			}
			if !slices.Equal(paths, c.paths) {
				t.Errorf("error paths = %v, want %v (%v)", paths, c.paths, err)
			}
		})
	}
}

func TestDeadlineNormalize(t *testing.T) {
	terms := ContractTerms{Start: day("2024-01-01"), Expiry: &Date{}, TerminatedOn: &Date{}, IrrevocableUntil: dayp("2024-06-30")}
	terms.Normalize()
	if terms.NoticeRule != NoticeAnyDay || terms.Expiry != nil || terms.TerminatedOn != nil || dateOrEmpty(terms.IrrevocableUntil) != "2024-06-30" {
		t.Errorf("Normalize() = %+v", terms)
	}
	if err := terms.Validate(); err != nil {
		t.Errorf("normalised terms: %v", err)
	}
	terms.NoticeRule = NoticeEndOfYear
	terms.Normalize()
	if terms.NoticeRule != NoticeEndOfYear {
		t.Errorf("Normalize changed the rule to %s", terms.NoticeRule)
	}
}

func TestDeadlineJSON(t *testing.T) {
	var terms ContractTerms
	in := `{"start":"2022-01-01","duration_months":48,"extension_count":2,"extension_months":12,"extensions_used":1,"notice_months":6,"notice_rule":"any_day"}`
	if err := json.Unmarshal([]byte(in), &terms); err != nil {
		t.Fatal(err)
	}
	if err := terms.Validate(); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(terms)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != in {
		t.Errorf("round trip:\n got %s\nwant %s", out, in)
	}
	out, err = json.Marshal(terms.Deadlines(day("2026-07-01")))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"status":"active","current_end":"2027-12-31","next_end":"2027-12-31","next_decision_date":"2027-12-31","months_left":17,"extensions_left":0,` +
		`"explanation":"The contract expires on 2027-12-31 with no extensions left; no notice is needed, but a successor must be in place by then."}`
	if string(out) != want {
		t.Errorf("Deadlines JSON:\n got %s\nwant %s", out, want)
	}
	if err := json.Unmarshal([]byte(`{"start":"2022-02-30"}`), &terms); err == nil {
		t.Error("a start that is no day was accepted")
	}
}

func TestNoticeTermsInWords(t *testing.T) {
	for _, c := range []struct {
		months int
		rule   NoticeRule
		want   string
	}{
		{0, NoticeAnyDay, "no notice period"},
		{0, NoticeEndOfMonth, "notice to the end of a month"},
		{1, NoticeAnyDay, "1 month's notice"},
		{1, NoticeEndOfQuarter, "1 month's notice to the end of a quarter"},
		{3, NoticeEndOfYear, "3 months' notice to the end of a year"},
		{6, NoticeAnyDay, "6 months' notice"},
	} {
		if got := noticeTerms(c.months, c.rule).String(); got != c.want {
			t.Errorf("noticeTerms(%d, %s) = %q, want %q", c.months, c.rule, got, c.want)
		}
	}
}

func TestNoticeRules(t *testing.T) {
	for _, r := range NoticeRules {
		if !r.Valid() {
			t.Errorf("%s not valid", r)
		}
	}
	for _, r := range []NoticeRule{"", "any", "End_of_month", "end_of_week"} {
		if r.Valid() {
			t.Errorf("%q valid", r)
		}
	}
	if len(NoticeRules) != 4 {
		t.Errorf("NoticeRules = %v", NoticeRules)
	}
}

// Property tests over thousands of random inputs follow.

func randRule(r *rand.Rand) NoticeRule { return NoticeRules[r.IntN(len(NoticeRules))] }

func randNoticeMonths(r *rand.Rand) int {
	if r.IntN(4) == 0 {
		return r.IntN(maxNoticeMonths + 1)
	}
	return r.IntN(13)
}

func TestNoticeEffectiveProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for range 20000 {
		d, months, rule := randDate(r), randNoticeMonths(r), randRule(r)
		e := NoticeEffective(d, months, rule)
		next := NoticeEffective(d.AddDays(1), months, rule)
		if e.Before(d) || next.Before(e) {
			t.Fatalf("NoticeEffective(%s, %d, %s) = %s, next day %s: decreasing or before the day given", d, months, rule, e, next)
		}
		// It takes effect at the end of the notice period, rounded up to the
		// end of a period of the rule, and never a whole period later.
		after := d.AddMonths(months)
		if e.Before(after) || e != rule.periodEnd(e) || (rule != NoticeAnyDay && MonthsBetween(after, e) >= map[NoticeRule]int{
			NoticeEndOfMonth: 1, NoticeEndOfQuarter: 3, NoticeEndOfYear: 12}[rule]) {
			t.Fatalf("NoticeEffective(%s, %d, %s) = %s", d, months, rule, e)
		}
		if rule == NoticeAnyDay && e != after {
			t.Fatalf("NoticeEffective(%s, %d, any_day) = %s, want %s", d, months, e, after)
		}
	}
}

func TestLastNoticeDateProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for i := range 20000 {
		end, months, rule := randDate(r), randNoticeMonths(r), randRule(r)
		lnd := LastNoticeDate(end, months, rule)
		// The notice given on it is in time; a day later is too late.
		if NoticeEffective(lnd, months, rule).After(end) || !NoticeEffective(lnd.AddDays(1), months, rule).After(end) || lnd.After(end) {
			t.Fatalf("LastNoticeDate(%s, %d, %s) = %s takes effect %s; a day later %s",
				end, months, rule, lnd, NoticeEffective(lnd, months, rule), NoticeEffective(lnd.AddDays(1), months, rule))
		}
		if rule == NoticeAnyDay && lnd.AddMonths(months).After(end) {
			t.Fatalf("LastNoticeDate(%s, %d, any_day) = %s, plus %d months is after the end", end, months, lnd, months)
		}
		// And it is the end when there is no notice period on any day.
		if months == 0 && rule == NoticeAnyDay && lnd != end {
			t.Fatalf("LastNoticeDate(%s, 0, any_day) = %s", end, lnd)
		}
		// Against an oracle that tries every day backwards from the end.
		if i%20 == 0 {
			d := end
			for NoticeEffective(d, months, rule).After(end) {
				d = d.AddDays(-1)
			}
			if d != lnd {
				t.Fatalf("LastNoticeDate(%s, %d, %s) = %s, by trying every day %s", end, months, rule, lnd, d)
			}
		}
	}
}

// randTerms returns random contract terms that should be valid, about a
// third of each kind: open-ended, with a duration, and with an expiry.
func randTerms(r *rand.Rand) ContractTerms {
	t := ContractTerms{Start: randDate(r), NoticeMonths: randNoticeMonths(r), NoticeRule: randRule(r)}
	switch r.IntN(3) {
	case 1:
		t.DurationMonths = 1 + r.IntN(60)
		if r.IntN(10) == 0 {
			t.DurationMonths = 1 + r.IntN(maxDurationMonths)
		}
	case 2:
		e := t.Start.AddDays(r.IntN(3650))
		if r.IntN(2) == 0 {
			e = e.EndOfMonth()
		}
		t.Expiry = &e
	}
	if t.fixedTerm() && r.IntN(3) > 0 {
		t.ExtensionCount, t.ExtensionMonths = 1+r.IntN(4), 1+r.IntN(36)
		if r.IntN(10) == 0 {
			t.ExtensionCount, t.ExtensionMonths = 1+r.IntN(maxExtensionCount), 1+r.IntN(maxExtensionMonths)
		}
		t.ExtensionsUsed = r.IntN(t.ExtensionCount + 1)
	}
	t.ExtensionKind = []ExtensionKind{"", ExtensionAutomatic, ExtensionOption}[r.IntN(3)]
	if r.IntN(3) == 0 {
		span := 3650
		if t.fixedTerm() {
			span = DaysBetween(t.Start, t.termEnd(t.ExtensionCount))
			if t.ExtensionKind == ExtensionOption && t.ExtensionCount > 0 {
				span = DaysBetween(t.Start, t.termEnd(t.ExtensionsUsed)) // bound only by the current term
			}
		}
		t.IrrevocableUntil = datep(t.Start.AddDays(r.IntN(span + 1)))
	}
	if r.IntN(8) == 0 {
		t.TerminatedOn = datep(t.Start.AddDays(r.IntN(3650)))
	}
	return t
}

// randToday returns a day from two years before the contract's start to two
// years after its last possible end (or ten years for open-ended ones).
func randToday(r *rand.Rand, t ContractTerms) Date {
	span := 3650
	if t.fixedTerm() {
		span = DaysBetween(t.Start, t.termEnd(t.ExtensionCount))
	}
	return t.Start.AddDays(r.IntN(span+4*365) - 2*365)
}

// checkDeadlines checks the invariants of one result against the terms.
func checkDeadlines(t *testing.T, terms ContractTerms, today Date, dl Deadlines) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("terms %+v (expiry %s, irrevocable %s, terminated %s) on %s: %s\n%s", terms, dateOrEmpty(terms.Expiry),
			dateOrEmpty(terms.IrrevocableUntil), dateOrEmpty(terms.TerminatedOn), today, fmt.Sprintf(format, args...), fmtDeadlines(dl))
	}
	if dl.Explanation == "" || strings.Contains(dl.Explanation, "%") || strings.Contains(dl.Explanation, "<nil>") ||
		strings.Contains(dl.Explanation, "()") || !strings.HasSuffix(dl.Explanation, ".") {
		fail("bad explanation %q", dl.Explanation)
	}
	// The phrase the pages translate says the same as the English sentence.
	if dl.Why.String() != dl.Explanation {
		fail("the phrase %q is not the explanation %q", dl.Why.String(), dl.Explanation)
	}
	for _, d := range []*Date{dl.CurrentEnd, dl.NextEnd, dl.LastNoticeDate, dl.NextDecisionDate, dl.LastExerciseDate} {
		if d != nil && !d.valid() {
			fail("date %#v is not a valid day", *d)
		}
	}
	// The explanation names the dates to act on (the current end may be
	// left out when the contract cannot end then).
	for _, d := range []*Date{dl.NextEnd, dl.LastNoticeDate, dl.NextDecisionDate, dl.LastExerciseDate} {
		if d != nil && !strings.Contains(dl.Explanation, d.String()) {
			fail("date %s is not in the explanation", d)
		}
	}
	// A warning exactly when the notice terms can have no effect, on a
	// contract that has not expired and was not terminated.
	if wantWarn := terms.NoticeWithoutEffect() && dl.Status != ContractExpired && !dateSet(terms.TerminatedOn); (len(dl.Warnings) > 0) != wantWarn ||
		len(dl.Warnings) != len(dl.WarningPhrases) {
		fail("warnings %q, want some: %v", dl.Warnings, wantWarn)
	}
	if terms.ExtensionKind != ExtensionOption || !terms.fixedTerm() {
		if dl.LastExerciseDate != nil || dl.ExtendsTo != nil || dl.OptionOpen() != nil {
			fail("a last exercise date without options to exercise")
		}
	}
	if dl.ExtensionsLeft < 0 || dl.ExtensionsLeft > terms.ExtensionCount-terms.ExtensionsUsed {
		fail("extensions left %d", dl.ExtensionsLeft)
	}
	if (dl.MonthsLeft == nil) != (dl.NextEnd == nil) || dl.MonthsLeft != nil && *dl.MonthsLeft != MonthsBetween(today, *dl.NextEnd) {
		fail("months left")
	}

	if dateSet(terms.TerminatedOn) {
		end := *terms.TerminatedOn
		switch {
		case today.After(end) && dl.Status == ContractTerminated:
			if dl.NextEnd != nil || dl.CurrentEnd != nil || dl.LastNoticeDate != nil || dl.NextDecisionDate != nil || dl.ExtensionsLeft != 0 {
				fail("dates on a terminated contract")
			}
		case !today.After(end) && dl.Status == ContractInNotice:
			if dl.NextEnd == nil || *dl.NextEnd != end || dl.LastNoticeDate != nil || dl.NextDecisionDate != nil || dl.ExtensionsLeft != 0 {
				fail("in notice but not ending on %s", end)
			}
		default:
			fail("status %s with terminated_on %s", dl.Status, end)
		}
		return
	}

	if terms.fixedTerm() && terms.ExtensionKind == ExtensionOption {
		checkOptionDeadlines(fail, terms, today, dl)
		return
	}
	if dl.Status == ContractExpired {
		if !terms.fixedTerm() || dl.CurrentEnd == nil || !today.After(*dl.CurrentEnd) || *dl.CurrentEnd != terms.termEnd(terms.ExtensionCount) ||
			dl.NextEnd != nil || dl.LastNoticeDate != nil || dl.NextDecisionDate != nil || dl.ExtensionsLeft != 0 {
			fail("bad expiry")
		}
		return
	}
	if want := today.Before(terms.Start); (dl.Status == ContractNotStarted) != want || dl.Status != ContractActive && !want {
		fail("status %s", dl.Status)
	}
	// Active or not started: there is a next end and a decision to come.
	if dl.NextEnd == nil || dl.NextEnd.Before(today) || dl.NextDecisionDate == nil || dl.NextDecisionDate.Before(today) ||
		dl.NextDecisionDate.After(*dl.NextEnd) || dl.NextEnd.Before(terms.Start) {
		fail("next end or decision in the past or out of order")
	}
	if dateSet(terms.IrrevocableUntil) && dl.NextEnd.Before(*terms.IrrevocableUntil) {
		fail("ends before the irrevocable date")
	}
	if l := dl.LastNoticeDate; l != nil {
		if *l != *dl.NextDecisionDate || l.After(*dl.NextEnd) ||
			NoticeEffective(*l, terms.NoticeMonths, terms.NoticeRule).After(*dl.NextEnd) ||
			!NoticeEffective(l.AddDays(1), terms.NoticeMonths, terms.NoticeRule).After(*dl.NextEnd) {
			fail("last notice date is not the last day to give notice for the next end")
		}
	}

	if !terms.fixedTerm() {
		if dl.CurrentEnd != nil || dl.LastNoticeDate == nil || dl.ExtensionsLeft != 0 {
			fail("open-ended: current end, or no notice date")
		}
		// The next end is the earliest a notice from today (or the start)
		// can take effect, not before the irrevocable date.
		from := today
		if from.Before(terms.Start) {
			from = terms.Start
		}
		d := from
		if dateSet(terms.IrrevocableUntil) {
			if skip := terms.IrrevocableUntil.AddMonths(-terms.NoticeMonths - 13); skip.After(d) {
				d = skip // notices before this take effect a year before it
			}
			for NoticeEffective(d, terms.NoticeMonths, terms.NoticeRule).Before(*terms.IrrevocableUntil) {
				d = d.AddDays(1)
			}
		}
		if want := NoticeEffective(d, terms.NoticeMonths, terms.NoticeRule); *dl.NextEnd != want {
			fail("open-ended next end, want %s", want)
		}
		return
	}

	// Fixed term: the current end is the end after k extensions, where k
	// counts every extension whose notice date has passed.
	count := terms.ExtensionCount
	k := count - dl.ExtensionsLeft
	if k < terms.ExtensionsUsed || dl.CurrentEnd == nil || *dl.CurrentEnd != terms.termEnd(k) || dl.CurrentEnd.Before(terms.Start) ||
		dl.CurrentEnd.Before(today) || dl.NextEnd.Before(*dl.CurrentEnd) {
		fail("current end, k = %d", k)
	}
	lastNotice := func(end Date) Date { return LastNoticeDate(end, terms.NoticeMonths, terms.NoticeRule) }
	if k > terms.ExtensionsUsed && !today.After(lastNotice(terms.termEnd(k-1))) {
		fail("extended although there was still time to give notice")
	}
	if k < count && today.After(lastNotice(terms.termEnd(k))) {
		fail("not extended although the notice date passed")
	}
	// The next end is the first end from the current one on that is not
	// before the irrevocable date; notice is needed only while options
	// remain after it.
	j := k
	for j < count && dateSet(terms.IrrevocableUntil) && terms.termEnd(j).Before(*terms.IrrevocableUntil) {
		j++
	}
	if *dl.NextEnd != terms.termEnd(j) {
		fail("next end, want %s", terms.termEnd(j))
	}
	if (dl.LastNoticeDate == nil) != (j == count) || j == count && *dl.NextDecisionDate != *dl.NextEnd {
		fail("notice date given without an option left, or missing with one")
	}
}

func fmtDeadlines(dl Deadlines) string {
	return fmt.Sprintf("%+v", asWant(dl))
}

func TestDeadlineProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for range 20000 {
		terms := randTerms(r)
		if err := terms.Validate(); err != nil {
			t.Fatalf("random terms %+v (expiry %s) not valid: %v", terms, dateOrEmpty(terms.Expiry), err)
		}
		// Term ends increase, keep month ends, and are never before start.
		if terms.fixedTerm() {
			for k := range terms.ExtensionCount + 1 {
				e, next := terms.termEnd(k), terms.termEnd(k+1)
				if e.Before(terms.Start) || terms.ExtensionMonths > 0 && !next.After(e) ||
					e == e.EndOfMonth() && next != next.EndOfMonth() ||
					MonthsBetween(e.AddDays(1), next.AddDays(1)) != terms.ExtensionMonths {
					t.Fatalf("terms %+v: ends %s, %s after %d and %d extensions", terms, e, next, k, k+1)
				}
			}
		}
		for range 3 {
			today := randToday(r, terms)
			dl := terms.Deadlines(today)
			checkDeadlines(t, terms, today, dl)
			// DeadlineDates: the same without the explanation.
			dl.Why, dl.Explanation, dl.Warnings, dl.WarningPhrases = Phrase{}, "", nil, nil
			if dates := terms.DeadlineDates(today); !reflect.DeepEqual(dates, dl) {
				t.Fatalf("terms %+v on %s: DeadlineDates %+v, Deadlines without explanation %+v", terms, today, dates, dl)
			}
		}
	}
}

// TestDeadlineWalk follows random contracts day by day through their life:
// a deadline that has not passed never moves, and the status never goes
// back.
func TestDeadlineWalk(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	order := map[ContractStatus]int{ContractNotStarted: 0, ContractActive: 1, ContractInNotice: 2, ContractExpired: 3, ContractTerminated: 3}
	for range 150 {
		terms := randTerms(r)
		if terms.DurationMonths > 120 || terms.ExtensionCount > 4 {
			continue // keep the walk short
		}
		from := terms.Start.AddDays(-100)
		to := terms.Start.AddDays(6 * 365)
		if terms.fixedTerm() {
			to = terms.termEnd(terms.ExtensionCount).AddDays(100)
		}
		prev := terms.Deadlines(from.AddDays(-1))
		for today := from; !today.After(to); today = today.AddDays(1) {
			dl := terms.Deadlines(today)
			yesterday := today.AddDays(-1)
			if order[dl.Status] < order[prev.Status] {
				t.Fatalf("terms %+v: status %s on %s after %s", terms, dl.Status, today, prev.Status)
			}
			// If yesterday's decision date had not come yet, today shows the
			// same next end and the same decision date.
			if prev.NextDecisionDate != nil && prev.NextDecisionDate.After(yesterday) {
				if dateOrEmpty(dl.NextDecisionDate) != dateOrEmpty(prev.NextDecisionDate) || dateOrEmpty(dl.NextEnd) != dateOrEmpty(prev.NextEnd) ||
					dateOrEmpty(dl.LastNoticeDate) != dateOrEmpty(prev.LastNoticeDate) {
					t.Fatalf("terms %+v: deadline moved before it passed:\n%s: %s\n%s: %s", terms, yesterday, fmtDeadlines(prev), today, fmtDeadlines(dl))
				}
			}
			// The next end only changes the day after a decision date.
			if prev.NextEnd != nil && dl.NextEnd != nil && *prev.NextEnd != *dl.NextEnd &&
				(prev.NextDecisionDate == nil || *prev.NextDecisionDate != yesterday) {
				t.Fatalf("terms %+v: next end moved without a decision date:\n%s: %s\n%s: %s", terms, yesterday, fmtDeadlines(prev), today, fmtDeadlines(dl))
			}
			prev = dl
		}
	}
}

// TestDeadlineInvalidTermsDoNotPanic feeds nonsense to Deadlines: the result
// is unspecified, but it must return, quickly and with a known status.
func TestDeadlineInvalidTermsDoNotPanic(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	ints := []int{-1 << 40, -1000, -1, 0, 1, 3, 12, 121, 601, 1 << 40}
	anyInt := func() int { return ints[r.IntN(len(ints))] }
	anyDate := func() *Date {
		switch r.IntN(4) {
		case 0:
			return nil
		case 1:
			return &Date{}
		case 2:
			return &Date{r.IntN(3000), 14, 40}
		}
		return datep(randDate(r))
	}
	for range 5000 {
		terms := ContractTerms{Start: randDate(r), DurationMonths: anyInt(), Expiry: anyDate(), IrrevocableUntil: anyDate(),
			ExtensionCount: anyInt(), ExtensionMonths: anyInt(), ExtensionsUsed: anyInt(), NoticeMonths: anyInt() % 1000,
			NoticeRule: []NoticeRule{"", "x", NoticeEndOfYear}[r.IntN(3)], TerminatedOn: anyDate()}
		if r.IntN(5) == 0 {
			terms.Start = Date{}
		}
		dl := terms.Deadlines(randDate(r))
		if !knownStatus(dl.Status) || dl.Explanation == "" {
			t.Fatalf("terms %+v: %+v", terms, dl)
		}
		_ = terms.Validate()
	}
}

func knownStatus(s ContractStatus) bool {
	return slices.Contains([]ContractStatus{ContractNotStarted, ContractActive, ContractInNotice, ContractExpired, ContractTerminated}, s)
}

// TestOrderByUrgencyAgreesWithUrgencyLess sorts random contracts and checks
// that OrderByUrgency gives the order of UrgencyLess, ties by ID.
func TestOrderByUrgencyAgreesWithUrgencyLess(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	today := NewDate(2026, 3, 1)
	for round := range 200 {
		cs := make([]Contract, rng.IntN(40))
		for i := range cs {
			terms := ContractTerms{Start: NewDate(2018, 1, 1).AddDays(rng.IntN(4000)), DurationMonths: rng.IntN(3) * 24,
				NoticeMonths: rng.IntN(4), ExtensionCount: rng.IntN(2), ExtensionMonths: 12}
			if rng.IntN(8) == 0 {
				end := today.AddDays(rng.IntN(400) - 200)
				terms.TerminatedOn = &end
			}
			cs[i] = Contract{ID: fmt.Sprintf("id-%02d", rng.IntN(1000)), Name: []string{"alfa", "Beta", "beta", "Æble", "gamma"}[rng.IntN(5)], ContractTerms: terms}
			cs[i].Deadlines = terms.Deadlines(today)
		}
		OrderByUrgency(cs)
		for i := 1; i < len(cs); i++ {
			a, b := &cs[i-1], &cs[i]
			if c := UrgencyLess(a, b); c > 0 || c == 0 && Fold(a.Name) == Fold(b.Name) && a.ID > b.ID {
				t.Fatalf("round %d: %s/%s (%s %v) before %s/%s (%s %v)", round, a.Name, a.ID, a.Deadlines.Status, a.Deadlines.NextDecisionDate,
					b.Name, b.ID, b.Deadlines.Status, b.Deadlines.NextDecisionDate)
			}
		}
	}
}
