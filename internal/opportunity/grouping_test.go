package opportunity

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/samspil/samspil"
)

// groupsOf returns a grouping's members as sorted ID lists, in group order.
func groupsOf(g *Grouping) [][]string {
	var out [][]string
	for _, grp := range g.Groups {
		var ids []string
		for _, m := range grp.Members {
			ids = append(ids, m.OrgID)
		}
		slices.Sort(ids)
		out = append(out, ids)
	}
	return out
}

// canonical returns groups of IDs sorted within and among themselves.
func canonical(gs [][]string) [][]string {
	out := make([][]string, len(gs))
	for i, g := range gs {
		out[i] = slices.Sorted(slices.Values(g))
	}
	slices.SortFunc(out, func(a, b []string) int { return strings.Compare(strings.Join(a, ","), strings.Join(b, ",")) })
	return out
}

func groupWith(g *Grouping, id string) *Group {
	for i := range g.Groups {
		for _, m := range g.Groups[i].Members {
			if m.OrgID == id {
				return &g.Groups[i]
			}
		}
	}
	return nil
}

// naiveAffinity computes the affinity of two organisations straight from
// the facts, as the asker sees them: the reference the index's grouping
// is checked against.
func naiveAffinity(f *Facts, asker string, w Weights, today samspil.Date) func(a, b string) float64 {
	order := []samspil.Visibility{samspil.VisibilityPrivate, samspil.VisibilityPartners, samspil.VisibilitySector, samspil.VisibilityPublic}
	isShared := func(v samspil.Visibility) bool { return v == samspil.VisibilitySector || v == samspil.VisibilityPublic }
	sees := func(owner string, v samspil.Visibility) bool {
		return asker == owner || isShared(v) || (v == samspil.VisibilityPartners && slices.Contains(f.Partners[owner], asker))
	}
	known := map[string]bool{}
	for _, o := range f.Orgs {
		known[o.ID] = true
	}
	widest := map[[2]string]samspil.Visibility{}
	systems := map[string]bool{}
	for _, u := range f.Usages {
		if !known[u.OrgID] {
			continue
		}
		systems[u.SystemID] = true
		k := [2]string{u.OrgID, u.SystemID}
		if v, ok := widest[k]; !ok || slices.Index(order, u.Visibility) > slices.Index(order, v) {
			widest[k] = u.Visibility
		}
	}
	for _, c := range f.Contracts {
		for _, sys := range c.SystemIDs {
			systems[sys] = true // a contract names a system the index knows, used or not
		}
	}
	commons := map[string]int{}
	sharing := map[string]bool{}
	for k, v := range widest {
		if isShared(v) {
			commons[k[1]]++
			sharing[k[0]] = true
		}
	}
	return func(a, b string) float64 {
		var sum float64
		for sys := range systems {
			va, okA := widest[[2]string{a, sys}]
			vb, okB := widest[[2]string{b, sys}]
			if okA && okB && sees(a, va) && sees(b, vb) {
				sum += round3(w.SharedSystem * Rarity(commons[sys], len(sharing)))
			}
			var ca, cb []samspil.Date
			for _, c := range f.Contracts {
				if c.NextDecision == nil || !slices.Contains(c.SystemIDs, sys) || !sees(c.OrgID, c.Visibility) {
					continue
				}
				actBy := *c.NextDecision
				if c.NoticeBy != nil {
					actBy = *c.NoticeBy
				}
				if actBy.Before(today) {
					continue
				}
				switch c.OrgID {
				case a:
					ca = append(ca, *c.NextDecision)
				case b:
					cb = append(cb, *c.NextDecision)
				}
			}
		joint:
			for _, x := range ca {
				for _, y := range cb {
					lo, hi := min(x.String(), y.String()), max(x.String(), y.String())
					l, _ := samspil.ParseDate(lo)
					h, _ := samspil.ParseDate(hi)
					if !h.After(l.AddMonths(w.WindowMonths)) {
						sum += round3(w.JointProcurement)
						break joint
					}
				}
			}
		}
		return sum
	}
}

// checkScores checks that each group's score, and the total, is the sum
// of the naive affinities of its pairs.
func checkScores(t *testing.T, groups []Group, total float64, aff func(a, b string) float64) {
	t.Helper()
	var sum float64
	for _, g := range groups {
		var s float64
		for i, a := range g.Members {
			for _, b := range g.Members[i+1:] {
				s += aff(a.OrgID, b.OrgID)
			}
		}
		if math.Abs(round3(s)-g.Score) > 1e-6 {
			t.Fatalf("group %d scores %v, its pairs sum to %v", g.Number, g.Score, s)
		}
		sum += s
	}
	if math.Abs(round3(sum)-total) > 1e-6 {
		t.Fatalf("the grouping scores %v, its groups' pairs sum to %v", total, sum)
	}
}

// TestGroupingWorld: in the small world of the partner tests, Silkeborg
// and Viborg (a rare shared system, aligned Acadre contracts, KMD Sag)
// belong together; the group says why. Silkeborg's own private SBSYS
// counts when Silkeborg asks, not when Viborg does.
func TestGroupingWorld(t *testing.T) {
	f := world()
	x := Build(f)
	q := GroupingQuery{Asker: "s", Organizations: []string{"a", "b", "s", "v"}, Groups: 2, MaxMembers: 2, Today: today,
		Compare: [][]string{{"s", "a"}, {"v", "b"}}}
	g, err := x.Grouping(q)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := groupsOf(g), [][]string{{"a", "b"}, {"s", "v"}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("grouping %v, want %v", got, want)
	}
	sv := groupWith(g, "s")
	if sv.Number != 2 || sv.Members[0].Name != "Silkeborg" || sv.Population != 97000+97500 {
		t.Errorf("group %+v", sv)
	}
	if len(sv.Systems) != 2 || sv.Systems[0].SystemID != "acadre" && sv.Systems[0].SystemID != "kmdsag" || sv.Systems[0].Members != 2 ||
		sv.Systems[0].UsedBy != 2 || sv.Systems[0].Of != 5 {
		t.Errorf("systems %+v", sv.Systems)
	}
	if len(sv.Windows) != 1 || sv.Windows[0].SystemID != "acadre" || sv.Windows[0].Members != 2 || sv.Windows[0].From != samspil.NewDate(2027, 6, 30) ||
		sv.Windows[0].To != samspil.NewDate(2027, 9, 30) || sv.Windows[0].ActBy != samspil.NewDate(2026, 12, 31) {
		t.Errorf("windows %+v", sv.Windows)
	}
	var evidence []string
	for _, p := range sv.Evidence {
		evidence = append(evidence, p.String())
	}
	for _, want := range []string{"2 members with 194500 inhabitants", "2 of 2 members run ACADRE (used by 2 of 5 organisations)",
		"2 of 2 members' contracts for ACADRE reach their next decision between 2027-06-30 and 2027-09-30; act together by 2026-12-31",
		"all members are in region 1082"} {
		if !slices.Contains(evidence, want) {
			t.Errorf("evidence %q lacks %q", evidence, want)
		}
	}
	checkScores(t, g.Groups, g.Score, naiveAffinity(f, "s", DefaultWeights, today))
	// Silkeborg and Viborg: Acadre 0.916, KMD Sag 0.916, Acadre contracts
	// 2; Aarhus and Aalborg: nothing.
	if g.Score != 3.832 {
		t.Errorf("score %v", g.Score)
	}
	c := g.Compared
	if c == nil || len(c.Groups) != 2 || len(c.Broken) != 0 {
		t.Fatalf("compared %+v", c)
	}
	// Silkeborg and Aarhus: SBSYS (Silkeborg's private use, 1.609) and
	// KMD Sag (0.916); Viborg and Aalborg: nothing.
	if c.Score != 2.525 || c.Difference != round3(3.832-2.525) {
		t.Errorf("compared score %v, difference %v", c.Score, c.Difference)
	}
	checkScores(t, c.Groups, c.Score, naiveAffinity(f, "s", DefaultWeights, today))
	q.Asker = "v"
	g, err = x.Grouping(q)
	if err != nil {
		t.Fatal(err)
	}
	if g.Compared.Score != 0.916 {
		t.Errorf("Viborg sees Silkeborg's private SBSYS: %v", g.Compared.Score)
	}
	checkScores(t, g.Compared.Groups, g.Compared.Score, naiveAffinity(f, "v", DefaultWeights, today))
}

// planted is a world of clusters: the organisations of each share rare
// systems and contracts reaching their next decision in the same months,
// beside systems everybody runs and some noise.
func planted(rng *rand.Rand, clusters, size int) (*Facts, [][]string) {
	f := &Facts{}
	var want [][]string
	for c := range clusters {
		var ids []string
		for i := range size {
			id := fmt.Sprintf("c%d-o%d", c, i)
			ids = append(ids, id)
			f.Orgs = append(f.Orgs, Org{ID: id, Name: fmt.Sprintf("Kommune %d-%d", c, i), Kind: samspil.KindMunicipality, Country: "DK",
				Region: fmt.Sprint(rng.IntN(3)), Population: 20000 + rng.IntN(60000), Visibility: samspil.VisibilityPublic})
			for s := range 4 {
				sys := fmt.Sprintf("cluster%d-%d", c, s)
				f.Usages = append(f.Usages, Usage{OrgID: id, SystemID: sys, SystemName: sys, Visibility: samspil.VisibilitySector})
			}
			for s := range 3 {
				sys := fmt.Sprintf("common%d", s)
				f.Usages = append(f.Usages, Usage{OrgID: id, SystemID: sys, SystemName: sys, Visibility: samspil.VisibilityPublic})
			}
			for range 2 {
				sys := fmt.Sprintf("noise%d", rng.IntN(30))
				f.Usages = append(f.Usages, Usage{OrgID: id, SystemID: sys, SystemName: sys, Visibility: samspil.VisibilitySector})
			}
			next := today.AddMonths(6 + 14*c).AddDays(rng.IntN(60))
			notice := next.AddMonths(-3)
			f.Contracts = append(f.Contracts, Contract{ID: id + "-k", OrgID: id, SystemIDs: []string{fmt.Sprintf("cluster%d-0", c)},
				NextDecision: &next, NoticeBy: &notice, Visibility: samspil.VisibilitySector})
		}
		slices.Sort(ids)
		want = append(want, ids)
	}
	return f, want
}

// TestGroupingFindsPlantedClusters: with clear clusters the proposal is
// the clusters, whatever the order the organisations are given in, and
// each group is explained by its cluster's systems and contract window;
// a user's grouping across the clusters scores less and says which
// constraints it breaks.
func TestGroupingFindsPlantedClusters(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for round := range 20 {
		clusters, size := 2+rng.IntN(4), 3+rng.IntN(6)
		f, want := planted(rng, clusters, size)
		x := Build(f)
		var ids []string
		for _, o := range f.Orgs {
			ids = append(ids, o.ID)
		}
		rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
		for _, bounds := range [][2]int{{0, size}, {size, size}, {size - 1, size + 1}} {
			q := GroupingQuery{Organizations: ids, Groups: clusters, MinMembers: bounds[0], MaxMembers: bounds[1], Today: today}
			g, err := x.Grouping(q)
			if err != nil {
				t.Fatal(err)
			}
			if got := canonical(groupsOf(g)); !reflect.DeepEqual(got, canonical(want)) {
				t.Fatalf("round %d, bounds %v: grouping\n%v\nwant\n%v", round, bounds, got, want)
			}
			for _, grp := range g.Groups {
				cluster := strings.Split(grp.Members[0].OrgID, "-")[0]
				if len(grp.Systems) == 0 || !strings.HasPrefix(grp.Systems[0].SystemID, "cluster"+cluster[1:]+"-") || grp.Systems[0].Members != size {
					t.Fatalf("group %d systems %+v", grp.Number, grp.Systems)
				}
				if len(grp.Windows) == 0 || grp.Windows[0].SystemID != "cluster"+cluster[1:]+"-0" || grp.Windows[0].Members != size {
					t.Fatalf("group %d windows %+v", grp.Number, grp.Windows)
				}
			}
			checkScores(t, g.Groups, g.Score, naiveAffinity(f, "", DefaultWeights, today))
		}
		// A user's grouping dealing the organisations round robin into as
		// many groups scores less and breaks nothing; one into a group
		// fewer breaks the number of groups and the size bound.
		for _, k := range []int{clusters, clusters - 1} {
			compare := make([][]string, k)
			for i, id := range ids {
				compare[i%k] = append(compare[i%k], id)
			}
			g, err := x.Grouping(GroupingQuery{Organizations: ids, Groups: clusters, MaxMembers: size, Today: today, Compare: compare})
			if err != nil {
				t.Fatal(err)
			}
			c := g.Compared
			if c.Difference != round3(g.Score-c.Score) || len(c.Groups) != k {
				t.Fatalf("compared %v with %v, difference %v", c.Score, g.Score, c.Difference)
			}
			checkScores(t, c.Groups, c.Score, naiveAffinity(f, "", DefaultWeights, today))
			var broken []string
			for _, p := range c.Broken {
				broken = append(broken, p.String())
			}
			if k == clusters {
				if c.Score >= g.Score || len(broken) != 0 {
					t.Fatalf("round robin scores %v against %v and breaks %q", c.Score, g.Score, broken)
				}
				continue
			}
			if !slices.Contains(broken, fmt.Sprintf("the grouping has %d groups, not %d", clusters-1, clusters)) ||
				!slices.Contains(broken, fmt.Sprintf("group 1 has %d members, more than %d", len(compare[0]), size)) {
				t.Fatalf("broken %q", broken)
			}
		}
	}
}

// randomWorld is a small random world with regions, partners and every
// visibility.
func randomWorld(rng *rand.Rand, n int) *Facts {
	vis := []samspil.Visibility{samspil.VisibilityPrivate, samspil.VisibilityPartners, samspil.VisibilitySector, samspil.VisibilityPublic}
	f := &Facts{Partners: map[string][]string{}}
	regions := 1 + rng.IntN(4)
	for i := range n {
		region := fmt.Sprint(rng.IntN(regions))
		if rng.IntN(6) == 0 {
			region = ""
		}
		f.Orgs = append(f.Orgs, Org{ID: fmt.Sprintf("o%02d", i), Name: fmt.Sprintf("Kommune %d", rng.IntN(n)), Kind: samspil.KindMunicipality,
			Country: "DK", Region: region, Population: 1000 * (1 + rng.IntN(60)), Visibility: samspil.VisibilityPublic})
	}
	for i := range n {
		for j := i + 1; j < n; j++ {
			if rng.IntN(3) == 0 {
				a, b := f.Orgs[i].ID, f.Orgs[j].ID
				f.Partners[a], f.Partners[b] = append(f.Partners[a], b), append(f.Partners[b], a)
			}
		}
	}
	for i := range 5 * n {
		o, s := f.Orgs[rng.IntN(n)].ID, fmt.Sprintf("sys%d", rng.IntN(8))
		f.Usages = append(f.Usages, Usage{OrgID: o, SystemID: s, SystemName: s, Visibility: vis[rng.IntN(4)]})
		if rng.IntN(10) == 0 {
			s = "unused" // a contract for a system nobody records a use of
		}
		if rng.IntN(2) == 0 || s == "unused" {
			d := today.AddDays(rng.IntN(900) - 100)
			notice := d.AddMonths(-rng.IntN(4))
			f.Contracts = append(f.Contracts, Contract{ID: fmt.Sprint("c", i), OrgID: o, SystemIDs: []string{s}, NextDecision: &d, NoticeBy: &notice,
				Visibility: vis[rng.IntN(4)]})
		}
	}
	return f
}

// TestGroupingConstraintsMet: in random worlds with random constraints
// that some grouping (planted) meets, the proposal meets them all: the
// number of groups, members and inhabitants per group, regions together,
// fixed members; its scores are the sums of the pairs' affinities; the
// planted grouping, compared, breaks nothing.
func TestGroupingConstraintsMet(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for round := range 400 {
		n := 2 + rng.IntN(13)
		f := randomWorld(rng, n)
		x := Build(f)
		keep := rng.IntN(3) == 0
		// Units: organisations, or with regions kept the regions' blocks.
		var units [][]int
		block := map[string]int{}
		for i, o := range f.Orgs {
			if b, ok := block[o.Region]; keep && o.Region != "" && ok {
				units[b] = append(units[b], i)
				continue
			}
			if keep && o.Region != "" {
				block[o.Region] = len(units)
			}
			units = append(units, []int{i})
		}
		k := 1 + rng.IntN(min(4, len(units)))
		perm := rng.Perm(len(units))
		plantedOf := make([]int, n)
		for i, u := range perm {
			g := i
			if i >= k {
				g = rng.IntN(k)
			}
			for _, o := range units[u] {
				plantedOf[o] = g
			}
		}
		size, pop := make([]int, k), make([]int, k)
		compare := make([][]string, k)
		for i, o := range f.Orgs {
			size[plantedOf[i]]++
			pop[plantedOf[i]] += o.Population
			compare[plantedOf[i]] = append(compare[plantedOf[i]], o.ID)
		}
		q := GroupingQuery{Groups: k, KeepRegions: keep, Compare: compare, Today: today}
		if rng.IntN(3) > 0 {
			q.Asker = f.Orgs[rng.IntN(n)].ID
		}
		for _, o := range rng.Perm(n) {
			q.Organizations = append(q.Organizations, f.Orgs[o].ID)
		}
		if rng.IntN(2) == 0 {
			q.MinMembers = 1 + rng.IntN(slices.Min(size))
		}
		if rng.IntN(2) == 0 {
			q.MaxMembers = slices.Max(size) + rng.IntN(2)
		}
		switch rng.IntN(3) {
		case 0:
			q.MinPopulation = rng.IntN(slices.Min(pop) + 1)
		case 1: // as tight as the planted grouping allows
			q.MinPopulation = slices.Min(pop)
		}
		switch rng.IntN(3) {
		case 0:
			q.MaxPopulation = slices.Max(pop) + rng.IntN(3000)
		case 1:
			q.MaxPopulation = slices.Max(pop)
		}
		if rng.IntN(2) == 0 {
			q.Fixed = map[string]int{}
			for i, o := range f.Orgs {
				if rng.IntN(4) == 0 {
					q.Fixed[o.ID] = plantedOf[i] + 1
				}
			}
		}
		if q.MaxMembers == 0 && q.MaxPopulation == 0 && !q.KeepRegions {
			q.MaxMembers = len(f.Orgs) // no bound: the planted grouping may be uneven
		}
		g, err := x.Grouping(q)
		if err != nil {
			t.Fatalf("round %d: %v\n%+v", round, err, q)
		}
		if len(g.Groups) != k {
			t.Fatalf("round %d: %d groups, want %d", round, len(g.Groups), k)
		}
		groupOf := map[string]int{}
		for i, grp := range g.Groups {
			if grp.Number != i+1 || len(grp.Members) == 0 {
				t.Fatalf("round %d: group %d numbered %d with %d members", round, i+1, grp.Number, len(grp.Members))
			}
			p := 0
			for _, m := range grp.Members {
				if _, dup := groupOf[m.OrgID]; dup {
					t.Fatalf("round %d: %s twice", round, m.OrgID)
				}
				groupOf[m.OrgID] = grp.Number
				p += m.Population
			}
			if p != grp.Population {
				t.Fatalf("round %d: population %d, members sum to %d", round, grp.Population, p)
			}
			if (q.MinMembers > 0 && len(grp.Members) < q.MinMembers) || (q.MaxMembers > 0 && len(grp.Members) > q.MaxMembers) {
				t.Fatalf("round %d: group %d has %d members, bounds %d..%d", round, grp.Number, len(grp.Members), q.MinMembers, q.MaxMembers)
			}
			if (q.MinPopulation > 0 && p < q.MinPopulation) || (q.MaxPopulation > 0 && p > q.MaxPopulation) {
				t.Fatalf("round %d: group %d has %d inhabitants, bounds %d..%d", round, grp.Number, p, q.MinPopulation, q.MaxPopulation)
			}
		}
		if len(groupOf) != n {
			t.Fatalf("round %d: %d organisations placed of %d", round, len(groupOf), n)
		}
		for id, want := range q.Fixed {
			if groupOf[id] != want {
				t.Fatalf("round %d: %s fixed to %d is in %d", round, id, want, groupOf[id])
			}
		}
		if keep {
			regionGroup := map[string]int{}
			for _, o := range f.Orgs {
				if o.Region == "" {
					continue
				}
				if g, ok := regionGroup[o.Region]; ok && g != groupOf[o.ID] {
					t.Fatalf("round %d: region %s split", round, o.Region)
				}
				regionGroup[o.Region] = groupOf[o.ID]
			}
		}
		aff := naiveAffinity(f, q.Asker, DefaultWeights, today)
		checkScores(t, g.Groups, g.Score, aff)
		if c := g.Compared; len(c.Broken) != 0 || c.Difference != round3(g.Score-c.Score) {
			t.Fatalf("round %d: the planted grouping breaks %v; difference %v", round, c.Broken, c.Difference)
		} else {
			checkScores(t, c.Groups, c.Score, aff)
		}
	}
}

// TestGroupingExactSearch: the exhaustive search the heuristics fall back
// on finds a grouping within the bounds exactly when one exists (by brute
// force over every assignment), and the one it finds meets them.
func TestGroupingExactSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	found := 0
	for round := range 300 {
		n := 2 + rng.IntN(7)
		f := randomWorld(rng, n)
		x := Build(f)
		var ids []string
		for _, o := range f.Orgs {
			ids = append(ids, o.ID)
		}
		q := GroupingQuery{Organizations: ids, Groups: 1 + rng.IntN(min(3, n)), KeepRegions: rng.IntN(3) == 0, Today: today}
		total := 0
		for _, o := range f.Orgs {
			total += o.Population
		}
		q.MinPopulation = rng.IntN(total/q.Groups + 1)
		q.MaxPopulation = q.MinPopulation + rng.IntN(total/q.Groups+1)
		if rng.IntN(2) == 0 {
			q.MaxMembers = 1 + rng.IntN(n)
		}
		if rng.IntN(3) == 0 {
			q.Fixed = map[string]int{ids[0]: 1}
		}
		gr, err := x.newGrouper(q)
		if err != nil {
			continue
		}
		gr.buildUnits()
		unitsOK := gr.checkUnits() == nil
		gr.affinities()
		gr.unitAffinities()
		// Brute force over every assignment of units to groups.
		U, k := len(gr.units), gr.k
		exists := false
		of := make([]int, U)
		for code := 0; code < int(math.Pow(float64(k), float64(U))) && !exists; code++ {
			c := code
			for u := range of {
				of[u], c = c%k, c/k
			}
			size, pop := make([]int, k), make([]int64, k)
			ok := true
			for u, un := range gr.units {
				size[of[u]] += un.size
				pop[of[u]] += un.pop
				ok = ok && (un.fixed < 0 || un.fixed == of[u])
			}
			for g := range k {
				ok = ok && gr.viol(size[g], pop[g]) == 0
			}
			exists = ok
		}
		if !unitsOK {
			if exists {
				t.Fatalf("round %d: the units are refused, yet a grouping exists", round)
			}
			continue
		}
		st, ok := gr.exact(1 << 20)
		if ok != exists {
			t.Fatalf("round %d: exact search finds %v, brute force %v", round, ok, exists)
		}
		if ok {
			found++
			if st.violation() != 0 || slices.Contains(st.of, -1) {
				t.Fatalf("round %d: exact search returns %v outside the bounds", round, st.of)
			}
			for u, un := range gr.units {
				if un.fixed >= 0 && st.of[u] != un.fixed {
					t.Fatalf("round %d: a fixed unit moved", round)
				}
			}
		}
	}
	if found < 20 {
		t.Fatalf("only %d instances had a grouping", found)
	}
}

// TestGroupingDeterministic: the same query gives the same answer, on the
// same index and on one built anew.
func TestGroupingDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for round := range 30 {
		f := randomWorld(rng, 6+rng.IntN(30))
		var ids []string
		for _, o := range f.Orgs {
			ids = append(ids, o.ID)
		}
		q := GroupingQuery{Asker: f.Orgs[0].ID, Organizations: ids, Groups: 2 + rng.IntN(3), MaxMembers: len(ids)/2 + 1, Today: today}
		x := Build(f)
		a, errA := x.Grouping(q)
		b, errB := x.Grouping(q)
		c, errC := Build(f).Grouping(q)
		if errA != nil || errB != nil || errC != nil {
			t.Fatal(errA, errB, errC)
		}
		if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(a, c) {
			t.Fatalf("round %d: answers differ", round)
		}
	}
}

// TestGroupingPrivateRecordsShapeNothing: adding, removing or changing an
// organisation's private usages and contracts changes no grouping that
// another organisation asks for, and none asked without an organisation.
func TestGroupingPrivateRecordsShapeNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for round := range 60 {
		n := 4 + rng.IntN(10)
		f := randomWorld(rng, n)
		owner := f.Orgs[rng.IntN(n)].ID
		changed := *f
		d := today.AddDays(20)
		changed.Usages = append(slices.Clone(f.Usages), Usage{OrgID: owner, SystemID: "sys0", SystemName: "sys0", Visibility: samspil.VisibilityPrivate},
			Usage{OrgID: owner, SystemID: "secret", SystemName: "secret", Visibility: samspil.VisibilityPrivate})
		changed.Contracts = append(slices.Clone(f.Contracts), Contract{ID: "new", OrgID: owner, SystemIDs: []string{"sys1", "sys2"},
			NextDecision: &d, NoticeBy: &d, Visibility: samspil.VisibilityPrivate})
		for i, u := range changed.Usages {
			if u.OrgID == owner && u.Visibility == samspil.VisibilityPrivate && u.SystemID != "sys0" && u.SystemID != "secret" {
				changed.Usages = append(slices.Clone(changed.Usages[:i]), changed.Usages[i+1:]...)
				break
			}
		}
		for i, c := range changed.Contracts {
			if c.OrgID == owner && c.Visibility == samspil.VisibilityPrivate && c.ID != "new" {
				c.NextDecision = &d
				changed.Contracts = slices.Clone(changed.Contracts)
				changed.Contracts[i] = c
				break
			}
		}
		before, after := Build(f), Build(&changed)
		var ids []string
		for _, o := range f.Orgs {
			ids = append(ids, o.ID)
		}
		k := 1 + rng.IntN(3)
		compare := make([][]string, k)
		for i, id := range ids {
			compare[i%k] = append(compare[i%k], id)
		}
		askers := []string{""}
		for _, o := range f.Orgs {
			if o.ID != owner {
				askers = append(askers, o.ID)
			}
		}
		for _, asker := range askers {
			q := GroupingQuery{Asker: asker, Organizations: ids, Groups: k, MaxMembers: n/k + 1, Compare: compare, Today: today}
			a, errA := before.Grouping(q)
			b, errB := after.Grouping(q)
			if errA != nil || errB != nil {
				t.Fatal(errA, errB)
			}
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("round %d: a private change of %s changed the grouping %q asks for:\n%+v\n%+v", round, owner, asker, a, b)
			}
		}
	}
}

// TestGroupingBadInput: every constraint that cannot be met, and every
// malformed query, is EINVALID naming its field.
func TestGroupingBadInput(t *testing.T) {
	muni := func(id, region string, pop int) Org {
		return Org{ID: id, Name: "Kommune " + id, Kind: samspil.KindMunicipality, Country: "DK", Region: region, Population: pop,
			Visibility: samspil.VisibilityPublic}
	}
	f := &Facts{Orgs: []Org{muni("o1", "r1", 10), muni("o2", "r1", 10), muni("o3", "r1", 10), muni("o4", "r1", 10),
		muni("o5", "r2", 10), muni("o6", "r2", 10), muni("o7", "", 10),
		muni("p1", "", 6), muni("p2", "", 6), muni("p3", "", 6), muni("p4", "", 2),
		{ID: "hidden", Name: "Hidden", Kind: samspil.KindCommunity, Visibility: samspil.VisibilityPrivate}}}
	x := Build(f)
	all := []string{"o1", "o2", "o3", "o4", "o5", "o6", "o7"}
	base := func(edit func(q *GroupingQuery)) GroupingQuery {
		q := GroupingQuery{Organizations: all, Groups: 2, Today: today}
		edit(&q)
		return q
	}
	for _, c := range []struct {
		name  string
		q     GroupingQuery
		field string
		text  string
	}{
		{"no groups", base(func(q *GroupingQuery) { q.Groups = 0 }), "groups", "must be at least 1"},
		{"more groups than organisations", base(func(q *GroupingQuery) { q.Groups = 8 }), "groups", "8 groups are more than the 7 organisations chosen"},
		{"one organisation", base(func(q *GroupingQuery) { q.Organizations = []string{"o1"}; q.Groups = 1 }), "organizations", ""},
		{"unknown organisation", base(func(q *GroupingQuery) { q.Organizations = []string{"o1", "nobody"} }), "organizations", "unknown organisation nobody"},
		{"invisible organisation", base(func(q *GroupingQuery) { q.Organizations = []string{"o1", "hidden"} }), "organizations", "unknown organisation hidden"},
		{"twice", base(func(q *GroupingQuery) { q.Organizations = []string{"o1", "o2", "o1"} }), "organizations", "o1 is chosen twice"},
		{"negative", base(func(q *GroupingQuery) { q.MaxPopulation = -1 }), "max_population", "must not be negative"},
		{"min above max members", base(func(q *GroupingQuery) { q.MinMembers, q.MaxMembers = 3, 2 }), "min_members", ""},
		{"too few places", base(func(q *GroupingQuery) { q.MaxMembers = 3 }), "max_members", "2 groups of at most 3 members cannot hold the 7 organisations chosen"},
		{"too many places", base(func(q *GroupingQuery) { q.MinMembers = 4 }), "min_members", ""},
		{"min above max population", base(func(q *GroupingQuery) { q.MinPopulation, q.MaxPopulation = 30, 20 }), "min_population", ""},
		{"too few inhabitants", base(func(q *GroupingQuery) { q.MinPopulation = 36 }), "min_population", ""},
		{"too many inhabitants", base(func(q *GroupingQuery) { q.MaxPopulation = 34 }), "max_population", ""},
		{"one organisation too large", base(func(q *GroupingQuery) {
			q.Organizations, q.MaxPopulation = []string{"p1", "p4"}, 5
		}), "max_population", "Kommune p1 alone has 6 inhabitants, more than 5"},
		{"region above max members", base(func(q *GroupingQuery) { q.KeepRegions, q.Groups, q.MaxMembers = true, 3, 3 }), "max_members",
			"region r1 alone has 4 of the organisations, more than 3"},
		{"region above max population", base(func(q *GroupingQuery) { q.KeepRegions, q.MaxPopulation = true, 39 }), "max_population",
			"region r1 alone has 40 inhabitants, more than 39"},
		{"too few regions", base(func(q *GroupingQuery) { q.KeepRegions, q.Groups = true, 4 }), "keep_regions", ""},
		{"fixed not chosen", base(func(q *GroupingQuery) { q.Fixed = map[string]int{"p1": 1} }), "fixed", "p1 is not among the organisations chosen"},
		{"fixed unknown", base(func(q *GroupingQuery) { q.Fixed = map[string]int{"nobody": 1} }), "fixed", ""},
		{"fixed to group 0", base(func(q *GroupingQuery) { q.Fixed = map[string]int{"o1": 0} }), "fixed", ""},
		{"fixed beyond the groups", base(func(q *GroupingQuery) { q.Fixed = map[string]int{"o1": 3} }), "fixed",
			"Kommune o1 is fixed to group 3; the groups are numbered 1 to 2"},
		{"region fixed apart", base(func(q *GroupingQuery) { q.KeepRegions, q.Fixed = true, map[string]int{"o1": 1, "o2": 2} }), "fixed", ""},
		{"too many fixed", base(func(q *GroupingQuery) {
			q.MaxMembers, q.Fixed = 4, map[string]int{"o1": 1, "o2": 1, "o3": 1, "o5": 1, "o6": 1}
		}), "fixed",
			"group 1 has 5 members fixed to it, more than 4"},
		{"fixed too populous", base(func(q *GroupingQuery) {
			q.MaxPopulation, q.Fixed = 40, map[string]int{"o1": 2, "o2": 2, "o3": 2, "o5": 2, "o6": 2}
		}),
			"fixed", ""},
		{"compare without groups", base(func(q *GroupingQuery) { q.Compare = [][]string{} }), "compare", ""},
		{"compare empty group", base(func(q *GroupingQuery) { q.Compare = [][]string{all, {}} }), "compare", "group 2 is empty"},
		{"compare missing", base(func(q *GroupingQuery) { q.Compare = [][]string{all[:3], all[4:]} }), "compare", "Kommune o4 is in none of the groups"},
		{"compare twice", base(func(q *GroupingQuery) { q.Compare = [][]string{all, {"o1"}} }), "compare", "Kommune o1 is in more than one group"},
		{"compare unknown", base(func(q *GroupingQuery) { q.Compare = [][]string{all, {"p1"}} }), "compare", "p1 is not among the organisations chosen"},
		{"window", base(func(q *GroupingQuery) { q.Weights = &Weights{WindowMonths: 0} }), "window_months", ""},
		// Every bound can be met alone, but no two of 6, 6, 6 and 2
		// inhabitants make 10: the search says so instead of answering.
		{"no grouping within the bounds", GroupingQuery{Organizations: []string{"p1", "p2", "p3", "p4"}, Groups: 2, MinPopulation: 10, MaxPopulation: 10},
			"population", "no grouping was found in which every group has"},
	} {
		t.Run(c.name, func(t *testing.T) {
			g, err := x.Grouping(c.q)
			var e *samspil.Error
			if g != nil || !errors.As(err, &e) || e.Code != samspil.EINVALID || len(e.Fields) != 1 || !strings.Contains(e.Fields[0].Path, c.field) {
				t.Fatalf("got %+v, %v; want EINVALID on %s", g, err, c.field)
			}
			if !strings.Contains(e.Message, c.text) {
				t.Errorf("message %q lacks %q", e.Message, c.text)
			}
		})
	}
	if _, err := x.Grouping(GroupingQuery{Asker: "nobody", Organizations: all, Groups: 2}); samspil.ErrorCode(err) != samspil.ENOTFOUND {
		t.Errorf("unknown asker: %v", err)
	}
}

// TestGroupingTextsTranslated: every error and phrase format of the
// grouping has a Danish translation taking the same arguments.
func TestGroupingTextsTranslated(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "web", "i18n", "da.json"))
	if err != nil {
		t.Fatal(err)
	}
	da := map[string]string{}
	if err := json.Unmarshal(b, &da); err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "grouping.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	verb := regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z%]`)
	found := 0
	ast.Inspect(file, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		arg, ok := map[string]int{"ErrorAt": 2, "Phrasef": 0, "Errorf": 1, "NotFound": 0}[sel.Sel.Name]
		if x, isIdent := sel.X.(*ast.Ident); !ok || !isIdent || x.Name != "samspil" {
			return true
		}
		lit, ok := call.Args[arg].(*ast.BasicLit)
		if !ok {
			t.Errorf("%s: a format that is not a literal", fset.Position(call.Pos()))
			return true
		}
		f, _ := strconv.Unquote(lit.Value)
		if sel.Sel.Name == "NotFound" {
			f += " not found"
		}
		found++
		switch tr := da[f]; {
		case tr == "" || tr == f:
			t.Errorf("%q has no Danish translation", f)
		case !slices.Equal(verb.FindAllString(tr, -1), verb.FindAllString(f, -1)):
			t.Errorf("%q: the Danish text %q takes other arguments", f, tr)
		}
		return true
	})
	if found < 30 {
		t.Fatalf("found only %d formats", found)
	}
}

// BenchmarkGrouping98 groups 98 organisations, each running 300 of 1,200
// systems (some far more popular than others) with contracts for a third
// of them, into 5 groups of 15 to 25 members, regions kept apart.
func BenchmarkGrouping98(b *testing.B) {
	rng := rand.New(rand.NewPCG(98, 5))
	f := &Facts{}
	var ids []string
	for i := range 98 {
		id := fmt.Sprintf("m%03d", i)
		ids = append(ids, id)
		f.Orgs = append(f.Orgs, Org{ID: id, Name: "Kommune " + id, Kind: samspil.KindMunicipality, Country: "DK", Region: fmt.Sprint(1081 + i%5),
			Population: 20000 + rng.IntN(100000), Visibility: samspil.VisibilityPublic})
		seen := map[int]bool{}
		for len(seen) < 300 {
			// Popular systems first: the square skews choices to low numbers.
			s := int(1200 * math.Pow(rng.Float64(), 2))
			if seen[s] {
				continue
			}
			seen[s] = true
			sys := fmt.Sprintf("sys%04d", s)
			vis := samspil.VisibilitySector
			if rng.IntN(10) == 0 {
				vis = samspil.VisibilityPrivate
			}
			f.Usages = append(f.Usages, Usage{OrgID: id, SystemID: sys, SystemName: sys, Visibility: vis})
			if rng.IntN(3) == 0 {
				d := today.AddDays(rng.IntN(4 * 365))
				notice := d.AddMonths(-6)
				f.Contracts = append(f.Contracts, Contract{ID: fmt.Sprint(id, sys), OrgID: id, SystemIDs: []string{sys}, NextDecision: &d, NoticeBy: &notice,
					Visibility: samspil.VisibilitySector})
			}
		}
	}
	x := Build(f)
	q := GroupingQuery{Asker: ids[0], Organizations: ids, Groups: 5, MinMembers: 15, MaxMembers: 25, Today: today}
	b.ResetTimer()
	for b.Loop() {
		if _, err := x.Grouping(q); err != nil {
			b.Fatal(err)
		}
	}
}

// TestGroupingBalancedByDefault: without bounds on size, no group takes
// more than half again of an even share.
func TestGroupingBalancedByDefault(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	f := randomFacts(rng, 12)
	x := Build(f)
	var ids []string
	for _, o := range f.Orgs {
		ids = append(ids, o.ID)
	}
	g, err := x.Grouping(GroupingQuery{Asker: ids[0], Organizations: ids, Groups: 3, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	for _, grp := range g.Groups {
		if len(grp.Members) > 6 {
			t.Errorf("group %d has %d of 12 members", grp.Number, len(grp.Members))
		}
	}
}
