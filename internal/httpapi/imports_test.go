package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

const usagesCSV = "\ufeffSystem;Livscyklus;Fra;Synlighed\r\n" +
	"Nexus;I drift;01-03-2020;Sektor\r\n" +
	"\"Ældresystem \"\"Æble\"\"\";Planlagt;;Privat\r\n"

func TestImportsAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		w := newWorld(t, app)
		ed := w.asSEditor
		var im samspil.Import
		res := ed.Do("POST", "/api/v1/imports?organization_id=0740&file_name=usages.csv", usagesCSV, "Content-Type", "application/octet-stream").Want(t, 201)
		res.JSON(t, &im)
		if im.Status != samspil.ImportPreviewed || im.Report.Create != 2 || im.Report.NewSystems != 2 || im.Report.ErrorCount != 0 {
			t.Fatalf("preview %+v %+v", im, im.Report)
		}
		if res.Header.Get("Location") != "/api/v1/imports/"+im.ID {
			t.Fatal("location")
		}
		// Viborg's admin cannot see or commit it; a Silkeborg viewer neither.
		w.asVAd.Do("GET", "/api/v1/imports/"+im.ID, nil).Want(t, 404)
		w.asVAd.Do("POST", "/api/v1/imports/"+im.ID+"/commit", nil).Want(t, 404)
		w.asSViewer.Do("GET", "/api/v1/imports/"+im.ID, nil).Want(t, 404) // imports belong to those who may change the landscape
		ed.Do("POST", "/api/v1/imports/"+im.ID+"/commit", nil).Want(t, 200).JSON(t, &im)
		if im.Status != samspil.ImportCommitted || !im.Report.Committed {
			t.Fatalf("commit %+v", im.Report)
		}
		ed.Do("POST", "/api/v1/imports/"+im.ID+"/commit", nil).Want(t, 409)
		var usages samspil.Page[samspil.Usage]
		ed.Do("GET", "/api/v1/usages?organization_id=0740", nil).Want(t, 200).JSON(t, &usages)
		if len(usages.Items) != 2 {
			t.Fatalf("%d usages after the import", len(usages.Items))
		}
		// The same file again: nothing to change.
		ed.Do("POST", "/api/v1/imports?organization_id=0740&file_name=usages.csv", usagesCSV).Want(t, 201).JSON(t, &im)
		if im.Report.Unchanged != 2 || im.Report.Create != 0 {
			t.Fatalf("re-upload %+v", im.Report)
		}
		// Export, and the export imports as unchanged; another organisation
		// exports only what it may see (the private usage stays hidden).
		exp := ed.Do("GET", "/api/v1/exports?organization_id=0740&what=usages&format=csv", nil).Want(t, 200)
		if !strings.Contains(string(exp.Body), `"Ældresystem ""Æble"""`) {
			t.Fatalf("export lacks the private usage for its own editor:\n%s", exp.Body)
		}
		ed.Do("POST", "/api/v1/imports?organization_id=0740&file_name=export.csv", exp.Body).Want(t, 201).JSON(t, &im)
		if im.Report.Unchanged != 2 || im.Report.ErrorCount != 0 {
			t.Fatalf("export re-imported: %+v", im.Report)
		}
		other := w.asVAd.Do("GET", "/api/v1/exports?organization_id=0740&what=usages&format=csv", nil).Want(t, 200)
		if strings.Contains(string(other.Body), "Æble") || !strings.Contains(string(other.Body), "Nexus") {
			t.Fatalf("Viborg's export of Silkeborg:\n%s", other.Body)
		}
		w.asVAd.Do("POST", "/api/v1/imports?organization_id=0740&file_name=x.csv", usagesCSV).Want(t, 403)

		// Bad files change nothing: a 4xx naming the problem, or a preview
		// listing every error by row and column.
		before, err := app.DB.Fingerprint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name, body string
			status     int
		}{
			{"not a landscape file", "a;b\r\n1;2\r\n", 422},
			{"invalid UTF-8", "System;Livscyklus\r\nNe\xffxus;I drift\r\n", 422},
			{"bad quoting", "System;Livscyklus\r\n\"Nexus;I drift\r\n", 422},
			{"not a zip", "PK\x03\x04 certainly not a zip file", 422},
			{"empty", "", 400},
		} {
			res := ed.Do("POST", "/api/v1/imports?organization_id=0740&file_name=bad.csv", tc.body)
			if res.Status != tc.status || !strings.Contains(res.Header.Get("Content-Type"), "problem+json") {
				t.Errorf("%s: %d %s", tc.name, res.Status, res.Body)
			}
		}
		big := strings.Repeat("x", 51<<20)
		ed.Do("POST", "/api/v1/imports?organization_id=0740&file_name=big.csv", big).Want(t, 413)
		if after, _ := app.DB.Fingerprint(ctx); after != before {
			t.Fatal("bad files changed the database")
		}
		var preview samspil.Import
		ed.Do("POST", "/api/v1/imports?organization_id=0740&file_name=errors.csv",
			"System;Livscyklus;Fra\r\nA;I drift;31-02-2024\r\nB;Måske;\r\n").Want(t, 201).JSON(t, &preview)
		if preview.Report.ErrorCount != 2 || preview.Report.Errors[0].Line != 2 || preview.Report.Errors[0].Column != "Fra" ||
			preview.Report.Errors[1].Line != 3 || preview.Report.Errors[1].Column != "Livscyklus" {
			t.Fatalf("errors %+v", preview.Report.Errors)
		}
		ed.Do("POST", "/api/v1/imports/"+preview.ID+"/commit", nil).Want(t, 409)
	})
}

// A KITOS export with rows that have errors and a unit Silkeborg does not
// have: the preview lists both, the rows with errors download with a
// column Fejl in Danish, and the valid rows commit with the unit created.
const kitosUsagesCSV = "Status (Datofelter);IT System;Ansv. organisationsenhed;Livscyklus;Ibrugtagningsdato;Kritikalitet\r\n" +
	"Aktivt;Nexus;Sundhed og Omsorg;Under afprøvning;01-03-2019;Høj\r\n" +
	"Aktivt;Aula;Sundhed og Omsorg;I drift;2024-02-30;\r\n" +
	"Aktivt;Nexus;Sundhed og Omsorg;I drift;;\r\n"

func TestImportValidRowsAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		w := newWorld(t, app)
		ed := w.asSEditor
		var im samspil.Import
		ed.Do("POST", "/api/v1/imports?organization_id=0740&file_name=kitos.csv", kitosUsagesCSV, "Content-Type", "application/octet-stream").
			Want(t, 201).JSON(t, &im)
		r := im.Report
		if r.ValidRows() != 1 || r.InvalidRows != 2 || len(r.UnknownUnits) != 1 || r.UnknownUnits[0].Name != "Sundhed og Omsorg" ||
			r.UnknownUnits[0].Column != "Ansv. organisationsenhed" || strings.Join(r.IgnoredColumns, "|") != "Status (Datofelter)|Kritikalitet" ||
			len(r.Sample) != 1 || r.Sample[0].Line != 2 || len(r.Errors) != 2 || r.Errors[0].Column != "Ibrugtagningsdato" || r.Errors[1].Column != "IT System" {
			t.Fatalf("preview %+v", r)
		}
		rows := ed.Do("GET", "/api/v1/imports/"+im.ID+"/invalid-rows", nil).Want(t, 200)
		if !strings.Contains(rows.Header.Get("Content-Disposition"), "kitos-fejl.csv") ||
			!strings.Contains(string(rows.Body), `Aktivt;Aula;Sundhed og Omsorg;I drift;2024-02-30;;"Ibrugtagningsdato: skal være en dato`) ||
			!strings.Contains(string(rows.Body), "IT System: samme system som række 2") || strings.Contains(string(rows.Body), "Under afprøvning") {
			t.Fatalf("invalid rows:\n%s", rows.Body)
		}
		// Others see neither the import nor its rows.
		w.asVAd.Do("GET", "/api/v1/imports/"+im.ID+"/invalid-rows", nil).Want(t, 404)
		w.asSViewer.Do("GET", "/api/v1/imports/"+im.ID+"/invalid-rows", nil).Want(t, 404)
		w.asVAd.Do("POST", "/api/v1/imports/"+im.ID+"/commit", map[string]any{"valid_only": true,
			"units": []map[string]any{{"name": "Sundhed og Omsorg", "action": "create"}}}).Want(t, 404)

		// Refused commits change nothing: all rows of a file with errors, no
		// choice for the unknown unit, a unit of another organisation.
		before, err := app.DB.Fingerprint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ed.Do("POST", "/api/v1/imports/"+im.ID+"/commit", nil).Want(t, 409)
		res := ed.Do("POST", "/api/v1/imports/"+im.ID+"/commit", map[string]any{"valid_only": true}).Want(t, 422)
		if !strings.Contains(string(res.Body), `"location":"body.units"`) {
			t.Fatalf("no choice: %s", res.Body)
		}
		var viborgUnit samspil.OrgUnit
		w.asVAd.Do("POST", "/api/v1/organizations/0791/units", map[string]any{"kind": "office", "name": "Sundhed og Omsorg"}).Want(t, 201).JSON(t, &viborgUnit)
		mid, _ := app.DB.Fingerprint(ctx)
		res = ed.Do("POST", "/api/v1/imports/"+im.ID+"/commit", map[string]any{"valid_only": true,
			"units": []map[string]any{{"name": "Sundhed og Omsorg", "action": "map", "unit_id": viborgUnit.ID}}}).Want(t, 422)
		if !strings.Contains(string(res.Body), `"location":"body.units[0].unit_id"`) {
			t.Fatalf("another organisation's unit: %s", res.Body)
		}
		if after, _ := app.DB.Fingerprint(ctx); after != mid || mid == before {
			t.Fatal("a refused commit changed the database")
		}
		// The refused attempts leave the import to be committed with good choices.
		ed.Do("POST", "/api/v1/imports/"+im.ID+"/commit", map[string]any{"valid_only": true,
			"units": []map[string]any{{"name": "sundhed og omsorg", "action": "create"}}}).Want(t, 200).JSON(t, &im)
		if im.Status != samspil.ImportCommitted || !im.Report.Committed || im.Report.Create != 1 || im.Report.Skipped != 2 || im.Report.CreatedUnits != 1 {
			t.Fatalf("commit of the valid rows %+v %+v", im, im.Report)
		}
		var units samspil.Page[samspil.OrgUnit]
		ed.Do("GET", "/api/v1/organizations/0740/units", nil).Want(t, 200).JSON(t, &units)
		var usages samspil.Page[samspil.Usage]
		ed.Do("GET", "/api/v1/usages?organization_id=0740", nil).Want(t, 200).JSON(t, &usages)
		if len(units.Items) != 1 || len(usages.Items) != 1 || usages.Items[0].ResponsibleUnitID != units.Items[0].ID ||
			usages.Items[0].Lifecycle != samspil.LifecyclePilot {
			t.Fatalf("after the commit: units %+v usages %+v", units.Items, usages.Items)
		}
		// The rows left out still download.
		ed.Do("GET", "/api/v1/imports/"+im.ID+"/invalid-rows", nil).Want(t, 200)
	})
}
