package web

import (
	"net/http"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

type personRow struct {
	User       samspil.User
	Membership samspil.Membership
	// KeepsAdmin: the person is the organisation's last working
	// administrator (samspil.LastAdmin), whom the store refuses to remove,
	// demote or disable.
	KeepsAdmin bool
	MayDisable bool // samspil.Actor.MayDisableAccount: may the reader disable or enable the account
}

type peopleData struct {
	Org         *samspil.Organization
	People      []personRow
	CanManage   bool
	Roles       []samspil.Role
	Levels      []samspil.ManagementLevel
	Form        peopleForm                 // the form that failed, or the defaults
	Invitations []samspil.PersonInvitation // open invitations, for administrators
	NewLink     string                     // the link of an invitation just made, shown once
	NewEmail    string                     // whom it invites
	Mailed      bool                       // whether it was also sent by e-mail
}

// peopleForm is what the invite and add forms posted.
type peopleForm struct {
	Open    string // "invite" or "add"
	Email   string
	Role    samspil.Role
	Message string
}

func (w *Web) people(rw http.ResponseWriter, r *http.Request) {
	w.showPeople(rw, r, http.StatusOK, nil, peopleData{Form: peopleForm{Role: samspil.RoleViewer}})
}

func (w *Web) showPeople(rw http.ResponseWriter, r *http.Request, status int, formErr error, d peopleData) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	org, err := w.store.FindOrganization(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	if !actor.Can(samspil.PermPeopleRead, org.ID) {
		w.fail(rw, r, samspil.NotFound("organization"))
		return
	}
	users, err := allPages(func(cursor string) (*samspil.Page[samspil.User], error) {
		return w.store.ListUsers(ctx, actor, samspil.UserFilter{OrganizationID: org.ID, ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
	})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d.Org, d.CanManage, d.Roles, d.Levels = org, actor.Can(samspil.PermPeopleManage, org.ID), samspil.Roles, samspil.ManagementLevels
	if d.CanManage {
		invs, err := allPages(func(cursor string) (*samspil.Page[samspil.PersonInvitation], error) {
			return w.store.ListPersonInvitations(ctx, actor, org.ID, samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize})
		})
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		now := w.now()
		for _, inv := range invs {
			if inv.Status == samspil.InvitationPending && now.Before(inv.ExpiresAt) {
				d.Invitations = append(d.Invitations, inv)
			}
		}
	}
	var facts map[string]samspil.AccountFacts
	if d.CanManage {
		if facts, err = w.store.AccountFacts(ctx, actor, org.ID); err != nil {
			w.fail(rw, r, err)
			return
		}
	}
	admins := 0 // working administrators
	for _, u := range users {
		for _, m := range u.Memberships {
			if m.OrganizationID == org.ID {
				d.People = append(d.People, personRow{User: u, Membership: m, MayDisable: d.CanManage && actor.MayDisableAccount(facts[u.ID])})
				if m.Role == samspil.RoleAdmin && !u.Disabled {
					admins++
				}
			}
		}
	}
	for i := range d.People {
		p := &d.People[i]
		others := admins
		if p.Membership.Role == samspil.RoleAdmin && !p.User.Disabled {
			others--
		}
		p.KeepsAdmin = samspil.LastAdmin(p.Membership.Role, p.User.Disabled, others)
	}
	v := w.newView(r, "directory", d)
	v.Title = w.cat.text(v.Lang, "people.title", org.Name)
	if formErr != nil {
		w.withError(v, formErr)
	}
	w.render(rw, r, status, "people", v)
}

// addPerson gives a person of another of the administrator's
// organisations a role in this one; anyone else is invited.
func (w *Web) addPerson(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	form := peopleForm{Open: "add", Email: strings.TrimSpace(r.PostFormValue("email")), Role: samspil.Role(r.PostFormValue("role"))}
	_, err := w.store.CreateMembership(ctx, actor, samspil.MembershipInput{Email: form.Email, OrganizationID: r.PathValue("id"), Role: form.Role})
	if err != nil {
		if code := samspil.ErrorCode(err); code == samspil.EINVALID || code == samspil.ECONFLICT {
			w.showPeople(rw, r, httpx.Status(err), err, peopleData{Form: form})
			return
		}
		w.fail(rw, r, err)
		return
	}
	redirect(rw, r, "/organizations/"+r.PathValue("id")+"/people", "member_added")
}

// invitePerson invites an e-mail address to the organisation and shows the
// invitation's link once (and sends it, when mail is set up). The page is
// the same whether or not the address has an account.
func (w *Web) invitePerson(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	form := peopleForm{Open: "invite", Email: strings.TrimSpace(r.PostFormValue("email")), Role: samspil.Role(r.PostFormValue("role")),
		Message: strings.TrimSpace(r.PostFormValue("message"))}
	inv, _, err := w.store.InvitePerson(ctx, actor, r.PathValue("id"), samspil.PersonInvitationInput{Email: form.Email, Role: form.Role,
		Message: form.Message})
	if err != nil {
		if code := samspil.ErrorCode(err); code == samspil.EINVALID || code == samspil.ECONFLICT {
			w.showPeople(rw, r, httpx.Status(err), err, peopleData{Form: form})
			return
		}
		w.fail(rw, r, err)
		return
	}
	link := w.baseURL(r) + inv.AcceptURL
	d := peopleData{Form: peopleForm{Role: samspil.RoleViewer}, NewLink: link, NewEmail: inv.Email}
	if w.cfg.SendMail != nil {
		lang := language(r)
		text := w.cat.text(lang, "mail.invitation_body", actor.Name, inv.OrganizationName, w.cat.text(lang, "role."+string(inv.Role)), link)
		if inv.Message != "" {
			text += "\n\n" + inv.Message
		}
		if err := w.cfg.SendMail(ctx, inv.Email, w.cat.text(lang, "mail.invitation_subject", inv.OrganizationName), text); err != nil {
			httpx.LogInternal(ctx, err)
		} else {
			d.Mailed = true
		}
	}
	w.showPeople(rw, r, http.StatusCreated, nil, d)
}

// withdrawPersonInvitation takes back an open invitation.
func (w *Web) withdrawPersonInvitation(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	_, err := w.store.WithdrawPersonInvitation(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("inv"))
	w.afterPeopleChange(rw, r, err, "invitation_withdrawn")
}

func (w *Web) changeRole(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	role := samspil.Role(r.PostFormValue("role"))
	_, err := w.store.UpdateMembership(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("membership"), formVersion(r),
		samspil.MembershipPatch{Role: &role})
	w.afterPeopleChange(rw, r, err, "role_changed")
}

// setPosition records a member's title and level in the organisation.
func (w *Web) setPosition(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	position, level := r.PostFormValue("position"), samspil.ManagementLevel(r.PostFormValue("level"))
	_, err := w.store.UpdateMembership(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("membership"), formVersion(r),
		samspil.MembershipPatch{Position: &position, Level: &level})
	w.afterPeopleChange(rw, r, err, "position_changed")
}

func (w *Web) removePerson(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	err := w.store.DeleteMembership(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("membership"), formVersion(r))
	w.afterPeopleChange(rw, r, err, "member_removed")
}

// setDisabled disables or enables the account of a member.
func (w *Web) setDisabled(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	m, err := w.store.FindMembership(ctx, actor, r.PathValue("membership"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	disabled := r.PostFormValue("disabled") == "true"
	_, err = w.store.UpdateUser(ctx, actor, m.UserID, formVersion(r), samspil.UserPatch{Disabled: &disabled})
	done := "account_enabled"
	if disabled {
		done = "account_disabled"
	}
	w.afterPeopleChange(rw, r, err, done)
}

func (w *Web) afterPeopleChange(rw http.ResponseWriter, r *http.Request, err error, done string) {
	if err != nil {
		switch samspil.ErrorCode(err) {
		case samspil.EINVALID, samspil.ECONFLICT, samspil.ESTALE, samspil.EFORBIDDEN:
			w.showPeople(rw, r, httpx.Status(err), err, peopleData{Form: peopleForm{Role: samspil.RoleViewer}})
		default:
			w.fail(rw, r, err)
		}
		return
	}
	redirect(rw, r, "/organizations/"+r.PathValue("id")+"/people", done)
}

type auditData struct {
	Org    *samspil.Organization
	Events []samspil.AuditEvent
	Next   string
}

func (w *Web) auditLog(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	org, err := w.store.FindOrganization(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	if !actor.Can(samspil.PermAuditRead, org.ID) {
		w.fail(rw, r, samspil.NotFound("organization"))
		return
	}
	page, err := w.store.ListAuditEvents(ctx, actor, samspil.AuditFilter{OrganizationID: org.ID,
		ListOptions: samspil.ListOptions{Cursor: r.URL.Query().Get("cursor"), Limit: 100}})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d := auditData{Org: org, Events: page.Items}
	if page.NextCursor != "" {
		d.Next = "/organizations/" + org.ID + "/audit?cursor=" + page.NextCursor
	}
	v := w.newView(r, "directory", d)
	v.Title = w.cat.text(v.Lang, "audit.title", org.Name)
	w.render(rw, r, http.StatusOK, "audit", v)
}
