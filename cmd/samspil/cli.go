package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/alecthomas/kong"
	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth"
	"github.com/samspil/samspil/internal/demo"
	"github.com/samspil/samspil/internal/kle"
	"github.com/samspil/samspil/internal/landscapeio"
	"github.com/samspil/samspil/internal/mail"
	"github.com/samspil/samspil/internal/refdata"
	"github.com/samspil/samspil/internal/server"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/tabular"
	"golang.org/x/term"
)

// Version is set at build time with -ldflags "-X main.Version=...".
var Version = "dev"

// DefaultDB is the SQLite file used when neither --db nor SAMSPIL_DB is given.
var DefaultDB = filepath.Join("samspil-data", "samspil.db")

// Main runs the command line; tests run it in-process.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string

	// Ready, when set, is called with the address serve listens on.
	Ready func(addr string)
}

// dbFlag is the database option every command shares.
type dbFlag struct {
	DB string `name:"db" env:"SAMSPIL_DB" help:"SQLite file path or postgres:// URL (default ${default_db})."`
}

func (f dbFlag) dsn() string {
	if f.DB == "" {
		return DefaultDB
	}
	return f.DB
}

type cli struct {
	Serve   serveCmd   `cmd:"" help:"Run the web server."`
	Migrate migrateCmd `cmd:"" help:"Bring the database schema up to date and load the reference data."`
	User    struct {
		Add      userAddCmd      `cmd:"" help:"Create a user account."`
		Password userPasswordCmd `cmd:"" help:"Set a user's password, as an operator: e.g. to revive an account that belongs to no organisation."`
	} `cmd:"" help:"Manage users."`
	Token struct {
		Create tokenCreateCmd `cmd:"" help:"Create an API token for a user and print it."`
	} `cmd:"" help:"Manage API tokens."`
	Import importCmd `cmd:"" help:"Import systems, usages or contracts from CSV or XLSX (our template or a KITOS export)."`
	Export exportCmd `cmd:"" help:"Export an organisation's systems, usages or contracts as CSV or XLSX."`
	KLE    struct {
		Load kleLoadCmd `cmd:"" help:"Load a KLE edition: KL's official XML or the OS2KLE text format."`
	} `cmd:"" name:"kle" help:"Manage the KLE taxonomy."`
	Orgs      orgsCmd      `cmd:"" help:"Manage organisations."`
	Kitos     kitosCmd     `cmd:"" name:"kitos" help:"Synchronise with KITOS."`
	Demo      demoCmd      `cmd:"" help:"Make demo data."`
	Backup    backupCmd    `cmd:"" help:"Make a consistent copy of the database while it is in use (SQLite: a database file; PostgreSQL: a pg_dump archive)."`
	Restore   restoreCmd   `cmd:"" help:"Restore a backup into a new database, check it and bring its schema up to date."`
	Checksums checksumsCmd `cmd:"" help:"Print a checksum of each organisation's data, to compare a restored database with its original."`
	OpenAPI   openAPICmd   `cmd:"" name:"openapi" help:"Print the OpenAPI document of the JSON API."`
	Bench     benchCmd     `cmd:"" help:"Measure the performance targets and print figures with their ratio to the target."`
	Version   versionCmd   `cmd:"" help:"Print the version."`
}

// exitCode carries kong's request to exit (after --help) out of parsing.
type exitCode int

// Run parses args and runs the command. It returns the exit status.
func (m *Main) Run(ctx context.Context, args []string) (status int) {
	defer func() {
		if p := recover(); p != nil {
			code, ok := p.(exitCode)
			if !ok {
				panic(p)
			}
			status = int(code)
		}
	}()
	var c cli
	parser, err := kong.New(&c, kong.Name("samspil"),
		kong.Description("samspil: where municipalities collaborate on IT and digitalisation."),
		kong.Vars{"default_db": DefaultDB},
		kong.Writers(m.Stdout, m.Stderr),
		kong.Exit(func(code int) { panic(exitCode(code)) }),
		kong.Resolvers(envResolver{m.Getenv}),
	)
	if err != nil {
		fmt.Fprintln(m.Stderr, err)
		return 2
	}
	kctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintln(m.Stderr, "samspil:", err)
		return 2
	}
	kctx.BindTo(ctx, (*context.Context)(nil))
	if err := kctx.Run(m); err != nil {
		fmt.Fprintln(m.Stderr, "samspil:", samspilMessage(err))
		return 1
	}
	return 0
}

// envResolver reads env-tagged flags from Main.Getenv, so that tests can
// set the environment without touching the process's.
type envResolver struct{ getenv func(string) string }

func (r envResolver) Validate(*kong.Application) error { return nil }

func (r envResolver) Resolve(_ *kong.Context, _ *kong.Path, flag *kong.Flag) (any, error) {
	for _, name := range flag.Envs {
		if v := r.getenv(name); v != "" {
			return v, nil
		}
	}
	return nil, nil
}

func samspilMessage(err error) string {
	var e *samspil.Error
	if errors.As(err, &e) {
		msg := e.Message
		for _, f := range e.Fields {
			if f.Message != e.Message {
				msg += fmt.Sprintf("\n  %s: %s", f.Path, f.Message)
			}
		}
		return msg
	}
	return err.Error()
}

// openStore opens and migrates the database and loads the reference data.
func openStore(ctx context.Context, dsn string, hashing auth.Limit) (*sqldb.DB, error) {
	db, err := sqldb.Open(ctx, dsn, sqldb.Options{Passwords: auth.NewPasswords(auth.DefaultArgon2, hashing)})
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := refdata.Load(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

type serveCmd struct {
	dbFlag
	Addr            string        `name:"addr" env:"SAMSPIL_ADDR" default:"127.0.0.1:8080" help:"Address to listen on."`
	Demo            bool          `name:"demo" help:"Add the demo cast (fictional people) and print their logins."`
	InsecureCookies bool          `name:"insecure-cookies" env:"SAMSPIL_INSECURE_COOKIES" help:"Send cookies over plain HTTP to hosts other than localhost (never in production)."`
	TLS             bool          `name:"behind-tls" env:"SAMSPIL_BEHIND_TLS" help:"Served behind an HTTPS proxy: send Strict-Transport-Security and take the client's address from the last X-Forwarded-For entry."`
	HashConcurrency int           `name:"hash-concurrency" env:"SAMSPIL_HASH_CONCURRENCY" default:"0" help:"Password hash computations at once, each taking 19 MiB (0: the number of CPUs, at least 2); sign-ins beyond wait up to 2 s, then get 429."`
	PublicURL       string        `name:"public-url" env:"SAMSPIL_PUBLIC_URL" help:"The site's public address, for links in calendar feeds and e-mails (default: the address of each request)."`
	AcceptUnsafe    bool          `name:"accept-unsafe-durability" env:"SAMSPIL_ACCEPT_UNSAFE_DURABILITY" help:"Start even when the database's settings put acknowledged writes at risk (SQLite not in WAL or synchronous OFF; PostgreSQL with fsync, full_page_writes or synchronous_commit off)."`
	ShutdownGrace   time.Duration `name:"shutdown-grace" env:"SAMSPIL_SHUTDOWN_GRACE" default:"20s" help:"Told to stop (SIGTERM), how long requests in flight and imports being committed may finish; then they are cut off and the imports rolled back."`
	SSOAllowPrivate bool          `name:"sso-allow-private" env:"SAMSPIL_SSO_ALLOW_PRIVATE" help:"Let identity providers be reached at loopback and private addresses (on with --demo, for the development provider); by default only public addresses."`
	SMTP            smtpFlags     `embed:"" prefix:"smtp-"`
}

// smtpFlags configure the SMTP server for e-mail notices; without a host no
// notices are sent.
type smtpFlags struct {
	Host     string `name:"host" env:"SAMSPIL_SMTP_HOST" help:"SMTP server for e-mail notices; none are sent without it."`
	Port     int    `name:"port" env:"SAMSPIL_SMTP_PORT" default:"587" help:"SMTP port."`
	Security string `name:"security" env:"SAMSPIL_SMTP_SECURITY" enum:"none,starttls,tls," default:"" help:"none, starttls or tls (default: by the port)."`
	Username string `name:"username" env:"SAMSPIL_SMTP_USERNAME" help:"SMTP user name."`
	Password string `name:"password" env:"SAMSPIL_SMTP_PASSWORD" help:"SMTP password (prefer the environment variable)."`
	From     string `name:"from" env:"SAMSPIL_SMTP_FROM" help:"Sender of notices, e.g. 'samspil <noreply@kommune.dk>'."`
}

// config returns the mail configuration, or nil without a host.
func (f smtpFlags) config() *mail.Config {
	if f.Host == "" {
		return nil
	}
	return &mail.Config{Host: f.Host, Port: f.Port, Security: mail.Security(f.Security), Username: f.Username, Password: f.Password, From: f.From}
}

func (c *serveCmd) Run(m *Main, ctx context.Context) error {
	slog.SetDefault(slog.New(slog.NewJSONHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	db, err := openStore(ctx, c.dsn(), auth.Limit{InFlight: c.HashConcurrency})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := checkDurability(ctx, db, c.AcceptUnsafe); err != nil {
		return err
	}
	if c.Demo {
		created, err := demo.Ensure(ctx, db)
		if err != nil {
			return err
		}
		if created {
			slog.Info("demo data created")
		}
	}
	db.StartOrgSearch()
	srv, err := server.New(db, server.Config{Addr: c.Addr, Version: Version, SecureCookies: !c.InsecureCookies, TLS: c.TLS, Demo: c.Demo, PublicURL: c.PublicURL,
		Mail: c.SMTP.config(), SSOAllowPrivate: c.SSOAllowPrivate || c.Demo, ShutdownGrace: c.ShutdownGrace})
	if err != nil {
		return err
	}
	return srv.ListenAndServe(ctx, func(addr string) {
		url := "http://" + browsable(addr)
		fmt.Fprintf(m.Stdout, "samspil %s is running at %s (database: %s, %s)\n", Version, url, redactDSN(c.dsn()), db.Engine())
		if c.Demo {
			fmt.Fprint(m.Stdout, demo.LoginText())
		}
		if m.Ready != nil {
			m.Ready(addr)
		}
	})
}

// checkDurability refuses to serve from a database whose settings put
// acknowledged writes at risk, saying which and why, unless accept is set,
// when it only warns.
func checkDurability(ctx context.Context, db *sqldb.DB, accept bool) error {
	problems, err := db.CheckDurability(ctx)
	if err != nil {
		return fmt.Errorf("read the database's durability settings: %w", err)
	}
	if len(problems) == 0 {
		return nil
	}
	lines := make([]string, len(problems))
	for i, p := range problems {
		lines[i] = "  " + p.String()
		slog.Warn("unsafe database setting", "setting", p.Setting, "value", p.Value, "want", p.Want, "risk", p.Risk)
	}
	if accept {
		return nil
	}
	return fmt.Errorf("refusing to start: the database's settings put acknowledged writes at risk:\n%s\n"+
		"fix them, or start with --accept-unsafe-durability to accept the risk", strings.Join(lines, "\n"))
}

// browsable turns a listen address into one a browser can open.
func browsable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// redactDSN hides a password in a database URL.
func redactDSN(dsn string) string {
	if !sqldb.IsPostgresDSN(dsn) {
		return dsn
	}
	at := strings.LastIndex(dsn, "@")
	scheme := strings.Index(dsn, "://")
	if at < 0 || scheme < 0 {
		return dsn
	}
	creds := dsn[scheme+3 : at]
	if i := strings.IndexByte(creds, ':'); i >= 0 {
		return dsn[:scheme+3] + creds[:i] + ":***" + dsn[at:]
	}
	return dsn
}

type migrateCmd struct {
	dbFlag
}

func (c *migrateCmd) Run(m *Main, ctx context.Context) error {
	db, err := openStore(ctx, c.dsn(), auth.Limit{})
	if err != nil {
		return err
	}
	defer db.Close()
	current, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "database is at schema version %d\n", current)
	return nil
}

type userAddCmd struct {
	dbFlag
	Email        string `name:"email" required:"" help:"E-mail address."`
	Name         string `name:"name" help:"Display name (default: from the e-mail address)."`
	Org          string `name:"org" help:"Organisation: municipality code (e.g. 0740) or ID."`
	Role         string `name:"role" enum:"admin,editor,viewer," default:"" help:"Role in the organisation: admin, editor or viewer."`
	Operator     bool   `name:"operator" help:"Make the user a platform operator."`
	PasswordFile string `name:"password-file" type:"existingfile" help:"Read the password from this file (else from standard input when it is not a terminal, else a prompt)."`
	NoPassword   bool   `name:"no-password" help:"Create the account without a local password (single sign-on only)."`
}

func (c *userAddCmd) Run(m *Main, ctx context.Context) error {
	if c.Org != "" && c.Role == "" {
		return errors.New("--org needs --role admin|editor|viewer")
	}
	if c.Org == "" && !c.Operator {
		return errors.New("give --org and --role, or --operator")
	}
	password, err := c.password(m)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, c.dsn(), auth.Limit{})
	if err != nil {
		return err
	}
	defer db.Close()
	name := c.Name
	if name == "" {
		name = strings.SplitN(c.Email, "@", 2)[0]
	}
	u, err := db.CreateUser(ctx, samspil.SystemActor("cli"), samspil.UserInput{Email: c.Email, DisplayName: name, Password: password,
		OrganizationID: c.Org, Role: samspil.Role(c.Role), Operator: c.Operator})
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "created user %s (%s)\n", u.Email, u.ID)
	return nil
}

type userPasswordCmd struct {
	dbFlag
	Email        string `name:"email" required:"" help:"E-mail address of the account."`
	PasswordFile string `name:"password-file" type:"existingfile" help:"Read the password from this file (else from standard input when it is not a terminal, else a prompt)."`
}

func (c *userPasswordCmd) Run(m *Main, ctx context.Context) error {
	password, err := readPassword(m, c.PasswordFile)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, c.dsn(), auth.Limit{})
	if err != nil {
		return err
	}
	defer db.Close()
	id, err := db.UserIDByEmail(ctx, c.Email)
	if samspil.ErrorCode(err) == samspil.ENOTFOUND {
		return fmt.Errorf("no account has the address %s", c.Email)
	}
	if err != nil {
		return err
	}
	if err := db.SetPassword(ctx, samspil.SystemActor("cli"), id, "", password); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "set the password of %s; its sessions have ended\n", c.Email)
	return nil
}

// password reads the new password, unless the account is to have none.
func (c *userAddCmd) password(m *Main) (string, error) {
	if c.NoPassword {
		return "", nil
	}
	return readPassword(m, c.PasswordFile)
}

// readPassword reads a new password: from file, from standard input when
// it is not a terminal, or from a prompt without echo.
func readPassword(m *Main, file string) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", err
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	if f, ok := m.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(m.Stderr, "Password (at least 15 characters): ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(m.Stderr)
		return string(b), err
	}
	line, err := bufio.NewReader(io.LimitReader(m.Stdin, auth.MaxPasswordBytes+2)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on standard input; give one, or --no-password")
	}
	return line, nil
}

type tokenCreateCmd struct {
	dbFlag
	User string `name:"user" required:"" help:"E-mail address of the user the token acts as."`
	Name string `name:"name" default:"command line" help:"A name to recognise the token by."`
}

func (c *tokenCreateCmd) Run(m *Main, ctx context.Context) error {
	db, err := openStore(ctx, c.dsn(), auth.Limit{})
	if err != nil {
		return err
	}
	defer db.Close()
	id, err := db.UserIDByEmail(ctx, c.User)
	if err != nil {
		return fmt.Errorf("no user with e-mail %s", c.User)
	}
	_, secret, err := db.CreateToken(ctx, samspil.SystemActor("cli"), id, samspil.TokenInput{Name: c.Name})
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, secret)
	return nil
}

type importCmd struct {
	dbFlag
	Org    string `name:"org" required:"" help:"The organisation: municipality code (e.g. 0740) or ID."`
	DryRun bool   `name:"dry-run" help:"Check the file and print what would change; write nothing."`
	File   string `arg:"" type:"existingfile" help:"The CSV or XLSX file."`
}

func (c *importCmd) Run(m *Main, ctx context.Context) error {
	open := func() (io.ReadCloser, error) { return os.Open(c.File) }
	src, err := landscapeio.NewSource(open, filepath.Base(c.File), tabular.Limits{})
	if err != nil {
		return err
	}
	db, err := openStore(ctx, c.dsn(), auth.Limit{})
	if err != nil {
		return err
	}
	defer db.Close()
	actor := samspil.SystemActor("cli")
	progress := progressPrinter(m.Stderr, "checking")
	var report *samspil.ImportReport
	if c.DryRun {
		report, err = db.PreviewImport(ctx, actor, c.Org, src, progress)
	} else {
		progress = progressPrinter(m.Stderr, "importing")
		report, err = db.CommitImport(ctx, actor, c.Org, src, progress)
	}
	fmt.Fprintln(m.Stderr)
	if err != nil {
		return err
	}
	printReport(m.Stdout, report, c.DryRun)
	if report.ErrorCount > 0 {
		return fmt.Errorf("the file has %d errors; nothing was written", report.ErrorCount)
	}
	return nil
}

// printReport writes an import report for people.
func printReport(w io.Writer, r *samspil.ImportReport, dryRun bool) {
	verb := "imported"
	switch {
	case dryRun:
		verb = "would import"
	case !r.Committed && r.ErrorCount == 0:
		verb = "nothing to change in"
	case !r.Committed:
		verb = "did not import"
	}
	fmt.Fprintf(w, "%s %d rows of %s: %d new, %d changed, %d unchanged, %d new catalogue entries\n",
		verb, r.Rows, r.Kind, r.Create, r.Update, r.Unchanged, r.NewSystems)
	for _, e := range r.Errors {
		fmt.Fprintf(w, "error: row %d%s: %s\n", e.Line, column(e.Column), e.Message)
	}
	if r.ErrorCount > len(r.Errors) {
		fmt.Fprintf(w, "... and %d more errors\n", r.ErrorCount-len(r.Errors))
	}
	for _, e := range r.Warnings {
		fmt.Fprintf(w, "warning: row %d%s: %s\n", e.Line, column(e.Column), e.Message)
	}
}

func column(c string) string {
	if c == "" {
		return ""
	}
	return ", column " + c
}

type exportCmd struct {
	dbFlag
	Org    string `name:"org" required:"" help:"The organisation: municipality code (e.g. 0740) or ID."`
	Format string `name:"format" enum:"csv,xlsx" default:"xlsx" help:"csv or xlsx."`
	What   string `name:"what" enum:"systems,usages,contracts" required:"" help:"systems (the catalogue entries the organisation registered), usages or contracts."`
	Out    string `name:"out" required:"" help:"The file to write."`
}

func (c *exportCmd) Run(m *Main, ctx context.Context) error {
	db, err := openStore(ctx, c.dsn(), auth.Limit{})
	if err != nil {
		return err
	}
	defer db.Close()
	f, err := os.Create(c.Out)
	if err != nil {
		return err
	}
	if err := landscapeio.Export(ctx, db, samspil.SystemActor("cli"), c.Org, samspil.ImportKind(c.What), c.Format, f); err != nil {
		f.Close()
		os.Remove(c.Out)
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "wrote %s\n", c.Out)
	return nil
}

type kleLoadCmd struct {
	dbFlag
	DryRun      bool   `name:"dry-run" help:"Print what loading the file would add, rename and expire, and change nothing."`
	AllowExpire bool   `name:"allow-expire" help:"Load the file even if it expires more than a tenth of the current topics."`
	File        string `arg:"" type:"existingfile" help:"The KLE file (XML or OS2KLE text)."`
}

func (c *kleLoadCmd) Run(m *Main, ctx context.Context) error {
	f, err := os.Open(c.File)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	e, err := kle.Parse(io.TeeReader(f, h))
	if err != nil {
		return err
	}
	db, err := openStore(ctx, c.dsn(), auth.Limit{})
	if err != nil {
		return err
	}
	defer db.Close()
	source := filepath.Base(c.File)
	if e.Published != "" {
		source += " (" + e.Published + ")"
	}
	sum, err := db.LoadTasks(ctx, samspil.SystemActor("cli"), samspil.TaskEdition{Source: source, Hash: hex.EncodeToString(h.Sum(nil)),
		Levels: e.Levels, Tasks: e.Tasks, DryRun: c.DryRun, AllowExpire: c.AllowExpire})
	if err != nil && sum != nil && sum.ExpiresTooMany() {
		printTaskChanges(m.Stdout, "would load", source, e, sum)
		return fmt.Errorf("%s; check it with --dry-run and give --allow-expire if this is intended", samspilMessage(err))
	}
	if err != nil {
		return err
	}
	switch {
	case sum.Skipped && c.DryRun:
		fmt.Fprintf(m.Stdout, "%s was loaded before; loading it would change nothing\n", source)
	case sum.Skipped:
		fmt.Fprintf(m.Stdout, "%s was loaded before; nothing changed\n", source)
	case c.DryRun:
		printTaskChanges(m.Stdout, "would load", source, e, sum)
		if sum.ExpiresTooMany() && !c.AllowExpire {
			fmt.Fprintf(m.Stdout, "loading it would be refused: it expires more than a tenth of the current topics; give --allow-expire if this is intended\n")
		}
		fmt.Fprintln(m.Stdout, "dry run: nothing changed")
	default:
		printTaskChanges(m.Stdout, "loaded", source, e, sum)
	}
	return nil
}

// printTaskChanges writes what loading a KLE edition changes: the counts,
// then the topics added, renamed and expired.
func printTaskChanges(w io.Writer, verb, source string, e *kle.Edition, sum *samspil.TaskLoadSummary) {
	fmt.Fprintf(w, "%s %s (%s, %d items): %d added, %d renamed, %d expired of %d current topics\n",
		verb, source, e.Format, len(e.Tasks), sum.Added, sum.Renamed, sum.Expired, sum.Current)
	for _, list := range []struct {
		name    string
		changes []samspil.TaskEditionChange
	}{{"added", sum.AddedTasks}, {"renamed", sum.RenamedTasks}, {"expired", sum.ExpiredTasks}} {
		if len(list.changes) == 0 {
			continue
		}
		fmt.Fprintf(w, "%s (%d):\n", list.name, len(list.changes))
		for _, c := range list.changes {
			if c.OldTitle != "" {
				fmt.Fprintf(w, "  %s  %s → %s\n", c.Code, c.OldTitle, c.Title)
			} else {
				fmt.Fprintf(w, "  %s  %s\n", c.Code, c.Title)
			}
		}
	}
}

type backupCmd struct {
	dbFlag
	To string `name:"to" required:"" help:"The new file to write the copy to."`
}

func (c *backupCmd) Run(m *Main, ctx context.Context) error {
	db, err := sqldb.Open(ctx, c.dsn(), sqldb.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.Backup(ctx, c.To); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "backup written to %s in %s\n", c.To, time.Since(start).Round(time.Millisecond))
	return nil
}

type restoreCmd struct {
	dbFlag
	From string `name:"from" required:"" type:"existingfile" help:"The backup: a SQLite file from samspil backup, or a pg_dump archive in the custom format."`
}

// Run restores into the database named by --db, which must be new (a
// SQLite file that does not exist, an empty PostgreSQL database), and
// brings its schema up to date, as serve would.
func (c *restoreCmd) Run(m *Main, ctx context.Context) error {
	start := time.Now()
	if err := sqldb.Restore(ctx, c.From, c.dsn()); err != nil {
		return err
	}
	db, err := sqldb.Open(ctx, c.dsn(), sqldb.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	version, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "restored %s into %s in %s (schema version %d)\n", c.From, redactDSN(c.dsn()), time.Since(start).Round(time.Millisecond), version)
	return nil
}

type checksumsCmd struct {
	dbFlag
}

// Run prints one line per organisation, "<id> <checksum>", in id order, and
// the rows that belong to no organisation as "(shared)".
func (c *checksumsCmd) Run(m *Main, ctx context.Context) error {
	db, err := sqldb.Open(ctx, c.dsn(), sqldb.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	sums, err := db.OrganizationChecksums(ctx)
	if err != nil {
		return err
	}
	for _, org := range slices.Sorted(maps.Keys(sums)) {
		name := org
		if org == "" {
			name = "(shared)"
		}
		fmt.Fprintf(m.Stdout, "%s %s\n", name, sums[org])
	}
	return nil
}

type openAPICmd struct{}

func (c *openAPICmd) Run(m *Main, ctx context.Context) error {
	b, err := server.OpenAPIDocument()
	if err != nil {
		return err
	}
	_, err = m.Stdout.Write(b)
	return err
}

type versionCmd struct{}

func (c *versionCmd) Run(m *Main) error {
	fmt.Fprintln(m.Stdout, "samspil", Version)
	return nil
}
