package sqldb_test

import (
	"context"
	"database/sql"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/demo"
	"github.com/samspil/samspil/internal/opportunity"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestOpportunityFacts reads the facts of the opportunity index from a
// small world: the Silkeborg–Viborg partnership, Aarhus outside it, a few
// systems used with every visibility (one usage retired), contracts with
// and without options, open-ended, in notice, expired and terminated, and
// initiatives with participations. Only the system may read them.
func TestOpportunityFacts(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		copenhagenClock(db, time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
		today := samspil.NewDate(2026, 3, 1)
		s := testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		v := testkit.NewPerson(t, db, "admin@viborg.example", testkit.Viborg, samspil.RoleAdmin)
		a := testkit.NewPerson(t, db, "admin@aarhus.example", testkit.Aarhus, samspil.RoleAdmin)
		testkit.Partnership(t, db, s.Actor)
		silkeborg, viborg, aarhus := testkit.Org(t, db, testkit.Silkeborg), testkit.Org(t, db, testkit.Viborg), testkit.Org(t, db, testkit.Aarhus)
		hidden := newOrg(t, db, "Skjult fællesskab", samspil.VisibilityPrivate)
		// Aarhus's figures out of order: the newest year counts.
		_, err := db.UpdateOrganization(ctx, testkit.System, aarhus.ID, aarhus.Version, samspil.OrganizationPatch{
			Population: &[]samspil.Population{{Year: 2020, Inhabitants: 100}, {Year: 2024, Inhabitants: 300}, {Year: 2022, Inhabitants: 200}}})
		must(t, err)

		// Only the system reads the facts, not even an operator user.
		opUser, err := db.CreateUser(ctx, testkit.System, samspil.UserInput{Email: "drift@samspil.example", DisplayName: "Drift", Operator: true})
		must(t, err)
		for _, actor := range []*samspil.Actor{s.Actor, testkit.Actor(t, db, opUser.ID), samspil.Anonymous(), nil} {
			_, err := db.OpportunityFacts(ctx, actor, today)
			testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		}
		_, err = db.OpportunityFacts(ctx, testkit.System, samspil.Date{})
		wantField(t, err, samspil.EINVALID, "today")

		sys := func(p testkit.Person, name string, vis samspil.Visibility) *samspil.System {
			x, err := db.CreateSystem(ctx, p.Actor, samspil.SystemInput{Name: name, Category: samspil.CategoryCaseManagement, Visibility: vis})
			must(t, err)
			return x
		}
		acadre, kmd := sys(s, "Acadre", samspil.VisibilitySector), sys(s, "KMD Sag", samspil.VisibilityPublic)
		_, err = db.UpdateSystem(ctx, s.Actor, acadre.ID, acadre.Version, samspil.SystemPatch{Tasks: &[]string{"00.01.00", "27.34.00"}})
		must(t, err)
		own := sys(v, "Viborgs egen sagsstyring", samspil.VisibilityPrivate)
		use := func(p testkit.Person, org string, x *samspil.System, lc samspil.Lifecycle, vis samspil.Visibility) {
			_, err := db.CreateUsage(ctx, p.Actor, samspil.UsageInput{OrganizationID: org, SystemID: x.ID, Lifecycle: lc, Visibility: vis})
			must(t, err)
		}
		use(s, testkit.Silkeborg, acadre, samspil.LifecycleOperational, samspil.VisibilityPublic)
		use(s, testkit.Silkeborg, kmd, samspil.LifecyclePhasingOut, samspil.VisibilityPartners)
		_, err = db.CreateUsage(ctx, v.Actor, samspil.UsageInput{OrganizationID: testkit.Viborg, SystemID: acadre.ID, Lifecycle: samspil.LifecyclePilot,
			Visibility: samspil.VisibilityPrivate, TaskChanges: []samspil.TaskChange{{Code: "27.34.40"}, {Code: "00.01.00", OptOut: true}}})
		must(t, err)
		use(v, testkit.Viborg, own, samspil.LifecycleOperational, samspil.VisibilitySector)
		use(v, testkit.Viborg, kmd, samspil.LifecycleRetired, samspil.VisibilitySector) // left out
		use(a, testkit.Aarhus, kmd, samspil.LifecyclePlanned, samspil.VisibilitySector)

		contract := func(p testkit.Person, org, name string, vis samspil.Visibility, terms samspil.ContractTerms, systems ...*samspil.System) *samspil.Contract {
			in := samspil.ContractInput{OrganizationID: org, Name: name, Visibility: vis, ContractTerms: terms}
			for _, x := range systems {
				in.SystemIDs = append(in.SystemIDs, x.ID)
			}
			c, err := db.CreateContract(ctx, p.Actor, in)
			must(t, err)
			return c
		}
		d := samspil.NewDate
		// Four years from 2022-07-01 (to 2026-06-30) and two yearly
		// options, 3 months' notice: give notice by 2026-03-31.
		withOptions := contract(s, testkit.Silkeborg, "ESDH-kontrakt", samspil.VisibilityPartners, samspil.ContractTerms{
			Start: d(2022, 7, 1), DurationMonths: 48, ExtensionCount: 2, ExtensionMonths: 12, NoticeMonths: 3}, kmd, acadre)
		// No options: it expires on 2027-12-31, no notice needed.
		noOptions := contract(v, testkit.Viborg, "Egen drift", samspil.VisibilityPrivate, samspil.ContractTerms{
			Start: d(2024, 1, 1), Expiry: ptr(d(2027, 12, 31)), NoticeMonths: 6}, own)
		// Open-ended, 3 months to the end of a quarter: notice by
		// 2026-03-31 ends it on 2026-06-30.
		open := contract(a, testkit.Aarhus, "Løbende aftale", samspil.VisibilitySector, samspil.ContractTerms{
			Start: d(2020, 1, 1), NoticeMonths: 3, NoticeRule: samspil.NoticeEndOfQuarter}, kmd)
		// In notice: it ends on 2026-09-30, nothing left to decide.
		inNotice := contract(v, testkit.Viborg, "Opsagt", samspil.VisibilityPublic, samspil.ContractTerms{
			Start: d(2020, 1, 1), NoticeMonths: 1, TerminatedOn: ptr(d(2026, 9, 30))}, acadre)
		noSystems := contract(a, testkit.Aarhus, "Rådgivning", samspil.VisibilityPrivate, samspil.ContractTerms{
			Start: d(2025, 1, 1), DurationMonths: 36})
		// Ended: expired in 2020, terminated on the last day of 2025.
		contract(s, testkit.Silkeborg, "Gammel", samspil.VisibilityPublic, samspil.ContractTerms{Start: d(2016, 1, 1), Expiry: ptr(d(2020, 12, 31))}, acadre)
		contract(v, testkit.Viborg, "Ophørt", samspil.VisibilityPublic, samspil.ContractTerms{
			Start: d(2020, 1, 1), NoticeMonths: 1, TerminatedOn: ptr(d(2025, 12, 31))}, acadre)

		// Initiatives: Silkeborg's with Viborg voluntary and Aarhus only
		// interested; Aarhus's with Silkeborg binding, Viborg pledged;
		// Viborg's with Aarhus declining.
		initiative := func(p testkit.Person, title string) *samspil.Initiative {
			x, err := db.ProposeInitiative(ctx, p.Actor, samspil.InitiativeInput{Title: title, Model: samspil.ModelProcurement})
			must(t, err)
			return x
		}
		take := func(p testkit.Person, org string, x *samspil.Initiative, st samspil.ParticipationState) {
			_, err := db.SetParticipation(ctx, p.Actor, x.ID, samspil.ParticipationInput{OrganizationID: org, State: st, Reason: "fordi"})
			must(t, err)
		}
		chatbot, gis, arkiv := initiative(s, "Fælles chatbot"), initiative(a, "Fælles GIS"), initiative(v, "Arkivering")
		take(v, testkit.Viborg, chatbot, samspil.ParticipationVoluntary)
		take(a, testkit.Aarhus, chatbot, samspil.ParticipationInterested)
		take(s, testkit.Silkeborg, gis, samspil.ParticipationBinding)
		take(v, testkit.Viborg, gis, samspil.ParticipationPledged)
		take(v, testkit.Aarhus, arkiv, samspil.ParticipationInvited)
		take(a, testkit.Aarhus, arkiv, samspil.ParticipationDeclined)

		// A network of Viborg and Aarhus that ended in 2018: neither
		// partners nor together today.
		ended, err := db.CreateCollaboration(ctx, v.Actor, samspil.CollaborationInput{Name: "Gammelt netværk", Kind: samspil.KindNetwork,
			Start: d(2015, 1, 1), End: ptr(d(2018, 12, 31)), OrganizationID: testkit.Viborg})
		must(t, err)
		testkit.Join(t, db, ended.ID, samspil.InvitationInput{OrganizationID: testkit.Aarhus, Since: d(2015, 1, 1)})

		f, err := db.OpportunityFacts(ctx, testkit.System, today)
		must(t, err)

		// Organisations: all of them, in the order of their ids, each as
		// the store has it.
		if len(f.Orgs) < 100 || !slices.IsSortedFunc(f.Orgs, func(x, y opportunity.Org) int { return strings.Compare(x.ID, y.ID) }) {
			t.Fatalf("%d organisations, sorted: %v", len(f.Orgs), slices.IsSortedFunc(f.Orgs, func(x, y opportunity.Org) int { return strings.Compare(x.ID, y.ID) }))
		}
		orgs := map[string]opportunity.Org{}
		for _, o := range f.Orgs {
			orgs[o.ID] = o
		}
		aarhus = testkit.Org(t, db, testkit.Aarhus)
		for _, o := range []*samspil.Organization{silkeborg, viborg, aarhus, hidden} {
			want := opportunity.Org{ID: o.ID, Name: o.Name, Kind: o.Kind, Country: o.Country, Region: o.Region, Population: o.Inhabitants(), Visibility: o.Visibility}
			if got := orgs[o.ID]; got != want {
				t.Errorf("organisation %s: got %+v, want %+v", o.Name, got, want)
			}
		}
		if orgs[aarhus.ID].Population != 300 || orgs[silkeborg.ID].Population == 0 || orgs[silkeborg.ID].Region != "1082" ||
			orgs[hidden.ID].Kind != samspil.KindCommunity || orgs[hidden.ID].Region != "" || orgs[hidden.ID].Population != 0 {
			t.Errorf("Aarhus %+v, Silkeborg %+v, hidden %+v", orgs[aarhus.ID], orgs[silkeborg.ID], orgs[hidden.ID])
		}

		// Usages: all but the retired one, by organisation and system.
		want := []opportunity.Usage{
			{OrgID: silkeborg.ID, SystemID: acadre.ID, SystemName: "Acadre", Visibility: samspil.VisibilityPublic},
			{OrgID: silkeborg.ID, SystemID: kmd.ID, SystemName: "KMD Sag", Visibility: samspil.VisibilityPartners},
			{OrgID: viborg.ID, SystemID: acadre.ID, SystemName: "Acadre", Visibility: samspil.VisibilityPrivate},
			{OrgID: viborg.ID, SystemID: own.ID, SystemName: "Viborgs egen sagsstyring", Visibility: samspil.VisibilitySector},
			{OrgID: aarhus.ID, SystemID: kmd.ID, SystemName: "KMD Sag", Visibility: samspil.VisibilitySector},
		}
		slices.SortFunc(want, func(x, y opportunity.Usage) int {
			if c := strings.Compare(x.OrgID, y.OrgID); c != 0 {
				return c
			}
			return strings.Compare(x.SystemID, y.SystemID)
		})
		want[slices.IndexFunc(want, func(u opportunity.Usage) bool { return u.OrgID == viborg.ID && u.SystemID == acadre.ID })].TaskChanges =
			[]samspil.TaskChange{{Code: "00.01.00", OptOut: true}, {Code: "27.34.40"}}
		if !reflect.DeepEqual(f.Usages, want) {
			t.Errorf("usages:\n got %+v\nwant %+v", f.Usages, want)
		}

		// The catalogue with categories and tasks.
		if i := slices.IndexFunc(f.Systems, func(x opportunity.System) bool { return x.ID == acadre.ID }); i < 0 ||
			!reflect.DeepEqual(f.Systems[i], opportunity.System{ID: acadre.ID, Name: "Acadre", Category: string(samspil.CategoryCaseManagement), Tasks: []string{"00.01.00", "27.34.00"}}) {
			t.Errorf("systems: %+v", f.Systems)
		}

		// One organisation's facts are those of the whole for it.
		for _, org := range []string{silkeborg.ID, viborg.ID, aarhus.ID, hidden.ID} {
			one, err := db.OpportunityFactsOf(ctx, testkit.System, today, org, false)
			must(t, err)
			keep := func(o string) bool { return o != org }
			wantOne := &opportunity.Facts{
				Orgs:      slices.DeleteFunc(slices.Clone(f.Orgs), func(x opportunity.Org) bool { return keep(x.ID) }),
				Usages:    slices.DeleteFunc(slices.Clone(f.Usages), func(x opportunity.Usage) bool { return keep(x.OrgID) }),
				Contracts: slices.DeleteFunc(slices.Clone(f.Contracts), func(x opportunity.Contract) bool { return keep(x.OrgID) }),
			}
			if len(wantOne.Usages) == 0 {
				wantOne.Usages = one.Usages // an empty list, sized
			}
			if len(wantOne.Contracts) == 0 {
				wantOne.Contracts = one.Contracts
			}
			if !reflect.DeepEqual(one, wantOne) {
				t.Errorf("facts of %s:\n got %+v\nwant %+v", org, one, wantOne)
			}
		}
		_, err = db.OpportunityFactsOf(ctx, testkit.System, today, "", false)
		wantField(t, err, samspil.EINVALID, "organization_id")
		_, err = db.OpportunityFactsOf(ctx, s.Actor, today, silkeborg.ID, false)
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		rel, err := db.OpportunityRelations(ctx, testkit.System, today)
		must(t, err)
		if len(rel.Orgs) != 0 || len(rel.Usages) != 0 || !reflect.DeepEqual(rel.Partners, f.Partners) || !reflect.DeepEqual(rel.Together, f.Together) ||
			!reflect.DeepEqual(rel.Systems, f.Systems) {
			t.Errorf("relations: %+v", rel)
		}

		// Contracts: those not ended, in the order of their ids, with the
		// ids of their systems sorted and their dates for today.
		type contractWant struct {
			c                      *samspil.Contract
			systems                []string
			nextDecision, noticeBy *samspil.Date
		}
		ids := func(xs ...*samspil.System) []string {
			var out []string
			for _, x := range xs {
				out = append(out, x.ID)
			}
			slices.Sort(out)
			return out
		}
		wantContracts := []contractWant{
			{withOptions, ids(acadre, kmd), ptr(d(2026, 3, 31)), ptr(d(2026, 3, 31))},
			{noOptions, ids(own), ptr(d(2027, 12, 31)), nil},
			{open, ids(kmd), ptr(d(2026, 3, 31)), ptr(d(2026, 3, 31))},
			{inNotice, ids(acadre), nil, nil},
			{noSystems, nil, ptr(d(2027, 12, 31)), nil},
		}
		slices.SortFunc(wantContracts, func(x, y contractWant) int { return strings.Compare(x.c.ID, y.c.ID) })
		if len(f.Contracts) != len(wantContracts) {
			t.Fatalf("contracts: got %+v", f.Contracts)
		}
		for i, w := range wantContracts {
			got := f.Contracts[i]
			dl := w.c.ContractTerms.Deadlines(today)
			if got.ID != w.c.ID || got.OrgID != w.c.OrganizationID || got.Visibility != w.c.Visibility || !slices.Equal(got.SystemIDs, w.systems) ||
				!sameDate(got.NextDecision, w.nextDecision) || !sameDate(got.NoticeBy, w.noticeBy) ||
				!sameDate(got.NextDecision, dl.NextDecisionDate) || !sameDate(got.NoticeBy, dl.LastNoticeDate) {
				t.Errorf("contract %s: got %+v (next decision %s, notice by %s), want systems %v, next decision %s, notice by %s",
					w.c.Name, got, got.NextDecision.StringOrEmpty(), got.NoticeBy.StringOrEmpty(), w.systems, w.nextDecision.StringOrEmpty(), w.noticeBy.StringOrEmpty())
			}
		}

		// Partners: Silkeborg and Viborg see each other's; Aarhus none.
		wantPartners := map[string][]string{silkeborg.ID: {viborg.ID}, viborg.ID: {silkeborg.ID}}
		if !equalPartners(f.Partners, wantPartners) {
			t.Errorf("partners: got %v, want %v", f.Partners, wantPartners)
		}
		checkPartnersAgree(t, db, f, today, s, v, a)

		// Together: Silkeborg and Viborg in the partnership and two
		// initiatives; Aarhus with each in its own GIS initiative.
		wantTogether := []opportunity.Together{
			pair(silkeborg.ID, viborg.ID, 1, 2), pair(silkeborg.ID, aarhus.ID, 0, 1), pair(viborg.ID, aarhus.ID, 0, 1),
		}
		sortPairs(wantTogether)
		if !slices.Equal(f.Together, wantTogether) {
			t.Errorf("together:\n got %+v\nwant %+v", f.Together, wantTogether)
		}

		// A network of Silkeborg and Aarhus from 2020: both work together
		// now. Aarhus does not let it make partners, so Silkeborg does not
		// see what Aarhus shares with partners, but Aarhus sees
		// Silkeborg's.
		network, err := db.CreateCollaboration(ctx, s.Actor, samspil.CollaborationInput{Name: "Østjysk netværk", Kind: samspil.KindNetwork,
			Start: d(2020, 1, 1), OrganizationID: testkit.Silkeborg})
		must(t, err)
		testkit.Join(t, db, network.ID, samspil.InvitationInput{OrganizationID: testkit.Aarhus, Since: d(2020, 1, 1)})
		a.Actor = testkit.Actor(t, db, a.User.ID)
		_, err = db.SetPartnerSetting(ctx, a.Actor, testkit.Aarhus, network.ID, samspil.PartnerSettingInput{Counts: false})
		must(t, err)
		f, err = db.OpportunityFacts(ctx, testkit.System, today)
		must(t, err)
		wantPartners = map[string][]string{silkeborg.ID: sorted(viborg.ID, aarhus.ID), viborg.ID: {silkeborg.ID}}
		if !equalPartners(f.Partners, wantPartners) {
			t.Errorf("partners with the network: got %v, want %v", f.Partners, wantPartners)
		}
		checkPartnersAgree(t, db, f, today, s, v, a)
		wantTogether = []opportunity.Together{
			pair(silkeborg.ID, viborg.ID, 1, 2), pair(silkeborg.ID, aarhus.ID, 1, 1), pair(viborg.ID, aarhus.ID, 0, 1),
		}
		sortPairs(wantTogether)
		if !slices.Equal(f.Together, wantTogether) {
			t.Errorf("together with the network:\n got %+v\nwant %+v", f.Together, wantTogether)
		}

		// On a day before the partnership began, nobody is a partner and
		// only the initiatives count.
		f, err = db.OpportunityFacts(ctx, testkit.System, d(2013, 6, 1))
		must(t, err)
		if len(f.Partners) != 0 || len(f.Together) != 3 || f.Together[0].Collaborations+f.Together[1].Collaborations+f.Together[2].Collaborations != 0 {
			t.Errorf("in 2013: partners %v, together %+v", f.Partners, f.Together)
		}
	})
}

// checkPartnersAgree checks the partners of the facts against the
// partners the store gives each person's actor (partnersOf): X sees what O
// shares with partners exactly when O is among X's partners.
func checkPartnersAgree(t *testing.T, db *sqldb.DB, f *opportunity.Facts, today samspil.Date, people ...testkit.Person) {
	t.Helper()
	for _, p := range people {
		actor := testkit.Actor(t, db, p.User.ID)
		org := actor.OrgIDs()[0]
		var want []string
		for owner, viewers := range f.Partners {
			if _, ok := slices.BinarySearch(viewers, org); ok {
				want = append(want, owner)
			}
		}
		got := slices.DeleteFunc(slices.Clone(actor.Partners), func(id string) bool { return id == org })
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: the actor's partners are %v, the facts say %v", p.User.Email, got, want)
		}
	}
}

func pair(a, b string, collabs, initiatives int) opportunity.Together {
	if b < a {
		a, b = b, a
	}
	return opportunity.Together{A: a, B: b, Collaborations: collabs, Initiatives: initiatives}
}

func sortPairs(ps []opportunity.Together) {
	slices.SortFunc(ps, func(x, y opportunity.Together) int {
		if c := strings.Compare(x.A, y.A); c != 0 {
			return c
		}
		return strings.Compare(x.B, y.B)
	})
}

func equalPartners(got, want map[string][]string) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if !slices.Equal(got[k], v) {
			return false
		}
	}
	return true
}

func sorted(ids ...string) []string {
	slices.Sort(ids)
	return ids
}

func sameDate(a, b *samspil.Date) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// BenchmarkOpportunityFacts reads the facts from the generated databases
// named by SAMSPIL_BENCH_OPPORTUNITY_DB (SQLite paths or postgres:// URLs,
// separated by spaces), e.g. one made by samspil demo generate --orgs 1000,
// and reports the time, the peak heap in use and the heap the facts hold.
func BenchmarkOpportunityFacts(b *testing.B) {
	dsns := strings.Fields(os.Getenv("SAMSPIL_BENCH_OPPORTUNITY_DB"))
	if len(dsns) == 0 {
		b.Skip("SAMSPIL_BENCH_OPPORTUNITY_DB names no generated database")
	}
	for _, dsn := range dsns {
		db, err := sqldb.Open(ctx, dsn, sqldb.Options{Passwords: testkit.Passwords()})
		must(b, err)
		b.Run(string(db.Engine()), func(b *testing.B) {
			today := samspil.Today(samspil.Now())
			var f *opportunity.Facts
			peak, stop := samplePeakHeap()
			var base runtime.MemStats
			runtime.ReadMemStats(&base)
			for b.Loop() {
				f = nil
				f, err = db.OpportunityFacts(ctx, testkit.System, today)
				must(b, err)
			}
			stop()
			runtime.GC()
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(peak.Load()-base.HeapInuse)/(1<<20), "peak-MiB")
			b.ReportMetric(float64(after.HeapInuse-base.HeapInuse)/(1<<20), "held-MiB")
			b.ReportMetric(float64(len(f.Orgs)), "orgs")
			b.ReportMetric(float64(len(f.Usages)), "usages")
			b.ReportMetric(float64(len(f.Contracts)), "contracts")
			runtime.KeepAlive(f)
		})
		must(b, db.Close())
	}
}

// TestOpportunityFactsInParts reads the facts of generated organisations
// in one transaction and in parts side by side (ranges of rowids on
// SQLite, of pages on PostgreSQL): the facts are the same.
func TestOpportunityFactsInParts(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		g, err := demo.NewGenerator(demo.Config{Orgs: 60, Seed: 7, UsagesPerOrg: 40, ContractsPerOrg: 15})
		must(t, err)
		for _, b := range generatedBatches(g, 25) {
			_, err := db.LoadGenerated(ctx, samspil.SystemActor("demo generate"), b)
			must(t, err)
		}
		// A usage that changes its system's tasks, so that the parts
		// carry task changes too.
		p := testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		x, err := db.CreateSystem(ctx, p.Actor, samspil.SystemInput{Name: "Acadre", Category: samspil.CategoryCaseManagement, Visibility: samspil.VisibilityPublic,
			Tasks: []string{"00.01.00"}})
		must(t, err)
		_, err = db.CreateUsage(ctx, p.Actor, samspil.UsageInput{OrganizationID: testkit.Silkeborg, SystemID: x.ID, Lifecycle: samspil.LifecycleOperational,
			Visibility: samspil.VisibilityPublic, TaskChanges: []samspil.TaskChange{{Code: "27.34.40"}}})
		must(t, err)
		today := samspil.Today(db.Now())
		sqldb.SetOpportunityParts(t, 1)
		whole, err := db.OpportunityFacts(ctx, testkit.System, today)
		must(t, err)
		if len(whole.Usages) < 60*40*9/10 || len(whole.Contracts) < 60*15/2 ||
			!slices.ContainsFunc(whole.Usages, func(u opportunity.Usage) bool { return len(u.TaskChanges) > 0 }) {
			t.Fatalf("%d usages, %d contracts", len(whole.Usages), len(whole.Contracts))
		}
		for _, n := range []int{2, 3} {
			sqldb.SetOpportunityParts(t, n)
			parts, err := db.OpportunityFacts(ctx, testkit.System, today)
			must(t, err)
			if !reflect.DeepEqual(parts, whole) {
				t.Errorf("in %d parts the facts differ: %d usages, %d contracts (whole: %d, %d)", n, len(parts.Usages), len(parts.Contracts),
					len(whole.Usages), len(whole.Contracts))
			}
		}
	})
}

// TestSnapshotTxs: the transactions that read the facts in parts see the
// same state, whatever is written after they began, and are not held up
// by it.
func TestSnapshotTxs(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		p := testkit.NewPerson(t, db, "admin@silkeborg.example", testkit.Silkeborg, samspil.RoleAdmin)
		x, err := db.CreateSystem(ctx, p.Actor, samspil.SystemInput{Name: "Acadre", Category: samspil.CategoryCaseManagement, Visibility: samspil.VisibilityPublic})
		must(t, err)
		count := func(qr interface {
			QueryRowContext(context.Context, string, ...any) *sql.Row
		}) int {
			var n int
			must(t, qr.QueryRowContext(ctx, `SELECT COUNT(*) FROM usages`).Scan(&n))
			return n
		}
		txs, end, err := db.SnapshotTxs(ctx, 3)
		must(t, err)
		before := count(txs[0])
		_, err = db.CreateUsage(ctx, p.Actor, samspil.UsageInput{OrganizationID: testkit.Silkeborg, SystemID: x.ID, Lifecycle: samspil.LifecycleOperational,
			Visibility: samspil.VisibilityPublic})
		must(t, err)
		for i, tx := range txs {
			if n := count(tx); n != before {
				t.Errorf("transaction %d sees %d usages, the first %d", i, n, before)
			}
		}
		end()
		now, end, err := db.SnapshotTxs(ctx, 1)
		must(t, err)
		if n := count(now[0]); n != before+1 {
			t.Errorf("a transaction begun after the write sees %d usages, want %d", n, before+1)
		}
		end()
	})
}
