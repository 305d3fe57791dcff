package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// TestOpportunitiesPage: the Muligheder page of Silkeborg, to its own
// people: partner suggestions with their evidence in Danish (Viborg, a
// partner, runs the rare system Silkeborg runs), filters by region, size
// and partnership that apply, a joint procurement window with the
// contracts of both and its one-click action, which carries the window's
// members to the proposal form; proposing from it invites them, and a
// proposal whose invitation fails records nothing. Another organisation's
// person, and anyone outside, get 404; the organisation page links the
// page for members only.
func TestOpportunitiesPage(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		db := app.DB
		s := testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		v := testkit.NewPerson(t, db, "admin@viborg.example", testkit.Viborg, samspil.RoleAdmin)
		a := testkit.NewPerson(t, db, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
		k := testkit.NewPerson(t, db, "admin@kbh.example", "0101", samspil.RoleAdmin)
		testkit.NewPerson(t, db, "viewer@silkeborg.example", testkit.Silkeborg, samspil.RoleViewer)
		silkeborg, viborg := testkit.Org(t, db, testkit.Silkeborg), testkit.Org(t, db, testkit.Viborg)
		aarhus, kbh := testkit.Org(t, db, testkit.Aarhus), testkit.Org(t, db, "0101")
		collab := testkit.Partnership(t, db, s.Actor)

		system := func(name string, tasks ...string) string {
			sys, err := db.CreateSystem(ctx, s.Actor, samspil.SystemInput{Name: name, Category: samspil.CategoryCaseManagement, Tasks: tasks,
				Visibility: samspil.VisibilitySector})
			oppMust(t, err)
			return sys.ID
		}
		// Acadre for a task both cover with it, Nexus and Cura for one they
		// cover with different systems.
		acadre, nexus, cura := system("Acadre", "00.01.00"), system("Nexus", "27.34.00"), system("Cura", "27.34.00")
		use := func(p testkit.Person, org, sys string) {
			_, err := db.CreateUsage(ctx, p.Actor, samspil.UsageInput{OrganizationID: org, SystemID: sys, Lifecycle: samspil.LifecycleOperational,
				Visibility: samspil.VisibilitySector})
			oppMust(t, err)
		}
		use(s, silkeborg.ID, acadre)
		use(v, viborg.ID, acadre)
		use(v, viborg.ID, cura)
		use(s, silkeborg.ID, nexus)
		use(a, aarhus.ID, nexus)
		use(k, kbh.ID, nexus)
		today := samspil.Today(samspil.Now())
		contract := func(p testkit.Person, org string, months int) {
			expiry := today.AddMonths(months)
			_, err := db.CreateContract(ctx, p.Actor, samspil.ContractInput{OrganizationID: org, Name: "Acadre-kontrakt", SystemIDs: []string{acadre},
				Visibility: samspil.VisibilitySector, ContractTerms: samspil.ContractTerms{Start: today.AddMonths(-24), Expiry: &expiry, NoticeMonths: 3}})
			oppMust(t, err)
		}
		contract(s, silkeborg.ID, 9)
		contract(v, viborg.ID, 11)

		page := "/organizations/" + silkeborg.ID + "/opportunities"
		b, _ := signIn(t, app, "admin@silkeborg.example")
		res := b.Do("GET", page, nil).Want(t, http.StatusOK)
		mustContain(t, res, "<h1>Muligheder for Silkeborg Kommune</h1>", `<h2 id="partners-h">Partnerforslag</h2>`,
			`<h2 id="windows-h">Fælles udbudsvinduer</h2>`, `<h2 id="harmonisation-h">Harmonisering</h2>`,
			"I kører begge Acadre (bruges af", "Allerede partner", "svg class=\"timeline windows-chart\"", `role="img"`, "Handl sammen senest")
		partners := suggested(t, res)
		if len(partners) < 3 || partners[0] != viborg.ID || !slices.Contains(partners, aarhus.ID) {
			t.Fatalf("suggestions %v, want Viborg first, and Aarhus", partners)
		}
		noInlineStyle(t, res)
		// Harmonisation with the partner Viborg, with the KLE titles.
		mustContain(t, squashed(res), "KLE-opgaver I begge løser: 1 med forskellige systemer, 1 med et system I deler", "Lignende størrelse (101.574 og 97.621 indbyggere)",
			`<th scope="row"><a href="/who-can-help?task=00.01.00">00.01.00 Kommunens styrelse i almindelighed</a></th>`, `Viborg Kommune</a>: Cura</li>`)

		// The filters apply: only not yet partners, a region, a size band.
		filtered := func(query string) []string {
			t.Helper()
			return suggested(t, b.Do("GET", page+"?"+query, nil).Want(t, http.StatusOK))
		}
		if got := filtered("not_partners=1"); len(got) == 0 || slices.Contains(got, viborg.ID) {
			t.Errorf("only not partners: %v", got)
		}
		if got := filtered("region=" + kbh.Region); !slices.Contains(got, kbh.ID) || slices.Contains(got, viborg.ID) || slices.Contains(got, aarhus.ID) {
			t.Errorf("København's region: %v", got)
		}
		if got := filtered("min_population=300.000"); !slices.Contains(got, aarhus.ID) || !slices.Contains(got, kbh.ID) || slices.Contains(got, viborg.ID) {
			t.Errorf("at least 300.000 inhabitants: %v", got)
		}
		if got := filtered("max_population=200000"); slices.Contains(got, aarhus.ID) || !slices.Contains(got, viborg.ID) {
			t.Errorf("at most 200.000 inhabitants: %v", got)
		}
		if got := filtered("min_population=50000&max_population=60000&not_partners=1"); len(got) == 0 {
			t.Error("a size band and not partners: nothing")
		} else {
			for _, id := range got {
				if o := testkit.Org(t, db, id); o.Inhabitants() < 50000 || o.Inhabitants() > 60000 {
					t.Errorf("%s with %d inhabitants in the band 50.000-60.000", o.Name, o.Inhabitants())
				}
			}
		}
		bad := b.Do("GET", page+"?min_population=mange&months=0", nil).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, bad, "skal være et helt antal indbyggere", `href="#f-min_population"`, `href="#f-months"`, "skal være fra 1 til 60")
		b.Do("GET", page+"?region=nowhere", nil).Want(t, http.StatusUnprocessableEntity)

		// The window's action carries its members to the proposal form.
		link := actionLink(t, res, "Start et fælles udbud")
		q := link.Query()
		if link.Path != "/initiatives/new" || q.Get("model") != "procurement" || q.Get("owner_id") != silkeborg.ID ||
			!slices.Equal(q["invite"], []string{viborg.ID}) || !slices.Equal(q["system_ids"], []string{acadre}) {
			t.Fatalf("the window's action: %s", link)
		}
		form := b.Do("GET", link.String(), nil).Want(t, http.StatusOK)
		mustContain(t, form, `name="invite" value="`+viborg.ID+`" checked`, "Viborg Kommune", `<option value="procurement" selected>`,
			"Fælles udbud af Acadre")
		fields := formFields(t, form, "/initiatives")
		if !slices.Equal(fields["invite"], []string{viborg.ID}) || !slices.Equal(fields["system_ids"], []string{acadre}) {
			t.Fatalf("the prefilled form posts %v", fields)
		}
		// A failing invitation records nothing: neither the initiative nor
		// any invitation.
		count := func() int {
			p, err := db.ListInitiatives(ctx, testkit.System, samspil.InitiativeFilter{})
			oppMust(t, err)
			return len(p.Items)
		}
		before := count()
		refused := b.Do("POST", "/initiatives", with(fields, "invite", "no-such-organisation"))
		refused.Want(t, http.StatusUnprocessableEntity)
		mustContain(t, refused, `id="e-invite"`, "er ikke en organisation, du kan se")
		b.Do("POST", "/initiatives", with(fields, "invite", silkeborg.ID)).Want(t, http.StatusUnprocessableEntity)
		if count() != before {
			t.Fatal("a refused proposal left an initiative")
		}
		created := location(t, b.Do("POST", "/initiatives", fields).Want(t, http.StatusSeeOther))
		x, err := db.FindInitiative(ctx, s.Actor, strings.TrimPrefix(created.Path, "/initiatives/"))
		oppMust(t, err)
		if x.Model != samspil.ModelProcurement || len(x.Participations) != 1 || x.Participations[0].OrganizationID != viborg.ID ||
			x.Participations[0].State != samspil.ParticipationInvited {
			t.Fatalf("the proposal from the window: %+v", x)
		}

		// A suggestion's actions: an initiative with it invited, an
		// invitation to the collaboration Silkeborg manages (Aarhus is no
		// member), its page.
		start := actionLink(t, res, "Start et initiativ")
		if q := start.Query(); start.Path != "/initiatives/new" || q.Get("invite") != viborg.ID || q.Get("owner_id") != silkeborg.ID {
			t.Errorf("the first suggestion's initiative link: %s", start)
		}
		mustContain(t, res, `href="/organizations/`+viborg.ID+`">Se organisationen`)
		invite := "/collaborations/" + collab.ID + "?invite=" + aarhus.ID + "#invitations"
		mustContain(t, res, `href="`+invite+`">Inviter til Silkeborg–Viborg IT-samarbejde`)
		mustNotContain(t, res, "/collaborations/"+collab.ID+"?invite="+viborg.ID) // a member already
		cpage := b.Do("GET", invite, nil).Want(t, http.StatusOK)
		mustContain(t, cpage, `<option value="`+aarhus.ID+`" selected>`)

		// A viewer sees the page without the actions it may not take.
		viewer, _ := signIn(t, app, "viewer@silkeborg.example")
		vres := viewer.Do("GET", page, nil).Want(t, http.StatusOK)
		mustContain(t, vres, "I kører begge Acadre")
		mustNotContain(t, vres, "Start et fælles udbud", "Start et initiativ", "Inviter til")

		// Others: 404, and no link on the organisation page.
		other, _ := signIn(t, app, "admin@aarhus.example")
		other.Do("GET", page, nil).Want(t, http.StatusNotFound)
		mustNotContain(t, other.Do("GET", "/organizations/"+silkeborg.ID, nil).Want(t, http.StatusOK), page)
		mustContain(t, b.Do("GET", "/organizations/"+silkeborg.ID, nil).Want(t, http.StatusOK), `href="`+page+`"`)
		wantRedirect(t, newBrowser(t, app).Do("GET", page, nil), "/login")

		// In English, the evidence is English.
		b.Do("POST", "/language", url.Values{"lang": {"en"}, "return_to": {"/"}})
		mustContain(t, b.Do("GET", page, nil).Want(t, http.StatusOK), "<h1>Opportunities for Silkeborg Kommune</h1>", "You both run Acadre (used by")
	})
}

var reSuggestion = regexp.MustCompile(`<h3 class="board-card-title">[0-9]+\. <a href="/organizations/([^"]+)">`)

// suggested returns the organisations the page suggests, in order.
func suggested(t *testing.T, page *testkit.Response) []string {
	t.Helper()
	var out []string
	for _, m := range reSuggestion.FindAllStringSubmatch(body(page), -1) {
		out = append(out, m[1])
	}
	return out
}

// actionLink returns the address of the first link whose text starts
// with text.
func actionLink(t *testing.T, page *testkit.Response, text string) *url.URL {
	t.Helper()
	re := regexp.MustCompile(`<a [^>]*href="([^"]+)"[^>]*>` + regexp.QuoteMeta(text))
	m := re.FindStringSubmatch(body(page))
	if m == nil {
		t.Fatalf("no link %q on the page", text)
	}
	u, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func oppMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
