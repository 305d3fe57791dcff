package samspil

import (
	"context"
	"strings"
	"time"
)

// Task is a node of the KLE taxonomy (KL Emnesystematik): a main group
// ("27"), a group ("27.24") or a topic ("27.24.00"). Expired topics stay so
// that references to them keep working; they show as expired.
type Task struct {
	Code       string     `json:"code" doc:"KLE number, e.g. 27.24.00"`
	Level      int        `json:"level" doc:"1 main group, 2 group, 3 topic"`
	Title      string     `json:"title"`
	ParentCode string     `json:"parent_code,omitempty"`
	ExpiredAt  *time.Time `json:"expired_at,omitempty"`
}

// TaskEdition is a KLE edition to load.
type TaskEdition struct {
	Source string // e.g. "KLE 2026-02 (OS2KLE 3.23)" or a file name
	Hash   string // identifies the content
	Levels []int  // the levels the edition holds; codes of other levels are left alone
	Tasks  []Task

	// DryRun reports what loading the edition would change and changes
	// nothing.
	DryRun bool
	// AllowExpire lets the edition expire more than a tenth of the current
	// nodes (see TaskLoadSummary.ExpiresTooMany).
	AllowExpire bool
}

// TaskLoadSummary reports what loading a KLE edition changed, or would
// change in a dry run.
type TaskLoadSummary struct {
	Source  string `json:"source"`
	Added   int    `json:"added"`
	Renamed int    `json:"renamed"`
	Expired int    `json:"expired"`
	Current int    `json:"current" doc:"Current (not expired) nodes of the edition's levels before the load"`
	Skipped bool   `json:"skipped" doc:"The same edition was loaded before; nothing changed"`
	DryRun  bool   `json:"dry_run,omitempty"`

	// The nodes behind the counts, in code order. A node both renamed and
	// expired is in both lists.
	AddedTasks   []TaskEditionChange `json:"-"` // new, or back in use
	RenamedTasks []TaskEditionChange `json:"-"`
	ExpiredTasks []TaskEditionChange `json:"-"` // missing from the edition, or marked expired by it
}

// TaskEditionChange is one KLE node an edition adds, renames or expires.
type TaskEditionChange struct {
	Code     string
	Title    string // the title after the load
	OldTitle string // the title before, for a renamed node
}

// ExpiresTooMany reports whether the load expires more than a tenth of the
// current nodes of the edition's levels: the mark of a partial or older
// file, which a load refuses unless AllowExpire is given.
func (s *TaskLoadSummary) ExpiresTooMany() bool {
	return s.Expired > 0 && s.Expired*10 > s.Current
}

// TaskFilter selects KLE nodes.
type TaskFilter struct {
	Query          string // code prefix or words of the title
	Level          int    // 1, 2 or 3; 0 for all
	ParentCode     string
	IncludeExpired bool
	ListOptions
}

// TaskService reads and loads the KLE taxonomy. The taxonomy is public.
type TaskService interface {
	// ListTasks lists KLE nodes in code order.
	ListTasks(ctx context.Context, f TaskFilter) (*Page[Task], error)
	// FindTask returns one node, expired or not.
	FindTask(ctx context.Context, code string) (*Task, error)
	// LoadTasks makes an edition current: new codes are added, changed
	// titles renamed, and codes of the edition's levels that it lacks are
	// marked expired. Loading the same edition again is a no-op. A load
	// that ExpiresTooMany is refused (EINVALID) unless e.AllowExpire; with
	// e.DryRun nothing changes and the summary says what would. A refused
	// load returns the summary of what it would have changed with the error.
	LoadTasks(ctx context.Context, actor *Actor, e TaskEdition) (*TaskLoadSummary, error)
	// CountTasks returns the number of current (not expired) tasks by level.
	CountTasks(ctx context.Context) (map[int]int, error)
}

// ReferenceService loads the reference organisations that ship with samspil.
type ReferenceService interface {
	// SyncReferenceOrganizations registers or updates the given public
	// organisations (matched by municipality code, or by kind and region for
	// regions). contentHash identifies the data; the same data again is a
	// no-op. It reports whether anything was written.
	SyncReferenceOrganizations(ctx context.Context, actor *Actor, contentHash string, orgs []OrganizationInput) (bool, error)
}

// ValidTaskCode reports whether s has the form of a KLE code.
func ValidTaskCode(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) > 3 {
		return false
	}
	for _, p := range parts {
		if len(p) != 2 || p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9' {
			return false
		}
	}
	return true
}
