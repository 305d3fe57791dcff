package httpapi_test

import (
	"encoding/json"
	"testing"

	"github.com/samspil/samspil/internal/testkit"
)

// TestUsageKITOSFieldsAPI: the KITOS fields of a usage in and out, cleared
// by a patch, refused with the JSON path named and nothing changed.
func TestUsageKITOSFieldsAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newLandWorld(t, app)
		sys := rawJSON(t, w.asSEditor.Do("POST", "/api/v1/systems", map[string]any{"name": "Fagsystem", "category": "other", "visibility": "public"}).Want(t, 201))
		sid := sys["id"].(string)
		con := rawJSON(t, w.asSEditor.Do("POST", "/api/v1/contracts", map[string]any{"organization_id": "0740", "name": "Hovedkontrakt",
			"system_ids": []string{sid}, "start": "2024-01-01", "duration_months": 36}).Want(t, 201))
		cid := con["id"].(string)
		fields := map[string]any{"local_call_name": "Sagen", "local_system_id": "SILK-42", "system_version": "7.2", "data_classification": "internal",
			"main_contract_id": cid, "archive_duty": "k", "archive_period_years": json.Number("5"), "ai_use": "no", "web_accessibility": "partially",
			"web_accessibility_checked": "2026-05-01", "web_accessibility_notes": "Mangler labels"}
		in := map[string]any{"organization_id": "0740", "system_id": sid, "lifecycle": "operational",
			"references": []map[string]any{{"title": "Driftsaftale", "url": "https://intra.silkeborg.dk/drift"}}}
		for k, v := range fields {
			in[k] = v
		}
		u := rawJSON(t, w.asSEditor.Do("POST", "/api/v1/usages", in).Want(t, 201))
		path := "/api/v1/usages/" + u["id"].(string)
		got := rawJSON(t, w.asSEditor.Do("GET", path, nil).Want(t, 200))
		for k, v := range fields {
			if got[k] != v {
				t.Errorf("%s = %v, want %v", k, got[k], v)
			}
		}
		if refs, _ := got["references"].([]any); len(refs) != 1 || refs[0].(map[string]any)["url"] != "https://intra.silkeborg.dk/drift" {
			t.Errorf("references %v", got["references"])
		}

		for _, c := range []struct {
			body map[string]any
			path string
		}{
			{map[string]any{"data_classification": "hemmelig"}, "body.data_classification"},
			{map[string]any{"archive_duty": "B"}, "body.archive_duty"},
			{map[string]any{"archive_period_years": 101}, "body.archive_period_years"},
			{map[string]any{"references": []map[string]any{{"title": "x", "url": "file:///etc/passwd"}}}, "body.references[0].url"},
			{map[string]any{"main_contract_id": "no-such-contract"}, "body.main_contract_id"},
			{map[string]any{"local_call_name": string(make([]byte, 101))}, "body.local_call_name"},
		} {
			wantProblem(t, w.asSEditor.Do("PATCH", path, c.body, "If-Match", `"1"`), 422, c.path)
		}
		if after := rawJSON(t, w.asSEditor.Do("GET", path, nil).Want(t, 200)); after["version"] != json.Number("1") || after["archive_duty"] != "k" {
			t.Errorf("refused patches changed the usage: %v", after)
		}

		res := w.asSEditor.Do("PATCH", path, map[string]any{"main_contract_id": "", "archive_duty": "", "web_accessibility_checked": "",
			"references": []any{}, "system_version": "8"}, "If-Match", `"1"`).Want(t, 200)
		after := rawJSON(t, res)
		for _, k := range []string{"main_contract_id", "archive_duty", "web_accessibility_checked", "references"} {
			if _, ok := after[k]; ok {
				t.Errorf("%s not cleared: %v", k, after[k])
			}
		}
		if after["system_version"] != "8" || after["local_call_name"] != "Sagen" {
			t.Errorf("after the patch: %v", after)
		}
	})
}

// TestSystemKITOSFieldsAPI: parent, former names, deactivated and the
// archive recommendation in and out; a cycle refused at body.parent_id; a
// deactivated system gets no new usages.
func TestSystemKITOSFieldsAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newLandWorld(t, app)
		suite := rawJSON(t, w.asSEditor.Do("POST", "/api/v1/systems", map[string]any{"name": "KMD Nova", "category": "other", "visibility": "public"}).Want(t, 201))
		sid := suite["id"].(string)
		part := rawJSON(t, w.asSEditor.Do("POST", "/api/v1/systems", map[string]any{"name": "Nova Sag", "category": "other", "visibility": "public",
			"parent_id": sid, "former_names": []string{"Sag 2000"}, "archive_recommendation": "no_recommendation"}).Want(t, 201))
		if part["parent_id"] != sid || part["archive_recommendation"] != "no_recommendation" || len(part["former_names"].([]any)) != 1 {
			t.Fatalf("created %v", part)
		}
		pid := part["id"].(string)
		wantProblem(t, w.asSEditor.Do("PATCH", "/api/v1/systems/"+sid, map[string]any{"parent_id": pid}, "If-Match", `"1"`), 422, "body.parent_id")
		wantProblem(t, w.asSEditor.Do("PATCH", "/api/v1/systems/"+pid, map[string]any{"archive_recommendation": "B"}, "If-Match", `"1"`), 422, "body.archive_recommendation")
		up := rawJSON(t, w.asSEditor.Do("PATCH", "/api/v1/systems/"+pid, map[string]any{"deactivated": true, "former_names": []string{}}, "If-Match", `"1"`).Want(t, 200))
		if up["deactivated"] != true || up["former_names"] != nil || up["parent_id"] != sid {
			t.Fatalf("updated %v", up)
		}
		wantProblem(t, w.asVAd.Do("POST", "/api/v1/usages", map[string]any{"organization_id": "0791", "system_id": pid, "lifecycle": "planned"}), 422, "body.system_id")
	})
}

// TestContractKITOSFieldsAPI: the contract's KITOS fields in and out,
// dates cleared with "", refusals at their JSON paths with nothing changed.
func TestContractKITOSFieldsAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newLandWorld(t, app)
		main := rawJSON(t, w.asSEditor.Do("POST", "/api/v1/contracts", map[string]any{"organization_id": "0740", "name": "Hovedkontrakt",
			"start": "2024-01-01", "duration_months": 36}).Want(t, 201))
		mid := main["id"].(string)
		c := rawJSON(t, w.asSEditor.Do("POST", "/api/v1/contracts", map[string]any{"organization_id": "0740", "name": "Tillæg",
			"start": "2024-01-01", "duration_months": 36, "contract_type": "supplementary", "criticality": "level_1", "parent_id": mid,
			"payment_model": "one_off", "payment_milestones": []map[string]any{{"title": "Levering", "expected_on": "2024-05-01"}},
			"organization_signer": "Signe Kontraktsen", "organization_signed_on": "2023-12-01", "supplier_signer": "Lars Leverandør",
			"supplier_signed_on": "2023-12-02"}).Want(t, 201))
		path := "/api/v1/contracts/" + c["id"].(string)
		got := rawJSON(t, w.asSEditor.Do("GET", path, nil).Want(t, 200))
		for k, v := range map[string]any{"contract_type": "supplementary", "criticality": "level_1", "parent_id": mid, "payment_model": "one_off",
			"organization_signer": "Signe Kontraktsen", "organization_signed_on": "2023-12-01", "supplier_signer": "Lars Leverandør", "supplier_signed_on": "2023-12-02"} {
			if got[k] != v {
				t.Errorf("%s = %v, want %v", k, got[k], v)
			}
		}
		if ms, _ := got["payment_milestones"].([]any); len(ms) != 1 || ms[0].(map[string]any)["expected_on"] != "2024-05-01" {
			t.Errorf("milestones %v", got["payment_milestones"])
		}
		for _, cse := range []struct {
			body map[string]any
			path string
		}{
			{map[string]any{"contract_type": "Hovedkontrakt"}, "body.contract_type"},
			{map[string]any{"payment_model": "gratis"}, "body.payment_model"},
			{map[string]any{"parent_id": c["id"]}, "body.parent_id"},
			{map[string]any{"payment_milestones": []map[string]any{{"title": ""}}}, "body.payment_milestones[0].title"},
		} {
			wantProblem(t, w.asSEditor.Do("PATCH", path, cse.body, "If-Match", `"1"`), 422, cse.path)
		}
		after := rawJSON(t, w.asSEditor.Do("PATCH", path, map[string]any{"supplier_signed_on": "", "parent_id": ""}, "If-Match", `"1"`).Want(t, 200))
		if _, ok := after["supplier_signed_on"]; ok || after["parent_id"] != nil || after["organization_signed_on"] != "2023-12-01" || after["version"] != json.Number("2") {
			t.Errorf("after the patch: %v", after)
		}
	})
}
