package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
	"github.com/samspil/samspil/internal/opportunity"
)

// Where working together makes sense (DESIGN.md §3.3): partner
// suggestions, joint procurement windows and harmonisation candidates for
// one organisation, and the grouping what-if, all answered by the
// opportunity engine (API.Opportunities) with only what the organisation
// may see; who can help with a system or a KLE task, answered by the
// store. Every score and window comes with its evidence twice: as data
// and as an English sentence. The engine checks who may ask for which
// organisation; the handlers only translate.

// OpportunityTerm is one named part of a partner's score with what it
// rests on.
type OpportunityTerm struct {
	Kind     string  `json:"kind" doc:"What the term counts: shared_system (a system both run, weighted by rarity), other_systems (the shared systems beyond the ten named, in one term), joint_procurement (contracts for a shared system whose next decisions fall in one window, notice deadlines not passed), similar_size, same_region, collaboration and initiative (already working together), harmonisation (the same KLE tasks with different systems; no points)"`
	Points   float64 `json:"points" doc:"Its part of the score"`
	Evidence string  `json:"evidence" doc:"What it rests on, in an English sentence"`

	SystemID   string           `json:"system_id,omitempty" doc:"The system of a shared_system or joint_procurement term"`
	SystemName string           `json:"system_name,omitempty"`
	UsedBy     int              `json:"used_by,omitempty" doc:"Organisations that openly run the system"`
	Of         int              `json:"of,omitempty" doc:"Of this many organisations that share their landscape"`
	Ours       *samspil.Date    `json:"ours,omitempty" format:"date" doc:"Our next decision on the system's contract"`
	Theirs     *samspil.Date    `json:"theirs,omitempty" format:"date" doc:"Their next decision on theirs"`
	ActBy      *samspil.Date    `json:"act_by,omitempty" format:"date" doc:"The earlier of the two notice deadlines: the last day to act together"`
	Count      int              `json:"count,omitempty" doc:"Collaborations or initiatives together; other shared systems; tasks of a harmonisation term"`
	Category   samspil.Category `json:"category,omitempty" doc:"Of a harmonisation term: the category of our systems for the tasks"`
}

// OpportunitySuggestion is a ranked partner for an organisation.
type OpportunitySuggestion struct {
	OrganizationID string            `json:"organization_id"`
	Name           string            `json:"name"`
	Region         string            `json:"region,omitempty" doc:"Region code"`
	Population     int               `json:"population,omitempty" doc:"Inhabitants; absent when unknown"`
	Partner        bool              `json:"partner" doc:"Partners already: members of a collaboration that counts for partnership"`
	Score          float64           `json:"score" doc:"The sum of the terms' points"`
	Terms          []OpportunityTerm `json:"terms" doc:"The score's parts, largest first"`
}

// OpportunityList is the ranked partner suggestions of an organisation.
type OpportunityList struct {
	Items []OpportunitySuggestion `json:"items" doc:"Best first"`
}

// ProcurementWindowMember is an organisation in a procurement window with
// its contract.
type ProcurementWindowMember struct {
	OrganizationID string       `json:"organization_id"`
	Name           string       `json:"name"`
	Region         string       `json:"region,omitempty"`
	Population     int          `json:"population,omitempty"`
	ContractID     string       `json:"contract_id"`
	SystemID       string       `json:"system_id" doc:"The system the contract covers (in a category window, each member's own)"`
	SystemName     string       `json:"system_name"`
	NextDecision   samspil.Date `json:"next_decision" format:"date" doc:"When the contract next ends or extends"`
	ActBy          samspil.Date `json:"act_by" format:"date" doc:"Its last day to give notice"`
}

// ProcurementWindow is a group of organisations that could procure
// together: their contracts for the same system, or the same category of
// system, reach their next decision within one window, none of their
// notice deadlines passed.
type ProcurementWindow struct {
	Kind       string                    `json:"kind" doc:"system: contracts for the same system; category: for systems of the same category"`
	SystemID   string                    `json:"system_id,omitempty" doc:"The system of a system window"`
	SystemName string                    `json:"system_name,omitempty"`
	Category   samspil.Category          `json:"category,omitempty"`
	From       samspil.Date              `json:"from" format:"date" doc:"The first next decision in the window"`
	To         samspil.Date              `json:"to" format:"date" doc:"The last next decision in the window"`
	ActBy      samspil.Date              `json:"act_by" format:"date" doc:"The latest day to act together: the earliest notice deadline among the members"`
	Members    []ProcurementWindowMember `json:"members" doc:"The asking organisation first, then by next decision"`
	Evidence   string                    `json:"evidence" doc:"The window in an English sentence"`
}

// ProcurementWindowList is an organisation's joint procurement windows.
type ProcurementWindowList struct {
	Items []ProcurementWindow `json:"items" doc:"The most urgent first, then the largest"`
}

// OpportunitySystem names a catalogue entry.
type OpportunitySystem struct {
	ID       string           `json:"id"`
	Name     string           `json:"name"`
	Category samspil.Category `json:"category,omitempty"`
}

// HarmonisationOrganization is an organisation with the systems it runs
// for a task.
type HarmonisationOrganization struct {
	OrganizationID string              `json:"organization_id"`
	Name           string              `json:"name"`
	Systems        []OpportunitySystem `json:"systems"`
}

// HarmonisationTask is a KLE task the organisation covers, compared with
// the others that cover it.
type HarmonisationTask struct {
	Task       string                      `json:"task" doc:"KLE code"`
	OurSystems []OpportunitySystem         `json:"our_systems" doc:"The systems the organisation covers it with"`
	Different  []HarmonisationOrganization `json:"different" doc:"Organisations that cover it with none of our systems: candidates for harmonising on one system"`
	Shared     []HarmonisationOrganization `json:"shared" doc:"Organisations that share a system for it: candidates for shared operation, configuration and training"`
}

// HarmonisationPartner sums up the comparison with one organisation.
type HarmonisationPartner struct {
	OrganizationID string `json:"organization_id"`
	Name           string `json:"name"`
	Different      int    `json:"different" doc:"Tasks both cover with different systems"`
	Shared         int    `json:"shared" doc:"Tasks both cover sharing a system"`
	Evidence       string `json:"evidence" doc:"The comparison in an English sentence"`
}

// HarmonisationResult is an organisation's KLE tasks compared with other
// organisations'.
type HarmonisationResult struct {
	Partners []HarmonisationPartner `json:"partners" doc:"The organisations compared that share tasks, the most tasks first"`
	Tasks    []HarmonisationTask    `json:"tasks" doc:"The tasks most organisations cover too first, then by code"`
}

// GroupingSelection picks the organisations to group by what they are.
type GroupingSelection struct {
	Kind    samspil.OrgKind `json:"kind,omitempty" doc:"Only organisations of this kind"`
	Country string          `json:"country,omitempty" maxLength:"2" doc:"Only organisations in this country (ISO 3166-1 alpha-2)"`
	Region  string          `json:"region,omitempty" maxLength:"16" doc:"Only organisations in this region code"`
}

// GroupingRequest asks for a grouping of organisations.
type GroupingRequest struct {
	OrganizationID string             `json:"organization_id" minLength:"1" maxLength:"64" doc:"The organisation whose view of the facts applies (ID or municipality code); you must be one of its people"`
	Organizations  []string           `json:"organizations,omitempty" maxItems:"1000" maxLength:"64" doc:"The organisations to group, by ID: at least 2, each once. Give these or selection"`
	Selection      *GroupingSelection `json:"selection,omitempty" doc:"Group every organisation of a kind, country and region that the organisation whose view applies may see. Give this or organizations"`
	Groups         int                `json:"groups" minimum:"1" maximum:"1000" doc:"The number of groups, each with at least one member"`
	MinMembers     int                `json:"min_members,omitempty" minimum:"0" maximum:"1000" doc:"The fewest members a group may have"`
	MaxMembers     int                `json:"max_members,omitempty" minimum:"0" maximum:"1000" doc:"The most members a group may have; 0: no bound"`
	MinPopulation  int                `json:"min_population,omitempty" minimum:"0" doc:"The fewest inhabitants a group may have"`
	MaxPopulation  int                `json:"max_population,omitempty" minimum:"0" doc:"The most inhabitants a group may have; 0: no bound"`
	KeepRegions    bool               `json:"keep_regions,omitempty" doc:"Keep all organisations of one region in the same group"`
	Fixed          map[string]int     `json:"fixed,omitempty" maxProperties:"1000" doc:"Organisations (by ID) put into given groups, numbered from 1"`
	Compare        [][]string         `json:"compare,omitempty" maxItems:"1000" doc:"A grouping to compare the proposal with: groups of organisation IDs, each of the organisations in exactly one"`
}

// GroupingMember is an organisation in a group.
type GroupingMember struct {
	OrganizationID string `json:"organization_id"`
	Name           string `json:"name"`
	Country        string `json:"country,omitempty"`
	Region         string `json:"region,omitempty"`
	Population     int    `json:"population,omitempty"`
}

// GroupingSystem is a system several members of a group run.
type GroupingSystem struct {
	SystemID   string  `json:"system_id"`
	SystemName string  `json:"system_name"`
	Members    int     `json:"members" doc:"Members whose use of it the asking organisation sees"`
	UsedBy     int     `json:"used_by" doc:"Organisations that openly run it"`
	Of         int     `json:"of" doc:"Of this many that share their landscape"`
	Rarity     float64 `json:"rarity" doc:"ln(of / used_by): sharing a rare system says more"`
	Points     float64 `json:"points" doc:"Its part of the group's score"`
}

// GroupingWindow is a system for which several members' contracts reach
// their next decision within one window.
type GroupingWindow struct {
	SystemID   string       `json:"system_id"`
	SystemName string       `json:"system_name"`
	Members    int          `json:"members" doc:"Members with a contract in the window"`
	From       samspil.Date `json:"from" format:"date"`
	To         samspil.Date `json:"to" format:"date"`
	ActBy      samspil.Date `json:"act_by" format:"date" doc:"The earliest notice deadline among them"`
}

// GroupingRegion is a region with how many of a group's members are in it.
type GroupingRegion struct {
	Country string `json:"country,omitempty"`
	Region  string `json:"region,omitempty" doc:"Absent for members without a region"`
	Members int    `json:"members"`
}

// GroupingGroup is one group of a grouping and what speaks for it.
type GroupingGroup struct {
	Number     int              `json:"number" doc:"1 to the number of groups"`
	Members    []GroupingMember `json:"members" doc:"By name"`
	Population int              `json:"population"`
	Score      float64          `json:"score" doc:"The sum of the affinities of its members' pairs"`
	Systems    []GroupingSystem `json:"systems" doc:"The systems that contribute most to its score"`
	Windows    []GroupingWindow `json:"windows" doc:"Systems for which several members' contracts reach their next decision within one window"`
	Regions    []GroupingRegion `json:"regions" doc:"The regions its members are in, most members first"`
	Evidence   []string         `json:"evidence" doc:"What speaks for the group, in English sentences"`
}

// GroupingComparison is the grouping the caller entered, scored and
// explained as the proposal is.
type GroupingComparison struct {
	Groups     []GroupingGroup `json:"groups"`
	Score      float64         `json:"score"`
	Difference float64         `json:"difference" doc:"The proposal's score minus this one's"`
	Broken     []string        `json:"broken" doc:"The constraints of the request it breaks, in English sentences"`
}

// GroupingResult is a proposed grouping with the reasons for each group.
type GroupingResult struct {
	Groups     []GroupingGroup     `json:"groups"`
	Score      float64             `json:"score" doc:"The sum of the affinities of the pairs inside groups: shared systems weighted by rarity and aligned contract windows"`
	Comparison *GroupingComparison `json:"comparison,omitempty" doc:"The grouping of compare, when the request has one"`
}

// OrganizationPath selects an organisation.
type OrganizationPath struct {
	ID string `path:"id" maxLength:"64" doc:"The organisation's ID or municipality code"`
}

func (a *API) registerOpportunities() {
	tags := []string{"Opportunities"}
	errs := []int{http.StatusNotFound, http.StatusServiceUnavailable}
	register(a, huma.Operation{OperationID: "list-opportunities", Method: http.MethodGet, Path: "/organizations/{id}/opportunities", Tags: tags,
		Summary: "Rank partners for an organisation", Errors: errs,
		Description: "Organisations it would make sense to work with, best first, each with the terms of its score and their evidence: systems both run " +
			"(the rarer the more), contracts that could be procured together, similar size, the same region, collaborations and initiatives together, " +
			"and KLE tasks covered with different systems. Only facts the organisation may see count."},
		samspil.PermOpportunities, func(ctx context.Context, in *struct {
			OrganizationPath
			Region        string `query:"region" maxLength:"16" doc:"Only organisations in this region code"`
			MinPopulation int    `query:"min_population" minimum:"0" doc:"Only organisations with at least this many inhabitants"`
			MaxPopulation int    `query:"max_population" minimum:"0" doc:"Only organisations with at most this many inhabitants; 0: no bound"`
			NotPartners   bool   `query:"not_partners" doc:"Only organisations that are not partners yet"`
			Limit         int    `query:"limit" minimum:"1" maximum:"200" default:"50" doc:"The most suggestions"`
		}) (*struct{ Body *OpportunityList }, error) {
			e, orgID, err := a.opportunityOrg(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			if in.MaxPopulation > 0 && in.MaxPopulation < in.MinPopulation {
				return nil, fail(ctx, samspil.ErrorAt(samspil.EINVALID, "max_population", "must not be less than min_population"), "query")
			}
			list, err := e.PartnersFor(ctx, actor(ctx), orgID, opportunity.Query{Limit: in.Limit, Region: in.Region,
				MinPop: in.MinPopulation, MaxPop: in.MaxPopulation, NotPartners: in.NotPartners})
			if err != nil {
				return nil, opportunityFail(ctx, err, "query")
			}
			out := &OpportunityList{Items: make([]OpportunitySuggestion, len(list))}
			for i, s := range list {
				out.Items[i] = suggestionOf(s)
			}
			return &struct{ Body *OpportunityList }{out}, nil
		})

	register(a, huma.Operation{OperationID: "list-procurement-windows", Method: http.MethodGet, Path: "/organizations/{id}/procurement-windows", Tags: tags,
		Summary: "Find joint procurement windows", Errors: errs,
		Description: "For each of the organisation's contracts that can still be acted on, the other organisations whose contracts for the same system " +
			"(or for a system of the same category) reach their next decision within the window, none of their notice deadlines passed: " +
			"the members, the dates and the latest day to act together. The most urgent first."},
		samspil.PermOpportunities, func(ctx context.Context, in *struct {
			OrganizationPath
			Months int `query:"months" minimum:"1" maximum:"60" default:"12" doc:"The length of a window in whole months, from the first of a month"`
			Limit  int `query:"limit" minimum:"1" maximum:"200" default:"50" doc:"The most windows"`
		}) (*struct{ Body *ProcurementWindowList }, error) {
			e, orgID, err := a.opportunityOrg(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			list, err := e.WindowsFor(ctx, actor(ctx), orgID, opportunity.WindowQuery{Months: in.Months, Limit: in.Limit})
			if err != nil {
				return nil, opportunityFail(ctx, err, "query")
			}
			out := &ProcurementWindowList{Items: make([]ProcurementWindow, len(list))}
			for i, w := range list {
				out.Items[i] = windowOf(w)
			}
			return &struct{ Body *ProcurementWindowList }{out}, nil
		})

	register(a, huma.Operation{OperationID: "get-harmonisation", Method: http.MethodGet, Path: "/organizations/{id}/harmonisation", Tags: tags,
		Summary: "Compare an organisation's tasks and systems with others'", Errors: errs,
		Description: "The KLE tasks the organisation covers with its systems, and for each the organisations compared that cover it with other " +
			"systems (harmonisation candidates) or share a system for it (shared operation, configuration, training). Without with, the " +
			"organisation's partners are compared."},
		samspil.PermOpportunities, func(ctx context.Context, in *struct {
			OrganizationPath
			With  []string `query:"with,explode" maxItems:"100" doc:"The organisations to compare with, by ID: comma-separated or repeated, at most 100"`
			Limit int      `query:"limit" minimum:"1" maximum:"1000" default:"200" doc:"The most tasks"`
		}) (*struct{ Body *HarmonisationResult }, error) {
			e, orgID, err := a.opportunityOrg(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			var with []string
			for _, v := range in.With {
				for id := range strings.SplitSeq(v, ",") {
					if id = strings.TrimSpace(id); id != "" {
						with = append(with, id)
					}
				}
				if len(with) > opportunity.MaxHarmonisationWith {
					return nil, fail(ctx, samspil.ErrorAt(samspil.EINVALID, "with", "takes at most %d organisations", opportunity.MaxHarmonisationWith), "query")
				}
			}
			h, err := e.HarmonisationFor(ctx, actor(ctx), orgID, opportunity.HarmonisationQuery{With: with, Limit: in.Limit})
			if err != nil {
				return nil, opportunityFail(ctx, err, "query")
			}
			return &struct{ Body *HarmonisationResult }{harmonisationOf(h)}, nil
		})

	register(a, huma.Operation{OperationID: "who-can-help", Method: http.MethodGet, Path: "/who-can-help", Tags: tags,
		Summary: "Who can help with a system or a KLE task", Errors: []int{http.StatusNotFound},
		Description: "For a catalogue system or a KLE task (exactly one of them): the organisations that have run it longest in operation, " +
			"those happy to share their experience with whom to ask, and the lessons of initiatives about it. Only what the caller may see. " +
			"A task that is a KLE main group or group covers the codes under it; a system the caller may not see answers 404."},
		samspil.PermSignedIn, func(ctx context.Context, in *struct {
			SystemID string `query:"system_id" maxLength:"64" doc:"The catalogue system; or give task"`
			Task     string `query:"task" maxLength:"8" doc:"A KLE code such as 27.24.00; or give system_id"`
			Limit    int    `query:"limit" minimum:"1" maximum:"100" default:"20" doc:"The most entries of each list"`
		}) (*struct{ Body *samspil.WhoCanHelp }, error) {
			h, err := a.store.WhoCanHelp(ctx, actor(ctx), samspil.WhoCanHelpQuery{SystemID: in.SystemID, Task: in.Task, Limit: in.Limit})
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			h.Longest, h.Sharing, h.Lessons = nonNil(h.Longest), nonNil(h.Sharing), nonNil(h.Lessons)
			return &struct{ Body *samspil.WhoCanHelp }{h}, nil
		})

	register(a, huma.Operation{OperationID: "propose-grouping", Method: http.MethodPost, Path: "/groupings", Tags: tags,
		Summary: "Propose a grouping of organisations (what-if)", Errors: errs,
		Description: "Divides the organisations given (or selected) into the number of groups asked for, within the bounds given, so that the " +
			"members of each group share as much landscape as possible: systems they run (the rarer the more) and contracts that reach their " +
			"next decision within one window. Each group comes with its reasons; a grouping entered in compare is scored and explained the same " +
			"way, with the constraints it breaks. Constraints that cannot be met answer 422 naming the constraint. Nothing is stored."},
		samspil.PermOpportunities, func(ctx context.Context, in *struct {
			Body GroupingRequest
		}) (*struct{ Body *GroupingResult }, error) {
			g, err := a.grouping(ctx, in.Body)
			if err != nil {
				return nil, err
			}
			return &struct{ Body *GroupingResult }{g}, nil
		})
}

// opportunityOrg returns the engine and the ID of the organisation ref
// (an ID or a municipality code) names: 503 without an engine, 404 for an
// organisation the caller may not see. Whether the caller may ask for it
// the engine checks.
func (a *API) opportunityOrg(ctx context.Context, ref string) (*opportunity.Engine, string, error) {
	e := a.Opportunities
	if e == nil {
		return nil, "", unavailable(ctx)
	}
	o, err := a.store.FindOrganization(ctx, actor(ctx), ref)
	if err != nil {
		return nil, "", fail(ctx, err, "path")
	}
	return e, o.ID, nil
}

// grouping answers a grouping request.
func (a *API) grouping(ctx context.Context, in GroupingRequest) (*GroupingResult, error) {
	e := a.Opportunities
	if e == nil {
		return nil, unavailable(ctx)
	}
	o, err := a.store.FindOrganization(ctx, actor(ctx), in.OrganizationID)
	if err != nil {
		return nil, fail(ctx, err, "body")
	}
	var v samspil.Validation
	switch {
	case in.Organizations != nil && in.Selection != nil:
		v.Add("selection", "give either organizations or a selection, not both")
	case in.Organizations == nil && in.Selection == nil:
		v.Add("organizations", "give the organisations to group or a selection")
	case in.Selection != nil:
		in.Selection.Country = strings.ToUpper(strings.TrimSpace(in.Selection.Country))
		v.Check(in.Selection.Country == "" || samspil.KnownCountry(in.Selection.Country), "selection.country", "must be an ISO 3166-1 alpha-2 code such as DK")
	}
	if err := v.Err(); err != nil {
		return nil, fail(ctx, err, "body")
	}
	ids := in.Organizations
	if s := in.Selection; s != nil {
		ids, err = e.SelectFor(ctx, actor(ctx), o.ID, opportunity.Selection{Kind: s.Kind, Country: s.Country, Region: strings.TrimSpace(s.Region)})
		if err != nil {
			return nil, opportunityFail(ctx, err, "body")
		}
	}
	g, err := e.GroupingFor(ctx, actor(ctx), opportunity.GroupingQuery{Asker: o.ID, Organizations: ids, Groups: in.Groups,
		MinMembers: in.MinMembers, MaxMembers: in.MaxMembers, MinPopulation: in.MinPopulation, MaxPopulation: in.MaxPopulation,
		KeepRegions: in.KeepRegions, Fixed: in.Fixed, Compare: in.Compare})
	if err != nil {
		if in.Selection != nil {
			// The organisations came from the selection: a problem with
			// them is one with it.
			err = samspil.RenameFields(err, func(path string) string {
				if path == "organizations" {
					return "selection"
				}
				return path
			})
		}
		return nil, opportunityFail(ctx, err, "body")
	}
	out := &GroupingResult{Groups: groupsOf(g.Groups), Score: g.Score}
	if c := g.Compared; c != nil {
		out.Comparison = &GroupingComparison{Groups: groupsOf(c.Groups), Score: c.Score, Difference: c.Difference, Broken: sentences(c.Broken)}
	}
	return out, nil
}

// unavailable is the answer while the server has no opportunity index.
func unavailable(ctx context.Context) error {
	p := newProblem(http.StatusServiceUnavailable, "The opportunity index is not available yet; try again in a moment.")
	p.Code = samspil.EBUSY
	p.RequestID = samspil.RequestID(ctx)
	p.GetHeaders().Set("Retry-After", "5")
	return p
}

// opportunityFail turns an engine error into a problem: 503 when the index
// could not be built.
func opportunityFail(ctx context.Context, err error, where string) error {
	if errors.Is(err, opportunity.ErrNotReady) {
		httpx.LogInternal(ctx, err)
		return unavailable(ctx)
	}
	return fail(ctx, err, where)
}

func suggestionOf(s opportunity.Suggestion) OpportunitySuggestion {
	out := OpportunitySuggestion{OrganizationID: s.OrgID, Name: s.Name, Region: s.Region, Population: s.Population, Partner: s.Partner,
		Score: s.Score, Terms: make([]OpportunityTerm, len(s.Terms))}
	for i, t := range s.Terms {
		out.Terms[i] = OpportunityTerm{Kind: string(t.Kind), Points: t.Points, Evidence: t.Evidence().String(), SystemID: t.SystemID,
			SystemName: t.SystemName, UsedBy: t.UsedBy, Of: t.Of, Ours: t.Ours, Theirs: t.Theirs, ActBy: t.ActBy, Count: t.Count,
			Category: samspil.Category(t.Category)}
	}
	return out
}

func windowOf(w opportunity.Window) ProcurementWindow {
	out := ProcurementWindow{Kind: string(w.Kind), SystemID: w.SystemID, SystemName: w.SystemName, Category: samspil.Category(w.Category),
		From: w.From, To: w.To, ActBy: w.ActBy, Evidence: w.Evidence.String(), Members: make([]ProcurementWindowMember, len(w.Members))}
	for i, m := range w.Members {
		out.Members[i] = ProcurementWindowMember{OrganizationID: m.OrgID, Name: m.Name, Region: m.Region, Population: m.Population,
			ContractID: m.ContractID, SystemID: m.SystemID, SystemName: m.SystemName, NextDecision: m.NextDecision, ActBy: m.ActBy}
	}
	return out
}

func harmonisationOf(h *opportunity.Harmonisation) *HarmonisationResult {
	systems := func(refs []opportunity.SystemRef) []OpportunitySystem {
		out := make([]OpportunitySystem, len(refs))
		for i, r := range refs {
			out[i] = OpportunitySystem{ID: r.ID, Name: r.Name, Category: samspil.Category(r.Category)}
		}
		return out
	}
	orgs := func(list []opportunity.OrgSystems) []HarmonisationOrganization {
		out := make([]HarmonisationOrganization, len(list))
		for i, o := range list {
			out[i] = HarmonisationOrganization{OrganizationID: o.OrgID, Name: o.Name, Systems: systems(o.Systems)}
		}
		return out
	}
	out := &HarmonisationResult{Partners: make([]HarmonisationPartner, len(h.Partners)), Tasks: make([]HarmonisationTask, len(h.Tasks))}
	for i, p := range h.Partners {
		out.Partners[i] = HarmonisationPartner{OrganizationID: p.OrgID, Name: p.Name, Different: p.Different, Shared: p.Shared, Evidence: p.Evidence.String()}
	}
	for i, t := range h.Tasks {
		out.Tasks[i] = HarmonisationTask{Task: t.Task, OurSystems: systems(t.OurSystems), Different: orgs(t.Different), Shared: orgs(t.Shared)}
	}
	return out
}

func groupsOf(groups []opportunity.Group) []GroupingGroup {
	out := make([]GroupingGroup, len(groups))
	for i, g := range groups {
		o := GroupingGroup{Number: g.Number, Population: g.Population, Score: g.Score, Evidence: sentences(g.Evidence),
			Members: make([]GroupingMember, len(g.Members)), Systems: make([]GroupingSystem, len(g.Systems)),
			Windows: make([]GroupingWindow, len(g.Windows)), Regions: make([]GroupingRegion, len(g.Regions))}
		for j, m := range g.Members {
			o.Members[j] = GroupingMember{OrganizationID: m.OrgID, Name: m.Name, Country: m.Country, Region: m.Region, Population: m.Population}
		}
		for j, s := range g.Systems {
			o.Systems[j] = GroupingSystem{SystemID: s.SystemID, SystemName: s.SystemName, Members: s.Members, UsedBy: s.UsedBy, Of: s.Of,
				Rarity: s.Rarity, Points: s.Points}
		}
		for j, w := range g.Windows {
			o.Windows[j] = GroupingWindow{SystemID: w.SystemID, SystemName: w.SystemName, Members: w.Members, From: w.From, To: w.To, ActBy: w.ActBy}
		}
		for j, r := range g.Regions {
			o.Regions[j] = GroupingRegion{Country: r.Country, Region: r.Region, Members: r.Members}
		}
		out[i] = o
	}
	return out
}

// sentences writes phrases as English sentences.
func sentences(ps []samspil.Phrase) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// nonNil returns s, or an empty slice for nil, so that JSON shows [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
