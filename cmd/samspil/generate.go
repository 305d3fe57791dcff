package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth"
	"github.com/samspil/samspil/internal/demo"
	"github.com/samspil/samspil/internal/orgcsv"
	"github.com/samspil/samspil/internal/sqldb"
)

// demoCmd groups the commands about demo data.
type demoCmd struct {
	Generate demoGenerateCmd `cmd:"" help:"Generate synthetic municipalities across Europe with a system catalogue, usages and contracts, for load tests (the same --orgs and --seed give the same data)."`
}

type demoGenerateCmd struct {
	dbFlag
	Orgs            int   `name:"orgs" required:"" help:"Municipalities to generate (1 to 1,000,000)."`
	Seed            int64 `name:"seed" default:"1" help:"The same seed gives the same data, ids included."`
	UsagesPerOrg    int   `name:"usages-per-org" default:"300" help:"Usages of each municipality."`
	ContractsPerOrg int   `name:"contracts-per-org" default:"100" help:"Contracts of each municipality."`
	BatchRows       int   `name:"batch-rows" default:"100000" hidden:"" help:"About how many rows each transaction writes."`
	Writers         int   `name:"writers" default:"0" hidden:"" help:"Transactions at once (default: 1 on SQLite, 2 on PostgreSQL)."`
}

func (c *demoGenerateCmd) Run(m *Main, ctx context.Context) error {
	cfg := demo.Config{Orgs: c.Orgs, Seed: c.Seed, UsagesPerOrg: c.UsagesPerOrg, ContractsPerOrg: c.ContractsPerOrg}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("%w; nothing was written", err)
	}
	if c.BatchRows < 1 {
		return fmt.Errorf("--batch-rows must be at least 1; nothing was written")
	}
	g, err := demo.NewGenerator(cfg)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, c.dsn(), auth.Limit{})
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	actor := samspil.SystemActor("demo generate")
	note := map[string]any{"seed": c.Seed, "orgs": c.Orgs, "usages_per_org": c.UsagesPerOrg, "contracts_per_org": c.ContractsPerOrg}

	cat := g.Catalogue()
	written, err := db.LoadGenerated(ctx, actor, &sqldb.GeneratedBatch{Label: "catalogue", Organizations: cat.Vendors, Systems: cat.Systems,
		RequireEmpty: g.Codes(), Note: note})
	if err != nil {
		return err
	}

	// Organisations are generated in parallel, ahead of the writers, a
	// batch per transaction. SQLite has one writer; PostgreSQL takes
	// batches on several connections at once.
	perOrg := 3 + c.UsagesPerOrg + c.ContractsPerOrg*2
	chunk := max(1, c.BatchRows/perOrg)
	chunks := (c.Orgs + chunk - 1) / chunk
	writers := c.Writers
	if writers == 0 {
		writers = 1
		if db.Engine() == sqldb.Postgres {
			writers = 2
		}
	}
	generators := max(1, runtime.GOMAXPROCS(0)/2)
	parent := ctx // for the work after the batches, once the pipeline is stopped
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int)
	batches := make(chan *sqldb.GeneratedBatch, writers)
	go func() {
		defer close(jobs)
		for k := range chunks {
			select {
			case jobs <- k:
			case <-ctx.Done():
				return
			}
		}
	}()
	var generating sync.WaitGroup
	for range generators {
		generating.Add(1)
		go func() {
			defer generating.Done()
			for k := range jobs {
				select {
				case batches <- generatedBatch(g, k, chunk, note):
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		generating.Wait()
		close(batches)
	}()

	bar := newProgressBar(m.Stderr, c.Orgs)
	var (
		mu       sync.Mutex
		total    sqldb.GeneratedCounts
		firstErr error
		writing  sync.WaitGroup
	)
	for range writers {
		writing.Add(1)
		go func() {
			defer writing.Done()
			for b := range batches {
				n, err := db.LoadGenerated(ctx, actor, b)
				mu.Lock()
				if err != nil {
					if firstErr == nil {
						firstErr = fmt.Errorf("%s: %w", b.Label, err)
					}
					mu.Unlock()
					cancel()
					return
				}
				total.Organizations += n.Organizations
				total.Usages += n.Usages
				total.Contracts += n.Contracts
				total.Rows += n.Rows
				bar.update(total)
				mu.Unlock()
			}
		}()
	}
	writing.Wait()
	cancel()
	for range batches { // let the generators finish
	}
	if firstErr == nil && total.Organizations < c.Orgs {
		firstErr = context.Cause(ctx)
	}
	if firstErr != nil {
		fmt.Fprintln(m.Stderr)
		return fmt.Errorf("%w; the %d municipalities written before stay (with the catalogue)", firstErr, total.Organizations)
	}
	bar.done(total)
	if err := db.AnalyzeAfterBulkLoad(parent); err != nil {
		return err
	}
	elapsed := time.Since(start)
	fmt.Fprintf(m.Stdout, "generated %d municipalities in %d countries, a catalogue of %d systems from %d vendors, %d usages and %d contracts (seed %d) in %s: %d rows, %.0f rows/s\n",
		total.Organizations, len(demo.Countries()), written.Systems, len(cat.Vendors), total.Usages, total.Contracts, c.Seed,
		elapsed.Round(time.Second), total.Rows+written.Rows, float64(total.Rows+written.Rows)/elapsed.Seconds())
	return nil
}

// generatedBatch generates the k-th batch of organisations.
func generatedBatch(g *demo.Generator, k, chunk int, note map[string]any) *sqldb.GeneratedBatch {
	from, to := k*chunk, min((k+1)*chunk, g.Config().Orgs)
	b := &sqldb.GeneratedBatch{Label: fmt.Sprintf("organisations %d-%d", from+1, to), Note: note}
	cfg := g.Config()
	b.Organizations = make([]samspil.Organization, 0, to-from)
	b.Usages = make([]samspil.Usage, 0, (to-from)*cfg.UsagesPerOrg)
	b.Contracts = make([]samspil.Contract, 0, (to-from)*cfg.ContractsPerOrg)
	for i := from; i < to; i++ {
		l := g.Landscape(i)
		b.Organizations = append(b.Organizations, l.Organization)
		b.Usages = append(b.Usages, l.Usages...)
		b.Contracts = append(b.Contracts, l.Contracts...)
	}
	return b
}

// progressBar draws a bar of the organisations written on one line of a
// terminal.
type progressBar struct {
	w     io.Writer
	total int
	start time.Time
	last  time.Time
}

func newProgressBar(w io.Writer, total int) *progressBar {
	return &progressBar{w: w, total: total, start: time.Now()}
}

func (p *progressBar) update(n sqldb.GeneratedCounts) {
	if time.Since(p.last) < 200*time.Millisecond && n.Organizations < p.total {
		return
	}
	p.last = time.Now()
	const width = 30
	done := width * n.Organizations / p.total
	elapsed := time.Since(p.start)
	eta := ""
	if n.Organizations > 0 && n.Organizations < p.total {
		left := time.Duration(float64(elapsed) * float64(p.total-n.Organizations) / float64(n.Organizations))
		eta = ", " + left.Round(time.Second).String() + " left"
	}
	fmt.Fprintf(p.w, "\r[%s%s] %3d%% %d/%d municipalities, %d usages, %d contracts, %.0f rows/s%s   ",
		strings.Repeat("#", done), strings.Repeat(".", width-done), 100*n.Organizations/p.total, n.Organizations, p.total,
		n.Usages, n.Contracts, float64(n.Rows)/elapsed.Seconds(), eta)
}

func (p *progressBar) done(n sqldb.GeneratedCounts) {
	p.last = time.Time{}
	p.update(n)
	fmt.Fprintln(p.w)
}

// orgsCmd groups the commands about organisations.
type orgsCmd struct {
	Load orgsLoadCmd `cmd:"" help:"Create or update municipalities from a CSV file with the header country,code,name,region,population (e.g. outside Denmark)."`
}

type orgsLoadCmd struct {
	dbFlag
	Year int    `name:"year" default:"0" help:"The year of the population figures (default: this year)."`
	File string `arg:"" type:"existingfile" help:"The CSV (or XLSX) file: country,code,name,region,population."`
}

func (c *orgsLoadCmd) Run(m *Main, ctx context.Context) error {
	year := c.Year
	if year == 0 {
		year = samspil.Today(time.Now()).Year
	}
	f, err := os.Open(c.File)
	if err != nil {
		return err
	}
	defer f.Close()
	orgs, err := orgcsv.Parse(f, filepath.Base(c.File), year)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, c.dsn(), auth.Limit{})
	if err != nil {
		return err
	}
	defer db.Close()
	sum, err := db.LoadOrganizations(ctx, samspil.SystemActor("cli"), orgs)
	if err != nil {
		return fmt.Errorf("%s; nothing was loaded", samspilMessage(err))
	}
	fmt.Fprintf(m.Stdout, "loaded %d organisations from %s: %d new, %d changed, %d unchanged\n",
		len(orgs), filepath.Base(c.File), sum.Created, sum.Updated, sum.Unchanged)
	return nil
}
