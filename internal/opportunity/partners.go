package opportunity

import (
	"cmp"
	"math"
	"slices"

	"github.com/samspil/samspil"
)

// Weights are the points of each term of a partner's score, in one place.
// A score is the sum of its terms, each shown with its evidence:
//
//   - SharedSystem, times the system's rarity (Rarity: ln(total/users),
//     counted over the uses every organisation may see), for each system
//     both organisations run: sharing a rare system says more than
//     sharing one everybody runs;
//   - JointProcurement for each shared system both have a contract for
//     whose next decisions fall within WindowMonths of each other, with
//     neither notice deadline passed: they could procure it together;
//   - SimilarSize times the ratio of the smaller population to the
//     larger (1 for the same size);
//   - SameRegion when both are in the same region of the same country;
//   - Collaboration for each collaboration both are members of, and
//     Initiative for each initiative both take part in: the track record.
type Weights struct {
	SharedSystem     float64
	JointProcurement float64
	SimilarSize      float64
	SameRegion       float64
	Collaboration    float64
	Initiative       float64
	WindowMonths     int
}

// DefaultWeights are the weights samspil uses.
var DefaultWeights = Weights{SharedSystem: 1, JointProcurement: 2, SimilarSize: 1, SameRegion: 0.5, Collaboration: 1, Initiative: 0.5,
	WindowMonths: 12}

// TermKind names a term of a score.
type TermKind string

// Term kinds.
const (
	TermSharedSystem     TermKind = "shared_system"
	TermJointProcurement TermKind = "joint_procurement"
	TermSimilarSize      TermKind = "similar_size"
	TermSameRegion       TermKind = "same_region"
	TermCollaboration    TermKind = "collaboration"
	TermInitiative       TermKind = "initiative"
)

// Term is one named part of a score with its evidence.
type Term struct {
	Kind   TermKind
	Points float64
	// Evidence says in words what the term rests on.
	Evidence samspil.Phrase
	// The facts behind it, as data.
	SystemID   string
	SystemName string
	UsedBy     int           // organisations that openly run the system
	Of         int           // of this many that share their landscape
	Ours       *samspil.Date // our next decision on the system
	Theirs     *samspil.Date // theirs
	ActBy      *samspil.Date // the earlier of the two notice deadlines
	Count      int           // collaborations or initiatives together
}

// Suggestion is a ranked partner for an organisation.
type Suggestion struct {
	OrgID      string
	Name       string
	Region     string
	Population int
	Partner    bool // partners already: sharing a collaboration that counts
	Score      float64
	Terms      []Term // the score's parts, largest first
}

// Query asks for partner suggestions.
type Query struct {
	Today       samspil.Date
	Limit       int    // the most suggestions; 0 means 50
	Region      string // only in this region
	MinPop      int    // only with at least this many inhabitants
	MaxPop      int    // and at most this many (0: no bound)
	NotPartners bool   // only organisations that are not partners yet
	Weights     *Weights
}

// Partners ranks the organisations that would make sense as partners for
// the organisation asker, using only what asker may see. An unknown
// organisation is ENOTFOUND.
func (x *Index) Partners(asker string, q Query) ([]Suggestion, error) {
	a, ok := x.byID[asker]
	if !ok {
		return nil, samspil.NotFound("organization")
	}
	w := DefaultWeights
	if q.Weights != nil {
		w = *q.Weights
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	// Shared systems, as the asker sees them.
	shared := map[int32][]int32{}
	x.sharedSystems(a, func(c, s int32) { shared[c] = append(shared[c], s) })
	me := x.orgs[a]
	mine := x.contractsBySystem(asker, asker, q.Today)
	partners := x.partners[asker]
	var out []Suggestion
	for i, o := range x.orgs {
		c := int32(i)
		if c == a || !candidate(o) || !x.sees(asker, o.ID, o.Visibility) {
			continue
		}
		if q.Region != "" && o.Region != q.Region {
			continue
		}
		if (q.MinPop > 0 && o.Population < q.MinPop) || (q.MaxPop > 0 && o.Population > q.MaxPop) {
			continue
		}
		_, partner := slices.BinarySearch(partners, o.ID)
		if q.NotPartners && partner {
			continue
		}
		s := Suggestion{OrgID: o.ID, Name: o.Name, Region: o.Region, Population: o.Population, Partner: partner}
		var theirs map[int32][]Contract
		if len(shared[c]) > 0 && len(mine) > 0 {
			theirs = x.contractsBySystem(asker, o.ID, q.Today)
		}
		for _, sys := range shared[c] {
			n := int(x.commons[sys])
			t := Term{Kind: TermSharedSystem, Points: w.SharedSystem * Rarity(n, int(x.commonsTotal)), SystemID: x.ids[sys],
				SystemName: x.names[sys], UsedBy: n, Of: int(x.commonsTotal)}
			t.Evidence = samspil.Phrasef("you both run %s (used by %d of %d organisations)", t.SystemName, n, t.Of)
			s.add(t)
			if jp, ok := jointProcurement(mine[sys], theirs[sys], w.WindowMonths); ok {
				jp.Points, jp.SystemID, jp.SystemName = w.JointProcurement, t.SystemID, t.SystemName
				jp.Evidence = samspil.Phrasef("your contracts for %s reach their next decision on %s and %s; act together by %s",
					t.SystemName, *jp.Ours, *jp.Theirs, *jp.ActBy)
				s.add(jp)
			}
		}
		if me.Population > 0 && o.Population > 0 {
			ratio := float64(min(me.Population, o.Population)) / float64(max(me.Population, o.Population))
			s.add(Term{Kind: TermSimilarSize, Points: w.SimilarSize * ratio,
				Evidence: samspil.Phrasef("similar size (%d and %d inhabitants)", me.Population, o.Population)})
		}
		if o.Region != "" && o.Region == me.Region && o.Country == me.Country {
			s.add(Term{Kind: TermSameRegion, Points: w.SameRegion, Evidence: samspil.Phrasef("same region")})
		}
		if t, ok := x.together[pair(asker, o.ID)]; ok {
			if t.Collaborations > 0 {
				s.add(Term{Kind: TermCollaboration, Points: w.Collaboration * float64(t.Collaborations), Count: t.Collaborations,
					Evidence: samspil.Phrasef("you already work together in %d collaborations", t.Collaborations)})
			}
			if t.Initiatives > 0 {
				s.add(Term{Kind: TermInitiative, Points: w.Initiative * float64(t.Initiatives), Count: t.Initiatives,
					Evidence: samspil.Phrasef("you already work together in %d initiatives", t.Initiatives)})
			}
		}
		if s.Score > 0 {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, byScore)
	if len(out) > limit {
		out = out[:limit]
	}
	for i := range out {
		slices.SortFunc(out[i].Terms, func(a, b Term) int {
			return cmp.Or(cmpFloat(b.Points, a.Points), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.SystemID, b.SystemID))
		})
	}
	return out, nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// add adds a term to the suggestion's score.
func (s *Suggestion) add(t Term) {
	t.Points = math.Round(t.Points*1000) / 1000
	s.Terms = append(s.Terms, t)
	s.Score = math.Round((s.Score+t.Points)*1000) / 1000
}

// contractsBySystem returns the contracts of owner that asker may see and
// that can still be acted on (a next decision ahead, its notice deadline,
// or for one that simply expires its expiry, not passed), by system
// number.
func (x *Index) contractsBySystem(asker, owner string, today samspil.Date) map[int32][]Contract {
	o, ok := x.byID[owner]
	if !ok {
		return nil
	}
	out := map[int32][]Contract{}
	for _, c := range x.contracts[o] {
		if c.NextDecision == nil || !x.sees(asker, owner, c.Visibility) {
			continue
		}
		if c.NoticeBy == nil {
			// A contract that simply expires: its successor must be in
			// place by the expiry.
			c.NoticeBy = c.NextDecision
		}
		if c.NoticeBy.Before(today) {
			continue
		}
		for _, id := range c.SystemIDs {
			if s, ok := x.sysID[id]; ok {
				out[s] = append(out[s], c)
			}
		}
	}
	return out
}

// jointProcurement finds, among our and their contracts for one system,
// the pair whose next decisions are closest, when they fall within months
// of each other.
func jointProcurement(ours, theirs []Contract, months int) (Term, bool) {
	best, found := 0, false
	var t Term
	for i := range ours {
		for j := range theirs {
			a, b := *ours[i].NextDecision, *theirs[j].NextDecision
			lo, hi := a, b
			if hi.Before(lo) {
				lo, hi = hi, lo
			}
			if hi.After(lo.AddMonths(months)) {
				continue
			}
			gap := samspil.DaysBetween(lo, hi)
			if !found || gap < best {
				best, found = gap, true
				actBy := *ours[i].NoticeBy
				if theirs[j].NoticeBy.Before(actBy) {
					actBy = *theirs[j].NoticeBy
				}
				t = Term{Kind: TermJointProcurement, Ours: &a, Theirs: &b, ActBy: &actBy}
			}
		}
	}
	return t, found
}
