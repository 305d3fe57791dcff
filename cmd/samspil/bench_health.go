package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth"
	"github.com/samspil/samspil/internal/server"
	"github.com/samspil/samspil/internal/sqldb"
)

// Targets from the health issue: the panel of a collaboration with 50
// members and 10 years of history in under 200 ms server time, its PDF
// report in under 3 s.
const (
	targetHealthPanel = 200 * time.Millisecond
	targetHealthPDF   = 3 * time.Second
)

// benchHealthFlags size the collaboration of `bench health`.
type benchHealthFlags struct {
	HealthMembers int `name:"health-members" default:"50" help:"Members of the collaboration of bench health."`
	HealthYears   int `name:"health-years" default:"10" help:"Years of history of the collaboration of bench health."`
}

// benchHealth records a collaboration with HealthMembers municipalities
// and HealthYears of history on each engine (three forums meeting by
// their cadence with everyone's attendance, decisions voted on, ten
// initiatives a year with the members' answers, ambitions declared every
// other year, action items), then measures, as a member's IT chief (a
// municipality's role), the health panel, its API and the PDF report of
// the last year and of the whole history.
func (c *benchCmd) benchHealth(ctx context.Context, m *Main) error {
	switch {
	case c.HealthMembers < 2 || c.HealthMembers > 98:
		return fmt.Errorf("--health-members takes 2 to 98 (the municipalities)")
	case c.HealthYears < 1 || c.HealthYears > 30:
		return fmt.Errorf("--health-years takes 1 to 30")
	case c.Runs < 1:
		return fmt.Errorf("--runs must be at least 1")
	}
	dir, cleanup, err := c.workDir()
	if err != nil {
		return err
	}
	defer cleanup()
	file, err := emptyBenchFile(dir, "health.db")
	if err != nil {
		return err
	}
	logger := slog.Default()
	defer slog.SetDefault(logger)
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))

	engines := []sizedEngine{{"sqlite", file}}
	if c.Postgres != "" {
		dsn, drop, err := scratchPostgres(ctx, c.Postgres)
		if err != nil {
			return err
		}
		defer drop()
		engines = append(engines, sizedEngine{"postgres", dsn})
	}
	fmt.Fprintf(m.Stdout, "\n%-52s %12s %12s %12s %8s\n", "measurement", "figure", "target", "unit", "ratio")
	for _, e := range engines {
		if err := c.benchHealthOn(ctx, m, e); err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
	}
	return nil
}

func (c *benchCmd) benchHealthOn(ctx context.Context, m *Main, e sizedEngine) error {
	db, err := openStore(ctx, e.dsn, auth.Limit{})
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	collab, token, err := seedHealth(ctx, db, c.HealthMembers, c.HealthYears)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%-52s %12.1f %12s %12s\n", fmt.Sprintf("recorded %d members, %d years, %s", c.HealthMembers, c.HealthYears, e.name),
		time.Since(start).Seconds(), "", "s")
	srv, err := server.New(db, server.Config{Version: Version, SecureCookies: true})
	if err != nil {
		return err
	}
	h := srv.Handler()
	base := "/collaborations/" + collab + "/health"
	from := samspil.Today(time.Now()).AddMonths(-12 * c.HealthYears).String()
	for _, p := range []struct {
		name, path string
		target     time.Duration
	}{
		{"health panel, " + e.name, base, targetHealthPanel},
		{"health API, " + e.name, "/api/v1" + base, targetHealthPanel},
		{"health report PDF, last year, " + e.name, base + "/report?format=pdf", targetHealthPDF},
		{"health report PDF, whole history, " + e.name, base + "/report?format=pdf&from=" + from, targetHealthPDF},
	} {
		median, err := medianRequest(h, p.path, token, c.Runs)
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		row(m.Stdout, p.name, float64(median.Microseconds())/1000, float64(p.target.Microseconds())/1000, "ms")
	}
	return nil
}

// seedHealth records the collaboration and returns its ID and an API
// token of the first member's IT chief.
func seedHealth(ctx context.Context, db *sqldb.DB, members, years int) (string, string, error) {
	sys := samspil.SystemActor("bench")
	page, err := db.ListOrganizations(ctx, sys, samspil.OrganizationFilter{Kind: samspil.KindMunicipality,
		ListOptions: samspil.ListOptions{Limit: members}})
	if err != nil {
		return "", "", err
	}
	if len(page.Items) < members {
		return "", "", fmt.Errorf("only %d municipalities", len(page.Items))
	}
	orgs := page.Items[:members]
	today := samspil.Today(time.Now())
	first := samspil.NewDate(today.Year-years, today.Month, 1)
	users := make([]string, members)
	for i, o := range orgs {
		u, err := db.CreateUser(ctx, sys, samspil.UserInput{Email: fmt.Sprintf("it-chef-%d@health.bench.example", i),
			DisplayName: "IT-chef for " + o.Name, OrganizationID: o.ID, Role: samspil.RoleAdmin})
		if err != nil {
			return "", "", err
		}
		head := samspil.LevelHead
		if _, err := db.UpdateMembership(ctx, sys, u.Memberships[0].ID, u.Memberships[0].Version, samspil.MembershipPatch{Level: &head}); err != nil {
			return "", "", err
		}
		users[i] = u.ID
	}
	c, err := db.CreateCollaboration(ctx, sys, samspil.CollaborationInput{Name: fmt.Sprintf("Fællesskab af %d kommuner (bench)", members),
		Kind: samspil.KindAssociation, Start: first, DecisionRule: samspil.RuleMajority, Visibility: samspil.VisibilityPrivate,
		OrganizationID: orgs[0].ID})
	if err != nil {
		return "", "", err
	}
	for _, o := range orgs[1:] {
		inv, err := db.Invite(ctx, sys, c.ID, samspil.InvitationInput{OrganizationID: o.ID, Since: first})
		if err != nil {
			return "", "", err
		}
		if _, err := db.AcceptInvitation(ctx, sys, inv.ID, samspil.Answer{On: &first}); err != nil {
			return "", "", err
		}
	}
	seats := make([]samspil.ForumMember, members)
	for i := range orgs {
		seats[i] = samspil.ForumMember{UserID: users[i], OrganizationID: orgs[i].ID}
	}
	cph := samspil.Copenhagen()
	begin := time.Date(first.Year, first.Month, 1, 0, 0, 0, 0, cph)
	forums := []samspil.ForumInput{
		{Name: "Direktørforum", Level: samspil.ForumDirectors, Cadence: "FREQ=MONTHLY;INTERVAL=3;BYDAY=1WE", FirstMeeting: begin.Add(10 * time.Hour)},
		{Name: "Styregruppe", Level: samspil.ForumSteeringGroup, Cadence: "FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU", FirstMeeting: begin.Add(13 * time.Hour)},
		{Name: "IT-chefnetværk", Level: samspil.ForumITChiefs, Cadence: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", FirstMeeting: begin.Add(9 * time.Hour)},
	}
	n := 0
	for fi, in := range forums {
		in.Members = seats
		f, err := db.CreateForum(ctx, sys, c.ID, in)
		if err != nil {
			return "", "", err
		}
		ms, err := allMeetings(ctx, db, sys, f.ID, begin, time.Now())
		if err != nil {
			return "", "", err
		}
		for mi, meeting := range ms {
			n++
			if n%9 == 0 { // now and then a meeting is cancelled
				if _, err := db.UpdateMeeting(ctx, sys, meeting.ID, meeting.Version, samspil.MeetingPatch{Status: ptr(samspil.MeetingCancelled)}); err != nil {
					return "", "", err
				}
				continue
			}
			att := make([]samspil.Attendance, members)
			for i := range orgs {
				status := samspil.AttendancePresent
				if (i+mi)%(4+i%5) == 0 {
					status = samspil.AttendanceExcused
				}
				att[i] = samspil.Attendance{UserID: users[i], OrganizationID: orgs[i].ID, Status: status}
			}
			held, err := db.SetAttendance(ctx, sys, meeting.ID, att)
			if err != nil {
				return "", "", err
			}
			if _, err := db.UpdateMeeting(ctx, sys, held.ID, held.Version, samspil.MeetingPatch{Status: ptr(samspil.MeetingHeld)}); err != nil {
				return "", "", err
			}
			if fi != 0 { // decisions at the directors' forum
				continue
			}
			day := samspil.Today(meeting.Start)
			d, err := db.CreateDecision(ctx, sys, c.ID, samspil.DecisionInput{MeetingID: meeting.ID, Title: "Beslutning " + day.String()})
			if err != nil {
				return "", "", err
			}
			for i := range orgs[:members*2/3] {
				choice := samspil.VoteFor
				if (i+mi)%7 == 0 {
					choice = samspil.VoteAgainst
				}
				if d, err = db.CastVote(ctx, sys, d.ID, samspil.VoteInput{OrganizationID: orgs[i].ID, Choice: choice, CastOn: day}); err != nil {
					return "", "", err
				}
			}
			if _, err := db.CloseDecision(ctx, sys, d.ID, d.Version); err != nil {
				return "", "", err
			}
		}
	}
	// Ten initiatives a year, each answered by ten other members.
	for y := 0; y < years; y++ {
		for k := 0; k < 10; k++ {
			on := first.AddMonths(12*y + k)
			owner := (y*10 + k) % members
			x, err := db.ProposeInitiative(ctx, sys, samspil.InitiativeInput{Title: fmt.Sprintf("Initiativ %d.%d", y+1, k+1), CollaborationID: c.ID,
				OwnerID: orgs[owner].ID, Model: samspil.ModelImplementation, ProposedOn: &on})
			if err != nil {
				return "", "", err
			}
			for j := 1; j <= min(10, members-1); j++ {
				o := orgs[(owner+j)%members]
				invited := on.AddDays(1)
				if _, err := db.SetParticipation(ctx, sys, x.ID, samspil.ParticipationInput{OrganizationID: o.ID, State: samspil.ParticipationInvited, On: &invited}); err != nil {
					return "", "", err
				}
				state, reason := []samspil.ParticipationState{samspil.ParticipationBinding, samspil.ParticipationVoluntary, samspil.ParticipationDeclined}[(j+k)%3], ""
				if state.Out() {
					reason = "Ikke relevant for os"
				}
				answered := on.AddDays(14 + j)
				if answered.After(today) {
					answered = today
				}
				if _, err := db.SetParticipation(ctx, sys, x.ID, samspil.ParticipationInput{OrganizationID: o.ID, State: state, On: &answered, Reason: reason}); err != nil {
					return "", "", err
				}
			}
		}
	}
	// Ambitions every other year; action items twenty a year.
	for y := 0; y < years; y += 2 {
		on := first.AddMonths(12*y + 1)
		for i, o := range orgs {
			var levels []samspil.AmbitionLevel
			for a, area := range samspil.AmbitionAreas {
				levels = append(levels, samspil.AmbitionLevel{Area: area, Level: (i + a + y) % 5, Explanation: "Vores ambition"})
			}
			if _, err := db.DeclareAmbitions(ctx, sys, c.ID, samspil.AmbitionInput{OrganizationID: o.ID, DeclaredOn: on, Levels: levels}); err != nil {
				return "", "", err
			}
		}
	}
	for k := 0; k < 20*years; k++ {
		due := first.AddDays(k * 18)
		if due.After(today) {
			break
		}
		if _, err := db.CreateActionItem(ctx, sys, c.ID, samspil.ActionItemInput{Title: fmt.Sprintf("Opfølgning %d", k+1),
			OrganizationID: orgs[k%members].ID, Due: &due}); err != nil {
			return "", "", err
		}
	}
	_, token, err := db.CreateToken(ctx, sys, users[0], samspil.TokenInput{Name: "bench health"})
	return c.ID, token, err
}

func ptr[T any](v T) *T { return &v }

// allMeetings returns a forum's meetings that start in [from, to).
func allMeetings(ctx context.Context, db *sqldb.DB, actor *samspil.Actor, forumID string, from, to time.Time) ([]samspil.Meeting, error) {
	var out []samspil.Meeting
	f := samspil.MeetingFilter{ForumID: forumID, From: from, To: to, ListOptions: samspil.ListOptions{Limit: samspil.MaxPageSize}}
	for {
		page, err := db.ListMeetings(ctx, actor, f)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if f.Cursor = page.NextCursor; f.Cursor == "" {
			return out, nil
		}
	}
}
