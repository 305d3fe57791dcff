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
// adjusted in November 2018 to voluntary collaboration "where it makes
// sense", the director forums stopped, the IT chiefs still meeting, the
// joint strategy in force until each adopted its own. The frame is the real
// story; the people, documents, decisions and texts are invented for the
// demo. Two more collaborations among real municipalities show an
// association and an OS2-style product community.

// demoDoc is the text of the demo's founding documents.
const demoDoc = `Demo: dette dokument er opdigtet til demoen af samspil.

Silkeborg Kommune og Viborg Kommune samarbejder om IT og digitalisering for at
skabe bedre løsninger for borgere og virksomheder og for at bruge kommunernes
ressourcer klogt. Samarbejdet drives af de to direktioner.
`

// ensureCollaborations creates the demo's collaborations; it runs once,
// with the rest of the demo.
func ensureCollaborations(ctx context.Context, store Store) error {
	sys := samspil.SystemActor("demo")
	mette, err := actorOf(ctx, store, "mette.lund@silkeborg.example")
	if err != nil {
		return err
	}
	peter, err := actorOf(ctx, store, "peter.vinther@viborg.example")
	if err != nil {
		return err
	}
	silkeborg, err := store.FindOrganization(ctx, sys, "0740")
	if err != nil {
		return err
	}
	viborg, err := store.FindOrganization(ctx, sys, "0791")
	if err != nil {
		return err
	}
	if err := silkeborgViborg(ctx, store, mette, peter, silkeborg, viborg); err != nil {
		return fmt.Errorf("demo: Silkeborg–Viborg: %w", err)
	}
	if err := otherCollaborations(ctx, store, sys); err != nil {
		return fmt.Errorf("demo: collaborations: %w", err)
	}
	return nil
}

func actorOf(ctx context.Context, store Store, email string) (*samspil.Actor, error) {
	id, err := store.UserIDByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	return store.ActorForUser(ctx, id)
}

func day(y int, m time.Month, d int) samspil.Date { return samspil.NewDate(y, m, d) }

func silkeborgViborg(ctx context.Context, store Store, mette, peter *samspil.Actor, silkeborg, viborg *samspil.Organization) error {
	c, err := store.CreateCollaboration(ctx, mette, samspil.CollaborationInput{Name: "Silkeborg–Viborg IT- og digitaliseringssamarbejde",
		Kind: samspil.KindPartnership, Purpose: "Et forretningsstrategisk samarbejde om IT og digitalisering, besluttet på direktionsniveau: " +
			"fælles direktionsmøder, fælles strategi, fælles projekter og IT-chefer, der mødes hver 14. dag.",
		Start: day(2014, 1, 1), LegalForm: samspil.LegalAgreement, Exclusivity: samspil.ExclusivityExclusive,
		DecisionRule: samspil.RuleConsensus, Visibility: samspil.VisibilitySector, OrganizationID: silkeborg.ID,
		CoFounders: []samspil.FounderInput{{OrganizationID: viborg.ID, Commitment: samspil.CommitmentBinding}}})
	if err != nil {
		return err
	}
	// Viborg joins by its own acceptance, given when the two directorates
	// agreed in December 2013.
	if err := acceptInvitation(ctx, store, peter, c.ID, viborg.ID, day(2013, 12, 16), "Aftale mellem de to direktioner"); err != nil {
		return err
	}
	mette, peter = refresh(ctx, store, mette), refresh(ctx, store, peter)
	if _, err := store.SetChairTerms(ctx, mette, c.ID, []samspil.ChairTerm{
		{OrganizationID: silkeborg.ID, From: day(2014, 1, 1), Until: ptr(day(2015, 12, 31))},
		{OrganizationID: viborg.ID, From: day(2016, 1, 1), Until: ptr(day(2017, 12, 31))},
		{OrganizationID: silkeborg.ID, From: day(2018, 1, 1), Until: ptr(day(2019, 12, 31))},
		{OrganizationID: viborg.ID, From: day(2020, 1, 1)},
	}); err != nil {
		return err
	}
	if _, err := store.AddDocument(ctx, mette, c.ID, samspil.DocumentInput{Kind: samspil.DocDeclaration, Title: "Hensigtserklæring om IT-samarbejde (demo)",
		FileName: "hensigtserklaering.txt", ContentType: "text/plain", Content: []byte(demoDoc)}); err != nil {
		return err
	}

	cph := samspil.Copenhagen()
	members := []samspil.ForumMember{{UserID: mette.UserID, OrganizationID: silkeborg.ID}, {UserID: peter.UserID, OrganizationID: viborg.ID}}
	directors, err := store.CreateForum(ctx, mette, c.ID, samspil.ForumInput{Name: "Fælles direktionsmøde", Level: samspil.ForumDirectors,
		Cadence: "FREQ=MONTHLY;INTERVAL=3;BYDAY=1WE", FirstMeeting: time.Date(2014, 2, 5, 10, 0, 0, 0, cph), DurationMinutes: 180,
		Location: "Skiftevis Silkeborg og Viborg Rådhus"})
	if err != nil {
		return err
	}
	management, err := store.CreateForum(ctx, mette, c.ID, samspil.ForumInput{Name: "Koncernledelsen og Strategisk Lederforum",
		Level: samspil.ForumManagement, Cadence: "FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU", FirstMeeting: time.Date(2014, 3, 11, 13, 0, 0, 0, cph),
		DurationMinutes: 150, Location: "Skiftevis Silkeborg og Viborg"})
	if err != nil {
		return err
	}
	chiefs, err := store.CreateForum(ctx, mette, c.ID, samspil.ForumInput{Name: "IT-chefmøde", Level: samspil.ForumITChiefs,
		Description: "IT-cheferne følger de fælles projekter og driften og mødes hver 14. dag.",
		Cadence:     "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", FirstMeeting: time.Date(2014, 1, 9, 9, 0, 0, 0, cph), DurationMinutes: 120,
		Location: "Skiftevis Silkeborg og Viborg", Members: members})
	if err != nil {
		return err
	}

	joint, err := store.CreateStrategy(ctx, mette, samspil.StrategyInput{CollaborationID: c.ID, Title: "Fælles digitaliseringsstrategi 2015–2018",
		From: day(2015, 1, 1), Until: ptr(day(2018, 12, 31)), Owners: []samspil.StrategyOwner{{OrganizationID: silkeborg.ID}, {OrganizationID: viborg.ID}},
		Goals: []samspil.Goal{{Title: "Fælles systemer, hvor det giver mening"}, {Title: "Digital selvbetjening i verdensklasse"},
			{Title: "Fælles projekter med målbare gevinster"}}})
	if err != nil {
		return err
	}
	if _, err := store.AdoptStrategy(ctx, mette, joint.ID, silkeborg.ID, day(2015, 3, 24)); err != nil {
		return err
	}
	if _, err := store.AdoptStrategy(ctx, peter, joint.ID, viborg.ID, day(2015, 3, 25)); err != nil {
		return err
	}

	declare := func(a *samspil.Actor, org string, on samspil.Date, levels [7]int, why string) error {
		in := samspil.AmbitionInput{OrganizationID: org, DeclaredOn: on}
		for i, area := range samspil.AmbitionAreas {
			in.Levels = append(in.Levels, samspil.AmbitionLevel{Area: area, Level: levels[i], Explanation: why})
		}
		_, err := store.DeclareAmbitions(ctx, a, c.ID, in)
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
		{mette, silkeborg.ID, day(2014, 1, 15), [7]int{3, 3, 2, 3, 3, 3, 4}, "Direktionens ambition ved samarbejdets start"},
		{peter, viborg.ID, day(2014, 1, 20), [7]int{3, 3, 2, 3, 3, 3, 4}, "Direktionens ambition ved samarbejdets start"},
		{peter, viborg.ID, day(2016, 9, 1), [7]int{2, 2, 0, 2, 3, 1, 4}, "Sektordirektørerne prioriterer egne løsninger"},
		{mette, silkeborg.ID, day(2017, 3, 1), [7]int{3, 3, 2, 3, 3, 3, 4}, "Uændret: vi ønsker fortsat fælles løsninger"},
		{mette, silkeborg.ID, day(2018, 11, 15), [7]int{1, 1, 0, 1, 3, 1, 3}, "Frivilligt samarbejde, hvor det giver mening"},
		{peter, viborg.ID, day(2018, 11, 15), [7]int{1, 1, 0, 1, 2, 1, 3}, "Frivilligt samarbejde, hvor det giver mening"},
		{mette, silkeborg.ID, day(2025, 9, 1), [7]int{1, 1, 0, 2, 3, 3, 3}, "Klar til fælles drift i en fælleskommunal driftsenhed"},
		{peter, viborg.ID, day(2025, 9, 15), [7]int{1, 1, 0, 1, 2, 1, 3}, "Afventer byrådets valg af driftsenhed"},
	} {
		if err := declare(d.a, d.org, d.on, d.levels, d.why); err != nil {
			return err
		}
	}

	// Decisions, each voted by both members.
	decide := func(title string, rule samspil.DecisionRule, on samspil.Date, forum string, s, v samspil.VoteChoice, closeIt bool) error {
		d, err := store.CreateDecision(ctx, mette, c.ID, samspil.DecisionInput{Title: title, Rule: rule, DecidedOn: on, ForumID: forum, Binding: true,
			Proposal: "Demo: forslaget er opdigtet til demoen."})
		if err != nil {
			return err
		}
		if s != "" {
			if d, err = store.CastVote(ctx, mette, d.ID, samspil.VoteInput{OrganizationID: silkeborg.ID, Choice: s}); err != nil {
				return err
			}
		}
		if v != "" {
			if d, err = store.CastVote(ctx, peter, d.ID, samspil.VoteInput{OrganizationID: viborg.ID, Choice: v}); err != nil {
				return err
			}
		}
		if closeIt {
			_, err = store.CloseDecision(ctx, mette, d.ID, d.Version)
		}
		return err
	}
	if err := decide("Fælles ESDH-platform", samspil.RuleConsensus, day(2014, 6, 4), directors.ID, samspil.VoteFor, samspil.VoteFor, true); err != nil {
		return err
	}
	if err := decide("Fælles IT-driftscenter", samspil.RuleMajorityChair, day(2017, 5, 3), directors.ID, samspil.VoteFor, samspil.VoteAgainst, true); err != nil {
		return err
	}
	if err := decide("Justeret samarbejdsform: frivilligt samarbejde, hvor det giver mening", samspil.RuleConsensus, day(2018, 11, 1),
		management.ID, samspil.VoteFor, samspil.VoteFor, true); err != nil {
		return err
	}
	today := samspil.Today(time.Now())
	if err := decide("Fælles indkøb af mødebookingsystem", samspil.RuleOptIn, today.AddDays(-3), chiefs.ID, samspil.VoteFor, "", false); err != nil {
		return err
	}

	// November 2018: the adjustment, in one step, approved by both
	// municipalities on the day of the memo.
	adj, err := store.ProposeAdjustment(ctx, mette, c.ID, samspil.AdjustmentInput{Title: "Justeret samarbejdsform",
		Summary: "Ingen forpligtelse eller forventning om at søge hinanden først. Samarbejde frivilligt, hvor det giver mening, " +
			"også med andre kommuner og i partnerskaber som OS2. De faste direktionsfora ophører; IT-cheferne mødes fortsat hver 14. dag.",
		EffectiveOn: day(2018, 11, 1), Exclusivity: samspil.ExclusivityOpen,
		Commitments: []samspil.CommitmentChange{{OrganizationID: silkeborg.ID, Commitment: samspil.CommitmentVoluntary},
			{OrganizationID: viborg.ID, Commitment: samspil.CommitmentVoluntary}},
		DiscontinuedForums: []string{directors.ID, management.ID},
		StrategyNote:       "Den fælles strategi gælder, til hver kommune vedtager sin egen."})
	if err != nil {
		return err
	}
	memo := day(2018, 11, 1)
	for _, ap := range []struct {
		who *samspil.Actor
		org string
	}{{mette, silkeborg.ID}, {peter, viborg.ID}} {
		if _, err := store.ApproveAdjustment(ctx, ap.who, adj.ID, samspil.ApprovalInput{OrganizationID: ap.org,
			Answer: samspil.Answer{On: &memo, Reason: "Besluttet af direktionen"}}); err != nil {
			return err
		}
	}
	if _, err := store.AddDocument(ctx, mette, c.ID, samspil.DocumentInput{Kind: samspil.DocAgreement, Title: "Notat om justeret samarbejdsform, november 2018 (demo)",
		FileName: "notat-2018.txt", ContentType: "text/plain", Content: []byte(demoDoc)}); err != nil {
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

	// The IT chiefs' latest meetings: held, with minutes and attendance;
	// the next one with an agenda; follow-up.
	recent, err := store.ListMeetings(ctx, mette, samspil.MeetingFilter{ForumID: chiefs.ID, From: time.Now().AddDate(0, 0, -43),
		To: time.Now().AddDate(0, 0, 15), ListOptions: samspil.ListOptions{Limit: 10}})
	if err != nil {
		return err
	}
	var lastHeld *samspil.Meeting
	for i := range recent.Items {
		m := &recent.Items[i]
		if m.Start.After(time.Now()) {
			if _, err := store.AddAgendaItem(ctx, mette, m.ID, samspil.AgendaItemInput{Title: "Status på fælles indkøb af mødebookingsystem",
				OwnerUserID: peter.UserID}); err != nil {
				return err
			}
			if _, err := store.AddAgendaItem(ctx, mette, m.ID, samspil.AgendaItemInput{Title: "Erfaringer med OS2-produkter", OwnerUserID: mette.UserID}); err != nil {
				return err
			}
			break
		}
		if _, err := store.SetAttendance(ctx, mette, m.ID, []samspil.Attendance{
			{UserID: mette.UserID, OrganizationID: silkeborg.ID, Status: samspil.AttendancePresent},
			{UserID: peter.UserID, OrganizationID: viborg.ID, Status: samspil.AttendancePresent}}); err != nil {
			return err
		}
		m, err = store.FindMeeting(ctx, mette, m.ID)
		if err != nil {
			return err
		}
		held := samspil.MeetingHeld
		minutes := "**Demo-referat.** Status på de fælles projekter blev gennemgået.\n\n- Driften kører stabilt.\n- Mødebooking: Silkeborg deltager, Viborg melder tilbage."
		if lastHeld, err = store.UpdateMeeting(ctx, mette, m.ID, m.Version, samspil.MeetingPatch{Status: &held, Minutes: &minutes}); err != nil {
			return err
		}
	}
	meetingID := ""
	if lastHeld != nil {
		meetingID = lastHeld.ID
	}
	for _, a := range []samspil.ActionItemInput{
		{MeetingID: meetingID, Title: "Afklar Viborgs deltagelse i fælles mødebooking", OwnerUserID: peter.UserID, OrganizationID: viborg.ID, Due: ptr(today.AddDays(5))},
		{MeetingID: meetingID, Title: "Del erfaringer med OS2-produkter", OwnerUserID: mette.UserID, OrganizationID: silkeborg.ID, Due: ptr(today.AddDays(-10))},
	} {
		if _, err := store.CreateActionItem(ctx, mette, c.ID, a); err != nil {
			return err
		}
	}
	return nil
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
	byCode := map[string]*samspil.Organization{}
	for i := range midt.Items {
		byCode[midt.Items[i].MunicipalityCode] = &midt.Items[i]
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
