package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth"
	"github.com/samspil/samspil/internal/demo"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// run runs the command line in-process with the given environment and
// standard input, and returns its exit status and output.
func run(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] }}
	code := m.Run(context.Background(), args)
	return code, out.String(), errOut.String()
}

// TestMain runs samspil itself when asked to (see runMainEnv): the
// reliability checks start it as a process of its own.
func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

func TestUserAddAndTokenCreate(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			env := map[string]string{"SAMSPIL_DB": testkit.NewDSN(t, e)}
			code, out, errOut := run(t, env, testkit.Password+"\n", "user", "add", "--email", "it-chef@silkeborg.example", "--org", "0740", "--role", "admin")
			if code != 0 || !strings.Contains(out, "created user it-chef@silkeborg.example") {
				t.Fatalf("user add: %d %q %q", code, out, errOut)
			}
			// The same e-mail again is refused with a clear message and status 1.
			code, _, errOut = run(t, env, testkit.Password+"\n", "user", "add", "--email", "IT-chef@silkeborg.example", "--org", "0740", "--role", "admin")
			if code != 1 || !strings.Contains(errOut, "exists already") {
				t.Fatalf("duplicate user add: %d %q", code, errOut)
			}
			// A weak password is refused, naming the field.
			code, _, errOut = run(t, env, "kodeord\n", "user", "add", "--email", "x@silkeborg.example", "--org", "0740", "--role", "viewer")
			if code != 1 || !strings.Contains(errOut, "password:") {
				t.Fatalf("weak password: %d %q", code, errOut)
			}
			// The password can come from a file too.
			pwFile := filepath.Join(t.TempDir(), "pw")
			os.WriteFile(pwFile, []byte("en anden lang adgangskode her\n"), 0o600)
			if code, _, errOut := run(t, env, "", "user", "add", "--email", "v@viborg.example", "--org", "0791", "--role", "viewer", "--password-file", pwFile); code != 0 {
				t.Fatalf("password file: %q", errOut)
			}

			code, out, errOut = run(t, env, "", "token", "create", "--user", "it-chef@silkeborg.example")
			token := strings.TrimSpace(out)
			if code != 0 || strings.Count(out, "\n") != 1 || !strings.HasPrefix(token, sqldb.TokenPrefix) {
				t.Fatalf("token create printed %q (%q)", out, errOut)
			}
			// The token works against a server on the same database.
			db, err := sqldb.Open(context.Background(), env["SAMSPIL_DB"], sqldb.Options{Passwords: auth.NewPasswords(auth.DefaultArgon2, auth.Limit{})})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			actor, err := db.TokenActor(context.Background(), token)
			if err != nil || actor.RoleIn(testkit.Org(t, db, "0740").ID) != samspil.RoleAdmin {
				t.Fatalf("token actor %+v %v", actor, err)
			}
			// An operator sets a password from the command line; an unknown
			// account is refused.
			if code, out, errOut := run(t, env, "en helt ny og lang adgangskode\n", "user", "password", "--email", "v@viborg.example"); code != 0 ||
				!strings.Contains(out, "set the password of v@viborg.example") {
				t.Fatalf("user password: %d %q %q", code, out, errOut)
			}
			if _, _, err := db.Login(context.Background(), samspil.LoginAttempt{Email: "v@viborg.example", Password: "en helt ny og lang adgangskode"}); err != nil {
				t.Fatalf("the new password does not work: %v", err)
			}
			if code, _, errOut := run(t, env, "en helt ny og lang adgangskode\n", "user", "password", "--email", "ingen@viborg.example"); code != 1 ||
				!strings.Contains(errOut, "ingen@viborg.example") {
				t.Fatalf("unknown account: %d %q", code, errOut)
			}
			// The password given on standard input works for signing in.
			if _, _, err := db.Login(context.Background(), samspil.LoginAttempt{Email: "it-chef@silkeborg.example", Password: testkit.Password}); err != nil {
				t.Fatalf("login with the password from stdin: %v", err)
			}
			if code, _, _ := run(t, env, "", "token", "create", "--user", "nobody@example.dk"); code != 1 {
				t.Fatal("token for an unknown user")
			}
		})
	}
}

func TestBadArguments(t *testing.T) {
	if code, _, errOut := run(t, nil, "", "user", "add", "--email", "a@b.dk", "--org", "0740", "--role", "king"); code != 2 || !strings.Contains(errOut, "role") {
		t.Fatalf("bad role: %d %q", code, errOut)
	}
	if code, _, _ := run(t, nil, "", "frobnicate"); code != 2 {
		t.Fatal("unknown command")
	}
	if code, out, _ := run(t, nil, "", "--help"); code != 0 || !strings.Contains(out, "serve") {
		t.Fatalf("help: %d %q", code, out)
	}
}

// serve runs `samspil serve` until stop is called and returns the printed
// output and the base URL.
func serve(t *testing.T, env map[string]string, args ...string) (url string, output func() string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut lockedBuffer
	ready := make(chan string, 1)
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] },
		Ready: func(addr string) { ready <- addr }}
	done := make(chan int, 1)
	go func() { done <- m.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)) }()
	select {
	case addr := <-ready:
		url = "http://" + addr
	case code := <-done:
		t.Fatalf("serve exited with %d: %s", code, errOut.String())
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not start")
	}
	stop = func() {
		cancel()
		if code := <-done; code != 0 {
			t.Fatalf("serve exited with %d: %s", code, errOut.String())
		}
	}
	return url, out.String, stop
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestServeDemoTwice starts the demo, stops it and starts it again: the
// second start keeps the data and adds nothing.
func TestServeDemoTwice(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			dsn := testkit.NewDSN(t, e)
			if e == sqldb.SQLite {
				dsn = filepath.Join(t.TempDir(), "fresh", "samspil.db") // a first start on an empty directory
			}
			env := map[string]string{"SAMSPIL_DB": dsn}
			counts := func() string {
				db, err := sqldb.Open(context.Background(), dsn, sqldb.Options{Passwords: testkit.Passwords()})
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				orgs, _ := db.ListOrganizations(context.Background(), testkit.System, samspil.OrganizationFilter{ListOptions: samspil.ListOptions{Limit: 500}})
				users, _ := db.ListUsers(context.Background(), testkit.System, samspil.UserFilter{ListOptions: samspil.ListOptions{Limit: 500}})
				units, _ := db.ListUnits(context.Background(), testkit.System, "0791", samspil.ListOptions{Limit: 500})
				kle, _ := db.CountTasks(context.Background())
				return fmt.Sprintf("orgs=%d users=%d viborg-units=%d kle=%v", len(orgs.Items), len(users.Items), len(units.Items), kle)
			}
			url, output, stop := serve(t, env, "--demo")
			if code, body := get(t, url+"/organizations?q=Silkeborg"); code != 200 || !strings.Contains(body, "Silkeborg Kommune") {
				t.Fatalf("directory: %d", code)
			}
			if code, _ := get(t, url+"/readyz"); code != 200 {
				t.Fatal("not ready")
			}
			stop()
			if !strings.Contains(output(), "is running at http://127.0.0.1:") || !strings.Contains(output(), demo.LoginText()) {
				t.Fatalf("start-up output lacks URL or logins: %q", output())
			}
			first := counts()
			if !strings.Contains(first, "orgs=113 users=11 viborg-units=") || !strings.Contains(first, "3:2390") { // 98 + 5 regions + OS2 + 9 demo vendors
				t.Fatalf("after the first start: %s", first)
			}
			_, _, stop = serve(t, env, "--demo")
			stop()
			if second := counts(); second != first {
				t.Fatalf("the second start changed the data: %s, then %s", first, second)
			}
		})
	}
}

// TestBackupRestore backs up a database in use, restores the backup into
// a new database with the same checksums and serves it, on both engines.
func TestBackupRestore(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{"SAMSPIL_DB": testkit.NewEmptyDSN(t, e)}
			if code, _, errOut := run(t, env, testkit.Password+"\n", "user", "add", "--email", "a@silkeborg.example", "--org", "0740", "--role", "admin"); code != 0 {
				t.Fatal(errOut)
			}
			_, _, stop := serve(t, env) // the database is in use while it is copied
			backup := filepath.Join(dir, "copy")
			code, out, errOut := run(t, env, "", "backup", "--to", backup)
			stop()
			if code != 0 || !strings.Contains(out, "backup written to "+backup) {
				t.Fatalf("backup: %d %q %q", code, out, errOut)
			}
			if code, _, errOut := run(t, env, "", "backup", "--to", backup); code != 1 || !strings.Contains(errOut, "exists already") {
				t.Fatalf("backup over an existing file: %d %q", code, errOut)
			}
			restored := map[string]string{"SAMSPIL_DB": testkit.NewEmptyDSN(t, e)}
			code, out, errOut = run(t, restored, "", "restore", "--from", backup)
			if code != 0 || !strings.Contains(out, "restored "+backup) || !strings.Contains(out, "schema version") {
				t.Fatalf("restore: %d %q %q", code, out, errOut)
			}
			if code, _, errOut := run(t, restored, "", "restore", "--from", backup); code != 1 || !strings.Contains(errOut, "already") {
				t.Fatalf("restore into a database in use: %d %q", code, errOut)
			}
			_, want, _ := run(t, env, "", "checksums")
			code, got, errOut := run(t, restored, "", "checksums")
			if code != 0 || got != want || strings.Count(got, "\n") < 100 || !strings.Contains(got, "(shared) ") {
				t.Fatalf("checksums of the restored database: %d %q\n%s\nwant\n%s", code, errOut, got, want)
			}
			url, _, stop := serve(t, restored)
			defer stop()
			if code, _ := get(t, url+"/organizations/0740"); code != 200 {
				t.Fatalf("serving the restored database: %d", code)
			}
		})
	}
}

func TestMigrateReportsVersion(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			files, err := fs.Glob(sqldb.Migrations(e), "*.sql")
			if err != nil || len(files) == 0 {
				t.Fatal("no migrations", err)
			}
			want := fmt.Sprintf("schema version %d\n", len(files))
			code, out, errOut := run(t, map[string]string{"SAMSPIL_DB": testkit.NewDSN(t, e)}, "", "migrate")
			if code != 0 || !strings.HasSuffix(out, want) {
				t.Fatalf("migrate: %d %q %q", code, out, errOut)
			}
		})
	}
	if code, _, errOut := run(t, map[string]string{"SAMSPIL_DB": "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"}, "", "migrate"); code != 1 || errOut == "" {
		t.Fatalf("unreachable database: %d %q", code, errOut)
	}
}

func TestKLELoad(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			env := map[string]string{"SAMSPIL_DB": testkit.NewDSN(t, e)}
			// A topics-only edition with one topic less than the embedded one:
			// the topic expires, the groups stay.
			body, err := os.ReadFile(filepath.Join("..", "..", "internal", "refdata", "data", "kle_current_hierarchy_2026-02.csv"))
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, line := range strings.Split(string(body), "\n")[1:] {
				f := strings.SplitN(line, ",", 5)
				if len(f) < 4 || f[0] != "3" || f[1] == "00.01.00" {
					continue
				}
				fmt.Fprintf(&b, "KLENummer='%s':KLETitel='%s':Keywords[Weight]=\n", f[1], strings.Trim(f[2], `"`))
			}
			file := filepath.Join(t.TempDir(), "OS2KLE.txt")
			os.WriteFile(file, []byte(b.String()), 0o644)
			code, out, errOut := run(t, env, "", "kle", "load", file)
			if code != 0 || !strings.Contains(out, "1 expired") {
				t.Fatalf("kle load: %d %q %q", code, out, errOut)
			}
			code, out, _ = run(t, env, "", "kle", "load", file)
			if code != 0 || !strings.Contains(out, "nothing changed") {
				t.Fatalf("second load: %d %q", code, out)
			}
			db, err := sqldb.Open(context.Background(), env["SAMSPIL_DB"], sqldb.Options{Passwords: testkit.Passwords()})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			counts, err := db.CountTasks(context.Background())
			if err != nil || counts[1] != 37 || counts[2] != 498 || counts[3] != 2389 {
				t.Fatalf("after the load: %v %v", counts, err)
			}
			task, err := db.FindTask(context.Background(), "00.01.00")
			if err != nil || task.ExpiredAt == nil {
				t.Fatalf("00.01.00 should show as expired: %+v %v", task, err)
			}
			// A file that is not KLE is refused, naming the problem.
			bad := filepath.Join(t.TempDir(), "bad.txt")
			os.WriteFile(bad, []byte("hello world\n"), 0o644)
			if code, _, errOut := run(t, env, "", "kle", "load", bad); code != 1 || errOut == "" {
				t.Fatalf("bad file: %d %q", code, errOut)
			}
		})
	}
}

// os2kleFile writes the embedded edition's current topics as an OS2KLE
// file after edit, which may change a title or drop a topic (ok false).
func os2kleFile(t *testing.T, edit func(code, title string) (string, bool), extra ...string) string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "internal", "refdata", "data", "kle_current_hierarchy_2026-02.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range records[1:] {
		if f[0] != "3" {
			continue
		}
		if title, ok := edit(f[1], f[2]); ok {
			fmt.Fprintf(&b, "KLENummer='%s':KLETitel='%s':Keywords[Weight]=\n", f[1], title)
		}
	}
	for _, line := range extra {
		b.WriteString(line + "\n")
	}
	file := filepath.Join(t.TempDir(), "OS2KLE.txt")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestKLELoadDryRun previews a KLE edition (the report names every topic
// added, renamed and expired and nothing changes), loads it with the same
// report, and refuses a partial file that would expire most of the
// taxonomy unless --allow-expire is given.
func TestKLELoadDryRun(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			env := map[string]string{"SAMSPIL_DB": testkit.NewDSN(t, e)}
			db, err := sqldb.Open(ctx, env["SAMSPIL_DB"], sqldb.Options{Passwords: testkit.Passwords()})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			fingerprint := func() string {
				f, err := db.Fingerprint(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return f
			}
			file := os2kleFile(t, func(code, title string) (string, bool) {
				switch code {
				case "27.34.00":
					return "Ældrepleje – i almindelighed", true
				case "27.34.30", "27.34.40":
					return "", false
				}
				return title, true
			}, "KLENummer='27.34.45':KLETitel='Ældretilsyn, opfølgning':Keywords[Weight]=")
			report := "1 added, 1 renamed, 2 expired of 2390 current topics\n" +
				"added (1):\n  27.34.45  Ældretilsyn, opfølgning\n" +
				"renamed (1):\n  27.34.00  Ældrepleje i almindelighed → Ældrepleje – i almindelighed\n" +
				"expired (2):\n  27.34.30  Frit valg af leverandører af helhedspleje og madlevering\n  27.34.40  Ældretilsyn\n"

			before := fingerprint()
			code, out, errOut := run(t, env, "", "kle", "load", "--dry-run", file)
			if code != 0 || !strings.HasPrefix(out, "would load OS2KLE.txt (os2kle, 2389 items): "+report) || !strings.HasSuffix(out, "dry run: nothing changed\n") ||
				strings.Contains(out, "refused") {
				t.Fatalf("dry run: %d %q %q", code, out, errOut)
			}
			if fingerprint() != before {
				t.Fatal("the dry run changed the database")
			}
			if task, err := db.FindTask(ctx, "27.34.40"); err != nil || task.ExpiredAt != nil {
				t.Fatalf("27.34.40 after the dry run: %+v %v", task, err)
			}

			// The real load changes what the dry run said, and reports the same.
			code, out, errOut = run(t, env, "", "kle", "load", file)
			if code != 0 || out != "loaded OS2KLE.txt (os2kle, 2389 items): "+report {
				t.Fatalf("load: %d %q %q", code, out, errOut)
			}
			if task, err := db.FindTask(ctx, "27.34.40"); err != nil || task.ExpiredAt == nil {
				t.Fatalf("27.34.40 after the load: %+v %v", task, err)
			}
			if task, err := db.FindTask(ctx, "27.34.00"); err != nil || task.Title != "Ældrepleje – i almindelighed" {
				t.Fatalf("27.34.00 after the load: %+v %v", task, err)
			}
			code, out, _ = run(t, env, "", "kle", "load", "--dry-run", file)
			if code != 0 || !strings.Contains(out, "was loaded before; loading it would change nothing") {
				t.Fatalf("dry run of a loaded file: %d %q", code, out)
			}

			// Partial files: KL's XML and OS2KLE excerpts would expire almost
			// everything. The dry run says the load would be refused; the
			// load is refused, naming the figures, and changes nothing.
			for _, name := range []string{"KLE-Emneplan_2015-08-01_excerpt.xml", "OS2KLE_3.23_excerpt.txt"} {
				excerpt := filepath.Join("..", "..", "internal", "kle", "testdata", name)
				before := fingerprint()
				code, out, errOut = run(t, env, "", "kle", "load", "--dry-run", excerpt)
				if code != 0 || !strings.Contains(out, "loading it would be refused") || !strings.Contains(out, "\nexpired (") {
					t.Fatalf("dry run of %s: %d %q %q", name, code, out, errOut)
				}
				code, out, errOut = run(t, env, "", "kle", "load", excerpt)
				if code != 1 || !strings.Contains(errOut, "current topics (") ||
					!strings.Contains(errOut, "a partial or older edition must not silently expire the taxonomy; check it with --dry-run and give --allow-expire if this is intended") ||
					!strings.Contains(out, "\nexpired (") {
					t.Fatalf("load of %s: %d %q %q", name, code, out, errOut)
				}
				if fingerprint() != before {
					t.Fatalf("the refused load of %s changed the database", name)
				}
			}
			code, out, errOut = run(t, env, "", "kle", "load", "--dry-run", filepath.Join("..", "..", "internal", "kle", "testdata", "OS2KLE_3.23_excerpt.txt"))
			if code != 0 || !strings.Contains(out, ": 0 added, 0 renamed, 2372 expired of 2389 current topics\n") {
				t.Fatalf("dry run of the OS2KLE excerpt: %d %q %q", code, out, errOut)
			}
			code, out, errOut = run(t, env, "", "kle", "load", "--allow-expire", filepath.Join("..", "..", "internal", "kle", "testdata", "OS2KLE_3.23_excerpt.txt"))
			if code != 0 || !strings.HasPrefix(out, "loaded OS2KLE_3.23_excerpt.txt (os2kle, 17 items): 0 added, 0 renamed, 2372 expired of 2389 current topics\n") {
				t.Fatalf("load with --allow-expire: %d %q %q", code, out, errOut)
			}
			counts, err := db.CountTasks(ctx)
			if err != nil || counts[3] != 17 || counts[2] != 498 {
				t.Fatalf("after the load with --allow-expire: %v %v", counts, err)
			}
		})
	}
}

// TestImportExport exports an organisation's contracts and imports them
// back unchanged; a file with errors exits non-zero and writes nothing; a
// dry run writes nothing.
func TestImportExport(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			env := map[string]string{"SAMSPIL_DB": testkit.NewDSN(t, e)}
			dir := t.TempDir()
			usages := filepath.Join(dir, "usages.csv")
			os.WriteFile(usages, []byte("System;Livscyklus;Fra;Noter\r\nNexus;I drift;2020-03-01;\"=HYPERLINK(\"\"x\"\")\"\r\nSBSYS;Planlagt;;\"Ny; bedre\"\r\n"), 0o644)
			code, out, errOut := run(t, env, "", "import", "--org", "0740", "--dry-run", usages)
			if code != 0 || !strings.Contains(out, "would import 2 rows of usages: 2 new") {
				t.Fatalf("dry run: %d %q %q", code, out, errOut)
			}
			fingerprint := func() string {
				db, err := sqldb.Open(ctx, env["SAMSPIL_DB"], sqldb.Options{Passwords: testkit.Passwords()})
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				f, err := db.Fingerprint(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return f
			}
			if code, out, _ := run(t, env, "", "import", "--org", "0740", usages); code != 0 || !strings.Contains(out, "imported 2 rows") {
				t.Fatalf("import: %d %q", code, out)
			}
			for _, format := range []string{"csv", "xlsx"} {
				out := filepath.Join(dir, "export."+format)
				if code, _, errOut := run(t, env, "", "export", "--org", "0740", "--what", "usages", "--format", format, "--out", out); code != 0 {
					t.Fatalf("export %s: %s", format, errOut)
				}
				before := fingerprint()
				code, stdout, errOut := run(t, env, "", "import", "--org", "0740", out)
				if code != 0 || !strings.Contains(stdout, "nothing to change in 2 rows of usages: 0 new, 0 changed, 2 unchanged") {
					t.Fatalf("re-import of the %s export: %d %q %q", format, code, stdout, errOut)
				}
				if fingerprint() != before {
					t.Fatalf("re-importing the %s export changed the database", format)
				}
			}
			exported, _ := os.ReadFile(filepath.Join(dir, "export.csv"))
			if !strings.Contains(string(exported), "'=HYPERLINK") {
				t.Fatalf("the formula is not neutralised in the export:\n%s", exported)
			}
			bad := filepath.Join(dir, "bad.csv")
			os.WriteFile(bad, []byte("System;Livscyklus;Fra\r\nA;I drift;2026-02-30\r\nB;Måske;\r\n"), 0o644)
			before := fingerprint()
			code, out, errOut = run(t, env, "", "import", "--org", "0740", bad)
			if code != 1 || !strings.Contains(out, "error: row 2, column Fra") || !strings.Contains(out, "error: row 3, column Livscyklus") ||
				!strings.Contains(errOut, "nothing was written") {
				t.Fatalf("bad file: %d %q %q", code, out, errOut)
			}
			if fingerprint() != before {
				t.Fatal("a file with errors changed the database")
			}
		})
	}
}

// TestBenchRuns runs the bench small: every measurement prints a row with
// a figure, including the pages measured as a municipality's administrator.
func TestBenchRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo")
	}
	args := []string{"bench", "--rows", "200", "--runs", "1", "--orgs", "5", "--usages-per-org", "20", "--contracts-per-org", "10",
		"--own-contracts", "150", "--registrations", "20", "--concurrency", "1,4", "--duration", "150ms", "--dir", t.TempDir()}
	engines := []string{"sqlite"}
	if pg := testkit.PostgresURL(); pg != "" {
		args = append(args, "--postgres", pg)
		engines = append(engines, "postgres")
	}
	code, out, errOut := run(t, nil, "", args...)
	if code != 0 {
		t.Fatalf("bench: %d %q", code, errOut)
	}
	want := []string{"deadlines page", "collaboration page (Silkeborg admin)", "people page with invitations",
		"account page with invitations to answer", "my invitations API", "serve --demo on an empty database, until /healthz",
		"serve on the existing database, until /healthz"}
	for _, e := range engines {
		want = append(want, "import 200 usage rows, "+e, "generate 5 organisations, "+e, "measurement ("+e+", median of 3)")
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("bench prints no %q:\n%s", w, out)
		}
	}
	// Each sized measurement prints a row per concurrency, as the
	// municipality's administrator: Silkeborg with its own contracts and
	// Viborg with 100.
	for _, row := range []string{"deadlines page, 150 own contracts", "contracts API by urgency, 150 own", "deadlines page, 100 own contracts",
		"organisations API, limit 100", "landscape page, 20 registrations", "usage page, 200 dependents", "KITOS page"} {
		if n := strings.Count(out, row); n != 2*len(engines) {
			t.Errorf("%q: %d rows, want 2 per engine:\n%s", row, n, out)
		}
	}

	// Bad sizes and a database that is not empty are refused.
	for _, bad := range [][]string{{"--orgs", "-1"}, {"--concurrency", "0"}, {"--duration", "0s"}, {"--rows", "0"}, {"--sized-postgres-only"}} {
		if code, _, errOut := run(t, nil, "", append([]string{"bench"}, bad...)...); code == 0 || errOut == "" {
			t.Errorf("bench %v: exit %d, %q", bad, code, errOut)
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sized.db"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run(t, nil, "", "bench", "--rows", "10", "--runs", "1", "--orgs", "1", "--dir", dir); code == 0 || !strings.Contains(errOut, "sized.db exists") {
		t.Errorf("bench into a used directory: exit %d, %q", code, errOut)
	}
}

// samspil serve refuses a PostgreSQL whose synchronous_commit is off, says
// why, and starts with --accept-unsafe-durability.
func TestServeRefusesUnsafeDurability(t *testing.T) {
	if !slices.Contains(testkit.Engines(t), sqldb.Postgres) {
		t.Skip("needs PostgreSQL: SQLite's settings are samspil's own (CheckDurability's test changes them)")
	}
	dsn := testkit.NewDSN(t, sqldb.Postgres)
	if code, _, errOut := run(t, map[string]string{"SAMSPIL_DB": dsn}, "", "migrate"); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	unsafe := map[string]string{"SAMSPIL_DB": dsn + sep + "synchronous_commit=off"}
	code, _, errOut := run(t, unsafe, "", "serve", "--addr", "127.0.0.1:0")
	if code == 0 || !strings.Contains(errOut, "refusing to start") || !strings.Contains(errOut, "synchronous_commit is off") ||
		!strings.Contains(errOut, "--accept-unsafe-durability") {
		t.Fatalf("serve on an unsafe database: %d %q", code, errOut)
	}
	url, _, stop := serve(t, unsafe, "--accept-unsafe-durability")
	if status, _ := get(t, url+"/healthz"); status != 200 {
		t.Fatalf("healthz %d", status)
	}
	stop()
}

// TestServeStopsCleanly stops serve while an import is being committed in
// the background: it returns within its grace and a little, the import is
// rolled back and recorded as failed (or finished whole), and no goroutine
// of samspil's is left running.
func TestServeStopsCleanly(t *testing.T) {
	ctx := context.Background()
	dsn := testkit.NewDSN(t, sqldb.SQLite)
	env := map[string]string{"SAMSPIL_DB": dsn, "SAMSPIL_SHUTDOWN_GRACE": "200ms"}
	email := "it-chef@silkeborg.example"
	if code, _, errOut := run(t, env, testkit.Password+"\n", "user", "add", "--email", email, "--org", "0740", "--role", "admin"); code != 0 {
		t.Fatal(errOut)
	}
	_, out, _ := run(t, env, "", "token", "create", "--user", email)
	token := strings.TrimSpace(out)
	before := runtime.NumGoroutine()

	base, _, stop := serve(t, env)
	person, err := signedIn(ctx, base, email, testkit.Password, testkit.Silkeborg, token)
	if err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("Navn*\r\n")
	for i := range 100000 {
		fmt.Fprintf(&csv, "Stop system %d\r\n", i)
	}
	tr := &http.Transport{}
	client := &http.Client{Transport: tr, Jar: person.jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/imports?organization_id=0740&file_name=systemer.csv", strings.NewReader(csv.String()))
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var im samspil.Import
	json.NewDecoder(res.Body).Decode(&im)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %s", res.Status)
	}
	req, _ = http.NewRequest(http.MethodPost, base+"/imports/"+im.ID+"/commit", strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if res, err = client.Do(req); err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("commit: %v %v", res, err)
	}
	res.Body.Close()
	tr.CloseIdleConnections()

	start := time.Now()
	stop() // fails the test unless serve ends with status 0
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("serve took %s to stop with a grace of 200 ms", took)
	}
	// Its goroutines end with it (a few of the runtime's and the test's
	// own may come and go).
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+2 {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines before serve, %d after it stopped:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}

	db, err := sqldb.Open(ctx, dsn, sqldb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	found, err := db.FindImport(ctx, testkit.System, im.ID)
	if err != nil {
		t.Fatal(err)
	}
	n, err := countSystems(ctx, db, testkit.System, "Stop system")
	if err != nil {
		t.Fatal(err)
	}
	if !(found.Status == samspil.ImportFailed && n == 0 || found.Status == samspil.ImportCommitted && n == 100000) {
		t.Fatalf("after the stop the import is %s with %d of its 100,000 systems", found.Status, n)
	}
	t.Logf("the import was %s", found.Status)
}
