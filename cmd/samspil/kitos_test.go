package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil/internal/kitos/kitostest"
	"github.com/samspil/samspil/internal/testkit"
)

func TestKitosSync(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			env := map[string]string{"SAMSPIL_DB": testkit.NewDSN(t, e)}
			f := kitostest.New(t, "the-token")
			f.Seed()
			tokenFile := filepath.Join(t.TempDir(), "kitos-token")
			if err := os.WriteFile(tokenFile, []byte("the-token\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			sync := func(extra ...string) (int, string, string) {
				return run(t, env, "", append([]string{"kitos", "sync", "--url", f.URL() + "/", "--token-file", tokenFile, "--org", "0740", "--retries", "0"}, extra...)...)
			}

			// A dry run shows what would change and writes nothing.
			code, out, errOut := sync("--dry-run")
			if code != 0 || !strings.Contains(out, "would apply") || !strings.Contains(out, "systems: 3 created") ||
				!strings.Contains(out, `+ create usage "OPUS Løn"`) || !strings.Contains(out, `! skipped contract "Aula-aftale uden dato"`) {
				t.Fatalf("dry run: %d\n%s\n%s", code, out, errOut)
			}

			// A run that stops half-way (contracts answer 500) changes
			// nothing and says so; the next continues where it stopped.
			f.FailWith(func(w http.ResponseWriter, r *http.Request, page int) bool {
				if r.URL.Path == "/api/v2/it-contracts" {
					http.Error(w, "boom", http.StatusInternalServerError)
					return true
				}
				return false
			})
			code, out, errOut = sync()
			if code != 1 || !strings.Contains(errOut, "KITOS GET /api/v2/it-contracts page 0: server error 500") || !strings.Contains(errOut, "nothing was changed") ||
				!strings.Contains(errOut, "continues from there") {
				t.Fatalf("interrupted run: %d\n%s\n%s", code, out, errOut)
			}
			f.FailWith(nil)
			if code, out, errOut := sync("--dry-run"); code != 0 || !strings.Contains(out, "systems: 3 created") {
				t.Errorf("the interrupted run wrote something: %d\n%s\n%s", code, out, errOut)
			}
			f.Requests()
			code, out, errOut = sync()
			if code != 0 || !strings.Contains(errOut, "continuing the read") || !strings.Contains(out, "applied") || !strings.Contains(out, "usages: 3 created") ||
				!strings.Contains(out, "contracts: 2 created, 0 updated, 0 deleted, 0 kept, 1 skipped") ||
				!strings.Contains(out, "relations: 1 created") || !strings.Contains(out, "data processing registrations: 1 created") ||
				!strings.Contains(out, `+ create data processing "Løndata hos KMD"`) {
				t.Fatalf("resumed run: %d\n%s\n%s", code, out, errOut)
			}
			for _, r := range f.Requests() {
				if strings.HasPrefix(r, "/api/v2/it-systems?") || strings.HasPrefix(r, "/api/v2/it-system-usages?") {
					t.Errorf("the resumed run read again: %s", r)
				}
			}

			// The next run reads what changed and what was deleted.
			f.Tick(time.Hour)
			f.Delete("ItSystemUsage", kitostest.UsageOPUS)
			code, out, errOut = sync()
			if code != 0 || !strings.Contains(out, `- delete usage "OPUS Løn"`) || !strings.Contains(errOut, "reading changes since") {
				t.Fatalf("incremental run: %d\n%s\n%s", code, out, errOut)
			}

			// A refused token.
			if err := os.WriteFile(tokenFile, []byte("expired"), 0o600); err != nil {
				t.Fatal(err)
			}
			code, _, errOut = sync()
			if code != 1 || !strings.Contains(errOut, "401") || !strings.Contains(errOut, "GET /api/v2/organizations page 0") {
				t.Fatalf("bad token: %d %s", code, errOut)
			}
		})
	}
}
