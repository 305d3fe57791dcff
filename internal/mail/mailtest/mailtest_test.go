package mailtest_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samspil/samspil/internal/mail"
	"github.com/samspil/samspil/internal/mail/mailtest"
)

func send(srv *mailtest.Server, subject string) error {
	s, err := mail.NewSMTP(srv.Config())
	if err != nil {
		return err
	}
	return s.Send(context.Background(), mail.Message{
		To:      []mail.Address{{Name: "Åse", Address: "aase@aeroe.dk"}},
		Subject: subject,
		Text:    "Afstemning venter på jeres kommune.\n",
	})
}

func TestConcurrentMessages(t *testing.T) {
	srv := mailtest.Start(t)
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Go(func() {
			if err := send(srv, fmt.Sprintf("Afstemning %d", i)); err != nil {
				t.Error(err)
			}
		})
	}
	got := srv.Wait(t, 5, 5*time.Second)
	wg.Wait()
	if len(got) != 5 {
		t.Fatalf("got %d messages", len(got))
	}
	for _, r := range got {
		if !strings.HasPrefix(r.Subject, "Afstemning ") || r.Text != "Afstemning venter på jeres kommune.\n" {
			t.Errorf("Subject = %q, Text = %q", r.Subject, r.Text)
		}
	}

	msgs := srv.Messages()
	msgs[0].Subject = "ændret"
	if srv.Messages()[0].Subject == "ændret" {
		t.Error("Messages does not return a copy")
	}
}

// fatalRecorder records Fatalf instead of stopping the test.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) { f.msg = fmt.Sprintf(format, args...) }

func TestWaitTimesOut(t *testing.T) {
	srv := mailtest.Start(t)
	if err := send(srv, "Kun én"); err != nil {
		t.Fatal(err)
	}
	rec := &fatalRecorder{TB: t}
	start := time.Now()
	if got := srv.Wait(rec, 2, 200*time.Millisecond); got != nil {
		t.Errorf("Wait returned %d messages", len(got))
	}
	if d := time.Since(start); d < 200*time.Millisecond || d > 2*time.Second {
		t.Errorf("Wait took %s", d)
	}
	if rec.msg != "mailtest: 1 of 2 messages arrived within 200ms" {
		t.Errorf("Fatalf message = %q", rec.msg)
	}
}
