package opportunity

import (
	"cmp"
	"slices"

	"github.com/samspil/samspil"
)

// WindowKind says what the contracts of a procurement window have in
// common.
type WindowKind string

// Window kinds: contracts for the same system, or for systems of the same
// category (say, ESDH systems of different vendors, which could be
// replaced by one).
const (
	WindowSystem   WindowKind = "system"
	WindowCategory WindowKind = "category"
)

// Window is a joint procurement window: organisations whose contracts for
// the same system, or the same category of system, reach their next
// decision within one window of months, none of their notice deadlines
// passed. Together they could procure a successor.
type Window struct {
	Kind       WindowKind
	SystemID   string // the system (kind system)
	SystemName string
	Category   string       // the system's category
	From, To   samspil.Date // the first and last next decision in the window
	// ActBy is the latest day to act together: the earliest notice
	// deadline among the members (for a contract that simply expires, its
	// expiry).
	ActBy   samspil.Date
	Members []WindowMember // the asker first, then by next decision
	// Others counts the organisations in the same window beyond the
	// MaxWindowMembers listed (those whose decisions are farthest from
	// the asker's).
	Others int
	// Evidence says in words what the window rests on.
	Evidence samspil.Phrase
}

// WindowMember is an organisation in a procurement window with its
// contract.
type WindowMember struct {
	OrgID        string
	Name         string
	Region       string
	Population   int
	ContractID   string
	SystemID     string // the system the contract covers (for a category window, each member's own)
	SystemName   string
	NextDecision samspil.Date
	ActBy        samspil.Date
}

// WindowQuery asks for joint procurement windows.
type WindowQuery struct {
	Today  samspil.Date
	Months int // the length of a window in whole months; 0 means DefaultWeights.WindowMonths
	Limit  int // the most windows; 0 means 50
}

// MaxWindowMonths bounds the length of a window: five years.
const MaxWindowMonths = 60

// ProcurementWindows finds the joint procurement windows of the
// organisation asker: for each of its own live contracts, the other
// organisations whose live contracts for the same system (and, beyond
// those, for a system of the same category) reach their next decision in
// the window of q.Months whole months (from the first of a month)
// holding the asker's own decision and the most other organisations.
// Only what asker may see is used. The most urgent
// windows come first (by the day to act by), then the largest.
func (x *Index) ProcurementWindows(asker string, q WindowQuery) ([]Window, error) {
	a, ok := x.byID[asker]
	if !ok {
		return nil, samspil.NotFound("organization")
	}
	months := q.Months
	if months == 0 {
		months = DefaultWeights.WindowMonths
	}
	if months < 1 || months > MaxWindowMonths {
		return nil, samspil.ErrorAt(samspil.EINVALID, "months", "must be from 1 to %d", MaxWindowMonths)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	mine := x.liveContracts(a, q.Today)
	systems := slices.Sorted(func(yield func(int32) bool) {
		for s := range mine {
			if !yield(s) {
				return
			}
		}
	})
	var out []Window
	inSystem := map[string]map[int32]bool{} // by category, the organisations in a window of one of its systems
	for _, sys := range systems {
		// One window a system. Our earliest live contract for the system anchors its windows.
		own := slices.MinFunc(mine[sys], func(a, b sysContract) int { return a.next.Compare(b.next) })
		if w, orgs, ok := x.window(a, own, sys, []int32{sys}, "", months, q.Today); ok {
			if inSystem[x.cats[sys]] == nil {
				inSystem[x.cats[sys]] = map[int32]bool{}
			}
			for _, o := range orgs {
				inSystem[x.cats[sys]][o] = true
			}
			w.Kind, w.SystemID, w.SystemName = WindowSystem, x.ids[sys], x.names[sys]
			w.Evidence = samspil.Phrasef("%d organisations' contracts for %s reach their next decision between %s and %s; act together by %s",
				len(w.Members), w.SystemName, w.From, w.To, w.ActBy)
			out = append(out, w)
		}
	}
	// Category windows: the systems of a category together, when they
	// hold organisations that no window of one system of it holds.
	byCat := x.categories()
	done := map[string]bool{}
	for _, sys := range systems {
		cat := x.cats[sys]
		if cat == "" || done[cat] || len(byCat[cat]) < 2 {
			continue
		}
		done[cat] = true
		// Our earliest live contract for a system of the category.
		own, ownSys := slices.MinFunc(mine[sys], func(a, b sysContract) int { return a.next.Compare(b.next) }), sys
		for _, other := range systems {
			if x.cats[other] == cat {
				if c := slices.MinFunc(mine[other], func(a, b sysContract) int { return a.next.Compare(b.next) }); c.next.Before(own.next) {
					own, ownSys = c, other
				}
			}
		}
		w, orgs, ok := x.window(a, own, ownSys, byCat[cat], cat, months, q.Today)
		if !ok || !slices.ContainsFunc(orgs, func(o int32) bool { return !inSystem[cat][o] }) {
			continue // no organisation that no window of one of its systems holds
		}
		w.Kind, w.Category = WindowCategory, cat
		w.Evidence = samspil.Phrasef("%d organisations' contracts for %s systems reach their next decision between %s and %s; act together by %s",
			len(w.Members), samspil.Category(cat), w.From, w.To, w.ActBy)
		out = append(out, w)
	}
	for i := range out {
		if out[i].Category == "" && out[i].Kind == WindowSystem {
			out[i].Category = x.cats[x.sysID[out[i].SystemID]]
		}
	}
	slices.SortFunc(out, func(a, b Window) int {
		return cmp.Or(a.ActBy.Compare(b.ActBy), cmp.Compare(len(b.Members), len(a.Members)), cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.SystemName, b.SystemName), cmp.Compare(a.Category, b.Category))
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// MaxWindowMembers is how many organisations a window lists: the asker
// and those whose decisions are nearest its own; Window.Others counts
// the rest in the same window.
const MaxWindowMembers = 50

// listMembers is MaxWindowMembers, fewer in tests.
var listMembers = MaxWindowMembers

// window finds, around the asker's own contract, the window of whole
// months (months of them) holding its decision and the most other
// organisations with a live contract for the systems given (one system,
// or the systems of the category cat) that the asker may see; of windows
// holding as many, the one whose middle is nearest ours, then the
// earliest. It lists the MaxWindowMembers-1 organisations whose decisions
// are nearest ours, each with its contract nearest ours, and reports
// false when no other organisation is in it.
//
// A long list is counted by month (monthCounts) and only the listed
// members are read; a short one is read whole.
//
// It also returns the numbers of the organisations listed.
func (x *Index) window(a int32, own sysContract, ownSys int32, systems []int32, cat string, months int, today samspil.Date) (Window, []int32, bool) {
	v := x.viewerOf(a)
	now, om, n := dayOf(today), monthOf(own.next), month(months)
	first := om - n + 1 // the first month of the earliest window holding ours
	counts := make([]int, months)
	if t := x.monthCountsOf(systems, cat, now); t != nil {
		x.countByMonth(t, v, systems, first, n, now, counts)
	} else {
		x.countByReading(v, systems, first, n, now, counts)
	}
	best := 0
	// offCentre is twice the months between the middle of the window i and ours.
	offCentre := func(i int) month { return max(2*(first+month(i))+n-1-2*om, 2*om-2*(first+month(i))-n+1) }
	for i := range counts {
		if counts[i] > counts[best] || (counts[i] == counts[best] && offCentre(i) < offCentre(best)) {
			best = i
		}
	}
	if counts[best] == 0 {
		return Window{}, nil, false
	}
	from, to := (first + month(best)).firstDay(), (first + month(best) + n - 1).lastDay()
	in := x.nearest(v, systems, own.next, from, to, now, listMembers-1)
	w := Window{Others: counts[best] - len(in)}
	me := x.orgs[a]
	earliest, latest, actBy := own.next, own.next, own.actBy
	w.Members = append(w.Members, WindowMember{OrgID: me.ID, Name: me.Name, Region: me.Region, Population: me.Population, ContractID: x.cids.get(own.id),
		SystemID: x.ids[ownSys], SystemName: x.names[ownSys], NextDecision: own.next.Date(), ActBy: own.actBy.Date()})
	for _, c := range in {
		o := x.orgs[c.c.org]
		w.Members = append(w.Members, WindowMember{OrgID: o.ID, Name: o.Name, Region: o.Region, Population: o.Population, ContractID: x.cids.get(c.c.id),
			SystemID: x.ids[c.sys], SystemName: x.names[c.sys], NextDecision: c.c.next.Date(), ActBy: c.c.actBy.Date()})
		earliest, latest, actBy = min(earliest, c.c.next), max(latest, c.c.next), min(actBy, c.c.actBy)
	}
	w.From, w.To, w.ActBy = earliest.Date(), latest.Date(), actBy.Date()
	orgs := make([]int32, len(in))
	for i, c := range in {
		orgs[i] = c.c.org
	}
	return w, orgs, true
}

// eligible reports whether the asker (viewer v) may have a contract in
// its windows: another organisation's, live on today, which it may see,
// of a candidate it may see.
func (x *Index) eligible(v viewer, c *sysContract, now day) bool {
	return c.org != v.a && c.actBy >= now && v.sees(c.org, c.vis) && x.brief[c.org].candidate && v.sees(c.org, x.brief[c.org].level)
}

// countByMonth counts, for each of the windows of n months starting from
// the month first on, the organisations in it, from the month counts of
// the open contracts: less the asker when it has open contracts in a
// window, plus the organisations whose records the asker sees as a
// partner with a contract it may see in a window and none open there.
func (x *Index) countByMonth(t *monthCounts, v viewer, systems []int32, first, n month, now day, counts []int) {
	for i := range counts {
		counts[i] = t.orgsIn(first+month(i), first+month(i)+n-1)
	}
	// contractsOf returns the months of o's contracts (open ones, or
	// those the asker may have in its windows) in the windows.
	contractsOf := func(o int32, open bool) []month {
		var out []month
		for _, s := range intersection(x.contractSys[o], systems) {
			for _, k := range x.contractsOf(s, o) {
				c := &x.sysContracts[s][k.pos]
				if m := monthOf(c.next); m >= first && m < first+2*n-1 && ((open && x.open(c, now)) || (!open && x.eligible(v, c, now))) {
					out = append(out, m)
				}
			}
		}
		return out
	}
	holds := func(ms []month, i int) bool {
		return slices.ContainsFunc(ms, func(m month) bool { return m >= first+month(i) && m < first+month(i)+n })
	}
	if mine := contractsOf(v.a, true); len(mine) > 0 {
		for i := range counts {
			if holds(mine, i) {
				counts[i]--
			}
		}
	}
	for _, o := range v.owners {
		if o == v.a {
			continue
		}
		seen := contractsOf(o, false)
		if len(seen) == 0 {
			continue
		}
		open := contractsOf(o, true)
		for i := range counts {
			if holds(seen, i) && !holds(open, i) {
				counts[i]++
			}
		}
	}
}

// countByReading counts as countByMonth does, reading every contract of
// the systems that may fall in a window.
func (x *Index) countByReading(v viewer, systems []int32, first, n month, now day, counts []int) {
	var in []orgMonth
	for _, s := range systems {
		list := x.sysContracts[s]
		k := firstFrom(list, first.firstDay())
		for last := (first + 2*n - 2).lastDay(); k < len(list) && list[k].next <= last; k++ {
			if c := &list[k]; x.eligible(v, c, now) {
				in = append(in, orgMonth{c.org, monthOf(c.next)})
			}
		}
	}
	// Each organisation counts once in each window holding one of its
	// contracts: its contracts' windows merged, as a difference array.
	slices.SortFunc(in, func(a, b orgMonth) int { return cmp.Or(cmp.Compare(a.org, b.org), cmp.Compare(a.m, b.m)) })
	diff := make([]int, len(counts)+1)
	for i := 0; i < len(in); {
		end := -1 // the last window counted for this organisation
		j := i
		for ; j < len(in) && in[j].org == in[i].org; j++ {
			lo, hi := max(int(in[j].m-n+1-first), end+1), min(int(in[j].m-first), len(counts)-1)
			if lo <= hi {
				diff[lo]++
				diff[hi+1]--
				end = hi
			}
		}
		i = j
	}
	for i, acc := 0, 0; i < len(counts); i++ {
		acc += diff[i]
		counts[i] = acc
	}
}

// firstFrom returns the position of the first contract of a list (in the
// order of decisions) deciding on or after the day d.
func firstFrom(list []sysContract, d day) int {
	k, _ := slices.BinarySearchFunc(list, d, func(c sysContract, d day) int { return cmp.Compare(c.next, d) })
	return k
}

// windowCand is a contract that may be listed in a window.
type windowCand struct {
	c   sysContract
	sys int32
	gap int32 // days from ours
}

// nearest returns, of the contracts of the systems the asker may have in
// its windows deciding from from to to, the limit organisations whose
// decisions are nearest ours (the day own), each with its contract
// nearest ours: in the order of gap, then decision, then organisation ID
// (then contract ID); listed by decision, then organisation ID.
//
// The systems' contracts are read outwards from ours in that order (a
// merge of each system's, by a heap), so that each organisation is first
// met with its contract nearest ours, until limit organisations are met.
func (x *Index) nearest(v viewer, systems []int32, own, from, to, now day, limit int) []windowCand {
	its := make([]*outward, 0, len(systems))
	for _, s := range systems {
		if it := x.outwardFrom(s, own, from, to); it.ok() {
			its = append(its, it)
		}
	}
	less := func(p, q *outward) bool { return x.before(p.sys, p.at(), p.gap, q.sys, q.at(), q.gap) }
	h := heapOf(its, less)
	var out []windowCand
	orgs := map[int32]bool{}
	for len(orgs) < limit && h.len() > 0 {
		it := h.top()
		c := it.at()
		if !orgs[c.org] && x.eligible(v, c, now) {
			orgs[c.org] = true
			out = append(out, windowCand{*c, it.sys, int32(it.gap)})
		}
		it.advance()
		if it.ok() {
			h.fix()
		} else {
			h.pop()
		}
	}
	slices.SortFunc(out, func(p, q windowCand) int {
		return cmp.Or(p.c.next.Compare(q.c.next), cmp.Compare(x.idRank[p.c.org], x.idRank[q.c.org]))
	})
	return out
}

// before reports whether the contract p (of the system ps, pg days from
// ours) comes before q in reading outwards from ours: by gap, then
// decision, then organisation ID, then contract ID.
func (x *Index) before(ps int32, p *sysContract, pg int, qs int32, q *sysContract, qg int) bool {
	// Not cmp.Or, which would look up and compare the IDs every time.
	switch {
	case pg != qg:
		return pg < qg
	case p.next != q.next:
		return p.next < q.next
	case x.idRank[p.org] != x.idRank[q.org]:
		return x.idRank[p.org] < x.idRank[q.org]
	}
	if c := x.cids.compare(p.id, q.id); c != 0 {
		return c < 0
	}
	return ps < qs
}

// outward reads a system's contracts deciding from from to to outwards
// from the day own, in the order of Index.before: the later side in the
// order of decisions, the earlier a decision day at a time, each day's
// contracts forwards.
type outward struct {
	sys         int32
	list        []sysContract
	own, from   day
	to          day
	ls, le, lk  int // the earlier side: the day [ls, le) being read, at lk
	right       int // the later side
	left, later bool
	// The gaps (days from ours) of the earlier day being read, of the
	// next contract on the later side (-1: not known), and of the
	// contract to read.
	leftGap, rightGap, gap int
}

// outwardFrom starts reading the system s outwards from own.
func (x *Index) outwardFrom(s int32, own, from, to day) *outward {
	list := x.sysContracts[s]
	right := firstFrom(list, own)
	it := &outward{sys: s, list: list, own: own, from: from, to: to, ls: right, le: right, lk: right, right: right, rightGap: -1}
	it.settle()
	return it
}

func (it *outward) next(k int) day { return it.list[k].next }

// settle loads the next earlier day when the one being read is done, and
// chooses the side to read from.
func (it *outward) settle() {
	if it.lk == it.le && it.ls > 0 && it.next(it.ls-1) >= it.from {
		it.le = it.ls
		d := it.next(it.le - 1)
		it.ls = firstFrom(it.list[:it.le], d)
		it.lk, it.leftGap = it.ls, gap(d, it.own)
	}
	leftOK, rightOK := it.lk < it.le, it.right < len(it.list) && it.next(it.right) <= it.to
	if rightOK && it.rightGap < 0 {
		it.rightGap = gap(it.next(it.right), it.own)
	}
	it.left = leftOK && (!rightOK || it.leftGap <= it.rightGap)
	it.later = !it.left && rightOK
	if it.left {
		it.gap = it.leftGap
	} else {
		it.gap = it.rightGap
	}
}

// ok reports whether a contract is left to read.
func (it *outward) ok() bool { return it.left || it.later }

// at returns the contract to read.
func (it *outward) at() *sysContract {
	if it.left {
		return &it.list[it.lk]
	}
	return &it.list[it.right]
}

// advance moves past the contract read.
func (it *outward) advance() {
	if it.left {
		it.lk++
	} else if it.right++; it.right < len(it.list) && it.next(it.right) != it.next(it.right-1) {
		it.rightGap = -1
	}
	it.settle()
}

// minHeap is a heap of readers, the least (by less) on top.
type minHeap[T any] struct {
	items []T
	less  func(a, b T) bool
}

func heapOf[T any](items []T, less func(a, b T) bool) *minHeap[T] {
	h := &minHeap[T]{items: items, less: less}
	for i := len(items)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
	return h
}

func (h *minHeap[T]) len() int { return len(h.items) }
func (h *minHeap[T]) top() T   { return h.items[0] }

// fix restores the heap after the top changed.
func (h *minHeap[T]) fix() { h.down(0) }

// pop removes the top.
func (h *minHeap[T]) pop() {
	n := len(h.items) - 1
	h.items[0] = h.items[n]
	h.items = h.items[:n]
	if n > 0 {
		h.down(0)
	}
}

func (h *minHeap[T]) down(i int) {
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h.items) && h.less(h.items[l], h.items[m]) {
			m = l
		}
		if r < len(h.items) && h.less(h.items[r], h.items[m]) {
			m = r
		}
		if m == i {
			return
		}
		h.items[i], h.items[m] = h.items[m], h.items[i]
		i = m
	}
}

// gap is the number of days between two days, however ordered.
func gap(a, b day) int {
	if b.Before(a) {
		a, b = b, a
	}
	return samspil.DaysBetween(a.Date(), b.Date())
}
