// Package rrule parses and expands the recurrence rules (RFC 5545 RRULE)
// that describe the meeting cadence of a forum, such as
// "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH" from a first meeting on 2014-01-09 09:00
// Europe/Copenhagen.
//
// # Supported subset
//
// Meeting cadences repeat by days, weeks, months or years, so the package
// supports FREQ=DAILY, WEEKLY, MONTHLY and YEARLY with the rule parts
// INTERVAL, COUNT, UNTIL, BYMONTH, BYMONTHDAY, BYDAY (with ordinals such as
// 2TU or -1FR for MONTHLY and YEARLY), BYHOUR, BYMINUTE, BYSETPOS and WKST.
// These express every cadence seen in practice: "every other Thursday",
// "the second Tuesday of the month", "the last weekday of the quarter",
// "the first Monday of March and September".
//
// Left out, and rejected by [Parse] with a message that says so:
//   - FREQ=HOURLY, MINUTELY and SECONDLY: no body meets more than daily, and
//     such rules multiply the work of an expansion by up to 86,400.
//   - BYSECOND: meetings start on the second of their first meeting.
//   - BYWEEKNO and BYYEARDAY: week numbers and day numbers of the year are
//     seldom how meetings are planned, and BYMONTH, BYMONTHDAY and BYDAY
//     say the same things in words people recognise.
//   - UNTIL as a date (20151231) or as a local time without "Z": RFC 5545
//     requires UNTIL in UTC when DTSTART has a time zone, which a meeting
//     always has.
//   - RSCALE and SKIP (RFC 7529): only the Gregorian calendar is used.
//
// Rules are user input, so parsing bounds the size of a rule (500 bytes,
// INTERVAL up to 1000, COUNT up to 10,000, at most 50 values in a list) and
// expansion walks the rule period by period (a day, week, month or year at
// a time), skips straight to the requested window when it can, and stops
// when the window ends, after 200,000 periods, or once a full 400-year
// Gregorian cycle of periods has produced nothing. It allocates only the
// result and a few small buffers.
//
// # Time zones
//
// Occurrences keep the wall-clock time of DTSTART (or of BYHOUR and
// BYMINUTE) in DTSTART's location, so a meeting at 09:00 Europe/Copenhagen
// stays at 09:00 when the clocks change and its UTC offset moves between
// +01:00 and +02:00. A wall-clock time that occurs twice (when clocks are
// set back) means the first of them, in Denmark the summer-time instant,
// and a wall-clock time that does not exist (when clocks are set forward)
// is moved forward by the length of the gap, so 02:30 on the last Sunday
// of March becomes 03:30 CEST; both as RFC 5545 section 3.3.5 reads a
// DATE-TIME with a TZID. Section 3.8.5.3 would rather drop a recurrence
// instance at a time that does not exist; the package moves it, so that
// no meeting silently disappears, and drops it only when the move would
// carry it into another day (in zones that skipped a whole day). The
// package resolves times itself: Go's [time.Date] may pick either instant
// of a doubled time (for Copenhagen it picks the winter-time one) and in
// zones west of Greenwich moves a missing time backward.
//
// Rules are not modified by expansion, so one Rule may be used by several
// goroutines at once.
//
// # Words
//
// [Rule.Describe] says a rule in words, such as "hver anden torsdag kl.
// 9.00" or "first Wednesday every third month at 9:00", through a
// [Translator] over the pages' message catalogue (the keys are in
// [DescribeKeys]), so every word is translatable. It says exactly the
// rules people write (every nth day, week, month or year; weekdays; the
// nth or last weekday or weekday Monday to Friday of the month; days of the
// month; months; times of day; COUNT and UNTIL); for any other rule it
// returns a generic sentence with the rule's text and false, never a wrong
// sentence. A test reads the words' meaning independently of the expansion
// and compares the two for thousands of random rules.
package rrule
