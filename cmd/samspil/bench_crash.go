package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth"
	"github.com/samspil/samspil/internal/server"
	"github.com/samspil/samspil/internal/sqldb"
)

// Crashes and backups: contracts (each a contract row, three system rows
// and an audit event, written in one transaction) are created through the
// API by several clients; then samspil is killed, or the database backed
// up and restored, and what is stored is held against what the clients
// were told.

// contractLedger is what the clients sent and what samspil acknowledged.
type contractLedger struct {
	mu          sync.Mutex
	sent        map[string]bool
	acked       map[string]bool
	unavailable int      // 503 answers, for clients that go on through an outage
	other       []string // answers that are neither a success nor a lost connection (nor a 503 for those clients)
}

func newContractLedger() *contractLedger {
	return &contractLedger{sent: map[string]bool{}, acked: map[string]bool{}}
}

// snapshot copies the names sent and acknowledged so far.
func (l *contractLedger) snapshot() (sent, acked map[string]bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return maps.Clone(l.sent), maps.Clone(l.acked)
}

// contractWriters are clients that each create contracts one after another
// through the API, named "<prefix> <client>.<n>", until they have made each
// or samspil stops answering.
type contractWriters struct {
	base, token, org string
	systems          []string
	prefix           string
	clients, each    int
	ledger           *contractLedger
	onAck            func() // after each acknowledged create
	stop             <-chan struct{}

	// throughOutage keeps a client going after a failed create (an answer
	// other than 201, or a lost connection) until stop: it pauses, then
	// starts a new sequence of names, client number plus clients for each
	// failure, so that every sequence stays a prefix of what was sent and
	// acknowledged. 503 answers are counted in the ledger's unavailable.
	throughOutage bool
	pause         time.Duration // between creates
}

func (w contractWriters) run(ctx context.Context) {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: w.clients}}
	defer client.CloseIdleConnections()
	var wg sync.WaitGroup
	for c := range w.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq, n, made := c, 0, 0; made < w.each; {
				select {
				case <-w.stop:
					return
				case <-time.After(w.pause):
				}
				name := fmt.Sprintf("%s %d.%d", w.prefix, seq, n)
				body, _ := json.Marshal(map[string]any{"organization_id": w.org, "name": name, "start": "2026-01-01",
					"duration_months": 48, "notice_months": 6, "system_ids": w.systems})
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, w.base+"/api/v1/contracts", strings.NewReader(string(body)))
				req.Header.Set("Authorization", "Bearer "+w.token)
				req.Header.Set("Content-Type", "application/json")
				w.ledger.mu.Lock()
				w.ledger.sent[name] = true
				w.ledger.mu.Unlock()
				status := 0
				res, err := client.Do(req)
				if err == nil {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					status = res.StatusCode
				}
				w.ledger.mu.Lock()
				switch {
				case status == http.StatusCreated:
					w.ledger.acked[name] = true
				case status == http.StatusServiceUnavailable && w.throughOutage:
					w.ledger.unavailable++
				case err == nil:
					w.ledger.other = append(w.ledger.other, fmt.Sprintf("%s: %s", name, res.Status))
				}
				w.ledger.mu.Unlock()
				if status == http.StatusCreated {
					n++
					made++
					if w.onAck != nil {
						w.onAck()
					}
					continue
				}
				if !w.throughOutage {
					return // samspil is gone, or refused
				}
				seq, n = seq+w.clients, 0
				select {
				case <-w.stop:
					return
				case <-time.After(50 * time.Millisecond):
				}
			}
		}()
	}
	wg.Wait()
}

// storedContracts are the contracts whose names start with prefix, as the
// store has them: how often each name is there, and how many systems each
// has.
type storedContracts struct {
	count   map[string]int
	systems map[string]int
	ids     map[string]bool
}

func readContracts(ctx context.Context, db *sqldb.DB, actor *samspil.Actor, org, prefix string) (storedContracts, error) {
	s := storedContracts{count: map[string]int{}, systems: map[string]int{}, ids: map[string]bool{}}
	cursor := ""
	for {
		page, err := db.ListContracts(ctx, actor, samspil.ContractFilter{OrganizationID: org, ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize, Cursor: cursor}})
		if err != nil {
			return s, err
		}
		for _, c := range page.Items {
			if strings.HasPrefix(c.Name, prefix+" ") {
				s.count[c.Name]++
				s.systems[c.Name] = len(c.Systems)
				s.ids[c.ID] = true
			}
		}
		if cursor = page.NextCursor; cursor == "" {
			return s, nil
		}
	}
}

// contractProblems holds the stored contracts against the ledger: every
// acknowledged one present once with its three systems and its audit
// event, nothing stored that was never sent, and every client's contracts
// a prefix of what it sent (a later one never without an earlier one). It
// returns the problems and the counts of acknowledged-but-missing writes,
// duplicates and half-written contracts.
func contractProblems(ctx context.Context, db *sqldb.DB, actor *samspil.Actor, org, prefix string, sent, mustHave map[string]bool, systems int) (problems []string, missing, duplicates, half int, err error) {
	s, err := readContracts(ctx, db, actor, org, prefix)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	add := func(format string, args ...any) {
		if len(problems) < 10 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	for name := range mustHave {
		if s.count[name] == 0 {
			missing++
			add("%q was acknowledged and is missing", name)
		}
	}
	for name, n := range s.count {
		if n > 1 {
			duplicates += n - 1
			add("%q is stored %d times", name, n)
		}
		if s.systems[name] != systems {
			half++
			add("%q has %d of its %d systems", name, s.systems[name], systems)
		}
		if !sent[name] {
			add("%q is stored and was never sent", name)
		}
		// "<prefix …> <client>.<n>": the one before is "<prefix …> <client>.<n-1>".
		i := strings.LastIndexByte(name, ' ')
		var client, n int
		fmt.Sscanf(name[i+1:], "%d.%d", &client, &n)
		if before := fmt.Sprintf("%s %d.%d", name[:i], client, n-1); n > 0 && s.count[before] == 0 {
			add("%q is stored without %q, which its client sent before", name, before)
		}
	}
	// The audit event is written in the same transaction: one per stored
	// contract.
	audited := 0
	cursor := ""
	for {
		page, err := db.ListAuditEvents(ctx, actor, samspil.AuditFilter{OrganizationID: org, Action: "contract.create",
			ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize, Cursor: cursor}})
		if err != nil {
			return nil, 0, 0, 0, err
		}
		for _, e := range page.Items {
			if s.ids[e.ObjectID] {
				audited++
			}
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if audited != len(s.ids) {
		half += len(s.ids) - audited
		add("%d contracts stored, %d with their audit event", len(s.ids), audited)
	}
	found, err := db.CheckIntegrity(ctx)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	for _, f := range found {
		add("integrity: %s", f)
	}
	return problems, missing, duplicates, half, nil
}

// crashResult sums the kill -9 runs on one engine.
type crashResult struct {
	runs, acked, missing, duplicates, half int
	problems                               []string
}

// checkRun checks every contract sent so far (named "Nedbrud …") after
// run's crash and adds what it found.
func (r *crashResult) checkRun(ctx context.Context, run int, db *sqldb.DB, actor *samspil.Actor, org string, sent, acked map[string]bool, systems int) error {
	problems, missing, dups, half, err := contractProblems(ctx, db, actor, org, "Nedbrud", sent, acked, systems)
	if err != nil {
		return err
	}
	r.runs++
	r.missing, r.duplicates, r.half = max(r.missing, missing), max(r.duplicates, dups), max(r.half, half)
	for _, pr := range problems {
		r.problems = append(r.problems, fmt.Sprintf("run %d: %s", run, pr))
	}
	return nil
}

// killRuns starts samspil as a process on dsn, lets clients×each
// contracts be created, kills it with SIGKILL after a random number of
// acknowledgements, opens the database as the next start would and checks
// it; runs times.
func killRuns(ctx context.Context, dsn string, open func() (*sqldb.DB, *samspil.Actor, error), token, org string, systems []string, runs, clients, each int) (crashResult, error) {
	var r crashResult
	sent, acked := map[string]bool{}, map[string]bool{}
	for run := range runs {
		p, err := startSamspil(ctx, dsn)
		if err != nil {
			return r, err
		}
		target := int64(1 + rand.IntN(clients*each-1)) // a random moment: after this many acknowledgements
		var n atomic.Int64
		var once sync.Once
		stop := make(chan struct{})
		ledger := newContractLedger()
		kill := func() { once.Do(func() { p.kill(); close(stop) }) }
		contractWriters{base: p.base, token: token, org: org, systems: systems, prefix: fmt.Sprintf("Nedbrud %d", run),
			clients: clients, each: each, ledger: ledger, stop: stop,
			onAck: func() {
				if n.Add(1) == target {
					kill()
				}
			}}.run(ctx)
		kill()
		if len(ledger.other) > 0 {
			r.problems = append(r.problems, fmt.Sprintf("run %d: answers other than 201: %s", run, strings.Join(ledger.other[:min(5, len(ledger.other))], "; ")))
		}
		maps.Copy(sent, ledger.sent)
		maps.Copy(acked, ledger.acked)
		// Every run's contracts are checked again after every later
		// crash: a write once durable stays so.
		db, actor, err := open()
		if err != nil {
			return r, fmt.Errorf("open after the crash of run %d: %w", run, err)
		}
		err = r.checkRun(ctx, run, db, actor, org, sent, acked, len(systems))
		db.Close()
		if err != nil {
			return r, err
		}
	}
	r.acked = len(acked)
	// It starts once more and serves.
	p, err := startSamspil(ctx, dsn)
	if err != nil {
		return r, fmt.Errorf("the start after the last crash: %w", err)
	}
	defer p.kill()
	res, err := http.Get(p.base + "/readyz")
	if err != nil {
		return r, err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		r.problems = append(r.problems, "/readyz after the last crash: "+res.Status)
	}
	return r, nil
}

// benchSystems registers n systems in Silkeborg for the checks' contracts.
func benchSystems(ctx context.Context, db *sqldb.DB, actor *samspil.Actor, prefix string, n int) ([]string, error) {
	var ids []string
	for i := range n {
		s, err := db.CreateSystem(ctx, actor, samspil.SystemInput{Name: fmt.Sprintf("%s system %d", prefix, i+1), Category: samspil.CategoryEconomy, OwnerID: "0740"})
		if err != nil {
			return nil, err
		}
		ids = append(ids, s.ID)
	}
	return ids, nil
}

// crashCheck prepares the database dsn (an administrator, a token and
// three systems) and makes the kill -9 runs on it: 8 clients, each
// creating up to 250 contracts.
func crashCheck(ctx context.Context, dsn string, runs int) (crashResult, error) {
	db, err := openStore(ctx, dsn, auth.Limit{})
	if err != nil {
		return crashResult{}, err
	}
	admin, token, actor, err := reliabilityAdmin(ctx, db)
	if err != nil {
		db.Close()
		return crashResult{}, err
	}
	systems, err := benchSystems(ctx, db, actor, "Nedbrud", 3)
	var org *samspil.Organization
	if err == nil {
		org, err = db.FindOrganization(ctx, actor, "0740")
	}
	db.Close() // samspil has the database to itself while it runs
	if err != nil {
		return crashResult{}, err
	}
	open := func() (*sqldb.DB, *samspil.Actor, error) {
		db, err := sqldb.Open(ctx, dsn, sqldb.Options{})
		if err != nil {
			return nil, nil, err
		}
		actor, err := db.ActorForUser(ctx, admin.ID)
		if err != nil {
			db.Close()
			return nil, nil, err
		}
		return db, actor, nil
	}
	return killRuns(ctx, dsn, open, token, org.ID, systems, runs, 8, 250)
}

// backupResult is what the backup check found.
type backupResult struct {
	acked, restored, sameOrgs int
	backupTook, restoreTook   time.Duration
	problems                  []string
}

// backupWhileWriting backs the database up to file while 4 clients create
// contracts through the server at base, restores the backup into target
// and holds it against the live database: every other organisation's
// checksum equal, Silkeborg's contracts everything acknowledged before the
// backup began and nothing sent after it ended, each whole; then serves
// from it.
func backupWhileWriting(ctx context.Context, db *sqldb.DB, adminID, base, token, file, target string) (backupResult, error) {
	var r backupResult
	actor, err := db.ActorForUser(ctx, adminID)
	if err != nil {
		return r, err
	}
	systems, err := benchSystems(ctx, db, actor, "Sikring", 3)
	if err != nil {
		return r, err
	}
	silkeborg, err := db.FindOrganization(ctx, actor, "0740")
	if err != nil {
		return r, err
	}
	org := silkeborg.ID
	ledger := newContractLedger()
	stop := make(chan struct{})
	var n atomic.Int64
	writing := make(chan struct{}) // closed after 200 acknowledgements
	var once sync.Once
	done := make(chan struct{})
	go func() {
		defer close(done)
		contractWriters{base: base, token: token, org: org, systems: systems, prefix: "Sikring", clients: 4, each: 1 << 20,
			ledger: ledger, stop: stop, onAck: func() {
				if n.Add(1) == 200 {
					once.Do(func() { close(writing) })
				}
			}}.run(ctx)
	}()
	select {
	case <-writing:
	case <-done:
		return r, fmt.Errorf("the clients stopped before the backup: %v", ledger.other)
	}
	_, before := ledger.snapshot()
	start := time.Now()
	err = db.Backup(ctx, file)
	r.backupTook = time.Since(start)
	sentBy, _ := ledger.snapshot()
	// Writing goes on for a while after the backup, then stops.
	for end := n.Load() + 100; n.Load() < end && time.Since(start) < r.backupTook+5*time.Second; {
		time.Sleep(10 * time.Millisecond)
	}
	close(stop)
	<-done
	if err != nil {
		return r, err
	}
	if len(ledger.other) > 0 {
		r.problems = append(r.problems, "answers other than 201: "+strings.Join(ledger.other[:min(5, len(ledger.other))], "; "))
	}
	live, err := db.OrganizationChecksums(ctx)
	if err != nil {
		return r, err
	}
	r.acked = len(ledger.acked)

	start = time.Now()
	if err := sqldb.Restore(ctx, file, target); err != nil {
		return r, err
	}
	restored, err := openStore(ctx, target, auth.Limit{})
	if err != nil {
		return r, err
	}
	defer restored.Close()
	r.restoreTook = time.Since(start)
	sums, err := restored.OrganizationChecksums(ctx)
	if err != nil {
		return r, err
	}
	for o, sum := range live {
		switch {
		case o == org || o == "": // written during the backup; held against the ledger below
		case sums[o] == sum:
			r.sameOrgs++
		default:
			r.problems = append(r.problems, fmt.Sprintf("organisation %s differs after the restore", o))
		}
	}
	ractor, err := restored.ActorForUser(ctx, adminID)
	if err != nil {
		return r, err
	}
	problems, _, _, _, err := contractProblems(ctx, restored, ractor, org, "Sikring", sentBy, before, len(systems))
	if err != nil {
		return r, err
	}
	r.problems = append(r.problems, problems...)
	s, err := readContracts(ctx, restored, ractor, org, "Sikring")
	if err != nil {
		return r, err
	}
	r.restored = len(s.ids)

	// The restored database serves: the token works and lists the
	// contracts.
	srv, err := server.New(restored, server.Config{Version: Version})
	if err != nil {
		return r, err
	}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/contracts?organization_id="+org+"&limit=1", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		r.problems = append(r.problems, fmt.Sprintf("the restored database does not serve: GET /api/v1/contracts: %d", rec.Code))
	}
	return r, nil
}
