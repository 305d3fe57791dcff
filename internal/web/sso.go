package web

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth/sso"
	"github.com/samspil/samspil/internal/httpx"
)

// Single sign-on pages: the buttons on the login page, the start of a
// sign-in at a provider and the callback that finishes it, linking a
// provider to one's account, and the organisation's page where its
// administrators configure its providers and try them.
//
// A sign-in is bound to the browser that started it: the store keeps the
// hash of a binding secret that only this browser's cookie holds, so a
// callback address sent to someone else (login CSRF) leads nowhere.

// ssoBindingCookie holds the browser's binding secret for sign-ins under
// way; it goes only to the callback path.
const ssoBindingCookie = "samspil_sso"

// ssoFlowTTL is how long a sign-in at a provider may take.
const ssoFlowTTL = 10 * time.Minute

// ssoCallbackPath is the redirect URI to register at every provider.
const ssoCallbackPath = "/login/sso/callback"

func (w *Web) ssoRoutes(page func(string, samspil.Permission, http.HandlerFunc)) {
	page("POST /login/sso", samspil.PermPublic, w.ssoByEmail)
	page("POST /login/sso/{provider}", samspil.PermPublic, w.ssoStart(samspil.SSOLoginPurpose))
	page("GET /login/sso/callback", samspil.PermPublic, w.ssoCallback)
	page("GET /login/sso/{provider}/metadata", samspil.PermPublic, w.samlMetadata)
	page("GET /login/sso/{provider}/slo", samspil.PermPublic, w.samlSLO)
	page("POST /account/sso/{provider}", samspil.PermSignedIn, w.ssoStart(samspil.SSOLinkPurpose))
	page("GET /organizations/{id}/sign-in", samspil.PermSignInManage, w.signInPage)
	page("POST /organizations/{id}/sign-in", samspil.PermSignInManage, w.createProvider)
	page("POST /organizations/{id}/sign-in/{provider}", samspil.PermSignInManage, w.updateProvider)
	page("POST /organizations/{id}/sign-in/{provider}/delete", samspil.PermSignInManage, w.deleteProvider)
	page("POST /organizations/{id}/sign-in/{provider}/test", samspil.PermSignInManage, w.ssoStart(samspil.SSOTestPurpose))
}

// ssoRedirectURL is the callback address providers send people back to.
func (w *Web) ssoRedirectURL(r *http.Request) string { return w.baseURL(r) + ssoCallbackPath }

// ssoByEmail sends someone to their organisation's provider by the domain
// of the address they give, or to the provider they chose from the list.
func (w *Web) ssoByEmail(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	returnTo := localPath(r.PostFormValue("return_to"), "/")
	if id := r.PostFormValue("provider"); id != "" && email == "" {
		// Chosen from the list (the login page offers a list when there
		// are many providers).
		w.startFlow(rw, r, id, samspil.SSOLoginPurpose, returnTo)
		return
	}
	opt, err := w.store.ProviderForEmail(r.Context(), email)
	if err != nil || !samspil.ValidEmail(email) {
		if err != nil && samspil.ErrorCode(err) != samspil.ENOTFOUND {
			w.fail(rw, r, err)
			return
		}
		w.showLogin(rw, r, http.StatusNotFound, loginData{SSOEmail: email, ReturnTo: returnTo}, "login.sso_unknown_domain")
		return
	}
	w.startFlow(rw, r, opt.ProviderID, samspil.SSOLoginPurpose, returnTo)
}

// ssoStart starts a sign-in at a provider, for a purpose.
func (w *Web) ssoStart(purpose samspil.SSOPurpose) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		if !w.parseForm(rw, r) {
			return
		}
		returnTo := localPath(r.PostFormValue("return_to"), "/")
		switch purpose {
		case samspil.SSOLinkPurpose:
			returnTo = "/account"
		case samspil.SSOTestPurpose:
			// Only who may configure the provider tries it.
			p, err := w.pathProvider(r)
			if err != nil {
				w.fail(rw, r, err)
				return
			}
			returnTo = "/organizations/" + p.OrganizationID + "/sign-in"
		}
		w.startFlow(rw, r, r.PathValue("provider"), purpose, returnTo)
	}
}

func (w *Web) startFlow(rw http.ResponseWriter, r *http.Request, providerID string, purpose samspil.SSOPurpose, returnTo string) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	p, err := w.store.SSOProvider(ctx, providerID)
	if err == nil && !p.Enabled && purpose != samspil.SSOTestPurpose {
		err = samspil.NotFound("identity_provider")
	}
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	f := sso.NewFlow(p.ID, purpose, actor.UserID, returnTo, ssoFlowTTL)
	// One binding per browser, so that sign-ins in two tabs both finish.
	if c, err := r.Cookie(ssoBindingCookie); err == nil && len(c.Value) >= 32 && len(c.Value) <= 64 {
		f.Binding = c.Value
	}
	var target string
	switch p.Protocol {
	case samspil.SSOSAML:
		target, err = w.cfg.SAML.AuthURL(ctx, p, w.baseURL(r), &f)
	default:
		target, err = w.cfg.SSO.AuthURL(ctx, p, w.ssoRedirectURL(r), f)
	}
	if err != nil {
		slog.WarnContext(ctx, "sso: cannot start sign-in", "provider", p.ID, "error", err.Error())
		reason, _ := sso.ReasonOf(err)
		if aerr := w.store.SSOFailed(ctx, p.ID, "", reason, httpx.ClientAddr(ctx)); aerr != nil {
			w.fail(rw, r, aerr)
			return
		}
		w.showLogin(rw, r, http.StatusBadGateway, loginData{ReturnTo: returnTo}, "login.sso_unreachable", p.Name)
		return
	}
	if err := w.store.StartSSO(ctx, f); err != nil {
		w.fail(rw, r, err)
		return
	}
	http.SetCookie(rw, &http.Cookie{Name: ssoBindingCookie, Value: f.Binding, Path: ssoCallbackPath, MaxAge: int(ssoFlowTTL / time.Second),
		HttpOnly: true, Secure: w.cfg.Cookies.Secure, SameSite: http.SameSiteLaxMode})
	w.leaveFor(rw, r, target, p.Name)
}

// leaveData is the page that sends the browser on to an identity provider.
type leaveData struct {
	Target   string
	Provider string
}

// leaveFor answers a form post by sending the browser on to target at an
// identity provider. A redirect would not do: the site's
// Content-Security-Policy (form-action 'self') stops a form post that is
// redirected to another origin. The page goes on at once by a meta refresh,
// and has a link for a browser that does not follow it.
func (w *Web) leaveFor(rw http.ResponseWriter, r *http.Request, target, provider string) {
	v := w.newView(r, "login", leaveData{Target: target, Provider: provider})
	v.Title = w.cat.text(v.Lang, "sso.leaving_title", provider)
	v.Refresh = target
	w.render(rw, r, http.StatusOK, "sso_leave", v)
}

// ssoCallback finishes a sign-in: the provider sends the browser back here
// with the state it was given and a code (or an error).
func (w *Web) ssoCallback(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	q := r.URL.Query()
	binding := ""
	if c, err := r.Cookie(ssoBindingCookie); err == nil {
		binding = c.Value
	}
	f, err := w.store.FinishSSO(ctx, q.Get("state"), binding, httpx.ClientAddr(ctx))
	if err != nil {
		if samspil.ErrorCode(err) != samspil.EUNAUTHORIZED {
			w.fail(rw, r, err)
			return
		}
		w.showLogin(rw, r, http.StatusUnauthorized, loginData{ReturnTo: "/"}, "login.sso_state")
		return
	}
	p, err := w.store.SSOProvider(ctx, f.ProviderID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	var id *samspil.SSOIdentity
	switch p.Protocol {
	case samspil.SSOSAML:
		id, err = w.finishSAML(r, p, f)
	default:
		id, err = w.cfg.SSO.Finish(ctx, p, w.ssoRedirectURL(r), q, f)
	}
	if err != nil {
		reason, subject := sso.ReasonOf(err)
		slog.WarnContext(ctx, "sso: sign-in refused", "provider", p.ID, "reason", reason, "error", err.Error())
		if aerr := w.store.SSOFailed(ctx, p.ID, subject, reason, httpx.ClientAddr(ctx)); aerr != nil {
			w.fail(rw, r, aerr)
			return
		}
		w.showLogin(rw, r, http.StatusUnauthorized, loginData{ReturnTo: f.ReturnTo}, "login.sso_failed", p.Name)
		return
	}
	id.Source = httpx.ClientAddr(ctx)
	switch f.Purpose {
	case samspil.SSOTestPurpose:
		if actor.UserID != f.UserID || !actor.MayConfigureSSO(p.OrganizationID) {
			w.fail(rw, r, samspil.NotFound("identity_provider"))
			return
		}
		w.showTryResult(rw, r, p, id)
	case samspil.SSOLinkPurpose:
		if actor.UserID != f.UserID {
			w.fail(rw, r, samspil.Errorf(samspil.EUNAUTHORIZED, "sign in first"))
			return
		}
		if err := w.store.LinkSSO(ctx, actor, *id); err != nil {
			w.showAccount(rw, r, httpx.Status(err), err, accountData{})
			return
		}
		redirect(rw, r, "/account", "sso_linked")
	default:
		secret, _, err := w.store.SSOLogin(ctx, *id)
		if err != nil {
			switch samspil.ErrorCode(err) {
			case samspil.EUNAUTHORIZED, samspil.EFORBIDDEN, samspil.ECONFLICT, samspil.EINVALID:
				v := w.newView(r, "login", w.loginOptions(r, loginData{ReturnTo: f.ReturnTo}))
				v.Title = w.cat.text(v.Lang, "login.title")
				w.withError(v, err)
				w.render(rw, r, httpx.Status(err), "login", v)
			default:
				w.fail(rw, r, err)
			}
			return
		}
		w.cfg.Cookies.SetSessionCookie(rw, secret)
		http.Redirect(rw, r, localPath(f.ReturnTo, "/"), http.StatusSeeOther)
	}
}

// samlACS is the assertion consumer service: a SAML provider's page posts
// the response here, with the sign-in's state as RelayState. The post comes
// from the provider's site, so the browser's cookies (SameSite=Lax) are not
// with it: the response is kept with its sign-in, and the browser is sent
// on to the callback, where its binding cookie is, and where the response
// is checked.
func (w *Web) samlACS(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			w.fail(rw, r, samspil.Errorf(samspil.ETOOLARGE, "the form is larger than %d KiB", MaxSAMLFormBytes>>10))
			return
		}
		w.fail(rw, r, samspil.Errorf(samspil.EINVALID, "the form could not be read"))
		return
	}
	state := r.PostForm.Get("RelayState")
	raw, err := sso.DecodeResponse(r.PostForm.Get("SAMLResponse"))
	if err == nil && state == "" {
		err = &sso.Refusal{Reason: "unsolicited", Err: errors.New("a response without RelayState (sign-ins started at the provider are not accepted)")}
	}
	if err == nil {
		err = w.store.StashSAMLResponse(ctx, state, raw)
		if samspil.ErrorCode(err) == samspil.EUNAUTHORIZED {
			err = &sso.Refusal{Reason: "bad_state", Err: err}
		}
	}
	if err != nil {
		var ref *sso.Refusal
		if !errors.As(err, &ref) {
			w.fail(rw, r, err)
			return
		}
		slog.WarnContext(ctx, "sso: SAML response refused", "reason", ref.Reason, "error", err.Error())
		if aerr := w.store.SSOFailed(ctx, "", "", ref.Reason, httpx.ClientAddr(ctx)); aerr != nil {
			w.fail(rw, r, aerr)
			return
		}
		w.showLogin(rw, r, http.StatusUnauthorized, loginData{ReturnTo: "/"}, "login.sso_state")
		return
	}
	http.Redirect(rw, r, ssoCallbackPath+"?state="+url.QueryEscape(state), http.StatusSeeOther)
}

// finishSAML checks the SAML response kept with the sign-in.
func (w *Web) finishSAML(r *http.Request, p *samspil.IdentityProvider, f *samspil.SSOFlow) (*samspil.SSOIdentity, error) {
	if len(f.SAMLResponse) == 0 {
		return nil, &sso.Refusal{Reason: "no_response", Err: errors.New("the provider posted no response for this sign-in")}
	}
	org, err := w.store.FindOrganization(r.Context(), samspil.SystemActor("sso"), p.OrganizationID)
	if err != nil {
		return nil, err
	}
	return w.cfg.SAML.Finish(r.Context(), p, w.baseURL(r), org.CVR, f, f.SAMLResponse)
}

// samlMetadata publishes samspil's metadata for a SAML provider: its
// entity id, assertion consumer service and certificate, for the
// organisation to give its identity provider.
func (w *Web) samlMetadata(rw http.ResponseWriter, r *http.Request) {
	p, err := w.store.SSOProvider(r.Context(), r.PathValue("provider"))
	if err == nil && p.Protocol != samspil.SSOSAML {
		err = samspil.NotFound("identity_provider")
	}
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	md, err := w.cfg.SAML.Metadata(r.Context(), p, w.baseURL(r))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	rw.Header().Set("Content-Type", "application/samlmetadata+xml")
	rw.Header().Set("Cache-Control", "no-cache")
	rw.Write([]byte(xml.Header))
	rw.Write(md)
}

// loginOptions adds the providers to offer to the login page's data.
func (w *Web) loginOptions(r *http.Request, d loginData) loginData {
	opts, err := w.store.SignInOptions(r.Context())
	if err != nil {
		slog.ErrorContext(r.Context(), "sso: sign-in options", "error", err.Error())
	}
	d.Providers = opts
	return d
}

// showLogin shows the login page with a message from the catalogue.
func (w *Web) showLogin(rw http.ResponseWriter, r *http.Request, status int, d loginData, key string, args ...any) {
	v := w.newView(r, "login", w.loginOptions(r, d))
	v.Title = w.cat.text(v.Lang, "login.title")
	v.Error = w.cat.text(v.Lang, key, args...)
	w.render(rw, r, status, "login", v)
}

// tryResult is what the "try login" page shows: what arrived from the
// provider and what samspil would make of it.
type tryResult struct {
	Provider *samspil.IdentityProvider
	Identity *samspil.SSOIdentity
	Claims   []claimRow
	Matched  []samspil.RoleRule
	Role     samspil.Role
}

type claimRow struct{ Name, Value string }

func (w *Web) showTryResult(rw http.ResponseWriter, r *http.Request, p *samspil.IdentityProvider, id *samspil.SSOIdentity) {
	d := tryResult{Provider: p, Identity: id, Matched: p.MatchedValues(id.RoleValues), Role: p.GrantedRole(id.RoleValues)}
	for k, v := range id.Claims {
		d.Claims = append(d.Claims, claimRow{Name: k, Value: claimText(v)})
	}
	slices.SortFunc(d.Claims, func(a, b claimRow) int { return strings.Compare(a.Name, b.Name) })
	v := w.newView(r, "directory", d)
	v.Title = w.cat.text(v.Lang, "sso.try_title", p.Name)
	w.render(rw, r, http.StatusOK, "sso_try", v)
}

// claimText shows a claim's value: strings as they are, lists joined.
func claimText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, claimText(e))
		}
		return strings.Join(parts, ", ")
	case nil:
		return ""
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// ssoLogoutURL is where the browser goes after samspil's logout to end
// the provider's session too, or "" to stay.
func (w *Web) ssoLogoutURL(r *http.Request, via *samspil.SSOSession) (target, name string) {
	if via == nil {
		return "", ""
	}
	p, err := w.store.SSOProvider(r.Context(), via.ProviderID)
	if err != nil {
		return "", ""
	}
	switch p.Protocol {
	case samspil.SSOSAML:
		return w.cfg.SAML.LogoutURL(r.Context(), p, w.baseURL(r), via.Subject, via.SessionIndex), p.Name
	default:
		return w.cfg.SSO.LogoutURL(r.Context(), p, w.baseURL(r)+"/login?done=logged_out"), p.Name
	}
}

// samlSLO is a SAML provider's single logout service (HTTP-Redirect): the
// provider's answer to samspil's LogoutRequest, or the provider's own
// LogoutRequest when its session ended elsewhere, which ends the sessions
// it started for that person.
func (w *Web) samlSLO(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, err := w.store.SSOProvider(ctx, r.PathValue("provider"))
	if err == nil && p.Protocol != samspil.SSOSAML {
		err = samspil.NotFound("identity_provider")
	}
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	if r.URL.Query().Get("SAMLRequest") != "" {
		subject, answer, err := w.cfg.SAML.LogoutRequest(ctx, p, w.baseURL(r), r)
		if err != nil {
			slog.WarnContext(ctx, "sso: SAML logout request refused", "provider", p.ID, "error", err.Error())
			w.fail(rw, r, samspil.Errorf(samspil.EINVALID, "the logout request could not be accepted"))
			return
		}
		if _, err := w.store.EndSSOSessions(ctx, p.ID, subject); err != nil {
			w.fail(rw, r, err)
			return
		}
		http.Redirect(rw, r, answer, http.StatusSeeOther)
		return
	}
	if err := w.cfg.SAML.LogoutResponse(ctx, p, w.baseURL(r), r); err != nil {
		// samspil's session ended before the browser went to the provider.
		slog.WarnContext(ctx, "sso: SAML logout response refused", "provider", p.ID, "error", err.Error())
	}
	redirect(rw, r, "/login", "logged_out")
}

// signInData is the organisation's sign-in page.
type signInData struct {
	Org         *samspil.Organization
	Providers   []providerForm
	New         providerForm
	RedirectURL string
	Operator    bool // may require single sign-on and name break-glass accounts
	Roles       []samspil.Role
}

// providerForm is one provider's form, filled from the provider or from a
// failed post.
type providerForm struct {
	ID, Name, Domains, Issuer, ClientID, Scopes, RoleClaim, RoleMap, DefaultRole, BreakGlass string
	Enabled, RequireSSO, HasSecret, Failed                                                   bool
	Version                                                                                  int
	// Protocol is the provider's; a new provider's form offers both.
	Protocol samspil.SSOProtocol
	// SAML settings, and what samspil read of the metadata.
	MetadataXML, MetadataURL, EntityID, SSOURL, CVRAttribute, AssuranceAttribute, MinAssurance, RoleFormat string
	SPMetadataURL                                                                                          string
}

// providerFields is what the fields of one provider form need.
type providerFields struct {
	New      bool // the form of a new provider: both protocols' fields, none required
	F        providerForm
	P        string            // the prefix of the fields' ids
	Fields   map[string]string // field errors, when this form failed
	Roles    []samspil.Role
	Levels   []samspil.NSISLevel
	Operator bool
}

// ssoField is one text field of a provider form.
type ssoField struct {
	ID, Name, Value, Type, Label, Hint, Error string
	Required                                  bool
}

// ssoFieldPaths names the domain's path of a form field, where they differ.
var ssoFieldPaths = map[string]string{"issuer": "oidc.issuer", "client_id": "oidc.client_id", "scopes": "oidc.scopes",
	"metadata_url": "saml.metadata_url", "cvr_attribute": "saml.cvr_attribute", "assurance_attribute": "saml.assurance_attribute"}

// ssoInput is a text field of a provider form, with its error: the error
// of the field's path or of any element of it (email_domains[2]).
func ssoInput(pf providerFields, name, value, typ, label, hint string, required bool) ssoField {
	f := ssoField{ID: pf.P + "-" + name, Name: name, Value: value, Type: typ, Label: label, Hint: hint, Required: required && (!pf.New || name == "name")}
	path := name
	if p, ok := ssoFieldPaths[name]; ok {
		path = p
	}
	if e, ok := pf.Fields[path]; ok {
		f.Error = e
	}
	for k, e := range pf.Fields {
		if f.Error == "" && strings.HasPrefix(k, path+"[") {
			f.Error = e
		}
	}
	return f
}

func (w *Web) signInPage(rw http.ResponseWriter, r *http.Request) {
	w.showSignIn(rw, r, http.StatusOK, nil, newProviderForm())
}

// newProviderForm is the empty form of a new provider, with the usual
// values of both protocols: Entra ID's groups, OIOSAML's attributes.
func newProviderForm() providerForm {
	c := samspil.DefaultSAML()
	return providerForm{Enabled: true, Scopes: "email profile", RoleClaim: "groups", Protocol: samspil.SSOOIDC,
		CVRAttribute: c.CVRAttribute, AssuranceAttribute: c.AssuranceAttribute, MinAssurance: string(c.MinAssurance), RoleFormat: string(c.RoleFormat)}
}

func (w *Web) showSignIn(rw http.ResponseWriter, r *http.Request, status int, formErr error, failed providerForm) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	org, err := w.store.FindOrganization(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	ps, err := w.store.ListIdentityProviders(ctx, actor, org.ID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	emails, err := w.memberEmails(r, org.ID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d := &signInData{Org: org, RedirectURL: w.ssoRedirectURL(r), Operator: actor.MayRequireSSO(), Roles: samspil.Roles}
	for _, p := range ps {
		f := formOfProvider(p, emails)
		if failed.Failed && failed.ID == p.ID {
			f = failed
		}
		d.Providers = append(d.Providers, f)
	}
	d.New = failed
	if failed.ID != "" {
		d.New = newProviderForm()
	}
	for i := range d.Providers {
		if d.Providers[i].Protocol == samspil.SSOSAML {
			d.Providers[i].SPMetadataURL = w.baseURL(r) + sso.MetadataPath(d.Providers[i].ID)
		}
	}
	v := w.newView(r, "directory", d)
	v.Title = w.cat.text(v.Lang, "sso.title", org.Name)
	if formErr != nil {
		w.withError(v, formErr)
	}
	w.render(rw, r, status, "sign_in", v)
}

// memberEmails maps the organisation's members' user ids to e-mail
// addresses, for the break-glass field.
func (w *Web) memberEmails(r *http.Request, orgID string) (map[string]string, error) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	ms, err := allPages(func(cursor string) (*samspil.Page[samspil.Membership], error) {
		return w.store.ListMemberships(ctx, actor, samspil.MembershipFilter{OrganizationID: orgID, ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(ms))
	for _, m := range ms {
		out[m.UserID] = m.UserEmail
	}
	return out, nil
}

func formOfProvider(p samspil.IdentityProvider, emails map[string]string) providerForm {
	f := providerForm{ID: p.ID, Name: p.Name, Domains: strings.Join(p.EmailDomains, " "), RoleClaim: p.RoleClaim,
		DefaultRole: string(p.DefaultRole), Enabled: p.Enabled, RequireSSO: p.RequireSSO, Version: p.Version, Protocol: p.Protocol}
	if o := p.OIDC; o != nil {
		f.Issuer, f.ClientID, f.Scopes, f.HasSecret = o.Issuer, o.ClientID, strings.Join(o.Scopes, " "), o.HasSecret
	}
	if c := p.SAML; c != nil {
		f.MetadataXML, f.MetadataURL, f.EntityID, f.SSOURL = c.MetadataXML, c.MetadataURL, c.EntityID, c.SSOURL
		f.CVRAttribute, f.AssuranceAttribute, f.MinAssurance, f.RoleFormat = c.CVRAttribute, c.AssuranceAttribute, string(c.MinAssurance), string(c.RoleFormat)
	}
	lines := make([]string, 0, len(p.RoleMap))
	for _, rule := range p.RoleMap {
		lines = append(lines, rule.Value+" = "+string(rule.Role))
	}
	f.RoleMap = strings.Join(lines, "\n")
	var glass []string
	for _, u := range p.BreakGlass {
		if e, ok := emails[u]; ok {
			glass = append(glass, e)
		}
	}
	f.BreakGlass = strings.Join(glass, "\n")
	return f
}

// providerFromForm reads a provider's form. The role map is one rule per
// line, "value = role"; break-glass accounts are members' e-mail
// addresses, one per line.
func (w *Web) providerFromForm(r *http.Request, emails map[string]string) (providerForm, samspil.IdentityProviderInput, error) {
	f := providerForm{ID: r.PathValue("provider"), Name: r.PostFormValue("name"), Domains: r.PostFormValue("email_domains"),
		Issuer: r.PostFormValue("issuer"), ClientID: r.PostFormValue("client_id"), Scopes: r.PostFormValue("scopes"),
		RoleClaim: r.PostFormValue("role_claim"), RoleMap: r.PostFormValue("role_map"), DefaultRole: r.PostFormValue("default_role"),
		BreakGlass: r.PostFormValue("break_glass"), Enabled: r.PostFormValue("enabled") == "on",
		RequireSSO: r.PostFormValue("require_sso") == "on", Version: formVersion(r), Failed: true}
	f.Protocol = samspil.SSOProtocol(r.PostFormValue("protocol"))
	f.MetadataXML, f.MetadataURL = r.PostFormValue("metadata_xml"), r.PostFormValue("metadata_url")
	f.CVRAttribute, f.AssuranceAttribute = r.PostFormValue("cvr_attribute"), r.PostFormValue("assurance_attribute")
	f.MinAssurance, f.RoleFormat = r.PostFormValue("min_assurance"), r.PostFormValue("role_format")
	in := samspil.IdentityProviderInput{Protocol: f.Protocol, Name: f.Name, Enabled: &f.Enabled,
		EmailDomains: strings.FieldsFunc(f.Domains, isListSep), RoleClaim: f.RoleClaim, DefaultRole: samspil.Role(f.DefaultRole),
		RequireSSO: f.RequireSSO}
	switch f.Protocol {
	case samspil.SSOSAML:
		in.SAML = &samspil.SAMLConfig{MetadataXML: f.MetadataXML, MetadataURL: f.MetadataURL, CVRAttribute: f.CVRAttribute,
			AssuranceAttribute: f.AssuranceAttribute, MinAssurance: samspil.NSISLevel(f.MinAssurance), RoleFormat: samspil.SAMLRoleFormat(f.RoleFormat)}
		if strings.TrimSpace(f.MetadataXML) == "" && strings.TrimSpace(f.MetadataURL) != "" {
			md, err := w.cfg.SAML.FetchMetadata(r.Context(), strings.TrimSpace(f.MetadataURL))
			if err != nil {
				return f, in, err
			}
			in.SAML.MetadataXML = md
		}
	default:
		in.OIDC = &samspil.OIDCConfig{Issuer: f.Issuer, ClientID: f.ClientID, ClientSecret: r.PostFormValue("client_secret"),
			Scopes: strings.FieldsFunc(f.Scopes, isListSep)}
	}
	var v samspil.Validation
	for i, line := range strings.Split(f.RoleMap, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		value, role, ok := strings.Cut(line, "=")
		if !ok {
			v.Add("role_map", "line %d must read value = role", i+1)
			continue
		}
		in.RoleMap = append(in.RoleMap, samspil.RoleRule{Value: strings.TrimSpace(value), Role: samspil.Role(strings.TrimSpace(role))})
	}
	byEmail := map[string]string{}
	for id, e := range emails {
		byEmail[samspil.Fold(e)] = id
	}
	in.BreakGlass = []string{}
	for _, e := range strings.FieldsFunc(f.BreakGlass, isListSep) {
		id, ok := byEmail[samspil.Fold(e)]
		if !ok {
			v.Add("break_glass", "%s is not the address of a member of the organisation", e)
			continue
		}
		in.BreakGlass = append(in.BreakGlass, id)
	}
	return f, in, v.Err()
}

func isListSep(r rune) bool {
	return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' || r == ';'
}

func (w *Web) createProvider(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	emails, err := w.memberEmails(r, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	f, in, err := w.providerFromForm(r, emails)
	if err == nil {
		_, err = w.store.CreateIdentityProvider(ctx, actor, r.PathValue("id"), in)
	}
	w.afterProviderChange(rw, r, err, f, "sso_created")
}

// pathProvider finds the provider of the path, for who may configure it:
// ENOTFOUND unless it is the path's organisation's.
func (w *Web) pathProvider(r *http.Request) (*samspil.IdentityProvider, error) {
	p, err := w.store.FindIdentityProvider(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("provider"))
	if err == nil && p.OrganizationID != r.PathValue("id") {
		err = samspil.NotFound("identity_provider")
	}
	return p, err
}

func (w *Web) updateProvider(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	p, err := w.pathProvider(r)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	emails, err := w.memberEmails(r, p.OrganizationID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	r.PostForm.Set("protocol", string(p.Protocol)) // a provider keeps its protocol
	f, in, err := w.providerFromForm(r, emails)
	if err == nil {
		patch := samspil.IdentityProviderPatch{Name: &in.Name, Enabled: in.Enabled, EmailDomains: &in.EmailDomains, OIDC: in.OIDC,
			SAML: in.SAML, RoleClaim: &in.RoleClaim, RoleMap: &in.RoleMap, DefaultRole: &in.DefaultRole}
		if actor.MayRequireSSO() {
			patch.RequireSSO, patch.BreakGlass = &in.RequireSSO, &in.BreakGlass
		}
		_, err = w.store.UpdateIdentityProvider(ctx, actor, p.ID, f.Version, patch)
	}
	w.afterProviderChange(rw, r, err, f, "sso_updated")
}

func (w *Web) deleteProvider(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	p, err := w.pathProvider(r)
	if err == nil {
		err = w.store.DeleteIdentityProvider(ctx, actor, p.ID, formVersion(r))
	}
	w.afterProviderChange(rw, r, err, providerForm{ID: r.PathValue("provider"), Failed: true}, "sso_deleted")
}

func (w *Web) afterProviderChange(rw http.ResponseWriter, r *http.Request, err error, f providerForm, done string) {
	if err != nil {
		var e *samspil.Error
		if errors.As(err, &e) && slices.Contains([]string{samspil.EINVALID, samspil.ECONFLICT, samspil.ESTALE, samspil.EFORBIDDEN}, e.Code) {
			w.showSignIn(rw, r, httpx.Status(err), err, f)
			return
		}
		w.fail(rw, r, err)
		return
	}
	redirect(rw, r, "/organizations/"+r.PathValue("id")+"/sign-in", done)
}
