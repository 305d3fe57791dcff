package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth"
	"github.com/samspil/samspil/internal/httpx"
	"github.com/samspil/samspil/internal/server"
	"github.com/samspil/samspil/internal/sqldb"
)

// The targets of the scale issue, checked at sized data.
const (
	targetOwnPage    = 50 * time.Millisecond // p99, a municipality with thousands of contracts of its own
	targetSmallPage  = 20 * time.Millisecond // p99, a municipality with 100 contracts among many others'
	targetOrgsRate   = 1500                  // requests/s of the organisation list at concurrency 32 (SQLite)
	targetListP99    = 50 * time.Millisecond
	targetGenerate   = 15 * time.Minute // demo generate --orgs 100000
	benchSmallOwn    = 100
	benchPassword    = "bench-password-that-is-long-enough"
	benchRepetitions = 3 // each load figure is the median of this many runs
)

// sizedEngine is a database the sized bench fills and measures.
type sizedEngine struct {
	name, dsn string
}

// benchSized fills an empty database with generated organisations, gives
// two municipalities contracts of their own and an administrator each (a
// municipality's role: the visibility filters run), serves it over real
// HTTP on the loopback and measures pages and lists at several
// concurrencies.
func (c *benchCmd) benchSized(ctx context.Context, m *Main, e sizedEngine) error {
	fmt.Fprintf(m.Stdout, "\n== %s: %d generated organisations with %d usages and %d contracts each\n", e.name, c.Orgs, c.UsagesPerOrg, c.ContractsPerOrg)
	start := time.Now()
	gen := &demoGenerateCmd{dbFlag: dbFlag{DB: e.dsn}, Orgs: c.Orgs, Seed: 1, UsagesPerOrg: c.UsagesPerOrg, ContractsPerOrg: c.ContractsPerOrg, BatchRows: 100000}
	if err := gen.Run(&Main{Stdout: io.Discard, Stderr: m.Stderr, Getenv: m.Getenv}, ctx); err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	target := 0.0 // the target is for 100,000 organisations
	if c.Orgs == 100000 {
		target = targetGenerate.Seconds()
	}
	row(m.Stdout, fmt.Sprintf("generate %d organisations, %s", c.Orgs, e.name), time.Since(start).Seconds(), target, "s")

	db, err := openStore(ctx, e.dsn, auth.Limit{})
	if err != nil {
		return err
	}
	defer db.Close()
	big, err := benchMunicipality(ctx, db, "0740", "admin@silkeborg.bench", c.OwnContracts)
	if err != nil {
		return err
	}
	small, err := benchMunicipality(ctx, db, "0791", "admin@viborg.bench", benchSmallOwn)
	if err != nil {
		return err
	}
	var product, collab string
	if c.Initiatives > 0 {
		start := time.Now()
		if product, collab, err = seedInitiatives(ctx, db, c.Initiatives, big.orgID); err != nil {
			return fmt.Errorf("initiatives: %w", err)
		}
		row(m.Stdout, fmt.Sprintf("record %d initiatives through the store, %s", c.Initiatives, e.name), time.Since(start).Seconds(), 0, "s")
	}
	var kitos *kitosSeed
	if c.Registrations > 0 {
		start := time.Now()
		if kitos, err = seedKITOSRecords(ctx, db, big.orgID, c.Registrations); err != nil {
			return fmt.Errorf("records beside KITOS: %w", err)
		}
		row(m.Stdout, fmt.Sprintf("record %d registrations, %d relations, %d roles, %s", c.Registrations, kitos.dependents, kitos.roles, e.name),
			time.Since(start).Seconds(), 0, "s")
	}
	var unit string
	if c.Units > 0 {
		start := time.Now()
		if unit, err = seedUnits(ctx, db, big.orgID, c.Units); err != nil {
			return fmt.Errorf("units: %w", err)
		}
		row(m.Stdout, fmt.Sprintf("add %d units through the store, %s", c.Units, e.name), time.Since(start).Seconds(), 0, "s")
	}
	srv, err := server.New(db, server.Config{Version: Version})
	if err != nil {
		return err
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	type measurement struct {
		name   string
		who    *benchCaller
		path   string
		page   bool
		target time.Duration
	}
	list := []measurement{
		{fmt.Sprintf("deadlines page, %d own contracts", big.contracts), big, "/organizations/" + big.orgID + "/deadlines", true, targetOwnPage},
		{fmt.Sprintf("contracts API by urgency, %d own", big.contracts), big, "/api/v1/contracts?organization_id=0740&sort=urgency&limit=100", false, targetOwnPage},
		{fmt.Sprintf("deadlines page, %d own contracts", small.contracts), small, "/organizations/" + small.orgID + "/deadlines", true, targetSmallPage},
		{fmt.Sprintf("contracts API by urgency, %d own", small.contracts), small, "/api/v1/contracts?organization_id=0791&sort=urgency&limit=100", false, targetSmallPage},
		{"organisations API, limit 100", big, "/api/v1/organizations?limit=100", false, targetListP99},
		// The start page issue sets its targets at demo scale; here they
		// show how the pages hold with far more data.
		{fmt.Sprintf("Mit overblik, %d own contracts", big.contracts), big, "/", true, targetHome},
		{"search API, many hits (own contracts)", big, "/api/v1/search?q=m%C3%A5lekontrakt+12", false, targetSearch},
		{"search API, no hit (every row read)", big, "/api/v1/search?q=zzqq", false, targetSearch},
	}
	if product != "" {
		list = append(list,
			measurement{fmt.Sprintf("initiatives board, %d initiatives", c.Initiatives+1), big, "/initiatives", true, targetPage},
			measurement{"initiatives API, limit 100", big, "/api/v1/initiatives?limit=100", false, targetPage},
			measurement{"Vores initiativer (Silkeborg)", big, "/initiatives/mine", true, targetPage},
			measurement{"initiative page, 200 participants", big, "/initiatives/" + product, true, targetPage},
			measurement{"cost-shares API, 200 participants", big, "/api/v1/initiatives/" + product + "/cost-shares", false, targetPage},
			measurement{fmt.Sprintf("prioritisation page, %d ranked", (c.Initiatives+4)/5), big, "/collaborations/" + collab + "/prioritisation", true, targetPage},
			measurement{fmt.Sprintf("lessons log, %d lessons", (c.Initiatives+1)/2), big, "/lessons", true, targetPage},
			measurement{"lessons API, search \"kravspecifikation\"", big, "/api/v1/lessons?q=kravspecifikation&limit=100", false, targetPage})
	}
	if kitos != nil {
		// The records municipalities keep beside KITOS (the kitos issue):
		// the landscape page lists all of Silkeborg's usages, contracts and
		// registrations.
		org := "/organizations/" + big.orgID
		list = append(list,
			measurement{fmt.Sprintf("landscape page, %d registrations", c.Registrations), big, org + "/landscape", true, targetPage},
			measurement{"data processing API, limit 100", big, "/api/v1/data-processing-registrations?organization_id=0740&limit=100", false, targetPage},
			measurement{"data processing page", big, "/data-processing/" + kitos.registration, true, targetPage},
			measurement{fmt.Sprintf("usage page, %d dependents", kitos.dependents), big, org + "/usages/" + kitos.hub, true, targetPage},
			measurement{fmt.Sprintf("dependents API, %d", kitos.dependents), big, "/api/v1/usages/" + kitos.hub + "/dependents", false, targetPage},
			measurement{"roles and data classification page", big, org + "/role-types", true, targetPage},
			measurement{"data classifications API", big, "/api/v1/organizations/0740/data-classifications", false, targetPage},
			measurement{"KITOS page", big, org + "/kitos", true, targetPage})
	}
	if unit != "" {
		// The unit page reads the organisation's whole tree (its parent,
		// its children, and for an administrator the parent choice), so it
		// is held to the organisation page's target.
		org := "/organizations/" + big.orgID
		list = append(list,
			measurement{fmt.Sprintf("organisation page, %d units", c.Units), big, org, true, targetPage},
			measurement{fmt.Sprintf("unit page, %d units in the tree", c.Units), big, org + "/units/" + unit, true, targetPage})
	}
	fmt.Fprintf(m.Stdout, "%-44s %5s %9s %9s %9s %9s %7s\n", "measurement ("+e.name+", median of 3)", "conc", "p50 ms", "p99 ms", "req/s", "target", "ratio")
	for _, ms := range list {
		target := vegeta.Target{Method: http.MethodGet, URL: ts.URL + ms.path, Header: http.Header{}}
		if ms.page {
			target.Header.Set("Cookie", httpx.SessionCookie+"="+ms.who.session)
		} else {
			target.Header.Set("Authorization", "Bearer "+ms.who.token)
		}
		for _, conc := range c.Concurrency {
			res, err := medianLoad(target, conc, c.Duration)
			if err != nil {
				return fmt.Errorf("%s at concurrency %d: %w", ms.name, conc, err)
			}
			fmt.Fprintf(m.Stdout, "%-44s %5d %9.1f %9.1f %9.0f %9.1f %7.2f\n", ms.name, conc, ms2(res.p50), ms2(res.p99), res.rps,
				ms2(ms.target), ms2(res.p99)/ms2(ms.target))
			if ms.name == "organisations API, limit 100" && conc == 32 && e.name == "sqlite" {
				fmt.Fprintf(m.Stdout, "%-44s %5d %9s %9s %9.0f %9d %7.2f\n", "  requests/s target (higher is better)", conc, "", "", res.rps,
					targetOrgsRate, targetOrgsRate/res.rps)
			}
		}
	}
	return nil
}

func ms2(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// benchCaller is a municipality's administrator with an API token and a
// signed-in session.
type benchCaller struct {
	orgID, token, session string
	contracts             int
}

// benchMunicipality gives a municipality n contracts of its own (through
// the import, as a municipality would add them) and an administrator.
func benchMunicipality(ctx context.Context, db *sqldb.DB, code, email string, n int) (*benchCaller, error) {
	sys := samspil.SystemActor("bench")
	org, err := db.FindOrganization(ctx, sys, code)
	if err != nil {
		return nil, err
	}
	u, err := db.CreateUser(ctx, sys, samspil.UserInput{Email: email, DisplayName: "Bench " + org.Name, Password: benchPassword,
		OrganizationID: org.ID, Role: samspil.RoleAdmin})
	if err != nil {
		return nil, fmt.Errorf("administrator of %s: %w", org.Name, err)
	}
	admin, err := db.ActorForUser(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	src := samspil.RecordList{Of: samspil.ImportContracts}
	for i := range n {
		terms := samspil.ContractTerms{Start: samspil.NewDate(2018, 1, 1).AddDays((i * 7919) % 3650), DurationMonths: 24 + 12*(i%4),
			ExtensionCount: i % 3, NoticeMonths: 1 + i%6}
		if terms.ExtensionCount > 0 {
			terms.ExtensionMonths = 12
		}
		rec := samspil.ContractRecord{Name: "Målekontrakt " + strconv.Itoa(i+1), Terms: terms}
		src.Items = append(src.Items, samspil.Record{Line: i + 2, Contract: &rec})
	}
	if n > 0 {
		report, err := db.CommitImport(ctx, admin, org.ID, src, nil)
		if err != nil {
			return nil, err
		}
		if !report.Committed {
			return nil, fmt.Errorf("contracts of %s: %d errors, first %v", org.Name, report.ErrorCount, report.Errors[:min(1, len(report.Errors))])
		}
	}
	_, token, err := db.CreateToken(ctx, admin, "", samspil.TokenInput{Name: "bench"})
	if err != nil {
		return nil, err
	}
	session, _, err := db.Login(ctx, samspil.LoginAttempt{Email: email, Password: benchPassword})
	if err != nil {
		return nil, err
	}
	all, err := db.AllContracts(ctx, admin, samspil.ContractFilter{OrganizationID: org.ID})
	if err != nil {
		return nil, err
	}
	return &benchCaller{orgID: org.ID, token: token, session: session, contracts: len(all)}, nil
}

// loadFigures are the figures of a load run.
type loadFigures struct {
	p50, p99 time.Duration
	rps      float64
}

// medianLoad runs GET target at the concurrency for the duration, three
// times, and returns the median of each figure.
func medianLoad(target vegeta.Target, concurrency int, d time.Duration) (loadFigures, error) {
	var p50s, p99s []time.Duration
	var rates []float64
	for range benchRepetitions {
		f, err := loadRun(target, concurrency, d)
		if err != nil {
			return f, err
		}
		p50s, p99s, rates = append(p50s, f.p50), append(p99s, f.p99), append(rates, f.rps)
	}
	slices.Sort(p50s)
	slices.Sort(p99s)
	slices.Sort(rates)
	return loadFigures{p50: p50s[len(p50s)/2], p99: p99s[len(p99s)/2], rps: rates[len(rates)/2]}, nil
}

// loadRun keeps exactly concurrency requests in flight for the duration
// (vegeta at an unbounded rate with that many workers).
func loadRun(target vegeta.Target, concurrency int, d time.Duration) (loadFigures, error) {
	n := uint64(concurrency)
	atk := vegeta.NewAttacker(vegeta.Workers(n), vegeta.MaxWorkers(n), vegeta.Connections(concurrency), vegeta.KeepAlive(true),
		vegeta.Timeout(30*time.Second))
	var metrics vegeta.Metrics
	for res := range atk.Attack(vegeta.NewStaticTargeter(target), vegeta.Rate{}, d, "bench") {
		metrics.Add(res)
	}
	metrics.Close()
	if metrics.Success < 1 {
		return loadFigures{}, fmt.Errorf("%.1f%% of %d requests failed: status %v, errors %v", 100*(1-metrics.Success), metrics.Requests,
			metrics.StatusCodes, metrics.Errors)
	}
	return loadFigures{p50: metrics.Latencies.P50, p99: metrics.Latencies.P99, rps: metrics.Throughput}, nil
}

// emptyBenchFile refuses a bench database file that exists already: the
// bench fills a database of its own and must not add to anyone's data.
func emptyBenchFile(dir, name string) (string, error) {
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err == nil {
		return "", samspil.Errorf(samspil.ECONFLICT, "%s exists; the bench fills an empty database of its own, so remove it or choose another --dir", path)
	}
	return path, nil
}

// Targets for starting the server.
const (
	targetStartExisting = time.Second     // /healthz answers, on an existing database
	targetStartDemo     = 3 * time.Second // the demo is created and /healthz answers, on an empty database
)

// benchStart measures how long serve takes until /healthz answers: with
// --demo on an empty SQLite database (the README's first command), then
// again on the database that made.
func (c *benchCmd) benchStart(ctx context.Context, m *Main, dir string) error {
	path, err := emptyBenchFile(dir, "start.db")
	if err != nil {
		return err
	}
	logger := slog.Default()
	defer slog.SetDefault(logger) // serve sets its own
	for _, s := range []struct {
		name   string
		target time.Duration
	}{{"serve --demo on an empty database", targetStartDemo}, {"serve on the existing database", targetStartExisting}} {
		d, err := timeToHealthy(ctx, path)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		row(m.Stdout, s.name+", until /healthz", float64(d.Milliseconds()), float64(s.target.Milliseconds()), "ms")
	}
	return nil
}

// timeToHealthy runs serve --demo on the database and returns the time
// from the start until /healthz answers 200.
func timeToHealthy(ctx context.Context, path string) (time.Duration, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	addrc := make(chan string, 1)
	m := &Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }, Ready: func(addr string) { addrc <- addr }}
	srv := &serveCmd{dbFlag: dbFlag{DB: path}, Addr: "127.0.0.1:0", Demo: true}
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- srv.Run(m, ctx) }()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-done:
		return 0, fmt.Errorf("serve stopped: %v", err)
	case <-time.After(time.Minute):
		return 0, fmt.Errorf("serve did not listen within a minute")
	}
	for {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Since(start) > time.Minute {
			return 0, fmt.Errorf("/healthz did not answer within a minute: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	d := time.Since(start)
	cancel()
	<-done
	return d, nil
}
