package demo_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/demo"
)

func newGenerator(t testing.TB, cfg demo.Config) *demo.Generator {
	t.Helper()
	g, err := demo.NewGenerator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGenerateDeterministic(t *testing.T) {
	cfg := demo.Config{Orgs: 50, Seed: 7, UsagesPerOrg: 40, ContractsPerOrg: 15}
	a, b := newGenerator(t, cfg), newGenerator(t, cfg)
	if !reflect.DeepEqual(a.Catalogue(), b.Catalogue()) {
		t.Fatal("the same seed gave two catalogues")
	}
	if !reflect.DeepEqual(a.Codes(), b.Codes()) {
		t.Fatal("the same seed gave two sets of codes")
	}
	for _, i := range []int{0, 1, 17, 49} {
		if la, lb := a.Landscape(i), b.Landscape(i); !reflect.DeepEqual(la, lb) {
			t.Fatalf("organisation %d differs between two runs with the same seed", i)
		}
	}
	// An organisation does not depend on how many are generated after it.
	more := newGenerator(t, demo.Config{Orgs: 80, Seed: 7, UsagesPerOrg: 40, ContractsPerOrg: 15})
	if la, lm := a.Landscape(12), more.Landscape(12); !reflect.DeepEqual(la, lm) {
		t.Fatalf("organisation 12 differs with more organisations:\n%+v\n%+v", la.Organization, lm.Organization)
	}

	// Another seed gives other data and other ids.
	c := newGenerator(t, demo.Config{Orgs: 50, Seed: 8, UsagesPerOrg: 40, ContractsPerOrg: 15})
	if reflect.DeepEqual(a.Catalogue().Systems[0].Name, c.Catalogue().Systems[0].Name) && reflect.DeepEqual(a.Landscape(0).Organization.Name, c.Landscape(0).Organization.Name) &&
		reflect.DeepEqual(a.Landscape(1).Organization.Name, c.Landscape(1).Organization.Name) {
		t.Fatal("another seed gave the same names")
	}
	la, lc := a.Landscape(0), c.Landscape(0)
	if la.Organization.ID == lc.Organization.ID || la.Usages[0].ID == lc.Usages[0].ID || a.Catalogue().Systems[0].ID == c.Catalogue().Systems[0].ID {
		t.Fatal("another seed gave the same ids")
	}
}

func TestGenerateIDs(t *testing.T) {
	g := newGenerator(t, demo.Config{Orgs: 30, Seed: 1, UsagesPerOrg: 20, ContractsPerOrg: 5})
	seen := map[string]bool{}
	check := func(id string) {
		t.Helper()
		if len(id) != 36 || id[14] != '8' || !strings.ContainsAny(id[19:20], "89ab") {
			t.Fatalf("%s is not a version 8 UUID", id)
		}
		if seen[id] {
			t.Fatalf("id %s twice", id)
		}
		seen[id] = true
	}
	cat := g.Catalogue()
	for _, v := range cat.Vendors {
		check(v.ID)
	}
	for _, s := range cat.Systems {
		check(s.ID)
	}
	var usageIDs []string
	for i := 0; i < 30; i++ {
		l := g.Landscape(i)
		check(l.Organization.ID)
		for _, u := range l.Usages {
			check(u.ID)
			usageIDs = append(usageIDs, u.ID)
		}
		for _, c := range l.Contracts {
			check(c.ID)
		}
		// Within an organisation, usages go by system and contracts by
		// name, the order of the indexes on them.
		if !slices.IsSortedFunc(l.Usages, func(a, b samspil.Usage) int { return strings.Compare(a.SystemID, b.SystemID) }) ||
			!slices.IsSortedFunc(l.Contracts, func(a, b samspil.Contract) int { return strings.Compare(samspil.Fold(a.Name), samspil.Fold(b.Name)) }) {
			t.Fatalf("organisation %d: usages or contracts out of order", i)
		}
	}
	// Ids grow in the order rows are written, so indexes are appended to.
	if !slices.IsSorted(usageIDs) {
		t.Fatal("usage ids do not grow")
	}
}

func TestGenerateCountsAndValidity(t *testing.T) {
	const orgs, usages, contracts = 400, 60, 20
	g := newGenerator(t, demo.Config{Orgs: orgs, Seed: 3, UsagesPerOrg: usages, ContractsPerOrg: contracts})
	cat := g.Catalogue()
	if n := len(cat.Systems); n < 1000 || n > 5000 {
		t.Errorf("%d systems in the catalogue, want a few thousand", n)
	}
	vendors := map[string]bool{}
	for _, v := range cat.Vendors {
		if err := v.Validate(); err != nil {
			t.Fatalf("vendor %s: %v", v.Name, err)
		}
		if v.Kind != samspil.KindCompany {
			t.Fatalf("vendor %s is a %s", v.Name, v.Kind)
		}
		vendors[v.ID] = true
	}
	systemNames := map[string]bool{}
	for _, s := range cat.Systems {
		if err := s.Validate(); err != nil {
			t.Fatalf("system %s: %v", s.Name, err)
		}
		if !vendors[s.VendorID] || s.OwnerID != s.VendorID {
			t.Fatalf("system %s: vendor %q, owner %q", s.Name, s.VendorID, s.OwnerID)
		}
		if systemNames[samspil.Fold(s.Name)] {
			t.Fatalf("two systems are called %s", s.Name)
		}
		systemNames[samspil.Fold(s.Name)] = true
	}

	codes := map[string]map[string]bool{}
	countries := map[string]int{}
	regions := map[string]bool{}
	usedBy := map[string]int{}
	nextDecisionYears := map[int]int{}
	statuses := map[samspil.ContractStatus]int{}
	rules := map[samspil.NoticeRule]int{}
	withExtensions := 0
	today := samspil.NewDate(2026, time.June, 1)
	for i := 0; i < orgs; i++ {
		l := g.Landscape(i)
		o := l.Organization
		if err := o.Validate(); err != nil {
			t.Fatalf("organisation %s: %v", o.Name, err)
		}
		if o.Kind != samspil.KindMunicipality || o.Country == "DK" || o.Inhabitants() <= 0 || o.Region == "" {
			t.Fatalf("organisation %+v", o)
		}
		if codes[o.Country] == nil {
			codes[o.Country] = map[string]bool{}
		}
		if codes[o.Country][o.MunicipalityCode] {
			t.Fatalf("%s %s twice", o.Country, o.MunicipalityCode)
		}
		codes[o.Country][o.MunicipalityCode] = true
		countries[o.Country]++
		regions[o.Region] = true

		if len(l.Usages) != usages || len(l.Contracts) != contracts {
			t.Fatalf("%s has %d usages and %d contracts", o.Name, len(l.Usages), len(l.Contracts))
		}
		used := map[string]bool{}
		for _, u := range l.Usages {
			if err := u.Validate(); err != nil {
				t.Fatalf("usage %s: %v", u.ID, err)
			}
			if u.OrganizationID != o.ID || used[u.SystemID] || !systemNames[samspil.Fold(systemName(cat, u.SystemID))] {
				t.Fatalf("usage %+v", u)
			}
			used[u.SystemID] = true
			usedBy[u.SystemID]++
		}
		for _, c := range l.Contracts {
			if err := c.Validate(); err != nil {
				t.Fatalf("contract %s (%+v): %v", c.Name, c.ContractTerms, err)
			}
			if c.OrganizationID != o.ID || len(c.Systems) == 0 || c.SupplierID == "" {
				t.Fatalf("contract %+v", c)
			}
			for _, s := range c.Systems {
				if !used[s.ID] {
					t.Fatalf("contract %s covers %s, which %s does not use", c.Name, s.Name, o.Name)
				}
			}
			dl := c.ContractTerms.Deadlines(today)
			statuses[dl.Status]++
			if dl.NextDecisionDate != nil {
				nextDecisionYears[dl.NextDecisionDate.Year]++
			}
			rules[c.NoticeRule]++
			if c.ExtensionCount > 0 {
				withExtensions++
			}
		}
	}
	if len(countries) < 4 || len(regions) < 10 {
		t.Errorf("organisations in %d countries and %d regions: %v", len(countries), len(regions), countries)
	}
	// Deadlines spread over years, with contracts in every state.
	if len(nextDecisionYears) < 6 {
		t.Errorf("next decisions fall in only %d years: %v", len(nextDecisionYears), nextDecisionYears)
	}
	for _, s := range []samspil.ContractStatus{samspil.ContractActive, samspil.ContractExpired, samspil.ContractNotStarted, samspil.ContractTerminated} {
		if statuses[s] == 0 {
			t.Errorf("no contract is %s: %v", s, statuses)
		}
	}
	if len(rules) != len(samspil.NoticeRules) || withExtensions == 0 {
		t.Errorf("notice rules %v, %d with extension options", rules, withExtensions)
	}

	// Popularity is skewed: the most used system is used by nearly all,
	// while the median system in use is used by far fewer.
	counts := make([]int, 0, len(usedBy))
	for _, n := range usedBy {
		counts = append(counts, n)
	}
	slices.Sort(counts)
	top, median := counts[len(counts)-1], counts[len(counts)/2]
	if top < orgs*9/10 || median*4 > top {
		t.Errorf("popularity is not skewed: top %d, median %d of %d organisations", top, median, orgs)
	}
	t.Logf("%d systems used; most used by %d, median %d, least %d; decision years %v; statuses %v", len(counts), top, median, counts[0], nextDecisionYears, statuses)
}

func systemName(cat demo.Catalogue, id string) string {
	for _, s := range cat.Systems {
		if s.ID == id {
			return s.Name
		}
	}
	return ""
}

func TestGenerateCodesWiden(t *testing.T) {
	// Many organisations in a country with short codes: the codes grow
	// rather than repeat, and stay valid.
	g := newGenerator(t, demo.Config{Orgs: 20000, Seed: 1, UsagesPerOrg: 0, ContractsPerOrg: 0})
	for country, codes := range g.Codes() {
		seen := map[string]bool{}
		for _, c := range codes {
			if seen[c] {
				t.Fatalf("%s %s twice", country, c)
			}
			seen[c] = true
			if !samspil.ValidMunicipalityCode(country, c) {
				t.Fatalf("%s %s is not a valid code", country, c)
			}
		}
	}
}

func TestGenerateConfig(t *testing.T) {
	for _, cfg := range []demo.Config{
		{Orgs: 0, UsagesPerOrg: 1},
		{Orgs: -5},
		{Orgs: demo.MaxOrgs + 1},
		{Orgs: 1, UsagesPerOrg: -1},
		{Orgs: 1, UsagesPerOrg: 10, ContractsPerOrg: -1},
		{Orgs: 1, UsagesPerOrg: 0, ContractsPerOrg: 3},
		{Orgs: 1, UsagesPerOrg: demo.MaxUsagesPerOrg + 1},
	} {
		if _, err := demo.NewGenerator(cfg); err == nil {
			t.Errorf("%+v was accepted", cfg)
		}
	}
	if _, err := demo.NewGenerator(demo.Config{Orgs: 1, UsagesPerOrg: 0, ContractsPerOrg: 0}); err != nil {
		t.Errorf("organisations without a landscape: %v", err)
	}
}

func BenchmarkLandscape(b *testing.B) {
	g := newGenerator(b, demo.Config{Orgs: 1000, Seed: 1, UsagesPerOrg: demo.DefaultUsagesPerOrg, ContractsPerOrg: demo.DefaultContractsPerOrg})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g.Landscape(i % 1000)
	}
}
