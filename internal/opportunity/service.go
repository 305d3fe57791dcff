package opportunity

import (
	"cmp"
	"context"
	"slices"

	"github.com/samspil/samspil"
)

// The engine answers people (samspil.Actor): each question is asked for
// an organisation the actor may ask for (samspil.Actor.MayAskOpportunities),
// answered with what that organisation may see, for the day the index
// was built for. The web pages and the API both ask through these.

// ask returns the index for a question on behalf of the organisation
// orgID; to an actor who may not ask for it, the organisation's
// opportunities do not exist.
func (e *Engine) ask(ctx context.Context, actor *samspil.Actor, orgID string) (*Index, samspil.Date, error) {
	if !actor.MayAskOpportunities(orgID) {
		return nil, samspil.Date{}, samspil.NotFound("organization")
	}
	x, today, err := e.Index(ctx)
	if err != nil {
		return nil, samspil.Date{}, err
	}
	if _, ok := x.byID[orgID]; !ok {
		return nil, samspil.Date{}, samspil.NotFound("organization")
	}
	return x, today, nil
}

// PartnersFor ranks the partners for the organisation orgID.
func (e *Engine) PartnersFor(ctx context.Context, actor *samspil.Actor, orgID string, q Query) ([]Suggestion, error) {
	x, today, err := e.ask(ctx, actor, orgID)
	if err != nil {
		return nil, err
	}
	q.Today = today
	return x.Partners(orgID, q)
}

// WindowsFor finds the joint procurement windows of the organisation
// orgID.
func (e *Engine) WindowsFor(ctx context.Context, actor *samspil.Actor, orgID string, q WindowQuery) ([]Window, error) {
	x, today, err := e.ask(ctx, actor, orgID)
	if err != nil {
		return nil, err
	}
	q.Today = today
	return x.ProcurementWindows(orgID, q)
}

// HarmonisationFor compares the organisation orgID's tasks and systems
// with others'.
func (e *Engine) HarmonisationFor(ctx context.Context, actor *samspil.Actor, orgID string, q HarmonisationQuery) (*Harmonisation, error) {
	x, _, err := e.ask(ctx, actor, orgID)
	if err != nil {
		return nil, err
	}
	return x.Harmonisation(orgID, q)
}

// GroupingFor proposes a grouping as the organisation q.Asker sees the
// facts.
func (e *Engine) GroupingFor(ctx context.Context, actor *samspil.Actor, q GroupingQuery) (*Grouping, error) {
	if q.Asker == "" {
		return nil, samspil.ErrorAt(samspil.EINVALID, "organization_id", "is required: the organisation whose view of the facts applies")
	}
	x, today, err := e.ask(ctx, actor, q.Asker)
	if err != nil {
		return nil, err
	}
	q.Today = today
	return x.Grouping(q)
}

// Selection picks organisations to group by what they are: every one of
// a kind, in a country and, optionally, a region.
type Selection struct {
	Kind    samspil.OrgKind
	Country string
	Region  string
}

// SelectFor returns the IDs of the organisations of a selection that the
// organisation asker may see, by name.
func (e *Engine) SelectFor(ctx context.Context, actor *samspil.Actor, asker string, s Selection) ([]string, error) {
	x, _, err := e.ask(ctx, actor, asker)
	if err != nil {
		return nil, err
	}
	return x.Select(asker, s), nil
}

// Select returns the IDs of the organisations of a selection that asker
// may see, by name.
func (x *Index) Select(asker string, s Selection) []string {
	var picked []int32
	for i := range x.orgs {
		o := &x.orgs[i]
		if (s.Kind != "" && o.Kind != s.Kind) || (s.Country != "" && o.Country != s.Country) || (s.Region != "" && o.Region != s.Region) {
			continue
		}
		if x.seesOrg(asker, o) {
			picked = append(picked, int32(i))
		}
	}
	slices.SortFunc(picked, func(a, b int32) int {
		return cmp.Or(cmp.Compare(samspil.Fold(x.orgs[a].Name), samspil.Fold(x.orgs[b].Name)), cmp.Compare(x.orgs[a].ID, x.orgs[b].ID))
	})
	out := make([]string, len(picked))
	for i, o := range picked {
		out[i] = x.orgs[o].ID
	}
	return out
}
