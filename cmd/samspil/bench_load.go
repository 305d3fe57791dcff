package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth"
	"github.com/samspil/samspil/internal/demo"
	"github.com/samspil/samspil/internal/sqldb"
)

// Load and soak: samspil as a process of its own on the demo data, and a
// constant-rate generator (vegeta) with a realistic mix: people of three
// municipalities reading pages with their session and the API with their
// token, and one request in ten a write through the API (units created and
// deleted).

// Load targets (the reliability issue). Like every timing target of samspil
// bench, they are reported with their ratio and do not fail the command
// (a noisy machine would); failed requests, memory growth and goroutines or
// open files left behind do.
const (
	targetLoadRate      = 200 // requests per second
	targetReadP50       = 10 * time.Millisecond
	targetReadP99       = 100 * time.Millisecond
	targetWriteP99      = 250 * time.Millisecond
	targetMaxRateP99    = 250 * time.Millisecond // the highest rate is the last that keeps every request's p99 within this
	soakMemoryGrowthMax = 0.10
	soakP99GrowthMax    = 1.2
)

// loadPerson is a signed-in person: a session for pages and a token for
// the API, of one organisation.
type loadPerson struct {
	org, cookie, token string
	jar                http.CookieJar // the session, for a client of its own
}

// loadPeople signs in the demo's administrators of Silkeborg and Viborg,
// and one of Aarhus made for the check, at the server at base and gives
// each a token.
func loadPeople(ctx context.Context, db *sqldb.DB, base string) ([]loadPerson, error) {
	sys := samspil.SystemActor("bench")
	const aarhus = "belastning@aarhus.example"
	if _, err := db.CreateUser(ctx, sys, samspil.UserInput{Email: aarhus, DisplayName: "Målingens administrator i Aarhus",
		Password: demo.Password, OrganizationID: "0751", Role: samspil.RoleAdmin}); err != nil {
		return nil, err
	}
	var people []loadPerson
	for _, email := range []string{demo.SilkeborgChiefEmail, demo.ViborgChiefEmail, aarhus} {
		users, err := db.ListUsers(ctx, sys, samspil.UserFilter{Query: email, ListOptions: samspil.ListOptions{Limit: 1}})
		if err != nil {
			return nil, err
		}
		if len(users.Items) != 1 {
			return nil, fmt.Errorf("the demo has no %s", email)
		}
		u := users.Items[0]
		actor, err := db.ActorForUser(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		org := ""
		for id, role := range actor.Roles {
			if role == samspil.RoleAdmin || role == samspil.RoleEditor {
				org = id
			}
		}
		_, token, err := db.CreateToken(ctx, sys, u.ID, samspil.TokenInput{Name: "load"})
		if err != nil {
			return nil, err
		}
		p, err := signedIn(ctx, base, email, demo.Password, org, token)
		if err != nil {
			return nil, err
		}
		people = append(people, p)
	}
	return people, nil
}

// loadTargeter is the mix: nine reads (pages and API, by turns) to one
// write, spread over the people. The writes are a record's life: a unit
// created through the API, and later deleted with the version it was
// created with; so the data keep their size however long the load runs,
// and a soak measures samspil, not the growth of its data.
type loadTargeter struct {
	base    string
	people  []loadPerson
	n       atomic.Uint64
	created chan createdUnit // units created and not deleted yet
}

// createdUnit is a unit the load created: its path, and the token of the
// person who may delete it.
type createdUnit struct{ path, token string }

func newLoadTargeter(base string, people []loadPerson) *loadTargeter {
	return &loadTargeter{base: base, people: people, created: make(chan createdUnit, 1<<16)}
}

// target makes the next request of the mix.
func (l *loadTargeter) target(t *vegeta.Target) error {
	i := l.n.Add(1)
	p := l.people[i%uint64(len(l.people))]
	t.Header = http.Header{}
	t.Body = nil
	if i%10 == 0 {
		if (i/10)%2 == 0 {
			select {
			case u := <-l.created:
				t.Method, t.URL = http.MethodDelete, l.base+u.path
				t.Header.Set("Authorization", "Bearer "+u.token)
				t.Header.Set("If-Match", `"1"`)
				return nil
			default: // nothing to delete yet: create
			}
		}
		t.Header.Set("Authorization", "Bearer "+p.token)
		t.Method, t.URL = http.MethodPost, l.base+"/api/v1/organizations/"+p.org+"/units"
		t.Body = fmt.Appendf(nil, `{"kind":"team","name":"Belastning %d"}`, i)
		t.Header.Set("Content-Type", "application/json")
		return nil
	}
	t.Method = http.MethodGet
	reads := []struct {
		path string
		page bool
	}{
		{"/", true},
		{"/organizations/" + p.org, true},
		{"/organizations/" + p.org + "/deadlines", true},
		{"/collaborations", true},
		{"/api/v1/contracts?organization_id=" + p.org + "&limit=50", false},
		{"/api/v1/systems?limit=50", false},
		{"/api/v1/organizations/" + p.org + "/units?limit=50", false},
		{"/api/v1/collaborations?limit=50", false},
		{"/api/v1/usages?organization_id=" + p.org + "&limit=50", false},
	}
	r := reads[(i/uint64(len(l.people)))%uint64(len(reads))]
	t.URL = l.base + r.path
	if r.page {
		t.Header.Set("Cookie", p.cookie)
	} else {
		t.Header.Set("Authorization", "Bearer "+p.token)
	}
	return nil
}

// answered notes a created unit, to be deleted later.
func (l *loadTargeter) answered(res *vegeta.Result) {
	if res.Method != http.MethodPost || res.Code != http.StatusCreated {
		return
	}
	var u struct{ ID string }
	if json.Unmarshal(res.Body, &u) != nil || u.ID == "" {
		return
	}
	path := strings.TrimPrefix(res.URL, l.base)
	for _, p := range l.people {
		if strings.Contains(path, "/organizations/"+p.org+"/") {
			select {
			case l.created <- createdUnit{path + "/" + u.ID, p.token}:
			default:
			}
		}
	}
}

// loadFiguresAt are the figures of one run at a constant rate.
type loadFiguresAt struct {
	rate                      int
	requests, errors          uint64
	readP50, readP99, allP99  time.Duration
	writeP99                  time.Duration
	throughput                float64
	firstErrors, statusCounts string
}

// attackAt sends the mix at rate requests per second for d and returns
// the figures; each result is also handed to each, if given.
func attackAt(base string, people []loadPerson, rate int, d time.Duration, each func(*vegeta.Result)) loadFiguresAt {
	// A transport of its own, to close its connections afterwards: the
	// soak counts samspil's goroutines and open files once the load ends.
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	atk := vegeta.NewAttacker(vegeta.Client(&http.Client{Transport: tr}), vegeta.KeepAlive(true), vegeta.Connections(64), vegeta.MaxWorkers(256),
		vegeta.Timeout(30*time.Second), vegeta.Redirects(vegeta.NoFollow))
	var reads, writes, all vegeta.Metrics
	f := loadFiguresAt{rate: rate}
	codes := map[uint16]int{}
	lt := newLoadTargeter(base, people)
	want := map[string]uint16{http.MethodGet: http.StatusOK, http.MethodPost: http.StatusCreated, http.MethodDelete: http.StatusNoContent}
	for res := range atk.Attack(lt.target, vegeta.Rate{Freq: rate, Per: time.Second}, d, "load") {
		lt.answered(res)
		all.Add(res)
		if res.Method == http.MethodGet {
			reads.Add(res)
		} else {
			writes.Add(res)
		}
		codes[res.Code]++
		if res.Code != want[res.Method] {
			f.errors++
			if f.firstErrors == "" {
				f.firstErrors = fmt.Sprintf("%s %s: %d %s", res.Method, res.URL, res.Code, res.Error)
			}
		}
		if each != nil {
			each(res)
		}
	}
	all.Close()
	reads.Close()
	writes.Close()
	f.requests = all.Requests
	f.readP50, f.readP99, f.writeP99, f.allP99 = reads.Latencies.P50, reads.Latencies.P99, writes.Latencies.P99, all.Latencies.P99
	f.throughput = all.Throughput
	f.statusCounts = fmt.Sprint(codes)
	return f
}

// loadEnvironment is samspil serving the demo as a process of its own,
// with its people signed in.
type loadEnvironment struct {
	proc     *samspilProcess
	people   []loadPerson
	postgres bool
}

func startLoadEnvironment(ctx context.Context, dsn string) (*loadEnvironment, error) {
	db, err := openStore(ctx, dsn, auth.Limit{})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if _, err := demo.Ensure(ctx, db); err != nil {
		return nil, err
	}
	p, err := startSamspil(ctx, dsn)
	if err != nil {
		return nil, err
	}
	people, err := loadPeople(ctx, db, p.base)
	if err != nil {
		p.kill()
		return nil, err
	}
	return &loadEnvironment{proc: p, people: people, postgres: sqldb.IsPostgresDSN(dsn)}, nil
}

// loadResult is what the load check found.
type loadResult struct {
	at200    loadFiguresAt
	maxRate  int
	steps    []loadFiguresAt
	problems []string // broken promises: failed requests
	misses   []string // timing targets missed, reported with their ratio
}

// loadCheck measures the mix at 200 requests per second for d (after a
// first burst of 5 s), then raises
// the rate by half again, step after step of d/2, until p99 passes 250 ms,
// a request fails or samspil falls behind; the highest rate is the last
// step that held.
func loadCheck(env *loadEnvironment, d time.Duration) loadResult {
	var r loadResult
	// A first burst, not measured: a day's first requests fill caches
	// and pools, and the database has just been filled.
	attackAt(env.proc.base, env.people, targetLoadRate, 5*time.Second, nil)
	r.at200 = attackAt(env.proc.base, env.people, targetLoadRate, d, nil)
	f := r.at200
	if f.errors > 0 {
		r.problems = append(r.problems, fmt.Sprintf("%d of %d requests failed at %d/s (%s; status %s)", f.errors, f.requests, f.rate, f.firstErrors, f.statusCounts))
	}
	for _, c := range []struct {
		what      string
		got, want time.Duration
	}{{"read p50", f.readP50, targetReadP50}, {"read p99", f.readP99, targetReadP99}, {"write p99", f.writeP99, targetWriteP99}} {
		if c.got > c.want {
			r.misses = append(r.misses, fmt.Sprintf("%s at %d/s is %s, above %s (ratio %.2f)", c.what, targetLoadRate, c.got.Round(time.Microsecond), c.want, float64(c.got)/float64(c.want)))
		}
	}
	if held(f) {
		r.maxRate = targetLoadRate
	}
	for rate := targetLoadRate * 3 / 2; r.maxRate > 0 && rate <= 20000; rate = rate * 3 / 2 {
		s := attackAt(env.proc.base, env.people, rate, d/2, nil)
		r.steps = append(r.steps, s)
		if !held(s) {
			break
		}
		r.maxRate = rate
	}
	return r
}

// held says whether samspil kept up with a run: no failures, every
// request's p99 within 250 ms, and at least 95 % of the rate served.
func held(f loadFiguresAt) bool {
	return f.errors == 0 && f.allP99 <= targetMaxRateP99 && f.throughput >= 0.95*float64(f.rate)
}

// processFigures are samspil's own figures from its /metrics.
type processFigures struct {
	rss             float64
	goroutines, fds float64
}

func readProcessFigures(base string) (processFigures, error) {
	res, err := http.Get(base + "/metrics")
	if err != nil {
		return processFigures{}, err
	}
	defer res.Body.Close()
	var f processFigures
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			continue
		}
		switch name {
		case "process_resident_memory_bytes":
			f.rss = v
		case "go_goroutines":
			f.goroutines = v
		case "process_open_fds":
			f.fds = v
		}
	}
	return f, sc.Err()
}

// soakResult is what the soak found.
type soakResult struct {
	rate                          int
	idle, warm, end, after        processFigures
	firstMinuteP99, lastMinuteP99 time.Duration
	memoryGrowth, p99Growth       float64
	requests, errors              uint64
	problems                      []string // broken promises: failures, memory, goroutines, open files
	misses                        []string // timing targets missed, reported with their ratio
}

// soakCheck runs the mix at rate for d: the first fifth warms up; then
// samspil's resident memory may grow by 10 % at most, the last minute's
// p99 may be 1.2 times the first measured minute's at most, and once the
// load stops its goroutines and open files come back to where they were
// before it (on PostgreSQL, allowing for the connections its pool keeps
// idle).
func soakCheck(env *loadEnvironment, rate int, d time.Duration) (soakResult, error) {
	r := soakResult{rate: rate}
	// The baseline is samspil at rest after a first burst of the load,
	// which fills its pools of connections (each SQLite connection holds
	// its files open) as any day's first requests would.
	attackAt(env.proc.base, env.people, rate, 5*time.Second, nil)
	time.Sleep(3 * time.Second)
	var err error
	if r.idle, err = readProcessFigures(env.proc.base); err != nil {
		return r, err
	}
	warmup := d / 5
	minute := min(time.Minute, (d-warmup)/2)
	start := time.Now()
	// samspil's figures after the warm-up and just before the load ends.
	sampled := make(chan error, 1)
	go func() {
		time.Sleep(warmup)
		var err error
		if r.warm, err = readProcessFigures(env.proc.base); err == nil {
			time.Sleep(time.Until(start.Add(d - 2*time.Second)))
			r.end, err = readProcessFigures(env.proc.base)
		}
		sampled <- err
	}()
	var first, last vegeta.Metrics
	f := attackAt(env.proc.base, env.people, rate, d, func(res *vegeta.Result) {
		switch since := res.Timestamp.Sub(start); {
		case since >= warmup && since < warmup+minute:
			first.Add(res)
		case since >= d-minute:
			last.Add(res)
		}
	})
	if err := <-sampled; err != nil {
		return r, err
	}
	first.Close()
	last.Close()
	r.requests, r.errors = f.requests, f.errors
	r.firstMinuteP99, r.lastMinuteP99 = first.Latencies.P99, last.Latencies.P99
	if f.errors > 0 {
		r.problems = append(r.problems, fmt.Sprintf("%d of %d requests failed (%s; status %s)", f.errors, f.requests, f.firstErrors, f.statusCounts))
	}
	// Back to rest: the generator's connections closed, a moment for
	// samspil to notice.
	time.Sleep(3 * time.Second)
	if r.after, err = readProcessFigures(env.proc.base); err != nil {
		return r, err
	}
	r.memoryGrowth = r.end.rss/r.warm.rss - 1
	r.p99Growth = float64(r.lastMinuteP99) / float64(r.firstMinuteP99)
	if r.memoryGrowth > soakMemoryGrowthMax {
		r.problems = append(r.problems, fmt.Sprintf("resident memory grew by %.0f %% after the warm-up (%.0f MB to %.0f MB)", 100*r.memoryGrowth, r.warm.rss/1e6, r.end.rss/1e6))
	}
	if r.p99Growth > soakP99GrowthMax {
		r.misses = append(r.misses, fmt.Sprintf("the last minute's p99 is %.2f times the first's (%s, then %s), above %.1f times", r.p99Growth, r.firstMinuteP99, r.lastMinuteP99, soakP99GrowthMax))
	}
	// The /metrics request that reads them is itself one goroutine and
	// one connection more than at rest.
	if r.after.goroutines > r.idle.goroutines+2 {
		r.problems = append(r.problems, fmt.Sprintf("%.0f goroutines after the load, %.0f before it", r.after.goroutines, r.idle.goroutines))
	}
	// On PostgreSQL the pool may keep more connections idle after the
	// load than after the first burst, up to its limit, for 5 minutes:
	// open files, but no leak.
	pool := 0.0
	if env.postgres {
		pool = sqldb.PostgresMaxIdleConns
	}
	if r.after.fds > r.idle.fds+2+pool {
		r.problems = append(r.problems, fmt.Sprintf("%.0f open files after the load, %.0f before it", r.after.fds, r.idle.fds))
	}
	return r, nil
}
