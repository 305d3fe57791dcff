package samspil

import "slices"

// Tally computes where a decision stands under rule, given who may vote and
// the ballots cast so far; closed says the decision takes no more votes.
//
// Every voter has one ballot; a proxy's ballot counts like the member's own.
// Taking part means casting any ballot, an abstention included. The quorum is
// e.Quorum when positive, else more than half of the voters, and never more
// than the number of voters; it does not apply under opt_in.
//
//   - consensus: adopted once the quorum is met and nobody is against; one
//     vote against rejects at once.
//   - unanimity: adopted when every voter is for; one vote against or one
//     abstention rejects at once; at close, a missing vote rejects.
//   - majority: adopted when the quorum is met and more vote for than against
//     (abstentions do not count); a tie rejects. While open, the result is
//     decided early once the missing votes can no longer change it.
//   - majority_chair: as majority, but the chair's ballot (e.Chair, when a
//     voter) decides a tie: for adopts, anything else rejects.
//   - opt_in: each voter decides for itself: for takes part, opt_out or
//     against does not, abstain is undecided. Adopted for those that opted
//     in; rejected when none did. While open, pending until all have
//     decided.
//
// At close a decision whose quorum was not met ends as no_quorum, unless it
// was already rejected for good. Final is set when no further ballot can
// change the result (a member changing its vote aside); a closed decision is
// always final.
//
// A ballot from an organisation that is not a voter, a second ballot for the
// same organisation, an unknown choice and opt_out outside opt_in are
// EINVALID errors about "votes"; an unknown rule is an EINVALID error about
// "rule".
func Tally(rule DecisionRule, e Electorate, ballots []Ballot, closed bool) (Outcome, error) {
	if !rule.Valid() {
		return Outcome{}, ErrorAt(EINVALID, "rule", "%q is not a decision rule", string(rule))
	}
	voters := make([]string, 0, len(e.Voters))
	isVoter := make(map[string]bool, len(e.Voters))
	for _, v := range e.Voters {
		if v != "" && !isVoter[v] {
			isVoter[v] = true
			voters = append(voters, v)
		}
	}
	slices.Sort(voters)

	cast := make(map[string]VoteChoice, len(ballots))
	for _, b := range ballots {
		switch _, dup := cast[b.OrganizationID]; {
		case !isVoter[b.OrganizationID]:
			return Outcome{}, ErrorAt(EINVALID, "votes", "%s has no vote on this decision", b.OrganizationID)
		case dup:
			return Outcome{}, ErrorAt(EINVALID, "votes", "%s has voted more than once", b.OrganizationID)
		case !b.Choice.Valid():
			return Outcome{}, ErrorAt(EINVALID, "votes", "%q is not a vote; vote for, against, abstain or opt_out", string(b.Choice))
		case b.Choice == VoteOptOut && rule != RuleOptIn:
			return Outcome{}, ErrorAt(EINVALID, "votes", "opt_out is only possible when each member decides for itself (opt_in)")
		}
		cast[b.OrganizationID] = b.Choice
	}

	n := len(voters)
	out := Outcome{Participants: []string{}}
	for _, v := range voters {
		switch cast[v] {
		case VoteFor:
			out.For++
		case VoteAgainst:
			out.Against++
		case VoteAbstain:
			out.Abstain++
		case VoteOptOut:
			out.OptOut++
		default:
			out.NotVoted++
		}
	}
	out.Quorum = e.Quorum
	if out.Quorum <= 0 {
		out.Quorum = n/2 + 1
	}
	out.Quorum = min(out.Quorum, n)

	t := tallyState{Outcome: out, n: n, took: n - out.NotVoted, closed: closed}
	switch rule {
	case RuleConsensus:
		t.consensus()
	case RuleUnanimity:
		t.unanimity()
	case RuleMajority:
		t.majority(false, "", false)
	case RuleMajorityChair:
		var chairVote VoteChoice
		chairPending := false
		if isVoter[e.Chair] {
			chairVote = cast[e.Chair]
			chairPending = chairVote == ""
		}
		t.majority(true, chairVote, chairPending)
	case RuleOptIn:
		t.optIn(voters, cast)
	}
	if t.Result == OutcomeAdopted && rule != RuleOptIn {
		t.Participants = voters
	}
	return t.Outcome, nil
}

// tallyState is an outcome being worked out.
type tallyState struct {
	Outcome
	n, took int // voters, and voters that cast a ballot
	closed  bool
}

func (t *tallyState) quorumMet() bool { return t.took >= t.Quorum }

func (t *tallyState) set(r OutcomeResult, final bool, why Phrase) {
	t.Result, t.Final, t.Explanation = r, final || t.closed, why
}

func (t *tallyState) pending() {
	t.set(OutcomePending, false, Phrasef("waiting for %d of %d votes", t.NotVoted, t.n))
}

// short ends a decision whose quorum is not met: no_quorum at close,
// pending while open.
func (t *tallyState) short() {
	if t.closed {
		t.set(OutcomeNoQuorum, true, Phrasef("no quorum: %d of %d took part, %d needed", t.took, t.n, t.Quorum))
		return
	}
	t.set(OutcomePending, false, Phrasef("waiting for votes: %d of %d took part, %d needed", t.took, t.n, t.Quorum))
}

func (t *tallyState) consensus() {
	switch {
	case t.Against > 0:
		t.set(OutcomeRejected, true, Phrasef("rejected: %d against under consensus", t.Against))
	case !t.quorumMet():
		t.short()
	case t.closed || t.NotVoted == 0:
		t.set(OutcomeAdopted, true, Phrasef("adopted by consensus: %d for, %d abstained, nobody against; %d of %d took part, %d needed",
			t.For, t.Abstain, t.took, t.n, t.Quorum))
	default:
		t.set(OutcomeAdopted, false, Phrasef("adopted by consensus so far: %d for, %d abstained, nobody against; %d of %d yet to vote",
			t.For, t.Abstain, t.NotVoted, t.n))
	}
}

func (t *tallyState) unanimity() {
	switch {
	case t.Against > 0 || t.Abstain > 0:
		t.set(OutcomeRejected, true, Phrasef("rejected: unanimity needs every vote for, but %d voted against and %d abstained",
			t.Against, t.Abstain))
	case t.For == t.n:
		t.set(OutcomeAdopted, true, Phrasef("adopted unanimously: all %d voted for", t.n))
	case !t.closed:
		t.pending()
	case !t.quorumMet():
		t.short()
	default:
		t.set(OutcomeRejected, true, Phrasef("rejected: unanimity needs every vote for, but %d of %d did not vote",
			t.NotVoted, t.n))
	}
}

// majority decides by majority. Under majority_chair (chairRule), chairVote
// is the chair's ballot, "" when the chair has not voted or there is no
// chair, and chairPending says the chair is a voter that has not voted yet.
func (t *tallyState) majority(chairRule bool, chairVote VoteChoice, chairPending bool) {
	if !t.quorumMet() {
		t.short()
		return
	}
	f, a, r := t.For, t.Against, t.NotVoted
	tieFor := chairVote == VoteFor
	if t.closed || r == 0 {
		switch {
		case f > a:
			t.set(OutcomeAdopted, true, Phrasef("adopted by majority: %d for, %d against, %d abstained; %d of %d took part, %d needed",
				f, a, t.Abstain, t.took, t.n, t.Quorum))
		case f < a:
			t.set(OutcomeRejected, true, Phrasef("rejected by majority: %d for, %d against, %d abstained; %d of %d took part, %d needed",
				f, a, t.Abstain, t.took, t.n, t.Quorum))
		case !chairRule:
			t.set(OutcomeRejected, true, Phrasef("rejected: tie %d–%d; a tie rejects under majority", f, a))
		case tieFor:
			t.set(OutcomeAdopted, true, Phrasef("adopted: tie %d–%d decided by the chair's vote for", f, a))
		case chairVote == VoteAgainst:
			t.set(OutcomeRejected, true, Phrasef("rejected: tie %d–%d decided by the chair's vote against", f, a))
		default:
			t.set(OutcomeRejected, true, Phrasef("rejected: tie %d–%d, and the chair did not break it", f, a))
		}
		return
	}
	// Open with r votes missing: decide early only when every way the
	// missing voters may vote (or not) gives the same result. The worst
	// case for adoption is all r against; the best is all r for, the
	// chair's among them when it is still missing.
	switch {
	case f > a+r || (tieFor && f == a+r):
		t.set(OutcomeAdopted, true, Phrasef("adopted by majority: %d for, %d against; the %d yet to vote cannot change that", f, a, r))
	case f+r < a || (f+r == a && !tieFor && !chairPending):
		t.set(OutcomeRejected, true, Phrasef("rejected by majority: %d for, %d against; the %d yet to vote cannot change that", f, a, r))
	default:
		t.pending()
	}
}

func (t *tallyState) optIn(voters []string, cast map[string]VoteChoice) {
	t.Quorum = 0
	for _, v := range voters {
		if cast[v] == VoteFor {
			t.Participants = append(t.Participants, v)
		}
	}
	switch undecided := t.NotVoted + t.Abstain; {
	case !t.closed && undecided > 0:
		t.set(OutcomePending, false, Phrasef("waiting for %d of %d members to decide whether to take part", undecided, t.n))
	case t.For > 0:
		t.set(OutcomeAdopted, true, Phrasef("adopted for the %d of %d members that opted in", t.For, t.n))
	default:
		t.set(OutcomeRejected, true, Phrasef("rejected: none of the %d members opted in", t.n))
	}
}
