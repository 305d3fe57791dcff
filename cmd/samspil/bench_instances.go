package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httputil"
	netmail "net/mail"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth"
	"github.com/samspil/samspil/internal/sqldb"
)

// Several instances on PostgreSQL: two `samspil serve` processes on one
// database, started at the same moment on an empty one (the migrations
// and reference data must be applied once), then again on data with work
// due (a meeting series to extend, deadline notices to mail), behind a
// round-robin proxy. Through the proxy a session and a token must work on
// both; a change made through one must show on the other within a second,
// for every cache or index an instance keeps; and the background jobs must
// do their work once, not once per instance.

// instancesVisibleWithin is the promise: a change made through one
// instance shows on the other within this time.
const instancesVisibleWithin = time.Second

// instancesDeadlines are the contracts whose notice deadline falls within
// the notices' horizon when the instances start: one mail each to
// Silkeborg's administrator.
const instancesDeadlines = 5

// instancesResult is what the check found.
type instancesResult struct {
	migrationFiles, migrationsRecorded int // versions known, and rows recorded for them
	requests, authenticated            int // through the proxy
	served                             [2]int64
	probes                             []visibilityProbe
	maxVisible                         time.Duration
	mails, noticesSent                 int
	meetingExtensions, meetings        int // audit events of the series' extension; meetings of the series
	departures                         int // audit events of the departed member's seat cleared
	importPages, importInterrupted     int // the other's pages of an import under way; of them, those that called it interrupted
	problems                           []string
	late                               []string // changes the other instance showed after more than a second: broken promises too
}

// visibilityProbe is a change made through one instance and how long the
// other took to show it.
type visibilityProbe struct {
	name string
	took time.Duration // from the change's answer until the other instance showed it
	seen bool
}

// instancesCheck runs the check on dsn, an empty PostgreSQL database;
// requests is how many requests go through the proxy.
func instancesCheck(ctx context.Context, dsn string, requests int) (instancesResult, error) {
	var r instancesResult
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		return r, err
	}
	defer raw.Close()

	// 1. Two instances start at once on the empty database, each told to
	// add the demo.
	pair, err := startPair(ctx, dsn, "--demo")
	if err != nil {
		return r, fmt.Errorf("first start: %w", err)
	}
	for _, p := range pair {
		if status, err := getStatus(ctx, p.base+"/readyz"); err != nil || status != http.StatusOK {
			r.problems = append(r.problems, fmt.Sprintf("an instance started together with another is not ready: %d %v", status, err))
		}
	}
	stopPair(pair)
	if err := r.checkMigrations(ctx, raw, dsn); err != nil {
		return r, err
	}

	// 2. Work due before they start again.
	w, err := arrangeInstances(ctx, dsn)
	if err != nil {
		return r, fmt.Errorf("arrange: %w", err)
	}
	mails, err := startMailbox()
	if err != nil {
		return r, err
	}
	defer mails.close()
	pair, err = startPair(ctx, dsn, "--smtp-host", "127.0.0.1", "--smtp-port", fmt.Sprint(mails.port), "--smtp-security", "none",
		"--smtp-from", "samspil <noreply@samspil.example>", "--public-url", "http://samspil.example")
	if err != nil {
		return r, fmt.Errorf("second start: %w", err)
	}
	defer stopPair(pair)

	// 3. Through a round-robin proxy: a session and a token on both.
	if err := r.throughProxy(ctx, pair, w, requests); err != nil {
		return r, err
	}

	// 4. A change through one shows on the other within a second.
	if err := r.visibility(ctx, pair, w); err != nil {
		return r, err
	}

	// An import committed through the pages of one: the other's page
	// shows it under way, not interrupted.
	if err := r.importElsewhere(ctx, raw, pair, w); err != nil {
		return r, err
	}

	// 5. The background jobs did their work once.
	if err := r.backgroundOnce(ctx, raw, pair, w, mails); err != nil {
		return r, err
	}
	return r, nil
}

// startPair starts two instances on dsn at the same moment.
func startPair(ctx context.Context, dsn string, args ...string) ([2]*samspilProcess, error) {
	var pair [2]*samspilProcess
	var errs [2]error
	var wg sync.WaitGroup
	for i := range pair {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pair[i], errs[i] = startSamspil(ctx, dsn, args...)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		stopPair(pair)
		return pair, err
	}
	return pair, nil
}

// stopPair tells both instances to stop, and kills one that does not
// within 30 s.
func stopPair(pair [2]*samspilProcess) {
	for _, p := range pair {
		if p == nil {
			continue
		}
		p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(30 * time.Second):
			p.kill()
		}
	}
}

// checkMigrations verifies that every migration version is recorded once,
// the schema is the newest, and the reference data were loaded once.
func (r *instancesResult) checkMigrations(ctx context.Context, raw *sql.DB, dsn string) error {
	files, err := fs.Glob(sqldb.Migrations(sqldb.Postgres), "*.sql")
	if err != nil {
		return err
	}
	r.migrationFiles = len(files)
	var distinct int
	if err := raw.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0 AND is_applied`).
		Scan(&r.migrationsRecorded, &distinct); err != nil {
		return fmt.Errorf("read the migrations recorded: %w", err)
	}
	if r.migrationsRecorded != distinct || distinct != r.migrationFiles {
		r.problems = append(r.problems, fmt.Sprintf("two instances starting at once recorded %d migrations of %d versions; there are %d",
			r.migrationsRecorded, distinct, r.migrationFiles))
	}
	db, err := sqldb.Open(ctx, dsn, sqldb.Options{Passwords: auth.NewPasswords(auth.DefaultArgon2, auth.Limit{})})
	if err != nil {
		return err
	}
	defer db.Close()
	current, newest, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if current != newest {
		r.problems = append(r.problems, fmt.Sprintf("after two instances started at once the schema is at version %d of %d", current, newest))
	}
	// The reference data: one load each, and no municipality twice.
	for _, action := range []string{"reference_data.load", "kle.load"} {
		var n int
		if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events WHERE action = $1`, action).Scan(&n); err != nil {
			return err
		}
		if n != 1 {
			r.problems = append(r.problems, fmt.Sprintf("two instances starting at once made %d %s events; want 1", n, action))
		}
	}
	var twice int
	if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT municipality_code FROM organizations WHERE municipality_code IS NOT NULL
		GROUP BY country, municipality_code HAVING COUNT(*) > 1) d`).Scan(&twice); err != nil {
		return err
	}
	if twice > 0 {
		r.problems = append(r.problems, fmt.Sprintf("two instances starting at once registered %d municipalities twice", twice))
	}
	// The demo, which both were told to add: its systems once each.
	if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT name FROM systems GROUP BY name HAVING COUNT(*) > 1) d`).Scan(&twice); err != nil {
		return err
	}
	if twice > 0 {
		r.problems = append(r.problems, fmt.Sprintf("two instances starting at once with --demo made %d of the demo's systems twice", twice))
	}
	return nil
}

// instancesWorld is what the check arranged: people, a system, and the
// work due.
type instancesWorld struct {
	admin             *samspil.User
	token, viborgTok  string
	silkeborg, viborg string // organisation IDs
	acadre            string
	collab, forum     string // the series and its collaboration
	unit              *samspil.OrgUnit
}

// arrangeInstances makes Silkeborg's administrator (with a token) and
// Viborg's, a system Silkeborg runs, contracts whose notice deadline is
// near, a weekly meeting series generated two years ago, due to be
// extended, and a member that left it, whose seat is due to be cleared.
func arrangeInstances(ctx context.Context, dsn string) (*instancesWorld, error) {
	db, err := openStore(ctx, dsn, auth.Limit{})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	w := &instancesWorld{}
	var actor *samspil.Actor
	if w.admin, w.token, actor, err = reliabilityAdmin(ctx, db); err != nil {
		return nil, err
	}
	sys := samspil.SystemActor("bench")
	viborgAdmin, err := db.CreateUser(ctx, sys, samspil.UserInput{Email: "drift@viborg.example", DisplayName: "Viborgs administrator",
		Password: reliabilityPassword, OrganizationID: "0791", Role: samspil.RoleAdmin})
	if err != nil {
		return nil, err
	}
	if _, w.viborgTok, err = db.CreateToken(ctx, sys, viborgAdmin.ID, samspil.TokenInput{Name: "instances"}); err != nil {
		return nil, err
	}
	for code, id := range map[string]*string{"0740": &w.silkeborg, "0791": &w.viborg} {
		o, err := db.FindOrganization(ctx, actor, code)
		if err != nil {
			return nil, err
		}
		*id = o.ID
	}
	if w.unit, err = db.CreateUnit(ctx, actor, "0740", samspil.OrgUnitInput{Kind: samspil.UnitOffice, Name: "Delt kontor"}); err != nil {
		return nil, err
	}
	acadre, err := db.CreateSystem(ctx, actor, samspil.SystemInput{Name: "Acadre", Category: samspil.CategoryCaseManagement,
		Tasks: []string{"00.01.00"}, Visibility: samspil.VisibilitySector})
	if err != nil {
		return nil, err
	}
	w.acadre = acadre.ID
	if _, err := db.CreateUsage(ctx, actor, samspil.UsageInput{OrganizationID: w.silkeborg, SystemID: acadre.ID,
		Lifecycle: samspil.LifecycleOperational, Visibility: samspil.VisibilitySector}); err != nil {
		return nil, err
	}
	today := samspil.Today(db.Now())
	if _, err := db.CreateContract(ctx, actor, samspil.ContractInput{OrganizationID: w.silkeborg, Name: "Acadre", SystemIDs: []string{acadre.ID},
		ContractTerms: samspil.ContractTerms{Start: today.AddMonths(-12), DurationMonths: 36, NoticeMonths: 6}, Visibility: samspil.VisibilitySector}); err != nil {
		return nil, err
	}
	// Deadlines within the notices' 30 days: a month's notice before an
	// expiry 40 days away, or the contract renews for a year.
	for i := range instancesDeadlines {
		expiry := today.AddDays(40 + i)
		if _, err := db.CreateContract(ctx, actor, samspil.ContractInput{OrganizationID: w.silkeborg, Name: fmt.Sprintf("Frist %d", i),
			ContractTerms: samspil.ContractTerms{Start: today.AddMonths(-24), Expiry: &expiry, NoticeMonths: 1,
				ExtensionCount: 1, ExtensionMonths: 12, ExtensionKind: samspil.ExtensionAutomatic}}); err != nil {
			return nil, err
		}
	}
	// Two years ago: a collaboration that Viborg joined, with a weekly
	// series generated a good year ahead of then (so its meetings of the
	// last year and the next are due), in which Viborg's administrator
	// sits; Viborg gave notice to leave a month later (so its seat is due
	// to be cleared).
	then := time.Now().AddDate(-2, 0, 0)
	db.SetClock(func() time.Time { return then })
	err = w.arrangePast(ctx, db, actor, viborgAdmin.ID, then)
	db.SetClock(samspil.Now)
	return w, err
}

// arrangePast makes the collaboration and its series on the store's clock
// set two years back (then).
func (w *instancesWorld) arrangePast(ctx context.Context, db *sqldb.DB, actor *samspil.Actor, viborgAdmin string, then time.Time) error {
	sys := samspil.SystemActor("bench")
	c, err := db.CreateCollaboration(ctx, actor, samspil.CollaborationInput{Name: "Delt samarbejde", Kind: samspil.KindNetwork,
		Start: samspil.Today(then), OrganizationID: w.silkeborg})
	if err != nil {
		return err
	}
	w.collab = c.ID
	inv, err := db.Invite(ctx, sys, c.ID, samspil.InvitationInput{OrganizationID: "0791"})
	if err != nil {
		return err
	}
	on := samspil.Today(then)
	if _, err := db.AcceptInvitation(ctx, sys, inv.ID, samspil.Answer{On: &on}); err != nil {
		return err
	}
	f, err := db.CreateForum(ctx, actor, c.ID, samspil.ForumInput{Name: "Ugentligt møde", Level: samspil.ForumWorkingGroup,
		Cadence: "FREQ=WEEKLY", FirstMeeting: then.Add(24 * time.Hour).Truncate(time.Hour),
		Members: []samspil.ForumMember{{UserID: viborgAdmin, OrganizationID: w.viborg}}})
	if err != nil {
		return err
	}
	w.forum = f.ID
	viborg, err := db.ActorForUser(ctx, viborgAdmin)
	if err != nil {
		return err
	}
	_, err = db.Leave(ctx, viborg, c.ID, samspil.LeaveInput{OrganizationID: "0791", Until: on.AddMonths(1), Reason: "Opsagt"})
	return err
}

// throughProxy signs in through a round-robin proxy in front of the pair
// and makes requests with the session and the token: every one must be
// answered as the signed-in person's, whichever instance serves it.
func (r *instancesResult) throughProxy(ctx context.Context, pair [2]*samspilProcess, w *instancesWorld, requests int) error {
	var targets [2]*url.URL
	for i, p := range pair {
		targets[i], _ = url.Parse(p.base)
	}
	var turn atomic.Uint64
	var served [2]atomic.Int64
	proxy := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		i := turn.Add(1) % 2
		served[i].Add(1)
		pr.SetURL(targets[i])
		pr.Out.Host = pr.In.Host // as a proxy in front of samspil keeps it
		pr.SetXForwarded()
	}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: proxy, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()

	// Without the session the page is refused: its answers below tell
	// signed in from not.
	if status, err := getStatus(ctx, base+"/my/meetings"); err != nil || status == http.StatusOK {
		return fmt.Errorf("/my/meetings without a session: %d %v", status, err)
	}
	s, err := newBrowser(ctx, base, w.admin.Email)
	if err != nil {
		return fmt.Errorf("sign in through the proxy: %w", err)
	}
	api := func(method, path, body string) (int, []byte, error) {
		return tokenRequest(ctx, base, w.token, method, path, body)
	}
	unitPath := "/organizations/" + w.silkeborg + "/units/" + w.unit.ID
	for i := range requests {
		var status, want int
		var what string
		switch i % 5 {
		case 0, 1: // a page for the signed-in with the session
			what, want = "GET /my/meetings with the session", http.StatusOK
			status, _, err = s.do(http.MethodGet, "/my/meetings", nil)
		case 2, 3: // the API with the token
			what, want = "GET the units with the token", http.StatusOK
			status, _, err = api(http.MethodGet, "/api/v1/organizations/"+w.silkeborg+"/units?limit=5", "")
		case 4: // a write by turns: the unit's form with the session, a unit by the API
			if i%10 == 4 {
				what, want = "POST the unit's form with the session", http.StatusSeeOther
				var page []byte
				if status, page, err = s.do(http.MethodGet, unitPath, nil); err == nil && status == http.StatusOK {
					version := ""
					for _, m := range unitFormVersion.FindAllSubmatch(page, -1) {
						if string(m[1]) == w.unit.ID {
							version = string(m[2])
						}
					}
					status, _, err = s.do(http.MethodPost, unitPath, url.Values{"name": {fmt.Sprintf("Delt kontor %d", i)},
						"kind": {string(samspil.UnitOffice)}, "parent_id": {""}, "version": {version}})
				}
			} else {
				what, want = "POST a unit with the token", http.StatusCreated
				status, _, err = api(http.MethodPost, "/api/v1/organizations/"+w.silkeborg+"/units", fmt.Sprintf(`{"kind":"team","name":"Hold %d"}`, i))
			}
		}
		if err != nil {
			return err
		}
		r.requests++
		if status == want {
			r.authenticated++
		} else if len(r.problems) < 20 {
			r.problems = append(r.problems, fmt.Sprintf("through the proxy, request %d (%s): status %d, want %d", i, what, status, want))
		}
	}
	r.served = [2]int64{served[0].Load(), served[1].Load()}
	if r.served[0] == 0 || r.served[1] == 0 {
		r.problems = append(r.problems, fmt.Sprintf("the proxy reached one instance only: %v", r.served))
	}
	return nil
}

// browser is a signed-in browser: a session cookie, and the Origin a
// browser sends with a form.
type browser struct {
	ctx    context.Context
	base   string
	client *http.Client
}

// newBrowser signs in at base through the login form.
func newBrowser(ctx context.Context, base, email string) (*browser, error) {
	jar, _ := cookiejar.New(nil)
	b := &browser{ctx: ctx, base: base, client: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	status, _, err := b.do(http.MethodPost, "/login", url.Values{"email": {email}, "password": {reliabilityPassword}})
	if err != nil {
		return nil, err
	}
	if status != http.StatusSeeOther {
		return nil, fmt.Errorf("sign in: status %d", status)
	}
	return b, nil
}

// do makes a request at the browser's base, or at another instance's when
// path is a whole address (the cookie is the same: it is bound to the
// host, not the port).
func (b *browser) do(method, path string, form url.Values) (int, []byte, error) {
	var body io.Reader
	target := b.base + path
	if strings.HasPrefix(path, "http") {
		target = path
	}
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(b.ctx, method, target, body)
	if err != nil {
		return 0, nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		u, _ := url.Parse(target)
		req.Header.Set("Origin", u.Scheme+"://"+u.Host)
	}
	res, err := b.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	page, err := io.ReadAll(res.Body)
	return res.StatusCode, page, err
}

// tokenRequest makes an API request with a token.
func tokenRequest(ctx context.Context, base, token, method, path, body string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, base+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	return res.StatusCode, out, err
}

func getStatus(ctx context.Context, u string) (int, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	res, err := noRedirects.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// visibility makes changes through the first instance and measures how
// long the second takes to show each: a record read from the database, a
// search, the opportunity index (kept in each instance), and the callers
// each instance remembers (a token revoked, a session signed out).
func (r *instancesResult) visibility(ctx context.Context, pair [2]*samspilProcess, w *instancesWorld) error {
	a, b := pair[0].base, pair[1].base
	api := func(base, token, method, path, body string) (int, []byte, error) {
		return tokenRequest(ctx, base, token, method, path, body)
	}
	created := func(status int, body []byte, err error) (string, error) {
		if err != nil {
			return "", err
		}
		var x struct{ ID string }
		if status != http.StatusCreated || json.Unmarshal(body, &x) != nil || x.ID == "" {
			return "", fmt.Errorf("create: status %d %s", status, tail(string(body), 300))
		}
		return x.ID, nil
	}

	// A unit created on one, read on the other.
	var unitID string
	if err := r.probe(ctx, "a unit created", func() (err error) {
		unitID, err = created(api(a, w.token, http.MethodPost, "/api/v1/organizations/"+w.silkeborg+"/units", `{"kind":"team","name":"Synligt hold"}`))
		return err
	}, func() (bool, error) {
		if unitID == "" {
			return false, nil
		}
		status, _, err := api(b, w.token, http.MethodGet, "/api/v1/organizations/"+w.silkeborg+"/units/"+unitID, "")
		return status == http.StatusOK, err
	}); err != nil {
		return err
	}

	// A system created on one, found by a search on the other.
	var systemID string
	if err := r.probe(ctx, "a system created, searched", func() (err error) {
		systemID, err = created(api(a, w.token, http.MethodPost, "/api/v1/systems", `{"name":"Synlighedsprøve","category":"economy","visibility":"sector"}`))
		return err
	}, func() (bool, error) {
		status, body, err := api(b, w.token, http.MethodGet, "/api/v1/systems?q=Synlighedspr%C3%B8ve&limit=10", "")
		if err != nil || status != http.StatusOK {
			return false, err
		}
		return systemID != "" && strings.Contains(string(body), `"`+systemID+`"`), nil
	}); err != nil {
		return err
	}

	// Viborg starts to run Silkeborg's system: Silkeborg's opportunities,
	// which each instance answers from its own index, name it as shared
	// with Viborg.
	if err := r.probe(ctx, "a usage, in the opportunity index", func() error {
		_, err := created(api(a, w.viborgTok, http.MethodPost, "/api/v1/usages", fmt.Sprintf(`{"organization_id":%q,"system_id":%q,"lifecycle":"operational","visibility":"sector"}`,
			w.viborg, w.acadre)))
		return err
	}, func() (bool, error) {
		status, body, err := api(b, w.token, http.MethodGet, "/api/v1/organizations/"+w.silkeborg+"/opportunities?limit=50", "")
		if err != nil || status != http.StatusOK {
			return false, fmt.Errorf("opportunities: status %d %v", status, err)
		}
		var list struct {
			Items []struct {
				OrganizationID string `json:"organization_id"`
				Terms          []struct {
					Kind     string `json:"kind"`
					SystemID string `json:"system_id"`
				} `json:"terms"`
			}
		}
		if err := json.Unmarshal(body, &list); err != nil {
			return false, err
		}
		for _, x := range list.Items {
			for _, t := range x.Terms {
				if x.OrganizationID == w.viborg && t.Kind == "shared_system" && t.SystemID == w.acadre {
					return true, nil
				}
			}
		}
		return false, nil
	}); err != nil {
		return err
	}

	// A token revoked on one, refused by the other, which has just
	// identified its holder.
	status, body, err := api(a, w.token, http.MethodPost, "/api/v1/tokens", `{"name":"kortlivet"}`)
	if err != nil || status != http.StatusCreated {
		return fmt.Errorf("create a token: %d %v", status, err)
	}
	var tok struct {
		Token  struct{ ID string }
		Secret string
	}
	json.Unmarshal(body, &tok)
	secret := tok.Secret
	if tok.Token.ID == "" || secret == "" {
		return fmt.Errorf("create a token: no ID or secret in %s", tail(string(body), 300))
	}
	if status, _, err := api(b, secret, http.MethodGet, "/api/v1/organizations/"+w.silkeborg+"/units?limit=1", ""); err != nil || status != http.StatusOK {
		return fmt.Errorf("a new token on the other instance: %d %v", status, err)
	}
	if err := r.probe(ctx, "a token revoked", func() error {
		status, _, err := api(a, w.token, http.MethodDelete, "/api/v1/tokens/"+tok.Token.ID, "")
		if err == nil && status != http.StatusNoContent {
			err = fmt.Errorf("revoke a token: status %d", status)
		}
		return err
	}, func() (bool, error) {
		status, _, err := api(b, secret, http.MethodGet, "/api/v1/organizations/"+w.silkeborg+"/units?limit=1", "")
		return status == http.StatusUnauthorized, err
	}); err != nil {
		return err
	}

	// A session signed out on one, refused by the other: the session's
	// cookie, kept from before the sign-out, on a page for the signed-in.
	s, err := newBrowser(ctx, a, w.admin.Email)
	if err != nil {
		return err
	}
	au, _ := url.Parse(a)
	var cookies []string
	for _, c := range s.client.Jar.Cookies(au) {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	withSession := func() (int, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b+"/my/meetings", nil)
		req.Header.Set("Cookie", strings.Join(cookies, "; "))
		res, err := noRedirects.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode, nil
	}
	if status, err := withSession(); err != nil || status != http.StatusOK {
		return fmt.Errorf("a new session on the other instance: %d %v", status, err)
	}
	return r.probe(ctx, "a session signed out", func() error {
		status, _, err := s.do(http.MethodPost, "/logout", url.Values{})
		if err == nil && status != http.StatusSeeOther {
			err = fmt.Errorf("sign out: status %d", status)
		}
		return err
	}, func() (bool, error) {
		status, err := withSession()
		return status != http.StatusOK, err
	})
}

// noRedirects is a client that shows redirects as they are answered.
var noRedirects = &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// instancesImportRows are the systems of the import committed through
// the pages of one instance while the other's page is read.
const instancesImportRows = 40000

// importElsewhere uploads an import, commits it through the pages of the
// first instance (in the background, with the progress kept in that
// process) and reads its page on the second until it is committed: while
// the commit is under way that page must say so and keep asking, never
// call it interrupted.
func (r *instancesResult) importElsewhere(ctx context.Context, raw *sql.DB, pair [2]*samspilProcess, w *instancesWorld) error {
	a, b := pair[0].base, pair[1].base
	var csv strings.Builder
	csv.WriteString("Navn*\r\n")
	for i := range instancesImportRows {
		fmt.Fprintf(&csv, "Instansimport system %d\r\n", i)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, a+"/api/v1/imports?organization_id="+w.silkeborg+"&file_name=systemer.csv", strings.NewReader(csv.String()))
	req.Header.Set("Authorization", "Bearer "+w.token)
	req.Header.Set("Content-Type", "application/octet-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	var im samspil.Import
	err = json.NewDecoder(res.Body).Decode(&im)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusCreated {
		return fmt.Errorf("upload an import: %s %v", res.Status, err)
	}
	s, err := newBrowser(ctx, a, w.admin.Email)
	if err != nil {
		return err
	}
	if status, _, err := s.do(http.MethodPost, "/imports/"+im.ID+"/commit", url.Values{}); err != nil || status != http.StatusSeeOther {
		return fmt.Errorf("commit the import through the pages: %d %v", status, err)
	}
	status := func() (string, error) {
		var st string
		return st, raw.QueryRowContext(ctx, `SELECT status FROM imports WHERE id = $1`, im.ID).Scan(&st)
	}
	for deadline := time.Now().Add(2 * time.Minute); ; {
		code, page, err := s.do(http.MethodGet, b+"/imports/"+im.ID, nil)
		if err != nil {
			return err
		}
		if code != http.StatusOK {
			return fmt.Errorf("the import's page on the other instance: status %d", code)
		}
		st, err := status()
		if err != nil {
			return err
		}
		if st != string(samspil.ImportCommitting) {
			if st != string(samspil.ImportCommitted) {
				r.problems = append(r.problems, fmt.Sprintf("the import committed through the pages of one instance ended %s", st))
			}
			break
		}
		// Still under way after the page was made: the page must keep
		// asking.
		r.importPages++
		if !strings.Contains(string(page), `hx-get="/imports/`+im.ID+`"`) {
			r.importInterrupted++
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the import was not committed within 2 minutes")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if r.importInterrupted > 0 {
		r.problems = append(r.problems, fmt.Sprintf("an import under way on one instance: %d of the other's %d pages of it called it interrupted",
			r.importInterrupted, r.importPages))
	}
	return nil
}

// probeWait is how long a probe waits for the other instance to show a
// change before it counts it as never shown.
var probeWait = 10 * time.Second

// probe checks that shown is false, makes the change, and then asks shown
// every 50 ms for up to probeWait.
func (r *instancesResult) probe(ctx context.Context, name string, change func() error, shown func() (bool, error)) error {
	if ok, err := shown(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	} else if ok {
		return fmt.Errorf("%s: the other instance shows it before the change", name)
	}
	if err := change(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	start := time.Now()
	p := visibilityProbe{name: name}
	for time.Since(start) < probeWait {
		ok, err := shown()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if ok {
			p.seen, p.took = true, time.Since(start)
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	r.probes = append(r.probes, p)
	switch {
	case !p.seen:
		r.maxVisible = max(r.maxVisible, probeWait)
		r.problems = append(r.problems, fmt.Sprintf("%s on one instance: the other did not show it within %s", name, probeWait))
	case p.took > instancesVisibleWithin:
		r.maxVisible = max(r.maxVisible, p.took)
		r.late = append(r.late, fmt.Sprintf("%s on one instance: the other showed it after %s, more than %s", name, p.took.Round(time.Millisecond), instancesVisibleWithin))
	default:
		r.maxVisible = max(r.maxVisible, p.took)
	}
	return nil
}

// backgroundOnce counts the effects of the jobs both instances ran at
// start: each notice mailed once, the meeting series extended once
// without a meeting twice, the departed member's seat cleared once.
func (r *instancesResult) backgroundOnce(ctx context.Context, raw *sql.DB, pair [2]*samspilProcess, w *instancesWorld, mails *mailbox) error {
	// The notices: each instance's job ran at its start. Wait for the
	// queue to be sent, then give a second sending time to arrive.
	sent := func() (queued, sent int, err error) {
		err = raw.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 'sent') FROM notices`).Scan(&queued, &sent)
		return queued, sent, err
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		queued, done, err := sent()
		if err != nil {
			return err
		}
		if queued >= instancesDeadlines && done == queued && mails.count() >= done {
			break
		}
	}
	time.Sleep(2 * time.Second)
	got := mails.messages()
	r.mails = len(got)
	_, sentNow, err := sent()
	if err != nil {
		return err
	}
	r.noticesSent = sentNow
	seen := map[string]int{}
	for _, m := range got {
		seen[m]++
	}
	for m, n := range seen {
		if n > 1 {
			r.problems = append(r.problems, fmt.Sprintf("a notice was mailed %d times by two instances (%s)", n, m))
		}
	}
	var ours int
	if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM notices WHERE status = 'sent' AND kind = 'deadline' AND user_id = $1`, w.admin.ID).Scan(&ours); err != nil {
		return err
	}
	if r.mails != r.noticesSent || ours != instancesDeadlines {
		said := ""
		for _, p := range pair {
			for _, line := range strings.Split(p.output.String(), "\n") {
				if strings.Contains(line, "notice") {
					said += "\n    " + tail(line, 300)
				}
			}
		}
		r.problems = append(r.problems, fmt.Sprintf("%d mails sent for %d notices recorded as sent, %d of them the %d deadlines due%s",
			r.mails, r.noticesSent, ours, instancesDeadlines, said))
	}

	// The meeting series.
	var distinct int
	if err := raw.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT occurrence) FROM meetings WHERE forum_id = $1`, w.forum).Scan(&r.meetings, &distinct); err != nil {
		return err
	}
	if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events WHERE action = 'forum.meetings.extend' AND object_id = $1`, w.forum).
		Scan(&r.meetingExtensions); err != nil {
		return err
	}
	var until sql.NullTime
	if err := raw.QueryRowContext(ctx, `SELECT generated_until FROM forums WHERE id = $1`, w.forum).Scan(&until); err != nil {
		return err
	}
	switch {
	case r.meetings != distinct:
		r.problems = append(r.problems, fmt.Sprintf("the meeting series has %d meetings on %d occurrences", r.meetings, distinct))
	case !until.Valid || until.Time.Before(time.Now().AddDate(0, 0, 390)):
		r.problems = append(r.problems, fmt.Sprintf("the meeting series was not extended a year ahead (generated until %v)", until.Time))
	case r.meetingExtensions != 1:
		r.problems = append(r.problems, fmt.Sprintf("the meeting series was extended %d times by two instances; want once", r.meetingExtensions))
	}

	// The member that left: its seat cleared once.
	var seats int
	if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events WHERE action = 'collaboration.member.departed' AND object_id = $1`, w.collab).
		Scan(&r.departures); err != nil {
		return err
	}
	if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM forum_members WHERE forum_id = $1`, w.forum).Scan(&seats); err != nil {
		return err
	}
	if r.departures != 1 || seats != 0 {
		r.problems = append(r.problems, fmt.Sprintf("the member that left was cleared %d times by two instances, and %d seats are left; want once, and none", r.departures, seats))
	}
	return nil
}

// mailbox is an SMTP server on 127.0.0.1 that keeps every message.
type mailbox struct {
	srv  *smtp.Server
	port int
	mu   sync.Mutex
	got  []string // recipients and subject of each message
}

func startMailbox() (*mailbox, error) {
	m := &mailbox{}
	m.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailboxSession{m: m}, nil }))
	m.srv.Domain = "localhost"
	m.srv.ReadTimeout, m.srv.WriteTimeout = time.Minute, time.Minute
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	m.port = ln.Addr().(*net.TCPAddr).Port
	go m.srv.Serve(ln)
	return m, nil
}

func (m *mailbox) close() { m.srv.Close() }

func (m *mailbox) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.got)
}

func (m *mailbox) messages() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.got)
}

// mailboxSession keeps the recipients and the subject of each message:
// each deadline notice has its own (the contract's name is in it), while
// the body of two sendings of one notice differs (a multipart boundary).
type mailboxSession struct {
	m  *mailbox
	to []string
}

func (s *mailboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailboxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *mailboxSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return err
	}
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	s.m.got = append(s.m.got, strings.Join(s.to, ",")+": "+msg.Header.Get("Subject"))
	return nil
}
func (s *mailboxSession) Reset()        { s.to = nil }
func (s *mailboxSession) Logout() error { return nil }
