// Package mailtest runs an in-process SMTP server for tests, built on
// github.com/emersion/go-smtp. It records every message it accepts and
// decodes the parts a test wants to check:
//
//	srv := mailtest.Start(t)
//	sender, err := mail.NewSMTP(srv.Config())
//	... code under test sends ...
//	got := srv.Wait(t, 1, 5*time.Second)
//	if got[0].Subject != "Møde om 3 dage" { ... }
package mailtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/samspil/samspil/internal/mail"
)

// From is the sender address in the Config of a Server.
const From = "samspil <noreply@samspil.test>"

// Received is one message the server accepted.
type Received struct {
	From string   // envelope sender (MAIL FROM)
	To   []string // envelope recipients (RCPT TO)
	Data []byte   // the message as sent, with CRLF line endings

	Header  netmail.Header // the parsed header
	Subject string         // the decoded Subject
	// Text is the decoded text/plain body (the text/plain part of a
	// multipart message) with quoted-printable undone and CRLF turned
	// into LF.
	Text string
	// HTML is the decoded text/html part of a multipart message, like Text.
	HTML string

	User string // the user name the client logged in with, if any
	TLS  bool   // whether the message arrived over TLS (STARTTLS)
}

// Option configures a Server.
type Option func(*Server)

// WithAuth makes the server require AUTH PLAIN with this user name and
// password before it accepts MAIL FROM. Without WithTLS the server offers
// AUTH over the unencrypted connection, which net/smtp's client accepts
// because the server is on localhost.
func WithAuth(user, pass string) Option {
	return func(s *Server) { s.user, s.pass = user, pass }
}

// WithRejectRecipient makes the server answer RCPT TO addr with 550.
func WithRejectRecipient(addr string) Option {
	return func(s *Server) { s.reject = append(s.reject, strings.ToLower(addr)) }
}

// WithTLS makes the server offer STARTTLS with a self-signed certificate
// made in memory for 127.0.0.1 and localhost; Config then uses STARTTLS
// and trusts that certificate. Together with WithAuth, AUTH is offered
// only after STARTTLS.
func WithTLS() Option {
	return func(s *Server) { s.tls = true }
}

// Server is an SMTP server listening on 127.0.0.1.
type Server struct {
	user, pass string
	reject     []string
	tls        bool

	srv   *smtp.Server
	port  int
	roots *x509.CertPool

	mu       sync.Mutex
	messages []Received
	arrived  chan struct{} // closed and replaced when a message arrives
	closed   bool
	t        testing.TB
}

// Start starts a server on 127.0.0.1 at a free port; it stops when the
// test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{arrived: make(chan struct{}), t: t}
	for _, o := range opts {
		o(s)
	}

	s.srv = smtp.NewServer(smtp.BackendFunc(s.newSession))
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout = time.Minute
	s.srv.WriteTimeout = time.Minute
	s.srv.ErrorLog = testLogger{s}
	s.srv.AllowInsecureAuth = !s.tls
	if s.tls {
		cert, roots, err := selfSigned()
		if err != nil {
			t.Fatalf("mailtest: %v", err)
		}
		s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		s.roots = roots
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	s.port = l.Addr().(*net.TCPAddr).Port
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.srv.Serve(l)
	}()
	t.Cleanup(func() {
		_ = s.srv.Close()
		// Close does not see the listener when Serve has not started yet.
		_ = l.Close()
		<-done
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
	})
	return s
}

// Config returns a configuration that reaches the server, with the
// credentials of WithAuth and a short timeout.
func (s *Server) Config() mail.Config {
	c := mail.Config{
		Host:     "127.0.0.1",
		Port:     s.port,
		Security: mail.SecurityNone,
		Username: s.user,
		Password: s.pass,
		From:     From,
		Timeout:  10 * time.Second,
	}
	if s.tls {
		c.Security = mail.SecuritySTARTTLS
		c.TLSConfig = &tls.Config{RootCAs: s.roots}
	}
	return c
}

// Messages returns a copy of the messages received so far.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.messages)
}

// Wait waits until at least n messages have arrived and returns them; it
// fails the test when that takes longer than timeout.
func (s *Server) Wait(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		got, arrived := len(s.messages), s.arrived
		if got >= n {
			msgs := slices.Clone(s.messages)
			s.mu.Unlock()
			return msgs
		}
		s.mu.Unlock()
		select {
		case <-arrived:
		case <-timer.C:
			t.Fatalf("mailtest: %d of %d messages arrived within %s", got, n, timeout)
			return nil
		}
	}
}

func (s *Server) add(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, r)
	close(s.arrived)
	s.arrived = make(chan struct{})
}

func (s *Server) newSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{srv: s, conn: c}, nil
}

// session is one SMTP session; go-smtp starts a new one after STARTTLS.
type session struct {
	srv  *Server
	conn *smtp.Conn
	user string
	from string
	to   []string
}

var _ smtp.AuthSession = (*session)(nil)

func (ss *session) AuthMechanisms() []string {
	if ss.srv.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain || ss.srv.user == "" {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if (identity != "" && identity != user) || user != ss.srv.user || pass != ss.srv.pass {
			return smtp.ErrAuthFailed
		}
		ss.user = user
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.srv.user != "" && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if slices.Contains(ss.srv.reject, strings.ToLower(to)) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	rec, err := parse(data)
	if err != nil {
		// A test should see a malformed message as a failed Send.
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "mailtest: " + err.Error()}
	}
	rec.From, rec.To, rec.User = ss.from, slices.Clone(ss.to), ss.user
	_, rec.TLS = ss.conn.TLSConnectionState()
	ss.srv.add(rec)
	return nil
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }

// parse decodes the header, subject and text parts of a message.
func parse(data []byte) (Received, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return Received{}, err
	}
	rec := Received{Data: data, Header: msg.Header}
	rec.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Received{}, fmt.Errorf("subject: %w", err)
	}
	err = walk(msg.Header, msg.Body, func(typ, body string) {
		switch {
		case typ == "text/plain" && rec.Text == "":
			rec.Text = body
		case typ == "text/html" && rec.HTML == "":
			rec.HTML = body
		}
	})
	return rec, err
}

// header is what walk needs of a message or part header.
type header interface{ Get(string) string }

// walk calls f with the media type and decoded body of each leaf part.
func walk(h header, body io.Reader, f func(typ, body string)) error {
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain"
	}
	typ, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("content type %q: %w", ct, err)
	}
	if strings.HasPrefix(typ, "multipart/") {
		return walkMultipart(params["boundary"], body, f)
	}
	if cs := params["charset"]; cs != "" && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "us-ascii") {
		return fmt.Errorf("charset %q is not utf-8", cs)
	}
	switch enc := strings.ToLower(h.Get("Content-Transfer-Encoding")); enc {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "", "7bit", "8bit":
	default:
		return fmt.Errorf("content transfer encoding %q is not supported", enc)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return fmt.Errorf("%s body: %w", typ, err)
	}
	f(typ, strings.ReplaceAll(string(b), "\r\n", "\n"))
	return nil
}

func walkMultipart(boundary string, body io.Reader, f func(typ, body string)) error {
	if boundary == "" {
		return errors.New("multipart message without boundary")
	}
	mr := multipart.NewReader(body, boundary)
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := walk(p.Header, p, f); err != nil {
			return err
		}
	}
}

// selfSigned makes a certificate for 127.0.0.1, ::1 and localhost and a
// pool that trusts it.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "mailtest"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, roots, nil
}

// testLogger reports the server's internal errors in the test log while
// the test runs.
type testLogger struct{ s *Server }

func (l testLogger) Printf(format string, v ...any) {
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	if !l.s.closed {
		l.s.t.Logf("mailtest: "+format, v...)
	}
}

func (l testLogger) Println(v ...any) {
	l.Printf("%s", strings.TrimSuffix(fmt.Sprintln(v...), "\n"))
}
