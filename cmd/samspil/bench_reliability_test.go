package main

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// The reliability checks but load and soak, smaller than their short form
// (which CI runs as a step of its own), on both engines: every row
// printed, and a broken promise fails the command.
func TestBenchReliability(t *testing.T) {
	args := []string{"bench", "reliability", "--dir", t.TempDir(), "--rounds", "10", "--writes", "20", "--kills", "4",
		"--check", "durability", "--check", "lost-updates", "--check", "writers", "--check", "backup", "--check", "kill"}
	engines := []string{"sqlite"}
	if pg := testkit.PostgresURL(); pg != "" {
		args = append(args, "--postgres", pg)
		engines = append(engines, "postgres")
	}
	code, out, errOut := run(t, nil, "", args...)
	if code != 0 {
		t.Fatalf("bench reliability: %d %q\n%s", code, errOut, out)
	}
	for _, e := range engines {
		type row struct {
			name string
			want []string // the figures before the last column, broken, which must be 0
		}
		rows := []row{
			{"durability settings, " + e, []string{"-", "-", "-"}},
			{"lost updates, 8 editors, API with If-Match, " + e, []string{"10", "10", "70"}},
			{"lost updates, 8 editors, page form with version, " + e, []string{"10", "10", "70"}},
			{"concurrent writers, 16 x 20 beside 8 readers, " + e, []string{"320", "320", "0"}},
			{"backup while 4 clients write, restored, " + e, nil},
			{"kill -9 while 8 clients create contracts, " + e, nil},
		}
		if e == "postgres" { // one run (--kills 4 / 4) with PostgreSQL crashing
			rows = append(rows, row{"PostgreSQL stopped immediately while 8 clients write", nil})
		}
		for _, row := range rows {
			i := strings.Index(out, row.name)
			if i < 0 {
				t.Fatalf("no row %q:\n%s", row.name, out)
			}
			line := strings.Fields(out[i+len(row.name):][:strings.IndexByte(out[i+len(row.name):], '\n')])
			if line[len(line)-1] != "0" {
				t.Errorf("%s: broken %s", row.name, line[len(line)-1])
			}
			if row.want != nil && !slices.Equal(line[:3], row.want) {
				t.Errorf("%s: %v; want %v", row.name, line[:3], row.want)
			}
			if strings.HasPrefix(row.name, "kill") && (line[0] != "4" || line[2] != "0") {
				t.Errorf("%s: runs, acknowledged, missing %v; want 4 runs, none missing", row.name, line)
			}
			if strings.HasPrefix(row.name, "PostgreSQL stopped") && (line[0] != "1" || line[2] != "0") {
				t.Errorf("%s: runs, acknowledged, missing %v; want 1 run, none missing", row.name, line)
			}
			if strings.HasPrefix(row.name, "backup") && line[2] != "102" {
				t.Errorf("%s: %s organisations equal after the restore; want all 102 not written during the backup", row.name, line[2])
			}
		}
	}
}

// acceptAll is a record without optimistic locking: every write is taken.
type acceptAll struct {
	mu      sync.Mutex
	version int
	name    string
}

type acceptAllWay struct{ r *acceptAll }

func (w acceptAllWay) name() string                                        { return "accept all" }
func (w acceptAllWay) prepare(context.Context, *http.Client, string) error { return nil }
func (w acceptAllWay) version(context.Context, *http.Client) (int, string, error) {
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	return w.r.version, w.r.name, nil
}
func (w acceptAllWay) write(_ context.Context, _ *http.Client, _ int, name string) (bool, error) {
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	w.r.version++
	w.r.name = name
	return true, nil
}

// The lost-update check finds a record that takes every write: each round
// is counted as broken.
func TestLostUpdatesFindsLostUpdates(t *testing.T) {
	r, err := lostUpdates(context.Background(), nil, acceptAllWay{&acceptAll{version: 1}}, 5, 8)
	if err != nil {
		t.Fatal(err)
	}
	if r.broken != 5 || r.accepted != 40 || len(r.problems) != 5 {
		t.Fatalf("result %+v", r)
	}
}

// The crash check's verdict finds what a crash could do wrong: an
// acknowledged contract missing, one stored twice, one without all its
// systems, one never sent, a gap in a client's sequence.
func TestContractProblemsFindsDamage(t *testing.T) {
	ctx := context.Background()
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ann := testkit.NewPerson(t, db, "ann@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		systems, err := benchSystems(ctx, db, ann.Actor, "Prøve", 3)
		if err != nil {
			t.Fatal(err)
		}
		org := testkit.Org(t, db, testkit.Silkeborg).ID
		create := func(name string, systems []string) {
			t.Helper()
			_, err := db.CreateContract(ctx, ann.Actor, samspil.ContractInput{OrganizationID: org, Name: name, SystemIDs: systems,
				ContractTerms: samspil.ContractTerms{Start: samspil.NewDate(2026, time.January, 1), NoticeMonths: 3}})
			if err != nil {
				t.Fatal(err)
			}
		}
		sent := map[string]bool{"Prøve 0.0": true, "Prøve 0.1": true, "Prøve 0.2": true, "Prøve 1.0": true, "Prøve 1.1": true, "Prøve 2.0": true}
		acked := map[string]bool{"Prøve 0.0": true, "Prøve 0.1": true}

		create("Prøve 0.0", systems)
		create("Prøve 0.1", systems)
		problems, missing, dups, half, err := contractProblems(ctx, db, ann.Actor, org, "Prøve", sent, acked, 3)
		if err != nil || len(problems) > 0 || missing+dups+half > 0 {
			t.Fatalf("sound: %v %d %d %d %v", problems, missing, dups, half, err)
		}

		acked["Prøve 2.0"] = true        // acknowledged, not stored
		create("Prøve 0.1", systems)     // stored twice
		create("Prøve 1.1", systems[:2]) // a system short, and 1.0 missing before it
		create("Prøve 9.0", systems)     // never sent
		problems, missing, dups, half, err = contractProblems(ctx, db, ann.Actor, org, "Prøve", sent, acked, 3)
		if err != nil || missing != 1 || dups != 1 || half != 1 {
			t.Fatalf("damaged: missing %d, duplicates %d, half-written %d, %v", missing, dups, half, err)
		}
		for _, want := range []string{`"Prøve 2.0" was acknowledged and is missing`, `"Prøve 0.1" is stored 2 times`, `"Prøve 1.1" has 2 of its 3 systems`,
			`"Prøve 9.0" is stored and was never sent`, `"Prøve 1.1" is stored without "Prøve 1.0"`} {
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.HasPrefix(p, want) }) {
				t.Errorf("no problem %s in %q", want, problems)
			}
		}
	})
}

// The load check's environment serves the mix without a failure, and the
// soak's figures come from samspil's own /metrics. (Whether the latencies
// meet their targets is for `samspil bench reliability` to say, never for
// a timed test.)
func TestLoadMix(t *testing.T) {
	ctx := context.Background()
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			env, err := startLoadEnvironment(ctx, testkit.NewEmptyDSN(t, e))
			if err != nil {
				t.Fatal(err)
			}
			defer env.proc.kill()
			if len(env.people) != 3 {
				t.Fatalf("%d people signed in", len(env.people))
			}
			f := attackAt(env.proc.base, env.people, 50, 2*time.Second, nil)
			if f.requests < 90 || f.errors > 0 {
				t.Fatalf("%d requests, %d failed: %s; status %s", f.requests, f.errors, f.firstErrors, f.statusCounts)
			}
			if f.readP50 <= 0 || f.writeP99 <= 0 {
				t.Fatalf("no figures: %+v", f)
			}
			p, err := readProcessFigures(env.proc.base)
			if err != nil || p.rss < 1e6 || p.goroutines < 2 || p.fds < 3 {
				t.Fatalf("samspil's figures: %+v %v", p, err)
			}
		})
	}
}

// The limits check, short and untimed, on both engines: every hostile
// request refused with a 4xx (or, for the slow ones, its connection closed
// by the server), the mix without a failure beside them, and the export's
// work stopped once its client went away. (Whether the mix's p99 and the
// stop meet their targets is for `samspil bench reliability` to say.)
func TestLimits(t *testing.T) {
	ctx := context.Background()
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			dsn := testkit.NewEmptyDSN(t, e)
			env, err := startLoadEnvironment(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer env.proc.kill()
			r, err := limitsCheck(ctx, env, dsn, 2*time.Second, 20000)
			if err != nil {
				t.Fatal(err)
			}
			if r.alone.errors+r.beside.errors > 0 || r.alone.requests == 0 || r.beside.requests == 0 {
				t.Errorf("the mix: %d requests, %d failed alone; %d, %d beside the hostile clients", r.alone.requests, r.alone.errors, r.beside.requests, r.beside.errors)
			}
			if len(r.rows) != 5 {
				t.Fatalf("%d rows of hostile clients", len(r.rows))
			}
			for _, row := range r.rows {
				if row.requests == 0 || row.wrong > 0 {
					t.Errorf("%s: %d requests, %d wrong: %v (statuses %v)", row.name, row.requests, row.wrong, row.examples, row.statuses)
				}
				switch {
				case strings.HasPrefix(row.name, "slow heads") && row.closed == 0:
					t.Errorf("%s: no connection closed by the server", row.name)
				case strings.HasPrefix(row.name, "oversized") || strings.HasPrefix(row.name, "deep"):
					if row.refused != row.requests {
						t.Errorf("%s: %d of %d refused with a 4xx", row.name, row.refused, row.requests)
					}
				}
			}
			if r.rssBefore <= 0 || r.rssPeak < r.rssBefore {
				t.Errorf("memory figures %v, %v", r.rssBefore, r.rssPeak)
			}
			// The export was stopped, not run to its end (which took
			// r.cancel.whole when read whole).
			if r.cancel.handler <= 0 || r.cancel.handler >= 10*time.Second || r.cancel.bytes == 0 {
				t.Errorf("cancellation: %+v", r.cancel)
			}
		})
	}
}
