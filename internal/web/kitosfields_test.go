package web_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// The usage form's fields kept as in KITOS: shown filled in, saved, shown to
// viewers only when set, and refused with the field named and nothing
// changed.
func TestLandscapeUsageKITOSFields(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		f := newLandscape(t, app)
		nexus := f.system(t, f.ed, samspil.SystemInput{Name: "Nexus Sundhed", Visibility: samspil.VisibilityPublic})
		other := f.system(t, f.ed, samspil.SystemInput{Name: "Andet", Visibility: samspil.VisibilityPublic})
		terms := samspil.ContractTerms{Start: *date(2024, 1, 1), DurationMonths: 48}
		main := f.contract(t, f.ed, samspil.ContractInput{Name: "Nexus-kontrakten", SystemIDs: []string{nexus.ID}, ContractTerms: terms})
		f.contract(t, f.ed, samspil.ContractInput{Name: "Anden kontrakt", SystemIDs: []string{other.ID}, ContractTerms: terms})
		u := f.usage(t, f.ed, samspil.UsageInput{SystemID: nexus.ID})
		path := "/organizations/" + f.silkeborg.ID + "/landscape"
		action := "/organizations/" + f.silkeborg.ID + "/usages/" + u.ID

		viewer, _ := signIn(t, app, lsViewerEmail)
		mustNotContain(t, viewer.Do("GET", path, nil).Want(t, http.StatusOK), "Flere oplysninger (som i KITOS)")

		ed, _ := signIn(t, app, lsEditorEmail)
		page := ed.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Flere oplysninger (som i KITOS)", "Lokalt kaldenavn", "Hemmelige data", "Data bevares, men en delmængde af dokumenter kan kasseres (B&#43;D)",
			"Indeholder AI-teknologi", "Delvist", ">Nexus-kontrakten</option>")
		mustNotContain(t, page, ">Anden kontrakt</option>")
		form := formFields(t, page, action)
		res := ed.Do("POST", action, with(form, "local_call_name", "Omsorgssystemet", "local_system_id", "SILK-7", "system_version", "2026.1",
			"data_classification", "confidential", "main_contract_id", main.ID, "archive_duty", "b", "archive_period_years", "5", "ai_use", "undecided",
			"web_accessibility", "partially", "web_accessibility_checked", "2026-04-01", "web_accessibility_notes", "Kontrast i kalenderen",
			"references", "Driftsaftale https://intra.silkeborg.dk/drift\n\nDatabehandleraftale http://example.dk/dba\n"))
		wantRedirect(t, res, path)
		stored, err := app.DB.FindUsage(ctx, f.ed.Actor, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		k := stored.UsageKITOSFields
		if k.LocalCallName != "Omsorgssystemet" || k.LocalSystemID != "SILK-7" || k.SystemVersion != "2026.1" || k.DataClassification != samspil.DataConfidential ||
			k.MainContractID != main.ID || k.ArchiveDuty != samspil.ArchiveB || k.ArchivePeriodYears != 5 || k.AIUse != samspil.Undecided ||
			k.WebAccessibility != samspil.Partially || k.WebAccessibilityChecked.String() != "2026-04-01" || k.WebAccessibilityNotes != "Kontrast i kalenderen" ||
			!slices.Equal(k.References, []samspil.Reference{{Title: "Driftsaftale", URL: "https://intra.silkeborg.dk/drift"}, {Title: "Databehandleraftale", URL: "http://example.dk/dba"}}) {
			t.Fatalf("stored %+v", k)
		}

		// The viewer sees the set fields in Danish.
		vpage := viewer.Do("GET", path, nil).Want(t, http.StatusOK)
		mustContain(t, vpage, "Flere oplysninger (som i KITOS)", "Omsorgssystemet", "Fortrolige data", "Data og dokumenter bevares (B)", "Ikke afklaret",
			"01.04.2026", `<a href="https://intra.silkeborg.dk/drift" rel="noopener noreferrer">Driftsaftale</a>`, `<a href="/contracts/`+main.ID+`">Nexus-kontrakten</a>`)
		mustNotContain(t, vpage, "Hemmelige data")

		// The form shows what is stored; sending it back changes nothing but the version.
		form = formFields(t, ed.Do("GET", path, nil).Want(t, http.StatusOK), action)
		if form.Get("references") != "Driftsaftale https://intra.silkeborg.dk/drift\nDatabehandleraftale http://example.dk/dba" ||
			form.Get("archive_period_years") != "5" || form.Get("main_contract_id") != main.ID || form.Get("web_accessibility_checked") != "2026-04-01" {
			t.Fatalf("the form: %v", form)
		}

		for _, c := range []struct {
			field, value, message string
		}{
			{"references", "Uden adresse", "skal være en http- eller https-adresse"},
			{"references", "Script javascript://alert(1)", "skal være en http- eller https-adresse"},
			{"archive_period_years", "fem", "skal være et helt tal"},
			{"archive_period_years", "101", "skal være mellem 0 og 100 år"},
			{"data_classification", "top", "skal være en af"},
			{"web_accessibility_checked", "i går", "er ikke en dato"},
		} {
			res := ed.Do("POST", action, with(form, c.field, c.value)).Want(t, http.StatusUnprocessableEntity)
			mustContain(t, res, c.message, `<details class="details edit" open>`)
			if after, err := app.DB.FindUsage(ctx, f.ed.Actor, u.ID); err != nil || after.Version != stored.Version {
				t.Errorf("%s=%q changed the usage: %+v %v", c.field, c.value, after, err)
			}
		}

		// Emptying the fields clears them.
		wantRedirect(t, ed.Do("POST", action, with(form, "local_call_name", "", "data_classification", "", "main_contract_id", "", "archive_duty", "",
			"archive_period_years", "", "ai_use", "", "web_accessibility", "", "web_accessibility_checked", "", "web_accessibility_notes", "",
			"local_system_id", "", "system_version", "", "references", "")), path)
		if stored, err = app.DB.FindUsage(ctx, f.ed.Actor, u.ID); err != nil || stored.Set() {
			t.Fatalf("after clearing: %+v %v", stored, err)
		}
		mustNotContain(t, viewer.Do("GET", path, nil).Want(t, http.StatusOK), "Flere oplysninger (som i KITOS)")
	})
}
