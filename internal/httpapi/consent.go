package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
	"github.com/samspil/samspil/internal/httpx"
)

// Consent: invitations to collaborations and their answers, leaving,
// approving adjustments, the collaborations that make partners, and
// invitations of people to organisations.

// InvitationOutput is one invitation to a collaboration.
type InvitationOutput struct {
	Location string `header:"Location"`
	Body     *samspil.Invitation
}

// AdjustmentOutput is one adjustment.
type AdjustmentOutput struct {
	Location string `header:"Location"`
	Body     *samspil.Adjustment
}

// ReasonInput gives a reason.
type ReasonInput struct {
	Reason string `json:"reason,omitempty" maxLength:"1000"`
}

// PartnerPath selects one collaboration of an organisation.
type PartnerPath struct {
	ID              string `path:"id" maxLength:"64" doc:"The organisation's ID or municipality code"`
	CollaborationID string `path:"collaboration_id" maxLength:"64"`
}

// MyInvitations are the invitations waiting for the signed-in person: to
// their own e-mail address, and to collaborations for the organisations
// whose consent they give.
type MyInvitations struct {
	People         []samspil.PersonInvitation `json:"people"`
	Collaborations []samspil.Invitation       `json:"collaborations"`
	// Initiatives are the invitations to initiatives waiting for an answer
	// of the organisations the person acts for.
	Initiatives []samspil.InitiativeInvitation `json:"initiatives"`
}

func (a *API) registerConsent() {
	tags := []string{"Consent"}
	register(a, huma.Operation{OperationID: "invite-organization", Method: http.MethodPost, Path: "/collaborations/{id}/invitations", Tags: tags,
		Summary: "Invite an organisation to a collaboration", DefaultStatus: http.StatusCreated,
		Description: "The organisation becomes a member only when its own administrators accept; until then it has no vote, is not counted " +
			"for quorum, sees nothing shared with partners through the collaboration and sits in none of its forums."},
		samspil.PermCollabManage, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.InvitationInput
		}) (*InvitationOutput, error) {
			inv, err := a.store.Invite(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &InvitationOutput{Location: Prefix + "/invitations/" + inv.ID, Body: inv}, nil
		})

	register(a, huma.Operation{OperationID: "list-invitations", Method: http.MethodGet, Path: "/invitations", Tags: tags,
		Summary: "List invitations to collaborations", Description: "Those of your organisations and those of the collaborations they are members of, newest first."},
		samspil.PermSignedIn, func(ctx context.Context, in *struct {
			CollaborationID string                   `query:"collaboration_id" maxLength:"64" doc:"Only invitations to this collaboration"`
			OrganizationID  string                   `query:"organization_id" maxLength:"64" doc:"Only invitations of this organisation (ID or municipality code); 422 if no organisation you can see has it"`
			Status          samspil.InvitationStatus `query:"status" doc:"Only this status"`
			ListParams
		}) (*PageOutput[samspil.Invitation], error) {
			orgID, err := a.orgFilter(ctx, "organization_id", in.OrganizationID)
			if err != nil {
				return nil, err
			}
			page, err := a.store.ListInvitations(ctx, actor(ctx), samspil.InvitationFilter{CollaborationID: in.CollaborationID,
				OrganizationID: orgID, Status: in.Status, ListOptions: in.options()})
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &PageOutput[samspil.Invitation]{Body: page}, nil
		})

	register(a, huma.Operation{OperationID: "get-invitation", Method: http.MethodGet, Path: "/invitations/{id}", Tags: tags,
		Summary: "Get an invitation to a collaboration"},
		samspil.PermSignedIn, func(ctx context.Context, in *IDPath) (*InvitationOutput, error) {
			inv, err := a.store.FindInvitation(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &InvitationOutput{Body: inv}, nil
		})

	register(a, huma.Operation{OperationID: "accept-invitation", Method: http.MethodPost, Path: "/invitations/{id}/accept", Tags: tags,
		Summary:     "Accept an invitation for your organisation",
		Description: "The organisation becomes a member from the proposed day, or from the day it decided when that is later. An answer is final."},
		samspil.PermCollabConsent, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.Answer
		}) (*InvitationOutput, error) {
			inv, err := a.store.AcceptInvitation(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &InvitationOutput{Body: inv}, nil
		})

	register(a, huma.Operation{OperationID: "decline-invitation", Method: http.MethodPost, Path: "/invitations/{id}/decline", Tags: tags,
		Summary: "Decline an invitation for your organisation"},
		samspil.PermCollabConsent, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.Answer
		}) (*InvitationOutput, error) {
			inv, err := a.store.DeclineInvitation(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &InvitationOutput{Body: inv}, nil
		})

	register(a, huma.Operation{OperationID: "withdraw-invitation", Method: http.MethodPost, Path: "/invitations/{id}/withdraw", Tags: tags,
		Summary: "Withdraw an unanswered invitation"},
		samspil.PermCollabManage, func(ctx context.Context, in *struct {
			IDPath
			Body ReasonInput
		}) (*InvitationOutput, error) {
			inv, err := a.store.WithdrawInvitation(ctx, actor(ctx), in.ID, in.Body.Reason)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &InvitationOutput{Body: inv}, nil
		})

	register(a, huma.Operation{OperationID: "leave-collaboration", Method: http.MethodPost, Path: "/collaborations/{id}/leave", Tags: tags,
		Summary: "Leave a collaboration", Description: "By the member's own decision, from the day after its last day of membership. " +
			"It keeps reading the collaboration as a former member; its seats in forums and its votes on open decisions after that day are withdrawn."},
		samspil.PermCollabConsent, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.LeaveInput
		}) (*MemberOutput, error) {
			m, err := a.store.Leave(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &MemberOutput{ETag: etag(m.Version), Body: m}, nil
		})

	register(a, huma.Operation{OperationID: "get-adjustment", Method: http.MethodGet, Path: "/adjustments/{id}", Tags: tags,
		Summary: "Get an adjustment", Description: "With the answer of each member whose terms it changes."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*AdjustmentOutput, error) {
			adj, err := a.store.FindAdjustment(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &AdjustmentOutput{Body: adj}, nil
		})

	register(a, huma.Operation{OperationID: "approve-adjustment", Method: http.MethodPost, Path: "/adjustments/{id}/approve", Tags: tags,
		Summary:     "Approve an adjustment for your organisation",
		Description: "The last approval needed makes it take effect on its effective date (at once when that has come)."},
		samspil.PermCollabConsent, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.ApprovalInput
		}) (*AdjustmentOutput, error) {
			adj, err := a.store.ApproveAdjustment(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &AdjustmentOutput{Body: adj}, nil
		})

	register(a, huma.Operation{OperationID: "decline-adjustment", Method: http.MethodPost, Path: "/adjustments/{id}/decline", Tags: tags,
		Summary: "Decline an adjustment for your organisation", Description: "The adjustment then never takes effect."},
		samspil.PermCollabConsent, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.ApprovalInput
		}) (*AdjustmentOutput, error) {
			adj, err := a.store.DeclineAdjustment(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &AdjustmentOutput{Body: adj}, nil
		})

	register(a, huma.Operation{OperationID: "withdraw-adjustment", Method: http.MethodPost, Path: "/adjustments/{id}/withdraw", Tags: tags,
		Summary: "Withdraw an adjustment that has not taken effect"},
		samspil.PermCollabManage, func(ctx context.Context, in *struct {
			IDPath
			Body ReasonInput
		}) (*AdjustmentOutput, error) {
			adj, err := a.store.WithdrawAdjustment(ctx, actor(ctx), in.ID, in.Body.Reason)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &AdjustmentOutput{Body: adj}, nil
		})

	register(a, huma.Operation{OperationID: "list-partner-collaborations", Method: http.MethodGet, Path: "/organizations/{id}/partner-collaborations",
		Tags: tags, Summary: "Which collaborations make partners",
		Description: "The organisation's collaborations, and for each whether its fellow members see what the organisation shares with partners."},
		samspil.PermPeopleRead, func(ctx context.Context, in *IDPath) (*struct{ Body []samspil.PartnerSetting }, error) {
			list, err := a.store.PartnerSettings(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &struct{ Body []samspil.PartnerSetting }{list}, nil
		})

	register(a, huma.Operation{OperationID: "set-partner-collaboration", Method: http.MethodPut, Path: "/organizations/{id}/partner-collaborations/{collaboration_id}",
		Tags: tags, Summary: "Choose whether a collaboration makes partners"},
		samspil.PermCollabConsent, func(ctx context.Context, in *struct {
			PartnerPath
			Body samspil.PartnerSettingInput
		}) (*struct{ Body *samspil.PartnerSetting }, error) {
			s, err := a.store.SetPartnerSetting(ctx, actor(ctx), in.ID, in.CollaborationID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &struct{ Body *samspil.PartnerSetting }{s}, nil
		})

	people := []string{"Memberships"}
	register(a, huma.Operation{OperationID: "invite-person", Method: http.MethodPost, Path: "/organizations/{id}/invitations", Tags: people,
		Summary: "Invite a person by e-mail", DefaultStatus: http.StatusCreated,
		Description: "The answer holds the link to accept it, once; it is the same whether or not the address has an account. " +
			"A person without an account makes one through the link; one with an account signs in and accepts."},
		samspil.PermPeopleManage, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.PersonInvitationInput
		}) (*struct{ Body *samspil.PersonInvitation }, error) {
			inv, _, err := a.store.InvitePerson(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			inv.AcceptURL = a.publicURL(httpx.HostFrom(ctx)) + inv.AcceptURL
			return &struct{ Body *samspil.PersonInvitation }{inv}, nil
		})

	register(a, huma.Operation{OperationID: "list-person-invitations", Method: http.MethodGet, Path: "/organizations/{id}/invitations", Tags: people,
		Summary: "List the invitations of people to an organisation", Description: "Newest first."},
		samspil.PermPeopleManage, func(ctx context.Context, in *struct {
			IDPath
			ListParams
		}) (*PageOutput[samspil.PersonInvitation], error) {
			page, err := a.store.ListPersonInvitations(ctx, actor(ctx), in.ID, in.options())
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &PageOutput[samspil.PersonInvitation]{Body: page}, nil
		})

	register(a, huma.Operation{OperationID: "withdraw-person-invitation", Method: http.MethodPost, Path: "/person-invitations/{id}/withdraw", Tags: people,
		Summary: "Withdraw an invitation of a person"},
		samspil.PermPeopleManage, func(ctx context.Context, in *IDPath) (*struct{ Body *samspil.PersonInvitation }, error) {
			inv, err := a.store.WithdrawPersonInvitation(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return &struct{ Body *samspil.PersonInvitation }{inv}, nil
		})

	register(a, huma.Operation{OperationID: "my-invitations", Method: http.MethodGet, Path: "/users/me/invitations", Tags: people,
		Summary: "Invitations waiting for you",
		Description: "Invitations to your own e-mail address, invitations to collaborations waiting for an answer from the organisations whose consent you give, " +
			"and invitations to initiatives waiting for an answer from the organisations you act for (may_commit says whether you may commit it or only show its interest)."},
		samspil.PermSignedIn, func(ctx context.Context, in *struct{}) (*struct{ Body MyInvitations }, error) {
			mine, err := a.myInvitations(ctx)
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &struct{ Body MyInvitations }{mine}, nil
		})

	for _, answer := range []struct {
		verb   string
		accept bool
	}{{"accept", true}, {"decline", false}} {
		register(a, huma.Operation{OperationID: answer.verb + "-person-invitation", Method: http.MethodPost,
			Path: "/person-invitations/{id}/" + answer.verb, Tags: people, Summary: "Answer an invitation to your own address: " + answer.verb},
			samspil.PermSignedIn, func(ctx context.Context, in *IDPath) (*struct{ Body *samspil.PersonInvitation }, error) {
				inv, err := a.store.AnswerPersonInvitation(ctx, actor(ctx), in.ID, answer.accept)
				if err != nil {
					return nil, fail(ctx, err, "path")
				}
				return &struct{ Body *samspil.PersonInvitation }{inv}, nil
			})
	}
}

// myInvitations gathers what waits for the signed-in person.
func (a *API) myInvitations(ctx context.Context) (MyInvitations, error) {
	act := actor(ctx)
	var out MyInvitations
	var err error
	if out.People, err = a.store.MyPersonInvitations(ctx, act); err != nil {
		return out, err
	}
	if out.Collaborations, err = a.store.InvitationsToAnswer(ctx, act); err != nil {
		return out, err
	}
	out.Initiatives, err = a.store.InitiativeInvitations(ctx, act, samspil.MaxPageSize)
	return out, err
}
