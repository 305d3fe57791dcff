package web_test

import (
	"context"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// governance is a private collaboration of Silkeborg (its secretariat) and
// Viborg with a forum in which Silkeborg's administrator sits, meeting
// every second Thursday from first.
type governance struct {
	c                 *samspil.Collaboration
	forum             *samspil.Forum
	first             time.Time
	silkeborg, viborg *samspil.Organization
	sAdmin, vAdmin    testkit.Person
}

func newGovernance(t *testing.T, app *testkit.App) *governance {
	t.Helper()
	ctx := context.Background()
	g := &governance{
		sAdmin:    testkit.NewPerson(t, app.DB, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin),
		vAdmin:    testkit.NewPerson(t, app.DB, "admin@viborg.example", testkit.Viborg, samspil.RoleAdmin),
		silkeborg: testkit.Org(t, app.DB, testkit.Silkeborg),
		viborg:    testkit.Org(t, app.DB, testkit.Viborg),
		first:     nextThursday(time.Now()),
	}
	testkit.NewPerson(t, app.DB, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
	var err error
	g.c, err = app.DB.CreateCollaboration(ctx, g.sAdmin.Actor, samspil.CollaborationInput{Name: "Silkeborg–Viborg IT-samarbejde",
		Kind: samspil.KindPartnership, Start: samspil.NewDate(2014, 1, 1), OrganizationID: g.silkeborg.ID, Visibility: samspil.VisibilityPrivate})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Join(t, app.DB, g.c.ID, samspil.InvitationInput{OrganizationID: g.viborg.ID, Since: samspil.NewDate(2014, 1, 1)})
	g.forum, err = app.DB.CreateForum(ctx, g.sAdmin.Actor, g.c.ID, samspil.ForumInput{Name: "IT-chefmøde", Level: samspil.ForumITChiefs,
		Cadence: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", FirstMeeting: g.first, Location: "Viborg Rådhus",
		Members: []samspil.ForumMember{{UserID: g.sAdmin.User.ID, OrganizationID: g.silkeborg.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// meetingsBetween returns a forum's meetings in [from, to).
func meetingsBetween(t *testing.T, app *testkit.App, forumID string, from, to time.Time) []samspil.Meeting {
	t.Helper()
	page, err := app.DB.ListMeetings(context.Background(), testkit.System, samspil.MeetingFilter{ForumID: forumID, From: from, To: to,
		ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}})
	if err != nil {
		t.Fatal(err)
	}
	return page.Items
}

func findForum(t *testing.T, app *testkit.App, id string) *samspil.Forum {
	t.Helper()
	f, err := app.DB.FindForum(context.Background(), testkit.System, id)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func findMeeting(t *testing.T, app *testkit.App, id string) *samspil.Meeting {
	t.Helper()
	m, err := app.DB.FindMeeting(context.Background(), testkit.System, id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// danishTime is how the pages write a meeting's start.
func danishTime(t time.Time) string { return t.In(samspil.Copenhagen()).Format("02.01.2006 15.04") }

func TestForumEditForm(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		g := newGovernance(t, app)
		editor := testkit.NewPerson(t, app.DB, "editor@silkeborg.example", testkit.Silkeborg, samspil.RoleEditor)
		fpath := "/forums/" + g.forum.ID
		horizon := g.first.AddDate(0, 0, 8*7)

		// The second meeting is moved an hour: it is touched, and a new
		// cadence keeps it.
		before := meetingsBetween(t, app, g.forum.ID, time.Now(), horizon)
		if len(before) < 4 || !before[1].Start.Equal(g.first.AddDate(0, 0, 14)) {
			t.Fatalf("fortnightly meetings: %v", before)
		}
		moved := before[1]
		movedStart := moved.Start.Add(time.Hour)
		if _, err := app.DB.UpdateMeeting(ctx, g.sAdmin.Actor, moved.ID, moved.Version, samspil.MeetingPatch{Start: &movedStart}); err != nil {
			t.Fatal(err)
		}
		weekLater := danishTime(g.first.AddDate(0, 0, 7))

		// The secretariat's form holds the forum as it is.
		admin, _ := signIn(t, app, "admin@silkeborg.example")
		page := admin.Do("GET", fpath, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "Hver anden torsdag kl. 9.00", `<summary class="details-summary">Ret forummet</summary>`, `id="f-edit.cadence"`, `for="f-edit.cadence_freq-weekly"`,
			"Test admin (Silkeborg Kommune)", "Test editor (Silkeborg Kommune)")
		mustNotContain(t, page, ">"+weekLater+"</time>")
		form := formFields(t, page, fpath+"/edit")
		for field, want := range map[string]string{"name": "IT-chefmøde", "level": "it_chiefs", "cadence_freq": "weekly", "cadence_interval": "2", "cadence_days": "TH", "cadence": "",
			"first_date": g.first.Format("2006-01-02"), "first_time": "09:00", "duration_minutes": "120", "location": "Viborg Rådhus",
			"members": g.sAdmin.User.ID + "|" + g.silkeborg.ID, "version": "1"} {
			if got := form.Get(field); got != want {
				t.Errorf("edit form %s = %q, want %q", field, got, want)
			}
		}

		// A rule the parser refuses is shown at the cadence, and nothing changes.
		fp := fingerprint(t, app)
		res := admin.Do("POST", fpath+"/edit", with(form, "cadence", "FREQ=FORTNIGHTLY"))
		res.Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "FREQ=FORTNIGHTLY understøttes ikke; brug DAILY, WEEKLY, MONTHLY eller YEARLY")
		noInlineStyle(t, res)
		mustContain(t, res, `<span class="form-error-message" id="e-edit.cadence">`, `aria-describedby="h-edit.cadence e-edit.cadence" aria-invalid="true"`,
			`<details class="details edit-block" id="edit" open>`, `<details class="details" open>`, `value="FREQ=FORTNIGHTLY"`)
		if fingerprint(t, app) != fp {
			t.Fatal("a refused edit changed the database")
		}

		// Weekly: more meetings ahead, the moved one kept as it was.
		u := wantRedirect(t, admin.Do("POST", fpath+"/edit", with(form, "cadence_interval", "1")), fpath)
		if u.Query().Get("done") != "forum_rescheduled" {
			t.Fatalf("changed: %v", u)
		}
		if f := findForum(t, app, g.forum.ID); f.Cadence != "FREQ=WEEKLY;BYDAY=TH" || f.Version != 2 {
			t.Fatalf("forum after the change: cadence %q, version %d", f.Cadence, f.Version)
		}
		after := meetingsBetween(t, app, g.forum.ID, time.Now(), horizon)
		if len(after) <= len(before) {
			t.Fatalf("%d meetings ahead weekly, %d fortnightly", len(after), len(before))
		}
		if m := findMeeting(t, app, moved.ID); !m.Start.Equal(movedStart) {
			t.Fatalf("the moved meeting starts %v, want %v", m.Start, movedStart)
		}
		sameDay := 0
		for _, m := range after {
			if samspil.DateOf(m.Start.In(samspil.Copenhagen())) == samspil.DateOf(movedStart.In(samspil.Copenhagen())) {
				sameDay++
			}
		}
		if sameDay != 1 {
			t.Fatalf("%d meetings on the day of the moved one", sameDay)
		}
		page = admin.Do("GET", u.RequestURI(), nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "Forummet er ændret. De kommende møder, som ingen havde rørt, følger nu den nye plan", "Hver torsdag",
			">"+weekLater+"</time>", ">"+danishTime(movedStart)+"</time>", `<span class="badge badge-info">flyttet</span>`)

		// The old form is stale: 412, and nothing changes.
		fp = fingerprint(t, app)
		res = admin.Do("POST", fpath+"/edit", with(form, "name", "Gammelt navn"))
		res.Want(t, http.StatusPreconditionFailed)
		mustContain(t, res, `<details class="details edit-block" id="edit" open>`, `value="Gammelt navn"`)
		if fingerprint(t, app) != fp {
			t.Fatal("a stale edit changed the database")
		}

		// A new name and a second member leave the meetings alone.
		form = formFields(t, page, fpath+"/edit")
		form = with(form, "name", "IT-chefforum")
		form["members"] = append(form["members"], editor.User.ID+"|"+g.silkeborg.ID)
		u = wantRedirect(t, admin.Do("POST", fpath+"/edit", form), fpath)
		if u.Query().Get("done") != "forum_updated" {
			t.Fatalf("renamed: %v", u)
		}
		if f := findForum(t, app, g.forum.ID); f.Name != "IT-chefforum" || len(f.Members) != 2 {
			t.Fatalf("forum after renaming: %q with members %v", f.Name, f.Members)
		}
		if n := len(meetingsBetween(t, app, g.forum.ID, time.Now(), horizon)); n != len(after) {
			t.Fatalf("renaming changed the meetings: %d, was %d", n, len(after))
		}
		mustContain(t, admin.Do("GET", u.RequestURI(), nil).Want(t, http.StatusOK), "Forummet er ændret.", "<h1>IT-chefforum</h1>",
			"Test editor <small>(Silkeborg Kommune)</small>")

		// A member who does not manage gets no form and may not post it.
		viborg, _ := signIn(t, app, "admin@viborg.example")
		page = viborg.Do("GET", fpath, nil).Want(t, http.StatusOK)
		if hasForm(page, fpath+"/edit") {
			t.Fatal("a member that does not manage is offered the edit form")
		}
		viborg.Do("POST", fpath+"/edit", with(form, "name", "Viborgs forum")).Want(t, http.StatusForbidden)

		// An outsider finds nothing.
		outsider, _ := signIn(t, app, "admin@aarhus.example")
		outsider.Do("POST", fpath+"/edit", with(form, "name", "Aarhus' forum")).Want(t, http.StatusNotFound)
		if f := findForum(t, app, g.forum.ID); f.Name != "IT-chefforum" {
			t.Fatalf("refused posts renamed the forum to %q", f.Name)
		}
	})
}

var reProxyGivers = regexp.MustCompile(`(?s)<select class="form-select" id="f-proxy\.organization_id"[^>]*>(.*?)</select>`)

// proxyGivers returns the values of the giver select of the proxy form.
func proxyGivers(t *testing.T, page *testkit.Response) []string {
	t.Helper()
	m := reProxyGivers.FindStringSubmatch(body(page))
	if m == nil {
		t.Fatalf("no proxy form on the page:\n%s", page.Body)
	}
	var out []string
	for _, o := range reOption.FindAllStringSubmatch(m[1], -1) {
		out = append(out, attrs(o[1])["value"])
	}
	return out
}

func TestDecisionProxyForm(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		g := newGovernance(t, app)
		dec, err := app.DB.CreateDecision(ctx, g.sAdmin.Actor, g.c.ID, samspil.DecisionInput{Title: "Fælles MFA-løsning", Rule: samspil.RuleMajority})
		if err != nil {
			t.Fatal(err)
		}
		dpath := "/decisions/" + dec.ID
		proxies := func() []samspil.Proxy {
			t.Helper()
			d, err := app.DB.FindDecision(ctx, testkit.System, dec.ID)
			if err != nil {
				t.Fatal(err)
			}
			return d.Proxies
		}

		// The secretariat may give the proxy of either member.
		admin, _ := signIn(t, app, "admin@silkeborg.example")
		page := admin.Do("GET", dpath, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "<h2 id=\"proxies\">Fuldmagter</h2>", "Ingen medlemmer har givet fuldmagt til denne beslutning.")
		if got := proxyGivers(t, page); len(got) != 2 {
			t.Fatalf("the secretariat may give the proxy of %v", got)
		}
		form := formFields(t, page, dpath+"/proxies")

		// Not to itself.
		res := admin.Do("POST", dpath+"/proxies", with(form, "organization_id", g.silkeborg.ID, "proxy_organization_id", g.silkeborg.ID))
		res.Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "skal være et andet medlem end det, der giver fuldmagten")
		mustContain(t, res, `<span class="form-error-message" id="e-proxy.proxy_organization_id">`, `<details class="details edit-block" open>`)

		// Silkeborg lets Viborg vote for it.
		u := wantRedirect(t, admin.Do("POST", dpath+"/proxies", with(form, "organization_id", g.silkeborg.ID, "proxy_organization_id", g.viborg.ID)), dpath)
		if u.Query().Get("done") != "proxy_set" {
			t.Fatalf("given: %v", u)
		}
		if p := proxies(); len(p) != 1 || p[0] != (samspil.Proxy{OrganizationID: g.silkeborg.ID, ProxyOrganizationID: g.viborg.ID}) {
			t.Fatalf("proxies %v", p)
		}
		page = admin.Do("GET", u.RequestURI(), nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "Fuldmagten er givet.", "Silkeborg Kommune har givet Viborg Kommune fuldmagt til at stemme for sig",
			"fuldmagt til Viborg Kommune", `Tilbagekald<span class="sr-only"> Silkeborg Kommune</span>`)

		// Viborg's administrator votes for Silkeborg, and gives only Viborg's proxy.
		viborg, _ := signIn(t, app, "admin@viborg.example")
		page = viborg.Do("GET", dpath, nil).Want(t, http.StatusOK)
		mustContain(t, page, `id="vote-`+g.silkeborg.ID+`"`, "Stem for Silkeborg Kommune med fuldmagt", `id="vote-`+g.viborg.ID+`"`,
			"Silkeborg Kommune har givet Viborg Kommune fuldmagt til at stemme for sig")
		mustNotContain(t, page, `Tilbagekald<span class="sr-only"> Silkeborg Kommune</span>`)
		if got := proxyGivers(t, page); len(got) != 1 || got[0] != g.viborg.ID {
			t.Fatalf("Viborg may give the proxy of %v", got)
		}
		if f := formFields(t, page, dpath+"/proxies"); f.Get("organization_id") != g.viborg.ID || f.Get("proxy_organization_id") != "" {
			t.Fatalf("Viborg's proxy form: %v", f)
		}
		wantRedirect(t, viborg.Do("POST", dpath+"/votes", with(formFields(t, page, dpath+"/votes"), "organization_id", g.silkeborg.ID, "choice", "for")), dpath)
		if got := voteOf(t, app, dec.ID, g.silkeborg.ID); got != samspil.VoteFor {
			t.Fatalf("Silkeborg's vote by proxy is %q", got)
		}
		mustContain(t, viborg.Do("GET", dpath, nil).Want(t, http.StatusOK), "ved fuldmagt")

		// Viborg cannot give or withdraw Silkeborg's proxy.
		fp := fingerprint(t, app)
		viborg.Do("POST", dpath+"/proxies", with(form, "organization_id", g.silkeborg.ID, "proxy_organization_id", "")).Want(t, http.StatusForbidden)
		viborg.Do("POST", dpath+"/proxies", with(form, "organization_id", g.silkeborg.ID, "proxy_organization_id", g.viborg.ID)).Want(t, http.StatusForbidden)
		if fingerprint(t, app) != fp {
			t.Fatal("a refused proxy changed the database")
		}

		// An outsider finds nothing.
		outsider, _ := signIn(t, app, "admin@aarhus.example")
		outsider.Do("POST", dpath+"/proxies", with(form, "organization_id", g.silkeborg.ID, "proxy_organization_id", g.viborg.ID)).Want(t, http.StatusNotFound)

		// The secretariat withdraws it.
		u = wantRedirect(t, admin.Do("POST", dpath+"/proxies", with(form, "organization_id", g.silkeborg.ID, "proxy_organization_id", "")), dpath)
		if u.Query().Get("done") != "proxy_withdrawn" || len(proxies()) != 0 {
			t.Fatalf("withdrawn: %v, proxies %v", u, proxies())
		}
		mustContain(t, admin.Do("GET", u.RequestURI(), nil).Want(t, http.StatusOK), "Fuldmagten er tilbagekaldt.")
	})
}

func TestAgendaItemEditAndDelete(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		g := newGovernance(t, app)
		testkit.NewPerson(t, app.DB, "viewer@viborg.example", testkit.Viborg, samspil.RoleViewer)
		member := testkit.NewPerson(t, app.DB, "member@viborg.example", testkit.Viborg, samspil.RoleViewer)
		f, err := app.DB.UpdateForum(ctx, g.sAdmin.Actor, g.forum.ID, g.forum.Version, samspil.ForumPatch{Members: &[]samspil.ForumMember{
			{UserID: g.sAdmin.User.ID, OrganizationID: g.silkeborg.ID}, {UserID: member.User.ID, OrganizationID: g.viborg.ID}}})
		if err != nil {
			t.Fatal(err)
		}
		ms := meetingsBetween(t, app, f.ID, time.Now(), g.first.AddDate(0, 0, 1))
		if len(ms) != 1 {
			t.Fatalf("first meeting: %v", ms)
		}
		mpath := "/meetings/" + ms[0].ID
		m, err := app.DB.AddAgendaItem(ctx, g.sAdmin.Actor, ms[0].ID, samspil.AgendaItemInput{Title: "Fælles MFA", OwnerUserID: g.sAdmin.User.ID,
			Attachments: []samspil.Attachment{{Title: "Oplæg", URL: "https://example.org/mfa.pdf"}, {Title: "Tilbud", URL: "https://example.org/tilbud.pdf"}}})
		if err != nil {
			t.Fatal(err)
		}
		if m, err = app.DB.AddAgendaItem(ctx, g.sAdmin.Actor, ms[0].ID, samspil.AgendaItemInput{Title: "Eventuelt"}); err != nil {
			t.Fatal(err)
		}
		first, second := m.Agenda[0], m.Agenda[1]
		ipath := mpath + "/agenda/" + first.ID

		// The secretariat's form holds the item; the second link is kept.
		admin, _ := signIn(t, app, "admin@silkeborg.example")
		page := admin.Do("GET", mpath, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, `Ret<span class="sr-only"> Fælles MFA</span>`, "Punktet har 2 bilag; her retter du det første, og de øvrige beholdes.")
		form := formFields(t, page, ipath)
		for field, want := range map[string]string{"title": "Fælles MFA", "owner_user_id": g.sAdmin.User.ID,
			"attachment_title": "Oplæg", "attachment_url": "https://example.org/mfa.pdf"} {
			if got := form.Get(field); got != want {
				t.Errorf("item form %s = %q, want %q", field, got, want)
			}
		}

		// A missing title is shown at that item's title.
		fp := fingerprint(t, app)
		res := admin.Do("POST", ipath, with(form, "title", " "))
		res.Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "skal udfyldes")
		mustContain(t, res, `<span class="form-error-message" id="e-item-`+first.ID+`.title">`, `<details class="details edit" open>`)
		if fingerprint(t, app) != fp {
			t.Fatal("a refused item changed the database")
		}

		u := wantRedirect(t, admin.Do("POST", ipath, with(form, "title", "Fælles MFA-løsning", "description", "Vi vælger *leverandør*.",
			"owner_user_id", member.User.ID, "attachment_title", "Nyt oplæg", "attachment_url", "https://example.org/mfa-2.pdf")), mpath)
		if u.Query().Get("done") != "agenda_item_updated" {
			t.Fatalf("changed: %v", u)
		}
		it := findMeeting(t, app, ms[0].ID).Agenda[0]
		if it.Title != "Fælles MFA-løsning" || it.OwnerUserID != member.User.ID || len(it.Attachments) != 2 ||
			it.Attachments[0].URL != "https://example.org/mfa-2.pdf" || it.Attachments[1].Title != "Tilbud" {
			t.Fatalf("item after the change: %+v", it)
		}
		page = admin.Do("GET", u.RequestURI(), nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "Punktet er ændret.", "<strong>Fælles MFA-løsning</strong> <small>(Ansvarlig: Test member)</small>", "<em>leverandør</em>",
			`<a href="https://example.org/mfa-2.pdf" rel="noopener noreferrer">Nyt oplæg</a>`)

		// A viewer of a member who does not sit in the forum reads the
		// agenda but may not change it.
		viewer, _ := signIn(t, app, "viewer@viborg.example")
		page = viewer.Do("GET", mpath, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Fælles MFA-løsning")
		if hasForm(page, ipath) || hasForm(page, ipath+"/delete") {
			t.Fatal("a viewer who does not sit in the forum is offered the item's forms")
		}
		fp = fingerprint(t, app)
		viewer.Do("POST", ipath, with(form, "title", "Viewers punkt")).Want(t, http.StatusForbidden)
		viewer.Do("POST", ipath+"/delete", nil).Want(t, http.StatusForbidden)
		if fingerprint(t, app) != fp {
			t.Fatal("a viewer's posts changed the database")
		}

		// An outsider finds nothing.
		outsider, _ := signIn(t, app, "admin@aarhus.example")
		outsider.Do("POST", ipath, with(form, "title", "Aarhus' punkt")).Want(t, http.StatusNotFound)
		outsider.Do("POST", ipath+"/delete", nil).Want(t, http.StatusNotFound)

		// Someone sitting in the forum, a viewer of Viborg, deletes the first
		// point; the second moves up.
		sitting, _ := signIn(t, app, "member@viborg.example")
		page = sitting.Do("GET", mpath, nil).Want(t, http.StatusOK)
		u = wantRedirect(t, sitting.Do("POST", ipath+"/delete", formFields(t, page, ipath+"/delete")), mpath)
		if u.Query().Get("done") != "agenda_item_deleted" {
			t.Fatalf("deleted: %v", u)
		}
		if agenda := findMeeting(t, app, ms[0].ID).Agenda; len(agenda) != 1 || agenda[0].ID != second.ID || agenda[0].Position != 1 {
			t.Fatalf("agenda after the deletion: %+v", agenda)
		}
		page = sitting.Do("GET", u.RequestURI(), nil).Want(t, http.StatusOK)
		mustContain(t, page, "Punktet er fjernet fra dagsordenen.", "<strong>Eventuelt</strong>")
		mustNotContain(t, page, "Fælles MFA-løsning")
		sitting.Do("POST", ipath+"/delete", nil).Want(t, http.StatusNotFound)
	})
}
