package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
)

func init() {
	// PATCH /action-items/{id} clears the due date with "".
	clearableDates["ActionItemPatch"] = []string{"due"}
}

// StrategyOutput is one strategy with its ETag.
type StrategyOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *samspil.Strategy
}

// ActionItemOutput is one action item with its ETag.
type ActionItemOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *samspil.ActionItem
}

// OnQuery is the day a comparison is made for.
type OnQuery struct {
	On string `query:"on" format:"date" doc:"The day (YYYY-MM-DD); defaults to today"`
}

// day returns the day asked for, the zero Date for today.
func (q OnQuery) day() (samspil.Date, error) {
	if q.On == "" {
		return samspil.Date{}, nil
	}
	d, err := samspil.ParseDate(q.On)
	if err != nil {
		return d, samspil.ErrorAt(samspil.EINVALID, "on", "%q is not a date of the form YYYY-MM-DD such as 2026-01-31", q.On)
	}
	return d, nil
}

// Adoption records the day an owner adopted a strategy.
type Adoption struct {
	OrganizationID string       `json:"organization_id" maxLength:"64" doc:"The owner that adopted it (ID or municipality code)"`
	On             samspil.Date `json:"on,omitempty" format:"date" doc:"Defaults to today; adopting again moves the day"`
}

func (a *API) registerGovernance() {
	a.registerAmbitions()
	a.registerStrategies()
	a.registerActionItems()
}

func (a *API) registerAmbitions() {
	tags := []string{"Ambitions and strategies"}
	register(a, huma.Operation{OperationID: "list-ambitions", Method: http.MethodGet, Path: "/collaborations/{id}/ambitions", Tags: tags,
		Summary: "List the members' declared ambitions", Description: "Every declaration, oldest first; a newer one replaces an older from its day on."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*struct{ Body []samspil.Ambition }, error) {
			list, err := a.store.ListAmbitions(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &struct{ Body []samspil.Ambition }{list}, nil
		})

	register(a, huma.Operation{OperationID: "declare-ambitions", Method: http.MethodPost, Path: "/collaborations/{id}/ambitions", Tags: tags,
		Summary: "Declare a member's ambition levels", DefaultStatus: http.StatusCreated,
		Description: "Only the member's own administrators and editors declare for it; earlier declarations are kept."},
		samspil.PermCollabRepresent, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.AmbitionInput
		}) (*struct{ Body []samspil.Ambition }, error) {
			list, err := a.store.DeclareAmbitions(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &struct{ Body []samspil.Ambition }{list}, nil
		})

	register(a, huma.Operation{OperationID: "get-alignment", Method: http.MethodGet, Path: "/collaborations/{id}/alignment", Tags: tags,
		Summary: "How far apart the members' ambitions lie", Description: "Per area for the members on the day, the pair furthest apart, and warnings."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			IDPath
			OnQuery
		}) (*struct{ Body *samspil.Alignment }, error) {
			on, err := in.day()
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			al, err := a.store.Alignment(ctx, actor(ctx), in.ID, on)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &struct{ Body *samspil.Alignment }{al}, nil
		})

	register(a, huma.Operation{OperationID: "get-alignment-history", Method: http.MethodGet, Path: "/collaborations/{id}/alignment-history", Tags: tags,
		Summary: "How the members' ambitions drifted", Description: "The alignment of the members on the day on each day one of them declared, up to it, oldest first."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			IDPath
			OnQuery
		}) (*struct{ Body []samspil.Alignment }, error) {
			on, err := in.day()
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			hist, err := a.store.AlignmentHistory(ctx, actor(ctx), in.ID, on)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &struct{ Body []samspil.Alignment }{hist}, nil
		})
}

func (a *API) registerStrategies() {
	tags := []string{"Ambitions and strategies"}
	register(a, huma.Operation{OperationID: "list-strategies", Method: http.MethodGet, Path: "/strategies", Tags: tags,
		Summary: "List strategies", Description: "The strategies the caller may see, by the start of their period. " +
			"A strategy's visibility applies relative to each of its owners."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			CollaborationID string `query:"collaboration_id" maxLength:"64" doc:"Only the joint strategies of this collaboration"`
			OrganizationID  string `query:"organization_id" maxLength:"64" doc:"Only strategies this organisation owns (ID or municipality code); 422 if no organisation you can see has it"`
		}) (*ItemsOutput[samspil.Strategy], error) {
			orgID, err := a.orgFilter(ctx, "organization_id", in.OrganizationID)
			if err != nil {
				return nil, err
			}
			list, err := a.store.ListStrategies(ctx, actor(ctx), in.CollaborationID, orgID)
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			out := &ItemsOutput[samspil.Strategy]{}
			out.Body.Items = list
			return out, nil
		})

	register(a, huma.Operation{OperationID: "create-strategy", Method: http.MethodPost, Path: "/strategies", Tags: tags,
		Summary: "Record a strategy", DefaultStatus: http.StatusCreated,
		Description: "The administrators and editors of one of its owners may record it; a joint strategy of a collaboration also its secretariat " +
			"and chair, and its owners must be members when its period starts. Adoption days are recorded only for owners the caller acts for."},
		samspil.PermCollabRepresent, func(ctx context.Context, in *struct {
			Body samspil.StrategyInput
		}) (*StrategyOutput, error) {
			s, err := a.store.CreateStrategy(ctx, actor(ctx), in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &StrategyOutput{ETag: etag(s.Version), Location: Prefix + "/strategies/" + s.ID, Body: s}, nil
		})

	register(a, huma.Operation{OperationID: "get-strategy", Method: http.MethodGet, Path: "/strategies/{id}", Tags: tags, Summary: "Get a strategy"},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*StrategyOutput, error) {
			s, err := a.store.FindStrategy(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &StrategyOutput{ETag: etag(s.Version), Body: s}, nil
		})

	register(a, huma.Operation{OperationID: "adopt-strategy", Method: http.MethodPost, Path: "/strategies/{id}/adoptions", Tags: tags,
		Summary: "Record an owner's adoption", Description: "From that day the strategy is in force for the owner until it adopts a newer one. " +
			"Only the owner's administrators and editors may."},
		samspil.PermCollabRepresent, func(ctx context.Context, in *struct {
			IDPath
			Body Adoption
		}) (*StrategyOutput, error) {
			s, err := a.store.AdoptStrategy(ctx, actor(ctx), in.ID, in.Body.OrganizationID, in.Body.On)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &StrategyOutput{ETag: etag(s.Version), Body: s}, nil
		})

	register(a, huma.Operation{OperationID: "get-strategy-coverage", Method: http.MethodGet, Path: "/collaborations/{id}/strategy-coverage", Tags: tags,
		Summary: "Which strategy is in force for each member", Description: "For the members on the day, of the digitalisation strategies the caller may see; " +
			"a joint strategy stays in force for a member until it adopts one of its own."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			IDPath
			OnQuery
		}) (*struct{ Body []samspil.StrategyCoverage }, error) {
			on, err := in.day()
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			cov, err := a.store.Coverage(ctx, actor(ctx), in.ID, on)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &struct{ Body []samspil.StrategyCoverage }{cov}, nil
		})
}

// ActionItemQuery filters action items.
type ActionItemQuery struct {
	MeetingID string `query:"meeting_id" maxLength:"64"`
	Owner     string `query:"owner" maxLength:"64" doc:"A user ID, or me"`
	Open      bool   `query:"open" doc:"Only open and in-progress items"`
	ListParams
}

// filter returns the store filter; ok is false when the filter cannot match
// (owner=me without a user).
func (q ActionItemQuery) filter(ctx context.Context, collabID string) (samspil.ActionItemFilter, bool) {
	f := samspil.ActionItemFilter{CollaborationID: collabID, MeetingID: q.MeetingID, OwnerUserID: q.Owner, OpenOnly: q.Open, ListOptions: q.options()}
	if q.Owner == "me" {
		f.OwnerUserID = actor(ctx).UserID
	}
	return f, q.Owner != "me" || f.OwnerUserID != ""
}

func (a *API) registerActionItems() {
	tags := []string{"Action items"}
	list := func(ctx context.Context, collabID string, q ActionItemQuery) (*PageOutput[samspil.ActionItem], error) {
		f, ok := q.filter(ctx, collabID)
		if !ok {
			return &PageOutput[samspil.ActionItem]{Body: &samspil.Page[samspil.ActionItem]{Items: []samspil.ActionItem{}}}, nil
		}
		page, err := a.store.ListActionItems(ctx, actor(ctx), f)
		if err != nil {
			return nil, fail(ctx, err, "query")
		}
		return &PageOutput[samspil.ActionItem]{Body: page}, nil
	}
	register(a, huma.Operation{OperationID: "list-collaboration-action-items", Method: http.MethodGet, Path: "/collaborations/{id}/action-items", Tags: tags,
		Summary: "List a collaboration's action items", Description: "By due date, those without one last."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			IDPath
			ActionItemQuery
		}) (*PageOutput[samspil.ActionItem], error) {
			return list(ctx, in.ID, in.ActionItemQuery)
		})

	register(a, huma.Operation{OperationID: "list-action-items", Method: http.MethodGet, Path: "/action-items", Tags: tags,
		Summary: "List action items", Description: "Of every collaboration the caller may see, by due date, those without one last; owner=me gives your own."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			CollaborationID string `query:"collaboration_id" maxLength:"64"`
			ActionItemQuery
		}) (*PageOutput[samspil.ActionItem], error) {
			return list(ctx, in.CollaborationID, in.ActionItemQuery)
		})

	register(a, huma.Operation{OperationID: "create-action-item", Method: http.MethodPost, Path: "/collaborations/{id}/action-items", Tags: tags,
		Summary: "Record an action item", DefaultStatus: http.StatusCreated,
		Description: "The secretariat, the chair and the administrators and editors of the members may. The owner must be a person of a member, " +
			"the responsible organisation a member."},
		samspil.PermActionItemWrite, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.ActionItemInput
		}) (*ActionItemOutput, error) {
			item, err := a.store.CreateActionItem(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &ActionItemOutput{ETag: etag(item.Version), Location: Prefix + "/action-items/" + item.ID, Body: item}, nil
		})

	register(a, huma.Operation{OperationID: "get-action-item", Method: http.MethodGet, Path: "/action-items/{id}", Tags: tags, Summary: "Get an action item"},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*ActionItemOutput, error) {
			item, err := a.store.FindActionItem(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &ActionItemOutput{ETag: etag(item.Version), Body: item}, nil
		})

	register(a, huma.Operation{OperationID: "update-action-item", Method: http.MethodPatch, Path: "/action-items/{id}", Tags: tags,
		Summary: "Change an action item", Description: "Its owner may too, whatever their role. Status done records today as the day it was done; " +
			"another status clears that day."},
		samspil.PermActionItemWrite, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
			Body samspil.ActionItemPatch
		}) (*ActionItemOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			item, err := a.store.UpdateActionItem(ctx, actor(ctx), in.ID, v, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &ActionItemOutput{ETag: etag(item.Version), Body: item}, nil
		})
}
