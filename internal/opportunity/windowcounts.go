package opportunity

import (
	"cmp"
	"slices"
	"sync"

	"github.com/samspil/samspil"
)

// A procurement window is whole months, and its members are counted per
// month: for a long list of contracts (a system many organisations run, or
// a category), counts by month say how many organisations a window holds
// without reading the contracts in it.

// month is a month as a number: year*12 + month - 1.
type month int32

// monthOf returns the month of a day.
func monthOf(d day) month { return month(int32(d)/10000*12 + int32(d)/100%100 - 1) }

// firstDay returns the first day of a month.
func (m month) firstDay() day { return day(int32(m)/12*10000 + (int32(m)%12+1)*100 + 1) }

// lastDay returns the last day of a month.
func (m month) lastDay() day { return (m + 1).firstDay().AddDays(-1) }

// AddDays adds days to a day.
func (d day) AddDays(n int) day { return dayOf(d.Date().AddDays(n)) }

// monthCounts count the open contracts of a list (a system's or a
// category's live contracts that every signed-in organisation may see, of
// candidates every signed-in organisation may see, their notice deadline
// not passed) by the month of their next decision.
type monthCounts struct {
	first month   // the month of cum[0]
	cum   []int32 // cum[k]: open contracts before the month first+k
	// pairs[b][k] counts the pairs of one organisation's consecutive open
	// contracts (in the order of their next decisions) with the later in
	// a month up to first+b and the earlier from first+b-k on: the
	// contracts beyond an organisation's first in a window.
	pairs [][MaxWindowMonths]int32
}

// orgsIn returns the number of organisations with an open contract
// deciding in the months from m to e (at most MaxWindowMonths).
func (t *monthCounts) orgsIn(m, e month) int {
	span := month(len(t.cum) - 1)
	lo, hi := min(max(m-t.first, 0), span), min(max(e-t.first+1, 0), span)
	n := t.cum[hi] - t.cum[lo]
	last := t.first + span - 1
	if e < t.first || m > last {
		return int(n)
	}
	e, m = min(e, last), max(m, t.first)
	if m <= e {
		n -= t.pairs[e-t.first][e-m]
	}
	return int(n)
}

// countMonths makes the counts of open contracts given as (organisation,
// month), each organisation's together (in any order among themselves).
func countMonths(open []orgMonth) *monthCounts {
	if len(open) == 0 {
		return &monthCounts{cum: []int32{0}}
	}
	for i := 0; i < len(open); {
		j := i + 1
		for j < len(open) && open[j].org == open[i].org {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(open[i:j], func(a, b orgMonth) int { return cmp.Compare(a.m, b.m) })
		}
		i = j
	}
	first, last := open[0].m, open[0].m
	for _, o := range open {
		first, last = min(first, o.m), max(last, o.m)
	}
	span := int(last-first) + 1
	t := &monthCounts{first: first, cum: make([]int32, span+1), pairs: make([][MaxWindowMonths]int32, span)}
	// pairsAt[b][d]: pairs with the later in month first+b, d months after
	// the earlier.
	pairsAt := make([][MaxWindowMonths]int32, span)
	for i, o := range open {
		t.cum[o.m-first+1]++
		if i > 0 && open[i-1].org == o.org {
			if d := o.m - open[i-1].m; d < MaxWindowMonths {
				pairsAt[o.m-first][d]++
			}
		}
	}
	for k := 1; k <= span; k++ {
		t.cum[k] += t.cum[k-1]
	}
	// byEarlier[p]: pairs with the earlier in month first+p and the later
	// up to the month b being filled.
	byEarlier := make([]int32, span)
	for b := range span {
		for d := 0; d < MaxWindowMonths && d <= b; d++ {
			byEarlier[b-d] += pairsAt[b][d]
		}
		var acc int32
		for k := range MaxWindowMonths {
			if k <= b {
				acc += byEarlier[b-k]
			}
			t.pairs[b][k] = acc
		}
	}
	return t
}

// groupByOrg orders open contracts by organisation (a counting sort: the
// organisations are numbered).
func (x *Index) groupByOrg(in []orgMonth) []orgMonth {
	start := make([]int32, len(x.orgs)+1)
	for _, o := range in {
		start[o.org+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	out := make([]orgMonth, len(in))
	for _, o := range in {
		out[start[o.org]] = o
		start[o.org]++
	}
	return out
}

// orgMonth is an open contract of an organisation deciding in a month.
type orgMonth struct {
	org int32
	m   month
}

// countMin is the length of a list from which windows are counted by
// month rather than by reading the contracts (a variable for the tests).
var countMin = 512

// counts are the month counts of the lists of an index for one day, made
// when a window first needs them (Warm makes them all).
type counts struct {
	mu  sync.Mutex
	day day
	sys map[int32]*monthCounts
	cat map[string]*monthCounts
}

// open reports whether a live contract is open: every signed-in
// organisation sees it and its organisation, which is a candidate, and
// its notice deadline has not passed on today.
func (x *Index) open(c *sysContract, today day) bool {
	return shared(c.vis) && shared(x.brief[c.org].level) && x.brief[c.org].candidate && c.actBy >= today
}

// monthCountsOf returns the month counts of the contracts of the systems
// given (one system's, or a category's when cat is not ""), on today, or
// nil when they are too few to count by month.
func (x *Index) monthCountsOf(systems []int32, cat string, today day) *monthCounts {
	n := 0
	for _, s := range systems {
		n += len(x.sysContracts[s])
	}
	if n < countMin {
		return nil
	}
	cs := x.counts
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.day != today {
		cs.day, cs.sys, cs.cat = today, map[int32]*monthCounts{}, map[string]*monthCounts{}
	}
	if cat == "" {
		if t, ok := cs.sys[systems[0]]; ok {
			return t
		}
	} else if t, ok := cs.cat[cat]; ok {
		return t
	}
	var open []orgMonth
	for _, s := range systems {
		for _, k := range x.byOrg[s] { // by organisation
			if c := &x.sysContracts[s][k.pos]; x.open(c, today) {
				open = append(open, orgMonth{c.org, monthOf(c.next)})
			}
		}
	}
	if len(systems) > 1 {
		open = x.groupByOrg(open) // each system's are by organisation: together they are not
	}
	t := countMonths(open)
	if cat == "" {
		cs.sys[systems[0]] = t
	} else {
		cs.cat[cat] = t
	}
	return t
}

// Warm makes the month counts of every long list for the day today (those
// an update left true are kept), so that no query waits for them.
func (x *Index) Warm(d samspil.Date) {
	today := dayOf(d)
	for s := range x.sysContracts {
		x.monthCountsOf([]int32{int32(s)}, "", today)
	}
	for cat, systems := range x.categories() {
		x.monthCountsOf(systems, cat, today)
	}
}

// categories returns the systems of each category with more than one.
func (x *Index) categories() map[string][]int32 {
	byCat := map[string][]int32{}
	for s, c := range x.cats {
		if c != "" {
			byCat[c] = append(byCat[c], int32(s))
		}
	}
	for c, ss := range byCat {
		if len(ss) < 2 {
			delete(byCat, c)
		}
	}
	return byCat
}

// keepCounts gives the index y made by Update from x the month counts of
// x that the update leaves true: those of the systems not dirty and, when
// no catalogue entry changed, of the categories of none of them.
func (y *Index) keepCounts(x *Index, dirty map[int32]bool, catalogue bool) {
	y.counts = &counts{}
	x.counts.mu.Lock()
	defer x.counts.mu.Unlock()
	if x.counts.sys == nil {
		return
	}
	y.counts.day, y.counts.sys, y.counts.cat = x.counts.day, map[int32]*monthCounts{}, map[string]*monthCounts{}
	dirtyCat := map[string]bool{}
	for s := range dirty {
		if int(s) < len(x.cats) {
			dirtyCat[x.cats[s]] = true
		}
		if int(s) < len(y.cats) {
			dirtyCat[y.cats[s]] = true
		}
	}
	for s, t := range x.counts.sys {
		if !dirty[s] {
			y.counts.sys[s] = t
		}
	}
	if catalogue {
		return
	}
	for c, t := range x.counts.cat {
		if !dirtyCat[c] {
			y.counts.cat[c] = t
		}
	}
}
