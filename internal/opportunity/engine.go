package opportunity

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/samspil/samspil"
)

// Source is where the engine reads its facts and learns of changes: the
// store (sqldb.DB).
type Source interface {
	OpportunityFactsInto(ctx context.Context, actor *samspil.Actor, today samspil.Date, sink Sink) error
	OpportunityFactsOf(ctx context.Context, actor *samspil.Actor, today samspil.Date, orgID string, relations bool) (*Facts, error)
	OpportunityRelations(ctx context.Context, actor *samspil.Actor, today samspil.Date) (*Facts, error)
	OpportunityChanges(ctx context.Context, actor *samspil.Actor, since time.Time, limit int) ([]Change, error)
}

// The engine's timing. Every instance polls the audit log, so that a
// change made through any instance on the same database reaches every
// index within about PollEvery. Lookback is how far back each poll reads
// again, for transactions that committed after a later one (and instances
// whose clocks differ a little): events already applied are skipped by id.
const (
	PollEvery = 250 * time.Millisecond
	Lookback  = 5 * time.Second
	// maxChangedOrgs is how many organisations a poll refreshes one by
	// one; beyond it (a bulk load), the index is built anew.
	maxChangedOrgs = 200
	changeBatch    = 5000
)

// Engine keeps an index current and answers from it. It builds the index
// at start, applies the changes the audit log shows (Sync, every
// PollEvery while Run runs) by reading again only the organisations that
// changed, and builds it anew when the day changes (the contracts' dates
// are computed for a day).
type Engine struct {
	src Source
	now func() time.Time
	log *slog.Logger

	state atomic.Pointer[engineState]
	ready chan struct{} // closed once the first index is built

	mu        sync.Mutex // one refresh at a time; guards the fields below
	synced    time.Time  // when the last Sync began (the wall clock)
	watermark time.Time  // the newest event applied
	seen      map[string]time.Time
}

type engineState struct {
	x     *Index
	today samspil.Date
}

// system is the actor the engine reads as.
var system = samspil.SystemActor("opportunity index")

// NewEngine returns an engine that reads from src; now gives the time
// (the store's clock), log where it reports.
func NewEngine(src Source, now func() time.Time, log *slog.Logger) *Engine {
	if log == nil {
		log = slog.Default()
	}
	return &Engine{src: src, now: now, log: log, ready: make(chan struct{}), seen: map[string]time.Time{}}
}

// Build builds the first index and marks the engine ready, unless it is
// built. Until it is, queries build it themselves (Index).
func (e *Engine) Build(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.state.Load() != nil {
		return nil
	}
	if err := e.rebuild(ctx); err != nil {
		return err
	}
	close(e.ready)
	return nil
}

// rebuild builds the index from all facts; e.mu is held.
func (e *Engine) rebuild(ctx context.Context) error {
	start, began := e.now(), time.Now()
	today := samspil.Today(start)
	b := NewBuilder()
	if err := e.src.OpportunityFactsInto(ctx, system, today, b); err != nil {
		return err
	}
	x := b.Index()
	x.Warm(today)
	e.state.Store(&engineState{x: x, today: today})
	// Events from Lookback before the read are read again by the next
	// Sync: applying one the facts already hold changes nothing.
	e.watermark = start
	clear(e.seen)
	st := x.Stats()
	e.log.Info("opportunity index built", "organizations", st.Orgs, "usages", st.Uses, "contracts", st.ContractEntries,
		"took", time.Since(began).Round(time.Millisecond))
	return nil
}

// Run builds the index if it is not built (trying again every few
// seconds while it fails) and keeps it current until ctx ends.
func (e *Engine) Run(ctx context.Context) {
	for {
		err := e.Build(ctx)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return
		}
		e.log.Error("opportunity index: build failed", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(5 * time.Second):
		}
	}
	t := time.NewTicker(PollEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := e.Sync(ctx); err != nil && ctx.Err() == nil {
				e.log.Warn("opportunity index: refresh failed", "err", err)
			}
		}
	}
}

// Sync applies the changes the audit log shows since the last, and builds
// the index anew when the day has changed. Once it returns, every change
// committed before it was called is in the index.
func (e *Engine) Sync(ctx context.Context) error {
	select {
	case <-e.ready:
	case <-ctx.Done():
		return ctx.Err()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.sync(ctx)
}

// sync is Sync with e.mu held.
func (e *Engine) sync(ctx context.Context) error {
	e.synced = time.Now()
	if st := e.state.Load(); samspil.Today(e.now()) != st.today {
		return e.rebuild(ctx)
	}
	changes, err := e.src.OpportunityChanges(ctx, system, e.watermark.Add(-Lookback), changeBatch)
	if err != nil {
		return err
	}
	e.log.Debug("opportunity index: changes", "since", e.watermark.Add(-Lookback), "read", len(changes))
	orgs := map[string]bool{}
	relations, all := false, len(changes) == changeBatch
	newest := e.watermark
	for _, c := range changes {
		if _, done := e.seen[c.ID]; done {
			continue
		}
		e.seen[c.ID] = c.Time
		if c.Time.After(newest) {
			newest = c.Time
		}
		switch c.ObjectType {
		case "usage", "contract", "organization", "import":
			if c.OrgID != "" {
				orgs[c.OrgID] = true
			}
		case "system", "collaboration", "collaboration_member", "collaboration_invitation", "adjustment", "initiative":
			relations = true
		case "generated_data":
			all = true
		}
	}
	// An event stamped ahead of this instance's clock (another's runs
	// ahead) does not move the watermark past now: it would skip events
	// stamped by a clock behind it.
	if now := e.now(); newest.After(now) {
		newest = now
	}
	if all || len(orgs) > maxChangedOrgs {
		return e.rebuild(ctx)
	}
	st := e.state.Load()
	if len(orgs) > 0 || relations {
		u := &Facts{}
		if relations {
			r, err := e.src.OpportunityRelations(ctx, system, st.today)
			if err != nil {
				return err
			}
			u.Systems, u.Partners, u.Together = r.Systems, r.Partners, r.Together
		}
		for id := range orgs {
			f, err := e.src.OpportunityFactsOf(ctx, system, st.today, id, false)
			if err != nil {
				return err
			}
			u.Orgs = append(u.Orgs, f.Orgs...)
			u.Usages = append(u.Usages, f.Usages...)
			u.Contracts = append(u.Contracts, f.Contracts...)
		}
		y := st.x.Update(u)
		y.Warm(st.today) // before queries see it, so that none waits for the counts
		e.state.Store(&engineState{x: y, today: st.today})
	}
	e.watermark = newest
	for id, t := range e.seen {
		if t.Before(newest.Add(-2 * Lookback)) {
			delete(e.seen, id)
		}
	}
	return nil
}

// ErrNotReady is returned by Index when the index could not be built.
var ErrNotReady = errors.New("opportunity index: not built")

// Index returns the current index and the day its dates are computed for.
// The first call builds the index when Build or Run has not; a call when
// the last Sync is more than PollEvery old syncs first, unless a refresh
// is under way (then it answers from the index as it is), so that the
// index is current also where Run does not run (tests, commands).
func (e *Engine) Index(ctx context.Context) (*Index, samspil.Date, error) {
	select {
	case <-e.ready:
	default:
		if err := e.Build(ctx); err != nil {
			return nil, samspil.Date{}, errors.Join(ErrNotReady, err)
		}
	}
	if e.mu.TryLock() {
		if time.Since(e.synced) > PollEvery {
			if err := e.sync(ctx); err != nil {
				e.log.Warn("opportunity index: refresh failed", "err", err)
			}
		}
		e.mu.Unlock()
	}
	st := e.state.Load()
	return st.x, st.today, nil
}
