package mail_test

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil/internal/mail"
)

var (
	danishFrom    = mail.Address{Name: "Samspil – Sønderborg Kommune", Address: "noreply@sonderborg.dk"}
	danishSubject = "Møde i IT-chefforum om 3 dage: Æbleskiver og økonomi"
	danishText    = "Kære Åse Ærø\n\nDer er møde i IT-chefforum torsdag kl. 9.30.\n\nDagsorden:\n1. Æbleskiver\n2. Økonomi – budget 2027 (ca. 1.250.000 kr.)\n3. Eventuelt\n\nMed venlig hilsen\nsamspil\n"
)

func danishMessage() mail.Message {
	return mail.Message{
		To:      []mail.Address{{Name: "Åse Ærø", Address: "aase@aeroe.dk"}},
		Subject: danishSubject,
		Text:    danishText,
	}
}

// checkWireFormat checks that b has only CRLF line endings, is 7-bit, has
// header lines of at most 100 bytes (encoded words are up to 75) and body
// lines of at most 76.
func checkWireFormat(t *testing.T, b []byte) {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Errorf("message does not end in CRLF")
	}
	max := 100
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n") {
		if line == "" {
			max = 76 // the body
		}
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, line)
		}
		if len(line) > max {
			t.Errorf("line %d is %d bytes long: %q", i+1, len(line), line)
		}
		for _, c := range []byte(line) {
			if c >= 0x80 {
				t.Errorf("line %d is not 7-bit: %q", i+1, line)
				break
			}
		}
	}
}

func TestRenderDanish(t *testing.T) {
	now := time.Date(2026, 3, 5, 14, 30, 0, 0, time.FixedZone("CET", 3600))
	b, err := mail.Render(danishMessage(), danishFrom, now)
	if err != nil {
		t.Fatal(err)
	}
	checkWireFormat(t, b)

	msg, err := netmail.ReadMessage(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Header
	if got := h.Get("Date"); got != "Thu, 05 Mar 2026 14:30:00 +0100" {
		t.Errorf("Date = %q", got)
	}
	if d, err := h.Date(); err != nil || !d.Equal(now) {
		t.Errorf("Date parses as %v, %v", d, err)
	}
	dec := new(mime.WordDecoder)
	if got, err := dec.DecodeHeader(h.Get("Subject")); err != nil || got != danishSubject {
		t.Errorf("Subject = %q, %v", got, err)
	}
	if from, err := h.AddressList("From"); err != nil || len(from) != 1 || *from[0] != danishFrom {
		t.Errorf("From = %v, %v", from, err)
	}
	if to, err := h.AddressList("To"); err != nil || len(to) != 1 || to[0].Name != "Åse Ærø" || to[0].Address != "aase@aeroe.dk" {
		t.Errorf("To = %v, %v", to, err)
	}
	if id := h.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@sonderborg.dk>") || len(id) < 20 {
		t.Errorf("Message-ID = %q", id)
	}
	for name, want := range map[string]string{
		"MIME-Version":              "1.0",
		"Content-Type":              "text/plain; charset=utf-8",
		"Content-Transfer-Encoding": "quoted-printable",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.ReplaceAll(string(body), "\r\n", "\n"); got != danishText {
		t.Errorf("body = %q, want %q", got, danishText)
	}

	again, err := mail.Render(danishMessage(), danishFrom, now)
	if err != nil {
		t.Fatal(err)
	}
	if id2 := headerOf(t, again).Get("Message-ID"); id2 == h.Get("Message-ID") {
		t.Errorf("two renderings share Message-ID %s", id2)
	}
}

func headerOf(t *testing.T, b []byte) netmail.Header {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return msg.Header
}

func TestRenderLongLines(t *testing.T) {
	long := strings.Repeat("Blåbærgrød med fløde og æbler. ", 60) // about 1900 bytes on one line
	m := danishMessage()
	m.Text = "Første linje\n" + long + "\n" + strings.Repeat("x", 2000) + "\nSidste linje\n"
	m.Subject = strings.Repeat("Lang overskrift om økonomi ", 40)
	b, err := mail.Render(m, danishFrom, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	checkWireFormat(t, b)

	msg, err := netmail.ReadMessage(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); got != m.Subject {
		t.Errorf("Subject = %q, want %q", got, m.Subject)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.ReplaceAll(string(body), "\r\n", "\n"); got != m.Text {
		t.Errorf("body differs:\n got %q\nwant %q", got, m.Text)
	}
}

func TestRenderCRLFInText(t *testing.T) {
	m := danishMessage()
	m.Text = "a\r\nb\rc\nd  \n.\nFrom me"
	b, err := mail.Render(m, danishFrom, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	checkWireFormat(t, b)
	msg, _ := netmail.ReadMessage(bytes.NewReader(b))
	body, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if got, want := string(body), "a\r\nb\r\nc\r\nd  \r\n.\r\nFrom me\r\n"; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
}

func TestRenderManyRecipientsFolds(t *testing.T) {
	m := danishMessage()
	m.To = nil
	for _, n := range [][2]string{
		{"Jens Ølgaard", "jens.oelgaard"}, {"Mette Frederiksen-Æbelø", "mfa"}, {"Søren Kierkegaard", "sk"},
		{"Karen Blixen", "karen.blixen"}, {"H.C. Andersen", "hca"}, {"Niels Bohr", "niels.bohr"},
	} {
		m.To = append(m.To, mail.Address{Name: n[0], Address: n[1] + "@kommune.dk"})
	}
	b, err := mail.Render(m, danishFrom, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	checkWireFormat(t, b)
	to, err := headerOf(t, b).AddressList("To")
	if err != nil {
		t.Fatal(err)
	}
	if len(to) != len(m.To) {
		t.Fatalf("To has %d addresses, want %d", len(to), len(m.To))
	}
	for i := range to {
		if *to[i] != m.To[i] {
			t.Errorf("To[%d] = %v, want %v", i, to[i], m.To[i])
		}
	}
}

func TestRenderHeadersAndMessageID(t *testing.T) {
	m := danishMessage()
	m.MessageID = "moede-42@samspil.dk"
	m.Headers = map[string]string{
		"List-Unsubscribe": "<https://samspil.dk/afmeld?t=abc>",
		"X-Samspil-Emne":   "Aftale om økonomi",
		"Reply-To":         (&mail.Address{Name: "Jens Ølgaard", Address: "jens@kommune.dk"}).String(),
	}
	b, err := mail.Render(m, danishFrom, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	checkWireFormat(t, b)
	h := headerOf(t, b)
	if got := h.Get("Message-ID"); got != "<moede-42@samspil.dk>" {
		t.Errorf("Message-ID = %q", got)
	}
	if got := h.Get("List-Unsubscribe"); got != "<https://samspil.dk/afmeld?t=abc>" {
		t.Errorf("List-Unsubscribe = %q", got)
	}
	if got, _ := new(mime.WordDecoder).DecodeHeader(h.Get("X-Samspil-Emne")); got != "Aftale om økonomi" {
		t.Errorf("X-Samspil-Emne = %q", got)
	}
	if rt, err := h.AddressList("Reply-To"); err != nil || rt[0].Name != "Jens Ølgaard" {
		t.Errorf("Reply-To = %v, %v", rt, err)
	}
}

func TestRenderRefuses(t *testing.T) {
	ok := danishMessage()
	tests := []struct {
		name string
		edit func(m *mail.Message)
		from mail.Address
	}{
		{"no recipient", func(m *mail.Message) { m.To = nil }, danishFrom},
		{"no text", func(m *mail.Message) { m.Text = " \n " }, danishFrom},
		{"CRLF in subject", func(m *mail.Message) { m.Subject = "Møde\r\nBcc: alle@kommune.dk" }, danishFrom},
		{"LF in subject", func(m *mail.Message) { m.Subject = "Møde\nBcc: alle@kommune.dk" }, danishFrom},
		{"CR in subject", func(m *mail.Message) { m.Subject = "Møde\rBcc: alle@kommune.dk" }, danishFrom},
		{"CRLF in header value", func(m *mail.Message) {
			m.Headers = map[string]string{"List-Unsubscribe": "<x>\r\nBcc: alle@kommune.dk"}
		}, danishFrom},
		{"LF in header name", func(m *mail.Message) { m.Headers = map[string]string{"X-A\nBcc": "alle@kommune.dk"} }, danishFrom},
		{"colon in header name", func(m *mail.Message) { m.Headers = map[string]string{"Bcc: x@y.dk\r\nX": "1"} }, danishFrom},
		{"space in header name", func(m *mail.Message) { m.Headers = map[string]string{"X Y": "1"} }, danishFrom},
		{"reserved header", func(m *mail.Message) { m.Headers = map[string]string{"bcc": "alle@kommune.dk"} }, danishFrom},
		{"duplicate header", func(m *mail.Message) { m.Headers = map[string]string{"X-A": "1", "x-a": "2"} }, danishFrom},
		{"CRLF in recipient name", func(m *mail.Message) {
			m.To = []mail.Address{{Name: "Åse\r\nBcc: alle@kommune.dk", Address: "aase@aeroe.dk"}}
		}, danishFrom},
		{"bad recipient", func(m *mail.Message) { m.To = []mail.Address{{Address: "aase@aeroe.dk>\r\nRCPT TO:<x@y.dk"}} }, danishFrom},
		{"empty recipient", func(m *mail.Message) { m.To = []mail.Address{{Name: "Åse"}} }, danishFrom},
		{"invalid UTF-8 in text", func(m *mail.Message) { m.Text = "\xff\xfe" }, danishFrom},
		{"invalid UTF-8 in subject", func(m *mail.Message) { m.Subject = "M\xf8de" }, danishFrom},
		{"bad message ID", func(m *mail.Message) { m.MessageID = "<a b@c.dk>" }, danishFrom},
		{"message ID without @", func(m *mail.Message) { m.MessageID = "abc" }, danishFrom},
		{"bad sender", func(m *mail.Message) {}, mail.Address{Address: "noreply"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ok
			m.To = append([]mail.Address(nil), ok.To...)
			tt.edit(&m)
			b, err := mail.Render(m, tt.from, time.Now())
			if err == nil {
				t.Fatalf("Render succeeded:\n%s", b)
			}
			if !errors.Is(err, mail.ErrInvalidMessage) {
				t.Errorf("error %v does not match ErrInvalidMessage", err)
			}
		})
	}
}

func TestRenderHTML(t *testing.T) {
	m := danishMessage()
	m.HTML = "<p>Kære Åse</p><p>" + strings.Repeat("Møde om økonomi. ", 100) + "</p>"
	b, err := mail.Render(m, danishFrom, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	checkWireFormat(t, b)
	mt, params, err := mime.ParseMediaType(headerOf(t, b).Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" || params["boundary"] == "" {
		t.Fatalf("Content-Type = %q %v, %v", mt, params, err)
	}
}
