package web_test

import (
	"context"
	"net/http"
	"net/url"
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
		landscape := "/organizations/" + f.silkeborg.ID + "/landscape"
		action := "/organizations/" + f.silkeborg.ID + "/usages/" + u.ID

		viewer, _ := signIn(t, app, lsViewerEmail)
		mustNotContain(t, viewer.Do("GET", action, nil).Want(t, http.StatusOK), "Flere oplysninger (som i KITOS)")

		ed, _ := signIn(t, app, lsEditorEmail)
		mustContain(t, ed.Do("GET", landscape, nil).Want(t, http.StatusOK), `href="`+action+`#edit"`)
		page := ed.Do("GET", action, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Flere oplysninger (som i KITOS)", "Lokalt kaldenavn", "Hemmelige data", "Data bevares, men en delmængde af dokumenter kan kasseres (B&#43;D)",
			"Indeholder AI-teknologi", "Delvist", ">Nexus-kontrakten</option>")
		mustNotContain(t, page, ">Anden kontrakt</option>")
		form := formFields(t, page, action)
		res := ed.Do("POST", action, with(form, "local_call_name", "Omsorgssystemet", "local_system_id", "SILK-7", "system_version", "2026.1",
			"data_classification", "confidential", "main_contract_id", main.ID, "archive_duty", "b", "archive_period_years", "5", "ai_use", "undecided",
			"web_accessibility", "partially", "web_accessibility_checked", "2026-04-01", "web_accessibility_notes", "Kontrast i kalenderen",
			"references", "Driftsaftale https://intra.silkeborg.dk/drift\n\nDatabehandleraftale http://example.dk/dba\n"))
		wantRedirect(t, res, action)
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
		vpage := viewer.Do("GET", action, nil).Want(t, http.StatusOK)
		mustContain(t, vpage, "Flere oplysninger (som i KITOS)", "Omsorgssystemet", "Fortrolige data", "Data og dokumenter bevares (B)", "Ikke afklaret",
			"01.04.2026", `<a href="https://intra.silkeborg.dk/drift" rel="noopener noreferrer">Driftsaftale</a>`, `<a href="/contracts/`+main.ID+`">Nexus-kontrakten</a>`)
		mustNotContain(t, vpage, "Hemmelige data")

		// The form shows what is stored; sending it back changes nothing but the version.
		form = formFields(t, ed.Do("GET", action, nil).Want(t, http.StatusOK), action)
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
			{"data_classification", "top", "skal være et af organisationens niveauer"},
			{"web_accessibility_checked", "i går", "er ikke en dato"},
		} {
			res := ed.Do("POST", action, with(form, c.field, c.value)).Want(t, http.StatusUnprocessableEntity)
			mustContain(t, res, c.message, `<details class="details edit-block" id="edit" open>`)
			if after, err := app.DB.FindUsage(ctx, f.ed.Actor, u.ID); err != nil || after.Version != stored.Version {
				t.Errorf("%s=%q changed the usage: %+v %v", c.field, c.value, after, err)
			}
		}

		// Emptying the fields clears them.
		wantRedirect(t, ed.Do("POST", action, with(form, "local_call_name", "", "data_classification", "", "main_contract_id", "", "archive_duty", "",
			"archive_period_years", "", "ai_use", "", "web_accessibility", "", "web_accessibility_checked", "", "web_accessibility_notes", "",
			"local_system_id", "", "system_version", "", "references", "")), action)
		if stored, err = app.DB.FindUsage(ctx, f.ed.Actor, u.ID); err != nil || stored.Set() {
			t.Fatalf("after clearing: %+v %v", stored, err)
		}
		mustNotContain(t, viewer.Do("GET", action, nil).Want(t, http.StatusOK), "Flere oplysninger (som i KITOS)")
	})
}

// The catalogue entry's fields kept as in KITOS: proposed and edited in the
// forms, shown on the page when set, a cycle refused at its field, and a
// deactivated entry marked in the catalogue and offered to no one.
func TestSystemKITOSFieldsForms(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		f := newLandscape(t, app)
		suite := f.system(t, f.ed, samspil.SystemInput{Name: "KMD Nova", Visibility: samspil.VisibilityPublic})
		ed, _ := signIn(t, app, lsEditorEmail)

		page := ed.Do("GET", "/systems/new", nil).Want(t, http.StatusOK)
		mustContain(t, page, "Flere oplysninger (som i KITOS)", "Overordnet system", "Rigsarkivets vejledning til arkivering")
		form := formFields(t, page, "/systems")
		res := ed.Do("POST", "/systems", with(form, "name", "Nova Sag", "visibility", "public", "parent_id", suite.ID,
			"former_names", "Sag 2000\r\n\r\nSagsNet\r\n", "archive_recommendation", "preserve_data_discard_documents"))
		res.Want(t, http.StatusSeeOther)
		created := systemsNamed(t, app, "Nova Sag")
		if len(created) != 1 {
			t.Fatalf("%d systems created", len(created))
		}
		s := created[0]
		if s.ParentID != suite.ID || !slices.Equal(s.FormerNames, []string{"Sag 2000", "SagsNet"}) ||
			s.ArchiveRecommendation != samspil.RecommendPreserveDataOnly || s.Deactivated {
			t.Fatalf("stored %+v", s.SystemKITOSFields)
		}
		anon := newBrowser(t, app)
		spage := anon.Do("GET", "/systems/"+s.ID, nil).Want(t, http.StatusOK)
		mustContain(t, spage, `<dd><a href="/systems/`+suite.ID+`">KMD Nova</a></dd>`, "<dd>Sag 2000, SagsNet</dd>",
			"Data bevares, men en delmængde af dokumenter kan kasseres (B&#43;D)")
		mustNotContain(t, spage, "Deaktiveret")
		mustNotContain(t, anon.Do("GET", "/systems/"+suite.ID, nil).Want(t, http.StatusOK), "Tidligere navne", "Overordnet system</dt>")

		// The suite cannot become a part of its own part: refused at the field, nothing changed.
		spage = ed.Do("GET", "/systems/"+suite.ID, nil).Want(t, http.StatusOK)
		edit := formFields(t, spage, "/systems/"+suite.ID)
		res = ed.Do("POST", "/systems/"+suite.ID, with(edit, "parent_id", s.ID)).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, "kan ikke være systemet selv eller en af dets dele")
		if after, err := app.DB.FindSystem(ctx, f.ed.Actor, suite.ID); err != nil || after.ParentID != "" || after.Version != suite.Version {
			t.Fatalf("after the refused cycle: %+v %v", after, err)
		}

		// Deactivating: the catalogue marks it, the page offers no registration, a post is refused.
		spage = ed.Do("GET", "/systems/"+s.ID, nil).Want(t, http.StatusOK)
		mustContain(t, spage, `action="/usages"`)
		edit = formFields(t, spage, "/systems/"+s.ID)
		if edit.Get("parent_id") != suite.ID || edit.Get("former_names") != "Sag 2000\nSagsNet" || edit.Get("archive_recommendation") != "preserve_data_discard_documents" {
			t.Fatalf("the edit form: %v", edit)
		}
		wantRedirect(t, ed.Do("POST", "/systems/"+s.ID, with(edit, "deactivated", "true")), "/systems/"+s.ID)
		spage = ed.Do("GET", "/systems/"+s.ID, nil).Want(t, http.StatusOK)
		mustContain(t, spage, "Deaktiveret: systemet kan ikke tages i anvendelse")
		mustNotContain(t, spage, `action="/usages"`)
		mustContain(t, anon.Do("GET", "/systems?q=Nova", nil).Want(t, http.StatusOK), `<span class="badge">Deaktiveret</span>`)
		res = ed.Do("POST", "/usages", url.Values{"organization_id": {f.silkeborg.ID}, "system_id": {s.ID}, "lifecycle": {"planned"}, "visibility": {"sector"}})
		res.Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, "Nova Sag er deaktiveret i kataloget og kan ikke tages i anvendelse")
		if us := usagesOf(t, app, f.silkeborg.ID); len(us) != 0 {
			t.Fatalf("a deactivated system got usages: %+v", us)
		}
	})
}

// The contract form's fields kept as in KITOS: saved on create and edit,
// shown on the page only when set, refused at their fields with nothing
// written, and cleared by emptying them.
func TestContractKITOSFieldsForms(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		f := newLandscape(t, app)
		terms := samspil.ContractTerms{Start: *date(2024, 1, 1), DurationMonths: 48}
		main := f.contract(t, f.ed, samspil.ContractInput{Name: "Rammeaftalen", ContractTerms: terms, Visibility: samspil.VisibilitySector})
		viborgs := f.contract(t, f.vEd, samspil.ContractInput{Name: "Viborgs aftale", ContractTerms: terms})
		ed, _ := signIn(t, app, lsEditorEmail)
		newPath := "/organizations/" + f.silkeborg.ID + "/contracts/new"
		action := "/organizations/" + f.silkeborg.ID + "/contracts"

		page := ed.Do("GET", newPath, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Flere oplysninger (som i KITOS)", ">Tillægskontrakt</option>", ">Kritikalitet 2</option>", ">Licens - indbyggere</option>",
			`<option value="`+main.ID+`">Rammeaftalen</option>`)
		mustNotContain(t, page, "Viborgs aftale")
		form := with(formFields(t, page, action), "name", "Tillæg om mobil", "start", "2024-01-01", "duration_months", "24")

		for _, c := range []struct{ field, value, message string }{
			{"payment_milestones", "Levering; i maj", "er ikke en dato"},
			{"payment_milestones", "; 2024-05-01", "skal udfyldes"},
			{"parent_id", viborgs.ID, "er ikke en af organisationens kontrakter"},
			{"contract_type", "Hovedkontrakt", "skal være en af"},
			{"supplier_signed_on", "i går", "er ikke en dato"},
		} {
			res := ed.Do("POST", action, with(form, c.field, c.value)).Want(t, http.StatusUnprocessableEntity)
			mustContain(t, res, c.message)
		}
		if n := len(contractsOf(t, app, f.silkeborg.ID)); n != 1 {
			t.Fatalf("refused posts wrote contracts: %d", n)
		}

		res := ed.Do("POST", action, with(form, "contract_type", "supplementary", "criticality", "level_1", "parent_id", main.ID,
			"payment_model", "license_population", "payment_milestones", "Levering; 2024-05-01; 2024-05-20\r\nSlutgodkendelse\r\n",
			"organization_signer", "Signe Kontraktsen", "organization_signed_on", "2023-12-01", "supplier_signer", "Lars Leverandør", "visibility", "sector"))
		res.Want(t, http.StatusSeeOther)
		var c *samspil.Contract
		for _, x := range contractsOf(t, app, f.silkeborg.ID) {
			if x.Name == "Tillæg om mobil" {
				c = &x
			}
		}
		if c == nil {
			t.Fatal("not created")
		}
		k := c.ContractKITOSFields
		if k.ContractType != samspil.ContractSupplementary || k.Criticality != samspil.Criticality1 || k.ParentID != main.ID ||
			k.PaymentModel != samspil.PaymentLicensePopulation || len(k.PaymentMilestones) != 2 || k.PaymentMilestones[0].ApprovedOn.String() != "2024-05-20" ||
			k.PaymentMilestones[1].Title != "Slutgodkendelse" || k.OrganizationSignedOn.String() != "2023-12-01" || k.SupplierSigner != "Lars Leverandør" || k.SupplierSignedOn != nil {
			t.Fatalf("stored %+v", k)
		}

		viewer, _ := signIn(t, app, lsViewerEmail)
		cpage := viewer.Do("GET", "/contracts/"+c.ID, nil).Want(t, http.StatusOK)
		mustContain(t, cpage, "<dd>Tillægskontrakt</dd>", "<dd>Kritikalitet 1</dd>", `<a href="/contracts/`+main.ID+`">Rammeaftalen</a>`,
			"<dd>Licens - indbyggere</dd>", "Levering · forventet 01.05.2024 · godkendt 20.05.2024", "<dd>Signe Kontraktsen · 01.12.2023</dd>",
			"<dd>Lars Leverandør</dd>")
		mustNotContain(t, viewer.Do("GET", "/contracts/"+main.ID, nil).Want(t, http.StatusOK), "Kontrakttype", "Betalingsmodel", "Underskrevet")

		// The edit form shows them; emptying them clears them.
		edit := formFields(t, ed.Do("GET", "/contracts/"+c.ID+"?edit=true", nil).Want(t, http.StatusOK), "/contracts/"+c.ID)
		if edit.Get("payment_milestones") != "Levering; 2024-05-01; 2024-05-20\nSlutgodkendelse" || edit.Get("parent_id") != main.ID ||
			edit.Get("organization_signed_on") != "2023-12-01" || edit.Get("contract_type") != "supplementary" {
			t.Fatalf("the edit form: %v", edit)
		}
		wantRedirect(t, ed.Do("POST", "/contracts/"+c.ID, with(edit, "contract_type", "", "criticality", "", "parent_id", "", "payment_model", "",
			"payment_milestones", "", "organization_signer", "", "organization_signed_on", "", "supplier_signer", "")), "/contracts/"+c.ID)
		after, err := app.DB.FindContract(ctx, f.ed.Actor, c.ID)
		if err != nil || after.Set() || after.Version != 2 {
			t.Fatalf("after clearing: %+v %v", after, err)
		}
	})
}

// A usage's main contract that no longer covers its system stays named on
// the usage's page and offered, selected, in its form, beside the
// contracts that cover the system.
func TestUsageMainContractNoLongerCovering(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		f := newLandscape(t, app)
		nexus := f.system(t, f.ed, samspil.SystemInput{Name: "Nexus Sundhed", Visibility: samspil.VisibilityPublic})
		other := f.system(t, f.ed, samspil.SystemInput{Name: "Andet", Visibility: samspil.VisibilityPublic})
		terms := samspil.ContractTerms{Start: *date(2024, 1, 1), DurationMonths: 48}
		main := f.contract(t, f.ed, samspil.ContractInput{Name: "Gammel kontrakt", SystemIDs: []string{nexus.ID}, ContractTerms: terms})
		f.contract(t, f.ed, samspil.ContractInput{Name: "Ny kontrakt", SystemIDs: []string{nexus.ID}, ContractTerms: terms})
		f.contract(t, f.ed, samspil.ContractInput{Name: "Fremmed kontrakt", SystemIDs: []string{other.ID}, ContractTerms: terms})
		u := f.usage(t, f.ed, samspil.UsageInput{SystemID: nexus.ID, UsageKITOSFields: samspil.UsageKITOSFields{MainContractID: main.ID}})
		if _, err := app.DB.UpdateContract(ctx, f.ed.Actor, main.ID, main.Version, samspil.ContractPatch{SystemIDs: &[]string{other.ID}}); err != nil {
			t.Fatal(err)
		}
		action := "/organizations/" + f.silkeborg.ID + "/usages/" + u.ID
		ed, _ := signIn(t, app, lsEditorEmail)
		page := ed.Do("GET", action, nil).Want(t, http.StatusOK)
		mustContain(t, page, `<option value="`+main.ID+`" selected>Gammel kontrakt</option>`, ">Ny kontrakt</option>",
			`<a href="/contracts/`+main.ID+`">Gammel kontrakt</a>`)
		mustNotContain(t, page, ">Fremmed kontrakt</option>")
		viewer, _ := signIn(t, app, lsViewerEmail)
		mustContain(t, viewer.Do("GET", action, nil).Want(t, http.StatusOK), `<a href="/contracts/`+main.ID+`">Gammel kontrakt</a>`)
	})
}
