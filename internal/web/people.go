package web

import (
	"errors"
	"net/http"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

type personRow struct {
	User       samspil.User
	Membership samspil.Membership
}

type peopleData struct {
	Org       *samspil.Organization
	People    []personRow
	CanManage bool
	Roles     []samspil.Role
	Form      samspil.UserInput // the add-person form when it failed
}

func (w *Web) people(rw http.ResponseWriter, r *http.Request) {
	w.showPeople(rw, r, http.StatusOK, nil, samspil.UserInput{Role: samspil.RoleViewer})
}

func (w *Web) showPeople(rw http.ResponseWriter, r *http.Request, status int, formErr error, form samspil.UserInput) {
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
	d := peopleData{Org: org, CanManage: actor.Can(samspil.PermPeopleManage, org.ID), Roles: samspil.Roles, Form: form}
	for _, u := range users {
		for _, m := range u.Memberships {
			if m.OrganizationID == org.ID {
				d.People = append(d.People, personRow{User: u, Membership: m})
			}
		}
	}
	v := w.newView(r, "directory", d)
	v.Title = w.cat.text(v.Lang, "people.title", org.Name)
	if formErr != nil {
		w.withError(v, formErr)
	}
	w.render(rw, r, status, "people", v)
}

// addPerson adds an existing user by e-mail, or creates the account when
// there is none.
func (w *Web) addPerson(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	in := samspil.UserInput{Email: r.PostFormValue("email"), DisplayName: r.PostFormValue("display_name"),
		Password: r.PostFormValue("password"), OrganizationID: r.PathValue("id"), Role: samspil.Role(r.PostFormValue("role"))}
	done := "member_added"
	_, err := w.store.CreateMembership(ctx, actor, samspil.MembershipInput{Email: in.Email, OrganizationID: in.OrganizationID, Role: in.Role})
	var e *samspil.Error
	if errors.As(err, &e) && e.Code == samspil.EINVALID && len(e.Fields) == 1 && e.Fields[0].Path == "email" {
		done = "user_created"
		_, err = w.store.CreateUser(ctx, actor, in)
	}
	if err != nil {
		in.Password = ""
		if code := samspil.ErrorCode(err); code == samspil.EINVALID || code == samspil.ECONFLICT {
			w.showPeople(rw, r, httpx.Status(err), err, in)
			return
		}
		w.fail(rw, r, err)
		return
	}
	redirect(rw, r, "/organizations/"+r.PathValue("id")+"/people", done)
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
			w.showPeople(rw, r, httpx.Status(err), err, samspil.UserInput{Role: samspil.RoleViewer})
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
