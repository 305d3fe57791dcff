// Package mail sends samspil's notification e-mails (meetings, votes,
// action items, contract deadlines) through a configurable SMTP server.
//
// [Render] turns a [Message] into RFC 5322 bytes (UTF-8, quoted-printable,
// CRLF); [SMTP] implements [Sender] by rendering and delivering it. The
// background jobs depend on [Sender]; tests in other packages can run an
// in-process server from package mailtest.
//
// The client is net/smtp from the standard library rather than the client
// of github.com/emersion/go-smtp (which only the test server uses): its
// PlainAuth refuses to send a password over a connection that is neither
// TLS nor to localhost, which is exactly the safety we want, and the
// frozen net/smtp API covers everything a submission client needs.
// Timeouts and context cancellation are enforced through deadlines on the
// connection that Send dials itself.
package mail

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Sender sends messages; [*SMTP] implements it and the jobs depend on the
// interface.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

var _ Sender = (*SMTP)(nil)

// ErrRejected is matched (errors.Is) by Send errors for which the server
// answered with a permanent 5xx reply, e.g. an unknown recipient or failed
// authentication: sending the same message again will fail the same way.
// Other errors (timeouts, 4xx replies, network trouble) may be temporary.
var ErrRejected = errors.New("mail: rejected by the SMTP server")

// SendError is the error of Send for a failure after the message was
// rendered: it says which step of the SMTP conversation failed.
type SendError struct {
	// Step is "dial", "tls", "greeting", "EHLO", "starttls", "auth",
	// "MAIL FROM", "RCPT TO <address>" or "DATA".
	Step string
	// Code is the server's reply code, or 0 when it did not answer.
	Code int
	// Err is the underlying error. It never contains the password.
	Err error
}

func (e *SendError) Error() string { return "mail: " + e.Step + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *SendError) Unwrap() error { return e.Err }

// Is reports whether the error is a permanent rejection, so that
// errors.Is(err, ErrRejected) holds for 5xx replies.
func (e *SendError) Is(target error) bool {
	return target == ErrRejected && e.Code >= 500 && e.Code <= 599
}

// SMTP sends messages through an SMTP server, one connection per Send. It
// is safe for concurrent use.
type SMTP struct {
	cfg  Config // with defaults
	from Address
	addr string // host:port
}

// NewSMTP validates c and returns a sender that uses it.
func NewSMTP(c Config) (*SMTP, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.withDefaults()
	from, err := parseFrom(c.From)
	if err != nil {
		return nil, err // checked by Validate
	}
	return &SMTP{cfg: c, from: from, addr: net.JoinHostPort(c.Host, strconv.Itoa(c.Port))}, nil
}

// Send renders m and delivers it to all recipients in one SMTP transaction.
// Errors from rendering wrap [ErrInvalidMessage] and happen before any
// connection is made. Errors from the conversation are *[SendError]s that
// name the failed step; a 5xx reply matches [ErrRejected]. When any
// recipient is refused, no message is sent to the others either.
//
// Send returns when ctx is done, with an error that matches ctx.Err(), or
// when the server stays silent for longer than Config.Timeout.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := Render(m, s.from, time.Now())
	if err != nil {
		return err
	}
	rcpts := make([]string, 0, len(m.To))
	seen := map[string]bool{}
	for _, a := range m.To {
		if key := strings.ToLower(a.Address); !seen[key] {
			seen[key] = true
			rcpts = append(rcpts, a.Address)
		}
	}

	cs := &conversation{ctx: ctx, timeout: s.cfg.Timeout}
	if s.cfg.Password != "" {
		plain := "\x00" + s.cfg.Username + "\x00" + s.cfg.Password
		cs.secrets = []string{s.cfg.Password, base64.StdEncoding.EncodeToString([]byte(plain))}
	}

	d := net.Dialer{Timeout: s.cfg.Timeout}
	raw, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return cs.fail("dial", err)
	}
	defer raw.Close()
	cs.raw = raw
	stop := context.AfterFunc(ctx, cs.cancel)
	defer stop()

	conn := raw
	if s.cfg.Security == SecurityTLS {
		if err := cs.arm(); err != nil {
			return cs.fail("tls", err)
		}
		tc := tls.Client(raw, s.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			return cs.fail("tls", err)
		}
		conn = tc
	}

	if err := cs.arm(); err != nil {
		return cs.fail("greeting", err)
	}
	c, err := smtp.NewClient(conn, s.cfg.Host)
	if err != nil {
		return cs.fail("greeting", err)
	}
	defer c.Close()

	if err := cs.step(c, "EHLO", func() error { return c.Hello(s.cfg.HelloName) }); err != nil {
		return err
	}
	if s.cfg.Security == SecuritySTARTTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return cs.fail("starttls", errors.New("the server does not offer STARTTLS; set security to none to send unencrypted"))
		}
		if err := cs.step(c, "starttls", func() error { return c.StartTLS(s.tlsConfig()) }); err != nil {
			return err
		}
	}
	if s.cfg.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return cs.fail("auth", errors.New("the server does not offer AUTH"))
		}
		auth := smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host)
		if err := cs.step(c, "auth", func() error { return c.Auth(auth) }); err != nil {
			return err
		}
	}
	if err := cs.step(c, "MAIL FROM", func() error { return c.Mail(s.from.Address) }); err != nil {
		return err
	}
	for _, to := range rcpts {
		if err := cs.step(c, "RCPT TO <"+to+">", func() error { return c.Rcpt(to) }); err != nil {
			return err
		}
	}
	err = cs.step(c, "DATA", func() error {
		w, err := c.Data()
		if err != nil {
			return err
		}
		if _, err := w.Write(msg); err != nil {
			return err
		}
		if err := cs.arm(); err != nil {
			return err
		}
		return w.Close() // reads the server's verdict on the message
	})
	if err != nil {
		return err
	}
	// The message is accepted; a failing QUIT must not make the caller
	// send it again.
	if cs.arm() == nil {
		_ = c.Quit()
	}
	return nil
}

// tlsConfig returns the configuration for TLS or STARTTLS.
func (s *SMTP) tlsConfig() *tls.Config {
	tc := &tls.Config{}
	if s.cfg.TLSConfig != nil {
		tc = s.cfg.TLSConfig.Clone()
	}
	if tc.ServerName == "" {
		tc.ServerName = s.cfg.Host
	}
	if tc.MinVersion == 0 {
		tc.MinVersion = tls.VersionTLS12
	}
	return tc
}

// conversation holds what one Send needs to bound and report its steps.
type conversation struct {
	ctx     context.Context
	timeout time.Duration
	secrets []string // never to appear in errors

	mu        sync.Mutex
	raw       net.Conn
	cancelled bool
}

// longAgo is a deadline in the past, which makes pending I/O fail at once.
var longAgo = time.Unix(1, 0)

// cancel aborts the conversation when the context is done.
func (cs *conversation) cancel() {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.cancelled = true
	_ = cs.raw.SetDeadline(longAgo)
}

// arm gives the next command Config.Timeout, or less when the context's
// deadline is nearer.
func (cs *conversation) arm() error {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.cancelled || cs.ctx.Err() != nil {
		return cs.ctx.Err()
	}
	deadline := time.Now().Add(cs.timeout)
	if d, ok := cs.ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	return cs.raw.SetDeadline(deadline)
}

// step runs one command with a fresh deadline. On failure it says QUIT
// politely when the server answered, and returns a *SendError.
func (cs *conversation) step(c *smtp.Client, name string, f func() error) error {
	err := cs.arm()
	if err == nil {
		err = f()
	}
	if err == nil {
		return nil
	}
	var reply *textproto.Error
	if errors.As(err, &reply) && cs.arm() == nil {
		_ = c.Quit()
	}
	return cs.fail(name, err)
}

// fail returns the *SendError for a failed step: with the reply code when
// the server answered, the context's error when it is done, and without
// any secret.
func (cs *conversation) fail(step string, err error) error {
	code := 0
	var reply *textproto.Error
	if errors.As(err, &reply) {
		code = reply.Code
	}

	var netErr net.Error
	ctxErr := cs.ctx.Err()
	if d, ok := cs.ctx.Deadline(); ok && ctxErr == nil && !time.Now().Before(d) {
		// The connection's deadline was the context's and fired first.
		ctxErr = context.DeadlineExceeded
	}
	switch {
	case ctxErr != nil && !errors.Is(err, ctxErr):
		err = fmt.Errorf("%w: %w", ctxErr, err)
	case errors.As(err, &netErr) && netErr.Timeout():
		err = fmt.Errorf("no answer within %s: %w", cs.timeout, err)
	}

	if msg := err.Error(); cs.leaks(msg) {
		for _, s := range cs.secrets {
			msg = strings.ReplaceAll(msg, s, "[redacted]")
		}
		err = errors.New(msg)
	}
	return &SendError{Step: step, Code: code, Err: err}
}

// leaks reports whether s contains a secret.
func (cs *conversation) leaks(s string) bool {
	for _, secret := range cs.secrets {
		if strings.Contains(s, secret) {
			return true
		}
	}
	return false
}
