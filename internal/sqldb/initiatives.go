package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/samspil/samspil"
)

var _ samspil.InitiativeService = (*DB)(nil)

// initiativeSelects are the SELECT of an initiative row, per engine.
var initiativeSelects = map[Engine]string{SQLite: initiativeSelectFor(SQLite), Postgres: initiativeSelectFor(Postgres)}

func initiativeSelectFor(e Engine) string {
	return `SELECT i.id, i.title, i.description, i.owner_id, o.name, COALESCE(i.collaboration_id, ''), COALESCE(c.name, ''), i.model, i.phase,
	` + dateColumn(e, "i.phase_since") + `, ` + dateColumn(e, "i.proposed_on") + `, i.stop_reason, i.visibility, i.expected_benefits, i.contact_name, i.contact_email, i.cost_json,
	i.criteria_json, i.version, i.created_at, i.updated_at
	FROM initiatives i JOIN organizations o ON o.id = i.owner_id LEFT JOIN collaborations c ON c.id = i.collaboration_id`
}

func scanInitiative(r rowScanner) (samspil.Initiative, error) {
	var x samspil.Initiative
	var cost, criteria string
	var created, updated dbTime
	err := r.Scan(&x.ID, &x.Title, &x.Description, &x.OwnerID, &x.OwnerName, &x.CollaborationID, &x.CollaborationName, &x.Model, &x.Phase,
		&x.PhaseSince, &x.ProposedOn, &x.StopReason, &x.Visibility, &x.ExpectedBenefits, &x.ContactName, &x.ContactEmail, &cost, &criteria,
		&x.Version, &created, &updated)
	if err != nil {
		return x, err
	}
	x.CreatedAt, x.UpdatedAt = created.T, updated.T
	if err := json.Unmarshal([]byte(cost), &x.Cost); err != nil {
		return x, fmt.Errorf("cost of initiative %s: %w", x.ID, err)
	}
	if err := json.Unmarshal([]byte(criteria), &x.Criteria); err != nil {
		return x, fmt.Errorf("criteria of initiative %s: %w", x.ID, err)
	}
	return x, nil
}

// visibleInitiativeCond is the condition under which the actor sees the
// initiative aliased i: samspil.Actor.CanSeeInitiative in SQL. Its owner's
// visibility decides, and the organisations with a participation in it and
// the present and former members of its collaboration always see it.
func visibleInitiativeCond(q *query, actor *samspil.Actor) string {
	switch {
	case actor.IsOperator():
		return "1 = 1"
	case !actor.SignedIn():
		return "i.visibility = 'public'"
	}
	orgs := actor.OrgIDs()
	return visibleCond(q, actor, "i.owner_id", "i.visibility") +
		" OR i.id IN (SELECT ip.initiative_id FROM initiative_participations ip WHERE ip.organization_id IN " + q.in(orgs) + ")" +
		" OR i.collaboration_id IN (SELECT cm.collaboration_id FROM collaboration_members cm WHERE cm.organization_id IN " + q.in(orgs) + ")"
}

// visibleLessonCond is the condition under which the actor sees the
// lesson aliased l, joined to its initiative i and its collaboration c
// (LEFT JOIN both): a lesson of an initiative is seen with the initiative,
// a lesson of a collaboration as a whole with the collaboration.
func visibleLessonCond(q *query, actor *samspil.Actor) string {
	if actor.IsOperator() {
		return "1 = 1"
	}
	return "(l.initiative_id IS NOT NULL AND (" + visibleInitiativeCond(q, actor) + ")) OR (l.initiative_id IS NULL AND (" +
		visibleCollabCond(q, actor) + "))"
}

// FindInitiative returns a visible initiative with its tasks, systems,
// goals, criteria, gates and participations.
func (db *DB) FindInitiative(ctx context.Context, actor *samspil.Actor, id string) (*samspil.Initiative, error) {
	return db.findInitiative(ctx, db.read, actor, id)
}

func (db *DB) findInitiative(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.Initiative, error) {
	var q query
	q.cond("i.id = " + q.arg(id))
	q.cond(visibleInitiativeCond(&q, actor))
	x, err := scanInitiative(qr.QueryRowContext(ctx, initiativeSelects[db.engine]+q.whereSQL(), q.args...))
	if err != nil {
		return nil, errNoRows(err, "initiative")
	}
	xs := []samspil.Initiative{x}
	if err := db.finishInitiatives(ctx, qr, actor, xs, true); err != nil {
		return nil, err
	}
	return &xs[0], nil
}

// finishInitiatives loads the parts of a page of initiatives (at most
// samspil.MaxPageSize, so the IN lists stay short), one query per part:
// their participations, gates, need confirmations (so the criteria are
// whole) and budget totals always, and with whole also tasks, systems,
// goals and each participation's history.
func (db *DB) finishInitiatives(ctx context.Context, qr querier, actor *samspil.Actor, xs []samspil.Initiative, whole bool) error {
	if len(xs) == 0 {
		return nil
	}
	if len(xs) > samspil.MaxPageSize {
		panic("finishInitiatives: more initiatives than a page")
	}
	idx := make(map[string]*samspil.Initiative, len(xs))
	ids := make([]string, len(xs))
	for i := range xs {
		x := &xs[i]
		ids[i], idx[x.ID] = x.ID, x
		x.Tasks, x.Systems, x.Goals = []string{}, []samspil.SystemRef{}, []samspil.GoalRef{}
		x.NeedConfirmations, x.Gates, x.Participations = []samspil.NeedConfirmation{}, []samspil.Gate{}, []samspil.Participation{}
		if x.Criteria == nil {
			x.Criteria = []samspil.CriterionAnswer{}
		}
	}
	if err := db.loadParticipations(ctx, qr, xs, idx, ids, whole); err != nil {
		return err
	}
	var q query
	in := q.in(ids)
	if err := eachRow(ctx, qr, `SELECT g.initiative_id, g.id, g.from_phase, g.to_phase, `+dateColumn(db.engine, "g.on_date")+`,
		COALESCE(g.decision_id, ''), COALESCE(d.title, ''), g.approved_by, g.reason, g.recorded_by_name, g.recorded_at
		FROM initiative_gates g LEFT JOIN decisions d ON d.id = g.decision_id WHERE g.initiative_id IN `+in+
		` ORDER BY g.on_date, g.recorded_at`, q.args, func(r rowScanner) error {
		var id string
		var g samspil.Gate
		var at dbTime
		if err := r.Scan(&id, &g.ID, &g.From, &g.To, &g.On, &g.DecisionID, &g.DecisionTitle, &g.ApprovedBy, &g.Reason, &g.RecordedByName, &at); err != nil {
			return err
		}
		g.RecordedAt = at.T
		idx[id].Gates = append(idx[id].Gates, g)
		return nil
	}); err != nil {
		return err
	}
	q = query{}
	in = q.in(ids)
	if err := eachRow(ctx, qr, `SELECT initiative_id, kind, SUM(amount) FROM initiative_budget_lines WHERE initiative_id IN `+in+
		` GROUP BY initiative_id, kind`, q.args, func(r rowScanner) error {
		var id string
		var kind samspil.BudgetKind
		var sum int64
		if err := r.Scan(&id, &kind, &sum); err != nil {
			return err
		}
		if kind == samspil.BudgetOperation {
			idx[id].Budget.Operation = samspil.DKK(sum)
		} else {
			idx[id].Budget.Development = samspil.DKK(sum)
		}
		return nil
	}); err != nil {
		return err
	}
	q = query{}
	in = q.in(ids)
	if err := eachRow(ctx, qr, `SELECT n.initiative_id, n.organization_id, o.name, `+dateColumn(db.engine, "n.on_date")+`, n.evidence, n.by_name
		FROM initiative_need_confirmations n JOIN organizations o ON o.id = n.organization_id WHERE n.initiative_id IN `+in+
		` ORDER BY n.on_date, o.name_fold`, q.args, func(r rowScanner) error {
		var id string
		var n samspil.NeedConfirmation
		if err := r.Scan(&id, &n.OrganizationID, &n.OrganizationName, &n.On, &n.Evidence, &n.ByName); err != nil {
			return err
		}
		idx[id].NeedConfirmations = append(idx[id].NeedConfirmations, n)
		return nil
	}); err != nil {
		return err
	}
	for i := range xs {
		xs[i].Criteria = criteriaWithNeed(xs[i].Criteria, xs[i].NeedConfirmations)
	}
	if !whole {
		return nil
	}
	q = query{}
	in = q.in(ids)
	if err := eachRow(ctx, qr, `SELECT initiative_id, code FROM initiative_tasks WHERE initiative_id IN `+in+` ORDER BY code`, q.args, func(r rowScanner) error {
		var id, code string
		if err := r.Scan(&id, &code); err != nil {
			return err
		}
		idx[id].Tasks = append(idx[id].Tasks, code)
		return nil
	}); err != nil {
		return err
	}
	q = query{}
	in = q.in(ids)
	q.cond("ist.initiative_id IN " + in)
	q.cond(visibleCond(&q, actor, "s.owner_id", "s.visibility"))
	if err := eachRow(ctx, qr, `SELECT ist.initiative_id, s.id, s.name FROM initiative_systems ist JOIN systems s ON s.id = ist.system_id`+
		q.whereSQL()+` ORDER BY s.name_fold, s.id`, q.args, func(r rowScanner) error {
		var id string
		var s samspil.SystemRef
		if err := r.Scan(&id, &s.ID, &s.Name); err != nil {
			return err
		}
		idx[id].Systems = append(idx[id].Systems, s)
		return nil
	}); err != nil {
		return err
	}
	q = query{}
	in = q.in(ids)
	if err := eachRow(ctx, qr, `SELECT g.initiative_id, g.strategy_id, g.goal, s.title, s.goals_json FROM initiative_goals g
		JOIN strategies s ON s.id = g.strategy_id WHERE g.initiative_id IN `+in+` ORDER BY s.title, g.goal`, q.args, func(r rowScanner) error {
		var id, goals string
		var g samspil.GoalRef
		if err := r.Scan(&id, &g.StrategyID, &g.Goal, &g.StrategyTitle, &goals); err != nil {
			return err
		}
		var list []samspil.Goal
		if json.Unmarshal([]byte(goals), &list) == nil && g.Goal >= 1 && g.Goal <= len(list) {
			g.GoalTitle = list[g.Goal-1].Title
		}
		idx[id].Goals = append(idx[id].Goals, g)
		return nil
	}); err != nil {
		return err
	}
	return nil
}

// criteriaWithNeed returns the managers' answers with need_confirmed
// answered by the confirmations, in the order of samspil.Criteria.
func criteriaWithNeed(answers []samspil.CriterionAnswer, confirmations []samspil.NeedConfirmation) []samspil.CriterionAnswer {
	by := map[samspil.Criterion]samspil.CriterionAnswer{}
	for _, a := range answers {
		by[a.Criterion] = a
	}
	by[samspil.CriterionNeedConfirmed] = samspil.NeedAnswer(confirmations)
	out := make([]samspil.CriterionAnswer, 0, len(samspil.Criteria))
	for _, c := range samspil.Criteria {
		a, ok := by[c]
		if !ok {
			a = samspil.CriterionAnswer{Criterion: c}
		}
		out = append(out, a)
	}
	return out
}

// loadParticipations loads the participations of the initiatives, with
// the population of each organisation in the initiative's population year
// (the newest figure at or before it; the newest of all for year 0), and
// with whole their history.
func (db *DB) loadParticipations(ctx context.Context, qr querier, xs []samspil.Initiative, idx map[string]*samspil.Initiative, ids []string, whole bool) error {
	var q query
	in := q.in(ids)
	err := eachRow(ctx, qr, `SELECT p.initiative_id, p.organization_id, o.name, p.state, `+dateColumn(db.engine, "p.since")+`, p.reason,
		p.resources_json, p.version FROM initiative_participations p JOIN organizations o ON o.id = p.organization_id
		WHERE p.initiative_id IN `+in+` ORDER BY o.name_fold, o.id`, q.args, func(r rowScanner) error {
		var id, resources string
		var p samspil.Participation
		if err := r.Scan(&id, &p.OrganizationID, &p.OrganizationName, &p.State, &p.Since, &p.Reason, &resources, &p.Version); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(resources), &p.Resources); err != nil {
			return fmt.Errorf("resources of %s in initiative %s: %w", p.OrganizationID, id, err)
		}
		if p.Resources == nil {
			p.Resources = []samspil.ResourcePledge{}
		}
		p.History = []samspil.ParticipationEvent{}
		idx[id].Participations = append(idx[id].Participations, p)
		return nil
	})
	if err != nil {
		return err
	}
	if err := db.loadPopulationsFor(ctx, qr, xs); err != nil {
		return err
	}
	if !whole {
		return nil
	}
	q = query{}
	in = q.in(ids)
	return eachRow(ctx, qr, `SELECT initiative_id, organization_id, state, `+dateColumn(db.engine, "on_date")+`, reason, by_name, recorded_at
		FROM participation_events WHERE initiative_id IN `+in+` ORDER BY on_date, recorded_at, id`, q.args, func(r rowScanner) error {
		var id, org string
		var e samspil.ParticipationEvent
		var at dbTime
		if err := r.Scan(&id, &org, &e.State, &e.On, &e.Reason, &e.ByName, &at); err != nil {
			return err
		}
		e.RecordedAt = at.T
		x := idx[id]
		for i := range x.Participations {
			if p := &x.Participations[i]; p.OrganizationID == org {
				p.History = append(p.History, e)
			}
		}
		return nil
	})
}

// loadPopulationsFor sets each participation's population: the figure of
// the initiative's population year, or the newest before it, or the
// newest of all when the initiative names no year.
func (db *DB) loadPopulationsFor(ctx context.Context, qr querier, xs []samspil.Initiative) error {
	var orgs []string
	seen := map[string]bool{}
	for _, x := range xs {
		for _, p := range x.Participations {
			if !seen[p.OrganizationID] {
				seen[p.OrganizationID] = true
				orgs = append(orgs, p.OrganizationID)
			}
		}
	}
	if len(orgs) == 0 {
		return nil
	}
	type figure struct{ year, inhabitants int }
	figures := map[string][]figure{} // newest first
	var q query
	err := eachRow(ctx, qr, `SELECT organization_id, year, inhabitants FROM organization_populations WHERE organization_id IN `+q.in(orgs)+
		` ORDER BY organization_id, year DESC`, q.args, func(r rowScanner) error {
		var org string
		var f figure
		if err := r.Scan(&org, &f.year, &f.inhabitants); err != nil {
			return err
		}
		figures[org] = append(figures[org], f)
		return nil
	})
	if err != nil {
		return err
	}
	for i := range xs {
		year := xs[i].Cost.PopulationYear
		for j := range xs[i].Participations {
			p := &xs[i].Participations[j]
			for _, f := range figures[p.OrganizationID] {
				if year == 0 || f.year <= year {
					p.Population = f.inhabitants
					break
				}
			}
		}
	}
	return nil
}

// eachRow runs a query and calls fn for every row.
func eachRow(ctx context.Context, qr querier, sql string, args []any, fn func(rowScanner) error) error {
	rows, err := qr.QueryContext(ctx, sql, args...)
	if err != nil {
		return err
	}
	return each(rows, fn)
}

// initiativeFilter turns a filter into conditions on the initiative i;
// withPhase says whether the filter's phase is one of them.
func (db *DB) initiativeFilter(ctx context.Context, actor *samspil.Actor, f samspil.InitiativeFilter, withPhase bool) (query, error) {
	var q query
	q.cond(visibleInitiativeCond(&q, actor))
	if f.CollaborationID != "" {
		q.cond("i.collaboration_id = " + q.arg(f.CollaborationID))
	}
	if f.OrganizationID != "" {
		id, err := resolveOrgID(ctx, db.read, f.OrganizationID)
		if err != nil {
			return q, err
		}
		a := q.arg(id)
		q.cond("i.owner_id = " + a + " OR i.id IN (SELECT initiative_id FROM initiative_participations WHERE organization_id = " + a + ")")
	}
	if f.Mine {
		orgs := actor.OrgIDs() // the actor's own, a short list
		q.cond("i.owner_id IN " + q.in(orgs) + " OR i.id IN (SELECT initiative_id FROM initiative_participations WHERE organization_id IN " +
			q.in(orgs) + ")")
	}
	if f.Phase != "" {
		var v samspil.Validation
		if !v.OneOf("phase", f.Phase) {
			return q, v.Err()
		}
		if withPhase {
			q.cond("i.phase = " + q.arg(string(f.Phase)))
		}
	}
	if f.Open {
		q.cond("i.phase NOT IN ('closed', 'stopped')")
	}
	if f.Ended {
		q.cond("i.phase IN ('closed', 'stopped')")
	}
	if s := samspil.Fold(f.Query); s != "" {
		q.cond("i.title_fold LIKE " + q.arg(likeContains(s)) + ` ESCAPE '\'`)
	}
	if f.Task != "" {
		a, b := q.arg(f.Task), q.arg(likePrefix(f.Task+"."))
		q.cond("i.id IN (SELECT initiative_id FROM initiative_tasks WHERE code = " + a + " OR code LIKE " + b + ` ESCAPE '\')`)
	}
	if f.ChangedSince != nil {
		q.cond("i.updated_at >= " + q.arg(*f.ChangedSince))
	}
	return q, nil
}

// CountInitiatives counts the visible initiatives of the filter by phase.
func (db *DB) CountInitiatives(ctx context.Context, actor *samspil.Actor, f samspil.InitiativeFilter) (map[samspil.InitiativePhase]int, error) {
	q, err := db.initiativeFilter(ctx, actor, f, false)
	if err != nil {
		return nil, err
	}
	out := map[samspil.InitiativePhase]int{}
	err = eachRow(ctx, db.read, "SELECT i.phase, COUNT(*) FROM initiatives i"+q.whereSQL()+" GROUP BY i.phase", q.args, func(r rowScanner) error {
		var p samspil.InitiativePhase
		var n int
		if err := r.Scan(&p, &n); err != nil {
			return err
		}
		out[p] = n
		return nil
	})
	return out, err
}

// ListInitiatives lists visible initiatives by title, with their
// participations.
func (db *DB) ListInitiatives(ctx context.Context, actor *samspil.Actor, f samspil.InitiativeFilter) (*samspil.Page[samspil.Initiative], error) {
	q, err := db.initiativeFilter(ctx, actor, f, true)
	if err != nil {
		return nil, err
	}
	keys, err := decodeCursor(f.Cursor, 2)
	if err != nil {
		return nil, err
	}
	if keys != nil {
		a, b := q.arg(keys[0]), q.arg(keys[1])
		q.cond("i.title_fold > " + a + " OR (i.title_fold = " + a + " AND i.id > " + b + ")")
	}
	limit := f.PageSize()
	rows, err := db.read.QueryContext(ctx, initiativeSelects[db.engine]+q.whereSQL()+" ORDER BY i.title_fold, i.id LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return nil, err
	}
	xs, err := collect(rows, scanInitiative)
	if err != nil {
		return nil, err
	}
	if len(xs) > limit {
		if err := db.finishInitiatives(ctx, db.read, actor, xs[:limit], false); err != nil {
			return nil, err
		}
	} else if err := db.finishInitiatives(ctx, db.read, actor, xs, false); err != nil {
		return nil, err
	}
	return pageOf(xs, limit, func(x samspil.Initiative) []string { return []string{samspil.Fold(x.Title), x.ID} }), nil
}

// lockedInitiative finds an initiative the actor sees in a write
// transaction, locks its row, and returns it with its collaboration (nil
// for none), read as the store so that a former member's limits do not
// hide it.
func (db *DB) lockedInitiative(tx *Tx, id string) (*samspil.Initiative, *samspil.Collaboration, error) {
	var q query
	q.cond("i.id = " + q.arg(id))
	q.cond(visibleInitiativeCond(&q, tx.actor))
	var n int
	if err := tx.QueryRowContext(tx.ctx, "SELECT COUNT(*) FROM initiatives i"+q.whereSQL(), q.args...).Scan(&n); err != nil {
		return nil, nil, err
	}
	if n == 0 {
		return nil, nil, samspil.NotFound("initiative")
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE initiatives SET version = version WHERE id = $1`, id); err != nil {
		return nil, nil, err
	}
	x, err := db.findInitiative(tx.ctx, tx, samspil.SystemActor("store"), id)
	if err != nil {
		return nil, nil, err
	}
	if x.CollaborationID == "" {
		return x, nil, nil
	}
	c, err := db.findCollab(tx.ctx, tx, samspil.SystemActor("store"), x.CollaborationID)
	if err != nil {
		return nil, nil, err
	}
	return x, c, nil
}

// managedInitiative is lockedInitiative for a change only those who keep
// the initiative may make (samspil.Actor.MayManageInitiative).
func (db *DB) managedInitiative(tx *Tx, id string) (*samspil.Initiative, *samspil.Collaboration, error) {
	x, c, err := db.lockedInitiative(tx, id)
	if err != nil {
		return nil, nil, err
	}
	if err := tx.actor.RequireManageInitiative(x, c, samspil.Today(tx.now)); err != nil {
		return nil, nil, err
	}
	return x, c, nil
}

// initiativeOrg is the organisation a change of an initiative is recorded
// under in the audit log: the owner.
func initiativeOrg(x *samspil.Initiative) string { return x.OwnerID }

// checkInitiativeRefs checks the KLE codes, the systems (visible to the
// actor) and the strategy goals (visible, and the goal numbers within the
// strategy's goals), and fills the systems' names.
func (db *DB) checkInitiativeRefs(tx *Tx, x *samspil.Initiative) error {
	if err := tx.checkTasksExist("tasks", x.Tasks); err != nil {
		return err
	}
	var v samspil.Validation
	if len(x.Systems) > 0 {
		ids := make([]string, len(x.Systems))
		for i, s := range x.Systems {
			ids[i] = s.ID
		}
		var q query
		q.cond("s.id IN " + q.in(ids))
		q.cond(visibleCond(&q, tx.actor, "s.owner_id", "s.visibility"))
		names := map[string]string{}
		if err := eachRow(tx.ctx, tx, "SELECT s.id, s.name FROM systems s"+q.whereSQL(), q.args, func(r rowScanner) error {
			var id, name string
			if err := r.Scan(&id, &name); err != nil {
				return err
			}
			names[id] = name
			return nil
		}); err != nil {
			return err
		}
		for i := range x.Systems {
			name, ok := names[x.Systems[i].ID]
			v.Check(ok, "system_ids", "%s is not a system in the catalogue", x.Systems[i].ID)
			x.Systems[i].Name = name
		}
	}
	for i := range x.Goals {
		g := &x.Goals[i]
		path := "goals[" + strconv.Itoa(i) + "]"
		s, err := db.findStrategy(tx.ctx, tx, tx.actor, g.StrategyID)
		if samspil.ErrorCode(err) == samspil.ENOTFOUND {
			v.Add(path+".strategy_id", "is not a strategy you can see")
			continue
		}
		if err != nil {
			return err
		}
		if g.Goal > len(s.Goals) {
			v.Add(path+".goal", "%s has %d goals", s.Title, len(s.Goals))
			continue
		}
		g.StrategyTitle, g.GoalTitle = s.Title, s.Goals[g.Goal-1].Title
	}
	return v.Err()
}

// writeInitiativeRefs replaces the initiative's tasks, systems and goals.
func (tx *Tx) writeInitiativeRefs(x *samspil.Initiative) error {
	for _, stmt := range []string{`DELETE FROM initiative_tasks WHERE initiative_id = $1`, `DELETE FROM initiative_systems WHERE initiative_id = $1`,
		`DELETE FROM initiative_goals WHERE initiative_id = $1`} {
		if _, err := tx.ExecContext(tx.ctx, stmt, x.ID); err != nil {
			return err
		}
	}
	for _, code := range x.Tasks {
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO initiative_tasks (initiative_id, code) VALUES ($1, $2)`, x.ID, code); err != nil {
			return err
		}
	}
	for _, s := range x.Systems {
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO initiative_systems (initiative_id, system_id) VALUES ($1, $2)`, x.ID, s.ID); err != nil {
			return err
		}
	}
	for _, g := range x.Goals {
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO initiative_goals (initiative_id, strategy_id, goal) VALUES ($1, $2, $3)`,
			x.ID, g.StrategyID, g.Goal); err != nil {
			return err
		}
	}
	return nil
}

// initiativeArgs are the column values of an initiative's own fields, in
// the order of initiativeColumns.
func initiativeArgs(x *samspil.Initiative) ([]any, error) {
	cost, err := json.Marshal(x.Cost)
	if err != nil {
		return nil, err
	}
	criteria, err := json.Marshal(managersAnswers(x.Criteria))
	if err != nil {
		return nil, err
	}
	return []any{x.Title, samspil.Fold(x.Title), x.Description, string(x.Model), string(x.Phase), x.PhaseSince, x.ProposedOn, x.StopReason,
		string(x.Visibility), x.ExpectedBenefits, x.ContactName, x.ContactEmail, string(cost), string(criteria)}, nil
}

const initiativeColumns = `title, title_fold, description, model, phase, phase_since, proposed_on, stop_reason, visibility, expected_benefits,
	contact_name, contact_email, cost_json, criteria_json`

// managersAnswers drops the computed need_confirmed answer and the empty
// answers, keeping what the managers answered.
func managersAnswers(as []samspil.CriterionAnswer) []samspil.CriterionAnswer {
	out := []samspil.CriterionAnswer{}
	for _, a := range as {
		if a.Criterion != samspil.CriterionNeedConfirmed && (a.Met || a.Evidence != "") {
			out = append(out, a)
		}
	}
	return out
}

// ProposeInitiative records a new initiative in phase idea.
func (db *DB) ProposeInitiative(ctx context.Context, actor *samspil.Actor, in samspil.InitiativeInput) (*samspil.Initiative, error) {
	x := in.Initiative()
	var id string
	err := db.update(ctx, actor, func(tx *Tx) error {
		today := samspil.Today(tx.now)
		owner, err := db.ownerFor(tx, in.OwnerID, "owner_id", samspil.PermInitiativeWrite)
		if err != nil {
			return err
		}
		x.ID, x.OwnerID, x.OwnerName, x.PhaseSince = newID(), owner.ID, owner.Name, in.Day(today)
		x.ProposedOn = x.PhaseSince
		if x.PhaseSince.After(today) {
			return samspil.ErrorAt(samspil.EINVALID, "proposed_on", "must not be in the future")
		}
		if x.CollaborationID != "" {
			c, err := db.findCollab(ctx, tx, actor, x.CollaborationID)
			if samspil.ErrorCode(err) == samspil.ENOTFOUND {
				return samspil.ErrorAt(samspil.EINVALID, "collaboration_id", "is not a collaboration you can see")
			}
			if err != nil {
				return err
			}
			if c.MemberOn(owner.ID, today) == nil {
				return samspil.ErrorAt(samspil.EINVALID, "collaboration_id", "%s is not a member of %s", owner.Name, c.Name)
			}
			x.CollaborationName = c.Name
			if in.Cost == nil {
				x.Cost.Key = c.CostKey
			}
		}
		if x.Cost.Key == "" {
			x.Cost.Key = samspil.CostEqual
		}
		if err := x.Validate(); err != nil {
			return err
		}
		if err := db.checkInitiativeRefs(tx, &x); err != nil {
			return err
		}
		args, err := initiativeArgs(&x)
		if err != nil {
			return err
		}
		args = append([]any{x.ID, x.OwnerID, nullString(x.CollaborationID)}, args...)
		args = append(args, tx.now)
		if _, err := tx.ExecContext(ctx, `INSERT INTO initiatives (id, owner_id, collaboration_id, `+initiativeColumns+`, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 1, $18, $18)`, args...); err != nil {
			return err
		}
		if err := tx.writeInitiativeRefs(&x); err != nil {
			return err
		}
		created, err := db.findInitiative(ctx, tx, samspil.SystemActor("store"), x.ID)
		if err != nil {
			return err
		}
		id = created.ID
		if err := tx.Audit(auditEntry{OrgID: owner.ID, Action: "initiative.create", ObjectType: "initiative", ObjectID: x.ID, After: created}); err != nil {
			return err
		}
		return db.inviteOnProposal(tx, created, in.Invite)
	})
	if err != nil {
		return nil, err
	}
	return db.FindInitiative(ctx, actor, id)
}

// maxProposalInvites bounds the organisations one proposal invites.
const maxProposalInvites = 100

// inviteOnProposal invites the organisations ids to the initiative x just
// proposed, in the proposal's transaction: an organisation named twice,
// the owner itself or one the proposer cannot see fails the whole
// proposal, with the field invite[i] named.
func (db *DB) inviteOnProposal(tx *Tx, x *samspil.Initiative, ids []string) error {
	if len(ids) > maxProposalInvites {
		return samspil.ErrorAt(samspil.EINVALID, "invite", "takes at most %d organisations", maxProposalInvites)
	}
	seen := map[string]bool{}
	for i, ref := range ids {
		path := "invite[" + strconv.Itoa(i) + "]"
		orgID, err := db.setParticipation(tx, x.ID, samspil.ParticipationInput{OrganizationID: ref, State: samspil.ParticipationInvited})
		switch {
		case samspil.ErrorCode(err) == samspil.ECONFLICT && seen[ref]:
			return samspil.ErrorAt(samspil.EINVALID, path, "lists %s twice", ref)
		case err != nil:
			return samspil.RenameFields(err, func(string) string { return path })
		case orgID == x.OwnerID:
			return samspil.ErrorAt(samspil.EINVALID, path, "names the owner, which takes part already")
		}
		seen[ref], seen[orgID] = true, true
	}
	return nil
}

// UpdateInitiative changes an initiative's own fields.
func (db *DB) UpdateInitiative(ctx context.Context, actor *samspil.Actor, id string, version int, p samspil.InitiativePatch) (*samspil.Initiative, error) {
	err := db.update(ctx, actor, func(tx *Tx) error {
		before, _, err := db.managedInitiative(tx, id)
		if err != nil {
			return err
		}
		if err := checkVersion(before.Version, version); err != nil {
			return err
		}
		after := p.Apply(*before)
		if err := after.Validate(); err != nil {
			return err
		}
		if err := db.checkInitiativeRefs(tx, &after); err != nil {
			return err
		}
		stored, err := db.writeInitiative(tx, before, &after, p.Tasks != nil || p.SystemIDs != nil || p.Goals != nil)
		if err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: initiativeOrg(before), Action: "initiative.update", ObjectType: "initiative", ObjectID: id,
			Before: before, After: stored})
	})
	if err != nil {
		return nil, err
	}
	return db.FindInitiative(ctx, actor, id)
}

// writeInitiative writes the initiative's own fields (and with refs its
// tasks, systems and goals) over before, moving its version on, and
// returns it as stored, for the caller's audit event.
func (db *DB) writeInitiative(tx *Tx, before, after *samspil.Initiative, refs bool) (*samspil.Initiative, error) {
	args, err := initiativeArgs(after)
	if err != nil {
		return nil, err
	}
	args = append(args, before.Version+1, tx.now, before.ID, before.Version)
	if err := tx.execVersioned("initiatives", "initiative", before.ID, before.Version, `UPDATE initiatives SET (`+initiativeColumns+`, version, updated_at) =
		($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) WHERE id = $17 AND version = $18`, args...); err != nil {
		return nil, err
	}
	if refs {
		if err := tx.writeInitiativeRefs(after); err != nil {
			return nil, err
		}
	}
	return db.findInitiative(tx.ctx, tx, samspil.SystemActor("store"), before.ID)
}

// AnswerCriteria replaces the managers' answers to the must-criteria.
func (db *DB) AnswerCriteria(ctx context.Context, actor *samspil.Actor, id string, version int, in samspil.CriteriaInput) (*samspil.Initiative, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	err := db.update(ctx, actor, func(tx *Tx) error {
		before, _, err := db.managedInitiative(tx, id)
		if err != nil {
			return err
		}
		if err := checkVersion(before.Version, version); err != nil {
			return err
		}
		if before.Phase.Final() {
			return samspil.Errorf(samspil.ECONFLICT, "the initiative is %s; its criteria are kept as they were", samspil.Term(before.Phase))
		}
		after := *before
		after.Criteria = in.Answers
		stored, err := db.writeInitiative(tx, before, &after, false)
		if err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: initiativeOrg(before), Action: "initiative.criteria", ObjectType: "initiative", ObjectID: id,
			Before: before, After: stored})
	})
	if err != nil {
		return nil, err
	}
	return db.FindInitiative(ctx, actor, id)
}

// representedOrg resolves an organisation named in an input (field) that
// the actor must act for: visible, and the actor holds perm in it.
func (db *DB) representedOrg(tx *Tx, orgID, field string, perm samspil.Permission) (*samspil.Organization, error) {
	if orgID == "" {
		return nil, samspil.ErrorAt(samspil.EINVALID, field, "is required")
	}
	org, err := db.findOrg(tx.ctx, tx, tx.actor, orgID)
	if samspil.ErrorCode(err) == samspil.ENOTFOUND {
		return nil, samspil.ErrorAt(samspil.EINVALID, field, "is not an organisation you can see")
	}
	if err != nil {
		return nil, err
	}
	if err := tx.actor.Require(perm, org.ID, org.Name); err != nil {
		return nil, err
	}
	return org, nil
}

// ConfirmNeed records an organisation's own confirmation of the need.
func (db *DB) ConfirmNeed(ctx context.Context, actor *samspil.Actor, id string, in samspil.NeedConfirmationInput) (*samspil.Initiative, error) {
	err := db.update(ctx, actor, func(tx *Tx) error {
		today := samspil.Today(tx.now)
		if err := in.Validate(today); err != nil {
			return err
		}
		x, _, err := db.lockedInitiative(tx, id)
		if err != nil {
			return err
		}
		org, err := db.representedOrg(tx, in.OrganizationID, "organization_id", samspil.PermCollabRepresent)
		if err != nil {
			return err
		}
		if x.Phase.Final() {
			return samspil.Errorf(samspil.ECONFLICT, "the initiative is %s", samspil.Term(x.Phase))
		}
		on := today
		if in.On != nil && !in.On.IsZero() {
			on = *in.On
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM initiative_need_confirmations WHERE initiative_id = $1 AND organization_id = $2`, x.ID, org.ID); err != nil {
			return err
		}
		n := samspil.NeedConfirmation{OrganizationID: org.ID, OrganizationName: org.Name, On: on, Evidence: in.Evidence, ByName: actorLabel(actor)}
		if _, err := tx.ExecContext(ctx, `INSERT INTO initiative_need_confirmations (initiative_id, organization_id, on_date, evidence, by_name, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, x.ID, org.ID, on, n.Evidence, n.ByName, tx.now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE initiatives SET version = version + 1, updated_at = $2 WHERE id = $1`, x.ID, tx.now); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: org.ID, Action: "initiative.need.confirm", ObjectType: "initiative", ObjectID: x.ID, After: n})
	})
	if err != nil {
		return nil, err
	}
	return db.FindInitiative(ctx, actor, id)
}

// PassGate moves an initiative through a gate by samspil.CheckGate: inside
// a collaboration by one of its adopted decisions, outside by the owner's
// recorded approval.
func (db *DB) PassGate(ctx context.Context, actor *samspil.Actor, id string, version int, in samspil.GateInput) (*samspil.Initiative, error) {
	err := db.update(ctx, actor, func(tx *Tx) error {
		before, c, err := db.managedInitiative(tx, id)
		if err != nil {
			return err
		}
		if err := checkVersion(before.Version, version); err != nil {
			return err
		}
		today := samspil.Today(tx.now)
		if in.On.IsZero() {
			in.On = today
		}
		if err := samspil.CheckGate(before.Phase, in, c != nil, before.Criteria); err != nil {
			return err
		}
		var v samspil.Validation
		v.Check(!in.On.After(today), "on", "must not be in the future: a gate is passed when it is decided")
		v.Check(!in.On.Before(before.PhaseSince), "on", "must not be before the initiative entered %s (%s)", samspil.Term(before.Phase), before.PhaseSince.String())
		if c == nil {
			v.Check(in.DecisionID == "", "decision_id", "only an initiative of a collaboration is passed by a decision")
		} else {
			d, err := db.findDecision(ctx, tx, actor, in.DecisionID)
			switch {
			case samspil.ErrorCode(err) == samspil.ENOTFOUND:
				v.Add("decision_id", "is not a decision you can see")
			case err != nil:
				return err
			case d.CollaborationID != c.ID:
				v.Add("decision_id", "is not a decision of %s", c.Name)
			case d.Outcome.Result != samspil.OutcomeAdopted:
				v.Add("decision_id", "%s is not adopted (%s)", d.Title, samspil.Term(d.Outcome.Result))
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		after := *before
		after.Phase, after.PhaseSince = in.To, in.On
		if in.To == samspil.PhaseStopped {
			after.StopReason = in.Reason
		}
		g := samspil.Gate{ID: newID(), From: before.Phase, To: in.To, On: in.On, DecisionID: in.DecisionID, ApprovedBy: in.ApprovedBy,
			Reason: in.Reason, RecordedByName: actorLabel(actor), RecordedAt: tx.now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO initiative_gates (id, initiative_id, from_phase, to_phase, on_date, decision_id, approved_by,
			reason, recorded_by_name, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, g.ID, before.ID, string(g.From), string(g.To),
			g.On, nullString(g.DecisionID), g.ApprovedBy, g.Reason, g.RecordedByName, tx.now); err != nil {
			return err
		}
		stored, err := db.writeInitiative(tx, before, &after, false)
		if err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: initiativeOrg(before), Action: "initiative.gate", ObjectType: "initiative", ObjectID: id,
			Before: before, After: stored})
	})
	if err != nil {
		return nil, err
	}
	return db.FindInitiative(ctx, actor, id)
}

// SetParticipation records an organisation's stand in an initiative: its
// own decision, or an invitation by those who keep the initiative.
func (db *DB) SetParticipation(ctx context.Context, actor *samspil.Actor, id string, in samspil.ParticipationInput) (*samspil.Participation, error) {
	var orgID string
	err := db.update(ctx, actor, func(tx *Tx) error {
		var err error
		orgID, err = db.setParticipation(tx, id, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	x, err := db.FindInitiative(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	for i := range x.Participations {
		if x.Participations[i].OrganizationID == orgID {
			return &x.Participations[i], nil
		}
	}
	return nil, samspil.NotFound("participation")
}

// setParticipation records an organisation's stand in the initiative id
// in the transaction tx, as tx's actor, and returns the organisation's ID.
func (db *DB) setParticipation(tx *Tx, id string, in samspil.ParticipationInput) (string, error) {
	ctx, actor := tx.ctx, tx.actor
	today := samspil.Today(tx.now)
	if err := in.Validate(today); err != nil {
		return "", err
	}
	x, c, err := db.lockedInitiative(tx, id)
	if err != nil {
		return "", err
	}
	org, err := db.findOrg(ctx, tx, actor, in.OrganizationID)
	if samspil.ErrorCode(err) == samspil.ENOTFOUND {
		return "", samspil.ErrorAt(samspil.EINVALID, "organization_id", "is not an organisation you can see")
	}
	if err != nil {
		return "", err
	}
	if err := actor.RequireSetParticipation(org.ID, org.Name, in.State, actor.MayManageInitiative(x, c, today)); err != nil {
		return "", err
	}
	if x.Phase.Final() {
		return "", samspil.Errorf(samspil.ECONFLICT, "the initiative is %s; nobody joins or leaves it any more", samspil.Term(x.Phase))
	}
	var before *samspil.Participation
	for i := range x.Participations {
		if x.Participations[i].OrganizationID == org.ID {
			before = &x.Participations[i]
		}
	}
	var from samspil.ParticipationState
	if before != nil {
		from = before.State
	}
	if err := samspil.CheckParticipationMove(from, in.State); err != nil {
		return "", err
	}
	on := in.Day(today)
	if before != nil && on.Before(before.Since) {
		return "", samspil.ErrorAt(samspil.EINVALID, "on", "must not be before the organisation's last change (%s)", before.Since.String())
	}
	after := samspil.Participation{OrganizationID: org.ID, OrganizationName: org.Name, State: in.State, Since: on, Reason: in.Reason,
		Resources: []samspil.ResourcePledge{}}
	if before != nil {
		after.Resources = before.Resources
	}
	if in.Resources != nil {
		after.Resources = *in.Resources
	}
	resources, err := json.Marshal(after.Resources)
	if err != nil {
		return "", err
	}
	if before == nil {
		_, err = tx.ExecContext(ctx, `INSERT INTO initiative_participations (initiative_id, organization_id, state, since, reason, resources_json,
			version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)`, x.ID, org.ID, string(after.State), on, after.Reason,
			string(resources), tx.now)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE initiative_participations SET state = $3, since = $4, reason = $5, resources_json = $6,
			version = version + 1, updated_at = $7 WHERE initiative_id = $1 AND organization_id = $2`, x.ID, org.ID, string(after.State), on,
			after.Reason, string(resources), tx.now)
	}
	if err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO participation_events (id, initiative_id, organization_id, state, on_date, reason, by_name, recorded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, newID(), x.ID, org.ID, string(after.State), on, after.Reason, actorLabel(actor), tx.now); err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE initiatives SET updated_at = $2 WHERE id = $1`, x.ID, tx.now); err != nil {
		return "", err
	}
	return org.ID, tx.Audit(auditEntry{OrgID: org.ID, Action: "initiative.participation", ObjectType: "initiative",
		ObjectID: x.ID, Before: before, After: after})
}

// InitiativeInvitations lists the invitations to initiatives waiting for
// an answer of the organisations the actor acts for, at most limit.
func (db *DB) InitiativeInvitations(ctx context.Context, actor *samspil.Actor, limit int) ([]samspil.InitiativeInvitation, error) {
	orgs := actor.OrgsWhere(samspil.PermCollabRepresent)
	if actor.Kind == samspil.ActorSystem || len(orgs) == 0 {
		return []samspil.InitiativeInvitation{}, nil
	}
	if limit <= 0 || limit > samspil.MaxPageSize {
		limit = samspil.MaxPageSize
	}
	var q query
	q.cond("p.state = 'invited'")
	q.cond("p.organization_id IN " + q.in(orgs))
	q.cond("i.phase NOT IN ('closed', 'stopped')")
	rows, err := db.read.QueryContext(ctx, `SELECT i.id, i.title, p.organization_id, po.name, o.name, `+dateColumn(db.engine, "p.since")+`
		FROM initiative_participations p JOIN initiatives i ON i.id = p.initiative_id JOIN organizations o ON o.id = i.owner_id
		JOIN organizations po ON po.id = p.organization_id`+q.whereSQL()+` ORDER BY p.since DESC, i.title_fold, po.name_fold LIMIT `+q.arg(limit), q.args...)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, func(r rowScanner) (samspil.InitiativeInvitation, error) {
		var v samspil.InitiativeInvitation
		err := r.Scan(&v.InitiativeID, &v.InitiativeTitle, &v.OrganizationID, &v.OrganizationName, &v.OwnerName, &v.Since)
		v.MayCommit = actor.ConsentsFor(v.OrganizationID)
		return v, err
	})
	return nonNil(out), err
}
