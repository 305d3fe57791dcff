package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
)

// Joint initiatives: proposing and keeping them (criteria, need
// confirmations, gates), each organisation's participation, the budget and
// the cost shares under every key, benefits and their realisation, the
// lessons log, and a collaboration's prioritisation of its portfolio. The
// rules are the domain's and the store's; the handlers only translate.

// InitiativeOutput is one initiative with its ETag.
type InitiativeOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *samspil.Initiative
}

func initiativeOutput(x *samspil.Initiative) *InitiativeOutput {
	return &InitiativeOutput{ETag: etag(x.Version), Body: x}
}

// ParticipationOutput is one organisation's participation with its ETag.
type ParticipationOutput struct {
	ETag string `header:"ETag"`
	Body *samspil.Participation
}

// BudgetLineOutput is one budget line with its ETag.
type BudgetLineOutput struct {
	ETag string `header:"ETag"`
	Body *samspil.BudgetLine
}

// BenefitOutput is one benefit with its realisations.
type BenefitOutput struct {
	ETag string `header:"ETag"`
	Body *samspil.Benefit
}

// ParticipantBenefits sums one participant's benefits by kind.
type ParticipantBenefits struct {
	OrganizationID   string                   `json:"organization_id"`
	OrganizationName string                   `json:"organization_name"`
	Summary          []samspil.BenefitSummary `json:"summary" doc:"Planned and realised money and hours a year; quality benefits are not summed"`
}

// BenefitList is an initiative's benefits with planned against realised,
// for the initiative and for each participant.
type BenefitList struct {
	Items        []samspil.Benefit        `json:"items"`
	Summary      []samspil.BenefitSummary `json:"summary" doc:"Planned and realised money and hours a year for the whole initiative; quality benefits are not summed"`
	Participants []ParticipantBenefits    `json:"participants" doc:"The same per participant, in the order of the items"`
}

// benefitList sums the benefits for the initiative and each participant.
func benefitList(bs []samspil.Benefit) BenefitList {
	out := BenefitList{Items: bs, Summary: summary(bs), Participants: []ParticipantBenefits{}}
	if out.Items == nil {
		out.Items = []samspil.Benefit{}
	}
	byOrg := map[string][]samspil.Benefit{}
	for _, b := range bs {
		if _, seen := byOrg[b.OrganizationID]; !seen {
			out.Participants = append(out.Participants, ParticipantBenefits{OrganizationID: b.OrganizationID, OrganizationName: b.OrganizationName})
		}
		byOrg[b.OrganizationID] = append(byOrg[b.OrganizationID], b)
	}
	for i := range out.Participants {
		out.Participants[i].Summary = summary(byOrg[out.Participants[i].OrganizationID])
	}
	return out
}

func summary(bs []samspil.Benefit) []samspil.BenefitSummary {
	if s := samspil.SummarizeBenefits(bs); s != nil {
		return s
	}
	return []samspil.BenefitSummary{}
}

func (a *API) registerInitiatives() {
	a.registerInitiativeCore()
	a.registerParticipations()
	a.registerBudget()
	a.registerBenefits()
	a.registerLessons()
	a.registerPrioritisation()
}

func (a *API) registerInitiativeCore() {
	tags := []string{"Initiatives"}
	register(a, huma.Operation{OperationID: "list-initiatives", Method: http.MethodGet, Path: "/initiatives", Tags: tags,
		Summary: "List initiatives", Description: "The initiatives the caller may see, by title, each with its participations (without their history). " +
			"The owner's visibility decides; the organisations that take part and the members of an initiative's collaboration always see it."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			CollaborationID string                  `query:"collaboration_id" maxLength:"64" doc:"Only initiatives of this collaboration"`
			OrganizationID  string                  `query:"organization_id" maxLength:"64" doc:"Only initiatives this organisation owns or has a participation in (ID or municipality code); 422 if no organisation you can see has it"`
			Phase           samspil.InitiativePhase `query:"phase" doc:"Only initiatives in this phase"`
			Open            bool                    `query:"open" doc:"Only initiatives that are not closed or stopped"`
			Q               string                  `query:"q" maxLength:"200" doc:"Words of the title"`
			Task            string                  `query:"task" maxLength:"8" doc:"KLE code; a group or main group matches its topics"`
			ListParams
		}) (*PageOutput[samspil.Initiative], error) {
			orgID, err := a.orgFilter(ctx, "organization_id", in.OrganizationID)
			if err != nil {
				return nil, err
			}
			page, err := a.store.ListInitiatives(ctx, actor(ctx), samspil.InitiativeFilter{CollaborationID: in.CollaborationID, OrganizationID: orgID,
				Phase: in.Phase, Open: in.Open, Query: in.Q, Task: in.Task, ListOptions: in.options()})
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &PageOutput[samspil.Initiative]{Body: page}, nil
		})

	register(a, huma.Operation{OperationID: "propose-initiative", Method: http.MethodPost, Path: "/initiatives", Tags: tags,
		Summary: "Propose an initiative", DefaultStatus: http.StatusCreated,
		Description: "In phase idea, for an owner organisation the caller acts for, inside a collaboration the owner is a member of or open to any " +
			"organisation. KLE codes, systems and strategy goals must exist and be visible to the caller."},
		samspil.PermInitiativeWrite, func(ctx context.Context, in *struct {
			Body samspil.InitiativeInput
		}) (*InitiativeOutput, error) {
			x, err := a.store.ProposeInitiative(ctx, actor(ctx), in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			out := initiativeOutput(x)
			out.Location = Prefix + "/initiatives/" + x.ID
			return out, nil
		})

	register(a, huma.Operation{OperationID: "get-initiative", Method: http.MethodGet, Path: "/initiatives/{id}", Tags: tags,
		Summary: "Get an initiative", Description: "With its tasks, systems, goals, must-criteria, need confirmations, gates and participations with their history."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*InitiativeOutput, error) {
			x, err := a.store.FindInitiative(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return initiativeOutput(x), nil
		})

	register(a, huma.Operation{OperationID: "update-initiative", Method: http.MethodPatch, Path: "/initiatives/{id}", Tags: tags,
		Summary: "Change an initiative", Description: "Fields left out stay as they are; lists given replace the old ones. " +
			"The phase moves only through a gate (POST /initiatives/{id}/gates)."},
		samspil.PermInitiativeWrite, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
			Body samspil.InitiativePatch
		}) (*InitiativeOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			x, err := a.store.UpdateInitiative(ctx, actor(ctx), in.ID, v, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return initiativeOutput(x), nil
		})

	register(a, huma.Operation{OperationID: "answer-criteria", Method: http.MethodPut, Path: "/initiatives/{id}/criteria", Tags: tags,
		Summary: "Answer the must-criteria", Description: "Replaces the answers of the initiative's keepers, each criterion met with its evidence. " +
			"need_confirmed is not answered here: each organisation that has the need confirms it for itself (POST /initiatives/{id}/need-confirmations)."},
		samspil.PermInitiativeWrite, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
			Body samspil.CriteriaInput
		}) (*InitiativeOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			x, err := a.store.AnswerCriteria(ctx, actor(ctx), in.ID, v, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return initiativeOutput(x), nil
		})

	register(a, huma.Operation{OperationID: "confirm-need", Method: http.MethodPost, Path: "/initiatives/{id}/need-confirmations", Tags: tags,
		Summary: "Confirm the need for your organisation", Description: "Only the organisation's own administrators and editors confirm for it; " +
			"confirming again replaces its earlier confirmation. The need is met once two organisations have confirmed it."},
		samspil.PermCollabRepresent, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.NeedConfirmationInput
		}) (*InitiativeOutput, error) {
			x, err := a.store.ConfirmNeed(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return initiativeOutput(x), nil
		})

	register(a, huma.Operation{OperationID: "pass-gate", Method: http.MethodPost, Path: "/initiatives/{id}/gates", Tags: tags,
		Summary: "Pass a gate", Description: "To the next phase, or to stopped with a reason. An initiative of a collaboration passes by one of its " +
			"adopted decisions, one outside a collaboration by the owner's recorded approval. Out of qualification only with every must-criterion " +
			"met with evidence; each one missing is named at criteria.<criterion>."},
		samspil.PermInitiativeWrite, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
			Body samspil.GateInput
		}) (*InitiativeOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			x, err := a.store.PassGate(ctx, actor(ctx), in.ID, v, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return initiativeOutput(x), nil
		})
}

func (a *API) registerParticipations() {
	tags := []string{"Initiatives"}
	register(a, huma.Operation{OperationID: "list-participations", Method: http.MethodGet, Path: "/initiatives/{id}/participations", Tags: tags,
		Summary: "Who takes part, how firmly and since when", Description: "Every organisation with a participation, by name, with every change of it, oldest first."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*ItemsOutput[samspil.Participation], error) {
			x, err := a.store.FindInitiative(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			out := &ItemsOutput[samspil.Participation]{}
			out.Body.Items = x.Participations
			return out, nil
		})

	register(a, huma.Operation{OperationID: "set-participation", Method: http.MethodPost, Path: "/initiatives/{id}/participations", Tags: tags,
		Summary: "Record an organisation's stand", Description: "Each organisation decides for itself: its administrators and editors may show " +
			"interest; a pledge, a voluntary or binding commitment, declining and withdrawing need its administrators. Only the initiative's keepers " +
			"invite (state invited). Every change is kept; declining and withdrawing need a reason."},
		samspil.PermCollabRepresent, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.ParticipationInput
		}) (*ParticipationOutput, error) {
			p, err := a.store.SetParticipation(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &ParticipationOutput{ETag: etag(p.Version), Body: p}, nil
		})
}

func (a *API) registerBudget() {
	tags := []string{"Initiatives"}
	register(a, huma.Operation{OperationID: "list-budget-lines", Method: http.MethodGet, Path: "/initiatives/{id}/budget-lines", Tags: tags,
		Summary: "An initiative's budget", Description: "One-off development and yearly operation lines."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*ItemsOutput[samspil.BudgetLine], error) {
			lines, err := a.store.ListBudgetLines(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			out := &ItemsOutput[samspil.BudgetLine]{}
			out.Body.Items = lines
			if out.Body.Items == nil {
				out.Body.Items = []samspil.BudgetLine{}
			}
			return out, nil
		})

	register(a, huma.Operation{OperationID: "add-budget-line", Method: http.MethodPost, Path: "/initiatives/{id}/budget-lines", Tags: tags,
		Summary: "Add a budget line", DefaultStatus: http.StatusCreated, Description: "Amounts in DKK with at most two decimals, never negative."},
		samspil.PermInitiativeWrite, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.BudgetLineInput
		}) (*BudgetLineOutput, error) {
			l, err := a.store.AddBudgetLine(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &BudgetLineOutput{ETag: etag(l.Version), Body: l}, nil
		})

	register(a, huma.Operation{OperationID: "replace-budget-line", Method: http.MethodPut, Path: "/budget-lines/{id}", Tags: tags,
		Summary: "Replace a budget line"},
		samspil.PermInitiativeWrite, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
			Body samspil.BudgetLineInput
		}) (*BudgetLineOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			l, err := a.store.UpdateBudgetLine(ctx, actor(ctx), in.ID, v, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &BudgetLineOutput{ETag: etag(l.Version), Body: l}, nil
		})

	register(a, huma.Operation{OperationID: "delete-budget-line", Method: http.MethodDelete, Path: "/budget-lines/{id}", Tags: tags,
		Summary: "Delete a budget line", DefaultStatus: http.StatusNoContent},
		samspil.PermInitiativeWrite, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
		}) (*struct{}, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			if err := a.store.DeleteBudgetLine(ctx, actor(ctx), in.ID, v); err != nil {
				return nil, fail(ctx, err, "path")
			}
			return nil, nil
		})

	register(a, huma.Operation{OperationID: "get-cost-shares", Method: http.MethodGet, Path: "/initiatives/{id}/cost-shares", Tags: tags,
		Summary: "Every participant's share under every cost key", Description: "The development and the yearly operation budget split among " +
			"the organisations that take part (pledged, voluntary or binding), under every key side by side, in øre summing exactly to the budget " +
			"(largest remainder). A key that cannot split says why in its problem, e.g. fixed percentages that do not sum to 100."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*struct{ Body *samspil.CostShares }, error) {
			cs, err := a.store.CostShares(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &struct{ Body *samspil.CostShares }{cs}, nil
		})
}

func (a *API) registerBenefits() {
	tags := []string{"Initiatives"}
	register(a, huma.Operation{OperationID: "list-benefits", Method: http.MethodGet, Path: "/initiatives/{id}/benefits", Tags: tags,
		Summary: "Planned and realised benefits", Description: "Every participant's benefits with their realisations, and planned against realised " +
			"for the initiative and for each participant."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*struct{ Body BenefitList }, error) {
			bs, err := a.store.ListBenefits(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &struct{ Body BenefitList }{benefitList(bs)}, nil
		})

	register(a, huma.Operation{OperationID: "plan-benefit", Method: http.MethodPost, Path: "/initiatives/{id}/benefits", Tags: tags,
		Summary: "Plan a benefit for your organisation", DefaultStatus: http.StatusCreated,
		Description: "Only the organisation's own administrators and editors plan its benefits."},
		samspil.PermCollabRepresent, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.BenefitInput
		}) (*BenefitOutput, error) {
			b, err := a.store.PlanBenefit(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &BenefitOutput{ETag: etag(b.Version), Body: b}, nil
		})

	register(a, huma.Operation{OperationID: "record-realisation", Method: http.MethodPost, Path: "/benefits/{id}/realisations", Tags: tags,
		Summary: "Record a realised value of a benefit", DefaultStatus: http.StatusCreated,
		Description: "The value measured on a day, in the benefit's unit; earlier values are kept. Only the benefit's organisation records them."},
		samspil.PermCollabRepresent, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.RealisationInput
		}) (*BenefitOutput, error) {
			b, err := a.store.RecordRealisation(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &BenefitOutput{ETag: etag(b.Version), Body: b}, nil
		})
}

func (a *API) registerLessons() {
	tags := []string{"Lessons"}
	register(a, huma.Operation{OperationID: "list-lessons", Method: http.MethodGet, Path: "/lessons", Tags: tags,
		Summary: "The lessons log", Description: "Lessons from the initiatives and collaborations the caller may see, newest first."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			Q               string `query:"q" maxLength:"200" doc:"Words of the title or the text"`
			Tag             string `query:"tag" maxLength:"50"`
			InitiativeID    string `query:"initiative_id" maxLength:"64"`
			CollaborationID string `query:"collaboration_id" maxLength:"64"`
			ListParams
		}) (*PageOutput[samspil.Lesson], error) {
			page, err := a.store.ListLessons(ctx, actor(ctx), samspil.LessonFilter{Query: in.Q, Tag: in.Tag, InitiativeID: in.InitiativeID,
				CollaborationID: in.CollaborationID, ListOptions: in.options()})
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &PageOutput[samspil.Lesson]{Body: page}, nil
		})

	register(a, huma.Operation{OperationID: "record-lesson", Method: http.MethodPost, Path: "/lessons", Tags: tags,
		Summary: "Record a lesson for your organisation", DefaultStatus: http.StatusCreated,
		Description: "About an initiative the organisation owns or takes part in, or a collaboration it is or was a member of; " +
			"only the organisation's own administrators and editors record its lessons."},
		samspil.PermCollabRepresent, func(ctx context.Context, in *struct {
			Body samspil.LessonInput
		}) (*struct{ Body *samspil.Lesson }, error) {
			l, err := a.store.RecordLesson(ctx, actor(ctx), in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &struct{ Body *samspil.Lesson }{l}, nil
		})
}

func (a *API) registerPrioritisation() {
	tags := []string{"Prioritisation"}
	register(a, huma.Operation{OperationID: "get-prioritisation", Method: http.MethodGet, Path: "/collaborations/{id}/prioritisation", Tags: tags,
		Summary: "The collaboration's ranked portfolio", Description: "Its open initiatives ranked by their weighted scores, with the reasons, " +
			"and what changed since the last recorded round."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*struct{ Body *samspil.Prioritisation }, error) {
			p, err := a.store.Prioritisation(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &struct{ Body *samspil.Prioritisation }{p}, nil
		})

	register(a, huma.Operation{OperationID: "set-priority-weights", Method: http.MethodPut, Path: "/collaborations/{id}/prioritisation/weights", Tags: tags,
		Summary: "Set how the scores are weighed", Description: "Benefit, urgency, feasibility and cost, each from 0 to 10, at least one above 0."},
		samspil.PermCollabManage, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.PriorityWeights
		}) (*struct{ Body *samspil.Prioritisation }, error) {
			p, err := a.store.SetPriorityWeights(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &struct{ Body *samspil.Prioritisation }{p}, nil
		})

	register(a, huma.Operation{OperationID: "score-initiative", Method: http.MethodPut, Path: "/initiatives/{id}/priority-score", Tags: tags,
		Summary: "Score an initiative for its collaboration's prioritisation", Description: "Benefit, urgency, feasibility and cost, each from 1 to 5 " +
			"(a high cost ranks lower), with the reasons. Answers the collaboration's ranked portfolio."},
		samspil.PermCollabManage, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.PriorityScore
		}) (*struct{ Body *samspil.Prioritisation }, error) {
			p, err := a.store.ScoreInitiative(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &struct{ Body *samspil.Prioritisation }{p}, nil
		})

	register(a, huma.Operation{OperationID: "record-prioritisation", Method: http.MethodPost, Path: "/collaborations/{id}/prioritisation/rounds", Tags: tags,
		Summary: "Record a round of prioritisation", DefaultStatus: http.StatusCreated,
		Description: "Keeps the current ranking, so that the next prioritisation shows what changed since."},
		samspil.PermCollabManage, func(ctx context.Context, in *IDPath) (*struct{ Body *samspil.Prioritisation }, error) {
			p, err := a.store.RecordPrioritisation(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &struct{ Body *samspil.Prioritisation }{p}, nil
		})
}
