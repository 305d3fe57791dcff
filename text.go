package samspil

import (
	"fmt"
	"strings"
	"time"
)

// Fold returns the form of s used for case-insensitive search and sorting.
// It is computed in Go and stored beside the text, so both database engines
// compare the same bytes.
func Fold(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// Now returns the current time in UTC at microsecond precision, the precision
// both database engines keep.
func Now() time.Time {
	return time.Now().UTC().Truncate(time.Microsecond)
}

// Phrase is a sentence samspil computes for people to read, such as why a
// vote was adopted. Format is the English text with fmt verbs and also its
// key in the message catalogue, so pages show it in the reader's language;
// in JSON it is the English sentence.
type Phrase struct {
	Format string
	Args   []any
}

// Phrasef returns a phrase.
func Phrasef(format string, args ...any) Phrase { return Phrase{Format: format, Args: args} }

// String returns the English sentence.
func (p Phrase) String() string { return fmt.Sprintf(p.Format, p.Args...) }

// Localize returns the sentence in the reader's language.
func (p Phrase) Localize(t Translator) string { return t(p.Format, p.Args...) }

// MarshalText writes the English sentence, so that JSON and the OpenAPI
// document see a string.
func (p Phrase) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads a sentence back as a phrase without arguments.
func (p *Phrase) UnmarshalText(b []byte) error {
	p.Format, p.Args = string(b), nil
	return nil
}

// Number is a count inside a Phrase that people read with its thousands
// grouped, such as inhabitants (101.574 in Danish); JSON has its digits.
type Number int

// Term is a code word inside a Phrase, such as a commitment level
// ("binding"); pages show it through the message catalogue, JSON as is.
type Term string

// danishMonths are the names of the months in Danish, January first.
var danishMonths = [12]string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
	"oktober", "november", "december"}

// LongDate writes a day as sentences do: "31. december 2026" in Danish
// ("da"), "31 December 2026" in English (any other language). The zero
// Date is "".
func LongDate(d Date, lang string) string {
	if d.IsZero() {
		return ""
	}
	t := d.Time()
	if lang == "da" {
		return fmt.Sprintf("%d. %s %d", t.Day(), danishMonths[t.Month()-1], t.Year())
	}
	return fmt.Sprintf("%d %s %d", t.Day(), t.Month(), t.Year())
}
