package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
	"github.com/samspil/samspil/internal/mail"
	"github.com/samspil/samspil/internal/mail/mailtest"
	"github.com/samspil/samspil/internal/notify"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
	"github.com/samspil/samspil/internal/web"
)

// TestOversightNotices: the next oversight of a data processing within the
// default horizon is noticed once, in Danish, to the organisation's
// representatives, with the day of the last oversight and a link; a moved
// oversight is a new notice.
func TestOversightNotices(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		smtpd := mailtest.Start(t)
		sender, err := mail.NewSMTP(smtpd.Config())
		must(t, err)
		w, err := web.New(httpx.NewRouter(), db, web.Config{})
		must(t, err)
		job := func() *notify.Job {
			return &notify.Job{Store: db, Sender: sender, BaseURL: "https://samspil.example", Texts: w.Text, Phrases: w.Say}
		}
		s := testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		testkit.NewPerson(t, db, "viewer@silkeborg.example", testkit.Silkeborg, samspil.RoleViewer)
		today := samspil.Today(time.Now())
		last := today.AddDays(20).AddMonths(-6)
		reg, err := db.CreateDataProcessing(ctx, s.Actor, samspil.DataProcessingInput{Name: "Nexus borgerdata",
			Oversight: samspil.Oversight{Interval: samspil.OversightHalfYearly, LastDate: &last}})
		must(t, err)
		next := *reg.NextOversight
		if d := samspil.DaysBetween(today, next); d < 15 || d > 25 {
			t.Fatalf("next oversight %s is %d days away", next, d)
		}
		// Beyond the horizon: not noticed yet.
		far := today.AddMonths(3)
		_, err = db.CreateDataProcessing(ctx, s.Actor, samspil.DataProcessingInput{Name: "Senere", Oversight: samspil.Oversight{PlannedDate: &far}})
		must(t, err)

		queued, sent, err := job().RunOnce(ctx)
		must(t, err)
		if queued != 1 || sent != 1 {
			t.Fatalf("queued %d, sent %d", queued, sent)
		}
		m := smtpd.Wait(t, 1, 5*time.Second)[0]
		if m.To[0] != "admin@silkeborg.example" || m.Subject != "Tilsyn med databehandling nærmer sig: Nexus borgerdata ("+samspil.LongDate(next, "da")+")" {
			t.Fatalf("notice to %v: %q", m.To, m.Subject)
		}
		for _, want := range []string{"Næste tilsyn med databehandlingen »Nexus borgerdata« for Silkeborg Kommune skal ske senest den " + samspil.LongDate(next, "da"),
			"Seneste tilsyn var den " + samspil.LongDate(last, "da"), "https://samspil.example/data-processing/" + reg.ID} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("the notice lacks %q:\n%s", want, m.Text)
			}
		}
		if m.Header.Get("X-Samspil-Notice") != "oversight" {
			t.Errorf("kind header %q", m.Header.Get("X-Samspil-Notice"))
		}
		if queued, sent, err := job().RunOnce(ctx); err != nil || queued != 0 || sent != 0 {
			t.Fatalf("again: queued %d, sent %d, %v", queued, sent, err)
		}
		// A planned oversight moves it: a new notice.
		planned := today.AddDays(5)
		_, err = db.UpdateDataProcessing(ctx, s.Actor, reg.ID, reg.Version, samspil.DataProcessingPatch{
			Oversight: &samspil.Oversight{Interval: samspil.OversightHalfYearly, LastDate: &last, PlannedDate: &planned}})
		must(t, err)
		if queued, sent, err := job().RunOnce(ctx); err != nil || queued != 1 || sent != 1 {
			t.Fatalf("after moving: queued %d, sent %d, %v", queued, sent, err)
		}
		if m := smtpd.Wait(t, 2, 5*time.Second)[1]; !strings.Contains(m.Subject, samspil.LongDate(planned, "da")) {
			t.Errorf("moved notice %q", m.Subject)
		}
	})
}
