package samspil

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// ForumLevel says who meets in a forum.
type ForumLevel string

// Forum levels.
const (
	ForumDirectors     ForumLevel = "directors"
	ForumManagement    ForumLevel = "management"
	ForumITChiefs      ForumLevel = "it_chiefs"
	ForumWorkingGroup  ForumLevel = "working_group"
	ForumSteeringGroup ForumLevel = "steering_group"
)

// ForumLevels lists the valid levels.
var ForumLevels = []ForumLevel{ForumDirectors, ForumManagement, ForumITChiefs, ForumWorkingGroup, ForumSteeringGroup}

// Valid reports whether l is a known level.
func (l ForumLevel) Valid() bool { return slices.Contains(ForumLevels, l) }

// ForumStatus says whether a forum still meets.
type ForumStatus string

// Forum statuses.
const (
	ForumActive       ForumStatus = "active"
	ForumDiscontinued ForumStatus = "discontinued"
)

// ForumStatuses lists the statuses.
var ForumStatuses = []ForumStatus{ForumActive, ForumDiscontinued}

// TimeZone is the zone of meeting times unless a forum says otherwise.
const TimeZone = "Europe/Copenhagen"

// Forum is a governance body of a collaboration, e.g. "IT-chefmøde", with
// a cadence of meetings written as an RFC 5545 RRULE.
type Forum struct {
	ID                 string           `json:"id"`
	CollaborationID    string           `json:"collaboration_id"`
	Name               string           `json:"name"`
	Level              ForumLevel       `json:"level"`
	Description        string           `json:"description,omitempty"`
	Cadence            string           `json:"cadence,omitempty" doc:"RFC 5545 RRULE, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=TH; empty for meetings as needed"`
	SkipHolidays       bool             `json:"skip_holidays" doc:"The cadence plans no meeting on Danish public holidays (nytårsdag, skærtorsdag, langfredag, påskedag, 2. påskedag, store bededag until 2023, Kristi himmelfartsdag, pinsedag, 2. pinsedag, juledag, 2. juledag) nor from 24 to 31 December; grundlovsdag is not skipped. The first meeting is kept."`
	SkippedMeetings    []SkippedMeeting `json:"skipped_meetings" readOnly:"true" doc:"The occurrences of the cadence from now to the end of the planned meetings (about 400 days ahead) that are not planned because they fall on a holiday"`
	FirstMeeting       time.Time        `json:"first_meeting" doc:"Start of the first meeting (DTSTART of the cadence)"`
	DurationMinutes    int              `json:"duration_minutes"`
	TimeZone           string           `json:"time_zone" doc:"IANA zone of the meeting times"`
	Location           string           `json:"location,omitempty"`
	Status             ForumStatus      `json:"status"`
	DiscontinuedOn     *Date            `json:"discontinued_on,omitempty" format:"date"`
	DiscontinuedReason string           `json:"discontinued_reason,omitempty"`
	Members            []ForumMember    `json:"members"`
	CalendarURL        string           `json:"calendar_url,omitempty" readOnly:"true" doc:"The asking user's feed of this forum, when they have one"`
	Version            int              `json:"version"`
	CreatedAt          time.Time        `json:"created_at"`
	UpdatedAt          time.Time        `json:"updated_at"`
}

// SkippedMeeting is an occurrence of a forum's cadence that has no
// meeting because it falls on a holiday.
type SkippedMeeting struct {
	Occurrence time.Time   `json:"occurrence"`
	Holiday    HolidayKind `json:"holiday"`
}

// ForumMember is a person in a forum, sitting for an organisation.
type ForumMember struct {
	UserID           string `json:"user_id"`
	Name             string `json:"name" readOnly:"true"`
	OrganizationID   string `json:"organization_id,omitempty" doc:"The member organisation the person sits for; may be left out when the person belongs to only one"`
	OrganizationName string `json:"organization_name" readOnly:"true"`
}

// ForumInput creates a forum.
type ForumInput struct {
	Name            string        `json:"name" minLength:"1" maxLength:"200"`
	Level           ForumLevel    `json:"level"`
	Description     string        `json:"description,omitempty" maxLength:"5000"`
	Cadence         string        `json:"cadence,omitempty" maxLength:"500"`
	SkipHolidays    bool          `json:"skip_holidays,omitempty" doc:"Plan no meetings on Danish public holidays nor from 24 to 31 December"`
	FirstMeeting    time.Time     `json:"first_meeting" doc:"With its UTC offset, e.g. 2014-01-09T09:00:00+01:00"`
	DurationMinutes int           `json:"duration_minutes,omitempty" minimum:"0" maximum:"1440" doc:"Defaults to 120"`
	TimeZone        string        `json:"time_zone,omitempty" doc:"Defaults to Europe/Copenhagen"`
	Location        string        `json:"location,omitempty" maxLength:"300"`
	Members         []ForumMember `json:"members,omitempty" maxItems:"200"`
}

// ForumPatch changes a forum; a new cadence (or skipping holidays or not)
// replaces the future meetings nobody has touched.
type ForumPatch struct {
	Name            *string        `json:"name,omitempty" minLength:"1" maxLength:"200"`
	Level           *ForumLevel    `json:"level,omitempty"`
	Description     *string        `json:"description,omitempty" maxLength:"5000"`
	Cadence         *string        `json:"cadence,omitempty" maxLength:"500"`
	SkipHolidays    *bool          `json:"skip_holidays,omitempty" doc:"Plan no meetings on Danish public holidays nor from 24 to 31 December"`
	FirstMeeting    *time.Time     `json:"first_meeting,omitempty"`
	DurationMinutes *int           `json:"duration_minutes,omitempty" minimum:"1" maximum:"1440"`
	Location        *string        `json:"location,omitempty" maxLength:"300"`
	Members         *[]ForumMember `json:"members,omitempty" maxItems:"200"`
}

// ForumDiscontinue stops a forum from a day; meetings after it are removed
// unless something was recorded for them.
type ForumDiscontinue struct {
	On     Date   `json:"on" format:"date"`
	Reason string `json:"reason" minLength:"1" maxLength:"1000"`
}

// Forum returns the forum the input describes, with defaults.
func (in ForumInput) Forum() Forum {
	f := Forum{Name: strings.TrimSpace(in.Name), Level: in.Level, Description: in.Description, Cadence: strings.TrimSpace(in.Cadence),
		SkipHolidays: in.SkipHolidays, FirstMeeting: in.FirstMeeting, DurationMinutes: in.DurationMinutes, TimeZone: in.TimeZone, Location: strings.TrimSpace(in.Location),
		Status: ForumActive, Members: in.Members}
	if f.DurationMinutes == 0 {
		f.DurationMinutes = 120
	}
	if f.TimeZone == "" {
		f.TimeZone = TimeZone
	}
	if f.Members == nil {
		f.Members = []ForumMember{}
	}
	f.SkippedMeetings = []SkippedMeeting{}
	return f
}

// Apply returns f with the patch applied.
func (p ForumPatch) Apply(f Forum) Forum {
	setIf(&f.Name, p.Name)
	f.Name = strings.TrimSpace(f.Name)
	setIf(&f.Level, p.Level)
	setIf(&f.Description, p.Description)
	setIf(&f.Cadence, p.Cadence)
	f.Cadence = strings.TrimSpace(f.Cadence)
	setIf(&f.SkipHolidays, p.SkipHolidays)
	setIf(&f.FirstMeeting, p.FirstMeeting)
	setIf(&f.DurationMinutes, p.DurationMinutes)
	setIf(&f.Location, p.Location)
	setIf(&f.Members, p.Members)
	return f
}

// Skips returns the holiday on which the forum's cadence skips an
// occurrence t (in the forum's zone, as the expansion gives it), if it
// does. The first meeting is never skipped: it was chosen by hand.
func (f *Forum) Skips(t time.Time) (HolidayKind, bool) {
	if !f.SkipHolidays || t.Equal(f.FirstMeeting) {
		return "", false
	}
	return HolidayOn(DateOf(t))
}

// Zone returns the forum's time zone.
func (f *Forum) Zone() (*time.Location, error) { return time.LoadLocation(f.TimeZone) }

// Validate checks a forum's own fields; the cadence is checked by the
// store, which knows the RRULE parser.
func (f *Forum) Validate() error {
	var v Validation
	v.Check(f.Name != "", "name", "is required")
	v.Check(utf8.RuneCountInString(f.Name) <= 200, "name", "must be at most 200 characters")
	v.OneOf("level", f.Level)
	v.Check(utf8.RuneCountInString(f.Description) <= 5000, "description", "must be at most 5000 characters")
	v.Check(!f.FirstMeeting.IsZero(), "first_meeting", "is required")
	v.Check(f.DurationMinutes >= 1 && f.DurationMinutes <= 1440, "duration_minutes", "must be between 1 and 1440")
	_, err := time.LoadLocation(f.TimeZone)
	v.Check(err == nil && f.TimeZone != "" && f.TimeZone != "Local", "time_zone", "must be an IANA time zone such as Europe/Copenhagen")
	v.Check(utf8.RuneCountInString(f.Location) <= 300, "location", "must be at most 300 characters")
	return v.Err()
}

// MeetingStatus says whether a meeting takes place.
type MeetingStatus string

// Meeting statuses.
const (
	MeetingPlanned   MeetingStatus = "planned"
	MeetingHeld      MeetingStatus = "held"
	MeetingCancelled MeetingStatus = "cancelled"
)

// MeetingStatuses lists the valid statuses.
var MeetingStatuses = []MeetingStatus{MeetingPlanned, MeetingHeld, MeetingCancelled}

// Valid reports whether s is a known status.
func (s MeetingStatus) Valid() bool { return slices.Contains(MeetingStatuses, s) }

// MaxMinutesRunes limits a meeting's minutes.
const MaxMinutesRunes = 100000

// Meeting is one meeting of a forum: an occurrence of its cadence (which
// may be moved or cancelled and is kept so) or an extra meeting.
type Meeting struct {
	ID              string        `json:"id"`
	ForumID         string        `json:"forum_id"`
	ForumName       string        `json:"forum_name" readOnly:"true"`
	CollaborationID string        `json:"collaboration_id"`
	Title           string        `json:"title,omitempty" doc:"Defaults to the forum's name"`
	Start           time.Time     `json:"start"`
	End             time.Time     `json:"end"`
	Location        string        `json:"location,omitempty"`
	Occurrence      *time.Time    `json:"occurrence,omitempty" doc:"The cadence's time for this meeting; empty for an extra meeting"`
	Status          MeetingStatus `json:"status"`
	Minutes         string        `json:"minutes,omitempty" doc:"Markdown"`
	Agenda          []AgendaItem  `json:"agenda"`
	Attendance      []Attendance  `json:"attendance"`
	Touched         bool          `json:"touched" readOnly:"true" doc:"Moved, cancelled or given content; a new cadence keeps it"`
	Version         int           `json:"version"`
	CreatedAt       time.Time     `json:"created_at"`
	UpdatedAt       time.Time     `json:"updated_at"`
}

// MeetingInput adds an extra meeting.
type MeetingInput struct {
	Title    string    `json:"title,omitempty" maxLength:"200"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end,omitempty" doc:"Defaults to the forum's duration after start"`
	Location string    `json:"location,omitempty" maxLength:"300"`
}

// MeetingPatch moves, cancels or records a meeting.
type MeetingPatch struct {
	Title    *string        `json:"title,omitempty" maxLength:"200"`
	Start    *time.Time     `json:"start,omitempty"`
	End      *time.Time     `json:"end,omitempty"`
	Location *string        `json:"location,omitempty" maxLength:"300"`
	Status   *MeetingStatus `json:"status,omitempty"`
	Minutes  *string        `json:"minutes,omitempty" maxLength:"100000"`
}

// Validate checks a meeting's own fields.
func (m *Meeting) Validate() error {
	var v Validation
	v.Check(utf8.RuneCountInString(m.Title) <= 200, "title", "must be at most 200 characters")
	v.Check(!m.Start.IsZero(), "start", "is required")
	v.Check(m.End.After(m.Start), "end", "must be after the start")
	v.Check(m.End.Sub(m.Start) <= 7*24*time.Hour, "end", "must be within a week of the start")
	v.Check(utf8.RuneCountInString(m.Location) <= 300, "location", "must be at most 300 characters")
	v.OneOf("status", m.Status)
	v.Check(utf8.RuneCountInString(m.Minutes) <= MaxMinutesRunes, "minutes", "must be at most %d characters", MaxMinutesRunes)
	return v.Err()
}

// Attachment is a titled link on an agenda item.
type Attachment struct {
	Title string `json:"title" maxLength:"200"`
	URL   string `json:"url" maxLength:"2000" format:"uri"`
}

// AgendaItem is a point on a meeting's agenda.
type AgendaItem struct {
	ID          string       `json:"id"`
	Position    int          `json:"position"`
	Title       string       `json:"title"`
	Description string       `json:"description,omitempty" doc:"Markdown"`
	OwnerUserID string       `json:"owner_user_id,omitempty"`
	OwnerName   string       `json:"owner_name,omitempty" readOnly:"true"`
	Attachments []Attachment `json:"attachments"`
}

// AgendaItemInput adds or changes an agenda item.
type AgendaItemInput struct {
	Title       string       `json:"title" minLength:"1" maxLength:"300"`
	Description string       `json:"description,omitempty" maxLength:"20000"`
	OwnerUserID string       `json:"owner_user_id,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty" maxItems:"20"`
}

// AttendanceStatus says whether a person attended.
type AttendanceStatus string

// Attendance statuses.
const (
	AttendancePresent AttendanceStatus = "present"
	AttendanceAbsent  AttendanceStatus = "absent"
	AttendanceExcused AttendanceStatus = "excused"
)

// AttendanceStatuses lists the statuses.
var AttendanceStatuses = []AttendanceStatus{AttendancePresent, AttendanceAbsent, AttendanceExcused}

// Attendance records one person at a meeting, for an organisation.
type Attendance struct {
	UserID           string           `json:"user_id"`
	Name             string           `json:"name" readOnly:"true"`
	OrganizationID   string           `json:"organization_id,omitempty" doc:"May be left out when the person belongs to only one member organisation"`
	OrganizationName string           `json:"organization_name" readOnly:"true"`
	Status           AttendanceStatus `json:"status"`
}

// MeetingFilter selects meetings.
type MeetingFilter struct {
	CollaborationID string
	ForumID         string
	UserID          string // meetings of forums the user sits in
	OrganizationID  string // meetings of forums the organisation sits in
	From, To        time.Time
	ListOptions
}

// ForumService manages forums and their meetings. Secretariats and chairs
// manage; forum members record agendas, minutes and attendance.
type ForumService interface {
	FindForum(ctx context.Context, actor *Actor, id string) (*Forum, error)
	ListForums(ctx context.Context, actor *Actor, collabID string) ([]Forum, error)
	CreateForum(ctx context.Context, actor *Actor, collabID string, in ForumInput) (*Forum, error)
	UpdateForum(ctx context.Context, actor *Actor, id string, version int, p ForumPatch) (*Forum, error)
	DiscontinueForum(ctx context.Context, actor *Actor, id string, version int, d ForumDiscontinue) (*Forum, error)

	FindMeeting(ctx context.Context, actor *Actor, id string) (*Meeting, error)
	ListMeetings(ctx context.Context, actor *Actor, f MeetingFilter) (*Page[Meeting], error)
	CreateMeeting(ctx context.Context, actor *Actor, forumID string, in MeetingInput) (*Meeting, error)
	UpdateMeeting(ctx context.Context, actor *Actor, id string, version int, p MeetingPatch) (*Meeting, error)
	AddAgendaItem(ctx context.Context, actor *Actor, meetingID string, in AgendaItemInput) (*Meeting, error)
	UpdateAgendaItem(ctx context.Context, actor *Actor, meetingID, itemID string, in AgendaItemInput) (*Meeting, error)
	DeleteAgendaItem(ctx context.Context, actor *Actor, meetingID, itemID string) (*Meeting, error)
	SetAttendance(ctx context.Context, actor *Actor, meetingID string, att []Attendance) (*Meeting, error)
	// ExtendMeetings generates the meetings of every active forum's cadence
	// up to the horizon; a background job calls it daily.
	ExtendMeetings(ctx context.Context, actor *Actor, until time.Time) (int, error)
}
