package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// The chair rotation on a collaboration's page: the secretariat replaces
// it through the form (empty rows skipped), everyone who sees the
// collaboration sees it and today's chair, refused terms show their
// messages at the rows they came from and change nothing, and only the
// managers may post.
func TestChairRotation(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		sAdmin := testkit.NewPerson(t, app.DB, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		testkit.NewPerson(t, app.DB, "admin@viborg.example", testkit.Viborg, samspil.RoleAdmin)
		testkit.NewPerson(t, app.DB, "viewer@viborg.example", testkit.Viborg, samspil.RoleViewer)
		testkit.NewPerson(t, app.DB, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
		silkeborg, viborg := testkit.Org(t, app.DB, testkit.Silkeborg), testkit.Org(t, app.DB, testkit.Viborg)
		c, err := app.DB.CreateCollaboration(ctx, sAdmin.Actor, samspil.CollaborationInput{Name: "Silkeborg–Viborg IT-samarbejde",
			Kind: samspil.KindPartnership, Start: samspil.NewDate(2014, 1, 1), OrganizationID: silkeborg.ID, Visibility: samspil.VisibilityPrivate})
		if err != nil {
			t.Fatal(err)
		}
		testkit.Join(t, app.DB, c.ID, samspil.InvitationInput{OrganizationID: viborg.ID, Since: samspil.NewDate(2014, 1, 1)})
		base := "/collaborations/" + c.ID
		action := base + "/chair-terms"
		terms := func() []samspil.ChairTerm {
			t.Helper()
			ts, err := app.DB.ChairTerms(ctx, testkit.System, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			return ts
		}

		// Without a rotation, nobody chairs; the form has three empty rows.
		admin, _ := signIn(t, app, "admin@silkeborg.example")
		page := admin.Do("GET", base, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, `<h2 id="chairs">Formandskabets rotation</h2>`, "Samarbejdet har ingen formand i dag.",
			"Formandskabet går ikke på skift", `<option value="`+viborg.ID+`">Viborg Kommune</option>`)
		form := formFields(t, page, action)
		for _, k := range []string{"organization_id.2", "from.2", "until.2"} {
			if _, ok := form[k]; !ok {
				t.Fatalf("no field %s in the form %v", k, form)
			}
		}
		if _, ok := form["from.3"]; ok {
			t.Fatalf("more than three empty rows: %v", form)
		}

		// Silkeborg 2014–2015 in the first row, Viborg from 2016 in the
		// third; the empty second row is skipped.
		form = with(form, "organization_id.0", silkeborg.ID, "from.0", "2014-01-01", "until.0", "2015-12-31",
			"organization_id.2", viborg.ID, "from.2", "2016-01-01")
		u := wantRedirect(t, admin.Do("POST", action, form), base)
		if u.Query().Get("done") != "chairs_saved" || u.Fragment != "chairs" {
			t.Fatalf("saved: %v", u)
		}
		got := terms()
		if len(got) != 2 || got[0].OrganizationID != silkeborg.ID || got[0].Until == nil || *got[0].Until != samspil.NewDate(2015, 12, 31) ||
			got[1].OrganizationID != viborg.ID || got[1].From != samspil.NewDate(2016, 1, 1) || got[1].Until != nil {
			t.Fatalf("terms %+v", got)
		}
		page = admin.Do("GET", u.RequestURI(), nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, squashed(page), "Formandskabets rotation er gemt.", "<dt>Formandskab</dt><dd>Viborg Kommune</dd>",
			"Formand i dag: <strong>Viborg Kommune</strong>",
			`<tr><td>Silkeborg Kommune</td><td><time datetime="2014-01-01">01.01.2014</time></td><td><time datetime="2015-12-31">31.12.2015</time></td></tr>`,
			`<tr><td>Viborg Kommune <small>(nu)</small></td><td><time datetime="2016-01-01">01.01.2016</time></td><td>indtil videre</td></tr>`)
		// The form holds the terms and three empty rows.
		form = formFields(t, page, action)
		if form.Get("organization_id.0") != silkeborg.ID || form.Get("until.0") != "2015-12-31" ||
			form.Get("organization_id.1") != viborg.ID || form.Get("from.1") != "2016-01-01" || form.Get("until.1") != "" {
			t.Fatalf("pre-filled form %v", form)
		}
		if _, ok := form["from.4"]; !ok {
			t.Fatalf("no empty rows after the terms: %v", form)
		}
		if _, ok := form["from.5"]; ok {
			t.Fatalf("too many rows: %v", form)
		}

		// Overlapping terms: 422 with the message at the rows, the form open
		// with what was posted, and nothing changed.
		before := fingerprint(t, app)
		res := admin.Do("POST", action, with(form, "until.0", "2016-06-30")).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "perioderne fra 2014-01-01 og 2016-01-01 overlapper")
		mustContain(t, res, `<fieldset class="form-group form-error" id="f-chairs.terms" aria-invalid="true" aria-describedby="e-chairs.terms">`, `id="e-chairs.terms"`,
			`value="2016-06-30"`)
		mustContain(t, squashed(res), `<details class="details edit-block" open><summary class="details-summary">Fastlæg rotationen</summary>`)
		// A field's message lands at the row it came from: the fourth row
		// (after the empty third) is the store's third term.
		res = admin.Do("POST", action, with(form, "organization_id.3", silkeborg.ID, "from.3", "2013-01-01", "until.3", "2012-12-31"))
		res.Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "må ikke ligge før fra-datoen")
		mustContain(t, res, `<span class="form-error-message" id="e-chairs.until.3">må ikke ligge før fra-datoen</span>`,
			`<span class="form-error-message" id="e-chairs.organization_id.3">skal være stemmeberettiget medlem, når perioden begynder</span>`)
		mustNotContain(t, res, `id="e-chairs.until.2"`, `id="e-chairs.organization_id.2"`)
		// A row without an organisation.
		res = admin.Do("POST", action, with(form, "from.4", "2030-01-01")).Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `<span class="form-error-message" id="e-chairs.organization_id.4">skal udfyldes</span>`)
		if fingerprint(t, app) != before {
			t.Fatal("refused terms changed the database")
		}

		// A member that does not manage sees the rotation but no form, and
		// its posts are refused; so are a viewer's.
		others := map[string]*browser{}
		for _, email := range []string{"admin@viborg.example", "viewer@viborg.example", "admin@aarhus.example"} {
			others[email], _ = signIn(t, app, email)
		}
		before = fingerprint(t, app)
		for _, email := range []string{"admin@viborg.example", "viewer@viborg.example"} {
			b := others[email]
			page := b.Do("GET", base, nil).Want(t, http.StatusOK)
			mustContain(t, squashed(page), "Formand i dag: <strong>Viborg Kommune</strong>", "<td>Silkeborg Kommune</td>")
			if hasForm(page, action) {
				t.Fatalf("%s is offered the chair form", email)
			}
			b.Do("POST", action, url.Values{"organization_id.0": {viborg.ID}, "from.0": {"2014-01-01"}}).Want(t, http.StatusForbidden)
		}
		// An outsider finds nothing.
		outsider := others["admin@aarhus.example"]
		outsider.Do("GET", base, nil).Want(t, http.StatusNotFound)
		outsider.Do("POST", action, url.Values{"organization_id.0": {testkit.Aarhus}, "from.0": {"2014-01-01"}}).Want(t, http.StatusNotFound)
		if fingerprint(t, app) != before {
			t.Fatal("a refused post changed the database")
		}

		// Emptying every row ends the rotation.
		empty := url.Values{}
		for k := range form {
			empty.Set(k, "")
		}
		wantRedirect(t, admin.Do("POST", action, empty), base)
		if got := terms(); len(got) != 0 {
			t.Fatalf("terms after emptying the form: %+v", got)
		}
	})
}

var reOrgFeedURL = regexp.MustCompile(`id="org-meeting-feed-url" readonly value="([^"]+)"`)

// orgFeedURL returns the organisation meeting feed address on a feeds page,
// or "".
func orgFeedURL(page *testkit.Response) string {
	if m := reOrgFeedURL.FindStringSubmatch(body(page)); m != nil {
		return m[1]
	}
	return ""
}

// On the organisation's calendar page a member makes a feed of the
// organisation's meetings, finds its address there again and a calendar
// client fetches it; feeds are listed with what they show, and only the
// page's organisation's feed is shown on it.
func TestOrganizationMeetingFeedFromPage(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		sAdmin := testkit.NewPerson(t, app.DB, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		vAdmin := testkit.NewPerson(t, app.DB, "admin@viborg.example", testkit.Viborg, samspil.RoleAdmin)
		silkeborg, viborg := testkit.Org(t, app.DB, testkit.Silkeborg), testkit.Org(t, app.DB, testkit.Viborg)
		c, err := app.DB.CreateCollaboration(ctx, sAdmin.Actor, samspil.CollaborationInput{Name: "Silkeborg–Viborg", Kind: samspil.KindPartnership,
			Start: samspil.NewDate(2014, 1, 1), Visibility: samspil.VisibilityPrivate, OrganizationID: testkit.Silkeborg})
		if err != nil {
			t.Fatal(err)
		}
		testkit.Join(t, app.DB, c.ID, samspil.InvitationInput{OrganizationID: testkit.Viborg, Since: samspil.NewDate(2014, 1, 1)})
		if _, err := app.DB.CreateForum(ctx, sAdmin.Actor, c.ID, samspil.ForumInput{Name: "IT-chefmøde", Level: samspil.ForumITChiefs,
			Cadence: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", FirstMeeting: nextThursday(samspil.Now()),
			Members: []samspil.ForumMember{{UserID: sAdmin.User.ID, OrganizationID: silkeborg.ID}, {UserID: vAdmin.User.ID, OrganizationID: viborg.ID}}}); err != nil {
			t.Fatal(err)
		}
		feeds := "/organizations/" + viborg.ID + "/calendar-feeds"

		b, _ := signIn(t, app, "admin@viborg.example")
		page := b.Do("GET", feeds, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "Organisationens møder i din kalender", `<input type="hidden" name="scope" value="organization">`,
			`<input type="hidden" name="scope" value="deadlines">`)
		if orgFeedURL(page) != "" {
			t.Fatal("a feed address before one was made")
		}
		u := wantRedirect(t, b.Do("POST", feeds, url.Values{"scope": {"organization"}}), feeds)
		if u.Query().Get("done") != "feed_created" {
			t.Fatalf("created: %v", u)
		}
		page = b.Do("GET", u.RequestURI(), nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		addr := orgFeedURL(page)
		if addr == "" {
			t.Fatalf("no feed address on the page:\n%s", page.Body)
		}
		mustContain(t, page, "Kalenderadressen er lavet.", "<td>Organisationens møder</td>")
		mustNotContain(t, page, `name="scope" value="organization"`)
		feed := app.Anonymous(t).Do("GET", strings.TrimPrefix(addr, app.URL), nil).Want(t, http.StatusOK)
		if ct := feed.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
			t.Fatalf("content type %q", ct)
		}
		mustContain(t, feed, "X-WR-CALNAME:Viborg Kommune – møder i samspil", "SUMMARY:IT-chefmøde", "DTSTART;TZID=Europe/Copenhagen:")

		// A deadlines feed is still made by default, shown once, and listed
		// with what it shows.
		b.Do("POST", feeds, url.Values{"scope": {"deadlines"}}).Want(t, http.StatusCreated)
		page = b.Do("GET", feeds, nil).Want(t, http.StatusOK)
		mustContain(t, page, "<td>Kontraktfrister</td>", "<td>Organisationens møder</td>")
		if orgFeedURL(page) != addr {
			t.Fatalf("the meeting feed address changed: %q, was %q", orgFeedURL(page), addr)
		}
		// Other scopes are not made here.
		b.Do("POST", feeds, url.Values{"scope": {"person"}}).Want(t, http.StatusBadRequest)

		// Someone of another organisation is offered no meeting feed of it
		// and may not make one.
		s, _ := signIn(t, app, "admin@silkeborg.example")
		page = s.Do("GET", feeds, nil).Want(t, http.StatusOK)
		mustNotContain(t, page, `name="scope" value="organization"`)
		before := fingerprint(t, app)
		s.Do("POST", feeds, url.Values{"scope": {"organization"}}).Want(t, http.StatusForbidden)
		if fingerprint(t, app) != before {
			t.Fatal("a refused feed changed the database")
		}

		// When Viborg's admin also belongs to Silkeborg and makes Silkeborg's
		// meeting feed, each organisation's page shows its own address.
		if _, err := app.DB.CreateMembership(ctx, testkit.System, samspil.MembershipInput{UserID: vAdmin.User.ID, OrganizationID: testkit.Silkeborg,
			Role: samspil.RoleViewer}); err != nil {
			t.Fatal(err)
		}
		sFeeds := "/organizations/" + silkeborg.ID + "/calendar-feeds"
		wantRedirect(t, b.Do("POST", sFeeds, url.Values{"scope": {"organization"}}), sFeeds)
		sAddr := orgFeedURL(b.Do("GET", sFeeds, nil).Want(t, http.StatusOK))
		if sAddr == "" || sAddr == addr {
			t.Fatalf("Silkeborg's feed address %q (Viborg's %q)", sAddr, addr)
		}
		page = b.Do("GET", feeds, nil).Want(t, http.StatusOK)
		mustNotContain(t, page, sAddr)
		if got := orgFeedURL(page); got != addr {
			t.Fatalf("Viborg's page shows %q, want its own %q", got, addr)
		}
		mustContain(t, app.Anonymous(t).Do("GET", strings.TrimPrefix(sAddr, app.URL), nil).Want(t, http.StatusOK),
			"X-WR-CALNAME:Silkeborg Kommune – møder i samspil")
	})
}
