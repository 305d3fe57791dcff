package samspil

import (
	"math/rand/v2"
	"testing"
)

func sumOf(xs []DKK) DKK {
	var s DKK
	for _, x := range xs {
		s += x
	}
	return s
}

// randomParticipants returns n municipalities of plausible sizes.
func randomParticipants(r *rand.Rand, n int) []CostParticipant {
	ps := make([]CostParticipant, n)
	for i := range ps {
		ps[i] = CostParticipant{OrganizationID: orgName(i), Population: 1700 + r.IntN(660000)}
	}
	return ps
}

func orgName(i int) string { return string(rune('A'+i%26)) + string(rune('a'+i/26%26)) }

// TestLargestRemainderProperties: shares are never negative, sum exactly to
// the total, differ from the exact share by less than one øre, and equal
// weights get shares at most one øre apart.
func TestLargestRemainderProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for round := 0; round < 20000; round++ {
		n := 1 + r.IntN(12)
		total := DKK(r.Int64N(1_000_000_000_00)) // up to a billion kroner
		if round%5 == 0 {
			total = DKK(r.IntN(n * 3)) // a few øre: the remainders matter
		}
		weights := make([]int64, n)
		for i := range weights {
			weights[i] = int64(r.IntN(4)) // many equal and zero weights
			if round%3 == 0 {
				weights[i] = int64(r.IntN(2_000_000_000))
			}
		}
		weights[r.IntN(n)]++ // never all zero
		shares := LargestRemainder(total, weights)
		if sumOf(shares) != total {
			t.Fatalf("weights %v total %d: shares %v sum to %d", weights, total, shares, sumOf(shares))
		}
		var wsum float64
		for _, w := range weights {
			wsum += float64(w)
		}
		for i, s := range shares {
			if s < 0 {
				t.Fatalf("negative share %v", shares)
			}
			exact := float64(total) * float64(weights[i]) / wsum
			if d := float64(s) - exact; d <= -1.000001 || d >= 1.000001 {
				t.Fatalf("weights %v total %d: share %d of exact %.3f", weights, total, s, exact)
			}
			for j := range shares {
				if weights[i] == weights[j] && (s-shares[j] > 1 || shares[j]-s > 1) {
					t.Fatalf("equal weights, shares %d and %d", s, shares[j])
				}
			}
		}
	}
}

// TestSplitCostKeys: each key on Silkeborg (97,000), Viborg (97,800),
// Skive (45,000) and København (660,000), by hand.
func TestSplitCostKeys(t *testing.T) {
	ps := []CostParticipant{{"silkeborg", 97000, 2500}, {"viborg", 97800, 2500}, {"skive", 45000, 1000}, {"kbh", 660000, 4000}}
	total := DKK(1_000_000_00) // 1,000,000 kr.
	cases := []struct {
		key  CostKey
		p    CostParams
		want []DKK
	}{
		{CostEqual, CostParams{}, []DKK{250_000_00, 250_000_00, 250_000_00, 250_000_00}},
		// 899,800 inhabitants in all; the one øre left goes to Silkeborg's
		// largest fraction (.37 before Skive's .36).
		{CostPerCapita, CostParams{}, []DKK{10780174, 10869082, 5001111, 73349633}},
		// København counts 150,000 + 510,000/2 = 405,000: 644,800 in all.
		{CostPerCapitaDegresive, CostParams{}, []DKK{15043424, 15167494, 6978908, 62810174}},
		// OS2 classes: 60–120k (3), 60–120k (3), 25–60k (2), above (4) of 12.
		{CostSizeClasses, CostParams{}, []DKK{25_000_000, 25_000_000, 16666667, 33333333}},
		{CostFixedPercentages, CostParams{}, []DKK{25_000_000, 25_000_000, 10_000_000, 40_000_000}},
		// Four participants reach the step from 3: 60,000 kr. each.
		{CostStaircase, CostParams{Staircase: []StairStep{{1, 100_000_00}, {3, 60_000_00}, {6, 45_000_00}}}, []DKK{60_000_00, 60_000_00, 60_000_00, 60_000_00}},
	}
	for _, c := range cases {
		s, err := SplitCost(c.key, total, ps, c.p)
		if err != nil {
			t.Fatalf("%s: %v", c.key, err)
		}
		for i := range c.want {
			if s.Shares[i] != c.want[i] {
				t.Errorf("%s: shares %v, want %v", c.key, s.Shares, c.want)
				break
			}
		}
		if c.key != CostStaircase && s.Total != total || sumOf(s.Shares) != s.Total {
			t.Errorf("%s: total %d, shares sum to %d", c.key, s.Total, sumOf(s.Shares))
		}
	}
}

// TestSplitCostAddingParticipant: with a fixed total, adding a participant
// never raises anyone's share under the equal and per-capita keys (up to
// the one øre rounding may move), nor under a staircase whose prices fall.
func TestSplitCostAddingParticipant(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	stairs := CostParams{Staircase: []StairStep{{1, 90_000_00}, {2, 70_000_00}, {4, 50_000_00}, {8, 40_000_00}}}
	for round := 0; round < 5000; round++ {
		n := 1 + r.IntN(10)
		ps := randomParticipants(r, n+1)
		total := DKK(r.Int64N(10_000_000_00))
		for _, key := range []CostKey{CostEqual, CostPerCapita, CostPerCapitaDegresive, CostStaircase} {
			before, err := SplitCost(key, total, ps[:n], stairs)
			if err != nil {
				t.Fatal(err)
			}
			after, err := SplitCost(key, total, ps, stairs)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < n; i++ {
				if after.Shares[i] > before.Shares[i]+1 {
					t.Fatalf("%s: participant %d pays %d with %d participants and %d with one more", key, i, before.Shares[i], n, after.Shares[i])
				}
			}
		}
	}
}

// TestSplitCostBadInput: each problem names its field.
func TestSplitCostBadInput(t *testing.T) {
	ps := []CostParticipant{{"a", 1000, 5000}, {"b", 2000, 4000}}
	for _, c := range []struct {
		key   CostKey
		total DKK
		ps    []CostParticipant
		p     CostParams
		field string
	}{
		{"by_mood", 100, ps, CostParams{}, "cost_key"},
		{CostEqual, -1, ps, CostParams{}, "total"},
		{CostEqual, 100, nil, CostParams{}, "participants"},
		{CostPerCapita, 100, []CostParticipant{{"a", -5, 0}}, CostParams{}, "participants[0].population"},
		{CostPerCapita, 100, []CostParticipant{{"a", 0, 0}}, CostParams{}, "participants"},
		{CostFixedPercentages, 100, ps, CostParams{}, "percentages"},
		{CostFixedPercentages, 100, []CostParticipant{{"a", 0, 11000}, {"b", 0, -1000}}, CostParams{}, "participants[1].basis_points"},
		{CostPerCapitaDegresive, 100, ps, CostParams{DegressiveFactor: [2]int{3, 2}}, "degressive_factor"},
		{CostSizeClasses, 100, ps, CostParams{SizeClasses: []SizeClass{{50000, 1}, {40000, 2}, {0, 3}}}, "size_classes[1].up_to"},
		{CostSizeClasses, 100, ps, CostParams{SizeClasses: []SizeClass{{50000, 1}, {90000, 2}}}, "size_classes[1].up_to"},
		{CostStaircase, 0, ps, CostParams{}, "staircase"},
		{CostStaircase, 0, ps, CostParams{Staircase: []StairStep{{1, 10}, {3, 20}}}, "staircase[1].price"},
		{CostStaircase, 0, ps, CostParams{Staircase: []StairStep{{2, 10}}}, "staircase[0].from"},
	} {
		_, err := SplitCost(c.key, c.total, c.ps, c.p)
		found := false
		if e, ok := err.(*Error); ok {
			for _, f := range e.Fields {
				found = found || f.Path == c.field
			}
		}
		if ErrorCode(err) != EINVALID || !found {
			t.Errorf("%s %d %v: %v, want a problem with %s", c.key, c.total, c.p, err, c.field)
		}
	}
}
