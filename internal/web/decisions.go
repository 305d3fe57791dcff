package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// Decisions: a collaboration's decisions with their outcomes, and a
// decision's page with its votes, the vote forms of those who may vote and
// the close button of its managers.

// decisionForm reads a proposal: title, proposal, rule, quorum, binding.
func decisionForm(r *http.Request) (samspil.DecisionInput, error) {
	var v samspil.Validation
	in := samspil.DecisionInput{Title: r.PostFormValue("title"), Proposal: r.PostFormValue("proposal"),
		Rule: samspil.DecisionRule(r.PostFormValue("rule")), Quorum: atoiOr(&v, r, "quorum"), Binding: r.PostFormValue("binding") == "true"}
	if on := formDate(&v, r, "decided_on"); on != nil {
		in.DecidedOn = *on
	}
	return in, v.Err()
}

type decisionsData struct {
	C         *samspil.Collaboration
	Status    string // the filter: "", open or closed
	Page      *samspil.Page[samspil.Decision]
	Next      string
	Today     samspil.Date
	CanManage bool
	Rules     []samspil.DecisionRule
	Form      url.Values
	ShowForm  bool
	Open      string // "decision" when the proposal form failed
}

// decisions lists a collaboration's decisions, the newest first.
func (w *Web) decisions(rw http.ResponseWriter, r *http.Request) {
	w.showDecisions(rw, r, http.StatusOK, nil, url.Values{"binding": {"true"}})
}

func (w *Web) showDecisions(rw http.ResponseWriter, r *http.Request, status int, formErr error, form url.Values) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	c, err := w.store.FindCollaboration(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	q := r.URL.Query()
	today := samspil.Today(w.now())
	d := decisionsData{C: c, Status: q.Get("status"), Today: today, CanManage: actor.Manages(c, today), Rules: samspil.DecisionRules, Form: form}
	if d.Form.Get("rule") == "" {
		d.Form.Set("rule", string(c.DecisionRule))
	}
	page, err := w.store.ListDecisions(ctx, actor, samspil.DecisionFilter{CollaborationID: c.ID, Status: samspil.DecisionStatus(d.Status),
		ListOptions: samspil.ListOptions{Cursor: q.Get("cursor"), Limit: 100}})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	d.Page = page
	if page.NextCursor != "" {
		next := url.Values{"cursor": {page.NextCursor}}
		if d.Status != "" {
			next.Set("status", d.Status)
		}
		d.Next = "/collaborations/" + c.ID + "/decisions?" + next.Encode()
	}
	v := w.newView(r, "collaborations", d)
	v.Title = w.cat.text(v.Lang, "decisions.title", c.Name)
	if formErr != nil {
		w.withError(v, formErr)
		d.ShowForm, d.Open = true, "decision"
		v.Data = d
	}
	w.render(rw, r, status, "decisions", v)
}

// createDecision puts a proposal to the members from the list page.
func (w *Web) createDecision(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	in, err := decisionForm(r)
	var d *samspil.Decision
	if err == nil {
		if d, err = w.store.CreateDecision(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), in); err == nil {
			redirect(rw, r, "/decisions/"+d.ID, "decision_created")
			return
		}
	}
	if inputError(err) {
		w.showDecisions(rw, r, httpx.Status(err), err, r.PostForm)
		return
	}
	w.fail(rw, r, err)
}

// ballotRow is one voting member on a decision's page, with its vote.
type ballotRow struct {
	OrganizationID   string
	OrganizationName string
	Vote             *samspil.Vote
	ProxyName        string // the member holding its proxy, if any
	Counts           bool   // false for a vote of an organisation without a vote on the day
}

// voteForm is a member the reader may vote for.
type voteForm struct {
	OrganizationID   string
	OrganizationName string
	Proxy            bool // the reader votes as the member's proxy
	Current          samspil.VoteChoice
	Comment          string
}

// memberOption is a member organisation in a select.
type memberOption struct {
	ID, Name string
}

// proxyRow is a proxy given on the decision.
type proxyRow struct {
	OrganizationID   string // the member that gave it
	OrganizationName string
	HolderName       string // the member that votes for it
	CanWithdraw      bool   // the reader may act for the giver
}

// formProxy names the proxy form of a decision's page; its fields' errors
// are at "proxy.organization_id" and "proxy.proxy_organization_id".
const formProxy = "proxy"

type decisionData struct {
	D            *samspil.Decision
	C            *samspil.Collaboration
	Meeting      *samspil.Meeting
	Proposal     template.HTML
	Ballots      []ballotRow
	VoteForms    []voteForm
	Choices      []samspil.VoteChoice
	Proxies      []proxyRow
	ProxyGivers  []memberOption // the voting members the reader may give the proxy of
	ProxyHolders []memberOption // the voting members that may hold it
	ProxyForm    url.Values
	Overdue      bool
	CanManage    bool
	Form         url.Values
	Open         string // the form that failed: "vote", "close" or "proxy"
}

// decision shows a decision: proposal, votes and outcome.
func (w *Web) decision(rw http.ResponseWriter, r *http.Request) {
	w.showDecision(rw, r, http.StatusOK, nil, "", nil)
}

func (w *Web) showDecision(rw http.ResponseWriter, r *http.Request, status int, formErr error, open string, form url.Values) {
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	dec, err := w.store.FindDecision(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	c, err := w.store.FindCollaboration(ctx, actor, dec.CollaborationID)
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	today := samspil.Today(w.now())
	d := decisionData{D: dec, C: c, Proposal: markdown(dec.Proposal), CanManage: actor.Manages(c, today),
		Overdue: dec.Status == samspil.DecisionOpen && dec.DecidedOn.Before(today), Form: form, Open: open}
	if d.Form == nil {
		d.Form = url.Values{}
	}
	if dec.MeetingID != "" {
		if m, err := w.store.FindMeeting(ctx, actor, dec.MeetingID); err == nil {
			d.Meeting = m
		}
	}
	for _, ch := range samspil.VoteChoices {
		if ch != samspil.VoteOptOut || dec.Rule == samspil.RuleOptIn {
			d.Choices = append(d.Choices, ch)
		}
	}
	names := map[string]string{}
	for _, m := range c.Members {
		names[m.OrganizationID] = m.OrganizationName
	}
	proxyOf := map[string]string{}
	for _, p := range dec.Proxies {
		proxyOf[p.OrganizationID] = p.ProxyOrganizationID
	}
	votes := map[string]*samspil.Vote{}
	for i := range dec.Votes {
		votes[dec.Votes[i].OrganizationID] = &dec.Votes[i]
	}
	var voters []string
	var givers, holders []memberOption
	for i := range c.Members {
		m := &c.Members[i]
		if !m.ActiveOn(dec.DecidedOn) || !m.Votes() || slices.Contains(voters, m.OrganizationID) {
			continue
		}
		voters = append(voters, m.OrganizationID)
		row := ballotRow{OrganizationID: m.OrganizationID, OrganizationName: m.OrganizationName, Vote: votes[m.OrganizationID],
			ProxyName: names[proxyOf[m.OrganizationID]], Counts: true}
		d.Ballots = append(d.Ballots, row)
		if dec.Status != samspil.DecisionOpen || !actor.SignedIn() {
			continue
		}
		own := actor.Represents(m.OrganizationID)
		opt := memberOption{ID: m.OrganizationID, Name: m.OrganizationName}
		holders = append(holders, opt)
		if actor.MayGiveProxy(c, m.OrganizationID, today) {
			givers = append(givers, opt)
		}
		holder := proxyOf[m.OrganizationID]
		proxy := !own && holder != "" && actor.Represents(holder)
		if own || proxy {
			vf := voteForm{OrganizationID: m.OrganizationID, OrganizationName: m.OrganizationName, Proxy: proxy}
			if v := votes[m.OrganizationID]; v != nil {
				vf.Current, vf.Comment = v.Choice, v.Comment
			}
			if open == "vote" && form.Get("organization_id") == m.OrganizationID {
				vf.Current, vf.Comment = samspil.VoteChoice(form.Get("choice")), form.Get("comment")
			}
			d.VoteForms = append(d.VoteForms, vf)
		}
	}
	for i := range dec.Votes {
		if v := &dec.Votes[i]; !slices.Contains(voters, v.OrganizationID) {
			d.Ballots = append(d.Ballots, ballotRow{OrganizationID: v.OrganizationID, OrganizationName: v.OrganizationName, Vote: v})
		}
	}
	slices.SortStableFunc(d.Ballots, func(a, b ballotRow) int {
		return strings.Compare(samspil.Fold(a.OrganizationName), samspil.Fold(b.OrganizationName))
	})
	d.proxies(proxyOf, names, givers, holders)
	v := w.newView(r, "collaborations", d)
	v.Title = dec.Title
	if formErr != nil {
		w.withError(v, formErr)
	}
	w.render(rw, r, status, "decision", v)
}

// proxies fills in the proxies given and the proxy form: the reader gives
// the proxy of the members they may act for (managers and operators: of
// any voting member) to another voting member.
func (d *decisionData) proxies(proxyOf, names map[string]string, givers, holders []memberOption) {
	byName := func(a, b memberOption) int { return strings.Compare(samspil.Fold(a.Name), samspil.Fold(b.Name)) }
	slices.SortStableFunc(givers, byName)
	slices.SortStableFunc(holders, byName)
	if len(givers) == 1 {
		holders = slices.DeleteFunc(holders, func(o memberOption) bool { return o.ID == givers[0].ID })
	}
	if len(givers) > 0 && len(holders) > 0 {
		d.ProxyGivers, d.ProxyHolders = givers, holders
		d.ProxyForm = url.Values{"organization_id": {givers[0].ID}, "proxy_organization_id": {proxyOf[givers[0].ID]}}
		if d.Open == formProxy {
			d.ProxyForm = d.Form
		}
	}
	for _, p := range d.D.Proxies {
		mine := slices.ContainsFunc(givers, func(o memberOption) bool { return o.ID == p.OrganizationID })
		d.Proxies = append(d.Proxies, proxyRow{OrganizationID: p.OrganizationID, OrganizationName: names[p.OrganizationID],
			HolderName: names[p.ProxyOrganizationID], CanWithdraw: mine})
	}
	slices.SortStableFunc(d.Proxies, func(a, b proxyRow) int {
		return strings.Compare(samspil.Fold(a.OrganizationName), samspil.Fold(b.OrganizationName))
	})
}

// castVote records the vote of one member organisation; the store checks
// that the reader may vote for it.
func (w *Web) castVote(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	in := samspil.VoteInput{OrganizationID: r.PostFormValue("organization_id"), Choice: samspil.VoteChoice(r.PostFormValue("choice")),
		Comment: r.PostFormValue("comment"), Replace: r.PostFormValue("replace") == "true"}
	_, err := w.store.CastVote(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), in)
	w.afterDecisionChange(rw, r, err, "vote", "vote_cast")
}

// closeDecision closes a decision; its outcome becomes final.
func (w *Web) closeDecision(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	_, err := w.store.CloseDecision(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), formVersion(r))
	w.afterDecisionChange(rw, r, err, "close", "decision_closed")
}

// setProxy lets another voting member vote for a member on the decision,
// or withdraws the proxy when no member is chosen; the store checks that
// the reader may act for the member giving it.
func (w *Web) setProxy(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	p := samspil.Proxy{OrganizationID: strings.TrimSpace(r.PostFormValue("organization_id")),
		ProxyOrganizationID: strings.TrimSpace(r.PostFormValue("proxy_organization_id"))}
	done := "proxy_set"
	if p.ProxyOrganizationID == "" {
		done = "proxy_withdrawn"
	}
	_, err := w.store.SetProxy(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), p)
	err = renameFields(err, func(path string) string { return formProxy + "." + path })
	w.afterDecisionChange(rw, r, err, formProxy, done)
}

// afterDecisionChange answers a post of a form on the decision page.
func (w *Web) afterDecisionChange(rw http.ResponseWriter, r *http.Request, err error, form, done string) {
	if err != nil {
		if inputError(err) {
			w.showDecision(rw, r, httpx.Status(err), err, form, r.PostForm)
			return
		}
		w.fail(rw, r, err)
		return
	}
	redirect(rw, r, "/decisions/"+r.PathValue("id"), done)
}
