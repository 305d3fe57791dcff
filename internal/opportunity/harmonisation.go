package opportunity

import (
	"cmp"
	"slices"

	"github.com/samspil/samspil"
)

// SystemRef names a catalogue entry.
type SystemRef struct {
	ID       string
	Name     string
	Category string
}

// OrgSystems is an organisation with the systems it runs for a task.
type OrgSystems struct {
	OrgID   string
	Name    string
	Systems []SystemRef
}

// HarmonisationTask is a KLE task the asker covers, with the organisations
// compared that cover it too: those with none of the asker's systems for
// it (candidates for harmonising on one system) and those that already
// share one (candidates for shared operation, configuration, training).
type HarmonisationTask struct {
	Task       string
	OurSystems []SystemRef
	Different  []OrgSystems
	Shared     []OrgSystems
}

// HarmonisationPartner sums up the comparison with one organisation.
type HarmonisationPartner struct {
	OrgID     string
	Name      string
	Different int // tasks both cover with different systems
	Shared    int // tasks both cover sharing a system
	Evidence  samspil.Phrase
}

// Harmonisation is the asker's tasks compared with other organisations'.
type Harmonisation struct {
	Partners []HarmonisationPartner
	Tasks    []HarmonisationTask // the tasks most organisations cover too first, then by code
}

// HarmonisationQuery asks for harmonisation candidates.
type HarmonisationQuery struct {
	// With are the organisations to compare with; none means the asker's
	// partners (those it shares a collaboration with).
	With  []string
	Limit int // the most tasks; 0 means 200
}

// MaxHarmonisationWith bounds how many organisations one comparison takes.
const MaxHarmonisationWith = 100

// Harmonisation compares the KLE tasks the asker covers with its systems
// to those of other organisations, using only the usages the asker may
// see. An unknown asker is ENOTFOUND; an unknown or invisible organisation
// to compare with is EINVALID naming "with".
func (x *Index) Harmonisation(asker string, q HarmonisationQuery) (*Harmonisation, error) {
	a, ok := x.byID[asker]
	if !ok {
		return nil, samspil.NotFound("organization")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 200
	}
	with := q.With
	if len(with) == 0 {
		with = x.partners[asker]
	} else if len(with) > MaxHarmonisationWith {
		return nil, samspil.ErrorAt(samspil.EINVALID, "with", "takes at most %d organisations", MaxHarmonisationWith)
	}
	var others []int32
	for _, id := range with {
		o, ok := x.byID[id]
		if !ok || !x.seesOrg(asker, &x.orgs[o]) {
			return nil, samspil.ErrorAt(samspil.EINVALID, "with", "names an unknown organisation: %s", id)
		}
		if o != a && !slices.Contains(others, o) {
			others = append(others, o)
		}
	}
	ours := x.taskSystems(a, asker)
	out := &Harmonisation{}
	byTask := map[int32]*HarmonisationTask{}
	for _, o := range others {
		org := x.orgs[o]
		p := HarmonisationPartner{OrgID: org.ID, Name: org.Name}
		theirs := x.taskSystems(o, asker)
		for task, mine := range ours {
			sys, ok := theirs[task]
			if !ok {
				continue
			}
			t := byTask[task]
			if t == nil {
				t = &HarmonisationTask{Task: x.tasks[task], OurSystems: x.refs(mine)}
				byTask[task] = t
			}
			entry := OrgSystems{OrgID: org.ID, Name: org.Name, Systems: x.refs(sys)}
			if intersects(mine, sys) {
				t.Shared = append(t.Shared, entry)
				p.Shared++
			} else {
				t.Different = append(t.Different, entry)
				p.Different++
			}
		}
		if p.Different+p.Shared > 0 {
			p.Evidence = samspil.Phrasef("KLE tasks you both cover: %d with different systems, %d with a system you share", p.Different, p.Shared)
			out.Partners = append(out.Partners, p)
		}
	}
	for _, t := range byTask {
		byName := func(a, b OrgSystems) int {
			return cmp.Or(cmp.Compare(samspil.Fold(a.Name), samspil.Fold(b.Name)), cmp.Compare(a.OrgID, b.OrgID))
		}
		slices.SortFunc(t.Different, byName)
		slices.SortFunc(t.Shared, byName)
		out.Tasks = append(out.Tasks, *t)
	}
	slices.SortFunc(out.Tasks, func(a, b HarmonisationTask) int {
		return cmp.Or(cmp.Compare(len(b.Different)+len(b.Shared), len(a.Different)+len(a.Shared)), cmp.Compare(a.Task, b.Task))
	})
	if len(out.Tasks) > limit {
		out.Tasks = out.Tasks[:limit]
	}
	slices.SortFunc(out.Partners, func(a, b HarmonisationPartner) int {
		return cmp.Or(cmp.Compare(b.Different+b.Shared, a.Different+a.Shared), cmp.Compare(samspil.Fold(a.Name), samspil.Fold(b.Name)))
	})
	return out, nil
}

// taskSystems maps the KLE tasks an organisation covers, with its usages
// the asker may see, to the systems it covers them with (sorted).
func (x *Index) taskSystems(o int32, asker string) map[int32][]int32 {
	owner := x.orgs[o].ID
	out := map[int32][]int32{}
	for _, u := range x.uses[o] {
		if !x.sees(asker, owner, u.vis) {
			continue
		}
		for _, t := range x.usageTasks(o, u.sys) {
			out[t] = append(out[t], u.sys) // uses are sorted by system: so is each list
		}
	}
	return out
}

// refs names systems by number.
func (x *Index) refs(systems []int32) []SystemRef {
	out := make([]SystemRef, len(systems))
	for i, s := range systems {
		out[i] = SystemRef{ID: x.ids[s], Name: x.names[s], Category: x.cats[s]}
	}
	return out
}

// intersection returns the elements of two sorted lists in both.
func intersection(a, b []int32) []int32 {
	var out []int32
	common(a, b, func(v int32) bool {
		out = append(out, v)
		return true
	})
	return out
}

// intersects reports whether two sorted lists share an element.
func intersects(a, b []int32) bool {
	found := false
	common(a, b, func(int32) bool {
		found = true
		return false
	})
	return found
}

// common calls fn with each element of two sorted lists in both, in
// order, until fn returns false.
func common(a, b []int32, fn func(int32) bool) {
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			if !fn(a[i]) {
				return
			}
			i++
			j++
		}
	}
}

// differentTasks counts, per category of the asker's systems, the tasks
// the asker (whose tasks are ours, taskSystems) and the candidate both
// cover (the candidate's usages as the asker sees them) with no system in
// common: the evidence of a harmonisation candidate in a partner
// suggestion. It gathers the candidate's (task, system) pairs in a list
// rather than a map: it runs for every suggestion.
func (x *Index) differentTasks(ours map[int32][]int32, a, c int32) map[string]int {
	v := x.viewerOf(a)
	type taskSys struct{ task, sys int32 }
	var pairs []taskSys
	for _, u := range x.uses[c] {
		if !v.sees(c, u.vis) {
			continue
		}
		for _, t := range x.usageTasks(c, u.sys) {
			if _, ok := ours[t]; ok {
				pairs = append(pairs, taskSys{t, u.sys})
			}
		}
	}
	slices.SortFunc(pairs, func(p, q taskSys) int { return cmp.Or(cmp.Compare(p.task, q.task), cmp.Compare(p.sys, q.sys)) })
	var out map[string]int
	for i := 0; i < len(pairs); {
		j := i
		theirs := make([]int32, 0, 4)
		for ; j < len(pairs) && pairs[j].task == pairs[i].task; j++ {
			theirs = append(theirs, pairs[j].sys)
		}
		if mine := ours[pairs[i].task]; !intersects(mine, theirs) {
			if out == nil {
				out = map[string]int{}
			}
			out[x.cats[mine[0]]]++
		}
		i = j
	}
	return out
}
