package samspil

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Data classification of a usage ("Klassifikation af data i systemet"):
// how sensitive the data in a system is, chosen from a list each
// organisation keeps, as KITOS keeps it as a local option type. An
// organisation starts with KITOS's default levels (DefaultDataClassifications)
// and may rename, describe, add and deactivate levels. A usage records the
// level's key, which never changes when the level is renamed; an inactive
// level stays on the usages that have it but is not offered for new ones.

// DataClassification is the key of one of an organisation's data
// classification levels. It is an alias of string, not an enumeration:
// the keys are each organisation's own.
type DataClassification = string

// The keys of KITOS's default levels, from least to most sensitive.
const (
	DataPublic       DataClassification = "public"
	DataInternal     DataClassification = "internal"
	DataConfidential DataClassification = "confidential"
	DataSecret       DataClassification = "secret"
)

// DefaultDataClassification is a level an organisation starts with.
type DefaultDataClassification struct {
	Key  DataClassification
	Name string
}

// DefaultDataClassifications are KITOS's default options of
// ItSystemUsageDataClassificationType (os2kitos/kitos
// Infrastructure.DataAccess/Migrations/Configuration.cs), in their order.
var DefaultDataClassifications = []DefaultDataClassification{
	{DataPublic, "Offentlige data"},
	{DataInternal, "Interne data"},
	{DataConfidential, "Fortrolige data"},
	{DataSecret, "Hemmelige data"},
}

// DataClassificationLevel is one level of an organisation's data
// classification list.
type DataClassificationLevel struct {
	ID             string             `json:"id"`
	OrganizationID string             `json:"organization_id" readOnly:"true"`
	Key            DataClassification `json:"key" readOnly:"true" doc:"The value a usage records in data_classification; it stays when the level is renamed"`
	Name           string             `json:"name"`
	Description    string             `json:"description,omitempty"`
	Active         bool               `json:"active" doc:"Whether the level is offered for usages"`
	Version        int                `json:"version" doc:"The record's version, for If-Match"`
	CreatedAt      time.Time          `json:"created_at"`
	UpdatedAt      time.Time          `json:"updated_at"`
}

// DataClassificationInput adds a level to an organisation's list.
type DataClassificationInput struct {
	Name        string `json:"name" minLength:"1" maxLength:"100"`
	Description string `json:"description,omitempty" maxLength:"1000"`
}

// DataClassificationPatch renames, describes, deactivates or reactivates
// a level; nil fields stay as they are.
type DataClassificationPatch struct {
	Name        *string `json:"name,omitempty" maxLength:"100"`
	Description *string `json:"description,omitempty" maxLength:"1000"`
	Active      *bool   `json:"active,omitempty"`
}

// Level returns the new, active level of the input. Its key is made from
// its name (ClassificationKey); the store makes it unique.
func (in DataClassificationInput) Level(orgID string) DataClassificationLevel {
	name := strings.TrimSpace(in.Name)
	return DataClassificationLevel{OrganizationID: orgID, Key: ClassificationKey(name), Name: name,
		Description: strings.TrimSpace(in.Description), Active: true}
}

// Apply returns l with the patch applied; the key stays.
func (p DataClassificationPatch) Apply(l DataClassificationLevel) DataClassificationLevel {
	setIf(&l.Name, p.Name)
	setIf(&l.Description, p.Description)
	setIf(&l.Active, p.Active)
	l.Name, l.Description = strings.TrimSpace(l.Name), strings.TrimSpace(l.Description)
	return l
}

// Validate checks a level's own fields.
func (l *DataClassificationLevel) Validate() error {
	var v Validation
	v.Check(l.Name != "", "name", "is required")
	v.Check(utf8.RuneCountInString(l.Name) <= 100, "name", "must be at most 100 characters")
	v.Check(utf8.RuneCountInString(l.Description) <= 1000, "description", "must be at most 1000 characters")
	return v.Err()
}

// maxClassificationKey is the longest key made from a name.
const maxClassificationKey = 40

// ClassificationKey makes a level's key from its name: lower-case ASCII
// letters and digits joined by underscores, with æ, ø and å written as ae,
// oe and aa ("Særligt følsomme" → "saerligt_foelsomme"), at most 40
// characters, and "level" for a name with no letters or digits.
func ClassificationKey(name string) DataClassification {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(name) {
		var s string
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			s = string(r)
		case r == 'æ':
			s = "ae"
		case r == 'ø':
			s = "oe"
		case r == 'å':
			s = "aa"
		case r == 'é' || r == 'è':
			s = "e"
		case r == 'ü':
			s = "u"
		case r == 'ö':
			s = "o"
		case r == 'ä':
			s = "a"
		default:
			gap = true
			continue
		}
		if gap && b.Len() > 0 {
			b.WriteByte('_')
		}
		gap = false
		b.WriteString(s)
	}
	key := b.String()
	if len(key) > maxClassificationKey {
		key = strings.TrimRight(key[:maxClassificationKey], "_")
	}
	if key == "" {
		key = "level"
	}
	return DataClassification(key)
}

// DataClassificationService keeps organisations' data classification
// lists.
type DataClassificationService interface {
	// DataClassifications lists the organisation's levels, active and
	// inactive, in its order.
	DataClassifications(ctx context.Context, actor *Actor, orgID string) ([]DataClassificationLevel, error)
	FindDataClassification(ctx context.Context, actor *Actor, id string) (*DataClassificationLevel, error)
	// CreateDataClassification and UpdateDataClassification need the
	// right to change the organisation (PermOrgUpdate).
	CreateDataClassification(ctx context.Context, actor *Actor, orgID string, in DataClassificationInput) (*DataClassificationLevel, error)
	UpdateDataClassification(ctx context.Context, actor *Actor, id string, version int, p DataClassificationPatch) (*DataClassificationLevel, error)
}
