package demo

import (
	"fmt"

	"github.com/samspil/samspil"
)

// present records what is current on the day the demo is made: the votes
// waiting from the IT chiefs' latest meeting (one for each municipality),
// action items from their two latest meetings (one of each IT chief's
// overdue), and the agendas of their next three meetings.
func (s *story) present() error {
	if len(s.recent) < 2 {
		return fmt.Errorf("the IT chiefs have held %d meetings", len(s.recent))
	}
	previous, latest := &s.recent[0], &s.recent[1]
	sk, vb := s.silkeborg.ID, s.viborg.ID
	// Viborg joins the joint procurement, Silkeborg answers at the next
	// meeting; Silkeborg adopts the security standard, Viborg asks its
	// directors first.
	if err := s.decide(latest, samspil.DecisionInput{Title: "Fælles udbud af omsorgssystem", Rule: samspil.RuleOptIn, Binding: true,
		Proposal: "Silkeborgs og Viborgs kontrakter på omsorgssystemet kan begge opsiges inden for de næste måneder. IT-cheferne " +
			"foreslår et fælles udbud med fælles kravspecifikation og evaluering. Hver kommune tilslutter sig selv, for hver kommune " +
			"er sin egen ordregiver og skriver sin egen kontrakt."},
		[]ballot{{s.mette, sk, "", ""}, {s.peter, vb, samspil.VoteFor, "Viborg er med."}}, false); err != nil {
		return err
	}
	if err := s.decide(latest, samspil.DecisionInput{Title: "Fælles standard for informationssikkerhed", Rule: samspil.RuleConsensus,
		Proposal: "Kommunerne følger det samme ISO 27001-baserede kontrolsæt, deler skabeloner til risikovurderinger og holder en " +
			"fælles awareness-kampagne for medarbejderne i foråret."},
		[]ballot{{s.mette, sk, samspil.VoteFor, ""}, {s.peter, vb, "", ""}}, false); err != nil {
		return err
	}

	// The coming meetings in July and around Christmas are cancelled
	// ahead; the next three have their agendas.
	coming, err := s.meetings(s.chiefs.ID, s.now, s.now.AddDate(0, 3, 0))
	if err != nil {
		return err
	}
	var next []samspil.Meeting
	for _, m := range coming {
		if holiday(samspil.Today(m.Start)) {
			if _, err := s.store.UpdateMeeting(s.ctx, s.mette, m.ID, m.Version, samspil.MeetingPatch{Status: ptr(samspil.MeetingCancelled)}); err != nil {
				return err
			}
			continue
		}
		next = append(next, m)
	}
	if len(next) < 3 {
		return fmt.Errorf("the IT chiefs have %d meetings ahead", len(next))
	}
	for i, agenda := range [][]agendaPoint{
		{{"Fælles udbud af omsorgssystem: Silkeborgs svar", "", SilkeborgChiefEmail},
			{"Fælles standard for informationssikkerhed: Viborgs svar", "", ViborgChiefEmail},
			{"Gensidig orientering", "", SilkeborgChiefEmail}},
		{{"Fælles IT-drift Midt: hvad betyder byrådenes valg af driftsenhed for samarbejdet?", "", ViborgChiefEmail},
			{"Temadag om AI i sagsbehandlingen: program", "", sofieEmail},
			{"Gensidig orientering", "", ViborgChiefEmail}},
		{{"Status på de fælles projekter", "", SilkeborgChiefEmail},
			{"Kravspecifikation til fælles udbud af omsorgssystem", "", jonasEmail}},
	} {
		for _, p := range agenda {
			if _, err := s.store.AddAgendaItem(s.ctx, s.mette, next[i].ID, samspil.AgendaItemInput{Title: p.title, Description: p.description,
				OwnerUserID: s.users[p.owner]}); err != nil {
				return err
			}
		}
	}

	nextDay := samspil.Today(next[0].Start)
	for _, a := range []struct {
		in     samspil.ActionItemInput
		status samspil.ActionStatus
	}{
		{samspil.ActionItemInput{MeetingID: previous.ID, Title: "Del erfaringer med OS2faktor og OS2rollekatalog med Viborg",
			OwnerUserID: s.users[SilkeborgChiefEmail], OrganizationID: sk, Due: ptr(s.today.AddDays(-6))}, samspil.ActionOpen},
		{samspil.ActionItemInput{MeetingID: previous.ID, Title: "Indhent tilbud på fælles sårbarhedsscanning",
			OwnerUserID: s.users[ViborgChiefEmail], OrganizationID: vb, Due: ptr(s.today.AddDays(-3))}, samspil.ActionInProgress},
		{samspil.ActionItemInput{MeetingID: previous.ID, Title: "Send oversigt over kontraktudløb til Silkeborg",
			OwnerUserID: s.users[ViborgChiefEmail], OrganizationID: vb, Due: ptr(s.today.AddDays(2))}, samspil.ActionDone},
		{samspil.ActionItemInput{MeetingID: latest.ID, Title: "Afklar Silkeborgs deltagelse i fælles udbud af omsorgssystem med Social og Sundhed",
			OwnerUserID: s.users[SilkeborgChiefEmail], OrganizationID: sk, Due: ptr(nextDay)}, samspil.ActionOpen},
		{samspil.ActionItemInput{MeetingID: latest.ID, Title: "Forelæg den fælles standard for informationssikkerhed for direktionen",
			OwnerUserID: s.users[ViborgChiefEmail], OrganizationID: vb, Due: ptr(nextDay)}, samspil.ActionOpen},
		{samspil.ActionItemInput{MeetingID: latest.ID, Title: "Beskriv Silkeborgs krav til et fælles udbud af omsorgssystem",
			OwnerUserID: s.users[jonasEmail], OrganizationID: sk, Due: ptr(s.today.AddDays(21))}, samspil.ActionInProgress},
		{samspil.ActionItemInput{MeetingID: latest.ID, Title: "Planlæg fælles temadag om AI i sagsbehandlingen",
			OwnerUserID: s.users[sofieEmail], OrganizationID: vb, Due: ptr(s.today.AddDays(30))}, samspil.ActionOpen},
	} {
		item, err := s.store.CreateActionItem(s.ctx, s.mette, s.collab.ID, a.in)
		if err != nil {
			return fmt.Errorf("action item %s: %w", a.in.Title, err)
		}
		if a.status != samspil.ActionOpen {
			if _, err := s.store.UpdateActionItem(s.ctx, s.mette, item.ID, item.Version, samspil.ActionItemPatch{Status: ptr(a.status)}); err != nil {
				return err
			}
		}
	}
	return nil
}
