package samspil

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// OrgKind is the kind of an organisation.
type OrgKind string

// Organisation kinds.
const (
	KindMunicipality OrgKind = "municipality"
	KindRegion       OrgKind = "region"
	KindStateAgency  OrgKind = "state_agency"
	KindCommunity    OrgKind = "community" // e.g. OS2, a forening or fællesskab
	KindCompany      OrgKind = "company"   // e.g. a vendor
)

// OrgKinds lists the valid organisation kinds.
var OrgKinds = []OrgKind{KindMunicipality, KindRegion, KindStateAgency, KindCommunity, KindCompany}

// Valid reports whether k is a known kind.
func (k OrgKind) Valid() bool { return slices.Contains(OrgKinds, k) }

// DanishRegionCodes are the DAGI codes of the five Danish regions.
var DanishRegionCodes = []string{"1081", "1082", "1083", "1084", "1085"}

// Organization is a municipality, region, agency, community or company.
type Organization struct {
	ID               string       `json:"id"`
	Kind             OrgKind      `json:"kind"`
	Name             string       `json:"name"`
	MunicipalityCode string       `json:"municipality_code,omitempty" doc:"Danish kommunekode, 4 digits (municipalities in DK)"`
	CVR              string       `json:"cvr,omitempty" doc:"Danish CVR number, 8 digits"`
	Country          string       `json:"country" doc:"ISO 3166-1 alpha-2 country code"`
	Region           string       `json:"region,omitempty" doc:"Region code; in Denmark the DAGI regionskode 1081-1085"`
	Visibility       Visibility   `json:"visibility"`
	Population       []Population `json:"population" doc:"Inhabitants by year, newest first"`
	Version          int          `json:"version"`
	CreatedAt        time.Time    `json:"created_at"`
	UpdatedAt        time.Time    `json:"updated_at"`
}

// Population is the number of inhabitants on 1 January of a year.
type Population struct {
	Year        int `json:"year" minimum:"1800" maximum:"2200"`
	Inhabitants int `json:"inhabitants" minimum:"0"`
}

// Inhabitants returns the newest population figure, or 0.
func (o *Organization) Inhabitants() int {
	if len(o.Population) == 0 {
		return 0
	}
	return o.Population[0].Inhabitants
}

// OrganizationInput creates an organisation.
type OrganizationInput struct {
	Kind             OrgKind      `json:"kind"`
	Name             string       `json:"name" minLength:"1" maxLength:"200"`
	MunicipalityCode string       `json:"municipality_code,omitempty"`
	CVR              string       `json:"cvr,omitempty"`
	Country          string       `json:"country,omitempty" doc:"Defaults to DK"`
	Region           string       `json:"region,omitempty"`
	Visibility       Visibility   `json:"visibility,omitempty" doc:"Defaults to public for municipalities and regions, sector otherwise"`
	Population       []Population `json:"population,omitempty"`
}

// OrganizationPatch changes an organisation; nil fields stay as they are.
type OrganizationPatch struct {
	Name             *string       `json:"name,omitempty" maxLength:"200"`
	MunicipalityCode *string       `json:"municipality_code,omitempty" doc:"Only platform operators may change it"`
	CVR              *string       `json:"cvr,omitempty" doc:"Empty string clears it"`
	Region           *string       `json:"region,omitempty"`
	Visibility       *Visibility   `json:"visibility,omitempty"`
	Population       *[]Population `json:"population,omitempty" doc:"Replaces all figures"`
}

// Apply returns o with the patch applied.
func (p OrganizationPatch) Apply(o Organization) Organization {
	setIf(&o.Name, p.Name)
	setIf(&o.MunicipalityCode, p.MunicipalityCode)
	setIf(&o.CVR, p.CVR)
	setIf(&o.Region, p.Region)
	setIf(&o.Visibility, p.Visibility)
	setIf(&o.Population, p.Population)
	return o
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// OrganizationFilter selects organisations in a list.
type OrganizationFilter struct {
	Kind   OrgKind
	Region string
	Query  string // matches name (case-insensitive) or municipality code
	ListOptions
}

// ListOptions are the paging and sync options common to all lists.
type ListOptions struct {
	ChangedSince *time.Time // only records updated at or after this time
	Cursor       string     // opaque; from a previous page's NextCursor
	Limit        int        // page size; 0 means the default
}

// Page limits.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// PageSize returns the effective page size.
func (o ListOptions) PageSize() int {
	switch {
	case o.Limit <= 0:
		return DefaultPageSize
	case o.Limit > MaxPageSize:
		return MaxPageSize
	}
	return o.Limit
}

// Page is one page of a list.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty" doc:"Pass as cursor to get the next page; absent on the last page"`
}

var (
	reMunicipalityCode = regexp.MustCompile(`^[0-9]{4}$`)
	reRegionCode       = regexp.MustCompile(`^[A-Za-z0-9-]{1,16}$`)
)

// ValidCVR reports whether s is a well-formed Danish CVR number: 8 digits,
// not starting with 0, passing the modulus-11 check.
func ValidCVR(s string) bool {
	if len(s) != 8 || s[0] == '0' {
		return false
	}
	weights := [8]int{2, 7, 6, 5, 4, 3, 2, 1}
	sum := 0
	for i := 0; i < 8; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		sum += int(c-'0') * weights[i]
	}
	return sum%11 == 0
}

// Normalize trims text fields and fills defaults.
func (in *OrganizationInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.MunicipalityCode = strings.TrimSpace(in.MunicipalityCode)
	in.CVR = strings.TrimSpace(in.CVR)
	in.Region = strings.TrimSpace(in.Region)
	in.Country = strings.ToUpper(strings.TrimSpace(in.Country))
	if in.Country == "" {
		in.Country = "DK"
	}
	if in.Visibility == "" {
		in.Visibility = VisibilitySector
		if in.Kind == KindMunicipality || in.Kind == KindRegion {
			in.Visibility = VisibilityPublic
		}
	}
}

// Organization returns the organisation described by the input.
func (in OrganizationInput) Organization() Organization {
	return Organization{
		Kind: in.Kind, Name: in.Name, MunicipalityCode: in.MunicipalityCode, CVR: in.CVR,
		Country: in.Country, Region: in.Region, Visibility: in.Visibility, Population: in.Population,
	}
}

// Validate checks an organisation's fields.
func (o *Organization) Validate() error {
	var v Validation
	v.OneOf("kind", o.Kind)
	v.Check(o.Name != "", "name", "is required")
	v.Check(utf8.RuneCountInString(o.Name) <= 200, "name", "must be at most 200 characters")
	v.Check(KnownCountry(o.Country), "country", "must be an ISO 3166-1 alpha-2 code such as DK")
	v.OneOf("visibility", o.Visibility)
	if o.CVR != "" {
		v.Check(ValidCVR(o.CVR), "cvr", "must be a valid CVR number: 8 digits passing the modulus-11 check")
	}
	switch {
	case o.MunicipalityCode == "" && o.Kind == KindMunicipality && o.Country == "DK":
		v.Add("municipality_code", "is required for Danish municipalities")
	case o.MunicipalityCode != "" && o.Kind != KindMunicipality:
		v.Add("municipality_code", "is only for municipalities")
	case o.MunicipalityCode != "" && o.Country == "DK" && !reMunicipalityCode.MatchString(o.MunicipalityCode):
		v.Add("municipality_code", "must be 4 digits, e.g. 0740")
	case o.MunicipalityCode != "" && !ValidMunicipalityCode(o.Country, o.MunicipalityCode):
		// Outside Denmark, the national code of the municipality.
		v.Add("municipality_code", "must be a short code of letters, digits and dashes")
	}
	if o.Region != "" {
		if o.Country == "DK" {
			v.Check(slices.Contains(DanishRegionCodes, o.Region), "region", "must be a Danish region code 1081-1085")
		} else {
			v.Check(reRegionCode.MatchString(o.Region), "region", "must be a short code of letters, digits and dashes")
		}
	}
	seen := map[int]bool{}
	for i, p := range o.Population {
		path := "population[" + strconv.Itoa(i) + "]"
		v.Check(p.Year >= 1800 && p.Year <= 2200, path+".year", "must be a year between 1800 and 2200")
		v.Check(p.Inhabitants >= 0, path+".inhabitants", "must not be negative")
		v.Check(!seen[p.Year], path+".year", "appears twice")
		seen[p.Year] = true
	}
	return v.Err()
}

// SortPopulation orders population figures newest first.
func SortPopulation(ps []Population) {
	slices.SortFunc(ps, func(a, b Population) int { return b.Year - a.Year })
}

// OrganizationService manages organisations.
type OrganizationService interface {
	// FindOrganization returns an organisation visible to the actor. id may
	// also be a municipality code.
	FindOrganization(ctx context.Context, actor *Actor, id string) (*Organization, error)
	ListOrganizations(ctx context.Context, actor *Actor, f OrganizationFilter) (*Page[Organization], error)
	CreateOrganization(ctx context.Context, actor *Actor, in OrganizationInput) (*Organization, error)
	// UpdateOrganization applies the patch when version matches the stored one.
	UpdateOrganization(ctx context.Context, actor *Actor, id string, version int, p OrganizationPatch) (*Organization, error)
}
