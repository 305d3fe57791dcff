package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// northJutland is the region (Region Nordjylland, 11 municipalities) the
// grouping tests group.
const northJutland = "1081"

// TestGroupingsPage groups the municipalities of one region into two
// groups on behalf of Silkeborg: the page shows each group with its
// members, inhabitants, points and reasons, a map of Denmark coloured and
// numbered by group with a legend and the map as a table, and the
// comparison with a grouping typed in (its points and the constraints it
// breaks). A fixed member lands in its group.
func TestGroupingsPage(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		f := newLandscape(t, app)
		munis := regionMunicipalities(t, app, northJutland)
		if len(munis) != 11 {
			t.Fatalf("%d municipalities in region %s", len(munis), northJutland)
		}
		var aalborg *samspil.Organization
		var names []string
		for i := range munis {
			if munis[i].MunicipalityCode == "0851" {
				aalborg = &munis[i]
			}
			names = append(names, strings.TrimSuffix(munis[i].Name, " Kommune"))
		}
		// Aalborg and Hjørring share a system nobody else runs: they belong
		// together, and their group says why.
		ctx := context.Background()
		aEd := testkit.NewPerson(t, app.DB, "redaktor@aalborg.example", "0851", samspil.RoleEditor)
		hEd := testkit.NewPerson(t, app.DB, "redaktor@hjoerring.example", "0860", samspil.RoleEditor)
		shared := f.system(t, aEd, samspil.SystemInput{Name: "Nordjysk Fællessystem", Visibility: samspil.VisibilitySector})
		for _, p := range []testkit.Person{aEd, hEd} {
			if _, err := app.DB.CreateUsage(ctx, p.Actor, samspil.UsageInput{SystemID: shared.ID, Lifecycle: samspil.LifecycleOperational,
				Visibility: samspil.VisibilitySector}); err != nil {
				t.Fatal(err)
			}
		}
		// Rarity is counted over the organisations that share their
		// landscape: three more do.
		common := f.system(t, f.ed, samspil.SystemInput{Name: "Udbredt ESDH", Visibility: samspil.VisibilitySector})
		for _, p := range []testkit.Person{f.ed, f.vEd, f.aEd} {
			f.usage(t, p, samspil.UsageInput{SystemID: common.ID, Visibility: samspil.VisibilitySector})
		}
		ed, _ := signIn(t, app, lsEditorEmail)

		// The form alone, with its defaults.
		page := ed.Do("GET", "/groupings", nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "<h1>Grupperinger – hvad nu hvis</h1>", `<option value="`+f.silkeborg.ID+`" selected>Silkeborg Kommune</option>`,
			`id="f-groups" name="groups" inputmode="numeric" maxlength="12" value="5"`, `<option value="">Alle kommuner i Danmark</option>`)
		mustNotContain(t, page, `id="grouping-map"`)

		// Two groups of North Jutland, Aalborg fixed to the second; the
		// grouping typed in puts ten in one group and Læsø alone.
		compare := strings.Join(names[:10], ", ") + "\n\n" + names[10] + "\n"
		q := url.Values{"organization_id": {f.silkeborg.ID}, "organizations": {northJutland}, "groups": {"2"}, "max_members": {"8"},
			"fixed_org": {aalborg.ID, ""}, "fixed_group": {"2", ""}, "compare": {compare}}
		page = ed.Do("GET", "/groupings?"+q.Encode(), nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, `<svg xmlns="http://www.w3.org/2000/svg" class="dkmap" id="grouping-map"`, "Kort over den foreslåede gruppering",
			`id="group-1-h"`, `id="group-2-h"`, `<span class="group-key group-1" aria-hidden="true">1</span> Gruppe 1`,
			`<span class="group-key group-2" aria-hidden="true">2</span> Gruppe 2`, "Ikke med (87)", `<g class="group-labels" aria-hidden="true">`,
			"11 kommuner i 2 grupper", "Kortet som tabel", "Sammenligning med din gruppering",
			"gruppe 1 har 10 medlemmer, flere end 8", // the grouping typed in breaks the bound
			`<a href="/organizations/`+aalborg.ID+`">Aalborg Kommune</a>`)
		if c := mapClass(t, page, "0851"); c != "muni group-2" {
			t.Errorf("Aalborg, fixed to group 2, is drawn %q", c)
		}
		if c := mapClass(t, page, "0860"); c != "muni group-2" {
			t.Errorf("Hjørring, sharing a rare system with Aalborg, is drawn %q", c)
		}
		mustContain(t, page, "2 af ", " medlemmer kører Nordjysk Fællessystem (bruges af 2 af ")
		if c := mapClass(t, page, testkit.Silkeborg); c != "muni" {
			t.Errorf("Silkeborg, not grouped, is drawn %q", c)
		}
		grouped := 0
		for _, m := range munis {
			if c := mapClass(t, page, m.MunicipalityCode); c == "muni group-1" || c == "muni group-2" {
				grouped++
			}
		}
		if grouped != 11 {
			t.Errorf("%d of the 11 municipalities are coloured by a group", grouped)
		}
		// Each group says how many members and inhabitants it has, in
		// Danish, and the proposal keeps the bound of 8 members.
		facts := regexp.MustCompile(`(\d+) kommuner · [\d.]+ indbyggere · [\d.,]+ point`).FindAllStringSubmatch(body(page), -1)
		if len(facts) < 2 {
			t.Fatalf("the groups' facts are missing:\n%s", page.Body)
		}
		total := 0
		for _, m := range facts[:2] {
			n, _ := strconv.Atoi(m[1])
			total += n
			if n > 8 {
				t.Errorf("a proposed group has %d members, more than 8", n)
			}
		}
		if total != 11 {
			t.Errorf("the proposed groups have %d members, not 11", total)
		}
		mustContain(t, page, "medlemmer med")
		mustNotContain(t, page, "%!")
	})
}

// TestGroupingsPageBadInput shows the errors of impossible or unreadable
// constraints at their fields, in Danish, with what was typed kept and
// no proposal.
func TestGroupingsPageBadInput(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		f := newLandscape(t, app)
		ed, _ := signIn(t, app, lsEditorEmail)
		base := url.Values{"organization_id": {f.silkeborg.ID}, "organizations": {northJutland}, "groups": {"2"}}
		with := func(kv ...string) string {
			q := url.Values{}
			for k, v := range base {
				q[k] = v
			}
			for i := 0; i+1 < len(kv); i += 2 {
				q.Set(kv[i], kv[i+1])
			}
			return "/groupings?" + q.Encode()
		}
		for _, c := range []struct {
			name, path, field, message string
		}{
			{"more groups than organisations", with("groups", "20"), "groups", "20 grupper er flere end de 11 valgte organisationer"},
			{"bounds that cannot be met", with("max_members", "3"), "max_members", "2 grupper med højst 3 medlemmer kan ikke rumme de 11 valgte organisationer"},
			{"not a number", with("min_population", "mange"), "min_population", "skal være et helt tal"},
			{"not one's own organisation", with("organization_id", f.viborg.ID), "organization_id", "vælg en af dine egne organisationer"},
			{"unknown name in the grouping to compare", with("compare", "Aalborg, Hjørring\nAtlantis"), "compare", "linje 2: ingen kommune hedder"},
			{"a municipality not chosen", with("compare", "Silkeborg"), "compare", "linje 1: Silkeborg Kommune er ikke blandt de valgte organisationer"},
			{"a fixed member out of range", with("fixed_org", testkit.Org(t, app.DB, "0851").ID, "fixed_group", "7"), "fixed",
				"Aalborg Kommune er fastlagt til gruppe 7; grupperne er nummereret 1 til 2"},
		} {
			t.Run(c.name, func(t *testing.T) {
				page := ed.Do("GET", c.path, nil).Want(t, http.StatusUnprocessableEntity)
				mustContain(t, page, `<span class="form-error-message" id="e-`+c.field+`">`, c.message, `<a href="#f-`+c.field+`"`)
				mustNotContain(t, page, `id="grouping-map"`, `id="proposal-h"`)
				d := newDetector(t)
				for _, found := range d.find(body(page)) {
					t.Errorf("English on the page: %s", found)
				}
			})
		}
		// What was typed stays in the form.
		page := ed.Do("GET", with("groups", "20", "compare", "Aalborg, Hjørring"), nil).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, page, `value="20"`, ">Aalborg, Hjørring</textarea>", `<option value="`+northJutland+`" selected>`)

		// Signing in is needed.
		wantRedirect(t, newBrowser(t, app).Do("GET", "/groupings", nil), "/login")
	})
}

// regionMunicipalities returns the municipalities of a Danish region.
func regionMunicipalities(t *testing.T, app *testkit.App, region string) []samspil.Organization {
	t.Helper()
	page, err := app.DB.ListOrganizations(context.Background(), testkit.System, samspil.OrganizationFilter{Kind: samspil.KindMunicipality, Region: region,
		ListOptions: samspil.ListOptions{Limit: 200}})
	if err != nil {
		t.Fatal(err)
	}
	return page.Items
}

// groupingExample is the address of a grouping of Denmark's
// municipalities into five groups on behalf of the organisation asker,
// compared with the five regions, for the crawls of every page.
func groupingExample(t *testing.T, app *testkit.App, asker string) string {
	t.Helper()
	page, err := app.DB.ListOrganizations(context.Background(), testkit.System, samspil.OrganizationFilter{Kind: samspil.KindMunicipality,
		ListOptions: samspil.ListOptions{Limit: 200}})
	if err != nil {
		t.Fatal(err)
	}
	byRegion := map[string][]string{}
	for _, o := range page.Items {
		byRegion[o.Region] = append(byRegion[o.Region], o.MunicipalityCode)
	}
	var lines []string
	for _, region := range samspil.DanishRegionCodes {
		lines = append(lines, strings.Join(byRegion[region], ", "))
	}
	return "/groupings?" + url.Values{"organization_id": {asker}, "groups": {"5"}, "compare": {strings.Join(lines, "\n")}}.Encode()
}
