package sqldb_test

import (
	"slices"
	"testing"
	"time"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// Valid and invalid CVR numbers (modulus 11 with weights 2765432 1).
const (
	cvrA   = "29403473"
	cvrB   = "12345674"
	cvrBad = "29403474"
)

func TestOrganizationCreate(t *testing.T) {
	for _, c := range []string{cvrA, cvrB} {
		if !samspil.ValidCVR(c) {
			t.Fatalf("fixture CVR %s is not valid", c)
		}
	}
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		// The System actor is an operator.
		os2, err := db.CreateOrganization(ctx, testkit.System, samspil.OrganizationInput{
			Kind: samspil.KindCommunity, Name: "  OS2 – Offentligt Digitaliseringsfællesskab ", CVR: cvrA,
			Population: []samspil.Population{{Year: 2010, Inhabitants: 1}, {Year: 2025, Inhabitants: 2}},
		})
		must(t, err)
		if os2.Name != "OS2 – Offentligt Digitaliseringsfællesskab" || os2.Country != "DK" || os2.Visibility != samspil.VisibilitySector ||
			os2.Version != 1 || os2.ID == "" || os2.CVR != cvrA {
			t.Fatalf("created %+v", os2)
		}
		if len(os2.Population) != 2 || os2.Population[0].Year != 2025 {
			t.Fatalf("population not sorted newest first: %+v", os2.Population)
		}
		found, err := db.FindOrganization(ctx, testkit.System, os2.ID)
		must(t, err)
		if found.Name != os2.Name || found.CVR != cvrA || len(found.Population) != 2 || found.Population[0].Inhabitants != 2 {
			t.Fatalf("stored %+v", found)
		}

		// A user who is a platform operator may register organisations too.
		opUser, err := db.CreateUser(ctx, testkit.System, samspil.UserInput{Email: "drift@samspil.dk", DisplayName: "Drift", Operator: true})
		must(t, err)
		op := testkit.Actor(t, db, opUser.ID)
		vendor, err := db.CreateOrganization(ctx, op, samspil.OrganizationInput{Kind: samspil.KindCompany, Name: "Leverandør A/S", CVR: cvrB})
		must(t, err)
		if vendor.Visibility != samspil.VisibilitySector {
			t.Errorf("a company defaults to visibility %s, want sector", vendor.Visibility)
		}
		// A foreign municipality may reuse a Danish municipality code.
		se, err := db.CreateOrganization(ctx, op, samspil.OrganizationInput{Kind: samspil.KindMunicipality, Name: "Sala kommun", Country: "se", MunicipalityCode: testkit.Silkeborg})
		must(t, err)
		if se.Country != "SE" || se.Visibility != samspil.VisibilityPublic {
			t.Errorf("Swedish municipality: %+v", se)
		}
		// Finding by municipality code still means the Danish one.
		if o := testkit.Org(t, db, testkit.Silkeborg); o.Name != "Silkeborg Kommune" {
			t.Errorf("0740 is now %s", o.Name)
		}

		// Everybody else is refused.
		admin := testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)
		for name, actor := range map[string]*samspil.Actor{"admin": admin.Actor, "anonymous": samspil.Anonymous()} {
			_, err := db.CreateOrganization(ctx, actor, samspil.OrganizationInput{Kind: samspil.KindCommunity, Name: "Ny forening " + name})
			testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		}
		p, err := db.ListOrganizations(ctx, testkit.System, samspil.OrganizationFilter{Query: "ny forening"})
		must(t, err)
		if len(p.Items) != 0 {
			t.Errorf("refused organisations were stored: %+v", p.Items)
		}
	})
}

func TestOrganizationCreateConflicts(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		_, err := db.CreateOrganization(ctx, testkit.System, samspil.OrganizationInput{Kind: samspil.KindCommunity, Name: "OS2", CVR: cvrA})
		must(t, err)
		for _, c := range []struct {
			name   string
			in     samspil.OrganizationInput
			fields []string
		}{
			{"municipality code", samspil.OrganizationInput{Kind: samspil.KindMunicipality, Name: "Ny Silkeborg", MunicipalityCode: testkit.Silkeborg}, []string{"municipality_code"}},
			{"cvr", samspil.OrganizationInput{Kind: samspil.KindCompany, Name: "Kopi", CVR: cvrA}, []string{"cvr"}},
			{"both", samspil.OrganizationInput{Kind: samspil.KindMunicipality, Name: "Kopi", MunicipalityCode: testkit.Viborg, CVR: cvrA}, []string{"municipality_code", "cvr"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := db.CreateOrganization(ctx, testkit.System, c.in)
				for _, f := range c.fields {
					wantField(t, err, samspil.ECONFLICT, f)
				}
			})
		}
		p, err := db.ListOrganizations(ctx, testkit.System, samspil.OrganizationFilter{Query: "kopi"})
		must(t, err)
		if len(p.Items) != 0 {
			t.Errorf("conflicting organisations were stored: %+v", p.Items)
		}
	})
}

func TestOrganizationCreateInvalid(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		for _, c := range []struct {
			name   string
			in     samspil.OrganizationInput
			fields []string
		}{
			{"cvr fails modulus 11", samspil.OrganizationInput{Kind: samspil.KindCompany, Name: "X", CVR: cvrBad}, []string{"cvr"}},
			{"cvr too short", samspil.OrganizationInput{Kind: samspil.KindCompany, Name: "X", CVR: "2940347"}, []string{"cvr"}},
			{"cvr with letters", samspil.OrganizationInput{Kind: samspil.KindCompany, Name: "X", CVR: "2940347A"}, []string{"cvr"}},
			{"cvr starting with 0", samspil.OrganizationInput{Kind: samspil.KindCompany, Name: "X", CVR: "02940347"}, []string{"cvr"}},
			{"municipality code of 2 digits", samspil.OrganizationInput{Kind: samspil.KindMunicipality, Name: "X", MunicipalityCode: "74"}, []string{"municipality_code"}},
			{"municipality code of 5 digits", samspil.OrganizationInput{Kind: samspil.KindMunicipality, Name: "X", MunicipalityCode: "07400"}, []string{"municipality_code"}},
			{"municipality code with a letter", samspil.OrganizationInput{Kind: samspil.KindMunicipality, Name: "X", MunicipalityCode: "07a0"}, []string{"municipality_code"}},
			{"Danish municipality without code", samspil.OrganizationInput{Kind: samspil.KindMunicipality, Name: "X"}, []string{"municipality_code"}},
			{"municipality code on a community", samspil.OrganizationInput{Kind: samspil.KindCommunity, Name: "X", MunicipalityCode: "0999"}, []string{"municipality_code"}},
			{"unknown region", samspil.OrganizationInput{Kind: samspil.KindCommunity, Name: "X", Region: "1090"}, []string{"region"}},
			{"country", samspil.OrganizationInput{Kind: samspil.KindCommunity, Name: "X", Country: "Denmark"}, []string{"country"}},
			{"visibility", samspil.OrganizationInput{Kind: samspil.KindCommunity, Name: "X", Visibility: "secret"}, []string{"visibility"}},
			{"population", samspil.OrganizationInput{Kind: samspil.KindCommunity, Name: "X", Population: []samspil.Population{
				{Year: 2025, Inhabitants: 1}, {Year: 2025, Inhabitants: 2}, {Year: 1700, Inhabitants: -1}}},
				[]string{"population[1].year", "population[2].year", "population[2].inhabitants"}},
			{"several fields at once", samspil.OrganizationInput{Kind: "club", Name: " ", CVR: cvrBad}, []string{"kind", "name", "cvr"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := db.CreateOrganization(ctx, testkit.System, c.in)
				for _, f := range c.fields {
					wantField(t, err, samspil.EINVALID, f)
				}
			})
		}
		p, err := db.ListOrganizations(ctx, testkit.System, samspil.OrganizationFilter{ListOptions: samspil.ListOptions{Limit: 500}})
		must(t, err)
		if len(p.Items) != 103 {
			t.Errorf("invalid input was stored: %d organisations, want 103", len(p.Items))
		}
	})
}

func TestOrganizationUpdate(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		admin := testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)
		s := testkit.Org(t, db, testkit.Silkeborg)
		other, err := db.CreateOrganization(ctx, testkit.System, samspil.OrganizationInput{Kind: samspil.KindCommunity, Name: "OS2", CVR: cvrB})
		must(t, err)

		upd, err := db.UpdateOrganization(ctx, admin.Actor, s.ID, s.Version, samspil.OrganizationPatch{
			Name: ptr(" Silkeborg Kommune (test) "), CVR: ptr(cvrA),
			Population: &[]samspil.Population{{Year: 2020, Inhabitants: 95000}, {Year: 2026, Inhabitants: 101000}},
		})
		must(t, err)
		if upd.Name != "Silkeborg Kommune (test)" || upd.CVR != cvrA || upd.Version != s.Version+1 || upd.MunicipalityCode != testkit.Silkeborg {
			t.Fatalf("updated %+v", upd)
		}
		got := testkit.Org(t, db, testkit.Silkeborg)
		if got.Name != upd.Name || got.CVR != cvrA || got.Version != upd.Version ||
			len(got.Population) != 2 || got.Population[0] != (samspil.Population{Year: 2026, Inhabitants: 101000}) {
			t.Fatalf("stored %+v", got)
		}
		// The search index follows the new name.
		p, err := db.ListOrganizations(ctx, samspil.Anonymous(), samspil.OrganizationFilter{Query: "(TEST)"})
		must(t, err)
		if len(p.Items) != 1 || p.Items[0].ID != s.ID {
			t.Errorf("search for the new name: %+v", p.Items)
		}

		// A change based on the old version is refused and changes nothing.
		_, err = db.UpdateOrganization(ctx, admin.Actor, s.ID, s.Version, samspil.OrganizationPatch{Name: ptr("Lost update")})
		testkit.ErrCode(t, err, samspil.ESTALE)

		// Conflicts and invalid values name the field.
		_, err = db.UpdateOrganization(ctx, admin.Actor, s.ID, upd.Version, samspil.OrganizationPatch{CVR: ptr(cvrB)})
		wantField(t, err, samspil.ECONFLICT, "cvr")
		_, err = db.UpdateOrganization(ctx, admin.Actor, s.ID, upd.Version, samspil.OrganizationPatch{CVR: ptr(cvrBad)})
		wantField(t, err, samspil.EINVALID, "cvr")
		_, err = db.UpdateOrganization(ctx, admin.Actor, s.ID, upd.Version, samspil.OrganizationPatch{Visibility: ptr(samspil.Visibility("hidden"))})
		wantField(t, err, samspil.EINVALID, "visibility")
		if got := testkit.Org(t, db, testkit.Silkeborg); got.Name != upd.Name || got.CVR != cvrA || got.Version != upd.Version {
			t.Fatalf("refused updates changed the organisation: %+v", got)
		}

		// An empty CVR clears it, so another organisation may take it.
		upd, err = db.UpdateOrganization(ctx, admin.Actor, s.ID, upd.Version, samspil.OrganizationPatch{CVR: ptr("")})
		must(t, err)
		if upd.CVR != "" {
			t.Fatalf("CVR not cleared: %q", upd.CVR)
		}
		_, err = db.UpdateOrganization(ctx, testkit.System, other.ID, other.Version, samspil.OrganizationPatch{CVR: ptr(cvrA)})
		must(t, err)
		// Without a population patch the figures stay.
		if got := testkit.Org(t, db, testkit.Silkeborg); len(got.Population) != 2 {
			t.Errorf("population lost: %+v", got.Population)
		}

		// Only operators change a municipality code; giving the same one is no change.
		_, err = db.UpdateOrganization(ctx, admin.Actor, s.ID, upd.Version, samspil.OrganizationPatch{MunicipalityCode: ptr("0999")})
		testkit.ErrCode(t, err, samspil.EFORBIDDEN)
		upd, err = db.UpdateOrganization(ctx, admin.Actor, s.ID, upd.Version, samspil.OrganizationPatch{MunicipalityCode: ptr(testkit.Silkeborg), Name: ptr("Silkeborg Kommune")})
		must(t, err)
		_, err = db.UpdateOrganization(ctx, testkit.System, s.ID, upd.Version, samspil.OrganizationPatch{MunicipalityCode: ptr(testkit.Viborg)})
		wantField(t, err, samspil.ECONFLICT, "municipality_code")
		upd, err = db.UpdateOrganization(ctx, testkit.System, s.ID, upd.Version, samspil.OrganizationPatch{MunicipalityCode: ptr("0999")})
		must(t, err)
		if o := testkit.Org(t, db, "0999"); o.ID != s.ID {
			t.Errorf("0999 finds %s", o.Name)
		}
		_, err = db.FindOrganization(ctx, testkit.System, testkit.Silkeborg)
		testkit.ErrCode(t, err, samspil.ENOTFOUND)
	})
}

func TestOrganizationUpdatePermissions(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		private := newOrg(t, db, "Lukket Fællesskab", samspil.VisibilityPrivate)
		people := map[string]*samspil.Actor{
			"admin":           testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin).Actor,
			"editor":          testkit.NewPerson(t, db, "editor@silkeborg.dk", testkit.Silkeborg, samspil.RoleEditor).Actor,
			"viewer":          testkit.NewPerson(t, db, "viewer@silkeborg.dk", testkit.Silkeborg, samspil.RoleViewer).Actor,
			"admin of Viborg": testkit.NewPerson(t, db, "admin@viborg.dk", testkit.Viborg, samspil.RoleAdmin).Actor,
			"anonymous":       samspil.Anonymous(),
			"operator":        testkit.System,
			"private admin":   testkit.NewPerson(t, db, "admin@lukket.dk", private.ID, samspil.RoleAdmin).Actor,
			"private editor":  testkit.NewPerson(t, db, "editor@lukket.dk", private.ID, samspil.RoleEditor).Actor,
		}
		for _, c := range []struct {
			org, who string
			want     string
		}{
			{testkit.Silkeborg, "admin", ""},
			{testkit.Silkeborg, "operator", ""},
			{testkit.Silkeborg, "editor", samspil.EFORBIDDEN},
			{testkit.Silkeborg, "viewer", samspil.EFORBIDDEN},
			{testkit.Silkeborg, "admin of Viborg", samspil.EFORBIDDEN},
			{testkit.Silkeborg, "anonymous", samspil.EFORBIDDEN},
			{private.ID, "private admin", ""},
			{private.ID, "private editor", samspil.EFORBIDDEN},
			{private.ID, "admin", samspil.ENOTFOUND},
			{private.ID, "anonymous", samspil.ENOTFOUND},
		} {
			t.Run(c.who+" in "+c.org, func(t *testing.T) {
				before := testkit.Org(t, db, c.org)
				_, err := db.UpdateOrganization(ctx, people[c.who], c.org, before.Version, samspil.OrganizationPatch{Name: ptr(before.Name + " " + c.who)})
				after := testkit.Org(t, db, c.org)
				if c.want == "" {
					must(t, err)
					if after.Name != before.Name+" "+c.who {
						t.Errorf("name is %q", after.Name)
					}
					return
				}
				testkit.ErrCode(t, err, c.want)
				if after.Name != before.Name || after.Version != before.Version {
					t.Errorf("refused update changed %q (v%d) to %q (v%d)", before.Name, before.Version, after.Name, after.Version)
				}
			})
		}
	})
}

func TestOrganizationVisibility(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		orgs := map[samspil.Visibility]*samspil.Organization{}
		for _, v := range samspil.Visibilities {
			orgs[v] = newOrg(t, db, "Fællesskab "+string(v), v)
		}
		member := testkit.NewPerson(t, db, "medlem@example.dk", orgs[samspil.VisibilityPrivate].ID, samspil.RoleViewer)
		member.Actor = addMember(t, db, member, orgs[samspil.VisibilityPartners].ID, samspil.RoleViewer)
		outsider := testkit.NewPerson(t, db, "admin@silkeborg.dk", testkit.Silkeborg, samspil.RoleAdmin)

		actors := map[string]*samspil.Actor{
			"anonymous": samspil.Anonymous(),
			"outsider":  outsider.Actor,
			"member":    member.Actor,
			"operator":  testkit.System,
		}
		// Which organisations each actor sees. Partners is as narrow as
		// private until collaborations exist.
		sees := map[string][]samspil.Visibility{
			"anonymous": {samspil.VisibilityPublic},
			"outsider":  {samspil.VisibilitySector, samspil.VisibilityPublic},
			"member":    {samspil.VisibilityPrivate, samspil.VisibilityPartners, samspil.VisibilitySector, samspil.VisibilityPublic},
			"operator":  {samspil.VisibilityPrivate, samspil.VisibilityPartners, samspil.VisibilitySector, samspil.VisibilityPublic},
		}
		for who, actor := range actors {
			t.Run(who, func(t *testing.T) {
				list, err := db.ListOrganizations(ctx, actor, samspil.OrganizationFilter{Query: "fællesskab"})
				must(t, err)
				var listed []samspil.Visibility
				for _, o := range list.Items {
					listed = append(listed, o.Visibility)
				}
				for _, v := range samspil.Visibilities {
					want := slices.Contains(sees[who], v)
					_, err := db.FindOrganization(ctx, actor, orgs[v].ID)
					if want {
						must(t, err)
					} else {
						testkit.ErrCode(t, err, samspil.ENOTFOUND)
					}
					if slices.Contains(listed, v) != want {
						t.Errorf("%s organisation listed: %v, want %v", v, !want, want)
					}
				}
			})
		}
	})
}

func TestOrganizationChangedSince(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		clk := newClock(db)
		t1 := clk.advance(time.Hour)
		s := testkit.Org(t, db, testkit.Silkeborg)
		_, err := db.UpdateOrganization(ctx, testkit.System, s.ID, s.Version, samspil.OrganizationPatch{Name: ptr("Silkeborg Kommune 2")})
		must(t, err)
		t2 := clk.advance(time.Minute)
		n := newOrg(t, db, "Ny forening", samspil.VisibilityPublic)

		names := func(since time.Time) []string {
			t.Helper()
			p, err := db.ListOrganizations(ctx, samspil.Anonymous(), samspil.OrganizationFilter{ListOptions: samspil.ListOptions{ChangedSince: &since}})
			must(t, err)
			var out []string
			for _, o := range p.Items {
				out = append(out, o.Name)
			}
			return out
		}
		for _, c := range []struct {
			name  string
			since time.Time
			want  []string
		}{
			{"before both changes", t1.Add(-time.Second), []string{n.Name, "Silkeborg Kommune 2"}},
			{"at the first change", t1, []string{n.Name, "Silkeborg Kommune 2"}},
			{"just after the first change", t1.Add(time.Microsecond), []string{n.Name}},
			{"at the second change", t2, []string{n.Name}},
			{"after both", t2.Add(time.Second), nil},
			{"in another time zone", t1.In(time.FixedZone("CET", 3600)), []string{n.Name, "Silkeborg Kommune 2"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				if got := names(c.since); !slices.Equal(got, c.want) {
					t.Errorf("changed since %v: %q, want %q", c.since, got, c.want)
				}
			})
		}
	})
}
