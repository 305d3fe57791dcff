package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth"
	"github.com/samspil/samspil/internal/server"
)

// The reliability checks (the reliability issue): each prints its figures,
// and fails when a promise is broken. The short form runs in the test
// suite; --long runs the long one. So far: the durability settings and
// lost updates through the API and through the pages' forms.

// benchReliabilityFlags configure `samspil bench reliability`.
type benchReliabilityFlags struct {
	Long   bool `name:"long" help:"Reliability: the long form of each check (e.g. 1,000 rounds of lost updates instead of 50)."`
	Rounds int  `name:"rounds" default:"0" help:"Reliability: rounds of the lost-update check (0: 50, or 1,000 with --long)."`
	Writes int  `name:"writes" default:"0" help:"Reliability: transactions per writer of the concurrent-writers check, 16 writers beside 8 readers (0: 50, or 1,000 with --long)."`
}

// reliabilityPassword is the password of the check's administrator.
const reliabilityPassword = "pålidelig adgangskode til målingen"

func (c *benchCmd) benchReliability(ctx context.Context, m *Main) error {
	rounds, writes := c.Rounds, c.Writes
	if rounds < 0 || writes < 0 {
		return fmt.Errorf("--rounds and --writes cannot be negative")
	}
	for _, n := range []*int{&rounds, &writes} {
		switch {
		case *n == 0 && c.Long:
			*n = 1000
		case *n == 0:
			*n = 50
		}
	}
	dir, cleanup, err := c.workDir()
	if err != nil {
		return err
	}
	defer cleanup()
	logger := slog.Default()
	defer slog.SetDefault(logger)
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil))) // no request log among the figures

	file, err := emptyBenchFile(dir, "reliability.db")
	if err != nil {
		return err
	}
	engines := []sizedEngine{{"sqlite", file}}
	if c.Postgres != "" {
		dsn, drop, err := scratchPostgres(ctx, c.Postgres)
		if err != nil {
			return err
		}
		defer drop()
		engines = append(engines, sizedEngine{"postgres", dsn})
	}
	fmt.Fprintf(m.Stdout, "%-58s %10s %10s %10s %10s\n", "reliability check", "rounds", "accepted", "refused", "broken")
	var failures []string
	for _, e := range engines {
		fails, err := c.reliabilityOn(ctx, m, e, rounds, writes)
		if err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
		failures = append(failures, fails...)
	}
	if len(failures) > 0 {
		return fmt.Errorf("reliability checks failed:\n  %s", strings.Join(failures, "\n  "))
	}
	return nil
}

// reliabilityOn runs the checks on one engine and returns the broken
// promises.
func (c *benchCmd) reliabilityOn(ctx context.Context, m *Main, e sizedEngine, rounds, writes int) ([]string, error) {
	db, err := openStore(ctx, e.dsn, auth.Limit{})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var failures []string

	// 11. Durability settings.
	problems, err := db.CheckDurability(ctx)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(m.Stdout, "%-58s %10s %10s %10s %10d\n", "durability settings, "+e.name, "-", "-", "-", len(problems))
	for _, p := range problems {
		failures = append(failures, e.name+": "+p.String())
	}

	// 2. Lost updates: a server on 127.0.0.1, an administrator and a unit
	// that eight editors change at once, round after round.
	sys := samspil.SystemActor("bench")
	admin, err := db.CreateUser(ctx, sys, samspil.UserInput{Email: "drift-" + e.name + "@silkeborg.example", DisplayName: "Målingens administrator",
		Password: reliabilityPassword, OrganizationID: "0740", Role: samspil.RoleAdmin})
	if err != nil {
		return nil, err
	}
	_, token, err := db.CreateToken(ctx, sys, admin.ID, samspil.TokenInput{Name: "reliability"})
	if err != nil {
		return nil, err
	}
	actor, err := db.ActorForUser(ctx, admin.ID)
	if err != nil {
		return nil, err
	}
	unit, err := db.CreateUnit(ctx, actor, "0740", samspil.OrgUnitInput{Kind: samspil.UnitOffice, Name: "Målt kontor"})
	if err != nil {
		return nil, err
	}
	srv, err := server.New(db, server.Config{Version: Version, SecureCookies: false})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	for _, way := range []lostUpdateWay{apiWay{base: base, token: token, org: unit.OrganizationID, unit: unit.ID},
		&pageWay{base: base, org: unit.OrganizationID, unit: unit.ID}} {
		if err := way.prepare(ctx, client, admin.Email); err != nil {
			return nil, err
		}
		r, err := lostUpdates(ctx, client, way, rounds, 8)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", way.name(), err)
		}
		// The final state is the replay of the accepted writes: the last
		// accepted name, and one version per accepted write.
		u, err := db.FindUnit(ctx, actor, unit.OrganizationID, unit.ID)
		if err != nil {
			return nil, err
		}
		if u.Name != r.lastName || u.Version != r.startVersion+r.accepted {
			r.broken++
			failures = append(failures, fmt.Sprintf("%s, %s: the unit is %q version %d, the accepted writes end at %q version %d",
				way.name(), e.name, u.Name, u.Version, r.lastName, r.startVersion+r.accepted))
		}
		if r.broken > 0 && len(r.problems) > 0 {
			failures = append(failures, fmt.Sprintf("%s, %s: %s", way.name(), e.name, strings.Join(r.problems, "; ")))
		}
		fmt.Fprintf(m.Stdout, "%-58s %10d %10d %10d %10d\n", "lost updates, 8 editors, "+way.name()+", "+e.name, rounds, r.accepted, r.refused, r.broken)
	}

	// 3. Concurrent writers beside readers, through the API.
	w, err := concurrentWriters(ctx, client, base, token, unit.OrganizationID, 16, writes, 8)
	if err != nil {
		return nil, err
	}
	made, cursor := 0, ""
	for {
		page, err := db.ListUnits(ctx, actor, unit.OrganizationID, samspil.ListOptions{Limit: samspil.MaxPageSize, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		for _, u := range page.Items {
			if strings.HasPrefix(u.Name, "Skriver ") {
				made++
			}
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if w.serverErrors > 0 || made != w.created {
		w.broken++
		failures = append(failures, fmt.Sprintf("concurrent writers, %s: %d answers 5xx, %d units acknowledged, %d stored", e.name, w.serverErrors, w.created, made))
	}
	fmt.Fprintf(m.Stdout, "%-58s %10s %10s %10s %10s\n", "", "writes", "acked", "5xx", "broken")
	fmt.Fprintf(m.Stdout, "%-58s %10d %10d %10d %10d\n", fmt.Sprintf("concurrent writers, 16 x %d beside 8 readers, %s", writes, e.name),
		16*writes, w.created, w.serverErrors, w.broken)
	fmt.Fprintf(m.Stdout, "%-58s %10s %10d %10s %10s\n", "  reads beside them, "+e.name, "-", w.reads, "-", "-")
	return failures, nil
}

type writersResult struct {
	created, reads, serverErrors, broken int
}

// concurrentWriters has writers create units, writes each, through the
// API while readers list the units: every create must be acknowledged
// (no busy or locked database surfacing as 5xx) and stored.
func concurrentWriters(ctx context.Context, c *http.Client, base, token, org string, writers, writes, readers int) (writersResult, error) {
	var r writersResult
	var mu sync.Mutex
	var firstErr error
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
		}
	}
	do := func(method, path, body string) (int, error) {
		req, _ := http.NewRequestWithContext(ctx, method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode, nil
	}
	stop := make(chan struct{})
	var rw sync.WaitGroup
	for range readers {
		rw.Add(1)
		go func() {
			defer rw.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				status, err := do(http.MethodGet, "/api/v1/organizations/"+org+"/units?limit=50", "")
				mu.Lock()
				switch {
				case err != nil:
					mu.Unlock()
					fail(err)
					return
				case status >= 500:
					r.serverErrors++
				default:
					r.reads++
				}
				mu.Unlock()
			}
		}()
	}
	var ww sync.WaitGroup
	for w := range writers {
		ww.Add(1)
		go func() {
			defer ww.Done()
			for i := range writes {
				body := fmt.Sprintf(`{"kind":"team","name":"Skriver %d, enhed %d"}`, w, i)
				status, err := do(http.MethodPost, "/api/v1/organizations/"+org+"/units", body)
				if err != nil {
					fail(err)
					return
				}
				mu.Lock()
				switch {
				case status == http.StatusCreated:
					r.created++
				case status >= 500:
					r.serverErrors++
				default:
					mu.Unlock()
					fail(fmt.Errorf("create a unit: status %d", status))
					return
				}
				mu.Unlock()
			}
		}()
	}
	ww.Wait()
	close(stop)
	rw.Wait()
	return r, firstErr
}

// lostUpdateWay is a way to read a record's version and change it with it.
type lostUpdateWay interface {
	name() string
	prepare(ctx context.Context, c *http.Client, email string) error
	version(ctx context.Context, c *http.Client) (version int, name string, err error)
	// write changes the name with the version read; accepted says whether
	// it was taken, and an error is an answer that is neither a success nor
	// a refusal for staleness.
	write(ctx context.Context, c *http.Client, version int, name string) (accepted bool, err error)
}

type lostUpdateResult struct {
	accepted, refused, broken int
	startVersion              int
	lastName                  string
	problems                  []string
}

// lostUpdates runs rounds of editors editors that each read the record's
// version and then write with it: exactly one write per version must be
// taken, the others refused as stale.
func lostUpdates(ctx context.Context, c *http.Client, way lostUpdateWay, rounds, editors int) (lostUpdateResult, error) {
	var r lostUpdateResult
	v, _, err := way.version(ctx, c)
	if err != nil {
		return r, err
	}
	r.startVersion = v
	for round := range rounds {
		var wg sync.WaitGroup
		var mu sync.Mutex
		var ready sync.WaitGroup
		ready.Add(editors)
		start := make(chan struct{})
		won, errs := []string{}, []error{}
		for e := range editors {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v, _, err := way.version(ctx, c)
				ready.Done()
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				<-start // every editor has read before any writes
				name := fmt.Sprintf("Målt kontor, runde %d, redaktør %d", round, e)
				ok, err := way.write(ctx, c, v, name)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err != nil:
					errs = append(errs, err)
				case ok:
					won = append(won, name)
				default:
					r.refused++
				}
			}()
		}
		ready.Wait()
		close(start)
		wg.Wait()
		if len(errs) > 0 {
			return r, errs[0]
		}
		r.accepted += len(won)
		if len(won) != 1 {
			r.broken++
			r.problems = append(r.problems, fmt.Sprintf("round %d: %d writes taken with one version", round, len(won)))
		}
		if len(won) > 0 {
			r.lastName = won[len(won)-1]
		}
	}
	return r, nil
}

// apiWay changes the unit through the API with If-Match.
type apiWay struct{ base, token, org, unit string }

func (a apiWay) name() string                                        { return "API with If-Match" }
func (a apiWay) prepare(context.Context, *http.Client, string) error { return nil }

func (a apiWay) path() string { return a.base + "/api/v1/organizations/" + a.org + "/units/" + a.unit }

func (a apiWay) version(ctx context.Context, c *http.Client) (int, string, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.path(), nil)
	req.Header.Set("Authorization", "Bearer "+a.token)
	res, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	var u samspil.OrgUnit
	if res.StatusCode != http.StatusOK {
		return 0, "", fmt.Errorf("GET unit: %s", res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(&u); err != nil {
		return 0, "", err
	}
	etag, _ := strconv.Unquote(res.Header.Get("ETag"))
	v, err := strconv.Atoi(etag)
	if err != nil || v != u.Version {
		return 0, "", fmt.Errorf("ETag %q for version %d", res.Header.Get("ETag"), u.Version)
	}
	return v, u.Name, nil
}

func (a apiWay) write(ctx context.Context, c *http.Client, version int, name string) (bool, error) {
	body, _ := json.Marshal(map[string]string{"name": name})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPatch, a.path(), strings.NewReader(string(body)))
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("If-Match", strconv.Quote(strconv.Itoa(version)))
	res, err := c.Do(req)
	if err != nil {
		return false, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	switch res.StatusCode {
	case http.StatusOK:
		return true, nil
	case http.StatusPreconditionFailed:
		return false, nil
	}
	return false, fmt.Errorf("PATCH unit: %s", res.Status)
}

// pageWay changes the unit through the form on its page, as a
// signed-in browser does, with the form's hidden version.
type pageWay struct {
	base, org, unit string
	jar             http.CookieJar
}

func (p *pageWay) name() string { return "page form with version" }

// prepare signs in through the login form.
func (p *pageWay) prepare(ctx context.Context, c *http.Client, email string) error {
	p.jar, _ = cookiejar.New(nil)
	form := url.Values{"email": {email}, "password": {reliabilityPassword}}
	res, err := p.do(ctx, c, http.MethodPost, "/login", form)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("sign in: %s", res.Status)
	}
	return nil
}

func (p *pageWay) do(ctx context.Context, c *http.Client, method, path string, form url.Values) (*http.Response, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequestWithContext(ctx, method, p.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	cc := *c
	cc.Jar = p.jar
	return cc.Do(req)
}

var unitFormVersion = regexp.MustCompile(`(?s)<form[^>]*action="/organizations/[^"/]+/units/([^"/]+)"[^>]*>.*?name="version" value="(\d+)"`)

// version reads the hidden version of the form on the unit's page.
func (p *pageWay) version(ctx context.Context, c *http.Client) (int, string, error) {
	res, err := p.do(ctx, c, http.MethodGet, "/organizations/"+p.org+"/units/"+p.unit, nil)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	page, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, "", err
	}
	if res.StatusCode != http.StatusOK {
		return 0, "", fmt.Errorf("unit page: %s", res.Status)
	}
	for _, m := range unitFormVersion.FindAllSubmatch(page, -1) {
		if string(m[1]) == p.unit {
			v, _ := strconv.Atoi(string(m[2]))
			return v, "", nil
		}
	}
	return 0, "", fmt.Errorf("the unit's page has no form for it")
}

func (p *pageWay) write(ctx context.Context, c *http.Client, version int, name string) (bool, error) {
	form := url.Values{"name": {name}, "kind": {string(samspil.UnitOffice)}, "parent_id": {""}, "version": {strconv.Itoa(version)}}
	res, err := p.do(ctx, c, http.MethodPost, "/organizations/"+p.org+"/units/"+p.unit, form)
	if err != nil {
		return false, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	switch res.StatusCode {
	case http.StatusSeeOther:
		return true, nil
	case http.StatusPreconditionFailed, http.StatusConflict:
		return false, nil // the page again, with the conflict
	}
	return false, fmt.Errorf("unit form: %s", res.Status)
}
