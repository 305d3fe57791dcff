package web

import (
	"net/http"
	"strings"

	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// Consent on a collaboration's page: its managers invite organisations and
// propose adjustments; each organisation's own administrators accept or
// decline invitations, leave, and approve or decline the adjustments that
// change its terms. Which forms show is asked of the same rules the store
// applies (samspil.Actor.Manages, MayAnswerInvitation, MayLeave,
// ConsentsFor).

// CanLeave reports whether the reader may end the membership m for its
// organisation.
func (d collaborationData) CanLeave(m samspil.Member) bool {
	return m.Until == nil && d.actor.MayLeave(&m)
}

// CanAnswer reports whether the reader may accept or decline the
// invitation.
func (d collaborationData) CanAnswer(inv samspil.Invitation) bool {
	return inv.Status == samspil.InvitationPending && d.actor.MayAnswerInvitation(&inv)
}

// CanApprove reports whether the reader may answer the adjustment for the
// organisation of the approval ap.
func (d collaborationData) CanApprove(a adjustmentView, ap samspil.Approval) bool {
	return a.Status == samspil.AdjustmentProposed && ap.State == samspil.ApprovalPending && d.actor.ConsentsFor(ap.OrganizationID)
}

// CanWithdrawAdjustment reports whether the reader may withdraw the
// adjustment.
func (d collaborationData) CanWithdrawAdjustment(a adjustmentView) bool {
	return a.Status.Open() && d.CanManage
}

// AnswerKey is the key of the form answering object id for organisation
// org.
func (d collaborationData) AnswerKey(id, org string) string { return answerForm(id, org) }

// LeaveKey is the key of the leave form of membership id.
func (d collaborationData) LeaveKey(id string) string { return leaveForm(id) }

// inviteOrganisation invites an organisation to the collaboration.
func (w *Web) inviteOrganisation(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	f := r.PostForm
	var v samspil.Validation
	in := samspil.InvitationInput{OrganizationID: strings.TrimSpace(f.Get("organization_id")), Role: samspil.MemberRole(f.Get("role")),
		Commitment: samspil.Commitment(f.Get("commitment")), Message: strings.TrimSpace(f.Get("message"))}
	v.Check(in.OrganizationID != "", "organization_id", "is required")
	if since := formDate(&v, r, "since"); since != nil {
		in.Since = *since
	}
	err := v.Err()
	if err == nil {
		_, err = w.store.Invite(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), in)
	}
	if w.collabFormFailed(rw, r, err, formInvite) {
		return
	}
	redirect(rw, r, collabPath(r)+"#invitations", "organisation_invited")
}

// answerForm reads the day and reason of an answer.
func readAnswer(v *samspil.Validation, r *http.Request) samspil.Answer {
	return samspil.Answer{On: formDate(v, r, "on"), Reason: strings.TrimSpace(r.PostFormValue("reason"))}
}

// answerInvitation accepts or declines an invitation for the invited
// organisation; back on the collaboration's page, or where return_to says.
func (w *Web) answerInvitation(accept bool) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		if !w.parseForm(rw, r) {
			return
		}
		ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
		inv, err := w.store.FindInvitation(ctx, actor, r.PathValue("id"))
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		var v samspil.Validation
		a := readAnswer(&v, r)
		err = v.Err()
		done := "invitation_declined"
		if err == nil {
			if accept {
				done = "invitation_accepted"
				_, err = w.store.AcceptInvitation(ctx, actor, inv.ID, a)
			} else {
				_, err = w.store.DeclineInvitation(ctx, actor, inv.ID, a)
			}
		}
		r.SetPathValue("id", inv.CollaborationID)
		if w.collabFormFailed(rw, r, err, answerForm(inv.ID, inv.OrganizationID)) {
			return
		}
		redirect(rw, r, localPath(r.PostFormValue("return_to"), collabPath(r)+"#members"), done)
	}
}

// withdrawInvitation takes back an unanswered invitation.
func (w *Web) withdrawInvitation(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	inv, err := w.store.FindInvitation(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	_, err = w.store.WithdrawInvitation(ctx, actor, inv.ID, strings.TrimSpace(r.PostFormValue("reason")))
	r.SetPathValue("id", inv.CollaborationID)
	if w.collabFormFailed(rw, r, err, formInvite) {
		return
	}
	redirect(rw, r, collabPath(r)+"#invitations", "invitation_withdrawn")
}

// leaveCollaboration ends a membership by the member's own decision.
func (w *Web) leaveCollaboration(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	f := r.PostForm
	var v samspil.Validation
	in := samspil.LeaveInput{OrganizationID: strings.TrimSpace(f.Get("organization_id")), Reason: strings.TrimSpace(f.Get("reason"))}
	if until := formDate(&v, r, "until"); until != nil {
		in.Until = *until
	}
	err := v.Err()
	if err == nil {
		_, err = w.store.Leave(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), in)
	}
	if w.collabFormFailed(rw, r, err, leaveForm(strings.TrimSpace(f.Get("member_id")))) {
		return
	}
	redirect(rw, r, collabPath(r)+"#members", "collaboration_left")
}

// answerAdjustment approves or declines an adjustment for one of the
// organisations whose terms it changes.
func (w *Web) answerAdjustment(approve bool) http.HandlerFunc {
	return func(rw http.ResponseWriter, r *http.Request) {
		if !w.parseForm(rw, r) {
			return
		}
		ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
		adj, err := w.store.FindAdjustment(ctx, actor, r.PathValue("id"))
		if err != nil {
			w.fail(rw, r, err)
			return
		}
		var v samspil.Validation
		in := samspil.ApprovalInput{OrganizationID: strings.TrimSpace(r.PostFormValue("organization_id")), Answer: readAnswer(&v, r)}
		err = v.Err()
		done := "adjustment_declined"
		if err == nil {
			if approve {
				done = "adjustment_approved"
				_, err = w.store.ApproveAdjustment(ctx, actor, adj.ID, in)
			} else {
				_, err = w.store.DeclineAdjustment(ctx, actor, adj.ID, in)
			}
		}
		r.SetPathValue("id", adj.CollaborationID)
		if w.collabFormFailed(rw, r, err, answerForm(adj.ID, in.OrganizationID)) {
			return
		}
		redirect(rw, r, localPath(r.PostFormValue("return_to"), collabPath(r)+"#adjustments"), done)
	}
}

// withdrawAdjustment takes back an adjustment that has not taken effect.
func (w *Web) withdrawAdjustment(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	ctx, actor := r.Context(), httpx.ActorFrom(r.Context())
	adj, err := w.store.FindAdjustment(ctx, actor, r.PathValue("id"))
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	_, err = w.store.WithdrawAdjustment(ctx, actor, adj.ID, strings.TrimSpace(r.PostFormValue("reason")))
	r.SetPathValue("id", adj.CollaborationID)
	if w.collabFormFailed(rw, r, err, formAdjustment) {
		return
	}
	redirect(rw, r, collabPath(r)+"#adjustments", "adjustment_withdrawn")
}

// setPartnerCollaboration chooses whether one of the organisation's
// collaborations makes partners.
func (w *Web) setPartnerCollaboration(rw http.ResponseWriter, r *http.Request) {
	if !w.parseForm(rw, r) {
		return
	}
	counts := r.PostFormValue("counts") == "true"
	_, err := w.store.SetPartnerSetting(r.Context(), httpx.ActorFrom(r.Context()), r.PathValue("id"), r.PathValue("collab"),
		samspil.PartnerSettingInput{Counts: counts})
	if err != nil {
		w.fail(rw, r, err)
		return
	}
	redirect(rw, r, "/organizations/"+r.PathValue("id")+"#partners", "partners_saved")
}
