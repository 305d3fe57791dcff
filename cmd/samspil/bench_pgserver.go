package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ownPostgres is a PostgreSQL server of the check's own, in a data
// directory of its own on a free port of 127.0.0.1, which the check stops
// (as an operator's restart, or a crash) and starts again. The server
// whose address --postgres gives is never stopped.
type ownPostgres struct {
	bin  string // the directory of initdb, pg_ctl and postgres
	dir  string // the data directory, which also holds the socket and log
	port int
	as   []string // runuser -u postgres --, when the check runs as root
}

// postgresBinDir finds the server's programs: the newest
// /usr/lib/postgresql/*/bin (Debian's layout), else initdb on the PATH.
func postgresBinDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return va - vb
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "pg_ctl")); err == nil {
			return dirs[i], nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", fmt.Errorf("no PostgreSQL server programs (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or on the PATH: install the server (apt-get install postgresql) to run this check")
}

// startOwnPostgres makes a new cluster and starts it. PostgreSQL refuses
// to run as root, so as root the cluster belongs to the postgres user.
func startOwnPostgres(ctx context.Context) (*ownPostgres, error) {
	bin, err := postgresBinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "samspil-postgres-")
	if err != nil {
		return nil, err
	}
	pg := &ownPostgres{bin: bin, dir: dir}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root, the check's PostgreSQL server needs the postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		pg.as = []string{"runuser", "-u", "postgres", "--"}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	pg.port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	// --no-sync: only initdb's own files skip fsync; the server runs with
	// PostgreSQL's defaults (fsync and synchronous_commit on).
	if err := pg.run(ctx, "initdb", "-D", pg.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := pg.start(ctx); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return pg, nil
}

func (pg *ownPostgres) data() string { return filepath.Join(pg.dir, "data") }

// dsn is the address of the server's postgres database.
func (pg *ownPostgres) dsn() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", pg.port)
}

// start starts the server and waits until it accepts connections.
func (pg *ownPostgres) start(ctx context.Context) error {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", pg.port, pg.dir)
	return pg.run(ctx, "pg_ctl", "start", "-D", pg.data(), "-l", filepath.Join(pg.dir, "log"), "-w", "-t", "120", "-o", opts)
}

// stop stops the server in mode "fast" (as an operator's restart does:
// sessions are ended, the server shuts down cleanly) or "immediate" (as a
// crash does: no shutdown checkpoint, recovery from the WAL at the next
// start).
func (pg *ownPostgres) stop(ctx context.Context, mode string) error {
	return pg.run(ctx, "pg_ctl", "stop", "-D", pg.data(), "-m", mode, "-w", "-t", "120")
}

// remove stops the server, if it runs, and deletes its files.
func (pg *ownPostgres) remove() {
	pg.stop(context.Background(), "immediate")
	os.RemoveAll(pg.dir)
}

func (pg *ownPostgres) run(ctx context.Context, program string, args ...string) error {
	argv := append(slices.Clone(pg.as), append([]string{filepath.Join(pg.bin, program)}, args...)...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = pg.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(pg.dir, "log"))
		return fmt.Errorf("%s %s: %w\n%s%s", program, strings.Join(args, " "), err, out, tail(string(log), 2000))
	}
	return nil
}
