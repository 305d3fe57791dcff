package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"strings"
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
		if api, ok := demoInterfaces[p.category]; ok {
			if _, err := store.CreateSystemInterface(ctx, sys, s.ID, samspil.SystemInterfaceInput{Name: api.name, InterfaceVersion: "1",
				Identifier: strings.ToUpper(strings.Fields(p.name)[0]) + "-" + api.id, Description: api.description}); err != nil {
				return fmt.Errorf("create interface of %s: %w", p.name, err)
			}
		}
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
		usages, err := demoOrganization(ctx, store, sys, rng, &o, picks, systems, today)
		if err != nil {
			return err
		}
		if _, story := storyContracts[o.MunicipalityCode]; story {
			if err := demoRelations(ctx, store, sys, picks, usages); err != nil {
				return fmt.Errorf("demo relations of %s: %w", o.Name, err)
			}
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

// demoOrganization registers the organisation's usages of the picked
// products, with contracts for most, and returns the usages by product
// name.
func demoOrganization(ctx context.Context, store Store, sys *samspil.Actor, rng *rand.Rand, o *samspil.Organization, picks []product,
	systems map[string]*samspil.System, today samspil.Date) (map[string]*samspil.Usage, error) {
	usages := map[string]*samspil.Usage{}
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
			return nil, fmt.Errorf("demo usage %s/%s: %w", o.Name, p.name, err)
		}
		usages[p.name] = u
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
			if start.Month%2 == 0 {
				// Half of them options the municipality must exercise, as
				// public procurement usually has them.
				terms.ExtensionKind = samspil.ExtensionOption
			}
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
			return nil, fmt.Errorf("demo contract %s/%s: %w", o.Name, p.name, err)
		}
		covered.contractID = c.ID
		processing = append(processing, covered)
	}
	return usages, demoDataProcessing(ctx, store, sys, o, processing, today)
}

// demoAPI is an interface every product of a category exposes in the demo.
type demoAPI struct{ name, id, description string }

var demoInterfaces = map[samspil.Category]demoAPI{
	samspil.CategoryCaseManagement: {"Journaliserings-API", "JOURNAL", "Demo: modtager dokumenter og akter til journalisering på en sag."},
	samspil.CategoryEconomy:        {"Posterings-API", "POST", "Demo: modtager posteringer til finansbogholderiet."},
}

// demoRelation is a relation between the products of two categories in
// the demo: the first uses the second, through its interface if it has one.
type demoRelation struct {
	from, to    samspil.Category
	frequency   samspil.RelationFrequency
	description string
}

// demoLinks tie a municipality's systems together as in real
// landscapes: the professional systems file in the ESDH, the schools report
// to the children's social system, payroll posts to the finance system, so
// that phasing out the ESDH hits several systems, some through others.
var demoLinks = []demoRelation{
	{samspil.CategoryHealth, samspil.CategoryCaseManagement, samspil.FrequencyDaily, "Demo: journalisering af sagsdokumenter."},
	{samspil.CategorySocial, samspil.CategoryCaseManagement, samspil.FrequencyDaily, "Demo: journalisering af sagsdokumenter."},
	{samspil.CategoryEmployment, samspil.CategoryCaseManagement, samspil.FrequencyWeekly, "Demo: journalisering af sagsdokumenter."},
	{samspil.CategorySchools, samspil.CategorySocial, samspil.FrequencyWeekly, "Demo: underretninger om børn sendes til socialområdet."},
	{samspil.CategoryHRPayroll, samspil.CategoryEconomy, samspil.FrequencyMonthly, "Demo: lønposteringer."},
	{samspil.CategorySelfService, samspil.CategoryCaseManagement, samspil.FrequencyDaily, "Demo: indsendte blanketter journaliseres."},
}

// demoRelations registers the demo's relations between the organisation's
// usages of the picked products.
func demoRelations(ctx context.Context, store Store, sys *samspil.Actor, picks []product, usages map[string]*samspil.Usage) error {
	byCategory := map[samspil.Category]*samspil.Usage{}
	for _, p := range picks {
		if byCategory[p.category] == nil {
			byCategory[p.category] = usages[p.name]
		}
	}
	for _, rel := range demoLinks {
		from, to := byCategory[rel.from], byCategory[rel.to]
		if from == nil || to == nil {
			continue
		}
		in := samspil.UsageRelationInput{ToUsageID: to.ID, Frequency: rel.frequency, Description: rel.description}
		if _, ok := demoInterfaces[rel.to]; ok {
			apis, err := store.SystemInterfaces(ctx, sys, to.SystemID)
			if err != nil {
				return err
			}
			if len(apis) > 0 {
				in.InterfaceID = apis[0].ID
			}
		}
		if _, err := store.CreateUsageRelation(ctx, sys, from.ID, in); err != nil {
			return err
		}
	}
	return nil
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
