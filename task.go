package samspil

import (
	"context"
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

// TaskLoadSummary reports what loading a KLE edition changed.
type TaskLoadSummary struct {
	Source  string `json:"source"`
	Added   int    `json:"added"`
	Renamed int    `json:"renamed"`
	Expired int    `json:"expired"`
	Skipped bool   `json:"skipped" doc:"The same edition was loaded before; nothing changed"`
}

// TaskService reads and loads the KLE taxonomy.
type TaskService interface {
	// LoadTasks makes the given edition current: new codes are added,
	// changed titles renamed, and codes missing from it marked expired.
	// contentHash identifies the edition; loading the same one again is a
	// no-op.
	LoadTasks(ctx context.Context, actor *Actor, source, contentHash string, tasks []Task) (*TaskLoadSummary, error)
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
