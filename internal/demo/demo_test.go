package demo_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/demo"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestDemoStory checks that the demo tells the Silkeborg–Viborg story: both
// working forms, the director forums that stopped in 2018, the IT chiefs
// still meeting every 14 days, the joint strategy kept by Silkeborg after
// Viborg adopted its own, ambitions drifting apart, and a vote waiting.
func TestDemoStory(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		created, err := demo.Ensure(ctx, db)
		if err != nil || !created {
			t.Fatalf("demo: %v %v", created, err)
		}
		viewerID, err := db.UserIDByEmail(ctx, "anne.kjaer@silkeborg.example")
		if err != nil {
			t.Fatal(err)
		}
		anne := testkit.Actor(t, db, viewerID)
		page, err := db.ListCollaborations(ctx, anne, samspil.CollaborationFilter{Query: "Silkeborg–Viborg"})
		if err != nil || len(page.Items) != 1 {
			t.Fatalf("collaborations: %v %v", page, err)
		}
		c := page.Items[0]
		today := samspil.Today(time.Now())
		if c.Exclusivity != samspil.ExclusivityOpen || len(c.Members) != 2 || c.Members[0].Commitment != samspil.CommitmentVoluntary {
			t.Fatalf("the 2018 form: %+v", c)
		}
		tl, err := db.Timeline(ctx, anne, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var text []string
		for _, e := range tl {
			text = append(text, e.On.String()+" "+e.Text.String())
		}
		all := strings.Join(text, "\n")
		for _, want := range []string{"2014-01-01 Silkeborg–Viborg IT- og digitaliseringssamarbejde was founded",
			"2018-11-01 commitment changed from binding to voluntary for Silkeborg Kommune & Viborg Kommune",
			"2018-11-01 Fælles direktionsmøde stopped: Justeret samarbejdsform", "2020-02-26 Viborg Kommune adopted the strategy"} {
			if !strings.Contains(all, want) {
				t.Errorf("the timeline lacks %q:\n%s", want, all)
			}
		}
		forums, err := db.ListForums(ctx, anne, c.ID)
		if err != nil || len(forums) != 3 {
			t.Fatalf("forums %d %v", len(forums), err)
		}
		for _, f := range forums {
			active := f.Status == samspil.ForumActive
			if active != (f.Name == "IT-chefmøde") {
				t.Errorf("%s is %s", f.Name, f.Status)
			}
			if f.Name == "IT-chefmøde" {
				ms, err := db.ListMeetings(ctx, anne, samspil.MeetingFilter{ForumID: f.ID, From: time.Now(), To: time.Now().AddDate(0, 0, 60)})
				if err != nil || len(ms.Items) < 4 {
					t.Fatalf("coming IT chiefs' meetings: %d %v", len(ms.Items), err)
				}
				if gap := ms.Items[1].Start.Sub(ms.Items[0].Start); gap < 13*24*time.Hour || gap > 15*24*time.Hour {
					t.Errorf("meetings %v apart", gap)
				}
			}
		}
		cov, err := db.Coverage(ctx, anne, c.ID, today)
		if err != nil || len(cov) != 2 {
			t.Fatalf("coverage %+v %v", cov, err)
		}
		for _, s := range cov {
			switch s.OrganizationName {
			case "Silkeborg Kommune":
				if !s.Joint || !s.PastPeriod {
					t.Errorf("Silkeborg: %+v", s)
				}
			case "Viborg Kommune":
				if s.Joint || !strings.Contains(s.StrategyTitle, "Viborg") {
					t.Errorf("Viborg: %+v", s)
				}
			}
		}
		hist, err := db.AlignmentHistory(ctx, anne, c.ID, today)
		if err != nil || len(hist) < 3 {
			t.Fatalf("alignment history %d %v", len(hist), err)
		}
		// Aligned at the start, apart before 2018, and apart again today on
		// joint operations.
		spreads := make([]int, len(hist))
		for i, a := range hist {
			spreads[i] = a.MaxSpread
		}
		if spreads[0] != 0 || slices.Max(spreads[:len(spreads)-1]) < 2 || spreads[len(spreads)-1] < 2 {
			t.Errorf("ambitions do not drift apart: %v", spreads)
		}
		open, err := db.ListDecisions(ctx, anne, samspil.DecisionFilter{CollaborationID: c.ID, Status: samspil.DecisionOpen})
		if err != nil || len(open.Items) != 1 || open.Items[0].Outcome.NotVoted != 1 {
			t.Fatalf("open decisions %+v %v", open, err)
		}
		all2, err := db.ListCollaborations(ctx, samspil.Anonymous(), samspil.CollaborationFilter{})
		if err != nil || len(all2.Items) != 1 || all2.Items[0].Kind != samspil.KindProductCommunity {
			t.Fatalf("public collaborations %+v %v", all2, err)
		}
		// A second run adds nothing.
		if again, err := demo.Ensure(ctx, db); err != nil || again {
			t.Fatalf("second run: %v %v", again, err)
		}
	})
}
