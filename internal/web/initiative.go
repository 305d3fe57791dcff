package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// The page of one joint initiative: what it is, its phases and gates, who
// takes part and how firmly, the must-criteria and the need confirmations,
// the budget and the calculator that splits it under every cost key, the
// benefits planned and realised, and the lessons drawn. Every form posts to
// its own address and comes back to the page (with the section's anchor);
// the store decides who may do what, and the page asks the same rules of
// the domain (MayManageInitiative, MaySetParticipation, CanMove) to choose
// which forms to show.
//
// Several forms share the page, so each form's field errors are renamed to
// "<form>.<field>", which is also the id of its input without "f-" (the
// error summary of the layout links to #f-<path>). Rows of a form are
// named "<row>.<field>" (res0.competence, class1.up_to), so that the
// summary names the field by its label.

// initiativeRoutes registers the pages of one initiative.
func (w *Web) initiativeRoutes(page pageFunc) {
	page("GET /initiatives/{id}", samspil.PermPublic, w.initiative) // the store answers 404 for what the reader may not see
	page("POST /initiatives/{id}", samspil.PermInitiativeWrite, w.updateInitiative)
	page("POST /initiatives/{id}/participation", samspil.PermCollabRepresent, w.setInitiativeParticipation) // or an invitation by those who keep it (the store decides)
	page("POST /initiatives/{id}/need", samspil.PermCollabRepresent, w.confirmInitiativeNeed)
	page("POST /initiatives/{id}/criteria", samspil.PermInitiativeWrite, w.answerInitiativeCriteria)
	page("POST /initiatives/{id}/gates", samspil.PermInitiativeWrite, w.passInitiativeGate)
	page("POST /initiatives/{id}/budget", samspil.PermInitiativeWrite, w.addInitiativeBudgetLine)
	page("POST /initiatives/{id}/budget/{line}/delete", samspil.PermInitiativeWrite, w.deleteInitiativeBudgetLine)
	page("POST /initiatives/{id}/cost", samspil.PermInitiativeWrite, w.setInitiativeCost)
	page("POST /initiatives/{id}/benefits", samspil.PermCollabRepresent, w.planInitiativeBenefit)
	page("POST /initiatives/{id}/benefits/{benefit}/realisations", samspil.PermCollabRepresent, w.recordInitiativeRealisation)
	page("POST /initiatives/{id}/lessons", samspil.PermCollabRepresent, w.recordInitiativeLesson)
}

// The keys of the forms on an initiative's page; a participation form is
// partForm(org, state), a need confirmation needForm(org) and a
// realisation realForm(benefit).
const (
	iformEdit     = "edit"
	iformInvite   = "invite"
	iformCriteria = "criteria"
	iformGate     = "gate"
	iformBudget   = "budget"
	iformCost     = "cost"
	iformBenefit  = "benefit"
	iformLesson   = "lesson"
)

func partForm(orgID string, to samspil.ParticipationState) string {
	return "part-" + orgID + "-" + string(to)
}
func needForm(orgID string) string     { return "need-" + orgID }
func realForm(benefitID string) string { return "real-" + benefitID }

// Blank rows the forms offer after the rows they hold.
const (
	resourceBlankRows = 1
	classBlankRows    = 2
	stepBlankRows     = 2
	maxFormRows       = 50 // rows of a form that a post is read for
)

// formField is one field of a form on the page: its id, its name, what it
// shows and its error.
type formField struct {
	Key    string // "<form>.<name>": the error's path
	ID     string // f-<Key>
	ErrID  string // e-<Key>
	Name   string
	Value  string
	Values []string
	Error  string
}

// Has reports whether v is among the field's values (check boxes).
func (f formField) Has(v string) bool { return slices.Contains(f.Values, v) }

// orgOption is an organisation in a select.
type orgOption struct {
	ID, Name string
}

// participationRow is a participation in the table of who takes part.
type participationRow struct {
	samspil.Participation
	Hours int // hours a month pledged in all
}

// moveChoice is a state the reader may move an organisation to.
type moveChoice struct {
	State   samspil.ParticipationState
	Form    string // the form's key
	Label   string // what the choice says
	Confirm string // what confirming it records
	Rows    []resourceRow
	Out     bool // declining or withdrawing: a reason is required
}

// moveTexts are the catalogue keys of each choice: its label and the
// sentence that says what confirming it records (with the organisation).
var moveTexts = map[samspil.ParticipationState][2]string{
	samspil.ParticipationInterested: {"initiative.move_interested", "initiative.confirm_interested"},
	samspil.ParticipationPledged:    {"initiative.move_pledged", "initiative.confirm_pledged"},
	samspil.ParticipationVoluntary:  {"initiative.move_voluntary", "initiative.confirm_voluntary"},
	samspil.ParticipationBinding:    {"initiative.move_binding", "initiative.confirm_binding"},
	samspil.ParticipationDeclined:   {"initiative.move_declined", "initiative.confirm_declined"},
	samspil.ParticipationWithdrawn:  {"initiative.move_withdrawn", "initiative.confirm_withdrawn"},
}

// resourceRow is one row of pledged resources in a participation form.
type resourceRow struct {
	Num               int
	Competence, Hours formField
}

// orgMoves is one of the reader's organisations with the states the reader
// may move it to.
type orgMoves struct {
	OrganizationID   string
	OrganizationName string
	State            samspil.ParticipationState // "" for none yet
	Choices          []moveChoice
}

// criterionRow is a must-criterion with its answer.
type criterionRow struct {
	samspil.CriterionAnswer
	Label string
}

// criterionChoice is a must-criterion the keepers answer, with its label.
type criterionChoice struct {
	Criterion samspil.Criterion
	Label     string
	Met       formField // the check box (name "met")
	Evidence  formField
}

// calcKey is one cost key of the calculator.
type calcKey struct {
	Key              samspil.CostKey
	Chosen           bool
	Problem          string // why the key cannot split, in the reader's language
	DevelopmentTotal samspil.DKK
	OperationTotal   samspil.DKK
}

// calcCell is a participant's shares under one key.
type calcCell struct {
	Key                    samspil.CostKey
	Chosen, OK, First      bool // First: the first row, which holds a problem for all rows
	Development, Operation samspil.DKK
}

// calcRow is a participant of the calculator.
type calcRow struct {
	samspil.CostParticipantView
	Cells []calcCell
}

// calcView is the calculator: one row per participant, one column group
// per key.
type calcView struct {
	Keys []calcKey
	Rows []calcRow
}

// benefitRow is a benefit with the reader's realisation form, if any.
type benefitRow struct {
	samspil.Benefit
	Form     string // the realisation form's key; "" when the reader may not record one
	Unit     string // the unit the values are shown in
	Achieved int    // realised in per cent of planned; -1 when nothing is planned
}

// benefitSum is what one participant plans and has realised, by kind.
type benefitSum struct {
	Name         string
	Summary      []samspil.BenefitSummary
	Money, Hours *samspil.BenefitSummary
}

// choice is an option of a select or a check box.
type choice struct {
	Value, Label string
}

// classRow and stepRow are rows of the cost form.
type classRow struct {
	Num         int
	UpTo, Price formField
}

type stepRow struct {
	Num         int
	From, Price formField
}

// pctRow is a participant's fixed percentage in the cost form.
type pctRow struct {
	Name  string
	Field formField
}

type initiativeData struct {
	web  *Web
	lang string
	errs map[string]string

	X            *samspil.Initiative
	C            *samspil.Collaboration // nil outside a collaboration, or when the reader may not see it
	Today        samspil.Date
	CanManage    bool
	Active       bool // not closed or stopped: it still changes
	Description  template.HTML
	PhaseChart   template.HTML
	Parts        []participationRow
	Moves        []orgMoves
	InviteOrgs   []orgGroup
	Criteria     []criterionRow
	NeedOrgs     []orgOption // the organisations the reader may confirm the need for
	GateTargets  []samspil.InitiativePhase
	Decisions    []samspil.Decision // the collaboration's adopted decisions
	Budget       []samspil.BudgetLine
	Development  samspil.DKK
	Operation    samspil.DKK
	Shares       *samspil.CostShares
	Calc         calcView
	Benefits     []benefitRow
	BenefitSums  []benefitSum
	BenefitChart template.HTML
	BenefitOrgs  []orgOption
	Lessons      []samspil.Lesson
	LessonOrgs   []orgOption
	Systems      []choice // what the edit form offers
	Goals        []choice
	ClassRows    []classRow
	StepRows     []stepRow
	PctRows      []pctRow

	Models        []choice // the models, by name
	Visibilities  []samspil.Visibility
	CostKeys      []samspil.CostKey
	ManagedFields []criterionChoice // the criteria the keepers answer

	Open     string     // the form to show open after an error
	Form     url.Values // what that form posted
	defaults map[string]url.Values
}

// FormFor returns what the form key shows: what it posted when it is the
// open one, else its defaults.
func (d *initiativeData) FormFor(key string) url.Values {
	if d.Open == key && d.Form != nil {
		return d.Form
	}
	if v := d.defaults[key]; v != nil {
		return v
	}
	return url.Values{}
}

// Field returns the field name of form key.
func (d *initiativeData) Field(form, name string) formField {
	key := form + "." + name
	f := d.FormFor(form)
	return formField{Key: key, ID: "f-" + key, ErrID: "e-" + key, Name: name, Value: f.Get(name), Values: f[name], Error: d.errs[key]}
}

// GateErrors returns the missing must-criteria a refused gate named, in
// the order of the criteria.
func (d *initiativeData) GateErrors() []formField {
	var out []formField
	for _, c := range samspil.Criteria {
		if f := d.Field(iformGate, "criteria."+string(c)); f.Error != "" {
			out = append(out, f)
		}
	}
	return out
}

// IsOpen reports whether the form key failed and is shown open.
func (d *initiativeData) IsOpen(key string) bool { return d.Open == key }

// NeedForm is the key of the need confirmation form of an organisation.
func (d *initiativeData) NeedForm(orgID string) string { return needForm(orgID) }

// initiative shows an initiative's page.
func (w *Web) initiative(rw http.ResponseWriter, r *http.Request) {
	w.showInitiative(rw, r, http.StatusOK, nil, "", nil)
}

// showInitiative renders the page with status; after a failed post, open
// names the form to show open with what it posted and formErr's messages.
func (w *Web) showInitiative(rw http.ResponseWriter, r *http.Request, status int, formErr error, open string, form url.Values) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	x, err := w.store.FindInitiative(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	lang := language(r)
	d := &initiativeData{web: w, lang: lang, errs: map[string]string{}, X: x, Today: samspil.Today(w.now()), Open: open, Form: form,
		Visibilities: samspil.Visibilities, CostKeys: samspil.CostKeys, Description: markdown(x.Description)}
	if x.CollaborationID != "" {
		c, err := w.store.FindCollaboration(ctx, actor, x.CollaborationID)
		switch {
		case err == nil:
			d.C = c
		case samspil.ErrorCode(err) != samspil.ENOTFOUND:
			w.fail(rw, r, err)
			return
		}
	}
	d.CanManage = actor.MayManageInitiative(x, d.C, d.Today)
	for _, m := range samspil.InitiativeModels {
		d.Models = append(d.Models, choice{Value: string(m), Label: d.modelName(m)})
	}
	v := w.newView(r, "initiatives", d)
	v.Title = x.Title
	if formErr != nil {
		w.withError(v, formErr)
		d.errs = v.Fields
	}
	if err := w.initiativeParts(ctx, actor, d); err != nil {
		w.fail(rw, r, err)
		return
	}
	d.PhaseChart = w.phaseChart(x, lang)
	w.render(rw, r, status, "initiative", v)
}

// initiativeParts reads and prepares the sections of the page.
func (w *Web) initiativeParts(ctx context.Context, actor *samspil.Actor, d *initiativeData) error {
	x := d.X
	d.defaults = map[string]url.Values{
		iformGate:    {"on": {d.Today.String()}},
		iformBudget:  {"kind": {string(samspil.BudgetDevelopment)}},
		iformBenefit: {"kind": {string(samspil.BenefitMoney)}},
		iformLesson:  {},
	}
	for _, p := range x.Participations {
		row := participationRow{Participation: p}
		for _, res := range p.Resources {
			row.Hours += res.HoursPerMonth
		}
		d.Parts = append(d.Parts, row)
	}
	names := map[string]string{}
	for _, p := range x.Participations {
		names[p.OrganizationID] = p.OrganizationName
	}
	for _, a := range x.Criteria {
		d.Criteria = append(d.Criteria, criterionRow{CriterionAnswer: a, Label: d.criterionLabel(a.Criterion)})
	}
	var err error
	if d.Budget, err = w.store.ListBudgetLines(ctx, actor, x.ID); err != nil {
		return err
	}
	d.Development, d.Operation = x.Budget.Development, x.Budget.Operation
	d.Shares = x.CostShares()
	d.Calc = w.calculator(d.Shares, d.lang)
	benefits, err := w.store.ListBenefits(ctx, actor, x.ID)
	if err != nil {
		return err
	}
	if d.Lessons, err = allPages(func(cursor string) (*samspil.Page[samspil.Lesson], error) {
		return w.store.ListLessons(ctx, actor, samspil.LessonFilter{InitiativeID: x.ID,
			ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
	}); err != nil {
		return err
	}

	// The reader's own organisations: what each may do here.
	ownOrgs, err := w.readerOrgs(ctx, actor, names)
	if err != nil {
		return err
	}
	states := map[string]samspil.ParticipationState{}
	for _, p := range x.Participations {
		states[p.OrganizationID] = p.State
	}
	open := !x.Phase.Final()
	d.Active = open
	for _, o := range ownOrgs {
		if open {
			if m := d.movesFor(actor, o, states[o.ID], x); len(m.Choices) > 0 {
				d.Moves = append(d.Moves, m)
			}
		}
		if !actor.Represents(o.ID) {
			continue
		}
		if open {
			d.NeedOrgs = append(d.NeedOrgs, o)
		}
		// Benefits are planned by the owner and the participants; lessons
		// are drawn by the owner and by those who have answered.
		if x.TakesPart(o.ID) {
			d.BenefitOrgs = append(d.BenefitOrgs, o)
		}
		if x.HasTakenPart(o.ID) {
			d.LessonOrgs = append(d.LessonOrgs, o)
		}
	}
	for _, b := range benefits {
		row := benefitRow{Benefit: b, Achieved: -1}
		if actor.Represents(b.OrganizationID) {
			row.Form = realForm(b.ID)
		}
		if b.Planned > 0 {
			row.Achieved = int(int64(b.Realised) * 100 / int64(b.Planned))
		}
		d.Benefits = append(d.Benefits, row)
	}
	d.BenefitSums = benefitSums(benefits)
	d.BenefitChart = w.benefitChart(d.BenefitSums, d.lang)

	if len(d.BenefitOrgs) > 0 {
		d.defaults[iformBenefit].Set("organization_id", d.BenefitOrgs[0].ID)
	}
	if len(d.LessonOrgs) > 0 {
		d.defaults[iformLesson].Set("organization_id", d.LessonOrgs[0].ID)
	}
	for _, b := range d.Benefits {
		if b.Form != "" {
			d.defaults[b.Form] = url.Values{"on": {d.Today.String()}}
		}
	}
	if open {
		if next, ok := x.Phase.Next(); ok {
			d.GateTargets = []samspil.InitiativePhase{next, samspil.PhaseStopped}
			d.defaults[iformGate].Set("to", string(next))
		}
	}
	if d.CanManage {
		if err := w.keeperChoices(ctx, actor, d); err != nil {
			return err
		}
	}
	return nil
}

// readerOrgs returns the organisations the reader acts for (administrators
// and editors), by name.
func (w *Web) readerOrgs(ctx context.Context, actor *samspil.Actor, known map[string]string) ([]orgOption, error) {
	if !actor.SignedIn() || actor.Kind == samspil.ActorSystem {
		return nil, nil
	}
	var out []orgOption
	for _, id := range actor.OrgsWhere(samspil.PermCollabRepresent) {
		name, ok := known[id]
		if !ok {
			org, err := w.store.FindOrganization(ctx, actor, id)
			if samspil.ErrorCode(err) == samspil.ENOTFOUND {
				continue
			}
			if err != nil {
				return nil, err
			}
			name = org.Name
		}
		out = append(out, orgOption{ID: id, Name: name})
	}
	slices.SortFunc(out, func(a, b orgOption) int { return strings.Compare(samspil.Fold(a.Name), samspil.Fold(b.Name)) })
	return out, nil
}

// movesFor returns what the reader may record for one of its
// organisations: every state the organisation's current one may move to
// (samspil.CanMove) that the reader may record (MaySetParticipation);
// invitations are the keepers' own form.
func (d *initiativeData) movesFor(actor *samspil.Actor, o orgOption, from samspil.ParticipationState, x *samspil.Initiative) orgMoves {
	m := orgMoves{OrganizationID: o.ID, OrganizationName: o.Name, State: from}
	var current []samspil.ResourcePledge
	for _, p := range x.Participations {
		if p.OrganizationID == o.ID {
			current = p.Resources
		}
	}
	for _, to := range samspil.ParticipationStates {
		if to == samspil.ParticipationInvited || !samspil.CanMove(from, to) || !actor.MaySetParticipation(o.ID, to, d.CanManage) {
			continue
		}
		key := partForm(o.ID, to)
		texts := moveTexts[to]
		c := moveChoice{State: to, Form: key, Out: to.Out(), Label: d.text(texts[0]), Confirm: d.text(texts[1], o.Name)}
		if !to.Out() {
			def := url.Values{}
			for i, res := range current {
				def.Set("res"+strconv.Itoa(i)+".competence", res.Competence)
				def.Set("res"+strconv.Itoa(i)+".hours", strconv.Itoa(res.HoursPerMonth))
			}
			d.defaults[key] = def
			for i := range rowCount(d.FormFor(key), "res", len(current)+resourceBlankRows) {
				k := "res" + strconv.Itoa(i)
				c.Rows = append(c.Rows, resourceRow{Num: i + 1, Competence: d.Field(key, k+".competence"), Hours: d.Field(key, k+".hours")})
			}
		}
		m.Choices = append(m.Choices, c)
	}
	return m
}

// rowCount returns how many rows of prefix a form has: at least min, and
// one past the highest row number of its fields (prefix<n>.field).
func rowCount(f url.Values, prefix string, least int) int {
	n := least
	for key := range f {
		head, _, ok := strings.Cut(key, ".")
		if !ok || !strings.HasPrefix(head, prefix) {
			continue
		}
		if i, err := strconv.Atoi(strings.TrimPrefix(head, prefix)); err == nil && i >= 0 && i < maxFormRows && i >= n {
			n = i + 1
		}
	}
	return min(n, maxFormRows)
}

// keeperChoices fills in what the keepers' forms offer and their defaults.
func (w *Web) keeperChoices(ctx context.Context, actor *samspil.Actor, d *initiativeData) error {
	x := d.X
	// Invitations: every organisation not taking part or asked already.
	skip := map[string]bool{x.OwnerID: true}
	for _, p := range x.Participations {
		if !p.State.Out() {
			skip[p.OrganizationID] = true
		}
	}
	var err error
	if d.InviteOrgs, err = w.orgGroups(ctx, actor, skip); err != nil {
		return err
	}
	// The collaboration's adopted decisions pass its gates.
	if x.CollaborationID != "" {
		ds, err := allPages(func(cursor string) (*samspil.Page[samspil.Decision], error) {
			return w.store.ListDecisions(ctx, actor, samspil.DecisionFilter{CollaborationID: x.CollaborationID,
				ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
		})
		if err != nil {
			return err
		}
		for _, dec := range ds {
			if dec.Outcome.Result == samspil.OutcomeAdopted {
				d.Decisions = append(d.Decisions, dec)
			}
		}
	}
	// The edit form: the related systems offered are the current ones and
	// those the owner uses; the goals, those of the collaboration's
	// strategies and the owner's own.
	seen := map[string]bool{}
	for _, s := range x.Systems {
		seen[s.ID] = true
		d.Systems = append(d.Systems, choice{Value: s.ID, Label: s.Name})
	}
	usages, err := allPages(func(cursor string) (*samspil.Page[samspil.Usage], error) {
		return w.store.ListUsages(ctx, actor, samspil.UsageFilter{OrganizationID: x.OwnerID, ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
	})
	if err != nil {
		return err
	}
	var offered []choice
	for _, u := range usages {
		if !seen[u.SystemID] {
			seen[u.SystemID] = true
			offered = append(offered, choice{Value: u.SystemID, Label: u.SystemName})
		}
	}
	slices.SortFunc(offered, func(a, b choice) int { return strings.Compare(samspil.Fold(a.Label), samspil.Fold(b.Label)) })
	d.Systems = append(d.Systems, offered...)
	goalSeen := map[string]bool{}
	for _, g := range x.Goals {
		v := g.StrategyID + ":" + strconv.Itoa(g.Goal)
		goalSeen[v] = true
		d.Goals = append(d.Goals, choice{Value: v, Label: g.StrategyTitle + ": " + g.GoalTitle})
	}
	var strategies []samspil.Strategy
	if x.CollaborationID != "" {
		ss, err := w.store.ListStrategies(ctx, actor, x.CollaborationID, "")
		if err != nil {
			return err
		}
		strategies = append(strategies, ss...)
	}
	own, err := w.store.ListStrategies(ctx, actor, "", x.OwnerID)
	if err != nil {
		return err
	}
	strategies = append(strategies, own...)
	for _, s := range strategies {
		for i, g := range s.Goals {
			v := s.ID + ":" + strconv.Itoa(i+1)
			if !goalSeen[v] {
				goalSeen[v] = true
				d.Goals = append(d.Goals, choice{Value: v, Label: s.Title + ": " + g.Title})
			}
		}
	}

	// Defaults of the keepers' forms.
	systems := make([]string, len(x.Systems))
	for i, s := range x.Systems {
		systems[i] = s.ID
	}
	goals := make([]string, len(x.Goals))
	for i, g := range x.Goals {
		goals[i] = g.StrategyID + ":" + strconv.Itoa(g.Goal)
	}
	d.defaults[iformEdit] = url.Values{"title": {x.Title}, "description": {x.Description}, "model": {string(x.Model)},
		"visibility": {string(x.Visibility)}, "tasks": {strings.Join(x.Tasks, " ")}, "system_ids": systems, "goals": goals,
		"expected_benefits": {x.ExpectedBenefits}, "contact_name": {x.ContactName}, "contact_email": {x.ContactEmail}}
	crit := url.Values{}
	for _, a := range x.Criteria {
		if a.Criterion == samspil.CriterionNeedConfirmed {
			continue
		}
		if a.Met {
			crit.Add("met", string(a.Criterion))
		}
		crit.Set(string(a.Criterion), a.Evidence)
	}
	d.defaults[iformCriteria] = crit
	for _, c := range samspil.Criteria {
		if c != samspil.CriterionNeedConfirmed {
			d.ManagedFields = append(d.ManagedFields, criterionChoice{Criterion: c, Label: d.criterionLabel(c),
				Met: d.Field(iformCriteria, "met"), Evidence: d.Field(iformCriteria, string(c))})
		}
	}
	d.costForm(w.costDefaults(x, d.lang))
	return nil
}

// costDefaults returns the cost form as the settings fill it.
func (w *Web) costDefaults(x *samspil.Initiative, lang string) url.Values {
	c := x.Cost
	f := url.Values{"key": {string(c.Key)}}
	num := func(name string, n int) {
		if n != 0 {
			f.Set(name, strconv.Itoa(n))
		}
	}
	num("population_year", c.PopulationYear)
	num("degressive_above", c.DegressiveAbove)
	num("degressive_numerator", c.DegressiveNumerator)
	num("degressive_denominator", c.DegressiveDenominator)
	for i, sc := range c.SizeClasses {
		k := "class" + strconv.Itoa(i)
		num(k+".up_to", sc.UpTo)
		f.Set(k+".price", kroner(sc.Price, lang))
	}
	for i, st := range c.Staircase {
		k := "step" + strconv.Itoa(i)
		num(k+".from_participants", st.From)
		f.Set(k+".price", kroner(st.Price, lang))
	}
	for _, fs := range c.FixedShares {
		f.Set(fs.OrganizationID+".percent", kroner(samspil.DKK(fs.BasisPoints), lang))
	}
	return f
}

// costForm fills in the rows of the cost form.
func (d *initiativeData) costForm(def url.Values) {
	d.defaults[iformCost] = def
	f := d.FormFor(iformCost)
	for i := range rowCount(f, "class", len(d.X.Cost.SizeClasses)+classBlankRows) {
		k := "class" + strconv.Itoa(i)
		d.ClassRows = append(d.ClassRows, classRow{Num: i + 1, UpTo: d.Field(iformCost, k+".up_to"), Price: d.Field(iformCost, k+".price")})
	}
	for i := range rowCount(f, "step", len(d.X.Cost.Staircase)+stepBlankRows) {
		k := "step" + strconv.Itoa(i)
		d.StepRows = append(d.StepRows, stepRow{Num: i + 1, From: d.Field(iformCost, k+".from_participants"), Price: d.Field(iformCost, k+".price")})
	}
	for _, p := range d.X.Participations {
		if p.State.Participates() {
			d.PctRows = append(d.PctRows, pctRow{Name: p.OrganizationName, Field: d.Field(iformCost, p.OrganizationID+".percent")})
		}
	}
}

// calculator lays out the cost shares: a row per participant, a column
// group per key, the problems of the keys that cannot split in the
// reader's language.
func (w *Web) calculator(s *samspil.CostShares, lang string) calcView {
	var cv calcView
	if s == nil {
		return cv
	}
	for _, k := range s.Keys {
		ck := calcKey{Key: k.Key, Chosen: k.Key == s.Chosen, DevelopmentTotal: k.DevelopmentTotal, OperationTotal: k.OperationTotal}
		if k.Problem != "" || k.Err != nil {
			ck.Problem = w.problemText(k.Err, k.Problem, lang)
		}
		cv.Keys = append(cv.Keys, ck)
	}
	for i, p := range s.Participants {
		row := calcRow{CostParticipantView: p}
		for j, k := range s.Keys {
			cell := calcCell{Key: k.Key, Chosen: cv.Keys[j].Chosen, First: i == 0}
			if cv.Keys[j].Problem == "" && i < len(k.Development) && i < len(k.Operation) {
				cell.OK, cell.Development, cell.Operation = true, k.Development[i], k.Operation[i]
			}
			row.Cells = append(row.Cells, cell)
		}
		cv.Rows = append(cv.Rows, row)
	}
	return cv
}

// problemText says why a key cannot split, in lang: each field's message
// after the field's name.
func (w *Web) problemText(err error, fallback, lang string) string {
	e, ok := err.(*samspil.Error)
	if !ok {
		if err == nil {
			return fallback
		}
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

// benefitSums sums the benefits per participant, in the order of the
// benefits (by organisation), then for the whole initiative.
func benefitSums(bs []samspil.Benefit) []benefitSum {
	var order []string
	by := map[string][]samspil.Benefit{}
	names := map[string]string{}
	for _, b := range bs {
		if _, ok := by[b.OrganizationID]; !ok {
			order = append(order, b.OrganizationID)
			names[b.OrganizationID] = b.OrganizationName
		}
		by[b.OrganizationID] = append(by[b.OrganizationID], b)
	}
	var out []benefitSum
	for _, id := range order {
		if s := samspil.SummarizeBenefits(by[id]); len(s) > 0 {
			out = append(out, summed(names[id], s))
		}
	}
	return out
}

// summed names the sums of one participant, or of all (name "").
func summed(name string, s []samspil.BenefitSummary) benefitSum {
	b := benefitSum{Name: name, Summary: s}
	for i := range s {
		switch s[i].Kind {
		case samspil.BenefitMoney:
			b.Money = &s[i]
		case samspil.BenefitHours:
			b.Hours = &s[i]
		}
	}
	return b
}

// text returns a text of the catalogue in the reader's language.
func (d *initiativeData) text(key string, args ...any) string {
	return d.web.cat.text(d.lang, key, args...)
}

// modelName names a model as a heading.
func (d *initiativeData) modelName(m samspil.InitiativeModel) string {
	return capitalize(d.text("term." + string(m)))
}

// ModelName names the initiative's model.
func (d *initiativeData) ModelName() string { return d.modelName(d.X.Model) }

// criterionLabel names a must-criterion as a heading.
func (d *initiativeData) criterionLabel(c samspil.Criterion) string {
	return capitalize(d.text("term." + string(c)))
}

// Value shows a benefit's value in its unit.
func (d *initiativeData) Value(v samspil.DKK, kind samspil.BenefitKind) string {
	return benefitValue(v, kind, d.lang, d.web)
}

// BenefitTotal sums the benefits of all participants by kind.
func (d *initiativeData) BenefitTotal() benefitSum {
	bs := make([]samspil.Benefit, len(d.Benefits))
	for i, b := range d.Benefits {
		bs[i] = b.Benefit
	}
	return summed("", samspil.SummarizeBenefits(bs))
}
