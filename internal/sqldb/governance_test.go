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

// unchanged fails the test when fn changes the database.
func unchanged(t *testing.T, db *sqldb.DB, fn func()) {
	t.Helper()
	before, err := db.Fingerprint(ctx)
	must(t, err)
	fn()
	after, err := db.Fingerprint(ctx)
	must(t, err)
	if before != after {
		t.Fatal("a refused change changed the database")
	}
}

// withObserver adds Aarhus to the story's collaboration as an observer
// from 2015 and reloads the actors.
func withObserver(t *testing.T, s *story) {
	t.Helper()
	testkit.Join(t, s.db, s.collab.ID, samspil.InvitationInput{OrganizationID: testkit.Aarhus, Role: samspil.MemberRoleObserver,
		Commitment: samspil.CommitmentObserver, Since: samspil.NewDate(2015, 1, 1)})
	s.aAdmin.Actor = testkit.Actor(t, s.db, s.aAdmin.User.ID)
}

func vote(t *testing.T, db *sqldb.DB, actor *samspil.Actor, d *samspil.Decision, orgID string, choice samspil.VoteChoice) *samspil.Decision {
	t.Helper()
	out, err := db.CastVote(ctx, actor, d.ID, samspil.VoteInput{OrganizationID: orgID, Choice: choice})
	must(t, err)
	return out
}

func TestDecisionStory(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		s := newStory(t, db, samspil.VisibilityPrivate)
		withObserver(t, s)
		c, sk, vb := s.collab, s.silkeborg.ID, s.viborg.ID
		day := samspil.NewDate(2016, 3, 1)
		propose := func(title string, rule samspil.DecisionRule) *samspil.Decision {
			t.Helper()
			d, err := db.CreateDecision(ctx, s.sAdmin.Actor, c.ID, samspil.DecisionInput{Title: title, Rule: rule, DecidedOn: day})
			must(t, err)
			return d
		}

		// Only the secretariat puts proposals; a member and an outsider may not.
		_, err := db.CreateDecision(ctx, s.vAdmin.Actor, c.ID, samspil.DecisionInput{Title: "Fælles ESDH", DecidedOn: day})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		unchanged(t, db, func() {
			_, err = db.CreateDecision(ctx, s.sAdmin.Actor, c.ID, samspil.DecisionInput{Title: "Før tid", DecidedOn: samspil.NewDate(2013, 6, 1)})
			wantField(t, err, samspil.EINVALID, "decided_on")
			_, err = db.CreateDecision(ctx, s.sAdmin.Actor, c.ID, samspil.DecisionInput{Title: "X", ForumID: "no-such-forum"})
			wantField(t, err, samspil.EINVALID, "forum_id")
			_, err = db.CreateDecision(ctx, s.sAdmin.Actor, c.ID, samspil.DecisionInput{Title: "X", MeetingID: "no-such-meeting"})
			wantField(t, err, samspil.EINVALID, "meeting_id")
			_, err = db.CreateDecision(ctx, s.sAdmin.Actor, c.ID, samspil.DecisionInput{Title: "X", StrategyIDs: []string{"no-such-strategy"}})
			wantField(t, err, samspil.EINVALID, "strategy_ids[0]")
		})

		// The rule defaults to the collaboration's, the day to today.
		dflt, err := db.CreateDecision(ctx, s.sAdmin.Actor, c.ID, samspil.DecisionInput{Title: "Standard"})
		must(t, err)
		if dflt.Rule != samspil.RuleConsensus || dflt.DecidedOn != samspil.Today(samspil.Now()) || dflt.Outcome.Result != samspil.OutcomePending {
			t.Fatalf("defaults %+v", dflt)
		}

		// Majority, 1–1: a tie rejects.
		maj := propose("Fælles ESDH-system", samspil.RuleMajority)
		vote(t, db, s.sAdmin.Actor, maj, sk, samspil.VoteFor)
		maj = vote(t, db, s.vAdmin.Actor, maj, vb, samspil.VoteAgainst)
		if o := maj.Outcome; o.Result != samspil.OutcomeRejected || !o.Final || o.For != 1 || o.Against != 1 || len(maj.Votes) != 2 {
			t.Fatalf("majority 1–1: %+v", maj)
		}
		// A second vote without saying it replaces the first is refused.
		unchanged(t, db, func() {
			_, err = db.CastVote(ctx, s.vAdmin.Actor, maj.ID, samspil.VoteInput{OrganizationID: vb, Choice: samspil.VoteAbstain})
			wantField(t, err, samspil.ECONFLICT, "organization_id")
		})
		// Viborg changes its vote: the vote is replaced, not added.
		maj, err = db.CastVote(ctx, s.vAdmin.Actor, maj.ID, samspil.VoteInput{OrganizationID: vb, Choice: samspil.VoteAbstain, Replace: true})
		must(t, err)
		if len(maj.Votes) != 2 || maj.Outcome.Result != samspil.OutcomeAdopted || maj.Outcome.Abstain != 1 {
			t.Fatalf("after the change: %+v", maj)
		}
		if countAudit(t, db, "decision.vote.change") != 1 || countAudit(t, db, "decision.vote") != 2 {
			t.Fatal("votes are not audited as cast and changed")
		}

		// An observer has no vote; Viborg cannot vote for Silkeborg; a viewer cannot vote at all.
		unchanged(t, db, func() {
			_, err = db.CastVote(ctx, s.aAdmin.Actor, maj.ID, samspil.VoteInput{OrganizationID: s.aarhus.ID, Choice: samspil.VoteFor})
			wantField(t, err, samspil.EINVALID, "organization_id")
			if !strings.Contains(err.Error(), "observer") {
				t.Errorf("the refusal does not name the problem: %v", err)
			}
			_, err = db.CastVote(ctx, s.vAdmin.Actor, maj.ID, samspil.VoteInput{OrganizationID: sk, Choice: samspil.VoteAgainst})
			testkit.ErrCode(t, err, samspil.EFORBIDDEN)
			_, err = db.CastVote(ctx, s.vViewer.Actor, maj.ID, samspil.VoteInput{OrganizationID: vb, Choice: samspil.VoteAgainst})
			testkit.ErrCode(t, err, samspil.EFORBIDDEN)
			_, err = db.CastVote(ctx, s.sAdmin.Actor, maj.ID, samspil.VoteInput{OrganizationID: "0461", Choice: samspil.VoteFor})
			wantField(t, err, samspil.EINVALID, "organization_id")
			// opt_out only where each member decides for itself.
			_, err = db.CastVote(ctx, s.sAdmin.Actor, maj.ID, samspil.VoteInput{OrganizationID: sk, Choice: samspil.VoteOptOut})
			wantField(t, err, samspil.EINVALID, "choice")
			_, err = db.CastVote(ctx, s.sAdmin.Actor, maj.ID, samspil.VoteInput{OrganizationID: sk, Choice: "maybe"})
			wantField(t, err, samspil.EINVALID, "choice")
		})

		// Majority with the chair's casting vote: Silkeborg chairs, so its vote decides the tie.
		mark := auditMark(t, db)
		_, err = db.SetChairTerms(ctx, s.sAdmin.Actor, c.ID, []samspil.ChairTerm{{OrganizationID: sk, From: samspil.NewDate(2014, 1, 1)}})
		must(t, err)
		wantEvent(t, db, mark, "collaboration.chairs", sk, c.ID)
		chair := propose("Fælles ESDH-system, igen", samspil.RuleMajorityChair)
		vote(t, db, s.sAdmin.Actor, chair, sk, samspil.VoteFor)
		chair = vote(t, db, s.vAdmin.Actor, chair, vb, samspil.VoteAgainst)
		if chair.Outcome.Result != samspil.OutcomeAdopted || !chair.Outcome.Final {
			t.Fatalf("majority_chair: %+v", chair.Outcome)
		}

		// A proxy lets Viborg vote for Silkeborg on that decision only.
		px := propose("Fælles indkøb af mødeudstyr", samspil.RuleMajority)
		unchanged(t, db, func() {
			_, err = db.SetProxy(ctx, s.sAdmin.Actor, px.ID, samspil.Proxy{OrganizationID: sk, ProxyOrganizationID: sk})
			wantField(t, err, samspil.EINVALID, "proxy_organization_id")
			_, err = db.SetProxy(ctx, s.sAdmin.Actor, px.ID, samspil.Proxy{OrganizationID: sk, ProxyOrganizationID: s.aarhus.ID})
			wantField(t, err, samspil.EINVALID, "proxy_organization_id")
			_, err = db.SetProxy(ctx, s.sAdmin.Actor, px.ID, samspil.Proxy{OrganizationID: s.aarhus.ID, ProxyOrganizationID: sk})
			wantField(t, err, samspil.EINVALID, "organization_id")
			// Viborg cannot take Silkeborg's proxy for itself.
			_, err = db.SetProxy(ctx, s.vAdmin.Actor, px.ID, samspil.Proxy{OrganizationID: sk, ProxyOrganizationID: vb})
			testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		})
		px, err = db.SetProxy(ctx, s.sAdmin.Actor, px.ID, samspil.Proxy{OrganizationID: sk, ProxyOrganizationID: vb})
		must(t, err)
		if len(px.Proxies) != 1 || px.Proxies[0].ProxyOrganizationID != vb {
			t.Fatalf("proxies %+v", px.Proxies)
		}
		// Giving the same proxy again, or withdrawing one never given, is
		// no change and leaves no audit event.
		unchanged(t, db, func() {
			again, err := db.SetProxy(ctx, s.sAdmin.Actor, px.ID, samspil.Proxy{OrganizationID: sk, ProxyOrganizationID: vb})
			must(t, err)
			none, err := db.SetProxy(ctx, s.vAdmin.Actor, px.ID, samspil.Proxy{OrganizationID: vb})
			must(t, err)
			if again.Version != px.Version || none.Version != px.Version || len(none.Proxies) != 1 {
				t.Fatalf("a proxy as it was: versions %d and %d, want %d; proxies %+v", again.Version, none.Version, px.Version, none.Proxies)
			}
		})
		px = vote(t, db, s.vAdmin.Actor, px, sk, samspil.VoteFor)
		px = vote(t, db, s.vAdmin.Actor, px, vb, samspil.VoteFor)
		i := slices.IndexFunc(px.Votes, func(v samspil.Vote) bool { return v.OrganizationID == sk })
		if i < 0 || !px.Votes[i].ProxyFor || px.Votes[i].CastByOrganization != vb || px.Outcome.Result != samspil.OutcomeAdopted {
			t.Fatalf("proxy vote: %+v", px)
		}
		// The proxy does not carry over to another decision.
		_, err = db.CastVote(ctx, s.vAdmin.Actor, maj.ID, samspil.VoteInput{OrganizationID: sk, Choice: samspil.VoteFor})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)

		// Closing: managers only, with the current version; a closed decision takes no votes.
		_, err = db.CloseDecision(ctx, s.vAdmin.Actor, maj.ID, maj.Version)
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		_, err = db.CloseDecision(ctx, s.sAdmin.Actor, maj.ID, maj.Version-1)
		testkit.ErrCode(t, err, samspil.ESTALE)
		closed, err := db.CloseDecision(ctx, s.sAdmin.Actor, maj.ID, maj.Version)
		must(t, err)
		if closed.Status != samspil.DecisionClosed || !closed.Outcome.Final || closed.Outcome.Result != samspil.OutcomeAdopted {
			t.Fatalf("closed %+v", closed)
		}
		unchanged(t, db, func() {
			_, err = db.CastVote(ctx, s.vAdmin.Actor, maj.ID, samspil.VoteInput{OrganizationID: vb, Choice: samspil.VoteAgainst})
			testkit.ErrCode(t, err, samspil.ECONFLICT)
			_, err = db.CloseDecision(ctx, s.sAdmin.Actor, maj.ID, closed.Version)
			testkit.ErrCode(t, err, samspil.ECONFLICT)
		})

		// opt_in: each member decides for itself; it applies to those that opted in.
		opt := propose("Fælles borgerservice-chatbot", samspil.RuleOptIn)
		vote(t, db, s.sAdmin.Actor, opt, sk, samspil.VoteFor)
		opt = vote(t, db, s.vAdmin.Actor, opt, vb, samspil.VoteOptOut)
		if opt.Outcome.Result != samspil.OutcomeAdopted || !slices.Equal(opt.Outcome.Participants, []string{sk}) || opt.Outcome.OptOut != 1 {
			t.Fatalf("opt_in: %+v", opt.Outcome)
		}

		// The viewer reads what the members decided; Aarhus, an observer, too; the list pages.
		got, err := db.FindDecision(ctx, s.vViewer.Actor, px.ID)
		must(t, err)
		if got.Outcome.Result != samspil.OutcomeAdopted || len(got.Votes) != 2 {
			t.Fatalf("viewer sees %+v", got)
		}
		seen := map[string]bool{}
		f := samspil.DecisionFilter{CollaborationID: c.ID, ListOptions: samspil.ListOptions{Limit: 2}}
		for {
			p, err := db.ListDecisions(ctx, s.aAdmin.Actor, f)
			must(t, err)
			for _, d := range p.Items {
				if seen[d.ID] {
					t.Fatalf("%s listed twice", d.Title)
				}
				seen[d.ID] = true
			}
			if f.Cursor = p.NextCursor; f.Cursor == "" {
				break
			}
		}
		if len(seen) != 5 {
			t.Fatalf("listed %d decisions, want 5", len(seen))
		}
		p, err := db.ListDecisions(ctx, s.vViewer.Actor, samspil.DecisionFilter{CollaborationID: c.ID, Status: samspil.DecisionClosed})
		must(t, err)
		if len(p.Items) != 1 || p.Items[0].ID != maj.ID {
			t.Fatalf("closed decisions %+v", p.Items)
		}
		for _, action := range []string{"decision.create", "decision.proxy", "decision.close"} {
			if countAudit(t, db, action) == 0 {
				t.Errorf("no %s audit event", action)
			}
		}

		// A closed decision keeps its outcome when the members change later:
		// Viborg becoming an observer does not take back its vote.
		open, err := db.FindDecision(ctx, s.sAdmin.Actor, opt.ID)
		must(t, err)
		cur, err := db.FindCollaboration(ctx, s.sAdmin.Actor, c.ID)
		must(t, err)
		if cur.MemberOn(vb, samspil.Today(time.Now())) == nil {
			t.Fatal("Viborg is no member today")
		}
		testkit.Adjust(t, db, c.ID, samspil.AdjustmentInput{Title: "Viborg observerer", EffectiveOn: samspil.Today(time.Now()),
			Roles: []samspil.RoleChange{{OrganizationID: vb, Role: samspil.MemberRoleObserver}}})
		again, err := db.FindDecision(ctx, s.vViewer.Actor, maj.ID)
		must(t, err)
		if again.Outcome.Result != closed.Outcome.Result || again.Outcome.For != closed.Outcome.For || again.Outcome.Against != closed.Outcome.Against ||
			again.Outcome.Explanation.String() != closed.Outcome.Explanation.String() || again.Outcome.Explanation.Format != closed.Outcome.Explanation.Format {
			t.Fatalf("the kept outcome changed:\n%+v\n%+v", again.Outcome, closed.Outcome)
		}
		// An open decision follows the members of its day as they are now.
		reopened, err := db.FindDecision(ctx, s.sAdmin.Actor, opt.ID)
		must(t, err)
		if reopened.Outcome.NotVoted+reopened.Outcome.For+reopened.Outcome.OptOut+reopened.Outcome.Against+reopened.Outcome.Abstain ==
			open.Outcome.NotVoted+open.Outcome.For+open.Outcome.OptOut+open.Outcome.Against+open.Outcome.Abstain {
			t.Fatalf("an open decision did not follow the change of members: %+v", reopened.Outcome)
		}
	})
}

func TestAmbitionDrift(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		s := newStory(t, db, samspil.VisibilityPrivate)
		c, sk, vb := s.collab, s.silkeborg.ID, s.viborg.ID
		declare := func(actor *samspil.Actor, org string, on samspil.Date, level int) {
			t.Helper()
			_, err := db.DeclareAmbitions(ctx, actor, c.ID, samspil.AmbitionInput{OrganizationID: org, DeclaredOn: on,
				Levels: []samspil.AmbitionLevel{{Area: samspil.AreaSharedSystems, Level: level, Explanation: "Fælles systemer"}}})
			must(t, err)
		}
		declare(s.sAdmin.Actor, sk, samspil.NewDate(2014, 2, 1), samspil.LevelJoint)
		declare(s.vAdmin.Actor, vb, samspil.NewDate(2014, 2, 1), samspil.LevelJoint)
		al, err := db.Alignment(ctx, s.vViewer.Actor, c.ID, samspil.NewDate(2015, 1, 1))
		must(t, err)
		if al.MaxSpread != 0 || al.Areas[0].Area != samspil.AreaSharedSystems || al.Areas[0].Levels[sk] != 3 || al.Areas[0].Levels[vb] != 3 {
			t.Fatalf("2015: %+v", al)
		}
		// 2017: Viborg only wants to share knowledge.
		declare(s.vAdmin.Actor, vb, samspil.NewDate(2017, 3, 1), samspil.LevelKnowledge)
		al, err = db.Alignment(ctx, s.sAdmin.Actor, c.ID, samspil.NewDate(2017, 6, 1))
		must(t, err)
		if al.Areas[0].Spread != 2 || al.MaxSpread != 2 || len(al.Warnings) == 0 ||
			!strings.Contains(al.Warnings[0].String(), "shared_systems") {
			t.Fatalf("2017: %+v", al)
		}
		// Warnings name members by name, not by ID: Silkeborg declared in 2014.
		var texts []string
		for _, w := range al.Warnings {
			texts = append(texts, w.String())
		}
		if all := strings.Join(texts, "\n"); !strings.Contains(all, "Silkeborg Kommune last declared") || strings.Contains(all, sk) {
			t.Fatalf("warnings:\n%s", all)
		}
		hist, err := db.AlignmentHistory(ctx, s.sAdmin.Actor, c.ID, samspil.NewDate(2018, 1, 1))
		must(t, err)
		if len(hist) != 2 || hist[0].MaxSpread != 0 || hist[1].MaxSpread != 2 {
			t.Fatalf("history %+v", hist)
		}
		list, err := db.ListAmbitions(ctx, s.vViewer.Actor, c.ID)
		must(t, err)
		if len(list) != 3 || list[0].DeclaredOn != samspil.NewDate(2014, 2, 1) || list[2].OrganizationName != "Viborg Kommune" || list[2].ByName == "" {
			t.Fatalf("ambitions %+v", list)
		}

		// Viborg cannot declare for Silkeborg, a viewer not even for Viborg; nothing changes.
		unchanged(t, db, func() {
			_, err = db.DeclareAmbitions(ctx, s.vAdmin.Actor, c.ID, samspil.AmbitionInput{OrganizationID: sk,
				Levels: []samspil.AmbitionLevel{{Area: samspil.AreaSharedSystems, Level: 0}}})
			testkit.ErrCode(t, err, samspil.EFORBIDDEN)
			_, err = db.DeclareAmbitions(ctx, s.vViewer.Actor, c.ID, samspil.AmbitionInput{OrganizationID: vb,
				Levels: []samspil.AmbitionLevel{{Area: samspil.AreaSharedSystems, Level: 0}}})
			testkit.ErrCode(t, err, samspil.EFORBIDDEN)
			_, err = db.DeclareAmbitions(ctx, s.sAdmin.Actor, c.ID, samspil.AmbitionInput{OrganizationID: sk, DeclaredOn: samspil.NewDate(2013, 1, 1),
				Levels: []samspil.AmbitionLevel{{Area: samspil.AreaSharedSystems, Level: 0}}})
			wantField(t, err, samspil.EINVALID, "organization_id")
			_, err = db.DeclareAmbitions(ctx, s.sAdmin.Actor, c.ID, samspil.AmbitionInput{OrganizationID: sk,
				Levels: []samspil.AmbitionLevel{{Area: "everything", Level: 9}}})
			wantField(t, err, samspil.EINVALID, "levels[0].area")
			_, err = db.DeclareAmbitions(ctx, s.aAdmin.Actor, c.ID, samspil.AmbitionInput{OrganizationID: s.aarhus.ID,
				Levels: []samspil.AmbitionLevel{{Area: samspil.AreaSharedSystems, Level: 4}}})
			testkit.ErrCode(t, err, samspil.ENOTFOUND)
		})
		if countAudit(t, db, "ambition.declare") != 3 {
			t.Fatal("declarations are not audited")
		}
		testkit.ErrCode(t, errOf(db.Alignment(ctx, s.aAdmin.Actor, c.ID, samspil.Date{})), samspil.ENOTFOUND)
	})
}

func TestStrategiesInForce(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		s := newStory(t, db, samspil.VisibilitySector)
		c, sk, vb := s.collab, s.silkeborg.ID, s.viborg.ID
		mark := auditMark(t, db)
		joint, err := db.CreateStrategy(ctx, s.sAdmin.Actor, samspil.StrategyInput{CollaborationID: c.ID, Title: "Fælles digitaliseringsstrategi 2014–2018",
			From: samspil.NewDate(2014, 1, 1), Until: ptr(samspil.NewDate(2018, 12, 31)), Visibility: samspil.VisibilityPartners,
			Owners: []samspil.StrategyOwner{{OrganizationID: testkit.Silkeborg}, {OrganizationID: testkit.Viborg}},
			Goals:  []samspil.Goal{{Title: "Fælles systemer, hvor det giver mening"}}})
		must(t, err)
		wantEvent(t, db, mark, "strategy.create", sk, joint.ID)
		if !joint.Joint() || joint.Scope != "digitalisation" || joint.Owners[1].OrganizationID != vb || len(joint.Goals) != 1 {
			t.Fatalf("joint %+v", joint)
		}
		// Each owner adopts for itself only.
		unchanged(t, db, func() {
			_, err = db.AdoptStrategy(ctx, s.sAdmin.Actor, joint.ID, vb, samspil.NewDate(2014, 3, 1))
			testkit.ErrCode(t, err, samspil.EFORBIDDEN)
			_, err = db.AdoptStrategy(ctx, s.sAdmin.Actor, joint.ID, s.aarhus.ID, samspil.NewDate(2014, 3, 1))
			wantField(t, err, samspil.EINVALID, "organization_id")
			_, err = db.CreateStrategy(ctx, s.sAdmin.Actor, samspil.StrategyInput{Title: "Viborgs strategi", From: samspil.NewDate(2019, 1, 1),
				Owners: []samspil.StrategyOwner{{OrganizationID: vb}}})
			testkit.ErrCode(t, err, samspil.EFORBIDDEN)
			_, err = db.CreateStrategy(ctx, s.sAdmin.Actor, samspil.StrategyInput{CollaborationID: c.ID, Title: "Med Aarhus", From: samspil.NewDate(2019, 1, 1),
				Owners: []samspil.StrategyOwner{{OrganizationID: sk}, {OrganizationID: testkit.Aarhus}}})
			wantField(t, err, samspil.EINVALID, "owners[1].organization_id")
			_, err = db.CreateStrategy(ctx, s.vAdmin.Actor, samspil.StrategyInput{Title: "Vedtaget for Silkeborg", From: samspil.NewDate(2019, 1, 1),
				Owners: []samspil.StrategyOwner{{OrganizationID: vb}, {OrganizationID: sk, AdoptedOn: ptr(samspil.NewDate(2019, 1, 1))}}})
			testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		})
		_, err = db.AdoptStrategy(ctx, s.sAdmin.Actor, joint.ID, sk, samspil.NewDate(2014, 3, 1))
		must(t, err)
		_, err = db.AdoptStrategy(ctx, s.vAdmin.Actor, joint.ID, testkit.Viborg, samspil.NewDate(2014, 3, 15))
		must(t, err)

		// Viborg adopts its own strategy in 2019; re-adopting moves the day.
		own, err := db.CreateStrategy(ctx, s.vAdmin.Actor, samspil.StrategyInput{Title: "Viborg Kommunes digitaliseringsstrategi 2019–2022",
			From: samspil.NewDate(2019, 1, 1), Until: ptr(samspil.NewDate(2022, 12, 31)), Visibility: samspil.VisibilityPrivate,
			Owners: []samspil.StrategyOwner{{OrganizationID: vb, AdoptedOn: ptr(samspil.NewDate(2019, 5, 1))}}})
		must(t, err)
		own, err = db.AdoptStrategy(ctx, s.vAdmin.Actor, own.ID, vb, samspil.NewDate(2019, 6, 1))
		must(t, err)
		if *own.Owners[0].AdoptedOn != samspil.NewDate(2019, 6, 1) || own.Version != 2 || countAudit(t, db, "strategy.adopt") != 3 {
			t.Fatalf("re-adopted %+v", own)
		}

		// In 2020 the joint strategy is still in force for Silkeborg, past its period; Viborg has its own.
		cov, err := db.Coverage(ctx, s.vAdmin.Actor, c.ID, samspil.NewDate(2020, 1, 1))
		must(t, err)
		if len(cov) != 2 || cov[0].OrganizationID != sk || cov[0].StrategyID != joint.ID || !cov[0].PastPeriod || !cov[0].Joint ||
			cov[1].StrategyID != own.ID {
			t.Fatalf("coverage 2020: %+v", cov)
		}
		cov, err = db.Coverage(ctx, s.vAdmin.Actor, c.ID, samspil.NewDate(2016, 1, 1))
		must(t, err)
		if cov[1].StrategyID != joint.ID {
			t.Fatalf("coverage 2016: %+v", cov)
		}

		// Visibility relative to the owners: Viborg's private strategy is Viborg's alone;
		// the joint one is shared with partners, which Aarhus is not.
		testkit.ErrCode(t, errOf(db.FindStrategy(ctx, s.sAdmin.Actor, own.ID)), samspil.ENOTFOUND)
		testkit.ErrCode(t, errOf(db.FindStrategy(ctx, s.aAdmin.Actor, joint.ID)), samspil.ENOTFOUND)
		testkit.ErrCode(t, errOf(db.AdoptStrategy(ctx, s.sAdmin.Actor, own.ID, sk, samspil.Date{})), samspil.ENOTFOUND)
		if _, err := db.FindStrategy(ctx, s.vViewer.Actor, joint.ID); err != nil {
			t.Fatal(err)
		}
		list, err := db.ListStrategies(ctx, s.sAdmin.Actor, "", testkit.Viborg)
		must(t, err)
		if len(list) != 1 || list[0].ID != joint.ID {
			t.Fatalf("Silkeborg lists Viborg's strategies %+v", list)
		}
		list, err = db.ListStrategies(ctx, s.vViewer.Actor, c.ID, "")
		must(t, err)
		if len(list) != 1 || list[0].ID != joint.ID {
			t.Fatalf("the collaboration's strategies %+v", list)
		}
		// A decision may serve the joint strategy, not one the secretariat cannot see.
		d, err := db.CreateDecision(ctx, s.sAdmin.Actor, c.ID, samspil.DecisionInput{Title: "Strategien følges op", StrategyIDs: []string{joint.ID}})
		must(t, err)
		if !slices.Equal(d.StrategyIDs, []string{joint.ID}) {
			t.Fatalf("strategies %v", d.StrategyIDs)
		}
		_, err = db.CreateDecision(ctx, s.sAdmin.Actor, c.ID, samspil.DecisionInput{Title: "X", StrategyIDs: []string{own.ID}})
		wantField(t, err, samspil.EINVALID, "strategy_ids[0]")
	})
}

func TestActionItems(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		s := newStory(t, db, samspil.VisibilityPrivate)
		c, vb := s.collab, s.viborg.ID
		today := samspil.Today(samspil.Now())
		yesterday, later := today.AddDays(-1), today.AddDays(10)
		late, err := db.CreateActionItem(ctx, s.sAdmin.Actor, c.ID, samspil.ActionItemInput{Title: "Udkast til fælles ESDH-udbud",
			OwnerUserID: s.vAdmin.User.ID, OrganizationID: testkit.Viborg, Due: &yesterday})
		must(t, err)
		if !late.Overdue || late.OwnerName == "" || late.OrganizationID != vb || late.OrganizationName != "Viborg Kommune" || late.Status != samspil.ActionOpen {
			t.Fatalf("late %+v", late)
		}
		soon, err := db.CreateActionItem(ctx, s.vAdmin.Actor, c.ID, samspil.ActionItemInput{Title: "Tjek licenser", OwnerUserID: s.vViewer.User.ID, Due: &later})
		must(t, err)
		whenever, err := db.CreateActionItem(ctx, s.sAdmin.Actor, c.ID, samspil.ActionItemInput{Title: "Evaluér samarbejdet"})
		must(t, err)
		next, err := db.CreateActionItem(ctx, s.sAdmin.Actor, c.ID, samspil.ActionItemInput{Title: "Næste skridt", Due: ptr(later.AddDays(5))})
		must(t, err)
		if soon.Overdue || whenever.Overdue || next.Overdue {
			t.Fatal("overdue without being late")
		}
		sViewer := testkit.NewPerson(t, db, "viewer@silkeborg.example", testkit.Silkeborg, samspil.RoleViewer)
		unchanged(t, db, func() {
			_, err = db.CreateActionItem(ctx, s.vViewer.Actor, c.ID, samspil.ActionItemInput{Title: "X"})
			testkit.ErrCode(t, err, samspil.EFORBIDDEN)
			_, err = db.CreateActionItem(ctx, s.sAdmin.Actor, c.ID, samspil.ActionItemInput{Title: "X", OwnerUserID: s.aAdmin.User.ID})
			wantField(t, err, samspil.EINVALID, "owner_user_id")
			_, err = db.CreateActionItem(ctx, s.sAdmin.Actor, c.ID, samspil.ActionItemInput{Title: "X", OrganizationID: s.aarhus.ID})
			wantField(t, err, samspil.EINVALID, "organization_id")
			_, err = db.CreateActionItem(ctx, s.sAdmin.Actor, c.ID, samspil.ActionItemInput{Title: "X", MeetingID: "no-such-meeting"})
			wantField(t, err, samspil.EINVALID, "meeting_id")
			_, err = db.CreateActionItem(ctx, s.aAdmin.Actor, c.ID, samspil.ActionItemInput{Title: "X"})
			testkit.ErrCode(t, err, samspil.ENOTFOUND)
			// Silkeborg's viewer is neither owner, responsible nor manager.
			_, err = db.UpdateActionItem(ctx, sViewer.Actor, late.ID, late.Version, samspil.ActionItemPatch{Status: ptr(samspil.ActionDone)})
			testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		})

		// Done records the day; reopening clears it.
		done, err := db.UpdateActionItem(ctx, s.vAdmin.Actor, late.ID, late.Version, samspil.ActionItemPatch{Status: ptr(samspil.ActionDone)})
		must(t, err)
		if done.DoneOn == nil || *done.DoneOn != today || done.Overdue {
			t.Fatalf("done %+v", done)
		}
		_, err = db.UpdateActionItem(ctx, s.vAdmin.Actor, late.ID, late.Version, samspil.ActionItemPatch{Status: ptr(samspil.ActionInProgress)})
		testkit.ErrCode(t, err, samspil.ESTALE)
		again, err := db.UpdateActionItem(ctx, s.vAdmin.Actor, late.ID, done.Version, samspil.ActionItemPatch{Status: ptr(samspil.ActionInProgress)})
		must(t, err)
		if again.DoneOn != nil || !again.Overdue {
			t.Fatalf("reopened %+v", again)
		}
		// Done on a day of its own, recorded afterwards; not in the future,
		// and no day for an item that is not done. Refusals change nothing.
		_, err = db.UpdateActionItem(ctx, s.vAdmin.Actor, late.ID, again.Version, samspil.ActionItemPatch{Status: ptr(samspil.ActionDone),
			DoneOn: ptr(today.AddDays(1))})
		wantField(t, err, samspil.EINVALID, "done_on")
		_, err = db.UpdateActionItem(ctx, s.vAdmin.Actor, late.ID, again.Version, samspil.ActionItemPatch{DoneOn: ptr(today.AddDays(-3))})
		wantField(t, err, samspil.EINVALID, "done_on")
		earlier, err := db.UpdateActionItem(ctx, s.vAdmin.Actor, late.ID, again.Version, samspil.ActionItemPatch{Status: ptr(samspil.ActionDone),
			DoneOn: ptr(today.AddDays(-3))})
		must(t, err)
		if earlier.DoneOn == nil || *earlier.DoneOn != today.AddDays(-3) || earlier.Version != again.Version+1 {
			t.Fatalf("done earlier %+v", earlier)
		}
		// Changing something else keeps the day.
		if kept, err := db.UpdateActionItem(ctx, s.vAdmin.Actor, late.ID, earlier.Version, samspil.ActionItemPatch{Title: ptr("Svar til Viborg")}); err != nil ||
			kept.DoneOn == nil || *kept.DoneOn != today.AddDays(-3) {
			t.Fatalf("kept %+v %v", kept, err)
		}
		// The owner, a viewer, updates their own item; an empty due date clears it.
		mine, err := db.UpdateActionItem(ctx, s.vViewer.Actor, soon.ID, soon.Version, samspil.ActionItemPatch{Due: &samspil.Date{},
			Status: ptr(samspil.ActionInProgress)})
		must(t, err)
		if mine.Due != nil || mine.Status != samspil.ActionInProgress {
			t.Fatalf("owner's update %+v", mine)
		}

		// The list: by due date, those without one last, paged one at a time.
		var order []string
		f := samspil.ActionItemFilter{CollaborationID: c.ID, ListOptions: samspil.ListOptions{Limit: 1}}
		for {
			p, err := db.ListActionItems(ctx, s.vViewer.Actor, f)
			must(t, err)
			for _, a := range p.Items {
				order = append(order, a.ID)
			}
			if f.Cursor = p.NextCursor; f.Cursor == "" {
				break
			}
		}
		if !slices.Equal(order, []string{late.ID, next.ID, soon.ID, whenever.ID}) {
			t.Fatalf("order %v", order)
		}
		p, err := db.ListActionItems(ctx, s.vViewer.Actor, samspil.ActionItemFilter{OwnerUserID: s.vViewer.User.ID, OpenOnly: true})
		must(t, err)
		if len(p.Items) != 1 || p.Items[0].ID != soon.ID {
			t.Fatalf("mine %+v", p.Items)
		}
		p, err = db.ListActionItems(ctx, s.aAdmin.Actor, samspil.ActionItemFilter{})
		must(t, err)
		if len(p.Items) != 0 {
			t.Fatalf("Aarhus sees %d action items", len(p.Items))
		}
		testkit.ErrCode(t, errOf(db.FindActionItem(ctx, s.aAdmin.Actor, late.ID)), samspil.ENOTFOUND)
		if countAudit(t, db, "action_item.create") != 4 || countAudit(t, db, "action_item.update") != 5 { // done, reopened, done earlier, renamed, the owner's
			t.Fatal("action items are not audited")
		}
	})
}

// TestGovernanceCrossCollaboration: a member of Silkeborg–Viborg can neither
// see nor act in a private collaboration of Aarhus and Odense.
func TestGovernanceCrossCollaboration(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		s := newStory(t, db, samspil.VisibilityPrivate)
		a := s.aAdmin.Actor
		other, err := db.CreateCollaboration(ctx, a, samspil.CollaborationInput{Name: "Østjysk netværk", Kind: samspil.KindNetwork,
			Start: samspil.NewDate(2020, 1, 1), DecisionRule: samspil.RuleMajority, Visibility: samspil.VisibilityPrivate, OrganizationID: testkit.Aarhus})
		must(t, err)
		testkit.Join(t, db, other.ID, samspil.InvitationInput{OrganizationID: "0461", Since: samspil.NewDate(2020, 1, 1)})
		a = testkit.Actor(t, db, s.aAdmin.User.ID)
		d, err := db.CreateDecision(ctx, a, other.ID, samspil.DecisionInput{Title: "Fælles drift", DecidedOn: samspil.NewDate(2021, 1, 1)})
		must(t, err)
		_, err = db.DeclareAmbitions(ctx, a, other.ID, samspil.AmbitionInput{OrganizationID: testkit.Aarhus, DeclaredOn: samspil.NewDate(2021, 1, 1),
			Levels: []samspil.AmbitionLevel{{Area: samspil.AreaJointOperations, Level: 4}}})
		must(t, err)
		st, err := db.CreateStrategy(ctx, a, samspil.StrategyInput{CollaborationID: other.ID, Title: "Østjysk strategi", From: samspil.NewDate(2021, 1, 1),
			Visibility: samspil.VisibilityPrivate, Owners: []samspil.StrategyOwner{{OrganizationID: testkit.Aarhus}}})
		must(t, err)
		item, err := db.CreateActionItem(ctx, a, other.ID, samspil.ActionItemInput{Title: "Driftsaftale"})
		must(t, err)

		x, sk := s.sAdmin.Actor, s.silkeborg.ID
		unchanged(t, db, func() {
			for name, err := range map[string]error{
				"find decision":     errOf(db.FindDecision(ctx, x, d.ID)),
				"list decisions":    errOf(db.ListDecisions(ctx, x, samspil.DecisionFilter{CollaborationID: other.ID})),
				"create decision":   errOf(db.CreateDecision(ctx, x, other.ID, samspil.DecisionInput{Title: "X"})),
				"vote":              errOf(db.CastVote(ctx, x, d.ID, samspil.VoteInput{OrganizationID: sk, Choice: samspil.VoteFor})),
				"vote for a member": errOf(db.CastVote(ctx, x, d.ID, samspil.VoteInput{OrganizationID: testkit.Aarhus, Choice: samspil.VoteFor})),
				"proxy":             errOf(db.SetProxy(ctx, x, d.ID, samspil.Proxy{OrganizationID: testkit.Aarhus, ProxyOrganizationID: sk})),
				"close":             errOf(db.CloseDecision(ctx, x, d.ID, d.Version)),
				"declare":           errOf(db.DeclareAmbitions(ctx, x, other.ID, samspil.AmbitionInput{OrganizationID: sk, Levels: []samspil.AmbitionLevel{{Area: samspil.AreaJointOperations}}})),
				"ambitions":         errOf(db.ListAmbitions(ctx, x, other.ID)),
				"alignment":         errOf(db.Alignment(ctx, x, other.ID, samspil.Date{})),
				"alignment history": errOf(db.AlignmentHistory(ctx, x, other.ID, samspil.Date{})),
				"find strategy":     errOf(db.FindStrategy(ctx, x, st.ID)),
				"adopt":             errOf(db.AdoptStrategy(ctx, x, st.ID, testkit.Aarhus, samspil.Date{})),
				"strategy":          errOf(db.CreateStrategy(ctx, x, samspil.StrategyInput{CollaborationID: other.ID, Title: "X", From: samspil.NewDate(2021, 1, 1), Owners: []samspil.StrategyOwner{{OrganizationID: sk}}})),
				"coverage":          errOf(db.Coverage(ctx, x, other.ID, samspil.Date{})),
				"find action item":  errOf(db.FindActionItem(ctx, x, item.ID)),
				"update action":     errOf(db.UpdateActionItem(ctx, x, item.ID, item.Version, samspil.ActionItemPatch{Status: ptr(samspil.ActionDone)})),
				"create action":     errOf(db.CreateActionItem(ctx, x, other.ID, samspil.ActionItemInput{Title: "X"})),
				"list action items": errOf(db.ListActionItems(ctx, x, samspil.ActionItemFilter{CollaborationID: other.ID})),
			} {
				code := samspil.ErrorCode(err)
				if name == "strategy" {
					// The input names a collaboration Silkeborg cannot see.
					if code != samspil.EINVALID {
						t.Errorf("%s: %v", name, err)
					}
					continue
				}
				if code != samspil.ENOTFOUND {
					t.Errorf("%s: %v, want not found", name, err)
				}
			}
		})
		// Unfiltered lists leave the other collaboration out.
		dp, err := db.ListDecisions(ctx, x, samspil.DecisionFilter{})
		must(t, err)
		ap, err := db.ListActionItems(ctx, x, samspil.ActionItemFilter{})
		must(t, err)
		ss, err := db.ListStrategies(ctx, x, other.ID, "")
		must(t, err)
		if len(dp.Items)+len(ap.Items)+len(ss) != 0 {
			t.Fatalf("Silkeborg lists %d decisions, %d action items, %d strategies of another collaboration", len(dp.Items), len(ap.Items), len(ss))
		}
	})
}

// TestTimelineDecisions puts closed decisions on the collaboration's
// timeline on the day they were decided, with their outcome and a link;
// open ones and those of other collaborations stay off, and the timeline
// shows only to those who may see the collaboration and its decisions.
func TestTimelineDecisions(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		s := newStory(t, db, samspil.VisibilityPrivate)
		c, sk, vb := s.collab, s.silkeborg.ID, s.viborg.ID
		decide := func(collabID, title string, rule samspil.DecisionRule, on samspil.Date, votes map[string]samspil.VoteChoice, close bool) *samspil.Decision {
			t.Helper()
			d, err := db.CreateDecision(ctx, s.sAdmin.Actor, collabID, samspil.DecisionInput{Title: title, Rule: rule, DecidedOn: on})
			must(t, err)
			for _, org := range []string{sk, vb} {
				if choice, ok := votes[org]; ok {
					actor := s.sAdmin.Actor
					if org == vb {
						actor = s.vAdmin.Actor
					}
					d = vote(t, db, actor, d, org, choice)
				}
			}
			if close {
				d, err = db.CloseDecision(ctx, s.sAdmin.Actor, d.ID, d.Version)
				must(t, err)
			}
			return d
		}
		// Made in another order than decided, to see the timeline sort them.
		rejected := decide(c.ID, "Fælles lønsystem", samspil.RuleMajority, samspil.NewDate(2017, 5, 1),
			map[string]samspil.VoteChoice{sk: samspil.VoteFor, vb: samspil.VoteAgainst}, true)
		adopted := decide(c.ID, "Fælles ESDH", samspil.RuleConsensus, samspil.NewDate(2016, 3, 1),
			map[string]samspil.VoteChoice{sk: samspil.VoteFor, vb: samspil.VoteFor}, true)
		noQuorum := decide(c.ID, "Fælles telefoni", samspil.RuleConsensus, samspil.NewDate(2018, 11, 1), nil, true)
		decide(c.ID, "Fælles it-sikkerhed", samspil.RuleConsensus, samspil.NewDate(2017, 1, 1),
			map[string]samspil.VoteChoice{sk: samspil.VoteFor}, false)
		for d, want := range map[*samspil.Decision]samspil.OutcomeResult{adopted: samspil.OutcomeAdopted, rejected: samspil.OutcomeRejected,
			noQuorum: samspil.OutcomeNoQuorum} {
			if d.Status != samspil.DecisionClosed || d.Outcome.Result != want {
				t.Fatalf("%s: %s %s, want closed %s", d.Title, d.Status, d.Outcome.Result, want)
			}
		}
		// A decision of another collaboration of Silkeborg's.
		other, err := db.CreateCollaboration(ctx, s.sAdmin.Actor, samspil.CollaborationInput{Name: "Silkeborg alene", Kind: samspil.KindNetwork,
			Start: samspil.NewDate(2015, 1, 1), Visibility: samspil.VisibilityPrivate, OrganizationID: testkit.Silkeborg})
		must(t, err)
		decide(other.ID, "Andet samarbejdes beslutning", samspil.RuleConsensus, samspil.NewDate(2016, 6, 1),
			map[string]samspil.VoteChoice{sk: samspil.VoteFor}, true)

		decisions := func(actor *samspil.Actor) []string {
			t.Helper()
			tl, err := db.Timeline(ctx, actor, c.ID)
			must(t, err)
			var lines []string
			for _, e := range tl {
				if e.Kind == "decision" {
					lines = append(lines, e.On.String()+" "+e.Text.String()+" "+e.Link)
					// The link leads to a decision the reader may open.
					if _, err := db.FindDecision(ctx, actor, strings.TrimPrefix(e.Link, "/decisions/")); err != nil {
						t.Errorf("%s: %v", e.Link, err)
					}
				}
			}
			return lines
		}
		want := []string{
			"2016-03-01 decision adopted: Fælles ESDH /decisions/" + adopted.ID,
			"2017-05-01 decision rejected: Fælles lønsystem /decisions/" + rejected.ID,
			"2018-11-01 decision closed without quorum: Fælles telefoni /decisions/" + noQuorum.ID,
		}
		if got := decisions(s.vViewer.Actor); !slices.Equal(got, want) {
			t.Fatalf("decisions on the timeline:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		// The entries sit among the others in date order.
		tl, err := db.Timeline(ctx, s.vViewer.Actor, c.ID)
		must(t, err)
		for i := 1; i < len(tl); i++ {
			if tl[i].On.Before(tl[i-1].On) {
				t.Fatalf("timeline out of order at %d: %+v", i, tl)
			}
		}
		if phrase := tl[len(tl)-1].Text; phrase.Format != "decision closed without quorum: %s" || !slices.Equal(phrase.Args, []any{"Fælles telefoni"}) {
			t.Errorf("the entry is a phrase to translate: %+v", phrase)
		}

		// Outsiders see neither the private collaboration's timeline nor its
		// decisions; once it is public, they see both.
		testkit.ErrCode(t, errOf(db.Timeline(ctx, s.aAdmin.Actor, c.ID)), samspil.ENOTFOUND)
		testkit.ErrCode(t, errOf(db.FindDecision(ctx, s.aAdmin.Actor, adopted.ID)), samspil.ENOTFOUND)
		public := samspil.VisibilityPublic
		cur, err := db.FindCollaboration(ctx, s.sAdmin.Actor, c.ID)
		must(t, err)
		_, err = db.UpdateCollaboration(ctx, s.sAdmin.Actor, c.ID, cur.Version, samspil.CollaborationPatch{Visibility: &public})
		must(t, err)
		if got := decisions(samspil.Anonymous()); !slices.Equal(got, want) {
			t.Fatalf("decisions on the public timeline:\n%s", strings.Join(got, "\n"))
		}
	})
}
