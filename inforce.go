package samspil

// InForce returns which strategy of the scope is in force for organisation
// orgID on day on.
//
// A strategy is in force for one of its owners from the day that owner
// adopted it, or from the strategy's From when that is later, until a newer
// strategy of the same scope that the owner adopted comes into force. It
// stays in force past its own Until when nothing has replaced it; then
// PastPeriod is set. A joint strategy thus stays in force for a member until
// that member adopts one of its own. Of the strategies in force, the one the
// owner adopted last wins; of those adopted on the same day, the one with the
// later From, then the one with the greater ID.
//
// Strategies of another scope, not owned by orgID, or not (yet) adopted by
// it are ignored. OrganizationName is filled when a strategy names the
// owner.
func InForce(strategies []Strategy, orgID, scope string, on Date) StrategyCoverage {
	return inForce(strategies, orgID, "", scope, on)
}

// CoverageOf returns InForce for each member active on day on, in the order
// of members, with the member's organisation name; an organisation listed
// more than once is given once.
func CoverageOf(strategies []Strategy, members []Member, scope string, on Date) []StrategyCoverage {
	out := []StrategyCoverage{}
	seen := map[string]bool{}
	for i := range members {
		m := &members[i]
		if !m.ActiveOn(on) || seen[m.OrganizationID] {
			continue
		}
		seen[m.OrganizationID] = true
		out = append(out, inForce(strategies, m.OrganizationID, m.OrganizationName, scope, on))
	}
	return out
}

// inForce is InForce with the organisation's name, when known.
func inForce(strategies []Strategy, orgID, orgName, scope string, on Date) StrategyCoverage {
	type candidate struct {
		s       *Strategy
		owner   *StrategyOwner
		adopted Date
		start   Date // the later of adoption and From
	}
	var best, next *candidate // in force; and adopted, but not in force yet
	for i := range strategies {
		s := &strategies[i]
		for j := range s.Owners {
			o := &s.Owners[j]
			if o.OrganizationID != orgID {
				continue
			}
			if orgName == "" {
				orgName = o.OrganizationName
			}
			if s.Scope != scope || o.AdoptedOn == nil || o.AdoptedOn.After(on) {
				continue
			}
			c := &candidate{s: s, owner: o, adopted: *o.AdoptedOn, start: *o.AdoptedOn}
			if c.start.Before(s.From) {
				c.start = s.From
			}
			if c.start.After(on) {
				if next == nil || c.start.Before(next.start) || (c.start == next.start && c.s.ID < next.s.ID) {
					next = c
				}
				continue
			}
			if best == nil || strategyAdoptedLater(c.s, c.adopted, best.s, best.adopted) {
				best = c
			}
		}
	}

	name := orgName
	if name == "" {
		name = orgID
	}
	cov := StrategyCoverage{OrganizationID: orgID, OrganizationName: orgName, On: on}
	switch {
	case best != nil:
		s := best.s
		adopted := best.adopted
		cov.StrategyID, cov.StrategyTitle, cov.Joint, cov.AdoptedOn = s.ID, s.Title, s.Joint(), &adopted
		cov.PastPeriod = s.Until != nil && on.After(*s.Until)
		switch {
		case cov.Joint && cov.PastPeriod:
			cov.Explanation = Phrasef("joint strategy %q, adopted %s, is in force past its period, which ended %s, until a newer strategy of its own replaces it",
				s.Title, adopted, *s.Until)
		case cov.Joint:
			cov.Explanation = Phrasef("joint strategy %q, adopted %s, is in force until a newer strategy of its own replaces it", s.Title, adopted)
		case cov.PastPeriod:
			cov.Explanation = Phrasef("strategy %q, adopted %s, is in force past its period, which ended %s, until a newer strategy replaces it",
				s.Title, adopted, *s.Until)
		default:
			cov.Explanation = Phrasef("strategy %q, adopted %s, is in force", s.Title, adopted)
		}
	case next != nil:
		cov.Explanation = Phrasef("no strategy of scope %q is in force for %s yet: %q comes into force on %s", scope, name, next.s.Title, next.start)
	default:
		cov.Explanation = Phrasef("no strategy of scope %q adopted by %s", scope, name)
	}
	return cov
}

// strategyAdoptedLater reports whether strategy a, adopted on da, replaces
// b, adopted on db: a later adoption, then a later From, then a greater ID.
func strategyAdoptedLater(a *Strategy, da Date, b *Strategy, db Date) bool {
	if c := da.Compare(db); c != 0 {
		return c > 0
	}
	if c := a.From.Compare(b.From); c != 0 {
		return c > 0
	}
	return a.ID > b.ID
}
