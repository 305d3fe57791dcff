package samspil

import (
	"fmt"
	"slices"
	"strings"
)

// The rules about who may do what to an object, written once. The store
// asks them before it changes anything; the pages ask the same methods to
// choose which buttons and forms to show. A rule that is only about an
// organisation and a role lives in the Permissions table (actor.go); the
// rules here add the object: a collaboration's members and their roles on a
// day, a forum's people, an action item's owner.

// Require returns nil when the actor holds p in the organisation orgID, and
// otherwise the refusal: EFORBIDDEN with the permission's sentence naming
// the organisation (orgName).
func (a *Actor) Require(p Permission, orgID, orgName string) error {
	if a.Can(p, orgID) {
		return nil
	}
	rule := Permissions[p]
	switch {
	case rule.Refusal == "":
		return Errorf(EFORBIDDEN, "this needs the %s permission (%s)", p, rule.Doc)
	case !strings.Contains(rule.Refusal, "%s"):
		return &Error{Code: EFORBIDDEN, Message: rule.Refusal, format: rule.Refusal}
	}
	return &Error{Code: EFORBIDDEN, Message: fmt.Sprintf(rule.Refusal, orgName), format: rule.Refusal, args: []any{orgName}}
}

// Represents reports whether the actor may act for the organisation in its
// collaborations: vote, declare ambitions, adopt strategies. Administrators
// and editors of the organisation may; platform operators only through a
// role of their own.
func (a *Actor) Represents(orgID string) bool { return a.Can(PermCollabRepresent, orgID) }

// ConsentsFor reports whether the actor may give the organisation's
// consent: accept or decline an invitation, leave, approve or decline a
// change of its terms, choose which collaborations make partners. Its
// administrators may; platform operators only through a role of their own.
func (a *Actor) ConsentsFor(orgID string) bool { return a.Can(PermCollabConsent, orgID) }

// Manages reports whether the actor manages the collaboration on day d:
// platform operators, and administrators and editors of an organisation
// that is its secretariat or chair that day. Before the collaboration
// starts, its founding members with those roles manage it, so that it can
// be prepared.
func (a *Actor) Manages(c *Collaboration, d Date) bool {
	if a.IsOperator() {
		return true
	}
	for i := range c.Members {
		m := &c.Members[i]
		if m.Role.Manages() && managesOn(c, m, d) && a.Can(PermCollabManage, m.OrganizationID) {
			return true
		}
	}
	return false
}

// managesOn reports whether a managing membership holds on day d, counting
// the days before the collaboration starts for its founding members.
func managesOn(c *Collaboration, m *Member, d Date) bool {
	return m.ActiveOn(d) || (d.Before(c.Start) && !m.Since.After(c.Start))
}

// RequireManages returns nil when the actor manages the collaboration on
// day d, else the refusal.
func (a *Actor) RequireManages(c *Collaboration, d Date) error {
	if a.Manages(c, d) {
		return nil
	}
	return Errorf(EFORBIDDEN, "only the secretariat and the chair of %s may change it", c.Name)
}

// ManagingOrg returns the organisation through which the actor manages the
// collaboration on day d, or "" (operators, and those who do not manage).
func (a *Actor) ManagingOrg(c *Collaboration, d Date) string {
	for i := range c.Members {
		m := &c.Members[i]
		if m.Role.Manages() && managesOn(c, m, d) && a.Can(PermCollabManage, m.OrganizationID) && a.MemberOf(m.OrganizationID) {
			return m.OrganizationID
		}
	}
	return ""
}

// ActsForMember reports whether the actor represents an organisation that is
// a member of the collaboration on day d.
func (a *Actor) ActsForMember(c *Collaboration, d Date) bool {
	for i := range c.Members {
		if m := &c.Members[i]; m.ActiveOn(d) && a.Represents(m.OrganizationID) {
			return true
		}
	}
	return false
}

// SitsIn reports whether the actor sits in the forum for an organisation
// they still belong to.
func (a *Actor) SitsIn(f *Forum) bool {
	if !a.SignedIn() || a.UserID == "" {
		return false
	}
	for _, m := range f.Members {
		if m.UserID == a.UserID && a.MemberOf(m.OrganizationID) {
			return true
		}
	}
	return false
}

// MayRecordMeeting reports whether the actor may keep a meeting of the
// forum: its agenda, minutes, attendance and whether it was held. The
// collaboration's managers and the people who sit in the forum may.
func (a *Actor) MayRecordMeeting(c *Collaboration, f *Forum, d Date) bool {
	return a.Manages(c, d) || a.SitsIn(f)
}

// RequireRecordMeeting returns nil when the actor may keep the forum's
// meetings, else the refusal.
func (a *Actor) RequireRecordMeeting(c *Collaboration, f *Forum, d Date) error {
	if a.MayRecordMeeting(c, f, d) {
		return nil
	}
	return Errorf(EFORBIDDEN, "only the secretariat, the chair and the members of %s may record its meetings", f.Name)
}

// MayRecordActionItems reports whether the actor may record action items
// of the collaboration: its managers and those who act for a member.
func (a *Actor) MayRecordActionItems(c *Collaboration, d Date) bool {
	return a.Manages(c, d) || a.ActsForMember(c, d)
}

// RequireRecordActionItems returns nil when the actor may record action
// items of the collaboration, else the refusal.
func (a *Actor) RequireRecordActionItems(c *Collaboration, d Date) error {
	if a.MayRecordActionItems(c, d) {
		return nil
	}
	return Errorf(EFORBIDDEN, "only the secretariat, the chair and the administrators and editors of the members of %s may record action items", c.Name)
}

// MayChangeActionItem reports whether the actor may change an action item:
// its owner, those who act for the responsible organisation, and the
// collaboration's managers.
func (a *Actor) MayChangeActionItem(c *Collaboration, item *ActionItem, d Date) bool {
	owner := a.UserID != "" && a.UserID == item.OwnerUserID
	responsible := item.OrganizationID != "" && a.Represents(item.OrganizationID)
	return owner || responsible || a.Manages(c, d)
}

// RequireChangeActionItem returns nil when the actor may change the action
// item, else the refusal.
func (a *Actor) RequireChangeActionItem(c *Collaboration, item *ActionItem, d Date) error {
	if a.MayChangeActionItem(c, item, d) {
		return nil
	}
	return Errorf(EFORBIDDEN, "only its owner, the responsible organisation, the secretariat and the chair may change the action item")
}

// MayGiveProxy reports whether the actor may give or withdraw the proxy of
// the member orgID: those who act for it, and the collaboration's managers.
func (a *Actor) MayGiveProxy(c *Collaboration, orgID string, d Date) bool {
	return a.Represents(orgID) || a.Manages(c, d)
}

// MayRecordStrategy reports whether the actor may record a strategy with
// these owners: those who act for one of its owners, and, for a joint
// strategy of a collaboration c (nil for none), its managers.
func (a *Actor) MayRecordStrategy(c *Collaboration, owners []StrategyOwner, d Date) bool {
	for _, o := range owners {
		if a.Represents(o.OrganizationID) {
			return true
		}
	}
	return c != nil && a.Manages(c, d)
}

// MayAnswerInvitation reports whether the actor may accept or decline the
// invitation for its organisation.
func (a *Actor) MayAnswerInvitation(inv *Invitation) bool { return a.ConsentsFor(inv.OrganizationID) }

// MayLeave reports whether the actor may end the membership m for its
// organisation.
func (a *Actor) MayLeave(m *Member) bool { return a.ConsentsFor(m.OrganizationID) }

// AccountFacts is what the rules about managing an account need to know of
// it.
type AccountFacts struct {
	UserID    string
	Operator  bool     // the account is a platform operator's
	Orgs      []string // the organisations it belongs to
	CreatedBy string   // the organisation whose administrator or invitation made it, or ""
}

// MayManageAccount reports whether the actor may change the account (its
// name, address, whether it is enabled): operators, and administrators of
// every organisation it belongs to, for an account that belongs to one at
// least. An operator's account opens the whole platform, so only operators
// manage it.
func (a *Actor) MayManageAccount(acc AccountFacts) bool {
	if a.IsOperator() {
		return true
	}
	if acc.Operator || len(acc.Orgs) == 0 {
		return false
	}
	for _, org := range acc.Orgs {
		if !a.Can(PermPeopleManage, org) {
			return false
		}
	}
	return true
}

// MayDisableAccount reports whether the actor may disable the account:
// whoever manages it (MayManageAccount) except its owner, who would lock
// themself out. Disabling an organisation's last working administrator is
// refused as well (LastAdmin).
func (a *Actor) MayDisableAccount(acc AccountFacts) bool {
	return acc.UserID != a.UserID && a.MayManageAccount(acc)
}

// LastAdmin reports whether a member is its organisation's last working
// administrator: an administrator whose account is enabled, beside whom no
// other enabled administrator (others) exists. Taking the role from them,
// removing them or disabling their account would leave the organisation
// with nobody to manage it.
func LastAdmin(role Role, disabled bool, others int) bool {
	return role == RoleAdmin && !disabled && others == 0
}

// MaySetPassword reports whether the actor may set the account's password
// without knowing the current one: operators, and administrators of the
// one organisation the account belongs to when that organisation made it.
// An account that belongs to no organisation is revived only by an operator
// or by its owner through a reset link; an account that came from elsewhere
// keeps its password out of reach of its new organisation.
func (a *Actor) MaySetPassword(acc AccountFacts) bool {
	if a.IsOperator() {
		return true
	}
	return !acc.Operator && len(acc.Orgs) == 1 && acc.CreatedBy == acc.Orgs[0] && a.Can(PermPeopleManage, acc.Orgs[0])
}

// HistoryUntil returns the last day of the collaboration's history the
// actor may read, or nil for all of it. A former member keeps reading the
// collaboration it was part of, but of a collaboration it would not see
// otherwise (private, or shared with partners it is not a partner of) only
// up to its last day of membership. invited says whether one of the
// actor's organisations is invited to it: an invited organisation reads
// it all, to decide.
func (a *Actor) HistoryUntil(c *Collaboration, today Date, invited bool) *Date {
	if a.IsOperator() || c.Visibility == VisibilityPublic || (a.SignedIn() && c.Visibility == VisibilitySector) || invited {
		return nil
	}
	var last *Date
	for i := range c.Members {
		m := &c.Members[i]
		if c.Visibility == VisibilityPartners {
			if _, partner := slices.BinarySearch(a.Partners, m.OrganizationID); partner {
				return nil
			}
		}
		if !a.MemberOf(m.OrganizationID) {
			continue
		}
		if m.Until == nil || !m.Until.Before(today) {
			return nil
		}
		if last == nil || m.Until.After(*last) {
			last = m.Until
		}
	}
	return last
}

// MayManageInitiative reports whether the actor keeps the initiative x:
// its title and description, criteria, gates, budget and invitations. The
// owner's administrators and editors may, and, for an initiative of a
// collaboration c (nil for none), the collaboration's managers.
func (a *Actor) MayManageInitiative(x *Initiative, c *Collaboration, d Date) bool {
	return a.Can(PermInitiativeWrite, x.OwnerID) || (c != nil && a.Manages(c, d))
}

// RequireManageInitiative returns nil when the actor keeps the initiative,
// else the refusal.
func (a *Actor) RequireManageInitiative(x *Initiative, c *Collaboration, d Date) error {
	if a.MayManageInitiative(x, c, d) {
		return nil
	}
	return Errorf(EFORBIDDEN, "only the owner %s and the managers of its collaboration may change the initiative", x.OwnerName)
}

// MaySetParticipation reports whether the actor may record the
// organisation orgID's participation in state to. An organisation's
// participation is its own decision: interest may be shown by its
// administrators and editors, every commitment, pledge, refusal and
// withdrawal needs its administrators (ConsentsFor). Only an invitation
// (to invited) is made by those who keep the initiative (manages).
func (a *Actor) MaySetParticipation(orgID string, to ParticipationState, manages bool) bool {
	switch to {
	case ParticipationInvited:
		return manages
	case ParticipationInterested:
		return a.Represents(orgID)
	}
	return a.ConsentsFor(orgID)
}

// RequireSetParticipation returns nil when the actor may record the
// participation, else the refusal naming the organisation.
func (a *Actor) RequireSetParticipation(orgID, orgName string, to ParticipationState, manages bool) error {
	switch {
	case a.MaySetParticipation(orgID, to, manages):
		return nil
	case to == ParticipationInvited:
		return Errorf(EFORBIDDEN, "only the owner and the managers of its collaboration may invite organisations to the initiative")
	case to == ParticipationInterested:
		return a.Require(PermCollabRepresent, orgID, orgName)
	}
	return a.Require(PermCollabConsent, orgID, orgName)
}

// CanSeeInitiative reports whether the actor sees the initiative x: by its
// visibility as a record of its owner, and always when one of the actor's
// organisations has a participation in it (participant) or is or was a
// member of its collaboration (collabMember).
func (a *Actor) CanSeeInitiative(x *Initiative, participant, collabMember bool) bool {
	if a.CanSee(x.OwnerID, x.Visibility) {
		return true
	}
	return a.SignedIn() && (participant || collabMember)
}

// MayAskOpportunities reports whether the actor may see where working
// together makes sense for an organisation: its own people may (also an
// operator, only through a role of its own), since the answer rests on
// what that organisation may see. To others the answer does not exist.
func (a *Actor) MayAskOpportunities(orgID string) bool { return a.Can(PermOpportunities, orgID) }

// MaySeeHealth reports whether the actor sees the collaboration's health
// on day d: the people (any role) of its members on that day, every
// signed-in user who sees the collaboration when it shares its health
// (the store has found the collaboration for the actor), and the system
// (the command line and the bench). Platform operators see it through a
// role of their own only: how partners do together is theirs.
func (a *Actor) MaySeeHealth(c *Collaboration, d Date, shared bool) bool {
	switch {
	case a == nil:
		return false
	case a.Kind == ActorSystem:
		return true
	case shared && a.SignedIn():
		return true
	}
	for i := range c.Members {
		if m := &c.Members[i]; m.ActiveOn(d) && a.MemberOf(m.OrganizationID) {
			return true
		}
	}
	return false
}

// MaySetHealthThresholds reports whether the actor may change the
// collaboration's health thresholds and sharing: its managers on day d.
func (a *Actor) MaySetHealthThresholds(c *Collaboration, d Date) bool { return a.Manages(c, d) }

// RequireSetHealthThresholds returns nil when the actor may change the
// collaboration's health thresholds (MaySetHealthThresholds), else the
// managers' refusal.
func (a *Actor) RequireSetHealthThresholds(c *Collaboration, d Date) error {
	if a.MaySetHealthThresholds(c, d) {
		return nil
	}
	return a.RequireManages(c, d)
}
