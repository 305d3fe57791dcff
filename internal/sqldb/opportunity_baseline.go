package sqldb

import (
	"cmp"
	"context"
	"database/sql"
	"math"
	"slices"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/opportunity"
)

// The SQL baseline of the opportunity index (issue [opportunities]): partner
// ranking and joint procurement windows written as a KITOS-style system would
// write them, with self-joins over usages and contracts each time someone
// asks, and no index in memory. It is kept to show what the index saves
// (`samspil bench opportunities`) and to check it: the tests prove that both
// give the same top results. It applies the rules of package opportunity
// with DefaultWeights: the terms that are counts (shared systems per rarity,
// organisations that use a system openly, collaborations and initiatives
// together) are counted in SQL; the logarithm of the rarity, the size ratio
// and the sum are taken in Go, as SQLite has no ln(). A contract's next
// decision and notice deadline follow from its terms by the rules of
// samspil.ContractTerms.Deadlines, which SQL does not express: the SQL
// finds the candidate contracts (those sharing a system with one of the
// asker's), and Go computes their dates for today, once per contract.

// BaselinePartners ranks, for the organisation asker, the organisations that
// would make sense as partners, as opportunity.Index.Partners does with
// DefaultWeights and no filters: each with its OrgID, Name, Region,
// Population and Score (no terms), the best first, at most limit (0 means
// 50). Only the system asks it. An unknown organisation is ENOTFOUND.
func (db *DB) BaselinePartners(ctx context.Context, actor *samspil.Actor, asker string, today samspil.Date, limit int) ([]opportunity.Suggestion, error) {
	if limit <= 0 {
		limit = 50
	}
	var out []opportunity.Suggestion
	err := db.baseline(ctx, actor, asker, today, func(b *baseline) error {
		var err error
		out, err = b.partners(limit)
		return err
	})
	return out, err
}

// BaselineWindows finds the joint procurement windows of the organisation
// asker for the systems of its live contracts, as
// opportunity.Index.ProcurementWindows finds its windows of kind system
// (not those of a category): the windows, the most urgent first, at most
// limit (0 means 50). Only the system asks it.
func (db *DB) BaselineWindows(ctx context.Context, actor *samspil.Actor, asker string, today samspil.Date, months, limit int) ([]opportunity.Window, error) {
	if months == 0 {
		months = opportunity.DefaultWeights.WindowMonths
	}
	if months < 1 || months > opportunity.MaxWindowMonths {
		return nil, samspil.ErrorAt(samspil.EINVALID, "months", "must be from 1 to %d", opportunity.MaxWindowMonths)
	}
	if limit <= 0 {
		limit = 50
	}
	var out []opportunity.Window
	err := db.baseline(ctx, actor, asker, today, func(b *baseline) error {
		var err error
		out, err = b.windows(months, limit)
		return err
	})
	return out, err
}

// baseline is one question of the baseline, asked in one read transaction.
type baseline struct {
	ctx    context.Context
	tx     *sql.Tx
	engine Engine
	asker  string
	today  samspil.Date
	me     baselineOrg
	// dates caches the computed dates of the contracts met, by id.
	dates map[string]baselineDates
}

type baselineOrg struct {
	id, name, country, region string
	population                int
}

type baselineDates struct {
	live        bool // not ended, with a next decision, the day to act by not passed
	next, actBy samspil.Date
}

// baseline runs fn for the organisation asker in one read transaction.
func (db *DB) baseline(ctx context.Context, actor *samspil.Actor, asker string, today samspil.Date, fn func(*baseline) error) error {
	if actor == nil || actor.Kind != samspil.ActorSystem {
		return samspil.Errorf(samspil.EFORBIDDEN, "only the system reads the facts of the opportunity index")
	}
	if today.IsZero() {
		return samspil.ErrorAt(samspil.EINVALID, "today", "is required")
	}
	var opts *sql.TxOptions
	if db.engine == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	b := &baseline{ctx: ctx, tx: tx, engine: db.engine, asker: asker, today: today, dates: map[string]baselineDates{}}
	var q query
	var region sql.NullString
	var pop sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT o.id, o.name, o.country, o.region, `+newestPopulation+` FROM organizations o WHERE o.id = `+q.arg(asker), q.args...).
		Scan(&b.me.id, &b.me.name, &b.me.country, &region, &pop)
	if err == sql.ErrNoRows {
		return samspil.NotFound("organization")
	}
	if err != nil {
		return err
	}
	b.me.region, b.me.population = region.String, int(pop.Int64)
	return fn(b)
}

// newestPopulation is the newest population figure of the organisation
// aliased o, NULL when it has none.
const newestPopulation = `(SELECT p.inhabitants FROM organization_populations p WHERE p.organization_id = o.id ORDER BY p.year DESC LIMIT 1)`

// partnersCTE is the common table "partners" of the organisations that
// share what they share with partners with the asker: both members on
// today of a collaboration running on today that the owner has not
// excluded from making partners (sqldb's readPartners, for one viewer).
func (b *baseline) partnersCTE(q *query) string {
	me, d := q.arg(b.asker), q.arg(b.today)
	return `partners AS (SELECT DISTINCT m2.organization_id AS org FROM collaboration_members m1
		JOIN collaboration_members m2 ON m2.collaboration_id = m1.collaboration_id AND m2.organization_id <> m1.organization_id
		JOIN collaborations c ON c.id = m1.collaboration_id
		WHERE m1.organization_id = ` + me + ` AND m1.since <= ` + d + ` AND (m1.until IS NULL OR m1.until >= ` + d + `)
		AND m2.since <= ` + d + ` AND (m2.until IS NULL OR m2.until >= ` + d + `)
		AND c.start_date <= ` + d + ` AND (c.end_date IS NULL OR c.end_date >= ` + d + `)
		AND NOT EXISTS (SELECT 1 FROM partner_exclusions pe WHERE pe.organization_id = m2.organization_id AND pe.collaboration_id = c.id))`
}

// seenBy is the condition under which the asker sees a record of the
// organisation in orgCol with the visibility in visCol (the index's sees),
// given the common table partners.
func (b *baseline) seenBy(q *query, orgCol, visCol string) string {
	return `(` + visCol + ` IN ('sector', 'public') OR ` + orgCol + ` = ` + q.arg(b.asker) +
		` OR (` + visCol + ` = 'partners' AND ` + orgCol + ` IN (SELECT org FROM partners)))`
}

// partners ranks the candidates.
func (b *baseline) partners(limit int) ([]opportunity.Suggestion, error) {
	w := opportunity.DefaultWeights
	score := map[string]float64{}

	// Rarity: of the organisations with at least one use every signed-in
	// organisation sees, how many use each system so.
	var total int
	var q0 query
	retired := q0.arg(samspil.LifecycleRetired)
	if err := b.tx.QueryRowContext(b.ctx, `SELECT COUNT(*) FROM organizations o WHERE EXISTS (SELECT 1 FROM usages u
		WHERE u.organization_id = o.id AND u.lifecycle <> `+retired+` AND u.visibility IN ('sector', 'public'))`, q0.args...).Scan(&total); err != nil {
		return nil, err
	}

	// Shared systems: our usages joined with theirs of the same system
	// that we may see, counted per candidate and per the number of
	// organisations that use the system openly.
	var q query
	cte := b.partnersCTE(&q)
	me, ret := q.arg(b.asker), q.arg(samspil.LifecycleRetired)
	var org string
	var n, count int
	err := eachRow(b.ctx, b.tx, `WITH `+cte+`,
		commons AS (SELECT system_id, COUNT(*) AS n FROM usages WHERE lifecycle <> `+ret+` AND visibility IN ('sector', 'public')
			AND system_id IN (SELECT system_id FROM usages WHERE organization_id = `+me+`) GROUP BY system_id)
		SELECT u2.organization_id, COALESCE(commons.n, 0), COUNT(*) FROM usages u1
		JOIN usages u2 ON u2.system_id = u1.system_id AND u2.organization_id <> u1.organization_id
		LEFT JOIN commons ON commons.system_id = u1.system_id
		WHERE u1.organization_id = `+me+` AND u1.lifecycle <> `+ret+` AND u2.lifecycle <> `+ret+`
		AND `+b.seenBy(&q, "u2.organization_id", "u2.visibility")+`
		GROUP BY u2.organization_id, COALESCE(commons.n, 0)`, q.args, func(row rowScanner) error {
		if err := row.Scan(&org, &n, &count); err != nil {
			return err
		}
		score[org] += float64(count) * round3(w.SharedSystem*opportunity.Rarity(n, total))
		return nil
	})
	if err != nil {
		return nil, err
	}

	// Joint procurement: per system, a candidate whose live contract for it
	// reaches its next decision within the window of one of ours.
	pairs, err := b.contractPairs()
	if err != nil {
		return nil, err
	}
	joint := map[[2]string]bool{}
	for _, p := range pairs {
		hi, lo := p.ours.next, p.theirs.next
		if lo.After(hi) {
			lo, hi = hi, lo
		}
		if !hi.After(lo.AddMonths(w.WindowMonths)) {
			joint[[2]string{p.org, p.system}] = true
		}
	}
	for k := range joint {
		score[k[0]] += round3(w.JointProcurement)
	}

	// The terms on public facts, for every organisation the asker may see:
	// size, region and the track record together.
	collabs, initiatives, err := b.together()
	if err != nil {
		return nil, err
	}
	var out []opportunity.Suggestion
	var qo query
	cte = b.partnersCTE(&qo)
	var o baselineOrg
	var region sql.NullString
	var pop sql.NullInt64
	err = eachRow(b.ctx, b.tx, `WITH `+cte+` SELECT o.id, o.name, o.country, o.region, `+newestPopulation+` FROM organizations o
		WHERE o.id <> `+qo.arg(b.asker)+` AND o.kind <> `+qo.arg(samspil.KindCompany)+` AND `+b.seenBy(&qo, "o.id", "o.visibility"),
		qo.args, func(row rowScanner) error {
			if err := row.Scan(&o.id, &o.name, &o.country, &region, &pop); err != nil {
				return err
			}
			o.region, o.population = region.String, int(pop.Int64)
			sc := score[o.id]
			if b.me.population > 0 && o.population > 0 {
				ratio := float64(min(b.me.population, o.population)) / float64(max(b.me.population, o.population))
				sc += round3(w.SimilarSize * ratio)
			}
			if o.region != "" && o.region == b.me.region && o.country == b.me.country {
				sc += round3(w.SameRegion)
			}
			sc += round3(w.Collaboration*float64(collabs[o.id])) + round3(w.Initiative*float64(initiatives[o.id]))
			if sc = round3(sc); sc > 0 {
				out = append(out, opportunity.Suggestion{OrgID: o.id, Name: o.name, Region: o.region, Population: o.population, Score: sc})
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b opportunity.Suggestion) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(samspil.Fold(a.Name), samspil.Fold(b.Name)), cmp.Compare(a.OrgID, b.OrgID))
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// together counts, per organisation, the collaborations it and the asker
// are members of on today (running on today) and the initiatives both take
// part in (pledged, voluntary or binding, or as the owner).
func (b *baseline) together() (collabs, initiatives map[string]int, err error) {
	collabs, initiatives = map[string]int{}, map[string]int{}
	var org string
	var n int
	var q query
	me, d := q.arg(b.asker), q.arg(b.today)
	err = eachRow(b.ctx, b.tx, `SELECT m2.organization_id, COUNT(DISTINCT m1.collaboration_id) FROM collaboration_members m1
		JOIN collaboration_members m2 ON m2.collaboration_id = m1.collaboration_id AND m2.organization_id <> m1.organization_id
		JOIN collaborations c ON c.id = m1.collaboration_id
		WHERE m1.organization_id = `+me+` AND m1.since <= `+d+` AND (m1.until IS NULL OR m1.until >= `+d+`)
		AND m2.since <= `+d+` AND (m2.until IS NULL OR m2.until >= `+d+`)
		AND c.start_date <= `+d+` AND (c.end_date IS NULL OR c.end_date >= `+d+`)
		GROUP BY m2.organization_id`, q.args, func(row rowScanner) error {
		if err := row.Scan(&org, &n); err != nil {
			return err
		}
		collabs[org] = n
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	var q2 query
	states := []string{string(samspil.ParticipationPledged), string(samspil.ParticipationVoluntary), string(samspil.ParticipationBinding)}
	err = eachRow(b.ctx, b.tx, `WITH p AS (SELECT initiative_id, organization_id FROM initiative_participations WHERE state IN `+q2.in(states)+`
		UNION SELECT id, owner_id FROM initiatives)
		SELECT p2.organization_id, COUNT(*) FROM p p1 JOIN p p2 ON p2.initiative_id = p1.initiative_id AND p2.organization_id <> p1.organization_id
		WHERE p1.organization_id = `+q2.arg(b.asker)+` GROUP BY p2.organization_id`, q2.args, func(row rowScanner) error {
		if err := row.Scan(&org, &n); err != nil {
			return err
		}
		initiatives[org] = n
		return nil
	})
	return collabs, initiatives, err
}

// contractPair is one of the asker's live contracts and another
// organisation's live contract that the asker may see, both covering
// system.
type contractPair struct {
	system         string
	ours, theirs   baselineDates
	ourID, theirID string
	org            string // theirs
}

// contractPairs joins the asker's contracts with the other organisations'
// contracts for the same systems, those of candidates the asker may see
// (not companies) that it may see, and keeps the pairs of live contracts.
func (b *baseline) contractPairs() ([]contractPair, error) {
	var q query
	cte := b.partnersCTE(&q)
	me, d := q.arg(b.asker), q.arg(b.today)
	terms := func(c string) string {
		col := func(name string) string { return dateColumn(b.engine, c+"."+name) }
		return col("start_date") + `, ` + c + `.duration_months, ` + col("expiry") + `, ` + col("irrevocable_until") + `, ` + c + `.extension_count, ` +
			c + `.extension_months, ` + c + `.extensions_used, ` + c + `.extension_kind, ` + c + `.notice_months, ` + c + `.notice_rule, ` + col("terminated_on")
	}
	var out []contractPair
	var p contractPair
	var ours, theirs baselineTerms
	err := eachRow(b.ctx, b.tx, `WITH `+cte+`
		SELECT cs1.system_id, c1.id, `+terms("c1")+`, c2.id, c2.organization_id, `+terms("c2")+`
		FROM contracts c1
		JOIN contract_systems cs1 ON cs1.contract_id = c1.id
		JOIN contract_systems cs2 ON cs2.system_id = cs1.system_id
		JOIN contracts c2 ON c2.id = cs2.contract_id AND c2.organization_id <> c1.organization_id
		JOIN organizations o2 ON o2.id = c2.organization_id
		WHERE c1.organization_id = `+me+`
		AND (c1.terminated_on IS NULL OR c1.terminated_on >= `+d+`) AND (c2.terminated_on IS NULL OR c2.terminated_on >= `+d+`)
		AND o2.kind <> `+q.arg(samspil.KindCompany)+` AND `+b.seenBy(&q, "o2.id", "o2.visibility")+`
		AND `+b.seenBy(&q, "c2.organization_id", "c2.visibility"), q.args, func(row rowScanner) error {
		dest := []any{&p.system, &p.ourID}
		dest = append(dest, ours.dest()...)
		dest = append(dest, &p.theirID, &p.org)
		dest = append(dest, theirs.dest()...)
		if err := row.Scan(dest...); err != nil {
			return err
		}
		p.ours, p.theirs = b.datesOf(p.ourID, &ours), b.datesOf(p.theirID, &theirs)
		if p.ours.live && p.theirs.live {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// baselineTerms scans a contract's terms.
type baselineTerms struct {
	start, expiry, irrevocable, terminated nullDate
	rule, kind                             string
	t                                      samspil.ContractTerms
}

func (t *baselineTerms) dest() []any {
	return []any{&t.start, &t.t.DurationMonths, &t.expiry, &t.irrevocable, &t.t.ExtensionCount, &t.t.ExtensionMonths, &t.t.ExtensionsUsed,
		&t.kind, &t.t.NoticeMonths, &t.rule, &t.terminated}
}

// datesOf returns the dates of the contract id with the terms scanned,
// computed once.
func (b *baseline) datesOf(id string, t *baselineTerms) baselineDates {
	if d, ok := b.dates[id]; ok {
		return d
	}
	terms := t.t
	terms.Start, terms.Expiry, terms.IrrevocableUntil, terms.TerminatedOn = t.start.D, t.expiry.Ptr(), t.irrevocable.Ptr(), t.terminated.Ptr()
	terms.NoticeRule, terms.ExtensionKind = samspil.NoticeRule(t.rule), samspil.ExtensionKind(t.kind)
	dl := terms.Deadlines(b.today)
	var d baselineDates
	if dl.Status != samspil.ContractTerminated && dl.Status != samspil.ContractExpired && dl.NextDecisionDate != nil {
		d.next, d.actBy = *dl.NextDecisionDate, *dl.NextDecisionDate
		if dl.LastNoticeDate != nil {
			d.actBy = *dl.LastNoticeDate
		}
		d.live = !d.actBy.Before(b.today)
	}
	b.dates[id] = d
	return d
}

// windows finds the windows of kind system: per system of the asker's live
// contracts, around its earliest, the window of whole months holding it
// and the most other organisations with contracts for the system (each
// listed with its contract nearest ours).
func (b *baseline) windows(months, limit int) ([]opportunity.Window, error) {
	pairs, err := b.contractPairs()
	if err != nil {
		return nil, err
	}
	type contract struct {
		id, org     string
		next, actBy samspil.Date
	}
	own := map[string]contract{}                 // by system: our earliest live contract
	theirs := map[string]map[string][]contract{} // by system and organisation
	for _, p := range pairs {
		o := contract{p.ourID, b.asker, p.ours.next, p.ours.actBy}
		if c, ok := own[p.system]; !ok || o.next.Before(c.next) || (o.next == c.next && o.id < c.id) {
			own[p.system] = o
		}
		if theirs[p.system] == nil {
			theirs[p.system] = map[string][]contract{}
		}
		theirs[p.system][p.org] = append(theirs[p.system][p.org], contract{p.theirID, p.org, p.theirs.next, p.theirs.actBy})
	}
	ids := []string{b.asker}
	for _, byOrg := range theirs {
		for org := range byOrg {
			ids = append(ids, org)
		}
	}
	orgs, err := b.orgNames(ids)
	if err != nil {
		return nil, err
	}
	var out []opportunity.Window
	for sys, mine := range own {
		// The windows of whole months holding our decision: the one with
		// the most organisations, of those the one whose middle is nearest
		// ours, then the earliest.
		om := baselineMonth(mine.next)
		best, most := 0, 0
		for i := range months {
			m := om - months + 1 + i
			n := 0
			for _, cs := range theirs[sys] {
				if slices.ContainsFunc(cs, func(c contract) bool { return baselineMonth(c.next) >= m && baselineMonth(c.next) < m+months }) {
					n++
				}
			}
			off := func(i int) int { return abs(2*(om-months+1+i) + months - 1 - 2*om) }
			if n > most || (n == most && off(i) < off(best)) {
				best, most = i, n
			}
		}
		if most == 0 {
			continue
		}
		start := om - months + 1 + best
		// In it, each organisation with its contract nearest ours (the
		// earlier of two as near, then by ID).
		var in []contract
		for _, cs := range theirs[sys] {
			var near *contract
			for i := range cs {
				c := &cs[i]
				if m := baselineMonth(c.next); m < start || m >= start+months {
					continue
				}
				if near == nil || cmp.Or(cmp.Compare(baselineGap(c.next, mine.next), baselineGap(near.next, mine.next)), c.next.Compare(near.next),
					cmp.Compare(c.id, near.id)) < 0 {
					near = c
				}
			}
			if near != nil {
				in = append(in, *near)
			}
		}
		me := orgs[b.asker]
		w := opportunity.Window{Kind: opportunity.WindowSystem, SystemID: sys, From: mine.next, To: mine.next, ActBy: mine.actBy}
		w.Members = append(w.Members, opportunity.WindowMember{OrgID: b.asker, Name: me.name, Region: me.region, Population: me.population,
			ContractID: mine.id, SystemID: sys, NextDecision: mine.next, ActBy: mine.actBy})
		// The window lists those whose decisions are nearest ours.
		slices.SortFunc(in, func(p, q contract) int {
			return cmp.Or(cmp.Compare(baselineGap(p.next, mine.next), baselineGap(q.next, mine.next)), p.next.Compare(q.next), cmp.Compare(p.org, q.org))
		})
		if len(in) > opportunity.MaxWindowMembers-1 {
			w.Others = len(in) - (opportunity.MaxWindowMembers - 1)
			in = in[:opportunity.MaxWindowMembers-1]
		}
		slices.SortFunc(in, func(p, q contract) int { return cmp.Or(p.next.Compare(q.next), cmp.Compare(p.org, q.org)) })
		for _, c := range in {
			o := orgs[c.org]
			w.Members = append(w.Members, opportunity.WindowMember{OrgID: c.org, Name: o.name, Region: o.region, Population: o.population,
				ContractID: c.id, SystemID: sys, NextDecision: c.next, ActBy: c.actBy})
			w.From, w.To = minDate(w.From, c.next), maxDate(w.To, c.next)
			w.ActBy = minDate(w.ActBy, c.actBy)
		}
		out = append(out, w)
	}
	if err := b.systemNames(out); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b opportunity.Window) int {
		return cmp.Or(a.ActBy.Compare(b.ActBy), cmp.Compare(len(b.Members), len(a.Members)), cmp.Compare(a.SystemName, b.SystemName),
			cmp.Compare(a.SystemID, b.SystemID))
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// orgNames reads the name, region and newest population of
// organisations.
func (b *baseline) orgNames(ids []string) (map[string]baselineOrg, error) {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make(map[string]baselineOrg, len(ids))
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		var q query
		var o baselineOrg
		var region sql.NullString
		var pop sql.NullInt64
		err := eachRow(b.ctx, b.tx, `SELECT o.id, o.name, o.region, `+newestPopulation+` FROM organizations o WHERE o.id IN `+q.in(chunk), q.args,
			func(row rowScanner) error {
				if err := row.Scan(&o.id, &o.name, &region, &pop); err != nil {
					return err
				}
				o.region, o.population = region.String, int(pop.Int64)
				out[o.id] = o
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// systemNames names the systems of the windows.
func (b *baseline) systemNames(ws []opportunity.Window) error {
	if len(ws) == 0 {
		return nil
	}
	ids := make([]string, len(ws))
	for i, w := range ws {
		ids[i] = w.SystemID
	}
	names := map[string][2]string{}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		var q query
		var id, name, cat string
		err := eachRow(b.ctx, b.tx, `SELECT id, name, category FROM systems WHERE id IN `+q.in(chunk), q.args, func(row rowScanner) error {
			if err := row.Scan(&id, &name, &cat); err != nil {
				return err
			}
			names[id] = [2]string{name, cat}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for i := range ws {
		n := names[ws[i].SystemID]
		ws[i].SystemName, ws[i].Category = n[0], n[1]
		for j := range ws[i].Members {
			ws[i].Members[j].SystemName = n[0]
		}
	}
	return nil
}

// round3 rounds points to three decimals, as the index does.
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

func minDate(a, b samspil.Date) samspil.Date {
	if b.Before(a) {
		return b
	}
	return a
}

func maxDate(a, b samspil.Date) samspil.Date {
	if b.After(a) {
		return b
	}
	return a
}

// baselineGap is the number of days between two dates, however ordered.
// baselineMonth numbers a date's month: year*12 + month - 1.
func baselineMonth(d samspil.Date) int { return d.Year*12 + int(d.Month) - 1 }

func abs(n int) int { return max(n, -n) }

func baselineGap(a, b samspil.Date) int {
	if b.Before(a) {
		a, b = b, a
	}
	return samspil.DaysBetween(a, b)
}
