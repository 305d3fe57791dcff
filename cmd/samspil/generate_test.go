package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/auth"
	"github.com/samspil/samspil/internal/demo"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

func TestDemoGenerate(t *testing.T) {
	// Bad sizes are refused before the database is touched.
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--orgs", "0"},
		{"--orgs=-3"},
		{"--orgs", "5", "--usages-per-org=-1"},
		{"--orgs", "5", "--contracts-per-org=-2"},
		{"--orgs", "5", "--usages-per-org", "0", "--contracts-per-org", "3"},
	} {
		path := filepath.Join(dir, "bad.db")
		code, _, errOut := run(t, nil, "", append([]string{"demo", "generate", "--db", path}, args...)...)
		if code != 1 || !strings.Contains(errOut, "nothing was written") {
			t.Errorf("%v: %d %q", args, code, errOut)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("%v created the database", args)
		}
	}

	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			env := map[string]string{"SAMSPIL_DB": testkit.NewDSN(t, e)}
			args := []string{"demo", "generate", "--orgs", "12", "--seed", "42", "--usages-per-org", "20", "--contracts-per-org", "6", "--batch-rows", "100"}
			code, out, errOut := run(t, env, "", args...)
			if code != 0 || !strings.Contains(out, "generated 12 municipalities") || !strings.Contains(out, "240 usages and 72 contracts") ||
				!strings.Contains(errOut, "100% 12/12 municipalities") {
				t.Fatalf("generate: %d %q %q", code, out, errOut)
			}
			// Again: refused, saying why.
			code, _, errOut = run(t, env, "", args...)
			if code != 1 || !strings.Contains(errOut, "not empty") || !strings.Contains(errOut, "usages") {
				t.Fatalf("second run: %d %q", code, errOut)
			}

			// The data is the generator's, ids included.
			db, err := sqldb.Open(context.Background(), env["SAMSPIL_DB"], sqldb.Options{Passwords: auth.NewPasswords(auth.DefaultArgon2, auth.Limit{})})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			g, err := demo.NewGenerator(demo.Config{Orgs: 12, Seed: 42, UsagesPerOrg: 20, ContractsPerOrg: 6})
			if err != nil {
				t.Fatal(err)
			}
			for _, i := range []int{0, 11} {
				l := g.Landscape(i)
				o, err := db.FindOrganization(context.Background(), testkit.System, l.Organization.ID)
				if err != nil || o.MunicipalityCode != l.Organization.MunicipalityCode {
					t.Fatalf("organisation %d: %+v %v", i, o, err)
				}
				c, err := db.FindContract(context.Background(), testkit.System, l.Contracts[5].ID)
				if err != nil || c.Name != l.Contracts[5].Name || c.Deadlines.Status == "" {
					t.Fatalf("contract of organisation %d: %+v %v", i, c, err)
				}
			}
		})
	}
}

func TestOrgsLoad(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			env := map[string]string{"SAMSPIL_DB": testkit.NewDSN(t, e)}
			dir := t.TempDir()
			file := filepath.Join(dir, "kommuner.csv")
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			must(os.WriteFile(file, []byte("country,code,name,region,population\nSE,0180,Stockholms kommun,SE-AB,984748\nFI,091,Helsingin kaupunki,FI-18,674500\n"), 0o600))
			code, out, errOut := run(t, env, "", "orgs", "load", "--year", "2025", file)
			if code != 0 || !strings.Contains(out, "loaded 2 organisations from kommuner.csv: 2 new, 0 changed, 0 unchanged") {
				t.Fatalf("load: %d %q %q", code, out, errOut)
			}
			code, out, _ = run(t, env, "", "orgs", "load", "--year", "2025", file)
			if code != 0 || !strings.Contains(out, "0 new, 0 changed, 2 unchanged") {
				t.Fatalf("load again: %d %q", code, out)
			}

			// A bad file names the row and column, and nothing is loaded.
			bad := filepath.Join(dir, "bad.csv")
			must(os.WriteFile(bad, []byte("country,code,name,region,population\nNO,0301,Oslo kommune,NO-03,717710\nSE,0180,Stockholm,SE-AB,many\nQQ,1,X,,1\nNO,0301,Oslo igen,,1\n"), 0o600))
			code, _, errOut = run(t, env, "", "orgs", "load", bad)
			if code != 1 || !strings.Contains(errOut, "row 3, column population") || !strings.Contains(errOut, "row 4, column country") ||
				!strings.Contains(errOut, "row 5, column code: NO 0301 appears twice") || !strings.Contains(errOut, "nothing was loaded") {
				t.Fatalf("bad file: %d %q", code, errOut)
			}
			db, err := sqldb.Open(context.Background(), env["SAMSPIL_DB"], sqldb.Options{})
			must(err)
			defer db.Close()
			page, err := db.ListOrganizations(context.Background(), testkit.System, samspil.OrganizationFilter{Query: "0301"})
			must(err)
			if len(page.Items) != 0 {
				t.Fatalf("Oslo was loaded from a file with errors: %+v", page.Items)
			}
			page, err = db.ListOrganizations(context.Background(), testkit.System, samspil.OrganizationFilter{Query: "Helsingin"})
			must(err)
			if len(page.Items) != 1 || page.Items[0].Country != "FI" || page.Items[0].Inhabitants() != 674500 || page.Items[0].Population[0].Year != 2025 {
				t.Fatalf("Helsinki: %+v", page.Items)
			}
		})
	}
}
