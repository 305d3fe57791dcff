package samspil

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// checkOptionDeadlines checks the invariants of the deadlines of a
// fixed-term contract whose extensions are options (optionDeadlines):
// nothing is extended without being exercised, the last exercise date is the
// last notice date for the current end, and the contract ends at the current
// end when the option is not exercised.
func checkOptionDeadlines(fail func(string, ...any), terms ContractTerms, today Date, dl Deadlines) {
	count := terms.ExtensionCount
	k := terms.ExtensionsUsed // options are never taken by the calendar
	end := terms.termEnd(k)
	if k == count || dl.Status == ContractExpired {
		if dl.ExtendsTo != nil || dl.OptionOpen() != nil {
			fail("an option to exercise where none is left")
		}
	}
	if dl.CurrentEnd == nil || *dl.CurrentEnd != end {
		fail("current end, want %s (the end after the %d options exercised)", end)
	}
	if dl.LastNoticeDate != nil {
		fail("a last notice date: an option contract ends by itself")
	}
	if dl.Status == ContractExpired {
		if !today.After(end) || dl.NextEnd != nil || dl.NextDecisionDate != nil || dl.LastExerciseDate != nil || dl.ExtensionsLeft != 0 {
			fail("bad expiry")
		}
		if (k < count) != strings.Contains(dl.Explanation, "not exercised") {
			fail("the explanation does not say whether an option was left unexercised")
		}
		return
	}
	if want := today.Before(terms.Start); (dl.Status == ContractNotStarted) != want || dl.Status != ContractActive && !want {
		fail("status %s", dl.Status)
	}
	if today.After(end) || dl.NextEnd == nil || *dl.NextEnd != end || dl.ExtensionsLeft != count-k {
		fail("next end or extensions left")
	}
	if dl.NextDecisionDate == nil || dl.NextDecisionDate.Before(today) || dl.NextDecisionDate.After(end) {
		fail("decision date in the past or after the end")
	}
	if k == count {
		if dl.LastExerciseDate != nil || *dl.NextDecisionDate != end {
			fail("no option left, but an exercise date or a decision before the end")
		}
		return
	}
	lx := dl.LastExerciseDate
	if lx == nil || *lx != LastNoticeDate(end, terms.NoticeMonths, terms.NoticeRule) {
		fail("last exercise date, want the last notice date for %s", end)
	}
	// Exercised on the last day, the notice reaches the supplier in time;
	// a day later it does not.
	if NoticeEffective(*lx, terms.NoticeMonths, terms.NoticeRule).After(end) ||
		!NoticeEffective(lx.AddDays(1), terms.NoticeMonths, terms.NoticeRule).After(end) {
		fail("last exercise date is not the last day the notice terms allow")
	}
	if want := *lx; today.After(*lx) && *dl.NextDecisionDate != end || !today.After(*lx) && *dl.NextDecisionDate != want {
		fail("decision date: the exercise date until it passes, then the end")
	}
	open := !today.After(*lx)
	if open != (dl.OptionOpen() != nil) || open != (dl.ExtendsTo != nil) || open && *dl.ExtendsTo != terms.termEnd(k+1) {
		fail("option open %v: OptionOpen %v, extends to %s", open, dl.OptionOpen(), dateOrEmpty(dl.ExtendsTo))
	}
}

// TestOptionExamples are worked examples of options that must be exercised.
func TestOptionExamples(t *testing.T) {
	// A one-year contract to 2026-05-31 with one option of a year, which
	// must be exercised with 3 months' notice.
	oneYear := ContractTerms{Start: day("2025-06-01"), DurationMonths: 12, ExtensionCount: 1, ExtensionMonths: 12,
		NoticeMonths: 3, NoticeRule: NoticeAnyDay, ExtensionKind: ExtensionOption}
	exercised := oneYear
	exercised.ExtensionsUsed = 1
	// Two options of two years, exercised with 6 months' notice to the end
	// of a quarter.
	twoOptions := ContractTerms{Start: day("2020-01-01"), Expiry: dayp("2023-12-31"), ExtensionCount: 2, ExtensionMonths: 24,
		NoticeMonths: 6, NoticeRule: NoticeEndOfQuarter, ExtensionKind: ExtensionOption}
	for _, c := range []struct {
		name  string
		terms ContractTerms
		today string
		want  want
		exer  string // last exercise date
	}{{
		// The option must be exercised 3 months before the end: by
		// 2026-02-28. Until then the decision is to exercise it or not.
		"exercise by the last notice day", oneYear, "2026-02-01",
		want{ContractActive, "2026-05-31", "2026-05-31", "", "2026-02-28", 3, 1,
			"Exercise the option by 2026-02-28 to extend the contract to 2027-05-31; otherwise it ends on 2026-05-31 (1 of 1 option left)."},
		"2026-02-28",
	}, {
		// A day late, nothing is extended (unlike an automatic renewal): the
		// contract ends on 2026-05-31, by which a successor must be in place.
		"past the last exercise day: it ends", oneYear, "2026-03-01",
		want{ContractActive, "2026-05-31", "2026-05-31", "", "2026-05-31", 2, 1,
			"The last day to exercise the option was 2026-02-28; unless it was exercised, the contract ends on 2026-05-31, so a successor must be in place by then."},
		"2026-02-28",
	}, {
		"not exercised: ended", oneYear, "2026-06-01",
		want{ContractExpired, "2026-05-31", "", "", "", -1, 0,
			"The contract ended on 2026-05-31: the option to extend it was not exercised."},
		"",
	}, {
		// Recorded as exercised (extensions_used 1): it runs to 2027-05-31.
		"exercised", exercised, "2026-03-01",
		want{ContractActive, "2027-05-31", "2027-05-31", "", "2027-05-31", 14, 0,
			"The contract expires on 2027-05-31 with no options left; a successor must be in place by then."},
		"",
	}, {
		// 6 months before 2023-12-31 to the end of a quarter: notice given
		// on 2023-06-30 runs out on 2023-12-30, which rounds to 2023-12-31;
		// given on 2023-07-01 it would run to 2024-03-31.
		"quarter rule", twoOptions, "2023-01-15",
		want{ContractActive, "2023-12-31", "2023-12-31", "", "2023-06-30", 11, 2,
			"Exercise the option by 2023-06-30 to extend the contract to 2025-12-31; otherwise it ends on 2023-12-31 (2 of 2 options left)."},
		"2023-06-30",
	}} {
		t.Run(c.name, func(t *testing.T) {
			dl := c.terms.Deadlines(day(c.today))
			if got := asWant(dl); got != c.want {
				t.Errorf("Deadlines(%s)\n got %+v\nwant %+v", c.today, got, c.want)
			}
			if got := dateOrEmpty(dl.LastExerciseDate); got != c.exer {
				t.Errorf("last exercise date %q, want %q", got, c.exer)
			}
			checkDeadlines(t, c.terms, day(c.today), dl)
		})
	}
}

// TestOptionAgainstAutomatic: an option contract and the same contract as
// an automatic renewal agree until the last notice day; after it, the
// automatic one is extended and the option one is not.
func TestOptionAgainstAutomatic(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	for range 3000 {
		terms := randTerms(r)
		if !terms.fixedTerm() || terms.ExtensionsUsed == terms.ExtensionCount || dateSet(terms.TerminatedOn) || dateSet(terms.IrrevocableUntil) {
			continue
		}
		auto, opt := terms, terms
		auto.ExtensionKind, opt.ExtensionKind = ExtensionAutomatic, ExtensionOption
		end := terms.termEnd(terms.ExtensionsUsed)
		lnd := LastNoticeDate(end, terms.NoticeMonths, terms.NoticeRule)
		if !lnd.After(terms.Start) {
			continue
		}
		today := terms.Start.AddDays(r.IntN(DaysBetween(terms.Start, lnd) + 1))
		a, o := auto.Deadlines(today), opt.Deadlines(today)
		if *a.NextEnd != *o.NextEnd || *a.LastNoticeDate != *o.LastExerciseDate || *a.NextDecisionDate != *o.NextDecisionDate {
			t.Fatalf("terms %+v on %s: automatic %s, option %s", terms, today, fmtDeadlines(a), fmtDeadlines(o))
		}
		after := lnd.AddDays(1)
		a, o = auto.Deadlines(after), opt.Deadlines(after)
		if !a.CurrentEnd.After(end) || *o.CurrentEnd != end {
			t.Fatalf("terms %+v on %s: automatic %s, option %s", terms, after, fmtDeadlines(a), fmtDeadlines(o))
		}
	}
}

func TestExtensionsUsedOnADay(t *testing.T) {
	// Initial term 2024-01-01–2024-12-31, then 3 extensions of a year.
	terms := ContractTerms{Start: day("2024-01-01"), Expiry: dayp("2024-12-31"), ExtensionCount: 3, ExtensionMonths: 12,
		NoticeMonths: 3, NoticeRule: NoticeAnyDay, ExtensionKind: ExtensionOption}
	for _, c := range []struct {
		on    string
		used  int
		begun int
		ok    bool
	}{
		{"2024-06-01", 0, 0, true},
		{"2024-06-01", 1, 0, true}, // the next option, exercised in advance
		{"2024-06-01", 2, 0, false},
		{"2024-12-31", 2, 0, false}, // the last day of the initial term
		{"2025-01-01", 2, 1, true},  // the first extension began today
		{"2025-01-01", 3, 1, false},
		{"2027-06-01", 3, 3, true},
	} {
		terms.ExtensionsUsed = c.used
		if got := terms.ExtensionsBegun(day(c.on)); got != c.begun {
			t.Errorf("ExtensionsBegun(%s) = %d, want %d", c.on, got, c.begun)
		}
		err := terms.ValidateOn(day(c.on))
		if (err == nil) != c.ok {
			t.Errorf("%d used on %s: %v, want ok %v", c.used, c.on, err, c.ok)
		}
		var e *Error
		if err != nil && (!errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Path != "extensions_used" ||
			!strings.Contains(e.Fields[0].Message, c.on)) {
			t.Errorf("%d used on %s: want an error on extensions_used naming the day, got %v", c.used, c.on, err)
		}
	}
	// Open-ended contracts and invalid terms answer as Validate does.
	open := ContractTerms{Start: day("2024-01-01"), NoticeMonths: 3, NoticeRule: NoticeAnyDay}
	if err := open.ValidateOn(day("2020-01-01")); err != nil {
		t.Errorf("open-ended: %v", err)
	}
	bad := terms
	bad.ExtensionsUsed = 4
	if err := bad.ValidateOn(day("2030-01-01")); err == nil || !strings.Contains(err.Error(), "extension_count") {
		t.Errorf("more used than there are: %v", err)
	}
}

// Property: ValidateOn accepts exactly the used counts from 0 to
// begun+1, and what it accepts stays accepted on every later day.
func TestExtensionsUsedProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(33, 34))
	for range 3000 {
		terms := randTerms(r)
		if !terms.fixedTerm() || terms.ExtensionCount == 0 {
			continue
		}
		terms.IrrevocableUntil = nil
		on := randToday(r, terms)
		begun := terms.ExtensionsBegun(on)
		for used := 0; used <= terms.ExtensionCount; used++ {
			terms.ExtensionsUsed = used
			ok := terms.ValidateOn(on) == nil
			if ok != (used <= begun+1) {
				t.Fatalf("terms %+v on %s (begun %d): used %d accepted %v", terms, on, begun, used, ok)
			}
			if later := on.AddDays(r.IntN(2000)); ok && terms.ValidateOn(later) != nil {
				t.Fatalf("terms %+v: used %d accepted on %s but not on %s", terms, used, on, later)
			}
		}
	}
}

func TestNoticeWithoutEffect(t *testing.T) {
	base := ContractTerms{Start: day("2024-01-01"), Expiry: dayp("2026-12-31"), NoticeMonths: 6, NoticeRule: NoticeAnyDay}
	for _, c := range []struct {
		name   string
		change func(*ContractTerms)
		want   bool
	}{
		{"fixed term without extensions, with notice", func(*ContractTerms) {}, true},
		{"a rule without months also has no effect", func(t *ContractTerms) { t.NoticeMonths, t.NoticeRule = 0, NoticeEndOfYear }, true},
		{"no notice terms", func(t *ContractTerms) { t.NoticeMonths = 0 }, false},
		{"with extensions", func(t *ContractTerms) { t.ExtensionCount, t.ExtensionMonths = 1, 12 }, false},
		{"with options", func(t *ContractTerms) { t.ExtensionCount, t.ExtensionMonths, t.ExtensionKind = 1, 12, ExtensionOption }, false},
		{"irrevocable past every end but the last", func(t *ContractTerms) {
			t.ExtensionCount, t.ExtensionMonths, t.IrrevocableUntil = 1, 12, dayp("2027-06-30")
		}, true},
		{"irrevocable until an end that can be chosen", func(t *ContractTerms) {
			t.ExtensionCount, t.ExtensionMonths, t.IrrevocableUntil = 1, 12, dayp("2026-12-31")
		}, false},
		{"open-ended", func(t *ContractTerms) { t.Expiry = nil }, false},
	} {
		terms := base
		c.change(&terms)
		if got := terms.NoticeWithoutEffect(); got != c.want {
			t.Errorf("%s: NoticeWithoutEffect() = %v, want %v", c.name, got, c.want)
		}
		dl := terms.Deadlines(day("2025-01-01"))
		if (len(dl.Warnings) == 1) != c.want || len(dl.WarningPhrases) != len(dl.Warnings) {
			t.Errorf("%s: warnings %q", c.name, dl.Warnings)
		}
		if c.want && !strings.Contains(dl.Warnings[0], "no effect") {
			t.Errorf("%s: warning %q", c.name, dl.Warnings[0])
		}
	}
	// The warning is on the answer until the contract has ended.
	terms := base
	if dl := terms.Deadlines(day("2027-01-01")); dl.Status != ContractExpired || len(dl.Warnings) != 0 {
		t.Errorf("expired: %+v", dl)
	}
}

func TestOptionValidate(t *testing.T) {
	terms := ContractTerms{Start: day("2024-01-01"), Expiry: dayp("2024-12-31"), ExtensionCount: 2, ExtensionMonths: 12,
		NoticeMonths: 3, NoticeRule: NoticeAnyDay, ExtensionKind: ExtensionOption, IrrevocableUntil: dayp("2024-12-31")}
	if err := terms.Validate(); err != nil {
		t.Fatalf("irrevocable through the current term: %v", err)
	}
	terms.IrrevocableUntil = dayp("2025-01-01")
	var e *Error
	if err := terms.Validate(); !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Path != "irrevocable_until" ||
		!strings.Contains(e.Fields[0].Message, "exercised") {
		t.Errorf("irrevocable beyond the current term of an option contract: %v", err)
	}
	terms.ExtensionsUsed = 1 // exercised: the current term now ends 2025-12-31
	if err := terms.Validate(); err != nil {
		t.Errorf("irrevocable within the exercised term: %v", err)
	}
	terms.ExtensionKind = "renewal"
	if err := terms.Validate(); !errors.As(err, &e) || !slices.ContainsFunc(e.Fields, func(f FieldError) bool { return f.Path == "extension_kind" }) {
		t.Errorf("unknown kind: %v", err)
	}
}
