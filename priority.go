package samspil

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Prioritisation of a collaboration's portfolio: each initiative is scored
// from 1 to 5 on benefit, urgency, feasibility and cost, the collaboration
// weighs the four, and the initiatives are ranked by the weighted score.
// A round of prioritisation records the ranking, so that the next one shows
// what changed.

// PriorityWeights weigh the four scores, each from 0 to 10.
type PriorityWeights struct {
	Benefit     int `json:"benefit" minimum:"0" maximum:"10"`
	Urgency     int `json:"urgency" minimum:"0" maximum:"10"`
	Feasibility int `json:"feasibility" minimum:"0" maximum:"10"`
	Cost        int `json:"cost" minimum:"0" maximum:"10" doc:"How much a low cost counts"`
}

// DefaultPriorityWeights count benefit most and cost least.
var DefaultPriorityWeights = PriorityWeights{Benefit: 4, Urgency: 3, Feasibility: 2, Cost: 1}

// Validate checks the weights.
func (w PriorityWeights) Validate() error {
	var v Validation
	for _, f := range []struct {
		path string
		n    int
	}{{"benefit", w.Benefit}, {"urgency", w.Urgency}, {"feasibility", w.Feasibility}, {"cost", w.Cost}} {
		v.Check(f.n >= 0 && f.n <= 10, f.path, "must be between 0 and 10")
	}
	v.Check(w.Benefit+w.Urgency+w.Feasibility+w.Cost > 0, "benefit", "at least one weight must be above 0")
	return v.Err()
}

// PriorityScore scores one initiative, each from 1 (low) to 5 (high); a
// high cost score is an expensive initiative, which ranks lower.
type PriorityScore struct {
	Benefit     int    `json:"benefit" minimum:"1" maximum:"5"`
	Urgency     int    `json:"urgency" minimum:"1" maximum:"5"`
	Feasibility int    `json:"feasibility" minimum:"1" maximum:"5"`
	Cost        int    `json:"cost" minimum:"1" maximum:"5" doc:"5 is the most expensive"`
	Note        string `json:"note,omitempty" maxLength:"2000" doc:"The reasons for the scores"`
}

// Validate checks the scores.
func (s *PriorityScore) Validate() error {
	s.Note = strings.TrimSpace(s.Note)
	var v Validation
	for _, f := range []struct {
		path string
		n    int
	}{{"benefit", s.Benefit}, {"urgency", s.Urgency}, {"feasibility", s.Feasibility}, {"cost", s.Cost}} {
		v.Check(f.n >= 1 && f.n <= 5, f.path, "must be between 1 and 5")
	}
	v.Check(utf8.RuneCountInString(s.Note) <= 2000, "note", "must be at most 2000 characters")
	return v.Err()
}

// Value is the weighted score in hundredths, from 100 to 500: the mean of
// the scores by the weights, the cost score turned round (6 - cost).
func (s PriorityScore) Value(w PriorityWeights) int {
	sum := w.Benefit + w.Urgency + w.Feasibility + w.Cost
	if sum == 0 {
		return 0
	}
	total := w.Benefit*s.Benefit + w.Urgency*s.Urgency + w.Feasibility*s.Feasibility + w.Cost*(6-s.Cost)
	return (total*100 + sum/2) / sum
}

// RankInput is an initiative to rank: its scores, nil when not scored.
type RankInput struct {
	InitiativeID string
	Title        string
	Phase        InitiativePhase
	Score        *PriorityScore
}

// Ranked is an initiative's place in the ranked list, with the reasons.
type Ranked struct {
	InitiativeID string          `json:"initiative_id"`
	Title        string          `json:"title"`
	Phase        InitiativePhase `json:"phase"`
	Rank         int             `json:"rank" doc:"1 is first; 0 for an initiative not scored yet"`
	Value        int             `json:"value" doc:"The weighted score in hundredths, 100 to 500"`
	Score        *PriorityScore  `json:"score,omitempty"`
	Reasons      []Phrase        `json:"reasons" doc:"Why it ranks where it does: each weighted score"`
	// PreviousRank is the rank in the last recorded round, 0 when it was
	// not ranked then.
	PreviousRank int    `json:"previous_rank"`
	Change       Phrase `json:"change" doc:"What changed since the last round"`
}

// RankPortfolio ranks the initiatives by their weighted score, highest
// first, ties by title; those not scored come last, unranked. previous
// maps initiative IDs to their rank in the last recorded round (nil when
// there was none).
func RankPortfolio(w PriorityWeights, in []RankInput, previous map[string]int) []Ranked {
	out := make([]Ranked, 0, len(in))
	for _, x := range in {
		r := Ranked{InitiativeID: x.InitiativeID, Title: x.Title, Phase: x.Phase, Score: x.Score, Reasons: []Phrase{}}
		if x.Score != nil {
			r.Value = x.Score.Value(w)
			s := x.Score
			r.Reasons = []Phrase{
				Phrasef("benefit %d of 5, weight %d", s.Benefit, w.Benefit),
				Phrasef("urgency %d of 5, weight %d", s.Urgency, w.Urgency),
				Phrasef("feasibility %d of 5, weight %d", s.Feasibility, w.Feasibility),
				Phrasef("cost %d of 5 (a low cost ranks higher), weight %d", s.Cost, w.Cost),
			}
		} else {
			r.Reasons = []Phrase{Phrasef("not scored yet")}
		}
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b Ranked) int {
		if (a.Score == nil) != (b.Score == nil) {
			if a.Score == nil {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(b.Value, a.Value); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(Fold(a.Title), Fold(b.Title)), cmp.Compare(a.InitiativeID, b.InitiativeID))
	})
	for i := range out {
		r := &out[i]
		if r.Score != nil {
			r.Rank = i + 1
		}
		r.PreviousRank = previous[r.InitiativeID]
		switch {
		case previous == nil:
			r.Change = Phrasef("first prioritisation")
		case r.Rank == 0:
			r.Change = Phrasef("not scored yet")
		case r.PreviousRank == 0:
			r.Change = Phrasef("new since the last prioritisation")
		case r.PreviousRank > r.Rank:
			r.Change = Phrasef("up %d from %d", r.PreviousRank-r.Rank, r.PreviousRank)
		case r.PreviousRank < r.Rank:
			r.Change = Phrasef("down %d from %d", r.Rank-r.PreviousRank, r.PreviousRank)
		default:
			r.Change = Phrasef("unchanged")
		}
	}
	return out
}

// Prioritisation is a collaboration's ranked portfolio: its open
// initiatives ranked under its weights, compared with the last recorded
// round.
type Prioritisation struct {
	CollaborationID string          `json:"collaboration_id"`
	Weights         PriorityWeights `json:"weights"`
	Ranked          []Ranked        `json:"ranked"`
	LastRoundOn     *Date           `json:"last_round_on,omitempty" format:"date" doc:"The day of the last recorded round"`
	LastRoundBy     string          `json:"last_round_by,omitempty"`
	// Dropped are the initiatives of the last round that are no longer
	// ranked (closed, stopped or moved out).
	Dropped []Ranked  `json:"dropped"`
	AsOf    time.Time `json:"as_of"`
}
