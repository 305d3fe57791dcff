package web

import (
	"net/http"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// Joining an organisation by an invitation's link, and answering the
// invitations that wait for the signed-in person.

type joinData struct {
	Invitation  *samspil.PersonInvitation
	Secret      string
	DisplayName string
	Mine        bool   // the signed-in person is the one invited
	SignedInAs  string // the address of the signed-in person, when it is not
}

// joinPage shows the invitation a link opens: to a person without an
// account, the form that makes one; to the invited person signed in, the
// buttons to answer.
func (w *Web) joinPage(rw http.ResponseWriter, r *http.Request) {
	w.showJoin(rw, r, http.StatusOK, nil, "")
}

func (w *Web) showJoin(rw http.ResponseWriter, r *http.Request, status int, formErr error, name string) {
	httpx.DontCompress(rw) // it shows a secret: see httpx.Compress
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	secret := r.PathValue("secret")
	inv, err := w.store.PersonInvitationByLink(ctx, secret)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d := joinData{Invitation: inv, Secret: secret, DisplayName: name}
	if actor.SignedIn() && actor.UserID != "" {
		u, err := w.store.FindUser(ctx, actor, actor.UserID)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		if samspil.Fold(u.Email) == samspil.Fold(inv.Email) {
			d.Mine = true
		} else {
			d.SignedInAs = u.Email
		}
	}
	v := w.newView(r, "join", d)
	v.Title = w.cat.text(v.Lang, "join.title", inv.OrganizationName)
	if formErr != nil {
		w.withError(v, formErr)
	}
	w.render(rw, r, status, "join", v)
}

// join makes the account of a person without one and accepts the
// invitation; the person then signs in.
func (w *Web) join(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	name := strings.TrimSpace(r.PostFormValue("display_name"))
	_, err := w.store.AcceptByLink(r.Context(), r.PathValue("secret"), samspil.NewAccountInput{DisplayName: name,
		Password: r.PostFormValue("password")})
	if err != nil {
		switch samspil.ErrorCode(err) {
		case samspil.EINVALID, samspil.ECONFLICT:
			w.showJoin(rw, r, httpx.Status(err), err, name)
		default:
			w.fail(rw, r, err)
		}
		return
	}
	redirect(rw, r, "/login", "account_created")
}

// answerMyInvitation accepts or declines an invitation to the signed-in
// person's own address.
func (w *Web) answerMyInvitation(accept bool) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		if !w.parseForm(rw, r) {
			return
		}
		_, err := w.store.AnswerPersonInvitation(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), accept)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		done := "invitation_declined"
		if accept {
			done = "joined"
		}
		redirect(rw, r, localPath(r.PostFormValue("return_to"), "/account#invitations"), done)
	}
}
