package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth"
	"github.com/samspil/samspil/internal/demo"
	"github.com/samspil/samspil/internal/landscapeio"
	"github.com/samspil/samspil/internal/refdata"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/tabular"
)

// benchCmd measures the performance targets of the issues and prints
// figures with their ratio to the target (below 1.00 meets it).
type benchCmd struct {
	Part     string `arg:"" optional:"" enum:"all,sized,opportunities,health,reliability" default:"all" help:"What to measure: all (the default), sized (only the pages and lists at sized data), opportunities (the opportunity index and its SQL baseline), health (a collaboration's health panel and report) or reliability (the reliability checks; they fail the command when a promise is broken)."`
	Rows     int    `name:"rows" default:"1000000" help:"Usage rows in the generated import file."`
	Postgres string `name:"postgres" env:"SAMSPIL_BENCH_PG" help:"Admin URL of a PostgreSQL server to also measure on (scratch databases are made and dropped)."`
	Runs     int    `name:"runs" default:"20" help:"Requests per page measurement at demo scale; the median is reported."`
	Dir      string `name:"dir" help:"Where to put the generated file and databases (default: a temporary directory)."`

	Orgs            int           `name:"orgs" default:"1000" help:"Generated organisations of the sized measurements (0 leaves them out)."`
	UsagesPerOrg    int           `name:"usages-per-org" default:"300" help:"Usages of each generated organisation."`
	ContractsPerOrg int           `name:"contracts-per-org" default:"100" help:"Contracts of each generated organisation."`
	OwnContracts    int           `name:"own-contracts" default:"5000" help:"Contracts of Silkeborg's own in the sized measurements (Viborg gets 100)."`
	Initiatives     int           `name:"initiatives" default:"1000" help:"Initiatives recorded in the sized measurements, with four participations each (a hundred times the demo's)."`
	Registrations   int           `name:"registrations" default:"1000" help:"Data processing registrations of Silkeborg's in the sized measurements, with roles on them and on its usages and relations to one of its usages (a hundred times the demo's)."`
	Units           int           `name:"units" default:"2000" help:"Units in Silkeborg's tree in the sized measurements; the organisation page and one unit's page are measured (0 leaves them out)."`
	Concurrency     []int         `name:"concurrency" default:"1,8,32" help:"Requests in flight in the sized measurements."`
	Duration        time.Duration `name:"duration" default:"2s" help:"Length of each load run; each figure is the median of three."`
	// SizedPostgresOnly saves the hour a large SQLite database takes when
	// only PostgreSQL's figures are wanted.
	SizedPostgresOnly bool `name:"sized-postgres-only" help:"Measure at sized data on PostgreSQL only (needs --postgres)."`

	benchOpportunityFlags `embed:""`
	benchHealthFlags      `embed:""`
	benchReliabilityFlags `embed:""`
}

// Targets from the landscape issue.
const (
	targetImport    = 10 * time.Second
	targetImportMem = 300 << 20
	targetPage      = 50 * time.Millisecond
)

func (c *benchCmd) Run(m *Main, ctx context.Context) error {
	switch c.Part {
	case "opportunities":
		return c.benchOpportunities(ctx, m)
	case "health":
		return c.benchHealth(ctx, m)
	case "reliability":
		return c.benchReliability(ctx, m)
	}
	switch {
	case c.Rows < 1:
		return fmt.Errorf("--rows must be at least 1")
	case c.Runs < 1:
		return fmt.Errorf("--runs must be at least 1")
	case c.Orgs < 0 || c.UsagesPerOrg < 0 || c.ContractsPerOrg < 0 || c.OwnContracts < 0 || c.Initiatives < 0 || c.Registrations < 0 || c.Units < 0:
		return fmt.Errorf("--orgs, --usages-per-org, --contracts-per-org, --own-contracts, --initiatives, --registrations and --units cannot be negative")
	case c.Duration <= 0:
		return fmt.Errorf("--duration must be positive")
	case slices.ContainsFunc(c.Concurrency, func(n int) bool { return n < 1 || n > 1024 }):
		return fmt.Errorf("--concurrency takes numbers from 1 to 1024")
	case c.SizedPostgresOnly && c.Postgres == "":
		return fmt.Errorf("--sized-postgres-only needs --postgres")
	}
	dir, cleanup, err := c.workDir()
	if err != nil {
		return err
	}
	defer cleanup()
	// The bench fills databases of its own; it never adds to existing ones.
	for _, name := range []string{"import.db", "demo.db", "start.db", "sized.db"} {
		if _, err := emptyBenchFile(dir, name); err != nil {
			return err
		}
	}
	if c.Part == "sized" {
		if err := c.benchSizedEngines(ctx, m, dir); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "\nmachine: %d CPUs, %s/%s, %s\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
		return nil
	}
	file := filepath.Join(dir, "usages.csv")
	start := time.Now()
	if err := writeUsageFile(file, c.Rows); err != nil {
		return err
	}
	info, _ := os.Stat(file)
	fmt.Fprintf(m.Stdout, "generated %s: %d rows, %.1f MiB in %s\n", file, c.Rows, float64(info.Size())/(1<<20), time.Since(start).Round(time.Millisecond))

	fmt.Fprintf(m.Stdout, "\n%-52s %12s %12s %12s %8s\n", "measurement", "figure", "target", "unit", "ratio")
	engines := []struct{ name, dsn string }{{"sqlite", filepath.Join(dir, "import.db")}}
	if c.Postgres != "" {
		dsn, drop, err := scratchPostgres(ctx, c.Postgres)
		if err != nil {
			return err
		}
		defer drop()
		engines = append(engines, struct{ name, dsn string }{"postgres", dsn})
	}
	for _, e := range engines {
		elapsed, peak, err := benchImport(ctx, e.dsn, file, m.Stderr)
		if err != nil {
			return fmt.Errorf("%s import: %w", e.name, err)
		}
		rate := float64(c.Rows) / elapsed.Seconds()
		row(m.Stdout, "import "+strconv.Itoa(c.Rows)+" usage rows, "+e.name, elapsed.Seconds(), targetImport.Seconds(), "s")
		row(m.Stdout, "  rows per second, "+e.name, rate, float64(c.Rows)/targetImport.Seconds(), "rows/s")
		row(m.Stdout, "  peak heap in use, "+e.name, float64(peak)/(1<<20), float64(targetImportMem)/(1<<20), "MiB")
	}

	// Pages at demo scale: every municipality with its synthetic landscape.
	db, srv, err := demoServer(ctx, filepath.Join(dir, "demo.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	actor := samspil.SystemActor("bench")
	org, err := db.FindOrganization(ctx, actor, "0740")
	if err != nil {
		return err
	}
	systems, err := db.ListSystems(ctx, actor, samspil.SystemFilter{Query: "Nexus"})
	if err != nil || len(systems.Items) == 0 {
		return fmt.Errorf("demo catalogue: %v", err)
	}
	secret := ""
	if admin, err := db.UserIDByEmail(ctx, demo.OperatorEmail); err == nil {
		_, secret, err = db.CreateToken(ctx, actor, admin, samspil.TokenInput{Name: "bench"})
		if err != nil {
			return err
		}
	}
	pages := []struct{ name, path string }{
		{"deadlines page (Silkeborg), server time", "/organizations/" + org.ID + "/deadlines"},
		{"deadlines API, sorted by urgency", "/api/v1/contracts?organization_id=" + org.ID + "&sort=urgency&limit=500"},
		{"who-uses page with map (Nexus)", "/systems/" + systems.Items[0].ID},
		{"who-uses API (Nexus)", "/api/v1/systems/" + systems.Items[0].ID + "/who-uses"},
	}
	for _, p := range pages {
		median, err := medianRequest(srv.Handler(), p.path, secret, c.Runs)
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		row(m.Stdout, p.name, float64(median.Microseconds())/1000, float64(targetPage.Microseconds())/1000, "ms")
	}
	// The pages of membership and consent, as Silkeborg's administrator:
	// a municipality's role, so the visibility filters run.
	if err := c.benchConsentPages(ctx, m, db, srv.Handler(), org.ID); err != nil {
		return err
	}
	if err := c.benchHome(ctx, m, db, srv.Handler(), "sqlite"); err != nil {
		return err
	}
	if c.Postgres != "" {
		if err := c.benchHomePostgres(ctx, m); err != nil {
			return fmt.Errorf("postgres: %w", err)
		}
	}
	if err := c.benchStart(ctx, m, dir); err != nil {
		return err
	}

	// Sized data, through real HTTP, at several concurrencies, on each engine.
	if err := c.benchSizedEngines(ctx, m, dir); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "\nmachine: %d CPUs, %s/%s, %s\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	return nil
}

// benchSizedEngines runs the sized measurements on SQLite (unless
// --sized-postgres-only) and on PostgreSQL when given.
func (c *benchCmd) benchSizedEngines(ctx context.Context, m *Main, dir string) error {
	if c.Orgs == 0 {
		return nil
	}
	logger := slog.Default()
	defer slog.SetDefault(logger)
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil))) // no request log among the figures
	sized, err := emptyBenchFile(dir, "sized.db")
	if err != nil {
		return err
	}
	var engines []sizedEngine
	if !c.SizedPostgresOnly {
		engines = append(engines, sizedEngine{"sqlite", sized})
	}
	if c.Postgres != "" {
		dsn, drop, err := scratchPostgres(ctx, c.Postgres)
		if err != nil {
			return err
		}
		defer drop()
		engines = append(engines, sizedEngine{"postgres", dsn})
	}
	for _, e := range engines {
		if err := c.benchSized(ctx, m, e); err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
	}
	return nil
}

// benchConsentPages measures, as the demo's Silkeborg administrator, the
// pages and API lists that show invitations, adjustments and partners.
func (c *benchCmd) benchConsentPages(ctx context.Context, m *Main, db *sqldb.DB, h http.Handler, orgID string) error {
	actor := samspil.SystemActor("bench")
	admin, err := db.UserIDByEmail(ctx, demo.SilkeborgChiefEmail)
	if err != nil {
		return fmt.Errorf("demo administrator of Silkeborg: %w", err)
	}
	_, secret, err := db.CreateToken(ctx, actor, admin, samspil.TokenInput{Name: "bench"})
	if err != nil {
		return err
	}
	collabs, err := db.ListCollaborations(ctx, actor, samspil.CollaborationFilter{OrganizationID: orgID, Query: "Viborg"})
	if err != nil || len(collabs.Items) == 0 {
		return fmt.Errorf("demo collaboration of Silkeborg and Viborg: %v", err)
	}
	collab := "/collaborations/" + collabs.Items[0].ID
	for _, p := range []struct{ name, path string }{
		{"collaboration page (Silkeborg admin)", collab},
		{"organisation page with partners", "/organizations/" + orgID},
		{"people page with invitations", "/organizations/" + orgID + "/people"},
		{"account page with invitations to answer", "/account"},
		{"invitations API (Silkeborg admin)", "/api/v1/invitations?limit=100"},
		{"my invitations API", "/api/v1/users/me/invitations"},
	} {
		median, err := medianRequest(h, p.path, secret, c.Runs)
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		row(m.Stdout, p.name, float64(median.Microseconds())/1000, float64(targetPage.Microseconds())/1000, "ms")
	}
	return nil
}

// row prints a figure with its target and their ratio; a target of 0
// means the issue sets none at this size.
func row(w io.Writer, name string, figure, target float64, unit string) {
	if target == 0 {
		fmt.Fprintf(w, "%-52s %12.1f %12s %12s %8s\n", name, figure, "-", unit, "-")
		return
	}
	ratio := figure / target
	if unit == "rows/s" {
		ratio = target / figure // higher is better
	}
	fmt.Fprintf(w, "%-52s %12.1f %12.1f %12s %8.2f\n", name, figure, target, unit, ratio)
}

// writeUsageFile writes a CSV of n usages in our template, each of its own
// system, as a municipality moving a large landscape in would have.
func writeUsageFile(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := tabular.NewCSVWriter(bufio.NewWriterSize(f, 1<<20))
	if err := w.WriteHeader(landscapeio.Headings(samspil.ImportUsages)); err != nil {
		f.Close()
		return err
	}
	header := landscapeio.Headings(samspil.ImportUsages)
	cells := make([]string, len(header))
	col := func(name string) int {
		return slices.IndexFunc(header, func(h string) bool { return strings.TrimSuffix(h, "*") == name })
	}
	system, lifecycle, from, notes := col("System"), col("Livscyklus"), col("Fra"), col("Noter")
	phases := []string{"I drift", "I drift", "I drift", "Planlagt", "Udfasning"}
	for i := 0; i < n; i++ {
		clear(cells)
		cells[system] = "Benchmark-system " + strconv.Itoa(i+1)
		cells[lifecycle] = phases[i%len(phases)]
		cells[from] = fmt.Sprintf("%04d-%02d-01", 2010+i%15, 1+i%12)
		if notes >= 0 {
			cells[notes] = "Genereret til måling"
		}
		if err := w.WriteRow(cells); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Close(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// benchImport commits the file into a fresh database and returns the time
// and the peak heap in use, sampled every 20 ms.
func benchImport(ctx context.Context, dsn, file string, progress io.Writer) (time.Duration, uint64, error) {
	db, err := sqldb.Open(ctx, dsn, sqldb.Options{Passwords: auth.NewPasswords(auth.DefaultArgon2, auth.Limit{})})
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return 0, 0, err
	}
	open := func() (io.ReadCloser, error) { return os.Open(file) }
	src, err := landscapeio.NewSource(open, filepath.Base(file), tabular.Limits{})
	if err != nil {
		return 0, 0, err
	}
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	start := time.Now()
	_, err = loadReferenceAndImport(ctx, db, src, progress)
	elapsed := time.Since(start)
	close(stop)
	<-sampled
	return elapsed, peak.Load(), err
}

// loadReferenceAndImport loads the municipalities (the import needs its
// organisation) and commits the file for Silkeborg.
func loadReferenceAndImport(ctx context.Context, db *sqldb.DB, src samspil.RecordSource, progress io.Writer) (*samspil.ImportReport, error) {
	orgs, hash, err := refdata.Organizations()
	if err != nil {
		return nil, err
	}
	if _, err := db.SyncReferenceOrganizations(ctx, samspil.SystemActor("bench"), hash, orgs); err != nil {
		return nil, err
	}
	report, err := db.CommitImport(ctx, samspil.SystemActor("bench"), "0740", src, progressPrinter(progress, "import"))
	fmt.Fprintln(progress)
	if err != nil {
		return nil, err
	}
	if !report.Committed || report.ErrorCount > 0 {
		return nil, fmt.Errorf("the import did not commit: %d errors, first %v", report.ErrorCount, report.Errors)
	}
	return report, nil
}

// progressPrinter shows a count of rows on one terminal line.
func progressPrinter(w io.Writer, what string) samspil.Progress {
	start := time.Now()
	return func(rows int) {
		fmt.Fprintf(w, "\r%s: %d rows (%s)", what, rows, time.Since(start).Round(time.Second))
	}
}

// medianRequest times GET path on the handler runs times.
func medianRequest(h http.Handler, path, token string, runs int) (time.Duration, error) {
	var times []time.Duration
	for i := 0; i < runs+1; i++ {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if token != "" { // pages take API tokens too, so the demo operator sees everything

			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		d := time.Since(start)
		if rec.Code != http.StatusOK {
			return 0, fmt.Errorf("status %d", rec.Code)
		}
		if i > 0 { // the first request warms caches
			times = append(times, d)
		}
	}
	slices.Sort(times)
	return times[len(times)/2], nil
}

// workDir is where a bench puts its files and databases: --dir, or a
// temporary directory that cleanup removes.
func (c *benchCmd) workDir() (dir string, cleanup func(), err error) {
	if c.Dir != "" {
		return c.Dir, func() {}, nil
	}
	d, err := os.MkdirTemp("", "samspil-bench-")
	if err != nil {
		return "", nil, err
	}
	return d, func() { os.RemoveAll(d) }, nil
}

// scratchPostgres makes an empty database on the server at admin and returns
// its address and a function that drops it.
func scratchPostgres(ctx context.Context, admin string) (string, func(), error) {
	adm, err := sql.Open("pgx", admin)
	if err != nil {
		return "", nil, err
	}
	name := "samspil_bench_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if _, err := adm.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		adm.Close()
		return "", nil, err
	}
	u, err := url.Parse(admin)
	if err != nil {
		adm.Close()
		return "", nil, err
	}
	u.Path = "/" + name
	return u.String(), func() {
		adm.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		adm.Close()
	}, nil
}
