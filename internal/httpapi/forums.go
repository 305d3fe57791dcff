package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/samspil/samspil"
)

// ForumOutput is one forum with its ETag.
type ForumOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *samspil.Forum
}

// MeetingOutput is one meeting with its ETag.
type MeetingOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *samspil.Meeting
}

// AgendaItemPath selects a point on a meeting's agenda.
type AgendaItemPath struct {
	ID     string `path:"id" maxLength:"64" doc:"The meeting's ID"`
	ItemID string `path:"item_id" maxLength:"64"`
}

// AttendanceInput is who attended a meeting.
type AttendanceInput struct {
	Attendance []samspil.Attendance `json:"attendance" maxItems:"500" doc:"Everyone recorded; people left out are no longer recorded"`
}

func meetingOutput(m *samspil.Meeting) *MeetingOutput {
	return &MeetingOutput{ETag: etag(m.Version), Body: m}
}

func (a *API) registerForums() {
	tags := []string{"Forums and meetings"}
	register(a, huma.Operation{OperationID: "list-forums", Method: http.MethodGet, Path: "/collaborations/{id}/forums", Tags: tags,
		Summary: "List a collaboration's forums", Description: "Active forums first, then by name. People sitting in a forum are shown to signed-in callers."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*ItemsOutput[samspil.Forum], error) {
			list, err := a.store.ListForums(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			out := &ItemsOutput[samspil.Forum]{}
			out.Body.Items = list
			return out, nil
		})

	register(a, huma.Operation{OperationID: "create-forum", Method: http.MethodPost, Path: "/collaborations/{id}/forums", Tags: tags,
		Summary: "Add a forum", DefaultStatus: http.StatusCreated,
		Description: "A forum with a cadence (an RFC 5545 RRULE such as FREQ=WEEKLY;INTERVAL=2;BYDAY=TH) gets its planned meetings from the first " +
			"meeting up to 400 days ahead at once; a daily job keeps them ahead. With skip_holidays, occurrences on Danish public holidays and " +
			"from 24 to 31 December get no meeting and are listed in skipped_meetings with the holiday. Members must be people of " +
			"organisations that are members of the collaboration today."},
		samspil.PermCollabManage, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.ForumInput
		}) (*ForumOutput, error) {
			f, err := a.store.CreateForum(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &ForumOutput{ETag: etag(f.Version), Location: Prefix + "/forums/" + f.ID, Body: f}, nil
		})

	register(a, huma.Operation{OperationID: "get-forum", Method: http.MethodGet, Path: "/forums/{id}", Tags: tags, Summary: "Get a forum",
		Description: "calendar_url is the address of your own feed of this forum's meetings, when you have made one (POST /calendar-feeds with scope forum)."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			IDPath
		}) (*ForumOutput, error) {
			f, err := a.store.FindForum(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			if _, secret, err := a.store.MeetingFeed(ctx, actor(ctx), samspil.FeedForum, f.ID); err == nil {
				f.CalendarURL = a.feedURL(ctx, secret)
			} else if samspil.ErrorCode(err) != samspil.ENOTFOUND {
				return nil, fail(ctx, err, "path")
			}
			return &ForumOutput{ETag: etag(f.Version), Body: f}, nil
		})

	register(a, huma.Operation{OperationID: "update-forum", Method: http.MethodPatch, Path: "/forums/{id}", Tags: tags,
		Summary: "Change a forum", Description: "A new cadence, skip_holidays, first meeting, duration or location replaces the future meetings nobody has touched; " +
			"moved, cancelled and recorded meetings stay, and so does the past. Members are replaced as a whole."},
		samspil.PermCollabManage, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
			Body samspil.ForumPatch
		}) (*ForumOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			f, err := a.store.UpdateForum(ctx, actor(ctx), in.ID, v, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &ForumOutput{ETag: etag(f.Version), Body: f}, nil
		})

	register(a, huma.Operation{OperationID: "discontinue-forum", Method: http.MethodPost, Path: "/forums/{id}/discontinue", Tags: tags,
		Summary: "Stop a forum", Description: "Meetings on the day still take place; later meetings are removed unless something was recorded for them."},
		samspil.PermCollabManage, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
			Body samspil.ForumDiscontinue
		}) (*ForumOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			f, err := a.store.DiscontinueForum(ctx, actor(ctx), in.ID, v, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return &ForumOutput{ETag: etag(f.Version), Body: f}, nil
		})

	register(a, huma.Operation{OperationID: "list-meetings", Method: http.MethodGet, Path: "/meetings", Tags: tags,
		Summary: "List meetings", Description: "Meetings of the collaborations the caller may see, by start. Combine the filters; from and to select by start."},
		samspil.PermPublic, func(ctx context.Context, in *struct {
			CollaborationID string    `query:"collaboration_id" maxLength:"64"`
			ForumID         string    `query:"forum_id" maxLength:"64"`
			UserID          string    `query:"user_id" maxLength:"64" doc:"Meetings of the forums this person sits in; me for yourself"`
			OrganizationID  string    `query:"organization_id" maxLength:"64" doc:"Meetings of the forums where someone sits for this organisation (ID or municipality code); 422 if no organisation you can see has it"`
			From            time.Time `query:"from" doc:"Meetings starting at or after this time (RFC 3339)"`
			To              time.Time `query:"to" doc:"Meetings starting before this time (RFC 3339)"`
			ListParams
		}) (*PageOutput[samspil.Meeting], error) {
			orgID, err := a.orgFilter(ctx, "organization_id", in.OrganizationID)
			if err != nil {
				return nil, err
			}
			page, err := a.store.ListMeetings(ctx, actor(ctx), samspil.MeetingFilter{CollaborationID: in.CollaborationID, ForumID: in.ForumID,
				UserID: in.UserID, OrganizationID: orgID, From: in.From, To: in.To, ListOptions: in.options()})
			if err != nil {
				return nil, fail(ctx, err, "query")
			}
			return &PageOutput[samspil.Meeting]{Body: page}, nil
		})

	register(a, huma.Operation{OperationID: "create-meeting", Method: http.MethodPost, Path: "/forums/{id}/meetings", Tags: tags,
		Summary: "Add an extra meeting", DefaultStatus: http.StatusCreated,
		Description: "A meeting outside the cadence; it ends after the forum's duration unless an end is given. A new cadence keeps it."},
		samspil.PermCollabManage, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.MeetingInput
		}) (*MeetingOutput, error) {
			m, err := a.store.CreateMeeting(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			out := meetingOutput(m)
			out.Location = Prefix + "/meetings/" + m.ID
			return out, nil
		})

	register(a, huma.Operation{OperationID: "get-meeting", Method: http.MethodGet, Path: "/meetings/{id}", Tags: tags,
		Summary: "Get a meeting", Description: "With its agenda and, for signed-in callers, its attendance."},
		samspil.PermPublic, func(ctx context.Context, in *IDPath) (*MeetingOutput, error) {
			m, err := a.store.FindMeeting(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return meetingOutput(m), nil
		})

	register(a, huma.Operation{OperationID: "update-meeting", Method: http.MethodPatch, Path: "/meetings/{id}", Tags: tags,
		Summary: "Move, cancel or record a meeting", Description: "The collaboration's secretariat and chair may change anything; people sitting " +
			"in the forum may write the minutes (Markdown) and mark the meeting held. A changed meeting is kept when the cadence changes."},
		samspil.PermMeetingRecord, func(ctx context.Context, in *struct {
			IDPath
			IfMatchHeader
			Body samspil.MeetingPatch
		}) (*MeetingOutput, error) {
			v, err := ifMatch(ctx, in.IfMatch)
			if err != nil {
				return nil, err
			}
			m, err := a.store.UpdateMeeting(ctx, actor(ctx), in.ID, v, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return meetingOutput(m), nil
		})

	register(a, huma.Operation{OperationID: "add-agenda-item", Method: http.MethodPost, Path: "/meetings/{id}/agenda", Tags: tags,
		Summary: "Add a point to the agenda", Description: "Appends the point and returns the meeting. The owner sits in the forum or belongs to a " +
			"member organisation; attachments are titled http or https links."},
		samspil.PermMeetingRecord, func(ctx context.Context, in *struct {
			IDPath
			Body samspil.AgendaItemInput
		}) (*MeetingOutput, error) {
			m, err := a.store.AddAgendaItem(ctx, actor(ctx), in.ID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return meetingOutput(m), nil
		})

	register(a, huma.Operation{OperationID: "update-agenda-item", Method: http.MethodPut, Path: "/meetings/{id}/agenda/{item_id}", Tags: tags,
		Summary: "Change a point on the agenda", Description: "Replaces the point's title, description, owner and attachments; it keeps its position."},
		samspil.PermMeetingRecord, func(ctx context.Context, in *struct {
			AgendaItemPath
			Body samspil.AgendaItemInput
		}) (*MeetingOutput, error) {
			m, err := a.store.UpdateAgendaItem(ctx, actor(ctx), in.ID, in.ItemID, in.Body)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return meetingOutput(m), nil
		})

	register(a, huma.Operation{OperationID: "delete-agenda-item", Method: http.MethodDelete, Path: "/meetings/{id}/agenda/{item_id}", Tags: tags,
		Summary: "Remove a point from the agenda", Description: "The later points move up; returns the meeting."},
		samspil.PermMeetingRecord, func(ctx context.Context, in *AgendaItemPath) (*MeetingOutput, error) {
			m, err := a.store.DeleteAgendaItem(ctx, actor(ctx), in.ID, in.ItemID)
			if err != nil {
				return nil, fail(ctx, err, "path")
			}
			return meetingOutput(m), nil
		})

	register(a, huma.Operation{OperationID: "set-attendance", Method: http.MethodPut, Path: "/meetings/{id}/attendance", Tags: tags,
		Summary: "Record who attended", Description: "Replaces the meeting's attendance. Each person must be a user of an organisation that is a " +
			"member of the collaboration on the day of the meeting."},
		samspil.PermMeetingRecord, func(ctx context.Context, in *struct {
			IDPath
			Body AttendanceInput
		}) (*MeetingOutput, error) {
			m, err := a.store.SetAttendance(ctx, actor(ctx), in.ID, in.Body.Attendance)
			if err != nil {
				return nil, fail(ctx, err, "body")
			}
			return meetingOutput(m), nil
		})
}
