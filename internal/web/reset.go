package web

import (
	"net/http"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// Resetting a forgotten password through a link sent by e-mail. The answer
// to a request is the same whether or not the address has an account.

type resetData struct {
	Email     string
	Available bool // mail is set up, so links can be sent
	Sent      bool
	Secret    string
}

func (w *Web) resetRequestPage(rw http.ResponseWriter, r *http.Request) {
	v := w.newView(r, "login", resetData{Available: w.cfg.SendMail != nil})
	v.Title = w.cat.text(v.Lang, "reset.title")
	w.render(rw, r, http.StatusOK, "reset_request", v)
}

// requestReset sends a reset link to the address when it has an account.
func (w *Web) requestReset(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx := r.Context()
	d := resetData{Email: strings.TrimSpace(r.PostFormValue("email")), Available: w.cfg.SendMail != nil}
	if d.Available {
		u, secret, err := w.store.RequestPasswordReset(ctx, d.Email)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		if u != nil {
			lang := language(r)
			link := w.baseURL(r) + "/password-reset/" + secret
			if err := w.cfg.SendMail(ctx, u.Email, w.cat.text(lang, "mail.reset_subject"), w.cat.text(lang, "mail.reset_body", u.DisplayName, link)); err != nil {
				httpx.LogInternal(ctx, err)
			}
		}
		d.Sent = true
	}
	v := w.newView(r, "login", d)
	v.Title = w.cat.text(v.Lang, "reset.title")
	w.render(rw, r, http.StatusOK, "reset_request", v)
}

func (w *Web) resetPage(rw http.ResponseWriter, r *http.Request) {
	w.showReset(rw, r, http.StatusOK, nil)
}

func (w *Web) showReset(rw http.ResponseWriter, r *http.Request, status int, formErr error) {
	httpx.DontCompress(rw) // it shows a secret: see httpx.Compress
	v := w.newView(r, "login", resetData{Secret: r.PathValue("secret")})
	v.Title = w.cat.text(v.Lang, "reset.title")
	if formErr != nil {
		w.withError(v, formErr)
	}
	w.render(rw, r, status, "reset", v)
}

// resetPassword sets the new password with the link's secret.
func (w *Web) resetPassword(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	err := w.store.ResetPassword(r.Context(), r.PathValue("secret"), r.PostFormValue("password"))
	switch samspil.ErrorCode(err) {
	case "":
		redirect(rw, r, "/login", "password_reset")
	case samspil.EINVALID, samspil.ENOTFOUND:
		w.showReset(rw, r, httpx.Status(err), err)
	default:
		w.fail(rw, r, err)
	}
}
