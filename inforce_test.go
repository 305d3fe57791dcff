package samspil

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// inForceOwner is an owner of a strategy for the tests; adopted "" means not yet.
func inForceOwner(org, adopted string) StrategyOwner {
	o := StrategyOwner{OrganizationID: org, OrganizationName: strings.ToUpper(org[:1]) + org[1:] + " Kommune"}
	if adopted != "" {
		o.AdoptedOn = dayp(adopted)
	}
	return o
}

// The story: Silkeborg and Viborg adopt a joint strategy for 2015–2018.
// Nothing replaces it when it runs out; Viborg adopts its own in March
// 2020, Silkeborg in June 2021.
var inForceStory = []Strategy{
	{ID: "joint-2015", Title: "Fælles digitalisering 2015–2018", Scope: "digitalisation", From: day("2015-01-01"), Until: dayp("2018-12-31"),
		Owners: []StrategyOwner{inForceOwner("silkeborg", "2015-03-10"), inForceOwner("viborg", "2015-04-20")}},
	{ID: "viborg-2020", Title: "Digitale Viborg", Scope: "digitalisation", From: day("2020-01-01"), Until: dayp("2023-12-31"),
		Owners: []StrategyOwner{inForceOwner("viborg", "2020-03-01")}},
	{ID: "silkeborg-2021", Title: "Digitale Silkeborg", Scope: "digitalisation", From: day("2021-01-01"), Until: dayp("2025-12-31"),
		Owners: []StrategyOwner{inForceOwner("silkeborg", "2021-06-15")}},
	// Ignored: another scope, and a draft nobody adopted.
	{ID: "viborg-health", Title: "Velfærdsteknologi", Scope: "welfare_technology", From: day("2016-01-01"),
		Owners: []StrategyOwner{inForceOwner("viborg", "2016-01-01")}},
	{ID: "silkeborg-draft", Title: "Udkast", Scope: "digitalisation", From: day("2019-01-01"),
		Owners: []StrategyOwner{inForceOwner("silkeborg", "")}},
}

func TestInForceStory(t *testing.T) {
	type want struct {
		id, adopted string
		joint, past bool
		why         string
	}
	for _, c := range []struct {
		org, on string
		want    want
	}{
		{"silkeborg", "2015-03-09", want{why: `no strategy of scope "digitalisation" adopted by Silkeborg Kommune`}},
		{"silkeborg", "2015-03-10", want{"joint-2015", "2015-03-10", true, false,
			`joint strategy "Fælles digitalisering 2015–2018", adopted 2015-03-10, is in force until a newer strategy of its own replaces it`}},
		{"viborg", "2015-03-10", want{why: `no strategy of scope "digitalisation" adopted by Viborg Kommune`}},
		{"viborg", "2018-12-31", want{"joint-2015", "2015-04-20", true, false,
			`joint strategy "Fælles digitalisering 2015–2018", adopted 2015-04-20, is in force until a newer strategy of its own replaces it`}},
		{"silkeborg", "2019-06-01", want{"joint-2015", "2015-03-10", true, true,
			`joint strategy "Fælles digitalisering 2015–2018", adopted 2015-03-10, is in force past its period, which ended 2018-12-31, until a newer strategy of its own replaces it`}},
		{"viborg", "2019-06-01", want{"joint-2015", "2015-04-20", true, true,
			`joint strategy "Fælles digitalisering 2015–2018", adopted 2015-04-20, is in force past its period, which ended 2018-12-31, until a newer strategy of its own replaces it`}},
		{"viborg", "2020-02-29", want{"joint-2015", "2015-04-20", true, true,
			`joint strategy "Fælles digitalisering 2015–2018", adopted 2015-04-20, is in force past its period, which ended 2018-12-31, until a newer strategy of its own replaces it`}},
		{"viborg", "2020-03-01", want{"viborg-2020", "2020-03-01", false, false, `strategy "Digitale Viborg", adopted 2020-03-01, is in force`}},
		{"viborg", "2020-06-01", want{"viborg-2020", "2020-03-01", false, false, `strategy "Digitale Viborg", adopted 2020-03-01, is in force`}},
		{"silkeborg", "2020-06-01", want{"joint-2015", "2015-03-10", true, true,
			`joint strategy "Fælles digitalisering 2015–2018", adopted 2015-03-10, is in force past its period, which ended 2018-12-31, until a newer strategy of its own replaces it`}},
		{"silkeborg", "2021-06-14", want{"joint-2015", "2015-03-10", true, true,
			`joint strategy "Fælles digitalisering 2015–2018", adopted 2015-03-10, is in force past its period, which ended 2018-12-31, until a newer strategy of its own replaces it`}},
		{"silkeborg", "2021-06-15", want{"silkeborg-2021", "2021-06-15", false, false, `strategy "Digitale Silkeborg", adopted 2021-06-15, is in force`}},
		{"silkeborg", "2022-01-01", want{"silkeborg-2021", "2021-06-15", false, false, `strategy "Digitale Silkeborg", adopted 2021-06-15, is in force`}},
		{"viborg", "2022-01-01", want{"viborg-2020", "2020-03-01", false, false, `strategy "Digitale Viborg", adopted 2020-03-01, is in force`}},
		{"viborg", "2024-01-01", want{"viborg-2020", "2020-03-01", false, true,
			`strategy "Digitale Viborg", adopted 2020-03-01, is in force past its period, which ended 2023-12-31, until a newer strategy replaces it`}},
		{"skive", "2022-01-01", want{why: `no strategy of scope "digitalisation" adopted by skive`}},
	} {
		t.Run(c.org+" "+c.on, func(t *testing.T) {
			got := InForce(inForceStory, c.org, "digitalisation", day(c.on))
			if got.OrganizationID != c.org || got.On != day(c.on) || got.StrategyID != c.want.id || got.Joint != c.want.joint ||
				got.PastPeriod != c.want.past || got.AdoptedOn.StringOrEmpty() != c.want.adopted {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
			if got.Explanation.String() != c.want.why {
				t.Errorf("explanation %q\nwant %q", got.Explanation.String(), c.want.why)
			}
			if c.want.id != "" && got.StrategyTitle == "" {
				t.Errorf("no title: %+v", got)
			}
		})
	}

	// Another scope: only Viborg's own strategy counts.
	got := InForce(inForceStory, "viborg", "welfare_technology", day("2019-06-01"))
	if got.StrategyID != "viborg-health" || got.PastPeriod || got.Joint {
		t.Errorf("welfare technology: %+v", got)
	}
	got = InForce(inForceStory, "silkeborg", "welfare_technology", day("2019-06-01"))
	if got.StrategyID != "" || got.Explanation.String() != `no strategy of scope "welfare_technology" adopted by Silkeborg Kommune` {
		t.Errorf("welfare technology for Silkeborg: %+v", got)
	}
}

func TestInForceStart(t *testing.T) {
	strategies := []Strategy{
		{ID: "herning-2020", Title: "Herning 2020", Scope: "digitalisation", From: day("2020-01-01"), Until: dayp("2023-12-31"),
			Owners: []StrategyOwner{inForceOwner("herning", "2020-02-01")}},
		// Adopted before its period starts: in force from From.
		{ID: "herning-2024", Title: "Herning 2024", Scope: "digitalisation", From: day("2024-01-01"),
			Owners: []StrategyOwner{inForceOwner("herning", "2023-11-20")}},
	}
	for on, want := range map[string]string{"2023-11-19": "herning-2020", "2023-12-31": "herning-2020", "2024-01-01": "herning-2024"} {
		got := InForce(strategies, "herning", "digitalisation", day(on))
		if got.StrategyID != want || got.PastPeriod {
			t.Errorf("on %s: %+v, want %s", on, got, want)
		}
		if want == "herning-2024" && got.AdoptedOn.StringOrEmpty() != "2023-11-20" {
			t.Errorf("adopted on %s, want the day of adoption", got.AdoptedOn.StringOrEmpty())
		}
	}
	got := InForce(strategies[1:], "herning", "digitalisation", day("2023-12-01"))
	if got.StrategyID != "" || got.Explanation.String() != `no strategy of scope "digitalisation" is in force for Herning Kommune yet: "Herning 2024" comes into force on 2024-01-01` {
		t.Errorf("not yet in force: %+v (%s)", got, got.Explanation)
	}
}

func TestInForceSameDay(t *testing.T) {
	strategies := []Strategy{
		{ID: "skive-b", Title: "B", Scope: "digitalisation", From: day("2022-06-01"), Owners: []StrategyOwner{inForceOwner("skive", "2022-05-05")}},
		{ID: "skive-a", Title: "A", Scope: "digitalisation", From: day("2022-01-01"), Owners: []StrategyOwner{inForceOwner("skive", "2022-05-05")}},
		{ID: "skive-d", Title: "D", Scope: "digitalisation", From: day("2023-01-01"), Owners: []StrategyOwner{inForceOwner("skive", "2023-02-02")}},
		{ID: "skive-c", Title: "C", Scope: "digitalisation", From: day("2023-01-01"), Owners: []StrategyOwner{inForceOwner("skive", "2023-02-02")}},
	}
	for on, want := range map[string]string{
		"2022-05-10": "skive-a", // B is adopted, but its period has not begun
		"2022-07-01": "skive-b", // the later From wins
		"2023-03-01": "skive-d", // same day, same From: the greater ID
	} {
		for _, order := range []bool{false, true} {
			ss := slices.Clone(strategies)
			if order {
				slices.Reverse(ss)
			}
			if got := InForce(ss, "skive", "digitalisation", day(on)); got.StrategyID != want {
				t.Errorf("on %s: %s, want %s", on, got.StrategyID, want)
			}
		}
	}
}

func TestCoverageOf(t *testing.T) {
	members := []Member{
		{OrganizationID: "viborg", OrganizationName: "Viborg", Role: MemberRoleChair, Since: day("2014-01-01")},
		{OrganizationID: "silkeborg", OrganizationName: "Silkeborg", Since: day("2014-01-01")},
		{OrganizationID: "skive", OrganizationName: "Skive", Since: day("2014-01-01"), Until: dayp("2017-12-31")},
		{OrganizationID: "herning", OrganizationName: "Herning", Role: MemberRoleObserver, Since: day("2016-01-01")},
		{OrganizationID: "aarhus", OrganizationName: "Aarhus", Since: day("2023-01-01")},
	}
	for _, c := range []struct {
		on   string
		want []string // organisation=strategy
	}{
		{"2015-01-01", []string{"viborg=", "silkeborg=", "skive="}},
		{"2019-06-01", []string{"viborg=joint-2015", "silkeborg=joint-2015", "herning="}},
		{"2020-06-01", []string{"viborg=viborg-2020", "silkeborg=joint-2015", "herning="}},
		{"2022-01-01", []string{"viborg=viborg-2020", "silkeborg=silkeborg-2021", "herning="}},
	} {
		covs := CoverageOf(inForceStory, members, "digitalisation", day(c.on))
		var got []string
		for _, cov := range covs {
			got = append(got, cov.OrganizationID+"="+cov.StrategyID)
			if cov.On != day(c.on) || !strings.HasPrefix(cov.OrganizationName, strings.ToUpper(cov.OrganizationID[:1])) {
				t.Errorf("on %s: %+v", c.on, cov)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("on %s: %v, want %v", c.on, got, c.want)
		}
	}
	covs := CoverageOf(inForceStory, members, "digitalisation", day("2020-06-01"))
	if s := covs[2].Explanation.String(); s != `no strategy of scope "digitalisation" adopted by Herning` {
		t.Errorf("the member's name is used: %q", s)
	}
	if covs[1].OrganizationName != "Silkeborg" {
		t.Errorf("the member's name wins: %+v", covs[1])
	}
	b, err := json.Marshal(CoverageOf(nil, nil, "digitalisation", day("2020-01-01")))
	if err != nil || string(b) != "[]" {
		t.Errorf("no members: %s, %v", b, err)
	}
}
