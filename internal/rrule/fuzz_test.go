package rrule

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
)

// FuzzParse checks that Parse never panics, that its errors are cadence
// errors, that a rule it accepts round-trips through String, and that
// expanding the rule over a year terminates promptly with ordered times,
// and that Describe says something for it.
// The seed corpus is in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
		"RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
		"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
		"FREQ=DAILY;BYHOUR=0,1,2,3;BYMINUTE=0,30",
	} {
		f.Add(s)
	}
	cph, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		f.Fatal(err)
	}
	dtstart := time.Date(2014, 1, 9, 9, 0, 0, 0, cph)
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Parse(s)
		if err != nil {
			var e *samspil.Error
			if r != nil || !errors.As(err, &e) || e.Code != samspil.EINVALID || len(e.Fields) != 1 || e.Fields[0].Path != "cadence" {
				t.Fatalf("Parse(%q) = %v, %#v", s, r, err)
			}
			return
		}
		text := r.String()
		r2, err := Parse(text)
		if err != nil {
			t.Fatalf("Parse(%q) accepts, but not its String %q: %v", s, text, err)
		}
		if !reflect.DeepEqual(r, r2) || r2.String() != text {
			t.Fatalf("Parse(%q) = %+v, but Parse(%q) = %+v", s, r, text, r2)
		}
		if err := r.Validate(dtstart); err != nil && samspil.ErrorCode(err) != samspil.EINVALID {
			t.Fatalf("Validate: %v", err)
		}
		start := time.Now()
		occ := r.Between(dtstart, dtstart, dtstart.AddDate(1, 0, 0), maxResults)
		for i := 1; i < len(occ); i++ {
			if !occ[i].After(occ[i-1]) {
				t.Fatalf("%s: %s does not follow %s", text, occ[i], occ[i-1])
			}
		}
		r.After(dtstart, dtstart.AddDate(50, 0, 0))
		// The words of any rule: something, and the rule itself when not words.
		words, ok := r.Describe(dtstart, func(key string, args ...any) string { return fmt.Sprint(append([]any{key}, args...)...) })
		if words == "" || (!ok && !strings.Contains(words, text)) {
			t.Fatalf("%s: words %q, %v", text, words, ok)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("%s: expansion took %s", text, d)
		}
	})
}
