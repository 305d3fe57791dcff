package kitos_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil/internal/kitos"
	"github.com/samspil/samspil/internal/kitos/kitostest"
)

var ctx = context.Background()

func client(f *kitostest.Fake) *kitos.Client {
	return &kitos.Client{BaseURL: f.URL(), Token: "secret-token", PageSize: 2, Backoff: time.Millisecond, Timeout: 200 * time.Millisecond, MaxPages: 20}
}

func TestReadFull(t *testing.T) {
	f := kitostest.New(t, "secret-token")
	f.Seed()
	snap, err := kitos.Read(ctx, client(f), kitostest.OrgUUID, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !snap.Full || len(snap.Systems) != 3 || len(snap.Usages) != 3 || len(snap.Contracts) != 3 || len(snap.DataProcessing) != 1 || len(snap.DeletedUsages) != 0 {
		t.Fatalf("snapshot: full %v, %d systems, %d usages, %d contracts", snap.Full, len(snap.Systems), len(snap.Usages), len(snap.Contracts))
	}
	if want := f.Now().Add(-kitos.ReadMargin); !snap.ReadStartedAt.Equal(want) {
		t.Errorf("read started at %s, want KITOS's clock less the margin %s", snap.ReadStartedAt, want)
	}
	// Paging: 3 systems at 2 a page is 2 pages, as are usages and
	// contracts, and one of data processing; no deletion feed on a first
	// read.
	reqs := f.Requests()
	for _, r := range reqs {
		if strings.Contains(r, "deleted-entities") {
			t.Errorf("a full read asked for deletions: %s", r)
		}
	}
	if len(reqs) != 7 || snap.Requests != 7 {
		t.Errorf("%d requests (%d counted): %v", len(reqs), snap.Requests, reqs)
	}

	// Incremental: only what changed since, and the deletion feed.
	since := f.Tick(time.Hour)
	f.Tick(time.Minute)
	f.Usage(map[string]any{"uuid": kitostest.UsageAula, "systemContext": kitostest.Ref(kitostest.SystemAula, "Aula"), "organizationContext": kitostest.Silkeborg,
		"general": map[string]any{"validity": map[string]any{"valid": true, "lifeCycleStatus": "PhasingIn"}}})
	f.Delete("ItContract", kitostest.ContractNoDay)
	snap, err = kitos.Read(ctx, client(f), kitostest.OrgUUID, &since, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Full || len(snap.Usages) != 1 || snap.Usages[0].Lifecycle != "phasing_in" || len(snap.Contracts) != 0 ||
		len(snap.DeletedContracts) != 1 || snap.DeletedContracts[0] != kitostest.ContractNoDay || len(snap.Systems) != 3 {
		t.Errorf("incremental snapshot %+v", snap)
	}
	for _, r := range f.Requests() {
		if strings.Contains(r, "it-system-usages") && !strings.Contains(r, "changedSinceGtEq=") {
			t.Errorf("usages read without changedSinceGtEq: %s", r)
		}
	}
}

func TestReadResumes(t *testing.T) {
	f := kitostest.New(t, "secret-token")
	f.Seed()
	// Usages page 1 fails every time: the read stops there.
	f.FailWith(func(w http.ResponseWriter, r *http.Request, page int) bool {
		if r.URL.Path == "/api/v2/it-system-usages" && page == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return true
		}
		return false
	})
	var saved *kitos.Checkpoint
	save := func(cp *kitos.Checkpoint) error { saved = cp; return nil }
	_, err := kitos.Read(ctx, client(f), kitostest.OrgUUID, nil, nil, save)
	var re *kitos.RequestError
	if !errors.As(err, &re) || re.Path != "/api/v2/it-system-usages" || re.Page != 1 || !strings.Contains(err.Error(), "server error 503") ||
		!strings.Contains(err.Error(), "4 attempts") {
		t.Fatalf("error %v", err)
	}
	if saved == nil || !saved.Steps["systems"].Done || saved.Steps["usages"].NextPage != 1 || len(saved.Steps["usages"].Items) != 2 {
		t.Fatalf("checkpoint %+v", saved)
	}
	f.Requests()
	f.FailWith(nil)
	snap, err := kitos.Read(ctx, client(f), kitostest.OrgUUID, nil, saved, save)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Usages) != 3 || len(snap.Systems) != 3 {
		t.Errorf("resumed snapshot %d usages, %d systems", len(snap.Usages), len(snap.Systems))
	}
	reqs := f.Requests()
	if len(reqs) == 0 || !strings.HasPrefix(reqs[0], "/api/v2/it-system-usages?") || !strings.Contains(reqs[0], "page=1") {
		t.Errorf("the resumed read began with %v, want usages page 1", reqs)
	}
	for _, r := range reqs {
		if strings.HasPrefix(r, "/api/v2/it-systems?") {
			t.Errorf("the resumed read read systems again: %s", r)
		}
	}
}

func TestReadBadServers(t *testing.T) {
	for _, c := range []struct {
		name string
		fail func(w http.ResponseWriter, r *http.Request, page int) bool
		want []string
	}{
		{"500", func(w http.ResponseWriter, r *http.Request, page int) bool {
			if r.URL.Path == "/api/v2/it-contracts" {
				http.Error(w, "boom", 500)
				return true
			}
			return false
		}, []string{"GET /api/v2/it-contracts page 0", "server error 500", "after 4 attempts"}},
		{"timeout", func(w http.ResponseWriter, r *http.Request, page int) bool {
			if r.URL.Path == "/api/v2/it-system-usages" && page == 1 {
				select {
				case <-r.Context().Done():
				case <-time.After(2 * time.Second):
				}
				return true
			}
			return false
		}, []string{"GET /api/v2/it-system-usages page 1", "no answer within 200ms", "after 4 attempts"}},
		{"endless paging", func(w http.ResponseWriter, r *http.Request, page int) bool {
			if r.URL.Path == "/api/v2/it-systems" {
				w.Write([]byte(`[{"uuid":"a","name":"A"},{"uuid":"b","name":"B"}]`))
				return true
			}
			return false
		}, []string{"GET /api/v2/it-systems page 20", "more than 20 pages"}},
		{"invalid JSON", func(w http.ResponseWriter, r *http.Request, page int) bool {
			if r.URL.Path == "/api/v2/it-contracts" && page == 1 {
				w.Write([]byte(`[{"uuid":"a","name":`))
				return true
			}
			return false
		}, []string{"GET /api/v2/it-contracts page 1", "invalid JSON"}},
		{"too large", func(w http.ResponseWriter, r *http.Request, page int) bool {
			if r.URL.Path == "/api/v2/it-systems" {
				w.Write([]byte(`[{"uuid":"a","name":"` + strings.Repeat("x", 5000) + `"}]`))
				return true
			}
			return false
		}, []string{"GET /api/v2/it-systems page 0", "larger than 4096 bytes"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := kitostest.New(t, "secret-token")
			f.Seed()
			f.FailWith(c.fail)
			cl := client(f)
			cl.MaxBody = 4096
			snap, err := kitos.Read(ctx, cl, kitostest.OrgUUID, nil, nil, nil)
			if err == nil || snap != nil {
				t.Fatalf("read succeeded: %+v", snap)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}

	t.Run("bad token", func(t *testing.T) {
		f := kitostest.New(t, "secret-token")
		f.Seed()
		cl := client(f)
		cl.Token = "wrong"
		_, err := kitos.Read(ctx, cl, kitostest.OrgUUID, nil, nil, nil)
		if !errors.Is(err, kitos.ErrUnauthorized) || !strings.Contains(err.Error(), "GET /api/v2/it-systems page 0") {
			t.Fatalf("error %v", err)
		}
		if n := len(f.Requests()); n != 1 {
			t.Errorf("a refused token was tried %d times", n)
		}
	})
}

func TestFindOrganization(t *testing.T) {
	f := kitostest.New(t, "secret-token")
	f.Seed()
	for _, c := range [][2]string{{"29189684", ""}, {"", "Silkeborg"}, {"", "silkeborg kommune"}} {
		o, err := client(f).FindOrganization(ctx, c[0], c[1])
		if err != nil || o.UUID != kitostest.OrgUUID {
			t.Errorf("FindOrganization(%q, %q) = %+v, %v", c[0], c[1], o, err)
		}
	}
	if _, err := client(f).FindOrganization(ctx, "", "Aarhus"); err == nil || !strings.Contains(err.Error(), "--kitos-org") {
		t.Errorf("an unknown organisation: %v", err)
	}
}
