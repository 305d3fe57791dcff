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
	UsageKITOSFields
	DataClassificationName string `json:"data_classification_name,omitempty" readOnly:"true" doc:"The name of the usage's data classification level, as its organisation calls it"`
}

// UsageKITOSFields are the fields municipalities keep on a usage in KITOS
// (kitosfields.go). How many use the system ("Antal brugere") is the
// usage's UserBand, not a field here. KITOS's NumberOfExpectedUsers takes
// the intervals [0,9], [10,50], [50,100] and [100,∞); they map to the
// bands as [0,9] → 1-10, [10,50] → 11-50, [50,100] → 51-200 and [100,∞) →
// 201-1000 (the band holding KITOS's lower bound; samspil's bands are
// finer above 100, so an organisation may choose a higher one).
type UsageKITOSFields struct {
	LocalCallName           string             `json:"local_call_name,omitempty" maxLength:"100" doc:"The name the organisation calls the system (KITOS: lokalt kaldenavn)"`
	LocalSystemID           string             `json:"local_system_id,omitempty" maxLength:"200" doc:"The organisation's own ID of the system"`
	SystemVersion           string             `json:"system_version,omitempty" maxLength:"100" doc:"The version of the system in use"`
	DataClassification      DataClassification `json:"data_classification,omitempty" maxLength:"40" doc:"How sensitive the data in the system is: the key of one of the organisation's data classification levels"`
	MainContractID          string             `json:"main_contract_id,omitempty" doc:"The contract that decides whether the usage is active: a contract of the same organisation covering the system"`
	ArchiveDuty             ArchiveDuty        `json:"archive_duty,omitempty" allowEmpty:"true" doc:"Duty to hand the data to an archive; empty is undecided"`
	ArchivePeriodYears      int                `json:"archive_period_years,omitempty" minimum:"0" maximum:"100" doc:"Years between handing data to the archive; 0 is not set"`
	AIUse                   YesNoUndecided     `json:"ai_use,omitempty" allowEmpty:"true" doc:"Whether the system contains AI technology"`
	WebAccessibility        YesNoPartially     `json:"web_accessibility,omitempty" allowEmpty:"true" doc:"Whether the system meets the web accessibility requirements (WCAG)"`
	WebAccessibilityChecked *Date              `json:"web_accessibility_checked,omitempty" format:"date" doc:"Last check of the web accessibility"`
	WebAccessibilityNotes   string             `json:"web_accessibility_notes,omitempty" maxLength:"2000"`
	References              []Reference        `json:"references,omitempty" maxItems:"20" doc:"Links to documents about the usage, http or https addresses"`
}

// UsageKITOSPatch changes the KITOS fields of a usage; nil fields stay as
// they are.
type UsageKITOSPatch struct {
	LocalCallName           *string             `json:"local_call_name,omitempty" maxLength:"100"`
	LocalSystemID           *string             `json:"local_system_id,omitempty" maxLength:"200"`
	SystemVersion           *string             `json:"system_version,omitempty" maxLength:"100"`
	DataClassification      *DataClassification `json:"data_classification,omitempty" maxLength:"40" doc:"The key of an active level of the organisation's data classifications; empty string clears it"`
	MainContractID          *string             `json:"main_contract_id,omitempty" doc:"Empty string clears it"`
	ArchiveDuty             *ArchiveDuty        `json:"archive_duty,omitempty" allowEmpty:"true" doc:"Empty string clears it (undecided)"`
	ArchivePeriodYears      *int                `json:"archive_period_years,omitempty" minimum:"0" maximum:"100" doc:"0 clears it"`
	AIUse                   *YesNoUndecided     `json:"ai_use,omitempty" allowEmpty:"true" doc:"Empty string clears it"`
	WebAccessibility        *YesNoPartially     `json:"web_accessibility,omitempty" allowEmpty:"true" doc:"Empty string clears it"`
	WebAccessibilityChecked *Date               `json:"web_accessibility_checked,omitempty" format:"date" doc:"Empty string clears it"`
	WebAccessibilityNotes   *string             `json:"web_accessibility_notes,omitempty" maxLength:"2000"`
	References              *[]Reference        `json:"references,omitempty" maxItems:"20" doc:"Replaces the list"`
}

// apply applies the patch to f.
func (p UsageKITOSPatch) apply(f *UsageKITOSFields) {
	setIf(&f.LocalCallName, p.LocalCallName)
	setIf(&f.LocalSystemID, p.LocalSystemID)
	setIf(&f.SystemVersion, p.SystemVersion)
	setIf(&f.DataClassification, p.DataClassification)
	setIf(&f.MainContractID, p.MainContractID)
	setIf(&f.ArchiveDuty, p.ArchiveDuty)
	setIf(&f.ArchivePeriodYears, p.ArchivePeriodYears)
	setIf(&f.AIUse, p.AIUse)
	setIf(&f.WebAccessibility, p.WebAccessibility)
	setDate(&f.WebAccessibilityChecked, p.WebAccessibilityChecked)
	setIf(&f.WebAccessibilityNotes, p.WebAccessibilityNotes)
	setIf(&f.References, p.References)
	f.normalize()
}

// normalize trims the texts and makes the references a list.
func (f *UsageKITOSFields) normalize() {
	f.LocalCallName = strings.TrimSpace(f.LocalCallName)
	f.LocalSystemID = strings.TrimSpace(f.LocalSystemID)
	f.SystemVersion = strings.TrimSpace(f.SystemVersion)
	f.MainContractID = strings.TrimSpace(f.MainContractID)
	f.WebAccessibilityNotes = strings.TrimSpace(f.WebAccessibilityNotes)
	f.References = trimReferences(f.References)
}

// validate checks the fields' own values; the store checks the main
// contract and the data classification, which are the organisation's.
func (f *UsageKITOSFields) validate(v *Validation) {
	checkLength(v, "local_call_name", f.LocalCallName, 100)
	checkLength(v, "local_system_id", f.LocalSystemID, 200)
	checkLength(v, "system_version", f.SystemVersion, 100)
	checkLength(v, "data_classification", f.DataClassification, maxClassificationKey)
	if f.ArchiveDuty != "" {
		v.OneOf("archive_duty", f.ArchiveDuty)
	}
	v.Check(f.ArchivePeriodYears >= 0 && f.ArchivePeriodYears <= MaxArchivePeriodYears, "archive_period_years",
		"must be between 0 and %d years", MaxArchivePeriodYears)
	if f.AIUse != "" {
		v.OneOf("ai_use", f.AIUse)
	}
	if f.WebAccessibility != "" {
		v.OneOf("web_accessibility", f.WebAccessibility)
	}
	checkLength(v, "web_accessibility_notes", f.WebAccessibilityNotes, 2000)
	checkReferences(v, "references", f.References)
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
	UsageKITOSFields
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
	UsageKITOSPatch
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
	p.UsageKITOSPatch.apply(&u.UsageKITOSFields)
	u.UsingUnitIDs = normalizeIDs(u.UsingUnitIDs)
	u.trimContact()
	return u
}

// Usage returns the usage the input describes.
func (in UsageInput) Usage() Usage {
	u := Usage{OrganizationID: in.OrganizationID, SystemID: in.SystemID, Lifecycle: in.Lifecycle, From: in.From, Until: in.Until,
		ResponsibleUnitID: in.ResponsibleUnitID, UsingUnitIDs: normalizeIDs(in.UsingUnitIDs), UserBand: in.UserBand,
		TaskChanges: in.TaskChanges, Notes: in.Notes, Visibility: in.Visibility, ShareExperience: in.ShareExperience,
		ExperienceContactName: in.ExperienceContactName, ExperienceContactEmail: in.ExperienceContactEmail, UsageKITOSFields: in.UsageKITOSFields}
	u.UsageKITOSFields.normalize()
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
	u.UsageKITOSFields.validate(&v)
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
