package sqldb_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// Shared helpers of the store tests.

var ctx = context.Background()

// clock is a settable clock for db.SetClock, so that tests step over
// timeouts instead of sleeping.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

// newClock installs a clock on db that starts at the current time.
func newClock(db *sqldb.DB) *clock {
	c := &clock{t: samspil.Now()}
	db.SetClock(c.now)
	return c
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// wantField fails the test unless err has the given code and names the field.
func wantField(t testing.TB, err error, code, path string) {
	t.Helper()
	testkit.ErrCode(t, err, code)
	var e *samspil.Error
	if !errors.As(err, &e) {
		t.Fatalf("want *samspil.Error, got %T (%v)", err, err)
	}
	var paths []string
	for _, f := range e.Fields {
		paths = append(paths, f.Path)
	}
	if !slices.Contains(paths, path) {
		t.Fatalf("want field %q in %s error, got fields %v (%v)", path, code, paths, err)
	}
}

// must fails the test on an error.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// newOrg registers a community organisation with the given visibility.
func newOrg(t testing.TB, db *sqldb.DB, name string, v samspil.Visibility) *samspil.Organization {
	t.Helper()
	o, err := db.CreateOrganization(ctx, testkit.System, samspil.OrganizationInput{Kind: samspil.KindCommunity, Name: name, Visibility: v})
	if err != nil {
		t.Fatalf("create organisation %s: %v", name, err)
	}
	return o
}

// addMember gives an existing user a role in another organisation and
// returns the user's refreshed actor.
func addMember(t testing.TB, db *sqldb.DB, p testkit.Person, orgCode string, role samspil.Role) *samspil.Actor {
	t.Helper()
	if _, err := db.CreateMembership(ctx, testkit.System, samspil.MembershipInput{UserID: p.User.ID, OrganizationID: orgCode, Role: role}); err != nil {
		t.Fatalf("add %s to %s as %s: %v", p.User.Email, orgCode, role, err)
	}
	return testkit.Actor(t, db, p.User.ID)
}

// allAudit returns every audit event an operator sees, newest first.
func allAudit(t testing.TB, db *sqldb.DB, f samspil.AuditFilter) []samspil.AuditEvent {
	t.Helper()
	return auditAs(t, db, testkit.System, f)
}

// auditAs returns every audit event the actor sees, newest first.
func auditAs(t testing.TB, db *sqldb.DB, actor *samspil.Actor, f samspil.AuditFilter) []samspil.AuditEvent {
	t.Helper()
	var out []samspil.AuditEvent
	f.Limit = samspil.MaxPageSize
	for {
		p, err := db.ListAuditEvents(ctx, actor, f)
		if err != nil {
			t.Fatalf("list audit events: %v", err)
		}
		out = append(out, p.Items...)
		if p.NextCursor == "" {
			return out
		}
		f.Cursor = p.NextCursor
	}
}

// auditMark returns the id of the newest audit event, to find the events
// written after it with auditSince.
func auditMark(t testing.TB, db *sqldb.DB) string {
	t.Helper()
	p, err := db.ListAuditEvents(ctx, testkit.System, samspil.AuditFilter{ListOptions: samspil.ListOptions{Limit: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) == 0 {
		return ""
	}
	return p.Items[0].ID
}

// auditSince returns the events written after mark, oldest first.
func auditSince(t testing.TB, db *sqldb.DB, mark string) []samspil.AuditEvent {
	t.Helper()
	var out []samspil.AuditEvent
	for _, e := range allAudit(t, db, samspil.AuditFilter{}) {
		if e.ID > mark {
			out = append(out, e)
		}
	}
	slices.Reverse(out)
	return out
}

// countAudit counts the events with the given action.
func countAudit(t testing.TB, db *sqldb.DB, action string) int {
	t.Helper()
	return len(allAudit(t, db, samspil.AuditFilter{Action: action}))
}

// jsonObject decodes an audit payload; nil for none.
func jsonObject(t testing.TB, raw json.RawMessage) map[string]any {
	t.Helper()
	if len(raw) == 0 || strings.TrimSpace(string(raw)) == "null" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("audit payload %s: %v", raw, err)
	}
	return m
}

func ptr[T any](v T) *T { return &v }

// wantEvent fails the test unless the one audit event written after mark
// is action, recorded under the organisation orgID about objectID, and
// returns it.
func wantEvent(t testing.TB, db *sqldb.DB, mark, action, orgID, objectID string) samspil.AuditEvent {
	t.Helper()
	e := wantAudit(t, db, mark, action)[0]
	if e.OrganizationID != orgID || e.ObjectID != objectID {
		t.Fatalf("%s recorded under organisation %q about %q, want %q about %q", action, e.OrganizationID, e.ObjectID, orgID, objectID)
	}
	return e
}
