package samspil

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// ActionStatus is where an action item stands.
type ActionStatus string

// Action item statuses.
const (
	ActionOpen       ActionStatus = "open"
	ActionInProgress ActionStatus = "in_progress"
	ActionDone       ActionStatus = "done"
	ActionCancelled  ActionStatus = "cancelled"
)

// ActionStatuses lists the valid statuses.
var ActionStatuses = []ActionStatus{ActionOpen, ActionInProgress, ActionDone, ActionCancelled}

// Valid reports whether s is a known status.
func (s ActionStatus) Valid() bool { return slices.Contains(ActionStatuses, s) }

// ActionItem is a follow-up task of a collaboration (opfølgningspunkt),
// usually from a meeting.
type ActionItem struct {
	ID               string       `json:"id"`
	CollaborationID  string       `json:"collaboration_id"`
	MeetingID        string       `json:"meeting_id,omitempty"`
	Title            string       `json:"title"`
	Description      string       `json:"description,omitempty"`
	OwnerUserID      string       `json:"owner_user_id,omitempty"`
	OwnerName        string       `json:"owner_name,omitempty" readOnly:"true"`
	OrganizationID   string       `json:"organization_id,omitempty" doc:"The member organisation responsible"`
	OrganizationName string       `json:"organization_name,omitempty" readOnly:"true"`
	Due              *Date        `json:"due,omitempty" format:"date"`
	Status           ActionStatus `json:"status"`
	DoneOn           *Date        `json:"done_on,omitempty" format:"date"`
	Overdue          bool         `json:"overdue" readOnly:"true" doc:"Not done and past its due date today"`
	Version          int          `json:"version"`
	CreatedAt        time.Time    `json:"created_at"`
	UpdatedAt        time.Time    `json:"updated_at"`
}

// IsOverdue reports whether the item is not finished and past due on day d.
func (a *ActionItem) IsOverdue(d Date) bool {
	return a.Due != nil && a.Due.Before(d) && (a.Status == ActionOpen || a.Status == ActionInProgress)
}

// ActionItemInput creates an action item.
type ActionItemInput struct {
	MeetingID      string `json:"meeting_id,omitempty"`
	Title          string `json:"title" minLength:"1" maxLength:"300"`
	Description    string `json:"description,omitempty" maxLength:"5000"`
	OwnerUserID    string `json:"owner_user_id,omitempty"`
	OrganizationID string `json:"organization_id,omitempty"`
	Due            *Date  `json:"due,omitempty" format:"date"`
}

// ActionItemPatch changes an action item.
type ActionItemPatch struct {
	Title          *string       `json:"title,omitempty" minLength:"1" maxLength:"300"`
	Description    *string       `json:"description,omitempty" maxLength:"5000"`
	OwnerUserID    *string       `json:"owner_user_id,omitempty"`
	OrganizationID *string       `json:"organization_id,omitempty"`
	Due            *Date         `json:"due,omitempty" format:"date" doc:"An empty date clears it"`
	Status         *ActionStatus `json:"status,omitempty"`
	DoneOn         *Date         `json:"done_on,omitempty" format:"date" doc:"The day it was done, for an item recorded afterwards; an item that becomes done without it is done today. Not in the future"`
}

// SetDoneOn sets the day the item a (before the patch: before) was done:
// the day given (DoneOn, not in the future), else a done item keeps its
// day and an item that becomes done is done today; an item that is not
// done has none.
func (p ActionItemPatch) SetDoneOn(before ActionItem, a *ActionItem, today Date) error {
	given := p.DoneOn != nil && !p.DoneOn.IsZero()
	var v Validation
	switch {
	case a.Status != ActionDone:
		v.Check(!given, "done_on", "only an item that is done has the day it was done")
		a.DoneOn = nil
	case given:
		v.Check(!p.DoneOn.After(today), "done_on", "must not be in the future")
		d := *p.DoneOn
		a.DoneOn = &d
	case before.Status != ActionDone || a.DoneOn == nil:
		a.DoneOn = &today
	}
	return v.Err()
}

// Apply returns a with the patch applied.
func (p ActionItemPatch) Apply(a ActionItem) ActionItem {
	setIf(&a.Title, p.Title)
	a.Title = strings.TrimSpace(a.Title)
	setIf(&a.Description, p.Description)
	setIf(&a.OwnerUserID, p.OwnerUserID)
	setIf(&a.OrganizationID, p.OrganizationID)
	setDate(&a.Due, p.Due)
	setIf(&a.Status, p.Status)
	return a
}

// Validate checks an action item's own fields.
func (a *ActionItem) Validate() error {
	var v Validation
	v.Check(a.Title != "", "title", "is required")
	v.Check(utf8.RuneCountInString(a.Title) <= 300, "title", "must be at most 300 characters")
	v.Check(utf8.RuneCountInString(a.Description) <= 5000, "description", "must be at most 5000 characters")
	v.OneOf("status", a.Status)
	return v.Err()
}

// ActionItemFilter selects action items.
type ActionItemFilter struct {
	CollaborationID string
	MeetingID       string
	OwnerUserID     string
	OpenOnly        bool
	ListOptions
}

// ActionItemService manages action items. Secretariats, chairs and forum
// members of the collaboration's member organisations record them; owners
// update their own.
type ActionItemService interface {
	FindActionItem(ctx context.Context, actor *Actor, id string) (*ActionItem, error)
	ListActionItems(ctx context.Context, actor *Actor, f ActionItemFilter) (*Page[ActionItem], error)
	CreateActionItem(ctx context.Context, actor *Actor, collabID string, in ActionItemInput) (*ActionItem, error)
	UpdateActionItem(ctx context.Context, actor *Actor, id string, version int, p ActionItemPatch) (*ActionItem, error)
}
