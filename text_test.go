package samspil

import "testing"

// TestLongDates checks the one long form of dates in sentences.
func TestLongDates(t *testing.T) {
	for _, c := range []struct {
		d    Date
		lang string
		want string
	}{
		{NewDate(2026, 12, 31), "da", "31. december 2026"},
		{NewDate(2027, 3, 1), "da", "1. marts 2027"},
		{NewDate(2028, 5, 9), "da", "9. maj 2028"},
		{NewDate(2026, 12, 31), "en", "31 December 2026"},
		{Date{}, "da", ""},
	} {
		if got := LongDate(c.d, c.lang); got != c.want {
			t.Errorf("LongDate(%s, %s) = %q, want %q", c.d, c.lang, got, c.want)
		}
	}
}
