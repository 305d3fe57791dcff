package demo

import (
	"fmt"

	"github.com/samspil/samspil"
)

// The joint initiatives of the demo, recorded through the store like the
// rest of it, so that every step is in the audit log. Until November 2018
// Silkeborg and Viborg ran their projects under the binding strategy: both
// committed ("skal"), each gate passed by a decision of the directors; two
// were closed, one stopped in 2018. Since then each joins where it makes
// sense ("kan"): a robot platform inside the collaboration that Skive
// joined, day-care places led by Viborg that Silkeborg withdrew from, a
// chatbot that Viborg declined. What is current is placed around the day
// the demo is made: a joint procurement and two ideas from the IT chiefs'
// latest meetings, with an invitation waiting for Silkeborg, and the next
// version of the product community's open-source meeting booking, with
// pledges of money and hours and one binding agreement. The frame is the
// real story; the initiatives, people, figures and texts are invented, and
// every description says so.

// demoPrefix opens every demo initiative's description.
const demoPrefix = "Demo: "

// kr is an amount of whole kroner.
func kr(n int64) samspil.DKK { return samspil.DKK(n * 100) }

// script records the initiatives step by step. After the first error every
// step does nothing, and the error names the initiative and the step.
type script struct {
	*story
	sys, jonas, sofie, rikke *samspil.Actor
	err                      error
}

// handle is an initiative being recorded and who keeps it: an
// administrator or editor of its owner.
type handle struct {
	x      *samspil.Initiative
	keeper *samspil.Actor
}

// ok reports whether a step succeeded, and keeps its error otherwise.
func (r *script) ok(h *handle, step string, err error) bool {
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("initiative %q: %s: %w", h.x.Title, step, err)
	}
	return err == nil
}

// propose proposes an initiative on day on.
func (r *script) propose(keeper *samspil.Actor, on samspil.Date, in samspil.InitiativeInput) *handle {
	h := &handle{x: &samspil.Initiative{Title: in.Title}, keeper: keeper}
	if r.err != nil {
		return h
	}
	in.ProposedOn = &on
	in.Description = demoPrefix + in.Description
	x, err := r.store.ProposeInitiative(r.ctx, keeper, in)
	if r.ok(h, "propose", err) {
		h.x = x
	}
	return h
}

// take records an organisation's stand on day on, decided by who, with
// the resources it pledges; one that leaves takes its resources with it.
func (r *script) take(h *handle, who *samspil.Actor, org string, state samspil.ParticipationState, on samspil.Date, reason string,
	resources ...samspil.ResourcePledge) {
	if r.err != nil {
		return
	}
	in := samspil.ParticipationInput{OrganizationID: org, State: state, On: &on, Reason: reason}
	if len(resources) > 0 || state.Out() {
		pledged := append([]samspil.ResourcePledge{}, resources...)
		in.Resources = &pledged
	}
	_, err := r.store.SetParticipation(r.ctx, who, h.x.ID, in)
	r.ok(h, fmt.Sprintf("%s %s", org, state), err)
}

// confirm records an organisation's own confirmation of the need.
func (r *script) confirm(h *handle, who *samspil.Actor, org string, on samspil.Date, evidence string) {
	if r.err != nil {
		return
	}
	x, err := r.store.ConfirmNeed(r.ctx, who, h.x.ID, samspil.NeedConfirmationInput{OrganizationID: org, Evidence: evidence, On: &on})
	if r.ok(h, "confirm the need for "+org, err) {
		h.x = x
	}
}

// evidence answers the must-criteria the keepers answer, in the order of
// samspil.Criteria after the need: owner, competences, development
// funding, maintenance funding, long-term ownership, strategy goal.
type evidence [6]string

// answer records the keepers' answers, every criterion met with its
// evidence.
func (r *script) answer(h *handle, e evidence) {
	if r.err != nil {
		return
	}
	var in samspil.CriteriaInput
	for i, c := range samspil.Criteria[1:] {
		in.Answers = append(in.Answers, samspil.CriterionAnswer{Criterion: c, Met: true, Evidence: e[i]})
	}
	x, err := r.store.AnswerCriteria(r.ctx, h.keeper, h.x.ID, h.x.Version, in)
	if r.ok(h, "answer the criteria", err) {
		h.x = x
	}
}

// gate moves the initiative through a gate by one of its collaboration's
// decisions, on the decision's day; reason says why it stops.
func (r *script) gate(h *handle, to samspil.InitiativePhase, d *samspil.Decision, reason string) {
	if r.err != nil {
		return
	}
	r.pass(h, samspil.GateInput{To: to, On: d.DecidedOn, DecisionID: d.ID, Reason: reason})
}

// approve moves an initiative outside a collaboration through a gate by
// its owner's approval.
func (r *script) approve(h *handle, to samspil.InitiativePhase, on samspil.Date, by string) {
	r.pass(h, samspil.GateInput{To: to, On: on, ApprovedBy: by})
}

func (r *script) pass(h *handle, in samspil.GateInput) {
	if r.err != nil {
		return
	}
	x, err := r.store.PassGate(r.ctx, h.keeper, h.x.ID, h.x.Version, in)
	if r.ok(h, "gate to "+string(in.To), err) {
		h.x = x
	}
}

// budget adds budget lines, by the initiative's keeper.
func (r *script) budget(h *handle, lines ...samspil.BudgetLineInput) {
	for _, l := range lines {
		if r.err != nil {
			return
		}
		_, err := r.store.AddBudgetLine(r.ctx, h.keeper, h.x.ID, l)
		r.ok(h, "budget line "+l.Title, err)
	}
}

// benefit plans a participant's benefit, by its representative who, and
// records what was realised.
func (r *script) benefit(h *handle, who *samspil.Actor, in samspil.BenefitInput, realised ...samspil.RealisationInput) {
	if r.err != nil {
		return
	}
	b, err := r.store.PlanBenefit(r.ctx, who, h.x.ID, in)
	r.ok(h, "benefit "+in.Title, err)
	for _, re := range realised {
		if r.err != nil {
			return
		}
		_, err := r.store.RecordRealisation(r.ctx, who, b.ID, re)
		r.ok(h, "realisation of "+in.Title, err)
	}
}

// realised is a value realised on day on; v is in hundredths, like the
// benefit's planned value.
func realised(on samspil.Date, v samspil.DKK, note string) samspil.RealisationInput {
	return samspil.RealisationInput{On: on, Value: v, Note: note}
}

// lesson records a lesson of the initiative (of the collaboration as a
// whole when h is nil), by the representative who of the organisation.
// The lessons are tagged demo, like the descriptions say Demo.
func (r *script) lesson(h *handle, who *samspil.Actor, in samspil.LessonInput) {
	if r.err != nil {
		return
	}
	in.Tags = append(in.Tags, "demo")
	if h == nil {
		in.CollaborationID = r.collab.ID
		if _, err := r.store.RecordLesson(r.ctx, who, in); err != nil {
			r.err = fmt.Errorf("lesson %q: %w", in.Title, err)
		}
		return
	}
	in.InitiativeID = h.x.ID
	_, err := r.store.RecordLesson(r.ctx, who, in)
	r.ok(h, "lesson "+in.Title, err)
}

// heldMeeting returns the forum's first held meeting on or after day d,
// within six weeks.
func (r *script) heldMeeting(f *samspil.Forum, d samspil.Date) (*samspil.Meeting, error) {
	cph := samspil.Copenhagen()
	ms, err := r.meetings(f.ID, d.StartIn(cph), d.AddDays(42).StartIn(cph))
	if err != nil {
		return nil, err
	}
	for i := range ms {
		if ms[i].Status == samspil.MeetingHeld {
			return &ms[i], nil
		}
	}
	return nil, fmt.Errorf("%s held no meeting in the six weeks from %s", f.Name, d)
}

// adopt records a decision of the collaboration adopted at the forum's
// first held meeting on or after day d, both municipalities voting for it.
func (r *script) adopt(f *samspil.Forum, d samspil.Date, in samspil.DecisionInput) *samspil.Decision {
	if r.err != nil {
		return nil
	}
	m, err := r.heldMeeting(f, d)
	if err != nil {
		r.err = err
		return nil
	}
	dec, err := r.decided(m, in, []ballot{{r.mette, r.silkeborg.ID, samspil.VoteFor, ""}, {r.peter, r.viborg.ID, samspil.VoteFor, ""}}, true)
	if err != nil {
		r.err = err
		return nil
	}
	if dec.Outcome.Result != samspil.OutcomeAdopted {
		r.err = fmt.Errorf("decision %s is %s", dec.Title, dec.Outcome.Result)
		return nil
	}
	return dec
}

// dayOf is the day of a decision, nil for none.
func dayOf(d *samspil.Decision) *samspil.Date {
	if d == nil {
		return nil
	}
	return &d.DecidedOn
}

// decisionAt returns the decision taken at the forum's meeting on day d.
func (r *script) decisionAt(f *samspil.Forum, d samspil.Date, title string) *samspil.Decision {
	if r.err != nil {
		return nil
	}
	m, err := r.heldMeeting(f, d)
	if err != nil {
		r.err = err
		return nil
	}
	page, err := r.store.ListDecisions(r.ctx, r.mette, samspil.DecisionFilter{MeetingID: m.ID})
	if err != nil {
		r.err = err
		return nil
	}
	for i := range page.Items {
		if page.Items[i].Title == title {
			return &page.Items[i]
		}
	}
	r.err = fmt.Errorf("no decision %q on %s", title, d)
	return nil
}

// initiatives records the demo's initiatives; it runs once, after the
// collaborations.
func (s *story) initiatives() error {
	r := &script{story: s, sys: samspil.SystemActor("demo")}
	for _, p := range []struct {
		to    **samspil.Actor
		email string
	}{{&r.jonas, jonasEmail}, {&r.sofie, sofieEmail}, {&r.rikke, rikkeEmail}} {
		a, err := s.store.ActorForUser(s.ctx, s.users[p.email])
		if err != nil {
			return err
		}
		*p.to = a
	}
	r.binding()
	rpa := r.voluntary()
	care, scan, ai := r.current()
	r.prioritise(rpa, care, scan, ai)
	r.product()
	if r.err != nil {
		return fmt.Errorf("demo: initiatives: %w", r.err)
	}
	return nil
}

// goals refers to goals of the joint strategy by number.
func (r *script) goals(ns ...int) []samspil.GoalRef {
	var out []samspil.GoalRef
	for _, n := range ns {
		out = append(out, samspil.GoalRef{StrategyID: r.joint.ID, Goal: n})
	}
	return out
}

// binding records the projects of 2014–2018: both municipalities committed
// bindingly, each gate passed by the directors' decision at their
// quarterly meeting.
func (r *script) binding() {
	sk, vb := r.silkeborg.ID, r.viborg.ID
	portfolio := func(on samspil.Date, title, proposal string) *samspil.Decision {
		return r.adopt(r.directors, on, samspil.DecisionInput{Title: title, Rule: samspil.RuleConsensus, Binding: true, Proposal: proposal})
	}
	p2014 := portfolio(day(2014, 2, 5), "Fælles projektportefølje 2014",
		"De fælles projekter i 2014 er en fælles ESDH-platform og en fælles telefoni- og omstillingsplatform. Begge kommuner deltager "+
			"forpligtende, som hensigtserklæringen siger. IT-cheferne kvalificerer projekterne til de næste direktionsmøder.")
	esdhDecision := r.decisionAt(r.directors, day(2014, 5, 7), "Fælles ESDH-platform")

	esdh := r.propose(r.jonas, day(2014, 2, 5), samspil.InitiativeInput{Title: "Fælles ESDH-platform", CollaborationID: r.collab.ID,
		Description: "Silkeborg og Viborg anskaffer, implementerer og driver én fælles platform til elektronisk sags- og dokumenthåndtering, " +
			"så sager kan deles på tværs, og licenser, drift og uddannelse købes én gang.",
		Model: samspil.ModelProcurement, Tasks: []string{"00.01.00"}, Goals: r.goals(1, 3),
		ExpectedBenefits: "Lavere udgifter til licenser og drift, fælles arbejdsgange og én fælles kompetence i drift og support.",
		ContactName:      "Jonas Holm", ContactEmail: jonasEmail, Cost: &samspil.CostSettings{Key: samspil.CostPerCapita}})
	phone := r.propose(r.sofie, day(2014, 2, 5), samspil.InitiativeInput{Title: "Fælles telefoni- og omstillingsplatform", CollaborationID: r.collab.ID,
		Description: "En fælles IP-telefoniplatform med fælles omstilling, så borgere kan stilles videre på tværs af kommunerne, og aftalen " +
			"med teleleverandøren forhandles én gang.",
		Model: samspil.ModelImplementation, Tasks: []string{"00.14.00"}, Goals: r.goals(1),
		ExpectedBenefits: "Én teleaftale i stedet for to, delt kapacitet i omstillingen og kortere ventetid for borgerne.",
		ContactName:      "Sofie Bach", ContactEmail: sofieEmail, Cost: &samspil.CostSettings{Key: samspil.CostEqual}})
	for _, h := range []*handle{esdh, phone} {
		r.take(h, r.mette, sk, samspil.ParticipationBinding, day(2014, 2, 5), "Forpligtet efter hensigtserklæringen; besluttet på det fælles direktionsmøde")
		r.take(h, r.peter, vb, samspil.ParticipationBinding, day(2014, 2, 5), "Forpligtet efter hensigtserklæringen; besluttet på det fælles direktionsmøde")
		r.gate(h, samspil.PhaseQualification, p2014, "")
	}

	r.confirm(esdh, r.mette, sk, day(2014, 3, 20), "Silkeborgs kontrakt på det nuværende ESDH-system udløber ved udgangen af 2015, og systemet understøtter ikke digital post.")
	r.confirm(esdh, r.peter, vb, day(2014, 3, 27), "Viborgs direktørområder bruger tre forskellige journalsystemer; sager kan ikke deles mellem dem.")
	r.answer(esdh, evidence{
		"Projektejer: Lars Dahl, kommunaldirektør i Silkeborg. Projektleder: Jonas Holm.",
		"Fælles projektgruppe med to ESDH-konsulenter fra hver kommune og en udbudsjurist fra Silkeborg.",
		"Anskaffelse og implementering: 4,2 mio. kr., afsat i begge kommuners budget for 2014–2015 og delt efter indbyggertal.",
		"Licenser og drift: 1,1 mio. kr. om året fra 2016, betalt af de nuværende driftsbudgetter til journalsystemer.",
		"IT-chefmødet ejer platformen; Silkeborgs IT-drift driver den for begge kommuner efter en driftsaftale.",
		"Hensigtserklæringen af december 2013 og målet »Fælles systemer, hvor det giver mening« i den fælles digitaliseringsstrategi."})
	r.gate(esdh, samspil.PhaseAnalysis, esdhDecision, "")

	r.confirm(phone, r.peter, vb, day(2014, 3, 4), "Viborgs telefonanlæg er udtjent og skal være udskiftet senest i 2016.")
	r.confirm(phone, r.mette, sk, day(2014, 3, 20), "Silkeborgs omstilling har lange ventetider i spidsbelastninger; en fælles platform kan dele kapaciteten.")
	r.answer(phone, evidence{
		"Projektejer: Torben Riis, direktør for Økonomi og Personale i Viborg. Projektleder: Sofie Bach.",
		"To teleteknikere fra Viborg og én fra Silkeborg; en ekstern rådgiver skriver kravspecifikationen.",
		"2,6 mio. kr. i anlægsbudgettet for 2015, delt ligeligt.",
		"Drift 650.000 kr. om året, delt ligeligt og betalt af de nuværende teleudgifter.",
		"Viborgs IT-drift og support ejer og driver platformen for begge kommuner.",
		"Den fælles digitaliseringsstrategi: fælles systemer, hvor det giver mening."})
	nov2014 := portfolio(day(2014, 11, 5), "Fælles projekter: faseskift november 2014",
		"Kontrakten på den fælles ESDH-platform er underskrevet af begge kommuner, og implementeringen går i gang. Den fælles "+
			"telefoniplatform er kvalificeret og går videre til analyse af løsning og leverandører.")
	r.gate(esdh, samspil.PhaseExecution, nov2014, "")
	r.gate(phone, samspil.PhaseAnalysis, nov2014, "")
	r.gate(phone, samspil.PhaseExecution, portfolio(day(2015, 8, 5), "Fælles projekter: faseskift august 2015",
		"Analysen af den fælles telefoniplatform er færdig; kommunerne køber platformen på den fælles rammeaftale og går i gang med "+
			"implementeringen."), "")

	self := r.propose(r.jonas, day(2016, 2, 3), samspil.InitiativeInput{Title: "Fælles platform til digital selvbetjening", CollaborationID: r.collab.ID,
		Description: "Én fælles platform til borgernes selvbetjeningsløsninger på tværs af fagområderne, med fælles formularer, fælles design " +
			"og fælles integrationer til fagsystemerne.",
		Model: samspil.ModelBusinessDevelopment, Tasks: []string{"00.14.20"}, Goals: r.goals(2),
		ExpectedBenefits: "Flere digitale henvendelser, færre telefonopkald og ét genkendeligt design for borgerne.",
		ContactName:      "Jonas Holm", ContactEmail: jonasEmail, Cost: &samspil.CostSettings{Key: samspil.CostPerCapita}})
	may2016 := portfolio(day(2016, 5, 4), "Fælles projekter: faseskift maj 2016",
		"Den fælles ESDH-platform og den fælles telefoniplatform er i drift i begge kommuner. En fælles platform til digital selvbetjening "+
			"optages i porteføljen; begge kommuner deltager forpligtende.")
	r.gate(esdh, samspil.PhaseOperation, may2016, "")
	r.gate(phone, samspil.PhaseOperation, may2016, "")
	r.lesson(phone, r.sofie, samspil.LessonInput{OrganizationID: vb, On: dayOf(may2016), Title: "Fælles omstilling kræver fælles vagtplaner",
		WhatWorked: "Platformen kom i drift til tiden og inden for budgettet, og borgerne kan stilles videre på tværs af kommunerne.",
		WhatDidNot: "Ventetiden i omstillingen faldt først, da de to kommuner lagde deres vagtplaner sammen et halvt år efter idriftsættelsen.",
		Tags:       []string{"telefoni", "drift", "arbejdsgange"}})
	// The benefits the two platforms were to bring each year, and the
	// little of them realised in their first two years in operation.
	r.benefit(esdh, r.mette, samspil.BenefitInput{OrganizationID: sk, Kind: samspil.BenefitMoney, Title: "Lavere udgifter til licenser og drift af ESDH",
		Planned: kr(1200000), OwnerName: "Jonas Holm", Plan: "Én licensaftale og én drift for begge kommuner fra 2016."},
		realised(day(2017, 5, 1), kr(300000), "Licensaftalen er fælles; driften er stadig delt på to konfigurationer."),
		realised(day(2018, 5, 1), kr(350000), ""))
	r.benefit(esdh, r.peter, samspil.BenefitInput{OrganizationID: vb, Kind: samspil.BenefitMoney, Title: "Tre journalsystemer afløst af ét",
		Planned: kr(900000), OwnerName: "Hanne Skov", Plan: "Direktørområdernes tre journalsystemer lukkes i 2016."},
		realised(day(2017, 6, 1), kr(100000), "Kun ét af de tre gamle journalsystemer er lukket."),
		realised(day(2018, 6, 1), kr(120000), ""))
	r.benefit(phone, r.sofie, samspil.BenefitInput{OrganizationID: vb, Kind: samspil.BenefitHours, Title: "Delt kapacitet i omstillingen",
		Planned: kr(2000), OwnerName: "Sofie Bach", Plan: "Omstillingerne dækker for hinanden i spidsbelastninger."},
		realised(day(2017, 3, 1), kr(1200), ""), realised(day(2018, 3, 1), kr(1300), ""))
	r.benefit(phone, r.mette, samspil.BenefitInput{OrganizationID: sk, Kind: samspil.BenefitMoney, Title: "Én teleaftale i stedet for to",
		Planned: kr(300000), OwnerName: "Mette Lund", Plan: "Teleaftalen forhandles samlet."},
		realised(day(2017, 1, 15), kr(250000), ""))
	r.take(self, r.mette, sk, samspil.ParticipationBinding, day(2016, 5, 4), "Besluttet på det fælles direktionsmøde")
	r.take(self, r.peter, vb, samspil.ParticipationBinding, day(2016, 5, 4), "Besluttet på det fælles direktionsmøde")
	r.gate(self, samspil.PhaseQualification, may2016, "")
	r.confirm(self, r.mette, sk, day(2016, 6, 1), "Borgerne møder 40 selvbetjeningsløsninger med hvert sit design; halvdelen af opkaldene kunne klares digitalt.")
	r.confirm(self, r.peter, vb, day(2016, 6, 8), "Viborgs direktørområder ønsker fælles formularer og integrationer til fagsystemerne.")
	r.answer(self, evidence{
		"Projektejer: Karen Bundgaard, chef for Økonomi og Personale i Silkeborg. Projektleder: Jonas Holm.",
		"Et fælles team med to udviklere fra Silkeborg og en digitaliseringskonsulent fra hvert af Viborgs direktørområder.",
		"3,0 mio. kr. fra den fælles digitaliseringspulje for 2017.",
		"Drift og vedligehold 500.000 kr. om året, delt efter indbyggertal.",
		"Silkeborgs Digital udvikling ejer platformen; hvert af Viborgs direktørområder ejer sine løsninger på den.",
		"Den fælles digitaliseringsstrategi: digital selvbetjening i verdensklasse."})
	r.gate(self, samspil.PhaseAnalysis, portfolio(day(2016, 11, 2), "Fælles projekter: faseskift november 2016",
		"Den fælles platform til digital selvbetjening er kvalificeret: behovet er bekræftet af begge kommuner, og ejer, kompetencer og "+
			"finansiering er på plads. Projektet går videre til analyse."), "")
	// Viborg's sector directors take part only where it makes sense for
	// their own areas: binding becomes voluntary before the platform is built.
	r.take(self, r.peter, vb, samspil.ParticipationVoluntary, day(2017, 6, 7),
		"Viborgs direktørområder deltager kun, hvor platformen passer til deres egne selvbetjeningsløsninger")
	aug2017 := portfolio(day(2017, 8, 2), "Fælles projekter: faseskift august 2017",
		"ESDH-projektet og telefoniprojektet afsluttes; platformene overgår til almindelig drift. Den fælles platform til digital "+
			"selvbetjening går i gang med udviklingen.")
	r.gate(esdh, samspil.PhaseClosed, aug2017, "")
	r.gate(phone, samspil.PhaseClosed, aug2017, "")
	r.gate(self, samspil.PhaseExecution, aug2017, "")
	r.lesson(esdh, r.jonas, samspil.LessonInput{OrganizationID: sk, On: dayOf(aug2017), Title: "Fælles kravspecifikation, men to konfigurationer",
		WhatWorked: "Én kravspecifikation og én evaluering sparede begge kommuner et halvt års arbejde, og licenserne blev billigere.",
		WhatDidNot: "Viborgs direktørområder ønskede hver deres sagsgange, så platformen blev sat op i to konfigurationer. Gevinsten ved fælles " +
			"drift og support blev mindre end planlagt.",
		Tags: []string{"esdh", "indkøb", "konfiguration"}})
	r.gate(self, samspil.PhaseStopped, portfolio(day(2018, 5, 2), "Fælles platform til digital selvbetjening stoppes",
		"Projektet stoppes. Viborgs direktørområder har valgt hver deres selvbetjeningsløsninger, og kommunerne kan ikke blive enige om "+
			"ambitionsniveauet for en fælles platform. De fælles formularer overgår til hver kommune."),
		"Viborgs direktørområder har valgt hver deres selvbetjeningsløsninger, og kommunerne kunne ikke blive enige om et fælles "+
			"ambitionsniveau for platformen. De fælles formularer overgår til hver kommune.")
	stopped := self.x.PhaseSince
	r.lesson(self, r.jonas, samspil.LessonInput{OrganizationID: sk, On: &stopped, Title: "Stop i tide, når ambitionerne skilles",
		WhatWorked: "De fælles formularer og det fælles design kan genbruges af hver kommune.",
		WhatDidNot: "Projektet fortsatte et år, efter at Viborgs direktørområder havde valgt egne løsninger. Vi skulle have taget " +
			"ambitionsniveauet op på direktionsmødet, før udviklingen gik i gang.",
		Tags: []string{"selvbetjening", "ambitionsniveau", "styring"}})
	r.lesson(self, r.peter, samspil.LessonInput{OrganizationID: vb, On: &stopped, Title: "Direktørområderne skal eje beslutningen fra start",
		WhatDidNot: "Projektet blev besluttet på det fælles direktionsmøde, men Viborgs direktørområder var ikke med i beslutningen og " +
			"valgte siden hver deres løsning.",
		Tags: []string{"selvbetjening", "organisering", "sektordirektører"}})

	// The collaboration's own lessons, drawn when it was adjusted in
	// November 2018.
	for _, l := range []struct {
		who *samspil.Actor
		in  samspil.LessonInput
	}{
		{r.peter, samspil.LessonInput{OrganizationID: vb, Title: "De organisatoriske forskelle var sværere end ventet",
			WhatDidNot: "Viborg har sektordirektører, Silkeborg har ikke. En fælles beslutning krævede enighed mellem flere direktører i Viborg, " +
				"mens Silkeborg kunne beslutte i direktionen. Det gjorde de fælles projekter langsomme og gjorde det uklart, hvem der ejede dem.",
			WhatWorked: "IT-chefmødet hver 14. dag holdt sammen på projekterne, også når direktionerne var uenige.",
			Tags:       []string{"organisering", "ledelse", "sektordirektører"}}},
		{r.mette, samspil.LessonInput{OrganizationID: sk, Title: "Et frivilligt »kan« bærer ikke det, et forpligtende »skal« skulle bære",
			WhatDidNot: "Når ingen er forpligtet til at søge hinanden først, bliver forandringer, der kræver, at begge kommuner ændrer " +
				"arbejdsgange og systemer, ikke til noget. Frivillig deltagelse kan ikke bære dem alene.",
			WhatWorked: "Frivilligt samarbejde fungerer for afgrænsede projekter med klare gevinster for hver kommune.",
			Tags:       []string{"forpligtelse", "kan og skal", "styring"}}},
		{r.mette, samspil.LessonInput{OrganizationID: sk, Title: "Ledelserne skal være enige om ambitionsniveauet",
			WhatDidNot: "Fra 2016 havde kommunerne forskellige ambitioner for fælles drift og organisering, uden at direktionerne tog " +
				"forskellen op. Det fælles driftscenter og den fælles selvbetjeningsplatform strandede på det.",
			WhatWorked: "Da ambitionerne blev erklæret og sammenlignet, blev forskellen synlig og kunne drøftes.",
			Tags:       []string{"ambitionsniveau", "ledelse"}}},
		{r.peter, samspil.LessonInput{OrganizationID: vb, Title: "Fælles indkøb er svært, når hver kommune er sin egen juridiske enhed",
			WhatDidNot: "Hver kommune er sin egen ordregiver med egne kontrakter, bevillinger og beslutningsgange. Et fælles udbud kræver, at " +
				"to byråd og to direktioner beslutter det samme på samme tid.",
			WhatWorked: "Fælles kravspecifikation og fælles evaluering virkede, når hver kommune skrev sin egen kontrakt.",
			Tags:       []string{"indkøb", "udbud", "jura"}}},
	} {
		l.in.On = &adjustedOn
		r.lesson(nil, l.who, l.in)
	}
}

// voluntary records the projects since November 2018, each joined by
// every municipality for itself where it makes sense, and returns the one
// inside the collaboration.
func (r *script) voluntary() *handle {
	sk, vb := r.silkeborg.ID, r.viborg.ID
	const skive, herning, favrskov = "0779", "0657", "0710"
	optIn := func(on samspil.Date, title, proposal string) *samspil.Decision {
		return r.adopt(r.chiefs, on, samspil.DecisionInput{Title: title, Rule: samspil.RuleOptIn, Proposal: proposal + " Hver kommune beslutter selv, om den er med."})
	}

	// Software robots, inside the collaboration, with Skive.
	rpa := r.propose(r.jonas, day(2019, 1, 24), samspil.InitiativeInput{Title: "Fælles platform til softwarerobotter (RPA)", CollaborationID: r.collab.ID,
		Description: "En fælles platform til softwarerobotter, der overtager regelbaserede, manuelle opgaver i økonomi, løn og borgerservice. " +
			"Silkeborg og Viborg er med, fordi det giver mening for begge, og Skive er kommet til. Hver kommune vælger selv sine robotter.",
		Model: samspil.ModelImplementation, Tasks: []string{"00.15.25", "00.32.00"}, Goals: r.goals(3),
		ExpectedBenefits: "Frigjorte timer og færre fejl i økonomi, løn og borgerservice.",
		ContactName:      "Jonas Holm", ContactEmail: jonasEmail, Cost: &samspil.CostSettings{Key: samspil.CostPerCapita}})
	c1 := optIn(day(2019, 2, 25), "Softwarerobotter (RPA): fælles platform, hvor det giver mening",
		"Kommunerne undersøger en fælles platform til softwarerobotter. Andre kommuner kan komme med.")
	if c1 != nil {
		r.take(rpa, r.mette, sk, samspil.ParticipationVoluntary, c1.DecidedOn, "", samspil.ResourcePledge{Competence: "RPA-udvikler", HoursPerMonth: 60})
		r.take(rpa, r.peter, vb, samspil.ParticipationVoluntary, c1.DecidedOn, "", samspil.ResourcePledge{Competence: "Procesanalytiker", HoursPerMonth: 20})
		r.gate(rpa, samspil.PhaseQualification, c1, "")
	}
	r.confirm(rpa, r.mette, sk, day(2019, 3, 18), "Økonomi bruger 1.200 timer om året på manuel afstemning og bogføring af regninger.")
	r.confirm(rpa, r.peter, vb, day(2019, 3, 21), "Løn og Personale bruger 2.500 timer om året på manuelle registreringer, der følger faste regler.")
	r.take(rpa, r.jonas, skive, samspil.ParticipationInvited, day(2019, 4, 1), "")
	r.take(rpa, r.sys, skive, samspil.ParticipationVoluntary, day(2019, 5, 6), "Skive vil automatisere udbetalinger i Borgerservice.",
		samspil.ResourcePledge{Competence: "Procesanalytiker", HoursPerMonth: 10})
	r.confirm(rpa, r.sys, skive, day(2019, 5, 6), "Borgerservice i Skive taster 4.000 udbetalinger om året manuelt fra ét system til et andet.")
	r.answer(rpa, evidence{
		"Projektejer: Mette Lund, it-chef i Silkeborg. Projektleder: Jonas Holm.",
		"RPA-udvikler fra Silkeborg (60 timer om måneden) og procesanalytikere fra Viborg og Skive; se deltagernes ressourcer.",
		"1,5 mio. kr. i 2019–2020, delt efter indbyggertal mellem de deltagende kommuner.",
		"Licenser og drift 600.000 kr. om året fra 2020, delt efter indbyggertal.",
		"Silkeborgs IT-drift driver platformen; hver kommune ejer og vedligeholder sine egne robotter.",
		"Den fælles digitaliseringsstrategi, som gælder, til hver kommune har sin egen: fælles projekter med målbare gevinster."})
	r.gate(rpa, samspil.PhaseAnalysis, optIn(day(2019, 5, 20), "Softwarerobotter (RPA): videre til analyse",
		"Behovet er bekræftet af Silkeborg, Viborg og Skive; IT-cheferne analyserer platforme og de første processer."), "")
	r.gate(rpa, samspil.PhaseExecution, optIn(day(2019, 10, 1), "Softwarerobotter (RPA): indkøb og implementering",
		"Kommunerne køber en fælles RPA-platform på SKI's rammeaftale, og de første ti robotter udvikles i 2020."), "")
	r.budget(rpa,
		samspil.BudgetLineInput{Kind: samspil.BudgetDevelopment, Title: "Licens og opsætning af RPA-platformen", Amount: kr(900000), Year: 2019},
		samspil.BudgetLineInput{Kind: samspil.BudgetDevelopment, Title: "Udvikling af de første ti robotter", Amount: kr(600000), Year: 2020},
		samspil.BudgetLineInput{Kind: samspil.BudgetOperation, Title: "Licenser og drift af platformen", Amount: kr(420000), Year: 2020},
		samspil.BudgetLineInput{Kind: samspil.BudgetOperation, Title: "Vedligehold af robotterne", Amount: kr(180000), Year: 2020,
			Description: "Robotterne skal rettes, når fagsystemerne ændrer skærmbilleder."})
	c4 := optIn(day(2020, 9, 1), "Softwarerobotter (RPA): platformen i drift",
		"Platformen og de første robotter er i drift; hver kommune følger selv op på sine gevinster.")
	r.gate(rpa, samspil.PhaseOperation, c4, "")
	r.lesson(rpa, r.sys, samspil.LessonInput{OrganizationID: skive, On: dayOf(c4), Title: "En mindre kommune kan være med, når andre driver platformen",
		WhatWorked: "Skive fik robotter i drift uden egen platform og eget driftsteam; procesanalysen var vores eneste bidrag.",
		WhatDidNot: "Vores robotter kom sidst i køen hos udvikleren i Silkeborg; en aftale om rækkefølgen fra start havde hjulpet.",
		Tags:       []string{"rpa", "drift", "mindre kommuner"}})
	r.benefit(rpa, r.mette, samspil.BenefitInput{OrganizationID: sk, Kind: samspil.BenefitMoney, Title: "Færre manuelle bogføringer i Økonomi",
		Planned: kr(650000), OwnerName: "Karen Bundgaard, chef for Økonomi og Personale",
		Plan: "Robotterne afstemmer og bogfører regninger; de frigjorte lønkroner tages ud af Økonomis budget fra 2022."},
		realised(day(2021, 6, 30), kr(310000), "Fem robotter i drift."),
		realised(day(2022, 6, 30), kr(540000), "Ni robotter i drift."),
		realised(day(2024, 6, 30), kr(690000), "Over plan: to robotter flere end planlagt."))
	r.benefit(rpa, r.peter, samspil.BenefitInput{OrganizationID: vb, Kind: samspil.BenefitHours, Title: "Frigjorte timer i Løn og Personale",
		Planned: kr(3000), OwnerName: "Torben Riis, direktør for Økonomi og Personale",
		Plan: "Timerne bruges på rådgivning af lederne i stedet for registreringer."},
		realised(day(2021, 6, 30), kr(1400), ""),
		realised(day(2023, 6, 30), kr(2600), "Registrering af fravær er automatiseret."))
	r.benefit(rpa, r.sys, samspil.BenefitInput{OrganizationID: skive, Kind: samspil.BenefitQuality, Title: "Færre fejl i udbetalinger",
		Measure: "Andel udbetalinger uden fejl (%)", Planned: 9900, OwnerName: "Borgerservicechefen, Skive Kommune",
		Plan: "Robotten overfører udbetalingerne, så tastefejl undgås; Borgerservice måler fejl hvert halve år."},
		realised(day(2022, 6, 30), 9750, ""),
		realised(day(2024, 6, 30), 9880, ""))

	// Day-care places, led by Viborg outside the collaboration; Silkeborg
	// withdrew, Favrskov joined.
	places := r.propose(r.sofie, day(2020, 10, 5), samspil.InitiativeInput{Title: "Digital pladsanvisning i dagtilbud", OwnerID: vb,
		Description: "En fælles løsning, hvor forældre søger, får tilbudt og takker ja til en plads i dagtilbud digitalt, og hvor " +
			"pladsanvisningen planlægger kapaciteten på tværs af institutionerne. Viborg står for løsningen; andre kommuner kan være med, " +
			"hvor det giver mening.",
		Model: samspil.ModelBusinessDevelopment, Tasks: []string{"28.09.00"}, Visibility: samspil.VisibilitySector,
		ExpectedBenefits: "Mindre manuel planlægning i pladsanvisningen og færre henvendelser fra forældre om ventelister.",
		ContactName:      "Sofie Bach", ContactEmail: sofieEmail, Cost: &samspil.CostSettings{Key: samspil.CostEqual}})
	const viborgDirector = "Direktør for Børn og Unge, Viborg Kommune"
	r.confirm(places, r.sofie, vb, day(2020, 10, 20), "Pladsanvisningen bruger to årsværk på manuel planlægning af pladser og breve til forældre.")
	r.take(places, r.sofie, sk, samspil.ParticipationInvited, day(2020, 10, 21), "")
	r.confirm(places, r.jonas, sk, day(2020, 10, 28), "Silkeborg har samme manuelle arbejdsgang og mange henvendelser fra forældre om ventelister.")
	r.approve(places, samspil.PhaseQualification, day(2020, 11, 2), viborgDirector)
	r.answer(places, evidence{
		"Projektejer: direktøren for Børn og Unge i Viborg. Projektleder: Sofie Bach.",
		"Viborg stiller en projektleder og to pladsanvisere; hver deltagende kommune stiller en pladsanviser til test.",
		"800.000 kr. i 2021, delt ligeligt mellem de deltagende kommuner.",
		"Drift 140.000 kr. om året fra 2023, delt ligeligt.",
		"Viborgs Digitaliseringsenhed ejer løsningen og indgår driftsaftaler med de andre kommuner.",
		"Viborg Kommunes digitaliseringsstrategi: sammenhængende digitale forløb for familier."})
	r.take(places, r.peter, vb, samspil.ParticipationVoluntary, day(2021, 1, 11), "")
	r.take(places, r.mette, sk, samspil.ParticipationVoluntary, day(2021, 1, 11), "", samspil.ResourcePledge{Competence: "Pladsanviser (test)", HoursPerMonth: 8})
	r.approve(places, samspil.PhaseAnalysis, day(2021, 1, 11), viborgDirector)
	r.take(places, r.sofie, favrskov, samspil.ParticipationInvited, day(2021, 4, 12), "")
	r.take(places, r.sys, favrskov, samspil.ParticipationVoluntary, day(2021, 5, 3), "", samspil.ResourcePledge{Competence: "Pladsanviser (test)", HoursPerMonth: 8})
	r.budget(places,
		samspil.BudgetLineInput{Kind: samspil.BudgetDevelopment, Title: "Udvikling og integration til dagtilbudssystemerne", Amount: kr(800000), Year: 2021},
		samspil.BudgetLineInput{Kind: samspil.BudgetOperation, Title: "Drift og vedligehold", Amount: kr(140000), Year: 2023})
	r.approve(places, samspil.PhaseExecution, day(2021, 6, 7), viborgDirector)
	r.take(places, r.mette, sk, samspil.ParticipationWithdrawn, day(2022, 3, 15), "Silkeborg har valgt pladsanvisningsmodulet i sit nye "+
		"dagtilbudssystem, som dækker behovet uden en fælles løsning.")
	r.lesson(places, r.mette, samspil.LessonInput{OrganizationID: sk, On: ptr(day(2022, 3, 15)),
		Title: "Kend leverandørernes planer, før I går ind i et fælles projekt",
		WhatDidNot: "Silkeborg trak sig, da leverandøren af vores nye dagtilbudssystem lancerede sit eget modul til pladsanvisning. Havde " +
			"vi spurgt leverandøren under kvalificeringen, var vi ikke gået med.",
		Tags: []string{"dagtilbud", "leverandører", "kvalificering"}})
	r.approve(places, samspil.PhaseOperation, day(2023, 1, 9), viborgDirector)
	r.benefit(places, r.peter, samspil.BenefitInput{OrganizationID: vb, Kind: samspil.BenefitHours, Title: "Mindre manuel pladsanvisning",
		Planned: kr(1200), OwnerName: "Lederen af pladsanvisningen, Viborg Kommune",
		Plan: "Forældrene søger og takker ja digitalt; pladsanvisningen bruger tiden på at planlægge kapaciteten."},
		realised(day(2023, 12, 31), kr(900), "Første år med løsningen."),
		realised(day(2025, 6, 30), kr(1250), ""))
	r.benefit(places, r.sys, samspil.BenefitInput{OrganizationID: favrskov, Kind: samspil.BenefitQuality, Title: "Forældrenes tilfredshed med pladsanvisningen",
		Measure: "Andel tilfredse forældre (%)", Planned: 8500, OwnerName: "Dagtilbudschefen, Favrskov Kommune",
		Plan: "Måles i den årlige forældretilfredshedsundersøgelse."},
		realised(day(2024, 6, 30), 8100, "Forældretilfredshedsundersøgelsen 2024."))

	// A chatbot, led by Silkeborg outside the collaboration; Viborg
	// declined, Herning joined, Skive is interested.
	chat := r.propose(r.jonas, day(2025, 8, 18), samspil.InitiativeInput{Title: "Fælles chatbot til borgerservice", OwnerID: sk,
		Description: "En chatbot på kommunernes hjemmesider, der svarer på de hyppigste spørgsmål til borgerservice døgnet rundt og stiller " +
			"videre til en medarbejder, når den ikke kan svare. Silkeborg står for analysen; andre kommuner kan være med, hvor det giver mening.",
		Model: samspil.ModelBusinessDevelopment, Tasks: []string{"00.14.00", "00.14.20"}, Visibility: samspil.VisibilitySector,
		ExpectedBenefits: "Færre telefonopkald om pas, kørekort og flytning, og svar til borgerne uden for åbningstiden.",
		ContactName:      "Jonas Holm", ContactEmail: jonasEmail, Cost: &samspil.CostSettings{Key: samspil.CostEqual}})
	r.take(chat, r.mette, sk, samspil.ParticipationVoluntary, day(2025, 9, 1), "",
		samspil.ResourcePledge{Competence: "Projektleder", HoursPerMonth: 30}, samspil.ResourcePledge{Competence: "Indholdsredaktør", HoursPerMonth: 20})
	for _, org := range []string{vb, herning, skive} {
		r.take(chat, r.jonas, org, samspil.ParticipationInvited, day(2025, 9, 1), "")
	}
	r.confirm(chat, r.mette, sk, day(2025, 9, 1), "Borgerservice besvarer 38.000 opkald om året; hvert fjerde handler om fem spørgsmål, der kan besvares digitalt.")
	r.approve(chat, samspil.PhaseQualification, day(2025, 9, 1), "Lars Dahl, kommunaldirektør, Silkeborg Kommune")
	r.take(chat, r.peter, vb, samspil.ParticipationDeclined, day(2025, 9, 25), "Viborg har netop indført en chatbot fra en anden "+
		"leverandør i Borgerservice og ser ikke en gevinst ved at skifte nu. Vi deler gerne vores erfaringer.")
	r.take(chat, r.sys, herning, samspil.ParticipationVoluntary, day(2025, 10, 1), "", samspil.ResourcePledge{Competence: "Indholdsredaktør", HoursPerMonth: 15})
	r.confirm(chat, r.sys, herning, day(2025, 10, 1), "Herning Borgerservice har lange ventetider på telefonen i perioderne med pas og kørekort.")
	r.take(chat, r.sys, skive, samspil.ParticipationInterested, day(2025, 10, 15), "")
	r.answer(chat, evidence{
		"Projektejer: Karen Bundgaard, chef for Økonomi og Personale i Silkeborg. Projektleder: Jonas Holm.",
		"Projektleder og indholdsredaktør fra Silkeborg, indholdsredaktør fra Herning; leverandøren træner sprogmodellen.",
		"450.000 kr. i 2026, delt ligeligt mellem de deltagende kommuner.",
		"Licens og drift 180.000 kr. om året fra 2027, delt ligeligt.",
		"Borgerservice i Silkeborg ejer chatbotten; hver kommune ejer sit eget indhold.",
		"Den fælles digitaliseringsstrategi: digital selvbetjening i verdensklasse."})
	r.approve(chat, samspil.PhaseAnalysis, day(2025, 11, 3), "Direktionen, Silkeborg Kommune")
	r.budget(chat,
		samspil.BudgetLineInput{Kind: samspil.BudgetDevelopment, Title: "Opsætning og træning af chatbotten", Amount: kr(450000), Year: 2026},
		samspil.BudgetLineInput{Kind: samspil.BudgetOperation, Title: "Licens og drift", Amount: kr(180000), Year: 2027})
	r.benefit(chat, r.mette, samspil.BenefitInput{OrganizationID: sk, Kind: samspil.BenefitHours, Title: "Færre telefonopkald i Borgerservice",
		Planned: kr(1800), OwnerName: "Borgerservicechefen, Silkeborg Kommune",
		Plan: "Chatbotten besvarer de fem hyppigste spørgsmål; timerne bruges på borgere, der har brug for personlig betjening."})
	r.benefit(chat, r.sys, samspil.BenefitInput{OrganizationID: herning, Kind: samspil.BenefitQuality, Title: "Borgernes tilfredshed med digital vejledning",
		Measure: "Gennemsnitlig tilfredshed (1–5)", Planned: 420, OwnerName: "Borgerservicechefen, Herning Kommune",
		Plan: "Måles med et spørgsmål efter hver samtale med chatbotten."})
	return rpa
}

// current records what the IT chiefs have on the table today: Viborg's
// joint procurement of a care system, which waits for Silkeborg's answer,
// and two ideas from their latest meetings.
func (r *script) current() (care, scan, ai *handle) {
	if r.err != nil {
		return nil, nil, nil
	}
	sk, vb := r.silkeborg.ID, r.viborg.ID
	previous, latest := samspil.Today(r.recent[0].Start), samspil.Today(r.recent[1].Start)
	var systems []string
	for _, name := range []string{"Nexus", "Cura"} {
		page, err := r.store.ListSystems(r.ctx, r.peter, samspil.SystemFilter{Query: name})
		if err != nil {
			r.err = err
			return nil, nil, nil
		}
		for _, sys := range page.Items {
			if sys.Name == name {
				systems = append(systems, sys.ID)
			}
		}
	}
	care = r.propose(r.peter, latest, samspil.InitiativeInput{Title: "Fælles udbud af omsorgssystem", CollaborationID: r.collab.ID,
		Description: "Et fælles udbud af omsorgssystem med fælles kravspecifikation og evaluering. Hver kommune tilslutter sig selv og " +
			"skriver sin egen kontrakt, for hver kommune er sin egen ordregiver.",
		Model: samspil.ModelProcurement, Tasks: []string{"27.36.00", "27.36.20"}, SystemIDs: systems,
		ExpectedBenefits: "Én kravspecifikation og én evaluering i stedet for to, og en stærkere position over for leverandørerne.",
		ContactName:      "Peter Vinther", ContactEmail: ViborgChiefEmail, Cost: &samspil.CostSettings{Key: samspil.CostEqual}})
	r.take(care, r.peter, vb, samspil.ParticipationBinding, latest, "Viborg tilslutter sig det fælles udbud (IT-chefmødet).")
	r.confirm(care, r.peter, vb, latest, "Viborgs kontrakt på omsorgssystemet kan opsiges inden for de næste måneder.")
	r.take(care, r.peter, sk, samspil.ParticipationInvited, latest, "")

	scan = r.propose(r.sofie, previous, samspil.InitiativeInput{Title: "Fælles sårbarhedsscanning", CollaborationID: r.collab.ID,
		Description: "En fælles løsning, der løbende scanner kommunernes servere og netværk for kendte sårbarheder, med en fælles " +
			"månedlig rapport til IT-cheferne.",
		Model: samspil.ModelOperationsSupport, ContactName: "Sofie Bach", ContactEmail: sofieEmail,
		Cost: &samspil.CostSettings{Key: samspil.CostEqual}})
	r.take(scan, r.sofie, vb, samspil.ParticipationInterested, previous, "")
	r.take(scan, r.jonas, sk, samspil.ParticipationInterested, previous, "")

	ai = r.propose(r.sofie, latest, samspil.InitiativeInput{Title: "Temadag om AI i sagsbehandlingen", CollaborationID: r.collab.ID,
		Description: "En fælles temadag, hvor medarbejdere fra begge kommuner deler erfaringer med kunstig intelligens i sagsbehandlingen " +
			"og aftaler, hvad der er værd at afprøve sammen.",
		Model: samspil.ModelKnowledgeSharing, ContactName: "Sofie Bach", ContactEmail: sofieEmail, Cost: &samspil.CostSettings{Key: samspil.CostEqual}})
	r.take(ai, r.sofie, vb, samspil.ParticipationInterested, latest, "")
	r.take(ai, r.jonas, sk, samspil.ParticipationInterested, latest, "")
	return care, scan, ai
}

// prioritise ranks the collaboration's open initiatives: its weights and
// scores, a round recorded, and the scores changed since, so that the
// ranked list shows what moved.
func (r *script) prioritise(rpa, care, scan, ai *handle) {
	if r.err != nil {
		return
	}
	if _, err := r.store.SetPriorityWeights(r.ctx, r.mette, r.collab.ID, samspil.PriorityWeights{Benefit: 4, Urgency: 3, Feasibility: 2, Cost: 2}); err != nil {
		r.err = fmt.Errorf("priority weights: %w", err)
		return
	}
	score := func(h *handle, s samspil.PriorityScore) {
		if r.err != nil {
			return
		}
		_, err := r.store.ScoreInitiative(r.ctx, r.mette, h.x.ID, s)
		r.ok(h, "score", err)
	}
	score(care, samspil.PriorityScore{Benefit: 5, Urgency: 3, Feasibility: 3, Cost: 4,
		Note: "Stor gevinst ved ét udbud, men dyrt og krævende; hver kommune skal selv beslutte at være med."})
	score(scan, samspil.PriorityScore{Benefit: 3, Urgency: 3, Feasibility: 4, Cost: 2, Note: "Kan købes som tjeneste; lille indsats."})
	score(rpa, samspil.PriorityScore{Benefit: 3, Urgency: 2, Feasibility: 5, Cost: 2, Note: "I drift; nye robotter vælger hver kommune selv."})
	score(ai, samspil.PriorityScore{Benefit: 2, Urgency: 2, Feasibility: 5, Cost: 1, Note: "En temadag; gevinsten er viden."})
	if r.err != nil {
		return
	}
	if _, err := r.store.RecordPrioritisation(r.ctx, r.mette, r.collab.ID); err != nil {
		r.err = fmt.Errorf("record the prioritisation: %w", err)
		return
	}
	// Since the round: a critical vulnerability made scanning urgent, and
	// more people than expected want the day on AI.
	score(scan, samspil.PriorityScore{Benefit: 3, Urgency: 5, Feasibility: 4, Cost: 2,
		Note: "Hastende efter en kritisk sårbarhed i Viborgs netværk; kan købes som tjeneste."})
	score(ai, samspil.PriorityScore{Benefit: 3, Urgency: 2, Feasibility: 5, Cost: 1,
		Note: "Over 60 medarbejdere har meldt interesse; gevinsten er viden og fælles afprøvninger."})
}

// product records the next version of the product community's open-source
// meeting booking, open to any organisation: municipalities pledge money
// by size class and hours of named competences, Aarhus has turned its
// pledge into a binding agreement, and Silkeborg, a member of the
// community, is invited and has not answered yet.
func (r *script) product() {
	if r.err != nil {
		return
	}
	page, err := r.store.ListCollaborations(r.ctx, r.sys, samspil.CollaborationFilter{Query: "Produktfællesskab for mødebooking"})
	if err != nil || len(page.Items) != 1 {
		r.err = fmt.Errorf("the product community for meeting booking: %v", err)
		return
	}
	community := &page.Items[0]
	const aarhus, herning, odense, aalborg, vejle, kbh = "0751", "0657", "0461", "0851", "0630", "0101"
	t := r.today
	// The community's decisions, taken in writing: each member opts in for
	// itself.
	decide := func(on samspil.Date, title, proposal string) *samspil.Decision {
		if r.err != nil {
			return nil
		}
		d, err := r.store.CreateDecision(r.ctx, r.sys, community.ID, samspil.DecisionInput{Title: title, Rule: samspil.RuleOptIn,
			Proposal: proposal, DecidedOn: on})
		if err != nil {
			r.err = fmt.Errorf("decision %s: %w", title, err)
			return nil
		}
		for _, v := range []struct {
			who *samspil.Actor
			org string
		}{{r.rikke, aarhus}, {r.sys, herning}, {r.sys, odense}, {r.sys, aalborg}} {
			if d, err = r.store.CastVote(r.ctx, v.who, d.ID, samspil.VoteInput{OrganizationID: v.org, Choice: samspil.VoteFor, CastOn: on}); err != nil {
				r.err = fmt.Errorf("vote on %s: %w", title, err)
				return nil
			}
		}
		if d, err = r.store.CloseDecision(r.ctx, r.sys, d.ID, d.Version); err != nil {
			r.err = err
			return nil
		}
		return d
	}
	booking := r.propose(r.rikke, t.AddDays(-200), samspil.InitiativeInput{Title: "Mødebooking 2.0: lokaler, udstyr og borgerbooking",
		CollaborationID: community.ID, OwnerID: aarhus,
		Description: "Næste version af produktfællesskabets open source-løsning til mødebooking i OS2-regi: booking af lokaler og udstyr " +
			"på tværs af kommunens bygninger og booking af tider for borgere. Alle offentlige organisationer kan give tilsagn og bidrage " +
			"med udviklere og testere; koden deles under EUPL.",
		Model: samspil.ModelOpenSourceProduct, Visibility: samspil.VisibilityPublic, Tasks: []string{"00.14.00"},
		ExpectedBenefits: "Én løsning til lokaler, udstyr og borgertider i stedet for regneark og tre indkøbte systemer; udviklingen deles.",
		ContactName:      "Rikke Mørch", ContactEmail: rikkeEmail,
		Cost: &samspil.CostSettings{Key: samspil.CostSizeClasses, SizeClasses: []samspil.SizeClass{{UpTo: 24999, Price: kr(15000)},
			{UpTo: 60000, Price: kr(30000)}, {UpTo: 120000, Price: kr(45000)}, {UpTo: 0, Price: kr(60000)}}}})
	r.budget(booking,
		samspil.BudgetLineInput{Kind: samspil.BudgetDevelopment, Title: "Udvikling af version 2.0", Amount: kr(2400000), Year: t.Year + 1},
		samspil.BudgetLineInput{Kind: samspil.BudgetOperation, Title: "Drift, hosting og vedligehold", Amount: kr(380000), Year: t.Year + 2})
	r.confirm(booking, r.rikke, aarhus, t.AddDays(-170), "14 af Aarhus' forvaltninger booker udstyr og borgertider i regneark ved siden af mødebookingen.")
	r.confirm(booking, r.sys, herning, t.AddDays(-160), "Herning vil samle booking af lokaler og borgertider i én løsning, når kontrakten på det nuværende system udløber.")
	r.gate(booking, samspil.PhaseQualification, decide(t.AddDays(-150), "Mødebooking 2.0 – kvalificering", "Produktfællesskabet "+
		"kvalificerer næste version af mødebooking med booking af udstyr og borgertider. Hver kommune beslutter selv, om den er med."), "")
	r.take(booking, r.rikke, aarhus, samspil.ParticipationPledged, t.AddDays(-140), "",
		samspil.ResourcePledge{Competence: "Produktejer", HoursPerMonth: 16}, samspil.ResourcePledge{Competence: "Udvikler (Java)", HoursPerMonth: 60})
	r.take(booking, r.sys, herning, samspil.ParticipationPledged, t.AddDays(-130), "", samspil.ResourcePledge{Competence: "Testkoordinator", HoursPerMonth: 12})
	r.take(booking, r.sys, odense, samspil.ParticipationPledged, t.AddDays(-120), "", samspil.ResourcePledge{Competence: "UX-designer", HoursPerMonth: 20})
	r.take(booking, r.sys, aalborg, samspil.ParticipationPledged, t.AddDays(-100), "", samspil.ResourcePledge{Competence: "Driftsarkitekt", HoursPerMonth: 8})
	r.take(booking, r.sys, vejle, samspil.ParticipationPledged, t.AddDays(-90), "Vejle er ikke med i produktfællesskabet, men giver tilsagn til "+
		"udviklingen af version 2.0.", samspil.ResourcePledge{Competence: "Udvikler (Java)", HoursPerMonth: 24})
	r.take(booking, r.sys, kbh, samspil.ParticipationInterested, t.AddDays(-90), "")
	r.answer(booking, evidence{
		"Produktejer: Aarhus Kommune ved Rikke Mørch, it-direktør, på vegne af produktfællesskabet.",
		"Tilsagn om udvikler-, test-, UX- og drifttimer fra Aarhus, Herning, Odense, Aalborg og Vejle; se deltagernes ressourcer.",
		"2,4 mio. kr., fordelt efter størrelsesklasser mellem de kommuner, der har givet tilsagn.",
		"Drift og vedligehold 380.000 kr. om året, fordelt efter størrelsesklasser i produktfællesskabet.",
		"Produktfællesskabet ejer løsningen i OS2-regi; koden ligger åbent under EUPL.",
		"Produktfællesskabets formål: en fælles open source-løsning til mødebooking, som kommunerne udvikler og driver sammen."})
	r.gate(booking, samspil.PhaseAnalysis, decide(t.AddDays(-60), "Mødebooking 2.0 – analyse og arkitektur", "Behovet er bekræftet, "+
		"og tilsagnene dækker udviklingen. Produktfællesskabet går videre med analyse og arkitektur. Hver kommune beslutter selv, om den er med."), "")
	r.take(booking, r.rikke, r.silkeborg.ID, samspil.ParticipationInvited, t.AddDays(-45), "")
	r.take(booking, r.rikke, aarhus, samspil.ParticipationBinding, t.AddDays(-20), "Aarhus har underskrevet samarbejdsaftalen om udvikling og drift.")
}
