package opportunity

import (
	"cmp"
	"math"
	"slices"

	"github.com/samspil/samspil"
)

// Index answers where working together makes sense. It is built once from
// the facts (Build) and read by any number of goroutines; it is not
// changed after it is built.
type Index struct {
	orgs  []Org
	byID  map[string]int32
	names []string // system names by system number
	ids   []string // system IDs by system number
	sysID map[string]int32
	// uses are each organisation's usages, by system number.
	uses [][]use
	// postings are, per system, the organisations that use it, by
	// organisation number.
	postings [][]posting
	// commons counts, per system, the organisations whose use of it is
	// shared with every signed-in organisation (sector or public): the
	// rarity of a system is counted over these only, so that no private
	// or partners-only record shapes anyone else's weights.
	commons      []int32
	commonsTotal int32
	// sysContracts are, per system, the live contracts covering it (with
	// a next decision), by organisation number.
	sysContracts [][]sysContract
	partners     map[string][]string
	together     map[[2]string]Together
}

type use struct {
	sys int32
	vis samspil.Visibility
}

// sysContract is a contract as the list of a system's contracts holds it.
type sysContract struct {
	org         int32
	next, actBy samspil.Date
	vis         samspil.Visibility
}

type posting struct {
	org int32
	vis samspil.Visibility
}

// Build builds the index from the facts.
func Build(f *Facts) *Index {
	x := &Index{orgs: f.Orgs, byID: make(map[string]int32, len(f.Orgs)), sysID: map[string]int32{}, partners: f.Partners,
		together: make(map[[2]string]Together, len(f.Together))}
	for i, o := range f.Orgs {
		x.byID[o.ID] = int32(i)
	}
	x.uses = make([][]use, len(f.Orgs))
	for _, u := range f.Usages {
		o, ok := x.byID[u.OrgID]
		if !ok {
			continue
		}
		s, ok := x.sysID[u.SystemID]
		if !ok {
			s = int32(len(x.names))
			x.sysID[u.SystemID] = s
			x.names = append(x.names, u.SystemName)
			x.ids = append(x.ids, u.SystemID)
			x.postings = append(x.postings, nil)
			x.commons = append(x.commons, 0)
		}
		x.uses[o] = append(x.uses[o], use{sys: s, vis: u.Visibility})
	}
	counted := make([]bool, len(f.Orgs))
	for o := range x.uses {
		us := x.uses[o]
		// One use per system: the widest visibility of the organisation's
		// usages of it, which sorts first.
		slices.SortFunc(us, func(a, b use) int {
			return cmp.Or(cmp.Compare(a.sys, b.sys), cmp.Compare(rank(b.vis), rank(a.vis)))
		})
		us = slices.CompactFunc(us, func(a, b use) bool { return a.sys == b.sys })
		x.uses[o] = us
		for _, u := range us {
			x.postings[u.sys] = append(x.postings[u.sys], posting{org: int32(o), vis: u.vis})
			if shared(u.vis) {
				x.commons[u.sys]++
				if !counted[o] {
					counted[o] = true
					x.commonsTotal++
				}
			}
		}
	}
	x.sysContracts = make([][]sysContract, len(x.ids))
	for _, c := range f.Contracts {
		o, ok := x.byID[c.OrgID]
		if !ok {
			continue
		}
		if c.NextDecision == nil {
			continue
		}
		actBy := c.NextDecision // a contract that simply expires: its successor must be in place by then
		if c.NoticeBy != nil {
			actBy = c.NoticeBy
		}
		for _, id := range c.SystemIDs {
			if s, ok := x.sysID[id]; ok {
				x.sysContracts[s] = append(x.sysContracts[s], sysContract{org: o, next: *c.NextDecision, actBy: *actBy, vis: c.Visibility})
			}
		}
	}
	for s := range x.sysContracts {
		slices.SortStableFunc(x.sysContracts[s], func(a, b sysContract) int { return cmp.Compare(a.org, b.org) })
	}
	for _, t := range f.Together {
		x.together[pair(t.A, t.B)] = t
	}
	return x
}

// pair is the key of two organisations, in order.
func pair(a, b string) [2]string {
	if a > b {
		a, b = b, a
	}
	return [2]string{a, b}
}

// shared reports whether a record of visibility v is seen by every
// signed-in organisation.
func shared(v samspil.Visibility) bool {
	return v == samspil.VisibilitySector || v == samspil.VisibilityPublic
}

// rank orders visibilities from narrow (0, private) to wide.
func rank(v samspil.Visibility) int { return slices.Index(samspil.Visibilities, v) }

// sees reports whether the organisation asker sees a record of owner with
// visibility v: samspil.Actor.CanSee for an organisation's people.
func (x *Index) sees(asker, owner string, v samspil.Visibility) bool {
	switch {
	case asker == owner || shared(v):
		return true
	case v == samspil.VisibilityPartners:
		_, ok := slices.BinarySearch(x.partners[owner], asker)
		return ok
	}
	return false
}

// Rarity is the weight of sharing a system that n of total organisations
// use (n counted over shared records only, at least 1): ln(total / n), so
// that sharing a system 3 of 98 use says far more than one all 98 use.
func Rarity(n, total int) float64 {
	n, total = max(n, 1), max(total, 1)
	if n >= total {
		return 0
	}
	return math.Log(float64(total) / float64(n))
}

// Org returns an organisation of the index by ID.
func (x *Index) Org(id string) (Org, bool) {
	i, ok := x.byID[id]
	if !ok {
		return Org{}, false
	}
	return x.orgs[i], true
}

// sharedSystems calls visit for every system the asker uses (all of its
// own uses) and every other organisation whose use of it the asker may
// see.
func (x *Index) sharedSystems(asker int32, visit func(cand int32, sys int32)) {
	askerID := x.orgs[asker].ID
	for _, u := range x.uses[asker] {
		for _, p := range x.postings[u.sys] {
			if p.org == asker {
				continue
			}
			if x.sees(askerID, x.orgs[p.org].ID, p.vis) {
				visit(p.org, u.sys)
			}
		}
	}
}

// candidate reports whether an organisation may be suggested as a
// partner: public bodies and communities, not companies.
func candidate(o Org) bool { return o.Kind != samspil.KindCompany }

// byScore orders suggestions by score, highest first, then by name.
func byScore(a, b Suggestion) int {
	if c := cmp.Compare(b.Score, a.Score); c != 0 {
		return c
	}
	return cmp.Or(cmp.Compare(samspil.Fold(a.Name), samspil.Fold(b.Name)), cmp.Compare(a.OrgID, b.OrgID))
}
