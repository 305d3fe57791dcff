package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth"
	"github.com/samspil/samspil/internal/sqldb"
)

// Graceful shutdown: samspil, as a process of its own, is told to stop
// (SIGTERM) under load while imports are being committed, through the API
// (in the request) and through the pages (in the background). It must end
// with status 0 within the grace and a few seconds; every request either
// answered as usual or refused (never a 5xx); every import written whole
// or not at all, and recorded so.

const (
	shutdownImports = 6 // 4 through the API, 2 through the pages
	// The grace samspil is given: the API's imports finish within it, the
	// pages' larger ones (committed in the background) outlast it and
	// are stopped.
	shutdownGrace   = time.Second
	shutdownExitMax = 30 * time.Second
)

// shutdownImportRows are the systems in each import.
func shutdownImportRows(i int) int {
	if i < 4 {
		return 2000
	}
	return 150000
}

// shutdownResult is what the shutdown check found.
type shutdownResult struct {
	exit                  time.Duration
	status                int
	answered, refused     int // requests of the load
	committed, notWritten int // imports
	problems              []string
}

func shutdownCheck(ctx context.Context, dsn string) (shutdownResult, error) {
	var r shutdownResult
	db, err := openStore(ctx, dsn, auth.Limit{})
	if err != nil {
		return r, err
	}
	admin, token, actor, err := reliabilityAdmin(ctx, db)
	var silkeborg *samspil.Organization
	if err == nil {
		silkeborg, err = db.FindOrganization(ctx, actor, "0740")
	}
	db.Close()
	if err != nil {
		return r, err
	}
	p, err := startSamspil(ctx, dsn, "--shutdown-grace", shutdownGrace.String())
	if err != nil {
		return r, err
	}
	defer p.kill() // when the check fails before samspil ends

	person, err := signedIn(ctx, p.base, admin.Email, reliabilityPassword, silkeborg.ID, token)
	if err != nil {
		return r, err
	}
	org := person.org
	// The imports, previewed: each adds its own systems.
	var imports []string
	for i := range shutdownImports {
		var csv strings.Builder
		csv.WriteString("Navn*\r\n")
		for row := range shutdownImportRows(i) {
			fmt.Fprintf(&csv, "Afslutning %d system %d\r\n", i, row)
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, p.base+"/api/v1/imports?organization_id="+org+"&file_name=systemer.csv", strings.NewReader(csv.String()))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/octet-stream")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return r, err
		}
		var im samspil.Import
		err = json.NewDecoder(res.Body).Decode(&im)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusCreated {
			return r, fmt.Errorf("upload an import: %s %v", res.Status, err)
		}
		imports = append(imports, im.ID)
	}

	// The load, and the commits.
	var wg sync.WaitGroup
	var mu sync.Mutex
	load := make(chan loadFiguresAt, 1)
	var serverErrors []string
	go func() {
		load <- attackAt(p.base, []loadPerson{person}, 100, 15*time.Second, func(res *vegeta.Result) {
			mu.Lock()
			defer mu.Unlock()
			switch {
			case res.Code >= 500:
				serverErrors = append(serverErrors, fmt.Sprintf("%s %s: %d", res.Method, res.URL, res.Code))
			case res.Code == 0:
				r.refused++ // no answer: the connection was refused or closed unused
			default:
				r.answered++
			}
		})
	}()
	time.Sleep(2 * time.Second) // the load runs
	client := &http.Client{Jar: person.jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for i, id := range imports {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var req *http.Request
			if i < 4 {
				req, _ = http.NewRequestWithContext(ctx, http.MethodPost, p.base+"/api/v1/imports/"+id+"/commit", strings.NewReader("{}"))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
			} else {
				req, _ = http.NewRequestWithContext(ctx, http.MethodPost, p.base+"/imports/"+id+"/commit", strings.NewReader(""))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Sec-Fetch-Site", "same-origin")
			}
			res, err := client.Do(req)
			if err != nil {
				return // refused: the import must be untouched
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode >= 500 {
				mu.Lock()
				serverErrors = append(serverErrors, fmt.Sprintf("commit %s: %s", id, res.Status))
				mu.Unlock()
			}
		}()
	}
	time.Sleep(300 * time.Millisecond) // the commits are under way
	stopped := time.Now()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		r.exit = time.Since(stopped)
	case <-time.After(shutdownExitMax + 30*time.Second):
		p.kill()
		r.exit = time.Since(stopped)
	}
	var exitErr *exec.ExitError
	if errors.As(p.err, &exitErr) {
		r.status = exitErr.ExitCode()
	} else if p.err != nil {
		r.status = -1
	}
	wg.Wait()
	<-load
	if r.exit > shutdownExitMax {
		r.problems = append(r.problems, fmt.Sprintf("samspil took %s to stop, more than %s", r.exit.Round(time.Millisecond), shutdownExitMax))
	}
	if r.status != 0 {
		r.problems = append(r.problems, fmt.Sprintf("samspil ended with status %d (%v):\n%s", r.status, p.err, tail(p.output.String(), 2000)))
	}
	for _, e := range serverErrors[:min(5, len(serverErrors))] {
		r.problems = append(r.problems, "a 5xx while stopping: "+e)
	}

	// Every import whole or not at all, and its status saying which.
	db, err = sqldb.Open(ctx, dsn, sqldb.Options{})
	if err != nil {
		return r, err
	}
	defer db.Close()
	actor, err = db.ActorForUser(ctx, actor.UserID)
	if err != nil {
		return r, err
	}
	for i, id := range imports {
		im, err := db.FindImport(ctx, actor, id)
		if err != nil {
			return r, err
		}
		n, err := countSystems(ctx, db, actor, fmt.Sprintf("Afslutning %d system", i))
		if err != nil {
			return r, err
		}
		switch {
		case n == shutdownImportRows(i) && im.Status == samspil.ImportCommitted:
			r.committed++
		case n == 0 && im.Status != samspil.ImportCommitted && im.Status != samspil.ImportCommitting:
			r.notWritten++
		default:
			r.problems = append(r.problems, fmt.Sprintf("import %d has %d of its %d systems and the status %s", i, n, shutdownImportRows(i), im.Status))
		}
	}
	found, err := db.CheckIntegrity(ctx)
	if err != nil {
		return r, err
	}
	for _, f := range found {
		r.problems = append(r.problems, "integrity: "+f)
	}
	return r, nil
}

// signedIn signs a person of org in through the login form: their session
// for pages, and their token for the API.
func signedIn(ctx context.Context, base, email, password, org, token string) (loadPerson, error) {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(url.Values{"email": {email}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := client.Do(req)
	if err != nil {
		return loadPerson{}, err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return loadPerson{}, fmt.Errorf("sign in %s: %s", email, res.Status)
	}
	u, _ := url.Parse(base)
	var cookies []string
	for _, c := range jar.Cookies(u) {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	return loadPerson{org: org, cookie: strings.Join(cookies, "; "), token: token, jar: jar}, nil
}

// countSystems counts the systems whose names start with prefix.
func countSystems(ctx context.Context, db *sqldb.DB, actor *samspil.Actor, prefix string) (int, error) {
	n, cursor := 0, ""
	for {
		page, err := db.ListSystems(ctx, actor, samspil.SystemFilter{Query: prefix, ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize, Cursor: cursor}})
		if err != nil {
			return 0, err
		}
		for _, s := range page.Items {
			if strings.HasPrefix(s.Name, prefix+" ") {
				n++
			}
		}
		if cursor = page.NextCursor; cursor == "" {
			return n, nil
		}
	}
}

// tail is the end of s, at most n bytes.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
