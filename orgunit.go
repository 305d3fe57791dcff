package samspil

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// UnitKind is the kind of an organisational unit.
type UnitKind string

// Unit kinds, from top to bottom of a typical municipal organisation.
const (
	UnitDirectorate UnitKind = "directorate" // direktørområde
	UnitDepartment  UnitKind = "department"  // forvaltning
	UnitOffice      UnitKind = "office"      // afdeling, kontor
	UnitTeam        UnitKind = "team"
)

// UnitKinds lists the valid unit kinds.
var UnitKinds = []UnitKind{UnitDirectorate, UnitDepartment, UnitOffice, UnitTeam}

// Valid reports whether k is a known unit kind.
func (k UnitKind) Valid() bool { return slices.Contains(UnitKinds, k) }

// OrgUnit is a node in an organisation's unit tree.
type OrgUnit struct {
	ID             string    `json:"id"`
	OrganizationID string    `json:"organization_id"`
	ParentID       string    `json:"parent_id,omitempty" doc:"Absent for top-level units"`
	Kind           UnitKind  `json:"kind"`
	Name           string    `json:"name"`
	Depth          int       `json:"depth" doc:"0 for top-level units"`
	IT             bool      `json:"it" doc:"The organisation's IT function sits here"`
	Version        int       `json:"version"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// OrgUnitInput creates a unit.
type OrgUnitInput struct {
	ParentID string   `json:"parent_id,omitempty" doc:"Omit for a top-level unit"`
	Kind     UnitKind `json:"kind"`
	Name     string   `json:"name" minLength:"1" maxLength:"200"`
	IT       bool     `json:"it,omitempty" doc:"The organisation's IT function sits here"`
}

// OrgUnitPatch changes a unit; nil fields stay as they are. An empty
// ParentID moves the unit to the top level.
type OrgUnitPatch struct {
	ParentID *string   `json:"parent_id,omitempty" doc:"Empty string moves the unit to the top level"`
	Kind     *UnitKind `json:"kind,omitempty"`
	Name     *string   `json:"name,omitempty" maxLength:"200"`
	IT       *bool     `json:"it,omitempty" doc:"The organisation's IT function sits here"`
}

// Apply returns u with the patch applied.
func (p OrgUnitPatch) Apply(u OrgUnit) OrgUnit {
	setIf(&u.ParentID, p.ParentID)
	setIf(&u.Kind, p.Kind)
	setIf(&u.Name, p.Name)
	setIf(&u.IT, p.IT)
	u.Name = strings.TrimSpace(u.Name)
	return u
}

// Validate checks a unit's own fields; the store checks the parent.
func (u *OrgUnit) Validate() error {
	var v Validation
	v.OneOf("kind", u.Kind)
	v.Check(u.Name != "", "name", "is required")
	v.Check(utf8.RuneCountInString(u.Name) <= 200, "name", "must be at most 200 characters")
	v.Check(u.ParentID != u.ID || u.ID == "", "parent_id", "a unit cannot be its own parent")
	return v.Err()
}

// CheckMove reports an error when making newParent the parent of unit would
// create a cycle. parents maps every unit of the organisation to its parent.
func CheckMove(unitID, newParent string, parents map[string]string) error {
	for p, steps := newParent, 0; p != ""; p, steps = parents[p], steps+1 {
		if p == unitID || steps > len(parents) {
			var v Validation
			v.Add("parent_id", "a unit cannot be moved under itself or one of its own sub-units")
			return v.Err()
		}
	}
	return nil
}

// SortTree orders units depth-first (parents before children, siblings by
// name) and sets Depth. Units whose parent is missing come out at the top.
func SortTree(units []OrgUnit) []OrgUnit {
	byParent := map[string][]OrgUnit{}
	ids := map[string]bool{}
	for _, u := range units {
		ids[u.ID] = true
	}
	for _, u := range units {
		p := u.ParentID
		if !ids[p] {
			p = ""
		}
		byParent[p] = append(byParent[p], u)
	}
	for _, kids := range byParent {
		slices.SortFunc(kids, func(a, b OrgUnit) int {
			if c := strings.Compare(Fold(a.Name), Fold(b.Name)); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
	}
	out := make([]OrgUnit, 0, len(units))
	var walk func(parent string, depth int)
	walk = func(parent string, depth int) {
		for _, u := range byParent[parent] {
			u.Depth = depth
			out = append(out, u)
			walk(u.ID, depth+1)
		}
	}
	walk("", 0)
	return out
}

// OrgUnitService manages organisational units.
type OrgUnitService interface {
	// ListUnits returns the whole tree of an organisation visible to the
	// actor, depth-first.
	ListUnits(ctx context.Context, actor *Actor, orgID string, opt ListOptions) (*Page[OrgUnit], error)
	// UnitTree returns the whole tree in one read, depth-first: for pages
	// that show or choose among all of an organisation's units.
	UnitTree(ctx context.Context, actor *Actor, orgID string) ([]OrgUnit, error)
	FindUnit(ctx context.Context, actor *Actor, orgID, unitID string) (*OrgUnit, error)
	CreateUnit(ctx context.Context, actor *Actor, orgID string, in OrgUnitInput) (*OrgUnit, error)
	UpdateUnit(ctx context.Context, actor *Actor, orgID, unitID string, version int, p OrgUnitPatch) (*OrgUnit, error)
	// DeleteUnit refuses a unit that still has sub-units.
	DeleteUnit(ctx context.Context, actor *Actor, orgID, unitID string, version int) error
}
