package samspil

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestNextOversightDateExamples(t *testing.T) {
	for _, c := range []struct {
		last, planned string
		interval      OversightInterval
		want          string
		why           string
	}{
		{"2026-03-15", "", OversightHalfYearly, "2026-09-15", "six months later"},
		{"2026-03-15", "", OversightYearly, "2027-03-15", "a year later"},
		{"2026-03-15", "", OversightEverySecondYear, "2028-03-15", "two years later"},
		{"2026-03-15", "", OversightEveryThirdYear, "2029-03-15", "three years later"},
		{"2028-02-29", "", OversightYearly, "2029-02-28", "a leap day clamps to the end of February"},
		{"2026-08-31", "", OversightHalfYearly, "2027-02-28", "the end of a longer month clamps"},
		{"2026-03-15", "", OversightOther, "", "other has no fixed length"},
		{"2026-03-15", "", OversightUndecided, "", "undecided has no fixed length"},
		{"2026-03-15", "", "", "", "no interval"},
		{"", "", OversightYearly, "", "never overseen and nothing planned"},
		{"2026-03-15", "2026-06-01", OversightYearly, "2026-06-01", "a planned day wins"},
		{"", "2026-06-01", "", "2026-06-01", "planned without a last oversight"},
		{"2026-03-15", "2026-06-01", OversightOther, "2026-06-01", "planned with an interval of no fixed length"},
	} {
		var last, planned *Date
		if c.last != "" {
			last = dayp(c.last)
		}
		if c.planned != "" {
			planned = dayp(c.planned)
		}
		if got := dateOrEmpty(NextOversightDate(last, planned, c.interval)); got != c.want {
			t.Errorf("NextOversightDate(%s, %s, %q) = %s, want %s (%s)", c.last, c.planned, c.interval, got, c.want, c.why)
		}
	}
	// The zero Date counts as absent, as JSON "" does.
	if got := NextOversightDate(dayp("2026-01-10"), &Date{}, OversightYearly); got == nil || *got != day("2027-01-10") {
		t.Errorf("NextOversightDate with a zero planned day = %v, want 2027-01-10", got)
	}
}

func randInterval(r *rand.Rand) OversightInterval {
	if r.IntN(8) == 0 {
		return ""
	}
	return OversightIntervals[r.IntN(len(OversightIntervals))]
}

// TestNextOversightDateProperties: the computed next oversight is the
// interval after the last, after it, within the days such a number of
// months can have, never earlier for a later last oversight or a longer
// interval; a planned day always wins.
func TestNextOversightDateProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for range 20000 {
		last, interval := randDate(r), randInterval(r)
		next := NextOversightDate(&last, nil, interval)
		months := interval.Months()
		if months == 0 {
			if next != nil {
				t.Fatalf("NextOversightDate(%s, nil, %q) = %s, want none", last, interval, next)
			}
			continue
		}
		if next == nil || !next.After(last) {
			t.Fatalf("NextOversightDate(%s, nil, %q) = %v: not after the last oversight", last, interval, next)
		}
		if n := DaysBetween(last, *next); n < months*28 || n > months*31+1 {
			t.Fatalf("NextOversightDate(%s, nil, %q) = %s: %d days for %d months", last, interval, next, n, months)
		}
		if MonthsBetween(last, *next) != months && next.Day == last.Day {
			t.Fatalf("NextOversightDate(%s, nil, %q) = %s: not %d whole months", last, interval, next, months)
		}
		later := last.AddDays(1 + r.IntN(400))
		if n := NextOversightDate(&later, nil, interval); n.Before(*next) {
			t.Fatalf("last %s gives %s, a later last %s gives %s: decreasing", last, next, later, n)
		}
		for _, longer := range OversightIntervals {
			if longer.Months() > months {
				if n := NextOversightDate(&last, nil, longer); n.Before(*next) {
					t.Fatalf("%q gives %s, the longer %q gives %s", interval, next, longer, n)
				}
			}
		}
		planned := randDate(r)
		if n := NextOversightDate(&last, &planned, interval); n == nil || *n != planned {
			t.Fatalf("NextOversightDate(%s, %s, %q) = %v, want the planned day", last, planned, interval, n)
		}
		if n := NextOversightDate(nil, &planned, randInterval(r)); n == nil || *n != planned {
			t.Fatalf("NextOversightDate(nil, %s) = %v, want the planned day", planned, n)
		}
	}
}

func validRegistration() DataProcessingRegistration {
	return DataProcessingInput{Name: "Løn og personale", Processors: []DataProcessor{{OrganizationID: "o1", Country: "dk"}},
		ThirdCountries: []string{"us"}, PersonalData: []PersonalDataKind{PersonalDataCPR, PersonalDataOrdinary, PersonalDataCPR},
		Oversight: Oversight{Interval: OversightYearly, LastDate: dayp("2026-02-01")}}.Registration()
}

func TestDataProcessingInputDefaults(t *testing.T) {
	r := validRegistration()
	if r.Visibility != VisibilityPrivate {
		t.Errorf("visibility = %q, want private by default", r.Visibility)
	}
	if !slices.Equal(r.PersonalData, []PersonalDataKind{PersonalDataOrdinary, PersonalDataCPR}) {
		t.Errorf("personal data = %v, want a set in the order of the kinds", r.PersonalData)
	}
	if r.Processors[0].Country != "DK" || !slices.Equal(r.ThirdCountries, []string{"US"}) {
		t.Errorf("countries not upper-cased: %+v %v", r.Processors, r.ThirdCountries)
	}
	if r.NextOversight == nil || *r.NextOversight != day("2027-02-01") {
		t.Errorf("next oversight = %v, want 2027-02-01", r.NextOversight)
	}
	if r.Usages == nil || r.Contracts == nil || r.SubProcessors == nil {
		t.Errorf("lists must be empty, not nil: %+v", r)
	}
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestDataProcessingValidate(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(*DataProcessingRegistration)
		path   string
	}{
		{"no name", func(r *DataProcessingRegistration) { r.Name = "" }, "name"},
		{"unknown role", func(r *DataProcessingRegistration) { r.DataResponsible = "maybe" }, "data_responsible"},
		{"unknown answer", func(r *DataProcessingRegistration) { r.AgreementConcluded = "perhaps" }, "agreement_concluded"},
		{"processor without organisation", func(r *DataProcessingRegistration) { r.Processors[0].OrganizationID = "" }, "processors[0].organization_id"},
		{"unknown processor country", func(r *DataProcessingRegistration) { r.Processors[0].Country = "XX" }, "processors[0].country"},
		{"sub-processor twice", func(r *DataProcessingRegistration) {
			r.SubProcessors = []DataProcessor{{OrganizationID: "o2"}, {OrganizationID: "o2"}}
		}, "sub_processors[1].organization_id"},
		{"unknown transfer basis", func(r *DataProcessingRegistration) { r.TransferBasis = "trust" }, "transfer_basis"},
		{"unknown third country", func(r *DataProcessingRegistration) { r.ThirdCountries = []string{"US", "ZZ"} }, "third_countries[1]"},
		{"unknown kind of data", func(r *DataProcessingRegistration) { r.PersonalData = []PersonalDataKind{"secret"} }, "personal_data[0]"},
		{"unknown interval", func(r *DataProcessingRegistration) { r.Oversight.Interval = "weekly" }, "oversight.interval"},
		{"planned before the last", func(r *DataProcessingRegistration) { r.Oversight.PlannedDate = dayp("2026-01-01") }, "oversight.planned_date"},
		{"document not a web address", func(r *DataProcessingRegistration) { r.Oversight.DocumentURL = "file:///c/rapport.pdf" }, "oversight.document_url"},
		{"unknown visibility", func(r *DataProcessingRegistration) { r.Visibility = "everyone" }, "visibility"},
	} {
		r := validRegistration()
		c.change(&r)
		err := r.Validate()
		var e *Error
		if !errors.As(err, &e) || e.Code != EINVALID || len(e.Fields) == 0 || e.Fields[0].Path != c.path {
			t.Errorf("%s: got %v, want a problem at %s", c.name, err, c.path)
		}
	}
}

func TestDataProcessingPatchApply(t *testing.T) {
	r := validRegistration()
	r.setUsageIDs([]string{"u1"})
	name, empty := "  Ny  ", Date{}
	kinds := []PersonalDataKind{PersonalDataSensitive}
	o := Oversight{Interval: OversightHalfYearly, LastDate: dayp("2026-05-31")}
	got := DataProcessingPatch{Name: &name, AgreementDate: &empty, PersonalData: &kinds, Oversight: &o}.Apply(r)
	if got.Name != "Ny" || got.AgreementDate != nil || !slices.Equal(got.PersonalData, kinds) || !slices.Equal(got.UsageIDs(), []string{"u1"}) {
		t.Errorf("Apply = %+v", got)
	}
	if got.NextOversight == nil || *got.NextOversight != day("2026-11-30") {
		t.Errorf("next oversight after the patch = %v, want 2026-11-30", got.NextOversight)
	}
	ids := []string{"c2", "c1", "c2"}
	if got := (DataProcessingPatch{ContractIDs: &ids}).Apply(r); !slices.Equal(got.ContractIDs(), []string{"c1", "c2"}) {
		t.Errorf("contract ids = %v", got.ContractIDs())
	}
}

func TestOrderByNextOversight(t *testing.T) {
	rs := []DataProcessingRegistration{{ID: "a", Name: "Uden"}, {ID: "b", Name: "Senere", NextOversight: dayp("2027-01-01")},
		{ID: "c", Name: "Først", NextOversight: dayp("2026-06-01")}, {ID: "d", Name: "Andet", NextOversight: dayp("2027-01-01")}}
	OrderByNextOversight(rs)
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	if !slices.Equal(ids, []string{"c", "d", "b", "a"}) {
		t.Errorf("order = %v", ids)
	}
}
