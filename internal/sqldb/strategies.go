package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/samspil/samspil"
)

var _ samspil.StrategyService = (*DB)(nil)

// CoverageScope is the scope whose strategies Coverage compares.
const CoverageScope = "digitalisation"

const strategyColumns = `s.id, s.collaboration_id, s.title, s.scope, s.from_date, s.until_date, s.goals_json, s.visibility, s.version,
	s.created_at, s.updated_at`

func scanStrategy(r rowScanner) (samspil.Strategy, error) {
	var s samspil.Strategy
	var collab *string
	var from, until nullDate
	var goals string
	var created, updated dbTime
	if err := r.Scan(&s.ID, &collab, &s.Title, &s.Scope, &from, &until, &goals, &s.Visibility, &s.Version, &created, &updated); err != nil {
		return s, err
	}
	s.CollaborationID, s.From, s.Until, s.CreatedAt, s.UpdatedAt = deref(collab), from.D, until.Ptr(), created.T, updated.T
	s.Owners, s.Goals = []samspil.StrategyOwner{}, []samspil.Goal{}
	if err := json.Unmarshal([]byte(goals), &s.Goals); err != nil {
		return s, fmt.Errorf("goals of strategy %s: %w", s.ID, err)
	}
	if s.Goals == nil {
		s.Goals = []samspil.Goal{}
	}
	return s, nil
}

// visibleStrategyCond is the condition under which the actor sees the
// strategy aliased s: its visibility applies relative to each of its owners,
// and one owner that makes it visible is enough. An owner's people always
// see it.
func visibleStrategyCond(q *query, actor *samspil.Actor) string {
	return "EXISTS (SELECT 1 FROM strategy_owners vso WHERE vso.strategy_id = s.id AND (" +
		visibleCond(q, actor, "vso.organization_id", "s.visibility") + "))"
}

// finishStrategies loads the owners of strategies, in their order.
func finishStrategies(ctx context.Context, qr querier, ss []samspil.Strategy) error {
	if len(ss) == 0 {
		return nil
	}
	idx := map[string]int{}
	ids := make([]string, len(ss))
	for i := range ss {
		idx[ss[i].ID], ids[i] = i, ss[i].ID
	}
	var q query
	rows, err := qr.QueryContext(ctx, `SELECT so.strategy_id, so.organization_id, o.name, so.adopted_on FROM strategy_owners so
		JOIN organizations o ON o.id = so.organization_id WHERE so.strategy_id IN `+q.in(ids)+` ORDER BY so.strategy_id, so.position`, q.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var o samspil.StrategyOwner
		var adopted nullDate
		if err := rows.Scan(&id, &o.OrganizationID, &o.OrganizationName, &adopted); err != nil {
			return err
		}
		o.AdoptedOn = adopted.Ptr()
		s := &ss[idx[id]]
		s.Owners = append(s.Owners, o)
	}
	return rows.Err()
}

// listStrategies returns the visible strategies matching the conditions
// added by where, by period and ID.
func (db *DB) listStrategies(ctx context.Context, qr querier, actor *samspil.Actor, where func(q *query)) ([]samspil.Strategy, error) {
	var q query
	q.cond(visibleStrategyCond(&q, actor))
	if where != nil {
		where(&q)
	}
	rows, err := qr.QueryContext(ctx, "SELECT "+strategyColumns+" FROM strategies s"+q.whereSQL()+" ORDER BY s.from_date, s.id", q.args...)
	if err != nil {
		return nil, err
	}
	ss, err := collect(rows, scanStrategy)
	if err != nil {
		return nil, err
	}
	if ss == nil {
		ss = []samspil.Strategy{}
	}
	return ss, finishStrategies(ctx, qr, ss)
}

// FindStrategy returns a visible strategy with its owners.
func (db *DB) FindStrategy(ctx context.Context, actor *samspil.Actor, id string) (*samspil.Strategy, error) {
	return db.findStrategy(ctx, db.read, actor, id)
}

func (db *DB) findStrategy(ctx context.Context, qr querier, actor *samspil.Actor, id string) (*samspil.Strategy, error) {
	ss, err := db.listStrategies(ctx, qr, actor, func(q *query) { q.cond("s.id = " + q.arg(id)) })
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, samspil.NotFound("strategy")
	}
	return &ss[0], nil
}

// ListStrategies lists the visible strategies, by the start of their
// period; collabID keeps the joint strategies of a collaboration, orgID
// (an ID or a municipality code) those the organisation owns.
func (db *DB) ListStrategies(ctx context.Context, actor *samspil.Actor, collabID, orgID string) ([]samspil.Strategy, error) {
	if orgID != "" {
		var err error
		if orgID, err = resolveOrgID(ctx, db.read, orgID); err != nil {
			return nil, err
		}
	}
	return db.listStrategies(ctx, db.read, actor, func(q *query) {
		if collabID != "" {
			q.cond("s.collaboration_id = " + q.arg(collabID))
		}
		if orgID != "" {
			q.cond("EXISTS (SELECT 1 FROM strategy_owners fso WHERE fso.strategy_id = s.id AND fso.organization_id = " + q.arg(orgID) + ")")
		}
	})
}

// CreateStrategy records a strategy. The actor must be an administrator or
// editor of one of its owners; a joint strategy of a collaboration may also
// be recorded by those who manage the collaboration, and its owners must be
// members when its period starts. Adoption days given for owners need the
// right to act for those owners.
func (db *DB) CreateStrategy(ctx context.Context, actor *samspil.Actor, in samspil.StrategyInput) (*samspil.Strategy, error) {
	s := in.Strategy()
	s.Owners = slices.Clone(s.Owners)
	for i := range s.Owners {
		if a := s.Owners[i].AdoptedOn; a != nil && a.IsZero() {
			s.Owners[i].AdoptedOn = nil
		}
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	var out *samspil.Strategy
	err := db.update(ctx, actor, func(tx *Tx) error {
		var v samspil.Validation
		seen := map[string]bool{}
		for i := range s.Owners {
			o := &s.Owners[i]
			path := "owners[" + strconv.Itoa(i) + "].organization_id"
			org, err := db.findOrg(ctx, tx, actor, o.OrganizationID)
			if samspil.ErrorCode(err) == samspil.ENOTFOUND {
				v.Add(path, "is not an organisation you can see")
				continue
			} else if err != nil {
				return err
			}
			o.OrganizationID, o.OrganizationName = org.ID, org.Name
			v.Check(!seen[org.ID], path, "is listed twice")
			seen[org.ID] = true
		}
		var c *samspil.Collaboration
		if s.CollaborationID != "" {
			var err error
			c, err = db.lockedCollab(tx, s.CollaborationID)
			switch {
			case samspil.ErrorCode(err) == samspil.ENOTFOUND:
				v.Add("collaboration_id", "is not a collaboration you can see")
			case err != nil:
				return err
			default:
				s.CollaborationID = c.ID
				if in.Visibility == "" && c.Visibility == samspil.VisibilityPrivate {
					// A joint strategy of a members-only collaboration is shown to
					// the owners' partners by default, not to every organisation.
					s.Visibility = samspil.VisibilityPartners
				}
				for i, o := range s.Owners {
					if o.OrganizationName != "" && c.MemberOn(o.OrganizationID, s.From) == nil {
						v.Add("owners["+strconv.Itoa(i)+"].organization_id", "is not a member of %s on %s", c.Name, s.From.String())
					}
				}
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if !actor.MayRecordStrategy(c, s.Owners, samspil.Today(tx.now)) {
			return samspil.Errorf(samspil.EFORBIDDEN, "only administrators and editors of one of its owners may record a strategy")
		}
		for _, o := range s.Owners {
			if o.AdoptedOn != nil && !actor.Represents(o.OrganizationID) {
				return samspil.Errorf(samspil.EFORBIDDEN, "only administrators and editors of %s may record its adoption", o.OrganizationName)
			}
		}
		goals, err := json.Marshal(s.Goals)
		if err != nil {
			return err
		}
		s.ID, s.Version, s.CreatedAt, s.UpdatedAt = newID(), 1, tx.now, tx.now
		if _, err := tx.ExecContext(ctx, `INSERT INTO strategies (id, collaboration_id, title, scope, from_date, until_date, goals_json, visibility,
			version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)`,
			s.ID, nullString(s.CollaborationID), s.Title, s.Scope, s.From, s.Until, string(goals), string(s.Visibility), tx.now); err != nil {
			return err
		}
		for i, o := range s.Owners {
			if _, err := tx.ExecContext(ctx, `INSERT INTO strategy_owners (strategy_id, organization_id, position, adopted_on) VALUES ($1, $2, $3, $4)`,
				s.ID, o.OrganizationID, i, dateValue(o.AdoptedOn)); err != nil {
				return err
			}
		}
		if err := tx.Audit(auditEntry{OrgID: s.Owners[0].OrganizationID, Action: "strategy.create", ObjectType: "strategy", ObjectID: s.ID, After: s}); err != nil {
			return err
		}
		out, err = db.findStrategy(ctx, tx, actor, s.ID)
		if samspil.ErrorCode(err) == samspil.ENOTFOUND {
			// A manager who owns none of a private joint strategy recorded it
			// but may not read it; answer with what was written.
			out, err = &s, nil
		}
		return err
	})
	return out, err
}

// AdoptStrategy records the day an owner adopted the strategy; adopting
// again moves the day. Only the owner's administrators and editors may.
func (db *DB) AdoptStrategy(ctx context.Context, actor *samspil.Actor, id, orgID string, on samspil.Date) (*samspil.Strategy, error) {
	var out *samspil.Strategy
	err := db.update(ctx, actor, func(tx *Tx) error {
		if _, err := db.findStrategy(ctx, tx, actor, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE strategies SET version = version WHERE id = $1`, id); err != nil {
			return err
		}
		s, err := db.findStrategy(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		orgID, err := resolveOrgID(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if orgID == "" {
			return samspil.ErrorAt(samspil.EINVALID, "organization_id", "is required")
		}
		i := slices.IndexFunc(s.Owners, func(o samspil.StrategyOwner) bool { return o.OrganizationID == orgID })
		if i < 0 {
			return samspil.ErrorAt(samspil.EINVALID, "organization_id", "is not an owner of %s", s.Title)
		}
		before := s.Owners[i]
		if err := actor.Require(samspil.PermCollabRepresent, orgID, before.OrganizationName); err != nil {
			return err
		}
		if on.IsZero() {
			on = samspil.Today(tx.now)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE strategy_owners SET adopted_on = $3 WHERE strategy_id = $1 AND organization_id = $2`,
			s.ID, orgID, on); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE strategies SET version = version + 1, updated_at = $2 WHERE id = $1`, s.ID, tx.now); err != nil {
			return err
		}
		after := before
		after.AdoptedOn = &on
		s.Owners[i] = after
		s.Version, s.UpdatedAt = s.Version+1, tx.now
		out = s
		return tx.Audit(auditEntry{OrgID: orgID, Action: "strategy.adopt", ObjectType: "strategy", ObjectID: s.ID, Before: before, After: after})
	})
	return out, err
}

// Coverage says for each member of the collaboration on the day which of
// the strategies the actor can see is in force for it, within the scope
// digitalisation.
func (db *DB) Coverage(ctx context.Context, actor *samspil.Actor, collabID string, on samspil.Date) ([]samspil.StrategyCoverage, error) {
	c, err := db.findCollab(ctx, db.read, actor, collabID)
	if err != nil {
		return nil, err
	}
	if on.IsZero() {
		on = samspil.Today(db.now())
	}
	var orgs []string
	for _, m := range c.Members {
		if m.ActiveOn(on) {
			orgs = append(orgs, m.OrganizationID)
		}
	}
	ss, err := db.listStrategies(ctx, db.read, actor, func(q *query) {
		q.cond("s.scope = " + q.arg(CoverageScope))
		q.cond("EXISTS (SELECT 1 FROM strategy_owners mso WHERE mso.strategy_id = s.id AND mso.organization_id IN " + q.in(orgs) + ")")
	})
	if err != nil {
		return nil, err
	}
	return samspil.CoverageOf(ss, c.Members, CoverageScope, on), nil
}
