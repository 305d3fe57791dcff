package httpapi_test

import (
	"context"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/testkit"
)

// TestVoteDayAPI records the votes of a past meeting with the meeting's
// day, and refuses a day in the future or before the decision was put.
func TestVoteDayAPI(t *testing.T) {
	testkit.ForEachApp(t, func(t *testing.T, app *testkit.App) {
		g := newGovernanceWorld(t, app)
		var d samspil.Decision
		g.asSAdmin.Do("POST", g.base+"/decisions", map[string]any{"title": "Justeret samarbejdsform", "decided_on": "2018-11-07"}).Want(t, 201).JSON(t, &d)
		path := "/api/v1/decisions/" + d.ID + "/votes"
		before, err := app.DB.Fingerprint(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		tomorrow := samspil.Today(samspil.Now()).AddDays(1).String()
		wantProblem(t, g.asSAdmin.Do("POST", path, map[string]any{"organization_id": "0740", "choice": "for", "cast_on": tomorrow}), 422, "body.cast_on")
		wantProblem(t, g.asSAdmin.Do("POST", path, map[string]any{"organization_id": "0740", "choice": "for", "cast_on": "2018-11-06"}), 422, "body.cast_on")
		if after, _ := app.DB.Fingerprint(context.Background()); after != before {
			t.Fatal("refused votes changed the database")
		}
		var raw struct {
			Votes []map[string]any `json:"votes"`
		}
		g.asSAdmin.Do("POST", path, map[string]any{"organization_id": "0740", "choice": "for", "cast_on": "2018-11-07"}).Want(t, 200).JSON(t, &raw)
		g.asVAd.Do("POST", path, map[string]any{"organization_id": "0791", "choice": "for"}).Want(t, 200).JSON(t, &raw)
		today := samspil.Today(samspil.Now()).String()
		if len(raw.Votes) != 2 || raw.Votes[0]["cast_on"] != "2018-11-07" || raw.Votes[1]["cast_on"] != today {
			t.Fatalf("the votes' days: %+v", raw.Votes)
		}
	})
}
