package samspil

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Strategy is a digitalisation strategy (digitaliseringsstrategi) of one
// organisation, or of several for a joint strategy. It is in force for an
// owner from the day that owner adopted it until the owner adopts a newer
// strategy of its own with the same scope, also past its period.
type Strategy struct {
	ID              string          `json:"id"`
	CollaborationID string          `json:"collaboration_id,omitempty" doc:"The collaboration of a joint strategy"`
	Title           string          `json:"title"`
	Scope           string          `json:"scope" doc:"What it covers, e.g. digitalisation; strategies replace each other within a scope"`
	From            Date            `json:"from" format:"date"`
	Until           *Date           `json:"until,omitempty" format:"date"`
	Owners          []StrategyOwner `json:"owners"`
	Goals           []Goal          `json:"goals"`
	Visibility      Visibility      `json:"visibility"`
	Version         int             `json:"version"`
	CreatedAt       time.Time       `json:"created_at"`
	UpdatedAt       time.Time       `json:"updated_at"`
}

// Joint reports whether several organisations own the strategy.
func (s *Strategy) Joint() bool { return len(s.Owners) > 1 }

// StrategyOwner is an owner of a strategy and the day it adopted it.
type StrategyOwner struct {
	OrganizationID   string `json:"organization_id"`
	OrganizationName string `json:"organization_name" readOnly:"true"`
	AdoptedOn        *Date  `json:"adopted_on,omitempty" format:"date" doc:"Empty until the owner has adopted it"`
}

// Goal is one goal of a strategy.
type Goal struct {
	Title       string `json:"title" maxLength:"300"`
	Description string `json:"description,omitempty" maxLength:"5000"`
}

// StrategyInput creates a strategy.
type StrategyInput struct {
	CollaborationID string          `json:"collaboration_id,omitempty"`
	Title           string          `json:"title" minLength:"1" maxLength:"300"`
	Scope           string          `json:"scope,omitempty" maxLength:"100" doc:"Defaults to digitalisation"`
	From            Date            `json:"from" format:"date"`
	Until           *Date           `json:"until,omitempty" format:"date"`
	Owners          []StrategyOwner `json:"owners" minItems:"1" maxItems:"100"`
	Goals           []Goal          `json:"goals,omitempty" maxItems:"100"`
	Visibility      Visibility      `json:"visibility,omitempty" allowEmpty:"true" doc:"Defaults to sector; partners for a joint strategy of a members-only collaboration"`
}

// Strategy returns the strategy the input describes, with defaults.
func (in StrategyInput) Strategy() Strategy {
	s := Strategy{CollaborationID: in.CollaborationID, Title: strings.TrimSpace(in.Title), Scope: strings.TrimSpace(in.Scope),
		From: in.From, Until: in.Until, Owners: in.Owners, Goals: in.Goals, Visibility: in.Visibility}
	if s.Scope == "" {
		s.Scope = "digitalisation"
	}
	if s.Visibility == "" {
		s.Visibility = VisibilitySector
	}
	if s.Goals == nil {
		s.Goals = []Goal{}
	}
	return s
}

// Validate checks a strategy's own fields.
func (s *Strategy) Validate() error {
	var v Validation
	v.Check(s.Title != "", "title", "is required")
	v.Check(utf8.RuneCountInString(s.Title) <= 300, "title", "must be at most 300 characters")
	v.Check(utf8.RuneCountInString(s.Scope) <= 100, "scope", "must be at most 100 characters")
	v.Check(!s.From.IsZero(), "from", "is required")
	if s.Until != nil && !s.From.IsZero() {
		v.Check(!s.Until.Before(s.From), "until", "must not be before from")
	}
	v.Check(len(s.Owners) > 0, "owners", "is required")
	seen := map[string]bool{}
	for i, o := range s.Owners {
		path := "owners[" + strconv.Itoa(i) + "]"
		v.Check(o.OrganizationID != "", path+".organization_id", "is required")
		v.Check(!seen[o.OrganizationID], path+".organization_id", "is listed twice")
		seen[o.OrganizationID] = true
	}
	for i, g := range s.Goals {
		path := "goals[" + strconv.Itoa(i) + "]"
		v.Check(strings.TrimSpace(g.Title) != "", path+".title", "is required")
		v.Check(utf8.RuneCountInString(g.Title) <= 300, path+".title", "must be at most 300 characters")
		v.Check(utf8.RuneCountInString(g.Description) <= 5000, path+".description", "must be at most 5000 characters")
	}
	v.OneOf("visibility", s.Visibility)
	return v.Err()
}

// StrategyCoverage says which strategy is in force for an organisation on a
// day.
type StrategyCoverage struct {
	OrganizationID   string `json:"organization_id"`
	OrganizationName string `json:"organization_name"`
	On               Date   `json:"on" format:"date"`
	StrategyID       string `json:"strategy_id,omitempty" doc:"Empty when no strategy is in force"`
	StrategyTitle    string `json:"strategy_title,omitempty"`
	Joint            bool   `json:"joint"`
	AdoptedOn        *Date  `json:"adopted_on,omitempty" format:"date"`
	PastPeriod       bool   `json:"past_period" doc:"In force past its period because no newer strategy replaced it"`
	Explanation      Phrase `json:"explanation"`
}

// StrategyService manages strategies. An owner's representatives record
// that owner's adoption.
type StrategyService interface {
	FindStrategy(ctx context.Context, actor *Actor, id string) (*Strategy, error)
	ListStrategies(ctx context.Context, actor *Actor, collabID, orgID string) ([]Strategy, error)
	CreateStrategy(ctx context.Context, actor *Actor, in StrategyInput) (*Strategy, error)
	AdoptStrategy(ctx context.Context, actor *Actor, id, orgID string, on Date) (*Strategy, error)
	// Coverage says per member of the collaboration which strategy is in
	// force on the day.
	Coverage(ctx context.Context, actor *Actor, collabID string, on Date) ([]StrategyCoverage, error)
}
