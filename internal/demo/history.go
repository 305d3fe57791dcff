package demo

import (
	"fmt"
	"slices"
	"time"

	"github.com/samspil/samspil"
)

// The meetings of the Silkeborg–Viborg forums from 2014 to today: every
// past meeting is held, with who attended for each municipality, or
// cancelled (the IT chiefs skip July and Christmas); a few have their
// agenda and minutes, and the decisions taken at them carry their day. The
// IT chiefs' two latest meetings and their coming ones make the present.

// agendaPoint is a point on a demo agenda; owner is an e-mail address.
type agendaPoint struct {
	title, description, owner string
}

// record is what the demo writes for one past meeting besides that it was
// held and who attended.
type record struct {
	agenda  []agendaPoint
	minutes string
	guests  []string // people attending beside the forum's members
}

// The director forums met less and less before the adjustment: these
// meetings were cancelled (the health panel's early warning of 2017–2018).
var (
	directorsCancelled  = []string{"2017-02-01", "2017-11-01", "2018-02-07", "2018-08-01"}
	managementCancelled = []string{"2017-07-11", "2017-09-12", "2018-01-09", "2018-03-13", "2018-07-10", "2018-09-11"}
)

// The records of the director forums, by forum and day.
var directorRecords = map[string]record{
	"2014-05-07": {agenda: []agendaPoint{
		{"Fælles ESDH-platform – beslutning", "IT-cheferne indstiller, at kommunerne anskaffer og driver én fælles ESDH-platform.", SilkeborgChiefEmail},
		{"Proces for en fælles digitaliseringsstrategi 2015–2018", "", ViborgChiefEmail}},
		minutes: "**Referat (demo)**\n\n" +
			"- Direktionerne besluttede en fælles ESDH-platform. IT-cheferne lægger en tids- og udbudsplan frem på næste møde.\n" +
			"- Den fælles digitaliseringsstrategi skrives i efteråret 2014 med inddragelse af begge kommuners fagområder og " +
			"vedtages af byrådene i foråret 2015."},
	"2015-02-04": {agenda: []agendaPoint{
		{"Fælles digitaliseringsstrategi 2015–2018 – indstilling til byrådene", "", SilkeborgChiefEmail},
		{"Status på den fælles ESDH-platform", "", ViborgChiefEmail}},
		minutes: "**Referat (demo)**\n\n" +
			"- Direktionerne indstiller den fælles digitaliseringsstrategi 2015–2018 til vedtagelse i begge byråd i marts.\n" +
			"- ESDH-udbuddet er i gang; begge kommuner deltager i evalueringen af tilbuddene."},
	"2017-05-03": {agenda: []agendaPoint{
		{"Fælles IT-driftscenter – beslutning", "Forslag om at samle server- og netværksdrift i ét fælles driftscenter fra 2018.", SilkeborgChiefEmail}},
		minutes: "**Referat (demo)**\n\n" +
			"- Silkeborg stemte for et fælles IT-driftscenter, Viborg imod. Stemmerne stod lige, og formandens stemme (Viborg) " +
			"var afgørende: forslaget blev forkastet.\n" +
			"- Viborgs sektordirektører ønsker driften tæt på fagområderne. Kommunerne fortsætter med hver sin drift."},
	"2018-11-07": {agenda: []agendaPoint{
		{"Evaluering af samarbejdet 2014–2018", "", SilkeborgChiefEmail},
		{"Justeret samarbejdsform – beslutning", "Forslag: fra forpligtende samarbejde til frivilligt samarbejde, hvor det giver mening.", ViborgChiefEmail}},
		minutes: "**Referat (demo)**\n\n" +
			"Samarbejdet justeres: fra forpligtende samarbejde til frivilligt samarbejde, hvor det giver mening.\n\n" +
			"- Der er ikke længere en forpligtelse eller forventning om at søge hinanden først. Kommunerne samarbejder, hvor det " +
			"giver mening, også med andre kommuner og i partnerskaber om nye digitale løsninger, f.eks. i OS2.\n" +
			"- Det fælles direktionsmøde og møderne mellem Koncernledelsen og Strategisk Lederforum ophører efter i dag.\n" +
			"- IT-cheferne mødes fortsat hver 14. dag.\n" +
			"- Den fælles digitaliseringsstrategi gælder, indtil hver kommune har vedtaget sin egen.\n\n" +
			"Evalueringen: de organisatoriske forskelle (sektordirektører i Viborg, ikke i Silkeborg) var sværere end ventet, " +
			"ledelserne skal være enige om ambitionsniveauet, og fælles indkøb er svært, når hver kommune er sin egen juridiske enhed."},
}

var managementRecords = map[string]record{
	"2016-09-13": {agenda: []agendaPoint{
		{"Organisering af de fælles projekter", "", SilkeborgChiefEmail},
		{"Ambitionsniveau for samarbejdet", "", ViborgChiefEmail}},
		minutes: "**Referat (demo)**\n\n" +
			"- Viborgs sektordirektører prioriterer egne løsninger på deres områder; Silkeborg ønsker fortsat fælles løsninger.\n" +
			"- Forskellen i organisering gør fælles beslutninger langsomme: i Viborg skal flere direktører være enige.\n" +
			"- Ambitionsniveauet tages op på det fælles direktionsmøde."},
}

// chiefsRecords returns the records of the IT chiefs' past meetings by
// their place among them (n meetings): the first, the first after the
// adjustment, the one that decided on meeting booking in OS2, and the two
// latest.
func chiefsRecords(days []samspil.Date) map[int]record {
	n := len(days)
	out := map[int]record{0: {agenda: []agendaPoint{
		{"Kommissorium for IT-chefmødet", "", SilkeborgChiefEmail},
		{"Fælles projektportefølje 2014", "", ViborgChiefEmail},
		{"Kortlægning af systemer og kontrakter i begge kommuner", "", SilkeborgChiefEmail}},
		minutes: "**Referat (demo)**\n\n" +
			"- IT-cheferne mødes hver anden torsdag, skiftevis i Silkeborg og Viborg. Kommissoriet sendes til direktionerne til orientering.\n" +
			"- Projektporteføljen for 2014: fælles ESDH, fælles telefoni og digital post.\n" +
			"- Begge kommuner kortlægger deres systemer og kontrakter inden 1. marts, så udløbsdatoerne kan ses samlet."}}
	after, booking := -1, -1
	for i, d := range days {
		if after < 0 && d.After(adjustedOn) {
			after = i
		}
		if booking < 0 && !d.Before(day(2023, 5, 1)) {
			booking = i
		}
	}
	if after > 0 && after < n-2 {
		out[after] = record{agenda: []agendaPoint{
			{"IT-chefmødet efter justeringen af samarbejdet", "", SilkeborgChiefEmail},
			{"Fælles projekter: hvad fortsætter?", "", ViborgChiefEmail}},
			minutes: "**Referat (demo)**\n\n" +
				"- IT-cheferne fortsætter med at mødes hver 14. dag.\n" +
				"- De fælles projekter fortsætter, hvor begge kommuner har valgt dem; nye projekter vælges fra sag til sag, også med andre kommuner.\n" +
				"- Den fælles strategi gælder, til hver kommune har sin egen."}
	}
	if booking > 0 && booking < n-2 {
		out[booking] = record{agenda: []agendaPoint{
			{"Fælles mødebooking i OS2-regi – tilslutning", "", SilkeborgChiefEmail}},
			minutes: "**Referat (demo)**\n\n" +
				"- Silkeborg tilslutter sig produktfællesskabet for mødebooking i OS2 fra 1. september.\n" +
				"- Viborg er ikke med: Viborg har netop forlænget sin nuværende løsning."}
	}
	if n >= 2 {
		out[n-2] = record{agenda: []agendaPoint{
			{"Kontraktudløb: omsorgssystem og løn", "Begge kommuners kontrakter på omsorgssystemet kan opsiges inden for de næste måneder.", ViborgChiefEmail},
			{"Erfaringer med OS2faktor og OS2rollekatalog", "", SilkeborgChiefEmail},
			{"Gensidig orientering", "", SilkeborgChiefEmail}},
			minutes: "**Referat (demo)**\n\n" +
				"- Kontrakterne på omsorgssystemet kan opsiges inden for de næste måneder i begge kommuner. IT-cheferne lægger et " +
				"forslag om fælles udbud frem på næste møde.\n" +
				"- Silkeborg deler sine erfaringer med OS2faktor og OS2rollekatalog skriftligt.\n" +
				"- Viborg undersøger en fælles sårbarhedsscanning.",
			guests: []string{jonasEmail}}
		out[n-1] = record{agenda: []agendaPoint{
			{"Fælles udbud af omsorgssystem – tilslutning", "Hver kommune tilslutter sig selv; hver kommune er sin egen ordregiver.", ViborgChiefEmail},
			{"Fælles standard for informationssikkerhed", "", SilkeborgChiefEmail},
			{"Fælles IT-drift Midt: invitationen til begge kommuner", "", SilkeborgChiefEmail},
			{"Gensidig orientering", "", ViborgChiefEmail}},
			minutes: "**Referat (demo)**\n\n" +
				"- Fælles udbud af omsorgssystem: Viborg tilslutter sig. Silkeborg afklarer sin deltagelse med Social og Sundhed før næste møde.\n" +
				"- Informationssikkerhed: Silkeborg tilslutter sig den fælles standard; Viborg forelægger den for direktionen.\n" +
				"- Fælles IT-drift Midt har inviteret begge kommuner. Hver kommune svarer selv, når byrådet har valgt driftsenhed.\n" +
				"- Viborg planlægger en fælles temadag om AI i sagsbehandlingen.",
			guests: []string{sofieEmail}}
	}
	return out
}

// history records the past meetings of the three forums and the decisions
// taken at them.
func (s *story) history() error {
	directors, err := s.recordForum(s.directors, []string{larsEmail, hanneEmail, torbenEmail, SilkeborgChiefEmail, ViborgChiefEmail},
		func([]samspil.Date) map[int]record { return nil }, directorRecords, directorsCancelled)
	if err != nil {
		return err
	}
	if _, err := s.recordForum(s.management, []string{larsEmail, karenEmail, SilkeborgChiefEmail, hanneEmail, torbenEmail, ViborgChiefEmail},
		func([]samspil.Date) map[int]record { return nil }, managementRecords, managementCancelled); err != nil {
		return err
	}
	chiefs, err := s.recordForum(s.chiefs, []string{SilkeborgChiefEmail, ViborgChiefEmail}, chiefsRecords, nil, nil)
	if err != nil {
		return err
	}
	s.recent = chiefs[max(len(chiefs)-2, 0):]

	at := func(key string) (*samspil.Meeting, error) {
		for i := range directors {
			if samspil.Today(directors[i].Start).String() == key {
				return &directors[i], nil
			}
		}
		return nil, fmt.Errorf("no directors' meeting on %s", key)
	}
	sk, vb := s.silkeborg.ID, s.viborg.ID
	for _, d := range []struct {
		on       string
		in       samspil.DecisionInput
		s, v     samspil.VoteChoice
		sWhy     string
		vWhy     string
		strategy bool
	}{
		{on: "2014-05-07", in: samspil.DecisionInput{Title: "Fælles ESDH-platform", Rule: samspil.RuleConsensus, Binding: true,
			Proposal: "Silkeborg og Viborg anskaffer og driver én fælles ESDH-platform, så sager kan deles på tværs, og licenser og " +
				"drift købes én gang. IT-cheferne lægger en tids- og udbudsplan frem på næste direktionsmøde."},
			s: samspil.VoteFor, v: samspil.VoteFor},
		{on: "2015-02-04", in: samspil.DecisionInput{Title: "Fælles digitaliseringsstrategi 2015–2018", Rule: samspil.RuleConsensus, Binding: true,
			Proposal: "Direktionerne indstiller den fælles digitaliseringsstrategi 2015–2018 til vedtagelse i begge byråd i marts 2015. " +
				"Strategien sætter tre mål: fælles systemer, hvor det giver mening, digital selvbetjening i verdensklasse og fælles " +
				"projekter med målbare gevinster."},
			s: samspil.VoteFor, v: samspil.VoteFor, strategy: true},
		{on: "2017-05-03", in: samspil.DecisionInput{Title: "Fælles IT-driftscenter", Rule: samspil.RuleMajorityChair, Binding: true,
			Proposal: "Silkeborg og Viborg samler server- og netværksdrift i ét fælles driftscenter fra 2018. Driftscentret placeres i " +
				"Silkeborg; medarbejdere fra begge kommuner overgår til det."},
			s: samspil.VoteFor, sWhy: "Vi ser klare stordriftsfordele.",
			v: samspil.VoteAgainst, vWhy: "Sektordirektørerne ønsker driften tæt på fagområderne."},
		// Two proposals Viborg's sector directors did not take a stand on:
		// without Viborg's vote there was no quorum, and they were deferred.
		{on: "2017-08-02", in: samspil.DecisionInput{Title: "Fælles indkøbsfunktion for IT", Rule: samspil.RuleConsensus, Binding: true,
			Proposal: "Silkeborg og Viborg samler indkøb af IT-udstyr og licenser i én fælles indkøbsfunktion fra 2018."},
			s: samspil.VoteFor},
		{on: "2018-05-02", in: samspil.DecisionInput{Title: "Fælles informationssikkerhedspolitik", Rule: samspil.RuleConsensus, Binding: true,
			Proposal: "Silkeborg og Viborg vedtager én fælles informationssikkerhedspolitik efter ISO 27001 og én fælles " +
				"informationssikkerhedskoordinator."},
			s: samspil.VoteFor},
		{on: adjustedOn.String(), in: samspil.DecisionInput{Title: "Justeret samarbejdsform: frivilligt samarbejde, hvor det giver mening",
			Rule: samspil.RuleConsensus, Binding: true,
			Proposal: "Samarbejdet justeres: fra forpligtende samarbejde til frivilligt samarbejde, hvor det giver mening. Der er ingen " +
				"forpligtelse eller forventning om at søge hinanden først. De faste direktionsfora ophører; IT-cheferne mødes fortsat " +
				"hver 14. dag. Den fælles digitaliseringsstrategi gælder, indtil hver kommune vedtager sin egen."},
			s: samspil.VoteFor, v: samspil.VoteFor},
	} {
		m, err := at(d.on)
		if err != nil {
			return err
		}
		if d.strategy {
			d.in.StrategyIDs = []string{s.joint.ID}
		}
		if err := s.decide(m, d.in, []ballot{{s.mette, sk, d.s, d.sWhy}, {s.peter, vb, d.v, d.vWhy}}, true); err != nil {
			return err
		}
	}
	if err := s.followUps(); err != nil {
		return err
	}
	// The IT chiefs' decision on meeting booking in OS2: each decides for
	// itself; Silkeborg joins, Viborg does not.
	for i := range chiefs {
		if m := &chiefs[i]; !samspil.Today(m.Start).Before(day(2023, 5, 1)) {
			return s.decide(m, samspil.DecisionInput{Title: "Fælles løsning til mødebooking i OS2-regi", Rule: samspil.RuleOptIn,
				Proposal: "Kommunerne går sammen med andre kommuner om at udvikle og drive en open source-løsning til mødebooking i " +
					"OS2-regi fra 1. september 2023. Hver kommune beslutter selv, om den er med."},
				[]ballot{{s.mette, sk, samspil.VoteFor, ""}, {s.peter, vb, samspil.VoteOptOut, "Viborg har netop forlænget sin nuværende løsning."}}, true)
		}
	}
	return nil
}

// recordForum records the forum's past meetings: held with attendance
// (records gives the agenda and minutes of some, by place or by day) or
// cancelled: those on the days of cancelled and, for the IT chiefs, those
// in July and at Christmas except in the last eight weeks. It returns the
// held meetings, oldest first.
func (s *story) recordForum(f *samspil.Forum, members []string, byPlace func([]samspil.Date) map[int]record, byDay map[string]record,
	cancelled []string) ([]samspil.Meeting, error) {
	past, err := s.meetings(f.ID, f.FirstMeeting, s.now)
	if err != nil {
		return nil, err
	}
	recent := s.today.AddDays(-56)
	var keep []samspil.Meeting
	dropped := 0
	for _, m := range past {
		d := samspil.Today(m.Start)
		story := slices.Contains(cancelled, d.String())
		if story {
			dropped++
		}
		if story || f.ID == s.chiefs.ID && d.Before(recent) && holiday(d) {
			if _, err := s.store.UpdateMeeting(s.ctx, s.mette, m.ID, m.Version, samspil.MeetingPatch{Status: ptr(samspil.MeetingCancelled)}); err != nil {
				return nil, fmt.Errorf("cancel %s %s: %w", f.Name, d, err)
			}
			continue
		}
		keep = append(keep, m)
	}
	if dropped != len(cancelled) {
		return nil, fmt.Errorf("%s: %d of the %d cancelled days are meetings", f.Name, dropped, len(cancelled))
	}
	days := make([]samspil.Date, len(keep))
	for i := range keep {
		days[i] = samspil.Today(keep[i].Start)
	}
	places := byPlace(days)
	found := 0
	for i := range keep {
		m := &keep[i]
		r, special := places[i]
		if dr, ok := byDay[days[i].String()]; ok {
			r, special = dr, true
			found++
		}
		for _, p := range r.agenda {
			if _, err := s.store.AddAgendaItem(s.ctx, s.mette, m.ID, samspil.AgendaItemInput{Title: p.title, Description: p.description,
				OwnerUserID: s.users[p.owner]}); err != nil {
				return nil, err
			}
		}
		held, err := s.store.SetAttendance(s.ctx, s.mette, m.ID, s.attendance(members, r.guests, i, days[i], special, f.ID == s.chiefs.ID))
		if err != nil {
			return nil, fmt.Errorf("attendance %s %s: %w", f.Name, days[i], err)
		}
		patch := samspil.MeetingPatch{Status: ptr(samspil.MeetingHeld)}
		if r.minutes != "" {
			patch.Minutes = ptr(r.minutes)
		}
		if held, err = s.store.UpdateMeeting(s.ctx, s.mette, m.ID, held.Version, patch); err != nil {
			return nil, fmt.Errorf("hold %s %s: %w", f.Name, days[i], err)
		}
		*m = *held
	}
	if found != len(byDay) {
		return nil, fmt.Errorf("%s: %d of the %d recorded days are meetings", f.Name, found, len(byDay))
	}
	return keep, nil
}

// holiday reports whether the IT chiefs skip a meeting on day d: in July
// and around Christmas.
func holiday(d samspil.Date) bool {
	return d.Month == time.July || (d.Month == time.December && d.Day >= 22) || (d.Month == time.January && d.Day <= 3)
}

// attendance says who attended the i-th held meeting of a forum on day d:
// its members (now and then one sends apologies, Viborg more often after
// 2018, and to every other IT chiefs' meeting (chiefs) from March 2017 to
// the adjustment) and the guests. At a meeting with a record everyone
// came.
func (s *story) attendance(members, guests []string, i int, d samspil.Date, full, chiefs bool) []samspil.Attendance {
	var out []samspil.Attendance
	excused := 0
	for j, e := range members {
		org := s.silkeborg.ID
		every := 9
		if personOf(e).org == "0791" {
			org = s.viborg.ID
			if d.After(adjustedOn) {
				every = 4
			}
		}
		status := samspil.AttendancePresent
		drifting := chiefs && org == s.viborg.ID && !d.Before(day(2017, 3, 1)) && d.Before(adjustedOn) && i%2 == 1
		if !full && ((i*7+j*5)%every == 3 || drifting) && excused < len(members)-1 {
			status = samspil.AttendanceExcused
			excused++
		}
		out = append(out, samspil.Attendance{UserID: s.users[e], OrganizationID: org, Status: status})
	}
	for _, e := range guests {
		org := s.silkeborg.ID
		if personOf(e).org == "0791" {
			org = s.viborg.ID
		}
		out = append(out, samspil.Attendance{UserID: s.users[e], OrganizationID: org, Status: samspil.AttendancePresent})
	}
	return out
}

// meetings returns a forum's meetings that start in [from, to).
func (s *story) meetings(forumID string, from, to time.Time) ([]samspil.Meeting, error) {
	var out []samspil.Meeting
	f := samspil.MeetingFilter{ForumID: forumID, From: from, To: to, ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}}
	for {
		page, err := s.store.ListMeetings(s.ctx, s.mette, f)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if f.Cursor = page.NextCursor; f.Cursor == "" {
			return out, nil
		}
	}
}

// ballot is a member's vote as the demo records it.
type ballot struct {
	who     *samspil.Actor
	org     string
	choice  samspil.VoteChoice
	comment string
}

// decide records a decision taken at meeting m: put to the members on the
// meeting's day, voted that day (a ballot without a choice is still to
// come), and closed when closeIt is set.
func (s *story) decide(m *samspil.Meeting, in samspil.DecisionInput, ballots []ballot, closeIt bool) error {
	_, err := s.decided(m, in, ballots, closeIt)
	return err
}

// decided is decide returning the decision.
func (s *story) decided(m *samspil.Meeting, in samspil.DecisionInput, ballots []ballot, closeIt bool) (*samspil.Decision, error) {
	in.MeetingID = m.ID
	d, err := s.store.CreateDecision(s.ctx, s.mette, s.collab.ID, in)
	if err != nil {
		return nil, fmt.Errorf("decision %s: %w", in.Title, err)
	}
	on := samspil.Today(m.Start)
	for _, b := range ballots {
		if b.choice == "" {
			continue
		}
		if d, err = s.store.CastVote(s.ctx, b.who, d.ID, samspil.VoteInput{OrganizationID: b.org, Choice: b.choice, Comment: b.comment,
			CastOn: on}); err != nil {
			return nil, fmt.Errorf("vote on %s: %w", in.Title, err)
		}
	}
	if closeIt {
		if d, err = s.store.CloseDecision(s.ctx, s.mette, d.ID, d.Version); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// followUp is an action item of the story: due on a day, done on a day
// (or not yet), for a municipality.
type followUp struct {
	title     string
	viborg    bool
	due, done string
}

// The IT chiefs' follow-up: done on time in the first years, late or not
// at all as the collaboration drifted in 2017 and 2018.
var followUps = []followUp{
	{"Kortlægning af systemer og kontrakter", false, "2014-03-01", "2014-02-26"},
	{"Tids- og udbudsplan for fælles ESDH", false, "2014-08-01", "2014-07-30"},
	{"Fælles vagtplan for omstillingen", true, "2015-03-01", "2015-02-24"},
	{"Driftsaftale for ESDH-platformen", false, "2015-09-01", "2015-08-28"},
	{"Fælles formularbibliotek", false, "2017-03-01", "2017-02-20"},
	{"Viborgs direktørområders krav til selvbetjening", true, "2017-06-01", "2017-09-15"},
	{"Business case for fælles IT-driftscenter", false, "2017-10-01", "2019-01-15"},
	{"Fælles informationssikkerhedspolitik: høring i direktørområderne", true, "2017-12-01", "2018-02-01"},
	{"Evaluering af de fælles projekter", true, "2018-03-01", "2018-06-01"},
	{"Gevinstopfølgning på ESDH", false, "2018-06-01", "2019-01-15"},
}

// followUps records the story's action items.
func (s *story) followUps() error {
	for _, f := range followUps {
		org := s.silkeborg.ID
		if f.viborg {
			org = s.viborg.ID
		}
		due, done := dayOfString(f.due), dayOfString(f.done)
		item, err := s.store.CreateActionItem(s.ctx, s.mette, s.collab.ID, samspil.ActionItemInput{Title: f.title, OrganizationID: org, Due: &due})
		if err != nil {
			return fmt.Errorf("action item %s: %w", f.title, err)
		}
		if _, err := s.store.UpdateActionItem(s.ctx, s.mette, item.ID, item.Version, samspil.ActionItemPatch{Status: ptr(samspil.ActionDone),
			DoneOn: &done}); err != nil {
			return fmt.Errorf("action item %s done: %w", f.title, err)
		}
	}
	return nil
}

// dayOfString reads a day the demo writes as text.
func dayOfString(s string) samspil.Date {
	d, err := samspil.ParseDate(s)
	if err != nil {
		panic("demo: " + err.Error())
	}
	return d
}
