package samspil

import (
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
