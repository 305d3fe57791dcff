package samspil

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Roles on records, as KITOS has them: an organisation keeps, for each kind
// of record (a usage, a contract, a data processing registration), a list
// of role types ("Systemejer", "Kontraktejer", ...), and assigns people to
// those roles on its records. A person is a user of the organisation or,
// for people without an account, a name with an e-mail address. Whoever
// may change a record may change its roles; whoever sees the record sees
// them.

// RoleObjectKind is the kind of record a role is held on.
type RoleObjectKind string

// The kinds of record that carry roles (KITOS: ItSystemRole on a system
// usage, ItContractRole on a contract, DataProcessingRegistrationRole on a
// data processing registration).
const (
	RoleOnUsage          RoleObjectKind = "usage"
	RoleOnContract       RoleObjectKind = "contract"
	RoleOnDataProcessing RoleObjectKind = "data_processing"
)

// RoleObjectKinds lists the kinds of record in the order they are shown.
var RoleObjectKinds = []RoleObjectKind{RoleOnUsage, RoleOnContract, RoleOnDataProcessing}

func init() { RegisterEnum(RoleObjectKinds) }

// DefaultRoleType is a role type an organisation starts with.
type DefaultRoleType struct {
	Name        string
	Description string
}

// DefaultRoleTypes are the role types an organisation starts with for each
// kind of record: KITOS's defaults, from the seed data
// in os2kitos/kitos Infrastructure.DataAccess/Migrations/Configuration.cs
// (ItSystemRoles, ItContractRoles and DataProcessingRegistrationRoles), in
// KITOS's order. The store adds them when it creates the organisation;
// from then on the organisation keeps its own list.
var DefaultRoleTypes = map[RoleObjectKind][]DefaultRoleType{
	RoleOnUsage: {
		{Name: "Systemejer"},
		{Name: "Systemansvarlig"},
		{Name: "Forretningsejer"},
		{Name: "Superbrugeransvarlig"},
		{Name: "Superbruger"},
		{Name: "Sikkerhedsansvarlig"},
		{Name: "Changemanager"},
		{Name: "Dataejer"},
		{Name: "Systemadministrator"}, // KITOS spells it "Systemadminstrator"
	},
	RoleOnContract: {
		{Name: "Kontraktejer"},
		{Name: "Kontraktmanager"},
		{Name: "Juridisk rådgiver"},
		{Name: "Konsulent"},
		{Name: "Fakturamodtager"},
		{Name: "Budgetansvarlig"},
	},
	RoleOnDataProcessing: {
		{Name: "Standard Skriverolle"},
		{Name: "Standard Læserolle"},
	},
}

// RoleType is a role an organisation assigns people to on its records of
// one kind. An inactive role type is kept for the assignments it has but
// is not offered for new ones.
type RoleType struct {
	ID             string         `json:"id"`
	OrganizationID string         `json:"organization_id" readOnly:"true"`
	ObjectKind     RoleObjectKind `json:"object_kind" readOnly:"true" doc:"The kind of record the role is held on"`
	Name           string         `json:"name"`
	Description    string         `json:"description,omitempty"`
	Active         bool           `json:"active" doc:"Whether the role is offered for new assignments"`
	Version        int            `json:"version" doc:"The record's version, for If-Match"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
}

// RoleTypeInput adds a role type to an organisation.
type RoleTypeInput struct {
	ObjectKind  RoleObjectKind `json:"object_kind" doc:"usage, contract or data_processing"`
	Name        string         `json:"name" minLength:"1" maxLength:"100"`
	Description string         `json:"description,omitempty" maxLength:"1000"`
}

// RoleTypePatch renames, describes, deactivates or reactivates a role
// type; nil fields stay as they are.
type RoleTypePatch struct {
	Name        *string `json:"name,omitempty" maxLength:"100"`
	Description *string `json:"description,omitempty" maxLength:"1000"`
	Active      *bool   `json:"active,omitempty"`
}

// RoleType returns the new, active role type of the input.
func (in RoleTypeInput) RoleType(orgID string) RoleType {
	return RoleType{OrganizationID: orgID, ObjectKind: in.ObjectKind, Name: strings.TrimSpace(in.Name),
		Description: strings.TrimSpace(in.Description), Active: true}
}

// Apply returns t with the patch applied.
func (p RoleTypePatch) Apply(t RoleType) RoleType {
	setIf(&t.Name, p.Name)
	setIf(&t.Description, p.Description)
	setIf(&t.Active, p.Active)
	t.Name, t.Description = strings.TrimSpace(t.Name), strings.TrimSpace(t.Description)
	return t
}

// Validate checks a role type's own fields.
func (t *RoleType) Validate() error {
	var v Validation
	v.OneOf("object_kind", t.ObjectKind)
	v.Check(t.Name != "", "name", "is required")
	v.Check(utf8.RuneCountInString(t.Name) <= 100, "name", "must be at most 100 characters")
	v.Check(utf8.RuneCountInString(t.Description) <= 1000, "description", "must be at most 1000 characters")
	return v.Err()
}

// RoleAssignment is a person holding a role on a record: a user of the
// record's organisation (UserID) or a named person with an e-mail address.
type RoleAssignment struct {
	ID             string         `json:"id"`
	OrganizationID string         `json:"organization_id" readOnly:"true"`
	ObjectKind     RoleObjectKind `json:"object_kind" readOnly:"true"`
	ObjectID       string         `json:"object_id" readOnly:"true"`
	RoleTypeID     string         `json:"role_type_id"`
	RoleTypeName   string         `json:"role_type_name" readOnly:"true"`
	RoleTypeActive bool           `json:"role_type_active" readOnly:"true"`
	UserID         string         `json:"user_id,omitempty" doc:"The user who holds the role, a user of the record's organisation"`
	Name           string         `json:"name" doc:"The person's name: the user's display name, or the name given"`
	Email          string         `json:"email" doc:"The person's e-mail address"`
	Left           bool           `json:"left" readOnly:"true" doc:"The user has been disabled or is no longer a member of the organisation; the assignment is kept"`
	CreatedAt      time.Time      `json:"created_at"`
}

// Person returns the assignment's person for duplicate checks: the user,
// or the e-mail address of a person without an account.
func (a *RoleAssignment) Person() string {
	if a.UserID != "" {
		return "user:" + a.UserID
	}
	return "email:" + Fold(a.Email)
}

// RoleAssignmentInput assigns a role on a record to a user of its
// organisation (user_id) or to a person without an account (name and
// email).
type RoleAssignmentInput struct {
	RoleTypeID string `json:"role_type_id" minLength:"1" doc:"An active role type of the record's organisation for this kind of record"`
	UserID     string `json:"user_id,omitempty" doc:"A user of the record's organisation; leave out for a person without an account"`
	Name       string `json:"name,omitempty" maxLength:"200" doc:"The name of a person without an account"`
	Email      string `json:"email,omitempty" maxLength:"254" doc:"The e-mail address of a person without an account"`
}

// Assignment returns the assignment of the input on a record, checked:
// either a user, or a name with an e-mail address.
func (in RoleAssignmentInput) Assignment(kind RoleObjectKind, objectID string) (RoleAssignment, error) {
	a := RoleAssignment{ObjectKind: kind, ObjectID: objectID, RoleTypeID: strings.TrimSpace(in.RoleTypeID),
		UserID: strings.TrimSpace(in.UserID), Name: strings.TrimSpace(in.Name), Email: strings.TrimSpace(in.Email)}
	var v Validation
	v.OneOf("object_kind", kind)
	v.Check(a.RoleTypeID != "", "role_type_id", "is required")
	if a.UserID != "" {
		v.Check(a.Name == "" && a.Email == "", "name", "give either a user or a name and an e-mail address, not both")
	} else {
		v.Check(a.Name != "", "name", "is required for a person without an account")
		v.Check(utf8.RuneCountInString(a.Name) <= 200, "name", "must be at most 200 characters")
		v.Check(ValidEmail(a.Email), "email", "must be an e-mail address such as name@example.dk")
	}
	return a, v.Err()
}

// RoleService keeps an organisation's role types and the people assigned
// to roles on its records.
type RoleService interface {
	// RoleTypes lists the organisation's role types for a kind of record,
	// active and inactive, in the organisation's order.
	RoleTypes(ctx context.Context, actor *Actor, orgID string, kind RoleObjectKind) ([]RoleType, error)
	FindRoleType(ctx context.Context, actor *Actor, id string) (*RoleType, error)
	// CreateRoleType and UpdateRoleType need the right to change the
	// organisation (PermOrgUpdate).
	CreateRoleType(ctx context.Context, actor *Actor, orgID string, in RoleTypeInput) (*RoleType, error)
	UpdateRoleType(ctx context.Context, actor *Actor, id string, version int, p RoleTypePatch) (*RoleType, error)
	// RoleAssignments lists the roles on a visible record by role type and
	// name.
	RoleAssignments(ctx context.Context, actor *Actor, kind RoleObjectKind, objectID string) ([]RoleAssignment, error)
	// CreateRoleAssignment and DeleteRoleAssignment need the right to
	// change the record.
	CreateRoleAssignment(ctx context.Context, actor *Actor, kind RoleObjectKind, objectID string, in RoleAssignmentInput) (*RoleAssignment, error)
	DeleteRoleAssignment(ctx context.Context, actor *Actor, kind RoleObjectKind, objectID, id string) error
}
