package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/sqldb"
)

// unitFanout is how many units sit under each unit of the sized tree, and
// how many at its top.
const unitFanout = 8

// seedUnits gives an organisation a tree of n units through the store, one
// by one as they are added on the organisation's page: unitFanout directorates at
// the top, unitFanout units under each, filled level by level (kinds
// follow the depth, teams from the fourth level down). It returns the
// first unit of the second level, which has a parent and children of its
// own.
func seedUnits(ctx context.Context, db *sqldb.DB, orgID string, n int) (string, error) {
	if n < 1 {
		return "", fmt.Errorf("no units to make")
	}
	sys := samspil.SystemActor("bench")
	ids := make([]string, 0, n)
	for i := range n {
		in := samspil.OrgUnitInput{Name: "Målenhed " + strconv.Itoa(i+1)}
		depth := 0
		if i >= unitFanout {
			// Level by level: units unitFanout*(j+1) up to
			// unitFanout*(j+2)-1 sit under unit j.
			parent := i/unitFanout - 1
			in.ParentID = ids[parent]
			for p := parent; p >= unitFanout; p = p/unitFanout - 1 {
				depth++
			}
			depth++
		}
		in.Kind = samspil.UnitKinds[min(depth, len(samspil.UnitKinds)-1)]
		in.IT = i%97 == 0
		u, err := db.CreateUnit(ctx, sys, orgID, in)
		if err != nil {
			return "", fmt.Errorf("unit %d of %d: %w", i+1, n, err)
		}
		ids = append(ids, u.ID)
	}
	if n <= unitFanout {
		return ids[0], nil
	}
	return ids[unitFanout], nil
}
