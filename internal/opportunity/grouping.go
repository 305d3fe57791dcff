package opportunity

import (
	"cmp"
	"errors"
	"maps"
	"math"
	"slices"

	"github.com/samspil/samspil"
)

// The grouping what-if: which organisations would make sense together in
// a given number of groups (say, the 98 municipalities in 5 joint IT
// operations units)? The affinity of two organisations is the landscape
// part of a partner's score: SharedSystem times the system's rarity for
// each system both run, and JointProcurement for each system whose live
// contracts reach their next decision within WindowMonths of each other,
// counted only over what the asking organisation may see. A grouping's
// score is the sum of the affinities of the pairs inside its groups; the
// proposal maximises it under the constraints given.

// MaxGroupingOrganizations is the most organisations one grouping takes.
const MaxGroupingOrganizations = 1000

// MaxGroupSystems and MaxGroupWindows are how many shared systems and
// aligned contract windows a group's explanation names.
const (
	MaxGroupSystems = 5
	MaxGroupWindows = 5
)

// GroupingQuery asks for a grouping of organisations.
type GroupingQuery struct {
	// Asker is the organisation whose view applies: only the facts it
	// may see shape affinities. Empty: only facts every signed-in
	// organisation sees.
	Asker string
	// Organizations are the organisations to group: at least two, each
	// once.
	Organizations []string
	// Groups is the number of groups, each with at least one member.
	Groups int
	// MinMembers and MaxMembers bound each group's number of members;
	// MinPopulation and MaxPopulation its inhabitants (0: no bound).
	MinMembers, MaxMembers       int
	MinPopulation, MaxPopulation int
	// KeepRegions keeps all organisations of one region (of one country)
	// in the same group.
	KeepRegions bool
	// Fixed puts organisations into given groups, numbered 1..Groups.
	Fixed map[string]int
	// Compare is a grouping the user enters to compare the proposal
	// with: it must place each of the organisations in exactly one group.
	Compare [][]string
	Today   samspil.Date
	Weights *Weights // nil: DefaultWeights
}

// Grouping is a proposed grouping with the reasons for each group.
type Grouping struct {
	Groups []Group
	// Score is the sum of the affinities of the pairs inside groups.
	Score    float64
	Compared *GroupingComparison // when the query had a grouping to compare
}

// Group is one group of a grouping and what speaks for it.
type Group struct {
	Number     int           // 1..the number of groups
	Members    []GroupMember // by name
	Population int
	Score      float64 // the sum of the affinities of its members' pairs
	// Systems are the systems that contribute most to its score: run by
	// several members, the rarer the more.
	Systems []GroupSystem
	// Windows are systems for which several members' contracts reach
	// their next decision within one window.
	Windows []GroupWindow
	Regions []GroupRegion // the regions its members are in, most members first
	// Evidence says it in words.
	Evidence []samspil.Phrase
}

// GroupMember is an organisation in a group.
type GroupMember struct {
	OrgID      string
	Name       string
	Country    string
	Region     string
	Population int
}

// GroupSystem is a system several members of a group run.
type GroupSystem struct {
	SystemID   string
	SystemName string
	Members    int     // members whose use of it the asker sees
	UsedBy     int     // organisations that openly run it
	Of         int     // of this many that share their landscape
	Rarity     float64 // Rarity(UsedBy, Of)
	Points     float64 // its part of the group's score
}

// GroupWindow is a system for which several members' live contracts
// reach their next decision within one window of WindowMonths.
type GroupWindow struct {
	SystemID   string
	SystemName string
	Members    int          // members with a contract in the window
	From, To   samspil.Date // the first and last next decision in it
	ActBy      samspil.Date // the earliest notice deadline among them
}

// GroupRegion is a region with how many of a group's members are in it.
type GroupRegion struct {
	Country string
	Region  string // "" for members without a region
	Members int
}

// GroupingComparison is the user's grouping, scored and explained as the
// proposal is.
type GroupingComparison struct {
	Groups []Group
	Score  float64
	// Difference is the proposal's score minus this one's.
	Difference float64
	// Broken says which of the query's constraints it breaks, if any.
	Broken []samspil.Phrase
}

// Grouping proposes a grouping of the organisations of q that maximises
// the affinity inside groups under q's constraints, explains each group
// and, when q has one, compares it with the user's grouping. Constraints
// that cannot be met are EINVALID naming the field; when no grouping that
// meets them is found, it says which one instead of returning one that
// breaks it. The search is deterministic: the same query on the same
// index gives the same answer.
//
// It computes the pairwise affinities once (one pass over the chosen
// organisations' uses and the systems' contract lists), builds a first
// grouping greedily (fixed members first, then seeds far apart, then the
// best gain within the bounds; and two balanced starts), improves each by
// moves and swaps until none helps, and keeps the best.
//
// Affinities are never negative, so without bounds the grouping with the
// most affinity inside would be one large group and a few small ones:
// when neither MaxMembers nor MaxPopulation is given (and regions are not
// kept together), no group takes more than half again of an even share of
// the organisations.
func (x *Index) Grouping(q GroupingQuery) (*Grouping, error) {
	if q.MaxMembers == 0 && q.MaxPopulation == 0 && !q.KeepRegions && q.Groups > 0 && len(q.Organizations) >= q.Groups {
		n, k := len(q.Organizations), q.Groups
		q.MaxMembers = max((3*n+2*k-1)/(2*k), q.MinMembers)
	}
	gr, err := x.newGrouper(q)
	if err != nil {
		return nil, err
	}
	gr.buildUnits()
	if err := gr.checkUnits(); err != nil {
		return nil, err
	}
	gr.affinities()
	gr.unitAffinities()
	of, err := gr.search()
	if err != nil {
		return nil, err
	}
	// From units to organisations, and the groups numbered: those with
	// fixed members keep theirs, the others take the free numbers in the
	// order of their first member by name.
	members := make([][]int, gr.k)
	for u, g := range of {
		members[g] = append(members[g], gr.units[u].members...)
	}
	for g := range members {
		slices.SortFunc(members[g], gr.byName)
	}
	fixedGroup := make([]bool, gr.k)
	for _, u := range gr.units {
		if u.fixed >= 0 {
			fixedGroup[u.fixed] = true
		}
	}
	var free, numbers []int
	for g := range gr.k {
		if !fixedGroup[g] {
			free = append(free, g)
			numbers = append(numbers, g)
		}
	}
	slices.SortFunc(free, func(a, b int) int { return gr.byName(members[a][0], members[b][0]) })
	number := make([]int, gr.k)
	for g := range gr.k {
		number[g] = g
	}
	for i, g := range free {
		number[g] = numbers[i]
	}
	out := &Grouping{Groups: make([]Group, gr.k)}
	var total float64
	for g := range gr.k {
		grp, raw := gr.explain(number[g]+1, members[g])
		out.Groups[number[g]] = grp
		total += raw
	}
	out.Score = round3(total)
	if gr.compare != nil {
		c := &GroupingComparison{}
		var total float64
		for i, ms := range gr.compare {
			ms = slices.Clone(ms)
			slices.SortFunc(ms, gr.byName)
			grp, raw := gr.explain(i+1, ms)
			c.Groups = append(c.Groups, grp)
			total += raw
		}
		c.Score = round3(total)
		c.Difference = round3(out.Score - c.Score)
		c.Broken = gr.broken(c.Groups)
		out.Compared = c
	}
	return out, nil
}

// grouper holds one grouping query's work.
type grouper struct {
	x     *Index
	q     GroupingQuery
	w     Weights
	orgs  []int32 // the chosen organisations by index number, in the query's order
	local []int32 // index number -> position in orgs, -1 when not chosen
	n, k  int
	fixed []int // per chosen organisation its group (0-based), -1 when free

	minM, maxM int   // members per group; minM at least 1
	minP, maxP int64 // inhabitants per group; maxP math.MaxInt64/4 when unbounded
	popUnit    int64 // the inhabitants one member's shortfall counts as
	compare    [][]int

	aff []float64 // n×n: the affinity of each pair
	// users are, per system that at least two chosen organisations run
	// visibly, those organisations and the points one pair gets for it.
	users []sysUsers
	// live are, per system, the chosen organisations' live contracts the
	// asker sees, grouped by organisation.
	live []sysLive

	units  []unit
	unitOf []int     // chosen organisation -> unit
	ua     []float64 // U×U: the affinity between units
}

type sysUsers struct {
	sys  int32
	pts  float64
	orgs []int32 // positions in grouper.orgs, ascending
}

type sysLive struct {
	sys       int32
	orgs      []int32         // positions in grouper.orgs, ascending
	contracts [][]sysContract // of each of orgs
}

// unit is what the search moves: one organisation, or with KeepRegions
// all of a region's.
type unit struct {
	members []int
	size    int
	pop     int64
	fixed   int // group, -1 when free
	country string
	region  string // "" for a single organisation
}

// newGrouper checks the query and prepares its work.
func (x *Index) newGrouper(q GroupingQuery) (*grouper, error) {
	gr := &grouper{x: x, q: q, w: DefaultWeights}
	if q.Weights != nil {
		gr.w = *q.Weights
		if gr.w.WindowMonths < 1 {
			return nil, samspil.ErrorAt(samspil.EINVALID, "window_months", "must be at least 1 month")
		}
	}
	if q.Asker != "" {
		if _, ok := x.byID[q.Asker]; !ok {
			return nil, samspil.NotFound("organization")
		}
	}
	n := len(q.Organizations)
	switch {
	case n < 2:
		return nil, samspil.ErrorAt(samspil.EINVALID, "organizations", "choose at least 2 organisations to group")
	case n > MaxGroupingOrganizations:
		return nil, samspil.ErrorAt(samspil.EINVALID, "organizations", "choose at most %d organisations to group", MaxGroupingOrganizations)
	}
	gr.n = n
	gr.local = make([]int32, len(x.orgs))
	for i := range gr.local {
		gr.local[i] = -1
	}
	gr.orgs = make([]int32, n)
	for i, id := range q.Organizations {
		o, ok := x.byID[id]
		if !ok || !x.seesOrg(q.Asker, &x.orgs[o]) {
			return nil, samspil.ErrorAt(samspil.EINVALID, "organizations", "unknown organisation %s", id)
		}
		if gr.local[o] >= 0 {
			return nil, samspil.ErrorAt(samspil.EINVALID, "organizations", "%s is chosen twice", id)
		}
		gr.local[o] = int32(i)
		gr.orgs[i] = o
	}
	k := q.Groups
	switch {
	case k < 1:
		return nil, samspil.ErrorAt(samspil.EINVALID, "groups", "must be at least 1")
	case k > n:
		return nil, samspil.ErrorAt(samspil.EINVALID, "groups", "%d groups are more than the %d organisations chosen", k, n)
	}
	gr.k = k
	for _, b := range []struct {
		path string
		v    int
	}{{"min_members", q.MinMembers}, {"max_members", q.MaxMembers}, {"min_population", q.MinPopulation}, {"max_population", q.MaxPopulation}} {
		if b.v < 0 {
			return nil, samspil.ErrorAt(samspil.EINVALID, b.path, "must not be negative")
		}
	}
	// Members per group.
	if q.MaxMembers > 0 && q.MinMembers > q.MaxMembers {
		return nil, samspil.ErrorAt(samspil.EINVALID, "min_members", "%d is more than the most members a group may have (%d)", q.MinMembers, q.MaxMembers)
	}
	if q.MaxMembers > 0 && q.MaxMembers < n && k*q.MaxMembers < n {
		return nil, samspil.ErrorAt(samspil.EINVALID, "max_members", "%d groups of at most %d members cannot hold the %d organisations chosen", k, q.MaxMembers, n)
	}
	if q.MinMembers > n || k*q.MinMembers > n {
		return nil, samspil.ErrorAt(samspil.EINVALID, "min_members", "%d groups of at least %d members need more than the %d organisations chosen", k, q.MinMembers, n)
	}
	gr.minM, gr.maxM = max(1, q.MinMembers), n
	if q.MaxMembers > 0 {
		gr.maxM = min(n, q.MaxMembers)
	}
	// Inhabitants per group.
	var total int64
	for _, o := range gr.orgs {
		total += int64(x.orgs[o].Population)
	}
	minP, maxP := int64(q.MinPopulation), int64(q.MaxPopulation)
	if maxP > 0 && minP > maxP {
		return nil, samspil.ErrorAt(samspil.EINVALID, "min_population", "%d is more than the most inhabitants a group may have (%d)", q.MinPopulation, q.MaxPopulation)
	}
	if minP > total || int64(k)*minP > total {
		return nil, samspil.ErrorAt(samspil.EINVALID, "min_population",
			"%d groups of at least %d inhabitants need more than the %d inhabitants of the organisations chosen", k, q.MinPopulation, total)
	}
	if maxP > 0 && maxP < total && int64(k)*maxP < total {
		return nil, samspil.ErrorAt(samspil.EINVALID, "max_population",
			"%d groups of at most %d inhabitants cannot hold the %d inhabitants of the organisations chosen", k, q.MaxPopulation, total)
	}
	gr.minP, gr.maxP = minP, int64(math.MaxInt64/4)
	if maxP > 0 {
		gr.maxP = maxP
		for _, o := range gr.orgs {
			if p := x.orgs[o].Population; int64(p) > maxP {
				return nil, samspil.ErrorAt(samspil.EINVALID, "max_population", "%s alone has %d inhabitants, more than %d", x.orgs[o].Name, p, q.MaxPopulation)
			}
		}
	}
	gr.popUnit = max(1, total/int64(n))
	// Fixed members.
	gr.fixed = make([]int, n)
	for i := range gr.fixed {
		gr.fixed[i] = -1
	}
	for _, id := range sortedKeys(q.Fixed) {
		g := q.Fixed[id]
		o, ok := x.byID[id]
		if !ok || gr.local[o] < 0 {
			return nil, samspil.ErrorAt(samspil.EINVALID, "fixed", "%s is not among the organisations chosen", id)
		}
		if g < 1 || g > k {
			return nil, samspil.ErrorAt(samspil.EINVALID, "fixed", "%s is fixed to group %d; the groups are numbered 1 to %d", x.orgs[o].Name, g, k)
		}
		gr.fixed[gr.local[o]] = g - 1
	}
	if err := gr.checkCompare(); err != nil {
		return nil, err
	}
	return gr, nil
}

// checkCompare checks that the user's grouping places each chosen
// organisation in exactly one group.
func (gr *grouper) checkCompare() error {
	if gr.q.Compare == nil {
		return nil
	}
	if len(gr.q.Compare) == 0 {
		return samspil.ErrorAt(samspil.EINVALID, "compare", "has no groups")
	}
	x := gr.x
	in := make([]int, gr.n)
	for i := range in {
		in[i] = -1
	}
	gr.compare = make([][]int, len(gr.q.Compare))
	for g, ids := range gr.q.Compare {
		if len(ids) == 0 {
			return samspil.ErrorAt(samspil.EINVALID, "compare", "group %d is empty", g+1)
		}
		for _, id := range ids {
			o, ok := x.byID[id]
			if !ok || gr.local[o] < 0 {
				return samspil.ErrorAt(samspil.EINVALID, "compare", "%s is not among the organisations chosen", id)
			}
			l := gr.local[o]
			if in[l] >= 0 {
				return samspil.ErrorAt(samspil.EINVALID, "compare", "%s is in more than one group", x.orgs[o].Name)
			}
			in[l] = g
			gr.compare[g] = append(gr.compare[g], int(l))
		}
	}
	for l, g := range in {
		if g < 0 {
			return samspil.ErrorAt(samspil.EINVALID, "compare", "%s is in none of the groups", x.orgs[gr.orgs[l]].Name)
		}
	}
	return nil
}

// affinities computes the affinity of every pair of chosen organisations.
func (gr *grouper) affinities() {
	x, n := gr.x, gr.n
	gr.aff = make([]float64, n*n)
	// Shared systems: per system, the chosen organisations whose use the
	// asker sees; each pair of them gets the system's points.
	type sysOrg struct{ sys, org int32 }
	var all []sysOrg
	for l, o := range gr.orgs {
		id := x.orgs[o].ID
		for _, u := range x.uses[o] {
			if x.sees(gr.q.Asker, id, u.vis) {
				all = append(all, sysOrg{u.sys, int32(l)})
			}
		}
	}
	slices.SortFunc(all, func(a, b sysOrg) int { return cmp.Or(cmp.Compare(a.sys, b.sys), cmp.Compare(a.org, b.org)) })
	total := int(x.commonsTotal)
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].sys == all[i].sys {
			j++
		}
		if j-i >= 2 {
			su := sysUsers{sys: all[i].sys, pts: round3(gr.w.SharedSystem * Rarity(int(x.commons[all[i].sys]), total))}
			for _, e := range all[i:j] {
				su.orgs = append(su.orgs, e.org)
			}
			gr.users = append(gr.users, su)
			if su.pts != 0 {
				gr.addPairs(su.orgs, su.pts)
			}
		}
		i = j
	}
	// Joint procurement: per system, the chosen organisations' live
	// contracts the asker sees; each pair with two of them within
	// WindowMonths of each other gets the points once.
	jp := round3(gr.w.JointProcurement)
	for s, list := range x.sysContracts {
		var cs []sysContract
		visit := func(c sysContract) {
			if !c.actBy.Before(dayOf(gr.q.Today)) && x.sees(gr.q.Asker, x.orgs[c.org].ID, c.vis) {
				cs = append(cs, c)
			}
		}
		if len(list) <= 8*n {
			for _, c := range list {
				if gr.local[c.org] >= 0 {
					visit(c)
				}
			}
		} else {
			chosen := slices.Clone(gr.orgs)
			slices.Sort(chosen)
			for _, o := range chosen {
				for _, k := range x.contractsOf(int32(s), o) {
					visit(list[k.pos])
				}
			}
		}
		if len(cs) < 2 {
			continue
		}
		slices.SortStableFunc(cs, func(a, b sysContract) int { return cmp.Compare(gr.local[a.org], gr.local[b.org]) })
		sl := sysLive{sys: int32(s)}
		for i := 0; i < len(cs); {
			j := i
			for j < len(cs) && cs[j].org == cs[i].org {
				j++
			}
			sl.orgs = append(sl.orgs, gr.local[cs[i].org])
			sl.contracts = append(sl.contracts, cs[i:j:j])
			i = j
		}
		if len(sl.orgs) < 2 {
			continue
		}
		gr.live = append(gr.live, sl)
		if jp == 0 {
			continue
		}
		for a := range sl.orgs {
			for b := a + 1; b < len(sl.orgs); b++ {
				if _, ok := jointProcurement(sl.contracts[a], sl.contracts[b], gr.w.WindowMonths); ok {
					gr.aff[int(sl.orgs[a])*n+int(sl.orgs[b])] += jp
					gr.aff[int(sl.orgs[b])*n+int(sl.orgs[a])] += jp
				}
			}
		}
	}
}

// addPairs adds pts to the affinity of every pair of the organisations.
func (gr *grouper) addPairs(orgs []int32, pts float64) {
	n := gr.n
	for a, i := range orgs {
		row := gr.aff[int(i)*n:]
		for _, j := range orgs[a+1:] {
			row[j] += pts
			gr.aff[int(j)*n+int(i)] += pts
		}
	}
}

// buildUnits makes the units the search moves: the organisations, or with
// KeepRegions each region's organisations together (those without a
// region alone).
func (gr *grouper) buildUnits() {
	x := gr.x
	gr.unitOf = make([]int, gr.n)
	byRegion := map[[2]string]int{}
	for l, o := range gr.orgs {
		org := &x.orgs[o]
		key := [2]string{org.Country, org.Region}
		u, ok := byRegion[key]
		if !gr.q.KeepRegions || org.Region == "" || !ok {
			u = len(gr.units)
			gr.units = append(gr.units, unit{fixed: -1, country: org.Country})
			if gr.q.KeepRegions && org.Region != "" {
				byRegion[key] = u
				gr.units[u].region = org.Region
			}
		}
		un := &gr.units[u]
		un.members = append(un.members, l)
		un.size++
		un.pop += int64(org.Population)
		if gr.fixed[l] >= 0 {
			un.fixed = gr.fixed[l]
		}
		gr.unitOf[l] = u
	}
}

// unitAffinities sums the affinities of the units' members.
func (gr *grouper) unitAffinities() {
	U, n := len(gr.units), gr.n
	if U == n {
		gr.ua = gr.aff
		return
	}
	gr.ua = make([]float64, U*U)
	for i := range n {
		for j := range n {
			if ui, uj := gr.unitOf[i], gr.unitOf[j]; ui != uj {
				gr.ua[ui*U+uj] += gr.aff[i*n+j]
			}
		}
	}
}

// checkUnits checks the constraints that units (regions kept together,
// fixed members) can break before any search.
func (gr *grouper) checkUnits() error {
	x, q := gr.x, gr.q
	if q.KeepRegions {
		// Fixed members of one region in different groups.
		for _, un := range gr.units {
			first := -1
			for _, l := range un.members {
				if gr.fixed[l] < 0 {
					continue
				}
				if first < 0 {
					first = l
				} else if gr.fixed[l] != gr.fixed[first] {
					return samspil.ErrorAt(samspil.EINVALID, "fixed", "%s and %s are in one region, kept together, but fixed to groups %d and %d",
						x.orgs[gr.orgs[first]].Name, x.orgs[gr.orgs[l]].Name, gr.fixed[first]+1, gr.fixed[l]+1)
				}
			}
		}
		if len(gr.units) < gr.k {
			return samspil.ErrorAt(samspil.EINVALID, "keep_regions", "with regions kept together the organisations form only %d blocks, fewer than the %d groups",
				len(gr.units), gr.k)
		}
		for _, un := range gr.units {
			if un.region == "" {
				continue
			}
			if un.size > gr.maxM {
				return samspil.ErrorAt(samspil.EINVALID, "max_members", "region %s alone has %d of the organisations, more than %d", un.region, un.size, q.MaxMembers)
			}
			if un.pop > gr.maxP {
				return samspil.ErrorAt(samspil.EINVALID, "max_population", "region %s alone has %d inhabitants, more than %d", un.region, un.pop, q.MaxPopulation)
			}
		}
	}
	size, pop := make([]int, gr.k), make([]int64, gr.k)
	for _, un := range gr.units {
		if un.fixed >= 0 {
			size[un.fixed] += un.size
			pop[un.fixed] += un.pop
		}
	}
	for g := range gr.k {
		if size[g] > gr.maxM {
			return samspil.ErrorAt(samspil.EINVALID, "fixed", "group %d has %d members fixed to it, more than %d", g+1, size[g], q.MaxMembers)
		}
		if pop[g] > gr.maxP {
			return samspil.ErrorAt(samspil.EINVALID, "fixed", "the members fixed to group %d have %d inhabitants, more than %d", g+1, pop[g], q.MaxPopulation)
		}
	}
	return nil
}

// search finds the grouping of units: the group of each.
func (gr *grouper) search() ([]int, error) {
	var best *state
	for start := range 3 {
		st := gr.newState()
		switch start {
		case 0:
			st.greedyAffinity()
		case 1:
			st.greedyBalanced(false)
		case 2:
			st.greedyBalanced(true)
		}
		st.improve()
		if best == nil || st.better(best) {
			best = st
		}
	}
	if best.violation() > 0 {
		// The heuristics found no grouping within the bounds: look for
		// one exhaustively (within a budget) and improve that.
		if st, ok := gr.exact(1 << 20); ok {
			st.improve()
			best = st
		}
	}
	if best.violation() > 0 {
		return nil, best.failure()
	}
	return best.of, nil
}

// state is a (partial) assignment of units to groups.
type state struct {
	gr   *grouper
	of   []int // unit -> group, -1 when not placed
	size []int
	pop  []int64
	s    []float64 // U×k: the affinity of each unit to each group's other units
}

func (gr *grouper) newState() *state {
	U := len(gr.units)
	st := &state{gr: gr, of: make([]int, U), size: make([]int, gr.k), pop: make([]int64, gr.k), s: make([]float64, U*gr.k)}
	for u := range st.of {
		st.of[u] = -1
	}
	for u, un := range gr.units {
		if un.fixed >= 0 {
			st.place(u, un.fixed)
		}
	}
	return st
}

func (st *state) place(u, g int) {
	gr, U, k := st.gr, len(st.gr.units), st.gr.k
	st.of[u] = g
	st.size[g] += gr.units[u].size
	st.pop[g] += gr.units[u].pop
	row := gr.ua[u*U : u*U+U]
	for v, a := range row {
		st.s[v*k+g] += a
	}
}

func (st *state) remove(u int) {
	gr, U, k := st.gr, len(st.gr.units), st.gr.k
	g := st.of[u]
	st.of[u] = -1
	st.size[g] -= gr.units[u].size
	st.pop[g] -= gr.units[u].pop
	row := gr.ua[u*U : u*U+U]
	for v, a := range row {
		st.s[v*k+g] -= a
	}
}

// viol is how far a group of size members and pop inhabitants is outside
// the bounds, in inhabitants (a member counts as popUnit).
func (gr *grouper) viol(size int, pop int64) int64 {
	var v int64
	if size < gr.minM {
		v += int64(gr.minM-size) * gr.popUnit
	} else if size > gr.maxM {
		v += int64(size-gr.maxM) * gr.popUnit
	}
	if pop < gr.minP {
		v += gr.minP - pop
	} else if pop > gr.maxP {
		v += pop - gr.maxP
	}
	return v
}

func (st *state) violation() int64 {
	var v int64
	for g := range st.gr.k {
		v += st.gr.viol(st.size[g], st.pop[g])
	}
	return v
}

// score is the affinity between units inside groups (the affinity inside
// units is the same for every grouping).
func (st *state) score() float64 {
	U := len(st.gr.units)
	var sum float64
	for u := range U {
		for v := u + 1; v < U; v++ {
			if st.of[u] == st.of[v] {
				sum += st.gr.ua[u*U+v]
			}
		}
	}
	return sum
}

// better reports whether st is a better grouping than o: less outside the
// bounds, then a higher score.
func (st *state) better(o *state) bool {
	if a, b := st.violation(), o.violation(); a != b {
		return a < b
	}
	return st.score() > o.score()+eps
}

// eps is the least gain the search takes for one.
const eps = 1e-9

// moveDelta is the change of the violation and the score when unit u
// moves to group g.
func (st *state) moveDelta(u, g int) (int64, float64) {
	gr, k := st.gr, st.gr.k
	a, un := st.of[u], gr.units[u]
	dv := gr.viol(st.size[a]-un.size, st.pop[a]-un.pop) + gr.viol(st.size[g]+un.size, st.pop[g]+un.pop) -
		gr.viol(st.size[a], st.pop[a]) - gr.viol(st.size[g], st.pop[g])
	return dv, st.s[u*k+g] - st.s[u*k+a]
}

// swapDelta is the change when units u and v trade groups.
func (st *state) swapDelta(u, v int) (int64, float64) {
	gr := st.gr
	a, b := st.of[u], st.of[v]
	du, dv := gr.units[u], gr.units[v]
	dViol := gr.viol(st.size[a]-du.size+dv.size, st.pop[a]-du.pop+dv.pop) + gr.viol(st.size[b]-dv.size+du.size, st.pop[b]-dv.pop+du.pop) -
		gr.viol(st.size[a], st.pop[a]) - gr.viol(st.size[b], st.pop[b])
	return dViol, st.swapGain(u, v)
}

// swapGain is the change of the score when units u and v trade groups.
func (st *state) swapGain(u, v int) float64 {
	k, U := st.gr.k, len(st.gr.units)
	a, b := st.of[u], st.of[v]
	return st.s[u*k+b] - st.s[u*k+a] + st.s[v*k+a] - st.s[v*k+b] - 2*st.gr.ua[u*U+v]
}

// improves reports whether a change of the violation by dv and the score
// by ds is better than one by bv and bs.
func improves(dv int64, ds float64, bv int64, bs float64) bool {
	return dv < bv || (dv == bv && ds > bs+eps)
}

// maxPasses bounds the passes of the local search.
const maxPasses = 200

// improve moves single units and swaps pairs of units between groups
// while that brings the grouping closer to the bounds, or keeps it as
// close and raises the score.
func (st *state) improve() {
	gr, k := st.gr, st.gr.k
	U := len(gr.units)
	for range maxPasses {
		changed := false
		for u := range U {
			if gr.units[u].fixed >= 0 {
				continue
			}
			best, bv, bs := -1, int64(0), 0.0
			for g := range k {
				if g == st.of[u] {
					continue
				}
				if dv, ds := st.moveDelta(u, g); improves(dv, ds, bv, bs) {
					best, bv, bs = g, dv, ds
				}
			}
			if best >= 0 {
				st.remove(u)
				st.place(u, best)
				changed = true
			}
		}
		// Within the bounds no swap can come closer to them: only a gain
		// in score counts, which is cheaper to compute first.
		within := st.violation() == 0
		for u := range U {
			if gr.units[u].fixed >= 0 {
				continue
			}
			for v := u + 1; v < U; v++ {
				if gr.units[v].fixed >= 0 || st.of[u] == st.of[v] {
					continue
				}
				if within && st.swapGain(u, v) <= eps {
					continue
				}
				if dv, ds := st.swapDelta(u, v); improves(dv, ds, 0, 0) {
					a, b := st.of[u], st.of[v]
					st.remove(u)
					st.remove(v)
					st.place(u, b)
					st.place(v, a)
					changed = true
				}
			}
		}
		if !changed {
			return
		}
	}
}

// fits reports whether unit u fits into group g within the upper bounds.
func (st *state) fits(u, g int) bool {
	un := st.gr.units[u]
	return st.size[g]+un.size <= st.gr.maxM && st.pop[g]+un.pop <= st.gr.maxP
}

// placeDelta is the change of the violation when the unplaced unit u goes
// into group g.
func (st *state) placeDelta(u, g int) int64 {
	un := st.gr.units[u]
	return st.gr.viol(st.size[g]+un.size, st.pop[g]+un.pop) - st.gr.viol(st.size[g], st.pop[g])
}

// greedyAffinity seeds each group without fixed members with a unit far
// from those placed, then places the others one by one, always the unit
// and group of the highest affinity that fit within the upper bounds.
func (st *state) greedyAffinity() {
	gr, k := st.gr, st.gr.k
	U := len(gr.units)
	tot := make([]float64, U)
	for u := range U {
		for v := range U {
			tot[u] += gr.ua[u*U+v]
		}
	}
	placed := 0
	for u := range U {
		if st.of[u] >= 0 {
			placed++
		}
	}
	for g := range k {
		if st.size[g] > 0 {
			continue
		}
		seed, seedNear := -1, 0.0
		for u := range U {
			if st.of[u] >= 0 || !st.fits(u, g) {
				continue
			}
			// Nearness: the most affinity to a group already seeded;
			// with none seeded, the least total affinity wins as the
			// most central unit (negated).
			near := -tot[u]
			if placed > 0 {
				near = 0
				for h := range k {
					near = max(near, st.s[u*k+h])
				}
			}
			if seed < 0 || near < seedNear-eps || (near <= seedNear+eps && tot[u] > tot[seed]+eps) {
				seed, seedNear = u, near
			}
		}
		if seed >= 0 {
			st.place(seed, g)
			placed++
		}
	}
	for {
		bu, bg, bgain, found := -1, -1, 0.0, false
		for u := range U {
			if st.of[u] >= 0 {
				continue
			}
			if bu < 0 {
				bu = u
			}
			for g := range k {
				if !st.fits(u, g) {
					continue
				}
				gain := st.s[u*k+g]
				if !found || gain > bgain+eps || (gain >= bgain-eps && st.size[g] < st.size[bg]) {
					bu, bg, bgain, found = u, g, gain, true
				}
			}
		}
		if bu < 0 {
			return
		}
		if !found {
			// Nothing fits anywhere: the least harm; the search repairs.
			bg = 0
			for g := 1; g < k; g++ {
				if st.placeDelta(bu, g) < st.placeDelta(bu, bg) {
					bg = g
				}
			}
		}
		st.place(bu, bg)
	}
}

// greedyBalanced places the units largest first, each into the group
// where it helps most towards the bounds; then, with byAffinity, the one
// of the highest affinity, else the smallest.
func (st *state) greedyBalanced(byAffinity bool) {
	gr, k := st.gr, st.gr.k
	popBound := gr.minP > 0 || gr.maxP < math.MaxInt64/4
	var order []int
	for u := range gr.units {
		if st.of[u] < 0 {
			order = append(order, u)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ua, ub := gr.units[a], gr.units[b]
		if popBound {
			return cmp.Or(cmp.Compare(ub.pop, ua.pop), cmp.Compare(ub.size, ua.size))
		}
		return cmp.Or(cmp.Compare(ub.size, ua.size), cmp.Compare(ub.pop, ua.pop))
	})
	for _, u := range order {
		bg := -1
		var bd int64
		for g := range k {
			d := st.placeDelta(u, g)
			if bg < 0 || d < bd {
				bg, bd = g, d
				continue
			}
			if d > bd {
				continue
			}
			switch {
			case byAffinity && st.s[u*k+g] != st.s[u*k+bg]:
				if st.s[u*k+g] > st.s[u*k+bg] {
					bg = g
				}
			case popBound && st.pop[g] != st.pop[bg]:
				if st.pop[g] < st.pop[bg] {
					bg = g
				}
			case st.size[g] < st.size[bg]:
				bg = g
			}
		}
		st.place(u, bg)
	}
}

// exact looks for a grouping within all bounds by depth-first search over
// the free units, largest first, within a budget of steps.
func (gr *grouper) exact(budget int) (*state, bool) {
	st := gr.newState()
	hasFixed := make([]bool, gr.k)
	var free []int
	var remSize int
	var remPop int64
	for u, un := range gr.units {
		if un.fixed >= 0 {
			hasFixed[un.fixed] = true
			continue
		}
		free = append(free, u)
		remSize += un.size
		remPop += un.pop
	}
	slices.SortStableFunc(free, func(a, b int) int {
		ua, ub := gr.units[a], gr.units[b]
		return cmp.Or(cmp.Compare(ub.size, ua.size), cmp.Compare(ub.pop, ua.pop))
	})
	steps := 0
	var rec func(i int) bool
	rec = func(i int) bool {
		steps++
		if steps > budget {
			return false
		}
		var defSize int
		var defPop int64
		for g := range gr.k {
			defSize += max(0, gr.minM-st.size[g])
			defPop += max(0, gr.minP-st.pop[g])
		}
		if defSize > remSize || defPop > remPop {
			return false
		}
		if i == len(free) {
			return defSize == 0 && defPop == 0
		}
		u := free[i]
		un := gr.units[u]
		triedEmpty := false
		for g := range gr.k {
			if !st.fits(u, g) {
				continue
			}
			if st.size[g] == 0 && !hasFixed[g] {
				// Empty groups are alike: try one of them.
				if triedEmpty {
					continue
				}
				triedEmpty = true
			}
			st.place(u, g)
			remSize -= un.size
			remPop -= un.pop
			if rec(i + 1) {
				return true
			}
			st.remove(u)
			remSize += un.size
			remPop += un.pop
		}
		return false
	}
	if !rec(0) {
		return nil, false
	}
	return st, true
}

// failure names the bound the best grouping found still breaks.
func (st *state) failure() error {
	gr, q := st.gr, st.gr.q
	for g := range gr.k {
		switch {
		case st.size[g] < gr.minM && q.MinMembers == 0:
			return samspil.ErrorAt(samspil.EINVALID, "groups", "no grouping was found that gives every one of the %d groups a member", gr.k)
		case st.size[g] < gr.minM:
			return samspil.ErrorAt(samspil.EINVALID, "min_members", "no grouping was found in which every group has at least %d members", q.MinMembers)
		case st.size[g] > gr.maxM:
			return samspil.ErrorAt(samspil.EINVALID, "max_members", "no grouping was found in which every group has at most %d members", q.MaxMembers)
		}
	}
	for g := range gr.k {
		switch {
		case st.pop[g] < gr.minP:
			return samspil.ErrorAt(samspil.EINVALID, "min_population", "no grouping was found in which every group has at least %d inhabitants", q.MinPopulation)
		case st.pop[g] > gr.maxP:
			return samspil.ErrorAt(samspil.EINVALID, "max_population", "no grouping was found in which every group has at most %d inhabitants", q.MaxPopulation)
		}
	}
	return errors.New("opportunity: the grouping search ended outside the bounds, with none broken")
}

// byName orders chosen organisations by name, then ID.
func (gr *grouper) byName(a, b int) int {
	oa, ob := &gr.x.orgs[gr.orgs[a]], &gr.x.orgs[gr.orgs[b]]
	return cmp.Or(cmp.Compare(samspil.Fold(oa.Name), samspil.Fold(ob.Name)), cmp.Compare(oa.ID, ob.ID))
}

// explain writes a group of the chosen organisations members (by name)
// with its reasons, and returns its score unrounded.
func (gr *grouper) explain(number int, members []int) (Group, float64) {
	x, n := gr.x, gr.n
	grp := Group{Number: number}
	in := make([]bool, n)
	regions := map[[2]string]int{}
	for _, l := range members {
		in[l] = true
		o := &x.orgs[gr.orgs[l]]
		grp.Members = append(grp.Members, GroupMember{OrgID: o.ID, Name: o.Name, Country: o.Country, Region: o.Region, Population: o.Population})
		grp.Population += o.Population
		regions[[2]string{o.Country, o.Region}]++
	}
	var raw float64
	for a, i := range members {
		for _, j := range members[a+1:] {
			raw += gr.aff[i*n+j]
		}
	}
	grp.Score = round3(raw)
	size := len(members)
	grp.Evidence = append(grp.Evidence, samspil.Phrasef("%d members with %d inhabitants", size, samspil.Number(grp.Population)))
	// Shared systems.
	for _, su := range gr.users {
		m := 0
		for _, l := range su.orgs {
			if in[l] {
				m++
			}
		}
		if m < 2 || su.pts == 0 {
			continue
		}
		used := int(x.commons[su.sys])
		grp.Systems = append(grp.Systems, GroupSystem{SystemID: x.ids[su.sys], SystemName: gr.systemName(su.sys), Members: m, UsedBy: used,
			Of: int(x.commonsTotal), Rarity: round3(Rarity(used, int(x.commonsTotal))), Points: round3(su.pts * float64(m*(m-1)/2))})
	}
	slices.SortFunc(grp.Systems, func(a, b GroupSystem) int {
		return cmp.Or(cmpFloat(b.Points, a.Points), cmp.Compare(b.Members, a.Members), cmp.Compare(a.SystemID, b.SystemID))
	})
	if len(grp.Systems) > MaxGroupSystems {
		grp.Systems = grp.Systems[:MaxGroupSystems]
	}
	for _, s := range grp.Systems {
		grp.Evidence = append(grp.Evidence, samspil.Phrasef("%d of %d members run %s (used by %d of %d organisations)", s.Members, size, s.SystemName, s.UsedBy, s.Of))
	}
	// Aligned contract windows.
	for _, sl := range gr.live {
		if w, ok := gr.window(sl, in); ok {
			grp.Windows = append(grp.Windows, w)
		}
	}
	slices.SortFunc(grp.Windows, func(a, b GroupWindow) int {
		return cmp.Or(cmp.Compare(b.Members, a.Members), a.ActBy.Compare(b.ActBy), cmp.Compare(a.SystemID, b.SystemID))
	})
	if len(grp.Windows) > MaxGroupWindows {
		grp.Windows = grp.Windows[:MaxGroupWindows]
	}
	for _, w := range grp.Windows {
		grp.Evidence = append(grp.Evidence, samspil.Phrasef("%d of %d members' contracts for %s reach their next decision between %s and %s; act together by %s",
			w.Members, size, w.SystemName, w.From, w.To, w.ActBy))
	}
	// Regions.
	for _, key := range regionKeys(regions) {
		grp.Regions = append(grp.Regions, GroupRegion{Country: key[0], Region: key[1], Members: regions[key]})
	}
	slices.SortStableFunc(grp.Regions, func(a, b GroupRegion) int { return cmp.Compare(b.Members, a.Members) })
	switch {
	case len(grp.Regions) == 1 && grp.Regions[0].Region != "":
		grp.Evidence = append(grp.Evidence, samspil.Phrasef("all members are in region %s", grp.Regions[0].Region))
	case len(grp.Regions) > 1:
		grp.Evidence = append(grp.Evidence, samspil.Phrasef("members from %d regions", len(grp.Regions)))
	}
	return grp, raw
}

// window finds, for one system, the window of WindowMonths in which the
// next decisions of the most members (of in) fall, when at least two.
func (gr *grouper) window(sl sysLive, in []bool) (GroupWindow, bool) {
	type entry struct {
		org         int32
		next, actBy samspil.Date
	}
	var es []entry
	for i, l := range sl.orgs {
		if in[l] {
			for _, c := range sl.contracts[i] {
				es = append(es, entry{l, c.next.Date(), c.actBy.Date()})
			}
		}
	}
	if len(es) < 2 {
		return GroupWindow{}, false
	}
	slices.SortFunc(es, func(a, b entry) int { return cmp.Or(a.next.Compare(b.next), cmp.Compare(a.org, b.org)) })
	var best GroupWindow
	seen := map[int32]bool{}
	for i := range es {
		end := es[i].next.AddMonths(gr.w.WindowMonths)
		clear(seen)
		w := GroupWindow{From: es[i].next, To: es[i].next, ActBy: es[i].actBy}
		for j := i; j < len(es) && !es[j].next.After(end); j++ {
			if !seen[es[j].org] {
				seen[es[j].org] = true
				w.Members++
			}
			w.To = es[j].next
			if es[j].actBy.Before(w.ActBy) {
				w.ActBy = es[j].actBy
			}
		}
		if w.Members > best.Members {
			best = w
		}
	}
	if best.Members < 2 {
		return GroupWindow{}, false
	}
	best.SystemID, best.SystemName = gr.x.ids[sl.sys], gr.systemName(sl.sys)
	return best, true
}

// systemName is a system's name, or its ID when the index knows no name.
func (gr *grouper) systemName(sys int32) string {
	if name := gr.x.names[sys]; name != "" {
		return name
	}
	return gr.x.ids[sys]
}

// broken says which of the query's constraints the user's grouping
// breaks.
func (gr *grouper) broken(groups []Group) []samspil.Phrase {
	q := gr.q
	var out []samspil.Phrase
	if len(groups) != gr.k {
		out = append(out, samspil.Phrasef("the grouping has %d groups, not %d", len(groups), gr.k))
	}
	for _, g := range groups {
		size := len(g.Members)
		if q.MinMembers > 0 && size < q.MinMembers {
			out = append(out, samspil.Phrasef("group %d has %d members, fewer than %d", g.Number, size, q.MinMembers))
		}
		if q.MaxMembers > 0 && size > q.MaxMembers {
			out = append(out, samspil.Phrasef("group %d has %d members, more than %d", g.Number, size, q.MaxMembers))
		}
		if q.MinPopulation > 0 && g.Population < q.MinPopulation {
			out = append(out, samspil.Phrasef("group %d has %d inhabitants, fewer than %d", g.Number, samspil.Number(g.Population), samspil.Number(q.MinPopulation)))
		}
		if q.MaxPopulation > 0 && g.Population > q.MaxPopulation {
			out = append(out, samspil.Phrasef("group %d has %d inhabitants, more than %d", g.Number, samspil.Number(g.Population), samspil.Number(q.MaxPopulation)))
		}
	}
	groupOf := map[string]int{}
	for _, g := range groups {
		for _, m := range g.Members {
			groupOf[m.OrgID] = g.Number
		}
	}
	if q.KeepRegions {
		spread := map[[2]string]map[int]bool{}
		for _, g := range groups {
			for _, m := range g.Members {
				if m.Region == "" {
					continue
				}
				key := [2]string{m.Country, m.Region}
				if spread[key] == nil {
					spread[key] = map[int]bool{}
				}
				spread[key][g.Number] = true
			}
		}
		for _, key := range regionKeys(spread) {
			if len(spread[key]) > 1 {
				out = append(out, samspil.Phrasef("region %s is split over %d groups", key[1], len(spread[key])))
			}
		}
	}
	for _, id := range sortedKeys(q.Fixed) {
		if g := groupOf[id]; g != q.Fixed[id] {
			o, _ := gr.x.Org(id)
			out = append(out, samspil.Phrasef("%s is in group %d, not in group %d as fixed", o.Name, g, q.Fixed[id]))
		}
	}
	return out
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// regionKeys returns the (country, region) keys of m in order.
func regionKeys[V any](m map[[2]string]V) [][2]string {
	return slices.SortedFunc(maps.Keys(m), func(a, b [2]string) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
}
