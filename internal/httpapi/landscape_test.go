package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// Tests of the landscape routes: /systems, /usages, /contracts, /kle and
// /deletions. TestCrossTenant (api_test.go) tries them across organisations.

const apiCVRVendor = "10150817"

// problemDoc is a problem document as a client reads it.
type problemDoc struct {
	Status int    `json:"status"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
	Errors []struct {
		Location string `json:"location"`
		Message  string `json:"message"`
	} `json:"errors"`
}

// wantProblem fails the test unless the response is a problem with the
// status, naming location when given, and returns it.
func wantProblem(t *testing.T, res *testkit.Response, status int, location string) problemDoc {
	t.Helper()
	if res.Status != status {
		t.Fatalf("want status %d, got %d: %s", status, res.Status, res.Body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("content type %q", ct)
	}
	var p problemDoc
	res.JSON(t, &p)
	if p.Status != status || p.Code == "" {
		t.Errorf("problem %s", res.Body)
	}
	if location != "" && !slices.ContainsFunc(p.Errors, func(e struct {
		Location string `json:"location"`
		Message  string `json:"message"`
	}) bool {
		return e.Location == location
	}) {
		t.Fatalf("no error at %s: %s", location, res.Body)
	}
	return p
}

// rawJSON decodes a body keeping numbers as written.
func rawJSON(t *testing.T, res *testkit.Response) map[string]any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(res.Body))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatalf("decode %s: %v", res.Body, err)
	}
	return m
}

// ids returns the "id" of each item of a list answer.
func ids(t *testing.T, res *testkit.Response, key string) []string {
	t.Helper()
	var p struct {
		Items []map[string]any `json:"items"`
	}
	res.JSON(t, &p)
	out := []string{}
	for _, it := range p.Items {
		s, _ := it[key].(string)
		out = append(out, s)
	}
	return out
}

// landWorld is the world of api_test.go plus a vendor and an operator.
type landWorld struct {
	*world
	vendor *samspil.Organization
	op     *testkit.Client
}

func newLandWorld(t *testing.T, app *testkit.App) *landWorld {
	t.Helper()
	w := &landWorld{world: newWorld(t, app)}
	var err error
	w.vendor, err = app.DB.CreateOrganization(context.Background(), testkit.System, samspil.OrganizationInput{Kind: samspil.KindCompany,
		Name: "Åben Software A/S", CVR: apiCVRVendor})
	if err != nil {
		t.Fatal(err)
	}
	w.op = app.Token(t, operator(t, app).ID)
	return w
}

func TestSystemsAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newLandWorld(t, app)
		anon := app.Anonymous(t)

		res := w.asSEditor.Do("POST", "/api/v1/systems", map[string]any{"name": "ÆRØ Sag", "category": "case_management",
			"vendor_id": apiCVRVendor, "tasks": []string{"27.34.00", "00.01.00"}, "visibility": "public"}).Want(t, 201)
		var s samspil.System
		res.JSON(t, &s)
		if s.OwnerID != w.silkeborg.ID || s.VendorID != w.vendor.ID || s.VendorName != "Åben Software A/S" || s.Version != 1 ||
			!slices.Equal(s.Tasks, []string{"00.01.00", "27.34.00"}) {
			t.Fatalf("created %+v", s)
		}
		if res.Header.Get("Location") != "/api/v1/systems/"+s.ID || res.Header.Get("ETag") != `"1"` {
			t.Errorf("location %q, etag %q", res.Header.Get("Location"), res.Header.Get("ETag"))
		}

		// Refused: a viewer, an unknown vendor, KLE codes that do not exist or are malformed.
		wantProblem(t, w.asSViewer.Do("POST", "/api/v1/systems", map[string]any{"name": "X", "category": "other"}), 403, "")
		wantProblem(t, anon.Do("POST", "/api/v1/systems", map[string]any{"name": "X", "category": "other"}), 401, "")
		wantProblem(t, w.asSEditor.Do("POST", "/api/v1/systems", map[string]any{"name": "X", "category": "other", "vendor_id": "12345674"}), 422, "body.vendor_id")
		p := wantProblem(t, w.asSEditor.Do("POST", "/api/v1/systems", map[string]any{"name": "X", "category": "other", "tasks": []string{"99.99.99"}}), 422, "body.tasks")
		if !strings.Contains(p.Errors[0].Message, "99.99.99") {
			t.Errorf("the error does not name the code: %+v", p)
		}
		wantProblem(t, w.asSEditor.Do("POST", "/api/v1/systems", map[string]any{"name": "X", "category": "other", "tasks": []string{"27.3"}}), 422, "body.tasks")

		// Update with If-Match: only the owner's editors.
		path := "/api/v1/systems/" + s.ID
		wantProblem(t, w.asVAd.Do("PATCH", path, map[string]any{"name": "Overtaget"}, "If-Match", `"1"`), 403, "")
		wantProblem(t, w.asSViewer.Do("PATCH", path, map[string]any{"name": "Overtaget"}, "If-Match", `"1"`), 403, "")
		wantProblem(t, w.asSEditor.Do("PATCH", path, map[string]any{"name": "Ærø Sag"}), 428, "")
		res = w.asSEditor.Do("PATCH", path, map[string]any{"name": "Ærø Sag", "os2_product": true}, "If-Match", `"1"`).Want(t, 200)
		res.JSON(t, &s)
		if s.Name != "Ærø Sag" || !s.OS2Product || s.Version != 2 || res.Header.Get("ETag") != `"2"` || len(s.Tasks) != 2 {
			t.Fatalf("updated %+v, etag %s", s, res.Header.Get("ETag"))
		}
		wantProblem(t, w.asSEditor.Do("PATCH", path, map[string]any{"name": "X"}, "If-Match", `"1"`), 412, "")
		if got := anon.Do("GET", path, nil).Want(t, 200).Header.Get("ETag"); got != `"2"` {
			t.Errorf("GET etag %q", got)
		}

		// A private entry answers 404 to others, exactly like a missing one.
		var hidden samspil.System
		w.asVAd.Do("POST", "/api/v1/systems", map[string]any{"name": "Hemmelig", "category": "other", "visibility": "private"}).Want(t, 201).JSON(t, &hidden)
		for _, c := range []*testkit.Client{w.asSEditor, anon} {
			for _, sub := range []string{"", "/who-uses"} {
				hid := wantProblem(t, c.Do("GET", "/api/v1/systems/"+hidden.ID+sub, nil), 404, "")
				missing := wantProblem(t, c.Do("GET", "/api/v1/systems/does-not-exist"+sub, nil), 404, "")
				if hid.Detail != missing.Detail || hid.Code != missing.Code {
					t.Errorf("a private entry answers %+v, a missing one %+v", hid, missing)
				}
			}
		}
		w.asVAd.Do("GET", "/api/v1/systems/"+hidden.ID, nil).Want(t, 200)

		// Lists: search by name and vendor name, case-insensitive with æøå; filters; paging.
		var other samspil.System
		w.asVAd.Do("POST", "/api/v1/systems", map[string]any{"name": "Plejejournal", "category": "health_care", "tasks": []string{"27.34.40"},
			"visibility": "public"}).Want(t, 201).JSON(t, &other)
		list := func(c *testkit.Client, query string) []string {
			t.Helper()
			return ids(t, c.Do("GET", "/api/v1/systems?"+query, nil).Want(t, 200), "id")
		}
		for _, c := range []struct {
			query string
			want  []string
		}{
			{"q=" + url.QueryEscape("æRØ"), []string{s.ID}},
			{"q=" + url.QueryEscape("åBEN SOFTWARE"), []string{s.ID}},
			{"q=" + url.QueryEscape("hemmelig"), []string{}},
			{"category=health_care", []string{other.ID}},
			{"task=27.34", []string{s.ID, other.ID}},
			{"task=27.34.40", []string{other.ID}},
			{"task=00", []string{s.ID}},
			{"os2=true", []string{s.ID}},
			{"vendor_id=" + w.vendor.ID, []string{s.ID}},
		} {
			got := list(w.asSEditor, c.query)
			slices.Sort(got)
			want := slices.Sorted(slices.Values(c.want))
			if !slices.Equal(got, want) {
				t.Errorf("GET /systems?%s: %v, want %v", c.query, got, want)
			}
		}
		seen := map[string]int{}
		cursor := ""
		for pages := 0; pages < 10; pages++ {
			var page samspil.Page[samspil.System]
			w.asVAd.Do("GET", "/api/v1/systems?limit=1&cursor="+url.QueryEscape(cursor), nil).Want(t, 200).JSON(t, &page)
			if len(page.Items) > 1 {
				t.Fatalf("page of %d", len(page.Items))
			}
			for _, x := range page.Items {
				seen[x.ID]++
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if len(seen) != 3 || seen[s.ID] != 1 || seen[hidden.ID] != 1 || seen[other.ID] != 1 {
			t.Errorf("paging visited %v", seen)
		}

		// changed_since
		var changed samspil.System
		w.asVAd.Do("PATCH", "/api/v1/systems/"+other.ID, map[string]any{"description": "Ny"}, "If-Match", `"1"`).Want(t, 200).JSON(t, &changed)
		since := url.QueryEscape(changed.UpdatedAt.Format(time.RFC3339Nano))
		if got := list(anon, "changed_since="+since); !slices.Equal(got, []string{other.ID}) {
			t.Errorf("changed_since: %v", got)
		}

		// Who uses it, and usage_count, as far as the caller may see.
		w.asSEditor.Do("POST", "/api/v1/usages", map[string]any{"organization_id": "0740", "system_id": s.ID, "lifecycle": "operational", "visibility": "private"}).Want(t, 201)
		w.asVAd.Do("POST", "/api/v1/usages", map[string]any{"organization_id": "0791", "system_id": s.ID, "lifecycle": "pilot", "visibility": "sector"}).Want(t, 201)
		for _, c := range []struct {
			name   string
			client *testkit.Client
			orgs   []string
		}{
			{"Silkeborg", w.asSViewer, []string{w.silkeborg.ID, w.viborg.ID}},
			{"Viborg", w.asVAd, []string{w.viborg.ID}},
			{"anonymous", anon, []string{}},
			{"operator", w.op, []string{w.silkeborg.ID, w.viborg.ID}},
		} {
			got := ids(t, c.client.Do("GET", path+"/who-uses", nil).Want(t, 200), "organization_id")
			slices.Sort(got)
			if want := slices.Sorted(slices.Values(c.orgs)); !slices.Equal(got, want) {
				t.Errorf("%s: who uses %v, want %v", c.name, got, want)
			}
			var found samspil.System
			c.client.Do("GET", path, nil).Want(t, 200).JSON(t, &found)
			if found.UsageCount != len(c.orgs) {
				t.Errorf("%s: usage_count %d, want %d", c.name, found.UsageCount, len(c.orgs))
			}
		}

		// Merge: operators only; the duplicate is gone and in the deletions feed.
		var dup samspil.System
		w.asVAd.Do("POST", "/api/v1/systems", map[string]any{"name": "Aerø sag", "category": "case_management", "tasks": []string{"27.34.40"}}).Want(t, 201).JSON(t, &dup)
		var dupUsage samspil.Usage
		w.asVAd.Do("POST", "/api/v1/usages", map[string]any{"organization_id": "0791", "system_id": dup.ID, "lifecycle": "operational"}).Want(t, 201).JSON(t, &dupUsage)
		wantProblem(t, w.asSEditor.Do("POST", path+"/merge", map[string]any{"duplicate_id": dup.ID}), 403, "")
		wantProblem(t, w.op.Do("POST", path+"/merge", map[string]any{"duplicate_id": s.ID}), 422, "body.duplicate_id")
		var merged samspil.System
		w.op.Do("POST", path+"/merge", map[string]any{"duplicate_id": dup.ID}).Want(t, 200).JSON(t, &merged)
		if merged.ID != s.ID || !slices.Equal(merged.Tasks, []string{"00.01.00", "27.34.00", "27.34.40"}) || merged.UsageCount != 2 {
			t.Errorf("merged %+v", merged)
		}
		wantProblem(t, w.op.Do("GET", "/api/v1/systems/"+dup.ID, nil), 404, "")
		if got := ids(t, w.asVAd.Do("GET", "/api/v1/deletions?object_type=system", nil).Want(t, 200), "object_id"); !slices.Equal(got, []string{dup.ID}) {
			t.Errorf("deleted systems %v", got)
		}
		// Viborg used both: it keeps its usage of the survivor (the pilot), and the double is in the feed.
		if got := ids(t, w.asVAd.Do("GET", "/api/v1/deletions?object_type=usage", nil).Want(t, 200), "object_id"); !slices.Equal(got, []string{dupUsage.ID}) {
			t.Errorf("deleted usages %v, want the double %s", got, dupUsage.ID)
		}
		var events samspil.Page[samspil.AuditEvent]
		w.asSAdmin.Do("GET", "/api/v1/audit-events?action=system.merge", nil).Want(t, 200).JSON(t, &events)
		if len(events.Items) != 1 || events.Items[0].ObjectID != s.ID {
			t.Errorf("merge events %+v", events.Items)
		}
	})
}

func TestUsagesAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newLandWorld(t, app)
		anon := app.Anonymous(t)
		var s samspil.System
		w.asSEditor.Do("POST", "/api/v1/systems", map[string]any{"name": "Fagsystem", "category": "other", "visibility": "public"}).Want(t, 201).JSON(t, &s)
		var unit, foreign samspil.OrgUnit
		w.asSEditor.Do("POST", "/api/v1/organizations/0740/units", map[string]any{"kind": "team", "name": "IT"}).Want(t, 201).JSON(t, &unit)
		w.asVAd.Do("POST", "/api/v1/organizations/0791/units", map[string]any{"kind": "team", "name": "IT"}).Want(t, 201).JSON(t, &foreign)

		res := w.asSEditor.Do("POST", "/api/v1/usages", map[string]any{"organization_id": "0740", "system_id": s.ID, "lifecycle": "operational", "from": "2024-02-29",
			"until": "2027-12-31", "responsible_unit_id": unit.ID, "using_unit_ids": []string{unit.ID},
			"task_changes": []map[string]any{{"code": "27.34.00"}, {"code": "00.01.00", "opt_out": true}}}).Want(t, 201)
		var u samspil.Usage
		res.JSON(t, &u)
		if u.OrganizationID != w.silkeborg.ID || dateOf(u.From) != "2024-02-29" || dateOf(u.Until) != "2027-12-31" || u.Visibility != samspil.VisibilitySector ||
			len(u.TaskChanges) != 2 || res.Header.Get("Location") != "/api/v1/usages/"+u.ID || res.Header.Get("ETag") != `"1"` {
			t.Fatalf("created %+v", u)
		}
		path := "/api/v1/usages/" + u.ID
		wantProblem(t, w.asSEditor.Do("POST", "/api/v1/usages", map[string]any{"organization_id": "0740", "system_id": s.ID, "lifecycle": "planned"}), 409, "body.system_id")
		wantProblem(t, w.asVAd.Do("POST", "/api/v1/usages", map[string]any{"organization_id": "0791", "system_id": s.ID, "lifecycle": "planned", "responsible_unit_id": unit.ID}), 422, "body.responsible_unit_id")
		wantProblem(t, w.asVAd.Do("POST", "/api/v1/usages", map[string]any{"organization_id": "0791", "system_id": s.ID, "lifecycle": "planned", "using_unit_ids": []string{foreign.ID, unit.ID}}), 422, "body.using_unit_ids")
		wantProblem(t, w.asVAd.Do("POST", "/api/v1/usages", map[string]any{"organization_id": "0791", "system_id": s.ID, "lifecycle": "planned", "task_changes": []map[string]any{{"code": "99.99.99"}}}), 422, "body.task_changes")
		wantProblem(t, w.asVAd.Do("POST", "/api/v1/usages", map[string]any{"organization_id": "0791", "system_id": s.ID, "lifecycle": "planned", "from": "2026-03-02", "until": "2026-03-01"}), 422, "body.until")
		wantProblem(t, w.asVAd.Do("POST", "/api/v1/usages", map[string]any{"organization_id": "0791", "system_id": "no-such-system", "lifecycle": "planned"}), 422, "body.system_id")

		// Clearing a date with "" in a patch; other dates stay.
		res = w.asSEditor.Do("PATCH", path, map[string]any{"until": ""}, "If-Match", `"1"`)
		if res.Status != 200 {
			t.Errorf(`PATCH {"until": ""} = %d, want 200 (the schema says "Empty string clears it"): %s`, res.Status, res.Body)
		} else {
			u = samspil.Usage{} // fields absent from the answer must not survive from before
			res.JSON(t, &u)
			if u.Until != nil || dateOf(u.From) != "2024-02-29" || u.Version != 2 || strings.Contains(string(res.Body), `"until"`) {
				t.Errorf(`after {"until": ""}: %s`, res.Body)
			}
		}
		version := func() string {
			return w.asSEditor.Do("GET", path, nil).Want(t, 200).Header.Get("ETag")
		}
		res = w.asSEditor.Do("PATCH", path, map[string]any{"from": "", "until": "2028-01-31", "lifecycle": "phasing_out"}, "If-Match", version())
		if res.Status != 200 {
			t.Errorf(`PATCH {"from": ""} = %d, want 200: %s`, res.Status, res.Body)
		} else {
			u = samspil.Usage{} // fields absent from the answer must not survive from before
			res.JSON(t, &u)
			if u.From != nil || dateOf(u.Until) != "2028-01-31" || u.Lifecycle != samspil.LifecyclePhasingOut {
				t.Errorf(`after {"from": ""}: %s`, res.Body)
			}
		}
		res = w.asSEditor.Do("PATCH", path, map[string]any{"from": "2029-01-01", "until": "2028-12-31"}, "If-Match", version())
		wantProblem(t, res, 422, "body.until")
		wantProblem(t, w.asSEditor.Do("PATCH", path, map[string]any{"notes": "x"}, "If-Match", `"99"`), 412, "")
		wantProblem(t, w.asVAd.Do("PATCH", path, map[string]any{"notes": "x"}, "If-Match", version()), 403, "")
		wantProblem(t, anon.Do("PATCH", path, map[string]any{"notes": "x"}, "If-Match", version()), 401, "")

		// Delete: 428 without If-Match, 412 stale, 403 for others; the feed tells who could see it.
		wantProblem(t, w.asSEditor.Do("DELETE", path, nil), 428, "")
		wantProblem(t, w.asSEditor.Do("DELETE", path, nil, "If-Match", `"99"`), 412, "")
		wantProblem(t, w.asVAd.Do("DELETE", path, nil, "If-Match", version()), 403, "")
		w.asSEditor.Do("DELETE", path, nil, "If-Match", version()).Want(t, 204)
		wantProblem(t, w.asSEditor.Do("GET", path, nil), 404, "")

		var priv samspil.Usage
		w.asVAd.Do("POST", "/api/v1/usages", map[string]any{"organization_id": "0791", "system_id": s.ID, "lifecycle": "retired", "visibility": "private"}).Want(t, 201).JSON(t, &priv)
		w.asVAd.Do("DELETE", "/api/v1/usages/"+priv.ID, nil, "If-Match", `"1"`).Want(t, 204)
		for _, c := range []struct {
			name   string
			client *testkit.Client
			want   []string
		}{
			{"Silkeborg viewer", w.asSViewer, []string{u.ID}},
			{"Viborg admin", w.asVAd, []string{u.ID, priv.ID}},
			{"anonymous", anon, []string{}},
			{"operator", w.op, []string{u.ID, priv.ID}},
		} {
			if got := ids(t, c.client.Do("GET", "/api/v1/deletions", nil).Want(t, 200), "object_id"); !slices.Equal(got, c.want) {
				t.Errorf("%s: deletions %v, want %v", c.name, got, c.want)
			}
		}
	})
}

func dateOf(d *samspil.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

func TestContractsAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newLandWorld(t, app)
		anon := app.Anonymous(t)
		// Today is 1 March 2026 in Copenhagen, though still 28 February in UTC.
		now := time.Date(2026, 2, 28, 23, 30, 0, 0, time.UTC)
		app.DB.SetClock(func() time.Time { return now })
		var s samspil.System
		w.asSEditor.Do("POST", "/api/v1/systems", map[string]any{"name": "ESDH", "category": "case_management"}).Want(t, 201).JSON(t, &s)

		body := `{"organization_id": "0740", "name": "ESDH-kontrakt", "system_ids": ["` + s.ID + `"], "supplier_id": "` + apiCVRVendor + `",
			"start": "2024-01-01", "duration_months": 36, "extension_count": 2, "extension_months": 12,
			"notice_months": 6, "notice_rule": "end_of_month", "external_ref": "KITOS-7",
			"costs": {"acquisition": 125000.5, "operation": 0.29, "other": 1234567890123.45},
			"visibility": "sector"}`
		res := w.asSEditor.Do("POST", "/api/v1/contracts", body).Want(t, 201)
		var c samspil.Contract
		res.JSON(t, &c)
		path := "/api/v1/contracts/" + c.ID
		if res.Header.Get("Location") != path || res.Header.Get("ETag") != `"1"` || c.SupplierID != w.vendor.ID || c.PriceVisibility != samspil.VisibilityPrivate ||
			len(c.Systems) != 1 || c.Systems[0].Name != "ESDH" {
			t.Fatalf("created %s", res.Body)
		}
		// Amounts come back exactly as sent, with two decimals.
		wantCosts := func(res *testkit.Response, want map[string]string) {
			t.Helper()
			m := rawJSON(t, res)
			costs, ok := m["costs"].(map[string]any)
			if want == nil {
				if ok {
					t.Errorf("costs shown: %v", m["costs"])
				}
				return
			}
			if !ok {
				t.Fatalf("no costs: %s", res.Body)
			}
			for k, v := range want {
				if n, _ := costs[k].(json.Number); string(n) != v {
					t.Errorf("costs.%s = %v, want %s", k, costs[k], v)
				}
			}
		}
		exact := map[string]string{"acquisition": "125000.50", "operation": "0.29", "other": "1234567890123.45"}
		wantCosts(res, exact)
		if !bytes.Contains(res.Body, []byte(`"acquisition":125000.50`)) {
			t.Errorf("acquisition is not written as 125000.50: %s", res.Body)
		}

		// Deadlines for today: 6 months' notice to the end of a month before 31 December 2026.
		dl := rawJSON(t, res)["deadlines"].(map[string]any)
		for k, v := range map[string]any{"status": "active", "current_end": "2026-12-31", "next_end": "2026-12-31", "last_notice_date": "2026-06-30",
			"next_decision_date": "2026-06-30", "months_left": json.Number("9"), "extensions_left": json.Number("2")} {
			if dl[k] != v {
				t.Errorf("deadlines.%s = %v, want %v", k, dl[k], v)
			}
		}
		if want := c.ContractTerms.Deadlines(samspil.NewDate(2026, 3, 1)); c.Deadlines.Explanation != want.Explanation || c.Deadlines.Status != want.Status {
			t.Errorf("deadlines %+v, want %+v", c.Deadlines, want)
		}

		// Another organisation sees the sector contract but not private prices; anonymous nothing.
		wantCosts(w.asSViewer.Do("GET", path, nil).Want(t, 200), exact)
		wantCosts(w.asVAd.Do("GET", path, nil).Want(t, 200), nil)
		wantCosts(w.op.Do("GET", path, nil).Want(t, 200), exact)
		wantProblem(t, anon.Do("GET", path, nil), 404, "")
		var listed samspil.Page[map[string]any]
		w.asVAd.Do("GET", "/api/v1/contracts?organization_id=0740", nil).Want(t, 200).JSON(t, &listed)
		if len(listed.Items) != 1 || listed.Items[0]["costs"] != nil {
			t.Errorf("Viborg lists %v", listed.Items)
		}
		wantProblem(t, w.asSEditor.Do("PATCH", path, map[string]any{"price_visibility": "public"}, "If-Match", `"1"`), 422, "body.price_visibility")
		res = w.asSEditor.Do("PATCH", path, map[string]any{"price_visibility": "sector"}, "If-Match", `"1"`).Want(t, 200)
		wantCosts(res, exact)
		wantCosts(w.asVAd.Do("GET", path, nil).Want(t, 200), exact)
		wantProblem(t, anon.Do("GET", path, nil), 404, "")

		// Costs with a third decimal, or negative, are refused; so are wider prices.
		wantProblem(t, w.asSEditor.Do("PATCH", path, `{"costs": {"acquisition": 1.005, "operation": 0, "other": 0}}`, "If-Match", `"2"`), 422, "")
		wantProblem(t, w.asSEditor.Do("PATCH", path, `{"costs": {"acquisition": -1, "operation": 0, "other": 0}}`, "If-Match", `"2"`), 422, "body.costs.acquisition")
		wantProblem(t, w.asSEditor.Do("POST", "/api/v1/contracts", map[string]any{"organization_id": "0740", "name": "X", "start": "2026-01-01", "visibility": "sector",
			"price_visibility": "public"}), 422, "body.price_visibility")
		// Invalid terms in a patch are named where the patch has them.
		wantProblem(t, w.asSEditor.Do("PATCH", path, map[string]any{"terms": map[string]any{"start": "2026-01-01", "expiry": "2025-12-31"}}, "If-Match", `"2"`),
			422, "body.terms.expiry")
		// Systems must exist and be visible; external_ref is unique per organisation.
		var hidden samspil.System
		w.asVAd.Do("POST", "/api/v1/systems", map[string]any{"name": "Hemmelig", "category": "other", "visibility": "private"}).Want(t, 201).JSON(t, &hidden)
		wantProblem(t, w.asSEditor.Do("POST", "/api/v1/contracts", map[string]any{"organization_id": "0740", "name": "X", "start": "2026-01-01", "system_ids": []string{hidden.ID}}), 422, "body.system_ids")
		wantProblem(t, w.asSEditor.Do("POST", "/api/v1/contracts", map[string]any{"organization_id": "0740", "name": "X", "start": "2026-01-01", "external_ref": "KITOS-7"}), 409, "body.external_ref")
		w.asVAd.Do("POST", "/api/v1/contracts", map[string]any{"organization_id": "0791", "name": "Viborgs", "start": "2026-01-01", "external_ref": "KITOS-7"}).Want(t, 201)

		// Sorting by urgency and filtering by status.
		for _, x := range []map[string]any{
			{"name": "Beta", "start": "2020-01-01", "notice_months": 1},                         // decide today
			{"name": "Gamma", "start": "2020-01-01", "duration_months": 24},                     // expired
			{"name": "Delta", "start": "2020-01-01", "terminated_on": "2026-05-31"},             // in notice
			{"name": "Epsilon", "start": "2026-06-01", "duration_months": 12},                   // not started
			{"name": "Alfa", "start": "2025-01-01", "expiry": "2026-03-31", "notice_months": 1}, // successor by 31 March
		} {
			x["organization_id"] = "0740"
			w.asSEditor.Do("POST", "/api/v1/contracts", x).Want(t, 201)
		}
		names := func(query string) []string {
			t.Helper()
			return ids(t, w.asSEditor.Do("GET", "/api/v1/contracts?organization_id=0740&"+query, nil).Want(t, 200), "name")
		}
		if got, want := names("sort=urgency"), []string{"Beta", "Alfa", "ESDH-kontrakt", "Epsilon", "Delta", "Gamma"}; !slices.Equal(got, want) {
			t.Errorf("by urgency %v, want %v", got, want)
		}
		if got, want := names("sort=urgency&limit=2"), []string{"Beta", "Alfa"}; !slices.Equal(got, want) {
			t.Errorf("first page by urgency %v, want %v", got, want)
		}
		if got, want := names(""), []string{"Alfa", "Beta", "Delta", "Epsilon", "ESDH-kontrakt", "Gamma"}; !slices.Equal(sortedFoldAPI(got), sortedFoldAPI(want)) || len(got) != len(want) {
			t.Errorf("by name %v, want %v", got, want)
		}
		if got, want := names("status=active&sort=urgency"), []string{"Beta", "Alfa", "ESDH-kontrakt"}; !slices.Equal(got, want) {
			t.Errorf("active by urgency %v, want %v", got, want)
		}
		if got := names("status=expired"); !slices.Equal(got, []string{"Gamma"}) {
			t.Errorf("expired %v", got)
		}
		if got := names("status=in_notice"); !slices.Equal(got, []string{"Delta"}) {
			t.Errorf("in notice %v", got)
		}

		// Delete; the deletions feed; exactly one audit event per write, none with computed deadlines.
		wantProblem(t, w.asVAd.Do("DELETE", path, nil, "If-Match", `"2"`), 403, "")
		w.asSEditor.Do("DELETE", path, nil, "If-Match", `"2"`).Want(t, 204)
		wantProblem(t, w.asSEditor.Do("GET", path, nil), 404, "")
		if got := ids(t, w.asVAd.Do("GET", "/api/v1/deletions?object_type=contract", nil).Want(t, 200), "object_id"); !slices.Equal(got, []string{c.ID}) {
			t.Errorf("Viborg's deleted contracts %v", got)
		}
		var events samspil.Page[samspil.AuditEvent]
		w.asSAdmin.Do("GET", "/api/v1/audit-events?object_id="+c.ID, nil).Want(t, 200).JSON(t, &events)
		var got []string
		for _, e := range events.Items {
			got = append(got, e.Action)
			for _, img := range []json.RawMessage{e.Before, e.After} {
				for _, key := range []string{"last_notice_date", "next_decision_date", "next_end", "months_left", `"active"`} {
					if bytes.Contains(img, []byte(key)) {
						t.Errorf("%s audit image holds %s: %s", e.Action, key, img)
					}
				}
			}
		}
		if want := []string{"contract.delete", "contract.update", "contract.create"}; !slices.Equal(got, want) {
			t.Errorf("audit events of the contract %v, want %v", got, want)
		}
	})
}

func sortedFoldAPI(names []string) []string {
	out := slices.Clone(names)
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(samspil.Fold(a), samspil.Fold(b)) })
	return out
}

func TestKLEAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		anon := app.Anonymous(t)
		codes := func(query string) []string {
			t.Helper()
			return ids(t, anon.Do("GET", "/api/v1/kle?limit=500&"+query, nil).Want(t, 200), "code")
		}
		topics := []string{"27.34.00", "27.34.05", "27.34.10", "27.34.15", "27.34.20", "27.34.25", "27.34.30", "27.34.40"}
		if got := codes("q=27.34"); !slices.Equal(got, append([]string{"27.34"}, topics...)) {
			t.Errorf("q=27.34: %v", got)
		}
		if got := codes("q=" + url.QueryEscape("ÆldrePLEJE i")); !slices.Equal(got, []string{"27.34.00"}) {
			t.Errorf("q=ÆldrePLEJE i: %v", got)
		}
		if got := codes("level=1"); len(got) != 37 || got[0] != "00" {
			t.Errorf("level=1: %d codes", len(got))
		}
		if got := codes("parent=27.34"); !slices.Equal(got, topics) {
			t.Errorf("parent=27.34: %v", got)
		}
		var task samspil.Task
		anon.Do("GET", "/api/v1/kle/27.34.00", nil).Want(t, 200).JSON(t, &task)
		if task.Title != "Ældrepleje i almindelighed" || task.Level != 3 || task.ParentCode != "27.34" {
			t.Errorf("27.34.00: %+v", task)
		}
		wantProblem(t, anon.Do("GET", "/api/v1/kle/99.99.99", nil), 404, "")
		wantProblem(t, anon.Do("GET", "/api/v1/kle?level=4", nil), 422, "query.level")

		// Expire 27.34.40 with a topics-only edition: it shows only with include_expired.
		// Every other topic stays in the edition, so only 27.34.40 expires.
		var edition []samspil.Task
		for cursor := ""; ; {
			p, err := app.DB.ListTasks(context.Background(), samspil.TaskFilter{Level: 3, ListOptions: samspil.ListOptions{Limit: 500, Cursor: cursor}})
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range p.Items {
				if x.Code != "27.34.40" {
					edition = append(edition, x)
				}
			}
			if cursor = p.NextCursor; cursor == "" {
				break
			}
		}
		sum, err := app.DB.LoadTasks(context.Background(), testkit.System, samspil.TaskEdition{Source: "test", Hash: "api-test", Levels: []int{3}, Tasks: edition})
		if err != nil || sum.Expired != 1 || sum.Added != 0 || sum.Renamed != 0 {
			t.Fatalf("load: %+v, %v", sum, err)
		}
		if got := codes("parent=27.34"); !slices.Equal(got, topics[:7]) {
			t.Errorf("parent=27.34 after expiry: %v", got)
		}
		if got := codes("parent=27.34&include_expired=true"); !slices.Equal(got, topics) {
			t.Errorf("parent=27.34&include_expired=true: %v", got)
		}
		anon.Do("GET", "/api/v1/kle/27.34.40", nil).Want(t, 200).JSON(t, &task)
		if task.ExpiredAt == nil {
			t.Errorf("27.34.40 is not marked expired: %+v", task)
		}
		if got := codes("q=27.34.4"); len(got) != 0 {
			t.Errorf("q=27.34.4: %v", got)
		}
	})
}

// TestLandscapeBadInput sends malformed and invalid requests to the
// landscape routes: each gets a 4xx problem naming the field, and the
// database does not change.
func TestLandscapeBadInput(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		w := newLandWorld(t, app)
		c := w.asSEditor
		var s samspil.System
		c.Do("POST", "/api/v1/systems", map[string]any{"name": "Fagsystem", "category": "other"}).Want(t, 201).JSON(t, &s)
		var u samspil.Usage
		c.Do("POST", "/api/v1/usages", map[string]any{"organization_id": "0740", "system_id": s.ID, "lifecycle": "operational", "from": "2025-01-01"}).Want(t, 201).JSON(t, &u)
		var k samspil.Contract
		c.Do("POST", "/api/v1/contracts", map[string]any{"organization_id": "0740", "name": "Kontrakt", "start": "2025-01-01", "notice_months": 3,
			"costs": map[string]any{"acquisition": 1, "operation": 2, "other": 3}}).Want(t, 201).JSON(t, &k)
		// First use of the tokens records their last use; do it before measuring.
		c.Do("GET", "/api/v1/users/me", nil).Want(t, 200)
		w.op.Do("GET", "/api/v1/users/me", nil).Want(t, 200)
		w.asSViewer.Do("GET", "/api/v1/users/me", nil).Want(t, 200)
		w.asVAd.Do("GET", "/api/v1/users/me", nil).Want(t, 200)

		sys, usage, contract := "/api/v1/systems/"+s.ID, "/api/v1/usages/"+u.ID, "/api/v1/contracts/"+k.ID
		newUsage := func(extra string) string {
			return `{"system_id": "` + s.ID + `", "lifecycle": "planned", "organization_id": "0791"` + extra + `}`
		}
		newContract := func(extra string) string {
			return `{"organization_id": "0740", "name": "Ny", "start": "2026-01-01"` + extra + `}`
		}
		cases := []struct {
			name, method, path string
			body               any
			ifMatch            string
			status             int
			location           string
			client             *testkit.Client
		}{
			{"malformed JSON", "POST", "/api/v1/systems", `{"name": "X", "category": `, "", 400, "body", nil},
			{"unknown field on a system", "POST", "/api/v1/systems", `{"name": "X", "category": "other", "colour": "red"}`, "", 422, "body.colour", nil},
			{"bad category", "POST", "/api/v1/systems", `{"name": "X", "category": "games"}`, "", 422, "body.category", nil},
			{"name too long", "POST", "/api/v1/systems", `{"name": "` + strings.Repeat("x", 201) + `", "category": "other"}`, "", 422, "body.name", nil},
			{"tasks not a list", "POST", "/api/v1/systems", `{"name": "X", "category": "other", "tasks": "27.34.00"}`, "", 422, "body.tasks", nil},
			{"unknown KLE code", "POST", "/api/v1/systems", `{"name": "X", "category": "other", "tasks": ["99.99.99"]}`, "", 422, "body.tasks", nil},
			{"bad homepage", "POST", "/api/v1/systems", `{"name": "X", "category": "other", "homepage": "ftp://x"}`, "", 422, "body.homepage", nil},
			{"unknown vendor", "PATCH", sys, `{"vendor_id": "12345674"}`, `"1"`, 422, "body.vendor_id", nil},
			{"stale system", "PATCH", sys, `{"name": "Y"}`, `"7"`, 412, "", nil},
			{"merge without operator", "POST", sys + "/merge", `{"duplicate_id": "x"}`, "", 403, "", nil},
			{"merge into itself", "POST", sys + "/merge", `{"duplicate_id": "` + s.ID + `"}`, "", 422, "body.duplicate_id", w.op},
			{"bad system filter", "GET", "/api/v1/systems?category=games", nil, "", 422, "query.category", nil},
			{"task filter too long", "GET", "/api/v1/systems?task=27.34.00.00", nil, "", 422, "query.task", nil},
			{"bad system cursor", "GET", "/api/v1/systems?cursor=bm9wZQ", nil, "", 422, "query.cursor", nil},

			{"malformed date", "POST", "/api/v1/usages", newUsage(`, "from": "2026-02-30"`), "", 422, "body.from", w.asVAd},
			{"date with time", "POST", "/api/v1/usages", newUsage(`, "until": "2026-03-01T00:00:00Z"`), "", 422, "body.until", w.asVAd},
			{"lifecycle not in the enum", "POST", "/api/v1/usages", `{"system_id": "` + s.ID + `", "lifecycle": "dead", "organization_id": "0791"}`, "", 422, "body.lifecycle", w.asVAd},
			{"unknown field on a usage", "POST", "/api/v1/usages", newUsage(`, "since": "2020-01-01"`), "", 422, "body.since", w.asVAd},
			{"bad user band", "POST", "/api/v1/usages", newUsage(`, "user_band": "many"`), "", 422, "body.user_band", w.asVAd},
			{"malformed KLE code in a task change", "POST", "/api/v1/usages", newUsage(`, "task_changes": [{"code": "27"}, {"code": "2734"}]`), "", 422, "body.task_changes[1].code", w.asVAd},
			{"usage of another organisation", "POST", "/api/v1/usages", newUsage(""), "", 403, "", nil},
			{"viewer registers a usage", "POST", "/api/v1/usages", newUsage(""), "", 403, "", w.asSViewer},
			{"malformed date in a patch", "PATCH", usage, `{"until": "2026-13-01"}`, `"1"`, 422, "body.until", nil},
			{"until before from", "PATCH", usage, `{"until": "2024-12-31"}`, `"1"`, 422, "body.until", nil},
			{"stale usage", "PATCH", usage, `{"notes": "x"}`, `"2"`, 412, "", nil},
			{"missing If-Match", "DELETE", usage, nil, "", 428, "", nil},
			{"bad usage list filter", "GET", "/api/v1/usages?lifecycle=dead", nil, "", 422, "query.lifecycle", nil},

			{"malformed contract date", "POST", "/api/v1/contracts", `{"organization_id": "0740", "name": "Ny", "start": "2026-02-30"}`, "", 422, "body.start", nil},
			{"missing start", "POST", "/api/v1/contracts", `{"organization_id": "0740", "name": "Ny", "notice_months": 3}`, "", 422, "body", nil},
			{"notice 61 months", "POST", "/api/v1/contracts", newContract(`, "notice_months": 61`), "", 422, "body.notice_months", nil},
			{"notice in the patch's terms", "PATCH", contract, `{"terms": {"start": "2025-01-01", "notice_months": 61}}`, `"1"`, 422, "body.terms.notice_months", nil},
			{"bad notice rule", "POST", "/api/v1/contracts", newContract(`, "notice_rule": "whenever"`), "", 422, "body.notice_rule", nil},
			{"negative costs", "POST", "/api/v1/contracts", newContract(`, "costs": {"acquisition": -0.01, "operation": 0, "other": 0}`), "", 422, "body.costs.acquisition", nil},
			{"three decimals", "POST", "/api/v1/contracts", newContract(`, "costs": {"acquisition": 0.001, "operation": 0, "other": 0}`), "", 422, "", nil},
			{"amount in exponent form", "POST", "/api/v1/contracts", newContract(`, "costs": {"acquisition": 1e3, "operation": 0, "other": 0}`), "", 422, "", nil},
			{"amount as a string", "POST", "/api/v1/contracts", newContract(`, "costs": {"acquisition": "1", "operation": 0, "other": 0}`), "", 422, "body.costs.acquisition", nil},
			{"price wider than the contract", "POST", "/api/v1/contracts", newContract(`, "price_visibility": "sector"`), "", 422, "body.price_visibility", nil},
			{"bad quarter", "POST", "/api/v1/contracts", newContract(`, "reprocurement_quarter": "2027-Q5"`), "", 422, "body.reprocurement_quarter", nil},
			{"expiry and duration", "POST", "/api/v1/contracts", newContract(`, "duration_months": 12, "expiry": "2026-12-31"`), "", 422, "body.expiry", nil},
			{"unknown system", "POST", "/api/v1/contracts", newContract(`, "system_ids": ["no-such-system"]`), "", 422, "body.system_ids", nil},
			{"unknown field on a contract", "POST", "/api/v1/contracts", newContract(`, "deadlines": {"status": "active"}`), "", 422, "body.deadlines", nil},
			{"negative costs in a patch", "PATCH", contract, `{"costs": {"acquisition": 0, "operation": -5, "other": 0}}`, `"1"`, 422, "body.costs.operation", nil},
			{"stale contract", "DELETE", contract, nil, `"3"`, 412, "", nil},
			{"bad sort", "GET", "/api/v1/contracts?sort=date", nil, "", 422, "query.sort", nil},
			{"bad status", "GET", "/api/v1/contracts?status=alive", nil, "", 422, "query.status", nil},
			{"bad urgency cursor", "GET", "/api/v1/contracts?sort=urgency&cursor=bm9wZQ", nil, "", 422, "query.cursor", nil},

			{"bad KLE level", "GET", "/api/v1/kle?level=4", nil, "", 422, "query.level", nil},
			{"bad deletions type", "GET", "/api/v1/deletions?object_type=user", nil, "", 422, "query.object_type", nil},
			{"bad deletions since", "GET", "/api/v1/deletions?changed_since=2026-02-30", nil, "", 422, "query.changed_since", nil},
		}
		before, err := app.DB.Fingerprint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var headers []string
				if tc.ifMatch != "" {
					headers = []string{"If-Match", tc.ifMatch}
				}
				client := c
				if tc.client != nil {
					client = tc.client
				}
				wantProblem(t, client.Do(tc.method, tc.path, tc.body, headers...), tc.status, tc.location)
			})
		}
		after, err := app.DB.Fingerprint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if before != after {
			t.Fatal("bad input changed the database")
		}
	})
}
