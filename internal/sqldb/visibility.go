package sqldb

import "github.com/samspil/samspil"

// visibleCond returns the SQL condition under which the actor sees a record
// owned by the organisation in column orgCol with the visibility in column
// visCol. It is samspil.Actor.CanSee in SQL; both must agree.
func visibleCond(q *query, actor *samspil.Actor, orgCol, visCol string) string {
	switch {
	case actor.IsOperator():
		return "1 = 1"
	case !actor.SignedIn():
		return visCol + " = 'public'"
	}
	return visCol + " IN ('public', 'sector') OR " + orgCol + " IN " + q.in(actor.OrgIDs()) +
		" OR (" + visCol + " = 'partners' AND " + orgCol + " IN " + q.in(actor.Partners) + ")"
}

// visibleOrgCond returns the condition under which the actor sees the
// organisation row aliased o.
func visibleOrgCond(q *query, actor *samspil.Actor) string {
	return visibleCond(q, actor, "o.id", "o.visibility")
}
