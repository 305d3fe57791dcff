package demo

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samspil/samspil"
)

// This file generates synthetic data at European scale for load tests and
// trials: municipalities in several countries, a shared catalogue of
// international, national and regional systems from invented vendors, and
// for every municipality its usages and contracts. Nothing here touches a
// database: the same Config gives the same data, ids included, so that a
// run can be repeated exactly and parts of it generated in any order.
//
// Denmark is left out: its 98 municipalities ship as reference data, and
// invented ones would sit beside the real ones.
//
// Popularity is skewed as in real catalogues: the systems of each pool
// (international, national, regional) are ranked, and an organisation
// picks its systems by weighted sampling without replacement with weights
// falling as 1/rank (Zipf), so a few systems are used nearly everywhere and
// the long tail by few.

// Config sizes a generated data set.
type Config struct {
	Orgs            int   // municipalities to generate
	Seed            int64 // the same seed gives the same data
	UsagesPerOrg    int   // usages of every organisation
	ContractsPerOrg int   // contracts of every organisation
}

// Limits of a Config.
const (
	MaxOrgs            = 1_000_000
	MaxUsagesPerOrg    = 2_000
	MaxContractsPerOrg = 2_000
)

// Default sizes per organisation.
const (
	DefaultUsagesPerOrg    = 300
	DefaultContractsPerOrg = 100
)

// Validate checks the sizes.
func (c Config) Validate() error {
	switch {
	case c.Orgs < 1 || c.Orgs > MaxOrgs:
		return fmt.Errorf("the number of organisations (orgs) must be between 1 and %d; got %d", MaxOrgs, c.Orgs)
	case c.UsagesPerOrg < 0 || c.UsagesPerOrg > MaxUsagesPerOrg:
		return fmt.Errorf("usages per organisation must be between 0 and %d; got %d", MaxUsagesPerOrg, c.UsagesPerOrg)
	case c.ContractsPerOrg < 0 || c.ContractsPerOrg > MaxContractsPerOrg:
		return fmt.Errorf("contracts per organisation must be between 0 and %d; got %d", MaxContractsPerOrg, c.ContractsPerOrg)
	case c.ContractsPerOrg > 0 && c.UsagesPerOrg == 0:
		return fmt.Errorf("contracts cover systems the organisation uses: give at least 1 usage per organisation for %d contracts", c.ContractsPerOrg)
	}
	return nil
}

// Catalogue is the generated shared catalogue: vendors (organisations of
// kind company) and the systems they sell, each owned by its vendor.
type Catalogue struct {
	Vendors []samspil.Organization
	Systems []samspil.System
}

// Landscape is one generated organisation with its usages and contracts.
type Landscape struct {
	Organization samspil.Organization
	Usages       []samspil.Usage
	Contracts    []samspil.Contract
}

// Generator makes the data of a Config. It is safe for concurrent use once
// made: Landscape(i) for different i may run in parallel.
type Generator struct {
	cfg    Config
	prefix [4]byte // of every id, from the seed
	seed   uint64

	orgs []orgPlan // per organisation index

	cat       Catalogue
	invWeight []float64 // per system: 1/weight, for the sampling keys
	intl      int       // systems [0, intl) are international
	national  [][2]int  // per country: the range of its national systems
	regional  [][][2]int
	codeWidth []int // per country: digits of the running number in its codes
}

// orgPlan places an organisation: its country, region and running number
// in its country (or region, where the code starts with the region).
type orgPlan struct {
	country, region uint8
	seq             uint32
}

// Id kinds: the byte after the seed prefix, so ids of different kinds
// never meet.
const (
	idVendor   = 1
	idSystem   = 2
	idOrg      = 3
	idUsage    = 4
	idContract = 5
)

// NewGenerator plans the organisations and makes the catalogue.
func NewGenerator(cfg Config) (*Generator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	h := fnv.New64a()
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(cfg.Seed))
	h.Write([]byte("samspil demo generate"))
	h.Write(b[:])
	g := &Generator{cfg: cfg, seed: h.Sum64()}
	binary.BigEndian.PutUint32(g.prefix[:], uint32(g.seed>>32))
	g.plan()
	g.catalogue()
	return g, nil
}

// Config returns the generator's configuration.
func (g *Generator) Config() Config { return g.cfg }

// rng returns the random source of one thing: stream names what (the plan,
// the catalogue, an organisation) and i which one.
func (g *Generator) rng(stream, i uint64) *rand.Rand {
	return rand.New(rand.NewPCG(g.seed^(stream*0x9e3779b97f4a7c15), i))
}

// Random streams.
const (
	streamPlan = iota + 1
	streamCatalogue
	streamOrg
)

// id returns the UUID of the n-th thing of a kind: the seed's prefix, the
// kind and n, as a version 8 (custom) UUID. Ids of one kind grow with n, so
// rows are appended to the indexes in the order they are written.
func (g *Generator) id(kind byte, n uint64) string {
	var u [16]byte
	copy(u[:4], g.prefix[:])
	u[4] = kind
	u[6] = 0x80 // version 8
	binary.BigEndian.PutUint64(u[8:], n&0x00ffffffffffffff)
	u[8] = 0x80 // RFC 9562 variant
	return formatUUID(u)
}

const hexDigits = "0123456789abcdef"

func formatUUID(u [16]byte) string {
	var s [36]byte
	j := 0
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			s[j] = '-'
			j++
		}
		s[j], s[j+1] = hexDigits[c>>4], hexDigits[c&0x0f]
		j += 2
	}
	return string(s[:])
}

// plan gives every organisation its country, region and running number.
func (g *Generator) plan() {
	total := 0
	for _, c := range genCountries {
		total += c.weight
	}
	g.orgs = make([]orgPlan, g.cfg.Orgs)
	counts := make([][]uint32, len(genCountries)) // per country and region (or country-wide at [0])
	for i := range genCountries {
		counts[i] = make([]uint32, len(genCountries[i].regions))
	}
	for i := range g.orgs {
		r := g.rng(streamPlan, uint64(i))
		x, ci := r.IntN(total), 0
		for x >= genCountries[ci].weight {
			x -= genCountries[ci].weight
			ci++
		}
		c := &genCountries[ci]
		ri := weightedRegion(r, c)
		slot := 0
		if c.regionPrefix {
			slot = ri
		}
		counts[ci][slot]++
		g.orgs[i] = orgPlan{country: uint8(ci), region: uint8(ri), seq: counts[ci][slot]}
	}
	g.codeWidth = make([]int, len(genCountries))
	for ci, c := range genCountries {
		width := c.codeDigits
		if c.regionPrefix {
			width -= 2
		}
		most := slices.Max(counts[ci])
		g.codeWidth[ci] = max(width, len(strconv.Itoa(int(most))))
	}
}

// weightedRegion picks a region, the larger (listed first) more often.
func weightedRegion(r *rand.Rand, c *genCountry) int {
	n := len(c.regions)
	// Weight n-i for the i-th region: the first is n times as likely as
	// the last.
	x := r.IntN(n * (n + 1) / 2)
	for i := 0; i < n; i++ {
		if x < n-i {
			return i
		}
		x -= n - i
	}
	return n - 1
}

// Codes returns the national codes of the generated organisations by
// country.
func (g *Generator) Codes() map[string][]string {
	out := map[string][]string{}
	for i := range g.orgs {
		p := g.orgs[i]
		c := genCountries[p.country].code
		out[c] = append(out[c], g.code(p))
	}
	return out
}

// Countries returns the codes of the countries the generator draws from.
func Countries() []string {
	out := make([]string, len(genCountries))
	for i, c := range genCountries {
		out[i] = c.code
	}
	return out
}

// code returns the national code of a planned organisation: the country's
// letters, the region's two digits where codes start with the region, and
// the running number.
func (g *Generator) code(p orgPlan) string {
	c := &genCountries[p.country]
	var b strings.Builder
	b.WriteString(c.codePrefix)
	if c.regionPrefix {
		fmt.Fprintf(&b, "%02d", c.regions[p.region].number)
	}
	fmt.Fprintf(&b, "%0*d", g.codeWidth[p.country], p.seq)
	return b.String()
}

// Catalogue returns the vendors and the systems.
func (g *Generator) Catalogue() Catalogue { return g.cat }

// Sizes of the catalogue's pools.
const (
	intlSystems          = 400 // at least; more when organisations use more
	nationalSystems      = 60  // per country
	regionalSystems      = 6   // per region
	intlVendors          = 40
	nationalVendors      = 12 // per country
	zipfExponent         = 1.0
	nationalPreference   = 3.0 // a national system weighs as much as an international one this many ranks higher
	regionalPreference   = 5.0
	catalogueDescription = "Synthetic catalogue entry made by samspil demo generate."
)

func (g *Generator) catalogue() {
	r := g.rng(streamCatalogue, 0)
	names := map[string]bool{}
	unique := func(name string) string {
		n := name
		for k := 2; names[samspil.Fold(n)]; k++ {
			n = name + " " + strconv.Itoa(k)
		}
		names[samspil.Fold(n)] = true
		return n
	}
	var vendorN uint64
	vendor := func(country, region string) string {
		id := g.id(idVendor, vendorN)
		vendorN++
		form := legalForms[country]
		name := unique(word(r, vendorFirst, vendorSecond) + " " + vendorNouns[r.IntN(len(vendorNouns))] + " " + form)
		g.cat.Vendors = append(g.cat.Vendors, samspil.Organization{ID: id, Kind: samspil.KindCompany, Name: name, Country: country,
			Region: region, Visibility: samspil.VisibilityPublic, Population: []samspil.Population{}})
		return id
	}
	systemNames := map[string]bool{}
	var systemN uint64
	system := func(vendorID string, invWeight float64) {
		cat := genCategories[r.IntN(len(genCategories))]
		name := word(r, productFirst, productSecond) + " " + categoryNouns[cat]
		base := name
		for k := 2; systemNames[samspil.Fold(name)]; k++ {
			name = base + " " + strconv.Itoa(k)
		}
		systemNames[samspil.Fold(name)] = true
		g.cat.Systems = append(g.cat.Systems, samspil.System{ID: g.id(idSystem, systemN), Name: name, VendorID: vendorID, Category: cat,
			Tasks: []string{}, Description: catalogueDescription, OpenSource: r.IntN(20) == 0, OwnerID: vendorID, Visibility: samspil.VisibilityPublic})
		g.invWeight = append(g.invWeight, invWeight)
		systemN++
	}
	// International vendors: a few large ones own most systems.
	intlV := make([]string, intlVendors)
	for i := range intlV {
		intlV[i] = vendor(intlVendorCountries[r.IntN(len(intlVendorCountries))], "")
	}
	g.intl = max(intlSystems, g.cfg.UsagesPerOrg+100)
	for rank := 0; rank < g.intl; rank++ {
		system(intlV[zipfIndex(r, len(intlV))], math.Pow(float64(rank+1), zipfExponent))
	}
	g.national = make([][2]int, len(genCountries))
	g.regional = make([][][2]int, len(genCountries))
	for ci, c := range genCountries {
		natV := make([]string, nationalVendors)
		for i := range natV {
			natV[i] = vendor(c.code, "")
		}
		start := len(g.cat.Systems)
		for rank := 0; rank < nationalSystems; rank++ {
			system(natV[zipfIndex(r, len(natV))], math.Pow(float64(rank+1), zipfExponent)/nationalPreference)
		}
		g.national[ci] = [2]int{start, len(g.cat.Systems)}
		g.regional[ci] = make([][2]int, len(c.regions))
		for ri, reg := range c.regions {
			regV := vendor(c.code, reg.code)
			start := len(g.cat.Systems)
			for rank := 0; rank < regionalSystems; rank++ {
				v := regV
				if rank%2 == 1 {
					v = natV[r.IntN(len(natV))]
				}
				system(v, math.Pow(float64(rank+1), zipfExponent)/regionalPreference)
			}
			g.regional[ci][ri] = [2]int{start, len(g.cat.Systems)}
		}
	}
}

// zipfIndex picks an index below n with probability falling as 1/(i+1).
func zipfIndex(r *rand.Rand, n int) int {
	h := 0.0
	for i := 1; i <= n; i++ {
		h += 1 / float64(i)
	}
	x := r.Float64() * h
	for i := 1; i <= n; i++ {
		x -= 1 / float64(i)
		if x < 0 {
			return i - 1
		}
	}
	return n - 1
}

// word makes a capitalised invented word of two parts.
func word(r *rand.Rand, first, second []string) string {
	return first[r.IntN(len(first))] + second[r.IntN(len(second))]
}

// Anchor dates: contract terms are laid out around them, never around the
// clock, so that the data does not depend on the day it is generated.
var (
	startFrom = samspil.NewDate(2012, time.January, 1)
	startDays = samspil.DaysBetween(startFrom, samspil.NewDate(2026, time.December, 31))
	anchor    = samspil.NewDate(2026, time.January, 1) // extensions begun by then are recorded as used
	usageFrom = samspil.NewDate(2004, time.January, 1)
)

// Landscape returns organisation i (0 ≤ i < Orgs) with its usages and
// contracts.
func (g *Generator) Landscape(i int) Landscape {
	p := g.orgs[i]
	c := &genCountries[p.country]
	reg := &c.regions[p.region]
	r := g.rng(streamOrg, uint64(i))

	name := fmt.Sprintf(c.pattern, word(r, c.names.first, c.names.second))
	inhabitants := population(r, c.medianPopulation)
	earlier := max(0, int(float64(inhabitants)*(0.85+0.25*r.Float64())))
	o := samspil.Organization{ID: g.id(idOrg, uint64(i)), Kind: samspil.KindMunicipality, Name: name, MunicipalityCode: g.code(p),
		Country: c.code, Region: reg.code, Visibility: samspil.VisibilityPublic,
		Population: []samspil.Population{{Year: 2025, Inhabitants: inhabitants}, {Year: 2015, Inhabitants: earlier}}}
	l := Landscape{Organization: o}

	// The usages go in the order of the catalogue and the contracts in the
	// order of their names, as the indexes on them are, so that writing an
	// organisation appends to those indexes.
	picked := g.pickSystems(r, p)
	systems := slices.Clone(picked)
	slices.Sort(systems)
	l.Usages = make([]samspil.Usage, len(systems))
	base := uint64(i) * uint64(g.cfg.UsagesPerOrg)
	for j, s := range systems {
		l.Usages[j] = g.usage(r, g.id(idUsage, base+uint64(j)), o.ID, g.cat.Systems[s].ID, inhabitants)
	}
	l.Contracts = make([]samspil.Contract, g.cfg.ContractsPerOrg)
	folds := make([]string, len(l.Contracts))
	for j := range l.Contracts {
		l.Contracts[j] = g.contract(r, j, o.ID, picked, inhabitants)
		folds[j] = samspil.Fold(l.Contracts[j].Name)
	}
	order := make([]int, len(l.Contracts))
	for j := range order {
		order[j] = j
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(folds[a], folds[b]) })
	sorted := make([]samspil.Contract, len(l.Contracts))
	base = uint64(i) * uint64(g.cfg.ContractsPerOrg)
	for k, j := range order {
		c := l.Contracts[j]
		c.ID, c.ExternalRef = g.id(idContract, base+uint64(k)), fmt.Sprintf("C-%05d", k+1)
		sorted[k] = c
	}
	l.Contracts = sorted
	return l
}

// population draws a log-normal number of inhabitants around the median.
func population(r *rand.Rand, median int) int {
	v := math.Exp(math.Log(float64(median)) + 1.1*r.NormFloat64())
	return int(min(max(v, 30), 3_800_000))
}

// pickSystems samples UsagesPerOrg distinct systems from those offered to
// the organisation (international, its country's and its region's) by the
// Efraimidis–Spirakis method: each candidate gets the key E/w with E an
// exponential variate and w its weight, and the smallest keys win.
func (g *Generator) pickSystems(r *rand.Rand, p orgPlan) []int {
	nat, reg := g.national[p.country], g.regional[p.country][p.region]
	type cand struct {
		key float64
		sys int
	}
	cands := make([]cand, 0, g.intl+(nat[1]-nat[0])+(reg[1]-reg[0]))
	add := func(from, to int) {
		for s := from; s < to; s++ {
			cands = append(cands, cand{r.ExpFloat64() * g.invWeight[s], s})
		}
	}
	add(0, g.intl)
	add(nat[0], nat[1])
	add(reg[0], reg[1])
	slices.SortFunc(cands, func(a, b cand) int {
		if a.key < b.key {
			return -1
		}
		if a.key > b.key {
			return 1
		}
		return a.sys - b.sys
	})
	out := make([]int, g.cfg.UsagesPerOrg)
	for j := range out {
		out[j] = cands[j].sys
	}
	return out
}

var usageLifecycles = weighted[samspil.Lifecycle]{
	{samspil.LifecycleOperational, 76}, {samspil.LifecyclePhasingIn, 5}, {samspil.LifecyclePhasingOut, 5},
	{samspil.LifecyclePlanned, 4}, {samspil.LifecyclePilot, 3}, {samspil.LifecycleRetired, 7},
}

var usageVisibilities = weighted[samspil.Visibility]{
	{samspil.VisibilitySector, 60}, {samspil.VisibilityPublic, 25}, {samspil.VisibilityPartners, 10}, {samspil.VisibilityPrivate, 5},
}

func (g *Generator) usage(r *rand.Rand, id, orgID, systemID string, inhabitants int) samspil.Usage {
	u := samspil.Usage{ID: id, OrganizationID: orgID, SystemID: systemID, Lifecycle: usageLifecycles.pick(r),
		Visibility: usageVisibilities.pick(r), UsingUnitIDs: []string{}, TaskChanges: []samspil.TaskChange{}}
	from := usageFrom.AddDays(r.IntN(22 * 365))
	switch u.Lifecycle {
	case samspil.LifecyclePlanned:
		from = anchor.AddDays(r.IntN(2 * 365))
	case samspil.LifecycleRetired:
		until := from.AddMonths(12 + r.IntN(96))
		if until.After(anchor) {
			until = anchor.AddDays(-1 - r.IntN(365))
		}
		if until.Before(from) {
			from = until.AddMonths(-12)
		}
		u.Until = &until
	case samspil.LifecyclePhasingOut:
		until := anchor.AddDays(r.IntN(2 * 365))
		u.Until = &until
	}
	if from.After(anchor) && u.Lifecycle != samspil.LifecyclePlanned && u.Lifecycle != samspil.LifecyclePhasingOut {
		from = anchor.AddDays(-r.IntN(365))
	}
	u.From = &from
	// The band of users grows with the organisation.
	band := min(len(samspil.UserBands)-1, max(0, int(math.Log10(float64(inhabitants)))-2+r.IntN(3)-1))
	u.UserBand = samspil.UserBands[band]
	return u
}

var contractKinds = []string{"operation and support", "licence", "hosting", "maintenance", "development", "framework agreement"}

var noticeMonths = []int{1, 3, 3, 3, 6, 6, 6, 6, 12, 12}

var noticeRules = weighted[samspil.NoticeRule]{
	{samspil.NoticeAnyDay, 40}, {samspil.NoticeEndOfMonth, 35}, {samspil.NoticeEndOfQuarter, 15}, {samspil.NoticeEndOfYear, 10},
}

var durations = []int{12, 24, 36, 36, 48, 48, 48, 60, 72, 96}

var extensionMonths = []int{6, 12, 12, 12, 24, 24, 36}

var procurementForms = weighted[samspil.ProcurementForm]{
	{samspil.ProcurementEUTender, 45}, {samspil.ProcurementDirect, 15}, {samspil.ProcurementJoint, 15},
	{samspil.ProcurementSKI, 5}, {samspil.ProcurementOther, 10}, {"", 10},
}

var contractVisibilities = weighted[samspil.Visibility]{
	{samspil.VisibilityPrivate, 45}, {samspil.VisibilityPartners, 20}, {samspil.VisibilitySector, 30}, {samspil.VisibilityPublic, 5},
}

// contract makes the j-th contract of an organisation, without id and
// reference: for the j-th of its systems in the order they were picked (the
// more popular first), sometimes with one or two more.
func (g *Generator) contract(r *rand.Rand, j int, orgID string, systems []int, inhabitants int) samspil.Contract {
	primary := systems[j%len(systems)]
	ids := []int{primary}
	extra := 0
	switch x := r.IntN(100); {
	case x < 8:
		extra = 2
	case x < 33:
		extra = 1
	}
	for k := 0; k < extra && len(ids) < len(systems); k++ {
		s := systems[r.IntN(len(systems))]
		if !slices.Contains(ids, s) {
			ids = append(ids, s)
		}
	}
	sys := &g.cat.Systems[primary]
	c := samspil.Contract{OrganizationID: orgID, Name: sys.Name + " – " + contractKinds[r.IntN(len(contractKinds))],
		SupplierID: sys.VendorID, ContractTerms: terms(r), ProcurementForm: procurementForms.pick(r), Visibility: contractVisibilities.pick(r)}
	slices.Sort(ids) // in the order of their ids
	for _, s := range ids {
		c.Systems = append(c.Systems, samspil.ContractSystem{ID: g.cat.Systems[s].ID, Name: g.cat.Systems[s].Name})
	}
	// Prices are shared at most as widely as the contract, mostly less.
	c.PriceVisibility = samspil.Visibilities[r.IntN(slices.Index(samspil.Visibilities, c.Visibility)+1)/2]
	if r.IntN(100) < 85 {
		op := samspil.DKK(int64(inhabitants) * int64(100+r.IntN(2900)))
		costs := samspil.Costs{Operation: op}
		if r.IntN(100) < 30 {
			costs.Acquisition = op * samspil.DKK(1+r.IntN(3)) / 2
		}
		if r.IntN(100) < 20 {
			costs.Other = op / samspil.DKK(5+r.IntN(10))
		}
		c.Costs = &costs
	}
	t := c.ContractTerms
	if (t.DurationMonths > 0 || t.Expiry != nil) && r.IntN(100) < 30 {
		q := termEnd(t, t.ExtensionCount).AddMonths(-6)
		c.ReprocurementQuarter = fmt.Sprintf("%04d-Q%d", q.Year, (int(q.Month)+2)/3)
	}
	return c
}

// terms draws a contract's dates and options. Starts spread over 2012–2026
// and durations and options vary, so the deadlines spread over many years.
func terms(r *rand.Rand) samspil.ContractTerms {
	// More recent starts are more likely (the density grows linearly), as
	// registers hold mostly running contracts and some that have ended.
	start := startFrom.AddDays(int(float64(startDays) * math.Sqrt(r.Float64())))
	if r.IntN(10) < 6 {
		start = samspil.NewDate(start.Year, start.Month, 1)
	}
	t := samspil.ContractTerms{Start: start, NoticeMonths: noticeMonths[r.IntN(len(noticeMonths))], NoticeRule: noticeRules.pick(r)}
	switch x := r.IntN(100); {
	case x < 65:
		t.DurationMonths = durations[r.IntN(len(durations))]
	case x < 80:
		expiry := start.AddMonths(durations[r.IntN(len(durations))]).AddDays(-1)
		if r.IntN(2) == 0 {
			expiry = expiry.EndOfYear()
		}
		t.Expiry = &expiry
	}
	fixed := t.DurationMonths > 0 || t.Expiry != nil
	if fixed && r.IntN(100) < 55 {
		t.ExtensionCount = 1 + r.IntN(4)
		t.ExtensionMonths = extensionMonths[r.IntN(len(extensionMonths))]
		used := 0
		for used < t.ExtensionCount && anchor.After(samspil.LastNoticeDate(termEnd(t, used), t.NoticeMonths, t.NoticeRule)) {
			used++
		}
		if r.IntN(4) > 0 { // most organisations record the extensions they let begin
			t.ExtensionsUsed = used
		}
	}
	if r.IntN(100) < 15 {
		irrevocable := start.AddMonths(12 + 12*r.IntN(3)).AddDays(-1)
		if fixed {
			if last := termEnd(t, t.ExtensionCount); irrevocable.After(last) {
				irrevocable = last
			}
		}
		t.IrrevocableUntil = &irrevocable
	}
	if r.IntN(100) < 3 {
		terminated := start.AddMonths(6 + r.IntN(60)).EndOfMonth()
		t.TerminatedOn = &terminated
	}
	return t
}

// termEnd is the last day of a fixed-term contract after k extensions, as
// the domain counts it (ContractTerms.Deadlines).
func termEnd(t samspil.ContractTerms, k int) samspil.Date {
	e := t.Start.AddMonths(t.DurationMonths).AddDays(-1)
	if t.Expiry != nil {
		e = *t.Expiry
	}
	if k == 0 {
		return e
	}
	return e.AddDays(1).AddMonths(k * t.ExtensionMonths).AddDays(-1)
}

// weighted is a list of values with integer weights.
type weighted[T any] []struct {
	v T
	w int
}

func (ws weighted[T]) pick(r *rand.Rand) T {
	total := 0
	for _, x := range ws {
		total += x.w
	}
	n := r.IntN(total)
	for _, x := range ws {
		if n < x.w {
			return x.v
		}
		n -= x.w
	}
	return ws[len(ws)-1].v
}

// genCountry is a country the generator draws municipalities from.
type genCountry struct {
	code             string
	weight           int    // about the number of its municipalities, so that countries are as large as in reality
	pattern          string // the municipality's name from a place name
	codePrefix       string // letters before the number, e.g. the Netherlands' GM
	codeDigits       int    // digits of the national code (more when the country has more municipalities than it allows)
	regionPrefix     bool   // whether the code starts with the region's two digits
	medianPopulation int
	names            syllables
	regions          []genRegion
}

// genRegion is a region by its ISO 3166-2 code; number is its two digits
// in municipality codes.
type genRegion struct {
	code   string
	number int
}

type syllables struct{ first, second []string }

var (
	nordic = syllables{
		[]string{"Sol", "Ny", "Berg", "Lund", "Vik", "Holm", "Dal", "Strand", "Ek", "Björk", "Sjö", "Lid", "Mal", "Tor", "Hag", "Norr", "Väst", "Öst", "Sund", "Fors", "Lin", "Ål", "Hed", "Kvarn"},
		[]string{"by", "sund", "berg", "vik", "dal", "holm", "stad", "köping", "hamn", "torp", "ås", "fors", "näs", "land", "ö", "mark", "rud", "heim"},
	}
	finnic = syllables{
		[]string{"Jär", "Kos", "Lah", "Mus", "Pih", "Rau", "Sal", "Tam", "Vaa", "Ylä", "Ala", "Kan", "Kou", "Lap", "Har", "Puu", "Rii", "Val", "Kuu", "Paa"},
		[]string{"vi", "ko", "la", "sa", "pere", "joki", "järvi", "mäki", "niemi", "salo", "lahti", "koski", "maa", "vesi", "linna"},
	}
	germanic = syllables{
		[]string{"Ober", "Unter", "Neu", "Alt", "Groß", "Klein", "Stein", "Berg", "Wald", "Rot", "Schön", "Hoch", "Linden", "Mar", "Hain", "Eich", "Buch", "Rosen", "Falken", "Wolfs"},
		[]string{"dorf", "bach", "berg", "hausen", "heim", "feld", "burg", "stadt", "au", "tal", "kirchen", "brunn", "hofen", "ingen", "rode", "stetten"},
	}
	dutch = syllables{
		[]string{"Oost", "West", "Noord", "Zuid", "Nieuw", "Oud", "Hoog", "Laag", "Berg", "Dal", "Broek", "Zand", "Veen", "Zee", "Lin", "Ame", "Wester", "Gel"},
		[]string{"dam", "dijk", "hoven", "recht", "veen", "wijk", "horst", "gem", "loo", "meer", "mond", "burg", "sluis", "hem", "zande", "erveen"},
	}
	romance = syllables{
		[]string{"Mont", "Ville", "Beau", "Fon", "Roche", "Bel", "Val", "Bourg", "Cler", "Sau", "Ver", "Lan", "Cham", "Mar", "Port", "Castel", "Villa", "Borgo", "Rocca", "Torre", "Campo", "Fuente", "Ribe", "Serra"},
		[]string{"ville", "court", "mont", "lieu", "fort", "bois", "ac", "ay", "ières", "ange", "nuovo", "alto", "bello", "lungo", "ano", "ino", "era", "nueva", "real", "mayor", "alta", "blanca", "ares", "ilha"},
	}
	slavic = syllables{
		[]string{"Nowa", "Stara", "Biało", "Zielo", "Wola", "Góra", "Brze", "Dąbro", "Kra", "Lip", "Pol", "Sob", "Rad", "Hradi", "Lito", "Ost", "Pro", "Ústí"},
		[]string{"wice", "ów", "owo", "ice", "ec", "sko", "ín", "any", "ov", "ná", "ník", "sk", "nica", "ves"},
	}
)

// genCountries are the countries generated, with about their number of
// municipalities (LAU units) as weight. Denmark is left out (see above).
var genCountries = []genCountry{
	{"SE", 290, "%s kommun", "", 4, false, 16000, nordic, regions("SE", "AB", "O", "M", "E", "C", "F", "H", "T", "U", "D", "X", "W", "N", "S", "Y", "BD", "AC", "K", "G", "Z", "I")},
	{"NO", 357, "%s kommune", "", 4, false, 5000, nordic, regions("NO", "32", "46", "03", "11", "34", "50", "31", "33", "39", "40", "42", "15", "18", "55", "56")},
	{"FI", 308, "%s kunta", "", 3, false, 6000, finnic, regions("FI", "18", "19", "11", "14", "08", "17", "15", "16", "13", "12", "09", "06", "02", "03", "04", "10", "05", "07", "01")},
	{"EE", 79, "%s vald", "", 4, false, 4000, finnic, regions("EE", "37", "78", "44", "67", "59", "84", "74", "86", "65", "70", "82", "49", "51", "57", "39")},
	{"NL", 342, "Gemeente %s", "GM", 4, false, 45000, dutch, regions("NL", "ZH", "NH", "NB", "GE", "UT", "OV", "LI", "FR", "GR", "DR", "FL", "ZE")},
	{"BE", 565, "Gemeente %s", "", 5, true, 12000, dutch, regions("BE", "VLG", "WAL", "BRU")},
	{"DE", 10800, "Gemeinde %s", "", 8, true, 2000, germanic, []genRegion{{"DE-BY", 9}, {"DE-RP", 7}, {"DE-BW", 8}, {"DE-NI", 3},
		{"DE-SH", 1}, {"DE-TH", 16}, {"DE-ST", 15}, {"DE-MV", 13}, {"DE-NW", 5}, {"DE-HE", 6}, {"DE-SN", 14}, {"DE-BB", 12},
		{"DE-SL", 10}, {"DE-HB", 4}, {"DE-HH", 2}, {"DE-BE", 11}}},
	{"AT", 2093, "Gemeinde %s", "", 5, true, 2000, germanic, regions("AT", "3", "6", "4", "2", "7", "5", "1", "8", "9")},
	{"FR", 34900, "Commune de %s", "", 5, true, 450, romance, regions("FR", "GES", "OCC", "NAQ", "ARA", "HDF", "BFC", "NOR", "CVL", "PAC", "PDL", "BRE", "IDF", "COR")},
	{"IT", 7900, "Comune di %s", "", 6, true, 2500, romance, regions("IT", "25", "21", "72", "62", "82", "34", "78", "88", "65", "52", "75", "45", "32", "42", "57", "67", "36", "77", "55", "23")},
	{"ES", 8131, "Ayuntamiento de %s", "", 5, true, 600, romance, regions("ES", "CL", "CT", "CM", "AR", "VC", "AN", "EX", "GA", "NC", "RI", "MD", "PV", "CN", "AS", "CB", "MC", "IB")},
	{"PT", 308, "Município de %s", "", 4, false, 15000, romance, regions("PT", "13", "11", "03", "01", "18", "06", "10", "08", "14", "15", "17", "09", "05", "16", "07", "04", "02", "12", "20", "30")},
	{"PL", 2477, "Gmina %s", "", 7, true, 8000, slavic, regions("PL", "14", "30", "24", "12", "02", "06", "18", "22", "10", "04", "32", "28", "20", "26", "16", "08")},
	{"CZ", 6250, "Obec %s", "", 6, true, 400, slavic, regions("CZ", "20", "31", "64", "32", "63", "42", "71", "52", "80", "53", "72", "51", "41", "10")},
}

// regions lists a country's regions, numbered in that order.
func regions(country string, codes ...string) []genRegion {
	out := make([]genRegion, len(codes))
	for i, c := range codes {
		out[i] = genRegion{country + "-" + c, i + 1}
	}
	return out
}

var genCategories = []samspil.Category{samspil.CategoryCaseManagement, samspil.CategoryEconomy, samspil.CategoryHRPayroll,
	samspil.CategorySelfService, samspil.CategorySocial, samspil.CategorySchools, samspil.CategoryHealth, samspil.CategoryEmployment,
	samspil.CategoryTechnical, samspil.CategoryInfrastructure, samspil.CategoryCommunication, samspil.CategoryData, samspil.CategoryOther}

var categoryNouns = map[samspil.Category]string{
	samspil.CategoryCaseManagement: "Case", samspil.CategoryEconomy: "Finance", samspil.CategoryHRPayroll: "Payroll",
	samspil.CategorySelfService: "Self-Service", samspil.CategorySocial: "Social", samspil.CategorySchools: "School",
	samspil.CategoryHealth: "Care", samspil.CategoryEmployment: "Jobs", samspil.CategoryTechnical: "GIS",
	samspil.CategoryInfrastructure: "Identity", samspil.CategoryCommunication: "Connect", samspil.CategoryData: "Insight",
	samspil.CategoryOther: "Suite",
}

var (
	productFirst  = []string{"Civ", "Muni", "Publ", "Nord", "Axo", "Lum", "Tri", "Nov", "Ver", "Sol", "Kor", "Vel", "Ori", "Zen", "Alba", "Cura", "Quo", "Lex", "Terr", "Agil", "Opti", "Flux", "Pax", "Stell"}
	productSecond = []string{"is", "ica", "ora", "ex", "io", "on", "ia", "eon", "us", "ara", "ant", "ix", "ova", "um", "ent", "ium"}
	vendorFirst   = []string{"Civi", "Data", "Nord", "Muni", "Publi", "Info", "Logi", "Geo", "Admi", "Kommu", "Servi", "Digi", "Vira", "Lumo", "Axo", "Novo", "Euro", "Alto", "Inter", "Cen"}
	vendorSecond  = []string{"tec", "sys", "ware", "ica", "net", "data", "soft", "logic", "link", "form", "tica", "nova", "gate", "works"}
	vendorNouns   = []string{"Systems", "Software", "Solutions", "Data", "IT", "Digital", "Technologies", "Consulting"}
)

// legalForms are the company forms of vendors' names by country.
var legalForms = map[string]string{
	"SE": "AB", "NO": "AS", "FI": "Oy", "EE": "OÜ", "NL": "B.V.", "BE": "NV", "DE": "GmbH", "AT": "GmbH", "FR": "SAS", "IT": "S.r.l.",
	"ES": "S.L.", "PT": "Lda.", "PL": "sp. z o.o.", "CZ": "s.r.o.", "IE": "Ltd", "GB": "Ltd", "LU": "S.A.", "US": "Inc.",
}

// intlVendorCountries are where the international vendors are registered.
var intlVendorCountries = []string{"IE", "GB", "DE", "FR", "NL", "SE", "US", "LU", "FI"}
