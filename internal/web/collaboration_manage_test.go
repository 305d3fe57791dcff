package web_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// postFile posts a multipart form with fields and one file, as a browser
// does from a form with enctype="multipart/form-data".
func postFile(t *testing.T, b *browser, path string, fields url.Values, fileName, contentType string, content []byte) *testkit.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": "file", "filename": fileName}))
	h.Set("Content-Type", contentType)
	part, err := mw.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(content)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", b.app.URL+path, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := b.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &testkit.Response{Status: res.StatusCode, Header: res.Header, Body: data}
}

// fingerprint returns the hash of the whole database.
func fingerprint(t *testing.T, app *testkit.App) string {
	t.Helper()
	fp, err := app.DB.Fingerprint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return fp
}

// findCollab reads a collaboration as the system.
func findCollab(t *testing.T, app *testkit.App, id string) *samspil.Collaboration {
	t.Helper()
	c, err := app.DB.FindCollaboration(context.Background(), testkit.System, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// memberOf returns the membership of org in c on day d.
func memberOf(t *testing.T, c *samspil.Collaboration, orgID string, d samspil.Date) *samspil.Member {
	t.Helper()
	m := c.MemberOn(orgID, d)
	if m == nil {
		t.Fatalf("%s is not a member on %s: %+v", orgID, d, c.Members)
	}
	return m
}

var reDocLink = regexp.MustCompile(`href="(/collaborations/[^/"]+/documents/[^/"]+)"`)

// docLinks returns the download links of uploaded documents on the page.
func docLinks(page *testkit.Response) []string {
	var out []string
	for _, m := range reDocLink.FindAllStringSubmatch(body(page), -1) {
		out = append(out, m[1])
	}
	return out
}

func TestCollaborationManagement(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		sAdmin := testkit.NewPerson(t, app.DB, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		testkit.NewPerson(t, app.DB, "viewer@viborg.example", testkit.Viborg, samspil.RoleViewer)
		testkit.NewPerson(t, app.DB, "admin@viborg.example", testkit.Viborg, samspil.RoleAdmin)
		testkit.NewPerson(t, app.DB, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
		silkeborg, viborg := testkit.Org(t, app.DB, testkit.Silkeborg), testkit.Org(t, app.DB, testkit.Viborg)
		c, err := app.DB.CreateCollaboration(ctx, sAdmin.Actor, samspil.CollaborationInput{Name: "Silkeborg–Viborg IT-samarbejde",
			Kind: samspil.KindPartnership, Start: samspil.NewDate(2014, 1, 1), OrganizationID: silkeborg.ID,
			Visibility: samspil.VisibilityPrivate, Exclusivity: samspil.ExclusivityExclusive})
		if err != nil {
			t.Fatal(err)
		}
		base := "/collaborations/" + c.ID
		start := samspil.NewDate(2014, 1, 1)

		// The secretariat sees the forms.
		admin, _ := signIn(t, app, "admin@silkeborg.example")
		page := admin.Do("GET", base, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		for _, action := range []string{base, base + "/invitations", base + "/adjustments", base + "/documents"} {
			if !hasForm(page, action) {
				t.Fatalf("no form posting to %s:\n%s", action, page.Body)
			}
		}
		mustContain(t, page, `enctype="multipart/form-data"`, `<optgroup label="Kommune">`, "Viborg Kommune (0791)")

		// 1. The secretariat invites Viborg; Viborg is no member until its
		// own administrator accepts.
		form := with(formFields(t, page, base+"/invitations"), "organization_id", viborg.ID, "since", "2014-01-01",
			"message", "Vi foreslår et forpligtende samarbejde")
		u := wantRedirect(t, admin.Do("POST", base+"/invitations", form), base)
		if u.Query().Get("done") != "organisation_invited" {
			t.Fatalf("invited: %v", u)
		}
		if m := findCollab(t, app, c.ID).MemberOn(viborg.ID, start); m != nil {
			t.Fatalf("Viborg is a member before accepting: %+v", m)
		}
		page = admin.Do("GET", u.RequestURI(), nil).Want(t, http.StatusOK)
		mustContain(t, page, "Organisationen er inviteret.", "<h3>Viborg Kommune <small>afventer svar</small></h3>",
			"Vi foreslår et forpligtende samarbejde")
		invs, err := app.DB.ListInvitations(ctx, testkit.System, samspil.InvitationFilter{CollaborationID: c.ID})
		if err != nil || len(invs.Items) != 1 {
			t.Fatalf("invitations %v %+v", err, invs)
		}
		inv := invs.Items[0]
		// Silkeborg may not answer for Viborg: no form, and a forged post is refused.
		if hasForm(page, "/invitations/"+inv.ID+"/accept") {
			t.Fatal("Silkeborg's administrator is offered to accept for Viborg")
		}
		before := fingerprint(t, app)
		admin.Do("POST", "/invitations/"+inv.ID+"/accept", url.Values{}).Want(t, http.StatusForbidden)
		// Inviting Viborg again is refused at the field.
		res := admin.Do("POST", base+"/invitations", form).Want(t, http.StatusConflict)
		fieldError(t, res, "Viborg Kommune er allerede inviteret; vent på svaret, eller træk invitationen tilbage")
		mustContain(t, res, `id="e-invite.organization_id"`, `<details class="details edit-block" open>`)
		if fingerprint(t, app) != before {
			t.Fatal("a refused post changed the database")
		}
		// Viborg's administrator sees the private collaboration it is invited
		// to, and accepts as of the day the directorates agreed.
		vAdminB, _ := signIn(t, app, "admin@viborg.example")
		page = vAdminB.Do("GET", base, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		accept := "/invitations/" + inv.ID + "/accept"
		if !hasForm(page, accept) || hasForm(page, base+"/invitations") {
			t.Fatalf("Viborg's administrator: accept form %v, invite form %v", hasForm(page, accept), hasForm(page, base+"/invitations"))
		}
		res = vAdminB.Do("POST", accept, with(formFields(t, page, accept), "on", "2099-01-01")).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "må ikke ligge i fremtiden: en organisation svarer, når den har besluttet sig")
		u = wantRedirect(t, vAdminB.Do("POST", accept, with(formFields(t, page, accept), "on", "2013-12-16", "reason", "Stiftende partner")), base)
		if u.Query().Get("done") != "invitation_accepted" {
			t.Fatalf("accepted: %v", u)
		}
		vm := memberOf(t, findCollab(t, app, c.ID), viborg.ID, start)
		if vm.Role != samspil.MemberRoleMember || vm.Commitment != samspil.CommitmentBinding || vm.Since != start {
			t.Fatalf("Viborg joined as %+v", vm)
		}
		page = admin.Do("GET", base, nil).Want(t, http.StatusOK)
		mustContain(t, page, `<a href="/organizations/`+viborg.ID+`">Viborg Kommune</a>`, "Stiftende partner", "trådte ind som medlem, bindende (skal)")
		// Accepting twice is a conflict.
		vAdminB.Do("POST", accept, url.Values{}).Want(t, http.StatusConflict)

		// 2. Viborg's commitment goes from binding to voluntary: the
		// secretariat proposes it, and it takes effect when Viborg approves.
		adj := formFields(t, page, base+"/adjustments")
		u = wantRedirect(t, admin.Do("POST", base+"/adjustments", with(adj, "title", "Viborg vælger til fra sag til sag", "effective_on", "2016-01-01",
			"commitment."+viborg.ID, "voluntary")), base)
		if u.Query().Get("done") != "adjustment_proposed" {
			t.Fatalf("proposed: %v", u)
		}
		if m := memberOf(t, findCollab(t, app, c.ID), viborg.ID, start); m.Commitment != samspil.CommitmentBinding {
			t.Fatalf("the commitment changed before Viborg approved: %+v", m)
		}
		adjs, err := app.DB.ListAdjustments(ctx, testkit.System, c.ID)
		if err != nil || len(adjs) != 1 || len(adjs[0].Approvals) != 1 || adjs[0].Approvals[0].OrganizationID != viborg.ID {
			t.Fatalf("adjustments %v %+v", err, adjs)
		}
		approve := "/adjustments/" + adjs[0].ID + "/approve"
		page = admin.Do("GET", u.RequestURI(), nil).Want(t, http.StatusOK)
		mustContain(t, page, "foreslået, afventer godkendelse", "Viborg Kommune: afventer")
		if hasForm(page, approve) {
			t.Fatal("Silkeborg's administrator is offered to approve for Viborg")
		}
		admin.Do("POST", approve, url.Values{"organization_id": {viborg.ID}}).Want(t, http.StatusForbidden)
		page = vAdminB.Do("GET", base, nil).Want(t, http.StatusOK)
		u = wantRedirect(t, vAdminB.Do("POST", approve, with(formFields(t, page, approve), "on", "2015-12-01", "reason", "Besluttet af direktionen")), base)
		if u.Query().Get("done") != "adjustment_approved" {
			t.Fatalf("approved: %v", u)
		}
		if m := memberOf(t, findCollab(t, app, c.ID), viborg.ID, start); m.Commitment != samspil.CommitmentVoluntary {
			t.Fatalf("Viborg's membership after approving: %+v", m)
		}
		page = admin.Do("GET", base, nil).Want(t, http.StatusOK)
		mustContain(t, squashed(page), "Viborg Kommune: godkendt 01.12.2015 (Test admin) – Besluttet af direktionen",
			"<td>Viborg Kommune</td><td>ny forpligtelse: bindende (skal) → frivillig (kan)</td><td>Viborg vælger til fra sag til sag</td><td>Test admin</td>",
			"forpligtelsen skiftede fra bindende (skal) til frivillig (kan) for Viborg Kommune")

		// 3. Answering again is a conflict, and nothing changes.
		before = fingerprint(t, app)
		res = vAdminB.Do("POST", approve, url.Values{"organization_id": {viborg.ID}}).Want(t, http.StatusConflict)
		mustContain(t, res, "justeringen er allerede i kraft")
		if fingerprint(t, app) != before {
			t.Fatal("a second answer changed the database")
		}

		// 4. The November 2018 adjustment: exclusivity open, Silkeborg
		// voluntary, the steering group stops; the exclusivity concerns both
		// members, so both approve.
		first := time.Date(2014, 3, 6, 9, 0, 0, 0, samspil.Copenhagen())
		steering, err := app.DB.CreateForum(ctx, sAdmin.Actor, c.ID, samspil.ForumInput{Name: "Styregruppe", Level: samspil.ForumSteeringGroup,
			FirstMeeting: first})
		if err != nil {
			t.Fatal(err)
		}
		chiefs, err := app.DB.CreateForum(ctx, sAdmin.Actor, c.ID, samspil.ForumInput{Name: "IT-chefmøde", Level: samspil.ForumITChiefs,
			FirstMeeting: first})
		if err != nil {
			t.Fatal(err)
		}
		page = admin.Do("GET", base, nil).Want(t, http.StatusOK)
		mustContain(t, page, `name="commitment.`+silkeborg.ID+`"`, `name="commitment.`+viborg.ID+`"`, `name="role.`+viborg.ID+`"`,
			`value="`+steering.ID+`"`, `value="`+chiefs.ID+`"`)
		adj = formFields(t, page, base+"/adjustments")

		// Nothing to change is refused with its message, and nothing changes.
		before = fingerprint(t, app)
		res = admin.Do("POST", base+"/adjustments", with(adj, "title", "Justeret samarbejdsform", "effective_on", "2018-11-01"))
		res.Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "en justering skal ændre noget: eksklusivitet, forpligtelser, roller, fora eller strategien")
		mustContain(t, res, `id="e-adjustment.commitments"`, `value="Justeret samarbejdsform"`)
		if fingerprint(t, app) != before {
			t.Fatal("an empty adjustment changed the database")
		}

		adj = with(adj, "title", "Justeret samarbejdsform", "effective_on", "2018-11-01", "exclusivity", "open",
			"summary", "Notat af november 2018: samarbejdet bliver frivilligt.",
			"commitment."+silkeborg.ID, "voluntary", "forum", steering.ID,
			"strategy_note", "Den fælles strategi gælder, indtil hver kommune har vedtaget sin egen.")
		u = wantRedirect(t, admin.Do("POST", base+"/adjustments", adj), base)
		if u.Query().Get("done") != "adjustment_proposed" {
			t.Fatalf("proposed: %v", u)
		}
		if findCollab(t, app, c.ID).Exclusivity != samspil.ExclusivityExclusive {
			t.Fatal("the adjustment took effect before the members approved it")
		}
		adjs, _ = app.DB.ListAdjustments(ctx, testkit.System, c.ID)
		memo := "/adjustments/" + adjs[1].ID + "/approve"
		page = admin.Do("GET", base, nil).Want(t, http.StatusOK)
		wantRedirect(t, admin.Do("POST", memo, with(formFields(t, page, memo), "on", "2018-11-01")), base)
		if findCollab(t, app, c.ID).Exclusivity != samspil.ExclusivityExclusive {
			t.Fatal("the adjustment took effect before Viborg approved it")
		}
		page = vAdminB.Do("GET", base, nil).Want(t, http.StatusOK)
		u = wantRedirect(t, vAdminB.Do("POST", memo, with(formFields(t, page, memo), "on", "2018-11-01")), base)
		after := findCollab(t, app, c.ID)
		if after.Exclusivity != samspil.ExclusivityOpen || memberOf(t, after, silkeborg.ID, start).Commitment != samspil.CommitmentVoluntary {
			t.Fatalf("after the adjustment: %s, %+v", after.Exclusivity, after.Members)
		}
		if f, _ := app.DB.FindForum(ctx, testkit.System, steering.ID); f.Status != samspil.ForumDiscontinued ||
			f.DiscontinuedOn == nil || *f.DiscontinuedOn != samspil.NewDate(2018, 11, 1) {
			t.Fatalf("the steering group: %s %v", f.Status, f.DiscontinuedOn)
		}
		if f, _ := app.DB.FindForum(ctx, testkit.System, chiefs.ID); f.Status != samspil.ForumActive {
			t.Fatalf("the IT chiefs' meeting stopped too")
		}
		page = admin.Do("GET", u.RequestURI(), nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "Godkendelsen er registreret.", "<h3>Justeret samarbejdsform <small>gældende fra 01.11.2018 · i kraft</small></h3>",
			"Notat af november 2018", "Eksklusivt: medlemmerne søger hinanden først → Åbent: samarbejde hvor det giver mening",
			"Nye forpligtelser: Silkeborg Kommune → frivillig (kan)", "Nedlagte fora: Styregruppe",
			"Styregruppe stoppede: Justeret samarbejdsform", "Den fælles strategi gælder")
		if strings.Contains(body(page), `value="`+steering.ID+`"`) {
			t.Fatal("a discontinued forum is offered again")
		}

		// Errors of the lists land at their own fields: the commitment of
		// Viborg and the checkbox of the forum; nothing changes.
		before = fingerprint(t, app)
		wrong := with(formFields(t, page, base+"/adjustments"), "title", "Forkert", "effective_on", "2019-01-01")
		res = admin.Do("POST", base+"/adjustments", with(wrong, "commitment."+viborg.ID, "maybe"))
		res.Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `id="e-adjustment.commitment.`+viborg.ID+`"`)
		fieldError(t, res, "skal være en af binding, voluntary, observer")
		// A forum that stopped meanwhile is shown ticked with its message.
		res = admin.Do("POST", base+"/adjustments", with(wrong, "commitment."+viborg.ID, "binding", "forum", steering.ID))
		res.Want(t, http.StatusUnprocessableEntity)
		mustContain(t, res, `id="e-adjustment.forum.`+steering.ID+`"`, `value="`+steering.ID+`" checked`)
		fieldError(t, res, "er allerede stoppet")
		if fingerprint(t, app) != before {
			t.Fatal("a refused adjustment changed the database")
		}

		// 5. The details, with the version.
		page = admin.Do("GET", base, nil).Want(t, http.StatusOK)
		details := formFields(t, page, base)
		wantRedirect(t, admin.Do("POST", base, with(details, "cost_key", "per_capita", "end", "2030-12-31")), base)
		if c2 := findCollab(t, app, c.ID); c2.CostKey != samspil.CostPerCapita || c2.End == nil || *c2.End != samspil.NewDate(2030, 12, 31) ||
			c2.Visibility != samspil.VisibilityPrivate || c2.Name != c.Name {
			t.Fatalf("details: %+v", c2)
		}
		admin.Do("POST", base, with(details, "cost_key", "equal")).Want(t, http.StatusPreconditionFailed)
		page = admin.Do("GET", base, nil).Want(t, http.StatusOK)
		wantRedirect(t, admin.Do("POST", base, with(formFields(t, page, base), "end", "")), base)
		if c2 := findCollab(t, app, c.ID); c2.End != nil || c2.CostKey != samspil.CostPerCapita {
			t.Fatalf("an empty end should clear it: %+v", c2)
		}

		// 6. Founding documents: an uploaded text file downloads as an
		// attachment of text/plain; an HTML file as bytes.
		docFields := url.Values{"kind": {"statutes"}, "title": {"Vedtægter"}}
		text := []byte("Vedtægter for Silkeborg–Viborg IT-samarbejde\n")
		u = wantRedirect(t, postFile(t, admin, base+"/documents", docFields, "vedtaegter.txt", "text/plain", text), base)
		if u.Query().Get("done") != "document_added" {
			t.Fatalf("uploaded: %v", u)
		}
		htmlFields := url.Values{"kind": {"other"}, "title": {"Side"}}
		wantRedirect(t, postFile(t, admin, base+"/documents", htmlFields, "side.html", "text/html", []byte("<script>alert(1)</script>")), base)
		page = admin.Do("GET", base, nil).Want(t, http.StatusOK)
		mustNotContain(t, page, "/api/v1/")
		links := docLinks(page)
		if len(links) != 2 {
			t.Fatalf("download links %v:\n%s", links, page.Body)
		}
		dl := admin.Do("GET", links[0], nil).Want(t, http.StatusOK)
		if !bytes.Equal(dl.Body, text) || dl.Header.Get("Content-Type") != "text/plain" ||
			dl.Header.Get("Content-Disposition") != "attachment; filename=vedtaegter.txt" ||
			dl.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("download: %q %v", dl.Body, dl.Header)
		}
		dl = admin.Do("GET", links[1], nil).Want(t, http.StatusOK)
		if string(dl.Body) != "<script>alert(1)</script>" || dl.Header.Get("Content-Type") != "application/octet-stream" ||
			!strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("HTML download: %q %v", dl.Body, dl.Header)
		}

		// A file over 10 MiB is refused with 413 at the file field.
		before = fingerprint(t, app)
		res = postFile(t, admin, base+"/documents", docFields, "stor.txt", "text/plain", bytes.Repeat([]byte("x"), samspil.MaxDocumentBytes+1))
		res.Want(t, http.StatusRequestEntityTooLarge)
		fieldError(t, res, "filen er større end 10 MiB")
		if fingerprint(t, app) != before {
			t.Fatal("an oversized file changed the database")
		}

		// A javascript: link is refused; an https link is kept.
		page = admin.Do("GET", base, nil).Want(t, http.StatusOK)
		link := with(formFields(t, page, base+"/documents"), "kind", "declaration_of_intent", "title", "Hensigtserklæring")
		res = admin.Do("POST", base+"/documents", with(link, "url", "javascript:alert(1)")).Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "skal være en http- eller https-adresse")
		mustContain(t, res, `id="e-document.url"`)
		if n := len(findCollab(t, app, c.ID).Documents); n != 2 {
			t.Fatalf("%d documents after a javascript: link", n)
		}
		wantRedirect(t, admin.Do("POST", base+"/documents", with(link, "url", "https://example.org/hensigt.pdf")), base)
		page = admin.Do("GET", base, nil).Want(t, http.StatusOK)
		mustContain(t, page, `<a href="https://example.org/hensigt.pdf" rel="noopener noreferrer">Hensigtserklæring</a>`)

		// Deleting the HTML page.
		htmlDoc := strings.TrimPrefix(links[1], base+"/documents/")
		u = wantRedirect(t, admin.Do("POST", links[1]+"/delete", url.Values{}), base)
		if u.Query().Get("done") != "document_deleted" {
			t.Fatalf("deleted: %v", u)
		}
		admin.Do("GET", links[1], nil).Want(t, http.StatusNotFound)

		// 7. Viborg's viewer sees the facts but no forms, and a forged post
		// is refused.
		viewer, _ := signIn(t, app, "viewer@viborg.example")
		page = viewer.Do("GET", base, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "Silkeborg–Viborg IT-samarbejde", "Viborg vælger til fra sag til sag", "Justeret samarbejdsform", "Vedtægter")
		posts := []string{base, base + "/invitations", base + "/leave", base + "/adjustments", base + "/documents",
			links[0] + "/delete"}
		for _, action := range posts {
			if hasForm(page, action) {
				t.Fatalf("the viewer is offered the form %s", action)
			}
		}
		mustNotContain(t, page, "<form method=\"post\" action=\""+base)
		viewer.Do("GET", links[0], nil).Want(t, http.StatusOK)
		outsider, _ := signIn(t, app, "admin@aarhus.example")
		before = fingerprint(t, app)
		forged := url.Values{"organization_id": {testkit.Viborg}, "until": {"2020-01-01"}, "reason": {"X"}, "since": {"2020-01-01"}, "version": {"1"}, "commitment": {"binding"},
			"title": {"X"}, "effective_on": {"2020-01-01"}, "exclusivity": {"exclusive"}, "kind": {"other"}, "url": {"https://example.org"},
			"name": {"X"}, "legal_form": {"agreement"}, "decision_rule": {"consensus"}, "cost_key": {"equal"}, "visibility": {"public"}}
		for _, action := range posts {
			viewer.Do("POST", action, forged).Want(t, http.StatusForbidden)
		}

		// 8. An outsider finds nothing: the page, the download and every post
		// are 404.
		outsider.Do("GET", base, nil).Want(t, http.StatusNotFound)
		outsider.Do("GET", links[0], nil).Want(t, http.StatusNotFound)
		for _, action := range posts {
			outsider.Do("POST", action, forged).Want(t, http.StatusNotFound)
		}
		postFile(t, outsider, base+"/documents", docFields, "x.txt", "text/plain", []byte("x")).Want(t, http.StatusNotFound)
		outsider.Do("POST", base+"/documents/"+htmlDoc+"/delete", url.Values{}).Want(t, http.StatusNotFound)
		app.Anonymous(t).Do("GET", links[0], nil).Want(t, http.StatusNotFound)
		if fingerprint(t, app) != before {
			t.Fatal("a refused post changed the database")
		}
	})
}
