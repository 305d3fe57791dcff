package samspil

import (
	"fmt"
	"strings"
	"testing"
)

// rel is a relation from usage from to usage to; a usage's system is named
// after it in capitals.
func rel(from, to string) UsageRelation {
	return UsageRelation{FromUsageID: from, FromSystemID: "s-" + from, FromSystemName: strings.ToUpper(from),
		ToUsageID: to, ToSystemID: "s-" + to, ToSystemName: strings.ToUpper(to)}
}

// show writes dependents as "id@depth:path" with the path's ids joined by >.
func show(ds []Dependent) string {
	var parts []string
	for _, d := range ds {
		var ids []string
		for _, s := range d.Path {
			ids = append(ids, s.UsageID)
		}
		parts = append(parts, fmt.Sprintf("%s@%d:%s", d.UsageID, d.Depth, strings.Join(ids, ">")))
	}
	return strings.Join(parts, " ")
}

func TestDependents(t *testing.T) {
	for _, c := range []struct {
		name string
		root string
		rels []UsageRelation
		want string
	}{
		{"no relations", "a", nil, ""},
		{"only outgoing: what a uses is not hit", "a", []UsageRelation{rel("a", "b")}, ""},
		{"one direct dependent", "a", []UsageRelation{rel("b", "a")}, "b@1:a>b"},
		{"chain gives depth", "a", []UsageRelation{rel("c", "b"), rel("b", "a"), rel("d", "c")}, "b@1:a>b c@2:a>b>c d@3:a>b>c>d"},
		{"two direct, by system name", "a", []UsageRelation{rel("z", "a"), rel("m", "a")}, "m@1:a>m z@1:a>z"},
		{"diamond: the shared dependent once, by the first name", "a",
			[]UsageRelation{rel("c", "a"), rel("b", "a"), rel("d", "c"), rel("d", "b")}, "b@1:a>b c@1:a>c d@2:a>b>d"},
		{"shortest path wins over a longer one", "a",
			[]UsageRelation{rel("b", "a"), rel("c", "b"), rel("c", "a")}, "b@1:a>b c@1:a>c"},
		{"cycle back to the root ends", "a", []UsageRelation{rel("b", "a"), rel("a", "b")}, "b@1:a>b"},
		{"cycle among dependents ends", "a",
			[]UsageRelation{rel("b", "a"), rel("c", "b"), rel("b", "c")}, "b@1:a>b c@2:a>b>c"},
		{"self relation is ignored", "a", []UsageRelation{rel("a", "a"), rel("b", "a")}, "b@1:a>b"},
		{"two relations between the same pair (other interfaces) count once", "a",
			[]UsageRelation{rel("b", "a"), rel("b", "a")}, "b@1:a>b"},
		{"unrelated parts stay out", "a", []UsageRelation{rel("b", "a"), rel("x", "y")}, "b@1:a>b"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Dependents(c.root, c.rels)
			if show(got) != c.want {
				t.Errorf("got %q, want %q", show(got), c.want)
			}
			for _, d := range got {
				if d.Depth != len(d.Path)-1 || d.Path[0].UsageID != c.root || d.Path[len(d.Path)-1].UsageID != d.UsageID ||
					d.SystemName != strings.ToUpper(d.UsageID) || d.SystemID != "s-"+d.UsageID {
					t.Errorf("dependent %+v", d)
				}
			}
			if c.root == "a" && len(got) > 0 && got[0].Path[0].SystemName != "A" {
				t.Errorf("root step %+v, want the root's system name", got[0].Path[0])
			}
		})
	}
}

// TestDependentsLongChain checks that a long chain is walked in one pass
// and every path is its own (no shared backing arrays).
func TestDependentsLongChain(t *testing.T) {
	const n = 500
	var rels []UsageRelation
	for i := n; i > 0; i-- {
		rels = append(rels, rel(fmt.Sprintf("u%03d", i), fmt.Sprintf("u%03d", i-1)))
	}
	got := Dependents("u000", rels)
	if len(got) != n {
		t.Fatalf("%d dependents, want %d", len(got), n)
	}
	for i, d := range got {
		if d.Depth != i+1 || len(d.Path) != i+2 {
			t.Fatalf("dependent %d: depth %d, path of %d", i, d.Depth, len(d.Path))
		}
		for j, s := range d.Path {
			if want := fmt.Sprintf("u%03d", j); s.UsageID != want {
				t.Fatalf("dependent %d step %d is %s, want %s", i, j, s.UsageID, want)
			}
		}
	}
}

func TestUsageRelationValidate(t *testing.T) {
	for _, c := range []struct {
		name  string
		in    UsageRelationInput
		field string
	}{
		{"ok", UsageRelationInput{ToUsageID: "b", Frequency: FrequencyWeekly, Reference: "https://kitos.dk"}, ""},
		{"no target", UsageRelationInput{}, "to_usage_id"},
		{"to itself", UsageRelationInput{ToUsageID: "a"}, "to_usage_id"},
		{"bad frequency", UsageRelationInput{ToUsageID: "b", Frequency: "hourly"}, "frequency"},
		{"bad reference", UsageRelationInput{ToUsageID: "b", Reference: "ftp://x"}, "reference"},
		{"long description", UsageRelationInput{ToUsageID: "b", Description: strings.Repeat("æ", 5001)}, "description"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := c.in.Relation("a")
			err := r.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				return
			}
			if e, ok := err.(*Error); !ok || e.Code != EINVALID || len(e.Fields) != 1 || e.Fields[0].Path != c.field {
				t.Fatalf("got %v, want a problem with %s", err, c.field)
			}
		})
	}
}

func TestSystemInterfaceValidate(t *testing.T) {
	in := SystemInterfaceInput{Name: "  Sag-API ", Identifier: " SAG-1 ", URL: "https://eksempel.dk/api"}
	i := in.Interface("s")
	if i.Name != "Sag-API" || i.Identifier != "SAG-1" || i.SystemID != "s" {
		t.Fatalf("normalised %+v", i)
	}
	if err := i.Validate(); err != nil {
		t.Fatal(err)
	}
	for field, bad := range map[string]SystemInterfaceInput{
		"name": {Name: " "}, "url": {Name: "x", URL: "mailto:a@b.dk"}, "identifier": {Name: "x", Identifier: strings.Repeat("1", 101)},
		"interface_version": {Name: "x", InterfaceVersion: strings.Repeat("1", 51)},
	} {
		b := bad.Interface("s")
		if e, ok := b.Validate().(*Error); !ok || len(e.Fields) != 1 || e.Fields[0].Path != field {
			t.Errorf("%s: got %v", field, b.Validate())
		}
	}
}
