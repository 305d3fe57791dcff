package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// wantFieldMessage fails unless the page shows msg as the error of the
// form field whose error id is id.
func wantFieldMessage(t *testing.T, page *testkit.Response, id, msg string) {
	t.Helper()
	if !strings.Contains(body(page), `id="`+id+`">`+html.EscapeString(msg)+`</`) {
		t.Fatalf("no error %q at %s (status %d):\n%s", msg, id, page.Status, page.Body)
	}
}

// TestForumCadenceWords: the cadence chooser makes the RRULE from simple
// choices (the advanced field wins), refuses choices it does not offer at
// the field, and the pages say the cadence in words, in Danish and
// English, with the meetings skipped for holidays.
func TestForumCadenceWords(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		ctx := context.Background()
		sAdmin := testkit.NewPerson(t, app.DB, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		silkeborg := testkit.Org(t, app.DB, testkit.Silkeborg)
		c, err := app.DB.CreateCollaboration(ctx, sAdmin.Actor, samspil.CollaborationInput{Name: "Midtjysk IT-samarbejde",
			Kind: samspil.KindPartnership, Start: samspil.NewDate(2014, 1, 1), OrganizationID: silkeborg.ID, Visibility: samspil.VisibilityPrivate})
		if err != nil {
			t.Fatal(err)
		}
		first := nextThursday(time.Now())
		admin, _ := signIn(t, app, "admin@silkeborg.example")
		forums := "/collaborations/" + c.ID + "/forums"
		page := admin.Do("GET", forums, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Avanceret: gentagelsesregel (RRULE)", "Spring helligdage og 24.–31. december over", `value="weekly"`)
		form := with(formFields(t, page, forums), "name", "Direktionsmøde", "level", "directors", "first_date", first.Format("2006-01-02"),
			"first_time", "09:00")
		if form.Get("cadence_freq") != "none" || form.Get("cadence_interval") != "1" || form.Get("skip_holidays") != "" || form.Get("cadence") != "" {
			t.Fatalf("the new form's cadence: %v", form)
		}

		// Choices the form does not offer are refused at their field, in Danish.
		fp := fingerprint(t, app)
		for field, value := range map[string]string{"cadence_freq": "hourly", "cadence_interval": "13", "cadence_days": "XX",
			"cadence_nth": "5", "cadence_nth_day": "Torsdag"} {
			freq := "weekly"
			if strings.HasPrefix(field, "cadence_nth") {
				freq = "monthly"
			}
			res := admin.Do("POST", forums, with(form, "cadence_freq", freq, field, value)).Want(t, http.StatusUnprocessableEntity)
			wantFieldMessage(t, res, "e-"+field, "er ikke et af formularens valg")
		}
		if fingerprint(t, app) != fp {
			t.Fatal("a refused form changed the database")
		}

		create := func(kv ...string) *samspil.Forum {
			t.Helper()
			u := location(t, admin.Do("POST", forums, with(form, kv...)).Want(t, http.StatusSeeOther))
			f, err := app.DB.FindForum(ctx, testkit.System, strings.TrimPrefix(u.Path, "/forums/"))
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		// Weekly on Monday and Wednesday; every other week (from the first
		// meeting's weekday); the first Wednesday every third month,
		// skipping holidays; the advanced rule wins over the choices.
		for _, c := range []struct {
			kv     []string
			rule   string
			skip   bool
			da, en string
		}{
			{[]string{"cadence_freq", "weekly", "cadence_days", "MO"}, "FREQ=WEEKLY;BYDAY=MO", false, "Hver mandag kl. 9.00", "Every Monday at 9:00"},
			{[]string{"cadence_freq", "weekly", "cadence_interval", "2"}, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", false,
				"Hver anden torsdag kl. 9.00", "Every other Thursday at 9:00"},
			{[]string{"cadence_freq", "monthly", "cadence_interval", "3", "cadence_nth", "1", "cadence_nth_day", "WE", "skip_holidays", "true"},
				"FREQ=MONTHLY;INTERVAL=3;BYDAY=1WE", true, "Første onsdag hver tredje måned kl. 9.00, undtagen på helligdage og 24.–31. december",
				"First Wednesday every third month at 9:00, except on public holidays and 24–31 December"},
			{[]string{"cadence_freq", "monthly", "cadence_nth", "-1", "cadence_nth_day", "FR"}, "FREQ=MONTHLY;BYDAY=-1FR", false,
				"Sidste fredag i måneden kl. 9.00", "Last Friday of the month at 9:00"},
			{[]string{"cadence_freq", "weekly", "cadence", " FREQ=MONTHLY;BYMONTHDAY=15 "}, "FREQ=MONTHLY;BYMONTHDAY=15", false,
				"Hver måned den 15. kl. 9.00", "Every month on day 15 at 9:00"},
			{[]string{"cadence", "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13"}, "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", false,
				"Efter en gentagelsesregel (RRULE): FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR", "By a recurrence rule (RRULE): FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR"},
		} {
			f := create(append([]string{"name", "Forum " + c.rule}, c.kv...)...)
			if f.Cadence != c.rule || f.SkipHolidays != c.skip {
				t.Fatalf("%v: cadence %q, skip %v", c.kv, f.Cadence, f.SkipHolidays)
			}
			da := admin.Do("GET", "/forums/"+f.ID, nil).Want(t, http.StatusOK)
			mustContain(t, da, `<dd id="forum-cadence">`+html.EscapeString(c.da)+`</dd>`)
			if strings.HasPrefix(c.da, "Efter") {
				// The rule is named once, in the words; the edit form has it in the advanced field.
				if strings.Count(body(da), "FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR") != 1 {
					t.Fatalf("the rule is shown more than once")
				}
				if edit := formFields(t, da, "/forums/"+f.ID+"/edit"); edit.Get("cadence") != c.rule {
					t.Fatalf("the edit form's advanced rule is %q", edit.Get("cadence"))
				}
			} else if !strings.Contains(c.rule, "BYMONTHDAY") {
				// The edit form gives the same rule back from its simple choices.
				edit := formFields(t, da, "/forums/"+f.ID+"/edit")
				if edit.Get("cadence") != "" || (edit.Get("skip_holidays") == "true") != c.skip {
					t.Fatalf("the edit form of %s: %v", c.rule, edit)
				}
				u := location(t, admin.Do("POST", "/forums/"+f.ID+"/edit", edit).Want(t, http.StatusSeeOther))
				if u.Query().Get("done") != "forum_updated" {
					t.Fatalf("saving the form unchanged: %v", u)
				}
			}
			list := admin.Do("GET", forums, nil).Want(t, http.StatusOK)
			mustContain(t, list, html.EscapeString(c.da))
			en := englishReader(t, app, "/forums/"+f.ID)
			mustContain(t, en, `<dd id="forum-cadence">`+html.EscapeString(c.en)+`</dd>`)
		}

		// Every day, skipping holidays: the next Christmas Eve is among the
		// skipped meetings, in words, with nothing planned that day.
		daily := create("name", "Daglig stand-up", "cadence_freq", "none", "cadence", "FREQ=DAILY", "skip_holidays", "true")
		eve := time.Date(first.Year(), 12, 24, 9, 0, 0, 0, samspil.Copenhagen())
		if eve.Before(first) {
			eve = eve.AddDate(1, 0, 0)
		}
		page = admin.Do("GET", "/forums/"+daily.ID, nil).Want(t, http.StatusOK)
		mustContain(t, page, "Hver dag kl. 9.00, undtagen på helligdage og 24.–31. december", "Møder, der springes over",
			"<li>24. december "+eve.Format("2006")+" springes over: juleaften</li>", "<li>1. januar "+eve.AddDate(1, 0, 0).Format("2006")+" springes over: nytårsdag</li>")
		en := englishReader(t, app, "/forums/"+daily.ID)
		mustContain(t, en, "Skipped meetings", "<li>24 December "+eve.Format("2006")+" skipped: Christmas Eve</li>",
			"<li>26 December "+eve.Format("2006")+" skipped: Boxing Day</li>")
		ms, err := app.DB.ListMeetings(ctx, testkit.System, samspil.MeetingFilter{ForumID: daily.ID, From: eve.Add(-time.Hour), To: eve.AddDate(0, 0, 8)})
		if err != nil || len(ms.Items) != 0 {
			t.Fatalf("meetings from 24 to 31 December: %v %v", ms, err)
		}

		// Turning skipping off in the edit form plans them again.
		edit := formFields(t, page, "/forums/"+daily.ID+"/edit")
		edit.Del("skip_holidays")
		u := location(t, admin.Do("POST", "/forums/"+daily.ID+"/edit", edit).Want(t, http.StatusSeeOther))
		if u.Query().Get("done") != "forum_rescheduled" {
			t.Fatalf("turned off: %v", u)
		}
		page = admin.Do("GET", "/forums/"+daily.ID, nil).Want(t, http.StatusOK)
		mustContain(t, page, `<dd id="forum-cadence">Hver dag kl. 9.00</dd>`)
		mustNotContain(t, page, "springes over")
		ms, err = app.DB.ListMeetings(ctx, testkit.System, samspil.MeetingFilter{ForumID: daily.ID, From: eve.Add(-time.Hour), To: eve.AddDate(0, 0, 8)})
		if err != nil || len(ms.Items) != 8 {
			t.Fatalf("meetings from 24 to 31 December: %d %v", len(ms.Items), err)
		}
	})
}

// englishReader returns a page as a signed-in reader who chose English
// sees it.
func englishReader(t *testing.T, app *testkit.App, path string) *testkit.Response {
	t.Helper()
	b, _ := signIn(t, app, "admin@silkeborg.example")
	wantRedirect(t, b.Do("POST", "/language", url.Values{"lang": {"en"}, "return_to": {path}}), path)
	return b.Do("GET", path, nil).Want(t, http.StatusOK)
}

// TestHolidayNames: every holiday has its name in both catalogues.
func TestHolidayNames(t *testing.T) {
	da, en := loadCatalogue(t, "da"), loadCatalogue(t, "en")
	for _, h := range samspil.HolidayKinds {
		if k := "holiday." + string(h); da[k] == "" || en[k] == "" {
			t.Errorf("%s: da %q, en %q", k, da[k], en[k])
		}
	}
}
