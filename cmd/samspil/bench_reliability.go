package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth"
	"github.com/samspil/samspil/internal/server"
	"github.com/samspil/samspil/internal/sqldb"
)

// The reliability checks (the reliability issue): each prints its figures,
// and fails when a promise is broken; timing targets are reported with
// their ratio instead. CI runs the short form; --long runs the long one.
// Each check is in a file of its own: lost updates and concurrent writers
// here, kill -9 and backup in bench_crash.go, PostgreSQL crashing and
// restarting in bench_restart.go (on a server of the check's own,
// bench_pgserver.go), graceful shutdown in bench_shutdown.go, two
// instances in bench_instances.go, load and soak in bench_load.go, limits
// under load in bench_limits.go. docs/operations.md lists them.

// benchReliabilityFlags configure `samspil bench reliability`.
type benchReliabilityFlags struct {
	Long   bool `name:"long" help:"Reliability: the long form of each check (e.g. 1,000 rounds of lost updates instead of 50)."`
	Rounds int  `name:"rounds" default:"0" help:"Reliability: rounds of the lost-update check (0: 50, or 1,000 with --long)."`
	Writes int  `name:"writes" default:"0" help:"Reliability: transactions per writer of the concurrent-writers check, 16 writers beside 8 readers (0: 50, or 1,000 with --long)."`
	Kills  int  `name:"kills" default:"0" help:"Reliability: runs of the kill -9 check, 8 clients creating up to 250 contracts each (0: 20, or 100 with --long)."`

	LoadDuration time.Duration `name:"load-duration" default:"0" help:"Reliability: how long the load check sends 200 requests/s (0: 10s, or 60s with --long); each higher rate it tries runs half as long."`
	Soak         time.Duration `name:"soak" default:"0" help:"Reliability: how long the soak runs at half the highest rate (0: 5m, or 30m with --long)."`

	Checks []string `name:"check" enum:"durability,lost-updates,writers,kill,backup,shutdown,restart,instances,load,soak,limits" help:"Reliability: run only these checks (repeat the flag; default all): ${enum}."`
}

// runs says whether the reliability check named is to run.
func (f benchReliabilityFlags) runs(check string) bool {
	return len(f.Checks) == 0 || slices.Contains(f.Checks, check)
}

// reliabilityPassword is the password of the check's administrator.
const reliabilityPassword = "pålidelig adgangskode til målingen"

func (c *benchCmd) benchReliability(ctx context.Context, m *Main) error {
	sizes := reliabilitySizes{rounds: c.Rounds, writes: c.Writes, kills: c.Kills, load: c.LoadDuration, soak: c.Soak}
	if sizes.rounds < 0 || sizes.writes < 0 || sizes.kills < 0 || sizes.load < 0 || sizes.soak < 0 {
		return fmt.Errorf("--rounds, --writes, --kills, --load-duration and --soak cannot be negative")
	}
	if sizes.load == 0 {
		sizes.load = map[bool]time.Duration{false: 10 * time.Second, true: time.Minute}[c.Long]
	}
	if sizes.soak == 0 {
		sizes.soak = map[bool]time.Duration{false: 5 * time.Minute, true: 30 * time.Minute}[c.Long]
	}
	if sizes.soak < 30*time.Second {
		return fmt.Errorf("--soak must be at least 30s: its first fifth warms up, and a minute (or what is left) is held against the last")
	}
	for _, n := range []struct {
		n           *int
		short, long int
	}{{&sizes.rounds, 50, 1000}, {&sizes.writes, 50, 1000}, {&sizes.kills, 20, 100}} {
		switch {
		case *n.n == 0 && c.Long:
			*n.n = n.long
		case *n.n == 0:
			*n.n = n.short
		}
	}
	dir, cleanup, err := c.workDir()
	if err != nil {
		return err
	}
	defer cleanup()
	logger := slog.Default()
	defer slog.SetDefault(logger)
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil))) // no request log among the figures

	// Each check gets a new, empty database of its own.
	var drops []func()
	defer func() {
		for _, drop := range drops {
			drop()
		}
	}()
	engines := []reliabilityEngine{{name: "sqlite", dir: dir, fresh: func(name string) (string, error) {
		return emptyBenchFile(dir, "reliability-"+name+".db")
	}}}
	if c.Postgres != "" {
		engines = append(engines, reliabilityEngine{name: "postgres", dir: dir, fresh: func(string) (string, error) {
			dsn, drop, err := scratchPostgres(ctx, c.Postgres)
			if err == nil {
				drops = append(drops, drop)
			}
			return dsn, err
		}})
	}
	fmt.Fprintf(m.Stdout, "%-58s %10s %10s %10s %10s\n", "reliability check", "rounds", "accepted", "refused", "broken")
	var failures []string
	for _, e := range engines {
		fails, err := c.reliabilityOn(ctx, m, e, sizes)
		if err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
		failures = append(failures, fails...)
	}
	if len(failures) > 0 {
		return fmt.Errorf("reliability checks failed:\n  %s", strings.Join(failures, "\n  "))
	}
	return nil
}

// reliabilitySizes are how many rounds, writes and runs the checks make.
type reliabilitySizes struct {
	rounds, writes, kills int
	load, soak            time.Duration
}

// reliabilityEngine is an engine to run the checks on.
type reliabilityEngine struct {
	name string
	dir  string // for files
	// fresh returns a new, empty database.
	fresh func(name string) (string, error)
}

// loadEnvironment serves the demo from samspil as a process of its own on
// a new database of the engine, with its people signed in.
func (e reliabilityEngine) loadEnvironment(ctx context.Context, name string) (*loadEnvironment, error) {
	dsn, err := e.fresh(name)
	if err != nil {
		return nil, err
	}
	return startLoadEnvironment(ctx, dsn)
}

// reliabilityOn runs the checks on one engine and returns the broken
// promises.
func (c *benchCmd) reliabilityOn(ctx context.Context, m *Main, e reliabilityEngine, sizes reliabilitySizes) ([]string, error) {
	dsn, err := e.fresh("api")
	if err != nil {
		return nil, err
	}
	db, err := openStore(ctx, dsn, auth.Limit{})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var failures []string

	// 11. Durability settings.
	if c.runs("durability") {
		problems, err := db.CheckDurability(ctx)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(m.Stdout, "%-58s %10s %10s %10s %10d\n", "durability settings, "+e.name, "-", "-", "-", len(problems))
		for _, p := range problems {
			failures = append(failures, e.name+": "+p.String())
		}
	}

	// 2. Lost updates: a server on 127.0.0.1, an administrator and a unit
	// that eight editors change at once, round after round.
	admin, token, actor, err := reliabilityAdmin(ctx, db)
	if err != nil {
		return nil, err
	}
	unit, err := db.CreateUnit(ctx, actor, "0740", samspil.OrgUnitInput{Kind: samspil.UnitOffice, Name: "Målt kontor"})
	if err != nil {
		return nil, err
	}
	srv, err := server.New(db, server.Config{Version: Version, SecureCookies: false})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	if c.runs("lost-updates") {
		for _, way := range []lostUpdateWay{apiWay{base: base, token: token, org: unit.OrganizationID, unit: unit.ID},
			&pageWay{base: base, org: unit.OrganizationID, unit: unit.ID}} {
			if err := way.prepare(ctx, client, admin.Email); err != nil {
				return nil, err
			}
			r, err := lostUpdates(ctx, client, way, sizes.rounds, 8)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", way.name(), err)
			}
			// The final state is the replay of the accepted writes: the
			// last accepted name, and one version per accepted write.
			u, err := db.FindUnit(ctx, actor, unit.OrganizationID, unit.ID)
			if err != nil {
				return nil, err
			}
			if u.Name != r.lastName || u.Version != r.startVersion+r.accepted {
				r.broken++
				failures = append(failures, fmt.Sprintf("%s, %s: the unit is %q version %d, the accepted writes end at %q version %d",
					way.name(), e.name, u.Name, u.Version, r.lastName, r.startVersion+r.accepted))
			}
			if r.broken > 0 && len(r.problems) > 0 {
				failures = append(failures, fmt.Sprintf("%s, %s: %s", way.name(), e.name, strings.Join(r.problems, "; ")))
			}
			fmt.Fprintf(m.Stdout, "%-58s %10d %10d %10d %10d\n", "lost updates, 8 editors, "+way.name()+", "+e.name, sizes.rounds, r.accepted, r.refused, r.broken)
		}
	}

	// 3. Concurrent writers beside readers, through the API.
	if c.runs("writers") {
		w, err := concurrentWriters(ctx, client, base, token, unit.OrganizationID, 16, sizes.writes, 8)
		if err != nil {
			return nil, err
		}
		made, cursor := 0, ""
		for {
			page, err := db.ListUnits(ctx, actor, unit.OrganizationID, samspil.ListOptions{Limit: samspil.MaxPageSize, Cursor: cursor})
			if err != nil {
				return nil, err
			}
			for _, u := range page.Items {
				if strings.HasPrefix(u.Name, "Skriver ") {
					made++
				}
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if w.serverErrors > 0 || made != w.created {
			w.broken++
			failures = append(failures, fmt.Sprintf("concurrent writers, %s: %d answers 5xx, %d units acknowledged, %d stored", e.name, w.serverErrors, w.created, made))
		}
		fmt.Fprintf(m.Stdout, "%-58s %10s %10s %10s %10s\n", "", "writes", "acked", "5xx", "broken")
		fmt.Fprintf(m.Stdout, "%-58s %10d %10d %10d %10d\n", fmt.Sprintf("concurrent writers, 16 x %d beside 8 readers, %s", sizes.writes, e.name),
			16*sizes.writes, w.created, w.serverErrors, w.broken)
		fmt.Fprintf(m.Stdout, "%-58s %10s %10d %10s %10s\n", "  reads beside them, "+e.name, "-", w.reads, "-", "-")
	}

	// 7. Backup while writing, restored into a new database.
	if c.runs("backup") {
		target, err := e.fresh("restored")
		if err != nil {
			return nil, err
		}
		r, err := backupWhileWriting(ctx, db, admin.ID, base, token, filepath.Join(e.dir, "backup-"+e.name), target)
		if err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		for _, p := range r.problems {
			failures = append(failures, fmt.Sprintf("backup and restore, %s: %s", e.name, p))
		}
		fmt.Fprintf(m.Stdout, "%-58s %10s %10s %10s %10s\n", "", "acked", "in backup", "orgs same", "broken")
		fmt.Fprintf(m.Stdout, "%-58s %10d %10d %10d %10d\n", fmt.Sprintf("backup while 4 clients write, restored, %s", e.name),
			r.acked, r.restored, r.sameOrgs, len(r.problems))
		fmt.Fprintf(m.Stdout, "%-58s %10s\n", fmt.Sprintf("  backup took, restore took, %s", e.name), r.backupTook.Round(time.Millisecond).String()+", "+r.restoreTook.Round(time.Millisecond).String())
	}

	// 1. kill -9 while clients write, on a database of its own.
	if c.runs("kill") {
		dsn, err := e.fresh("crash")
		if err != nil {
			return nil, err
		}
		r, err := crashCheck(ctx, dsn, sizes.kills)
		if err != nil {
			return nil, fmt.Errorf("kill -9: %w", err)
		}
		broken := r.missing + r.duplicates + r.half + len(r.problems)
		for _, p := range r.problems {
			failures = append(failures, fmt.Sprintf("kill -9, %s: %s", e.name, p))
		}
		fmt.Fprintf(m.Stdout, "%-58s %10s %10s %10s %10s\n", "", "runs", "acked", "missing", "broken")
		fmt.Fprintf(m.Stdout, "%-58s %10d %10d %10d %10d\n", fmt.Sprintf("kill -9 while 8 clients create contracts, %s", e.name),
			r.runs, r.acked, r.missing, broken)
		// On PostgreSQL, the database server crashes too: an immediate
		// stop of a server the check starts itself.
		if e.name == "postgres" {
			r, err := pgCrashRuns(ctx, max(1, sizes.kills/4))
			if err != nil {
				return nil, fmt.Errorf("immediate stop of PostgreSQL: %w", err)
			}
			broken := r.missing + r.duplicates + r.half + len(r.problems)
			for _, p := range r.problems {
				failures = append(failures, fmt.Sprintf("immediate stop of PostgreSQL: %s", p))
			}
			fmt.Fprintf(m.Stdout, "%-58s %10d %10d %10d %10d\n", "PostgreSQL stopped immediately while 8 clients write",
				r.runs, r.acked, r.missing, broken)
			fmt.Fprintf(m.Stdout, "%-58s %10d\n", "  creates answered 503 while it was down", r.unavailable)
		}
	}

	// 5. PostgreSQL restarted while samspil serves (a server of the
	// check's own).
	if c.runs("restart") && e.name == "postgres" {
		r, err := restartCheck(ctx, targetLoadRate/2, restartDuration, restartAt, restartDown)
		if err != nil {
			return nil, fmt.Errorf("restart: %w", err)
		}
		for _, p := range r.problems {
			failures = append(failures, fmt.Sprintf("PostgreSQL restarted while serving: %s", p))
		}
		fmt.Fprintf(m.Stdout, "%-58s %10s %10s %10s %10s\n", "", "requests", "503", "readyz 503", "broken")
		fmt.Fprintf(m.Stdout, "%-58s %10d %10d %10s %10d\n", fmt.Sprintf("PostgreSQL restarted at %s of %s at %d/s", restartAt, restartDuration, targetLoadRate/2),
			r.requests, r.unavailable, fmt.Sprintf("%d/%d", r.notReady, r.readyPolls), len(r.problems))
		fmt.Fprintf(m.Stdout, "%-58s %10s\n", "  down for; last failure after it was back; writes acked, lost",
			fmt.Sprintf("%s; %s; %d, %d", r.outage.Round(time.Millisecond), r.lastError.Round(time.Millisecond), r.acked, r.missing))
	}

	// 6. SIGTERM under load with imports being committed.
	if c.runs("shutdown") {
		dsn, err := e.fresh("shutdown")
		if err != nil {
			return nil, err
		}
		r, err := shutdownCheck(ctx, dsn)
		if err != nil {
			return nil, fmt.Errorf("shutdown: %w", err)
		}
		for _, p := range r.problems {
			failures = append(failures, fmt.Sprintf("graceful shutdown, %s: %s", e.name, p))
		}
		fmt.Fprintf(m.Stdout, "%-58s %10s %10s %10s %10s\n", "", "exit after", "status", "imports", "broken")
		fmt.Fprintf(m.Stdout, "%-58s %10s %10d %10s %10d\n", fmt.Sprintf("SIGTERM at 100/s with %d imports committing, %s", shutdownImports, e.name),
			ms(r.exit), r.status, fmt.Sprintf("%d+%d", r.committed, r.notWritten), len(r.problems))
		fmt.Fprintf(m.Stdout, "%-58s %10s\n", fmt.Sprintf("  requests answered, refused; imports written whole, not at all, %s", e.name),
			fmt.Sprintf("%d, %d; %d, %d", r.answered, r.refused, r.committed, r.notWritten))
	}

	// 4. Two instances on one PostgreSQL database behind a round-robin
	// proxy (not applicable to SQLite, which one process serves).
	if c.runs("instances") && e.name != "postgres" {
		fmt.Fprintf(m.Stdout, "%-58s %10s\n", "two instances behind a round-robin proxy, "+e.name, "not applicable: PostgreSQL only")
	}
	if c.runs("instances") && e.name == "postgres" {
		dsn, err := e.fresh("instances")
		if err != nil {
			return nil, err
		}
		requests := map[bool]int{false: 200, true: 2000}[c.Long]
		r, err := instancesCheck(ctx, dsn, requests)
		if err != nil {
			return nil, fmt.Errorf("instances: %w", err)
		}
		broken := append(r.problems, r.late...)
		for _, p := range broken {
			failures = append(failures, fmt.Sprintf("two instances, %s: %s", e.name, p))
		}
		fmt.Fprintf(m.Stdout, "%-58s %10s %10s %10s %10s\n", "", "requests", "authed", "visible", "broken")
		fmt.Fprintf(m.Stdout, "%-58s %10d %10d %10s %10d\n", "two instances behind a round-robin proxy, "+e.name,
			r.requests, r.authenticated, ms(r.maxVisible), len(broken))
		fmt.Fprintf(m.Stdout, "%-58s %10s\n", "  served by each; migrations recorded of versions",
			fmt.Sprintf("%d, %d; %d of %d", r.served[0], r.served[1], r.migrationsRecorded, r.migrationFiles))
		for _, p := range r.probes {
			fmt.Fprintf(m.Stdout, "%-58s %10s\n", "  on the other within 1 s: "+p.name, map[bool]string{true: ms(p.took), false: "never"}[p.seen])
		}
		fmt.Fprintf(m.Stdout, "%-58s %10s\n", "  an import under way on one: other's pages, interrupted", fmt.Sprintf("%d, %d", r.importPages, r.importInterrupted))
		fmt.Fprintf(m.Stdout, "%-58s %10s\n", "  jobs run once: mails, notices sent; extended; left",
			fmt.Sprintf("%d, %d; %d; %d", r.mails, r.noticesSent, r.meetingExtensions, r.departures))
	}

	// 8. Load at a constant rate, and the highest rate that holds; 9. the
	// soak at half that rate. Each on samspil as a process of its own,
	// serving the demo.
	maxRate := 0
	var misses []string
	if c.runs("load") {
		env, err := e.loadEnvironment(ctx, "load")
		if err != nil {
			return nil, err
		}
		r := loadCheck(env, sizes.load)
		env.proc.kill()
		for _, p := range r.problems {
			failures = append(failures, fmt.Sprintf("load, %s: %s", e.name, p))
		}
		misses = append(misses, prefixed("load, "+e.name+": ", r.misses)...)
		maxRate = r.maxRate
		f := r.at200
		fmt.Fprintf(m.Stdout, "%-58s %10s %10s %10s %10s\n", "", "read p50", "read p99", "write p99", "errors")
		fmt.Fprintf(m.Stdout, "%-58s %10s %10s %10s %10d\n", fmt.Sprintf("load, 90 %% reads, %d/s for %s, %s", targetLoadRate, sizes.load, e.name),
			ms(f.readP50), ms(f.readP99), ms(f.writeP99), f.errors)
		fmt.Fprintf(m.Stdout, "%-58s %10s %10s %10s %10s\n", "  target", ms(targetReadP50), ms(targetReadP99), ms(targetWriteP99), "0")
		for _, s := range r.steps {
			fmt.Fprintf(m.Stdout, "%-58s %10s %10s %10s %10d\n", fmt.Sprintf("  %d/s for %s: p99 of all %s, served %.0f/s", s.rate, sizes.load/2, ms(s.allP99), s.throughput),
				ms(s.readP50), ms(s.readP99), ms(s.writeP99), s.errors)
		}
		fmt.Fprintf(m.Stdout, "%-58s %10d\n", fmt.Sprintf("  highest rate with p99 <= %s, %s (requests/s)", ms(targetMaxRateP99), e.name), maxRate)
	}
	if c.runs("soak") {
		rate := maxRate / 2
		if rate == 0 {
			rate = targetLoadRate / 2 // the load check did not run (or did not hold)
		}
		env, err := e.loadEnvironment(ctx, "soak")
		if err != nil {
			return nil, err
		}
		r, err := soakCheck(env, rate, sizes.soak)
		env.proc.kill()
		if err != nil {
			return nil, fmt.Errorf("soak: %w", err)
		}
		for _, p := range r.problems {
			failures = append(failures, fmt.Sprintf("soak, %s: %s", e.name, p))
		}
		misses = append(misses, prefixed("soak, "+e.name+": ", r.misses)...)
		fmt.Fprintf(m.Stdout, "%-58s %10s %10s %10s %10s\n", "", "memory", "p99 ratio", "goroutines", "open files")
		fmt.Fprintf(m.Stdout, "%-58s %9.1f%% %10.2f %10s %10s\n", fmt.Sprintf("soak, %d/s for %s, %s", rate, sizes.soak, e.name),
			100*r.memoryGrowth, r.p99Growth, fmt.Sprintf("%.0f>%.0f", r.idle.goroutines, r.after.goroutines), fmt.Sprintf("%.0f>%.0f", r.idle.fds, r.after.fds))
		fmt.Fprintf(m.Stdout, "%-58s %9.0f%% %10.2f %10s %10s\n", "  target", 100*soakMemoryGrowthMax, soakP99GrowthMax, "back", "back")
		fmt.Fprintf(m.Stdout, "%-58s %10s\n", fmt.Sprintf("  resident memory after warm-up, at the end; p99 first, last minute; %d requests, %d errors", r.requests, r.errors),
			fmt.Sprintf("%.0f MB, %.0f MB; %s, %s", r.warm.rss/1e6, r.end.rss/1e6, ms(r.firstMinuteP99), ms(r.lastMinuteP99)))
	}

	// 10. Limits under load: slow clients, oversized and deeply nested
	// bodies beside the load check's mix; an export whose client leaves.
	if c.runs("limits") {
		dsn, err := e.fresh("limits")
		if err != nil {
			return nil, err
		}
		env, err := startLoadEnvironment(ctx, dsn)
		if err != nil {
			return nil, err
		}
		r, err := limitsCheck(ctx, env, dsn, sizes.load, limitsContracts)
		env.proc.kill()
		if err != nil {
			return nil, fmt.Errorf("limits: %w", err)
		}
		for _, p := range r.problems {
			failures = append(failures, fmt.Sprintf("limits, %s: %s", e.name, p))
		}
		misses = append(misses, prefixed("limits, "+e.name+": ", r.misses)...)
		printLimits(m.Stdout, e.name, sizes.load, r)
	}

	for _, miss := range misses {
		fmt.Fprintf(m.Stdout, "  above target (reported, not a failure): %s\n", miss)
	}
	return failures, nil
}

// prefixed puts prefix before each line.
func prefixed(prefix string, lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = prefix + l
	}
	return out
}

// ms shows a duration in milliseconds with one decimal.
func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

// reliabilityAdmin makes Silkeborg's administrator for the checks, with
// an API token.
func reliabilityAdmin(ctx context.Context, db *sqldb.DB) (*samspil.User, string, *samspil.Actor, error) {
	sys := samspil.SystemActor("bench")
	admin, err := db.CreateUser(ctx, sys, samspil.UserInput{Email: "drift@silkeborg.example", DisplayName: "Målingens administrator",
		Password: reliabilityPassword, OrganizationID: "0740", Role: samspil.RoleAdmin})
	if err != nil {
		return nil, "", nil, err
	}
	_, token, err := db.CreateToken(ctx, sys, admin.ID, samspil.TokenInput{Name: "reliability"})
	if err != nil {
		return nil, "", nil, err
	}
	actor, err := db.ActorForUser(ctx, admin.ID)
	return admin, token, actor, err
}

type writersResult struct {
	created, reads, serverErrors, broken int
}

// concurrentWriters has writers create units, writes each, through the
// API while readers list the units: every create must be acknowledged
// (no busy or locked database surfacing as 5xx) and stored.
func concurrentWriters(ctx context.Context, c *http.Client, base, token, org string, writers, writes, readers int) (writersResult, error) {
	var r writersResult
	var mu sync.Mutex
	var firstErr error
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
		}
	}
	do := func(method, path, body string) (int, error) {
		req, _ := http.NewRequestWithContext(ctx, method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode, nil
	}
	stop := make(chan struct{})
	var rw sync.WaitGroup
	for range readers {
		rw.Add(1)
		go func() {
			defer rw.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				status, err := do(http.MethodGet, "/api/v1/organizations/"+org+"/units?limit=50", "")
				mu.Lock()
				switch {
				case err != nil:
					mu.Unlock()
					fail(err)
					return
				case status >= 500:
					r.serverErrors++
				default:
					r.reads++
				}
				mu.Unlock()
			}
		}()
	}
	var ww sync.WaitGroup
	for w := range writers {
		ww.Add(1)
		go func() {
			defer ww.Done()
			for i := range writes {
				body := fmt.Sprintf(`{"kind":"team","name":"Skriver %d, enhed %d"}`, w, i)
				status, err := do(http.MethodPost, "/api/v1/organizations/"+org+"/units", body)
				if err != nil {
					fail(err)
					return
				}
				mu.Lock()
				switch {
				case status == http.StatusCreated:
					r.created++
				case status >= 500:
					r.serverErrors++
				default:
					mu.Unlock()
					fail(fmt.Errorf("create a unit: status %d", status))
					return
				}
				mu.Unlock()
			}
		}()
	}
	ww.Wait()
	close(stop)
	rw.Wait()
	return r, firstErr
}

// lostUpdateWay is a way to read a record's version and change it with it.
type lostUpdateWay interface {
	name() string
	prepare(ctx context.Context, c *http.Client, email string) error
	version(ctx context.Context, c *http.Client) (version int, name string, err error)
	// write changes the name with the version read; accepted says whether
	// it was taken, and an error is an answer that is neither a success nor
	// a refusal for staleness.
	write(ctx context.Context, c *http.Client, version int, name string) (accepted bool, err error)
}

type lostUpdateResult struct {
	accepted, refused, broken int
	startVersion              int
	lastName                  string
	problems                  []string
}

// lostUpdates runs rounds of editors editors that each read the record's
// version and then write with it: exactly one write per version must be
// taken, the others refused as stale.
func lostUpdates(ctx context.Context, c *http.Client, way lostUpdateWay, rounds, editors int) (lostUpdateResult, error) {
	var r lostUpdateResult
	v, _, err := way.version(ctx, c)
	if err != nil {
		return r, err
	}
	r.startVersion = v
	for round := range rounds {
		var wg sync.WaitGroup
		var mu sync.Mutex
		var ready sync.WaitGroup
		ready.Add(editors)
		start := make(chan struct{})
		won, errs := []string{}, []error{}
		for e := range editors {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v, _, err := way.version(ctx, c)
				ready.Done()
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				<-start // every editor has read before any writes
				name := fmt.Sprintf("Målt kontor, runde %d, redaktør %d", round, e)
				ok, err := way.write(ctx, c, v, name)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err != nil:
					errs = append(errs, err)
				case ok:
					won = append(won, name)
				default:
					r.refused++
				}
			}()
		}
		ready.Wait()
		close(start)
		wg.Wait()
		if len(errs) > 0 {
			return r, errs[0]
		}
		r.accepted += len(won)
		if len(won) != 1 {
			r.broken++
			r.problems = append(r.problems, fmt.Sprintf("round %d: %d writes taken with one version", round, len(won)))
		}
		if len(won) > 0 {
			r.lastName = won[len(won)-1]
		}
	}
	return r, nil
}

// apiWay changes the unit through the API with If-Match.
type apiWay struct{ base, token, org, unit string }

func (a apiWay) name() string                                        { return "API with If-Match" }
func (a apiWay) prepare(context.Context, *http.Client, string) error { return nil }

func (a apiWay) path() string { return a.base + "/api/v1/organizations/" + a.org + "/units/" + a.unit }

func (a apiWay) version(ctx context.Context, c *http.Client) (int, string, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.path(), nil)
	req.Header.Set("Authorization", "Bearer "+a.token)
	res, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	var u samspil.OrgUnit
	if res.StatusCode != http.StatusOK {
		return 0, "", fmt.Errorf("GET unit: %s", res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(&u); err != nil {
		return 0, "", err
	}
	etag, _ := strconv.Unquote(res.Header.Get("ETag"))
	v, err := strconv.Atoi(etag)
	if err != nil || v != u.Version {
		return 0, "", fmt.Errorf("ETag %q for version %d", res.Header.Get("ETag"), u.Version)
	}
	return v, u.Name, nil
}

func (a apiWay) write(ctx context.Context, c *http.Client, version int, name string) (bool, error) {
	body, _ := json.Marshal(map[string]string{"name": name})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPatch, a.path(), strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("If-Match", strconv.Quote(strconv.Itoa(version)))
	res, err := c.Do(req)
	if err != nil {
		return false, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	switch res.StatusCode {
	case http.StatusOK:
		return true, nil
	case http.StatusPreconditionFailed:
		return false, nil
	}
	return false, fmt.Errorf("PATCH unit: %s", res.Status)
}

// pageWay changes the unit through the form on its page, as a
// signed-in browser does, with the form's hidden version.
type pageWay struct {
	base, org, unit string
	jar             http.CookieJar
}

func (p *pageWay) name() string { return "page form with version" }

// prepare signs in through the login form.
func (p *pageWay) prepare(ctx context.Context, c *http.Client, email string) error {
	p.jar, _ = cookiejar.New(nil)
	form := url.Values{"email": {email}, "password": {reliabilityPassword}}
	res, err := p.do(ctx, c, http.MethodPost, "/login", form)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("sign in: %s", res.Status)
	}
	return nil
}

func (p *pageWay) do(ctx context.Context, c *http.Client, method, path string, form url.Values) (*http.Response, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequestWithContext(ctx, method, p.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	cc := *c
	cc.Jar = p.jar
	return cc.Do(req)
}

var unitFormVersion = regexp.MustCompile(`(?s)<form[^>]*action="/organizations/[^"/]+/units/([^"/]+)"[^>]*>.*?name="version" value="(\d+)"`)

// version reads the hidden version of the form on the unit's page.
func (p *pageWay) version(ctx context.Context, c *http.Client) (int, string, error) {
	res, err := p.do(ctx, c, http.MethodGet, "/organizations/"+p.org+"/units/"+p.unit, nil)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	page, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, "", err
	}
	if res.StatusCode != http.StatusOK {
		return 0, "", fmt.Errorf("unit page: %s", res.Status)
	}
	for _, m := range unitFormVersion.FindAllSubmatch(page, -1) {
		if string(m[1]) == p.unit {
			v, _ := strconv.Atoi(string(m[2]))
			return v, "", nil
		}
	}
	return 0, "", fmt.Errorf("the unit's page has no form for it")
}

func (p *pageWay) write(ctx context.Context, c *http.Client, version int, name string) (bool, error) {
	form := url.Values{"name": {name}, "kind": {string(samspil.UnitOffice)}, "parent_id": {""}, "version": {strconv.Itoa(version)}}
	res, err := p.do(ctx, c, http.MethodPost, "/organizations/"+p.org+"/units/"+p.unit, form)
	if err != nil {
		return false, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	switch res.StatusCode {
	case http.StatusSeeOther:
		return true, nil
	case http.StatusPreconditionFailed, http.StatusConflict:
		return false, nil // the page again, with the conflict
	}
	return false, fmt.Errorf("unit form: %s", res.Status)
}
