package httpapi_test

import (
	"context"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

func TestDataProcessingAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		w := newLandWorld(t, app)
		anon := app.Anonymous(t)
		var s samspil.System
		w.asSEditor.Do("POST", "/api/v1/systems", map[string]any{"name": "ESDH", "category": "case_management", "visibility": "public"}).Want(t, 201).JSON(t, &s)
		var u samspil.Usage
		w.asSEditor.Do("POST", "/api/v1/usages", map[string]any{"organization_id": "0740", "system_id": s.ID, "lifecycle": "operational"}).Want(t, 201).JSON(t, &u)

		body := `{"organization_id": "0740", "name": "ESDH", "data_responsible": "supplier_processor", "usage_ids": ["` + u.ID + `"],
			"agreement_concluded": "yes", "agreement_date": "2025-03-01",
			"processors": [{"organization_id": "` + apiCVRVendor + `", "country": "DK"}], "transfer_basis": "eu_eea",
			"personal_data": ["cpr", "ordinary"],
			"oversight": {"interval": "every_second_year", "last_date": "2025-06-30", "result": "Godkendt",
				"document_url": "https://example.dk/tilsyn.pdf"}}`
		res := w.asSEditor.Do("POST", "/api/v1/data-processing-registrations", body).Want(t, 201)
		var r samspil.DataProcessingRegistration
		res.JSON(t, &r)
		path := "/api/v1/data-processing-registrations/" + r.ID
		if res.Header.Get("Location") != path || res.Header.Get("ETag") != `"1"` || r.Visibility != samspil.VisibilityPrivate ||
			r.OrganizationID != w.silkeborg.ID || len(r.Processors) != 1 || r.Processors[0].OrganizationID != w.vendor.ID ||
			len(r.Usages) != 1 || r.Usages[0].SystemName != "ESDH" || dateOrNone(r.NextOversight) != "2027-06-30" {
			t.Fatalf("created %s", res.Body)
		}

		// Private by default: Viborg and the anonymous see nothing of it.
		w.asVAd.Do("GET", path, nil).Want(t, 404)
		anon.Do("GET", path, nil).Want(t, 404)
		var list struct {
			Items []samspil.DataProcessingRegistration
		}
		w.asSEditor.Do("GET", "/api/v1/data-processing-registrations?organization_id=0740&usage_id="+u.ID, nil).Want(t, 200).JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != r.ID {
			t.Errorf("list by usage: %+v", list.Items)
		}
		w.asSEditor.Do("GET", "/api/v1/data-processing-registrations?oversight_by=2027-06-29", nil).Want(t, 200).JSON(t, &list)
		if len(list.Items) != 0 {
			t.Errorf("oversight due by 2027-06-29: %+v", list.Items)
		}

		// Bad input names the field; nothing changes.
		for _, c := range []struct {
			name, body, location string
		}{
			{"unknown interval", `{"oversight": {"interval": "weekly"}}`, "body.oversight.interval"},
			{"document not a web address", `{"oversight": {"document_url": "C:\\rapport.pdf"}}`, "body.oversight.document_url"},
			{"bad sub-processor country", `{"sub_processors": [{"organization_id": "` + apiCVRVendor + `", "country": "XX"}]}`, "body.sub_processors[0].country"},
			{"another organisation's usage", `{"usage_ids": ["nope"]}`, "body.usage_ids"},
		} {
			t.Run(c.name, func(t *testing.T) {
				wantProblem(t, w.asSEditor.Do("PATCH", path, c.body, "If-Match", `"1"`), 422, c.location)
			})
		}
		wantProblem(t, w.asSEditor.Do("GET", "/api/v1/data-processing-registrations?oversight_by=soon", nil), 422, "query.oversight_by")

		res = w.asSEditor.Do("PATCH", path, `{"visibility": "sector", "oversight": {"interval": "yearly", "last_date": "2026-01-15"}}`, "If-Match", `"1"`).Want(t, 200)
		r = samspil.DataProcessingRegistration{}
		res.JSON(t, &r)
		if res.Header.Get("ETag") != `"2"` || r.Visibility != samspil.VisibilitySector || dateOrNone(r.NextOversight) != "2027-01-15" || r.Oversight.Result != "" {
			t.Errorf("patched %s", res.Body)
		}
		w.asVAd.Do("GET", path, nil).Want(t, 200)
		w.asVAd.Do("PATCH", path, `{"name": "Overtaget"}`, "If-Match", `"2"`).Want(t, 403)
		w.asSEditor.Do("PATCH", path, `{"name": "X"}`, "If-Match", `"1"`).Want(t, 412)
		w.asSEditor.Do("DELETE", path, nil, "If-Match", `"2"`).Want(t, 204)
		w.asSEditor.Do("GET", path, nil).Want(t, 404)
		n, err := app.DB.ListDeletions(context.Background(), testkit.System, samspil.DeletionFilter{ObjectType: "data_processing_registration"})
		if err != nil || len(n.Items) != 1 || n.Items[0].ObjectID != r.ID {
			t.Errorf("deletions %+v %v", n, err)
		}
	})
}

func dateOrNone(d *samspil.Date) string {
	if d == nil {
		return "none"
	}
	return d.String()
}
