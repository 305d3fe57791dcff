package main

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth"
	"github.com/samspil/samspil/internal/sqldb"
)

// The database going away under samspil, on a PostgreSQL server the check
// starts itself (ownPostgres): restarted by an operator while samspil
// serves, or stopped as a crash would stop it while clients write.

// restartGrace is how long after PostgreSQL is back errors may still come:
// the pool finds its dead connections as it uses them.
const restartGrace = 5 * time.Second

// The restart check's course (the issue's): 60 s at a steady rate,
// PostgreSQL restarted after 20 s, down for 3 s.
const (
	restartDuration = time.Minute
	restartAt       = 20 * time.Second
	restartDown     = 3 * time.Second
)

// restartResult is what the database-restart check found.
type restartResult struct {
	requests, unavailable int           // the mix's requests, and its answers 503 during the outage
	writes, acked         int           // the contract writers' creates sent and acknowledged
	outage                time.Duration // from the stop until PostgreSQL accepted connections again
	lastError             time.Duration // the last failed request's end, after PostgreSQL was back
	readyPolls, notReady  int           // /readyz asked while PostgreSQL was down, and answered 503
	missing               int           // acknowledged writes not stored
	problems              []string
}

// restartCheck serves the demo from samspil on a PostgreSQL server of its
// own and sends the load mix at rate for d, while two clients create
// contracts; after at, PostgreSQL is stopped (fast, as a restart does),
// stays down for down, and starts again. Every failed request must fall
// within the outage (plus restartGrace) and be a 503 with a problem
// document (pages: the error page), never a 500 or a stack trace; /readyz
// says 503 while the database is down and 200 after; samspil recovers by
// itself; and no acknowledged write is lost.
func restartCheck(ctx context.Context, rate int, d, at, down time.Duration) (restartResult, error) {
	var r restartResult
	pg, err := startOwnPostgres(ctx)
	if err != nil {
		return r, err
	}
	defer pg.remove()
	dsn := pg.dsn()
	env, err := startLoadEnvironment(ctx, dsn)
	if err != nil {
		return r, err
	}
	defer env.proc.kill()
	db, err := openStore(ctx, dsn, auth.Limit{})
	if err != nil {
		return r, err
	}
	token, actor, org, systems, err := contractClients(ctx, db, "Omstart")
	db.Close()
	if err != nil {
		return r, err
	}

	start := time.Now()
	var stoppedAt, upAt time.Time // when the stop began, when PostgreSQL was back
	var outageErr error
	outage := make(chan struct{})
	go func() {
		defer close(outage)
		time.Sleep(at)
		stoppedAt = time.Now()
		if outageErr = pg.stop(ctx, "fast"); outageErr != nil {
			return
		}
		time.Sleep(down)
		outageErr = pg.start(ctx)
		upAt = time.Now()
	}()

	// /readyz, ten times a second.
	type poll struct {
		at     time.Time
		status int
	}
	var polls []poll
	stop := make(chan struct{})
	var bg sync.WaitGroup
	bg.Add(1)
	go func() {
		defer bg.Done()
		c := &http.Client{Timeout: time.Second}
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			p := poll{at: time.Now()}
			if res, err := c.Get(env.proc.base + "/readyz"); err == nil {
				res.Body.Close()
				p.status = res.StatusCode
			}
			polls = append(polls, p)
		}
	}()
	ledger := newContractLedger()
	bg.Add(1)
	go func() {
		defer bg.Done()
		contractWriters{base: env.proc.base, token: token, org: org, systems: systems, prefix: "Omstart",
			clients: 2, each: 1 << 30, ledger: ledger, stop: stop, throughOutage: true, pause: 50 * time.Millisecond}.run(ctx)
	}()

	// The mix: each failed answer is kept, to hold against the outage.
	type failure struct {
		from, to time.Time
		what     string
		ok       bool // a 503 of the right kind
	}
	var failures []failure
	want := map[string]uint16{http.MethodGet: http.StatusOK, http.MethodPost: http.StatusCreated, http.MethodDelete: http.StatusNoContent}
	f := attackAt(env.proc.base, env.people, rate, d, func(res *vegeta.Result) {
		if res.Code == want[res.Method] {
			return
		}
		fl := failure{from: res.Timestamp, to: res.Timestamp.Add(res.Latency),
			what: fmt.Sprintf("%s %s: %d %s %.200s", res.Method, res.URL, res.Code, res.Error, res.Body)}
		api := strings.Contains(res.URL, "/api/")
		body := string(res.Body)
		fl.ok = res.Code == http.StatusServiceUnavailable && !strings.Contains(body, "goroutine ") && !strings.Contains(body, ".go:") &&
			(!api || res.Headers.Get("Content-Type") == "application/problem+json" && strings.Contains(body, `"code":"unavailable"`))
		failures = append(failures, fl)
	})
	close(stop)
	bg.Wait()
	<-outage
	if outageErr != nil {
		return r, fmt.Errorf("restarting PostgreSQL: %w", outageErr)
	}
	r.requests = int(f.requests)
	r.outage = upAt.Sub(stoppedAt)
	r.writes = len(ledger.sent)
	r.acked = len(ledger.acked)

	// Every failure within the outage and its grace, and of the right kind.
	var bad []string
	for _, fl := range failures {
		switch {
		case fl.to.Before(stoppedAt) || fl.from.After(upAt.Add(restartGrace)):
			bad = append(bad, fmt.Sprintf("at %s, outside the outage (%s to %s): %s", fl.from.Sub(start).Round(time.Millisecond),
				stoppedAt.Sub(start).Round(time.Millisecond), upAt.Sub(start).Round(time.Millisecond), fl.what))
		case !fl.ok:
			bad = append(bad, "not a 503 with a problem document: "+fl.what)
		default:
			r.unavailable++
		}
		if after := fl.to.Sub(upAt); after > r.lastError {
			r.lastError = after
		}
	}
	if len(bad) > 0 {
		r.problems = append(r.problems, fmt.Sprintf("%d failed requests not explained by the outage, such as %s; samspil logged: %s", len(bad),
			strings.Join(bad[:min(3, len(bad))], "; "), failedRequests(env.proc.output.String(), 3)))
	}
	if len(ledger.other) > 0 {
		r.problems = append(r.problems, fmt.Sprintf("%d contract creates answered neither 201 nor 503, such as %s; samspil logged: %s", len(ledger.other),
			strings.Join(ledger.other[:min(3, len(ledger.other))], "; "), failedRequests(env.proc.output.String(), 3)))
	}
	// /readyz: 503 while PostgreSQL was down, 200 from the grace on.
	stoppedBy := stoppedAt.Add(down / 2) // the fast stop has surely ended
	for _, p := range polls {
		switch {
		case p.at.After(stoppedBy) && p.at.Before(stoppedAt.Add(down)):
			r.readyPolls++
			if p.status == http.StatusServiceUnavailable {
				r.notReady++
			}
		case p.at.After(upAt.Add(restartGrace)) && p.status != http.StatusOK:
			r.problems = append(r.problems, fmt.Sprintf("/readyz answered %d %s after PostgreSQL was back", p.status, p.at.Sub(upAt).Round(time.Millisecond)))
		}
	}
	if r.readyPolls == 0 || r.notReady != r.readyPolls {
		r.problems = append(r.problems, fmt.Sprintf("/readyz answered 503 to %d of %d polls while PostgreSQL was down", r.notReady, r.readyPolls))
	}
	select {
	case <-env.proc.exited:
		r.problems = append(r.problems, fmt.Sprintf("samspil ended during the check (%v): %s", env.proc.err, tail(env.proc.output.String(), 2000)))
	default:
	}
	// No acknowledged write lost.
	sent, acked := ledger.snapshot()
	db, err = sqldb.Open(ctx, dsn, sqldb.Options{})
	if err != nil {
		return r, err
	}
	defer db.Close()
	problems, missing, dups, half, err := contractProblems(ctx, db, actor, org, "Omstart", sent, acked, len(systems))
	if err != nil {
		return r, err
	}
	r.missing = missing
	if dups+half > 0 || len(problems) > 0 {
		r.problems = append(r.problems, problems...)
	}
	return r, nil
}

// failedRequests returns the first n errors samspil logged for failed
// requests in its output.
func failedRequests(output string, n int) string {
	var found []string
	for line := range strings.Lines(output) {
		if strings.Contains(line, `"request failed"`) || strings.Contains(line, "msg=\"request failed\"") {
			found = append(found, strings.TrimSpace(line))
			if len(found) == n {
				break
			}
		}
	}
	if len(found) == 0 {
		return "nothing"
	}
	return strings.Join(found, " | ")
}

// contractClients prepares what the contract writers need: Silkeborg's
// administrator for the checks with a token, Silkeborg's id and three
// systems named after prefix.
func contractClients(ctx context.Context, db *sqldb.DB, prefix string) (token string, actor *samspil.Actor, org string, systems []string, err error) {
	_, token, actor, err = reliabilityAdmin(ctx, db)
	if err != nil {
		return "", nil, "", nil, err
	}
	systems, err = benchSystems(ctx, db, actor, prefix, 3)
	if err != nil {
		return "", nil, "", nil, err
	}
	o, err := db.FindOrganization(ctx, actor, "0740")
	if err != nil {
		return "", nil, "", nil, err
	}
	return token, actor, o.ID, systems, nil
}

// pgCrashResult sums the runs of PostgreSQL stopped as by a crash.
type pgCrashResult struct {
	crashResult
	unavailable int // creates answered 503 while PostgreSQL was down
}

// pgCrashRuns stops PostgreSQL (a server of the check's own) in immediate
// mode, as a crash or a power cut would, after a random number of
// acknowledged contracts from 8 clients, starts it again (it recovers
// from its WAL) and checks every contract sent so far; runs times, with
// the same samspil process throughout, which must recover each time.
func pgCrashRuns(ctx context.Context, runs int) (pgCrashResult, error) {
	var r pgCrashResult
	pg, err := startOwnPostgres(ctx)
	if err != nil {
		return r, err
	}
	defer pg.remove()
	dsn := pg.dsn()
	db, err := openStore(ctx, dsn, auth.Limit{})
	if err != nil {
		return r, err
	}
	token, actor, org, systems, err := contractClients(ctx, db, "Nedbrud")
	db.Close()
	if err != nil {
		return r, err
	}
	p, err := startSamspil(ctx, dsn)
	if err != nil {
		return r, err
	}
	defer p.kill()
	sent, acked := map[string]bool{}, map[string]bool{}
	const clients, each = 8, 250
	for run := range runs {
		target := int64(1 + rand.IntN(clients*each-1))
		var n atomic.Int64
		var once sync.Once
		stop := make(chan struct{})
		var crashErr error
		crash := func() {
			once.Do(func() {
				crashErr = pg.stop(ctx, "immediate")
				close(stop)
			})
		}
		ledger := newContractLedger()
		contractWriters{base: p.base, token: token, org: org, systems: systems, prefix: fmt.Sprintf("Nedbrud %d", run),
			clients: clients, each: each, ledger: ledger, stop: stop, throughOutage: true,
			onAck: func() {
				if n.Add(1) == target {
					crash()
				}
			}}.run(ctx)
		crash()
		if crashErr != nil {
			return r, crashErr
		}
		if err := pg.start(ctx); err != nil {
			return r, fmt.Errorf("start after the crash of run %d: %w", run, err)
		}
		if len(ledger.other) > 0 {
			r.problems = append(r.problems, fmt.Sprintf("run %d: answers other than 201 and 503: %s; samspil logged: %s", run,
				strings.Join(ledger.other[:min(5, len(ledger.other))], "; "), failedRequests(p.output.String(), 3)))
		}
		r.unavailable += ledger.unavailable
		maps.Copy(sent, ledger.sent)
		maps.Copy(acked, ledger.acked)
		// Opened anew, as the connections died with the server.
		check, err := sqldb.Open(ctx, dsn, sqldb.Options{})
		if err != nil {
			return r, err
		}
		err = r.checkRun(ctx, run, check, actor, org, sent, acked, len(systems))
		check.Close()
		if err != nil {
			return r, err
		}
	}
	r.acked = len(acked)
	// samspil, never restarted, serves again.
	deadline := time.Now().Add(restartGrace)
	for {
		res, err := http.Get(p.base + "/readyz")
		status := 0
		if err == nil {
			res.Body.Close()
			status = res.StatusCode
		}
		if status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			r.problems = append(r.problems, fmt.Sprintf("/readyz answered %d %s after the last start of PostgreSQL", status, restartGrace))
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return r, nil
}
