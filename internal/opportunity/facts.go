// Package opportunity finds where working together makes sense (DESIGN
// §3.3): for an organisation, the partners whose landscape, contracts,
// tasks, size and track record say so, each with its evidence. It keeps an
// index in memory, built from the facts the store hands it, and answers
// only with what the asking organisation may see (DESIGN §3.2): another
// organisation's private records never shape anyone's results.
package opportunity

import (
	"time"

	"github.com/samspil/samspil"
)

// Facts are what the index is built from: every organisation, usage and
// contract with its visibility, and who are partners. The store reads them
// as the system (sqldb.OpportunityFacts); the index applies visibility
// itself.
type Facts struct {
	// Systems are the catalogue entries with their category and KLE
	// tasks. A system a usage or contract names that is not among them
	// is known by its usage's SystemName only, with no category or tasks.
	Systems   []System
	Orgs      []Org
	Usages    []Usage
	Contracts []Contract
	// Partners maps an organisation to the organisations that see what it
	// shares with partners (samspil.Actor.Partners of its people), sorted.
	Partners map[string][]string
	// Together are pairs of organisations that work together: members of
	// the same collaboration or taking part in the same initiative.
	Together []Together
}

// Org is an organisation as the index knows it.
type Org struct {
	ID         string
	Name       string
	Kind       samspil.OrgKind
	Country    string
	Region     string
	Population int // the newest figure, 0 when unknown
	Visibility samspil.Visibility
}

// System is a catalogue entry as the index knows it.
type System struct {
	ID       string
	Name     string
	Category string
	Tasks    []string // KLE codes the system supports
}

// Usage is an organisation's use of a catalogue system.
type Usage struct {
	OrgID      string
	SystemID   string
	SystemName string
	Visibility samspil.Visibility
	// TaskChanges are the KLE tasks the organisation adds to the system's
	// or opts out of for this usage; most usages have none.
	TaskChanges []samspil.TaskChange
}

// Contract is an organisation's contract with the systems it covers and
// its computed dates for today.
type Contract struct {
	ID           string
	OrgID        string
	SystemIDs    []string      // sorted
	NextDecision *samspil.Date // the next decision date (expiry or automatic extension)
	NoticeBy     *samspil.Date // the last day to give notice before it; nil for a contract that simply expires
	Visibility   samspil.Visibility
}

// Together says that two organisations work together, and how often:
// shared collaborations (current memberships) and shared initiatives
// (both taking part).
type Together struct {
	A, B           string
	Collaborations int
	Initiatives    int
}

// Change is an audit event as the index reads it to learn what changed.
type Change struct {
	ID         string
	Time       time.Time
	OrgID      string // the organisation it concerns, "" for none
	ObjectType string
}
