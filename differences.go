package samspil

import (
	"cmp"
	"slices"
	"strings"
)

// Organisational differences side by side (the first lesson of the
// Silkeborg–Viborg collaboration: Viborg has sector directors, Silkeborg
// does not). For a collaboration, each member's organisation: its top
// level (several directorates, each with a sector director, or one board
// of directors over the departments), where its IT function sits and whom
// it reports to, its size, and whom it sends to each forum at which level.
// Warnings name what makes joint decisions hard:
//
//   - the members are organised differently at the top;
//   - a directors' forum where a member sends no director;
//   - a member whose highest representative in a forum stands two or more
//     levels below the highest of another member's.

// Structure is an organisation's top level.
type Structure string

// Structures.
const (
	StructureSectorDirectors Structure = "sector_directors" // several directorates, each with its director
	StructureOneBoard        Structure = "one_board"        // one board of directors over the departments
	StructureUnknown         Structure = "unknown"          // no units recorded
)

// Structures lists the structures.
var Structures = []Structure{StructureSectorDirectors, StructureOneBoard, StructureUnknown}

func init() { RegisterEnum(Structures) }

// StructureOf derives an organisation's top level from its units: two or
// more top-level directorates are sector directors; one directorate, or
// departments at the top, are one board.
func StructureOf(units []OrgUnit) (Structure, int) {
	if len(units) == 0 {
		return StructureUnknown, 0
	}
	n := 0
	for _, u := range units {
		if u.ParentID == "" && u.Kind == UnitDirectorate {
			n++
		}
	}
	if n >= 2 {
		return StructureSectorDirectors, n
	}
	return StructureOneBoard, n
}

// Representative is a person in a forum for a member, with their title
// and level in their organisation.
type Representative struct {
	UserID   string          `json:"user_id"`
	Name     string          `json:"name"`
	Position string          `json:"position,omitempty"`
	Level    ManagementLevel `json:"level,omitempty"`
}

// OrgProfile is what the comparison knows of one member.
type OrgProfile struct {
	OrganizationID   string                    `json:"organization_id"`
	OrganizationName string                    `json:"organization_name"`
	Population       int                       `json:"population"`
	Structure        Structure                 `json:"structure"`
	Directorates     int                       `json:"directorates" doc:"Top-level directorates"`
	IT               []string                  `json:"it" doc:"Where the IT function sits: its unit and the units above it, the unit itself first; empty when not recorded"`
	Units            []OrgUnit                 `json:"-"`
	People           map[string]Representative `json:"-"` // user ID -> the person in this organisation
}

// ForumSeats is one forum and whom each member sends to it.
type ForumSeats struct {
	ForumID   string                      `json:"forum_id"`
	ForumName string                      `json:"forum_name"`
	Level     ForumLevel                  `json:"level"`
	Seats     map[string][]Representative `json:"seats" doc:"Organisation ID to its representatives, the highest first"`
	Highest   map[string]ManagementLevel  `json:"highest" doc:"Organisation ID to its highest representative's level; absent when unknown"`
}

// OrgComparison is a collaboration's members compared.
type OrgComparison struct {
	CollaborationID string       `json:"collaboration_id"`
	Members         []OrgProfile `json:"members" doc:"The active members, by name"`
	Forums          []ForumSeats `json:"forums" doc:"The active forums"`
	Warnings        []Phrase     `json:"warnings"`
}

// CompareOrganisations compares the profiles (of the active members, with
// their units and people filled) in the collaboration's active forums.
func CompareOrganisations(collabID string, profiles []OrgProfile, forums []Forum) *OrgComparison {
	out := &OrgComparison{CollaborationID: collabID, Members: []OrgProfile{}, Forums: []ForumSeats{}, Warnings: []Phrase{}}
	for _, p := range profiles {
		p.Structure, p.Directorates = StructureOf(p.Units)
		p.IT = itPath(p.Units)
		out.Members = append(out.Members, p)
	}
	slices.SortFunc(out.Members, func(a, b OrgProfile) int {
		return cmp.Or(strings.Compare(Fold(a.OrganizationName), Fold(b.OrganizationName)), strings.Compare(a.OrganizationID, b.OrganizationID))
	})

	// The top level: name each structure's members when they differ.
	byStructure := map[Structure][]string{}
	for _, p := range out.Members {
		if p.Structure != StructureUnknown {
			byStructure[p.Structure] = append(byStructure[p.Structure], p.OrganizationName)
		}
	}
	if len(byStructure[StructureSectorDirectors]) > 0 && len(byStructure[StructureOneBoard]) > 0 {
		out.Warnings = append(out.Warnings, Phrasef("Sector directors at %s, one board of directors at %s: a joint decision may need several directors on one side and one board on the other",
			strings.Join(byStructure[StructureSectorDirectors], ", "), strings.Join(byStructure[StructureOneBoard], ", ")))
	}

	byID := map[string]*OrgProfile{}
	for i := range out.Members {
		byID[out.Members[i].OrganizationID] = &out.Members[i]
	}
	for _, f := range forums {
		if f.Status == ForumDiscontinued {
			continue
		}
		fs := ForumSeats{ForumID: f.ID, ForumName: f.Name, Level: f.Level, Seats: map[string][]Representative{},
			Highest: map[string]ManagementLevel{}}
		for _, fm := range f.Members {
			p := byID[fm.OrganizationID]
			if p == nil {
				continue
			}
			r, ok := p.People[fm.UserID]
			if !ok {
				r = Representative{UserID: fm.UserID, Name: fm.Name}
			}
			fs.Seats[p.OrganizationID] = append(fs.Seats[p.OrganizationID], r)
		}
		for org, reps := range fs.Seats {
			slices.SortStableFunc(reps, func(a, b Representative) int { return cmp.Compare(rankOrLast(a.Level), rankOrLast(b.Level)) })
			if reps[0].Level != "" {
				fs.Highest[org] = reps[0].Level
			}
		}
		out.Forums = append(out.Forums, fs)
		best := len(ManagementLevels)
		for _, l := range fs.Highest {
			best = min(best, l.Rank())
		}
		for _, p := range out.Members {
			reps, sits := fs.Seats[p.OrganizationID]
			if !sits {
				continue
			}
			high, known := fs.Highest[p.OrganizationID]
			switch {
			case f.Level == ForumDirectors && known && high != LevelDirector:
				out.Warnings = append(out.Warnings, Phrasef("%s sends no director to %s: its highest representative is %s (%s)",
					p.OrganizationName, f.Name, reps[0].Name, Term(high)))
			case known && high.Rank()-best >= 2:
				out.Warnings = append(out.Warnings, Phrasef("%s is represented in %s %d levels lower than the highest of the others: %s (%s) against %s",
					p.OrganizationName, f.Name, high.Rank()-best, reps[0].Name, Term(high), Term(ManagementLevels[best])))
			}
		}
	}
	slices.SortFunc(out.Forums, func(a, b ForumSeats) int {
		return cmp.Or(slices.Index(ForumLevels, a.Level)-slices.Index(ForumLevels, b.Level), strings.Compare(a.ForumName, b.ForumName))
	})
	return out
}

// rankOrLast is a level's rank, unknown levels last.
func rankOrLast(l ManagementLevel) int {
	if r := l.Rank(); r >= 0 {
		return r
	}
	return len(ManagementLevels)
}

// itPath is where the IT function sits: the first unit marked IT (in the
// tree's order) and its ancestors, the unit first.
func itPath(units []OrgUnit) []string {
	byID := map[string]*OrgUnit{}
	for i := range units {
		byID[units[i].ID] = &units[i]
	}
	for i := range units {
		if !units[i].IT {
			continue
		}
		var path []string
		for u := &units[i]; u != nil && len(path) <= len(units); u = byID[u.ParentID] {
			path = append(path, u.Name)
		}
		return path
	}
	return []string{}
}
