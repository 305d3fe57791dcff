package opportunity

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
)

var today = samspil.NewDate(2026, 12, 6)

func date(y int, m time.Month, d int) *samspil.Date { v := samspil.NewDate(y, m, d); return &v }

// world is four municipalities and a vendor: Silkeborg and Viborg in the
// same region and partners, Aarhus in the same region, Aalborg elsewhere.
func world() *Facts {
	muni := func(id, name, region string, pop int) Org {
		return Org{ID: id, Name: name, Kind: samspil.KindMunicipality, Country: "DK", Region: region, Population: pop, Visibility: samspil.VisibilityPublic}
	}
	use := func(org, sys string, v samspil.Visibility) Usage {
		return Usage{OrgID: org, SystemID: sys, SystemName: strings.ToUpper(sys), Visibility: v}
	}
	return &Facts{
		Orgs: []Org{muni("s", "Silkeborg", "1082", 97000), muni("v", "Viborg", "1082", 97500), muni("a", "Aarhus", "1082", 370000),
			muni("b", "Aalborg", "1081", 220000), {ID: "k", Name: "KMD", Kind: samspil.KindCompany, Country: "DK", Visibility: samspil.VisibilityPublic}},
		Usages: []Usage{
			use("s", "acadre", samspil.VisibilitySector), use("v", "acadre", samspil.VisibilitySector),
			use("s", "office", samspil.VisibilitySector), use("v", "office", samspil.VisibilitySector), use("a", "office", samspil.VisibilitySector),
			use("b", "office", samspil.VisibilitySector), use("k", "office", samspil.VisibilitySector),
			use("a", "sbsys", samspil.VisibilitySector), use("s", "sbsys", samspil.VisibilityPrivate),
			use("b", "nexus", samspil.VisibilityPrivate), use("s", "nexus", samspil.VisibilitySector),
			use("v", "kmdsag", samspil.VisibilityPartners), use("s", "kmdsag", samspil.VisibilitySector), use("a", "kmdsag", samspil.VisibilitySector),
		},
		Contracts: []Contract{
			{ID: "c1", OrgID: "s", SystemIDs: []string{"acadre"}, NextDecision: date(2027, 6, 30), NoticeBy: date(2026, 12, 31), Visibility: samspil.VisibilitySector},
			{ID: "c2", OrgID: "v", SystemIDs: []string{"acadre"}, NextDecision: date(2027, 9, 30), NoticeBy: date(2027, 3, 31), Visibility: samspil.VisibilitySector},
			{ID: "c3", OrgID: "a", SystemIDs: []string{"office"}, NextDecision: date(2027, 1, 31), NoticeBy: date(2026, 10, 31), Visibility: samspil.VisibilitySector},
			{ID: "c4", OrgID: "s", SystemIDs: []string{"office"}, NextDecision: date(2027, 2, 28), NoticeBy: date(2027, 1, 31), Visibility: samspil.VisibilitySector},
			// Aalborg's Office contract simply expires: act by its expiry.
			{ID: "c5", OrgID: "b", SystemIDs: []string{"office"}, NextDecision: date(2027, 5, 31), Visibility: samspil.VisibilitySector},
		},
		Partners: map[string][]string{"s": {"v"}, "v": {"s"}},
		Together: []Together{{A: "s", B: "v", Collaborations: 1, Initiatives: 3}},
	}
}

func find(t *testing.T, ss []Suggestion, id string) *Suggestion {
	t.Helper()
	for i := range ss {
		if ss[i].OrgID == id {
			return &ss[i]
		}
	}
	return nil
}

func term(s *Suggestion, kind TermKind, sys string) *Term {
	for i := range s.Terms {
		if s.Terms[i].Kind == kind && s.Terms[i].SystemID == sys {
			return &s.Terms[i]
		}
	}
	return nil
}

// TestPartnersRanked: Viborg ranks first for Silkeborg: a rare shared
// system (Acadre, 2 of 5) counts far more than one everybody runs
// (Office), their Acadre contracts reach a decision within a year with
// notice still possible, they are of a size, in one region and already
// work together; each term says so. A vendor is never suggested.
func TestPartnersRanked(t *testing.T) {
	x := Build(world())
	got, err := x.Partners("s", Query{Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].OrgID != "v" || !got[0].Partner {
		t.Fatalf("first suggestion %+v", got)
	}
	if find(t, got, "k") != nil {
		t.Error("a vendor is suggested as a partner")
	}
	v := &got[0]
	acadre, office := term(v, TermSharedSystem, "acadre"), term(v, TermSharedSystem, "office")
	if acadre == nil || office == nil || acadre.Points <= office.Points || acadre.UsedBy != 2 || acadre.Of != 5 {
		t.Fatalf("shared systems %+v %+v", acadre, office)
	}
	if office.Points != 0 {
		t.Errorf("a system all sharing organisations run weighs %v", office.Points)
	}
	jp := term(v, TermJointProcurement, "acadre")
	if jp == nil || *jp.ActBy != samspil.NewDate(2026, 12, 31) || *jp.Ours != samspil.NewDate(2027, 6, 30) {
		t.Fatalf("joint procurement %+v", jp)
	}
	if !strings.Contains(jp.Evidence().String(), "act together by 2026-12-31") {
		t.Errorf("evidence %q", jp.Evidence().String())
	}
	var sum float64
	for _, tm := range v.Terms {
		sum += tm.Points
		if tm.Evidence().Format == "" {
			t.Errorf("term %s without evidence", tm.Kind)
		}
	}
	if fmt.Sprintf("%.3f", sum) != fmt.Sprintf("%.3f", v.Score) {
		t.Errorf("terms sum to %v, score %v", sum, v.Score)
	}
	for i := 1; i < len(v.Terms); i++ {
		if v.Terms[i].Points > v.Terms[i-1].Points {
			t.Errorf("terms not largest first: %+v", v.Terms)
		}
	}
	// Aalborg's Office contract expires without notice: act by the
	// earlier of the two days.
	if b := find(t, got, "b"); b == nil || term(b, TermJointProcurement, "office") == nil || *term(b, TermJointProcurement, "office").ActBy != samspil.NewDate(2027, 1, 31) {
		t.Errorf("Aalborg %+v", b)
	}
	// Aarhus's Office contract: notice passed, so no joint procurement.
	if a := find(t, got, "a"); a == nil || term(a, TermJointProcurement, "office") != nil {
		t.Errorf("Aarhus %+v", a)
	}
}

// TestPartnersSeeOnlyWhatTheyMay: Silkeborg's private SBSYS use still
// counts for Silkeborg, but Aalborg's private Nexus does not show
// anywhere; Viborg's KMD Sag (partners only) counts for Silkeborg, its
// partner, and not for Aarhus.
func TestPartnersSeeOnlyWhatTheyMay(t *testing.T) {
	x := Build(world())
	s, _ := x.Partners("s", Query{Today: today})
	if a := find(t, s, "a"); a == nil || term(a, TermSharedSystem, "sbsys") == nil {
		t.Errorf("Silkeborg's own private use is left out of its own results: %+v", a)
	}
	if b := find(t, s, "b"); b != nil && term(b, TermSharedSystem, "nexus") != nil {
		t.Error("Aalborg's private Nexus shapes Silkeborg's results")
	}
	if v := find(t, s, "v"); v == nil || term(v, TermSharedSystem, "kmdsag") == nil {
		t.Error("Silkeborg, a partner, does not see Viborg's KMD Sag")
	}
	a, _ := x.Partners("a", Query{Today: today})
	if v := find(t, a, "v"); v != nil && term(v, TermSharedSystem, "kmdsag") != nil {
		t.Error("Aarhus sees Viborg's partners-only KMD Sag")
	}
	if s := find(t, a, "s"); s != nil && term(s, TermSharedSystem, "sbsys") != nil {
		t.Error("Aarhus sees Silkeborg's private SBSYS")
	}
}

// TestPartnersFilters: region, size band, only those not yet partners,
// the limit; an unknown organisation is not found.
func TestPartnersFilters(t *testing.T) {
	x := Build(world())
	got, _ := x.Partners("s", Query{Today: today, Region: "1081"})
	if len(got) != 1 || got[0].OrgID != "b" {
		t.Errorf("region 1081: %+v", got)
	}
	got, _ = x.Partners("s", Query{Today: today, NotPartners: true})
	if find(t, got, "v") != nil {
		t.Error("a partner is suggested among those not yet partners")
	}
	got, _ = x.Partners("s", Query{Today: today, MinPop: 200000, MaxPop: 300000})
	if len(got) != 1 || got[0].OrgID != "b" {
		t.Errorf("size band: %+v", got)
	}
	got, _ = x.Partners("s", Query{Today: today, Limit: 1})
	if len(got) != 1 {
		t.Errorf("limit 1: %d", len(got))
	}
	if _, err := x.Partners("nobody", Query{Today: today}); samspil.ErrorCode(err) != samspil.ENOTFOUND {
		t.Errorf("unknown: %v", err)
	}
}

// TestPrivateRecordsShapeNoOtherAnswer: in random worlds, adding,
// removing or changing one organisation's private usage or contract
// changes no other organisation's suggestions (DESIGN §3.2, §3.3).
func TestPrivateRecordsShapeNoOtherAnswer(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vis := []samspil.Visibility{samspil.VisibilityPrivate, samspil.VisibilityPartners, samspil.VisibilitySector, samspil.VisibilityPublic}
	for round := range 60 {
		f := &Facts{Partners: map[string][]string{}}
		n := 3 + rng.IntN(8)
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
		for i := range 6 * n {
			o, s := f.Orgs[rng.IntN(n)].ID, fmt.Sprintf("sys%d", rng.IntN(6))
			f.Usages = append(f.Usages, Usage{OrgID: o, SystemID: s, SystemName: s, Visibility: vis[rng.IntN(4)]})
			d := today.AddDays(rng.IntN(500))
			notice := d.AddMonths(-3)
			f.Contracts = append(f.Contracts, Contract{ID: fmt.Sprint("c", i), OrgID: o, SystemIDs: []string{s}, NextDecision: &d, NoticeBy: &notice,
				Visibility: vis[rng.IntN(4)]})
		}
		answers := func(f *Facts) map[string][]Suggestion {
			x := Build(f)
			out := map[string][]Suggestion{}
			for _, o := range f.Orgs {
				out[o.ID], _ = x.Partners(o.ID, Query{Today: today})
			}
			return out
		}
		before := answers(f)
		owner := f.Orgs[rng.IntN(n)].ID
		changed := *f
		changed.Usages = append(slices.Clone(f.Usages), Usage{OrgID: owner, SystemID: "sys0", SystemName: "sys0", Visibility: samspil.VisibilityPrivate},
			Usage{OrgID: owner, SystemID: "secret", SystemName: "secret", Visibility: samspil.VisibilityPrivate})
		d := today.AddDays(10)
		changed.Contracts = append(slices.Clone(f.Contracts), Contract{ID: "new", OrgID: owner, SystemIDs: []string{"sys1"}, NextDecision: &d, NoticeBy: &d,
			Visibility: samspil.VisibilityPrivate})
		// Drop one of the owner's private usages, when it has one.
		for i, u := range changed.Usages {
			if u.OrgID == owner && u.Visibility == samspil.VisibilityPrivate && u.SystemID != "sys0" && u.SystemID != "secret" {
				changed.Usages = append(slices.Clone(changed.Usages[:i]), changed.Usages[i+1:]...)
				break
			}
		}
		after := answers(&changed)
		for id := range before {
			if id != owner && !reflect.DeepEqual(before[id], after[id]) {
				t.Fatalf("round %d: a private change of %s changed %s's answer:\n%+v\n%+v", round, owner, id, before[id], after[id])
			}
		}
	}
}

func slices_clone[T any](s []T) []T { return append([]T(nil), s...) }

// TestLimitKeepsTheBest: the first suggestions under a limit are the first
// of the whole ranking, in random worlds with ties, also when the
// candidates are ranked in parts.
func TestLimitKeepsTheBest(t *testing.T) {
	defer func(n int) { parallelFrom = n }(parallelFrom)
	rng := rand.New(rand.NewPCG(3, 4))
	for round := range 50 {
		f := &Facts{}
		n := 5 + rng.IntN(60)
		for i := range n {
			f.Orgs = append(f.Orgs, Org{ID: fmt.Sprintf("o%03d", i), Name: fmt.Sprintf("Kommune %d", rng.IntN(n)), Kind: samspil.KindMunicipality,
				Country: "DK", Region: fmt.Sprint(rng.IntN(3)), Population: 1000 * (1 + rng.IntN(5)), Visibility: samspil.VisibilityPublic})
		}
		for range 5 * n {
			s := fmt.Sprintf("sys%d", rng.IntN(12))
			f.Usages = append(f.Usages, Usage{OrgID: f.Orgs[rng.IntN(n)].ID, SystemID: s, SystemName: s, Visibility: samspil.VisibilitySector})
			d := today.AddDays(rng.IntN(700))
			f.Contracts = append(f.Contracts, Contract{OrgID: f.Orgs[rng.IntN(n)].ID, SystemIDs: []string{s}, NextDecision: &d, Visibility: samspil.VisibilitySector})
		}
		x := Build(f)
		asker := f.Orgs[rng.IntN(n)].ID
		parallelFrom = 1 << 30 // in one part
		all, _ := x.Partners(asker, Query{Today: today, Limit: 10000})
		parallelFrom = 0 // in one part a processor
		for _, k := range []int{1, 3, 10} {
			got, _ := x.Partners(asker, Query{Today: today, Limit: k})
			want := all[:min(k, len(all))]
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d, limit %d:\n%+v\nwant\n%+v", round, k, got, want)
			}
		}
	}
}
