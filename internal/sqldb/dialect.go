package sqldb

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/samspil/samspil"
)

// The SQL in this package is a portable subset: $1..$n placeholders (the
// SQLite driver binds them by number like PostgreSQL), TEXT ids, ON CONFLICT,
// RETURNING, row-value comparisons for keyset paging, and LIKE over columns
// that Go has already case-folded. The differences live here.

// openSQLite opens one writer connection and a pool of read-only ones on the
// same file. busy_timeout comes first so that it applies to the pragmas after
// it; immediate transactions take the write lock up front instead of failing
// on upgrade; the "sqlite" time format keeps timestamps sortable as text.
func openSQLite(path string, readConns int) (write, read *sql.DB, err error) {
	if readConns <= 0 {
		readConns = 4
	}
	write, err = sql.Open("sqlite", sqliteDSN(path, true))
	if err != nil {
		return nil, nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	// Create the file and switch it to WAL before readers open it.
	if err := write.Ping(); err != nil {
		write.Close()
		return nil, nil, fmt.Errorf("open SQLite database %s: %w", path, err)
	}
	read, err = sql.Open("sqlite", sqliteDSN(path, false))
	if err != nil {
		write.Close()
		return nil, nil, err
	}
	read.SetMaxOpenConns(readConns)
	read.SetMaxIdleConns(readConns)
	return write, read, nil
}

// sqliteDSN returns the driver address of a SQLite file for writing or for
// reading only.
func sqliteDSN(path string, write bool) string {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_time_format=sqlite"
	if write {
		return dsn + "&_pragma=journal_mode(WAL)&_txlock=immediate"
	}
	return dsn + "&_pragma=query_only(1)"
}

// PostgresMaxIdleConns is how many connections to PostgreSQL the pool keeps
// open while idle (each closed after 5 minutes unused).
const PostgresMaxIdleConns = 10

func openPostgres(dsn string) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(PostgresMaxIdleConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

// The PostgreSQL driver's word for a connection it found dead (the server
// restarted, or the network failed) in the middle of a transaction.
func init() { samspil.RegisterUnavailable(pgconn.ErrConnClosed) }

// isUniqueViolation reports whether err is a unique-constraint violation.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// isBusy reports whether err is SQLite's "database is locked", which a retry
// of the whole transaction may cure.
func isBusy(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	return false
}

// placeholders returns "$n, $n+1, ..." for count values starting at n, for
// IN lists (no arrays: they are not portable).
func placeholders(n, count int) string {
	var b strings.Builder
	for i := 0; i < count; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(n + i))
	}
	return b.String()
}

// likeContains returns a LIKE pattern matching s anywhere, with LIKE's
// wildcards escaped; use it with ESCAPE '\'.
func likeContains(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// likePrefix returns a LIKE pattern matching strings that start with s.
func likePrefix(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s) + "%"
}

// dbTime scans a timestamp from either engine into UTC. SQLite returns
// declared TIMESTAMP columns as time.Time, but computed ones (MAX, ...) as
// text; PostgreSQL returns time.Time.
type dbTime struct {
	T     time.Time
	Valid bool
}

// sqliteTimeFormats are the layouts the SQLite driver writes and reads.
var sqliteTimeFormats = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02",
}

// Scan implements sql.Scanner.
func (t *dbTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*t = dbTime{}
		return nil
	case time.Time:
		*t = dbTime{T: x.UTC(), Valid: true}
		return nil
	case string:
		return t.parse(x)
	case []byte:
		return t.parse(string(x))
	}
	return fmt.Errorf("cannot scan %T into a time", v)
}

func (t *dbTime) parse(s string) error {
	for _, layout := range sqliteTimeFormats {
		if p, err := time.Parse(layout, s); err == nil {
			*t = dbTime{T: p.UTC(), Valid: true}
			return nil
		}
	}
	return fmt.Errorf("cannot parse time %q", s)
}

// Ptr returns a pointer to the time, or nil when NULL.
func (t dbTime) Ptr() *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.T
	return &v
}

// nullTime returns a driver value for an optional time: NULL or UTC.
func nullTime(t *time.Time) driver.Value {
	if t == nil {
		return nil
	}
	return t.UTC()
}

// nullString returns NULL for "" and s otherwise, for optional text columns
// under unique indexes.
func nullString(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}

// dateColumn selects a DATE column for scanning into samspil.Date. The
// SQLite driver turns columns declared DATE into time.Time through
// time.Parse, which costs more than the rest of a contract's row; selected
// as text, Date.Scan reads the stored "2026-01-31" directly. PostgreSQL
// sends dates in binary, whatever its DateStyle.
func dateColumn(e Engine, col string) string {
	if e == SQLite {
		return "CAST(" + col + " AS TEXT)"
	}
	return col
}
