package sqldb_test

import (
	"context"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

func TestReferenceOrganizations(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		anon := samspil.Anonymous()
		page, err := db.ListOrganizations(ctx, anon, samspil.OrganizationFilter{Kind: samspil.KindMunicipality, ListOptions: samspil.ListOptions{Limit: 500}})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 98 || page.NextCursor != "" {
			t.Fatalf("want 98 municipalities on one page, got %d (cursor %q)", len(page.Items), page.NextCursor)
		}
		regions, err := db.ListOrganizations(ctx, anon, samspil.OrganizationFilter{Kind: samspil.KindRegion})
		if err != nil {
			t.Fatal(err)
		}
		if len(regions.Items) != 5 {
			t.Fatalf("want 5 regions, got %d", len(regions.Items))
		}
		s, err := db.FindOrganization(ctx, anon, "0740")
		if err != nil {
			t.Fatal(err)
		}
		if s.Name != "Silkeborg Kommune" || s.Region != "1082" || len(s.Population) != 2 || s.Population[0].Year != 2025 || s.Inhabitants() < 90000 {
			t.Fatalf("unexpected Silkeborg: %+v", s)
		}
		found, err := db.ListOrganizations(ctx, anon, samspil.OrganizationFilter{Query: "silkeBORG"})
		if err != nil || len(found.Items) != 1 || found.Items[0].ID != s.ID {
			t.Fatalf("search silkeborg: %v %+v", err, found)
		}
		found, err = db.ListOrganizations(ctx, anon, samspil.OrganizationFilter{Query: "ærø"})
		if err != nil || len(found.Items) != 1 || found.Items[0].MunicipalityCode != "0492" {
			t.Fatalf("search ærø: %v %+v", err, found)
		}
		// Paging through the directory in small pages visits every organisation once, in name order.
		seen := map[string]bool{}
		var last string
		cursor := ""
		for {
			p, err := db.ListOrganizations(ctx, anon, samspil.OrganizationFilter{ListOptions: samspil.ListOptions{Limit: 7, Cursor: cursor}})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range p.Items {
				if seen[o.ID] {
					t.Fatalf("%s twice", o.Name)
				}
				if f := samspil.Fold(o.Name); f < last {
					t.Fatalf("out of order: %q after %q", f, last)
				} else {
					last = f
				}
				seen[o.ID] = true
			}
			if p.NextCursor == "" {
				break
			}
			cursor = p.NextCursor
		}
		if len(seen) != 103 {
			t.Fatalf("paged through %d organisations, want 103", len(seen))
		}
		n, err := db.CountTasks(ctx)
		if err != nil || n[1] != 37 || n[2] != 498 || n[3] != 2390 {
			t.Fatalf("KLE counts %v %v", n, err)
		}
	})
}
