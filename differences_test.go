package samspil

import (
	"slices"
	"testing"
)

// TestCompareOrganisations compares two members organised like Silkeborg
// (one board) and Viborg (sector directors), and a third, smaller member,
// in a directors' forum and an IT chiefs' forum, with the warnings counted
// by hand.
func TestCompareOrganisations(t *testing.T) {
	silkeborg := OrgProfile{OrganizationID: "s", OrganizationName: "Silkeborg", Population: 97000,
		Units: []OrgUnit{{ID: "s1", Kind: UnitDirectorate, Name: "Direktionen"}, {ID: "s2", ParentID: "s1", Kind: UnitDepartment, Name: "Digitalisering og IT", IT: true},
			{ID: "s3", ParentID: "s1", Kind: UnitDepartment, Name: "Børn og Unge"}},
		People: map[string]Representative{"lars": {UserID: "lars", Name: "Lars", Level: LevelDirector}, "mette": {UserID: "mette", Name: "Mette", Level: LevelHead}}}
	viborg := OrgProfile{OrganizationID: "v", OrganizationName: "Viborg", Population: 97600,
		Units: []OrgUnit{{ID: "v1", Kind: UnitDirectorate, Name: "Direktørområde Økonomi"}, {ID: "v2", Kind: UnitDirectorate, Name: "Direktørområde Børn"},
			{ID: "v3", ParentID: "v1", Kind: UnitDepartment, Name: "IT og Digitalisering", IT: true}, {ID: "v4", ParentID: "v3", Kind: UnitOffice, Name: "IT-drift"}},
		People: map[string]Representative{"hanne": {UserID: "hanne", Name: "Hanne", Level: LevelDirector}, "peter": {UserID: "peter", Name: "Peter", Level: LevelHead}}}
	small := OrgProfile{OrganizationID: "x", OrganizationName: "Samsø", Population: 3700,
		People: map[string]Representative{"ida": {UserID: "ida", Name: "Ida", Level: LevelStaff}, "bo": {UserID: "bo", Name: "Bo"}}}
	forums := []Forum{
		{ID: "d", Name: "Direktionsmøde", Level: ForumDirectors, Members: []ForumMember{{UserID: "mette", OrganizationID: "s"},
			{UserID: "lars", OrganizationID: "s"}, {UserID: "hanne", OrganizationID: "v"}, {UserID: "peter", OrganizationID: "v"},
			{UserID: "ida", OrganizationID: "x"}}},
		{ID: "c", Name: "IT-chefmøde", Level: ForumITChiefs, Members: []ForumMember{{UserID: "mette", OrganizationID: "s"},
			{UserID: "peter", OrganizationID: "v"}, {UserID: "bo", OrganizationID: "x"}}},
		{ID: "old", Name: "Gammelt forum", Level: ForumDirectors, Status: ForumDiscontinued},
	}
	c := CompareOrganisations("k", []OrgProfile{viborg, small, silkeborg}, forums)

	var names []string
	for _, m := range c.Members {
		names = append(names, m.OrganizationName)
	}
	if !slices.Equal(names, []string{"Samsø", "Silkeborg", "Viborg"}) {
		t.Fatalf("members %v", names)
	}
	x, s, v := c.Members[0], c.Members[1], c.Members[2]
	if s.Structure != StructureOneBoard || s.Directorates != 1 || v.Structure != StructureSectorDirectors || v.Directorates != 2 ||
		x.Structure != StructureUnknown {
		t.Errorf("structures %s/%d %s/%d %s", s.Structure, s.Directorates, v.Structure, v.Directorates, x.Structure)
	}
	if !slices.Equal(s.IT, []string{"Digitalisering og IT", "Direktionen"}) || !slices.Equal(v.IT, []string{"IT og Digitalisering", "Direktørområde Økonomi"}) ||
		len(x.IT) != 0 {
		t.Errorf("IT %v %v %v", s.IT, v.IT, x.IT)
	}
	if len(c.Forums) != 2 || c.Forums[0].ForumID != "d" || c.Forums[1].ForumID != "c" {
		t.Fatalf("forums %+v", c.Forums)
	}
	d := c.Forums[0]
	if reps := d.Seats["s"]; len(reps) != 2 || reps[0].Name != "Lars" || d.Highest["s"] != LevelDirector || d.Highest["x"] != LevelStaff {
		t.Errorf("directors' seats %+v highest %v", d.Seats, d.Highest)
	}
	// In the IT chiefs' forum Samsø's Bo has no recorded level: no highest.
	if _, ok := c.Forums[1].Highest["x"]; ok {
		t.Errorf("IT chiefs' highest %v", c.Forums[1].Highest)
	}
	var got []string
	for _, w := range c.Warnings {
		got = append(got, w.String())
	}
	want := []string{
		"Sector directors at Viborg, one board of directors at Silkeborg: a joint decision may need several directors on one side and one board on the other",
		"Samsø sends no director to Direktionsmøde: its highest representative is Ida (staff)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("warnings\n got %q\nwant %q", got, want)
	}

	// In a steering group Samsø's staff member stands three levels below
	// Silkeborg's director.
	forums[0].Level = ForumSteeringGroup
	c = CompareOrganisations("k", []OrgProfile{viborg, small, silkeborg}, forums)
	if len(c.Warnings) != 2 || c.Warnings[1].String() != "Samsø is represented in Direktionsmøde 3 levels lower than the highest of the others: Ida (staff) against director" {
		t.Errorf("steering group warnings %v", c.Warnings)
	}
}
