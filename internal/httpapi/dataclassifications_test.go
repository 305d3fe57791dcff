package httpapi_test

import (
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// An organisation's data classification levels through the API, and the
// usage's data_classification checked against them.
func TestDataClassificationsAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newWorld(t, app)
		levels := "/api/v1/organizations/" + w.silkeborg.ID + "/data-classifications"

		var list struct {
			Items []samspil.DataClassificationLevel
		}
		w.asVAd.Do("GET", levels, nil).Want(t, 200).JSON(t, &list)
		if len(list.Items) != 4 || list.Items[2].Key != "confidential" || list.Items[2].Name != "Fortrolige data" {
			t.Fatalf("levels %+v", list.Items)
		}

		// Administrators keep the list.
		w.asSEditor.Do("POST", levels, map[string]any{"name": "Særligt følsomme"}).Want(t, 403)
		wantProblem(t, w.asSAdmin.Do("POST", levels, map[string]any{"name": ""}), 422, "body.name")
		wantProblem(t, w.asSAdmin.Do("POST", levels, map[string]any{"name": "interne DATA"}), 409, "body.name")
		wantProblem(t, w.asSAdmin.Do("POST", levels, map[string]any{"name": "x", "key": "x"}), 422, "body.key")
		res := w.asSAdmin.Do("POST", levels, map[string]any{"name": "Særligt følsomme", "description": "Art. 9"}).Want(t, 201)
		var special samspil.DataClassificationLevel
		res.JSON(t, &special)
		if special.Key != "saerligt_foelsomme" || res.Header.Get("Location") != levels+"/"+special.ID || res.Header.Get("ETag") != `"1"` {
			t.Fatalf("created %+v, headers %v", special, res.Header)
		}
		w.asVAd.Do("GET", "/api/v1/organizations/"+w.viborg.ID+"/data-classifications/"+special.ID, nil).Want(t, 404)
		w.asVAd.Do("GET", levels+"/"+special.ID, nil).Want(t, 200)

		// A usage takes a level by key and shows its name.
		var sys samspil.System
		w.asSEditor.Do("POST", "/api/v1/systems", map[string]any{"name": "ESDH", "category": "case_management"}).Want(t, 201).JSON(t, &sys)
		usage := map[string]any{"organization_id": testkit.Silkeborg, "system_id": sys.ID, "lifecycle": "operational", "data_classification": "hemmelig"}
		wantProblem(t, w.asSEditor.Do("POST", "/api/v1/usages", usage), 422, "body.data_classification")
		usage["data_classification"] = string(special.Key)
		var use samspil.Usage
		w.asSEditor.Do("POST", "/api/v1/usages", usage).Want(t, 201).JSON(t, &use)
		if use.DataClassification != special.Key || use.DataClassificationName != "Særligt følsomme" {
			t.Fatalf("usage %q %q", use.DataClassification, use.DataClassificationName)
		}

		// Renamed and deactivated: the usage keeps it under its new name.
		w.asSAdmin.Do("PATCH", levels+"/"+special.ID, map[string]any{"name": "Følsomme", "active": false}, "If-Match", `"1"`).Want(t, 200)
		w.asSAdmin.Do("PATCH", levels+"/"+special.ID, map[string]any{"name": "x"}, "If-Match", `"1"`).Want(t, 412)
		wantProblem(t, w.asSAdmin.Do("PATCH", levels+"/"+special.ID, map[string]any{"name": ""}, "If-Match", `"2"`), 422, "body.name")
		w.asSViewer.Do("GET", "/api/v1/usages/"+use.ID, nil).Want(t, 200).JSON(t, &use)
		if use.DataClassificationName != "Følsomme" {
			t.Fatalf("usage's level after renaming: %q", use.DataClassificationName)
		}
		var sys2 samspil.System
		w.asSEditor.Do("POST", "/api/v1/systems", map[string]any{"name": "Andet", "category": "case_management"}).Want(t, 201).JSON(t, &sys2)
		usage["system_id"] = sys2.ID
		wantProblem(t, w.asSEditor.Do("POST", "/api/v1/usages", usage), 422, "body.data_classification")
	})
}
