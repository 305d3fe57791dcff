package sqldb

import (
	"context"
	"database/sql"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/opportunity"
)

// OpportunityFacts reads what the opportunity index is built from (DESIGN
// §3.3): every organisation, every usage that is not retired, every
// contract that has not ended with its dates computed for today, who sees
// what each organisation shares with partners, and which organisations
// work together. Only the system reads them: they are not filtered by
// visibility, which the index applies itself (DESIGN §3.2).
//
// It holds at European scale (100,000 organisations, tens of millions of
// usages): every kind of fact is one query in one read transaction, so the
// facts are of one moment, streamed row by row; ids, names and enumerations
// repeated across rows share one string each. Every list is in the order of
// its ids.
func (db *DB) OpportunityFacts(ctx context.Context, actor *samspil.Actor, today samspil.Date) (*opportunity.Facts, error) {
	if actor == nil || actor.Kind != samspil.ActorSystem {
		return nil, samspil.Errorf(samspil.EFORBIDDEN, "only the system reads the facts of the opportunity index")
	}
	if today.IsZero() {
		return nil, samspil.ErrorAt(samspil.EINVALID, "today", "is required")
	}
	var opts *sql.TxOptions
	if db.engine == Postgres {
		// One snapshot for every query; SQLite's read transaction is one.
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	r := &factsReader{ctx: ctx, qr: tx, engine: db.engine, today: today, f: &opportunity.Facts{Partners: map[string][]string{}},
		words: map[string]string{}, orgs: map[string]string{}, systems: map[string]factSystem{}}
	for _, step := range []func() error{r.readOrgs, r.readSystems, r.readUsages, r.readContracts, r.readPartners, r.readTogether} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return r.f, nil
}

// factsReader reads the facts in one transaction and keeps one copy of
// every repeated string.
type factsReader struct {
	ctx    context.Context
	qr     querier
	engine Engine
	today  samspil.Date
	f      *opportunity.Facts

	words   map[string]string     // kinds, countries, regions, lifecycles, visibilities, notice rules
	orgs    map[string]string     // organisation ids
	systems map[string]factSystem // catalogue entries by id
}

type factSystem struct{ id, name string }

// word returns the one copy of a short repeated string.
func (r *factsReader) word(b []byte) string {
	if s, ok := r.words[string(b)]; ok {
		return s
	}
	s := string(b)
	r.words[s] = s
	return s
}

// org returns the one copy of an organisation id.
func (r *factsReader) org(b []byte) string {
	if s, ok := r.orgs[string(b)]; ok {
		return s
	}
	return string(b) // not among the organisations read: cannot happen under the foreign keys
}

// system returns the one copy of a catalogue entry's id and name.
func (r *factsReader) system(b []byte) factSystem {
	if s, ok := r.systems[string(b)]; ok {
		return s
	}
	return factSystem{id: string(b)}
}

// readOrgs reads every organisation, and then the population figures to
// keep each one's newest: joining them in SQL would compare the ids under
// two collations on PostgreSQL, where no index serves that.
func (r *factsReader) readOrgs() error {
	var id, name string
	var kind, country, region, vis sql.RawBytes
	err := eachRow(r.ctx, r.qr, `SELECT id, name, kind, country, COALESCE(region, ''), visibility FROM organizations ORDER BY id`, nil,
		func(row rowScanner) error {
			if err := row.Scan(&id, &name, &kind, &country, &region, &vis); err != nil {
				return err
			}
			r.orgs[id] = id
			r.f.Orgs = append(r.f.Orgs, opportunity.Org{ID: id, Name: name, Kind: samspil.OrgKind(r.word(kind)), Country: r.word(country),
				Region: r.word(region), Visibility: samspil.Visibility(r.word(vis))})
			return nil
		})
	if err != nil {
		return err
	}
	at := make(map[string]int, len(r.f.Orgs))
	for i := range r.f.Orgs {
		at[r.f.Orgs[i].ID] = i
	}
	year := make([]int, len(r.f.Orgs)) // of the figure kept
	var org sql.RawBytes
	var y, n int
	return eachRow(r.ctx, r.qr, `SELECT organization_id, year, inhabitants FROM organization_populations`, nil, func(row rowScanner) error {
		if err := row.Scan(&org, &y, &n); err != nil {
			return err
		}
		if i, ok := at[string(org)]; ok && (year[i] == 0 || y > year[i]) {
			year[i], r.f.Orgs[i].Population = y, n
		}
		return nil
	})
}

// readSystems reads the id and name of every catalogue entry, which the
// usages and contracts refer to.
func (r *factsReader) readSystems() error {
	var id, name string
	return eachRow(r.ctx, r.qr, `SELECT id, name FROM systems`, nil, func(row rowScanner) error {
		if err := row.Scan(&id, &name); err != nil {
			return err
		}
		r.systems[id] = factSystem{id: id, name: name}
		return nil
	})
}

// readUsages reads every usage that is not retired, by organisation and
// system, into a list sized by a count first: at European scale the list
// is the largest of the facts, and growing it by appending would hold it
// twice for a moment.
func (r *factsReader) readUsages() error {
	var n int // the retired ones too: counting the others would read every row twice
	if err := r.qr.QueryRowContext(r.ctx, `SELECT COUNT(*) FROM usages`).Scan(&n); err != nil {
		return err
	}
	r.f.Usages = make([]opportunity.Usage, 0, n)
	var org, sys, lifecycle, vis sql.RawBytes
	var q query
	return eachRow(r.ctx, r.qr, `SELECT organization_id, system_id, lifecycle, visibility FROM usages
		WHERE lifecycle <> `+q.arg(samspil.LifecycleRetired)+` ORDER BY organization_id, system_id`, q.args, func(row rowScanner) error {
		if err := row.Scan(&org, &sys, &lifecycle, &vis); err != nil {
			return err
		}
		s := r.system(sys)
		r.f.Usages = append(r.f.Usages, opportunity.Usage{OrgID: r.org(org), SystemID: s.id, SystemName: s.name,
			Lifecycle: samspil.Lifecycle(r.word(lifecycle)), Visibility: samspil.Visibility(r.word(vis))})
		return nil
	})
}

// readContracts reads every contract that has not ended (neither
// terminated nor expired on today) and computes its next decision date and
// last notice date for today (samspil.Deadlines.NextDecisionDate and
// LastNoticeDate); then the systems they cover.
//
// Computing the deadlines costs about as much as reading the row, so
// workers compute them for batches of rows while the rows are read, and
// the batches are collected in the order they were read.
func (r *factsReader) readContracts() error {
	var q query
	where := ` WHERE terminated_on IS NULL OR terminated_on >= ` + q.arg(r.today)
	var n int
	if err := r.qr.QueryRowContext(r.ctx, `SELECT COUNT(*) FROM contracts`+where, q.args...).Scan(&n); err != nil {
		return err
	}
	r.f.Contracts = make([]opportunity.Contract, 0, n)
	var slab factSlab
	workers := max(runtime.GOMAXPROCS(0)-1, 1)
	work, ordered := make(chan *contractBatch, workers), make(chan *contractBatch, 2*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				b.compute(r.today)
			}
		}()
	}
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		for b := range ordered {
			<-b.done
			for i := range b.rows {
				if b.keep[i] {
					c := b.rows[i]
					c.NextDecision, c.NoticeBy = slab.date(b.decision[i]), slab.date(b.notice[i])
					r.f.Contracts = append(r.f.Contracts, c)
				}
			}
		}
	}()
	b := newContractBatch()
	send := func() {
		work <- b
		ordered <- b
		b = newContractBatch()
	}

	d := func(col string) string { return dateColumn(r.engine, col) }
	var (
		id, org, vis, rule                     sql.RawBytes
		start, expiry, irrevocable, terminated nullDate
		t                                      samspil.ContractTerms
	)
	err := eachRow(r.ctx, r.qr, `SELECT id, organization_id, visibility, `+d("start_date")+`, duration_months, `+d("expiry")+`, `+
		d("irrevocable_until")+`, extension_count, extension_months, extensions_used, notice_months, notice_rule, `+d("terminated_on")+`
		FROM contracts`+where+` ORDER BY id`, q.args, func(row rowScanner) error {
		if err := row.Scan(&id, &org, &vis, &start, &t.DurationMonths, &expiry, &irrevocable, &t.ExtensionCount,
			&t.ExtensionMonths, &t.ExtensionsUsed, &t.NoticeMonths, &rule, &terminated); err != nil {
			return err
		}
		t.Start, t.Expiry, t.IrrevocableUntil, t.TerminatedOn = start.D, expiry.Ptr(), irrevocable.Ptr(), terminated.Ptr()
		t.NoticeRule = samspil.NoticeRule(r.word(rule))
		b.rows = append(b.rows, opportunity.Contract{ID: string(id), OrgID: r.org(org), Visibility: samspil.Visibility(r.word(vis))})
		b.terms = append(b.terms, t)
		if len(b.rows) == contractBatchSize {
			send()
		}
		return nil
	})
	send()
	close(work)
	close(ordered)
	wg.Wait()
	<-collected
	if err != nil {
		return err
	}
	if c := r.f.Contracts; len(c) < cap(c)*3/4 {
		// Many had expired: keep no more room than the contracts need.
		r.f.Contracts = slices.Clone(c)
	}
	return r.readContractSystems(&slab)
}

const contractBatchSize = 1024

// contractBatch is contracts read in a row and their terms, for which a
// worker computes the deadlines.
type contractBatch struct {
	rows             []opportunity.Contract
	terms            []samspil.ContractTerms
	keep             []bool // not ended
	decision, notice []*samspil.Date
	done             chan struct{}
}

func newContractBatch() *contractBatch {
	return &contractBatch{rows: make([]opportunity.Contract, 0, contractBatchSize), terms: make([]samspil.ContractTerms, 0, contractBatchSize),
		done: make(chan struct{})}
}

// compute computes the deadlines of the batch on today and says it is done.
func (b *contractBatch) compute(today samspil.Date) {
	defer close(b.done)
	b.keep, b.decision, b.notice = make([]bool, len(b.rows)), make([]*samspil.Date, len(b.rows)), make([]*samspil.Date, len(b.rows))
	for i := range b.terms {
		dl := b.terms[i].Deadlines(today)
		b.keep[i] = dl.Status != samspil.ContractTerminated && dl.Status != samspil.ContractExpired
		b.decision[i], b.notice[i] = dl.NextDecisionDate, dl.LastNoticeDate
	}
}

// readContractSystems gives the contracts read the ids of the systems they
// cover, sorted. The rows come grouped by contract (contractFinder).
func (r *factsReader) readContractSystems(slab *factSlab) error {
	cs := r.f.Contracts
	finder := contractFinder{cs: cs}
	var contract, sys sql.RawBytes
	var cur []byte // the contract of the group being read
	at, found := 0, false
	var ids []string
	flush := func() {
		if found && len(ids) > 0 {
			slices.Sort(ids)
			cs[at].SystemIDs = slab.strings(ids)
		}
		ids = ids[:0]
	}
	err := eachRow(r.ctx, r.qr, `SELECT contract_id, system_id FROM contract_systems ORDER BY contract_id, system_id`, nil, func(row rowScanner) error {
		if err := row.Scan(&contract, &sys); err != nil {
			return err
		}
		if cur == nil || string(contract) != string(cur) {
			flush()
			cur = append(cur[:0], contract...)
			at, found = finder.find(contract)
		}
		if found {
			ids = append(ids, r.system(sys).id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	flush()
	return nil
}

// contractFinder finds the contracts of rows that come grouped by
// contract id, in the database's order of the ids, among contracts sorted
// as Go compares strings. When the database orders the ids as Go does (as
// it does for the store's ids), the contracts are walked once; a group out
// of that order is found by a binary search.
type contractFinder struct {
	cs  []opportunity.Contract
	pos int    // the contracts before pos have ids below top
	top []byte // the highest id asked for so far
}

// find returns the index of the contract with the id, and whether there is
// one.
func (f *contractFinder) find(id []byte) (int, bool) {
	if string(id) <= string(f.top) {
		return slices.BinarySearchFunc(f.cs, string(id), func(c opportunity.Contract, id string) int { return strings.Compare(c.ID, id) })
	}
	f.top = append(f.top[:0], id...)
	for f.pos < len(f.cs) && f.cs[f.pos].ID < string(id) {
		f.pos++
	}
	return f.pos, f.pos < len(f.cs) && f.cs[f.pos].ID == string(id)
}

// factSlab hands out the dates and id lists of contracts from large
// blocks instead of one allocation each.
type factSlab struct {
	dates []samspil.Date
	ids   []string
}

const factSlabBlock = 1 << 14

// date returns a pointer to a copy of *d in a block, nil for nil.
func (s *factSlab) date(d *samspil.Date) *samspil.Date {
	if d == nil {
		return nil
	}
	if len(s.dates) == cap(s.dates) {
		s.dates = make([]samspil.Date, 0, factSlabBlock)
	}
	s.dates = append(s.dates, *d)
	return &s.dates[len(s.dates)-1]
}

// strings returns a copy of ids in a block (capped, so that appending to
// it never writes into the block), nil for none.
func (s *factSlab) strings(ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	if cap(s.ids)-len(s.ids) < len(ids) {
		s.ids = make([]string, 0, max(factSlabBlock, len(ids)))
	}
	i := len(s.ids)
	s.ids = append(s.ids, ids...)
	return s.ids[i:len(s.ids):len(s.ids)]
}

// readPartners reads, for every organisation at once, the organisations
// that see what it shares with partners on today: the rule of partnersOf
// turned around. An organisation O is a partner of X when both are members
// on today of a collaboration running on today (memberships exist only
// once accepted) and O has not excluded that collaboration from making
// partners. An organisation is not listed as its own partner.
func (r *factsReader) readPartners() error {
	var q query
	d := q.arg(r.today)
	var owner, viewer sql.RawBytes
	var last string // the owner being read
	err := eachRow(r.ctx, r.qr, `SELECT DISTINCT m2.organization_id, m1.organization_id FROM collaboration_members m1
		JOIN collaboration_members m2 ON m2.collaboration_id = m1.collaboration_id AND m2.organization_id <> m1.organization_id
		JOIN collaborations c ON c.id = m1.collaboration_id
		WHERE m1.since <= `+d+` AND (m1.until IS NULL OR m1.until >= `+d+`)
		AND m2.since <= `+d+` AND (m2.until IS NULL OR m2.until >= `+d+`)
		AND c.start_date <= `+d+` AND (c.end_date IS NULL OR c.end_date >= `+d+`)
		AND NOT EXISTS (SELECT 1 FROM partner_exclusions pe WHERE pe.organization_id = m2.organization_id AND pe.collaboration_id = c.id)
		ORDER BY m2.organization_id, m1.organization_id`, q.args, func(row rowScanner) error {
		if err := row.Scan(&owner, &viewer); err != nil {
			return err
		}
		if last != string(owner) {
			last = r.org(owner)
		}
		r.f.Partners[last] = append(r.f.Partners[last], r.org(viewer))
		return nil
	})
	// The database orders by its collation; the lists are sorted as Go
	// compares strings, which is what a binary search in them needs.
	for _, vs := range r.f.Partners {
		if !slices.IsSorted(vs) {
			slices.Sort(vs)
		}
	}
	return err
}

// readTogether reads, for every pair of organisations, the collaborations
// both are members of on today (running on today) and the initiatives both
// take part in (pledged, voluntary or binding; the owner takes part), one
// grouped query each, and merges them into pairs A < B.
func (r *factsReader) readTogether() error {
	var pairs []opportunity.Together
	read := func(sqlText string, args []any, initiatives bool) error {
		var a, b sql.RawBytes
		var n int
		return eachRow(r.ctx, r.qr, sqlText, args, func(row rowScanner) error {
			if err := row.Scan(&a, &b, &n); err != nil {
				return err
			}
			p := opportunity.Together{A: r.org(a), B: r.org(b)}
			if p.B < p.A { // the database's collation may order otherwise than Go
				p.A, p.B = p.B, p.A
			}
			if initiatives {
				p.Initiatives = n
			} else {
				p.Collaborations = n
			}
			pairs = append(pairs, p)
			return nil
		})
	}
	var q query
	d := q.arg(r.today)
	err := read(`SELECT m1.organization_id, m2.organization_id, COUNT(DISTINCT m1.collaboration_id) FROM collaboration_members m1
		JOIN collaboration_members m2 ON m2.collaboration_id = m1.collaboration_id AND m1.organization_id < m2.organization_id
		JOIN collaborations c ON c.id = m1.collaboration_id
		WHERE m1.since <= `+d+` AND (m1.until IS NULL OR m1.until >= `+d+`)
		AND m2.since <= `+d+` AND (m2.until IS NULL OR m2.until >= `+d+`)
		AND c.start_date <= `+d+` AND (c.end_date IS NULL OR c.end_date >= `+d+`)
		GROUP BY m1.organization_id, m2.organization_id`, q.args, false)
	if err != nil {
		return err
	}
	var q2 query
	states := []string{string(samspil.ParticipationPledged), string(samspil.ParticipationVoluntary), string(samspil.ParticipationBinding)}
	err = read(`WITH p AS (SELECT initiative_id, organization_id FROM initiative_participations WHERE state IN `+q2.in(states)+`
		UNION SELECT id, owner_id FROM initiatives)
		SELECT p1.organization_id, p2.organization_id, COUNT(*) FROM p p1
		JOIN p p2 ON p2.initiative_id = p1.initiative_id AND p1.organization_id < p2.organization_id
		GROUP BY p1.organization_id, p2.organization_id`, q2.args, true)
	if err != nil {
		return err
	}
	slices.SortFunc(pairs, func(x, y opportunity.Together) int {
		if c := strings.Compare(x.A, y.A); c != 0 {
			return c
		}
		return strings.Compare(x.B, y.B)
	})
	out := pairs[:0]
	for _, p := range pairs {
		if k := len(out) - 1; k >= 0 && out[k].A == p.A && out[k].B == p.B {
			out[k].Collaborations += p.Collaborations
			out[k].Initiatives += p.Initiatives
			continue
		}
		out = append(out, p)
	}
	r.f.Together = slices.Clip(out)
	return nil
}
