package opportunity

import (
	"cmp"
	"maps"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

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
//
// A suggestion also names, without points, the KLE tasks both cover with
// different systems, per category (TermHarmonisation): different systems
// for the same tasks are a reason to talk, not a sign that two
// organisations fit.
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

// MaxSystemTerms is how many shared systems a suggestion names one by one,
// the rarest first; the others are summed in one term.
const MaxSystemTerms = 10

// TermKind names a term of a score.
type TermKind string

// Term kinds.
const (
	TermSharedSystem     TermKind = "shared_system"
	TermOtherSystems     TermKind = "other_systems" // the shared systems beyond MaxSystemTerms, in one term
	TermJointProcurement TermKind = "joint_procurement"
	TermSimilarSize      TermKind = "similar_size"
	TermSameRegion       TermKind = "same_region"
	TermCollaboration    TermKind = "collaboration"
	TermInitiative       TermKind = "initiative"
	TermHarmonisation    TermKind = "harmonisation" // no points: evidence only
)

// Term is one named part of a score: the facts it rests on, as data;
// Evidence says them in words.
type Term struct {
	Kind        TermKind
	Points      float64
	SystemID    string
	SystemName  string
	UsedBy      int           // organisations that openly run the system
	Of          int           // of this many that share their landscape
	Ours        *samspil.Date // our next decision on the system
	Theirs      *samspil.Date // theirs
	ActBy       *samspil.Date // the earlier of the two notice deadlines
	Count       int           // collaborations or initiatives together; tasks of a harmonisation term
	Category    string        // of a harmonisation term: the category of our systems for the tasks
	Inhabitants [2]int        // of a similar-size term: ours and theirs
}

// Evidence says in words what the term rests on. It is written from the
// term's data when asked (a query ranks many terms and shows few), and
// is the empty phrase for an unknown kind.
func (t *Term) Evidence() samspil.Phrase {
	switch t.Kind {
	case TermSharedSystem:
		return samspil.Phrasef("you both run %s (used by %d of %d organisations)", t.SystemName, t.UsedBy, t.Of)
	case TermOtherSystems:
		if t.Count == 1 {
			return samspil.Phrasef("and one more system you both run, used more widely")
		}
		return samspil.Phrasef("and %d more systems you both run, used more widely", t.Count)
	case TermJointProcurement:
		return samspil.Phrasef("your contracts for %s reach their next decision on %s and %s; act together by %s",
			t.SystemName, *t.Ours, *t.Theirs, *t.ActBy)
	case TermSimilarSize:
		return samspil.Phrasef("similar size (%d and %d inhabitants)", samspil.Number(t.Inhabitants[0]), samspil.Number(t.Inhabitants[1]))
	case TermSameRegion:
		return samspil.Phrasef("same region")
	case TermCollaboration:
		if t.Count == 1 {
			return samspil.Phrasef("you already work together in a collaboration")
		}
		return samspil.Phrasef("you already work together in %d collaborations", t.Count)
	case TermInitiative:
		if t.Count == 1 {
			return samspil.Phrasef("you already work together in an initiative")
		}
		return samspil.Phrasef("you already work together in %d initiatives", t.Count)
	case TermHarmonisation:
		switch {
		case t.Category == "" && t.Count == 1:
			return samspil.Phrasef("a KLE task you both cover with different systems: a harmonisation candidate")
		case t.Category == "":
			return samspil.Phrasef("the same %d KLE tasks with different systems: a harmonisation candidate", t.Count)
		case t.Count == 1:
			return samspil.Phrasef("a KLE task under %s you both cover with different systems: a harmonisation candidate", samspil.Category(t.Category))
		default:
			return samspil.Phrasef("the same %d KLE tasks under %s with different systems: a harmonisation candidate", t.Count, samspil.Category(t.Category))
		}
	}
	return samspil.Phrase{}
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
//
// It scores every candidate in one pass over the asker's systems' posting
// lists and contract lists, keeps the best, and only for those writes the
// terms with their evidence.
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
	me := x.orgs[a]
	v := x.viewerOf(a)
	// Scores are in thousandths of a point, as terms are rounded: the sum
	// is exact and is the score explain adds up term by term, so the heap
	// keeps exactly the first of the ranking.
	scratch := x.scratchFor()
	defer x.scratch.Put(scratch)
	score := scratch.score
	total := int(x.commonsTotal)
	dense := make([]int32, x.nd*64) // our points per dense bit
	ourPoints := make([]int64, len(x.uses[a]))
	owner := scratch.owner // whose partners-only records we see
	for _, o := range v.owners {
		owner[o] = true
	}
	for i, u := range x.uses[a] {
		pts := milli(w.SharedSystem * Rarity(int(x.commons[u.sys]), total))
		ourPoints[i] = pts
		if pts == 0 {
			continue // a system every organisation sharing its landscape runs: no points to add
		}
		if p := x.densePos[u.sys]; p >= 0 {
			dense[p] = int32(pts)
		}
		for _, p := range x.postings[u.sys] {
			if p.org != a && (p.vis >= levelSector || (p.vis == levelPartners && owner[p.org])) { // v.sees, inlined
				score[p.org] += int32(pts)
			}
		}
	}
	sum := x.denseSum(dense)
	// The dense systems we share with organisations whose partners-only
	// uses we see: the bits hold only the open ones.
	for _, o := range v.owners {
		if o == a {
			continue
		}
		ours, theirs := x.uses[a], x.uses[o]
		bothUse(ours, theirs, func(i, j int) {
			if theirs[j].vis == levelPartners && x.densePos[ours[i].sys] >= 0 {
				score[o] += int32(ourPoints[i])
			}
		})
	}
	mine := x.liveContracts(a, q.Today)
	split := len(x.orgs) >= parallelFrom
	jps := x.jointProcurementCounts(a, mine, v.owners, dayOf(q.Today), w, split, scratch)
	jp := milli(w.JointProcurement)
	together := map[int32]Together{}
	for _, t := range x.togetherOf[a] {
		together[t.other] = t.t
	}
	var notPartners []int32 // by number, sorted
	if q.NotPartners {
		for _, id := range x.partners[asker] {
			if n, ok := x.byID[id]; ok {
				notPartners = append(notPartners, n)
			}
		}
		slices.Sort(notPartners)
	}
	// The candidates in parts, one a processor when there are many: each
	// part keeps its best, and the best of those are the best (the order
	// is total: the same whichever part holds a candidate).
	rank := func(from, to int, top *topK) {
		for i := from; i < to; i++ {
			c := int32(i)
			b := &x.brief[i]
			if c == a || !b.candidate || !v.sees(c, b.level) {
				continue
			}
			if q.Region != "" && x.orgs[i].Region != q.Region {
				continue
			}
			if (q.MinPop > 0 && b.population < q.MinPop) || (q.MaxPop > 0 && b.population > q.MaxPop) {
				continue
			}
			if q.NotPartners {
				if _, partner := slices.BinarySearch(notPartners, c); partner {
					continue
				}
			}
			sc := int64(score[c]) + sum(c) + publicScore(me.Population, b.population, x.sameRegion(a, c), together[c], w)
			for _, n := range jps {
				sc += int64(n[c]) * jp
			}
			if sc > 0 && top.admits(sc) {
				top.push(scored{org: c, score: sc, fold: x.fold[c], id: x.orgs[i].ID})
			}
		}
	}
	top := newTopK(limit)
	parallel(split, len(x.orgs), func(from, to int) *topK {
		part := newTopK(limit)
		rank(from, to, part)
		return part
	}, func(part *topK) {
		for _, sc := range part.items {
			top.push(sc)
		}
	})
	out := make([]Suggestion, len(top.items))
	ourTasks := x.taskSystems(a, asker)
	parallel(split, len(top.items), func(from, to int) struct{} {
		var buf explainScratch
		for i := from; i < to; i++ {
			out[i] = x.explain(a, top.items[i].org, ourPoints, mine, ourTasks, q.Today, w, &buf)
		}
		return struct{}{}
	}, func(struct{}) {})
	slices.SortFunc(out, byScore)
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// parallelFrom is the number of organisations from which a query splits
// its work (below, starting goroutines costs more than it saves). A
// variable for the tests.
var parallelFrom = 4096

// parallel runs work over the items 0 to n in parts, one a processor
// when split (else in one), and gives each part's result to merge, in the
// order of the parts.
func parallel[R any](split bool, n int, work func(from, to int) R, merge func(R)) {
	parts := min(runtime.GOMAXPROCS(0), 8)
	if !split || n < parts || parts < 2 {
		merge(work(0, n))
		return
	}
	results := make([]R, parts)
	var wg sync.WaitGroup
	for p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[p] = work(n*p/parts, n*(p+1)/parts)
		}()
	}
	wg.Wait()
	for _, r := range results {
		merge(r)
	}
}

// partnerScratch are the per-organisation arrays of a partner query,
// kept for the next (Index.scratch) so that queries do not make the
// garbage collector walk the index over and over.
type partnerScratch struct {
	score []int32
	owner []bool
	jp    []jpPart // one a part of jointProcurementCounts
}

// jpPart is a part's count of systems for joint procurement per
// candidate, and the candidates it counted for the system at hand, as
// bits: small, so that both stay in a near cache.
type jpPart struct {
	counts []int32
	seen   []uint64
}

// scratchFor returns cleared arrays for a partner query.
func (x *Index) scratchFor() *partnerScratch {
	s, _ := x.scratch.Get().(*partnerScratch)
	if s == nil || len(s.score) != len(x.orgs) {
		return &partnerScratch{score: make([]int32, len(x.orgs)), owner: make([]bool, len(x.orgs))}
	}
	clear(s.score)
	clear(s.owner)
	return s
}

// jointProcurementCounts counts, for each candidate, the asker's systems
// for which one of the candidate's contracts that the asker sees reaches
// its next decision near one of the asker's live ones (jointProcurement's
// rule): each is worth the points of joint procurement. The systems are
// shared out among the processors when split, the next to the next free
// one (a few lists are long); each part counts on its own, as two parts
// may count one candidate at once, and a candidate's count is the sum of
// the parts'.
//
// The open contracts are read from the short lists of them
// (openContracts), and the partners-only ones of the organisations whose
// partners-only records the asker sees (owners) from those organisations'
// own.
func (x *Index) jointProcurementCounts(a int32, mine map[int32][]sysContract, owners []int32, today day, w Weights, split bool, scratch *partnerScratch) [][]int32 {
	parts := 1
	if split {
		parts = min(runtime.GOMAXPROCS(0), 8)
	}
	for len(scratch.jp) < parts {
		scratch.jp = append(scratch.jp, jpPart{counts: make([]int32, len(x.orgs)), seen: make([]uint64, (len(x.orgs)+63)/64)})
	}
	counts := make([][]int32, parts)
	for p, part := range scratch.jp[:parts] {
		clear(part.counts)
		counts[p] = part.counts
	}
	systems := slices.Collect(maps.Keys(mine))
	var next atomic.Int64
	var nextPart atomic.Int32
	parallel(split, parts, func(int, int) struct{} {
		part := scratch.jp[nextPart.Add(1)-1]
		for i := int(next.Add(1) - 1); i < len(systems); i = int(next.Add(1) - 1) {
			sys := systems[i]
			ours := mine[sys]
			// Their decisions within WindowMonths of one of ours: for
			// each of ours, from the first day whose decision
			// WindowMonths later is not before ours, to ours WindowMonths
			// later (jointProcurement's rule, as ranges of days).
			type span struct{ lo, hi day }
			spans := make([]span, len(ours))
			lo, hi := day(math.MaxInt32), day(0)
			for i, c := range ours {
				s := span{c.next.AddMonths(-w.WindowMonths).AddDays(-4), c.next.AddMonths(w.WindowMonths)}
				for s.lo.AddMonths(w.WindowMonths) < c.next {
					s.lo = s.lo.AddDays(1)
				}
				spans[i], lo, hi = s, min(lo, s.lo), max(hi, s.hi)
			}
			near := func(d day) bool {
				return slices.ContainsFunc(spans, func(s span) bool { return d >= s.lo && d <= s.hi })
			}
			clear(part.seen)
			count := func(o int32) {
				if word, bit := o/64, uint64(1)<<(o%64); part.seen[word]&bit == 0 {
					part.seen[word] |= bit
					part.counts[o]++
				}
			}
			open := x.openContracts[sys]
			k, _ := slices.BinarySearchFunc(open, lo, func(c openContract, d day) int { return cmp.Compare(c.next, d) })
			for ; k < len(open) && open[k].next <= hi; k++ {
				if c := &open[k]; c.actBy >= today && c.org != a && near(c.next) {
					count(c.org)
				}
			}
			list := x.sysContracts[sys]
			for _, o := range owners {
				if o == a {
					continue
				}
				for _, k := range x.contractsOf(sys, o) {
					if c := &list[k.pos]; c.vis == levelPartners && c.actBy >= today && near(c.next) {
						count(o)
					}
				}
			}
		}
		return struct{}{}
	}, func(struct{}) {})
	return counts
}

// explainScratch are the working slices of explain, kept from one
// suggestion to the next of a query: a suggestion's terms are gathered in
// terms and copied once, at their final length, so that a query makes
// little garbage.
type explainScratch struct {
	terms   []Term
	order   []int
	systems []sharedSys
	theirs  []sysContract
}

// sharedSys is a system two organisations share, with its points for the
// asker (thousandths).
type sharedSys struct {
	points int64
	sys    int32
}

// explain writes the suggestion of candidate c for the asker a, with every
// term and its evidence, largest first.
//
// ourPoints are the points (thousandths) of sharing each of the asker's
// systems, in the order of its uses.
func (x *Index) explain(a, c int32, ourPoints []int64, mine map[int32][]sysContract, ourTasks map[int32][]int32, today samspil.Date, w Weights, buf *explainScratch) Suggestion {
	me, o := x.orgs[a], x.orgs[c]
	_, partner := slices.BinarySearch(x.partners[me.ID], o.ID)
	s := Suggestion{OrgID: o.ID, Name: o.Name, Region: o.Region, Population: o.Population, Partner: partner, Terms: buf.terms[:0]}
	// Shared systems: a merge of the two organisations' sorted uses; the
	// MaxSystemTerms rarest each with its own term, the rest in one.
	systems := buf.systems[:0]
	ours, theirs := x.uses[a], x.uses[c]
	bothUse(ours, theirs, func(i, j int) {
		if x.sees(me.ID, o.ID, theirs[j].vis) {
			systems = append(systems, sharedSys{ourPoints[i], ours[i].sys})
		}
	})
	// The MaxSystemTerms first by points, then ID, in order (a selection:
	// most suggestions share many systems); the rest summed.
	first := func(a, b sharedSys) int {
		if a.points != b.points {
			return cmp.Compare(b.points, a.points)
		}
		return cmp.Compare(x.ids[a.sys], x.ids[b.sys])
	}
	top := make([]sharedSys, 0, MaxSystemTerms+1)
	var restPoints int64
	for _, sh := range systems {
		k, _ := slices.BinarySearchFunc(top, sh, first)
		if k == MaxSystemTerms {
			restPoints += sh.points
			continue
		}
		top = slices.Insert(top, k, sh)
		if len(top) > MaxSystemTerms {
			restPoints += top[MaxSystemTerms].points
			top = top[:MaxSystemTerms]
		}
	}
	for i, sh := range top {
		if i == MaxSystemTerms {
			break
		}
		pts := float64(sh.points) / 1000
		n := int(x.commons[sh.sys])
		s.add(Term{Kind: TermSharedSystem, Points: pts, SystemID: x.ids[sh.sys], SystemName: x.names[sh.sys], UsedBy: n, Of: int(x.commonsTotal)})
	}
	if len(systems) > MaxSystemTerms {
		s.add(Term{Kind: TermOtherSystems, Count: len(systems) - MaxSystemTerms, Points: float64(restPoints) / 1000})
	}
	// Joint procurement: their live contracts for each system we have
	// live contracts for.
	for _, sys := range x.contractSys[c] {
		ours, ok := mine[sys]
		if !ok {
			continue
		}
		list := x.sysContracts[sys]
		theirs := buf.theirs[:0]
		for _, k := range x.contractsOf(sys, c) {
			if c := list[k.pos]; !c.actBy.Before(dayOf(today)) && x.sees(me.ID, o.ID, c.vis) {
				theirs = append(theirs, c)
			}
		}
		buf.theirs = theirs
		if jp, ok := jointProcurement(ours, theirs, w.WindowMonths); ok {
			jp.Points, jp.SystemID, jp.SystemName = w.JointProcurement, x.ids[sys], x.names[sys]
			s.add(jp)
		}
	}
	x.publicTerms(a, c, w, s.add)
	diff := x.differentTasks(ourTasks, a, c)
	for _, cat := range slices.Sorted(maps.Keys(diff)) {
		s.add(Term{Kind: TermHarmonisation, Category: cat, Count: diff[cat]})
	}
	// Largest first, sorted by position so that the terms themselves move
	// once, into the suggestion's own slice.
	terms := s.Terms
	order := buf.order[:0]
	for i := range terms {
		order = append(order, i)
	}
	slices.SortFunc(order, func(i, j int) int {
		a, b := &terms[i], &terms[j]
		return cmp.Or(cmpFloat(b.Points, a.Points), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.SystemID, b.SystemID), cmp.Compare(a.Category, b.Category))
	})
	s.Terms = make([]Term, len(terms))
	for k, i := range order {
		s.Terms[k] = terms[i]
	}
	buf.terms, buf.systems, buf.order = terms, systems, order
	return s
}

// publicScore is the sum of the points of publicTerms in thousandths,
// without writing the terms, for organisations of our and their
// populations, in the same region or not, with the track record t.
func publicScore(ours, theirs int, sameRegion bool, t Together, w Weights) int64 {
	var sc int64
	if ours > 0 && theirs > 0 {
		ratio := float64(min(ours, theirs)) / float64(max(ours, theirs))
		sc += milli(w.SimilarSize * ratio) // as publicTerms computes it, to the last bit
	}
	if sameRegion {
		sc += milli(w.SameRegion)
	}
	if t.Collaborations > 0 {
		sc += milli(w.Collaboration * float64(t.Collaborations))
	}
	if t.Initiatives > 0 {
		sc += milli(w.Initiative * float64(t.Initiatives))
	}
	return sc
}

// publicTerms are the terms of candidate c for the asker a that do not
// depend on anyone's landscape: size, region and the track record
// together, given to add.
func (x *Index) publicTerms(a, c int32, w Weights, add func(Term)) {
	me, o := &x.orgs[a], &x.orgs[c]
	if me.Population > 0 && o.Population > 0 {
		ratio := float64(min(me.Population, o.Population)) / float64(max(me.Population, o.Population))
		add(Term{Kind: TermSimilarSize, Points: round3(w.SimilarSize * ratio), Inhabitants: [2]int{me.Population, o.Population}})
	}
	if x.sameRegion(a, c) {
		add(Term{Kind: TermSameRegion, Points: round3(w.SameRegion)})
	}
	if t, ok := x.together[pair(me.ID, o.ID)]; ok {
		if t.Collaborations > 0 {
			add(Term{Kind: TermCollaboration, Points: round3(w.Collaboration * float64(t.Collaborations)), Count: t.Collaborations})
		}
		if t.Initiatives > 0 {
			add(Term{Kind: TermInitiative, Points: round3(w.Initiative * float64(t.Initiatives)), Count: t.Initiatives})
		}
	}
}

// bothUse calls fn with the positions in ours and theirs (uses sorted by
// system) of each system both hold.
func bothUse(ours, theirs []use, fn func(i, j int)) {
	for i, j := 0, 0; i < len(ours) && j < len(theirs); {
		switch {
		case ours[i].sys < theirs[j].sys:
			i++
		case ours[i].sys > theirs[j].sys:
			j++
		default:
			fn(i, j)
			i++
			j++
		}
	}
}

// round3 rounds points to three decimals, as terms show them.
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// milli is round3 in thousandths of a point.
func milli(v float64) int64 { return int64(math.Round(v * 1000)) }

// denseSum returns a function adding up, for a candidate, the points of
// the dense systems it uses openly (x.bits), given our points per dense
// bit: for each word of bits in which we have points, a table for each of
// its 8 bytes gives the sum for each of the byte's 256 values, so a
// candidate costs one look-up per byte rather than one per system. The
// tables are of 16 bits when the sums fit (they do with the default
// weights: a dense system is worth at most ln 16 points), so that they
// stay in the nearest cache.
func (x *Index) denseSum(points []int32) func(c int32) int64 {
	small := true
	for b := 0; b < len(points)/8; b++ {
		var sum int64
		for _, p := range points[b*8 : b*8+8] {
			sum += int64(p)
			small = small && p >= 0
		}
		small = small && sum <= math.MaxUint16
	}
	if small {
		return denseSumOf[uint16](x.bits, x.nd, points)
	}
	return denseSumOf[int32](x.bits, x.nd, points)
}

// wordSums are the sums of our points for every value of each byte of one
// word of a candidate's dense bits.
type wordSums[T uint16 | int32] struct {
	word int
	sums [8][256]T
}

// denseSumOf is denseSum over the candidates' rows of nd words, with
// tables of T, into which every sum of our points for eight bits fits.
func denseSumOf[T uint16 | int32](rows []uint64, nd int, points []int32) func(c int32) int64 {
	var words []wordSums[T]
	for w := 0; w < nd; w++ {
		pts := points[w*64 : w*64+64]
		if !slices.ContainsFunc(pts, func(p int32) bool { return p != 0 }) {
			continue
		}
		ws := wordSums[T]{word: w}
		for b := range 8 {
			sums, p := &ws.sums[b], pts[b*8:b*8+8]
			for v := 1; v < 256; v++ {
				sums[v] = sums[v&(v-1)] + T(p[bits.TrailingZeros8(uint8(v))])
			}
		}
		words = append(words, ws)
	}
	return func(c int32) int64 {
		row := rows[int(c)*nd : int(c+1)*nd]
		var s int64
		for i := range words {
			ws := &words[i]
			v := row[ws.word]
			s += int64(ws.sums[0][uint8(v)]) + int64(ws.sums[1][uint8(v>>8)]) + int64(ws.sums[2][uint8(v>>16)]) +
				int64(ws.sums[3][uint8(v>>24)]) + int64(ws.sums[4][uint8(v>>32)]) + int64(ws.sums[5][uint8(v>>40)]) +
				int64(ws.sums[6][uint8(v>>48)]) + int64(ws.sums[7][uint8(v>>56)])
		}
		return s
	}
}

// scored is a candidate with its score.
type scored struct {
	org      int32
	score    int64  // in thousandths
	fold, id string // the folded name and the ID, to break ties as byScore does
}

// topK keeps the k best candidates: a min-heap on score (ties: the later
// name is the worse).
type topK struct {
	k     int
	items []scored
}

func newTopK(k int) *topK { return &topK{k: k, items: make([]scored, 0, min(k, 256))} }

// admits reports whether a candidate of the score may be among the k
// best: whether push may keep it (a tie with the worst kept is decided by
// the names, which are looked up only then).
func (t *topK) admits(score int64) bool {
	return len(t.items) < t.k || score >= t.items[0].score
}

// worse reports whether a ranks below b.
func worse(a, b scored) bool {
	if a.score != b.score {
		return a.score < b.score
	}
	if a.fold != b.fold {
		return a.fold > b.fold
	}
	return a.id > b.id
}

func (t *topK) push(s scored) {
	if len(t.items) < t.k {
		t.items = append(t.items, s)
		for i := len(t.items) - 1; i > 0; {
			p := (i - 1) / 2
			if !worse(t.items[i], t.items[p]) {
				break
			}
			t.items[i], t.items[p] = t.items[p], t.items[i]
			i = p
		}
		return
	}
	if !worse(t.items[0], s) {
		return
	}
	t.items[0] = s
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(t.items) && worse(t.items[l], t.items[m]) {
			m = l
		}
		if r < len(t.items) && worse(t.items[r], t.items[m]) {
			m = r
		}
		if m == i {
			return
		}
		t.items[i], t.items[m] = t.items[m], t.items[i]
		i = m
	}
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

// liveContracts returns the asker's own contracts that can still be
// acted on (their notice deadline, or for one that simply expires its
// expiry, not passed), by system number.
func (x *Index) liveContracts(a int32, today samspil.Date) map[int32][]sysContract {
	out := map[int32][]sysContract{}
	for _, sys := range x.contractSys[a] {
		list := x.sysContracts[sys]
		for _, k := range x.contractsOf(sys, a) {
			if c := list[k.pos]; !c.actBy.Before(dayOf(today)) {
				out[sys] = append(out[sys], c)
			}
		}
	}
	return out
}

// jointProcurement finds, among our and their contracts for one system,
// the pair whose next decisions are closest, when they fall within months
// of each other.
func jointProcurement(ours, theirs []sysContract, months int) (Term, bool) {
	best, found := 0, false
	var t Term
	for i := range ours {
		for j := range theirs {
			a, b := ours[i].next, theirs[j].next
			lo, hi := a, b
			if hi.Before(lo) {
				lo, hi = hi, lo
			}
			if hi.After(lo.AddMonths(months)) {
				continue
			}
			gap := samspil.DaysBetween(lo.Date(), hi.Date())
			if !found || gap < best {
				best, found = gap, true
				actBy := ours[i].actBy
				if theirs[j].actBy.Before(actBy) {
					actBy = theirs[j].actBy
				}
				t = Term{Kind: TermJointProcurement, Ours: a.ptr(), Theirs: b.ptr(), ActBy: actBy.ptr()}
			}
		}
	}
	return t, found
}
