package samspil

import (
	"slices"
	"strconv"
	"testing"
)

// ranks returns "title:rank:change" of each ranked initiative, in order.
func ranks(rs []Ranked) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Title + ":" + strconv.Itoa(r.Rank) + ":" + r.Change.String()
	}
	return out
}

// TestRankPortfolio: the higher weighted score first, ties by title, the
// unscored last and unranked, each with its reasons.
func TestRankPortfolio(t *testing.T) {
	w := DefaultPriorityWeights
	in := []RankInput{
		{InitiativeID: "a", Title: "Aftaleportal"}, // not scored: last, though first by title
		{InitiativeID: "b", Title: "Borgerportal", Score: &PriorityScore{Benefit: 3, Urgency: 3, Feasibility: 3, Cost: 3}},
		{InitiativeID: "c", Title: "Chatbot", Score: &PriorityScore{Benefit: 5, Urgency: 4, Feasibility: 3, Cost: 2}},
		{InitiativeID: "d", Title: "digital post", Score: &PriorityScore{Benefit: 3, Urgency: 3, Feasibility: 3, Cost: 3}},
		{InitiativeID: "e", Title: "Økonomirobot", Score: &PriorityScore{Benefit: 1, Urgency: 1, Feasibility: 1, Cost: 5}},
	}
	got := RankPortfolio(w, in, nil)
	want := []string{"Chatbot:1:first prioritisation", "Borgerportal:2:first prioritisation", "digital post:3:first prioritisation",
		"Økonomirobot:4:first prioritisation", "Aftaleportal:0:first prioritisation"}
	if !slices.Equal(ranks(got), want) {
		t.Fatalf("ranked %q, want %q", ranks(got), want)
	}
	// (4*5 + 3*4 + 2*3 + 1*(6-2)) / 10 = 4.20; the cost turned round.
	if got[0].Value != 420 || got[1].Value != 300 || got[3].Value != 100 || got[4].Value != 0 {
		t.Fatalf("values %d %d %d %d", got[0].Value, got[1].Value, got[3].Value, got[4].Value)
	}
	if len(got[0].Reasons) != 4 || got[0].Reasons[0].String() != "benefit 5 of 5, weight 4" ||
		got[0].Reasons[3].String() != "cost 2 of 5 (a low cost ranks higher), weight 1" {
		t.Fatalf("reasons %v", got[0].Reasons)
	}
	if len(got[4].Reasons) != 1 || got[4].Reasons[0].String() != "not scored yet" || got[4].Score != nil {
		t.Fatalf("the unscored %+v", got[4])
	}
	// The input is left as it was.
	if in[0].Title != "Aftaleportal" || in[2].Score.Benefit != 5 {
		t.Fatalf("input changed %+v", in)
	}

	// Against the last round: up, down, new, unchanged; the unscored are
	// not compared.
	previous := map[string]int{"b": 1, "c": 2, "d": 3, "x": 4}
	got = RankPortfolio(w, in, previous)
	want = []string{"Chatbot:1:up 1 from 2", "Borgerportal:2:down 1 from 1", "digital post:3:unchanged",
		"Økonomirobot:4:new since the last prioritisation", "Aftaleportal:0:not scored yet"}
	if !slices.Equal(ranks(got), want) {
		t.Fatalf("ranked %q, want %q", ranks(got), want)
	}
	if got[0].PreviousRank != 2 || got[3].PreviousRank != 0 {
		t.Fatalf("previous ranks %+v", got)
	}
	// An empty last round still compares: everything scored is new.
	got = RankPortfolio(w, in[:2], map[string]int{})
	if want := []string{"Borgerportal:1:new since the last prioritisation", "Aftaleportal:0:not scored yet"}; !slices.Equal(ranks(got), want) {
		t.Fatalf("ranked %q, want %q", ranks(got), want)
	}
	if got := RankPortfolio(w, nil, nil); got == nil || len(got) != 0 {
		t.Fatalf("an empty portfolio ranks as %v", got)
	}

	// The weights decide: cost alone puts the cheapest first.
	got = RankPortfolio(PriorityWeights{Cost: 1}, in, nil)
	if want := []string{"Chatbot:1:first prioritisation", "Borgerportal:2:first prioritisation", "digital post:3:first prioritisation",
		"Økonomirobot:4:first prioritisation", "Aftaleportal:0:first prioritisation"}; !slices.Equal(ranks(got), want) {
		t.Fatalf("under cost alone %q", ranks(got))
	}
	got = RankPortfolio(PriorityWeights{Urgency: 1}, []RankInput{in[1], in[4]}, nil)
	if got[0].Title != "Borgerportal" || got[0].Value != 300 || got[1].Value != 100 {
		t.Fatalf("under urgency alone %+v", got)
	}
}

// TestPriorityWeightsValidate: each weight from 0 to 10, not all 0.
func TestPriorityWeightsValidate(t *testing.T) {
	if err := DefaultPriorityWeights.Validate(); err != nil {
		t.Fatalf("the defaults: %v", err)
	}
	if err := (PriorityWeights{Feasibility: 10}).Validate(); err != nil {
		t.Fatalf("one weight of 10: %v", err)
	}
	for _, c := range []struct {
		w     PriorityWeights
		field string
	}{
		{PriorityWeights{Benefit: -1, Urgency: 2}, "benefit"},
		{PriorityWeights{Urgency: 11}, "urgency"},
		{PriorityWeights{Benefit: 1, Feasibility: -3}, "feasibility"},
		{PriorityWeights{Benefit: 1, Cost: 20}, "cost"},
		{PriorityWeights{}, "benefit"},
	} {
		err := c.w.Validate()
		if ErrorCode(err) != EINVALID || !slices.Contains(fields(err), c.field) {
			t.Errorf("%+v: %v, want %s", c.w, err, c.field)
		}
	}
	// Without weights every score is 0.
	if v := (PriorityScore{Benefit: 5, Urgency: 5, Feasibility: 5, Cost: 1}).Value(PriorityWeights{}); v != 0 {
		t.Fatalf("value without weights %d", v)
	}
}

// TestPriorityScoreValidate: each score from 1 to 5, the note trimmed.
func TestPriorityScoreValidate(t *testing.T) {
	s := PriorityScore{Benefit: 1, Urgency: 5, Feasibility: 3, Cost: 5, Note: "  Mange henvendelser "}
	if err := s.Validate(); err != nil || s.Note != "Mange henvendelser" {
		t.Fatalf("%+v: %v", s, err)
	}
	for _, c := range []struct {
		s     PriorityScore
		field string
	}{
		{PriorityScore{Benefit: 0, Urgency: 1, Feasibility: 1, Cost: 1}, "benefit"},
		{PriorityScore{Benefit: 1, Urgency: 6, Feasibility: 1, Cost: 1}, "urgency"},
		{PriorityScore{Benefit: 1, Urgency: 1, Feasibility: -1, Cost: 1}, "feasibility"},
		{PriorityScore{Benefit: 1, Urgency: 1, Feasibility: 1, Cost: 0}, "cost"},
		{PriorityScore{Benefit: 1, Urgency: 1, Feasibility: 1, Cost: 1, Note: string(make([]byte, 2001))}, "note"},
	} {
		err := c.s.Validate()
		if ErrorCode(err) != EINVALID || !slices.Contains(fields(err), c.field) {
			t.Errorf("%+v: %v, want %s", c.s, err, c.field)
		}
	}
}
