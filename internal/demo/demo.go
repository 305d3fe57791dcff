// Package demo fills a database with a small, fictional cast for trying
// samspil out: the people and organisation trees of Silkeborg and Viborg
// (the two municipalities whose collaboration samspil grew from), a
// platform operator, a synthetic IT landscape for every municipality, and
// the Silkeborg–Viborg collaboration from 2014 to today with three more
// collaborations. The municipalities and vendors are real; the people,
// usages, contracts, texts and decisions are invented.
//
// The history keeps its own dates; what is current (the latest meetings,
// open votes, action items, contract deadlines, an invitation) is placed
// around the day the demo is made, so that it looks right whenever it is
// run.
package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/samspil/samspil"
)

// Password is the password of every demo login.
const Password = "demo-adgang-til-samspil"

// The demo logins, printed at start-up. Start as Silkeborg's IT chief.
const (
	SilkeborgChiefEmail = "mette.lund@silkeborg.example" // administrator of Silkeborg: votes and approves for Silkeborg only
	ViborgChiefEmail    = "peter.vinther@viborg.example" // administrator of Viborg: votes and approves for Viborg only
	ViewerEmail         = "anne.kjaer@silkeborg.example" // viewer of Silkeborg: reads, changes nothing
	OperatorEmail       = "demo@samspil.example"         // platform operator: runs the installation, acts for no municipality
)

// Login is a demo login as the start-up text shows it.
type Login struct {
	Email string
	Name  string
	About string // who they are and what they may do, in English like the rest of the command line
}

// Logins are the demo logins, the one to start with first.
var Logins = []Login{
	{SilkeborgChiefEmail, "Mette Lund", "IT chief of Silkeborg; votes and approves for Silkeborg (start here)"},
	{ViborgChiefEmail, "Peter Vinther", "IT chief of Viborg; votes and approves for Viborg"},
	{ViewerEmail, "Anne Kjær", "procurement, Silkeborg; reads only"},
	{OperatorEmail, "Ole Kragh", "platform operator; runs the installation, acts for no municipality"},
}

// LoginText is what the command line prints about the demo logins.
func LoginText() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Demo logins, all with the password %s:\n", Password)
	for _, l := range Logins {
		fmt.Fprintf(&b, "  %-30s %s, %s\n", l.Email, l.Name, l.About)
	}
	fmt.Fprintf(&b, "Single sign-on: Silkeborg signs in through the development identity provider at %s;\n"+
		"start it with `go run ./cmd/samspil-devidp` and choose \"Log ind med Silkeborg (udviklings-IdP)\".\n", DevIdPIssuer)
	return b.String()
}

// Store is what the demo needs.
type Store interface {
	samspil.OrganizationService
	samspil.OrgUnitService
	samspil.UserService
	samspil.MembershipService
	samspil.SystemService
	samspil.UsageService
	samspil.RelationService
	samspil.ContractService
	samspil.DataProcessingService
	samspil.CollaborationService
	samspil.ForumService
	samspil.DecisionService
	samspil.AmbitionService
	samspil.StrategyService
	samspil.ActionItemService
	samspil.InitiativeService
	samspil.RoleService
	samspil.DataClassificationService
	samspil.SSOService
	UserIDByEmail(ctx context.Context, email string) (string, error)
	ActorForUser(ctx context.Context, userID string) (*samspil.Actor, error)
}

type unit struct {
	name     string
	kind     samspil.UnitKind
	it       bool // the IT function sits here
	children []unit
}

type person struct {
	email, name string
	org         string
	role        samspil.Role
	login       bool // has the demo password; the others are people in the record only
	position    string
	level       samspil.ManagementLevel
}

// Silkeborg has no sector directors: one director's office over the
// departments. Viborg has sector directors. The difference was one of the
// lessons of their collaboration.
var trees = map[string][]unit{
	"0740": {
		{name: "Direktionen", kind: samspil.UnitDirectorate, children: []unit{
			{name: "Digitalisering og IT", kind: samspil.UnitDepartment, it: true, children: []unit{
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
			{name: "IT og Digitalisering", kind: samspil.UnitDepartment, it: true, children: []unit{
				{name: "IT-drift og support", kind: samspil.UnitOffice},
				{name: "Digitaliseringsenheden", kind: samspil.UnitOffice},
			}},
		}},
		{name: "Direktørområde Børn og Unge", kind: samspil.UnitDirectorate},
		{name: "Direktørområde Social og Sundhed", kind: samspil.UnitDirectorate},
		{name: "Direktørområde Teknik og Miljø", kind: samspil.UnitDirectorate},
	},
}

// The cast. The directors sit in the director forums of 2014–2018; the
// IT chiefs keep the record; Aarhus's IT director invites Silkeborg and
// Viborg to a joint operations unit.
const (
	jonasEmail  = "jonas.holm@silkeborg.example"
	larsEmail   = "lars.dahl@silkeborg.example"
	karenEmail  = "karen.bundgaard@silkeborg.example"
	sofieEmail  = "sofie.bach@viborg.example"
	hanneEmail  = "hanne.skov@viborg.example"
	torbenEmail = "torben.riis@viborg.example"
	rikkeEmail  = "rikke.moerch@aarhus.example"
)

var people = []person{
	{SilkeborgChiefEmail, "Mette Lund (it-chef)", "0740", samspil.RoleAdmin, true, "IT-chef", samspil.LevelHead},
	{jonasEmail, "Jonas Holm (projektleder)", "0740", samspil.RoleEditor, true, "Projektleder", samspil.LevelStaff},
	{ViewerEmail, "Anne Kjær (indkøbskonsulent)", "0740", samspil.RoleViewer, true, "Indkøbskonsulent", samspil.LevelStaff},
	{larsEmail, "Lars Dahl (kommunaldirektør)", "0740", samspil.RoleViewer, false, "Kommunaldirektør", samspil.LevelDirector},
	{karenEmail, "Karen Bundgaard (chef for Økonomi og Personale)", "0740", samspil.RoleViewer, false, "Chef for Økonomi og Personale", samspil.LevelHead},
	{ViborgChiefEmail, "Peter Vinther (it-chef)", "0791", samspil.RoleAdmin, true, "IT-chef", samspil.LevelHead},
	{sofieEmail, "Sofie Bach (digitaliseringskonsulent)", "0791", samspil.RoleEditor, true, "Digitaliseringskonsulent", samspil.LevelStaff},
	{hanneEmail, "Hanne Skov (kommunaldirektør)", "0791", samspil.RoleViewer, false, "Kommunaldirektør", samspil.LevelDirector},
	{torbenEmail, "Torben Riis (direktør for Økonomi og Personale)", "0791", samspil.RoleViewer, false, "Direktør for Økonomi og Personale", samspil.LevelDirector},
	{rikkeEmail, "Rikke Mørch (it-direktør)", "0751", samspil.RoleAdmin, false, "IT-direktør", samspil.LevelDirector},
}

// Ensure creates the demo unless it exists, with today's date as the
// present. It reports whether it created it.
func Ensure(ctx context.Context, store Store) (bool, error) {
	return EnsureAt(ctx, store, samspil.Now())
}

// EnsureAt is Ensure with now as the present; now must be what the store's
// clock says (tests set both).
func EnsureAt(ctx context.Context, store Store, now time.Time) (bool, error) {
	if _, err := store.UserIDByEmail(ctx, OperatorEmail); err == nil {
		return false, nil
	} else if samspil.ErrorCode(err) != samspil.ENOTFOUND {
		return false, err
	}
	sys := samspil.SystemActor("demo")
	if _, err := store.CreateUser(ctx, sys, samspil.UserInput{Email: OperatorEmail, DisplayName: "Ole Kragh (platformoperatør)",
		Password: Password, Operator: true}); err != nil {
		if samspil.ErrorCode(err) == samspil.ECONFLICT {
			return false, nil // another instance starting at the same time made it
		}
		return false, fmt.Errorf("create the demo operator: %w", err)
	}
	for _, p := range people {
		in := samspil.UserInput{Email: p.email, DisplayName: p.name, OrganizationID: p.org, Role: p.role}
		if p.login {
			in.Password = Password
		}
		u, err := store.CreateUser(ctx, sys, in)
		if err != nil {
			return false, fmt.Errorf("create %s: %w", p.email, err)
		}
		if len(u.Memberships) != 1 {
			return false, fmt.Errorf("%s has %d memberships", p.email, len(u.Memberships))
		}
		if _, err := store.UpdateMembership(ctx, sys, u.Memberships[0].ID, u.Memberships[0].Version,
			samspil.MembershipPatch{Position: &p.position, Level: &p.level}); err != nil {
			return false, fmt.Errorf("the title of %s: %w", p.email, err)
		}
	}
	for code, units := range trees {
		if err := createUnits(ctx, store, sys, code, "", units); err != nil {
			return false, err
		}
	}
	today := samspil.Today(now)
	if err := ensureLandscape(ctx, store, today); err != nil {
		return false, err
	}
	if err := ensureClassifications(ctx, store); err != nil {
		return false, err
	}
	if err := ensureRoles(ctx, store); err != nil {
		return false, err
	}
	if err := ensureCollaborations(ctx, store, now); err != nil {
		return false, err
	}
	if err := ensureSSO(ctx, store); err != nil {
		return false, err
	}
	return true, nil
}

func createUnits(ctx context.Context, store Store, actor *samspil.Actor, org, parent string, units []unit) error {
	for _, u := range units {
		created, err := store.CreateUnit(ctx, actor, org, samspil.OrgUnitInput{ParentID: parent, Kind: u.kind, Name: u.name, IT: u.it})
		if err != nil {
			return fmt.Errorf("create unit %s: %w", u.name, err)
		}
		if err := createUnits(ctx, store, actor, org, created.ID, u.children); err != nil {
			return err
		}
	}
	return nil
}
