package samspil

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Relations between systems, as KITOS records them: a catalogue system
// exposes interfaces (ItInterface, "snitflader"), and an organisation's
// usage relates to another of its usages (SystemRelation), optionally
// through an interface the target's system exposes, with a frequency, a
// description, a reference and the contract that governs it. The usage the
// relation starts from uses the one it points to: when the target is phased
// out, the source is hit.

// RelationFrequency is how often data flows over a relation (KITOS's
// RelationFrequencyType options).
type RelationFrequency string

// The frequencies of KITOS, from often to rare.
const (
	FrequencyDaily      RelationFrequency = "daily"       // Dagligt
	FrequencyWeekly     RelationFrequency = "weekly"      // Ugentligt
	FrequencyMonthly    RelationFrequency = "monthly"     // Månedligt
	FrequencyQuarterly  RelationFrequency = "quarterly"   // Kvartal
	FrequencyHalfYearly RelationFrequency = "half_yearly" // Halvårligt
	FrequencyYearly     RelationFrequency = "yearly"      // Årligt
)

// RelationFrequencies lists the frequencies in order.
var RelationFrequencies = []RelationFrequency{FrequencyDaily, FrequencyWeekly, FrequencyMonthly, FrequencyQuarterly, FrequencyHalfYearly, FrequencyYearly}

func init() { RegisterEnum(RelationFrequencies) }

// SystemInterface is an interface a catalogue system exposes (KITOS's
// ItInterface with its exhibit). Whoever may change the system may change
// its interfaces; whoever sees the system sees them.
type SystemInterface struct {
	ID               string    `json:"id"`
	SystemID         string    `json:"system_id" doc:"The catalogue system that exposes the interface"`
	SystemName       string    `json:"system_name" readOnly:"true"`
	Name             string    `json:"name"`
	Identifier       string    `json:"identifier,omitempty" doc:"The interface's own ID (KITOS: Snitflade ID)"`
	InterfaceVersion string    `json:"interface_version,omitempty" doc:"The interface's version, as its provider names it"`
	Description      string    `json:"description,omitempty"`
	URL              string    `json:"url,omitempty" format:"uri" doc:"Where the interface is described"`
	Version          int       `json:"version" doc:"The record's version, for If-Match"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// SystemInterfaceInput registers an interface of a system.
type SystemInterfaceInput struct {
	Name             string `json:"name" minLength:"1" maxLength:"200"`
	Identifier       string `json:"identifier,omitempty" maxLength:"100"`
	InterfaceVersion string `json:"interface_version,omitempty" maxLength:"50"`
	Description      string `json:"description,omitempty" maxLength:"5000"`
	URL              string `json:"url,omitempty" maxLength:"500"`
}

// SystemInterfacePatch changes an interface; nil fields stay as they are,
// an empty string clears an optional one.
type SystemInterfacePatch struct {
	Name             *string `json:"name,omitempty" maxLength:"200"`
	Identifier       *string `json:"identifier,omitempty" maxLength:"100"`
	InterfaceVersion *string `json:"interface_version,omitempty" maxLength:"50"`
	Description      *string `json:"description,omitempty" maxLength:"5000"`
	URL              *string `json:"url,omitempty" maxLength:"500"`
}

// Apply returns i with the patch applied.
func (p SystemInterfacePatch) Apply(i SystemInterface) SystemInterface {
	setIf(&i.Name, p.Name)
	setIf(&i.Identifier, p.Identifier)
	setIf(&i.InterfaceVersion, p.InterfaceVersion)
	setIf(&i.Description, p.Description)
	setIf(&i.URL, p.URL)
	i.Name, i.Identifier = strings.TrimSpace(i.Name), strings.TrimSpace(i.Identifier)
	i.InterfaceVersion, i.URL = strings.TrimSpace(i.InterfaceVersion), strings.TrimSpace(i.URL)
	return i
}

// Interface returns the interface the input describes for the system.
func (in SystemInterfaceInput) Interface(systemID string) SystemInterface {
	return SystemInterfacePatch{Name: &in.Name, Identifier: &in.Identifier, InterfaceVersion: &in.InterfaceVersion,
		Description: &in.Description, URL: &in.URL}.Apply(SystemInterface{SystemID: systemID})
}

// Validate checks an interface's own fields.
func (i *SystemInterface) Validate() error {
	var v Validation
	v.Check(i.Name != "", "name", "is required")
	v.Check(utf8.RuneCountInString(i.Name) <= 200, "name", "must be at most 200 characters")
	v.Check(utf8.RuneCountInString(i.Identifier) <= 100, "identifier", "must be at most 100 characters")
	v.Check(utf8.RuneCountInString(i.InterfaceVersion) <= 50, "interface_version", "must be at most 50 characters")
	v.Check(utf8.RuneCountInString(i.Description) <= 5000, "description", "must be at most 5000 characters")
	if i.URL != "" {
		v.Check(validWebURL(i.URL), "url", "must be an http or https address")
	}
	return v.Err()
}

// UsageRelation is a relation from one usage of an organisation to another
// of the same organisation (KITOS's SystemRelation): the source uses the
// target, through the interface if one is given. A relation is seen by
// whoever sees both usages; it is changed by whoever may change the
// source.
type UsageRelation struct {
	ID               string            `json:"id"`
	OrganizationID   string            `json:"organization_id" readOnly:"true" doc:"The organisation of both usages"`
	OrganizationName string            `json:"organization_name" readOnly:"true"`
	FromUsageID      string            `json:"from_usage_id" readOnly:"true" doc:"The usage that uses the other"`
	FromSystemID     string            `json:"from_system_id" readOnly:"true"`
	FromSystemName   string            `json:"from_system_name" readOnly:"true"`
	ToUsageID        string            `json:"to_usage_id" doc:"The usage it relates to, of the same organisation"`
	ToSystemID       string            `json:"to_system_id" readOnly:"true"`
	ToSystemName     string            `json:"to_system_name" readOnly:"true"`
	InterfaceID      string            `json:"interface_id,omitempty" doc:"An interface the target usage's system exposes"`
	InterfaceName    string            `json:"interface_name,omitempty" readOnly:"true"`
	Frequency        RelationFrequency `json:"frequency,omitempty" allowEmpty:"true"`
	Description      string            `json:"description,omitempty"`
	Reference        string            `json:"reference,omitempty" doc:"Link to more about the relation"`
	ContractID       string            `json:"contract_id,omitempty" doc:"The contract that governs the relation, of the same organisation"`
	ContractName     string            `json:"contract_name,omitempty" readOnly:"true"`
	Version          int               `json:"version"`
	CreatedAt        time.Time         `json:"created_at"`
	UpdatedAt        time.Time         `json:"updated_at"`
}

// UsageRelationInput registers a relation from a usage.
type UsageRelationInput struct {
	ToUsageID   string            `json:"to_usage_id" maxLength:"64"`
	InterfaceID string            `json:"interface_id,omitempty" maxLength:"64"`
	Frequency   RelationFrequency `json:"frequency,omitempty" allowEmpty:"true"`
	Description string            `json:"description,omitempty" maxLength:"5000"`
	Reference   string            `json:"reference,omitempty" maxLength:"500"`
	ContractID  string            `json:"contract_id,omitempty" maxLength:"64"`
}

// UsageRelationPatch changes a relation; nil fields stay as they are, an
// empty string clears an optional one. A new target drops an interface its
// system does not expose, as in KITOS.
type UsageRelationPatch struct {
	ToUsageID   *string            `json:"to_usage_id,omitempty" maxLength:"64"`
	InterfaceID *string            `json:"interface_id,omitempty" maxLength:"64" doc:"Empty string clears it"`
	Frequency   *RelationFrequency `json:"frequency,omitempty" allowEmpty:"true" doc:"Empty string clears it"`
	Description *string            `json:"description,omitempty" maxLength:"5000"`
	Reference   *string            `json:"reference,omitempty" maxLength:"500"`
	ContractID  *string            `json:"contract_id,omitempty" maxLength:"64" doc:"Empty string clears it"`
}

// Apply returns r with the patch applied.
func (p UsageRelationPatch) Apply(r UsageRelation) UsageRelation {
	setIf(&r.ToUsageID, p.ToUsageID)
	setIf(&r.InterfaceID, p.InterfaceID)
	setIf(&r.Frequency, p.Frequency)
	setIf(&r.Description, p.Description)
	setIf(&r.Reference, p.Reference)
	setIf(&r.ContractID, p.ContractID)
	r.ToUsageID, r.InterfaceID, r.ContractID = strings.TrimSpace(r.ToUsageID), strings.TrimSpace(r.InterfaceID), strings.TrimSpace(r.ContractID)
	r.Reference = strings.TrimSpace(r.Reference)
	return r
}

// Relation returns the relation the input describes from the usage.
func (in UsageRelationInput) Relation(fromUsageID string) UsageRelation {
	return UsageRelationPatch{ToUsageID: &in.ToUsageID, InterfaceID: &in.InterfaceID, Frequency: &in.Frequency,
		Description: &in.Description, Reference: &in.Reference, ContractID: &in.ContractID}.Apply(UsageRelation{FromUsageID: fromUsageID})
}

// Validate checks a relation's own fields; the store checks what they
// refer to.
func (r *UsageRelation) Validate() error {
	var v Validation
	v.Check(r.ToUsageID != "", "to_usage_id", "is required")
	v.Check(r.ToUsageID == "" || r.ToUsageID != r.FromUsageID, "to_usage_id", "must be another usage than the one the relation starts from")
	if r.Frequency != "" {
		v.OneOf("frequency", r.Frequency)
	}
	v.Check(utf8.RuneCountInString(r.Description) <= 5000, "description", "must be at most 5000 characters")
	if r.Reference != "" {
		v.Check(validWebURL(r.Reference), "reference", "must be an http or https address")
	}
	return v.Err()
}

// UsageRelations are the relations of a usage or a system both ways: those
// that start from it (it uses the others) and those that point to it (the
// others use it).
type UsageRelations struct {
	Outgoing []UsageRelation `json:"outgoing" doc:"Relations from it to other systems"`
	Incoming []UsageRelation `json:"incoming" doc:"Relations from other systems to it"`
}

// PathStep is one usage on the way from a usage to one that depends on it.
type PathStep struct {
	UsageID    string `json:"usage_id"`
	SystemName string `json:"system_name"`
}

// Dependent is a usage that is hit when another is phased out: it relates
// to it, directly (depth 1) or through others. Path runs from the phased
// out usage to the dependent, one of the shortest ways.
type Dependent struct {
	UsageID    string     `json:"usage_id"`
	SystemID   string     `json:"system_id"`
	SystemName string     `json:"system_name"`
	Depth      int        `json:"depth" doc:"How many relations away: 1 relates to it directly"`
	Path       []PathStep `json:"path" doc:"From the usage asked about to the dependent"`
}

// Dependents returns the usages that depend on the usage root through the
// relations: those with a relation to root, those with a relation to them,
// and so on. It is one breadth-first pass over the relations, so each
// dependent appears once, with its shortest path (ties go to the source
// system's name, then id); cycles end where they meet a usage already
// reached, and root never depends on itself. The order is by depth, then
// system name.
func Dependents(root string, relations []UsageRelation) []Dependent {
	incoming := map[string][]*UsageRelation{}
	for i := range relations {
		r := &relations[i]
		incoming[r.ToUsageID] = append(incoming[r.ToUsageID], r)
	}
	for _, rs := range incoming {
		slices.SortFunc(rs, func(a, b *UsageRelation) int {
			return cmp.Or(strings.Compare(Fold(a.FromSystemName), Fold(b.FromSystemName)), strings.Compare(a.FromUsageID, b.FromUsageID))
		})
	}
	rootName := ""
	if rs := incoming[root]; len(rs) > 0 {
		rootName = rs[0].ToSystemName
	}
	paths := map[string][]PathStep{root: {{UsageID: root, SystemName: rootName}}}
	out := []Dependent{}
	for frontier := []string{root}; len(frontier) > 0; {
		var next []string
		for _, id := range frontier {
			for _, r := range incoming[id] {
				if _, seen := paths[r.FromUsageID]; seen {
					continue
				}
				path := append(slices.Clip(paths[id]), PathStep{UsageID: r.FromUsageID, SystemName: r.FromSystemName})
				paths[r.FromUsageID] = path
				out = append(out, Dependent{UsageID: r.FromUsageID, SystemID: r.FromSystemID, SystemName: r.FromSystemName, Depth: len(path) - 1, Path: path})
				next = append(next, r.FromUsageID)
			}
		}
		frontier = next
	}
	slices.SortStableFunc(out, func(a, b Dependent) int {
		return cmp.Or(cmp.Compare(a.Depth, b.Depth), strings.Compare(Fold(a.SystemName), Fold(b.SystemName)), strings.Compare(a.UsageID, b.UsageID))
	})
	return out
}

// RelationService manages the interfaces of catalogue systems and the
// relations between an organisation's usages.
type RelationService interface {
	// SystemInterfaces lists the interfaces of a visible system by name.
	SystemInterfaces(ctx context.Context, actor *Actor, systemID string) ([]SystemInterface, error)
	// UsableInterfaces lists the interfaces of the systems of the
	// organisation's visible usages, by system and name: those its
	// relations may go through.
	UsableInterfaces(ctx context.Context, actor *Actor, orgID string) ([]SystemInterface, error)
	FindSystemInterface(ctx context.Context, actor *Actor, id string) (*SystemInterface, error)
	CreateSystemInterface(ctx context.Context, actor *Actor, systemID string, in SystemInterfaceInput) (*SystemInterface, error)
	UpdateSystemInterface(ctx context.Context, actor *Actor, id string, version int, p SystemInterfacePatch) (*SystemInterface, error)
	// DeleteSystemInterface removes an interface; relations through it
	// keep relating, without the interface.
	DeleteSystemInterface(ctx context.Context, actor *Actor, id string, version int) error
	// UsageRelations lists the visible relations from and to a usage.
	UsageRelations(ctx context.Context, actor *Actor, usageID string) (*UsageRelations, error)
	// SystemRelations lists the visible relations from and to the usages of
	// a system.
	SystemRelations(ctx context.Context, actor *Actor, systemID string) (*UsageRelations, error)
	FindUsageRelation(ctx context.Context, actor *Actor, id string) (*UsageRelation, error)
	CreateUsageRelation(ctx context.Context, actor *Actor, fromUsageID string, in UsageRelationInput) (*UsageRelation, error)
	UpdateUsageRelation(ctx context.Context, actor *Actor, id string, version int, p UsageRelationPatch) (*UsageRelation, error)
	DeleteUsageRelation(ctx context.Context, actor *Actor, id string, version int) error
	// UsageDependents lists the visible usages hit when the usage is phased
	// out (Dependents over the organisation's visible relations).
	UsageDependents(ctx context.Context, actor *Actor, usageID string) ([]Dependent, error)
}
