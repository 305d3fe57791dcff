package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// parseForm reads a posted form; it answers 413 itself when the form is too
// large, 422 naming the field when a field holds U+0000 (the gate checks the
// body as it is read) and 400 when it cannot be read.
func (w *Web) parseForm(rw http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		var input *httpx.InputError
		switch {
		case errors.As(err, &tooLarge):
			w.fail(rw, r, samspil.Errorf(samspil.ETOOLARGE, "the form is larger than %d KiB", MaxFormBytes>>10))
		case errors.As(err, &input):
			w.fail(rw, r, input)
		default:
			w.fail(rw, r, samspil.Errorf(samspil.EINVALID, "the form could not be read"))
		}
		return false
	}
	return true
}

// formVersion reads the hidden version field that forms carry for
// optimistic concurrency.
func formVersion(r *http.Request) int {
	v, _ := strconv.Atoi(r.PostFormValue("version"))
	return v
}

type loginData struct {
	Email     string
	ReturnTo  string
	Providers []samspil.SignInOption // single sign-on: buttons, or a list when there are many
	SSOEmail  string                 // the address given to find one's organisation's provider
}

func (w *Web) loginPage(rw http.ResponseWriter, r *http.Request) {
	returnTo := localPath(r.URL.Query().Get("return_to"), "/")
	if httpx.ActorFrom(r.Context()).SignedIn() {
		http.Redirect(rw, r, returnTo, http.StatusSeeOther)
		return
	}
	v := w.newView(r, "login", w.loginOptions(r, loginData{ReturnTo: returnTo}))
	v.Title = w.cat.text(v.Lang, "login.title")
	w.render(rw, r, http.StatusOK, "login", v)
}

func (w *Web) login(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	data := loginData{Email: r.PostFormValue("email"), ReturnTo: localPath(r.PostFormValue("return_to"), "/")}
	secret, _, err := w.store.Login(r.Context(), samspil.LoginAttempt{Email: data.Email, Password: r.PostFormValue("password"),
		Source: httpx.ClientAddr(r.Context())})
	if err != nil {
		v := w.newView(r, "login", w.loginOptions(r, data))
		v.Title = w.cat.text(v.Lang, "login.title")
		switch samspil.ErrorCode(err) {
		case samspil.EUNAUTHORIZED:
			v.Error = w.cat.text(v.Lang, "login.failed")
		case samspil.EFORBIDDEN:
			v.Error = w.cat.text(v.Lang, "login.sso_required")
		case samspil.ELOCKED:
			v.Error = w.cat.text(v.Lang, "login.locked")
		case samspil.EBUSY:
			v.Error = w.cat.text(v.Lang, "login.busy")
		default:
			w.fail(rw, r, err)
			return
		}
		httpx.SetRetryAfter(rw.Header(), err)
		w.render(rw, r, httpx.Status(err), "login", v)
		return
	}
	// A new secret at every sign-in: a session id planted before login is
	// worthless.
	w.cfg.Cookies.SetSessionCookie(rw, secret)
	http.Redirect(rw, r, data.ReturnTo, http.StatusSeeOther)
}

// logout ends the session and, for a session started through an identity
// provider that offers it, sends the browser on to end the provider's
// session too (RP-initiated logout).
func (w *Web) logout(rw http.ResponseWriter, r *http.Request) {
	var via *samspil.SSOSession
	if secret := httpx.SessionSecret(r); secret != "" {
		var err error
		if via, err = w.store.SessionSSO(r.Context(), secret); err != nil {
			w.fail(rw, r, err)
			return
		}
		if err := w.store.Logout(r.Context(), secret); err != nil {
			w.fail(rw, r, err)
			return
		}
	}
	w.cfg.Cookies.ClearSessionCookie(rw)
	if target, name := w.ssoLogoutURL(r, via); target != "" {
		w.leaveFor(rw, r, target, name)
		return
	}
	redirect(rw, r, "/login", "logged_out")
}

func (w *Web) setLanguage(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	lang := r.PostFormValue("lang")
	known := false
	for _, l := range languages {
		known = known || l == lang
	}
	if !known {
		w.fail(rw, r, samspil.ErrorAt(samspil.EINVALID, "lang", "must be one of da, en"))
		return
	}
	http.SetCookie(rw, &http.Cookie{Name: LanguageCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: w.cfg.Cookies.Secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(rw, r, localPath(r.PostFormValue("return_to"), "/organizations"), http.StatusSeeOther)
}
