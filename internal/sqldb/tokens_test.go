package sqldb_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

func tokenNames(t *testing.T, db *sqldb.DB, actor *samspil.Actor, userID string) []string {
	t.Helper()
	p, err := db.ListTokens(ctx, actor, userID, samspil.ListOptions{})
	must(t, err)
	var out []string
	for _, tok := range p.Items {
		out = append(out, tok.Name)
	}
	slices.Sort(out)
	return out
}

func TestTokenCreateAndUse(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		anna := testkit.NewPerson(t, db, "anna@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		s := testkit.Org(t, db, testkit.Silkeborg)

		tok, secret, err := db.CreateToken(ctx, anna.Actor, "", samspil.TokenInput{Name: "  deploy  "})
		must(t, err)
		if !strings.HasPrefix(secret, sqldb.TokenPrefix) || !strings.HasPrefix(secret, "samspil_") || len(secret) < 40 {
			t.Fatalf("secret %q", secret)
		}
		if tok.Name != "deploy" || tok.UserID != anna.User.ID || !strings.HasPrefix(secret, tok.Prefix) || len(tok.Prefix) <= len("samspil_") ||
			tok.ExpiresAt != nil || tok.RevokedAt != nil || tok.LastUsedAt != nil {
			t.Fatalf("token %+v", tok)
		}
		if len(tok.Prefix) > len(secret)/2 {
			t.Fatalf("the prefix %q reveals much of the secret", tok.Prefix)
		}

		a, err := db.TokenActor(ctx, secret)
		must(t, err)
		if a.UserID != anna.User.ID || a.TokenID != tok.ID || a.Kind != samspil.ActorUser || a.RoleIn(s.ID) != samspil.RoleEditor {
			t.Fatalf("token actor %+v", a)
		}
		used, err := db.FindToken(ctx, anna.Actor, tok.ID)
		must(t, err)
		if used.LastUsedAt == nil {
			t.Errorf("last use not recorded")
		}

		for _, bad := range []string{"", "samspil_", secret + "x", strings.TrimPrefix(secret, "samspil_"), tok.Prefix} {
			_, err := db.TokenActor(ctx, bad)
			if samspil.ErrorCode(err) != samspil.EUNAUTHORIZED {
				t.Errorf("TokenActor(%q): want unauthorized, got %v", bad, err)
			}
		}

		// Two tokens never share a secret.
		_, secret2, err := db.CreateToken(ctx, anna.Actor, anna.User.ID, samspil.TokenInput{Name: "deploy"})
		must(t, err)
		if secret2 == secret {
			t.Fatal("two tokens share a secret")
		}

		for _, c := range []struct {
			name  string
			in    samspil.TokenInput
			field string
		}{
			{"no name", samspil.TokenInput{Name: " "}, "name"},
			{"long name", samspil.TokenInput{Name: strings.Repeat("n", 101)}, "name"},
			{"expired already", samspil.TokenInput{Name: "old", ExpiresAt: ptr(time.Now().Add(-time.Minute))}, "expires_at"},
		} {
			_, _, err := db.CreateToken(ctx, anna.Actor, "", c.in)
			if samspil.ErrorCode(err) != samspil.EINVALID {
				t.Errorf("%s: want invalid, got %v", c.name, err)
			} else {
				wantField(t, err, samspil.EINVALID, c.field)
			}
		}

		// Users make tokens for themselves only.
		bo := testkit.NewPerson(t, db, "bo@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)
		_, _, err = db.CreateToken(ctx, bo.Actor, anna.User.ID, samspil.TokenInput{Name: "sneaky"})
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		_, _, err = db.CreateToken(ctx, samspil.Anonymous(), anna.User.ID, samspil.TokenInput{Name: "sneaky"})
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		// The command line makes them for anyone.
		_, cliSecret, err := db.CreateToken(ctx, testkit.System, bo.User.ID, samspil.TokenInput{Name: "cli"})
		must(t, err)
		if a, err := db.TokenActor(ctx, cliSecret); err != nil || a.UserID != bo.User.ID {
			t.Fatalf("token made by the command line: %v %+v", err, a)
		}
		if got := tokenNames(t, db, anna.Actor, ""); !slices.Equal(got, []string{"deploy", "deploy"}) {
			t.Errorf("Anna's tokens: %q", got)
		}
	})
}

func TestTokenList(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		anna := testkit.NewPerson(t, db, "anna@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)
		bo := testkit.NewPerson(t, db, "bo@silkeborg.dk", testkit.Silkeborg, samspil.RoleViewer)
		opUser, err := db.CreateUser(ctx, testkit.System, samspil.UserInput{Email: "drift@samspil.dk", DisplayName: "Drift", Operator: true})
		must(t, err)
		op := testkit.Actor(t, db, opUser.ID)
		for _, c := range []struct {
			who  testkit.Person
			name string
		}{{anna, "a1"}, {anna, "a2"}, {bo, "b1"}} {
			_, _, err := db.CreateToken(ctx, c.who.Actor, "", samspil.TokenInput{Name: c.name})
			must(t, err)
		}
		boTokens, err := db.ListTokens(ctx, bo.Actor, "", samspil.ListOptions{})
		must(t, err)
		boToken := boTokens.Items[0]

		for _, c := range []struct {
			who   string
			actor *samspil.Actor
			user  string
			want  []string
		}{
			{"Anna, own", anna.Actor, "", []string{"a1", "a2"}},
			{"Anna, own by id", anna.Actor, anna.User.ID, []string{"a1", "a2"}},
			{"Anna, Bo's (even as Bo's administrator)", anna.Actor, bo.User.ID, nil},
			{"Bo, own", bo.Actor, "", []string{"b1"}},
			{"operator user, Anna's", op, anna.User.ID, []string{"a1", "a2"}},
			{"system, Bo's", testkit.System, bo.User.ID, []string{"b1"}},
			{"anonymous, Anna's", samspil.Anonymous(), anna.User.ID, nil},
		} {
			t.Run(c.who, func(t *testing.T) {
				if got := tokenNames(t, db, c.actor, c.user); !slices.Equal(got, c.want) {
					t.Errorf("sees %q, want %q", got, c.want)
				}
			})
		}

		// Paging visits each token once, newest first.
		p1, err := db.ListTokens(ctx, anna.Actor, "", samspil.ListOptions{Limit: 1})
		must(t, err)
		p2, err := db.ListTokens(ctx, anna.Actor, "", samspil.ListOptions{Limit: 1, Cursor: p1.NextCursor})
		must(t, err)
		if len(p1.Items) != 1 || len(p2.Items) != 1 || p1.Items[0].Name != "a2" || p2.Items[0].Name != "a1" || p2.NextCursor != "" {
			t.Errorf("pages %+v / %+v", p1, p2)
		}

		_, err = db.FindToken(ctx, anna.Actor, boToken.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		if _, err := db.FindToken(ctx, op, boToken.ID); err != nil {
			t.Errorf("operator finds a token: %v", err)
		}
	})
}

func TestTokenRevoke(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		anna := testkit.NewPerson(t, db, "anna@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		bo := testkit.NewPerson(t, db, "bo@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)
		tok, secret, err := db.CreateToken(ctx, anna.Actor, "", samspil.TokenInput{Name: "ci"})
		must(t, err)
		other, otherSecret, err := db.CreateToken(ctx, anna.Actor, "", samspil.TokenInput{Name: "other"})
		must(t, err)

		// Someone else's token cannot be revoked, not even by an administrator.
		err = db.RevokeToken(ctx, bo.Actor, tok.ID)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
		if _, err := db.TokenActor(ctx, secret); err != nil {
			t.Fatalf("refused revoke stopped the token: %v", err)
		}

		must(t, db.RevokeToken(ctx, anna.Actor, tok.ID))
		_, err = db.TokenActor(ctx, secret)
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
		got, err := db.FindToken(ctx, anna.Actor, tok.ID)
		must(t, err)
		if got.RevokedAt == nil {
			t.Errorf("revoked_at not set: %+v", got)
		}
		// Revoking again is harmless; the other token keeps working.
		must(t, db.RevokeToken(ctx, anna.Actor, tok.ID))
		if _, err := db.TokenActor(ctx, otherSecret); err != nil {
			t.Errorf("the other token stopped working: %v", err)
		}
		// Operators revoke anyone's token.
		must(t, db.RevokeToken(ctx, testkit.System, other.ID))
		_, err = db.TokenActor(ctx, otherSecret)
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
	})
}

func TestTokenExpiry(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		clk := newClock(db)
		anna := testkit.NewPerson(t, db, "anna@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor)
		expires := clk.now().Add(24 * time.Hour)
		tok, secret, err := db.CreateToken(ctx, anna.Actor, "", samspil.TokenInput{Name: "short", ExpiresAt: &expires})
		must(t, err)
		if tok.ExpiresAt == nil || !tok.ExpiresAt.Equal(expires) {
			t.Fatalf("expires_at %v, want %v", tok.ExpiresAt, expires)
		}
		_, forever, err := db.CreateToken(ctx, anna.Actor, "", samspil.TokenInput{Name: "forever"})
		must(t, err)

		clk.advance(24*time.Hour - time.Second)
		if _, err := db.TokenActor(ctx, secret); err != nil {
			t.Fatalf("a second before expiry: %v", err)
		}
		clk.advance(time.Second)
		_, err = db.TokenActor(ctx, secret)
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
		clk.advance(365 * 24 * time.Hour)
		_, err = db.TokenActor(ctx, secret)
		testkit.ErrCode(t, err, samspil.EUNAUTHORIZED)
		if _, err := db.TokenActor(ctx, forever); err != nil {
			t.Errorf("a token without expiry stopped working: %v", err)
		}
	})
}
