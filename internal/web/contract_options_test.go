package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// TestContractOptionPages: a contract registered with the form's default
// kind (an option to exercise) shows the last day to exercise it; the page
// and the deadlines list show the deadlines as of another day with ?on=; a
// day that is not a date is named at the day field; a fixed term whose
// notice has no effect shows a warning.
func TestContractOptionPages(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		app.DB.SetClock(func() time.Time { return time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC) })
		f := newLandscape(t, app)
		action := "/organizations/" + f.silkeborg.ID + "/contracts"
		ed, _ := signIn(t, app, lsEditorEmail)
		form := formFields(t, ed.Do("GET", action+"/new", nil).Want(t, http.StatusOK), action)
		form = with(form, "name", "Fagsystem med option", "start", "2024-01-01", "expiry", "2026-12-31", "extension_count", "1",
			"extension_months", "24", "notice_months", "6", "notice_rule", "end_of_month")
		// Two options used when none can have begun: refused at the field.
		res := ed.Do("POST", action, with(form, "extension_count", "2", "extensions_used", "2")).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "må højst være 1 den 15. januar 2026: 0 forlængelser er begyndt til den tid, og kun den næste kan tages på forhånd")
		u := location(t, ed.Do("POST", action, form).Want(t, http.StatusSeeOther))
		page := ed.Do("GET", u.Path, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Udnyt optionen senest den 30. juni 2026 for at forlænge kontrakten til den 31. december 2028; ellers ophører den den 31. december 2026 (1 af 1 option tilbage).",
			"<dt>Sidste frist for at udnytte option</dt><dd>30.06.2026</dd>",
			"<dt>Forlænges til, hvis optionen udnyttes</dt><dd>31.12.2028</dd>",
			"Option, som kunden skal udnytte",
			"<dt>Udløb af første periode</dt><dd>31.12.2026</dd>",
			`<path class="tl-notice tl-option"`)

		// As of 1 January 2027 the option was not exercised.
		page = ed.Do("GET", u.Path+"?on=2027-01-01", nil).Want(t, http.StatusOK)
		mustContain(t, page, "Fristerne vises, som de står den 1. januar 2027.",
			"Kontrakten ophørte den 31. december 2026: optionen på forlængelse blev ikke udnyttet.",
			`name="on" type="date" value="2027-01-01"`)
		res = ed.Do("GET", u.Path+"?on=i-morgen", nil).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, `"i-morgen" er ikke en dato på formen ÅÅÅÅ-MM-DD som 2026-01-31`)
		mustContain(t, res, "Udnyt optionen senest den 30. juni 2026") // today's deadlines, with the error at the field

		list := ed.Do("GET", "/organizations/"+f.silkeborg.ID+"/deadlines?on=2027-01-01&urgency=", nil).Want(t, http.StatusOK)
		mustContain(t, list, "Beregnet pr. 01.01.2027, ikke i dag.", `href="/organizations/`+f.silkeborg.ID+`/deadlines?urgency=now&amp;on=2027-01-01"`)

		// A fixed term whose notice can have no effect: a warning.
		u = location(t, ed.Do("POST", action, with(form, "name", "Fast periode", "extension_count", "0", "extension_months", "0")).Want(t, http.StatusSeeOther))
		page = ed.Do("GET", u.Path, nil).Want(t, http.StatusOK)
		mustContain(t, page, `<div class="alert alert-warning contract-warning" role="note">`, "opsigelsen har ingen virkning")
		if strings.Contains(body(page), "%!") {
			t.Errorf("a format error on the page")
		}
		c, err := app.DB.AllContracts(t.Context(), f.ed.Actor, samspil.ContractFilter{OrganizationID: f.silkeborg.ID})
		if err != nil || len(c) != 2 || c[0].ExtensionKind != samspil.ExtensionOption {
			t.Fatalf("stored %v %v", c, err)
		}
	})
}
