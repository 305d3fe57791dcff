package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// readPool is the pool every read goes through. It can show each query to
// a tracer: the test of the query plans uses it to learn what the pages
// and the API run. Without a tracer it costs one atomic load per query.
type readPool struct {
	*sql.DB
	tracer atomic.Pointer[func(query string, args []any)]

	// On SQLite, prepared statements by their text: database/sql prepares
	// a query anew each time, and SQLite's parser costs as much as running
	// a short list query. PostgreSQL's driver caches them itself.
	cacheStmts bool
	stmtMu     sync.RWMutex
	stmts      map[string]*sql.Stmt
}

// stmtCacheMax bounds the prepared statements kept; queries beyond it are
// prepared each time.
const stmtCacheMax = 2000

// stmt returns the prepared statement of query, or nil.
func (p *readPool) stmt(ctx context.Context, query string) *sql.Stmt {
	if !p.cacheStmts {
		return nil
	}
	p.stmtMu.RLock()
	st, ok := p.stmts[query]
	p.stmtMu.RUnlock()
	if ok {
		return st
	}
	p.stmtMu.Lock()
	defer p.stmtMu.Unlock()
	if st, ok := p.stmts[query]; ok {
		return st
	}
	if len(p.stmts) >= stmtCacheMax {
		return nil
	}
	st, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil // the query itself will report the error
	}
	if p.stmts == nil {
		p.stmts = map[string]*sql.Stmt{}
	}
	p.stmts[query] = st
	return st
}

func (p *readPool) trace(query string, args []any) {
	if t := p.tracer.Load(); t != nil {
		(*t)(query, args)
	}
}

func (p *readPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	p.trace(query, args)
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

func (p *readPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	p.trace(query, args)
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

// Close closes the prepared statements and the pool.
func (p *readPool) Close() error {
	p.stmtMu.Lock()
	for _, st := range p.stmts {
		st.Close()
	}
	p.stmts = nil
	p.stmtMu.Unlock()
	return p.DB.Close()
}

// TraceReads shows every read query and its arguments to fn, until it is
// called again (with nil to stop). It serves tests and diagnostics.
func (db *DB) TraceReads(fn func(query string, args []any)) {
	if fn == nil {
		db.read.tracer.Store(nil)
		return
	}
	db.read.tracer.Store(&fn)
}

// FullScans returns the tables a query reads in full (a table scan, or a
// walk through a whole index), according to the engine's plan. On
// PostgreSQL sequential scans are disabled for the EXPLAIN, so that a scan
// in the plan means that no index serves the query, whatever the size of
// the tables.
func (db *DB) FullScans(ctx context.Context, query string, args []any) ([]string, error) {
	if db.engine == SQLite {
		return db.sqliteFullScans(ctx, query, args)
	}
	return db.postgresFullScans(ctx, query, args)
}

var reTableAlias = regexp.MustCompile(`(?i)\b(?:FROM|JOIN)\s+([a-z_]+)(?:\s+(?:AS\s+)?([a-z_]+))?`)

// tableAliases maps the aliases of a query (and the table names) to tables.
func tableAliases(query string) map[string]string {
	out := map[string]string{}
	for _, m := range reTableAlias.FindAllStringSubmatch(query, -1) {
		out[m[1]] = m[1]
		switch alias := strings.ToLower(m[2]); alias {
		case "", "where", "on", "join", "left", "inner", "order", "group", "limit", "using", "cross", "union":
		default:
			out[m[2]] = m[1]
		}
	}
	return out
}

// reSQLiteScan matches a full scan in SQLite's plan: "SCAN c" or "SCAN c
// USING INDEX x", but not "SEARCH c USING INDEX x (col=?)".
var reSQLiteScan = regexp.MustCompile(`^SCAN ([a-z_]+)\b`)

func (db *DB) sqliteFullScans(ctx context.Context, query string, args []any) ([]string, error) {
	rows, err := db.read.DB.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	aliases := tableAliases(query)
	var out []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return nil, err
		}
		if m := reSQLiteScan.FindStringSubmatch(detail); m != nil {
			if table, ok := aliases[m[1]]; ok && !slices.Contains(out, table) {
				out = append(out, table)
			}
		}
	}
	return out, rows.Err()
}

type pgPlanNode struct {
	NodeType     string       `json:"Node Type"`
	RelationName string       `json:"Relation Name"`
	IndexCond    string       `json:"Index Cond"`
	Plans        []pgPlanNode `json:"Plans"`
}

func (db *DB) postgresFullScans(ctx context.Context, query string, args []any) ([]string, error) {
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
		return nil, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "RESET enable_seqscan")
	var raw []byte
	if err := conn.QueryRowContext(ctx, "EXPLAIN (FORMAT JSON) "+query, args...).Scan(&raw); err != nil {
		return nil, err
	}
	var plans []struct{ Plan pgPlanNode }
	if err := json.Unmarshal(raw, &plans); err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	var out []string
	var walk func(n *pgPlanNode)
	walk = func(n *pgPlanNode) {
		full := n.NodeType == "Seq Scan" || (n.NodeType == "Index Scan" || n.NodeType == "Index Only Scan") && n.IndexCond == ""
		if full && n.RelationName != "" && !slices.Contains(out, n.RelationName) {
			out = append(out, n.RelationName)
		}
		for i := range n.Plans {
			walk(&n.Plans[i])
		}
	}
	for i := range plans {
		walk(&plans[i].Plan)
	}
	return out, nil
}
