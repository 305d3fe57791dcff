package samspil

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// tallyBallots builds ballots from "org=choice", or "org=choice/proxy" for
// a proxy's ballot.
func tallyBallots(specs ...string) []Ballot {
	bs := []Ballot{}
	for _, s := range specs {
		org, choice, _ := strings.Cut(s, "=")
		choice, proxy := strings.CutSuffix(choice, "/proxy")
		bs = append(bs, Ballot{OrganizationID: org, Choice: VoteChoice(choice), ProxyFor: proxy})
	}
	return bs
}

// Five municipalities; by default three must take part.
var tallyFive = []string{"viborg", "skive", "silkeborg", "herning", "aarhus"}

var tallyAll = []string{"aarhus", "herning", "silkeborg", "skive", "viborg"}

func TestTallyExamples(t *testing.T) {
	five := Electorate{Voters: tallyFive}
	chaired := Electorate{Voters: tallyFive, Chair: "silkeborg"}
	four := Electorate{Voters: []string{"viborg", "silkeborg", "herning", "aarhus"}, Chair: "silkeborg"}
	pair := Electorate{Voters: []string{"viborg", "silkeborg"}, Chair: "silkeborg"}
	type want struct {
		result       OutcomeResult
		final        bool
		participants []string
		why          string
	}
	for _, c := range []struct {
		name    string
		rule    DecisionRule
		e       Electorate
		ballots []Ballot
		closed  bool
		want    want
	}{
		// Consensus.
		{"consensus open quorum met", RuleConsensus, five, tallyBallots("viborg=for", "skive=for", "aarhus=abstain"), false,
			want{OutcomeAdopted, false, tallyAll, "adopted by consensus so far: 2 for, 1 abstained, nobody against; 2 of 5 yet to vote"}},
		{"consensus open quorum not met", RuleConsensus, five, tallyBallots("viborg=for", "skive=for"), false,
			want{OutcomePending, false, nil, "waiting for votes: 2 of 5 took part, 3 needed"}},
		{"consensus one against rejects at once", RuleConsensus, five, tallyBallots("viborg=for", "skive=against"), false,
			want{OutcomeRejected, true, nil, "rejected: 1 against under consensus"}},
		{"consensus all voted", RuleConsensus, five, tallyBallots("viborg=for", "skive=for", "silkeborg=for", "herning=abstain", "aarhus=for"), false,
			want{OutcomeAdopted, true, tallyAll, "adopted by consensus: 4 for, 1 abstained, nobody against; 5 of 5 took part, 3 needed"}},
		{"consensus closed quorum met", RuleConsensus, five, tallyBallots("viborg=for", "skive=for", "aarhus=abstain"), true,
			want{OutcomeAdopted, true, tallyAll, "adopted by consensus: 2 for, 1 abstained, nobody against; 3 of 5 took part, 3 needed"}},
		{"consensus closed quorum not met", RuleConsensus, five, tallyBallots("viborg=for", "skive=for"), true,
			want{OutcomeNoQuorum, true, nil, "no quorum: 2 of 5 took part, 3 needed"}},
		{"consensus closed rejection stays without quorum", RuleConsensus, five, tallyBallots("skive=against"), true,
			want{OutcomeRejected, true, nil, "rejected: 1 against under consensus"}},
		{"consensus custom quorum above voters is capped", RuleConsensus, Electorate{Voters: tallyFive, Quorum: 9},
			tallyBallots("viborg=for", "skive=for", "silkeborg=for", "herning=for"), true,
			want{OutcomeNoQuorum, true, nil, "no quorum: 4 of 5 took part, 5 needed"}},
		{"consensus proxies count", RuleConsensus, five, tallyBallots("viborg=for/proxy", "skive=for", "aarhus=for/proxy"), false,
			want{OutcomeAdopted, false, tallyAll, "adopted by consensus so far: 3 for, 0 abstained, nobody against; 2 of 5 yet to vote"}},

		// Unanimity.
		{"unanimity open one missing", RuleUnanimity, five, tallyBallots("viborg=for", "skive=for", "silkeborg=for", "herning=for"), false,
			want{OutcomePending, false, nil, "waiting for 1 of 5 votes"}},
		{"unanimity all for", RuleUnanimity, five, tallyBallots("viborg=for", "skive=for", "silkeborg=for", "herning=for", "aarhus=for/proxy"), false,
			want{OutcomeAdopted, true, tallyAll, "adopted unanimously: all 5 voted for"}},
		{"unanimity abstention rejects at once", RuleUnanimity, five, tallyBallots("viborg=for", "skive=abstain"), false,
			want{OutcomeRejected, true, nil, "rejected: unanimity needs every vote for, but 0 voted against and 1 abstained"}},
		{"unanimity against rejects without quorum", RuleUnanimity, five, tallyBallots("skive=against"), true,
			want{OutcomeRejected, true, nil, "rejected: unanimity needs every vote for, but 1 voted against and 0 abstained"}},
		{"unanimity closed with a vote missing", RuleUnanimity, five, tallyBallots("viborg=for", "skive=for", "silkeborg=for", "herning=for"), true,
			want{OutcomeRejected, true, nil, "rejected: unanimity needs every vote for, but 1 of 5 did not vote"}},
		{"unanimity closed without quorum", RuleUnanimity, five, tallyBallots("viborg=for", "skive=for"), true,
			want{OutcomeNoQuorum, true, nil, "no quorum: 2 of 5 took part, 3 needed"}},

		// Majority.
		{"majority decided early for", RuleMajority, five, tallyBallots("viborg=for", "skive=for", "aarhus=for"), false,
			want{OutcomeAdopted, true, tallyAll, "adopted by majority: 3 for, 0 against; the 2 yet to vote cannot change that"}},
		{"majority decided early against", RuleMajority, five, tallyBallots("viborg=against", "skive=against", "aarhus=against"), false,
			want{OutcomeRejected, true, nil, "rejected by majority: 0 for, 3 against; the 2 yet to vote cannot change that"}},
		{"majority early: at best a tie", RuleMajority, five, tallyBallots("viborg=for", "skive=against", "aarhus=against", "herning=abstain"), false,
			want{OutcomeRejected, true, nil, "rejected by majority: 1 for, 2 against; the 1 yet to vote cannot change that"}},
		{"majority open: the missing could still win", RuleMajority, five, tallyBallots("viborg=for", "skive=against", "aarhus=against"), false,
			want{OutcomePending, false, nil, "waiting for 2 of 5 votes"}},
		{"majority open undecided", RuleMajority, five, tallyBallots("viborg=for", "skive=for", "aarhus=against"), false,
			want{OutcomePending, false, nil, "waiting for 2 of 5 votes"}},
		{"majority open quorum not met", RuleMajority, five, tallyBallots("viborg=for", "skive=for"), false,
			want{OutcomePending, false, nil, "waiting for votes: 2 of 5 took part, 3 needed"}},
		{"majority closed adopted", RuleMajority, five, tallyBallots("viborg=for", "skive=for", "aarhus=against", "herning=abstain"), true,
			want{OutcomeAdopted, true, tallyAll, "adopted by majority: 2 for, 1 against, 1 abstained; 4 of 5 took part, 3 needed"}},
		{"majority closed rejected", RuleMajority, five, tallyBallots("viborg=for", "skive=against", "aarhus=against"), true,
			want{OutcomeRejected, true, nil, "rejected by majority: 1 for, 2 against, 0 abstained; 3 of 5 took part, 3 needed"}},
		{"majority abstentions count for quorum only", RuleMajority, five, tallyBallots("viborg=for", "skive=abstain", "aarhus=abstain"), true,
			want{OutcomeAdopted, true, tallyAll, "adopted by majority: 1 for, 0 against, 2 abstained; 3 of 5 took part, 3 needed"}},
		{"majority closed tie", RuleMajority, five, tallyBallots("viborg=for", "skive=against", "aarhus=abstain"), true,
			want{OutcomeRejected, true, nil, "rejected: tie 1–1; a tie rejects under majority"}},
		{"majority closed without quorum", RuleMajority, five, tallyBallots("viborg=for", "skive=for"), true,
			want{OutcomeNoQuorum, true, nil, "no quorum: 2 of 5 took part, 3 needed"}},
		{"majority custom quorum 2", RuleMajority, Electorate{Voters: tallyFive, Quorum: 2}, tallyBallots("viborg=for", "skive=for"), true,
			want{OutcomeAdopted, true, tallyAll, "adopted by majority: 2 for, 0 against, 0 abstained; 2 of 5 took part, 2 needed"}},
		{"majority custom quorum above voters open", RuleMajority, Electorate{Voters: tallyFive, Quorum: 7},
			tallyBallots("viborg=for", "skive=for", "silkeborg=for", "aarhus=against"), false,
			want{OutcomePending, false, nil, "waiting for votes: 4 of 5 took part, 5 needed"}},
		{"majority custom quorum above voters closed", RuleMajority, Electorate{Voters: tallyFive, Quorum: 7},
			tallyBallots("viborg=for", "skive=for", "silkeborg=for", "aarhus=against"), true,
			want{OutcomeNoQuorum, true, nil, "no quorum: 4 of 5 took part, 5 needed"}},
		{"majority custom quorum above voters all voted", RuleMajority, Electorate{Voters: tallyFive, Quorum: 7},
			tallyBallots("viborg=for", "skive=for", "silkeborg=for", "aarhus=against", "herning=abstain"), false,
			want{OutcomeAdopted, true, tallyAll, "adopted by majority: 3 for, 1 against, 1 abstained; 5 of 5 took part, 5 needed"}},
		{"majority proxies count", RuleMajority, five, tallyBallots("viborg=for/proxy", "skive=for/proxy", "aarhus=for"), false,
			want{OutcomeAdopted, true, tallyAll, "adopted by majority: 3 for, 0 against; the 2 yet to vote cannot change that"}},
		{"majority ignores the chair", RuleMajority, four, tallyBallots("viborg=for", "silkeborg=for", "herning=against", "aarhus=against"), true,
			want{OutcomeRejected, true, nil, "rejected: tie 2–2; a tie rejects under majority"}},
		{"majority early when the missing vote can only tie", RuleMajority, four, tallyBallots("viborg=for", "herning=against", "aarhus=against"), false,
			want{OutcomeRejected, true, nil, "rejected by majority: 1 for, 2 against; the 1 yet to vote cannot change that"}},

		// Majority, the chair deciding a tie.
		{"chair breaks tie for", RuleMajorityChair, four, tallyBallots("viborg=for", "silkeborg=for", "herning=against", "aarhus=against"), true,
			want{OutcomeAdopted, true, []string{"aarhus", "herning", "silkeborg", "viborg"}, "adopted: tie 2–2 decided by the chair's vote for"}},
		{"chair breaks tie against", RuleMajorityChair, four, tallyBallots("viborg=for", "silkeborg=against", "herning=for", "aarhus=against"), true,
			want{OutcomeRejected, true, nil, "rejected: tie 2–2 decided by the chair's vote against"}},
		{"chair abstained", RuleMajorityChair, chaired, tallyBallots("viborg=for", "silkeborg=abstain", "herning=for", "aarhus=against", "skive=against"), false,
			want{OutcomeRejected, true, nil, "rejected: tie 2–2, and the chair did not break it"}},
		{"chair did not vote", RuleMajorityChair, chaired, tallyBallots("viborg=for", "herning=for", "aarhus=against", "skive=against"), true,
			want{OutcomeRejected, true, nil, "rejected: tie 2–2, and the chair did not break it"}},
		{"no chair", RuleMajorityChair, five, tallyBallots("viborg=for", "herning=for", "aarhus=against", "skive=against"), true,
			want{OutcomeRejected, true, nil, "rejected: tie 2–2, and the chair did not break it"}},
		{"chair not a voter", RuleMajorityChair, Electorate{Voters: tallyFive, Chair: "kl"}, tallyBallots("viborg=for", "herning=for", "aarhus=against", "skive=against"), true,
			want{OutcomeRejected, true, nil, "rejected: tie 2–2, and the chair did not break it"}},
		{"chair not a tie", RuleMajorityChair, four, tallyBallots("viborg=for", "silkeborg=against", "herning=for", "aarhus=for"), true,
			want{OutcomeAdopted, true, []string{"aarhus", "herning", "silkeborg", "viborg"}, "adopted by majority: 3 for, 1 against, 0 abstained; 4 of 4 took part, 3 needed"}},
		{"chair open: waits for the chair", RuleMajorityChair, four, tallyBallots("viborg=for", "herning=against", "aarhus=against"), false,
			want{OutcomePending, false, nil, "waiting for 1 of 4 votes"}},
		{"chair open: chair for makes a tie at worst", RuleMajorityChair, chaired, tallyBallots("viborg=for", "silkeborg=for", "aarhus=against"), false,
			want{OutcomePending, false, nil, "waiting for 2 of 5 votes"}},
		{"chair early: tie at worst goes to the chair", RuleMajorityChair, four, tallyBallots("viborg=for", "silkeborg=for", "herning=against"), false,
			want{OutcomeAdopted, true, []string{"aarhus", "herning", "silkeborg", "viborg"}, "adopted by majority: 2 for, 1 against; the 1 yet to vote cannot change that"}},
		{"chair closed without quorum", RuleMajorityChair, four, tallyBallots("silkeborg=for", "herning=against"), true,
			want{OutcomeNoQuorum, true, nil, "no quorum: 2 of 4 took part, 3 needed"}},
		{"chair by proxy", RuleMajorityChair, four, tallyBallots("viborg=for", "silkeborg=for/proxy", "herning=against", "aarhus=against"), true,
			want{OutcomeAdopted, true, []string{"aarhus", "herning", "silkeborg", "viborg"}, "adopted: tie 2–2 decided by the chair's vote for"}},

		// Silkeborg and Viborg alone: a majority cannot break 1–1, the chair can.
		{"Silkeborg–Viborg majority 1–1", RuleMajority, pair, tallyBallots("silkeborg=for", "viborg=against"), true,
			want{OutcomeRejected, true, nil, "rejected: tie 1–1; a tie rejects under majority"}},
		{"Silkeborg–Viborg majority 1–1 open", RuleMajority, pair, tallyBallots("silkeborg=for", "viborg=against"), false,
			want{OutcomeRejected, true, nil, "rejected: tie 1–1; a tie rejects under majority"}},
		{"Silkeborg–Viborg majority_chair 1–1", RuleMajorityChair, pair, tallyBallots("silkeborg=for", "viborg=against"), true,
			want{OutcomeAdopted, true, []string{"silkeborg", "viborg"}, "adopted: tie 1–1 decided by the chair's vote for"}},
		{"Silkeborg–Viborg majority_chair 1–1 open", RuleMajorityChair, pair, tallyBallots("viborg=against", "silkeborg=for"), false,
			want{OutcomeAdopted, true, []string{"silkeborg", "viborg"}, "adopted: tie 1–1 decided by the chair's vote for"}},
		{"Silkeborg–Viborg one vote of two", RuleMajority, pair, tallyBallots("silkeborg=for"), false,
			want{OutcomePending, false, nil, "waiting for votes: 1 of 2 took part, 2 needed"}},

		// Opt-in.
		{"opt_in open undecided", RuleOptIn, five, tallyBallots("viborg=for", "skive=opt_out", "aarhus=for"), false,
			want{OutcomePending, false, []string{"aarhus", "viborg"}, "waiting for 2 of 5 members to decide whether to take part"}},
		{"opt_in abstention is undecided", RuleOptIn, five, tallyBallots("viborg=for", "skive=opt_out", "aarhus=for", "herning=against", "silkeborg=abstain"), false,
			want{OutcomePending, false, []string{"aarhus", "viborg"}, "waiting for 1 of 5 members to decide whether to take part"}},
		{"opt_in all decided", RuleOptIn, five, tallyBallots("viborg=for", "skive=opt_out", "aarhus=for", "herning=against", "silkeborg=opt_out"), false,
			want{OutcomeAdopted, true, []string{"aarhus", "viborg"}, "adopted for the 2 of 5 members that opted in"}},
		{"opt_in all out", RuleOptIn, five, tallyBallots("viborg=opt_out", "skive=opt_out", "aarhus=opt_out", "herning=against", "silkeborg=opt_out"), false,
			want{OutcomeRejected, true, nil, "rejected: none of the 5 members opted in"}},
		{"opt_in closed one in, no quorum needed", RuleOptIn, five, tallyBallots("skive=for/proxy"), true,
			want{OutcomeAdopted, true, []string{"skive"}, "adopted for the 1 of 5 members that opted in"}},
		{"opt_in closed nobody voted", RuleOptIn, five, nil, true,
			want{OutcomeRejected, true, nil, "rejected: none of the 5 members opted in"}},
		{"opt_in closed abstention stays out", RuleOptIn, five, tallyBallots("skive=abstain", "herning=for"), true,
			want{OutcomeAdopted, true, []string{"herning"}, "adopted for the 1 of 5 members that opted in"}},

		// No voters at all.
		{"majority without voters", RuleMajority, Electorate{}, nil, true,
			want{OutcomeRejected, true, nil, "rejected: tie 0–0; a tie rejects under majority"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Tally(c.rule, c.e, c.ballots, c.closed)
			if err != nil {
				t.Fatal(err)
			}
			if got.Result != c.want.result || got.Final != c.want.final {
				t.Errorf("result %s final %v, want %s final %v (%s)", got.Result, got.Final, c.want.result, c.want.final, got.Explanation)
			}
			if got.Explanation.String() != c.want.why {
				t.Errorf("explanation %q, want %q", got.Explanation.String(), c.want.why)
			}
			wantP := c.want.participants
			if wantP == nil {
				wantP = []string{}
			}
			if got.Participants == nil || !slices.Equal(got.Participants, wantP) {
				t.Errorf("participants %#v, want %#v", got.Participants, wantP)
			}
			if s := got.For + got.Against + got.Abstain + got.OptOut + got.NotVoted; s != len(c.e.Voters) {
				t.Errorf("counts add up to %d, want %d", s, len(c.e.Voters))
			}
		})
	}
}

func TestTallyCounts(t *testing.T) {
	got, err := Tally(RuleOptIn, Electorate{Voters: tallyFive, Quorum: 4},
		tallyBallots("viborg=for", "skive=opt_out", "aarhus=against", "herning=abstain"), false)
	if err != nil {
		t.Fatal(err)
	}
	want := Outcome{Result: OutcomePending, For: 1, Against: 1, Abstain: 1, OptOut: 1, NotVoted: 1, Quorum: 0,
		Participants: []string{"viborg"}, Explanation: got.Explanation}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}

	for _, c := range []struct {
		quorum, voters, want int
	}{
		{0, 5, 3}, {0, 4, 3}, {0, 2, 2}, {0, 1, 1}, {0, 0, 0}, {2, 5, 2}, {5, 5, 5}, {9, 5, 5}, {-1, 5, 3},
	} {
		got, err := Tally(RuleMajority, Electorate{Voters: tallyFive[:c.voters], Quorum: c.quorum}, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		if got.Quorum != c.want || got.NotVoted != c.voters {
			t.Errorf("quorum %d of %d voters: got quorum %d, not voted %d; want %d, %d", c.quorum, c.voters, got.Quorum, got.NotVoted, c.want, c.voters)
		}
	}

	// A voter listed twice counts once.
	got, err = Tally(RuleMajority, Electorate{Voters: []string{"viborg", "skive", "viborg"}}, tallyBallots("viborg=for"), false)
	if err != nil {
		t.Fatal(err)
	}
	if got.NotVoted != 1 || got.Quorum != 2 {
		t.Errorf("duplicate voter: got %+v", got)
	}
}

func TestTallyErrors(t *testing.T) {
	// Skive is an observer here: it has no vote.
	e := Electorate{Voters: []string{"viborg", "silkeborg"}, Chair: "silkeborg"}
	for _, c := range []struct {
		name    string
		rule    DecisionRule
		ballots []Ballot
		path    string
		msg     string
	}{
		{"non-member", RuleMajority, tallyBallots("viborg=for", "kl=for"), "votes", "kl has no vote on this decision"},
		{"observer", RuleConsensus, tallyBallots("skive=for"), "votes", "skive has no vote on this decision"},
		{"observer under opt_in", RuleOptIn, tallyBallots("skive=for"), "votes", "skive has no vote on this decision"},
		{"no organisation", RuleOptIn, tallyBallots("=for"), "votes", " has no vote on this decision"},
		{"duplicate", RuleMajority, tallyBallots("viborg=for", "silkeborg=for", "viborg=against"), "votes", "viborg has voted more than once"},
		{"duplicate by proxy", RuleUnanimity, tallyBallots("viborg=for", "viborg=for/proxy"), "votes", "viborg has voted more than once"},
		{"unknown choice", RuleMajority, tallyBallots("viborg=maybe"), "votes", `"maybe" is not a vote; vote for, against, abstain or opt_out`},
		{"empty choice", RuleOptIn, tallyBallots("viborg="), "votes", `"" is not a vote; vote for, against, abstain or opt_out`},
		{"opt_out under consensus", RuleConsensus, tallyBallots("viborg=opt_out"), "votes", "opt_out is only possible when each member decides for itself (opt_in)"},
		{"opt_out under unanimity", RuleUnanimity, tallyBallots("viborg=opt_out"), "votes", "opt_out is only possible when each member decides for itself (opt_in)"},
		{"opt_out under majority", RuleMajority, tallyBallots("viborg=opt_out"), "votes", "opt_out is only possible when each member decides for itself (opt_in)"},
		{"opt_out under majority_chair", RuleMajorityChair, tallyBallots("silkeborg=opt_out"), "votes", "opt_out is only possible when each member decides for itself (opt_in)"},
		{"unknown rule", "dictator", tallyBallots("viborg=for"), "rule", `"dictator" is not a decision rule`},
		{"empty rule", "", nil, "rule", `"" is not a decision rule`},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, closed := range []bool{false, true} {
				_, err := Tally(c.rule, e, c.ballots, closed)
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("got %v, want an *Error", err)
				}
				if e.Code != EINVALID || e.Message != c.msg || len(e.Fields) != 1 || e.Fields[0].Path != c.path || e.Fields[0].Message != c.msg {
					t.Errorf("got %v, want %s: %s at %s", e, EINVALID, c.msg, c.path)
				}
			}
		})
	}
}

// TestTallyProperties checks random electorates and ballots: the counts add
// up, participants are voters, a closed decision is final and never
// pending, a result final while open stays when more ballots come and when
// the decision closes, and (except under opt_in, which waits for all to
// decide) a result that is not final while open could still turn out
// differently.
func TestTallyProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(2014, 2017))
	choices := []VoteChoice{VoteFor, VoteAgainst, VoteAbstain}
	for i := range 3000 {
		rule := DecisionRules[rng.IntN(len(DecisionRules))]
		allowed := choices
		if rule == RuleOptIn {
			allowed = VoteChoices
		}
		n := rng.IntN(7)
		var e Electorate
		for j := range n {
			e.Voters = append(e.Voters, fmt.Sprintf("org%d", j))
		}
		rng.Shuffle(n, func(a, b int) { e.Voters[a], e.Voters[b] = e.Voters[b], e.Voters[a] })
		switch k := rng.IntN(n + 2); {
		case k < n:
			e.Chair = e.Voters[k]
		case k == n:
			e.Chair = "outsider"
		}
		e.Quorum = rng.IntN(n + 3)
		var ballots []Ballot
		for _, v := range e.Voters {
			if rng.IntN(4) > 0 {
				ballots = append(ballots, Ballot{OrganizationID: v, Choice: allowed[rng.IntN(len(allowed))], ProxyFor: rng.IntN(5) == 0})
			}
		}
		rng.Shuffle(len(ballots), func(a, b int) { ballots[a], ballots[b] = ballots[b], ballots[a] })
		name := fmt.Sprintf("case %d: %s %+v %+v", i, rule, e, ballots)

		tally := func(bs []Ballot, closed bool) Outcome {
			o, err := Tally(rule, e, bs, closed)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if s := o.For + o.Against + o.Abstain + o.OptOut + o.NotVoted; s != n {
				t.Fatalf("%s: counts add up to %d", name, s)
			}
			if o.Participants == nil || !slices.IsSorted(o.Participants) || len(slices.Compact(slices.Clone(o.Participants))) != len(o.Participants) {
				t.Fatalf("%s: participants %#v", name, o.Participants)
			}
			for _, p := range o.Participants {
				if !slices.Contains(e.Voters, p) {
					t.Fatalf("%s: participant %s is not a voter", name, p)
				}
			}
			if closed && (!o.Final || o.Result == OutcomePending) {
				t.Fatalf("%s: closed but %s, final %v", name, o.Result, o.Final)
			}
			if o.Result == OutcomePending && o.Final {
				t.Fatalf("%s: pending and final", name)
			}
			return o
		}

		// Finality over prefixes of the ballots.
		for k := 0; k <= len(ballots); k++ {
			o := tally(ballots[:k], false)
			if !o.Final {
				continue
			}
			for j := k; j <= len(ballots); j++ {
				for _, closed := range []bool{false, true} {
					if later := tally(ballots[:j], closed); later.Result != o.Result || !later.Final {
						t.Fatalf("%s: final %s after %d ballots, but %s (final %v) after %d, closed %v",
							name, o.Result, k, later.Result, later.Final, j, closed)
					}
				}
			}
		}

		// Every way the missing voters may vote, then close.
		o := tally(ballots, false)
		voted := map[string]bool{}
		for _, b := range ballots {
			voted[b.OrganizationID] = true
		}
		var missing []string
		for _, v := range e.Voters {
			if !voted[v] {
				missing = append(missing, v)
			}
		}
		results := map[OutcomeResult]bool{}
		options := append([]VoteChoice{""}, allowed...)
		var walk func(bs []Ballot, rest []string)
		walk = func(bs []Ballot, rest []string) {
			if len(rest) == 0 {
				results[tally(bs, true).Result] = true
				return
			}
			for _, c := range options {
				if c == "" {
					walk(bs, rest[1:])
				} else {
					walk(append(slices.Clip(bs), Ballot{OrganizationID: rest[0], Choice: c}), rest[1:])
				}
			}
		}
		walk(ballots, missing)
		if o.Final && (len(results) != 1 || !results[o.Result]) {
			t.Fatalf("%s: final %s, but closing could give %v", name, o.Result, results)
		}
		if !o.Final && rule != RuleOptIn && len(results) < 2 {
			t.Fatalf("%s: not final (%s), but closing can only give %v", name, o.Result, results)
		}
	}
}
