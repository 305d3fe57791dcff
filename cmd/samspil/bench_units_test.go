package main

import (
	"context"
	"testing"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
	"github.com/samspil/samspil/internal/testkit"
)

// TestSeedUnits checks the sized bench's unit tree on both engines: every
// unit made, unitFanout at the top and under each unit filled, kinds by
// depth, and the unit measured is one with a parent and children.
func TestSeedUnits(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		org := testkit.Org(t, db, testkit.Silkeborg)
		const n = 80 // 8 directorates, 64 departments, 8 offices
		measured, err := seedUnits(ctx, db, org.ID, n)
		if err != nil {
			t.Fatal(err)
		}
		page, err := db.ListUnits(ctx, testkit.System, org.ID, samspil.ListOptions{Limit: samspil.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != n {
			t.Fatalf("%d units, want %d", len(page.Items), n)
		}
		byDepth := map[int]int{}
		children := map[string]int{}
		var unit samspil.OrgUnit
		for _, u := range page.Items {
			byDepth[u.Depth]++
			children[u.ParentID]++
			if u.Kind != samspil.UnitKinds[u.Depth] {
				t.Errorf("%s at depth %d is a %s", u.Name, u.Depth, u.Kind)
			}
			if u.ID == measured {
				unit = u
			}
		}
		if byDepth[0] != 8 || byDepth[1] != 64 || byDepth[2] != 8 {
			t.Fatalf("units by depth: %v", byDepth)
		}
		if unit.Depth != 1 || unit.ParentID == "" || children[unit.ID] != unitFanout {
			t.Fatalf("the measured unit %+v has %d children", unit, children[unit.ID])
		}
		if _, err := seedUnits(ctx, db, org.ID, 0); err == nil {
			t.Fatal("no units to make was taken")
		}
	})
}
