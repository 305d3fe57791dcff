// Package demo fills a database with a small, fictional cast for trying
// samspil out: a demo administrator, the people and organisation trees of
// Silkeborg and Viborg (the two municipalities whose collaboration samspil
// grew from), a synthetic IT landscape for every municipality, and the
// Silkeborg–Viborg collaboration from 2014 to today with two more
// collaborations. The
// municipalities and vendors are real; the people, usages and contracts are
// invented.
package demo

import (
	"context"
	"fmt"

	"github.com/samspil/samspil"
)

// Login of the demo administrator, printed at start-up.
const (
	AdminEmail    = "demo@samspil.example"
	AdminPassword = "demo-adgang-til-samspil"
)

// Store is what the demo needs.
type Store interface {
	samspil.OrganizationService
	samspil.OrgUnitService
	samspil.UserService
	samspil.SystemService
	samspil.UsageService
	samspil.ContractService
	samspil.CollaborationService
	samspil.ForumService
	samspil.DecisionService
	samspil.AmbitionService
	samspil.StrategyService
	samspil.ActionItemService
	UserIDByEmail(ctx context.Context, email string) (string, error)
	ActorForUser(ctx context.Context, userID string) (*samspil.Actor, error)
}

type unit struct {
	name     string
	kind     samspil.UnitKind
	children []unit
}

type person struct {
	email, name string
	org         string
	role        samspil.Role
}

// Silkeborg has no sector directors: one director's office over the
// departments. Viborg has sector directors. The difference was one of the
// lessons of their collaboration.
var trees = map[string][]unit{
	"0740": {
		{name: "Direktionen", kind: samspil.UnitDirectorate, children: []unit{
			{name: "Digitalisering og IT", kind: samspil.UnitDepartment, children: []unit{
				{name: "IT-drift", kind: samspil.UnitOffice},
				{name: "Digital udvikling", kind: samspil.UnitOffice, children: []unit{{name: "Data og analyse", kind: samspil.UnitTeam}}},
			}},
			{name: "Økonomi og Personale", kind: samspil.UnitDepartment},
			{name: "Børn og Unge", kind: samspil.UnitDepartment},
			{name: "Social og Sundhed", kind: samspil.UnitDepartment},
		}},
	},
	"0791": {
		{name: "Direktørområde Økonomi og Personale", kind: samspil.UnitDirectorate, children: []unit{
			{name: "IT og Digitalisering", kind: samspil.UnitDepartment, children: []unit{
				{name: "IT-drift og support", kind: samspil.UnitOffice},
				{name: "Digitaliseringsenheden", kind: samspil.UnitOffice},
			}},
		}},
		{name: "Direktørområde Børn og Unge", kind: samspil.UnitDirectorate},
		{name: "Direktørområde Social og Sundhed", kind: samspil.UnitDirectorate},
		{name: "Direktørområde Teknik og Miljø", kind: samspil.UnitDirectorate},
	},
}

var people = []person{
	{"mette.lund@silkeborg.example", "Mette Lund (it-chef)", "0740", samspil.RoleAdmin},
	{"jonas.holm@silkeborg.example", "Jonas Holm (projektleder)", "0740", samspil.RoleEditor},
	{"anne.kjaer@silkeborg.example", "Anne Kjær (indkøb)", "0740", samspil.RoleViewer},
	{"peter.vinther@viborg.example", "Peter Vinther (it-chef)", "0791", samspil.RoleAdmin},
	{"sofie.bach@viborg.example", "Sofie Bach (digitaliseringskonsulent)", "0791", samspil.RoleEditor},
}

// Ensure creates the demo cast unless it exists. It reports whether it
// created it.
func Ensure(ctx context.Context, store Store) (bool, error) {
	if _, err := store.UserIDByEmail(ctx, AdminEmail); err == nil {
		return false, nil
	} else if samspil.ErrorCode(err) != samspil.ENOTFOUND {
		return false, err
	}
	sys := samspil.SystemActor("demo")
	if _, err := store.CreateUser(ctx, sys, samspil.UserInput{Email: AdminEmail, DisplayName: "Demo-administrator",
		Password: AdminPassword, OrganizationID: "0740", Role: samspil.RoleAdmin, Operator: true}); err != nil {
		if samspil.ErrorCode(err) == samspil.ECONFLICT {
			return false, nil // another instance starting at the same time made it
		}
		return false, fmt.Errorf("create demo administrator: %w", err)
	}
	for _, p := range people {
		if _, err := store.CreateUser(ctx, sys, samspil.UserInput{Email: p.email, DisplayName: p.name, Password: AdminPassword,
			OrganizationID: p.org, Role: p.role}); err != nil {
			return false, fmt.Errorf("create %s: %w", p.email, err)
		}
	}
	for code, units := range trees {
		if err := createUnits(ctx, store, sys, code, "", units); err != nil {
			return false, err
		}
	}
	if err := ensureLandscape(ctx, store); err != nil {
		return false, err
	}
	if err := ensureCollaborations(ctx, store); err != nil {
		return false, err
	}
	return true, nil
}

func createUnits(ctx context.Context, store Store, actor *samspil.Actor, org, parent string, units []unit) error {
	for _, u := range units {
		created, err := store.CreateUnit(ctx, actor, org, samspil.OrgUnitInput{ParentID: parent, Kind: u.kind, Name: u.name})
		if err != nil {
			return fmt.Errorf("create unit %s: %w", u.name, err)
		}
		if err := createUnits(ctx, store, actor, org, created.ID, u.children); err != nil {
			return err
		}
	}
	return nil
}
