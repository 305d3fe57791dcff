package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// mineData is "Vores initiativer": per organisation of the reader, the
// initiatives it owns or takes part in, with its stand, its share of the
// costs under each initiative's chosen key and the resources it pledged.
type mineData struct {
	Orgs  []mineOrg
	Names initiativeNames
}

// mineOrg is one of the reader's organisations and its initiatives.
type mineOrg struct {
	Org  *samspil.Organization
	Rows []mineRow
	// Development and Operation sum the organisation's shares.
	Development, Operation samspil.DKK
}

// mineRow is one initiative as the organisation stands in it.
type mineRow struct {
	X     *samspil.Initiative
	Owner bool
	// Part is the organisation's participation; nil for an owner that has
	// none.
	Part *samspil.Participation
	// Since is the day of the participation's state, or the day the
	// owner proposed the initiative.
	Since samspil.Date
	// Shared tells that the organisation takes part and its share under
	// the chosen key is known; Problem says why the key cannot split.
	Shared                 bool
	Development, Operation samspil.DKK
	Problem                string
}

// myInitiatives shows the initiatives the reader's organisations own or
// take part in.
func (w *Web) myInitiatives(rw http.ResponseWriter, r *http.Request) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	lang := language(r)
	d := mineData{Names: w.initiativeNames(lang)}
	shares := map[string]*samspil.CostShares{}
	for _, orgID := range actor.OrgIDs() {
		org, err := w.store.FindOrganization(ctx, actor, orgID)
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		xs, err := allPages(func(cursor string) (*samspil.Page[samspil.Initiative], error) {
			return w.store.ListInitiatives(ctx, actor, samspil.InitiativeFilter{OrganizationID: org.ID,
				ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
		})
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		mo := mineOrg{Org: org}
		for i := range xs {
			x := &xs[i]
			row := mineRow{X: x, Owner: x.OwnerID == org.ID, Since: samspil.Today(x.CreatedAt)}
			for j := range x.Participations {
				if p := &x.Participations[j]; p.OrganizationID == org.ID {
					row.Part, row.Since = p, p.Since
				}
			}
			if row.Part != nil && row.Part.State.Participates() {
				cs, ok := shares[x.ID]
				if !ok {
					cs = x.CostShares()
					shares[x.ID] = cs
				}
				w.ourShare(&row, cs, org.ID, lang)
				mo.Development += row.Development
				mo.Operation += row.Operation
			}
			mo.Rows = append(mo.Rows, row)
		}
		d.Orgs = append(d.Orgs, mo)
	}
	v := w.newView(r, "initiatives", d)
	v.Title = w.cat.text(v.Lang, "initiatives_mine.title")
	w.render(rw, r, http.StatusOK, "initiatives_mine", v)
}

// ourShare fills in the organisation's share of the development and the
// yearly operation under the initiative's chosen key, or why the key
// cannot split, in lang.
func (w *Web) ourShare(row *mineRow, cs *samspil.CostShares, orgID, lang string) {
	at := -1
	for i, p := range cs.Participants {
		if p.OrganizationID == orgID {
			at = i
		}
	}
	if at < 0 {
		return
	}
	for _, k := range cs.Keys {
		if k.Key != cs.Chosen {
			continue
		}
		switch {
		case k.Err != nil:
			row.Problem = w.errorText(lang, k.Err)
		case k.Problem != "":
			row.Problem = w.cat.sentence(lang, k.Problem)
		case at < len(k.Development) && at < len(k.Operation):
			row.Shared, row.Development, row.Operation = true, k.Development[at], k.Operation[at]
		}
	}
}

// errorText is an error in lang: each field's name and message, or the
// error's message when it names no field.
func (w *Web) errorText(lang string, err error) string {
	var e *samspil.Error
	if !errors.As(err, &e) {
		return w.cat.text(lang, "error.internal")
	}
	tr := w.translator(lang)
	if len(e.Fields) == 0 {
		return e.Localize(tr)
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = w.cat.fieldName(lang, f.Path) + ": " + f.Localize(tr)
	}
	return strings.Join(parts, "; ")
}
