package samspil

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Lifecycle is where an organisation is with a system.
type Lifecycle string

// Lifecycle phases, in order.
const (
	LifecyclePlanned     Lifecycle = "planned"
	LifecyclePilot       Lifecycle = "pilot"
	LifecyclePhasingIn   Lifecycle = "phasing_in"
	LifecycleOperational Lifecycle = "operational"
	LifecyclePhasingOut  Lifecycle = "phasing_out"
	LifecycleRetired     Lifecycle = "retired"
)

// Lifecycles lists the phases in order.
var Lifecycles = []Lifecycle{LifecyclePlanned, LifecyclePilot, LifecyclePhasingIn, LifecycleOperational, LifecyclePhasingOut, LifecycleRetired}

// Valid reports whether l is a known phase.
func (l Lifecycle) Valid() bool { return slices.Contains(Lifecycles, l) }

// InUse reports whether the phase means the system is in use now.
func (l Lifecycle) InUse() bool {
	return l == LifecyclePilot || l == LifecyclePhasingIn || l == LifecycleOperational || l == LifecyclePhasingOut
}

// UserBand is a band of how many people use a system.
type UserBand string

// UserBands are the bands of how many people use a system.
var UserBands = []UserBand{"1-10", "11-50", "51-200", "201-1000", "1001-5000", "5000+"}

// TaskChange adds a KLE task to a usage or opts out of one of the
// system's tasks.
type TaskChange struct {
	Code   string `json:"code"`
	OptOut bool   `json:"opt_out,omitempty" doc:"The organisation does not use the system for this task of the catalogue entry"`
}

// Usage is an organisation's use of a catalogue system (systemanvendelse).
type Usage struct {
	ID                     string       `json:"id"`
	OrganizationID         string       `json:"organization_id"`
	OrganizationName       string       `json:"organization_name" readOnly:"true"`
	SystemID               string       `json:"system_id"`
	SystemName             string       `json:"system_name" readOnly:"true"`
	Lifecycle              Lifecycle    `json:"lifecycle"`
	From                   *Date        `json:"from,omitempty" format:"date"`
	Until                  *Date        `json:"until,omitempty" format:"date"`
	ResponsibleUnitID      string       `json:"responsible_unit_id,omitempty"`
	UsingUnitIDs           []string     `json:"using_unit_ids"`
	UserBand               UserBand     `json:"user_band,omitempty" allowEmpty:"true"`
	TaskChanges            []TaskChange `json:"task_changes" doc:"Local KLE tasks added or opted out"`
	Notes                  string       `json:"notes,omitempty"`
	ShareExperience        bool         `json:"share_experience" doc:"The organisation is happy to share its experience with the system; the contact is whom to ask"`
	ExperienceContactName  string       `json:"experience_contact_name,omitempty" doc:"Whom to ask about the experience"`
	ExperienceContactEmail string       `json:"experience_contact_email,omitempty"`
	Visibility             Visibility   `json:"visibility"`
	Version                int          `json:"version"`
	CreatedAt              time.Time    `json:"created_at"`
	UpdatedAt              time.Time    `json:"updated_at"`
}

// UsageInput registers a usage.
type UsageInput struct {
	OrganizationID         string       `json:"organization_id" doc:"Organisation ID or municipality code"`
	SystemID               string       `json:"system_id"`
	Lifecycle              Lifecycle    `json:"lifecycle"`
	From                   *Date        `json:"from,omitempty" format:"date"`
	Until                  *Date        `json:"until,omitempty" format:"date"`
	ResponsibleUnitID      string       `json:"responsible_unit_id,omitempty"`
	UsingUnitIDs           []string     `json:"using_unit_ids,omitempty" maxItems:"500"`
	UserBand               UserBand     `json:"user_band,omitempty" allowEmpty:"true"`
	TaskChanges            []TaskChange `json:"task_changes,omitempty" maxItems:"200"`
	Notes                  string       `json:"notes,omitempty" maxLength:"5000"`
	ShareExperience        bool         `json:"share_experience,omitempty" doc:"Happy to share experience with the system; needs a contact name or e-mail"`
	ExperienceContactName  string       `json:"experience_contact_name,omitempty" maxLength:"200"`
	ExperienceContactEmail string       `json:"experience_contact_email,omitempty" maxLength:"254"`
	Visibility             Visibility   `json:"visibility,omitempty" doc:"Defaults to sector, so that others can see who uses what"`
}

// UsagePatch changes a usage; nil fields stay as they are.
type UsagePatch struct {
	Lifecycle              *Lifecycle    `json:"lifecycle,omitempty"`
	From                   *Date         `json:"from,omitempty" format:"date" doc:"Empty string clears it"`
	Until                  *Date         `json:"until,omitempty" format:"date" doc:"Empty string clears it"`
	ResponsibleUnitID      *string       `json:"responsible_unit_id,omitempty" doc:"Empty string clears it"`
	UsingUnitIDs           *[]string     `json:"using_unit_ids,omitempty" maxItems:"500"`
	UserBand               *UserBand     `json:"user_band,omitempty" allowEmpty:"true"`
	TaskChanges            *[]TaskChange `json:"task_changes,omitempty" maxItems:"200"`
	Notes                  *string       `json:"notes,omitempty" maxLength:"5000"`
	ShareExperience        *bool         `json:"share_experience,omitempty" doc:"Happy to share experience with the system; needs a contact name or e-mail"`
	ExperienceContactName  *string       `json:"experience_contact_name,omitempty" maxLength:"200" doc:"Empty string clears it"`
	ExperienceContactEmail *string       `json:"experience_contact_email,omitempty" maxLength:"254" doc:"Empty string clears it"`
	Visibility             *Visibility   `json:"visibility,omitempty"`
}

// Apply returns u with the patch applied.
func (p UsagePatch) Apply(u Usage) Usage {
	setIf(&u.Lifecycle, p.Lifecycle)
	setDate(&u.From, p.From)
	setDate(&u.Until, p.Until)
	setIf(&u.ResponsibleUnitID, p.ResponsibleUnitID)
	setIf(&u.UsingUnitIDs, p.UsingUnitIDs)
	setIf(&u.UserBand, p.UserBand)
	setIf(&u.TaskChanges, p.TaskChanges)
	setIf(&u.Notes, p.Notes)
	setIf(&u.ShareExperience, p.ShareExperience)
	setIf(&u.ExperienceContactName, p.ExperienceContactName)
	setIf(&u.ExperienceContactEmail, p.ExperienceContactEmail)
	setIf(&u.Visibility, p.Visibility)
	u.UsingUnitIDs = normalizeIDs(u.UsingUnitIDs)
	u.trimContact()
	return u
}

// Usage returns the usage the input describes.
func (in UsageInput) Usage() Usage {
	u := Usage{OrganizationID: in.OrganizationID, SystemID: in.SystemID, Lifecycle: in.Lifecycle, From: in.From, Until: in.Until,
		ResponsibleUnitID: in.ResponsibleUnitID, UsingUnitIDs: normalizeIDs(in.UsingUnitIDs), UserBand: in.UserBand,
		TaskChanges: in.TaskChanges, Notes: in.Notes, Visibility: in.Visibility, ShareExperience: in.ShareExperience,
		ExperienceContactName: in.ExperienceContactName, ExperienceContactEmail: in.ExperienceContactEmail}
	u.trimContact()
	if u.Visibility == "" {
		u.Visibility = VisibilitySector
	}
	if u.TaskChanges == nil {
		u.TaskChanges = []TaskChange{}
	}
	return u
}

// trimContact trims the experience contact as initiatives trim theirs.
func (u *Usage) trimContact() {
	u.ExperienceContactName = strings.TrimSpace(u.ExperienceContactName)
	u.ExperienceContactEmail = strings.TrimSpace(u.ExperienceContactEmail)
}

// setDate applies an optional date of a patch: nil keeps, the zero date
// clears.
func setDate(dst **Date, v *Date) {
	switch {
	case v == nil:
	case v.IsZero():
		*dst = nil
	default:
		d := *v
		*dst = &d
	}
}

func normalizeIDs(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	out = slices.Compact(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// Validate checks a usage's own fields; the store checks the references.
func (u *Usage) Validate() error {
	var v Validation
	v.OneOf("lifecycle", u.Lifecycle)
	if u.From != nil && u.Until != nil {
		v.Check(!u.Until.Before(*u.From), "until", "must not be before from")
	}
	if u.UserBand != "" {
		v.OneOf("user_band", u.UserBand)
	}
	v.Check(utf8.RuneCountInString(u.Notes) <= 5000, "notes", "must be at most 5000 characters")
	v.Check(utf8.RuneCountInString(u.ExperienceContactName) <= 200, "experience_contact_name", "must be at most 200 characters")
	v.Check(u.ExperienceContactEmail == "" || ValidEmail(u.ExperienceContactEmail), "experience_contact_email",
		"must be an e-mail address such as name@example.dk")
	v.Check(!u.ShareExperience || u.ExperienceContactName != "" || u.ExperienceContactEmail != "", "experience_contact_name",
		"is required to share experience: give a contact person's name or e-mail")
	v.OneOf("visibility", u.Visibility)
	seen := map[string]bool{}
	for i, tc := range u.TaskChanges {
		path := "task_changes[" + strconv.Itoa(i) + "].code"
		v.Check(ValidTaskCode(tc.Code), path, "%q is not a KLE code such as 27.24.00", tc.Code)
		v.Check(!seen[tc.Code], path, "appears twice")
		seen[tc.Code] = true
	}
	return v.Err()
}

// UsageFilter selects usages.
type UsageFilter struct {
	OrganizationID string
	SystemID       string
	Lifecycle      Lifecycle
	ListOptions
}

// UsageService manages usages.
type UsageService interface {
	ListUsages(ctx context.Context, actor *Actor, f UsageFilter) (*Page[Usage], error)
	FindUsage(ctx context.Context, actor *Actor, id string) (*Usage, error)
	CreateUsage(ctx context.Context, actor *Actor, in UsageInput) (*Usage, error)
	UpdateUsage(ctx context.Context, actor *Actor, id string, version int, p UsagePatch) (*Usage, error)
	DeleteUsage(ctx context.Context, actor *Actor, id string, version int) error
	WhoCanHelpService
}

// Deletion records that an object was deleted, for clients that sync.
type Deletion struct {
	ID         string    `json:"id" doc:"Position in the feed"`
	ObjectType string    `json:"object_type" doc:"system, usage or contract"`
	ObjectID   string    `json:"object_id"`
	DeletedAt  time.Time `json:"deleted_at"`
}

// DeletionFilter selects deletions; ChangedSince is the time to start from.
type DeletionFilter struct {
	ObjectType string
	ListOptions
}

// DeletionService is the feed of deleted ids.
type DeletionService interface {
	ListDeletions(ctx context.Context, actor *Actor, f DeletionFilter) (*Page[Deletion], error)
}
