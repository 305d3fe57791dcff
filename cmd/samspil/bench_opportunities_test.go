package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestBenchOpportunities runs `samspil bench opportunities` small on
// SQLite: at demo scale and on five generated organisations, every
// measurement prints its row, and the SQL baseline gives the index's
// results for every organisation of its sample. Bad sizes are refused.
func TestBenchOpportunities(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo")
	}
	code, out, errOut := run(t, nil, "", "bench", "opportunities", "--orgs", "5", "--usages-per-org", "20", "--contracts-per-org", "10",
		"--queries", "30", "--baseline-sample", "4", "--dir", t.TempDir())
	if code != 0 {
		t.Fatalf("bench opportunities: %d %q", code, errOut)
	}
	for _, section := range []string{"== opportunities: demo (98 municipalities), sqlite", "== opportunities: 5 generated organisations (20 usages, 10 contracts each), sqlite"} {
		i := strings.Index(out, section)
		if i < 0 {
			t.Fatalf("no section %q:\n%s", section, out)
		}
		rest := out[i+len(section):]
		if j := strings.Index(rest, "\n=="); j >= 0 {
			rest = rest[:j]
		}
		for _, want := range []string{"index build", "index heap", "process resident (VmRSS)", "top-50 partners p50 (30 random organisations)",
			"top-50 partners p99", "procurement windows p50", "procurement windows p99", "organisation list q= p99", "organisation search p99",
			"into 5 (median of 3)", "SQL baseline top-50 partners p50 (4 organisations)", "baseline over index, partners p50",
			"SQL baseline procurement windows p50", "baseline over index, windows p50"} {
			if !regexp.MustCompile(regexp.QuoteMeta(want) + `.*\s\d+\.\d\s`).MatchString(rest) {
				t.Errorf("%s: no figure for %q:\n%s", section, want, rest)
			}
		}
		if !regexp.MustCompile(`baseline gives the index's results\s+4 of 4\n`).MatchString(rest) {
			t.Errorf("%s: the baseline differs from the index:\n%s", section, rest)
		}
	}
	// A database generated before is measured as it is.
	db := t.TempDir() + "/generated.db"
	if code, _, errOut := run(t, nil, "", "demo", "generate", "--db", db, "--orgs", "6", "--usages-per-org", "10", "--contracts-per-org", "5"); code != 0 {
		t.Fatalf("demo generate: %d %q", code, errOut)
	}
	code, gen, errOut := run(t, nil, "", "bench", "opportunities", "--generated", db, "--queries", "10", "--baseline-sample", "2", "--dir", t.TempDir())
	if code != 0 || !strings.Contains(gen, "== opportunities: 6 generated organisations, sqlite") ||
		!regexp.MustCompile(`baseline gives the index's results\s+2 of 2\n`).MatchString(gen) || strings.Contains(gen, "generate the organisations") {
		t.Errorf("bench opportunities --generated: %d %q\n%s", code, errOut, gen)
	}
	// A baseline query that runs past --baseline-limit is stopped and
	// counts as a lower bound.
	code, gen, errOut = run(t, nil, "", "bench", "opportunities", "--generated", db, "--queries", "10", "--baseline-sample", "2",
		"--baseline-limit", "1ns", "--dir", t.TempDir())
	if code != 0 || !regexp.MustCompile(`SQL baseline top-50 partners p50 \(2 organisations\)\s+> 0\.0 `).MatchString(gen) ||
		!regexp.MustCompile(`baseline over index, windows p50\s+> `).MatchString(gen) ||
		!regexp.MustCompile(`baseline gives the index's results\s+0 of 2 \(4 queries stopped at 1ns\)\n`).MatchString(gen) {
		t.Errorf("bench opportunities --baseline-limit 1ns: %d %q\n%s", code, errOut, gen)
	}
	if !strings.Contains(out, "grouping 98 organisations into 5") {
		t.Errorf("the demo's municipalities are not grouped:\n%s", out)
	}
	for _, bad := range [][]string{{"--queries", "0"}, {"--baseline-sample", "-1"}, {"--baseline-limit", "0"}, {"--orgs", "-1"}, {"--sized-postgres-only"}} {
		if code, _, errOut := run(t, nil, "", append([]string{"bench", "opportunities"}, bad...)...); code == 0 || errOut == "" {
			t.Errorf("bench opportunities %v: exit %d, %q", bad, code, errOut)
		}
	}
	if code, _, errOut := run(t, nil, "", "bench", "nothing"); code == 0 || !strings.Contains(errOut, "opportunities") {
		t.Errorf("bench nothing: exit %d, %q", code, errOut)
	}
}
