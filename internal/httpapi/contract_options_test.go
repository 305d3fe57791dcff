package httpapi_test

import (
	"testing"
	"time"

	"github.com/samspil/samspil/internal/testkit"
)

// TestContractOptionsAPI: extension_kind in and out, the last day to
// exercise an option, warnings in the answer, deadlines as of another day
// with ?on=, and extensions that cannot have been taken refused with the
// field named and nothing changed.
func TestContractOptionsAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newLandWorld(t, app)
		now := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
		app.DB.SetClock(func() time.Time { return now })

		res := w.asSEditor.Do("POST", "/api/v1/contracts", map[string]any{"organization_id": "0740", "name": "Option",
			"start": "2024-01-01", "expiry": "2026-12-31", "extension_count": 2, "extension_months": 12, "extension_kind": "option",
			"notice_months": 6, "notice_rule": "end_of_month"}).Want(t, 201)
		c := rawJSON(t, res)
		id := c["id"].(string)
		if c["extension_kind"] != "option" {
			t.Errorf("extension_kind %v", c["extension_kind"])
		}
		dl := c["deadlines"].(map[string]any)
		for k, v := range map[string]any{"last_exercise_date": "2026-06-30", "next_decision_date": "2026-06-30", "extends_to": "2027-12-31",
			"next_end": "2026-12-31", "last_notice_date": nil} {
			if dl[k] != v {
				t.Errorf("deadlines.%s = %v, want %v", k, dl[k], v)
			}
		}
		path := "/api/v1/contracts/" + id

		// As of 2027-01-01 the option was not exercised: ended.
		dl = rawJSON(t, w.asSEditor.Do("GET", path+"?on=2027-01-01", nil).Want(t, 200))["deadlines"].(map[string]any)
		if dl["status"] != "expired" || dl["current_end"] != "2026-12-31" {
			t.Errorf("as of 2027-01-01: %v", dl)
		}
		if got := ids(t, w.asSEditor.Do("GET", "/api/v1/contracts?organization_id=0740&status=expired&on=2027-01-01", nil).Want(t, 200), "name"); len(got) != 1 || got[0] != "Option" {
			t.Errorf("expired as of 2027-01-01: %v", got)
		}
		wantProblem(t, w.asSEditor.Do("GET", path+"?on=2027-13-01", nil), 422, "query.on")
		wantProblem(t, w.asSEditor.Do("GET", "/api/v1/contracts?on=tomorrow", nil), 422, "query.on")

		// Exercised (recorded in advance), then asked as of a day before the
		// contract began the term before it: refused on "on".
		res = w.asSEditor.Do("PATCH", path, map[string]any{"terms": map[string]any{"start": "2024-01-01", "expiry": "2026-12-31",
			"extension_count": 2, "extension_months": 12, "extension_kind": "option", "extensions_used": 1, "notice_months": 6,
			"notice_rule": "end_of_month"}}, "If-Match", `"1"`).Want(t, 200)
		if dl := rawJSON(t, res)["deadlines"].(map[string]any); dl["next_end"] != "2027-12-31" || dl["last_exercise_date"] != "2027-06-30" {
			t.Errorf("exercised: %v", dl)
		}
		w.asSEditor.Do("GET", path+"?on=2020-01-01", nil).Want(t, 200) // the next one may be taken in advance
		// Both options of an older contract used: as of a day in its
		// initial term, that cannot be.
		old := rawJSON(t, w.asSEditor.Do("POST", "/api/v1/contracts", map[string]any{"organization_id": "0740", "name": "Ældre",
			"start": "2020-01-01", "expiry": "2021-12-31", "extension_count": 2, "extension_months": 12, "extension_kind": "option",
			"extensions_used": 2, "notice_months": 3}).Want(t, 201))
		w.asSEditor.Do("GET", "/api/v1/contracts/"+old["id"].(string)+"?on=2022-01-01", nil).Want(t, 200)
		wantProblem(t, w.asSEditor.Do("GET", "/api/v1/contracts/"+old["id"].(string)+"?on=2021-06-01", nil), 422, "query.on")

		// Two used in January 2026: refused, named where the patch has it.
		wantProblem(t, w.asSEditor.Do("PATCH", path, map[string]any{"terms": map[string]any{"start": "2024-01-01", "expiry": "2026-12-31",
			"extension_count": 2, "extension_months": 12, "extension_kind": "option", "extensions_used": 2, "notice_months": 6,
			"notice_rule": "end_of_month"}}, "If-Match", `"2"`), 422, "body.terms.extensions_used")
		wantProblem(t, w.asSEditor.Do("PATCH", path, map[string]any{"terms": map[string]any{"start": "2024-01-01", "expiry": "2026-12-31",
			"extension_kind": "sometimes", "notice_months": 6}}, "If-Match", `"2"`), 422, "")
		if v := w.asSEditor.Do("GET", path, nil).Want(t, 200).Header.Get("ETag"); v != `"2"` {
			t.Errorf("changed by refused patches: ETag %s", v)
		}

		// A fixed term whose notice has no effect: accepted with a warning.
		res = w.asSEditor.Do("POST", "/api/v1/contracts", map[string]any{"organization_id": "0740", "name": "Fast",
			"start": "2025-01-01", "expiry": "2027-12-31", "notice_months": 3}).Want(t, 201)
		warnings, _ := rawJSON(t, res)["deadlines"].(map[string]any)["warnings"].([]any)
		if len(warnings) != 1 {
			t.Errorf("warnings %v", warnings)
		}
	})
}
