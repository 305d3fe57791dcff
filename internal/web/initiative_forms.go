package web

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// The forms of the page of one initiative (initiative.go): each posts to
// its own address, and on success redirects back to the page at its
// section; on failure the page is shown again with the form open and the
// store's messages at its fields.

// initiativePath is the page of the initiative a post is about.
func initiativePath(r *http.Request) string { return "/initiatives/" + r.PathValue("id") }

// initiativeFormFailed answers a failed post of a form on the page and
// reports whether it did: what the form said wrong shows the page again
// with the form open and its messages at its fields (rename gives the
// field of a store path; nil prefixes the form's key); anything else (not
// found, forbidden) is an error page. Nothing is answered for a nil err.
func (w *Web) initiativeFormFailed(rw http.ResponseWriter, r *http.Request, err error, form string, rename func(string) string) bool {
	if err == nil {
		return false
	}
	if inputError(err) || samspil.ErrorCode(err) == samspil.ETOOLARGE {
		if rename == nil {
			rename = func(path string) string { return form + "." + path }
		}
		err = renameFields(err, rename)
		w.showInitiative(rw, r, httpx.Status(err), err, form, r.PostForm)
		return true
	}
	w.fail(rw, r, err)
	return true
}

// splitList splits a list typed with spaces, commas or semicolons.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}

// reGoalPath matches the store's paths of the goals.
var reGoalPath = regexp.MustCompile(`^goals\[\d+\]`)

// updateInitiative changes the initiative's own fields from the edit form.
func (w *Web) updateInitiative(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	f := r.PostForm
	var v samspil.Validation
	title, desc, benefits := f.Get("title"), f.Get("description"), f.Get("expected_benefits")
	name, email := f.Get("contact_name"), f.Get("contact_email")
	model, vis := samspil.InitiativeModel(f.Get("model")), samspil.Visibility(f.Get("visibility"))
	tasks, systems := splitList(f.Get("tasks")), []string{}
	for _, id := range f["system_ids"] {
		if id = strings.TrimSpace(id); id != "" {
			systems = append(systems, id)
		}
	}
	goals := []samspil.GoalRef{}
	for _, g := range f["goals"] {
		sid, num, ok := strings.Cut(g, ":")
		n, err := strconv.Atoi(num)
		if !ok || err != nil || sid == "" {
			v.Add("goals", "must be a goal of a strategy")
			continue
		}
		goals = append(goals, samspil.GoalRef{StrategyID: sid, Goal: n})
	}
	p := samspil.InitiativePatch{Title: &title, Description: &desc, Model: &model, Visibility: &vis, Tasks: &tasks, SystemIDs: &systems,
		Goals: &goals, ExpectedBenefits: &benefits, ContactName: &name, ContactEmail: &email}
	err := v.Err()
	if err == nil {
		_, err = w.store.UpdateInitiative(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), formVersion(r), p)
	}
	if w.initiativeFormFailed(rw, r, err, iformEdit, func(path string) string {
		return iformEdit + "." + reGoalPath.ReplaceAllString(path, "goals")
	}) {
		return
	}
	redirect(rw, r, initiativePath(r), "initiative_updated")
}

// reResourcePath matches the store's paths of pledged resources.
var reResourcePath = regexp.MustCompile(`^resources\[(\d+)\]\.(competence|hours_per_month)$`)

// setInitiativeParticipation records an organisation's stand, or an
// invitation by those who keep the initiative; the store checks that the
// reader may.
func (w *Web) setInitiativeParticipation(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	f := r.PostForm
	var v samspil.Validation
	in := samspil.ParticipationInput{OrganizationID: strings.TrimSpace(f.Get("organization_id")), State: samspil.ParticipationState(f.Get("state")),
		Reason: f.Get("reason"), On: formDate(&v, r, "on")}
	form := partForm(in.OrganizationID, in.State)
	if in.State == samspil.ParticipationInvited {
		form = iformInvite
		if code := strings.TrimSpace(f.Get("code")); code != "" {
			in.OrganizationID = code
		}
	}
	var rows []int // the form row of each resource sent
	if _, has := f["res0.competence"]; has {
		resources := []samspil.ResourcePledge{}
		for i := range rowCount(f, "res", 0) {
			k := "res" + strconv.Itoa(i)
			comp, hours := strings.TrimSpace(f.Get(k+".competence")), strings.TrimSpace(f.Get(k+".hours"))
			if comp == "" && hours == "" {
				continue
			}
			n, err := strconv.Atoi(hours)
			if err != nil {
				v.Add(k+".hours", "must be a whole number")
			}
			resources = append(resources, samspil.ResourcePledge{Competence: comp, HoursPerMonth: n})
			rows = append(rows, i)
		}
		in.Resources = &resources
	}
	err := v.Err()
	if err == nil {
		_, err = w.store.SetParticipation(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), in)
	}
	if w.initiativeFormFailed(rw, r, err, form, func(path string) string {
		if m := reResourcePath.FindStringSubmatch(path); m != nil {
			i, _ := strconv.Atoi(m[1])
			field := "competence"
			if m[2] == "hours_per_month" {
				field = "hours"
			}
			if i < len(rows) {
				return form + ".res" + strconv.Itoa(rows[i]) + "." + field
			}
		}
		return form + "." + path
	}) {
		return
	}
	done := "participation_saved"
	if in.State == samspil.ParticipationInvited {
		done = "initiative_invited"
	}
	redirect(rw, r, initiativePath(r)+"#participation", done)
}

// confirmInitiativeNeed records an organisation's confirmation of the need.
func (w *Web) confirmInitiativeNeed(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	in := samspil.NeedConfirmationInput{OrganizationID: strings.TrimSpace(r.PostFormValue("organization_id")), Evidence: r.PostFormValue("evidence")}
	_, err := w.store.ConfirmNeed(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), in)
	if w.initiativeFormFailed(rw, r, err, needForm(in.OrganizationID), nil) {
		return
	}
	redirect(rw, r, initiativePath(r)+"#criteria", "need_confirmed")
}

// reAnswerPath matches the store's paths of the criteria answers.
var reAnswerPath = regexp.MustCompile(`^answers\[(\d+)\]`)

// answerInitiativeCriteria replaces the keepers' answers to the
// must-criteria.
func (w *Web) answerInitiativeCriteria(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	f := r.PostForm
	var in samspil.CriteriaInput
	var order []samspil.Criterion
	for _, c := range samspil.Criteria {
		if c == samspil.CriterionNeedConfirmed {
			continue
		}
		met := slices.Contains(f["met"], string(c))
		evidence := strings.TrimSpace(f.Get(string(c)))
		if !met && evidence == "" {
			continue
		}
		in.Answers = append(in.Answers, samspil.CriterionAnswer{Criterion: c, Met: met, Evidence: evidence})
		order = append(order, c)
	}
	_, err := w.store.AnswerCriteria(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), formVersion(r), in)
	if w.initiativeFormFailed(rw, r, err, iformCriteria, func(path string) string {
		if m := reAnswerPath.FindStringSubmatch(path); m != nil {
			if i, _ := strconv.Atoi(m[1]); i < len(order) {
				return iformCriteria + "." + string(order[i])
			}
		}
		if c, ok := strings.CutPrefix(path, "criteria."); ok {
			return iformCriteria + "." + c
		}
		return iformCriteria + "." + path
	}) {
		return
	}
	redirect(rw, r, initiativePath(r)+"#criteria", "criteria_saved")
}

// passInitiativeGate moves the initiative to its next phase, or stops it.
func (w *Web) passInitiativeGate(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	f := r.PostForm
	var v samspil.Validation
	in := samspil.GateInput{To: samspil.InitiativePhase(f.Get("to")), DecisionID: strings.TrimSpace(f.Get("decision_id")),
		ApprovedBy: strings.TrimSpace(f.Get("approved_by")), Reason: strings.TrimSpace(f.Get("reason"))}
	if on := formDate(&v, r, "on"); on != nil {
		in.On = *on
	}
	err := v.Err()
	if err == nil {
		_, err = w.store.PassGate(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), formVersion(r), in)
	}
	if w.initiativeFormFailed(rw, r, err, iformGate, nil) {
		return
	}
	redirect(rw, r, initiativePath(r)+"#phases", "gate_passed")
}

// budgetForm reads a budget line; amounts accept Danish notation.
func budgetForm(r *http.Request) (samspil.BudgetLineInput, error) {
	f := r.PostForm
	var v samspil.Validation
	in := samspil.BudgetLineInput{Kind: samspil.BudgetKind(f.Get("kind")), Title: f.Get("title"), Description: f.Get("description"),
		Year: atoiOr(&v, r, "year")}
	if amount, ok := parseKroner(f.Get("amount")); ok {
		in.Amount = amount
	} else {
		v.Add("amount", "must be an amount in kroner such as 125.000,50")
	}
	return in, v.Err()
}

// addInitiativeBudgetLine adds a line to the budget.
func (w *Web) addInitiativeBudgetLine(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	in, err := budgetForm(r)
	if err == nil {
		_, err = w.store.AddBudgetLine(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), in)
	}
	if w.initiativeFormFailed(rw, r, err, iformBudget, nil) {
		return
	}
	redirect(rw, r, initiativePath(r)+"#budget", "budget_line_added")
}

// deleteInitiativeBudgetLine removes a line of the budget.
func (w *Web) deleteInitiativeBudgetLine(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	// The line must be one of this initiative's.
	lines, err := w.store.ListBudgetLines(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	if !slices.ContainsFunc(lines, func(l samspil.BudgetLine) bool { return l.ID == r.PathValue("line") }) {
		w.fail(rw, r, samspil.NotFound("budget line"))
		return
	}
	err = w.store.DeleteBudgetLine(ctx, actor, r.PathValue("line"), formVersion(r))
	if w.initiativeFormFailed(rw, r, err, iformBudget, nil) {
		return
	}
	redirect(rw, r, initiativePath(r)+"#budget", "budget_line_deleted")
}

// reCostPath matches the store's paths of the rows of the cost settings.
var reCostPath = regexp.MustCompile(`^cost\.(size_classes|staircase|fixed_shares)\[(\d+)\]\.(\w+)$`)

// setInitiativeCost replaces the cost settings: the chosen key and what
// the keys need.
func (w *Web) setInitiativeCost(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	x, err := w.store.FindInitiative(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	f := r.PostForm
	var v samspil.Validation
	num := func(name string) int {
		s := strings.TrimSpace(f.Get(name))
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(strings.ReplaceAll(s, ".", ""))
		if err != nil {
			v.Add("cost."+name, "must be a whole number")
		}
		return n
	}
	money := func(name string) samspil.DKK {
		a, ok := parseKroner(f.Get(name))
		if !ok {
			v.Add("cost."+name, "must be an amount in kroner such as 125.000,50")
		}
		return a
	}
	c := samspil.CostSettings{Key: samspil.CostKey(f.Get("key")), PopulationYear: num("population_year"), DegressiveAbove: num("degressive_above"),
		DegressiveNumerator: num("degressive_numerator"), DegressiveDenominator: num("degressive_denominator")}
	var classRows, stepRows []int
	var pctOrgs []string
	for i := range rowCount(f, "class", 0) {
		k := "class" + strconv.Itoa(i)
		if strings.TrimSpace(f.Get(k+".up_to")) == "" && strings.TrimSpace(f.Get(k+".price")) == "" {
			continue
		}
		c.SizeClasses = append(c.SizeClasses, samspil.SizeClass{UpTo: num(k + ".up_to"), Price: money(k + ".price")})
		classRows = append(classRows, i)
	}
	for i := range rowCount(f, "step", 0) {
		k := "step" + strconv.Itoa(i)
		if strings.TrimSpace(f.Get(k+".from_participants")) == "" && strings.TrimSpace(f.Get(k+".price")) == "" {
			continue
		}
		c.Staircase = append(c.Staircase, samspil.StairStep{From: num(k + ".from_participants"), Price: money(k + ".price")})
		stepRows = append(stepRows, i)
	}
	for _, p := range x.Participations {
		s := strings.TrimSpace(f.Get(p.OrganizationID + ".percent"))
		if !p.State.Participates() || s == "" {
			continue
		}
		bp := money(p.OrganizationID + ".percent") // hundredths of a per cent, like øre of a krone
		c.FixedShares = append(c.FixedShares, samspil.FixedShare{OrganizationID: p.OrganizationID, BasisPoints: int(bp)})
		pctOrgs = append(pctOrgs, p.OrganizationID)
	}
	err = v.Err()
	if err == nil {
		_, err = w.store.UpdateInitiative(ctx, actor, x.ID, formVersion(r), samspil.InitiativePatch{Cost: &c})
	}
	if w.initiativeFormFailed(rw, r, err, iformCost, func(path string) string {
		m := reCostPath.FindStringSubmatch(path)
		if m == nil {
			if !strings.HasPrefix(path, "cost.") {
				return "cost." + path
			}
			return path
		}
		i, _ := strconv.Atoi(m[2])
		switch {
		case m[1] == "size_classes" && i < len(classRows):
			return "cost.class" + strconv.Itoa(classRows[i]) + "." + m[3]
		case m[1] == "staircase" && i < len(stepRows):
			field := m[3]
			if field == "from" {
				field = "from_participants"
			}
			return "cost.step" + strconv.Itoa(stepRows[i]) + "." + field
		case m[1] == "fixed_shares" && i < len(pctOrgs):
			return "cost." + pctOrgs[i] + ".percent"
		}
		return "cost." + m[1]
	}) {
		return
	}
	redirect(rw, r, initiativePath(r)+"#calculator", "cost_saved")
}

// planInitiativeBenefit records a participant's planned benefit.
func (w *Web) planInitiativeBenefit(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	f := r.PostForm
	var v samspil.Validation
	in := samspil.BenefitInput{OrganizationID: strings.TrimSpace(f.Get("organization_id")), Kind: samspil.BenefitKind(f.Get("kind")),
		Title: f.Get("title"), Measure: f.Get("measure"), OwnerName: f.Get("owner_name"), Plan: f.Get("plan")}
	if planned, ok := parseKroner(f.Get("planned")); ok {
		in.Planned = planned
	} else {
		v.Add("planned", "must be a number such as 1.200 or 12,5")
	}
	err := v.Err()
	if err == nil {
		_, err = w.store.PlanBenefit(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), in)
	}
	if w.initiativeFormFailed(rw, r, err, iformBenefit, nil) {
		return
	}
	redirect(rw, r, initiativePath(r)+"#benefits", "benefit_planned")
}

// recordInitiativeRealisation records a realised value of a benefit of
// the initiative.
func (w *Web) recordInitiativeRealisation(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	// The benefit must be one of this initiative's.
	benefits, err := w.store.ListBenefits(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	id := r.PathValue("benefit")
	if !slices.ContainsFunc(benefits, func(b samspil.Benefit) bool { return b.ID == id }) {
		w.fail(rw, r, samspil.NotFound("benefit"))
		return
	}
	var v samspil.Validation
	in := samspil.RealisationInput{Note: r.PostFormValue("note")}
	if on := formDate(&v, r, "on"); on != nil {
		in.On = *on
	}
	if value, ok := parseKroner(r.PostFormValue("value")); ok {
		in.Value = value
	} else {
		v.Add("value", "must be a number such as 1.200 or 12,5")
	}
	err = v.Err()
	if err == nil {
		_, err = w.store.RecordRealisation(ctx, actor, id, in)
	}
	if w.initiativeFormFailed(rw, r, err, realForm(id), nil) {
		return
	}
	redirect(rw, r, initiativePath(r)+"#benefits", "realisation_recorded")
}

// recordInitiativeLesson records a lesson of the initiative for one
// organisation.
func (w *Web) recordInitiativeLesson(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	f := r.PostForm
	in := samspil.LessonInput{InitiativeID: r.PathValue("id"), OrganizationID: strings.TrimSpace(f.Get("organization_id")), Title: f.Get("title"),
		WhatWorked: f.Get("what_worked"), WhatDidNot: f.Get("what_did_not"), Tags: strings.FieldsFunc(f.Get("tags"), func(r rune) bool { return r == ',' || r == ';' })}
	_, err := w.store.RecordLesson(r.Context(), httpx.ActorFrom(r.Context()), in)
	if w.initiativeFormFailed(rw, r, err, iformLesson, func(path string) string {
		if strings.HasPrefix(path, "tags[") {
			return iformLesson + ".tags"
		}
		return iformLesson + "." + path
	}) {
		return
	}
	redirect(rw, r, initiativePath(r)+"#lessons", "lesson_recorded")
}

// Problem returns why the key cannot split, in the reader's language.
func (d *initiativeData) Problem(key samspil.CostKey) string {
	for _, k := range d.Calc.Keys {
		if k.Key == key {
			return k.Problem
		}
	}
	return ""
}
