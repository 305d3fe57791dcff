package testkit

import (
	"context"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
)

// Municipality codes used throughout the tests.
const (
	Silkeborg = "0740"
	Viborg    = "0791"
	Aarhus    = "0751"
)

// Password is the password every fixture user gets.
const Password = "korrekt hest batteri hæfteklamme"

// Person is a fixture user and the actor that acts as them.
type Person struct {
	User  *samspil.User
	Actor *samspil.Actor
}

// NewPerson creates a user with a role in the organisation with the given
// municipality code (or ID) and returns them with their actor.
func NewPerson(t testing.TB, db *sqldb.DB, email, orgCode string, role samspil.Role) Person {
	t.Helper()
	ctx := context.Background()
	u, err := db.CreateUser(ctx, System, samspil.UserInput{Email: email, DisplayName: nameOf(email), Password: Password,
		OrganizationID: orgCode, Role: role})
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return Person{User: u, Actor: Actor(t, db, u.ID)}
}

// Actor reloads the actor of a user, as a new request would.
func Actor(t testing.TB, db *sqldb.DB, userID string) *samspil.Actor {
	t.Helper()
	a, err := db.ActorForUser(context.Background(), userID)
	if err != nil {
		t.Fatalf("actor of %s: %v", userID, err)
	}
	return a
}

// Org returns an organisation by municipality code or ID.
func Org(t testing.TB, db *sqldb.DB, codeOrID string) *samspil.Organization {
	t.Helper()
	o, err := db.FindOrganization(context.Background(), System, codeOrID)
	if err != nil {
		t.Fatalf("organisation %s: %v", codeOrID, err)
	}
	return o
}

func nameOf(email string) string {
	for i, c := range email {
		if c == '@' {
			return "Test " + email[:i]
		}
	}
	return email
}

// ErrCode fails the test unless err has the given samspil error code.
func ErrCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := samspil.ErrorCode(err); got != code {
		t.Fatalf("want error %q, got %q (%v)", code, got, err)
	}
}

// Partnership founds the private Silkeborg–Viborg partnership of 2014 as
// founder (a person of Silkeborg) and makes Viborg a member since its
// start: the collaboration most tests of governance start from.
func Partnership(t testing.TB, db *sqldb.DB, founder *samspil.Actor) *samspil.Collaboration {
	t.Helper()
	start := samspil.NewDate(2014, 1, 1)
	c, err := db.CreateCollaboration(context.Background(), founder, samspil.CollaborationInput{Name: "Silkeborg–Viborg IT-samarbejde",
		Kind: samspil.KindPartnership, Start: start, Visibility: samspil.VisibilityPrivate, OrganizationID: Silkeborg})
	if err != nil {
		t.Fatalf("found the partnership: %v", err)
	}
	Join(t, db, c.ID, samspil.InvitationInput{OrganizationID: Viborg, Since: start})
	return c
}

// Join makes an organisation a member of a collaboration as tests set it
// up: the system invites it and records its acceptance (given on the first
// day of membership), and the membership is returned.
func Join(t testing.TB, db *sqldb.DB, collabID string, in samspil.InvitationInput) *samspil.Member {
	t.Helper()
	ctx := context.Background()
	inv, err := db.Invite(ctx, System, collabID, in)
	if err != nil {
		t.Fatalf("invite %s: %v", in.OrganizationID, err)
	}
	on := inv.Since
	if today := samspil.Today(samspil.Now()); on.After(today) {
		on = today
	}
	accepted, err := db.AcceptInvitation(ctx, System, inv.ID, samspil.Answer{On: &on})
	if err != nil {
		t.Fatalf("accept the invitation of %s: %v", in.OrganizationID, err)
	}
	c, err := db.FindCollaboration(ctx, System, collabID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range c.Members {
		if c.Members[i].ID == accepted.MemberID {
			return &c.Members[i]
		}
	}
	t.Fatalf("no membership made for %s", in.OrganizationID)
	return nil
}

// Adjust proposes an adjustment as the system and approves it for every
// member it concerns on its effective date (or today, when that is later),
// and returns it as it then is.
func Adjust(t testing.TB, db *sqldb.DB, collabID string, in samspil.AdjustmentInput) *samspil.Adjustment {
	t.Helper()
	ctx := context.Background()
	a, err := db.ProposeAdjustment(ctx, System, collabID, in)
	if err != nil {
		t.Fatalf("propose adjustment: %v", err)
	}
	on := a.EffectiveOn
	if today := samspil.Today(samspil.Now()); on.After(today) {
		on = today
	}
	for _, ap := range a.Approvals {
		if a, err = db.ApproveAdjustment(ctx, System, a.ID, samspil.ApprovalInput{OrganizationID: ap.OrganizationID,
			Answer: samspil.Answer{On: &on}}); err != nil {
			t.Fatalf("approve adjustment for %s: %v", ap.OrganizationName, err)
		}
	}
	return a
}
