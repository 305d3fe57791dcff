package samspil

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

// alignDecl is a declaration for the alignment tests, created at noon of its day
// plus seq seconds.
func alignDecl(id, org string, area AmbitionArea, level int, on string, seq int) Ambition {
	d := day(on)
	return Ambition{ID: id, OrganizationID: org, Area: area, Level: level, DeclaredOn: d,
		CreatedAt: d.Time().Add(12*time.Hour + time.Duration(seq)*time.Second)}
}

// alignPhrases returns the English sentences of ps.
func alignPhrases(ps []Phrase) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

// alignArea returns the alignment of one area.
func alignArea(t *testing.T, al Alignment, area AmbitionArea) AreaAlignment {
	t.Helper()
	for _, aa := range al.Areas {
		if aa.Area == area {
			return aa
		}
	}
	t.Fatalf("area %s missing", area)
	return AreaAlignment{}
}

// The story: Silkeborg and Viborg both aim for joint systems in 2014; in
// 2017 Viborg steps back to sharing knowledge. Herning joined but never
// declared; Skive is not a member.
var alignStory = []Ambition{
	alignDecl("a1", "silkeborg", AreaSharedSystems, LevelJoint, "2014-03-01", 0),
	alignDecl("a2", "silkeborg", AreaKnowledgeSharing, LevelIntegrated, "2014-03-01", 1),
	alignDecl("a3", "viborg", AreaSharedSystems, LevelJoint, "2014-05-01", 0),
	alignDecl("a4", "viborg", AreaKnowledgeSharing, LevelIntegrated, "2014-05-01", 1),
	alignDecl("a5", "skive", AreaSharedSystems, LevelNone, "2015-01-01", 0),
	alignDecl("a6", "viborg", AreaSharedSystems, LevelKnowledge, "2017-02-01", 0),
}

func TestAlignStory(t *testing.T) {
	members := []string{"viborg", "silkeborg", "herning"}

	al := Align(alignStory, members, day("2014-06-01"))
	if al.On != day("2014-06-01") || len(al.Areas) != len(AmbitionAreas) {
		t.Fatalf("got %+v", al)
	}
	for i, aa := range al.Areas {
		if aa.Area != AmbitionAreas[i] || aa.Levels == nil {
			t.Errorf("area %d: %+v", i, aa)
		}
	}
	ss := alignArea(t, al, AreaSharedSystems)
	if len(ss.Levels) != 2 || ss.Levels["silkeborg"] != 3 || ss.Levels["viborg"] != 3 || ss.Min != 3 || ss.Max != 3 || ss.Spread != 0 {
		t.Errorf("2014 shared systems: %+v", ss)
	}
	if so := alignArea(t, al, AreaSharedOrganisation); len(so.Levels) != 0 || so.Min != 0 || so.Max != 0 || so.Spread != 0 {
		t.Errorf("nobody declared shared organisation: %+v", so)
	}
	if al.MaxSpread != 0 || al.Furthest == nil || *al.Furthest != (MemberPair{A: "silkeborg", B: "viborg", Distance: 0}) {
		t.Errorf("2014: max spread %d, furthest %+v", al.MaxSpread, al.Furthest)
	}
	if got, want := alignPhrases(al.Warnings), []string{"herning has declared no ambitions"}; !slices.Equal(got, want) {
		t.Errorf("2014 warnings %q, want %q", got, want)
	}

	al = Align(alignStory, members, day("2017-03-01"))
	ss = alignArea(t, al, AreaSharedSystems)
	if ss.Levels["silkeborg"] != 3 || ss.Levels["viborg"] != 1 || ss.Min != 1 || ss.Max != 3 || ss.Spread != 2 {
		t.Errorf("2017 shared systems: %+v", ss)
	}
	if _, ok := ss.Levels["skive"]; ok {
		t.Errorf("non-member Skive counted: %+v", ss)
	}
	if al.MaxSpread != 2 || al.Furthest == nil || *al.Furthest != (MemberPair{A: "silkeborg", B: "viborg", Distance: 2}) {
		t.Errorf("2017: max spread %d, furthest %+v", al.MaxSpread, al.Furthest)
	}
	want := []string{
		"shared_systems: ambitions lie 2 levels apart",
		"silkeborg last declared its ambitions on 2014-03-01, more than two years ago",
		"herning has declared no ambitions",
	}
	if got := alignPhrases(al.Warnings); !slices.Equal(got, want) {
		t.Errorf("2017 warnings %q, want %q", got, want)
	}
	if al.Warnings[0].Format != "%s: ambitions lie %d levels apart" || al.Warnings[0].Args[0] != "shared_systems" {
		t.Errorf("the area is passed as its code: %#v", al.Warnings[0])
	}
}

func TestAlignNobody(t *testing.T) {
	al := Align(alignStory, []string{"viborg", "silkeborg"}, day("2013-12-31"))
	if al.Furthest != nil || al.MaxSpread != 0 {
		t.Errorf("got %+v", al)
	}
	want := []string{"viborg has declared no ambitions", "silkeborg has declared no ambitions"}
	if got := alignPhrases(al.Warnings); !slices.Equal(got, want) {
		t.Errorf("warnings %q, want %q", got, want)
	}
	b, err := json.Marshal(Align(nil, nil, day("2020-01-01")))
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); !strings.Contains(s, `"levels":{}`) || !strings.Contains(s, `"warnings":[]`) || strings.Contains(s, "furthest") {
		t.Errorf("JSON %s", s)
	}

	// One member alone has nobody to be far from.
	al = Align(alignStory, []string{"viborg", "skive-not-listed"}, day("2020-01-01"))
	if al.Furthest != nil {
		t.Errorf("furthest of one member: %+v", al.Furthest)
	}
}

func TestAlignFurthest(t *testing.T) {
	for _, c := range []struct {
		name  string
		decls []Ambition
		want  MemberPair
	}{
		{"ties go to the smallest IDs", []Ambition{
			alignDecl("1", "viborg", AreaSharedSystems, 3, "2020-01-01", 0),
			alignDecl("2", "herning", AreaSharedSystems, 3, "2020-01-01", 0),
			alignDecl("3", "aarhus", AreaSharedSystems, 1, "2020-01-01", 0),
		}, MemberPair{A: "aarhus", B: "herning", Distance: 2}},
		{"summed over areas both declared", []Ambition{
			alignDecl("1", "viborg", AreaSharedSystems, 4, "2020-01-01", 0),
			alignDecl("2", "viborg", AreaJointProcurement, 0, "2020-01-01", 0),
			alignDecl("3", "herning", AreaSharedSystems, 2, "2020-01-01", 0),
			alignDecl("4", "herning", AreaJointProcurement, 2, "2020-01-01", 0),
			alignDecl("5", "aarhus", AreaSharedSystems, 1, "2020-01-01", 0),   // 3 from Viborg
			alignDecl("6", "aarhus", AreaJointOperations, 4, "2020-01-01", 0), // only Aarhus declared it
		}, MemberPair{A: "herning", B: "viborg", Distance: 4}},
		{"no area in common", []Ambition{
			alignDecl("1", "viborg", AreaSharedSystems, 4, "2020-01-01", 0),
			alignDecl("2", "herning", AreaJointProcurement, 0, "2020-01-01", 0),
		}, MemberPair{A: "herning", B: "viborg", Distance: 0}},
	} {
		t.Run(c.name, func(t *testing.T) {
			al := Align(c.decls, []string{"viborg", "herning", "aarhus"}, day("2020-06-01"))
			if al.Furthest == nil || *al.Furthest != c.want {
				t.Errorf("furthest %+v, want %+v", al.Furthest, c.want)
			}
		})
	}
}

func TestAlignLatest(t *testing.T) {
	decls := []Ambition{
		alignDecl("b", "viborg", AreaSharedSystems, 2, "2020-03-01", 5), // created last on the day
		alignDecl("a", "viborg", AreaSharedSystems, 4, "2020-03-01", 1),
		alignDecl("c", "viborg", AreaSharedSystems, 0, "2020-01-01", 9),
		alignDecl("d", "viborg", AreaSharedSystems, 1, "2020-05-01", 0), // not yet on 2020-04-01
		alignDecl("e", "viborg", "mergers", 4, "2020-03-01", 0),         // unknown area
		alignDecl("x", "silkeborg", AreaSharedProcesses, 1, "2020-03-01", 0),
		alignDecl("w", "silkeborg", AreaSharedProcesses, 3, "2020-03-01", 0), // same creation: the greater ID wins
	}
	al := Align(decls, []string{"viborg", "silkeborg"}, day("2020-04-01"))
	if got := alignArea(t, al, AreaSharedSystems).Levels; got["viborg"] != 2 {
		t.Errorf("same day: the later creation should win, got %v", got)
	}
	if got := alignArea(t, al, AreaSharedProcesses).Levels; got["silkeborg"] != 1 {
		t.Errorf("same day and creation: the greater ID should win, got %v", got)
	}
	slices.Reverse(decls)
	if got := alignArea(t, Align(decls, []string{"viborg"}, day("2020-04-01")), AreaSharedSystems).Levels; got["viborg"] != 2 {
		t.Errorf("order of the input matters: %v", got)
	}
	if got := alignArea(t, Align(decls, []string{"viborg"}, day("2020-05-01")), AreaSharedSystems).Levels; got["viborg"] != 1 {
		t.Errorf("a declaration counts from its day: %v", got)
	}
	if got := alignArea(t, Align(decls, []string{"viborg"}, day("2020-02-29")), AreaSharedSystems).Levels; got["viborg"] != 0 {
		t.Errorf("before the later ones: %v", got)
	}
}

func TestAlignStale(t *testing.T) {
	decls := []Ambition{
		alignDecl("1", "viborg", AreaSharedSystems, 3, "2018-02-28", 0),
		alignDecl("2", "viborg", AreaKnowledgeSharing, 3, "2018-03-01", 0), // the newest counts
	}
	for on, stale := range map[string]bool{"2020-03-01": false, "2020-03-02": true, "2019-01-01": false} {
		al := Align(decls, []string{"viborg"}, day(on))
		if got := len(al.Warnings) == 1; got != stale {
			t.Errorf("on %s: warnings %q, want stale %v", on, alignPhrases(al.Warnings), stale)
		}
	}
	al := Align(decls, []string{"viborg"}, day("2021-01-01"))
	if w := al.Warnings[0]; w.Format != "%s last declared its ambitions on %s, more than two years ago" || w.Args[1] != day("2018-03-01") {
		t.Errorf("got %#v", w)
	}
}

func TestAlignmentHistory(t *testing.T) {
	decls := slices.Clone(alignStory)
	slices.Reverse(decls)
	decls = append(decls, alignDecl("a7", "silkeborg", AreaSharedSystems, LevelJoint, "2014-05-01", 5)) // a second declaration that day
	h := AlignmentHistory(decls, []string{"silkeborg", "viborg"})
	var days []string
	var spreads []int
	for _, al := range h {
		days = append(days, al.On.String())
		spreads = append(spreads, al.MaxSpread)
	}
	// Skive's 2015 declaration is not a member's: no entry for that day.
	if want := []string{"2014-03-01", "2014-05-01", "2017-02-01"}; !slices.Equal(days, want) {
		t.Errorf("days %v, want %v", days, want)
	}
	if want := []int{0, 0, 2}; !slices.Equal(spreads, want) {
		t.Errorf("spreads %v, want %v", spreads, want)
	}
	if h[0].Furthest != nil || h[1].Furthest == nil {
		t.Errorf("furthest: %+v, %+v", h[0].Furthest, h[1].Furthest)
	}
	if got := AlignmentHistory(nil, []string{"viborg"}); got == nil || len(got) != 0 {
		t.Errorf("no declarations: %#v", got)
	}
}
