package samspil

import "slices"

// This file computes the deadlines of a contract: when it ends, and the last
// day to give notice so that it ends then. A municipality that misses the
// last notice day of an IT contract is bound for another term, so these
// rules are the product's core and are tested exhaustively.
//
// Conventions:
//
//   - All dates are inclusive days. A contract that "ends on" a day runs
//     through that day; the next day it is over.
//   - Months are counted with Date.AddMonths, which clamps to the end of a
//     shorter month: one month after 31 January is 28 (or 29) February.
//   - "today" is the caller's date in Denmark; the functions never look at
//     the clock.

// NoticeRule says when a notice takes effect: after the notice period from
// the day it is given, or at the end of the month, quarter or year in which
// the notice period runs out.
type NoticeRule string

// Notice rules.
const (
	// NoticeAnyDay: notice takes effect NoticeMonths after the day it is
	// given. Notice given 2026-02-28 with 3 months takes effect 2026-05-28.
	NoticeAnyDay NoticeRule = "any_day"
	// NoticeEndOfMonth ("løbende måned"): effect at the end of the month
	// NoticeMonths later. Notice given 2026-01-15 with 3 months takes effect
	// 2026-04-30.
	NoticeEndOfMonth NoticeRule = "end_of_month"
	// NoticeEndOfQuarter: effect at the end of the calendar quarter in which
	// the notice period runs out.
	NoticeEndOfQuarter NoticeRule = "end_of_quarter"
	// NoticeEndOfYear: effect on 31 December of the year in which the notice
	// period runs out.
	NoticeEndOfYear NoticeRule = "end_of_year"
)

// NoticeRules lists the valid notice rules.
var NoticeRules = []NoticeRule{NoticeAnyDay, NoticeEndOfMonth, NoticeEndOfQuarter, NoticeEndOfYear}

// Valid reports whether r is a known rule.
func (r NoticeRule) Valid() bool { return slices.Contains(NoticeRules, r) }

// periodEnd returns the day on which a notice period running out on d takes
// effect under r. Unknown rules count as any_day.
func (r NoticeRule) periodEnd(d Date) Date {
	switch r {
	case NoticeEndOfMonth:
		return d.EndOfMonth()
	case NoticeEndOfQuarter:
		return d.EndOfQuarter()
	case NoticeEndOfYear:
		return d.EndOfYear()
	}
	return d
}

// NoticeEffective returns the day on which a notice given on the day given,
// with a notice period of months, takes effect: the contract can end on that
// day. It is given.AddMonths(months), moved to the end of its month, quarter
// or year by rule. Negative months count as 0; unknown rules as any_day.
//
// NoticeEffective never decreases as given increases, and it is never
// before given.
func NoticeEffective(given Date, months int, rule NoticeRule) Date {
	return rule.periodEnd(given.AddMonths(max(months, 0)))
}

// LastNoticeDate returns the last day on which notice can be given so that
// it takes effect no later than end: the largest day D with
// NoticeEffective(D, months, rule) on or before end. It is never after end.
//
// With 3 months' notice on any day, the last notice date for 2026-05-31 is
// 2026-02-28 (2026-03-01 plus 3 months is 2026-06-01, too late); for
// 2028-05-31 it is 2028-02-29.
func LastNoticeDate(end Date, months int, rule NoticeRule) Date {
	months = max(months, 0)
	f := func(d Date) bool { return !NoticeEffective(d, months, rule).After(end) }
	// NoticeEffective(D) ≥ D, so the answer is at most end. Rounding up to
	// the end of a year moves a day less than 12 months ahead, so a notice
	// given months+12 months before end always takes effect in time. Binary
	// search between the two, as NoticeEffective is non-decreasing.
	if f(end) {
		return end
	}
	lo, hi := end.AddMonths(-months-12), end // f(lo) holds, f(hi) does not
	for n := DaysBetween(lo, hi); n > 1; n = DaysBetween(lo, hi) {
		mid := lo.AddDays(n / 2)
		if f(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// ExtensionKind says how the extensions of a fixed-term contract begin.
//
// Under Danish public procurement an option to extend ("option") is
// normally taken up actively by the buyer: if the buyer does not exercise
// it in time, the contract ends. An automatic renewal ("automatisk
// forlængelse") runs unless notice is given. The two need opposite actions
// by the same day, so a contract says which its extensions are.
type ExtensionKind string

// Extension kinds.
const (
	// ExtensionOption: each extension begins only if the buyer exercises the
	// option, by giving the contract's notice (NoticeMonths, NoticeRule)
	// before the end of the current term. If it is not exercised, the
	// contract ends.
	ExtensionOption ExtensionKind = "option"
	// ExtensionAutomatic: the contract continues for another extension
	// unless notice is given by the last notice date for the current end.
	ExtensionAutomatic ExtensionKind = "automatic"
)

// ExtensionKinds lists the valid kinds.
var ExtensionKinds = []ExtensionKind{ExtensionOption, ExtensionAutomatic}

func init() { RegisterEnum(ExtensionKinds) }

// Valid reports whether k is a known kind.
func (k ExtensionKind) Valid() bool { return slices.Contains(ExtensionKinds, k) }

// Limits of contract terms.
const (
	maxDurationMonths  = 600
	maxExtensionCount  = 20
	maxExtensionMonths = 120
	maxNoticeMonths    = 60
)

// ContractTerms are the dates and options of a contract that decide its
// deadlines.
//
// A contract is fixed-term when Expiry or DurationMonths is given, and
// open-ended otherwise: it then runs until notice is given.
//
// A fixed-term contract may be extended (ExtensionCount extensions of
// ExtensionMonths each). ExtensionKind says how: an option the buyer must
// exercise by the last day the notice terms allow, or else the contract
// ends; or an automatic renewal, by which the contract continues for another
// ExtensionMonths unless notice was given by the last notice date for that
// end. Whoever gives notice records the day the contract ends in
// TerminatedOn.
type ContractTerms struct {
	Start            Date          `json:"start" format:"date" doc:"First day of the contract"`
	DurationMonths   int           `json:"duration_months,omitempty" minimum:"0" maximum:"600" doc:"Length of the initial term; or give expiry; neither means it runs until notice"`
	Expiry           *Date         `json:"expiry,omitempty" format:"date" doc:"Last day of the initial term"`
	IrrevocableUntil *Date         `json:"irrevocable_until,omitempty" format:"date" doc:"The contract cannot end before this day"`
	ExtensionCount   int           `json:"extension_count,omitempty" minimum:"0" maximum:"20" doc:"Options to extend"`
	ExtensionMonths  int           `json:"extension_months,omitempty" minimum:"0" maximum:"120" doc:"Length of each extension"`
	ExtensionsUsed   int           `json:"extensions_used,omitempty" minimum:"0" maximum:"20" doc:"Extensions that have begun; the next one may be recorded once it is exercised or decided, but never more than that by the day the deadlines are seen"`
	ExtensionKind    ExtensionKind `json:"extension_kind,omitempty" required:"false" allowEmpty:"true" doc:"option: each extension must be exercised by the buyer, else the contract ends; automatic: it renews unless notice is given. Defaults to automatic, the meaning before the field existed"`
	NoticeMonths     int           `json:"notice_months" required:"false" minimum:"0" maximum:"60"`
	NoticeRule       NoticeRule    `json:"notice_rule" required:"false" doc:"When notice takes effect; defaults to any_day"`
	TerminatedOn     *Date         `json:"terminated_on,omitempty" format:"date" doc:"The day it ends or ended after notice or termination"`
}

// dateSet reports whether an optional date is given; a pointer to the zero
// Date (JSON "") counts as absent.
func dateSet(p *Date) bool { return p != nil && !p.IsZero() }

// datep returns a pointer to a copy of d.
func datep(d Date) *Date { return &d }

// Normalize fills defaults: an empty notice rule means any_day, an empty
// extension kind automatic (what extensions meant before contracts said
// which they are), and optional dates given as "" are absent.
func (t *ContractTerms) Normalize() {
	if t.NoticeRule == "" {
		t.NoticeRule = NoticeAnyDay
	}
	if t.ExtensionKind == "" {
		t.ExtensionKind = ExtensionAutomatic
	}
	for _, p := range []**Date{&t.Expiry, &t.IrrevocableUntil, &t.TerminatedOn} {
		if !dateSet(*p) {
			*p = nil
		}
	}
}

// fixedTerm reports whether the contract has an end (Expiry or
// DurationMonths) rather than running until notice.
func (t ContractTerms) fixedTerm() bool {
	return dateSet(t.Expiry) || t.DurationMonths > 0
}

// termEnd returns the last day of a fixed-term contract after k extensions.
// The initial end is Expiry, or the day before Start plus DurationMonths.
// Each extension adds ExtensionMonths counted from the day after the initial
// end, so a contract ending on the last day of a month keeps ending on the
// last day of a month: 2026-02-28 extended by 12 months ends 2027-02-28,
// and once more, 2028-02-29.
func (t ContractTerms) termEnd(k int) Date {
	e := t.Start.AddMonths(t.DurationMonths).AddDays(-1)
	if dateSet(t.Expiry) {
		e = *t.Expiry
	}
	if k == 0 {
		return e
	}
	return e.AddDays(1).AddMonths(k * t.ExtensionMonths).AddDays(-1)
}

// Validate checks the terms. Field paths are the JSON names.
func (t ContractTerms) Validate() error {
	var v Validation
	checkDate := func(p *Date, path string) bool {
		if !p.valid() {
			v.Add(path, "must be a valid date")
			return false
		}
		return true
	}
	startOK := false
	if t.Start.IsZero() {
		v.Add("start", "is required")
	} else {
		startOK = checkDate(&t.Start, "start")
	}
	notBeforeStart := func(p *Date, path string) bool {
		if !checkDate(p, path) {
			return false
		}
		if startOK && p.Before(t.Start) {
			v.Add(path, "must be on or after start (%s)", t.Start)
			return false
		}
		return true
	}

	endOK := startOK // whether the last possible end can be computed
	if t.DurationMonths < 0 || t.DurationMonths > maxDurationMonths {
		v.Add("duration_months", "must be between 0 and %d", maxDurationMonths)
		endOK = false
	}
	if dateSet(t.Expiry) {
		endOK = notBeforeStart(t.Expiry, "expiry") && endOK
		if t.DurationMonths != 0 {
			v.Add("expiry", "must not be given together with duration_months")
			endOK = false
		}
	}
	if t.ExtensionCount < 0 || t.ExtensionCount > maxExtensionCount {
		v.Add("extension_count", "must be between 0 and %d", maxExtensionCount)
		endOK = false
	} else if t.ExtensionCount > 0 && !t.fixedTerm() {
		v.Add("extension_count", "must be 0 for a contract without expiry or duration_months")
		endOK = false
	}
	if t.ExtensionCount > 0 {
		if t.ExtensionMonths < 1 || t.ExtensionMonths > maxExtensionMonths {
			v.Add("extension_months", "must be between 1 and %d", maxExtensionMonths)
			endOK = false
		}
	} else if t.ExtensionCount == 0 {
		v.Check(t.ExtensionMonths == 0, "extension_months", "must be 0 when extension_count is 0")
	}
	v.Check(t.ExtensionsUsed >= 0 && t.ExtensionsUsed <= max(t.ExtensionCount, 0), "extensions_used",
		"must be between 0 and extension_count (%d)", max(t.ExtensionCount, 0))
	v.Check(t.NoticeMonths >= 0 && t.NoticeMonths <= maxNoticeMonths, "notice_months",
		"must be between 0 and %d", maxNoticeMonths)
	v.OneOf("notice_rule", t.NoticeRule)

	if t.ExtensionKind != "" {
		v.OneOf("extension_kind", t.ExtensionKind)
	}
	usedOK := t.ExtensionsUsed >= 0 && t.ExtensionsUsed <= max(t.ExtensionCount, 0)
	if dateSet(t.IrrevocableUntil) && notBeforeStart(t.IrrevocableUntil, "irrevocable_until") && endOK && t.fixedTerm() {
		last := t.termEnd(t.ExtensionCount)
		if t.ExtensionKind == ExtensionOption && t.ExtensionCount > 0 && usedOK {
			// An option extends the contract only when it is exercised, so
			// the contract cannot be bound beyond the term it is in.
			cur := t.termEnd(t.ExtensionsUsed)
			v.Check(!t.IrrevocableUntil.After(cur), "irrevocable_until",
				"must be on or before %s, the end of the current term: an option extends the contract only when it is exercised", cur)
		} else {
			v.Check(!t.IrrevocableUntil.After(last), "irrevocable_until",
				"must be on or before %s, the last day the contract can run with all extensions", last)
		}
	}
	if dateSet(t.TerminatedOn) {
		notBeforeStart(t.TerminatedOn, "terminated_on")
	}
	return v.Err()
}

// ValidateOn checks the terms as Validate does, and that they do not record
// more extensions than can have been taken by the day on: those that have
// begun by then, and the next one, which may be recorded once it is
// exercised (an option) or decided (a renewal nobody will give notice for).
// Extensions further ahead cannot have been taken yet.
func (t ContractTerms) ValidateOn(on Date) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if !t.fixedTerm() || t.ExtensionsUsed == 0 {
		return nil
	}
	begun := t.ExtensionsBegun(on)
	if limit := min(begun+1, t.ExtensionCount); t.ExtensionsUsed > limit {
		var v Validation
		v.Add("extensions_used", "must be at most %d on %s: %d extensions have begun by then, and only the next one can be taken in advance",
			limit, on, begun)
		return v.Err()
	}
	return nil
}

// AsOf returns the terms as they can have stood on the day on: the
// extensions recorded as used, but no more than ValidateOn allows on that
// day (those begun by then and the next one). Lists that show deadlines as
// of a past day compute them from AsOf, so that an extension taken later
// does not show as taken already.
func (t ContractTerms) AsOf(on Date) ContractTerms {
	if t.fixedTerm() && t.ExtensionsUsed > 0 {
		t.ExtensionsUsed = min(t.ExtensionsUsed, t.ExtensionsBegun(on)+1)
	}
	return t
}

// ExtensionsBegun returns how many of a fixed-term contract's extensions
// have begun by the day on: extension k begins the day after the end of
// term k-1. It is 0 for open-ended contracts.
func (t ContractTerms) ExtensionsBegun(on Date) int {
	if !t.fixedTerm() || t.ExtensionMonths <= 0 {
		return 0
	}
	n := 0
	for n < min(max(t.ExtensionCount, 0), maxExtensionCount) && on.After(t.termEnd(n)) {
		n++
	}
	return n
}

// NoticeWithoutEffect reports whether the contract's notice terms can have
// no effect: it is fixed-term, has a notice period or rule, and there is no
// end at which notice decides anything, because it has no extensions or
// cannot end before its last one. Such a contract simply expires; the pages
// and the API warn about it rather than accept it silently, since the terms
// usually mean that the contract can in fact be ended with notice (and is
// then open-ended with an irrevocable period) or that extensions are missing.
func (t ContractTerms) NoticeWithoutEffect() bool {
	if !t.fixedTerm() || t.NoticeMonths <= 0 && (t.NoticeRule == "" || t.NoticeRule == NoticeAnyDay) {
		return false
	}
	count := min(max(t.ExtensionCount, 0), maxExtensionCount)
	if count == 0 || t.ExtensionMonths <= 0 {
		return true
	}
	return dateSet(t.IrrevocableUntil) && t.termEnd(count-1).Before(*t.IrrevocableUntil)
}

// ContractStatus is where a contract is in its life.
type ContractStatus string

// Contract statuses.
const (
	ContractNotStarted ContractStatus = "not_started" // today is before Start
	ContractActive     ContractStatus = "active"
	ContractInNotice   ContractStatus = "in_notice"  // TerminatedOn is today or later
	ContractExpired    ContractStatus = "expired"    // a fixed-term contract past its last end
	ContractTerminated ContractStatus = "terminated" // past TerminatedOn
)

// ContractStatuses lists the statuses in the order of a contract's life.
var ContractStatuses = []ContractStatus{ContractNotStarted, ContractActive, ContractInNotice, ContractExpired, ContractTerminated}

// Deadlines are a contract's deadlines as seen on one day.
type Deadlines struct {
	Status           ContractStatus `json:"status"`
	CurrentEnd       *Date          `json:"current_end,omitempty"`        // end of the current term (fixed-term contracts)
	NextEnd          *Date          `json:"next_end,omitempty"`           // the next day the contract can end
	LastNoticeDate   *Date          `json:"last_notice_date,omitempty"`   // the last day to give notice so it ends at NextEnd
	LastExerciseDate *Date          `json:"last_exercise_date,omitempty"` // the last day to exercise the option to extend beyond NextEnd (extension_kind option)
	ExtendsTo        *Date          `json:"extends_to,omitempty"`         // the end the option extends the contract to, if exercised by LastExerciseDate
	NextDecisionDate *Date          `json:"next_decision_date,omitempty"` // the next date someone must decide by
	MonthsLeft       *int           `json:"months_left,omitempty"`        // whole months from today to NextEnd
	ExtensionsLeft   int            `json:"extensions_left"`
	Explanation      string         `json:"explanation"` // one English sentence saying why, for people
	// Why is Explanation as a phrase, which pages and e-mails show in the
	// reader's language; JSON keeps the English Explanation only.
	Why Phrase `json:"-"`
	// Warnings are English sentences about terms that are valid but
	// probably not what the contract says (NoticeWithoutEffect);
	// WarningPhrases are the same for the pages.
	Warnings       []string `json:"warnings,omitempty"`
	WarningPhrases []Phrase `json:"-"`

	datesOnly bool // DeadlineDates: no explanation written
}

// explain sets the explanation.
func (dl *Deadlines) explain(why Phrase) {
	if dl.datesOnly {
		return
	}
	dl.Why, dl.Explanation = why, why.String()
}

// DeadlineDates returns Deadlines(today) without the explanation (Why
// and Explanation empty): the dates and status alone, for computing those
// of many contracts at once, where writing each sentence would cost as
// much as the rest.
func (t ContractTerms) DeadlineDates(today Date) Deadlines {
	dl := Deadlines{datesOnly: true}
	t.deadlines(today, &dl)
	dl.datesOnly = false
	return dl
}

// Deadlines returns the contract's deadlines on the day today, which the
// caller takes in Danish time. The terms should be valid; for invalid terms
// the result is unspecified, but Deadlines does not panic.
//
// Termination comes first. When TerminatedOn is given the contract is
// terminated after that day and in_notice until then (NextEnd is
// TerminatedOn); there is nothing left to decide and no extensions left.
//
// A fixed-term contract (Expiry or DurationMonths given) starts with
// ExtensionsUsed extensions. While options remain and today is after the
// last notice date for the current end, that extension has begun, whether or
// not anyone recorded it. If today is then after the current end, the
// contract has expired (CurrentEnd is the day it ended). Otherwise
// CurrentEnd is the current end, and NextEnd too, unless the contract is
// irrevocable beyond it: then NextEnd is the first later end that is not
// before IrrevocableUntil. If an option remains at NextEnd, someone must
// decide by LastNoticeDate(NextEnd) whether to give notice or let the
// contract continue: that is both LastNoticeDate and NextDecisionDate. If
// none remains, no notice is needed: the contract simply expires, and
// NextDecisionDate is NextEnd, by which a successor must be in place.
//
// An open-ended contract can end on the day a notice given today takes
// effect, but not before IrrevocableUntil: NextEnd is the earliest
// NoticeEffective(D) for a day D from today on that is not before
// IrrevocableUntil, and LastNoticeDate and NextDecisionDate are the last day
// to give notice for NextEnd (today or later). Before Start, they are
// computed as if today were Start.
//
// The status is not_started before Start, active otherwise. MonthsLeft is
// MonthsBetween(today, NextEnd) whenever there is a NextEnd.
func (t ContractTerms) Deadlines(today Date) Deadlines {
	var dl Deadlines
	t.deadlines(today, &dl)
	return dl
}

// deadlines fills dl with the deadlines on today (Deadlines).
func (t ContractTerms) deadlines(today Date, dl *Deadlines) {
	if dateSet(t.TerminatedOn) {
		end := *t.TerminatedOn
		if today.After(end) {
			dl.Status = ContractTerminated
			dl.explain(Phrasef("The contract ended on %s after notice or termination.", end))
			return
		}
		dl.Status = ContractInNotice
		dl.setNextEnd(today, end)
		dl.explain(Phrasef("Notice has been given or the contract terminated; it ends on %s.", end))
		return
	}
	dl.Status = ContractActive
	if today.Before(t.Start) {
		dl.Status = ContractNotStarted
	}
	switch {
	case t.fixedTerm() && t.ExtensionKind == ExtensionOption:
		t.optionDeadlines(today, dl)
	case t.fixedTerm():
		t.fixedDeadlines(today, dl)
	default:
		t.openDeadlines(today, dl)
	}
	if !dl.datesOnly && dl.Status != ContractExpired && t.NoticeWithoutEffect() {
		dl.warn(Phrasef("The contract is fixed-term with %s, but no extension can follow, so the notice has no effect: it simply expires. If it can be ended with notice before then, record it without an expiry and with an irrevocable period instead.",
			noticeTerms(t.NoticeMonths, t.NoticeRule)))
	}
}

// OptionOpen returns the last day to exercise the option to extend, while
// that day has not passed (it is then the next decision date), and nil
// otherwise: the date the calendar, the notices and the pages ask someone to
// act by, as they ask for LastNoticeDate of an automatic renewal.
func (dl Deadlines) OptionOpen() *Date {
	if x := dl.LastExerciseDate; x != nil && dl.NextDecisionDate != nil && *dl.NextDecisionDate == *x {
		return x
	}
	return nil
}

// warn adds a warning.
func (dl *Deadlines) warn(p Phrase) {
	dl.WarningPhrases = append(dl.WarningPhrases, p)
	dl.Warnings = append(dl.Warnings, p.String())
}

// optionDeadlines are the deadlines of a fixed-term contract whose
// extensions are options the buyer must exercise. ExtensionsUsed counts the
// options exercised; nothing is extended without that. The current end is
// the end after them; while an option remains, the last day to exercise it
// is the last day the contract's notice terms allow before that end
// (LastNoticeDate of it), which is then the decision date. After that day,
// or when no option remains, the contract ends at the current end, by which
// a successor must be in place.
func (t ContractTerms) optionDeadlines(today Date, dl *Deadlines) {
	count := min(max(t.ExtensionCount, 0), maxExtensionCount)
	if t.ExtensionMonths <= 0 {
		count = 0 // invalid terms: options that extend nothing
	}
	k := min(max(t.ExtensionsUsed, 0), count)
	end := t.termEnd(k)
	dl.CurrentEnd = datep(end)
	if today.After(end) {
		dl.Status = ContractExpired
		switch {
		case k < count:
			dl.explain(Phrasef("The contract ended on %s: the option to extend it was not exercised.", end))
		case count > 0:
			dl.explain(Phrasef("The contract expired on %s with no extensions left.", end))
		default:
			dl.explain(Phrasef("The contract expired on %s.", end))
		}
		return
	}
	dl.ExtensionsLeft = count - k
	dl.setNextEnd(today, end)
	if k == count {
		dl.NextDecisionDate = datep(end)
		if count > 0 {
			dl.explain(Phrasef("The contract expires on %s with no options left; a successor must be in place by then.", end))
		} else {
			dl.explain(Phrasef("The contract expires on %s; no notice is needed, but a successor must be in place by then.", end))
		}
		return
	}
	lx := LastNoticeDate(end, t.NoticeMonths, t.NoticeRule)
	dl.LastExerciseDate = datep(lx)
	if today.After(lx) {
		dl.NextDecisionDate = datep(end)
		dl.explain(Phrasef("The last day to exercise the option was %s; unless it was exercised, the contract ends on %s, so a successor must be in place by then.", lx, end))
		return
	}
	dl.NextDecisionDate, dl.ExtendsTo = datep(lx), datep(t.termEnd(k+1))
	if count == 1 {
		dl.explain(Phrasef("Exercise the option by %s to extend the contract to %s; otherwise it ends on %s (%d of %d option left).",
			lx, t.termEnd(k+1), end, count-k, count))
		return
	}
	dl.explain(Phrasef("Exercise the option by %s to extend the contract to %s; otherwise it ends on %s (%d of %d options left).",
		lx, t.termEnd(k+1), end, count-k, count))
}

func (dl *Deadlines) setNextEnd(today, end Date) {
	dl.NextEnd = datep(end)
	if !end.Before(today) {
		m := MonthsBetween(today, end)
		dl.MonthsLeft = &m
	}
}

func (t ContractTerms) fixedDeadlines(today Date, dl *Deadlines) {
	count := min(max(t.ExtensionCount, 0), maxExtensionCount) // bounded even for invalid terms
	if t.ExtensionMonths <= 0 {
		count = 0 // invalid terms: options that extend nothing
	}
	k := min(max(t.ExtensionsUsed, 0), count)
	lastNotice := func(end Date) Date { return LastNoticeDate(end, t.NoticeMonths, t.NoticeRule) }
	for k < count && today.After(lastNotice(t.termEnd(k))) {
		k++ // nobody gave notice in time: the option has been used
	}
	end := t.termEnd(k)
	dl.CurrentEnd = datep(end)
	if today.After(end) {
		dl.Status = ContractExpired
		if count > 0 {
			dl.explain(Phrasef("The contract expired on %s with no extensions left.", end))
		} else {
			dl.explain(Phrasef("The contract expired on %s.", end))
		}
		return
	}
	dl.ExtensionsLeft = count - k

	// The contract cannot end before IrrevocableUntil; the ends before it are
	// not real choices, so the next end is the first one from it on (at the
	// latest the last end, which Validate keeps from being before it).
	j := k
	for j < count && dateSet(t.IrrevocableUntil) && t.termEnd(j).Before(*t.IrrevocableUntil) {
		j++
	}
	next := t.termEnd(j)
	dl.setNextEnd(today, next)

	if j == count {
		dl.NextDecisionDate = datep(next)
		switch {
		case j > k:
			dl.explain(Phrasef("The contract cannot end before %s; it is extended to %s and then expires with no extensions left, so a successor must be in place by then.",
				*t.IrrevocableUntil, next))
		case count > 0:
			dl.explain(Phrasef("The contract expires on %s with no extensions left; no notice is needed, but a successor must be in place by then.", next))
		default:
			dl.explain(Phrasef("The contract expires on %s; no notice is needed, but a successor must be in place by then.", next))
		}
		return
	}
	lnd := lastNotice(next)
	dl.LastNoticeDate = datep(lnd)
	dl.NextDecisionDate = datep(lnd)
	// One format per case, so that each is a whole sentence to translate.
	switch {
	case j > k && count == 1:
		dl.explain(Phrasef("The contract cannot end before %s; give notice by %s to end the contract on %s; otherwise it is extended to %s (%d of %d extension left).",
			*t.IrrevocableUntil, lnd, next, t.termEnd(j+1), count-k, count))
	case j > k:
		dl.explain(Phrasef("The contract cannot end before %s; give notice by %s to end the contract on %s; otherwise it is extended to %s (%d of %d extensions left).",
			*t.IrrevocableUntil, lnd, next, t.termEnd(j+1), count-k, count))
	case count == 1:
		dl.explain(Phrasef("Give notice by %s to end the contract on %s; otherwise it is extended to %s (%d of %d extension left).",
			lnd, next, t.termEnd(j+1), count-k, count))
	default:
		dl.explain(Phrasef("Give notice by %s to end the contract on %s; otherwise it is extended to %s (%d of %d extensions left).",
			lnd, next, t.termEnd(j+1), count-k, count))
	}
}

func (t ContractTerms) openDeadlines(today Date, dl *Deadlines) {
	from := today
	if from.Before(t.Start) {
		from = t.Start
	}
	d := from
	irrevocable := false
	if dateSet(t.IrrevocableUntil) {
		// The first day a notice can be given that takes effect on or after
		// IrrevocableUntil: the day after the last one that takes effect
		// before it.
		first := LastNoticeDate(t.IrrevocableUntil.AddDays(-1), t.NoticeMonths, t.NoticeRule).AddDays(1)
		if first.After(d) {
			d = first
			irrevocable = true
		}
	}
	next := NoticeEffective(d, t.NoticeMonths, t.NoticeRule)
	lnd := LastNoticeDate(next, t.NoticeMonths, t.NoticeRule)
	dl.setNextEnd(today, next)
	dl.LastNoticeDate = datep(lnd)
	dl.NextDecisionDate = datep(lnd)
	terms := noticeTerms(t.NoticeMonths, t.NoticeRule)
	if irrevocable {
		dl.explain(Phrasef("The contract cannot end before %s; give notice by %s to end the contract on %s (%s); it runs until notice is given.",
			*t.IrrevocableUntil, lnd, next, terms))
		return
	}
	dl.explain(Phrasef("Give notice by %s to end the contract on %s (%s); it runs until notice is given.", lnd, next, terms))
}

// noticeTerms describes a notice period in words: "3 months' notice to the
// end of a quarter". Each case is a whole phrase, so that it translates.
func noticeTerms(months int, rule NoticeRule) Phrase {
	switch rule {
	case NoticeEndOfMonth:
		switch {
		case months <= 0:
			return Phrasef("notice to the end of a month")
		case months == 1:
			return Phrasef("1 month's notice to the end of a month")
		}
		return Phrasef("%d months' notice to the end of a month", months)
	case NoticeEndOfQuarter:
		switch {
		case months <= 0:
			return Phrasef("notice to the end of a quarter")
		case months == 1:
			return Phrasef("1 month's notice to the end of a quarter")
		}
		return Phrasef("%d months' notice to the end of a quarter", months)
	case NoticeEndOfYear:
		switch {
		case months <= 0:
			return Phrasef("notice to the end of a year")
		case months == 1:
			return Phrasef("1 month's notice to the end of a year")
		}
		return Phrasef("%d months' notice to the end of a year", months)
	}
	switch {
	case months <= 0:
		return Phrasef("no notice period")
	case months == 1:
		return Phrasef("1 month's notice")
	}
	return Phrasef("%d months' notice", months)
}
