// Package opportunity finds where working together makes sense (DESIGN
// §3.3): for an organisation, the partners whose landscape, contracts,
// tasks, size and track record say so, each with its evidence. It keeps an
// index in memory, built from the facts the store hands it, and answers
// only with what the asking organisation may see (DESIGN §3.2): another
// organisation's private records never shape anyone's results.
package opportunity

import "github.com/samspil/samspil"

// Facts are what the index is built from: every organisation, usage and
// contract with its visibility, and who are partners. The store reads them
// as the system (sqldb.OpportunityFacts); the index applies visibility
// itself.
type Facts struct {
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

// Usage is an organisation's use of a catalogue system.
type Usage struct {
	OrgID      string
	SystemID   string
	SystemName string
	Lifecycle  samspil.Lifecycle
	Visibility samspil.Visibility
}

// Contract is an organisation's contract with the systems it covers and
// its computed dates for today.
type Contract struct {
	ID           string
	OrgID        string
	SystemIDs    []string
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
