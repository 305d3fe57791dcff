package mail_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samspil/samspil/internal/mail"
	"github.com/samspil/samspil/internal/mail/mailtest"
)

func newSender(t *testing.T, c mail.Config) *mail.SMTP {
	t.Helper()
	s, err := mail.NewSMTP(c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSendDanish(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, srv.Config())
	if err := s.Send(context.Background(), danishMessage()); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1, 5*time.Second)[0]

	if got.Subject != danishSubject {
		t.Errorf("Subject = %q, want %q", got.Subject, danishSubject)
	}
	if got.Text != danishText {
		t.Errorf("Text = %q, want %q", got.Text, danishText)
	}
	if got.From != "noreply@samspil.test" {
		t.Errorf("envelope From = %q", got.From)
	}
	if len(got.To) != 1 || got.To[0] != "aase@aeroe.dk" {
		t.Errorf("envelope To = %q", got.To)
	}
	if from, err := got.Header.AddressList("From"); err != nil || from[0].Name != "samspil" || from[0].Address != "noreply@samspil.test" {
		t.Errorf("From header = %v, %v", from, err)
	}
	if to, err := got.Header.AddressList("To"); err != nil || to[0].Name != "Åse Ærø" || to[0].Address != "aase@aeroe.dk" {
		t.Errorf("To header = %v, %v", to, err)
	}
	if id := got.Header.Get("Message-ID"); !strings.HasSuffix(id, "@samspil.test>") {
		t.Errorf("Message-ID = %q", id)
	}
	if got.TLS || got.User != "" {
		t.Errorf("TLS = %v, User = %q; want neither", got.TLS, got.User)
	}
	if bytes.Contains(bytes.ReplaceAll(got.Data, []byte("\r\n"), nil), []byte("\n")) {
		t.Errorf("message has a bare LF")
	}
	if !bytes.HasSuffix(got.Data, []byte("\r\n")) {
		t.Errorf("message does not end in CRLF")
	}
}

func TestSendMultipleRecipients(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, srv.Config())
	m := danishMessage()
	m.To = []mail.Address{
		{Name: "Åse Ærø", Address: "aase@aeroe.dk"},
		{Name: "Bent Østergård", Address: "bent@odense.dk"},
		{Address: "it-chefforum@kl.dk"},
		{Name: "Åse igen", Address: "AASE@aeroe.dk"}, // same mailbox: one RCPT
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1, 5*time.Second)[0]
	if want := []string{"aase@aeroe.dk", "bent@odense.dk", "it-chefforum@kl.dk"}; strings.Join(got.To, " ") != strings.Join(want, " ") {
		t.Errorf("envelope To = %q, want %q", got.To, want)
	}
	to, err := got.Header.AddressList("To")
	if err != nil || len(to) != 4 || to[1].Name != "Bent Østergård" {
		t.Errorf("To header = %v, %v", to, err)
	}
}

func TestSendHTML(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, srv.Config())
	m := danishMessage()
	m.HTML = "<p>Kære Åse Ærø</p>\n<p>Der er møde i IT-chefforum: <b>Æbleskiver og økonomi</b>.</p>\n"
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1, 5*time.Second)[0]
	if !strings.HasPrefix(got.Header.Get("Content-Type"), "multipart/alternative;") {
		t.Errorf("Content-Type = %q", got.Header.Get("Content-Type"))
	}
	if got.Text != danishText {
		t.Errorf("Text = %q, want %q", got.Text, danishText)
	}
	if got.HTML != m.HTML {
		t.Errorf("HTML = %q, want %q", got.HTML, m.HTML)
	}
}

func TestSendLongLines(t *testing.T) {
	srv := mailtest.Start(t)
	s := newSender(t, srv.Config())
	m := danishMessage()
	m.Text = "Dagsorden:\n" + strings.Repeat("Æbleskiver, økonomi og grønne løsninger på tværs af kommunerne. ", 40) + "\n" +
		strings.Repeat("ø", 1200) + "\n.\n..\nSlut\n"
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1, 5*time.Second)[0]
	if got.Text != m.Text {
		t.Errorf("Text differs:\n got %q\nwant %q", got.Text, m.Text)
	}
	_, body, _ := strings.Cut(string(got.Data), "\r\n\r\n")
	for i, line := range strings.Split(body, "\r\n") {
		if len(line) > 76 {
			t.Errorf("line %d is %d bytes long", i+1, len(line))
		}
	}
}

func TestSendAuthSTARTTLS(t *testing.T) {
	srv := mailtest.Start(t, mailtest.WithTLS(), mailtest.WithAuth("samspil", "hemmeligt-ørred-42"))
	c := srv.Config()
	if c.Security != mail.SecuritySTARTTLS || c.TLSConfig == nil {
		t.Fatalf("Config = %+v; want STARTTLS with a TLSConfig", c)
	}
	s := newSender(t, c)
	if err := s.Send(context.Background(), danishMessage()); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1, 5*time.Second)[0]
	if !got.TLS || got.User != "samspil" {
		t.Errorf("TLS = %v, User = %q; want true, samspil", got.TLS, got.User)
	}
	if got.Subject != danishSubject {
		t.Errorf("Subject = %q", got.Subject)
	}
}

func TestSendAuthPlainToLocalhost(t *testing.T) {
	srv := mailtest.Start(t, mailtest.WithAuth("samspil", "hemmeligt"))
	s := newSender(t, srv.Config())
	if err := s.Send(context.Background(), danishMessage()); err != nil {
		t.Fatal(err)
	}
	if got := srv.Wait(t, 1, 5*time.Second)[0]; got.User != "samspil" || got.TLS {
		t.Errorf("User = %q, TLS = %v", got.User, got.TLS)
	}
}

func TestSendWrongPassword(t *testing.T) {
	srv := mailtest.Start(t, mailtest.WithTLS(), mailtest.WithAuth("samspil", "det-rigtige"))
	c := srv.Config()
	c.Password = "forkert-ålekage-1234"
	err := newSender(t, c).Send(context.Background(), danishMessage())
	if err == nil {
		t.Fatal("Send succeeded with a wrong password")
	}
	msg := err.Error()
	if !strings.Contains(msg, "auth") {
		t.Errorf("error %q does not mention auth", msg)
	}
	plain := base64.StdEncoding.EncodeToString([]byte("\x00samspil\x00" + c.Password))
	if strings.Contains(msg, c.Password) || strings.Contains(msg, plain) {
		t.Errorf("error %q contains the password", msg)
	}
	if !errors.Is(err, mail.ErrRejected) {
		t.Errorf("error %q does not match ErrRejected", msg)
	}
	var se *mail.SendError
	if !errors.As(err, &se) || se.Step != "auth" || se.Code != 535 {
		t.Errorf("error = %#v; want step auth, code 535", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages delivered", n)
	}
}

func TestSendUntrustedCertificate(t *testing.T) {
	srv := mailtest.Start(t, mailtest.WithTLS())
	c := srv.Config()
	c.TLSConfig = nil // the system roots do not trust the test certificate
	err := newSender(t, c).Send(context.Background(), danishMessage())
	var se *mail.SendError
	if !errors.As(err, &se) || se.Step != "starttls" {
		t.Fatalf("error = %v; want a starttls failure", err)
	}
	if errors.Is(err, mail.ErrRejected) {
		t.Errorf("a TLS failure matches ErrRejected: %v", err)
	}
}

func TestSendSTARTTLSNotOffered(t *testing.T) {
	srv := mailtest.Start(t)
	c := srv.Config()
	c.Security = mail.SecuritySTARTTLS
	err := newSender(t, c).Send(context.Background(), danishMessage())
	var se *mail.SendError
	if !errors.As(err, &se) || se.Step != "starttls" || !strings.Contains(err.Error(), "does not offer STARTTLS") {
		t.Fatalf("error = %v; want starttls not offered", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages delivered in clear text", n)
	}
}

func TestSendRejectedRecipient(t *testing.T) {
	srv := mailtest.Start(t, mailtest.WithRejectRecipient("ukendt@aeroe.dk"))
	s := newSender(t, srv.Config())
	m := danishMessage()
	m.To = append(m.To, mail.Address{Name: "Ukendt", Address: "ukendt@aeroe.dk"}, mail.Address{Address: "bent@odense.dk"})
	err := s.Send(context.Background(), m)
	if !errors.Is(err, mail.ErrRejected) {
		t.Fatalf("error = %v; want ErrRejected", err)
	}
	var se *mail.SendError
	if !errors.As(err, &se) || se.Step != "RCPT TO <ukendt@aeroe.dk>" || se.Code != 550 {
		t.Errorf("error = %#v; want step RCPT TO <ukendt@aeroe.dk>, code 550", err)
	}
	if !strings.Contains(err.Error(), "RCPT TO <ukendt@aeroe.dk>") {
		t.Errorf("error %q does not name the recipient", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages delivered", n)
	}

	// The same server still delivers to good recipients.
	if err := s.Send(context.Background(), danishMessage()); err != nil {
		t.Fatal(err)
	}
	srv.Wait(t, 1, 5*time.Second)
}

// listen returns a TCP listener on 127.0.0.1 that is closed at the end of
// the test.
func listen(t *testing.T) *net.TCPListener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l.(*net.TCPListener)
}

func configFor(l net.Listener) mail.Config {
	return mail.Config{
		Host:     "127.0.0.1",
		Port:     l.Addr().(*net.TCPAddr).Port,
		Security: mail.SecurityNone,
		From:     "samspil <noreply@samspil.test>",
	}
}

func TestSendRefusesInjectionBeforeConnecting(t *testing.T) {
	l := listen(t)
	s := newSender(t, configFor(l))
	for name, m := range map[string]mail.Message{
		"subject": {To: danishMessage().To, Subject: "Møde\r\nBcc: alle@kommune.dk", Text: "x"},
		"headers": {To: danishMessage().To, Subject: "Møde", Text: "x", Headers: map[string]string{"X-Note": "ok\nBcc: alle@kommune.dk"}},
	} {
		err := s.Send(context.Background(), m)
		if !errors.Is(err, mail.ErrInvalidMessage) {
			t.Errorf("%s: error = %v; want ErrInvalidMessage", name, err)
		}
		var se *mail.SendError
		if errors.As(err, &se) {
			t.Errorf("%s: error = %v is from step %s", name, err, se.Step)
		}
	}
	// A connection made by Send would wait in the backlog.
	_ = l.SetDeadline(time.Now().Add(100 * time.Millisecond))
	if c, err := l.Accept(); err == nil {
		c.Close()
		t.Errorf("Send connected to the server")
	}
}

// silentServer accepts connections and never answers.
func silentServer(t *testing.T) mail.Config {
	t.Helper()
	l := listen(t)
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return configFor(l)
}

// sendTimed sends and fails the test when Send takes longer than max.
func sendTimed(t *testing.T, ctx context.Context, c mail.Config, max time.Duration) error {
	t.Helper()
	start := time.Now()
	err := newSender(t, c).Send(ctx, danishMessage())
	if d := time.Since(start); d > max {
		t.Errorf("Send took %s; want at most %s", d, max)
	}
	if err == nil {
		t.Fatal("Send succeeded")
	}
	return err
}

func TestSendSilentServerTimesOut(t *testing.T) {
	c := silentServer(t)
	c.Timeout = 300 * time.Millisecond
	err := sendTimed(t, context.Background(), c, 3*time.Second)
	var se *mail.SendError
	if !errors.As(err, &se) || se.Step != "greeting" || !strings.Contains(err.Error(), "no answer within 300ms") {
		t.Errorf("error = %v; want no answer to the greeting", err)
	}
	if errors.Is(err, mail.ErrRejected) {
		t.Errorf("a timeout matches ErrRejected")
	}
}

func TestSendContextCancelled(t *testing.T) {
	c := silentServer(t)
	c.Timeout = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	err := sendTimed(t, ctx, c, 3*time.Second)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v; want context.Canceled", err)
	}
}

func TestSendContextDeadline(t *testing.T) {
	c := silentServer(t)
	c.Timeout = time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := sendTimed(t, ctx, c, 3*time.Second)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v; want context.DeadlineExceeded", err)
	}
}

func TestSendContextDoneBeforeStart(t *testing.T) {
	srv := mailtest.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := sendTimed(t, ctx, srv.Config(), time.Second)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v; want context.Canceled", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages delivered", n)
	}
}

func TestSendDialFails(t *testing.T) {
	l := listen(t)
	c := configFor(l)
	l.Close()
	err := newSender(t, c).Send(context.Background(), danishMessage())
	var se *mail.SendError
	if !errors.As(err, &se) || se.Step != "dial" {
		t.Errorf("error = %v; want a dial failure", err)
	}
}

func TestNewSMTPValidates(t *testing.T) {
	if _, err := mail.NewSMTP(mail.Config{Host: "smtp.kommune.dk"}); err == nil {
		t.Error("NewSMTP accepted a config without port and sender")
	}
}
