package main

import (
	"regexp"
	"testing"
)

// TestBenchHealth runs `samspil bench health` small on SQLite: every
// measurement prints its figure; bad sizes are refused.
func TestBenchHealth(t *testing.T) {
	code, out, errOut := run(t, nil, "", "bench", "health", "--health-members", "4", "--health-years", "2", "--runs", "1", "--dir", t.TempDir())
	if code != 0 {
		t.Fatalf("bench health: %d %q", code, errOut)
	}
	for _, want := range []string{"recorded 4 members, 2 years, sqlite", "health panel, sqlite", "health API, sqlite",
		"health report PDF, last year, sqlite", "health report PDF, whole history, sqlite"} {
		if !regexp.MustCompile(regexp.QuoteMeta(want) + `\s+\d+\.\d\s`).MatchString(out) {
			t.Errorf("no figure for %q:\n%s", want, out)
		}
	}
	for _, args := range [][]string{{"--health-members", "1"}, {"--health-years", "0"}, {"--runs", "0"}} {
		if code, _, _ := run(t, nil, "", append([]string{"bench", "health"}, args...)...); code == 0 {
			t.Errorf("bench health %v was accepted", args)
		}
	}
}
