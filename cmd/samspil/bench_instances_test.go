package main

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// The instances check, with 20 requests through the proxy, on PostgreSQL:
// two processes started at once migrate once, serve one session and one
// token by turns, show each other's changes, and run the background jobs
// once. (Whether the changes showed within the second is for `samspil
// bench reliability` to say, never for a timed test: only that each
// showed at all.)
func TestInstancesCheck(t *testing.T) {
	if !slices.Contains(testkit.Engines(t), sqldb.Postgres) {
		t.Skip("needs PostgreSQL: two instances share a PostgreSQL database")
	}
	r, err := instancesCheck(context.Background(), testkit.NewEmptyDSN(t, sqldb.Postgres), 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.problems) > 0 {
		t.Fatalf("broken promises:\n%s", strings.Join(r.problems, "\n"))
	}
	if r.requests != 20 || r.authenticated != 20 || r.served[0] == 0 || r.served[1] == 0 {
		t.Errorf("through the proxy: %d requests, %d authenticated, served %v", r.requests, r.authenticated, r.served)
	}
	if r.migrationFiles == 0 || r.migrationsRecorded != r.migrationFiles {
		t.Errorf("%d migrations recorded of %d", r.migrationsRecorded, r.migrationFiles)
	}
	if len(r.probes) != 5 {
		t.Errorf("%d probes: %+v", len(r.probes), r.probes)
	}
	for _, p := range r.probes {
		if !p.seen {
			t.Errorf("%s: never shown", p.name)
		}
	}
	if r.mails < instancesDeadlines || r.mails != r.noticesSent || r.meetingExtensions != 1 || r.meetings == 0 || r.departures != 1 {
		t.Errorf("jobs: %d mails, %d notices sent, series extended %d times, %d meetings, member cleared %d times",
			r.mails, r.noticesSent, r.meetingExtensions, r.meetings, r.departures)
	}
}

// A probe finds a change shown late, one never shown, and one shown before
// it was made.
func TestProbeFindsLateAndMissing(t *testing.T) {
	defer func(w time.Duration) { probeWait = w }(probeWait)
	probeWait = 1500 * time.Millisecond
	ctx := context.Background()
	var r instancesResult

	var changed atomic.Int64
	change := func() error { changed.Store(time.Now().UnixNano()); return nil }
	after := func(d time.Duration) func() (bool, error) {
		return func() (bool, error) {
			at := changed.Load()
			return at != 0 && time.Since(time.Unix(0, at)) >= d, nil
		}
	}
	if err := r.probe(ctx, "late", change, after(1100*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	changed.Store(0)
	if err := r.probe(ctx, "soon", change, after(0)); err != nil {
		t.Fatal(err)
	}
	if err := r.probe(ctx, "never", func() error { return nil }, func() (bool, error) { return false, nil }); err != nil {
		t.Fatal(err)
	}
	if err := r.probe(ctx, "before", func() error { return nil }, func() (bool, error) { return true, nil }); err == nil {
		t.Error("a change shown before it was made was not refused")
	}
	if len(r.late) != 1 || !strings.HasPrefix(r.late[0], "late on one instance") {
		t.Errorf("late: %q", r.late)
	}
	if len(r.problems) != 1 || !strings.HasPrefix(r.problems[0], "never on one instance: the other did not show it") {
		t.Errorf("problems: %q", r.problems)
	}
	if len(r.probes) != 3 || !r.probes[0].seen || !r.probes[1].seen || r.probes[2].seen || r.probes[0].took < time.Second {
		t.Errorf("probes: %+v", r.probes)
	}
}

// On SQLite alone the check says it does not apply, and passes.
func TestInstancesNotOnSQLite(t *testing.T) {
	code, out, errOut := run(t, nil, "", "bench", "reliability", "--dir", t.TempDir(), "--check", "instances")
	if code != 0 || !strings.Contains(out, "two instances behind a round-robin proxy, sqlite") || !strings.Contains(out, "not applicable") {
		t.Fatalf("bench reliability --check instances: %d %q\n%s", code, errOut, out)
	}
}
