package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// nextThursday returns 09:00 Copenhagen time on the first Thursday at
// least a week after now, so that the forum's first meeting is its next.
func nextThursday(now time.Time) time.Time {
	d := now.In(samspil.Copenhagen()).AddDate(0, 0, 7)
	for d.Weekday() != time.Thursday {
		d = d.AddDate(0, 0, 1)
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, samspil.Copenhagen())
}

// pathAfter returns the first link on the page to prefix + an ID, with the
// ID.
func pathAfter(t *testing.T, page *testkit.Response, prefix string) string {
	t.Helper()
	m := regexp.MustCompile(`href="` + regexp.QuoteMeta(prefix) + `([^"?/]+)"`).FindStringSubmatch(body(page))
	if m == nil {
		t.Fatalf("no link to %s… on the page:\n%s", prefix, page.Body)
	}
	return m[1]
}

// voteOf returns the recorded choice of an organisation on a decision.
func voteOf(t *testing.T, app *testkit.App, decisionID, orgID string) samspil.VoteChoice {
	t.Helper()
	d, err := app.DB.FindDecision(context.Background(), testkit.System, decisionID)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range d.Votes {
		if v.OrganizationID == orgID {
			return v.Choice
		}
	}
	return ""
}

func TestGovernancePages(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		sAdmin := testkit.NewPerson(t, app.DB, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		testkit.NewPerson(t, app.DB, "admin@viborg.example", testkit.Viborg, samspil.RoleAdmin)
		testkit.NewPerson(t, app.DB, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
		silkeborg, viborg := testkit.Org(t, app.DB, testkit.Silkeborg), testkit.Org(t, app.DB, testkit.Viborg)
		c, err := app.DB.CreateCollaboration(ctx, sAdmin.Actor, samspil.CollaborationInput{Name: "Silkeborg–Viborg IT-samarbejde",
			Kind: samspil.KindPartnership, Start: samspil.NewDate(2014, 1, 1), OrganizationID: silkeborg.ID, Visibility: samspil.VisibilityPrivate})
		if err != nil {
			t.Fatal(err)
		}
		testkit.Join(t, app.DB, c.ID, samspil.InvitationInput{OrganizationID: viborg.ID, Since: samspil.NewDate(2014, 1, 1)})
		first := nextThursday(time.Now())
		firstDanish := first.Format("02.01.2006 15.04")

		admin, _ := signIn(t, app, "admin@silkeborg.example")
		page := admin.Do("GET", "/collaborations/"+c.ID+"/forums", nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "Samarbejdet har ingen fora endnu.", `aria-current="page"><span>Fora og møder</span></a>`, "Test admin (Silkeborg Kommune)")
		form := formFields(t, page, "/collaborations/"+c.ID+"/forums")
		form = with(form, "name", "IT-chefmøde", "level", "it_chiefs", "first_date", first.Format("2006-01-02"), "first_time", "09:00",
			"location", "Viborg Rådhus", "members", sAdmin.User.ID+"|"+silkeborg.ID)

		// A custom rule the parser refuses is shown at the cadence input,
		// and no forum is made.
		res := admin.Do("POST", "/collaborations/"+c.ID+"/forums", with(form, "cadence", "FREQ=FORTNIGHTLY")).
			Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "FREQ=FORTNIGHTLY understøttes ikke; brug DAILY, WEEKLY, MONTHLY eller YEARLY")
		mustContain(t, res, `id="f-cadence" name="cadence" maxlength="500" value="FREQ=FORTNIGHTLY"`, `aria-describedby="h-cadence e-cadence" aria-invalid="true"`,
			`<details class="details edit-block" open>`, `<details class="details" open>`)
		if fs, _ := app.DB.ListForums(ctx, testkit.System, c.ID); len(fs) != 0 {
			t.Fatal("a refused form made a forum")
		}

		// Every second week: the rule comes from the first meeting's weekday.
		res = admin.Do("POST", "/collaborations/"+c.ID+"/forums", with(form, "cadence_freq", "weekly", "cadence_interval", "2"))
		res.Want(t, http.StatusSeeOther)
		u := location(t, res)
		if !strings.HasPrefix(u.Path, "/forums/") || u.Query().Get("done") != "forum_created" {
			t.Fatalf("created: %v", u)
		}
		forumID := strings.TrimPrefix(u.Path, "/forums/")
		f, err := app.DB.FindForum(ctx, testkit.System, forumID)
		if err != nil {
			t.Fatal(err)
		}
		if f.Cadence != "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH" || !f.FirstMeeting.Equal(first) || len(f.Members) != 1 {
			t.Fatalf("forum: cadence %q, first %v, members %v", f.Cadence, f.FirstMeeting, f.Members)
		}

		page = admin.Do("GET", u.RequestURI(), nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "Forummet er oprettet, og dets møder er planlagt.", "<h1>IT-chefmøde</h1>", "IT-chefer", "Hver anden torsdag kl. 9.00",
			"Test admin <small>(Silkeborg Kommune)</small>", ">"+firstDanish+"</time>", "Der har ikke været møder endnu.",
			`action="/forums/`+forumID+`/discontinue"`, `action="/forums/`+forumID+`/meetings"`)
		meetingID := pathAfter(t, page, "/meetings/")
		list := admin.Do("GET", "/collaborations/"+c.ID+"/forums", nil).Want(t, http.StatusOK)
		mustContain(t, list, `<a href="/forums/`+forumID+`">IT-chefmøde</a>`, "Hver anden torsdag kl. 9.00", "Aktivt",
			`<a href="/meetings/`+meetingID+`"><time`, ">"+firstDanish+"</time>")

		// The meeting: an agenda item, then minutes with a script and bold.
		mpath := "/meetings/" + meetingID
		page = admin.Do("GET", mpath, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "<h1>IT-chefmøde", `<dd id="meeting-start">`+firstDanish+`</dd>`, "Viborg Rådhus", "Planlagt",
			"Der er ingen punkter på dagsordenen endnu.")
		wantRedirect(t, admin.Do("POST", mpath+"/agenda", with(formFields(t, page, mpath+"/agenda"), "title", "Fælles MFA",
			"owner_user_id", sAdmin.User.ID, "attachment_title", "Oplæg", "attachment_url", "https://example.org/mfa.pdf")), mpath)
		res = admin.Do("POST", mpath+"/agenda", with(formFields(t, page, mpath+"/agenda"), "title", " "))
		res.Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "skal udfyldes")
		page = admin.Do("GET", mpath, nil).Want(t, http.StatusOK)
		mustContain(t, page, "<strong>Fælles MFA</strong> <small>(Ansvarlig: Test admin)</small>", `<a href="https://example.org/mfa.pdf" rel="noopener noreferrer">Oplæg</a>`)
		minutes := formFields(t, page, mpath+"/minutes")
		wantRedirect(t, admin.Do("POST", mpath+"/minutes", with(minutes, "minutes", "Mødet gik godt.\n\n<script>alert(1)</script>\n\nVi er **enige** om <b onclick=\"x()\">MFA</b>.")), mpath)
		page = admin.Do("GET", mpath+"?done=minutes_saved", nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "Referatet er gemt.", "<p>Mødet gik godt.</p>", "<strong>enige</strong>",
			"&lt;script&gt;alert(1)&lt;/script&gt;") // in the textarea, escaped
		mustNotContain(t, page, "<script>alert(1)", `onclick="`, "raw HTML omitted")
		// The old version is stale: nothing changes.
		res = admin.Do("POST", mpath+"/minutes", with(minutes, "minutes", "Overskrevet"))
		res.Want(t, http.StatusPreconditionFailed)
		if m, _ := app.DB.FindMeeting(ctx, testkit.System, meetingID); strings.Contains(m.Minutes, "Overskrevet") {
			t.Fatal("a stale form changed the minutes")
		}

		// A proposal at the meeting; the rule defaults to the collaboration's.
		proposal := formFields(t, page, mpath+"/decisions")
		if proposal.Get("rule") != "consensus" || proposal.Get("binding") != "true" {
			t.Fatalf("proposal defaults: %v", proposal)
		}
		res = admin.Do("POST", mpath+"/decisions", with(proposal, "title", "Fælles MFA-løsning", "proposal", "Vi indfører *MFA* sammen.", "rule", "majority"))
		u = location(t, res)
		res.Want(t, http.StatusSeeOther)
		decisionID := strings.TrimPrefix(u.Path, "/decisions/")
		dpath := "/decisions/" + decisionID
		page = admin.Do("GET", dpath, nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "<h1>Fælles MFA-løsning</h1>", "<em>MFA</em>", "Simpelt flertal", "Afventer", "Har ikke stemt",
			`id="vote-`+silkeborg.ID+`"`, `action="`+dpath+`/close"`, firstDanish)
		mustNotContain(t, page, `id="vote-`+viborg.ID+`"`)
		vote := formFields(t, page, dpath+"/votes")
		wantRedirect(t, admin.Do("POST", dpath+"/votes", with(vote, "choice", "for", "comment", "Godt forslag")), dpath)

		// Viborg votes for Viborg only: no form for Silkeborg, and a forged
		// post is refused and changes nothing.
		vAdmin, _ := signIn(t, app, "admin@viborg.example")
		page = vAdmin.Do("GET", dpath, nil).Want(t, http.StatusOK)
		mustContain(t, page, `id="vote-`+viborg.ID+`"`, "Godt forslag", "Test admin")
		mustNotContain(t, page, `id="vote-`+silkeborg.ID+`"`, `action="`+dpath+`/close"`)
		vAdmin.Do("POST", dpath+"/votes", with(vote, "organization_id", silkeborg.ID, "choice", "against")).Want(t, http.StatusForbidden)
		if got := voteOf(t, app, decisionID, silkeborg.ID); got != samspil.VoteFor {
			t.Fatalf("Silkeborg's vote is %q after a forged post", got)
		}
		res = vAdmin.Do("POST", dpath+"/votes", with(vote, "organization_id", viborg.ID, "choice", "maybe"))
		res.Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "skal være en af for, against, abstain, opt_out")
		wantRedirect(t, vAdmin.Do("POST", dpath+"/votes", with(vote, "organization_id", viborg.ID, "choice", "for")), dpath)
		page = vAdmin.Do("GET", dpath+"?done=vote_cast", nil).Want(t, http.StatusOK)
		mustContain(t, page, "Stemmen er registreret.", `<strong class="outcome outcome-adopted">Vedtaget</strong>`, "vedtaget med flertal: 2 for, 0 imod")

		// A second proposal from the decisions page: a tie rejects it.
		page = admin.Do("GET", "/collaborations/"+c.ID+"/decisions", nil).Want(t, http.StatusOK)
		res = admin.Do("POST", "/collaborations/"+c.ID+"/decisions", with(formFields(t, page, "/collaborations/"+c.ID+"/decisions"),
			"title", "Fælles servicedesk", "rule", "majority"))
		res.Want(t, http.StatusSeeOther)
		second := strings.TrimPrefix(location(t, res).Path, "/decisions/")
		page = admin.Do("GET", "/decisions/"+second, nil).Want(t, http.StatusOK)
		wantRedirect(t, admin.Do("POST", "/decisions/"+second+"/votes", with(formFields(t, page, "/decisions/"+second+"/votes"), "choice", "for")), "/decisions/"+second)
		page = vAdmin.Do("GET", "/decisions/"+second, nil).Want(t, http.StatusOK)
		wantRedirect(t, vAdmin.Do("POST", "/decisions/"+second+"/votes", with(formFields(t, page, "/decisions/"+second+"/votes"), "choice", "against")), "/decisions/"+second)
		page = admin.Do("GET", "/decisions/"+second, nil).Want(t, http.StatusOK)
		mustContain(t, page, `<strong class="outcome outcome-rejected">Forkastet</strong>`, "forkastet: stemmelighed 1–1")

		// The meeting lists its decision; the list shows both with outcomes.
		mustContain(t, admin.Do("GET", mpath, nil).Want(t, http.StatusOK), `<a href="`+dpath+`">Fælles MFA-løsning</a>`, "Vedtaget")
		list = admin.Do("GET", "/collaborations/"+c.ID+"/decisions", nil).Want(t, http.StatusOK)
		noInlineStyle(t, list)
		mustContain(t, list, "Fælles MFA-løsning", "Fælles servicedesk", "Vedtaget", "Forkastet", "vedtaget med flertal", "forkastet: stemmelighed 1–1")

		// The secretariat closes the first; the filters tell open from closed.
		page = admin.Do("GET", dpath, nil).Want(t, http.StatusOK)
		wantRedirect(t, admin.Do("POST", dpath+"/close", formFields(t, page, dpath+"/close")), dpath)
		page = admin.Do("GET", dpath, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Lukket", "endeligt", "Afstemningen er lukket; resultatet er endeligt.")
		mustNotContain(t, page, `action="`+dpath+`/votes"`, `action="`+dpath+`/close"`)
		closed := admin.Do("GET", "/collaborations/"+c.ID+"/decisions?status=closed", nil).Want(t, http.StatusOK)
		mustContain(t, closed, "Fælles MFA-løsning")
		mustNotContain(t, closed, "Fælles servicedesk")
		open := admin.Do("GET", "/collaborations/"+c.ID+"/decisions?status=open", nil).Want(t, http.StatusOK)
		mustContain(t, open, "Fælles servicedesk")
		mustNotContain(t, open, "Fælles MFA-løsning")

		// An outsider and anonymous readers find nothing of a private collaboration.
		outsider, _ := signIn(t, app, "admin@aarhus.example")
		for _, p := range []string{"/collaborations/" + c.ID + "/forums", "/forums/" + forumID, mpath, dpath, "/collaborations/" + c.ID + "/decisions"} {
			outsider.Do("GET", p, nil).Want(t, http.StatusNotFound)
			app.Anonymous(t).Do("GET", p, nil).Want(t, http.StatusNotFound)
		}
		outsider.Do("POST", "/decisions/"+second+"/votes", with(vote, "organization_id", testkit.Aarhus, "choice", "for")).Want(t, http.StatusNotFound)

		// In English.
		wantRedirect(t, vAdmin.Do("POST", "/language", map[string][]string{"lang": {"en"}, "return_to": {dpath}}), dpath)
		mustContain(t, vAdmin.Do("GET", dpath, nil).Want(t, http.StatusOK), "Adopted", "Simple majority", "adopted by majority: 2 for, 0 against")
		mustContain(t, vAdmin.Do("GET", "/forums/"+forumID, nil).Want(t, http.StatusOK), "Every other Thursday at 9:00", "IT chiefs")
	})
}

// TestMeetingRecordsAndForumChanges covers the other forms: an extra
// meeting, moving a meeting, marking it held, attendance, a weekly forum
// described in words, stopping a forum, and a reader who may only look.
func TestMeetingRecordsAndForumChanges(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		sAdmin := testkit.NewPerson(t, app.DB, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		testkit.NewPerson(t, app.DB, "viewer@viborg.example", testkit.Viborg, samspil.RoleViewer)
		silkeborg, viborg := testkit.Org(t, app.DB, testkit.Silkeborg), testkit.Org(t, app.DB, testkit.Viborg)
		c, err := app.DB.CreateCollaboration(ctx, sAdmin.Actor, samspil.CollaborationInput{Name: "Digitaliseringsnetværket",
			Kind: samspil.KindNetwork, Start: samspil.NewDate(2014, 1, 1), OrganizationID: silkeborg.ID, Visibility: samspil.VisibilitySector})
		if err != nil {
			t.Fatal(err)
		}
		testkit.Join(t, app.DB, c.ID, samspil.InvitationInput{OrganizationID: viborg.ID, Since: samspil.NewDate(2014, 1, 1)})
		first := nextThursday(time.Now()).AddDate(0, 0, 7) // the second Thursday or later
		admin, _ := signIn(t, app, "admin@silkeborg.example")
		page := admin.Do("GET", "/collaborations/"+c.ID+"/forums", nil).Want(t, http.StatusOK)
		form := with(formFields(t, page, "/collaborations/"+c.ID+"/forums"), "name", "Styregruppe", "level", "steering_group",
			"first_date", first.Format("2006-01-02"), "cadence_freq", "monthly", "duration_minutes", "90")
		// An unreadable time is the first meeting's error.
		res := admin.Do("POST", "/collaborations/"+c.ID+"/forums", with(form, "first_time", "ni"))
		res.Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, `"ni" er ikke et klokkeslæt på formen TT:MM som 09:30`)
		res = admin.Do("POST", "/collaborations/"+c.ID+"/forums", form)
		res.Want(t, http.StatusSeeOther)
		fpath := location(t, res).Path
		page = admin.Do("GET", fpath, nil).Want(t, http.StatusOK)
		n := (first.Day()-1)/7 + 1
		words := map[int]string{1: "første", 2: "anden", 3: "tredje", 4: "fjerde", 5: "sidste"}[n]
		mustContain(t, page, strings.ToUpper(words[:1])+words[1:]+" torsdag i måneden kl. 9.00", "90 minutter", "Styregruppe")

		// An extra meeting, then moved and held, with attendance.
		res = admin.Do("POST", fpath+"/meetings", with(formFields(t, page, fpath+"/meetings"), "date", "", "time", "10:00"))
		res.Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "skal udfyldes")
		extra := first.AddDate(0, 0, 3)
		res = admin.Do("POST", fpath+"/meetings", with(formFields(t, page, fpath+"/meetings"), "date", extra.Format("2006-01-02"), "time", "13:00",
			"title", "Ekstraordinært møde"))
		res.Want(t, http.StatusSeeOther)
		mpath := location(t, res).Path
		page = admin.Do("GET", mpath+"?done=meeting_created", nil).Want(t, http.StatusOK)
		mustContain(t, page, "Mødet er oprettet.", "<h1>Ekstraordinært møde", "ekstra møde", extra.Format("02.01.2006")+" 13.00")
		moved := extra.AddDate(0, 0, 1)
		wantRedirect(t, admin.Do("POST", mpath+"/move", with(formFields(t, page, mpath+"/move"), "date", moved.Format("2006-01-02"), "time", "14:30")), mpath)
		page = admin.Do("GET", mpath, nil).Want(t, http.StatusOK)
		mustContain(t, page, `<dd id="meeting-start">`+moved.Format("02.01.2006")+" 14.30</dd>")
		wantRedirect(t, admin.Do("POST", mpath+"/status", with(formFields(t, page, mpath+"/status"), "status", "held")), mpath)
		page = admin.Do("GET", mpath, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Afholdt")
		att := formFields(t, page, mpath+"/attendance")
		if len(att["person"]) != 1 || att["person"][0] != sAdmin.User.ID+"|"+silkeborg.ID {
			t.Fatalf("attendance rows %v", att["person"])
		}
		wantRedirect(t, admin.Do("POST", mpath+"/attendance", with(att, "status", "present")), mpath)
		page = admin.Do("GET", mpath, nil).Want(t, http.StatusOK)
		mustContain(t, page, "<tr><td>Test admin</td><td>Silkeborg Kommune</td><td>Til stede</td></tr>")

		// A viewer of a member reads the meeting but gets no forms, and a
		// post is refused.
		viewer, _ := signIn(t, app, "viewer@viborg.example")
		page = viewer.Do("GET", mpath, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Til stede")
		for _, action := range []string{"/agenda", "/minutes", "/status", "/move", "/attendance", "/decisions"} {
			if hasForm(page, mpath+action) {
				t.Errorf("a viewer is offered the form %s", action)
			}
		}
		viewer.Do("POST", mpath+"/minutes", with(formFields(t, admin.Do("GET", mpath, nil), mpath+"/minutes"), "minutes", "x")).Want(t, http.StatusForbidden)

		// A cadence meeting moved (through the store) is marked so.
		ms, err := app.DB.ListMeetings(ctx, testkit.System, samspil.MeetingFilter{ForumID: strings.TrimPrefix(fpath, "/forums/"), From: first})
		if err != nil || len(ms.Items) == 0 || ms.Items[0].Occurrence == nil {
			t.Fatalf("cadence meetings: %v %v", ms, err)
		}
		later := ms.Items[0].Start.Add(time.Hour)
		if _, err := app.DB.UpdateMeeting(ctx, sAdmin.Actor, ms.Items[0].ID, ms.Items[0].Version, samspil.MeetingPatch{Start: &later}); err != nil {
			t.Fatal(err)
		}

		// The forum stops; its later meetings go, the recorded ones stay.
		page = admin.Do("GET", fpath, nil).Want(t, http.StatusOK)
		res = admin.Do("POST", fpath+"/discontinue", with(formFields(t, page, fpath+"/discontinue"), "on", first.Format("2006-01-02"), "reason", ""))
		res.Want(t, http.StatusUnprocessableEntity)
		fieldError(t, res, "skal udfyldes")
		wantRedirect(t, admin.Do("POST", fpath+"/discontinue", with(formFields(t, page, fpath+"/discontinue"), "on", first.Format("2006-01-02"),
			"reason", "Erstattet af IT-chefmødet")), fpath)
		page = admin.Do("GET", fpath, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Nedlagt", "Erstattet af IT-chefmødet", `<span class="badge badge-info">flyttet</span>`, `<span class="badge badge-info">ekstra møde</span>`)
		mustNotContain(t, page, `action="`+fpath+`/discontinue"`)
		list := viewer.Do("GET", "/collaborations/"+c.ID+"/forums", nil).Want(t, http.StatusOK)
		mustContain(t, list, "Nedlagt "+first.Format("02.01.2006"))
		mustNotContain(t, list, `action="/collaborations/`+c.ID+`/forums"`)
	})
}
