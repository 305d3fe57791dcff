package sqldb

import (
	"testing"

	"github.com/samspil/samspil/internal/opportunity"
)

// TestContractFinder finds the contracts of groups of rows whether the
// database orders the ids as Go does or not: every id present is found at
// its index, and no absent one is.
func TestContractFinder(t *testing.T) {
	var cs []opportunity.Contract
	for _, id := range []string{"b", "d", "f", "h", "j"} {
		cs = append(cs, opportunity.Contract{ID: id})
	}
	for _, order := range [][]string{
		{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"}, // as Go orders
		{"k", "j", "i", "h", "g", "f", "e", "d", "c", "b", "a"}, // the other way
		{"d", "b", "a", "j", "f", "e", "h", "c", "k", "i", "g"}, // no order at all
		{"c", "d", "b", "e", "f", "a", "h", "g", "j", "i", "k"}, // pairs swapped
	} {
		f := contractFinder{cs: cs}
		for _, id := range order {
			i, found := f.find([]byte(id))
			want := -1
			for j := range cs {
				if cs[j].ID == id {
					want = j
				}
			}
			if found != (want >= 0) || found && i != want {
				t.Errorf("order %v: find(%s) = %d, %v; want %d", order, id, i, found, want)
			}
		}
	}
}
