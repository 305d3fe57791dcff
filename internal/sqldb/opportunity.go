package sqldb

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

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
// usages): every kind of fact is one query, the usages and contracts in
// parts side by side (readInParts), all in read transactions that see one
// snapshot, so the facts are of one moment, streamed row by row; ids,
// names and enumerations repeated across rows share one string each. Every list is in the order of
// its ids (usages by organisation and system).
func (db *DB) OpportunityFacts(ctx context.Context, actor *samspil.Actor, today samspil.Date) (*opportunity.Facts, error) {
	f := &opportunity.Facts{Partners: map[string][]string{}}
	if err := db.opportunityFacts(ctx, actor, today, "", true, f); err != nil {
		return nil, err
	}
	sortFacts(f)
	return f, nil
}

// OpportunityFactsInto reads what OpportunityFacts reads into a sink,
// row by row, so that the index is built without the facts ever being
// held at once. The usages and contracts come in the order the database
// keeps them.
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
	sortFacts(f)
	return f, nil
}

// sortFacts puts the usages of facts read in the order of organisation
// and system, and the contracts in the order of their ids, as Go compares
// strings.
func sortFacts(f *opportunity.Facts) {
	slices.SortFunc(f.Usages, func(a, b opportunity.Usage) int {
		return cmp.Or(strings.Compare(a.OrgID, b.OrgID), strings.Compare(a.SystemID, b.SystemID))
	})
	slices.SortFunc(f.Contracts, func(a, b opportunity.Contract) int { return strings.Compare(a.ID, b.ID) })
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
	// The usages and contracts of every organisation are read in parts,
	// side by side, in transactions that see the same snapshot; the rest
	// in the first of them.
	parts := 1
	if org == "" {
		parts = db.factParts()
		if parts > 1 && db.engine == Postgres {
			parts++ // one more for the contracts (readInParts)
		}
	}
	txs, err := db.snapshotTxs(ctx, parts)
	if err != nil {
		return err
	}
	defer func() {
		for _, tx := range txs {
			tx.end()
		}
	}()
	r := &factsReader{ctx: ctx, qr: txs[0].qr, conn: txs[0].conn, engine: db.engine, today: today, only: org, sink: sink, catalogue: relations,
		words: map[string]string{}, orgs: map[string]string{}, systems: map[string]factSystem{}}
	steps := []func() error{r.readSystems}
	if org != "-" {
		steps = append(steps, r.readOrgs, r.readTaskChanges)
		if len(txs) > 1 {
			steps = append(steps, func() error { return r.readInParts(txs) })
		} else {
			steps = append(steps, r.readUsages, r.readContracts)
		}
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

// factParts is how many transactions read the usages and contracts of
// every organisation side by side: one a processor, at most 8, and on
// SQLite at most all but one of the read connections, so that pages are
// served while the index is built.
func (db *DB) factParts() int {
	n := min(runtime.GOMAXPROCS(0), 8)
	if opportunityParts > 0 {
		n = opportunityParts
	}
	if db.engine == SQLite {
		n = min(n, db.read.Stats().MaxOpenConnections-1)
	}
	return max(n, 1)
}

// opportunityParts, when not 0, is the number of parts factParts gives
// (for the tests).
var opportunityParts int

// snapshotTxs begins n read transactions that see the same state of the
// database. On SQLite a write transaction holds off every writer while
// each reader takes its snapshot (on its first read); on PostgreSQL the
// first exports its snapshot and the others import it.
func (db *DB) snapshotTxs(ctx context.Context, n int) (txs []*factTx, err error) {
	defer func() {
		if err != nil {
			for _, tx := range txs {
				tx.end()
			}
			txs = nil
		}
	}()
	if db.engine == SQLite {
		if n > 1 {
			w, err := db.write.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the write lock
			if err != nil {
				return nil, err
			}
			defer w.Rollback()
		}
		for range n {
			tx, err := db.read.BeginTx(ctx, nil)
			if err != nil {
				return txs, err
			}
			txs = append(txs, &factTx{qr: tx, end: func() { tx.Rollback() }})
			var x int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&x); err != nil {
				return txs, err
			}
		}
		return txs, nil
	}
	// On PostgreSQL each transaction is begun by hand on a connection of
	// its own, so that the rows can be read through pgx itself (factTx).
	var snapshot string
	for k := range n {
		conn, err := db.read.Conn(ctx)
		if err != nil {
			return txs, err
		}
		tx := &factTx{qr: conn, conn: conn, end: func() {
			// A connection left in a transaction is closed rather than
			// reused (pgx's ResetSession).
			conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`)
			conn.Close()
		}}
		txs = append(txs, tx)
		if _, err := conn.ExecContext(ctx, `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`); err != nil {
			return txs, err
		}
		switch {
		case n == 1:
		case k == 0:
			if err := conn.QueryRowContext(ctx, `SELECT pg_export_snapshot()`).Scan(&snapshot); err != nil {
				return txs, err
			}
			if !snapshotID.MatchString(snapshot) {
				return txs, fmt.Errorf("unexpected snapshot id %q", snapshot)
			}
		default:
			if _, err := conn.ExecContext(ctx, `SET TRANSACTION SNAPSHOT '`+snapshot+`'`); err != nil {
				return txs, err
			}
		}
	}
	return txs, nil
}

// factTx is a read transaction of opportunityFacts: on PostgreSQL on a
// connection of its own (conn), through which each reads its many rows
// with pgx itself (factsReader.each).
type factTx struct {
	qr   querier
	conn *sql.Conn // PostgreSQL
	end  func()    // rolls back and lets the connection go
}

// snapshotID is the form of PostgreSQL's snapshot ids (SET TRANSACTION
// SNAPSHOT takes no parameter).
var snapshotID = regexp.MustCompile(`^[0-9A-F]+-[0-9A-F]+(-[0-9A-F]+)?$`)

// readInParts reads the usages and the contracts of every organisation in
// parts, side by side, one transaction each: the usages in ranges of
// rowids (SQLite) or pages (PostgreSQL); on SQLite the contracts too, each
// after its range of usages, and on PostgreSQL all contracts in the last
// transaction, as grouping their systems once costs less than grouping
// them for each part. The parts hand their rows over in batches, and only
// this goroutine gives them to the sink.
func (r *factsReader) readInParts(txs []*factTx) error {
	usageTxs := len(txs)
	if r.engine == Postgres {
		usageTxs--
	}
	usageParts, err := r.ranges("usages", "u", usageTxs)
	if err != nil {
		return err
	}
	contractParts := []string{""} // all of them
	if r.engine == SQLite {
		if contractParts, err = r.ranges("contracts", "c", len(txs)); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithCancel(r.ctx)
	defer cancel()
	batches := make(chan *factBatch, 2*len(txs))
	errs := make([]error, len(txs))
	var wg sync.WaitGroup
	for k, tx := range txs {
		part := *r
		part.ctx, part.qr, part.conn, part.words = ctx, tx.qr, tx.conn, maps.Clone(r.words)
		sink := &batchSink{out: batches}
		part.sink = sink
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if k < len(usageParts) {
				part.part = usageParts[k]
				err = part.readUsages()
			}
			if c := k - (len(txs) - len(contractParts)); err == nil && c >= 0 {
				part.part = contractParts[c]
				err = part.readContracts()
			}
			sink.flush()
			if err != nil {
				errs[k] = err
				cancel()
			}
		}()
	}
	go func() {
		wg.Wait()
		close(batches)
	}()
	for b := range batches {
		for _, u := range b.usages {
			r.sink.AddUsage(u)
		}
		for _, c := range b.contracts {
			r.sink.AddContract(c)
		}
	}
	return errors.Join(errs...)
}

// ranges splits a table into n parts: conditions on its rows (named
// alias) that together take each row once.
func (r *factsReader) ranges(table, alias string, n int) ([]string, error) {
	var column, lo, hi string
	var first, last int64
	if r.engine == SQLite {
		// Rowids: a range is a range scan of the table.
		if err := r.qr.QueryRowContext(r.ctx, `SELECT COALESCE(min(rowid), 0), COALESCE(max(rowid), 0) FROM `+table).Scan(&first, &last); err != nil {
			return nil, err
		}
		column, lo, hi = alias+".rowid", "%d", "%d"
		last++
	} else {
		// Pages: a range of tuple ids is a range scan of the table's
		// pages (rows added later than the size was read are in the
		// last part, which has no end).
		if err := r.qr.QueryRowContext(r.ctx, `SELECT pg_relation_size('`+table+`') / current_setting('block_size')::bigint`).Scan(&last); err != nil {
			return nil, err
		}
		column, lo, hi = alias+".ctid", "'(%d,0)'::tid", "'(%d,0)'::tid"
	}
	out := make([]string, n)
	for k := range n {
		from, to := first+(last-first)*int64(k)/int64(n), first+(last-first)*int64(k+1)/int64(n)
		switch {
		case k == 0 && k == n-1:
			out[k] = "TRUE"
		case k == 0:
			out[k] = column + " < " + fmt.Sprintf(hi, to)
		case k == n-1:
			out[k] = column + " >= " + fmt.Sprintf(lo, from)
		default:
			out[k] = column + " >= " + fmt.Sprintf(lo, from) + " AND " + column + " < " + fmt.Sprintf(hi, to)
		}
	}
	return out, nil
}

// each runs a query of many rows in the reader's transaction and calls fn
// for each row. On PostgreSQL it reads through pgx itself, in text,
// without database/sql's conversions: the values are the bytes pgx
// received, valid until the next row (pgxRow).
func (r *factsReader) each(sqlText string, args []any, fn func(rowScanner) error) error {
	if r.conn == nil {
		return eachRow(r.ctx, r.qr, sqlText, args, fn)
	}
	return r.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("opportunity facts: a PostgreSQL connection of %T", dc)
		}
		rows, err := c.Conn().Query(r.ctx, sqlText, append([]any{pgx.QueryResultFormats{pgx.TextFormatCode}}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var row pgxRow
		for rows.Next() {
			row.values = rows.RawValues()
			if err := fn(&row); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// pgxRow is a row pgx received in text, scanned into the few kinds of
// destination the facts use.
type pgxRow struct{ values [][]byte }

func (p *pgxRow) Scan(dest ...any) error {
	if len(dest) != len(p.values) {
		return fmt.Errorf("%d columns scanned into %d destinations", len(p.values), len(dest))
	}
	for i, v := range p.values {
		var err error
		switch d := dest[i].(type) {
		case *sql.RawBytes:
			*d = v
		case *int:
			*d, err = strconv.Atoi(string(v))
		case *bool:
			*d = len(v) == 1 && v[0] == 't'
		case *nullDate:
			if v == nil {
				*d = nullDate{}
			} else {
				d.Valid = true
				err = d.D.UnmarshalText(v)
			}
		default:
			err = fmt.Errorf("cannot scan into %T", d)
		}
		if err != nil {
			return fmt.Errorf("column %d: %w", i+1, err)
		}
	}
	return nil
}

// factBatch is usages and contracts a part hands over.
type factBatch struct {
	usages    []opportunity.Usage
	contracts []opportunity.Contract
}

// batchSink gathers a part's usages and contracts in batches for the
// goroutine that gives them to the real sink.
type batchSink struct {
	out chan<- *factBatch
	b   *factBatch
}

const factBatchSize = 4096

func (s *batchSink) batch() *factBatch {
	if s.b == nil {
		s.b = &factBatch{}
	}
	return s.b
}

func (s *batchSink) flush() {
	if s.b != nil {
		s.out <- s.b
		s.b = nil
	}
}

func (s *batchSink) AddUsage(u opportunity.Usage) {
	b := s.batch()
	b.usages = append(b.usages, u)
	if len(b.usages) == factBatchSize {
		s.flush()
	}
}

func (s *batchSink) AddContract(c opportunity.Contract) {
	b := s.batch()
	b.contracts = append(b.contracts, c)
	if len(b.contracts) == factBatchSize {
		s.flush()
	}
}

// The parts read only usages and contracts.
func (s *batchSink) AddSystem(opportunity.System)     {}
func (s *batchSink) AddOrg(opportunity.Org)           {}
func (s *batchSink) AddPartners(string, []string)     {}
func (s *batchSink) AddTogether(opportunity.Together) {}

// factsReader reads the facts in one transaction and keeps one copy of
// every repeated string.
type factsReader struct {
	ctx    context.Context
	qr     querier
	conn   *sql.Conn // on PostgreSQL, the connection of qr (each)
	engine Engine
	today  samspil.Date
	only   string // the one organisation to read, or "" for all
	// part is a condition on the rows of the usages (u) or contracts (c)
	// to read, when they are read in parts (readInParts).
	part string
	// changes are the usages' task changes, by organisation and system.
	changes map[orgSystem][]samspil.TaskChange
	sink    opportunity.Sink
	// catalogue says whether the catalogue goes to the sink; it is read
	// anyway, to name the systems of the usages.
	catalogue bool

	words map[string]string // kinds, countries, regions, lifecycles, visibilities, notice rules
	// The last word and organisation id found (word, org).
	lastWord, lastOrg string
	orgs              map[string]string     // organisation ids
	systems           map[string]factSystem // catalogue entries by id
}

type factSystem struct{ id, name string }

// word returns the one copy of a short repeated string. The last one
// found is tried first: rows in a row mostly share them.
func (r *factsReader) word(b []byte) string {
	if string(b) == r.lastWord {
		return r.lastWord
	}
	s, ok := r.words[string(b)]
	if !ok {
		s = string(b)
		r.words[s] = s
	}
	r.lastWord = s
	return s
}

// org returns the one copy of an organisation id, trying first the last
// one found: an organisation's records mostly lie together.
func (r *factsReader) org(b []byte) string {
	if string(b) == r.lastOrg {
		return r.lastOrg
	}
	if s, ok := r.orgs[string(b)]; ok {
		r.lastOrg = s
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

// readTaskChanges reads the task changes of the few usages that change
// their system's KLE tasks, keyed by organisation and system (a usage is
// unique by them), so that the usages themselves are read without their
// ids.
func (r *factsReader) readTaskChanges() error {
	r.changes = map[orgSystem][]samspil.TaskChange{}
	var org, sys, code sql.RawBytes
	var optOut bool
	var q query
	where := " WHERE u.lifecycle <> " + q.arg(samspil.LifecycleRetired)
	if r.only != "" {
		where += " AND u.organization_id = " + q.arg(r.only)
	}
	// Unordered, so that the few changes lead the join rather than every
	// usage; each usage's are sorted by code after.
	err := eachRow(r.ctx, r.qr, `SELECT u.organization_id, u.system_id, t.code, t.opt_out FROM usage_tasks t JOIN usages u ON u.id = t.usage_id`+
		where, q.args, func(row rowScanner) error {
		if err := row.Scan(&org, &sys, &code, &optOut); err != nil {
			return err
		}
		k := orgSystem{r.org(org), r.system(sys).id}
		r.changes[k] = append(r.changes[k], samspil.TaskChange{Code: r.word(code), OptOut: optOut})
		return nil
	})
	for _, tc := range r.changes {
		slices.SortFunc(tc, func(a, b samspil.TaskChange) int { return strings.Compare(a.Code, b.Code) })
	}
	return err
}

type orgSystem struct{ org, sys string }

// readUsages reads every usage that is not retired (of r.part) straight
// into the sink, in the order the database keeps them (sorting 30 million
// rows costs more than the index's own sort by organisation), with their
// task changes (readTaskChanges).
func (r *factsReader) readUsages() error {
	var org, sys, vis sql.RawBytes
	var q query
	where := " WHERE u.lifecycle <> " + q.arg(samspil.LifecycleRetired)
	if r.only != "" {
		where += " AND u.organization_id = " + q.arg(r.only)
	}
	if r.part != "" {
		where += " AND " + r.part
	}
	return r.each(`SELECT u.organization_id, u.system_id, u.visibility FROM usages u`+where, q.args, func(row rowScanner) error {
		if err := row.Scan(&org, &sys, &vis); err != nil {
			return err
		}
		s := r.system(sys)
		u := opportunity.Usage{OrgID: r.org(org), SystemID: s.id, SystemName: s.name, Visibility: samspil.Visibility(r.word(vis))}
		if len(r.changes) > 0 {
			u.TaskChanges = r.changes[orgSystem{u.OrgID, u.SystemID}]
		}
		r.sink.AddUsage(u)
		return nil
	})
}

// readContracts reads every contract that has not ended (neither
// terminated nor expired on today) with the systems it covers, computes
// its next decision date and last notice date for today
// (samspil.Deadlines.NextDecisionDate and LastNoticeDate), and gives it to
// the sink. Each row is one contract with the ids of its systems joined by
// spaces (ids are UUIDs): on SQLite by a subquery per contract, which costs
// less than joining the rows and grouping them back; on PostgreSQL by
// grouping the systems once and hashing them onto the contracts.
//
// Computing the deadlines costs about as much as reading the row, so
// workers compute them for batches of contracts while the rows are read,
// and the batches go to the sink in the order they were read.
func (r *factsReader) readContracts() error {
	var q query
	where := ` WHERE (c.terminated_on IS NULL OR c.terminated_on >= ` + q.arg(r.today) + `)`
	d := func(col string) string { return dateColumn(r.engine, "c."+col) }
	columns := `SELECT c.id, c.organization_id, c.visibility, ` + d("start_date") + `, c.duration_months, ` + d("expiry") + `, ` +
		d("irrevocable_until") + `, c.extension_count, c.extension_months, c.extensions_used, c.extension_kind, c.notice_months, c.notice_rule, ` + d("terminated_on")
	var sqlText string
	if r.part != "" {
		where += " AND " + r.part
	}
	if r.engine == SQLite {
		if r.only != "" {
			where += ` AND c.organization_id = ` + q.arg(r.only)
		}
		sqlText = columns + `, (SELECT group_concat(cs.system_id, ' ') FROM contract_systems cs WHERE cs.contract_id = c.id) FROM contracts c` + where
	} else {
		of := ""
		switch {
		case r.only != "":
			org := q.arg(r.only)
			where += ` AND c.organization_id = ` + org
			of = ` WHERE contract_id IN (SELECT id FROM contracts WHERE organization_id = ` + org + `)`
		}
		sqlText = columns + `, s.systems FROM contracts c LEFT JOIN (SELECT contract_id, string_agg(system_id, ' ') AS systems FROM contract_systems` +
			of + ` GROUP BY contract_id) s ON s.contract_id = c.id` + where
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

	var (
		id, org, vis, kind, rule, systems      sql.RawBytes
		start, expiry, irrevocable, terminated nullDate
		t                                      samspil.ContractTerms
	)
	err := r.each(sqlText, q.args, func(row rowScanner) error {
		if err := row.Scan(&id, &org, &vis, &start, &t.DurationMonths, &expiry, &irrevocable, &t.ExtensionCount,
			&t.ExtensionMonths, &t.ExtensionsUsed, &kind, &t.NoticeMonths, &rule, &terminated, &systems); err != nil {
			return err
		}
		if len(b.rows) == contractBatchSize {
			send()
		}
		t.Start, t.Expiry, t.IrrevocableUntil, t.TerminatedOn = start.D, expiry.Ptr(), irrevocable.Ptr(), terminated.Ptr()
		t.NoticeRule, t.ExtensionKind = samspil.NoticeRule(r.word(rule)), samspil.ExtensionKind(r.word(kind))
		c := opportunity.Contract{ID: string(id), OrgID: r.org(org), Visibility: samspil.Visibility(r.word(vis))}
		for rest := systems; len(rest) > 0; {
			sys := rest
			if i := bytes.IndexByte(rest, ' '); i >= 0 {
				sys, rest = rest[:i], rest[i+1:]
			} else {
				rest = nil
			}
			c.SystemIDs = append(c.SystemIDs, r.system(sys).id)
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
		dl := b.terms[i].DeadlineDates(today)
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
