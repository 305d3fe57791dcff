package sqldb

import (
	"context"
	"slices"
	"sort"
	"strconv"

	"github.com/samspil/samspil"
)

var _ samspil.CollaborationService = (*DB)(nil)

const collabColumns = `c.id, c.name, c.kind, c.purpose, c.start_date, c.end_date, c.legal_form, c.exclusivity, c.decision_rule,
	c.cost_key, c.visibility, c.version, c.created_at, c.updated_at`

func scanCollab(r rowScanner) (samspil.Collaboration, error) {
	var c samspil.Collaboration
	var start, end nullDate
	var created, updated dbTime
	err := r.Scan(&c.ID, &c.Name, &c.Kind, &c.Purpose, &start, &end, &c.LegalForm, &c.Exclusivity, &c.DecisionRule,
		&c.CostKey, &c.Visibility, &c.Version, &created, &updated)
	c.Start, c.End, c.CreatedAt, c.UpdatedAt = start.D, end.Ptr(), created.T, updated.T
	return c, err
}

// visibleCollabCond is the condition under which the actor sees the
// collaboration aliased c: its members (also former ones) and the
// organisations invited to it always see it; a partners collaboration is
// seen by the members' partners.
func visibleCollabCond(q *query, actor *samspil.Actor) string {
	switch {
	case actor.IsOperator():
		return "1 = 1"
	case !actor.SignedIn():
		return "c.visibility = 'public'"
	}
	orgs := q.in(actor.OrgIDs())
	return "c.visibility IN ('public', 'sector') OR c.id IN (SELECT cm.collaboration_id FROM collaboration_members cm WHERE cm.organization_id IN " +
		orgs + ") OR c.id IN (SELECT ci.collaboration_id FROM collaboration_invitations ci WHERE ci.status = 'pending' AND ci.organization_id IN " +
		orgs + ") OR (c.visibility = 'partners' AND c.id IN (SELECT cm.collaboration_id FROM collaboration_members cm WHERE cm.organization_id IN " +
		q.in(actor.Partners) + "))"
}

// visibleDatedCond is the condition under which the actor sees a record of
// the collaboration aliased c dated dateExpr (a DATE expression): as
// visibleCollabCond, except that a former member that sees the
// collaboration only as such sees its records up to its last day of
// membership (samspil.Actor.HistoryUntil; historyUntil is its Go side).
func (db *DB) visibleDatedCond(q *query, actor *samspil.Actor, dateExpr string) string {
	switch {
	case actor.IsOperator():
		return "1 = 1"
	case !actor.SignedIn():
		return "c.visibility = 'public'"
	}
	today, orgs := q.arg(samspil.Today(db.now())), q.in(actor.OrgIDs())
	return "c.visibility IN ('public', 'sector') OR c.id IN (SELECT cm.collaboration_id FROM collaboration_members cm WHERE cm.organization_id IN " +
		orgs + " AND (cm.until IS NULL OR cm.until >= " + today + " OR " + dateExpr + " <= cm.until)) OR c.id IN (SELECT ci.collaboration_id " +
		"FROM collaboration_invitations ci WHERE ci.status = 'pending' AND ci.organization_id IN " + orgs + ") OR (c.visibility = 'partners' AND " +
		"c.id IN (SELECT cm.collaboration_id FROM collaboration_members cm WHERE cm.organization_id IN " + q.in(actor.Partners) + "))"
}

// historyUntil returns the last day of the collaboration's history the
// actor may read, nil for all of it: samspil.Actor.HistoryUntil, told
// whether one of the actor's organisations is invited.
func (db *DB) historyUntil(ctx context.Context, qr querier, actor *samspil.Actor, c *samspil.Collaboration) (*samspil.Date, error) {
	until := actor.HistoryUntil(c, samspil.Today(db.now()), false)
	if until == nil {
		return nil, nil
	}
	var q query
	var n int
	err := qr.QueryRowContext(ctx, `SELECT COUNT(*) FROM collaboration_invitations WHERE status = 'pending' AND collaboration_id = `+q.arg(c.ID)+
		` AND organization_id IN `+q.in(actor.OrgIDs()), q.args...).Scan(&n)
	if err != nil || n > 0 {
		return nil, err // an invited organisation reads all of it
	}
	return until, nil
}

// dayOf returns a DATE expression of the timestamp column col, the day in
// UTC.
func (db *DB) dayOf(col string) string {
	if db.engine == Postgres {
		return "CAST(" + col + " AS DATE)"
	}
	return "date(" + col + ")"
}

// partnersOf returns the organisations whose records shared with partners
// the members of orgIDs see on day, sorted: those that share with one of
// orgIDs a collaboration active that day, both memberships active that day
// (memberships exist only once accepted), and that have not excluded that
// collaboration from making partners.
func partnersOf(ctx context.Context, qr querier, orgIDs []string, day samspil.Date) ([]string, error) {
	if len(orgIDs) == 0 {
		return nil, nil
	}
	var q query
	d := q.arg(day)
	ins := q.in(orgIDs)
	rows, err := qr.QueryContext(ctx, `SELECT DISTINCT m2.organization_id FROM collaboration_members m1
		JOIN collaboration_members m2 ON m2.collaboration_id = m1.collaboration_id
		JOIN collaborations c ON c.id = m1.collaboration_id
		WHERE m1.organization_id IN `+ins+`
		AND m1.since <= `+d+` AND (m1.until IS NULL OR m1.until >= `+d+`)
		AND m2.since <= `+d+` AND (m2.until IS NULL OR m2.until >= `+d+`)
		AND c.start_date <= `+d+` AND (c.end_date IS NULL OR c.end_date >= `+d+`)
		AND NOT EXISTS (SELECT 1 FROM partner_exclusions pe WHERE pe.organization_id = m2.organization_id AND pe.collaboration_id = c.id)`, q.args...)
	if err != nil {
		return nil, err
	}
	ids, err := collect(rows, func(r rowScanner) (string, error) {
		var id string
		return id, r.Scan(&id)
	})
	sort.Strings(ids)
	return ids, err
}

// FindCollaboration returns a visible collaboration with its members and
// documents, and for a former member the last day of the history it reads.
func (db *DB) FindCollaboration(ctx context.Context, actor *samspil.Actor, id string) (*samspil.Collaboration, error) {
	c, err := db.findCollab(ctx, db.read, actor, id)
	if err != nil {
		return nil, err
	}
	if c.HistoryUntil, err = db.historyUntil(ctx, db.read, actor, c); err != nil {
		return nil, err
	}
	return c, nil
}

func (db *DB) findCollab(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.Collaboration, error) {
	var q query
	q.cond("c.id = " + q.arg(id))
	q.cond(visibleCollabCond(&q, actor))
	c, err := scanCollab(qr.QueryRowContext(ctx, "SELECT "+collabColumns+" FROM collaborations c"+q.whereSQL(), q.args...))
	if err != nil {
		return nil, errNoRows(err, "collaboration")
	}
	cs := []samspil.Collaboration{c}
	if err := db.finishCollabs(ctx, qr, cs); err != nil {
		return nil, err
	}
	return &cs[0], nil
}

const memberColumns = `m.id, m.collaboration_id, m.organization_id, o.name, m.role, m.commitment, m.since, m.until, m.version, m.created_at, m.updated_at`

func scanMember(r rowScanner) (samspil.Member, error) {
	var m samspil.Member
	var since, until nullDate
	var created, updated dbTime
	err := r.Scan(&m.ID, &m.CollaborationID, &m.OrganizationID, &m.OrganizationName, &m.Role, &m.Commitment, &since, &until,
		&m.Version, &created, &updated)
	m.Since, m.Until, m.CreatedAt, m.UpdatedAt = since.D, until.Ptr(), created.T, updated.T
	return m, err
}

// finishCollabs loads the members and documents of collaborations.
func (db *DB) finishCollabs(ctx context.Context, qr querier, cs []samspil.Collaboration) error {
	if len(cs) == 0 {
		return nil
	}
	idx := map[string]int{}
	ids := make([]string, len(cs))
	for i := range cs {
		idx[cs[i].ID], ids[i] = i, cs[i].ID
		cs[i].Members, cs[i].Documents = []samspil.Member{}, []samspil.Document{}
	}
	var q query
	rows, err := qr.QueryContext(ctx, "SELECT "+memberColumns+` FROM collaboration_members m JOIN organizations o ON o.id = m.organization_id
		WHERE m.collaboration_id IN `+q.in(ids)+` ORDER BY m.since, o.name_fold, m.id`, q.args...)
	if err != nil {
		return err
	}
	members, err := collect(rows, scanMember)
	if err != nil {
		return err
	}
	for _, m := range members {
		c := &cs[idx[m.CollaborationID]]
		c.Members = append(c.Members, m)
	}
	var q2 query
	rows, err = qr.QueryContext(ctx, `SELECT id, collaboration_id, kind, title, url, file_name, content_type, size, created_at
		FROM collaboration_documents WHERE collaboration_id IN `+q2.in(ids)+` ORDER BY created_at, id`, q2.args...)
	if err != nil {
		return err
	}
	docs, err := collect(rows, scanDocument)
	if err != nil {
		return err
	}
	for _, d := range docs {
		c := &cs[idx[d.CollaborationID]]
		c.Documents = append(c.Documents, d)
	}
	return nil
}

func scanDocument(r rowScanner) (samspil.Document, error) {
	var d samspil.Document
	var created dbTime
	err := r.Scan(&d.ID, &d.CollaborationID, &d.Kind, &d.Title, &d.URL, &d.FileName, &d.ContentType, &d.Size, &created)
	d.CreatedAt = created.T
	return d, err
}

// ListCollaborations lists visible collaborations by name.
func (db *DB) ListCollaborations(ctx context.Context, actor *samspil.Actor, f samspil.CollaborationFilter) (*samspil.Page[samspil.Collaboration], error) {
	var q query
	q.cond(visibleCollabCond(&q, actor))
	if f.OrganizationID != "" {
		id, err := resolveOrgID(ctx, db.read, f.OrganizationID)
		if err != nil {
			return nil, err
		}
		q.cond("c.id IN (SELECT collaboration_id FROM collaboration_members WHERE organization_id = " + q.arg(id) + ")")
	}
	if s := samspil.Fold(f.Query); s != "" {
		q.cond("c.name_fold LIKE " + q.arg(likeContains(s)) + ` ESCAPE '\'`)
	}
	if f.ChangedSince != nil {
		q.cond("c.updated_at >= " + q.arg(*f.ChangedSince))
	}
	keys, err := decodeCursor(f.Cursor, 2)
	if err != nil {
		return nil, err
	}
	if keys != nil {
		a, b := q.arg(keys[0]), q.arg(keys[1])
		q.cond("c.name_fold > " + a + " OR (c.name_fold = " + a + " AND c.id > " + b + ")")
	}
	limit := f.PageSize()
	rows, err := db.read.QueryContext(ctx, "SELECT "+collabColumns+" FROM collaborations c"+q.whereSQL()+
		" ORDER BY c.name_fold, c.id LIMIT "+q.arg(limit+1), q.args...)
	if err != nil {
		return nil, err
	}
	cs, err := collect(rows, scanCollab)
	if err != nil {
		return nil, err
	}
	if err := db.finishCollabs(ctx, db.read, cs); err != nil {
		return nil, err
	}
	return pageOf(cs, limit, func(c samspil.Collaboration) []string { return []string{samspil.Fold(c.Name), c.ID} }), nil
}

// managingCollab finds a visible collaboration in a write transaction and
// checks that the actor manages it (samspil.Actor.Manages). It holds the
// collaboration's row lock until the transaction ends.
func (db *DB) managingCollab(tx *Tx, id string) (*samspil.Collaboration, error) {
	c, err := db.lockedCollab(tx, id)
	if err != nil {
		return nil, err
	}
	if err := tx.actor.RequireManages(c, samspil.Today(tx.now)); err != nil {
		return nil, err
	}
	return c, nil
}

// lockedCollab finds a visible collaboration and locks its row.
func (db *DB) lockedCollab(tx *Tx, id string) (*samspil.Collaboration, error) {
	c, err := db.findCollab(tx.ctx, tx, tx.actor, id)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE collaborations SET version = version WHERE id = $1`, c.ID); err != nil {
		return nil, err
	}
	return c, nil
}

// actingOrg is the organisation an actor's change of a collaboration is
// recorded under in the audit log, so that its administrators see it: one
// through which the actor manages the collaboration on day d, else one of
// the actor's member organisations, else "" (operators and the system).
func actingOrg(actor *samspil.Actor, c *samspil.Collaboration, d samspil.Date) string {
	if org := actor.ManagingOrg(c, d); org != "" {
		return org
	}
	for i := range c.Members {
		if m := &c.Members[i]; m.ActiveOn(d) && actor.MemberOf(m.OrganizationID) {
			return m.OrganizationID
		}
	}
	return ""
}

// representing checks that the actor may act for orgID in the
// collaboration on day d: orgID is a member then and the actor represents
// it. It returns the membership.
func representing(actor *samspil.Actor, c *samspil.Collaboration, orgID string, d samspil.Date, field string) (*samspil.Member, error) {
	m := c.MemberOn(orgID, d)
	if m == nil {
		return nil, samspil.ErrorAt(samspil.EINVALID, field, "is not a member of %s on %s", c.Name, d.String())
	}
	if err := actor.Require(samspil.PermCollabRepresent, orgID, m.OrganizationName); err != nil {
		return nil, err
	}
	return m, nil
}

// CreateCollaboration founds a collaboration with the founding organisation
// as its first member.
func (db *DB) CreateCollaboration(ctx context.Context, actor *samspil.Actor, in samspil.CollaborationInput) (*samspil.Collaboration, error) {
	var out *samspil.Collaboration
	err := db.update(ctx, actor, func(tx *Tx) error {
		c := in.Collaboration()
		if err := c.Validate(); err != nil {
			return err
		}
		org, err := db.findOrg(ctx, tx, actor, in.OrganizationID)
		if err != nil {
			return samspil.ErrorAt(samspil.EINVALID, "organization_id", "is not an organisation you can see")
		}
		if err := actor.Require(samspil.PermCollabCreate, org.ID, org.Name); err != nil {
			return err
		}
		role, commitment := in.Role, in.Commitment
		if role == "" {
			role = samspil.MemberRoleSecretariat
		}
		if commitment == "" {
			commitment = samspil.CommitmentBinding
		}
		if role == samspil.MemberRoleObserver {
			return samspil.ErrorAt(samspil.EINVALID, "role", "the founding organisation cannot be an observer")
		}
		if commitment == samspil.CommitmentObserver {
			return samspil.ErrorAt(samspil.EINVALID, "commitment", "the founding organisation cannot be an observer")
		}
		c.ID, c.Version, c.CreatedAt, c.UpdatedAt = newID(), 1, tx.now, tx.now
		if _, err := tx.ExecContext(ctx, `INSERT INTO collaborations (id, name, name_fold, kind, purpose, start_date, end_date, legal_form,
			exclusivity, decision_rule, cost_key, visibility, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $13)`,
			c.ID, c.Name, samspil.Fold(c.Name), string(c.Kind), c.Purpose, c.Start, c.End, string(c.LegalForm), string(c.Exclusivity),
			string(c.DecisionRule), string(c.CostKey), string(c.Visibility), tx.now); err != nil {
			return err
		}
		if err := tx.Audit(auditEntry{OrgID: org.ID, Action: "collaboration.create", ObjectType: "collaboration", ObjectID: c.ID, After: c}); err != nil {
			return err
		}
		m := samspil.Member{CollaborationID: c.ID, OrganizationID: org.ID, OrganizationName: org.Name, Role: role, Commitment: commitment, Since: c.Start}
		if err := db.insertMember(tx, &c, &m, samspil.ReasonFounding); err != nil {
			return err
		}
		c.Members = []samspil.Member{m}
		// Co-founders are invited: each becomes a member when its own
		// administrators accept.
		seen := map[string]bool{org.ID: true}
		for i, f := range in.CoFounders {
			path := "co_founders[" + strconv.Itoa(i) + "]"
			co, err := db.findOrg(ctx, tx, actor, f.OrganizationID)
			if err != nil {
				return samspil.ErrorAt(samspil.EINVALID, path+".organization_id", "is not an organisation you can see")
			}
			if seen[co.ID] {
				return samspil.ErrorAt(samspil.EINVALID, path+".organization_id", "%s is named twice", co.Name)
			}
			seen[co.ID] = true
			inv := samspil.InvitationInput{OrganizationID: co.ID, Role: f.Role, Commitment: f.Commitment, Since: c.Start}
			if _, err := db.invite(tx, &c, co, inv, true, path); err != nil {
				return err
			}
		}
		if out, err = db.findCollab(ctx, tx, actor, c.ID); err != nil {
			return err
		}
		return nil
	})
	return out, err
}

// insertMember writes a new membership and its "joined" event; the caller
// has checked the right to do so.
func (db *DB) insertMember(tx *Tx, c *samspil.Collaboration, m *samspil.Member, reason string) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if m.Since.Before(c.Start) {
		return samspil.ErrorAt(samspil.EINVALID, "since", "must not be before the collaboration starts (%s)", c.Start.String())
	}
	for i := range c.Members {
		o := &c.Members[i]
		if o.OrganizationID == m.OrganizationID && (o.Until == nil || !o.Until.Before(m.Since)) {
			return samspil.ErrorAt(samspil.EINVALID, "organization_id", "%s is a member already", o.OrganizationName)
		}
	}
	m.ID, m.Version, m.CreatedAt, m.UpdatedAt = newID(), 1, tx.now, tx.now
	if _, err := tx.ExecContext(tx.ctx, `INSERT INTO collaboration_members (id, collaboration_id, organization_id, role, commitment, since, until,
		version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8)`,
		m.ID, m.CollaborationID, m.OrganizationID, string(m.Role), string(m.Commitment), m.Since, m.Until, tx.now); err != nil {
		return err
	}
	if err := db.memberEvent(tx, samspil.MemberEvent{CollaborationID: c.ID, OrganizationID: m.OrganizationID, Kind: samspil.MemberJoined,
		On: m.Since, To: string(m.Role) + "/" + string(m.Commitment), Reason: reason}); err != nil {
		return err
	}
	return tx.Audit(auditEntry{OrgID: m.OrganizationID, Action: "collaboration.member.add", ObjectType: "collaboration_member", ObjectID: m.ID, After: m})
}

// memberEvent records one change of a membership in the history.
func (db *DB) memberEvent(tx *Tx, e samspil.MemberEvent) error {
	_, err := tx.ExecContext(tx.ctx, `INSERT INTO member_events (id, collaboration_id, organization_id, kind, on_date, from_value, to_value,
		reason, adjustment_id, by_name, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		newID(), e.CollaborationID, e.OrganizationID, string(e.Kind), e.On, e.From, e.To, e.Reason, nullString(e.AdjustmentID),
		actorLabel(tx.actor), tx.now)
	return err
}

// actorLabel names who acts, for histories shown to users.
func actorLabel(a *samspil.Actor) string {
	switch {
	case a == nil:
		return ""
	case a.Kind == samspil.ActorSystem:
		return a.Label
	}
	return a.Name
}

// UpdateCollaboration changes a collaboration's details.
func (db *DB) UpdateCollaboration(ctx context.Context, actor *samspil.Actor, id string, version int, p samspil.CollaborationPatch) (*samspil.Collaboration, error) {
	var out *samspil.Collaboration
	err := db.update(ctx, actor, func(tx *Tx) error {
		before, err := db.managingCollab(tx, id)
		if err != nil {
			return err
		}
		c := p.Apply(*before)
		if err := c.Validate(); err != nil {
			return err
		}
		for _, m := range c.Members {
			if m.Since.Before(c.Start) {
				return samspil.ErrorAt(samspil.EINVALID, "start", "must not be after %s joined (%s)", m.OrganizationName, m.Since.String())
			}
		}
		if err := tx.execVersioned("collaborations", "collaboration", c.ID, version, `UPDATE collaborations SET name = $3, name_fold = $4,
			kind = $5, purpose = $6, start_date = $7, end_date = $8, legal_form = $9, exclusivity = $10, decision_rule = $11, cost_key = $12,
			visibility = $13, version = version + 1, updated_at = $14 WHERE id = $1 AND version = $2`,
			c.ID, version, c.Name, samspil.Fold(c.Name), string(c.Kind), c.Purpose, c.Start, c.End, string(c.LegalForm), string(c.Exclusivity),
			string(c.DecisionRule), string(c.CostKey), string(c.Visibility), tx.now); err != nil {
			return err
		}
		c.Version, c.UpdatedAt = version+1, tx.now
		if err := tx.Audit(auditEntry{OrgID: actingOrg(tx.actor, before, samspil.Today(tx.now)), Action: "collaboration.update", ObjectType: "collaboration", ObjectID: c.ID, Before: before, After: c}); err != nil {
			return err
		}
		out = &c
		return nil
	})
	return out, err
}

func ptrTo[T any](v T) *T { return &v }

// MemberHistory returns every recorded membership change, oldest first.
func (db *DB) MemberHistory(ctx context.Context, actor *samspil.Actor, collabID string) ([]samspil.MemberEvent, error) {
	c, err := db.findCollab(ctx, db.read, actor, collabID)
	if err != nil {
		return nil, err
	}
	events, err := db.memberEvents(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	until, err := db.historyUntil(ctx, db.read, actor, c)
	if err != nil {
		return nil, err
	}
	if until != nil {
		events = slices.DeleteFunc(events, func(e samspil.MemberEvent) bool { return e.On.After(*until) })
	}
	if events == nil {
		events = []samspil.MemberEvent{}
	}
	return events, nil
}

// memberEvents returns the collaboration's membership changes, oldest
// first, all of them.
func (db *DB) memberEvents(ctx context.Context, collabID string) ([]samspil.MemberEvent, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT e.id, e.collaboration_id, e.organization_id, o.name, e.kind, e.on_date, e.from_value, e.to_value,
		e.reason, e.adjustment_id, e.by_name, e.recorded_at FROM member_events e JOIN organizations o ON o.id = e.organization_id
		WHERE e.collaboration_id = $1 ORDER BY e.on_date, e.recorded_at, e.id`, collabID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r rowScanner) (samspil.MemberEvent, error) {
		var e samspil.MemberEvent
		var on nullDate
		var adj *string
		var at dbTime
		err := r.Scan(&e.ID, &e.CollaborationID, &e.OrganizationID, &e.OrganizationName, &e.Kind, &on, &e.From, &e.To, &e.Reason, &adj, &e.ByName, &at)
		e.On, e.AdjustmentID, e.RecordedAt = on.D, deref(adj), at.T
		return e, err
	})
}

// ChairTerms returns the chair rotation, in order.
func (db *DB) ChairTerms(ctx context.Context, actor *samspil.Actor, collabID string) ([]samspil.ChairTerm, error) {
	c, err := db.findCollab(ctx, db.read, actor, collabID)
	if err != nil {
		return nil, err
	}
	return chairTerms(ctx, db.read, c.ID)
}

func chairTerms(ctx context.Context, qr querier, collabID string) ([]samspil.ChairTerm, error) {
	rows, err := qr.QueryContext(ctx, `SELECT t.id, t.collaboration_id, t.organization_id, o.name, t.from_date, t.until_date
		FROM chair_terms t JOIN organizations o ON o.id = t.organization_id WHERE t.collaboration_id = $1 ORDER BY t.from_date, t.id`, collabID)
	if err != nil {
		return nil, err
	}
	terms, err := collect(rows, func(r rowScanner) (samspil.ChairTerm, error) {
		var t samspil.ChairTerm
		var from, until nullDate
		err := r.Scan(&t.ID, &t.CollaborationID, &t.OrganizationID, &t.OrganizationName, &from, &until)
		t.From, t.Until = from.D, until.Ptr()
		return t, err
	})
	if terms == nil {
		terms = []samspil.ChairTerm{}
	}
	return terms, err
}

// SetChairTerms replaces the chair rotation. Terms must not overlap and
// each chair must be a voting member during its term.
func (db *DB) SetChairTerms(ctx context.Context, actor *samspil.Actor, collabID string, terms []samspil.ChairTerm) ([]samspil.ChairTerm, error) {
	var out []samspil.ChairTerm
	err := db.update(ctx, actor, func(tx *Tx) error {
		c, err := db.managingCollab(tx, collabID)
		if err != nil {
			return err
		}
		before, err := chairTerms(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		sorted := slices.Clone(terms)
		sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].From.Before(sorted[j].From) })
		var v samspil.Validation
		for i, t := range terms {
			path := "terms[" + strconv.Itoa(i) + "]"
			v.Check(!t.From.IsZero(), path+".from", "is required")
			if t.Until != nil {
				v.Check(!t.Until.Before(t.From), path+".until", "must not be before from")
			}
			if m := c.MemberOn(t.OrganizationID, t.From); m == nil || !m.Votes() {
				v.Add(path+".organization_id", "must be a voting member when the term starts")
			}
		}
		for i := 1; i < len(sorted); i++ {
			prev := sorted[i-1]
			if prev.Until == nil || !prev.Until.Before(sorted[i].From) {
				v.Add("terms", "the terms from %s and %s overlap", prev.From.String(), sorted[i].From.String())
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM chair_terms WHERE collaboration_id = $1`, c.ID); err != nil {
			return err
		}
		for _, t := range sorted {
			if _, err := tx.ExecContext(ctx, `INSERT INTO chair_terms (id, collaboration_id, organization_id, from_date, until_date)
				VALUES ($1, $2, $3, $4, $5)`, newID(), c.ID, t.OrganizationID, t.From, t.Until); err != nil {
				return err
			}
		}
		if out, err = chairTerms(ctx, tx, c.ID); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: actingOrg(tx.actor, c, samspil.Today(tx.now)), Action: "collaboration.chairs", ObjectType: "collaboration", ObjectID: c.ID, Before: before, After: out})
	})
	return out, err
}
