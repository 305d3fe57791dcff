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
	Months int // the length of a window; 0 means DefaultWeights.WindowMonths
	Limit  int // the most windows; 0 means 50
}

// MaxWindowMonths bounds the length of a window: five years.
const MaxWindowMonths = 60

// ProcurementWindows finds the joint procurement windows of the
// organisation asker: for each of its own live contracts, the other
// organisations whose live contracts for the same system (and, beyond
// those, for a system of the same category) reach their next decision in
// the window of q.Months holding the asker's own decision and the most
// other organisations. Only what asker may see is used. The most urgent
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
	seen := map[string]bool{} // windows already found, by kind, subject and members
	for _, sys := range systems {
		// Our earliest live contract for the system anchors its windows.
		own := slices.MinFunc(mine[sys], func(a, b sysContract) int { return a.next.Compare(b.next) })
		if w, ok := x.window(a, own, sys, []int32{sys}, months, q.Today); ok {
			w.Kind, w.SystemID, w.SystemName = WindowSystem, x.ids[sys], x.names[sys]
			w.Evidence = samspil.Phrasef("%d organisations' contracts for %s reach their next decision between %s and %s; act together by %s",
				len(w.Members), w.SystemName, w.From, w.To, w.ActBy)
			if key := windowKey(w); !seen[key] {
				seen[key] = true
				out = append(out, w)
			}
		}
	}
	// Category windows: the systems of a category together, when they
	// hold organisations that no window of one system of it holds.
	byCat := map[string][]int32{}
	for s, c := range x.cats {
		if c != "" {
			byCat[c] = append(byCat[c], int32(s))
		}
	}
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
		w, ok := x.window(a, own, ownSys, byCat[cat], months, q.Today)
		if !ok || !x.addsMembers(w, out, cat) {
			continue
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

// window finds, around the asker's own contract, the other organisations'
// live contracts (visible to the asker) for the systems given whose next
// decisions fall in the window of months that holds ours and the most of
// theirs; one contract an organisation, the one nearest ours. It lists
// the MaxWindowMembers nearest ours and reports false when no other
// organisation is in it.
//
// Each system's contracts are looked up by date (byNext), so only those
// within months of ours are read.
func (x *Index) window(a int32, own sysContract, ownSys int32, systems []int32, months int, today samspil.Date) (Window, bool) {
	v := x.viewerOf(a)
	lo, hi, now := own.next.AddMonths(-months), own.next.AddMonths(months), dayOf(today)
	type cand struct {
		c   sysContract
		sys int32
		gap int32 // days from ours
	}
	var cands []cand
	for _, sys := range systems {
		list, order := x.sysContracts[sys], x.byNext[sys]
		k, _ := slices.BinarySearchFunc(order, lo, func(i int32, d day) int { return cmp.Compare(list[i].next, d) })
		for ; k < len(order) && list[order[k]].next <= hi; k++ {
			c := list[order[k]]
			if c.org == a || c.actBy < now || !v.sees(c.org, c.vis) {
				continue
			}
			o := &x.orgs[c.org]
			if !candidate(o) || !v.sees(c.org, x.orgLevel[c.org]) {
				continue
			}
			cands = append(cands, cand{c, sys, int32(gap(c.next, own.next))})
		}
	}
	// One contract an organisation: the nearest ours.
	slices.SortFunc(cands, func(p, q cand) int {
		return cmp.Or(cmp.Compare(p.c.org, q.c.org), cmp.Compare(p.gap, q.gap), cmp.Compare(p.c.id, q.c.id))
	})
	cands = slices.CompactFunc(cands, func(p, q cand) bool { return p.c.org == q.c.org })
	if len(cands) == 0 {
		return Window{}, false
	}
	slices.SortFunc(cands, func(p, q cand) int { return cmp.Or(p.c.next.Compare(q.c.next), cmp.Compare(p.c.org, q.c.org)) })
	// The window [start, start+months] holding our decision with the most
	// of theirs: it starts at one of their decisions before ours, or at
	// ours.
	count := func(s day) int {
		end := s.AddMonths(months)
		i, _ := slices.BinarySearchFunc(cands, s, func(c cand, d day) int { return cmp.Compare(c.c.next, d) })
		j, _ := slices.BinarySearchFunc(cands, end+1, func(c cand, d day) int { return cmp.Compare(c.c.next, d) })
		return j - i
	}
	bestStart, bestN := own.next, -1
	for i, c := range cands {
		if c.c.next > own.next {
			break
		}
		if s := c.c.next; s.AddMonths(months) >= own.next && (i == 0 || s != cands[i-1].c.next) {
			if n := count(s); n > bestN {
				bestStart, bestN = s, n
			}
		}
	}
	if n := count(own.next); n > bestN {
		bestStart, bestN = own.next, n
	}
	if bestN <= 0 {
		return Window{}, false
	}
	end := bestStart.AddMonths(months)
	in := slices.DeleteFunc(cands, func(c cand) bool { return c.c.next < bestStart || c.c.next > end })
	w := Window{}
	if len(in) > MaxWindowMembers-1 {
		slices.SortStableFunc(in, func(p, q cand) int { return cmp.Compare(p.gap, q.gap) })
		w.Others = len(in) - (MaxWindowMembers - 1)
		in = in[:MaxWindowMembers-1]
		slices.SortFunc(in, func(p, q cand) int { return cmp.Or(p.c.next.Compare(q.c.next), cmp.Compare(p.c.org, q.c.org)) })
	}
	me := x.orgs[a]
	from, to, actBy := own.next, own.next, own.actBy
	w.Members = append(w.Members, WindowMember{OrgID: me.ID, Name: me.Name, Region: me.Region, Population: me.Population, ContractID: own.id,
		SystemID: x.ids[ownSys], SystemName: x.names[ownSys], NextDecision: own.next.Date(), ActBy: own.actBy.Date()})
	for _, c := range in {
		o := x.orgs[c.c.org]
		w.Members = append(w.Members, WindowMember{OrgID: o.ID, Name: o.Name, Region: o.Region, Population: o.Population, ContractID: c.c.id,
			SystemID: x.ids[c.sys], SystemName: x.names[c.sys], NextDecision: c.c.next.Date(), ActBy: c.c.actBy.Date()})
		from, to, actBy = min(from, c.c.next), max(to, c.c.next), min(actBy, c.c.actBy)
	}
	w.From, w.To, w.ActBy = from.Date(), to.Date(), actBy.Date()
	return w, true
}

// addsMembers reports whether a category window holds an organisation
// that no window found for a system of the category holds.
func (x *Index) addsMembers(w Window, found []Window, cat string) bool {
	in := map[string]bool{}
	for _, f := range found {
		if f.Kind == WindowSystem && x.cats[x.sysID[f.SystemID]] == cat {
			for _, m := range f.Members {
				in[m.OrgID] = true
			}
		}
	}
	for _, m := range w.Members {
		if !in[m.OrgID] {
			return true
		}
	}
	return false
}

// windowKey identifies a window by its kind, subject and members.
func windowKey(w Window) string {
	k := string(w.Kind) + "|" + w.SystemID + "|" + w.Category
	for _, m := range w.Members {
		k += "|" + m.OrgID
	}
	return k
}

// gap is the number of days between two days, however ordered.
func gap(a, b day) int {
	if b.Before(a) {
		a, b = b, a
	}
	return samspil.DaysBetween(a.Date(), b.Date())
}
