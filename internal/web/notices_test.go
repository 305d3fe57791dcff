package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// On the account page people choose their e-mail notices and make a feed of
// their meetings.
func TestAccountNoticesAndMeetingFeed(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		p := testkit.NewPerson(t, app.DB, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		b, _ := signIn(t, app, "admin@silkeborg.example")
		page := b.Do("GET", "/account", nil).Want(t, http.StatusOK)
		noInlineStyle(t, page)
		mustContain(t, page, "Beskeder på e-mail", `name="notice_meeting" type="checkbox" value="on" checked`, "Lav kalenderadresse")
		form := formFields(t, page, "/account/notices")
		if len(form) != len(samspil.NoticeKinds) {
			t.Fatalf("form %v", form)
		}
		res := b.Do("POST", "/account/notices", url.Values{"notice_vote": {"on"}, "notice_action": {"on"}, "notice_consent": {"on"}, "notice_oversight": {"on"}})
		wantRedirect(t, res, "/account")
		kinds, err := app.DB.NoticeOptOuts(context.Background(), p.Actor, p.User.ID)
		if err != nil || len(kinds) != 2 || kinds[0] != samspil.NoticeDeadline || kinds[1] != samspil.NoticeMeeting {
			t.Fatalf("opt-outs %v %v", kinds, err)
		}
		page = b.Do("GET", "/account?done=notices_saved", nil).Want(t, http.StatusOK)
		mustContain(t, page, "Dine valg af beskeder er gemt.", `name="notice_vote" type="checkbox" value="on" checked`)
		mustNotContain(t, page, `name="notice_meeting" type="checkbox" value="on" checked`)

		wantRedirect(t, b.Do("POST", "/account/meeting-feed", url.Values{}), "/account")
		page = b.Do("GET", "/account", nil).Want(t, http.StatusOK)
		i := strings.Index(body(page), `id="meeting-feed-url" readonly value="`)
		if i < 0 {
			t.Fatalf("no feed address:\n%s", page.Body)
		}
		addr := body(page)[i+len(`id="meeting-feed-url" readonly value="`):]
		addr = addr[:strings.Index(addr, `"`)]
		feed := app.Anonymous(t).Do("GET", strings.TrimPrefix(addr, app.URL), nil).Want(t, http.StatusOK)
		mustContain(t, feed, "BEGIN:VCALENDAR", "X-WR-CALNAME:Mine møder i samspil")
	})
}
