package samspil

import (
	"math/big"
	"sort"
	"strconv"
)

// Cost sharing (DESIGN §3.5): how a cost is split among the organisations
// that take part in an initiative. Every key turns the participants into
// weights and splits an amount in øre by them with the largest-remainder
// method, so the shares are never negative and always sum exactly to the
// amount; the staircase key sets a price per participant instead.

// CostParticipant is an organisation that shares a cost.
type CostParticipant struct {
	OrganizationID string
	Population     int // inhabitants, for the per-capita keys and size classes
	// BasisPoints is the participant's share under fixed percentages, in
	// hundredths of a per cent (10,000 is 100 %).
	BasisPoints int
}

// SizeClass is a price class by inhabitants: a participant with at most
// UpTo inhabitants (0 for no upper bound) is in the class.
type SizeClass struct {
	UpTo  int `json:"up_to" minimum:"0" doc:"The most inhabitants in the class; 0 on the last class (no upper bound)"`
	Price DKK `json:"price" doc:"The class's price; under the size-class key the prices are the classes' weights"`
}

// StairStep is a price per participant that applies from a number of
// participants on.
type StairStep struct {
	From  int `json:"from" minimum:"1" doc:"The number of participants from which the price applies"`
	Price DKK `json:"price" doc:"The price each participant pays"`
}

// CostParams tunes the keys; the zero value takes the defaults.
type CostParams struct {
	// DegressiveAbove and DegressiveFactor: under per capita degressive,
	// inhabitants above DegressiveAbove count DegressiveFactor
	// (numerator/denominator); default 150,000 and 1/2.
	DegressiveAbove  int
	DegressiveFactor [2]int
	// SizeClasses, by rising UpTo, the last without a bound; default the
	// OS2 classes (below 25,000, to 60,000, to 120,000, above) priced
	// 1:2:3:4. The prices are the classes' weights in the split.
	SizeClasses []SizeClass
	// Staircase, by rising From starting at 1, with prices that never
	// rise: every participant pays the price of the step the number of
	// participants reaches.
	Staircase []StairStep
}

// DefaultSizeClasses are OS2's size classes; the prices are relative.
var DefaultSizeClasses = []SizeClass{{UpTo: 24999, Price: 1}, {UpTo: 60000, Price: 2}, {UpTo: 120000, Price: 3}, {UpTo: 0, Price: 4}}

// CostSplit is the result of a split: the shares in the order of the
// participants, and their sum.
type CostSplit struct {
	Key    CostKey
	Total  DKK
	Shares []DKK
}

// SplitCost splits total among the participants under key. The staircase
// key ignores total: the participants pay the step's price each, and the
// split's Total is their sum. A problem with the input is an EINVALID
// error naming the field.
func SplitCost(key CostKey, total DKK, ps []CostParticipant, p CostParams) (*CostSplit, error) {
	var v Validation
	v.OneOf("cost_key", key)
	v.Check(total >= 0, "total", "must not be negative")
	v.Check(len(ps) > 0, "participants", "must name at least one organisation")
	for i, x := range ps {
		v.Check(x.Population >= 0, "participants["+strconv.Itoa(i)+"].population", "must not be negative")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	weights := make([]int64, len(ps))
	switch key {
	case CostEqual:
		for i := range weights {
			weights[i] = 1
		}
	case CostPerCapita:
		for i, x := range ps {
			weights[i] = int64(x.Population)
		}
	case CostPerCapitaDegresive:
		above, num, den := p.DegressiveAbove, p.DegressiveFactor[0], p.DegressiveFactor[1]
		if above == 0 {
			above = 150000
		}
		if den == 0 {
			num, den = 1, 2
		}
		v.Check(above > 0, "degressive_above", "must be positive")
		v.Check(num >= 0 && num <= den, "degressive_factor", "must be between 0 and 1")
		for i, x := range ps {
			below := min(x.Population, above)
			weights[i] = int64(below)*int64(den) + int64(x.Population-below)*int64(num)
		}
	case CostSizeClasses:
		classes := p.SizeClasses
		if len(classes) == 0 {
			classes = DefaultSizeClasses
		}
		checkSizeClasses(&v, classes)
		if v.Err() == nil {
			for i, x := range ps {
				weights[i] = int64(classOf(classes, x.Population).Price)
			}
		}
	case CostFixedPercentages:
		sum := 0
		for i, x := range ps {
			v.Check(x.BasisPoints >= 0, "participants["+strconv.Itoa(i)+"].basis_points", "must not be negative")
			sum += x.BasisPoints
			weights[i] = int64(x.BasisPoints)
		}
		v.Check(sum == 10000, "percentages", "must sum to 100 %% (10000 basis points), not %d", sum)
	case CostStaircase:
		checkStaircase(&v, p.Staircase)
		if err := v.Err(); err != nil {
			return nil, err
		}
		price := stepPrice(p.Staircase, len(ps))
		s := &CostSplit{Key: key, Shares: make([]DKK, len(ps))}
		for i := range ps {
			s.Shares[i] = price
			s.Total += price
		}
		return s, nil
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var sum int64
	for _, w := range weights {
		sum += w
	}
	if sum == 0 {
		return nil, ErrorAt(EINVALID, "participants", "have no weight under this key (no inhabitants given)")
	}
	return &CostSplit{Key: key, Total: total, Shares: LargestRemainder(total, weights)}, nil
}

// LargestRemainder splits total (øre, not negative) in proportion to the
// weights (not negative, not all zero): everyone gets the whole øre of
// their exact share, and the øre left over go one each to the largest
// fractions, ties to the earlier participant. The shares sum to total;
// equal weights get shares at most one øre apart.
func LargestRemainder(total DKK, weights []int64) []DKK {
	sum := new(big.Int)
	for _, w := range weights {
		sum.Add(sum, big.NewInt(w))
	}
	shares := make([]DKK, len(weights))
	type rest struct {
		i   int
		rem *big.Int
	}
	rests := make([]rest, len(weights))
	left := int64(total)
	for i, w := range weights {
		q, r := new(big.Int).QuoRem(new(big.Int).Mul(big.NewInt(int64(total)), big.NewInt(w)), sum, new(big.Int))
		shares[i] = DKK(q.Int64())
		left -= q.Int64()
		rests[i] = rest{i, r}
	}
	sort.SliceStable(rests, func(a, b int) bool { return rests[a].rem.Cmp(rests[b].rem) > 0 })
	for k := 0; left > 0; k++ {
		shares[rests[k%len(rests)].i]++
		left--
	}
	return shares
}

func checkSizeClasses(v *Validation, classes []SizeClass) {
	prev := 0
	for i, c := range classes {
		path := "size_classes[" + strconv.Itoa(i) + "]"
		v.Check(c.Price >= 0, path+".price", "must not be negative")
		last := i == len(classes)-1
		if last {
			v.Check(c.UpTo == 0, path+".up_to", "must be empty on the last class (no upper bound)")
		} else {
			v.Check(c.UpTo > prev, path+".up_to", "must be above the class before")
			prev = c.UpTo
		}
	}
}

// classOf is the class of a population.
func classOf(classes []SizeClass, population int) SizeClass {
	for _, c := range classes {
		if c.UpTo == 0 || population <= c.UpTo {
			return c
		}
	}
	return classes[len(classes)-1]
}

func checkStaircase(v *Validation, steps []StairStep) {
	if len(steps) == 0 {
		v.Add("staircase", "must have at least one step")
		return
	}
	v.Check(steps[0].From == 1, "staircase[0].from", "must be 1")
	for i, s := range steps {
		path := "staircase[" + strconv.Itoa(i) + "]"
		v.Check(s.Price >= 0, path+".price", "must not be negative")
		if i > 0 {
			v.Check(s.From > steps[i-1].From, path+".from", "must be above the step before")
			v.Check(s.Price <= steps[i-1].Price, path+".price", "must not be above the step before (the price falls as more join)")
		}
	}
}

// stepPrice is the price per participant with n participants.
func stepPrice(steps []StairStep, n int) DKK {
	i := sort.Search(len(steps), func(i int) bool { return steps[i].From > n }) - 1
	return steps[max(i, 0)].Price
}
