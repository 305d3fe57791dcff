package sqldb

import (
	"context"
	"database/sql"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/opportunity"
)

var _ opportunity.Source = (*DB)(nil)

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
	f := &opportunity.Facts{Partners: map[string][]string{}}
	if err := db.opportunityFacts(ctx, actor, today, "", true, f); err != nil {
		return nil, err
	}
	return f, nil
}

// OpportunityFactsInto reads what OpportunityFacts reads into a sink,
// row by row, so that the index is built without the facts ever being
// held at once.
func (db *DB) OpportunityFactsInto(ctx context.Context, actor *samspil.Actor, today samspil.Date, sink opportunity.Sink) error {
	return db.opportunityFacts(ctx, actor, today, "", true, sink)
}

// OpportunityFactsOf reads the facts of one organisation, to update the
// index after it changed: the organisation, its usages and its live
// contracts as OpportunityFacts reads them; with relations, also the
// catalogue, who sees what each organisation shares with partners and
// which work together (these concern every organisation). An organisation
// that does not exist gives facts without it.
func (db *DB) OpportunityFactsOf(ctx context.Context, actor *samspil.Actor, today samspil.Date, orgID string, relations bool) (*opportunity.Facts, error) {
	if orgID == "" {
		return nil, samspil.ErrorAt(samspil.EINVALID, "organization_id", "is required")
	}
	f := &opportunity.Facts{}
	if relations {
		f.Partners = map[string][]string{}
	}
	if err := db.opportunityFacts(ctx, actor, today, orgID, relations, f); err != nil {
		return nil, err
	}
	return f, nil
}

// OpportunityRelations reads the catalogue, the partners of every
// organisation and which organisations work together, as OpportunityFacts
// does, without any organisation's landscape.
func (db *DB) OpportunityRelations(ctx context.Context, actor *samspil.Actor, today samspil.Date) (*opportunity.Facts, error) {
	f := &opportunity.Facts{Partners: map[string][]string{}}
	if err := db.opportunityFacts(ctx, actor, today, "-", true, f); err != nil {
		return nil, err
	}
	return f, nil
}

// opportunityFacts reads the facts of every organisation (org ""), of one,
// or of none ("-"), and with relations the catalogue, partners and pairs
// working together, into the sink.
func (db *DB) opportunityFacts(ctx context.Context, actor *samspil.Actor, today samspil.Date, org string, relations bool, sink opportunity.Sink) error {
	if actor == nil || actor.Kind != samspil.ActorSystem {
		return samspil.Errorf(samspil.EFORBIDDEN, "only the system reads the facts of the opportunity index")
	}
	if today.IsZero() {
		return samspil.ErrorAt(samspil.EINVALID, "today", "is required")
	}
	var opts *sql.TxOptions
	if db.engine == Postgres {
		// One snapshot for every query; SQLite's read transaction is one.
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	r := &factsReader{ctx: ctx, qr: tx, engine: db.engine, today: today, only: org, sink: sink, catalogue: relations,
		words: map[string]string{}, orgs: map[string]string{}, systems: map[string]factSystem{}}
	steps := []func() error{r.readSystems}
	if org != "-" {
		steps = append(steps, r.readOrgs, r.readUsages, r.readContracts)
	}
	if relations {
		steps = append(steps, r.readPartners, r.readTogether)
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// factsReader reads the facts in one transaction and keeps one copy of
// every repeated string.
type factsReader struct {
	ctx    context.Context
	qr     querier
	engine Engine
	today  samspil.Date
	only   string // the one organisation to read, or "" for all
	sink   opportunity.Sink
	// catalogue says whether the catalogue goes to the sink; it is read
	// anyway, to name the systems of the usages.
	catalogue bool

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
	var orgs []opportunity.Org
	var id, name string
	var kind, country, region, vis sql.RawBytes
	var q query
	where := ""
	if r.only != "" {
		where = " WHERE id = " + q.arg(r.only)
	}
	err := eachRow(r.ctx, r.qr, `SELECT id, name, kind, country, COALESCE(region, ''), visibility FROM organizations`+where+` ORDER BY id`, q.args,
		func(row rowScanner) error {
			if err := row.Scan(&id, &name, &kind, &country, &region, &vis); err != nil {
				return err
			}
			r.orgs[id] = id
			orgs = append(orgs, opportunity.Org{ID: id, Name: name, Kind: samspil.OrgKind(r.word(kind)), Country: r.word(country),
				Region: r.word(region), Visibility: samspil.Visibility(r.word(vis))})
			return nil
		})
	if err != nil {
		return err
	}
	at := make(map[string]int, len(orgs))
	for i := range orgs {
		at[orgs[i].ID] = i
	}
	year := make([]int, len(orgs)) // of the figure kept
	var org sql.RawBytes
	var y, n int
	var qp query
	where = ""
	if r.only != "" {
		where = " WHERE organization_id = " + qp.arg(r.only)
	}
	err = eachRow(r.ctx, r.qr, `SELECT organization_id, year, inhabitants FROM organization_populations`+where, qp.args, func(row rowScanner) error {
		if err := row.Scan(&org, &y, &n); err != nil {
			return err
		}
		if i, ok := at[string(org)]; ok && (year[i] == 0 || y > year[i]) {
			year[i], orgs[i].Population = y, n
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, o := range orgs {
		r.sink.AddOrg(o)
	}
	return nil
}

// readSystems reads every catalogue entry with its category and KLE
// tasks, which the usages and contracts refer to.
func (r *factsReader) readSystems() error {
	var systems []opportunity.System
	var id, name string
	var cat sql.RawBytes
	err := eachRow(r.ctx, r.qr, `SELECT id, name, category FROM systems ORDER BY id`, nil, func(row rowScanner) error {
		if err := row.Scan(&id, &name, &cat); err != nil {
			return err
		}
		r.systems[id] = factSystem{id: id, name: name}
		systems = append(systems, opportunity.System{ID: id, Name: name, Category: r.word(cat)})
		return nil
	})
	if err != nil || !r.catalogue {
		return err
	}
	at := make(map[string]int, len(systems))
	for i := range systems {
		at[systems[i].ID] = i
	}
	var sys, code sql.RawBytes
	err = eachRow(r.ctx, r.qr, `SELECT system_id, code FROM system_tasks ORDER BY system_id, code`, nil, func(row rowScanner) error {
		if err := row.Scan(&sys, &code); err != nil {
			return err
		}
		if i, ok := at[string(sys)]; ok {
			systems[i].Tasks = append(systems[i].Tasks, r.word(code))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, x := range systems {
		r.sink.AddSystem(x)
	}
	return nil
}

// readUsages reads every usage that is not retired, by organisation and
// system, straight into the sink. The few usages that change their
// system's KLE tasks get their changes, read first.
func (r *factsReader) readUsages() error {
	var q query
	where := " WHERE "
	if r.only != "" {
		where += "organization_id = " + q.arg(r.only) + " AND "
	}
	changes := map[string][]samspil.TaskChange{}
	var usage, code sql.RawBytes
	var optOut bool
	var qt query
	tasksWhere := ""
	if r.only != "" {
		tasksWhere = " WHERE usage_id IN (SELECT id FROM usages WHERE organization_id = " + qt.arg(r.only) + ")"
	}
	err := eachRow(r.ctx, r.qr, `SELECT usage_id, code, opt_out FROM usage_tasks`+tasksWhere+` ORDER BY usage_id, code`, qt.args, func(row rowScanner) error {
		if err := row.Scan(&usage, &code, &optOut); err != nil {
			return err
		}
		changes[string(usage)] = append(changes[string(usage)], samspil.TaskChange{Code: r.word(code), OptOut: optOut})
		return nil
	})
	if err != nil {
		return err
	}
	var id, org, sys, lifecycle, vis sql.RawBytes
	return eachRow(r.ctx, r.qr, `SELECT id, organization_id, system_id, lifecycle, visibility FROM usages
		`+where+`lifecycle <> `+q.arg(samspil.LifecycleRetired)+` ORDER BY organization_id, system_id`, q.args, func(row rowScanner) error {
		if err := row.Scan(&id, &org, &sys, &lifecycle, &vis); err != nil {
			return err
		}
		s := r.system(sys)
		r.sink.AddUsage(opportunity.Usage{OrgID: r.org(org), SystemID: s.id, SystemName: s.name,
			Lifecycle: samspil.Lifecycle(r.word(lifecycle)), Visibility: samspil.Visibility(r.word(vis)), TaskChanges: changes[string(id)]})
		return nil
	})
}

// readContracts reads every contract that has not ended (neither
// terminated nor expired on today) with the systems it covers, computes
// its next decision date and last notice date for today
// (samspil.Deadlines.NextDecisionDate and LastNoticeDate), and gives it to
// the sink. One query joins the systems: its rows come grouped by
// contract.
//
// Computing the deadlines costs about as much as reading the row, so
// workers compute them for batches of contracts while the rows are read,
// and the batches go to the sink in the order they were read.
func (r *factsReader) readContracts() error {
	var q query
	where := ` WHERE (c.terminated_on IS NULL OR c.terminated_on >= ` + q.arg(r.today) + `)`
	if r.only != "" {
		where += ` AND c.organization_id = ` + q.arg(r.only)
	}
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
					c.NextDecision, c.NoticeBy = b.decision[i], b.notice[i]
					r.sink.AddContract(c)
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

	d := func(col string) string { return dateColumn(r.engine, "c."+col) }
	var (
		id, org, vis, rule                     sql.RawBytes
		sys                                    sql.NullString
		start, expiry, irrevocable, terminated nullDate
		t                                      samspil.ContractTerms
	)
	var last []byte // the id of the contract being read
	err := eachRow(r.ctx, r.qr, `SELECT c.id, c.organization_id, c.visibility, `+d("start_date")+`, c.duration_months, `+d("expiry")+`, `+
		d("irrevocable_until")+`, c.extension_count, c.extension_months, c.extensions_used, c.notice_months, c.notice_rule, `+d("terminated_on")+`,
		cs.system_id FROM contracts c LEFT JOIN contract_systems cs ON cs.contract_id = c.id`+where+` ORDER BY c.id, cs.system_id`, q.args,
		func(row rowScanner) error {
			if err := row.Scan(&id, &org, &vis, &start, &t.DurationMonths, &expiry, &irrevocable, &t.ExtensionCount,
				&t.ExtensionMonths, &t.ExtensionsUsed, &t.NoticeMonths, &rule, &terminated, &sys); err != nil {
				return err
			}
			if last != nil && string(id) == string(last) { // another system of the same contract
				if sys.Valid {
					c := &b.rows[len(b.rows)-1]
					c.SystemIDs = append(c.SystemIDs, r.system([]byte(sys.String)).id)
				}
				return nil
			}
			if len(b.rows) == contractBatchSize {
				send()
			}
			last = append(last[:0], id...)
			t.Start, t.Expiry, t.IrrevocableUntil, t.TerminatedOn = start.D, expiry.Ptr(), irrevocable.Ptr(), terminated.Ptr()
			t.NoticeRule = samspil.NoticeRule(r.word(rule))
			c := opportunity.Contract{ID: string(id), OrgID: r.org(org), Visibility: samspil.Visibility(r.word(vis))}
			if sys.Valid {
				c.SystemIDs = []string{r.system([]byte(sys.String)).id}
			}
			b.rows = append(b.rows, c)
			b.terms = append(b.terms, t)
			return nil
		})
	send()
	close(work)
	close(ordered)
	wg.Wait()
	<-collected
	return err
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

// compute computes the deadlines of the batch on today and says it is
// done. The contracts' system ids are sorted as Go compares strings (the
// database may collate otherwise).
func (b *contractBatch) compute(today samspil.Date) {
	defer close(b.done)
	b.keep, b.decision, b.notice = make([]bool, len(b.rows)), make([]*samspil.Date, len(b.rows)), make([]*samspil.Date, len(b.rows))
	for i := range b.terms {
		dl := b.terms[i].Deadlines(today)
		b.keep[i] = dl.Status != samspil.ContractTerminated && dl.Status != samspil.ContractExpired
		b.decision[i], b.notice[i] = dl.NextDecisionDate, dl.LastNoticeDate
		slices.Sort(b.rows[i].SystemIDs)
	}
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
	partners := map[string][]string{}
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
		partners[last] = append(partners[last], r.org(viewer))
		return nil
	})
	// The database orders by its collation; the lists are sorted as Go
	// compares strings, which is what a binary search in them needs.
	if err != nil {
		return err
	}
	for owner, vs := range partners {
		if !slices.IsSorted(vs) {
			slices.Sort(vs)
		}
		r.sink.AddPartners(owner, vs)
	}
	return nil
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
	for _, p := range out {
		r.sink.AddTogether(p)
	}
	return nil
}

// OpportunityChanges reads the audit events written after since (by the
// time they carry), oldest first, at most limit (1 to 10,000), for the
// opportunity index to learn what changed on any instance. Only the
// system reads them.
func (db *DB) OpportunityChanges(ctx context.Context, actor *samspil.Actor, since time.Time, limit int) ([]opportunity.Change, error) {
	if actor == nil || actor.Kind != samspil.ActorSystem {
		return nil, samspil.Errorf(samspil.EFORBIDDEN, "only the system reads the changes for the opportunity index")
	}
	if limit < 1 || limit > 10000 {
		return nil, samspil.ErrorAt(samspil.EINVALID, "limit", "must be from 1 to 10000")
	}
	var q query
	var out []opportunity.Change
	err := eachRow(ctx, db.read, `SELECT id, time, COALESCE(organization_id, ''), object_type FROM audit_events WHERE time > `+q.arg(since.UTC())+
		` ORDER BY time, id LIMIT `+q.arg(limit), q.args, func(row rowScanner) error {
		var c opportunity.Change
		if err := row.Scan(&c.ID, &c.Time, &c.OrgID, &c.ObjectType); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	return out, err
}
