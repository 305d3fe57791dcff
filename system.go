package samspil

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Category groups IT systems by what they are for.
type Category string

// Categories of the system catalogue.
const (
	CategoryCaseManagement Category = "case_management" // ESDH, sagsbehandling
	CategoryEconomy        Category = "economy"
	CategoryHRPayroll      Category = "hr_payroll"
	CategorySelfService    Category = "self_service" // citizen self-service
	CategorySocial         Category = "social"
	CategorySchools        Category = "schools_daycare"
	CategoryHealth         Category = "health_care"
	CategoryEmployment     Category = "employment"
	CategoryTechnical      Category = "technical_environment" // GIS, building, environment
	CategoryInfrastructure Category = "infrastructure"
	CategoryCommunication  Category = "communication"
	CategoryData           Category = "data_analytics"
	CategoryOther          Category = "other"
)

// Categories lists the valid categories.
var Categories = []Category{CategoryCaseManagement, CategoryEconomy, CategoryHRPayroll, CategorySelfService, CategorySocial,
	CategorySchools, CategoryHealth, CategoryEmployment, CategoryTechnical, CategoryInfrastructure, CategoryCommunication,
	CategoryData, CategoryOther}

// Valid reports whether c is a known category.
func (c Category) Valid() bool { return slices.Contains(Categories, c) }

// System is an entry of the shared system catalogue. The organisation that
// registered it owns the entry; anyone who can see it may register a usage.
type System struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	VendorID    string     `json:"vendor_id,omitempty" doc:"The vendor, an organisation of kind company"`
	VendorName  string     `json:"vendor_name,omitempty" readOnly:"true"`
	Category    Category   `json:"category"`
	Tasks       []string   `json:"tasks" doc:"KLE codes the system supports"`
	Description string     `json:"description,omitempty"`
	OpenSource  bool       `json:"open_source"`
	OS2Product  bool       `json:"os2_product" doc:"One of OS2's products"`
	Homepage    string     `json:"homepage,omitempty" format:"uri"`
	OwnerID     string     `json:"owner_id" doc:"The organisation that registered the entry"`
	Visibility  Visibility `json:"visibility"`
	UsageCount  int        `json:"usage_count" readOnly:"true" doc:"Usages of the system the caller may see"`
	Version     int        `json:"version"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	SystemKITOSFields
}

// SystemKITOSFields are the fields KITOS keeps on a catalogue entry
// (kitosfields.go).
type SystemKITOSFields struct {
	ParentID              string                `json:"parent_id,omitempty" doc:"The entry this one is part of (KITOS: overordnet system); never the entry itself or one of its parts"`
	FormerNames           []string              `json:"former_names,omitempty" maxItems:"20" doc:"Names the system was known by before"`
	Deactivated           bool                  `json:"deactivated,omitempty" doc:"The system is no longer offered: marked in the catalogue, and no new usages can be registered"`
	ArchiveRecommendation ArchiveRecommendation `json:"archive_recommendation,omitempty" allowEmpty:"true" doc:"The national archive's recommendation (Rigsarkivets vejledning); empty is undecided"`
}

// SystemKITOSPatch changes the KITOS fields of an entry; nil fields stay.
type SystemKITOSPatch struct {
	ParentID              *string                `json:"parent_id,omitempty" doc:"Empty string clears it"`
	FormerNames           *[]string              `json:"former_names,omitempty" maxItems:"20" doc:"Replaces the list"`
	Deactivated           *bool                  `json:"deactivated,omitempty"`
	ArchiveRecommendation *ArchiveRecommendation `json:"archive_recommendation,omitempty" allowEmpty:"true" doc:"Empty string clears it"`
}

// apply applies the patch to f.
func (p SystemKITOSPatch) apply(f *SystemKITOSFields) {
	setIf(&f.ParentID, p.ParentID)
	setIf(&f.FormerNames, p.FormerNames)
	setIf(&f.Deactivated, p.Deactivated)
	setIf(&f.ArchiveRecommendation, p.ArchiveRecommendation)
	f.ParentID = strings.TrimSpace(f.ParentID)
	names := []string{}
	for _, n := range f.FormerNames {
		if n = strings.TrimSpace(n); n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	f.FormerNames = names
}

// MaxFormerNames is how many former names an entry keeps.
const MaxFormerNames = 20

// validate checks the fields' own values; the store checks the parent.
func (f *SystemKITOSFields) validate(v *Validation) {
	v.Check(len(f.FormerNames) <= MaxFormerNames, "former_names", "must have at most %d entries", MaxFormerNames)
	for i, n := range f.FormerNames {
		checkLength(v, "former_names["+strconv.Itoa(i)+"]", n, 200)
	}
	if f.ArchiveRecommendation != "" {
		v.OneOf("archive_recommendation", f.ArchiveRecommendation)
	}
}

// SystemInput registers a catalogue entry.
type SystemInput struct {
	Name        string     `json:"name" minLength:"1" maxLength:"200"`
	VendorID    string     `json:"vendor_id,omitempty" doc:"Organisation ID or CVR number of the vendor"`
	Category    Category   `json:"category"`
	Tasks       []string   `json:"tasks,omitempty" maxItems:"200"`
	Description string     `json:"description,omitempty" maxLength:"5000"`
	OpenSource  bool       `json:"open_source,omitempty"`
	OS2Product  bool       `json:"os2_product,omitempty"`
	Homepage    string     `json:"homepage,omitempty" maxLength:"500"`
	OwnerID     string     `json:"owner_id,omitempty" doc:"The registering organisation (ID or municipality code); defaults to your only organisation"`
	Visibility  Visibility `json:"visibility,omitempty" doc:"Defaults to sector"`
	SystemKITOSFields
}

// SystemPatch changes a catalogue entry; nil fields stay as they are.
type SystemPatch struct {
	Name        *string     `json:"name,omitempty" maxLength:"200"`
	VendorID    *string     `json:"vendor_id,omitempty" doc:"Empty string clears it"`
	Category    *Category   `json:"category,omitempty"`
	Tasks       *[]string   `json:"tasks,omitempty" maxItems:"200" doc:"Replaces all tasks"`
	Description *string     `json:"description,omitempty" maxLength:"5000"`
	OpenSource  *bool       `json:"open_source,omitempty"`
	OS2Product  *bool       `json:"os2_product,omitempty"`
	Homepage    *string     `json:"homepage,omitempty" maxLength:"500"`
	Visibility  *Visibility `json:"visibility,omitempty"`
	SystemKITOSPatch
}

// Apply returns s with the patch applied.
func (p SystemPatch) Apply(s System) System {
	setIf(&s.Name, p.Name)
	setIf(&s.VendorID, p.VendorID)
	setIf(&s.Category, p.Category)
	setIf(&s.Tasks, p.Tasks)
	setIf(&s.Description, p.Description)
	setIf(&s.OpenSource, p.OpenSource)
	setIf(&s.OS2Product, p.OS2Product)
	setIf(&s.Homepage, p.Homepage)
	setIf(&s.Visibility, p.Visibility)
	p.SystemKITOSPatch.apply(&s.SystemKITOSFields)
	s.Name, s.Homepage = strings.TrimSpace(s.Name), strings.TrimSpace(s.Homepage)
	s.Tasks = normalizeTasks(s.Tasks)
	return s
}

// System returns the catalogue entry the input describes.
func (in SystemInput) System() System {
	s := SystemPatch{Name: &in.Name, VendorID: &in.VendorID, Category: &in.Category, Tasks: &in.Tasks, Description: &in.Description,
		OpenSource: &in.OpenSource, OS2Product: &in.OS2Product, Homepage: &in.Homepage, Visibility: &in.Visibility,
		SystemKITOSPatch: SystemKITOSPatch{ParentID: &in.ParentID, FormerNames: &in.FormerNames, Deactivated: &in.Deactivated,
			ArchiveRecommendation: &in.ArchiveRecommendation}}.Apply(System{OwnerID: in.OwnerID})
	if s.Visibility == "" {
		s.Visibility = VisibilitySector
	}
	return s
}

// Validate checks a catalogue entry's own fields; the store checks the
// vendor and the KLE codes.
func (s *System) Validate() error {
	var v Validation
	v.Check(s.Name != "", "name", "is required")
	v.Check(utf8.RuneCountInString(s.Name) <= 200, "name", "must be at most 200 characters")
	v.OneOf("category", s.Category)
	v.Check(utf8.RuneCountInString(s.Description) <= 5000, "description", "must be at most 5000 characters")
	v.OneOf("visibility", s.Visibility)
	if s.Homepage != "" {
		v.Check(validWebURL(s.Homepage), "homepage", "must be an http or https address")
	}
	checkTaskCodes(&v, "tasks", s.Tasks)
	s.SystemKITOSFields.validate(&v)
	return v.Err()
}

func validWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(s) <= 500
}

// normalizeTasks trims, sorts and de-duplicates KLE codes.
func normalizeTasks(codes []string) []string {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// checkTaskCodes checks the form of KLE codes ("27", "27.24" or
// "27.24.00"); the store checks that they exist.
func checkTaskCodes(v *Validation, path string, codes []string) {
	for _, c := range codes {
		if !ValidTaskCode(c) {
			v.Add(path, "%q is not a KLE code such as 27.24.00", c)
		}
	}
}

// SystemFilter selects catalogue entries.
type SystemFilter struct {
	Query    string // name or vendor
	Category Category
	VendorID string
	OwnerID  string // only entries this organisation registered
	Task     string // KLE code; a group or main group matches its topics
	OS2      bool   // only OS2 products
	ListOptions
}

// WhoUses is one visible usage of a system, for lists and maps.
type WhoUses struct {
	UsageID          string     `json:"usage_id"`
	OrganizationID   string     `json:"organization_id"`
	OrganizationName string     `json:"organization_name"`
	MunicipalityCode string     `json:"municipality_code,omitempty"`
	Lifecycle        Lifecycle  `json:"lifecycle"`
	From             *Date      `json:"from,omitempty"`
	Until            *Date      `json:"until,omitempty"`
	Visibility       Visibility `json:"visibility"`
}

// SystemService manages the shared system catalogue.
type SystemService interface {
	ListSystems(ctx context.Context, actor *Actor, f SystemFilter) (*Page[System], error)
	FindSystem(ctx context.Context, actor *Actor, id string) (*System, error)
	CreateSystem(ctx context.Context, actor *Actor, in SystemInput) (*System, error)
	UpdateSystem(ctx context.Context, actor *Actor, id string, version int, p SystemPatch) (*System, error)
	// MergeSystems moves every usage and contract reference of duplicate to
	// survivor and removes duplicate (platform operators only).
	MergeSystems(ctx context.Context, actor *Actor, survivorID, duplicateID string) (*System, error)
	// WhoUses lists the usages of a system the actor may see.
	WhoUses(ctx context.Context, actor *Actor, systemID string) ([]WhoUses, error)
}
