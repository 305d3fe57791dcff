package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/samspil/samspil"
)

// The Silkeborg–Viborg collaboration as a story from 2014 to today: founded
// as an exclusive, binding partnership with director forums, a joint
// strategy and IT chiefs meeting every 14 days; ambitions drifting apart;
// adjusted on 7 November 2018 to voluntary collaboration "where it makes
// sense", the director forums stopped, the IT chiefs still meeting, the
// joint strategy in force until each adopts its own. The frame is the real
// story; the people, documents, decisions and texts are invented for the
// demo. The history carries its own dates: meetings held with who
// attended, votes cast on the day of their meeting. The present (the IT
// chiefs' latest and coming meetings, open votes, action items) is placed
// around the day the demo is made. Three more collaborations among real
// municipalities show an association, an OS2-style product community and a
// joint operations unit whose invitation waits for Silkeborg and Viborg.

// The collaboration's description: as founded in 2014, and as it has been
// since the adjustment of November 2018.
const (
	purpose2014 = "Et forretningsstrategisk samarbejde om IT og digitalisering, besluttet på direktionsniveau. Silkeborg og Viborg " +
		"søger hinanden først, når de udvikler, anskaffer og driver IT: fælles direktionsmøder, møder mellem Silkeborgs Koncernledelse " +
		"og Viborgs Strategisk Lederforum, en fælles digitaliseringsstrategi, fælles projekter og IT-chefer, der mødes hver 14. dag."
	purpose2018 = "Siden november 2018 et frivilligt samarbejde om IT og digitalisering, hvor det giver mening. Der er ingen forpligtelse " +
		"eller forventning om at søge hinanden først: Silkeborg og Viborg samarbejder, når det giver mening – med hinanden og med en " +
		"eller flere andre kommuner, også i partnerskaber om nye digitale løsninger, f.eks. i OS2. De faste direktionsfora er ophørt; " +
		"IT-cheferne mødes fortsat hver 14. dag. Den fælles digitaliseringsstrategi gælder, indtil hver kommune har vedtaget sin egen."
)

// demoNote opens every demo document.
const demoNote = "Demo: teksten er skrevet til demoen af samspil. Rammen er det virkelige samarbejde mellem Silkeborg og Viborg; " +
	"personer, beslutninger og formuleringer er opdigtede.\n\n"

// declaration2013 is the founding document.
const declaration2013 = demoNote + `Hensigtserklæring om IT- og digitaliseringssamarbejde mellem Silkeborg Kommune og Viborg Kommune

1. Formål
Silkeborg Kommune og Viborg Kommune indgår fra 1. januar 2014 et forretningsstrategisk samarbejde om IT og
digitalisering. Samarbejdet skal give bedre løsninger for borgere og virksomheder og bruge kommunernes
ressourcer klogt.

2. Forpligtelse
Kommunerne søger hinanden først, når de udvikler, anskaffer og driver IT-løsninger. Fravælger en kommune et
fælles projekt, begrundes det over for den anden kommune.

3. Organisering
- Fælles direktionsmøde hvert kvartal.
- Møder mellem Silkeborgs Koncernledelse og Viborgs Strategisk Lederforum hver anden måned.
- IT-cheferne mødes hver 14. dag og følger de fælles projekter og driften.

4. Strategi
Kommunerne udarbejder en fælles digitaliseringsstrategi for 2015–2018.

5. Formandskab
Formandskabet går på skift mellem kommunerne hvert andet år; Silkeborg begynder.

Aftalt mellem de to direktioner i december 2013.
`

// memo2018 is the note on the adjustment of November 2018.
const memo2018 = demoNote + `Notat: Justeret samarbejdsform mellem Silkeborg Kommune og Viborg Kommune
Besluttet på det fælles direktionsmøde 7. november 2018.

Samarbejdet justeres: fra forpligtende samarbejde til frivilligt samarbejde, hvor det giver mening.

- Der er ikke længere en forpligtelse eller forventning om at søge hinanden først.
- Kommunerne samarbejder frivilligt, hvor det giver mening – med hinanden og med en eller flere andre kommuner,
  også i partnerskaber om at udvikle nye digitale løsninger, f.eks. i OS2.
- De faste direktionsfora ophører: det fælles direktionsmøde og møderne mellem Koncernledelsen og Strategisk
  Lederforum.
- IT-cheferne mødes fortsat hver 14. dag.
- Den fælles digitaliseringsstrategi gælder, indtil hver kommune har vedtaget sin egen.

Erfaringer
- De organisatoriske forskelle var større end ventet: Viborg har sektordirektører, Silkeborg har ikke.
- Et frivilligt "kan" bærer ikke de forandringer, et forpligtende "skal" var tænkt til.
- Ledelserne skal være enige om ambitionsniveauet.
- Fælles indkøb er svært, fordi hver kommune er sin egen juridiske enhed.
`

// adjustedOn is the day of the directors' meeting that adjusted the
// collaboration, and the day the adjustment took effect.
var adjustedOn = day(2018, 11, 7)

// story is the state of the Silkeborg–Viborg story while it is recorded.
type story struct {
	ctx                           context.Context
	store                         Store
	now                           time.Time
	today                         samspil.Date
	mette, peter                  *samspil.Actor
	users                         map[string]string // e-mail -> user ID
	silkeborg, viborg             *samspil.Organization
	collab                        *samspil.Collaboration
	directors, management, chiefs *samspil.Forum
	joint                         *samspil.Strategy
	recent                        []samspil.Meeting // the IT chiefs' two latest meetings, held
}

// ensureCollaborations creates the demo's collaborations; it runs once,
// with the rest of the demo.
func ensureCollaborations(ctx context.Context, store Store, now time.Time) error {
	sys := samspil.SystemActor("demo")
	s := &story{ctx: ctx, store: store, now: now, today: samspil.Today(now), users: map[string]string{}}
	for _, p := range people {
		id, err := store.UserIDByEmail(ctx, p.email)
		if err != nil {
			return err
		}
		s.users[p.email] = id
	}
	var err error
	if s.mette, err = store.ActorForUser(ctx, s.users[SilkeborgChiefEmail]); err != nil {
		return err
	}
	if s.peter, err = store.ActorForUser(ctx, s.users[ViborgChiefEmail]); err != nil {
		return err
	}
	if s.silkeborg, err = store.FindOrganization(ctx, sys, "0740"); err != nil {
		return err
	}
	if s.viborg, err = store.FindOrganization(ctx, sys, "0791"); err != nil {
		return err
	}
	if err := s.silkeborgViborg(); err != nil {
		return fmt.Errorf("demo: Silkeborg–Viborg: %w", err)
	}
	if err := otherCollaborations(ctx, store, sys); err != nil {
		return fmt.Errorf("demo: collaborations: %w", err)
	}
	rikke, err := store.ActorForUser(ctx, s.users[rikkeEmail])
	if err != nil {
		return err
	}
	if err := operationsUnit(ctx, store, sys, rikke, s.today); err != nil {
		return fmt.Errorf("demo: operations unit: %w", err)
	}
	return s.initiatives()
}

func day(y int, m time.Month, d int) samspil.Date { return samspil.NewDate(y, m, d) }

func (s *story) silkeborgViborg() error {
	ctx, store, mette, peter := s.ctx, s.store, s.mette, s.peter
	silkeborg, viborg := s.silkeborg, s.viborg
	c, err := store.CreateCollaboration(ctx, mette, samspil.CollaborationInput{Name: "Silkeborg–Viborg IT- og digitaliseringssamarbejde",
		Kind: samspil.KindPartnership, Purpose: purpose2014, Start: day(2014, 1, 1), LegalForm: samspil.LegalAgreement,
		Exclusivity: samspil.ExclusivityExclusive, DecisionRule: samspil.RuleConsensus, Visibility: samspil.VisibilitySector,
		OrganizationID: silkeborg.ID, CoFounders: []samspil.FounderInput{{OrganizationID: viborg.ID, Commitment: samspil.CommitmentBinding}}})
	if err != nil {
		return err
	}
	// Viborg joins by its own acceptance, given when the two directorates
	// agreed in December 2013.
	if err := acceptInvitation(ctx, store, peter, c.ID, viborg.ID, day(2013, 12, 16), "Aftale mellem de to direktioner"); err != nil {
		return err
	}
	s.mette, s.peter = refresh(ctx, store, mette), refresh(ctx, store, peter)
	mette, peter = s.mette, s.peter
	if _, err := store.SetChairTerms(ctx, mette, c.ID, []samspil.ChairTerm{
		{OrganizationID: silkeborg.ID, From: day(2014, 1, 1), Until: ptr(day(2015, 12, 31))},
		{OrganizationID: viborg.ID, From: day(2016, 1, 1), Until: ptr(day(2017, 12, 31))},
		{OrganizationID: silkeborg.ID, From: day(2018, 1, 1), Until: ptr(day(2019, 12, 31))},
		{OrganizationID: viborg.ID, From: day(2020, 1, 1)},
	}); err != nil {
		return err
	}
	if _, err := store.AddDocument(ctx, mette, c.ID, samspil.DocumentInput{Kind: samspil.DocDeclaration,
		Title: "Hensigtserklæring om IT- og digitaliseringssamarbejde, december 2013 (demo)", FileName: "hensigtserklaering-2013.txt",
		ContentType: "text/plain; charset=utf-8", Content: []byte(declaration2013)}); err != nil {
		return err
	}

	cph := samspil.Copenhagen()
	sits := func(emails ...string) []samspil.ForumMember {
		var out []samspil.ForumMember
		for _, e := range emails {
			org := silkeborg.ID
			if personOf(e).org == "0791" {
				org = viborg.ID
			}
			out = append(out, samspil.ForumMember{UserID: s.users[e], OrganizationID: org})
		}
		return out
	}
	if s.directors, err = store.CreateForum(ctx, mette, c.ID, samspil.ForumInput{Name: "Fælles direktionsmøde", Level: samspil.ForumDirectors,
		Description: "Direktionerne sætter retningen for samarbejdet og træffer de store beslutninger. IT-cheferne er sekretærer.",
		Cadence:     "FREQ=MONTHLY;INTERVAL=3;BYDAY=1WE", FirstMeeting: time.Date(2014, 2, 5, 10, 0, 0, 0, cph), DurationMinutes: 180,
		Location: "Skiftevis Silkeborg og Viborg Rådhus",
		Members:  sits(larsEmail, hanneEmail, torbenEmail, SilkeborgChiefEmail, ViborgChiefEmail)}); err != nil {
		return err
	}
	if s.management, err = store.CreateForum(ctx, mette, c.ID, samspil.ForumInput{Name: "Koncernledelsen og Strategisk Lederforum",
		Level:       samspil.ForumManagement,
		Description: "Silkeborgs Koncernledelse og Viborgs Strategisk Lederforum følger de fælles projekter og deres gevinster.",
		Cadence:     "FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU", FirstMeeting: time.Date(2014, 3, 11, 13, 0, 0, 0, cph), DurationMinutes: 150,
		Location: "Skiftevis Silkeborg og Viborg",
		Members:  sits(larsEmail, karenEmail, SilkeborgChiefEmail, hanneEmail, torbenEmail, ViborgChiefEmail)}); err != nil {
		return err
	}
	if s.chiefs, err = store.CreateForum(ctx, mette, c.ID, samspil.ForumInput{Name: "IT-chefmøde", Level: samspil.ForumITChiefs,
		Description: "IT-cheferne følger de fælles projekter og driften og mødes hver 14. dag.",
		Cadence:     "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", FirstMeeting: time.Date(2014, 1, 9, 9, 0, 0, 0, cph), DurationMinutes: 120,
		Location: "Skiftevis Silkeborg og Viborg", Members: sits(SilkeborgChiefEmail, ViborgChiefEmail),
		SkipHolidays: true}); err != nil {
		return err
	}

	if s.joint, err = store.CreateStrategy(ctx, mette, samspil.StrategyInput{CollaborationID: c.ID, Title: "Fælles digitaliseringsstrategi 2015–2018",
		From: day(2015, 1, 1), Until: ptr(day(2018, 12, 31)), Owners: []samspil.StrategyOwner{{OrganizationID: silkeborg.ID}, {OrganizationID: viborg.ID}},
		Goals: []samspil.Goal{{Title: "Fælles systemer, hvor det giver mening"}, {Title: "Digital selvbetjening i verdensklasse"},
			{Title: "Fælles projekter med målbare gevinster"}}}); err != nil {
		return err
	}
	if _, err := store.AdoptStrategy(ctx, mette, s.joint.ID, silkeborg.ID, day(2015, 3, 24)); err != nil {
		return err
	}
	if _, err := store.AdoptStrategy(ctx, peter, s.joint.ID, viborg.ID, day(2015, 3, 25)); err != nil {
		return err
	}
	if err := s.ambitions(c.ID); err != nil {
		return err
	}

	// 7 November 2018: the adjustment, in one step, approved by both
	// municipalities at the directors' meeting. The director forums stop
	// that day; their later meetings go.
	adj, err := store.ProposeAdjustment(ctx, mette, c.ID, samspil.AdjustmentInput{
		Title: "Justeret samarbejdsform: frivilligt samarbejde, hvor det giver mening",
		Summary: "Samarbejdet justeres: fra forpligtende samarbejde til frivilligt samarbejde, hvor det giver mening. Der er ingen " +
			"forpligtelse eller forventning om at søge hinanden først; kommunerne samarbejder også med andre kommuner og i partnerskaber " +
			"som OS2. De faste direktionsfora ophører; IT-cheferne mødes fortsat hver 14. dag.",
		EffectiveOn: adjustedOn, Exclusivity: samspil.ExclusivityOpen,
		Commitments: []samspil.CommitmentChange{{OrganizationID: silkeborg.ID, Commitment: samspil.CommitmentVoluntary},
			{OrganizationID: viborg.ID, Commitment: samspil.CommitmentVoluntary}},
		DiscontinuedForums: []string{s.directors.ID, s.management.ID},
		StrategyNote:       "Den fælles digitaliseringsstrategi gælder, indtil hver kommune vedtager sin egen."})
	if err != nil {
		return err
	}
	for _, ap := range []struct {
		who *samspil.Actor
		org string
	}{{mette, silkeborg.ID}, {peter, viborg.ID}} {
		if _, err := store.ApproveAdjustment(ctx, ap.who, adj.ID, samspil.ApprovalInput{OrganizationID: ap.org,
			Answer: samspil.Answer{On: ptr(adjustedOn), Reason: "Besluttet på det fælles direktionsmøde"}}); err != nil {
			return err
		}
	}
	if _, err := store.AddDocument(ctx, mette, c.ID, samspil.DocumentInput{Kind: samspil.DocAgreement,
		Title: "Notat om justeret samarbejdsform, november 2018 (demo)", FileName: "notat-justeret-samarbejdsform-2018.txt",
		ContentType: "text/plain; charset=utf-8", Content: []byte(memo2018)}); err != nil {
		return err
	}
	// The description in its current form; the founding text stays in the
	// declaration of 2013 (and in the audit log).
	if c, err = store.FindCollaboration(ctx, mette, c.ID); err != nil {
		return err
	}
	if s.collab, err = store.UpdateCollaboration(ctx, mette, c.ID, c.Version, samspil.CollaborationPatch{Purpose: ptr(purpose2018)}); err != nil {
		return err
	}
	own, err := store.CreateStrategy(ctx, peter, samspil.StrategyInput{Title: "Viborg Kommunes digitaliseringsstrategi 2020–2023", From: day(2020, 1, 1),
		Until: ptr(day(2023, 12, 31)), Owners: []samspil.StrategyOwner{{OrganizationID: viborg.ID}}})
	if err != nil {
		return err
	}
	if _, err := store.AdoptStrategy(ctx, peter, own.ID, viborg.ID, day(2020, 2, 26)); err != nil {
		return err
	}

	if err := s.history(); err != nil {
		return err
	}
	return s.present()
}

// ambitions declares the members' ambitions: aligned at the start, apart
// before 2018, lowered together in 2018, apart again on joint operations.
func (s *story) ambitions(collabID string) error {
	declare := func(a *samspil.Actor, org string, on samspil.Date, levels [7]int, why string) error {
		in := samspil.AmbitionInput{OrganizationID: org, DeclaredOn: on}
		for i, area := range samspil.AmbitionAreas {
			in.Levels = append(in.Levels, samspil.AmbitionLevel{Area: area, Level: levels[i], Explanation: why})
		}
		_, err := s.store.DeclareAmbitions(s.ctx, a, collabID, in)
		return err
	}
	// Areas: shared systems, processes, organisation, joint procurement,
	// joint development, joint operations, knowledge sharing.
	for _, d := range []struct {
		a      *samspil.Actor
		org    string
		on     samspil.Date
		levels [7]int
		why    string
	}{
		{s.mette, s.silkeborg.ID, day(2014, 1, 15), [7]int{3, 3, 2, 3, 3, 3, 4}, "Direktionens ambition ved samarbejdets start"},
		{s.peter, s.viborg.ID, day(2014, 1, 20), [7]int{3, 3, 2, 3, 3, 3, 4}, "Direktionens ambition ved samarbejdets start"},
		{s.peter, s.viborg.ID, day(2016, 9, 1), [7]int{2, 2, 0, 2, 3, 1, 4}, "Sektordirektørerne prioriterer egne løsninger"},
		{s.mette, s.silkeborg.ID, day(2017, 3, 1), [7]int{3, 3, 3, 3, 3, 3, 4}, "Vi ønsker fortsat fælles løsninger og en fælles organisering af IT"},
		{s.mette, s.silkeborg.ID, adjustedOn, [7]int{1, 1, 0, 1, 3, 1, 3}, "Frivilligt samarbejde, hvor det giver mening"},
		{s.peter, s.viborg.ID, adjustedOn, [7]int{1, 1, 0, 1, 2, 1, 3}, "Frivilligt samarbejde, hvor det giver mening"},
		{s.mette, s.silkeborg.ID, day(2025, 9, 1), [7]int{1, 1, 0, 2, 3, 3, 3}, "Klar til fælles drift i en fælleskommunal driftsenhed"},
		{s.peter, s.viborg.ID, day(2025, 9, 15), [7]int{1, 1, 0, 1, 2, 1, 3}, "Afventer byrådets valg af driftsenhed"},
	} {
		if err := declare(d.a, d.org, d.on, d.levels, d.why); err != nil {
			return err
		}
	}
	return nil
}

// personOf returns the demo person with the e-mail address.
func personOf(email string) person {
	for _, p := range people {
		if p.email == email {
			return p
		}
	}
	panic("demo: no person " + email)
}

// refresh reloads an actor, so that it sees new partners.
func refresh(ctx context.Context, store Store, a *samspil.Actor) *samspil.Actor {
	if fresh, err := store.ActorForUser(ctx, a.UserID); err == nil {
		return fresh
	}
	return a
}

func ptr[T any](v T) *T { return &v }

// acceptInvitation accepts, for org, its pending invitation to the
// collaboration, as decided on day on.
func acceptInvitation(ctx context.Context, store Store, who *samspil.Actor, collabID, orgID string, on samspil.Date, reason string) error {
	page, err := store.ListInvitations(ctx, who, samspil.InvitationFilter{CollaborationID: collabID, OrganizationID: orgID,
		Status: samspil.InvitationPending})
	if err != nil {
		return err
	}
	if len(page.Items) != 1 {
		return fmt.Errorf("%d pending invitations of %s", len(page.Items), orgID)
	}
	_, err = store.AcceptInvitation(ctx, who, page.Items[0].ID, samspil.Answer{On: &on, Reason: reason})
	return err
}

// join invites an organisation and records its acceptance given on day on.
// The demo's other collaborations are recorded from the command line's
// system scope, which may record consent given outside samspil.
func join(ctx context.Context, store Store, sys *samspil.Actor, collabID string, in samspil.InvitationInput, on samspil.Date) error {
	inv, err := store.Invite(ctx, sys, collabID, in)
	if err != nil {
		return err
	}
	_, err = store.AcceptInvitation(ctx, sys, inv.ID, samspil.Answer{On: &on})
	return err
}

// otherCollaborations: an association of the municipalities of Region
// Midtjylland and an OS2-style product community.
func otherCollaborations(ctx context.Context, store Store, sys *samspil.Actor) error {
	midt, err := store.ListOrganizations(ctx, sys, samspil.OrganizationFilter{Kind: samspil.KindMunicipality, Region: "1082",
		ListOptions: samspil.ListOptions{Limit: 100}})
	if err != nil {
		return err
	}
	if len(midt.Items) < 12 {
		return fmt.Errorf("only %d municipalities in Region Midtjylland", len(midt.Items))
	}
	assoc, err := store.CreateCollaboration(ctx, sys, samspil.CollaborationInput{Name: "Digitaliseringsforeningen Midt (demo)",
		Kind: samspil.KindAssociation, Purpose: "Demo: en forening, hvor kommunerne i Region Midtjylland deler viden og koordinerer digitalisering.",
		Start: day(2019, 1, 1), LegalForm: samspil.LegalAssociation, Exclusivity: samspil.ExclusivityOpen, DecisionRule: samspil.RuleMajorityChair,
		CostKey: samspil.CostPerCapita, Visibility: samspil.VisibilitySector, OrganizationID: "0751"})
	if err != nil {
		return err
	}
	n := 1
	for _, o := range midt.Items {
		if o.MunicipalityCode == "0751" || n >= 12 {
			continue
		}
		role := samspil.MemberRoleMember
		if o.MunicipalityCode == "0657" { // Herning chairs
			role = samspil.MemberRoleChair
		}
		if err := join(ctx, store, sys, assoc.ID, samspil.InvitationInput{OrganizationID: o.ID, Role: role, Commitment: samspil.CommitmentVoluntary,
			Since: day(2019, 1, 1)}, day(2018, 12, 10)); err != nil {
			return err
		}
		n++
	}
	os2, err := store.ListOrganizations(ctx, sys, samspil.OrganizationFilter{Kind: samspil.KindCommunity, Query: "OS2"})
	if err != nil || len(os2.Items) == 0 {
		return fmt.Errorf("the OS2 community is missing: %v", err)
	}
	community, err := store.CreateCollaboration(ctx, sys, samspil.CollaborationInput{Name: "Produktfællesskab for mødebooking (demo)",
		Kind: samspil.KindProductCommunity, Purpose: "Demo: kommuner, der i OS2-regi udvikler og driver en fælles open source-løsning til mødebooking.",
		Start: day(2023, 9, 1), LegalForm: samspil.LegalAgreement, Exclusivity: samspil.ExclusivityOpen, DecisionRule: samspil.RuleOptIn,
		CostKey: samspil.CostSizeClasses, Visibility: samspil.VisibilityPublic, OrganizationID: os2.Items[0].ID})
	if err != nil {
		return err
	}
	for _, code := range []string{"0740", "0751", "0657", "0461", "0101", "0851"} {
		if err := join(ctx, store, sys, community.ID, samspil.InvitationInput{OrganizationID: code, Commitment: samspil.CommitmentVoluntary,
			Since: day(2023, 9, 1)}, day(2023, 8, 15)); err != nil {
			return err
		}
	}
	return nil
}

// operationsUnit is a joint IT operations unit of municipalities in Midt-
// jylland that starts next year: Aarhus's IT director founded it, three
// municipalities have joined, and its invitations to Silkeborg and Viborg
// wait for their administrators' answer (every council chooses its
// operations unit).
func operationsUnit(ctx context.Context, store Store, sys, aarhus *samspil.Actor, today samspil.Date) error {
	start := day(today.Year+1, time.January, 1)
	u, err := store.CreateCollaboration(ctx, aarhus, samspil.CollaborationInput{Name: "Fælles IT-drift Midt (demo)",
		Kind: samspil.KindOperationsUnit, Purpose: "Demo: en fælleskommunal IT-driftsenhed, hvor kommuner i Midtjylland samler drift af " +
			"infrastruktur og fagsystemer. Hvert byråd vælger selv sin driftsenhed.",
		Start: start, LegalForm: samspil.LegalSection60, Exclusivity: samspil.ExclusivityOpen, DecisionRule: samspil.RuleMajority,
		CostKey: samspil.CostPerCapita, Visibility: samspil.VisibilitySector, OrganizationID: "0751"})
	if err != nil {
		return err
	}
	for _, code := range []string{"0746", "0710", "0727"} { // Skanderborg, Favrskov, Odder
		if err := join(ctx, store, sys, u.ID, samspil.InvitationInput{OrganizationID: code, Since: start}, today.AddDays(-21)); err != nil {
			return err
		}
	}
	for _, code := range []string{"0740", "0791"} {
		if _, err := store.Invite(ctx, aarhus, u.ID, samspil.InvitationInput{OrganizationID: code, Since: start,
			Message: fmt.Sprintf("Vil I være med i Fælles IT-drift Midt fra 1. januar %d? Svar gerne, når byrådet har valgt driftsenhed.", start.Year)}); err != nil {
			return err
		}
	}
	return nil
}
