package samspil

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// AmbitionArea is a field in which members declare how far they want to go
// together.
type AmbitionArea string

// Ambition areas.
const (
	AreaSharedSystems      AmbitionArea = "shared_systems"
	AreaSharedProcesses    AmbitionArea = "shared_processes"
	AreaSharedOrganisation AmbitionArea = "shared_organisation"
	AreaJointProcurement   AmbitionArea = "joint_procurement"
	AreaJointDevelopment   AmbitionArea = "joint_development"
	AreaJointOperations    AmbitionArea = "joint_operations"
	AreaKnowledgeSharing   AmbitionArea = "knowledge_sharing"
)

// AmbitionAreas lists the areas in display order.
var AmbitionAreas = []AmbitionArea{AreaSharedSystems, AreaSharedProcesses, AreaSharedOrganisation, AreaJointProcurement,
	AreaJointDevelopment, AreaJointOperations, AreaKnowledgeSharing}

// Valid reports whether a is a known area.
func (a AmbitionArea) Valid() bool { return slices.Contains(AmbitionAreas, a) }

// Ambition levels, 0–4.
const (
	LevelNone       = 0 // no ambition
	LevelKnowledge  = 1 // share knowledge
	LevelCoordinate = 2 // coordinate
	LevelJoint      = 3 // joint solutions
	LevelIntegrated = 4 // integrated
)

// Ambition is a member's declared ambition level in one area
// (ambitionsniveau), with a sentence of explanation. Declarations are kept:
// a new one replaces the old from its date on.
type Ambition struct {
	ID               string       `json:"id"`
	CollaborationID  string       `json:"collaboration_id"`
	OrganizationID   string       `json:"organization_id"`
	OrganizationName string       `json:"organization_name"`
	Area             AmbitionArea `json:"area"`
	Level            int          `json:"level" minimum:"0" maximum:"4" doc:"0 none, 1 share knowledge, 2 coordinate, 3 joint solutions, 4 integrated"`
	Explanation      string       `json:"explanation"`
	DeclaredOn       Date         `json:"declared_on" format:"date"`
	ByName           string       `json:"by_name"`
	CreatedAt        time.Time    `json:"created_at"`
}

// AmbitionInput declares a member's levels; one call may declare several
// areas on the same day.
type AmbitionInput struct {
	OrganizationID string          `json:"organization_id" doc:"The member organisation that declares"`
	DeclaredOn     Date            `json:"declared_on,omitempty" format:"date" doc:"Defaults to today"`
	Levels         []AmbitionLevel `json:"levels" minItems:"1" maxItems:"7"`
}

// AmbitionLevel is one area's level in a declaration.
type AmbitionLevel struct {
	Area        AmbitionArea `json:"area"`
	Level       int          `json:"level" minimum:"0" maximum:"4"`
	Explanation string       `json:"explanation" maxLength:"1000"`
}

// Validate checks a declaration.
func (in *AmbitionInput) Validate() error {
	var v Validation
	v.Check(len(in.Levels) > 0, "levels", "is required")
	seen := map[AmbitionArea]bool{}
	for i := range in.Levels {
		l := &in.Levels[i]
		l.Explanation = strings.TrimSpace(l.Explanation)
		path := "levels[" + strconv.Itoa(i) + "]"
		v.OneOf(path+".area", l.Area)
		v.Check(!seen[l.Area], path+".area", "is declared twice")
		seen[l.Area] = true
		v.Check(l.Level >= LevelNone && l.Level <= LevelIntegrated, path+".level", "must be between 0 and 4")
		v.Check(utf8.RuneCountInString(l.Explanation) <= 1000, path+".explanation", "must be at most 1000 characters")
	}
	return v.Err()
}

// AreaAlignment is how far members' ambitions lie apart in one area.
type AreaAlignment struct {
	Area   AmbitionArea   `json:"area"`
	Levels map[string]int `json:"levels" doc:"Organisation ID to its level; members without a declaration are absent"`
	Min    int            `json:"min"`
	Max    int            `json:"max"`
	Spread int            `json:"spread" doc:"max - min"`
}

// MemberPair is two members and how far apart their ambitions are.
type MemberPair struct {
	A        string `json:"a"`
	B        string `json:"b"`
	Distance int    `json:"distance" doc:"Sum over the areas both declared of the difference in level"`
}

// Alignment is the members' ambitions compared on one day.
type Alignment struct {
	On        Date            `json:"on" format:"date"`
	Areas     []AreaAlignment `json:"areas"`
	Furthest  *MemberPair     `json:"furthest,omitempty" doc:"The pair of members furthest apart"`
	MaxSpread int             `json:"max_spread"`
	Warnings  []Phrase        `json:"warnings"`
}

// AmbitionService records declarations and compares them. Only a member's
// own representatives declare for it.
type AmbitionService interface {
	DeclareAmbitions(ctx context.Context, actor *Actor, collabID string, in AmbitionInput) ([]Ambition, error)
	ListAmbitions(ctx context.Context, actor *Actor, collabID string) ([]Ambition, error)
	// Alignment compares the ambitions of the members active on the day
	// (today when zero).
	Alignment(ctx context.Context, actor *Actor, collabID string, on Date) (*Alignment, error)
	// AlignmentHistory compares the ambitions of the members active on the
	// day (today when zero) on each day one of them declared, up to it.
	AlignmentHistory(ctx context.Context, actor *Actor, collabID string, on Date) ([]Alignment, error)
}
