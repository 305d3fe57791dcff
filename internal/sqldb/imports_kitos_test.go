package sqldb_test

import (
	"bytes"
	"context"
	"io"
	"reflect"
	"slices"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/landscapeio"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/tabular"
	"github.com/samspil/samspil/internal/testkit"
)

// kitosUsages is a KITOS export of usages with what real exports hold:
// columns samspil does not read, a unit the organisation has twice, units
// it does not have, a duplicate row and a date that is no date.
const kitosUsages = "Status (Datofelter);IT System;Ansv. organisationsenhed;Livscyklus;Ibrugtagningsdato;Kritikalitet\r\n" +
	"Aktivt;Nexus;Sundhed og Omsorg;I drift;01-03-2019;Høj\r\n" + // 2: unknown unit
	"Aktivt;SBSYS;Borgerservice;Under afprøvning;;\r\n" + // 3: two units have the name
	"Aktivt;Opus Løn;Løn;Under udfasning;;\r\n" + // 4: unknown unit
	"Aktivt;Nexus;Sundhed og Omsorg;I drift;;\r\n" + // 5: the same system as row 2
	"Aktivt;Aula;IT-drift;Under indfasning;31-02-2024;\r\n" + // 6: no such date
	"Ikke aktivt;KMD Sag;sundhed og omsorg;Ikke i drift;;\r\n" // 7: unknown unit, as row 2

func fileSource(t testing.TB, name, content string) *landscapeio.Source {
	t.Helper()
	src, err := landscapeio.NewSource(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader([]byte(content))), nil },
		name, tabular.Limits{})
	must(t, err)
	return src
}

func TestImportKITOSFile(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		ed := testkit.NewPerson(t, db, "ed@silkeborg.example", testkit.Silkeborg, samspil.RoleEditor)
		unit := func(name, parent string) *samspil.OrgUnit {
			u, err := db.CreateUnit(ctx, ed.Actor, testkit.Silkeborg, samspil.OrgUnitInput{Kind: samspil.UnitOffice, Name: name, ParentID: parent})
			must(t, err)
			return u
		}
		social := unit("Social", "")
		unit("Borgerservice", "")
		unit("Borgerservice", social.ID)
		lon := unit("Løn og Personale", "")
		unit("IT-drift", "")
		src := fileSource(t, "kitos.csv", kitosUsages)
		start, err := db.Fingerprint(ctx)
		must(t, err)

		// The preview lists the unknown units, the ignored columns, every
		// error by row and the file's own heading, and the valid rows.
		rowErrs := map[int][]samspil.RowError{}
		report, err := db.PreviewImportWith(ctx, ed.Actor, testkit.Silkeborg, src,
			samspil.ImportOptions{RowErrors: func(line int, errs []samspil.RowError) { rowErrs[line] = errs }}, nil)
		must(t, err)
		if report.Rows != 6 || report.InvalidRows != 3 || report.ValidRows() != 3 || report.Create != 3 {
			t.Fatalf("preview %+v", report)
		}
		wantUnknown := []samspil.UnknownUnit{{Name: "Sundhed og Omsorg", Column: "Ansv. organisationsenhed", Rows: 2, Lines: []int{2, 7}},
			{Name: "Løn", Column: "Ansv. organisationsenhed", Rows: 1, Lines: []int{4}}}
		if !reflect.DeepEqual(report.UnknownUnits, wantUnknown) {
			t.Errorf("unknown units %+v", report.UnknownUnits)
		}
		if !slices.Equal(report.IgnoredColumns, []string{"Status (Datofelter)", "Kritikalitet"}) {
			t.Errorf("ignored %q", report.IgnoredColumns)
		}
		type place struct {
			line   int
			column string
		}
		var got []place
		for _, e := range report.Errors {
			got = append(got, place{e.Line, e.Column})
		}
		want := []place{{3, "Ansv. organisationsenhed"}, {5, "IT System"}, {6, "Ibrugtagningsdato"}}
		if !slices.Equal(got, want) {
			t.Errorf("errors %+v", report.Errors)
		}
		if len(rowErrs) != 3 || rowErrs[5][0].Message != "the same system as row 2" {
			t.Errorf("row errors %+v", rowErrs)
		}
		var lines []int
		for _, s := range report.Sample {
			lines = append(lines, s.Line)
			if s.Action != "create" || len(s.Values) != len(report.SampleColumns) {
				t.Errorf("sample row %+v", s)
			}
		}
		if !slices.Equal(lines, []int{2, 4, 7}) || !slices.Equal(report.SampleColumns, []string{"System", "Livscyklus", "Fra", "Ansvarlig enhed"}) ||
			!slices.Equal(report.Sample[0].Values, []string{"Nexus", "I drift", "2019-03-01", "Sundhed og Omsorg"}) {
			t.Errorf("sample %q %+v", report.SampleColumns, report.Sample)
		}

		choices := []samspil.UnitChoice{{Name: "Sundhed og Omsorg", Action: samspil.UnitCreate}, {Name: "løn", Action: samspil.UnitMap, UnitID: lon.ID}}
		// A commit of all rows writes nothing while rows have errors.
		report, err = db.CommitImportWith(ctx, ed.Actor, testkit.Silkeborg, src, samspil.ImportOptions{Units: choices}, nil)
		must(t, err)
		if report.Committed || report.ErrorCount != 3 {
			t.Fatalf("commit with errors %+v", report)
		}
		// Choices that name another organisation's unit, or no action, are
		// refused before anything is written.
		vAd := testkit.NewPerson(t, db, "ad@viborg.example", testkit.Viborg, samspil.RoleAdmin)
		foreign, err := db.CreateUnit(ctx, vAd.Actor, testkit.Viborg, samspil.OrgUnitInput{Kind: samspil.UnitOffice, Name: "Løn"})
		must(t, err)
		mark, err := db.Fingerprint(ctx)
		must(t, err)
		for _, bad := range [][]samspil.UnitChoice{
			{{Name: "Løn", Action: samspil.UnitMap, UnitID: foreign.ID}},
			{{Name: "Løn", Action: "guess"}},
		} {
			_, err = db.CommitImportWith(ctx, ed.Actor, testkit.Silkeborg, src, samspil.ImportOptions{ValidOnly: true, Units: bad}, nil)
			testkit.ErrCode(t, err, samspil.EINVALID)
		}
		if after, _ := db.Fingerprint(ctx); after != mark {
			t.Fatal("a refused commit wrote")
		}
		// The valid rows, in one transaction with the unit they create.
		units := countAudit(t, db, "unit.create")
		report, err = db.CommitImportWith(ctx, ed.Actor, testkit.Silkeborg, src, samspil.ImportOptions{ValidOnly: true, Units: choices}, nil)
		must(t, err)
		if !report.Committed || report.Create != 3 || report.Skipped != 3 || report.CreatedUnits != 1 || report.NewSystems != 3 {
			t.Fatalf("commit of the valid rows %+v", report)
		}
		if n := countAudit(t, db, "unit.create"); n != units+1 {
			t.Fatalf("%d unit.create events after the import, %d before", n, units)
		}
		tree, err := db.ListUnits(ctx, ed.Actor, testkit.Silkeborg, samspil.ListOptions{})
		must(t, err)
		var created *samspil.OrgUnit
		for i, u := range tree.Items {
			if u.Name == "Sundhed og Omsorg" {
				created = &tree.Items[i]
			}
		}
		if created == nil || created.ParentID != "" {
			t.Fatalf("the created unit %+v", created)
		}
		usages, err := db.ListUsages(ctx, ed.Actor, samspil.UsageFilter{OrganizationID: testkit.Silkeborg})
		must(t, err)
		byUnit := map[string]int{}
		lifecycles := map[samspil.Lifecycle]int{}
		for _, u := range usages.Items {
			byUnit[u.ResponsibleUnitID]++
			lifecycles[u.Lifecycle]++
		}
		if len(usages.Items) != 3 || byUnit[created.ID] != 2 || byUnit[lon.ID] != 1 ||
			lifecycles[samspil.LifecycleOperational] != 1 || lifecycles[samspil.LifecyclePhasingOut] != 1 || lifecycles[samspil.LifecycleRetired] != 1 {
			t.Fatalf("imported usages %+v", usages.Items)
		}

		// Without a choice, the rows of an unknown unit are errors of a
		// commit, and nothing is written.
		mark, err = db.Fingerprint(ctx)
		must(t, err)
		other := fileSource(t, "ny.csv", "IT System;Ansv. organisationsenhed\r\nNexus;Sundhed og Omsorg\r\nSD Løn;Ny enhed\r\n")
		report, err = db.CommitImport(ctx, ed.Actor, testkit.Silkeborg, other, nil)
		must(t, err)
		if report.Committed || report.ErrorCount != 1 || report.Errors[0].Line != 3 || report.Errors[0].Column != "Ansv. organisationsenhed" {
			t.Fatalf("commit without a choice %+v", report)
		}
		if after, _ := db.Fingerprint(ctx); after != mark || start == mark {
			t.Fatal("a commit with errors wrote")
		}
	})
}
