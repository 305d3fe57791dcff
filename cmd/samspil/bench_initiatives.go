package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/demo"
	"github.com/samspil/samspil/internal/sqldb"
)

// The initiatives issue sets no targets of its own; its pages are held to
// the page target of the landscape issue (targetPage) at demo scale, and
// the sized run shows how they hold at a hundred times the demo's
// initiatives.

// benchInitiatives measures the portfolio pages, the page of the demo's
// initiative with most participations and the API at demo scale, as the
// demo's Silkeborg IT chief (a municipality's role, so every visibility
// filter runs).
func (c *benchCmd) benchInitiatives(ctx context.Context, m *Main, db *sqldb.DB, h http.Handler, engine string) error {
	actor := samspil.SystemActor("bench")
	chief, err := db.UserIDByEmail(ctx, demo.SilkeborgChiefEmail)
	if err != nil {
		return fmt.Errorf("demo IT chief of Silkeborg: %w", err)
	}
	_, secret, err := db.CreateToken(ctx, actor, chief, samspil.TokenInput{Name: "bench initiatives"})
	if err != nil {
		return err
	}
	biggest, collab, err := biggestInitiative(ctx, db)
	if err != nil {
		return err
	}
	pages := []struct{ name, path string }{
		{"initiatives board, " + engine, "/initiatives"},
		{"initiatives timeline, " + engine, "/initiatives?view=timeline"},
		{"Vores initiativer, " + engine, "/initiatives/mine"},
		{"initiative page with calculator, " + engine, "/initiatives/" + biggest},
		{"lessons log, " + engine, "/lessons"},
		{"initiatives API, " + engine, "/api/v1/initiatives?limit=100"},
		{"cost-shares API, " + engine, "/api/v1/initiatives/" + biggest + "/cost-shares"},
	}
	if collab != "" {
		pages = append(pages, struct{ name, path string }{"prioritisation page, " + engine, "/collaborations/" + collab + "/prioritisation"})
	}
	for _, p := range pages {
		median, err := medianRequest(h, p.path, secret, c.Runs)
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		row(m.Stdout, p.name, float64(median.Microseconds())/1000, float64(targetPage.Microseconds())/1000, "ms")
	}
	return nil
}

// biggestInitiative returns the initiative with most participations and
// the first collaboration that has initiatives ("" when none has).
func biggestInitiative(ctx context.Context, db *sqldb.DB) (id, collab string, err error) {
	most := -1
	cursor := ""
	for {
		page, err := db.ListInitiatives(ctx, samspil.SystemActor("bench"), samspil.InitiativeFilter{ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
		if err != nil {
			return "", "", err
		}
		for _, x := range page.Items {
			if len(x.Participations) > most {
				id, most = x.ID, len(x.Participations)
			}
			if collab == "" && x.CollaborationID != "" {
				collab = x.CollaborationID
			}
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if id == "" {
		return "", "", fmt.Errorf("the demo has no initiatives")
	}
	return id, collab, nil
}

// seedInitiatives records n initiatives through the store, as
// municipalities would: owned by the generated organisations in turn, open
// to every organisation, each with a budget and four participations of
// other organisations in different states, every tenth with the bench
// municipality (orgID) taking part, every fifth the bench municipality's
// own in its collaboration, scored for its prioritisation, and every
// second with a lesson; plus one OS2-style product owned by the bench
// municipality with pledges from up to 200 organisations. It returns the
// product's ID and the collaboration's.
func seedInitiatives(ctx context.Context, db *sqldb.DB, n int, orgID string) (product, collabID string, err error) {
	sys := samspil.SystemActor("bench")
	var orgs []string
	cursor := ""
	for {
		page, err := db.ListOrganizations(ctx, sys, samspil.OrganizationFilter{Kind: samspil.KindMunicipality,
			ListOptions: samspil.ListOptions{Cursor: cursor, Limit: samspil.MaxPageSize}})
		if err != nil {
			return "", "", err
		}
		for _, o := range page.Items {
			if o.ID != orgID {
				orgs = append(orgs, o.ID)
			}
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if len(orgs) < 5 {
		return "", "", fmt.Errorf("too few municipalities (%d) to seed initiatives", len(orgs))
	}
	states := []samspil.ParticipationState{samspil.ParticipationBinding, samspil.ParticipationVoluntary, samspil.ParticipationPledged,
		samspil.ParticipationInterested}
	models := samspil.InitiativeModels
	join := func(id, org string, state samspil.ParticipationState) error {
		_, err := db.SetParticipation(ctx, sys, id, samspil.ParticipationInput{OrganizationID: org, State: state})
		return err
	}
	// The bench municipality's collaboration: every fifth initiative is
	// its own in it, scored, so that its portfolio ranks n/5.
	collab, err := db.CreateCollaboration(ctx, sys, samspil.CollaborationInput{Name: "Målesamarbejde", Kind: samspil.KindNetwork,
		Start: samspil.NewDate(2020, 1, 1), OrganizationID: orgID})
	if err != nil {
		return "", "", err
	}
	for i := range n {
		in := samspil.InitiativeInput{Title: "Målefællesskab " + strconv.Itoa(i+1), OwnerID: orgs[i%len(orgs)], Model: models[i%len(models)],
			Cost: &samspil.CostSettings{Key: samspil.CostKeys[i%3]}}
		if i%5 == 0 {
			in.OwnerID, in.CollaborationID = orgID, collab.ID
		}
		x, err := db.ProposeInitiative(ctx, sys, in)
		if err != nil {
			return "", "", err
		}
		if in.CollaborationID != "" {
			score := samspil.PriorityScore{Benefit: 1 + i%5, Urgency: 1 + i/5%5, Feasibility: 1 + i/25%5, Cost: 1 + i/125%5}
			if _, err := db.ScoreInitiative(ctx, sys, x.ID, score); err != nil {
				return "", "", err
			}
		}
		if i%2 == 0 {
			if _, err := db.RecordLesson(ctx, sys, samspil.LessonInput{InitiativeID: x.ID, OrganizationID: in.OwnerID,
				Title: "Erfaring " + strconv.Itoa(i+1), WhatWorked: "Fælles kravspecifikation", Tags: []string{"udbud", "måling"}}); err != nil {
				return "", "", err
			}
		}
		for _, l := range []samspil.BudgetLineInput{{Kind: samspil.BudgetDevelopment, Title: "Udvikling", Amount: samspil.DKK(100000_00 + i)},
			{Kind: samspil.BudgetOperation, Title: "Drift", Amount: 25000_00}} {
			if _, err := db.AddBudgetLine(ctx, sys, x.ID, l); err != nil {
				return "", "", err
			}
		}
		for k := 1; k <= 4; k++ {
			if err := join(x.ID, orgs[(i*7+k)%len(orgs)], states[(i+k)%len(states)]); err != nil {
				return "", "", err
			}
		}
		if i%10 == 0 {
			if err := join(x.ID, orgID, states[i%len(states)]); err != nil {
				return "", "", err
			}
		}
	}
	prod, err := db.ProposeInitiative(ctx, sys, samspil.InitiativeInput{Title: "Åbent målefællesskab", OwnerID: orgID,
		Model: samspil.ModelOpenSourceProduct, Cost: &samspil.CostSettings{Key: samspil.CostSizeClasses}})
	if err != nil {
		return "", "", err
	}
	if _, err := db.AddBudgetLine(ctx, sys, prod.ID, samspil.BudgetLineInput{Kind: samspil.BudgetOperation, Title: "Drift", Amount: 1000000_00}); err != nil {
		return "", "", err
	}
	for i := 0; i < len(orgs) && i < 200; i++ {
		if err := join(prod.ID, orgs[i], samspil.ParticipationPledged); err != nil {
			return "", "", err
		}
	}
	return prod.ID, collab.ID, nil
}
