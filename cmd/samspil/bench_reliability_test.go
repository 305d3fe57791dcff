package main

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/samspil/samspil/internal/testkit"
)

// The short form of the reliability checks runs on both engines and
// prints its rows; a broken promise fails the command.
func TestBenchReliability(t *testing.T) {
	args := []string{"bench", "reliability", "--rounds", "10", "--writes", "20", "--dir", t.TempDir()}
	engines := []string{"sqlite"}
	if pg := testkit.PostgresURL(); pg != "" {
		args = append(args, "--postgres", pg)
		engines = append(engines, "postgres")
	}
	code, out, errOut := run(t, nil, "", args...)
	if code != 0 {
		t.Fatalf("bench reliability: %d %q\n%s", code, errOut, out)
	}
	for _, e := range engines {
		for _, row := range []string{"durability settings, " + e, "lost updates, 8 editors, API with If-Match, " + e,
			"lost updates, 8 editors, page form with version, " + e, "concurrent writers, 16 x 20 beside 8 readers, " + e} {
			i := strings.Index(out, row)
			if i < 0 {
				t.Fatalf("no row %q:\n%s", row, out)
			}
			line := strings.Fields(out[i+len(row):][:strings.IndexByte(out[i+len(row):], '\n')])
			if line[len(line)-1] != "0" {
				t.Errorf("%s: broken %s", row, line[len(line)-1])
			}
			if strings.HasPrefix(row, "lost") && (line[0] != "10" || line[1] != "10" || line[2] != "70") {
				t.Errorf("%s: rounds, accepted, refused %v; want 10, 10, 70", row, line)
			}
			if strings.HasPrefix(row, "concurrent") && (line[0] != "320" || line[1] != "320" || line[2] != "0") {
				t.Errorf("%s: writes, acknowledged, 5xx %v; want 320, 320, 0", row, line)
			}
		}
	}
}

// acceptAll is a record without optimistic locking: every write is taken.
type acceptAll struct {
	mu      sync.Mutex
	version int
	name    string
}

type acceptAllWay struct{ r *acceptAll }

func (w acceptAllWay) name() string                                        { return "accept all" }
func (w acceptAllWay) prepare(context.Context, *http.Client, string) error { return nil }
func (w acceptAllWay) version(context.Context, *http.Client) (int, string, error) {
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	return w.r.version, w.r.name, nil
}
func (w acceptAllWay) write(_ context.Context, _ *http.Client, _ int, name string) (bool, error) {
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	w.r.version++
	w.r.name = name
	return true, nil
}

// The lost-update check finds a record that takes every write: each round
// is counted as broken.
func TestLostUpdatesFindsLostUpdates(t *testing.T) {
	r, err := lostUpdates(context.Background(), nil, acceptAllWay{&acceptAll{version: 1}}, 5, 8)
	if err != nil {
		t.Fatal(err)
	}
	if r.broken != 5 || r.accepted != 40 || len(r.problems) != 5 {
		t.Fatalf("result %+v", r)
	}
}
