package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth"
	"github.com/samspil/samspil/internal/demo"
	"github.com/samspil/samspil/internal/opportunity"
	"github.com/samspil/samspil/internal/sqldb"
)

// benchOpportunityFlags are the options of `samspil bench opportunities`.
type benchOpportunityFlags struct {
	Queries        int `name:"queries" default:"1000" help:"Random organisations asked for partners and windows (bench opportunities)."`
	BaselineSample int `name:"baseline-sample" default:"20" help:"Organisations asked through the SQL baseline (bench opportunities)."`
	// BaselineLimit bounds a baseline query, which at European scale can
	// run for many minutes: one stopped there counts as taking at least
	// the limit, and the figures say so.
	BaselineLimit time.Duration `name:"baseline-limit" default:"2m" help:"Longest a SQL baseline query may run; one stopped there counts as taking at least this (bench opportunities)."`
	// Generated names databases made before by samspil demo generate, so
	// that the European scale (half an hour to generate) can be measured
	// again without generating it again.
	Generated []string `name:"generated" help:"Measure on this database made by 'samspil demo generate' instead of generating --orgs (repeatable: one per engine; bench opportunities)."`
}

// Targets of the opportunities issue: at demo scale (Denmark) and at
// European scale (--orgs 100000).
const (
	targetOppDenmark  = time.Millisecond // top-50 partners and windows, p99
	targetOppBuild    = 60 * time.Second
	targetOppRSS      = 4 << 30
	targetOppQuery    = 20 * time.Millisecond // top-50 partners and windows, p99
	targetOppSearch   = 10 * time.Millisecond // organisation search, p99
	targetOppGrouping = 2 * time.Second       // 98 organisations into 5 groups
	targetOppRatio    = 100                   // the SQL baseline's p50 over the engine's
	oppGroupOrgs      = 98
	oppGroups         = 5
)

// oppSearches are the q= of the organisation search: short strings in
// many names (Danish and generated), and one in none.
var oppSearches = []string{"berg", "sund", "kom", "gem", "dorf", "zzqq"}

// benchOpportunities measures the opportunity index (issue
// [opportunities]) on SQLite and, with --postgres, PostgreSQL: at demo
// scale (the demo's 98 municipalities) and, with --orgs, on that many
// generated organisations. Each prints the index's build time and memory,
// the top-50 partners and the procurement windows of random organisations
// (p50 and p99), the organisation search, a grouping of 98 organisations
// into 5, and the SQL baseline for a sample with its ratio to the index.
func (c *benchCmd) benchOpportunities(ctx context.Context, m *Main) error {
	switch {
	case c.Queries < 1:
		return fmt.Errorf("--queries must be at least 1")
	case c.BaselineSample < 0:
		return fmt.Errorf("--baseline-sample cannot be negative")
	case c.BaselineLimit <= 0:
		return fmt.Errorf("--baseline-limit must be positive")
	case c.Orgs < 0 || c.UsagesPerOrg < 0 || c.ContractsPerOrg < 0:
		return fmt.Errorf("--orgs, --usages-per-org and --contracts-per-org cannot be negative")
	case c.SizedPostgresOnly && c.Postgres == "":
		return fmt.Errorf("--sized-postgres-only needs --postgres")
	}
	dir, cleanup, err := c.workDir()
	if err != nil {
		return err
	}
	defer cleanup()
	for _, name := range []string{"opportunities-demo.db", "opportunities-sized.db"} {
		if _, err := emptyBenchFile(dir, name); err != nil {
			return err
		}
	}
	// The engine logs its builds; the tables are the report.
	logger := slog.Default()
	defer slog.SetDefault(logger)
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))

	engines := []sizedEngine{{"sqlite", filepath.Join(dir, "opportunities-demo.db")}}
	if c.Postgres != "" {
		dsn, drop, err := scratchPostgres(ctx, c.Postgres)
		if err != nil {
			return err
		}
		defer drop()
		engines = append(engines, sizedEngine{"postgres", dsn})
	}
	for _, e := range engines {
		if err := c.benchOpportunityDemo(ctx, m, e); err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
	}
	for _, dsn := range c.Generated {
		e := sizedEngine{"sqlite", dsn}
		if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
			e.name = "postgres"
		}
		if err := c.measureGenerated(ctx, m, e, 0, ""); err != nil {
			return fmt.Errorf("%s: %w", dsn, err)
		}
	}
	if c.Orgs > 0 && len(c.Generated) == 0 {
		var sized []sizedEngine
		if !c.SizedPostgresOnly {
			sized = append(sized, sizedEngine{"sqlite", filepath.Join(dir, "opportunities-sized.db")})
		}
		if c.Postgres != "" {
			dsn, drop, err := scratchPostgres(ctx, c.Postgres)
			if err != nil {
				return err
			}
			defer drop()
			sized = append(sized, sizedEngine{"postgres", dsn})
		}
		for _, e := range sized {
			if err := c.benchOpportunitySized(ctx, m, e); err != nil {
				return fmt.Errorf("%s: %w", e.name, err)
			}
			if e.name == "sqlite" && c.Dir != "" {
				// A large database the user did not ask to keep.
				for _, suffix := range []string{"", "-wal", "-shm"} {
					os.Remove(e.dsn + suffix)
				}
			}
		}
	}
	fmt.Fprintf(m.Stdout, "\nmachine: %d CPUs, %s/%s, %s\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	return nil
}

// benchOpportunityDemo measures at demo scale: the demo's 98
// municipalities ask, and they are grouped.
func (c *benchCmd) benchOpportunityDemo(ctx context.Context, m *Main, e sizedEngine) error {
	db, err := openStore(ctx, e.dsn, auth.Limit{})
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := demo.Ensure(ctx, db); err != nil {
		return err
	}
	munis, err := allOrganizations(ctx, db, samspil.KindMunicipality)
	if err != nil {
		return err
	}
	o := oppBench{name: fmt.Sprintf("demo (%d municipalities), %s", len(munis.ids), e.name), askers: munis, group: munis,
		partnersTarget: targetOppDenmark, windowsTarget: targetOppDenmark}
	return c.measureOpportunities(ctx, m, db, o)
}

// benchOpportunitySized generates --orgs organisations into an empty
// database and measures there: random generated organisations ask, and
// 98 random ones are grouped.
func (c *benchCmd) benchOpportunitySized(ctx context.Context, m *Main, e sizedEngine) error {
	start := time.Now()
	gen := &demoGenerateCmd{dbFlag: dbFlag{DB: e.dsn}, Orgs: c.Orgs, Seed: 1, UsagesPerOrg: c.UsagesPerOrg, ContractsPerOrg: c.ContractsPerOrg, BatchRows: 100000}
	if err := gen.Run(&Main{Stdout: io.Discard, Stderr: m.Stderr, Getenv: m.Getenv}, ctx); err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	return c.measureGenerated(ctx, m, e, time.Since(start), fmt.Sprintf(" (%d usages, %d contracts each)", c.UsagesPerOrg, c.ContractsPerOrg))
}

// measureGenerated measures on a database of generated organisations
// (generated is how long generating took, 0 when it was made before;
// sizes says their sizes when known): random generated organisations ask,
// and 98 random ones are grouped.
func (c *benchCmd) measureGenerated(ctx context.Context, m *Main, e sizedEngine, generated time.Duration, sizes string) error {
	db, err := openStore(ctx, e.dsn, auth.Limit{})
	if err != nil {
		return err
	}
	defer db.Close()
	db.StartOrgSearch() // as serve does
	munis, err := allOrganizations(ctx, db, samspil.KindMunicipality)
	if err != nil {
		return err
	}
	// The generated municipalities: the reference data's Danish ones have
	// no landscape here.
	var orgs []string
	for _, id := range munis.ids {
		if munis.country[id] != "DK" {
			orgs = append(orgs, id)
		}
	}
	if len(orgs) == 0 {
		return fmt.Errorf("no generated organisations")
	}
	group := slices.Clone(orgs)
	rand.New(rand.NewPCG(2, 2)).Shuffle(len(group), func(i, j int) { group[i], group[j] = group[j], group[i] })
	group = group[:min(oppGroupOrgs, len(group))]
	o := oppBench{name: fmt.Sprintf("%d generated organisations%s, %s", len(orgs), sizes, e.name),
		askers: orgList{ids: orgs}, group: orgList{ids: group}, partnersTarget: targetOppQuery, windowsTarget: targetOppQuery, europe: true,
		generated: generated}
	return c.measureOpportunities(ctx, m, db, o)
}

// oppBench is one data set to measure.
type oppBench struct {
	name                          string
	askers                        orgList // who asks for partners and windows
	group                         orgList // who is grouped
	partnersTarget, windowsTarget time.Duration
	europe                        bool          // the targets of European scale apply
	generated                     time.Duration // how long generating took, 0 for the demo
}

// orgList is organisations by ID with their countries.
type orgList struct {
	ids     []string
	country map[string]string
}

// allOrganizations lists every organisation of a kind.
func allOrganizations(ctx context.Context, db *sqldb.DB, kind samspil.OrgKind) (orgList, error) {
	out := orgList{country: map[string]string{}}
	cursor := ""
	for {
		page, err := db.ListOrganizations(ctx, samspil.SystemActor("bench"), samspil.OrganizationFilter{Kind: kind,
			ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
		if err != nil {
			return out, err
		}
		for _, o := range page.Items {
			out.ids = append(out.ids, o.ID)
			out.country[o.ID] = o.Country
		}
		if page.NextCursor == "" {
			return out, nil
		}
		cursor = page.NextCursor
	}
}

// measureOpportunities builds the index as the server does and prints the
// figures of one data set.
func (c *benchCmd) measureOpportunities(ctx context.Context, m *Main, db *sqldb.DB, o oppBench) error {
	w := m.Stdout
	fmt.Fprintf(w, "\n== opportunities: %s\n", o.name)
	if o.europe {
		fmt.Fprintln(w, "(the targets are the issue's at European scale, --orgs 100000)")
	}
	fmt.Fprintf(w, "%-52s %12s %12s %12s %8s\n", "measurement", "figure", "target", "unit", "ratio")
	target := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	europe := func(v float64) float64 {
		if o.europe {
			return v
		}
		return 0
	}
	if o.generated > 0 {
		row(w, "generate the organisations", o.generated.Seconds(), 0, "s")
	}

	// The index, built as the server builds it.
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	eng := opportunity.NewEngine(db, db.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := eng.Build(ctx); err != nil {
		return fmt.Errorf("build the index: %w", err)
	}
	built := time.Since(start)
	x, today, err := eng.Index(ctx)
	if err != nil {
		return err
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	row(w, "index build", ms2(built), europe(target(targetOppBuild)), "ms")
	row(w, "  index heap (HeapInuse after GC, less before)", float64(int64(after.HeapInuse)-int64(before.HeapInuse))/(1<<20), 0, "MiB")
	if rss, ok := residentBytes(); ok {
		row(w, "  process resident (VmRSS)", float64(rss)/(1<<20), europe(float64(targetOppRSS)/(1<<20)), "MiB")
	}

	// Partners and windows for random organisations, each figure the
	// median of three rounds.
	rng := rand.New(rand.NewPCG(1, 1))
	askers := make([]string, c.Queries)
	for i := range askers {
		askers[i] = o.askers.ids[rng.IntN(len(o.askers.ids))]
	}
	partners, err := medianQueries(askers, func(id string) error {
		_, err := x.Partners(id, opportunity.Query{Today: today, Limit: 50})
		return err
	})
	if err != nil {
		return fmt.Errorf("partners: %w", err)
	}
	windows, err := medianQueries(askers, func(id string) error {
		_, err := x.ProcurementWindows(id, opportunity.WindowQuery{Today: today})
		return err
	})
	if err != nil {
		return fmt.Errorf("windows: %w", err)
	}
	n := strconv.Itoa(len(askers))
	row(w, "top-50 partners p50 ("+n+" random organisations)", ms2(partners.p50), 0, "ms")
	row(w, "top-50 partners p99", ms2(partners.p99), target(o.partnersTarget), "ms")
	row(w, "procurement windows p50", ms2(windows.p50), 0, "ms")
	row(w, "procurement windows p99", ms2(windows.p99), target(o.windowsTarget), "ms")

	// Organisation search, as a member of one organisation (the
	// visibility condition of a signed-in user).
	member := &samspil.Actor{Kind: samspil.ActorUser, UserID: "bench", Roles: map[string]samspil.Role{o.askers.ids[0]: samspil.RoleViewer}}
	var searches, lists []time.Duration
	for range 3 {
		for _, q := range oppSearches {
			for range 10 {
				s := time.Now()
				if _, err := db.ListOrganizations(ctx, member, samspil.OrganizationFilter{Query: q}); err != nil {
					return fmt.Errorf("organisation list q=%s: %w", q, err)
				}
				lists = append(lists, time.Since(s))
				s = time.Now()
				if _, err := db.Search(ctx, member, samspil.SearchQuery{Text: q, Kinds: []samspil.SearchKind{samspil.SearchOrganizations}}); err != nil {
					return fmt.Errorf("search %s: %w", q, err)
				}
				searches = append(searches, time.Since(s))
			}
		}
	}
	row(w, "organisation list q= p99 (strings below)", ms2(percentile(lists, 99)), europe(target(targetOppSearch)), "ms")
	row(w, "organisation search p99 (the same)", ms2(percentile(searches, 99)), europe(target(targetOppSearch)), "ms")
	fmt.Fprintf(w, "  q= %s, 30 times each, as a member of one organisation\n", strings.Join(oppSearches, ", "))

	// Grouping.
	if len(o.group.ids) >= oppGroups {
		var times []time.Duration
		for range 3 {
			s := time.Now()
			if _, err := x.Grouping(opportunity.GroupingQuery{Asker: o.group.ids[0], Organizations: o.group.ids, Groups: oppGroups, Today: today}); err != nil {
				return fmt.Errorf("grouping: %w", err)
			}
			times = append(times, time.Since(s))
		}
		slices.Sort(times)
		row(w, fmt.Sprintf("grouping %d organisations into %d (median of 3)", len(o.group.ids), oppGroups), ms2(times[1]),
			europe(target(targetOppGrouping)), "ms")
	}

	// The SQL baseline for a sample of the askers, checked against the
	// index as it goes.
	sample := slices.Compact(slices.Sorted(slices.Values(askers)))
	rand.New(rand.NewPCG(3, 3)).Shuffle(len(sample), func(i, j int) { sample[i], sample[j] = sample[j], sample[i] })
	sample = sample[:min(c.BaselineSample, len(sample))]
	if len(sample) == 0 {
		return nil
	}
	sys := samspil.SystemActor("bench")
	// bounded runs one baseline query within the limit; one stopped there
	// counts as the limit, a lower bound.
	stopped := 0
	bounded := func(fn func(ctx context.Context) error) (time.Duration, bool, error) {
		qctx, cancel := context.WithTimeout(ctx, c.BaselineLimit)
		defer cancel()
		s := time.Now()
		err := fn(qctx)
		if err != nil && ctx.Err() == nil && qctx.Err() != nil {
			stopped++
			return c.BaselineLimit, false, nil
		}
		return time.Since(s), err == nil, err
	}
	var basePartners, baseWindows []time.Duration
	agree := 0
	for _, id := range sample {
		var got []opportunity.Suggestion
		d, okP, err := bounded(func(ctx context.Context) (err error) {
			got, err = db.BaselinePartners(ctx, sys, id, today, 50)
			return err
		})
		if err != nil {
			return fmt.Errorf("baseline partners: %w", err)
		}
		basePartners = append(basePartners, d)
		var gotW []opportunity.Window
		d, okW, err := bounded(func(ctx context.Context) (err error) {
			gotW, err = db.BaselineWindows(ctx, sys, id, today, 0, 50)
			return err
		})
		if err != nil {
			return fmt.Errorf("baseline windows: %w", err)
		}
		baseWindows = append(baseWindows, d)
		if !okP || !okW {
			continue
		}
		want, err := x.Partners(id, opportunity.Query{Today: today, Limit: 50})
		if err != nil {
			return err
		}
		wantW, err := x.ProcurementWindows(id, opportunity.WindowQuery{Today: today, Limit: 10000})
		if err != nil {
			return err
		}
		wantW = slices.DeleteFunc(wantW, func(w opportunity.Window) bool { return w.Kind != opportunity.WindowSystem })
		wantW = wantW[:min(len(wantW), 50)]
		if samePartners(want, got) && sameSystemWindows(wantW, gotW) {
			agree++
		}
	}
	k := strconv.Itoa(len(sample))
	baselineRows(w, "SQL baseline top-50 partners p50 ("+k+" organisations)", "  baseline over index, partners p50",
		percentile(basePartners, 50), partners.p50, c.BaselineLimit, europe(targetOppRatio))
	baselineRows(w, "SQL baseline procurement windows p50", "  baseline over index, windows p50",
		percentile(baseWindows, 50), windows.p50, c.BaselineLimit, europe(targetOppRatio))
	agreed := fmt.Sprintf("%d of %d", agree, len(sample))
	if stopped > 0 {
		agreed += fmt.Sprintf(" (%d queries stopped at %s)", stopped, c.BaselineLimit)
	}
	fmt.Fprintf(w, "%-52s %12s\n", "  baseline gives the index's results", agreed)
	return nil
}

// baselineRows prints the baseline's p50 and its ratio to the index's.
// When the p50 is the limit (half the queries or more were stopped
// there), both are lower bounds and are printed as such.
// target is the ratio's target, 0 for none.
func baselineRows(w io.Writer, name, ratioName string, base, index, limit time.Duration, target float64) {
	ratio := float64(base) / float64(max(index, time.Microsecond))
	if base < limit {
		row(w, name, ms2(base), 0, "ms")
		ratioRow(w, ratioName, ratio, target)
		return
	}
	fmt.Fprintf(w, "%-52s %12s %12s %12s %8s\n", name, fmt.Sprintf("> %.1f", ms2(limit)), "-", "ms", "-")
	if target == 0 {
		fmt.Fprintf(w, "%-52s %12s %12s %12s %8s\n", ratioName, fmt.Sprintf("> %.1f", ratio), "-", "×", "-")
		return
	}
	fmt.Fprintf(w, "%-52s %12s %12.1f %12s %8s\n", ratioName, fmt.Sprintf("> %.1f", ratio), target, "×", fmt.Sprintf("< %.2f", target/ratio))
}

// ratioRow prints a figure where higher is better, with its ratio to the
// target (below 1.00 meets it, as in row).
func ratioRow(w io.Writer, name string, figure, target float64) {
	if target == 0 {
		fmt.Fprintf(w, "%-52s %12.1f %12s %12s %8s\n", name, figure, "-", "×", "-")
		return
	}
	fmt.Fprintf(w, "%-52s %12.1f %12.1f %12s %8.2f\n", name, figure, target, "×", target/figure)
}

// queryFigures are the p50 and p99 of a round of queries.
type queryFigures struct{ p50, p99 time.Duration }

// medianQueries asks fn for every organisation three times over and
// returns the median of the rounds' p50 and p99.
func medianQueries(ids []string, fn func(id string) error) (queryFigures, error) {
	var p50s, p99s []time.Duration
	times := make([]time.Duration, len(ids))
	for range 3 {
		for i, id := range ids {
			s := time.Now()
			if err := fn(id); err != nil {
				return queryFigures{}, err
			}
			times[i] = time.Since(s)
		}
		p50s, p99s = append(p50s, percentile(times, 50)), append(p99s, percentile(times, 99))
	}
	slices.Sort(p50s)
	slices.Sort(p99s)
	return queryFigures{p50: p50s[1], p99: p99s[1]}, nil
}

// percentile returns the p-th percentile of durations (nearest rank).
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	k := int(math.Ceil(float64(p)/100*float64(len(s)))) - 1
	return s[min(max(k, 0), len(s)-1)]
}

// residentBytes reads the process's resident set size (VmRSS) from
// /proc/self/status, where there is one.
func residentBytes() (int64, bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

// samePartners reports whether two rankings name the same organisations
// in the same order with the same scores (to three decimals).
func samePartners(a, b []opportunity.Suggestion) bool {
	return slices.EqualFunc(a, b, func(x, y opportunity.Suggestion) bool {
		return x.OrgID == y.OrgID && math.Round(x.Score*1000) == math.Round(y.Score*1000)
	})
}

// sameSystemWindows reports whether the index's windows of kind system
// are the baseline's: the same systems, dates and members.
func sameSystemWindows(index, baseline []opportunity.Window) bool {
	key := func(ws []opportunity.Window) []string {
		var out []string
		for _, w := range ws {
			if w.Kind != opportunity.WindowSystem {
				continue
			}
			var ms []string
			for _, m := range w.Members {
				ms = append(ms, m.OrgID+"/"+m.ContractID)
			}
			slices.Sort(ms)
			out = append(out, fmt.Sprint(w.SystemID, w.From, w.To, w.ActBy, ms))
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(key(index), key(baseline))
}
