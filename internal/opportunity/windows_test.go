package opportunity

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/samspil/samspil"
)

// categorised is the world with a catalogue: Acadre and SBSYS are ESDH
// systems, Office is an office suite; Aarhus has an SBSYS contract ending
// near Silkeborg's Acadre contract.
func categorised() *Facts {
	f := world()
	f.Systems = []System{
		{ID: "acadre", Name: "ACADRE", Category: "esdh", Tasks: []string{"00.01.00", "00.05.00", "85.02.00"}},
		{ID: "sbsys", Name: "SBSYS", Category: "esdh", Tasks: []string{"00.01.00", "00.05.00"}},
		{ID: "kmdsag", Name: "KMDSAG", Category: "esdh", Tasks: []string{"00.01.00"}},
		{ID: "office", Name: "OFFICE", Category: "office"},
		{ID: "nexus", Name: "NEXUS", Category: "care", Tasks: []string{"27.34.00"}},
	}
	f.Contracts = append(f.Contracts, Contract{ID: "c6", OrgID: "a", SystemIDs: []string{"sbsys"}, NextDecision: date(2027, 8, 31),
		NoticeBy: date(2027, 2, 28), Visibility: samspil.VisibilitySector})
	return f
}

// TestProcurementWindows: Silkeborg's Acadre contract (decision 2027-06-30,
// notice by 2026-12-31) and Viborg's (2027-09-30) make a window; Aarhus's
// SBSYS contract joins them in a window for ESDH systems; Silkeborg's
// Office contract makes one with Aalborg's, which simply expires, and not
// with Aarhus's, whose notice deadline has passed.
func TestProcurementWindows(t *testing.T) {
	x := Build(categorised())
	got, err := x.ProcurementWindows("s", WindowQuery{Today: today})
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]Window{}
	for _, w := range got {
		var ids []string
		for _, m := range w.Members {
			ids = append(ids, m.OrgID)
		}
		if w.Kind == WindowSystem {
			byKey["system:"+w.SystemID] = w
		} else {
			byKey["category:"+w.Category] = w
		}
		if w.Members[0].OrgID != "s" || w.Evidence.Format == "" {
			t.Errorf("window %+v: the asker first, with evidence", w)
		}
		for _, m := range w.Members {
			if m.ActBy.Before(w.ActBy) || m.NextDecision.Before(w.From) || m.NextDecision.After(w.To) {
				t.Errorf("window %+v: member %+v outside its dates", w, m)
			}
		}
		if w.To.After(w.From.AddMonths(12)) {
			t.Errorf("window %+v longer than 12 months", w)
		}
	}
	acadre, ok := byKey["system:acadre"]
	if !ok || len(acadre.Members) != 2 || acadre.Members[1].OrgID != "v" || acadre.ActBy != samspil.NewDate(2026, 12, 31) ||
		acadre.From != samspil.NewDate(2027, 6, 30) || acadre.To != samspil.NewDate(2027, 9, 30) || acadre.Category != "esdh" {
		t.Errorf("Acadre window %+v", acadre)
	}
	esdh, ok := byKey["category:esdh"]
	if !ok || len(esdh.Members) != 3 || esdh.Members[1].OrgID != "a" || esdh.Members[1].SystemID != "sbsys" {
		t.Errorf("ESDH window %+v", esdh)
	}
	office, ok := byKey["system:office"]
	if !ok || len(office.Members) != 2 || office.Members[1].OrgID != "b" || office.ActBy != samspil.NewDate(2027, 1, 31) {
		t.Errorf("Office window %+v", office)
	}
	if got[0].ActBy != samspil.NewDate(2026, 12, 31) {
		t.Errorf("the most urgent window is not first: %+v", got[0])
	}
	// A window of one month holds Silkeborg's Office contract
	// (2027-02-28) without Aalborg's (2027-05-31).
	short, _ := x.ProcurementWindows("s", WindowQuery{Today: today, Months: 1})
	for _, w := range short {
		if w.SystemID == "office" {
			t.Errorf("a one-month window holds %+v", w)
		}
	}
	// Once Silkeborg's notice day has passed, its Acadre contract makes
	// no window.
	late, _ := x.ProcurementWindows("s", WindowQuery{Today: samspil.NewDate(2027, 1, 1)})
	for _, w := range late {
		if w.SystemID == "acadre" {
			t.Errorf("a window after the notice day: %+v", w)
		}
	}
	for _, months := range []int{-1, MaxWindowMonths + 1} {
		if _, err := x.ProcurementWindows("s", WindowQuery{Today: today, Months: months}); samspil.ErrorCode(err) != samspil.EINVALID ||
			!strings.Contains(err.Error(), "months") {
			t.Errorf("months %d: %v", months, err)
		}
	}
	if _, err := x.ProcurementWindows("nobody", WindowQuery{Today: today}); samspil.ErrorCode(err) != samspil.ENOTFOUND {
		t.Errorf("unknown: %v", err)
	}
	// Aarhus does not see Viborg's partners-only usage, but contracts
	// have their own visibility: Viborg's Acadre contract is sector-wide.
	if _, err := x.ProcurementWindows("a", WindowQuery{Today: today}); err != nil {
		t.Fatal(err)
	}
}

// TestHarmonisation: Silkeborg's partner Viborg covers the ESDH tasks
// with the same Acadre; compared with Aarhus, SBSYS and KMD Sag are
// shared, and the task only Acadre covers (85.02.00) is not Aarhus's.
func TestHarmonisation(t *testing.T) {
	f := categorised()
	// Viborg adds a care task to its Acadre use, which Silkeborg covers
	// with Nexus: the same task, different systems.
	i := slices.IndexFunc(f.Usages, func(u Usage) bool { return u.OrgID == "v" && u.SystemID == "acadre" })
	f.Usages[i].TaskChanges = []samspil.TaskChange{{Code: "27.34.00"}, {Code: "85.02.00", OptOut: true}}
	x := Build(f)
	h, err := x.Harmonisation("s", HarmonisationQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Partners) != 1 || h.Partners[0].OrgID != "v" || h.Partners[0].Different != 1 || h.Partners[0].Shared != 2 {
		t.Fatalf("partners %+v", h.Partners)
	}
	task := func(code string) *HarmonisationTask {
		for i := range h.Tasks {
			if h.Tasks[i].Task == code {
				return &h.Tasks[i]
			}
		}
		return nil
	}
	if care := task("27.34.00"); care == nil || len(care.Different) != 1 || care.Different[0].Systems[0].ID != "acadre" ||
		care.OurSystems[0].ID != "nexus" {
		t.Errorf("care task %+v", care)
	}
	if task("85.02.00") != nil {
		t.Error("Viborg opted out of 85.02.00, yet it is compared")
	}
	h, err = x.Harmonisation("s", HarmonisationQuery{With: []string{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Partners) != 1 || h.Partners[0].Shared != 2 || h.Partners[0].Different != 0 {
		t.Errorf("with Aarhus %+v", h.Partners)
	}
	// The partner suggestion names the harmonisation, without points.
	ss, _ := x.Partners("s", Query{Today: today})
	v := find(t, ss, "v")
	var harm *Term
	for i := range v.Terms {
		if v.Terms[i].Kind == TermHarmonisation {
			harm = &v.Terms[i]
		}
	}
	if harm == nil || harm.Points != 0 || harm.Count != 1 || harm.Category != "care" || !strings.Contains(harm.Evidence().String(), "under care") {
		t.Errorf("harmonisation term %+v", harm)
	}
	if _, err := x.Harmonisation("s", HarmonisationQuery{With: []string{"nobody"}}); samspil.ErrorCode(err) != samspil.EINVALID ||
		!strings.Contains(err.Error(), "with") {
		t.Errorf("unknown with: %v", err)
	}
}

// randomFacts makes a world of n organisations with a catalogue in two
// categories, usages (some changing their system's tasks) and contracts
// of every visibility, and random partners.
func randomFacts(rng *rand.Rand, n int) *Facts {
	vis := []samspil.Visibility{samspil.VisibilityPrivate, samspil.VisibilityPartners, samspil.VisibilitySector, samspil.VisibilityPublic}
	f := &Facts{Partners: map[string][]string{}}
	for s := range 8 {
		f.Systems = append(f.Systems, System{ID: fmt.Sprintf("sys%d", s), Name: fmt.Sprintf("System %d", s), Category: fmt.Sprint("cat", s%2),
			Tasks: []string{fmt.Sprintf("0%d.00.00", s%4), fmt.Sprintf("1%d.00.00", s%3)}})
	}
	for i := range n {
		f.Orgs = append(f.Orgs, Org{ID: fmt.Sprintf("o%02d", i), Name: fmt.Sprintf("Kommune %d", i), Kind: samspil.KindMunicipality,
			Country: "DK", Region: fmt.Sprint(rng.IntN(2)), Population: 10000 + rng.IntN(90000), Visibility: samspil.VisibilityPublic})
	}
	for i := range n {
		for j := i + 1; j < n; j++ {
			if rng.IntN(3) == 0 {
				a, b := f.Orgs[i].ID, f.Orgs[j].ID
				f.Partners[a], f.Partners[b] = append(f.Partners[a], b), append(f.Partners[b], a)
			}
		}
	}
	for _, ps := range f.Partners {
		slices.Sort(ps)
	}
	for i := range 6 * n {
		o, s := f.Orgs[rng.IntN(n)].ID, fmt.Sprintf("sys%d", rng.IntN(8))
		u := Usage{OrgID: o, SystemID: s, SystemName: s, Visibility: vis[rng.IntN(4)]}
		if rng.IntN(5) == 0 {
			u.TaskChanges = []samspil.TaskChange{{Code: fmt.Sprintf("2%d.00.00", rng.IntN(3))}, {Code: fmt.Sprintf("0%d.00.00", rng.IntN(4)), OptOut: true}}
		}
		f.Usages = append(f.Usages, u)
		d := today.AddDays(rng.IntN(500))
		notice := d.AddMonths(-3)
		f.Contracts = append(f.Contracts, Contract{ID: fmt.Sprint("c", i), OrgID: o, SystemIDs: []string{s}, NextDecision: &d, NoticeBy: &notice,
			Visibility: vis[rng.IntN(4)]})
	}
	return f
}

// everyAnswer is every organisation's partners, procurement windows and
// harmonisation with its partners. On the way it checks that the first
// partners under a limit are the first of all: that the scores a query
// ranks by are those its explanations add up.
func everyAnswer(t *testing.T, x *Index, f *Facts) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, o := range f.Orgs {
		p, err := x.Partners(o.ID, Query{Today: today})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []int{1, 2, 3} {
			if first, _ := x.Partners(o.ID, Query{Today: today, Limit: k}); !reflect.DeepEqual(first, p[:min(k, len(p))]) {
				t.Fatalf("%s: the first %d partners are not the first of all:\n%+v\nwant\n%+v", o.ID, k, first, p[:min(k, len(p))])
			}
		}
		w, err := x.ProcurementWindows(o.ID, WindowQuery{Today: today})
		if err != nil {
			t.Fatal(err)
		}
		h, err := x.Harmonisation(o.ID, HarmonisationQuery{})
		if err != nil {
			t.Fatal(err)
		}
		out[o.ID] = []any{p, w, h}
	}
	return out
}

// TestPrivateRecordsShapeNoOtherWindow: in random worlds, one
// organisation's private usages and contracts change no other
// organisation's windows or harmonisation (nor partners).
func TestPrivateRecordsShapeNoOtherWindow(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for round := range 40 {
		f := randomFacts(rng, 3+rng.IntN(8))
		before := everyAnswer(t, Build(f), f)
		owner := f.Orgs[rng.IntN(len(f.Orgs))].ID
		changed := *f
		d := today.AddDays(rng.IntN(300))
		changed.Usages = append(slices.Clone(f.Usages), Usage{OrgID: owner, SystemID: "sys1", SystemName: "sys1", Visibility: samspil.VisibilityPrivate,
			TaskChanges: []samspil.TaskChange{{Code: "29.00.00"}}})
		changed.Contracts = append(slices.Clone(f.Contracts), Contract{ID: "new", OrgID: owner, SystemIDs: []string{"sys1", "sys2"}, NextDecision: &d,
			NoticeBy: &d, Visibility: samspil.VisibilityPrivate})
		after := everyAnswer(t, Build(&changed), &changed)
		for id := range before {
			if id == owner {
				continue
			}
			for k, what := range []string{"partners", "windows", "harmonisation"} {
				b, a := before[id].([]any)[k], after[id].([]any)[k]
				if !reflect.DeepEqual(b, a) {
					t.Fatalf("round %d: a private change of %s changed %s's %s:\n%+v\n%+v", round, owner, id, what, b, a)
				}
			}
		}
	}
}

// TestUpdateMatchesBuild: an index updated with some organisations' new
// facts answers every question exactly as one built from all the facts
// after the change, and the old index still answers as before.
func TestUpdateMatchesBuild(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for round := range 60 {
		f := randomFacts(rng, 3+rng.IntN(10))
		old := Build(f)
		oldAnswers := everyAnswer(t, old, f)
		next := randomFacts(rng, len(f.Orgs)+rng.IntN(2)) // maybe one organisation more
		// Take the new facts of some organisations, keep the others'.
		pick := map[string]bool{}
		for _, o := range next.Orgs {
			if rng.IntN(3) == 0 || !slices.ContainsFunc(f.Orgs, func(x Org) bool { return x.ID == o.ID }) {
				pick[o.ID] = true
			}
		}
		after := &Facts{Systems: f.Systems, Partners: f.Partners}
		delta := &Facts{}
		for _, o := range next.Orgs {
			if pick[o.ID] {
				delta.Orgs = append(delta.Orgs, o)
			}
		}
		for _, o := range f.Orgs {
			if !pick[o.ID] {
				after.Orgs = append(after.Orgs, o)
			}
		}
		after.Orgs = append(after.Orgs, delta.Orgs...)
		for _, u := range f.Usages {
			if !pick[u.OrgID] {
				after.Usages = append(after.Usages, u)
			}
		}
		for _, u := range next.Usages {
			if pick[u.OrgID] {
				after.Usages = append(after.Usages, u)
				delta.Usages = append(delta.Usages, u)
			}
		}
		for _, c := range f.Contracts {
			if !pick[c.OrgID] {
				after.Contracts = append(after.Contracts, c)
			}
		}
		for _, c := range next.Contracts {
			if pick[c.OrgID] {
				c.ID = "n" + c.ID
				after.Contracts = append(after.Contracts, c)
				delta.Contracts = append(delta.Contracts, c)
			}
		}
		if rng.IntN(2) == 0 { // and new partners
			after.Partners, delta.Partners = next.Partners, next.Partners
		}
		// Build orders organisations as the facts list them; the update
		// appends new ones: build from the same order.
		slices.SortStableFunc(after.Orgs, func(a, b Org) int {
			ia := slices.IndexFunc(f.Orgs, func(x Org) bool { return x.ID == a.ID })
			ib := slices.IndexFunc(f.Orgs, func(x Org) bool { return x.ID == b.ID })
			if ia < 0 {
				ia = len(f.Orgs)
			}
			if ib < 0 {
				ib = len(f.Orgs)
			}
			return ia - ib
		})
		updated := old.Update(delta)
		want := everyAnswer(t, Build(after), after)
		got := everyAnswer(t, updated, after)
		for id := range want {
			if !reflect.DeepEqual(got[id], want[id]) {
				t.Fatalf("round %d: %s after the update:\n got %+v\nwant %+v", round, id, got[id], want[id])
			}
		}
		if again := everyAnswer(t, old, f); !reflect.DeepEqual(again, oldAnswers) {
			t.Fatalf("round %d: the update changed the old index", round)
		}
	}
}

// TestDenseMatchesPostings: whether a system's open uses are held as bits
// or in posting lists changes no answer, of a built index or an updated
// one, at any limit.
func TestDenseMatchesPostings(t *testing.T) {
	defer func(share int64, least int32) { denseShare, denseMin = share, least }(denseShare, denseMin)
	rng := rand.New(rand.NewPCG(9, 10))
	for round := range 30 {
		f := randomFacts(rng, 3+rng.IntN(12))
		next := randomFacts(rng, len(f.Orgs))
		delta := &Facts{Orgs: next.Orgs[:1]}
		for _, u := range next.Usages {
			if u.OrgID == next.Orgs[0].ID {
				delta.Usages = append(delta.Usages, u)
			}
		}
		answers := func() []any {
			x := Build(f)
			var out []any
			for _, y := range []*Index{x, x.Update(delta)} {
				for _, o := range f.Orgs {
					heavy := DefaultWeights
					heavy.SharedSystem = 100 // sums beyond 16 bits
					for _, limit := range []int{1, 3, 50} {
						for _, w := range []*Weights{nil, &heavy} {
							p, err := y.Partners(o.ID, Query{Today: today, Limit: limit, Weights: w})
							if err != nil {
								t.Fatal(err)
							}
							out = append(out, p)
						}
					}
				}
			}
			return out
		}
		denseShare, denseMin = 0, 1<<30 // no system dense
		sparse := answers()
		denseShare, denseMin = 1<<30, 1 // every system used openly dense
		dense := answers()
		if !reflect.DeepEqual(sparse, dense) {
			t.Fatalf("round %d: the answers differ with dense systems", round)
		}
		if x := Build(f); x.nd == 0 {
			t.Fatalf("round %d: no dense system", round)
		}
	}
}

// TestMonthCounts: the organisations with an open contract in any range
// of months, from the counts, are those a reading of the contracts finds.
func TestMonthCounts(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for round := range 200 {
		var open []orgMonth
		for range rng.IntN(60) {
			open = append(open, orgMonth{int32(rng.IntN(8)), month(24000 + rng.IntN(90))})
		}
		all := slices.Clone(open)
		slices.SortStableFunc(open, func(a, b orgMonth) int { return int(a.org - b.org) }) // each organisation's together
		t0 := countMonths(open)
		for range 50 {
			m := month(23990 + rng.IntN(110))
			e := m + month(rng.IntN(MaxWindowMonths))
			want := map[int32]bool{}
			for _, o := range all {
				if o.m >= m && o.m <= e {
					want[o.org] = true
				}
			}
			if got := t0.orgsIn(m, e); got != len(want) {
				t.Fatalf("round %d: months %d to %d: %d organisations, want %d", round, m, e, got, len(want))
			}
		}
	}
}

// TestWindowsCountedByMonth: windows counted by month answer exactly as
// windows counted by reading the contracts, for windows of any length,
// in built and updated indexes.
func TestWindowsCountedByMonth(t *testing.T) {
	defer func(n, m int) { countMin, listMembers = n, m }(countMin, listMembers)
	listMembers = 3 // windows count more than they list
	rng := rand.New(rand.NewPCG(13, 14))
	for round := range 40 {
		f := randomFacts(rng, 3+rng.IntN(12))
		next := randomFacts(rng, len(f.Orgs))
		delta := &Facts{Orgs: next.Orgs[:2]}
		for _, c := range next.Contracts {
			if c.OrgID == next.Orgs[0].ID || c.OrgID == next.Orgs[1].ID {
				delta.Contracts = append(delta.Contracts, c)
			}
		}
		months := []int{1, 2, 5, 12, 60}[rng.IntN(5)]
		answers := func() []any {
			x := Build(f)
			x.Warm(today) // the update keeps the counts it leaves true
			var out []any
			for _, y := range []*Index{x, x.Update(delta)} {
				for _, o := range f.Orgs {
					w, err := y.ProcurementWindows(o.ID, WindowQuery{Today: today, Months: months})
					if err != nil {
						t.Fatal(err)
					}
					out = append(out, w)
				}
			}
			return out
		}
		countMin = 1 << 30
		read := answers()
		countMin = 0
		counted := answers()
		for i := range read {
			if !reflect.DeepEqual(read[i], counted[i]) {
				t.Fatalf("round %d (%d months), answer %d of %d: the answers differ counted by month\n%+v\n%+v", round, months, i, len(read), read[i], counted[i])
			}
		}
	}
}

// TestDenseSum: denseSum's tables give, for any candidate, the sum of our
// points for the bits it has set, over several words, with points that
// fit 16-bit tables and points that do not.
func TestDenseSum(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for round := range 200 {
		nd, n := 1+rng.IntN(4), 1+rng.IntN(20)
		x := &Index{nd: nd, bits: make([]uint64, n*nd)}
		for i := range x.bits {
			switch rng.IntN(3) {
			case 0:
				x.bits[i] = rng.Uint64() & rng.Uint64() // sparse
			case 1:
				x.bits[i] = rng.Uint64() | rng.Uint64() // dense
			default:
				x.bits[i] = math.MaxUint64
			}
		}
		points := make([]int32, nd*64)
		most := []int{3000, 16000, 1 << 24}[round%3] // sums of a byte's that fit 16 bits, that may not, that do not
		for i := range points {
			if rng.IntN(3) > 0 { // else none: some words and bytes have no points
				points[i] = int32(rng.IntN(most))
			}
		}
		if rng.IntN(4) == 0 {
			clear(points[64*rng.IntN(nd):][:64]) // a word without points
		}
		sum := x.denseSum(points)
		for c := range n {
			var want int64
			for b := range nd * 64 {
				if x.bits[c*nd+b/64]&(1<<(b%64)) != 0 {
					want += int64(points[b])
				}
			}
			if got := sum(int32(c)); got != want {
				t.Fatalf("round %d (nd %d), candidate %d: %d, want %d", round, nd, c, got, want)
			}
		}
	}
}

// TestSearchOrg: searchOrg finds what a binary search finds, in lists of
// numbers spread evenly, bunched, or repeated.
func TestSearchOrg(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for round := range 2000 {
		n := rng.IntN(200)
		list := make([]orgPos, n)
		for i := range list {
			switch round % 3 {
			case 0:
				list[i].org = int32(rng.IntN(1000))
			case 1:
				list[i].org = int32(rng.IntN(1+rng.IntN(1000)) * rng.IntN(3)) // bunched near 0
			default:
				list[i].org = int32(rng.IntN(5)) // repeated
			}
		}
		slices.SortFunc(list, func(a, b orgPos) int { return int(a.org - b.org) })
		for range 20 {
			o := int32(rng.IntN(1100) - 50)
			want := sort.Search(n, func(i int) bool { return list[i].org >= o })
			if got := searchOrg(list, o); got != want {
				t.Fatalf("round %d: searchOrg(%v, %d) = %d, want %d", round, list, o, got, want)
			}
		}
	}
}

// TestSameRegion: two organisations are in the same region when both
// name one and the same country, whatever else they share.
func TestSameRegion(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	f := &Facts{}
	for i := range 60 {
		f.Orgs = append(f.Orgs, Org{ID: fmt.Sprintf("o%02d", i), Name: fmt.Sprint("Org ", i), Kind: samspil.KindMunicipality,
			Country: []string{"DK", "SE", "NO"}[rng.IntN(3)], Region: []string{"", "1", "2", "DK-1"}[rng.IntN(4)], Visibility: samspil.VisibilityPublic})
	}
	x := Build(f)
	same := 0
	for a, oa := range f.Orgs {
		for b, ob := range f.Orgs {
			want := oa.Region != "" && oa.Region == ob.Region && oa.Country == ob.Country
			if got := x.sameRegion(x.byID[oa.ID], x.byID[ob.ID]); got != want {
				t.Fatalf("%d %+v and %d %+v: same region %v, want %v", a, oa, b, ob, got, want)
			}
			if want {
				same++
			}
		}
	}
	if same <= len(f.Orgs) {
		t.Fatalf("only %d pairs in one region: the test shows little", same)
	}
}
