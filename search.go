package samspil

import (
	"context"
	"strings"
	"unicode/utf8"
)

// SearchKind is a kind of record the header search finds.
type SearchKind string

// Search kinds, in the order results are shown.
const (
	SearchOrganizations  SearchKind = "organizations"
	SearchSystems        SearchKind = "systems"
	SearchContracts      SearchKind = "contracts"
	SearchCollaborations SearchKind = "collaborations"
	SearchForums         SearchKind = "forums"
	SearchDecisions      SearchKind = "decisions"
	SearchInitiatives    SearchKind = "initiatives"
	SearchLessons        SearchKind = "lessons"
)

// SearchKinds lists the kinds in the order results are shown.
var SearchKinds = []SearchKind{SearchOrganizations, SearchSystems, SearchContracts, SearchCollaborations, SearchForums, SearchDecisions,
	SearchInitiatives, SearchLessons}

func init() { RegisterEnum(SearchKinds) }

// Search limits.
const (
	SearchMinRunes   = 2   // shorter text finds nothing (a kommunekode has four digits)
	SearchMaxRunes   = 100 // longer text is refused
	SearchMaxPerKind = 50  // the most hits of one kind in one answer
)

// SearchQuery is what a person searches for.
type SearchQuery struct {
	Text    string       // matched within names, case-folded; a kommunekode or CVR matches exactly
	Kinds   []SearchKind // empty: all kinds
	PerKind int          // hits of each kind, at most SearchMaxPerKind; 0 means 5
}

// Normalize checks the query and fills in defaults: the text folded and
// trimmed, the kinds known, the limit within bounds. Text shorter than
// SearchMinRunes is valid and finds nothing.
func (q *SearchQuery) Normalize() error {
	var v Validation
	q.Text = Fold(q.Text)
	if utf8.RuneCountInString(q.Text) > SearchMaxRunes {
		v.Add("q", "must be at most %d characters", SearchMaxRunes)
	}
	for _, k := range q.Kinds {
		if !v.OneOf("kind", k) {
			break
		}
	}
	switch {
	case q.PerKind == 0:
		q.PerKind = 5
	case q.PerKind < 0 || q.PerKind > SearchMaxPerKind:
		v.Add("limit", "must be between 1 and %d", SearchMaxPerKind)
	}
	return v.Err()
}

// Wants reports whether the query asks for kind k.
func (q *SearchQuery) Wants(k SearchKind) bool {
	if len(q.Kinds) == 0 {
		return true
	}
	for _, x := range q.Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Short reports whether the text is too short to search for.
func (q *SearchQuery) Short() bool { return utf8.RuneCountInString(q.Text) < SearchMinRunes }

// SearchHit is one record found.
type SearchHit struct {
	Kind    SearchKind `json:"kind"`
	ID      string     `json:"id"`
	Name    string     `json:"name"`
	Context string     `json:"context,omitempty" doc:"Where it belongs: the organisation of a contract, the collaboration of a forum or decision, a municipality's code"`
	Path    string     `json:"path" doc:"The page of the record, e.g. /contracts/{id}"`
}

// SearchGroup is the hits of one kind.
type SearchGroup struct {
	Kind SearchKind  `json:"kind"`
	Hits []SearchHit `json:"hits"`
	More bool        `json:"more" doc:"More hits of this kind than returned"`
}

// SearchResult is the answer to a search, grouped by kind in the order of
// SearchKinds; kinds without hits are left out.
type SearchResult struct {
	Query  string        `json:"query"`
	Groups []SearchGroup `json:"groups"`
}

// Matches reports whether a name matches folded search text: the text
// occurs in the folded name. The store uses it where it matches in Go, so
// that both engines fold the same way (SQLite's lower() knows only ASCII).
func Matches(name, folded string) bool { return strings.Contains(Fold(name), folded) }

// SearchService finds what the actor may see.
type SearchService interface {
	Search(ctx context.Context, actor *Actor, q SearchQuery) (*SearchResult, error)
}
