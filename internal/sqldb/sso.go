package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth/sso"
)

var _ samspil.SSOService = (*DB)(nil)

// Identity providers and sign-in through them. A provider is seen and kept
// by whoever may configure its organisation's sign-in
// (Actor.MayConfigureSSO); requiring single sign-on and naming break-glass
// accounts is for operators (Actor.MayRequireSSO). The client secret is
// read only by SSOProvider, for the protocol code: lists, answers and
// audit events never carry it.

const identityProviderSelect = `SELECT p.id, p.organization_id, o.name, p.protocol, p.name, p.enabled, p.settings, p.client_secret <> '',
	p.role_claim, p.role_map, p.default_role, p.require_sso, p.sp_cert, p.version, p.created_at, p.updated_at
	FROM identity_providers p JOIN organizations o ON o.id = p.organization_id`

func scanIdentityProvider(r rowScanner) (samspil.IdentityProvider, error) {
	var p samspil.IdentityProvider
	var settings, roleMap, spCert string
	var hasSecret bool
	var created, updated dbTime
	err := r.Scan(&p.ID, &p.OrganizationID, &p.OrganizationName, &p.Protocol, &p.Name, &p.Enabled, &settings, &hasSecret,
		&p.RoleClaim, &roleMap, &p.DefaultRole, &p.RequireSSO, &spCert, &p.Version, &created, &updated)
	if err != nil {
		return p, err
	}
	p.CreatedAt, p.UpdatedAt = created.T, updated.T
	switch p.Protocol {
	case samspil.SSOOIDC:
		p.OIDC = &samspil.OIDCConfig{}
		if err := json.Unmarshal([]byte(settings), p.OIDC); err != nil {
			return p, err
		}
		p.OIDC.HasSecret = hasSecret
	case samspil.SSOSAML:
		p.SAML = &samspil.SAMLConfig{}
		if err := json.Unmarshal([]byte(settings), p.SAML); err != nil {
			return p, err
		}
		p.SAML.SPCertificate = spCert
	}
	if err := json.Unmarshal([]byte(roleMap), &p.RoleMap); err != nil {
		return p, err
	}
	p.EmailDomains, p.BreakGlass = []string{}, []string{}
	return p, nil
}

// withProviderLists reads the domains and break-glass accounts of the
// providers, one query each.
func withProviderLists(ctx context.Context, qr querier, ps []samspil.IdentityProvider) error {
	if len(ps) == 0 {
		return nil
	}
	byID := map[string]*samspil.IdentityProvider{}
	var q query
	ids := make([]string, len(ps))
	for i := range ps {
		byID[ps[i].ID] = &ps[i]
		ids[i] = ps[i].ID
	}
	in := q.in(ids)
	for _, list := range []struct {
		sql string
		add func(p *samspil.IdentityProvider, v string)
	}{
		{`SELECT provider_id, domain FROM identity_provider_domains WHERE provider_id IN ` + in + ` ORDER BY domain`,
			func(p *samspil.IdentityProvider, v string) { p.EmailDomains = append(p.EmailDomains, v) }},
		{`SELECT provider_id, user_id FROM identity_provider_break_glass WHERE provider_id IN ` + in + ` ORDER BY user_id`,
			func(p *samspil.IdentityProvider, v string) { p.BreakGlass = append(p.BreakGlass, v) }},
	} {
		rows, err := qr.QueryContext(ctx, list.sql, q.args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, v string
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return err
			}
			list.add(byID[id], v)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// ListIdentityProviders lists an organisation's providers.
func (db *DB) ListIdentityProviders(ctx context.Context, actor *samspil.Actor, orgID string) ([]samspil.IdentityProvider, error) {
	org, err := db.findOrg(ctx, db.read, actor, orgID)
	if err != nil {
		return nil, err
	}
	if err := actor.Require(samspil.PermSignInManage, org.ID, org.Name); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, identityProviderSelect+` WHERE p.organization_id = $1 ORDER BY p.name, p.id`, org.ID)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, scanIdentityProvider)
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []samspil.IdentityProvider{}
	}
	return out, withProviderLists(ctx, db.read, out)
}

// FindIdentityProvider finds a provider; who may not configure its
// organisation's sign-in gets ENOTFOUND.
func (db *DB) FindIdentityProvider(ctx context.Context, actor *samspil.Actor, id string) (*samspil.IdentityProvider, error) {
	return db.findIdentityProvider(ctx, db.read, actor, id)
}

func (db *DB) findIdentityProvider(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.IdentityProvider, error) {
	p, err := scanIdentityProvider(qr.QueryRowContext(ctx, identityProviderSelect+` WHERE p.id = $1`, id))
	if err != nil {
		return nil, errNoRows(err, "identity_provider")
	}
	if !actor.MayConfigureSSO(p.OrganizationID) {
		return nil, samspil.NotFound("identity_provider")
	}
	ps := []samspil.IdentityProvider{p}
	if err := withProviderLists(ctx, qr, ps); err != nil {
		return nil, err
	}
	return &ps[0], nil
}

// CreateIdentityProvider adds a provider to an organisation.
func (db *DB) CreateIdentityProvider(ctx context.Context, actor *samspil.Actor, orgID string, in samspil.IdentityProviderInput) (*samspil.IdentityProvider, error) {
	var out *samspil.IdentityProvider
	err := db.update(ctx, actor, func(tx *Tx) error {
		org, err := db.findOrg(ctx, tx, actor, orgID)
		if err != nil {
			return err
		}
		if err := actor.Require(samspil.PermSignInManage, org.ID, org.Name); err != nil {
			return err
		}
		p := in.New(org.ID)
		if err := p.Validate(); err != nil {
			return err
		}
		if (p.RequireSSO || len(p.BreakGlass) > 0) && !actor.MayRequireSSO() {
			return samspil.ErrorAt(samspil.EFORBIDDEN, "require_sso", "only platform operators may require single sign-on or name break-glass accounts")
		}
		p.ID, p.Version, p.CreatedAt, p.UpdatedAt = newID(), 1, tx.now, tx.now
		p.OrganizationName = org.Name
		settings, roleMap, secret, err := providerColumns(&p)
		if err != nil {
			return err
		}
		var spKey, spCert string
		if p.Protocol == samspil.SSOSAML {
			// samspil's own key for this provider signs its requests.
			if spKey, spCert, err = sso.NewSPKey("samspil " + org.Name); err != nil {
				return err
			}
			p.SAML.SPCertificate = spCert
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO identity_providers (id, organization_id, protocol, name, enabled, settings, client_secret,
			role_claim, role_map, default_role, require_sso, sp_key, sp_cert, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $14)`,
			p.ID, p.OrganizationID, string(p.Protocol), p.Name, p.Enabled, settings, secret, p.RoleClaim, roleMap,
			string(p.DefaultRole), p.RequireSSO, spKey, spCert, tx.now); err != nil {
			return err
		}
		if err := tx.setProviderLists(&p, nil); err != nil {
			return err
		}
		out = redactedProvider(p)
		return tx.Audit(auditEntry{OrgID: p.OrganizationID, Action: "identity_provider.create", ObjectType: "identity_provider", ObjectID: p.ID, After: out})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateIdentityProvider changes a provider.
func (db *DB) UpdateIdentityProvider(ctx context.Context, actor *samspil.Actor, id string, version int, pt samspil.IdentityProviderPatch) (*samspil.IdentityProvider, error) {
	var out *samspil.IdentityProvider
	err := db.update(ctx, actor, func(tx *Tx) error {
		before, err := db.findIdentityProvider(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := checkVersion(before.Version, version); err != nil {
			return err
		}
		// Apply needs the stored secret to keep it when the patch has none.
		if before.OIDC != nil {
			if err := tx.QueryRowContext(ctx, `SELECT client_secret FROM identity_providers WHERE id = $1`, id).Scan(&before.OIDC.ClientSecret); err != nil {
				return err
			}
		}
		after := pt.Apply(cloneProvider(*before))
		if err := after.Validate(); err != nil {
			return err
		}
		if (after.RequireSSO != before.RequireSSO || !slices.Equal(after.BreakGlass, sortedCopy(before.BreakGlass))) && !actor.MayRequireSSO() {
			return samspil.ErrorAt(samspil.EFORBIDDEN, "require_sso", "only platform operators may require single sign-on or name break-glass accounts")
		}
		after.Version, after.UpdatedAt = before.Version+1, tx.now
		settings, roleMap, secret, err := providerColumns(&after)
		if err != nil {
			return err
		}
		if err := tx.execVersioned("identity_providers", "identity_provider", id, before.Version, `UPDATE identity_providers SET name = $1, enabled = $2,
			settings = $3, client_secret = $4, role_claim = $5, role_map = $6, default_role = $7, require_sso = $8, version = $9, updated_at = $10
			WHERE id = $11 AND version = $12`,
			after.Name, after.Enabled, settings, secret, after.RoleClaim, roleMap, string(after.DefaultRole), after.RequireSSO,
			after.Version, tx.now, id, before.Version); err != nil {
			return err
		}
		if err := tx.setProviderLists(&after, before); err != nil {
			return err
		}
		// A changed configuration ends the sign-ins under way with the old one.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sso_flows WHERE provider_id = $1`, id); err != nil {
			return err
		}
		out = redactedProvider(after)
		return tx.Audit(auditEntry{OrgID: after.OrganizationID, Action: "identity_provider.update", ObjectType: "identity_provider", ObjectID: id,
			Before: redactedProvider(*before), After: out})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteIdentityProvider removes a provider. The identities it vouched for
// go with it; the accounts stay (they may have passwords or other
// organisations), and their sessions through it end.
func (db *DB) DeleteIdentityProvider(ctx context.Context, actor *samspil.Actor, id string, version int) error {
	return db.update(ctx, actor, func(tx *Tx) error {
		p, err := db.findIdentityProvider(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := checkVersion(p.Version, version); err != nil {
			return err
		}
		var identities int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM login_identities WHERE provider = $1`, id).Scan(&identities); err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM login_identities WHERE provider = $1`,
			`DELETE FROM sessions WHERE provider_id = $1`,
		} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		if err := tx.execVersioned("identity_providers", "identity_provider", id, p.Version,
			`DELETE FROM identity_providers WHERE id = $1 AND version = $2`, id, p.Version); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: p.OrganizationID, Action: "identity_provider.delete", ObjectType: "identity_provider", ObjectID: id,
			Before: redactedProvider(*p), After: map[string]int{"identities_removed": identities}})
	})
}

// providerColumns encodes a provider's JSON columns and its secret.
func providerColumns(p *samspil.IdentityProvider) (settings, roleMap, secret string, err error) {
	settings = "{}"
	var b []byte
	switch {
	case p.Protocol == samspil.SSOOIDC && p.OIDC != nil:
		o := *p.OIDC
		secret, o.ClientSecret, o.HasSecret = o.ClientSecret, "", false
		b, err = json.Marshal(o)
	case p.Protocol == samspil.SSOSAML && p.SAML != nil:
		c := *p.SAML
		c.SPCertificate, c.SPKey = "", "" // columns of their own
		b, err = json.Marshal(c)
	}
	if err != nil {
		return "", "", "", err
	}
	if b != nil {
		settings = string(b)
	}
	b, err = json.Marshal(p.RoleMap)
	return settings, string(b), secret, err
}

// setProviderLists writes a provider's e-mail domains and break-glass
// accounts where they differ from before (nil for a new provider). A domain
// belongs to one provider in the installation; a break-glass account must
// belong to the provider's organisation.
func (tx *Tx) setProviderLists(p *samspil.IdentityProvider, before *samspil.IdentityProvider) error {
	var oldDomains, oldGlass []string
	if before != nil {
		oldDomains, oldGlass = before.EmailDomains, before.BreakGlass
	}
	if !slices.Equal(oldDomains, p.EmailDomains) {
		if _, err := tx.ExecContext(tx.ctx, `DELETE FROM identity_provider_domains WHERE provider_id = $1`, p.ID); err != nil {
			return err
		}
		for i, d := range p.EmailDomains {
			_, err := tx.ExecContext(tx.ctx, `INSERT INTO identity_provider_domains (domain, provider_id) VALUES ($1, $2)`, d, p.ID)
			if isUniqueViolation(err) {
				return samspil.ErrorAt(samspil.ECONFLICT, "email_domains["+strconv.Itoa(i)+"]", "%s is the domain of another identity provider already", d)
			}
			if err != nil {
				return err
			}
		}
	}
	p.BreakGlass = sortedCopy(p.BreakGlass)
	if !slices.Equal(sortedCopy(oldGlass), p.BreakGlass) {
		if _, err := tx.ExecContext(tx.ctx, `DELETE FROM identity_provider_break_glass WHERE provider_id = $1`, p.ID); err != nil {
			return err
		}
		for i, u := range slices.Compact(p.BreakGlass) {
			var member int
			if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM memberships WHERE user_id = $1 AND organization_id = $2`,
				u, p.OrganizationID).Scan(&member); err != nil {
				return err
			}
			if member == 0 {
				return samspil.ErrorAt(samspil.EINVALID, "break_glass["+strconv.Itoa(i)+"]", "must be a user who belongs to %s", p.OrganizationName)
			}
			if _, err := tx.ExecContext(tx.ctx, `INSERT INTO identity_provider_break_glass (provider_id, user_id) VALUES ($1, $2)`, p.ID, u); err != nil {
				return err
			}
		}
	}
	return nil
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

func cloneProvider(p samspil.IdentityProvider) samspil.IdentityProvider {
	p.EmailDomains = slices.Clone(p.EmailDomains)
	p.BreakGlass = slices.Clone(p.BreakGlass)
	p.RoleMap = slices.Clone(p.RoleMap)
	if p.OIDC != nil {
		o := *p.OIDC
		o.Scopes = slices.Clone(o.Scopes)
		p.OIDC = &o
	}
	if p.SAML != nil {
		c := *p.SAML
		p.SAML = &c
	}
	return p
}

// redactedProvider is the provider as answers and audit events show it:
// without its secret.
func redactedProvider(p samspil.IdentityProvider) *samspil.IdentityProvider {
	p = cloneProvider(p)
	if p.OIDC != nil {
		p.OIDC.HasSecret = p.OIDC.HasSecret || p.OIDC.ClientSecret != ""
		p.OIDC.ClientSecret = ""
	}
	if p.SAML != nil {
		p.SAML.SPKey = ""
	}
	return &p
}

// SignInOptions lists the enabled providers for the login page.
func (db *DB) SignInOptions(ctx context.Context) ([]samspil.SignInOption, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT p.id, p.name, o.name FROM identity_providers p JOIN organizations o ON o.id = p.organization_id
		WHERE p.enabled ORDER BY o.name_fold, p.name, p.id LIMIT 200`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r rowScanner) (samspil.SignInOption, error) {
		var o samspil.SignInOption
		return o, r.Scan(&o.ProviderID, &o.Name, &o.OrganizationName)
	})
}

// ProviderForEmail finds the enabled provider of an address's domain.
func (db *DB) ProviderForEmail(ctx context.Context, email string) (*samspil.SignInOption, error) {
	at := strings.LastIndexByte(email, '@')
	domain := strings.ToLower(strings.TrimSpace(email[at+1:]))
	var o samspil.SignInOption
	err := db.read.QueryRowContext(ctx, `SELECT p.id, p.name, o.name FROM identity_provider_domains d
		JOIN identity_providers p ON p.id = d.provider_id JOIN organizations o ON o.id = p.organization_id
		WHERE d.domain = $1 AND p.enabled`, domain).Scan(&o.ProviderID, &o.Name, &o.OrganizationName)
	if err != nil {
		return nil, errNoRows(err, "identity_provider")
	}
	return &o, nil
}

// SSOProvider returns a provider's configuration with its secret.
func (db *DB) SSOProvider(ctx context.Context, id string) (*samspil.IdentityProvider, error) {
	p, err := db.findIdentityProvider(ctx, db.read, samspil.SystemActor("sso"), id)
	if err != nil {
		return nil, err
	}
	var secret, key string
	if err := db.read.QueryRowContext(ctx, `SELECT client_secret, sp_key FROM identity_providers WHERE id = $1`, id).Scan(&secret, &key); err != nil {
		return nil, err
	}
	if p.OIDC != nil {
		p.OIDC.ClientSecret = secret
	}
	if p.SAML != nil {
		p.SAML.SPKey = key
	}
	return p, nil
}

// SAMLMetadataSources lists the SAML providers whose metadata is read from
// an address, for the refresh job (system scope).
func (db *DB) SAMLMetadataSources(ctx context.Context) ([]samspil.IdentityProvider, error) {
	rows, err := db.read.QueryContext(ctx, identityProviderSelect+` WHERE p.protocol = 'saml' ORDER BY p.id`)
	if err != nil {
		return nil, err
	}
	all, err := collect(rows, scanIdentityProvider)
	if err != nil {
		return nil, err
	}
	var out []samspil.IdentityProvider
	for _, p := range all {
		if p.SAML != nil && p.SAML.MetadataURL != "" {
			out = append(out, p)
		}
	}
	return out, withProviderLists(ctx, db.read, out)
}

// StartSSO records a sign-in under way, and forgets those past their time.
func (db *DB) StartSSO(ctx context.Context, f samspil.SSOFlow) error {
	now := db.now()
	var v samspil.Validation
	v.Check(len(f.State) >= 32 && len(f.Binding) >= 32, "state", "must be a random secret")
	v.Check(slices.Contains(samspil.SSOPurposes, f.Purpose), "purpose", "must be login, link or test")
	v.Check(f.ExpiresAt.After(now), "expires_at", "must be in the future")
	if err := v.Err(); err != nil {
		return err
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM sso_flows WHERE expires_at <= $1`, now); err != nil {
		return err
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO sso_flows (state_hash, binding_hash, provider_id, purpose, user_id, nonce, verifier,
		return_to, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		hashSecret(f.State), hashSecret(f.Binding), f.ProviderID, string(f.Purpose), nullString(f.UserID), f.Nonce, f.Verifier,
		f.ReturnTo, now, f.ExpiresAt)
	return err
}

// FinishSSO takes a sign-in under way once, and audits a refusal: an
// unknown state (forged, or used already), a flow past its time, or one
// started in another browser.
func (db *DB) FinishSSO(ctx context.Context, state, binding string, source netip.Addr) (*samspil.SSOFlow, error) {
	f := samspil.SSOFlow{State: state, Binding: binding}
	var bindingHash string
	var userID, response *string
	var expires dbTime
	// DELETE … RETURNING takes the flow once, also when two callbacks race.
	err := db.write.QueryRowContext(ctx, `DELETE FROM sso_flows WHERE state_hash = $1
		RETURNING binding_hash, provider_id, purpose, user_id, nonce, verifier, return_to, saml_response, expires_at`, hashSecret(state)).
		Scan(&bindingHash, &f.ProviderID, &f.Purpose, &userID, &f.Nonce, &f.Verifier, &f.ReturnTo, &response, &expires)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	f.UserID, f.ExpiresAt = deref(userID), expires.T
	if response != nil {
		f.SAMLResponse = []byte(*response)
	}
	reason := ""
	switch {
	case err != nil || state == "":
		reason = "bad_state"
	case !db.now().Before(expires.T):
		reason = "expired"
	case binding == "" || hashSecret(binding) != bindingHash:
		reason = "wrong_browser"
	}
	if reason == "" {
		return &f, nil
	}
	if err := db.SSOFailed(ctx, f.ProviderID, "", reason, source); err != nil {
		return nil, err
	}
	if reason == "wrong_browser" {
		return nil, samspil.Errorf(samspil.EUNAUTHORIZED, "the sign-in was started in another browser; start again")
	}
	return nil, samspil.Errorf(samspil.EUNAUTHORIZED, "the sign-in is unknown, was used already or has expired; start again")
}

// StashSAMLResponse keeps a SAML response posted to the assertion consumer
// service with its sign-in, once, until the browser comes to the callback
// with its binding cookie (which a cross-site POST does not carry). It
// answers EUNAUTHORIZED for an unknown or finished sign-in, or one that has
// a response already.
func (db *DB) StashSAMLResponse(ctx context.Context, state string, response []byte) error {
	res, err := db.write.ExecContext(ctx, `UPDATE sso_flows SET saml_response = $1
		WHERE state_hash = $2 AND saml_response IS NULL AND expires_at > $3`, string(response), hashSecret(state), db.now())
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return samspil.Errorf(samspil.EUNAUTHORIZED, "the sign-in is unknown, was used already or has expired; start again")
	}
	return nil
}

// ConsumeAssertion records a SAML assertion as accepted; ECONFLICT when it
// was accepted before.
func (db *DB) ConsumeAssertion(ctx context.Context, providerID, assertionID string, expires time.Time) error {
	if assertionID == "" || len(assertionID) > 500 {
		return samspil.ErrorAt(samspil.EINVALID, "assertion_id", "must be 1 to 500 characters")
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO saml_assertions (provider_id, assertion_id, expires_at) VALUES ($1, $2, $3)`,
		providerID, assertionID, expires)
	if isUniqueViolation(err) {
		return samspil.Errorf(samspil.ECONFLICT, "the assertion was used already")
	}
	return err
}

// ssoActor is who changes accounts and roles on a provider's word: the
// audit log names the provider and the subject it vouched for on every
// change of the sign-in.
func ssoActor(p *samspil.IdentityProvider, subject string) *samspil.Actor {
	return samspil.SystemActor(auditText("sso: "+p.Name+" ("+p.ID+"), subject "+subject, 500))
}

// ssoRefusal is a sign-in the store refused after committing what it
// changed (a role the provider no longer grants is taken away even when
// the sign-in then fails).
type ssoRefusal struct {
	reason  string
	err     error
	changed bool // the transaction changed something to commit (and audited it)
}

// SSOLogin signs in the person a provider vouches for.
func (db *DB) SSOLogin(ctx context.Context, id samspil.SSOIdentity) (string, *samspil.User, error) {
	p, err := db.SSOProvider(ctx, id.ProviderID)
	if err != nil {
		return "", nil, err
	}
	fail := func(reason string, err error) (string, *samspil.User, error) {
		if aerr := db.SSOFailed(ctx, p.ID, id.Subject, reason, id.Source); aerr != nil {
			return "", nil, aerr
		}
		return "", nil, err
	}
	if !p.Enabled {
		return fail("provider_disabled", samspil.Errorf(samspil.EUNAUTHORIZED, "sign-in through %s is switched off", p.Name))
	}
	if err := id.Validate(); err != nil {
		return fail("invalid_claims", err)
	}
	role := p.GrantedRole(id.RoleValues)
	secret := newSecret()
	user := &samspil.User{}
	var refused *ssoRefusal
	err = db.update(ctx, ssoActor(p, id.Subject), func(tx *Tx) error {
		refused = nil
		userID, err := tx.ssoAccount(p, id, role)
		if err != nil {
			var r *ssoRefusal
			if errors.As(err, &r) {
				refused = r
				if !r.changed {
					return errUnchanged
				}
				return nil // commit what changed; the sign-in fails below
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET last_login_at = $1 WHERE id = $2`, tx.now, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (secret_hash, user_id, created_at, last_seen_at, expires_at, provider_id,
			sso_subject, sso_session_index) VALUES ($1, $2, $3, $3, $4, $5, $6, $7)`, hashSecret(secret), userID, tx.now,
			tx.now.Add(db.policy.SessionLifetime), p.ID, id.Subject, nullString(id.SessionIndex)); err != nil {
			return err
		}
		u, err := db.findUser(ctx, tx, samspil.SystemActor("store"), userID)
		if err != nil {
			return err
		}
		*user = *u
		return tx.auditAs(&samspil.Actor{Kind: samspil.ActorUser, UserID: userID, Name: u.DisplayName},
			auditEntry{OrgID: p.OrganizationID, Action: "login.success", ObjectType: "user", ObjectID: userID,
				After: map[string]string{"method": string(p.Protocol), "provider": p.ID, "provider_name": p.Name, "subject": id.Subject, "role": string(role)}})
	})
	if err != nil {
		return "", nil, err
	}
	if refused != nil {
		return fail(refused.reason, refused.err)
	}
	return secret, user, nil
}

func (r *ssoRefusal) Error() string { return r.reason }

// ssoAccount finds or creates the account of a provider's subject and sets
// its role in the provider's organisation to role ("" takes it away). It
// answers an *ssoRefusal when the person may not sign in.
func (tx *Tx) ssoAccount(p *samspil.IdentityProvider, id samspil.SSOIdentity, role samspil.Role) (string, error) {
	ctx := tx.ctx
	var userID string
	err := tx.QueryRowContext(ctx, `SELECT user_id FROM login_identities WHERE provider = $1 AND subject = $2`, p.ID, id.Subject).Scan(&userID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	if userID == "" {
		if role == "" {
			return "", &ssoRefusal{"no_role", samspil.Errorf(samspil.EFORBIDDEN, "%s has not given you access to samspil; ask your IT department", p.OrganizationName), false}
		}
		return tx.ssoCreateAccount(p, id, role)
	}
	var disabled bool
	var email, name string
	if err := tx.QueryRowContext(ctx, `SELECT disabled, email, display_name FROM users WHERE id = $1`, userID).Scan(&disabled, &email, &name); err != nil {
		return "", err
	}
	if disabled {
		return "", &ssoRefusal{"disabled", samspil.Errorf(samspil.EUNAUTHORIZED, "the account is disabled"), false}
	}
	acc, err := accountFacts(ctx, tx, userID)
	if err != nil {
		return "", err
	}
	if samspil.ProviderMayUpdateAccount(p.OrganizationID, acc) {
		if err := tx.ssoUpdateAccount(userID, email, name, id); err != nil {
			return "", err
		}
	}
	var membershipID string
	var current samspil.Role
	err = tx.QueryRowContext(ctx, `SELECT id, role FROM memberships WHERE user_id = $1 AND organization_id = $2`, userID, p.OrganizationID).
		Scan(&membershipID, &current)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	switch {
	case membershipID == "" && role != "":
		if err := tx.ssoAddMembership(p, userID, role); err != nil {
			return "", err
		}
	case membershipID != "" && role != current:
		m, err := tx.db.findMembership(ctx, tx, samspil.SystemActor("store"), membershipID)
		if err != nil {
			return "", err
		}
		if role != samspil.RoleAdmin {
			if err := tx.checkNotLastAdmin(m); err != nil {
				// The last administrator keeps the role, so that the
				// organisation is not locked out of its own configuration.
				if aerr := tx.Audit(auditEntry{OrgID: p.OrganizationID, Action: "membership.sso_kept", ObjectType: "membership", ObjectID: m.ID,
					After: map[string]string{"reason": "last_admin", "granted": string(role), "provider": p.ID, "subject": id.Subject}}); aerr != nil {
					return "", aerr
				}
				return userID, nil
			}
		}
		if role == "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE id = $1`, m.ID); err != nil {
				return "", err
			}
			// The sessions the provider vouched for end with the role.
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND provider_id = $2`, userID, p.ID); err != nil {
				return "", err
			}
			if err := tx.Audit(auditEntry{OrgID: p.OrganizationID, Action: "membership.delete", ObjectType: "membership", ObjectID: m.ID,
				Before: m, After: map[string]string{"provider": p.ID, "subject": id.Subject}}); err != nil {
				return "", err
			}
			return "", &ssoRefusal{"no_role", samspil.Errorf(samspil.EFORBIDDEN, "%s has not given you access to samspil; ask your IT department", p.OrganizationName), true}
		}
		after := *m
		after.Role, after.Version, after.UpdatedAt = role, m.Version+1, tx.now
		if _, err := tx.ExecContext(ctx, `UPDATE memberships SET role = $1, version = $2, updated_at = $3 WHERE id = $4`,
			string(role), after.Version, tx.now, m.ID); err != nil {
			return "", err
		}
		if err := tx.Audit(auditEntry{OrgID: p.OrganizationID, Action: "membership.update", ObjectType: "membership", ObjectID: m.ID,
			Before: m, After: after}); err != nil {
			return "", err
		}
	case membershipID == "":
		return "", &ssoRefusal{"no_role", samspil.Errorf(samspil.EFORBIDDEN, "%s has not given you access to samspil; ask your IT department", p.OrganizationName), false}
	}
	return userID, nil
}

// ssoCreateAccount creates the account of a provider's subject on first
// sign-in: an account of the provider's organisation without a password.
// An address that has an account already is not taken over: its owner
// signs in as before and links the provider from their account.
func (tx *Tx) ssoCreateAccount(p *samspil.IdentityProvider, id samspil.SSOIdentity, role samspil.Role) (string, error) {
	u := samspil.User{Email: strings.TrimSpace(id.Email), DisplayName: strings.TrimSpace(id.Name)}
	if u.DisplayName == "" {
		u.DisplayName = u.Email
	}
	if !samspil.ValidEmail(u.Email) {
		return "", &ssoRefusal{"no_email", samspil.Errorf(samspil.EFORBIDDEN, "%s did not send an e-mail address, which samspil needs to create your account; ask your IT department", p.Name), false}
	}
	userID, err := tx.insertUser(u, "", p.OrganizationID)
	if samspil.ErrorCode(err) == samspil.ECONFLICT {
		return "", &ssoRefusal{"email_taken", samspil.Errorf(samspil.ECONFLICT,
			"an account with the address %s exists already; sign in with it and link %s on your account page", u.Email, p.Name), false}
	}
	if err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO login_identities (id, user_id, provider, subject, created_at) VALUES ($1, $2, $3, $4, $5)`,
		newID(), userID, p.ID, id.Subject, tx.now); err != nil {
		return "", err
	}
	if err := tx.Audit(auditEntry{OrgID: p.OrganizationID, Action: "user.create", ObjectType: "user", ObjectID: userID,
		After: map[string]string{"email": u.Email, "display_name": u.DisplayName, "provider": p.ID, "subject": id.Subject}}); err != nil {
		return "", err
	}
	return userID, tx.ssoAddMembership(p, userID, role)
}

func (tx *Tx) ssoAddMembership(p *samspil.IdentityProvider, userID string, role samspil.Role) error {
	mid := newID()
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO memberships (id, user_id, organization_id, role, version, created_at, updated_at)
		VALUES ($1, $2, $3, $4, 1, $5, $5)`, mid, userID, p.OrganizationID, string(role), tx.now); err != nil {
		return err
	}
	m, err := tx.db.findMembership(tx.ctx, tx, samspil.SystemActor("store"), mid)
	if err != nil {
		return err
	}
	return tx.Audit(auditEntry{OrgID: p.OrganizationID, Action: "membership.create", ObjectType: "membership", ObjectID: mid, After: m})
}

// ssoUpdateAccount takes a changed name and address from the provider; an
// address another account has stays as it was.
func (tx *Tx) ssoUpdateAccount(userID, email, name string, id samspil.SSOIdentity) error {
	newName, newEmail := strings.TrimSpace(id.Name), strings.TrimSpace(id.Email)
	if newName == "" {
		newName = name
	}
	if !samspil.ValidEmail(newEmail) {
		newEmail = email
	}
	if newName == name && newEmail == email {
		return nil
	}
	if samspil.Fold(newEmail) != samspil.Fold(email) {
		var taken int
		if err := tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM users WHERE email_fold = $1`, samspil.Fold(newEmail)).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			newEmail = email
		}
	}
	if newName == name && newEmail == email {
		return nil
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE users SET email = $1, email_fold = $2, display_name = $3, name_fold = $4,
		version = version + 1, updated_at = $5 WHERE id = $6`,
		newEmail, samspil.Fold(newEmail), newName, samspil.Fold(newName), tx.now, userID); err != nil {
		return err
	}
	return tx.Audit(auditEntry{Action: "user.update", ObjectType: "user", ObjectID: userID,
		Before: map[string]string{"email": email, "display_name": name}, After: map[string]string{"email": newEmail, "display_name": newName}})
}

// LinkSSO links a provider's identity to the signed-in user.
func (db *DB) LinkSSO(ctx context.Context, actor *samspil.Actor, id samspil.SSOIdentity) error {
	if !actor.SignedIn() || actor.Kind != samspil.ActorUser {
		return samspil.Errorf(samspil.EUNAUTHORIZED, "sign in first")
	}
	p, err := db.SSOProvider(ctx, id.ProviderID)
	if err != nil {
		return err
	}
	if err := id.Validate(); err != nil {
		return err
	}
	if !actor.MemberOf(p.OrganizationID) {
		return samspil.Errorf(samspil.EFORBIDDEN, "only people of %s may link its sign-in", p.OrganizationName)
	}
	return db.update(ctx, actor, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO login_identities (id, user_id, provider, subject, created_at) VALUES ($1, $2, $3, $4, $5)`,
			newID(), actor.UserID, p.ID, id.Subject, tx.now)
		if isUniqueViolation(err) {
			return samspil.Errorf(samspil.ECONFLICT, "this %s login is linked to an account already", p.Name)
		}
		if err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: p.OrganizationID, Action: "identity.link", ObjectType: "user", ObjectID: actor.UserID,
			After: map[string]string{"provider": p.ID, "provider_name": p.Name, "subject": id.Subject}})
	})
}

// SSOFailed audits a refused sign-in at a provider.
func (db *DB) SSOFailed(ctx context.Context, providerID, subject, reason string, source netip.Addr) error {
	var orgID, userID string
	if err := db.read.QueryRowContext(ctx, `SELECT organization_id FROM identity_providers WHERE id = $1`, providerID).Scan(&orgID); err != nil &&
		!errors.Is(err, sql.ErrNoRows) {
		return err
	}
	clean := auditText(subject, 255)
	if subject != "" && clean == subject {
		if err := db.read.QueryRowContext(ctx, `SELECT user_id FROM login_identities WHERE provider = $1 AND subject = $2`, providerID, subject).
			Scan(&userID); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	after := map[string]string{"reason": reason, "provider": providerID, "subject": clean}
	if s := sourceKey(source); s != "" {
		after["source"] = s
	}
	return db.update(ctx, samspil.Anonymous(), func(tx *Tx) error {
		return tx.Audit(auditEntry{OrgID: orgID, Action: "login.failure", ObjectType: "user", ObjectID: userID, After: after})
	})
}

// AccountSSO lists the enabled providers of the actor's organisations.
func (db *DB) AccountSSO(ctx context.Context, actor *samspil.Actor) ([]samspil.SSOLink, error) {
	if actor.Kind != samspil.ActorUser {
		return []samspil.SSOLink{}, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT p.id, p.name, o.name,
		EXISTS (SELECT 1 FROM login_identities li WHERE li.provider = p.id AND li.user_id = $1)
		FROM identity_providers p JOIN organizations o ON o.id = p.organization_id
		JOIN memberships m ON m.organization_id = p.organization_id AND m.user_id = $1
		WHERE p.enabled ORDER BY o.name_fold, p.name, p.id`, actor.UserID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r rowScanner) (samspil.SSOLink, error) {
		var l samspil.SSOLink
		return l, r.Scan(&l.ProviderID, &l.Name, &l.OrganizationName, &l.Linked)
	})
}

// SessionSSO returns how a session was started; nil for a password.
func (db *DB) SessionSSO(ctx context.Context, token string) (*samspil.SSOSession, error) {
	var p, subject, index *string
	err := db.read.QueryRowContext(ctx, `SELECT provider_id, sso_subject, sso_session_index FROM sessions WHERE secret_hash = $1`,
		hashSecret(token)).Scan(&p, &subject, &index)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && p == nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &samspil.SSOSession{ProviderID: *p, Subject: deref(subject), SessionIndex: deref(index)}, nil
}

// EndSSOSessions ends the sessions a provider started for a subject.
func (db *DB) EndSSOSessions(ctx context.Context, providerID, subject string) (int, error) {
	var ended int64
	var orgID string
	err := db.update(ctx, samspil.SystemActor("sso: single logout"), func(tx *Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT organization_id FROM identity_providers WHERE id = $1`, providerID).Scan(&orgID); err != nil {
			return errNoRows(err, "identity_provider")
		}
		var userID string
		err := tx.QueryRowContext(ctx, `SELECT user_id FROM login_identities WHERE provider = $1 AND subject = $2`, providerID, subject).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return errUnchanged
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE provider_id = $1 AND sso_subject = $2`, providerID, subject)
		if err != nil {
			return err
		}
		if ended, _ = res.RowsAffected(); ended == 0 {
			return errUnchanged
		}
		return tx.Audit(auditEntry{OrgID: orgID, Action: "logout", ObjectType: "user", ObjectID: userID,
			After: map[string]any{"by": "provider", "provider": providerID, "subject": subject, "sessions": ended}})
	})
	return int(ended), err
}

// passwordBarred reports whether single sign-on bars the user's password
// (samspil.MayUsePassword), given the providers of their organisations that
// require it.
func passwordBarred(ctx context.Context, qr querier, userID string) (bool, error) {
	rows, err := qr.QueryContext(ctx, identityProviderSelect+` JOIN memberships m ON m.organization_id = p.organization_id
		WHERE m.user_id = $1 AND p.require_sso`, userID)
	if err != nil {
		return false, err
	}
	requiring, err := collect(rows, scanIdentityProvider)
	if err != nil {
		return false, err
	}
	if err := withProviderLists(ctx, qr, requiring); err != nil {
		return false, err
	}
	return !samspil.MayUsePassword(userID, requiring), nil
}

// auditText makes what an outsider sent fit for the audit log: valid UTF-8
// without control characters (PostgreSQL refuses U+0000 in text), at most
// max bytes.
func auditText(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '\uFFFD'
		}
		return r
	}, s)
	for len(s) > max {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}
