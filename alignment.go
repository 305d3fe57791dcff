package samspil

import "slices"

// Align compares the ambitions of members on day on. For each member and
// area it takes the member's latest declaration made on or before on (of
// two on the same day, the one created later; then the greater ID).
// Declarations of organisations not in members, and of unknown areas, are
// ignored.
//
// Every area of AmbitionAreas is listed, in that order, also when nobody
// declared it (with an empty Levels and Min, Max and Spread 0). Furthest is
// the pair of members whose levels differ most, summed over the areas both
// declared; A is the smaller ID, and of pairs equally far apart the one
// with the smallest IDs is chosen. It is nil when fewer than two members
// declared anything.
//
// Warnings name first the areas whose ambitions lie two or more levels
// apart, then, in the order of members, each member that declared nothing
// or whose newest declaration is more than two years old on the day.
func Align(decls []Ambition, members []string, on Date) Alignment {
	ids, isMember := alignMembers(members)
	type key struct {
		org  string
		area AmbitionArea
	}
	latest := map[key]*Ambition{}
	newest := map[string]Date{} // organisation -> day of its newest declaration
	for i := range decls {
		d := &decls[i]
		if !isMember[d.OrganizationID] || !d.Area.Valid() || d.DeclaredOn.After(on) {
			continue
		}
		k := key{d.OrganizationID, d.Area}
		if cur := latest[k]; cur == nil || ambitionLater(d, cur) {
			latest[k] = d
		}
		if nd, ok := newest[d.OrganizationID]; !ok || d.DeclaredOn.After(nd) {
			newest[d.OrganizationID] = d.DeclaredOn
		}
	}

	al := Alignment{On: on, Areas: make([]AreaAlignment, 0, len(AmbitionAreas)), Warnings: []Phrase{}}
	for _, area := range AmbitionAreas {
		aa := AreaAlignment{Area: area, Levels: map[string]int{}}
		for _, id := range ids {
			d := latest[key{id, area}]
			if d == nil {
				continue
			}
			if len(aa.Levels) == 0 || d.Level < aa.Min {
				aa.Min = d.Level
			}
			if len(aa.Levels) == 0 || d.Level > aa.Max {
				aa.Max = d.Level
			}
			aa.Levels[id] = d.Level
		}
		aa.Spread = aa.Max - aa.Min
		al.MaxSpread = max(al.MaxSpread, aa.Spread)
		if aa.Spread >= 2 {
			al.Warnings = append(al.Warnings, Phrasef("%s: ambitions lie %d levels apart", string(area), aa.Spread))
		}
		al.Areas = append(al.Areas, aa)
	}

	declared := make([]string, 0, len(newest))
	for id := range newest {
		declared = append(declared, id)
	}
	slices.Sort(declared)
	for i, a := range declared {
		for _, b := range declared[i+1:] {
			dist := 0
			for _, aa := range al.Areas {
				la, okA := aa.Levels[a]
				lb, okB := aa.Levels[b]
				if okA && okB {
					dist += max(la-lb, lb-la)
				}
			}
			if al.Furthest == nil || dist > al.Furthest.Distance {
				al.Furthest = &MemberPair{A: a, B: b, Distance: dist}
			}
		}
	}

	for _, id := range ids {
		if nd, ok := newest[id]; !ok {
			al.Warnings = append(al.Warnings, Phrasef("%s has declared no ambitions", id))
		} else if nd.AddMonths(24).Before(on) {
			al.Warnings = append(al.Warnings, Phrasef("%s last declared its ambitions on %s, more than two years ago", id, nd))
		}
	}
	return al
}

// AlignmentHistory returns the members' alignment on each day a member
// declared ambitions, the earliest first, so that a chart can show how far
// apart the members' ambitions lay over time.
func AlignmentHistory(decls []Ambition, members []string) []Alignment {
	_, isMember := alignMembers(members)
	var days []Date
	for _, d := range decls {
		if isMember[d.OrganizationID] && d.Area.Valid() {
			days = append(days, d.DeclaredOn)
		}
	}
	slices.SortFunc(days, Date.Compare)
	days = slices.Compact(days)
	out := make([]Alignment, 0, len(days))
	for _, day := range days {
		out = append(out, Align(decls, members, day))
	}
	return out
}

// alignMembers returns the distinct non-empty IDs in members, in order.
func alignMembers(members []string) ([]string, map[string]bool) {
	ids := make([]string, 0, len(members))
	isMember := make(map[string]bool, len(members))
	for _, id := range members {
		if id != "" && !isMember[id] {
			isMember[id] = true
			ids = append(ids, id)
		}
	}
	return ids, isMember
}

// ambitionLater reports whether declaration x replaces y: a later day, then
// a later creation, then a greater ID.
func ambitionLater(x, y *Ambition) bool {
	if c := x.DeclaredOn.Compare(y.DeclaredOn); c != 0 {
		return c > 0
	}
	if !x.CreatedAt.Equal(y.CreatedAt) {
		return x.CreatedAt.After(y.CreatedAt)
	}
	return x.ID > y.ID
}
