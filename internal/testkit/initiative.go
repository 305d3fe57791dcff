package testkit

import (
	"context"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
)

// ExampleInitiative records, as the system, Silkeborg's public initiative
// with every part of its page filled, for the tests that visit every page:
// a gate passed, Viborg bound with pledged hours, Aarhus voluntary, Skive
// pledged, Odense invited and Randers declined; the need confirmed by two,
// some criteria answered; a budget; cost settings under which the fixed
// percentages cannot split (only Viborg's are given); planned benefits of
// every kind, one with a realised value; and a lesson. It returns the
// initiative's ID.
func ExampleInitiative(t testing.TB, db *sqldb.DB) string {
	t.Helper()
	ctx := context.Background()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("example initiative: %s: %v", what, err)
		}
	}
	viborg := Org(t, db, Viborg)
	kr := func(n int64) samspil.DKK { return samspil.DKK(n * 100) }
	x, err := db.ProposeInitiative(ctx, System, samspil.InitiativeInput{Title: "Fælles mødebooking (eksempel)", OwnerID: Silkeborg,
		Description: "Et **fælles** bookingsystem til mødelokaler og udstyr, udviklet som open source.", Model: samspil.ModelOpenSourceProduct,
		Visibility: samspil.VisibilityPublic, ExpectedBenefits: "Færre dobbeltbookinger og mindre tid brugt på at finde lokaler.",
		ContactName: "Test Kontakt", ContactEmail: "kontakt@silkeborg.example",
		Cost: &samspil.CostSettings{Key: samspil.CostPerCapita, Staircase: []samspil.StairStep{{From: 1, Price: kr(400000)}, {From: 3, Price: kr(300000)}},
			FixedShares: []samspil.FixedShare{{OrganizationID: viborg.ID, BasisPoints: 5000}}}})
	must("propose", err)
	today := samspil.Today(samspil.Now())
	for _, p := range []samspil.ParticipationInput{
		{OrganizationID: Viborg, State: samspil.ParticipationInvited},
		{OrganizationID: Viborg, State: samspil.ParticipationBinding, Resources: &[]samspil.ResourcePledge{{Competence: "Projektleder", HoursPerMonth: 20},
			{Competence: "Udvikler", HoursPerMonth: 40}}},
		{OrganizationID: Aarhus, State: samspil.ParticipationVoluntary, Reason: "Hvor det giver mening for os"},
		{OrganizationID: "0779", State: samspil.ParticipationPledged},
		{OrganizationID: "0461", State: samspil.ParticipationInvited},
		{OrganizationID: "0730", State: samspil.ParticipationInvited},
		{OrganizationID: "0730", State: samspil.ParticipationDeclined, Reason: "Vi har netop købt et andet system"},
	} {
		_, err := db.SetParticipation(ctx, System, x.ID, p)
		must("participation of "+p.OrganizationID, err)
	}
	for _, org := range []string{Silkeborg, Viborg} {
		_, err := db.ConfirmNeed(ctx, System, x.ID, samspil.NeedConfirmationInput{OrganizationID: org, Evidence: "Mange dobbeltbookinger hver uge"})
		must("need of "+org, err)
	}
	x, err = db.FindInitiative(ctx, System, x.ID)
	must("find", err)
	x, err = db.PassGate(ctx, System, x.ID, x.Version, samspil.GateInput{To: samspil.PhaseQualification, On: today,
		ApprovedBy: "Direktionen i Silkeborg Kommune"})
	must("gate", err)
	_, err = db.AnswerCriteria(ctx, System, x.ID, x.Version, samspil.CriteriaInput{Answers: []samspil.CriterionAnswer{
		{Criterion: samspil.CriterionOwnerNamed, Met: true, Evidence: "Silkeborg Kommune ejer løsningen"},
		{Criterion: samspil.CriterionDevelopmentFunded, Met: true, Evidence: "Budgetlinjen for udvikling"},
		{Criterion: samspil.CriterionCompetencesStaffed, Evidence: "Der mangler en udvikler"},
	}})
	must("criteria", err)
	for _, l := range []samspil.BudgetLineInput{
		{Kind: samspil.BudgetDevelopment, Title: "Udvikling af bookingsystemet", Amount: kr(1200000), Year: 2027},
		{Kind: samspil.BudgetOperation, Title: "Drift og vedligeholdelse", Amount: kr(250000), Year: 2028, Description: "Hosting og support"},
	} {
		_, err := db.AddBudgetLine(ctx, System, x.ID, l)
		must("budget", err)
	}
	money, err := db.PlanBenefit(ctx, System, x.ID, samspil.BenefitInput{OrganizationID: Viborg, Kind: samspil.BenefitMoney,
		Title: "Sparede licenser", Planned: kr(300000), OwnerName: "Test Økonomi", Plan: "Opsig de gamle licenser"})
	must("benefit", err)
	_, err = db.RecordRealisation(ctx, System, money.ID, samspil.RealisationInput{On: today, Value: kr(120000), Note: "Første år"})
	must("realisation", err)
	for _, b := range []samspil.BenefitInput{
		{OrganizationID: Aarhus, Kind: samspil.BenefitHours, Title: "Mindre tid til at finde lokaler", Planned: kr(800), OwnerName: "Test Service"},
		{OrganizationID: "0779", Kind: samspil.BenefitQuality, Title: "Tilfredse mødeholdere", Measure: "Tilfredshed 1–5", Planned: kr(4),
			OwnerName: "Test Kvalitet"},
	} {
		_, err := db.PlanBenefit(ctx, System, x.ID, b)
		must("benefit", err)
	}
	_, err = db.RecordLesson(ctx, System, samspil.LessonInput{InitiativeID: x.ID, OrganizationID: Viborg, Title: "Aftal driften før udviklingen",
		WhatWorked: "Fælles kravspecifikation", WhatDidNot: "Driften blev aftalt for sent", Tags: []string{"drift", "ejerskab"}})
	must("lesson", err)
	return x.ID
}
