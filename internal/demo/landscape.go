package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/samspil/samspil"
)

// The demo landscape is synthetic: no public data says which systems each
// municipality runs. Vendors and products are real names of the Danish
// public-sector market so that the catalogue looks familiar; which
// municipality uses what, and every contract, is invented (deterministically,
// so that each demo looks the same). The pages say so.

type product struct {
	name     string
	vendor   string // company name; "" for OS2 products
	category samspil.Category
	tasks    []string
	os2      bool
}

// catalogue is the demo's system catalogue; several products per category
// compete, so that "who uses what" differs between municipalities.
var catalogue = []product{
	{"SBSYS", "", samspil.CategoryCaseManagement, []string{"00.01.00"}, false},
	{"Acadre", "Formpipe Software A/S", samspil.CategoryCaseManagement, []string{"00.01.00"}, false},
	{"GetOrganized", "Netcompany A/S", samspil.CategoryCaseManagement, []string{"00.01.00"}, false},
	{"WorkZone", "KMD A/S", samspil.CategoryCaseManagement, []string{"00.01.00"}, false},
	{"Opus Økonomi", "KMD A/S", samspil.CategoryEconomy, nil, false},
	{"Prisme", "Fujitsu A/S", samspil.CategoryEconomy, nil, false},
	{"SD Løn", "Silkeborg Data A/S", samspil.CategoryHRPayroll, nil, false},
	{"Opus Løn", "KMD A/S", samspil.CategoryHRPayroll, nil, false},
	{"Nexus", "Systematic A/S", samspil.CategoryHealth, nil, false},
	{"Cura", "Systematic A/S", samspil.CategoryHealth, nil, false},
	{"Sensum Bosted", "EG A/S", samspil.CategorySocial, nil, false},
	{"DUBU", "Netcompany A/S", samspil.CategorySocial, nil, false},
	{"Momentum", "Netcompany A/S", samspil.CategoryEmployment, nil, false},
	{"Min Uddannelse", "Systematic A/S", samspil.CategorySchools, nil, false},
	{"Meebook", "Meebook ApS", samspil.CategorySchools, nil, false},
	{"OS2forms", "", samspil.CategorySelfService, nil, true},
	{"OS2faktor", "", samspil.CategoryInfrastructure, nil, true},
	{"OS2rollekatalog", "", samspil.CategoryInfrastructure, nil, true},
	{"OS2mo", "", samspil.CategoryHRPayroll, nil, true},
	{"OS2datascanner", "", samspil.CategoryData, nil, true},
	{"Microsoft 365", "Microsoft Danmark ApS", samspil.CategoryInfrastructure, nil, false},
}

// storyContracts are the contracts of Silkeborg and Viborg that the
// present of the demo turns on, by municipality and product: how many days
// from today the last day to give notice falls. Both run Nexus on
// contracts that come up together (a joint procurement to decide on), and
// each has one more deadline within six months.
var storyContracts = map[string]map[string]int{
	"0740": {"Nexus": 100, "SD Løn": 40},
	"0791": {"Nexus": 110, "Prisme": 70},
}

// storyOversights are the next oversights of data processing that the
// present of the demo turns on, by municipality and product: how many days
// from today each falls.
var storyOversights = map[string]map[string]int{
	"0740": {"Nexus": 45},
	"0791": {"Nexus": 60},
}

// personalData are the kinds of personal data the demo's registrations of
// data processing say each area's systems process; areas without are not
// registered.
var personalData = map[samspil.Category][]samspil.PersonalDataKind{
	samspil.CategoryHealth:     {samspil.PersonalDataOrdinary, samspil.PersonalDataSensitive, samspil.PersonalDataCPR},
	samspil.CategoryHRPayroll:  {samspil.PersonalDataOrdinary, samspil.PersonalDataCPR},
	samspil.CategorySocial:     {samspil.PersonalDataOrdinary, samspil.PersonalDataSensitive, samspil.PersonalDataCriminal, samspil.PersonalDataCPR},
	samspil.CategoryEmployment: {samspil.PersonalDataOrdinary, samspil.PersonalDataCPR},
}

// noticeTerms returns contract terms whose last day to give notice falls
// days after today or within the month after: a four-year term with two
// one-year options that run on unless notice is given, six months' notice
// to the end of a month (løbende måned).
func noticeTerms(today samspil.Date, days int) samspil.ContractTerms {
	expiry := today.AddDays(days).AddMonths(6).EndOfMonth()
	return samspil.ContractTerms{Start: expiry.AddMonths(-48).AddDays(1), Expiry: &expiry, ExtensionCount: 2, ExtensionMonths: 12,
		NoticeMonths: 6, NoticeRule: samspil.NoticeEndOfMonth}
}

// categoriesInUse are the areas every demo municipality covers; for each it
// uses one of the competing products.
var categoriesInUse = []samspil.Category{samspil.CategoryCaseManagement, samspil.CategoryEconomy, samspil.CategoryHRPayroll,
	samspil.CategoryHealth, samspil.CategorySocial, samspil.CategoryEmployment, samspil.CategorySchools}

// ensureLandscape gives every municipality a synthetic landscape: one
// product per area, a few OS2 products, and contracts for most commercial
// products. It runs once, with the rest of the demo.
func ensureLandscape(ctx context.Context, store Store, today samspil.Date) error {
	sys := samspil.SystemActor("demo")
	orgs, err := store.ListOrganizations(ctx, sys, samspil.OrganizationFilter{Kind: samspil.KindMunicipality, ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}})
	if err != nil {
		return err
	}
	owner, err := store.FindOrganization(ctx, sys, "0740")
	if err != nil {
		return err
	}
	vendors := map[string]string{}
	os2, err := store.CreateOrganization(ctx, sys, samspil.OrganizationInput{Kind: samspil.KindCommunity, Name: "OS2 – Offentligt digitaliseringsfællesskab", Visibility: samspil.VisibilityPublic})
	if err != nil {
		return err
	}
	systems := map[string]*samspil.System{}
	for _, p := range catalogue {
		vendor := ""
		if p.os2 {
			vendor = os2.ID
		}
		if p.vendor != "" {
			if vendors[p.vendor] == "" {
				o, err := store.CreateOrganization(ctx, sys, samspil.OrganizationInput{Kind: samspil.KindCompany, Name: p.vendor, Visibility: samspil.VisibilityPublic})
				if err != nil {
					return fmt.Errorf("create vendor %s: %w", p.vendor, err)
				}
				vendors[p.vendor] = o.ID
			}
			vendor = vendors[p.vendor]
		}
		s, err := store.CreateSystem(ctx, sys, samspil.SystemInput{Name: p.name, VendorID: vendor, Category: p.category, Tasks: p.tasks,
			OpenSource: p.os2, OS2Product: p.os2, OwnerID: owner.ID, Visibility: samspil.VisibilityPublic,
			Description: "Demo: katalogposten er oprettet til demoen."})
		if err != nil {
			return fmt.Errorf("create system %s: %w", p.name, err)
		}
		systems[p.name] = s
	}
	byCategory := map[samspil.Category][]product{}
	for _, p := range catalogue {
		if !p.os2 {
			byCategory[p.category] = append(byCategory[p.category], p)
		}
	}
	for i, o := range orgs.Items {
		rng := rand.New(rand.NewPCG(seed(o.MunicipalityCode), 2014))
		var picks []product
		for _, c := range categoriesInUse {
			options := byCategory[c]
			pick := options[rng.IntN(len(options))]
			for _, p := range options {
				if _, ok := storyContracts[o.MunicipalityCode][p.name]; ok {
					pick = p
				}
			}
			picks = append(picks, pick)
		}
		for _, p := range catalogue {
			if p.os2 && rng.IntN(3) > 0 {
				picks = append(picks, p)
			}
		}
		if err := demoOrganization(ctx, store, sys, rng, &o, picks, systems, today); err != nil {
			return err
		}
		if (i+1)%20 == 0 || i+1 == len(orgs.Items) {
			slog.Info("demo landscape", "municipalities", i+1, "of", len(orgs.Items))
		}
	}
	return nil
}

func seed(code string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(code))
	return h.Sum64()
}

var demoLifecycles = []samspil.Lifecycle{samspil.LifecycleOperational, samspil.LifecycleOperational, samspil.LifecycleOperational,
	samspil.LifecycleOperational, samspil.LifecyclePhasingIn, samspil.LifecyclePhasingOut, samspil.LifecyclePlanned, samspil.LifecyclePilot}

func demoOrganization(ctx context.Context, store Store, sys *samspil.Actor, rng *rand.Rand, o *samspil.Organization, picks []product,
	systems map[string]*samspil.System, today samspil.Date) error {
	var processing []dataProcessing
	for _, p := range picks {
		s := systems[p.name]
		lifecycle := demoLifecycles[rng.IntN(len(demoLifecycles))]
		from := samspil.NewDate(2012+rng.IntN(12), time.Month(1+rng.IntN(12)), 1)
		noticeIn, story := storyContracts[o.MunicipalityCode][p.name]
		if story {
			lifecycle = samspil.LifecycleOperational
		}
		// Public, so that the demo's catalogue and maps show without signing
		// in; real usages default to sector.
		u, err := store.CreateUsage(ctx, sys, samspil.UsageInput{OrganizationID: o.ID, SystemID: s.ID, Lifecycle: lifecycle, From: &from,
			Visibility: samspil.VisibilityPublic, Notes: "Syntetiske demodata."})
		if err != nil {
			return fmt.Errorf("demo usage %s/%s: %w", o.Name, p.name, err)
		}
		covered := dataProcessing{product: p, system: s, usageID: u.ID, from: from}
		if p.os2 || (!story && rng.IntN(10) < 3) {
			processing = append(processing, covered)
			continue
		}
		start := samspil.NewDate(2020+rng.IntN(6), time.Month(1+rng.IntN(12)), 1)
		terms := samspil.ContractTerms{Start: start, DurationMonths: 48 + 12*rng.IntN(3), NoticeMonths: []int{3, 6, 6, 12}[rng.IntN(4)],
			NoticeRule: samspil.NoticeRules[rng.IntN(len(samspil.NoticeRules))]}
		if rng.IntN(2) == 0 {
			terms.ExtensionCount, terms.ExtensionMonths = 1+rng.IntN(2), 12
		}
		size := max(o.Inhabitants(), 2000)
		costs := samspil.Costs{Acquisition: samspil.DKK(int64(size) * int64(2+rng.IntN(8)) * 10), Operation: samspil.DKK(int64(size) * int64(10+rng.IntN(30)) * 10)}
		procurement := []samspil.ProcurementForm{samspil.ProcurementEUTender, samspil.ProcurementSKI, samspil.ProcurementSKI, samspil.ProcurementJoint}[rng.IntN(4)]
		visibility := []samspil.Visibility{samspil.VisibilityPrivate, samspil.VisibilitySector, samspil.VisibilitySector}[rng.IntN(3)]
		if story {
			terms, visibility = noticeTerms(today, noticeIn), samspil.VisibilitySector
		}
		c, err := store.CreateContract(ctx, sys, samspil.ContractInput{OrganizationID: o.ID, Name: p.name + " – driftsaftale", SupplierID: s.VendorID,
			SystemIDs: []string{s.ID}, ContractTerms: terms, ProcurementForm: procurement, Costs: &costs, Visibility: visibility,
			PriceVisibility: samspil.VisibilityPrivate, Notes: "Syntetiske demodata."})
		if err != nil {
			return fmt.Errorf("demo contract %s/%s: %w", o.Name, p.name, err)
		}
		covered.contractID = c.ID
		processing = append(processing, covered)
	}
	return demoDataProcessing(ctx, store, sys, o, processing, today)
}

// dataProcessing is a usage (and its contract, if any) that a demo
// registration of data processing may cover.
type dataProcessing struct {
	product    product
	system     *samspil.System
	usageID    string
	contractID string
	from       samspil.Date
}

var demoIntervals = []samspil.OversightInterval{samspil.OversightYearly, samspil.OversightYearly, samspil.OversightHalfYearly,
	samspil.OversightEverySecondYear}

// demoDataProcessing registers the data processing of the commercial
// systems that process personal data: the vendor is the processor in
// Denmark, an agreement is concluded, and the oversight is at an interval
// with a last oversight some months ago (the story's oversights fall on
// their days). Most registrations are private, as they are by default.
// A generator of its own keeps the rest of the demo as it was.
func demoDataProcessing(ctx context.Context, store Store, sys *samspil.Actor, o *samspil.Organization, covered []dataProcessing, today samspil.Date) error {
	rng := rand.New(rand.NewPCG(seed(o.MunicipalityCode), 2018))
	for _, c := range covered {
		kinds, ok := personalData[c.product.category]
		if !ok || c.product.os2 || c.system.VendorID == "" {
			continue
		}
		interval := demoIntervals[rng.IntN(len(demoIntervals))]
		last := today.AddDays(-30 - rng.IntN(300))
		if days, story := storyOversights[o.MunicipalityCode][c.product.name]; story {
			interval, last = samspil.OversightYearly, today.AddDays(days).AddMonths(-12)
		}
		visibility := []samspil.Visibility{samspil.VisibilityPrivate, samspil.VisibilityPrivate, samspil.VisibilitySector}[rng.IntN(3)]
		in := samspil.DataProcessingInput{OrganizationID: o.ID, Name: c.product.name + " – databehandling",
			DataResponsible: samspil.DataResponsibleSupplierProcessor, UsageIDs: []string{c.usageID}, AgreementConcluded: samspil.AnswerYes,
			AgreementDate: &c.from, Processors: []samspil.DataProcessor{{OrganizationID: c.system.VendorID, Country: "DK"}},
			TransferBasis: samspil.TransferEUEEA, PersonalData: kinds,
			Oversight: samspil.Oversight{Interval: interval, LastDate: &last, Result: "Skriftlig kontrol uden væsentlige bemærkninger."},
			Notes:     "Syntetiske demodata.", Visibility: visibility}
		if c.contractID != "" {
			in.ContractIDs = []string{c.contractID}
		}
		if _, err := store.CreateDataProcessing(ctx, sys, in); err != nil {
			return fmt.Errorf("demo data processing %s/%s: %w", o.Name, c.product.name, err)
		}
	}
	return nil
}
