package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/samspil/samspil"
)

// The prioritisation of a collaboration's portfolio: its weights, each
// open initiative's scores, the ranking samspil.RankPortfolio makes of
// them, and the rounds the collaboration recorded, so that a ranking shows
// what changed since the last one. Those who see the collaboration read it;
// its managers change it.

// roundEntry is an initiative's place in a recorded round.
type roundEntry struct {
	InitiativeID string                  `json:"initiative_id"`
	Title        string                  `json:"title"`
	Phase        samspil.InitiativePhase `json:"phase"`
	Rank         int                     `json:"rank"`
	Value        int                     `json:"value"`
}

// round is a recorded round of prioritisation.
type round struct {
	ID      string                  `json:"id"`
	On      samspil.Date            `json:"on"`
	By      string                  `json:"by"`
	Weights samspil.PriorityWeights `json:"weights"`
	Ranking []roundEntry            `json:"ranking"`
}

// lastRound returns the newest recorded round of the collaboration, or nil.
func (db *DB) lastRound(ctx context.Context, qr querier, collabID string) (*round, error) {
	var r round
	var weights, ranking string
	err := qr.QueryRowContext(ctx, `SELECT id, `+dateColumn(db.engine, "on_date")+`, by_name, weights_json, ranking_json FROM prioritisation_rounds
		WHERE collaboration_id = $1 ORDER BY recorded_at DESC, id DESC LIMIT 1`, collabID).Scan(&r.ID, &r.On, &r.By, &weights, &ranking)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(weights), &r.Weights); err != nil {
		return nil, fmt.Errorf("weights of prioritisation round %s: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(ranking), &r.Ranking); err != nil {
		return nil, fmt.Errorf("ranking of prioritisation round %s: %w", r.ID, err)
	}
	return &r, nil
}

// priorityWeights returns the collaboration's weights, or the defaults
// when it has set none.
func priorityWeights(ctx context.Context, qr querier, collabID string) (samspil.PriorityWeights, error) {
	var w samspil.PriorityWeights
	err := qr.QueryRowContext(ctx, `SELECT benefit, urgency, feasibility, cost FROM priority_weights WHERE collaboration_id = $1`, collabID).
		Scan(&w.Benefit, &w.Urgency, &w.Feasibility, &w.Cost)
	if errors.Is(err, sql.ErrNoRows) {
		return samspil.DefaultPriorityWeights, nil
	}
	return w, err
}

// portfolioRow is an initiative of the collaboration with its scores.
type portfolioRow struct {
	samspil.RankInput
	visible bool
}

// portfolio returns every initiative of the collaboration with its scores
// (nil when not scored) and whether the actor sees it, in one query.
func (db *DB) portfolio(ctx context.Context, qr querier, actor *samspil.Actor, collabID string) ([]portfolioRow, error) {
	var q query
	visible := visibleInitiativeCond(&q, actor)
	q.cond("i.collaboration_id = " + q.arg(collabID))
	rows, err := qr.QueryContext(ctx, `SELECT i.id, i.title, i.phase, CASE WHEN (`+visible+`) THEN 1 ELSE 0 END,
		s.benefit, s.urgency, s.feasibility, s.cost, s.note FROM initiatives i LEFT JOIN initiative_scores s ON s.initiative_id = i.id`+
		q.whereSQL()+` ORDER BY i.title_fold, i.id`, q.args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r rowScanner) (portfolioRow, error) {
		var x portfolioRow
		var seen int
		var benefit, urgency, feasibility, cost sql.NullInt64
		var note sql.NullString
		if err := r.Scan(&x.InitiativeID, &x.Title, &x.Phase, &seen, &benefit, &urgency, &feasibility, &cost, &note); err != nil {
			return x, err
		}
		x.visible = seen == 1
		if benefit.Valid {
			x.Score = &samspil.PriorityScore{Benefit: int(benefit.Int64), Urgency: int(urgency.Int64), Feasibility: int(feasibility.Int64),
				Cost: int(cost.Int64), Note: note.String}
		}
		return x, nil
	})
}

// prioritisation ranks the collaboration's initiatives that are not closed
// or stopped under its weights, against the newest recorded round, and
// shows the actor those it sees. The ranks are the collaboration's, so an
// initiative hidden from the actor still takes its place.
func (db *DB) prioritisation(ctx context.Context, qr querier, actor *samspil.Actor, collabID string) (*samspil.Prioritisation, error) {
	w, err := priorityWeights(ctx, qr, collabID)
	if err != nil {
		return nil, err
	}
	rows, err := db.portfolio(ctx, qr, actor, collabID)
	if err != nil {
		return nil, err
	}
	last, err := db.lastRound(ctx, qr, collabID)
	if err != nil {
		return nil, err
	}
	p := &samspil.Prioritisation{CollaborationID: collabID, Weights: w, Ranked: []samspil.Ranked{}, Dropped: []samspil.Ranked{}, AsOf: db.now()}
	var previous map[string]int
	if last != nil {
		on := last.On
		p.LastRoundOn, p.LastRoundBy = &on, last.By
		previous = make(map[string]int, len(last.Ranking))
		for _, e := range last.Ranking {
			previous[e.InitiativeID] = e.Rank
		}
	}
	byID := make(map[string]portfolioRow, len(rows))
	var open []samspil.RankInput
	for _, x := range rows {
		byID[x.InitiativeID] = x
		if !x.Phase.Final() {
			open = append(open, x.RankInput)
		}
	}
	ranked := samspil.RankPortfolio(w, open, previous)
	inRanking := make(map[string]bool, len(ranked))
	for _, r := range ranked {
		inRanking[r.InitiativeID] = true
		if byID[r.InitiativeID].visible {
			p.Ranked = append(p.Ranked, r)
		}
	}
	if last != nil {
		for _, e := range last.Ranking {
			x, ok := byID[e.InitiativeID]
			if inRanking[e.InitiativeID] || !ok || !x.visible {
				continue
			}
			p.Dropped = append(p.Dropped, samspil.Ranked{InitiativeID: x.InitiativeID, Title: x.Title, Phase: x.Phase, Value: e.Value,
				Score: x.Score, Reasons: []samspil.Phrase{}, PreviousRank: e.Rank,
				Change: samspil.Phrasef("%s since the last prioritisation", samspil.Term(x.Phase))})
		}
	}
	return p, nil
}

// Prioritisation ranks the open initiatives of a visible collaboration.
func (db *DB) Prioritisation(ctx context.Context, actor *samspil.Actor, collabID string) (*samspil.Prioritisation, error) {
	c, err := db.findCollab(ctx, db.read, actor, collabID)
	if err != nil {
		return nil, err
	}
	return db.prioritisation(ctx, db.read, actor, c.ID)
}

// managedCollab finds a collaboration the actor sees in a write
// transaction and checks that the actor manages it today.
func (db *DB) managedCollab(tx *Tx, collabID string) (*samspil.Collaboration, error) {
	c, err := db.findCollab(tx.ctx, tx, tx.actor, collabID)
	if err != nil {
		return nil, err
	}
	if err := tx.actor.RequireManages(c, samspil.Today(tx.now)); err != nil {
		return nil, err
	}
	return c, nil
}

// SetPriorityWeights sets the collaboration's weights, by its managers.
func (db *DB) SetPriorityWeights(ctx context.Context, actor *samspil.Actor, collabID string, w samspil.PriorityWeights) (*samspil.Prioritisation, error) {
	if err := w.Validate(); err != nil {
		return nil, err
	}
	err := db.update(ctx, actor, func(tx *Tx) error {
		c, err := db.managedCollab(tx, collabID)
		if err != nil {
			return err
		}
		before, err := priorityWeights(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO priority_weights (collaboration_id, benefit, urgency, feasibility, cost, version, updated_at)
			VALUES ($1, $2, $3, $4, $5, 1, $6) ON CONFLICT (collaboration_id) DO UPDATE SET benefit = excluded.benefit, urgency = excluded.urgency,
			feasibility = excluded.feasibility, cost = excluded.cost, version = priority_weights.version + 1, updated_at = excluded.updated_at`,
			c.ID, w.Benefit, w.Urgency, w.Feasibility, w.Cost, tx.now); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: actingOrg(tx.actor, c, samspil.Today(tx.now)), Action: "prioritisation.weights", ObjectType: "collaboration",
			ObjectID: c.ID, Before: before, After: w})
	})
	if err != nil {
		return nil, err
	}
	return db.Prioritisation(ctx, actor, collabID)
}

// initiativeScore returns the initiative's scores, nil when not scored.
func initiativeScore(ctx context.Context, qr querier, initiativeID string) (*samspil.PriorityScore, error) {
	var s samspil.PriorityScore
	err := qr.QueryRowContext(ctx, `SELECT benefit, urgency, feasibility, cost, note FROM initiative_scores WHERE initiative_id = $1`, initiativeID).
		Scan(&s.Benefit, &s.Urgency, &s.Feasibility, &s.Cost, &s.Note)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// ScoreInitiative sets the scores of an open initiative of a
// collaboration, by the collaboration's managers.
func (db *DB) ScoreInitiative(ctx context.Context, actor *samspil.Actor, initiativeID string, s samspil.PriorityScore) (*samspil.Prioritisation, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	var collabID string
	err := db.update(ctx, actor, func(tx *Tx) error {
		x, c, err := db.lockedInitiative(tx, initiativeID)
		if err != nil {
			return err
		}
		if c == nil {
			return samspil.ErrorAt(samspil.EINVALID, "initiative_id", "is not an initiative of a collaboration; only a collaboration's portfolio is prioritised")
		}
		today := samspil.Today(tx.now)
		if err := tx.actor.RequireManages(c, today); err != nil {
			return err
		}
		if x.Phase.Final() {
			return samspil.Errorf(samspil.ECONFLICT, "the initiative is %s", samspil.Term(x.Phase))
		}
		before, err := initiativeScore(ctx, tx, x.ID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO initiative_scores (initiative_id, benefit, urgency, feasibility, cost, note, by_name, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (initiative_id) DO UPDATE SET benefit = excluded.benefit, urgency = excluded.urgency,
			feasibility = excluded.feasibility, cost = excluded.cost, note = excluded.note, by_name = excluded.by_name, updated_at = excluded.updated_at`,
			x.ID, s.Benefit, s.Urgency, s.Feasibility, s.Cost, s.Note, actorLabel(actor), tx.now); err != nil {
			return err
		}
		collabID = c.ID
		return tx.Audit(auditEntry{OrgID: actingOrg(tx.actor, c, today), Action: "initiative.score", ObjectType: "initiative", ObjectID: x.ID,
			Before: before, After: s})
	})
	if err != nil {
		return nil, err
	}
	return db.Prioritisation(ctx, actor, collabID)
}

// RecordPrioritisation keeps the collaboration's current ranking as a
// round, by its managers, so that the next ranking shows what changed.
func (db *DB) RecordPrioritisation(ctx context.Context, actor *samspil.Actor, collabID string) (*samspil.Prioritisation, error) {
	err := db.update(ctx, actor, func(tx *Tx) error {
		c, err := db.managedCollab(tx, collabID)
		if err != nil {
			return err
		}
		// The round is the collaboration's whole ranking, whoever records it.
		p, err := db.prioritisation(ctx, tx, samspil.SystemActor("store"), c.ID)
		if err != nil {
			return err
		}
		r := round{ID: newID(), On: samspil.Today(tx.now), By: actorLabel(actor), Weights: p.Weights, Ranking: []roundEntry{}}
		for _, x := range p.Ranked {
			r.Ranking = append(r.Ranking, roundEntry{InitiativeID: x.InitiativeID, Title: x.Title, Phase: x.Phase, Rank: x.Rank, Value: x.Value})
		}
		weights, err := json.Marshal(r.Weights)
		if err != nil {
			return err
		}
		ranking, err := json.Marshal(r.Ranking)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO prioritisation_rounds (id, collaboration_id, on_date, weights_json, ranking_json, by_name, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, r.ID, c.ID, r.On, string(weights), string(ranking), r.By, tx.now); err != nil {
			return err
		}
		return tx.Audit(auditEntry{OrgID: actingOrg(tx.actor, c, r.On), Action: "prioritisation.round", ObjectType: "collaboration", ObjectID: c.ID,
			After: r})
	})
	if err != nil {
		return nil, err
	}
	return db.Prioritisation(ctx, actor, collabID)
}
