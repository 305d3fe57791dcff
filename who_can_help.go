package samspil

import (
	"context"
	"strings"
)

// Who can help: for a catalogue system or a KLE task, the organisations
// that have run it longest, those happy to share their experience, and the
// lessons of initiatives about it — the "sparring" of the Silkeborg–Viborg
// collaboration made findable. Every list holds only what the asking actor
// may see.

// Bounds of each list of an answer.
const (
	WhoCanHelpDefaultLimit = 20
	WhoCanHelpMaxLimit     = 100
)

// WhoCanHelpQuery asks who can help with one system or one KLE task.
type WhoCanHelpQuery struct {
	SystemID string // the catalogue system; or give Task
	Task     string // a KLE code; a main group or group covers the codes under it
	Limit    int    // entries of each list at most; 0 means WhoCanHelpDefaultLimit
	Today    Date   // the day years in operation are counted to; zero means today in Copenhagen
}

// Normalize trims the query, fills in the default limit and checks it:
// exactly one of system and task, a task of KLE form, a limit within
// bounds. The store checks that the system or task exists.
func (q *WhoCanHelpQuery) Normalize() error {
	q.SystemID, q.Task = strings.TrimSpace(q.SystemID), strings.TrimSpace(q.Task)
	var v Validation
	switch {
	case q.SystemID != "" && q.Task != "":
		v.Add("system_id", "give either system_id or task, not both")
		v.Add("task", "give either system_id or task, not both")
	case q.SystemID == "" && q.Task == "":
		v.Add("system_id", "give a system_id or a task")
		v.Add("task", "give a system_id or a task")
	case q.Task != "" && !ValidTaskCode(q.Task):
		v.Add("task", "%q is not a KLE code such as 27.24.00", q.Task)
	}
	if q.Limit == 0 {
		q.Limit = WhoCanHelpDefaultLimit
	}
	v.Check(q.Limit >= 1 && q.Limit <= WhoCanHelpMaxLimit, "limit", "must be between 1 and %d", WhoCanHelpMaxLimit)
	return v.Err()
}

// WhoCanHelp answers a WhoCanHelpQuery. Each list holds at most the
// query's limit of entries.
type WhoCanHelp struct {
	SystemID   string `json:"system_id,omitempty" doc:"The system asked about"`
	SystemName string `json:"system_name,omitempty"`
	Task       string `json:"task,omitempty" doc:"The KLE task asked about"`
	TaskTitle  string `json:"task_title,omitempty"`
	Today      Date   `json:"today" format:"date" doc:"The day years in operation are counted to"`
	// Longest are the usages in use (pilot to phasing out) of the system,
	// or of a system covering the task, longest in operation first; those
	// without a start date last.
	Longest []OperationExperience `json:"longest_in_operation"`
	// Sharing are the usages marked "happy to share experience", by
	// organisation name.
	Sharing []ExperienceContact `json:"happy_to_share"`
	// Lessons are the lessons of initiatives about the system or task,
	// newest first.
	Lessons []Lesson `json:"lessons"`
}

// OperationExperience is an organisation's usage of a system in use, and
// how long it has been.
type OperationExperience struct {
	UsageID          string    `json:"usage_id"`
	OrganizationID   string    `json:"organization_id"`
	OrganizationName string    `json:"organization_name"`
	SystemID         string    `json:"system_id"`
	SystemName       string    `json:"system_name"`
	Lifecycle        Lifecycle `json:"lifecycle"`
	Since            *Date     `json:"since,omitempty" format:"date" doc:"The usage's from date; absent when unknown"`
	Years            *int      `json:"years_in_operation,omitempty" doc:"Whole years from since to today; absent when since is unknown"`
}

// ExperienceContact is a usage whose organisation is happy to share its
// experience, with whom to ask.
type ExperienceContact struct {
	UsageID          string    `json:"usage_id"`
	OrganizationID   string    `json:"organization_id"`
	OrganizationName string    `json:"organization_name"`
	SystemID         string    `json:"system_id"`
	SystemName       string    `json:"system_name"`
	Lifecycle        Lifecycle `json:"lifecycle"`
	Since            *Date     `json:"since,omitempty" format:"date"`
	ContactName      string    `json:"contact_name,omitempty"`
	ContactEmail     string    `json:"contact_email,omitempty"`
}

// YearsInOperation returns the whole years from since to today, nil when
// since is unknown and 0 when it is after today.
func YearsInOperation(since *Date, today Date) *int {
	if since == nil {
		return nil
	}
	y := MonthsBetween(*since, today) / 12
	return &y
}

// WhoCanHelpService finds who can help with a system or a task.
type WhoCanHelpService interface {
	// WhoCanHelp answers EINVALID naming system_id, task or limit for bad
	// input (an unknown KLE code names task) and ENOTFOUND for a system
	// that is missing or invisible to the actor.
	WhoCanHelp(ctx context.Context, actor *Actor, q WhoCanHelpQuery) (*WhoCanHelp, error)
}
