package samspil

import (
	"slices"
	"sort"
)

// Role is a user's role in one organisation.
type Role string

// Roles, from most to least powerful.
const (
	RoleAdmin  Role = "admin"  // manages the organisation, its people, roles and audit log
	RoleEditor Role = "editor" // edits the organisation's data (units now, landscape later)
	RoleViewer Role = "viewer" // reads what the organisation may see
)

// Roles lists the valid roles.
var Roles = []Role{RoleAdmin, RoleEditor, RoleViewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Permission names an action. Every route declares one; the store checks the
// same permission against the object it touches. See Permissions for who has
// each one.
type Permission string

// Permissions.
const (
	PermPublic         Permission = "public"               // anyone, also anonymous: the store shows only what is visible
	PermSignedIn       Permission = "signed_in"            // any signed-in user acting on their own account
	PermOrgCreate      Permission = "organizations.create" // register a new organisation
	PermOrgUpdate      Permission = "organizations.update" // change an organisation's details
	PermUnitsWrite     Permission = "units.write"          // create, change and delete org units
	PermPeopleRead     Permission = "people.read"          // see an organisation's users and memberships
	PermPeopleManage   Permission = "people.manage"        // add users, change roles, remove memberships
	PermAuditRead      Permission = "audit.read"           // read an organisation's audit log
	PermLandscapeWrite Permission = "landscape.write"      // register systems, usages and contracts for the organisation
	PermPlatformManage Permission = "platform.manage"      // run the installation (operators only)

	PermCollabCreate    Permission = "collaborations.create"    // found a collaboration on behalf of an organisation
	PermCollabManage    Permission = "collaborations.manage"    // manage a collaboration: members, forums, meetings, decisions (its secretariat and chair)
	PermCollabRepresent Permission = "collaborations.represent" // act for a member organisation: vote, declare ambitions, adopt strategies
	PermCollabConsent   Permission = "collaborations.consent"   // give an organisation's consent: join, decline, leave, approve changes of its terms, choose its partners
	PermMeetingRecord   Permission = "meetings.record"          // keep a meeting's agenda, minutes and attendance
	PermActionItemWrite Permission = "action_items.write"       // record and update a collaboration's action items
	PermInitiativeWrite Permission = "initiatives.write"        // propose initiatives for an organisation and keep them: criteria, gates, budget
	PermOpportunities   Permission = "opportunities.read"       // see where working together makes sense for an organisation
	PermSignInManage    Permission = "sign_in.manage"           // configure how an organisation's people sign in: its identity providers
)

// PermissionRule says who holds a permission.
type PermissionRule struct {
	Anonymous    bool   // allowed without signing in
	OperatorOnly bool   // only platform operators
	Roles        []Role // roles that hold it within an organisation (operators hold all, see OwnRoleOnly)
	// OwnRoleOnly marks permissions to act for an organisation: platform
	// operators hold them only through a role of their own in it. The
	// system actor (command line, seeding) holds them, so that history
	// agreed outside samspil can be recorded; the audit log says so.
	OwnRoleOnly bool
	Doc         string // one line for the route inventory and the OpenAPI document
	// Refusal is the message when an actor lacks the permission in an
	// organisation, with %s for its name; it is a catalogue key.
	Refusal string
}

// Permissions is the one policy table of samspil.
var Permissions = map[Permission]PermissionRule{
	PermPublic:   {Anonymous: true, Doc: "anyone; answers only with what the caller may see"},
	PermSignedIn: {Doc: "any signed-in user, for their own account"},
	PermOrgCreate: {OperatorOnly: true, Doc: "platform operators",
		Refusal: "only platform operators may register organisations"},
	PermOrgUpdate: {Roles: []Role{RoleAdmin}, Doc: "administrators of the organisation",
		Refusal: "only administrators of %s may change it"},
	PermUnitsWrite: {Roles: []Role{RoleAdmin, RoleEditor}, Doc: "administrators and editors of the organisation",
		Refusal: "only administrators and editors of %s may change its units"},
	PermPeopleRead: {Roles: []Role{RoleAdmin, RoleEditor, RoleViewer}, Doc: "members of the organisation",
		Refusal: "only members of %s may see its people"},
	PermPeopleManage: {Roles: []Role{RoleAdmin}, Doc: "administrators of the organisation",
		Refusal: "only administrators of %s may manage its people"},
	PermAuditRead: {Roles: []Role{RoleAdmin}, Doc: "administrators of the organisation",
		Refusal: "only administrators of %s may read its audit log"},
	PermLandscapeWrite: {Roles: []Role{RoleAdmin, RoleEditor}, Doc: "administrators and editors of the organisation",
		Refusal: "only administrators and editors of %s may change its IT landscape"},
	PermPlatformManage: {OperatorOnly: true, Doc: "platform operators",
		Refusal: "only platform operators may do this"},
	PermCollabCreate: {Roles: []Role{RoleAdmin}, Doc: "administrators of the founding organisation",
		Refusal: "only administrators of %s may found a collaboration on its behalf"},
	PermCollabManage: {Roles: []Role{RoleAdmin, RoleEditor},
		Doc:     "administrators and editors of the organisation that is the collaboration's secretariat or chair",
		Refusal: "only the secretariat and the chair of %s may change it"},
	PermCollabRepresent: {Roles: []Role{RoleAdmin, RoleEditor}, OwnRoleOnly: true,
		Doc:     "administrators and editors of a member organisation, for that organisation only",
		Refusal: "only administrators and editors of %s may act for it"},
	PermCollabConsent: {Roles: []Role{RoleAdmin}, OwnRoleOnly: true,
		Doc:     "administrators of the organisation, for that organisation only: joining, leaving and changes of its terms need their consent",
		Refusal: "only administrators of %s may give its consent"},
	PermMeetingRecord: {Roles: []Role{RoleAdmin, RoleEditor, RoleViewer},
		Doc: "the collaboration's secretariat and chair, and the people who sit in the forum"},
	PermActionItemWrite: {Roles: []Role{RoleAdmin, RoleEditor, RoleViewer},
		Doc: "the collaboration's secretariat and chair, administrators and editors of its members, and an item's owner"},
	PermInitiativeWrite: {Roles: []Role{RoleAdmin, RoleEditor}, OwnRoleOnly: true,
		Doc:     "administrators and editors of the owner organisation, and the secretariat and chair of the initiative's collaboration",
		Refusal: "only administrators and editors of %s may propose and keep its initiatives"},
	PermSignInManage: {Roles: []Role{RoleAdmin}, Doc: "administrators of the organisation",
		Refusal: "only administrators of %s may configure how its people sign in"},
	PermOpportunities: {Roles: []Role{RoleAdmin, RoleEditor, RoleViewer}, OwnRoleOnly: true,
		Doc:     "members of the organisation, for that organisation only: its opportunities are what it may see",
		Refusal: "only members of %s may see its opportunities"},
}

// ActorKind tells what kind of principal acts.
type ActorKind string

// Actor kinds.
const (
	ActorAnonymous ActorKind = "anonymous"
	ActorUser      ActorKind = "user"
	ActorSystem    ActorKind = "system" // the command line, start-up seeding and background jobs
)

// ActorKinds lists the actor kinds.
var ActorKinds = []ActorKind{ActorAnonymous, ActorUser, ActorSystem}

// Actor is who performs a request: every store method takes one and filters
// by it.
type Actor struct {
	Kind     ActorKind
	UserID   string
	Name     string          // display name, for audit labels
	Operator bool            // platform operator
	Roles    map[string]Role // organisation ID -> role
	Partners []string        // organisations sharing an active collaboration with one of the actor's, sorted
	TokenID  string          // set when authenticated by an API token
	Label    string          // for system actors: which component ("cli", "demo", ...)
}

// Anonymous returns the actor of a request without credentials.
func Anonymous() *Actor { return &Actor{Kind: ActorAnonymous} }

// SystemActor returns an actor with full rights for the command line, start-up
// seeding and background jobs. label says which component acts.
func SystemActor(label string) *Actor {
	return &Actor{Kind: ActorSystem, Operator: true, Label: label}
}

// SignedIn reports whether the actor is a user or the system.
func (a *Actor) SignedIn() bool { return a != nil && a.Kind != ActorAnonymous && a.Kind != "" }

// IsOperator reports whether the actor runs the installation.
func (a *Actor) IsOperator() bool { return a != nil && a.Operator }

// RoleIn returns the actor's role in org, or "" when not a member.
func (a *Actor) RoleIn(orgID string) Role {
	if a == nil {
		return ""
	}
	return a.Roles[orgID]
}

// MemberOf reports whether the actor is a member of org.
func (a *Actor) MemberOf(orgID string) bool { return a.RoleIn(orgID) != "" }

// Can reports whether the actor holds permission p in the organisation orgID
// (orgID may be "" for permissions that are not tied to an organisation).
func (a *Actor) Can(p Permission, orgID string) bool {
	rule, ok := Permissions[p]
	if !ok {
		return false
	}
	if rule.Anonymous {
		return true
	}
	if !a.SignedIn() {
		return false
	}
	if a.Operator && (!rule.OwnRoleOnly || a.Kind == ActorSystem) {
		return true
	}
	if rule.OperatorOnly {
		return false
	}
	if len(rule.Roles) == 0 {
		return true
	}
	return slices.Contains(rule.Roles, a.RoleIn(orgID))
}

// OrgsWhere returns the IDs of the organisations in which the actor holds p,
// sorted. Operators are not expanded; check IsOperator first.
func (a *Actor) OrgsWhere(p Permission) []string {
	if a == nil {
		return nil
	}
	var ids []string
	for id := range a.Roles {
		if a.Can(p, id) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// OrgIDs returns the IDs of the actor's organisations, sorted.
func (a *Actor) OrgIDs() []string {
	if a == nil {
		return nil
	}
	ids := make([]string, 0, len(a.Roles))
	for id := range a.Roles {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Visibility says who may see a record besides its owner organisation.
type Visibility string

// Visibilities, from narrow to wide.
const (
	VisibilityPrivate  Visibility = "private"  // the owner organisation only
	VisibilityPartners Visibility = "partners" // organisations sharing an active collaboration with the owner
	VisibilitySector   Visibility = "sector"   // every signed-in member organisation
	VisibilityPublic   Visibility = "public"   // everyone, also anonymous
)

// Visibilities lists the valid visibilities.
var Visibilities = []Visibility{VisibilityPrivate, VisibilityPartners, VisibilitySector, VisibilityPublic}

// Valid reports whether v is a known visibility.
func (v Visibility) Valid() bool { return slices.Contains(Visibilities, v) }

// CanSee reports whether the actor may see a record owned by ownerOrgID with
// visibility v.
func (a *Actor) CanSee(ownerOrgID string, v Visibility) bool {
	switch {
	case v == VisibilityPublic:
		return true
	case !a.SignedIn():
		return false
	case a.Operator, a.MemberOf(ownerOrgID):
		return true
	case v == VisibilitySector:
		return true
	case v == VisibilityPartners:
		_, ok := slices.BinarySearch(a.Partners, ownerOrgID)
		return ok
	}
	return false
}
