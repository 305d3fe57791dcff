package samspil

import (
	"context"
	"mime"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// CollaborationKind says what sort of collaboration it is.
type CollaborationKind string

// Collaboration kinds.
const (
	KindPartnership           CollaborationKind = "partnership"
	KindAssociation           CollaborationKind = "association"
	KindNetwork               CollaborationKind = "network"
	KindProductCommunity      CollaborationKind = "product_community"
	KindProcurementConsortium CollaborationKind = "procurement_consortium"
	KindOperationsUnit        CollaborationKind = "operations_unit"
)

// CollaborationKinds lists the valid kinds.
var CollaborationKinds = []CollaborationKind{KindPartnership, KindAssociation, KindNetwork, KindProductCommunity,
	KindProcurementConsortium, KindOperationsUnit}

// Valid reports whether k is a known kind.
func (k CollaborationKind) Valid() bool { return slices.Contains(CollaborationKinds, k) }

// LegalForm is the legal basis of a collaboration.
type LegalForm string

// Legal forms.
const (
	LegalAgreement   LegalForm = "agreement"   // a signed agreement between the members
	LegalAssociation LegalForm = "association" // forening
	LegalSection60   LegalForm = "section60"   // § 60-fællesskab under the Danish local government act
	LegalCompany     LegalForm = "company"
	LegalNone        LegalForm = "none"
)

// LegalForms lists the valid legal forms.
var LegalForms = []LegalForm{LegalAgreement, LegalAssociation, LegalSection60, LegalCompany, LegalNone}

// Valid reports whether f is a known legal form.
func (f LegalForm) Valid() bool { return slices.Contains(LegalForms, f) }

// Exclusivity says whether members seek each other first.
type Exclusivity string

// Exclusivities, from strong to weak.
const (
	ExclusivityExclusive Exclusivity = "exclusive" // members seek each other first
	ExclusivityPreferred Exclusivity = "preferred" // members prefer each other
	ExclusivityOpen      Exclusivity = "open"      // collaboration where it makes sense, with anyone
)

// Exclusivities lists the valid values.
var Exclusivities = []Exclusivity{ExclusivityExclusive, ExclusivityPreferred, ExclusivityOpen}

// Valid reports whether e is a known value.
func (e Exclusivity) Valid() bool { return slices.Contains(Exclusivities, e) }

// CostKey names how a collaboration shares costs (fordelingsnøgle); see
// DESIGN §3.5.
type CostKey string

// Cost keys.
const (
	CostEqual              CostKey = "equal"
	CostPerCapita          CostKey = "per_capita"
	CostPerCapitaDegresive CostKey = "per_capita_degressive"
	CostSizeClasses        CostKey = "size_classes"
	CostStaircase          CostKey = "staircase"
	CostFixedPercentages   CostKey = "fixed_percentages"
)

// CostKeys lists the valid cost keys.
var CostKeys = []CostKey{CostEqual, CostPerCapita, CostPerCapitaDegresive, CostSizeClasses, CostStaircase, CostFixedPercentages}

// Valid reports whether k is a known cost key.
func (k CostKey) Valid() bool { return slices.Contains(CostKeys, k) }

// MemberRole is an organisation's role in a collaboration.
type MemberRole string

// Member roles.
const (
	MemberRoleMember      MemberRole = "member"
	MemberRoleObserver    MemberRole = "observer" // takes part without a vote
	MemberRoleSecretariat MemberRole = "secretariat"
	MemberRoleChair       MemberRole = "chair"
)

// MemberRoles lists the valid roles.
var MemberRoles = []MemberRole{MemberRoleMember, MemberRoleObserver, MemberRoleSecretariat, MemberRoleChair}

// Valid reports whether r is a known role.
func (r MemberRole) Valid() bool { return slices.Contains(MemberRoles, r) }

// Manages reports whether the role manages the collaboration.
func (r MemberRole) Manages() bool { return r == MemberRoleSecretariat || r == MemberRoleChair }

// Commitment is how strongly a member is bound: "skal" or "kan".
type Commitment string

// Commitment levels.
const (
	CommitmentBinding   Commitment = "binding"   // skal
	CommitmentVoluntary Commitment = "voluntary" // kan
	CommitmentObserver  Commitment = "observer"
)

// Commitments lists the valid levels.
var Commitments = []Commitment{CommitmentBinding, CommitmentVoluntary, CommitmentObserver}

// Valid reports whether c is a known level.
func (c Commitment) Valid() bool { return slices.Contains(Commitments, c) }

// Collaboration is a partnership of organisations (samarbejde).
type Collaboration struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	Kind         CollaborationKind `json:"kind"`
	Purpose      string            `json:"purpose"`
	Start        Date              `json:"start" format:"date"`
	End          *Date             `json:"end,omitempty" format:"date"`
	LegalForm    LegalForm         `json:"legal_form"`
	Exclusivity  Exclusivity       `json:"exclusivity"`
	DecisionRule DecisionRule      `json:"decision_rule" doc:"Default rule of its decisions"`
	CostKey      CostKey           `json:"cost_key" doc:"Default cost key of its initiatives"`
	Visibility   Visibility        `json:"visibility" doc:"private: its members only"`
	Members      []Member          `json:"members" readOnly:"true" doc:"Current and former members"`
	Documents    []Document        `json:"documents" readOnly:"true"`
	HistoryUntil *Date             `json:"history_until,omitempty" format:"date" readOnly:"true" doc:"For a former member of a collaboration it would not see otherwise: its history is shown up to this day, its last day of membership"`
	Version      int               `json:"version"`
	CreatedAt    time.Time         `json:"created_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
}

// Active reports whether the collaboration runs on day d.
func (c *Collaboration) Active(d Date) bool {
	return !d.Before(c.Start) && (c.End == nil || !d.After(*c.End))
}

// MemberOn returns the membership of org on day d, or nil.
func (c *Collaboration) MemberOn(orgID string, d Date) *Member {
	for i := range c.Members {
		if m := &c.Members[i]; m.OrganizationID == orgID && m.ActiveOn(d) {
			return m
		}
	}
	return nil
}

// CollaborationInput creates a collaboration. The founding organisation
// becomes its first member, as secretariat unless another role is given.
type CollaborationInput struct {
	Name           string            `json:"name" minLength:"1" maxLength:"200"`
	Kind           CollaborationKind `json:"kind"`
	Purpose        string            `json:"purpose,omitempty" maxLength:"5000"`
	Start          Date              `json:"start" format:"date"`
	End            *Date             `json:"end,omitempty" format:"date"`
	LegalForm      LegalForm         `json:"legal_form,omitempty" allowEmpty:"true" doc:"Defaults to agreement"`
	Exclusivity    Exclusivity       `json:"exclusivity,omitempty" allowEmpty:"true" doc:"Defaults to open"`
	DecisionRule   DecisionRule      `json:"decision_rule,omitempty" allowEmpty:"true" doc:"Defaults to consensus"`
	CostKey        CostKey           `json:"cost_key,omitempty" allowEmpty:"true" doc:"Defaults to equal"`
	Visibility     Visibility        `json:"visibility,omitempty" allowEmpty:"true" doc:"Defaults to sector"`
	OrganizationID string            `json:"organization_id" doc:"The founding organisation (ID or municipality code); it becomes the first member"`
	Role           MemberRole        `json:"role,omitempty" allowEmpty:"true" doc:"The founding organisation's role; defaults to secretariat; not observer"`
	Commitment     Commitment        `json:"commitment,omitempty" allowEmpty:"true" doc:"The founding organisation's commitment; defaults to binding; not observer"`
	CoFounders     []FounderInput    `json:"co_founders,omitempty" maxItems:"100" doc:"Organisations founding it together with the founding one: each is invited and becomes a member when its administrators accept"`
}

// CollaborationPatch changes a collaboration's details; nil fields stay.
type CollaborationPatch struct {
	Name         *string            `json:"name,omitempty" minLength:"1" maxLength:"200"`
	Kind         *CollaborationKind `json:"kind,omitempty"`
	Purpose      *string            `json:"purpose,omitempty" maxLength:"5000"`
	Start        *Date              `json:"start,omitempty" format:"date"`
	End          *Date              `json:"end,omitempty" format:"date" doc:"An empty date clears it"`
	LegalForm    *LegalForm         `json:"legal_form,omitempty"`
	Exclusivity  *Exclusivity       `json:"exclusivity,omitempty"`
	DecisionRule *DecisionRule      `json:"decision_rule,omitempty"`
	CostKey      *CostKey           `json:"cost_key,omitempty"`
	Visibility   *Visibility        `json:"visibility,omitempty"`
}

// Collaboration returns the collaboration the input describes, with
// defaults filled in.
func (in CollaborationInput) Collaboration() Collaboration {
	c := Collaboration{Name: strings.TrimSpace(in.Name), Kind: in.Kind, Purpose: in.Purpose, Start: in.Start, End: in.End,
		LegalForm: in.LegalForm, Exclusivity: in.Exclusivity, DecisionRule: in.DecisionRule, CostKey: in.CostKey, Visibility: in.Visibility}
	if c.LegalForm == "" {
		c.LegalForm = LegalAgreement
	}
	if c.Exclusivity == "" {
		c.Exclusivity = ExclusivityOpen
	}
	if c.DecisionRule == "" {
		c.DecisionRule = RuleConsensus
	}
	if c.CostKey == "" {
		c.CostKey = CostEqual
	}
	if c.Visibility == "" {
		c.Visibility = VisibilitySector
	}
	return c
}

// Apply returns c with the patch applied.
func (p CollaborationPatch) Apply(c Collaboration) Collaboration {
	setIf(&c.Name, p.Name)
	c.Name = strings.TrimSpace(c.Name)
	setIf(&c.Kind, p.Kind)
	setIf(&c.Purpose, p.Purpose)
	setIf(&c.Start, p.Start)
	setDate(&c.End, p.End)
	setIf(&c.LegalForm, p.LegalForm)
	setIf(&c.Exclusivity, p.Exclusivity)
	setIf(&c.DecisionRule, p.DecisionRule)
	setIf(&c.CostKey, p.CostKey)
	setIf(&c.Visibility, p.Visibility)
	return c
}

// Validate checks a collaboration's own fields.
func (c *Collaboration) Validate() error {
	var v Validation
	v.Check(c.Name != "", "name", "is required")
	v.Check(utf8.RuneCountInString(c.Name) <= 200, "name", "must be at most 200 characters")
	v.OneOf("kind", c.Kind)
	v.Check(utf8.RuneCountInString(c.Purpose) <= 5000, "purpose", "must be at most 5000 characters")
	v.Check(!c.Start.IsZero(), "start", "is required")
	if c.End != nil && !c.Start.IsZero() {
		v.Check(!c.End.Before(c.Start), "end", "must not be before the start")
	}
	v.OneOf("legal_form", c.LegalForm)
	v.OneOf("exclusivity", c.Exclusivity)
	v.OneOf("decision_rule", c.DecisionRule)
	v.OneOf("cost_key", c.CostKey)
	v.OneOf("visibility", c.Visibility)
	return v.Err()
}

// Member is an organisation's membership of a collaboration (medlemskab).
// A member that left keeps its record with Until set.
type Member struct {
	ID               string     `json:"id"`
	CollaborationID  string     `json:"collaboration_id"`
	OrganizationID   string     `json:"organization_id"`
	OrganizationName string     `json:"organization_name" readOnly:"true"`
	Role             MemberRole `json:"role"`
	Commitment       Commitment `json:"commitment"`
	Since            Date       `json:"since" format:"date"`
	Until            *Date      `json:"until,omitempty" format:"date" doc:"The last day of membership of a member that left"`
	Version          int        `json:"version"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
}

// ActiveOn reports whether the membership holds on day d.
func (m *Member) ActiveOn(d Date) bool {
	return !d.Before(m.Since) && (m.Until == nil || !d.After(*m.Until))
}

// Votes reports whether the member has a vote: observers have none.
func (m *Member) Votes() bool {
	return m.Role != MemberRoleObserver && m.Commitment != CommitmentObserver
}

// Validate checks a membership's own fields.
func (m *Member) Validate() error {
	var v Validation
	v.OneOf("role", m.Role)
	v.OneOf("commitment", m.Commitment)
	if m.Role == MemberRoleObserver && m.Commitment.Valid() {
		v.Check(m.Commitment == CommitmentObserver, "commitment", "must be observer for an observer")
	}
	v.Check(!m.Since.IsZero(), "since", "is required")
	if m.Until != nil && !m.Since.IsZero() {
		v.Check(!m.Until.Before(m.Since), "until", "must not be before the start of the membership")
	}
	return v.Err()
}

// MemberEvent is one recorded change of a membership: joining, leaving, a
// new role or a new commitment, with when, by whom and why.
type MemberEvent struct {
	ID               string          `json:"id"`
	CollaborationID  string          `json:"collaboration_id"`
	OrganizationID   string          `json:"organization_id"`
	OrganizationName string          `json:"organization_name"`
	Kind             MemberEventKind `json:"kind"`
	On               Date            `json:"on" format:"date"`
	From             string          `json:"from,omitempty" doc:"The role or commitment before"`
	To               string          `json:"to,omitempty" doc:"The role or commitment after"`
	Reason           string          `json:"reason,omitempty"`
	AdjustmentID     string          `json:"adjustment_id,omitempty" doc:"The adjustment that made the change"`
	ByName           string          `json:"by_name" doc:"Who recorded it"`
	RecordedAt       time.Time       `json:"recorded_at"`
}

// MemberEventKind says what changed.
type MemberEventKind string

// Member event kinds.
const (
	MemberJoined     MemberEventKind = "joined"
	MemberLeft       MemberEventKind = "left"
	MemberRoleChange MemberEventKind = "role"
	MemberCommitment MemberEventKind = "commitment"
)

// MemberEventKinds lists the kinds of change.
var MemberEventKinds = []MemberEventKind{MemberJoined, MemberLeft, MemberRoleChange, MemberCommitment}

// ChairTerm is a period in which an organisation chairs the collaboration;
// terms let the chair rotate. Without a term for a day, the member with the
// chair role chairs.
type ChairTerm struct {
	ID               string `json:"id" readOnly:"true"`
	CollaborationID  string `json:"collaboration_id" readOnly:"true"`
	OrganizationID   string `json:"organization_id"`
	OrganizationName string `json:"organization_name" readOnly:"true"`
	From             Date   `json:"from" format:"date"`
	Until            *Date  `json:"until,omitempty" format:"date"`
}

// ChairOn returns the organisation chairing on day d: the term covering d,
// else the active member with the chair role, else "".
func ChairOn(terms []ChairTerm, members []Member, d Date) string {
	for _, t := range terms {
		if !d.Before(t.From) && (t.Until == nil || !d.After(*t.Until)) {
			return t.OrganizationID
		}
	}
	for i := range members {
		if m := &members[i]; m.Role == MemberRoleChair && m.ActiveOn(d) {
			return m.OrganizationID
		}
	}
	return ""
}

// Adjustment is a change of a collaboration's working form, like the
// November 2018 memo: from its effective date it may change the
// exclusivity, members' commitments and roles and discontinue forums, in one
// step. The collaboration's managers propose it; it takes effect on its
// effective date once every member whose terms it changes (Concerned) has
// approved it, each by its own representatives.
type Adjustment struct {
	ID                 string             `json:"id"`
	CollaborationID    string             `json:"collaboration_id"`
	Title              string             `json:"title"`
	Summary            string             `json:"summary,omitempty"`
	EffectiveOn        Date               `json:"effective_on" format:"date"`
	Exclusivity        Exclusivity        `json:"exclusivity,omitempty" allowEmpty:"true" doc:"The new exclusivity, when it changes"`
	PreviousExclusive  Exclusivity        `json:"previous_exclusivity,omitempty" readOnly:"true"`
	Commitments        []CommitmentChange `json:"commitments" doc:"Members whose commitment changes"`
	Roles              []RoleChange       `json:"roles" doc:"Members whose role changes"`
	DiscontinuedForums []string           `json:"discontinued_forum_ids" doc:"Forums that stop on the effective date"`
	StrategyNote       string             `json:"strategy_note,omitempty" doc:"What happens to the joint strategy, e.g. kept until each member adopts its own"`
	Status             AdjustmentStatus   `json:"status" readOnly:"true"`
	Approvals          []Approval         `json:"approvals" readOnly:"true" doc:"The consent of each member whose terms it changes"`
	AppliedAt          *time.Time         `json:"applied_at,omitempty" readOnly:"true" doc:"When its changes were made"`
	Reason             string             `json:"reason,omitempty" readOnly:"true" doc:"Why it was withdrawn"`
	ByName             string             `json:"by_name" readOnly:"true"`
	Version            int                `json:"version" readOnly:"true"`
	CreatedAt          time.Time          `json:"created_at"`
}

// Approval returns the answer of the concerned organisation orgID, or nil
// when the adjustment does not concern it.
func (a *Adjustment) Approval(orgID string) *Approval {
	for i := range a.Approvals {
		if a.Approvals[i].OrganizationID == orgID {
			return &a.Approvals[i]
		}
	}
	return nil
}

// CommitmentChange sets one member's commitment in an adjustment.
type CommitmentChange struct {
	OrganizationID string     `json:"organization_id" doc:"Organisation ID or municipality code"`
	Commitment     Commitment `json:"commitment"`
}

// AdjustmentInput records an adjustment.
type AdjustmentInput struct {
	Title              string             `json:"title" minLength:"1" maxLength:"200"`
	Summary            string             `json:"summary,omitempty" maxLength:"10000"`
	EffectiveOn        Date               `json:"effective_on" format:"date"`
	Exclusivity        Exclusivity        `json:"exclusivity,omitempty" allowEmpty:"true"`
	Commitments        []CommitmentChange `json:"commitments,omitempty" maxItems:"500"`
	Roles              []RoleChange       `json:"roles,omitempty" maxItems:"500"`
	DiscontinuedForums []string           `json:"discontinued_forum_ids,omitempty" maxItems:"100"`
	StrategyNote       string             `json:"strategy_note,omitempty" maxLength:"2000"`
}

// Validate checks an adjustment's own fields.
func (in *AdjustmentInput) Validate() error {
	var v Validation
	in.Title = strings.TrimSpace(in.Title)
	v.Check(in.Title != "", "title", "is required")
	v.Check(utf8.RuneCountInString(in.Title) <= 200, "title", "must be at most 200 characters")
	v.Check(utf8.RuneCountInString(in.Summary) <= 10000, "summary", "must be at most 10000 characters")
	v.Check(!in.EffectiveOn.IsZero(), "effective_on", "is required")
	if in.Exclusivity != "" {
		v.OneOf("exclusivity", in.Exclusivity)
	}
	seen := map[string]bool{}
	for i, c := range in.Commitments {
		v.OneOf("commitments["+strconv.Itoa(i)+"].commitment", c.Commitment)
		v.Check(!seen[c.OrganizationID], "commitments["+strconv.Itoa(i)+"].organization_id", "is listed twice")
		seen[c.OrganizationID] = true
	}
	checkRoleChanges(&v, in.Roles)
	v.Check(utf8.RuneCountInString(in.StrategyNote) <= 2000, "strategy_note", "must be at most 2000 characters")
	v.Check(in.Exclusivity != "" || len(in.Commitments) > 0 || len(in.Roles) > 0 || len(in.DiscontinuedForums) > 0 || in.StrategyNote != "",
		"commitments", "an adjustment must change something: exclusivity, commitments, roles, forums or the strategy")
	return v.Err()
}

// DocumentKind says what a founding document is.
type DocumentKind string

// Document kinds.
const (
	DocDeclaration       DocumentKind = "declaration_of_intent"
	DocStatutes          DocumentKind = "statutes"
	DocTermsOfReference  DocumentKind = "terms_of_reference"
	DocAgreement         DocumentKind = "agreement"
	DocOther             DocumentKind = "other"
	MaxDocumentBytes                  = 10 << 20 // an uploaded document's size limit
	maxDocumentTitleRune              = 200
)

// DocumentKinds lists the valid kinds.
var DocumentKinds = []DocumentKind{DocDeclaration, DocStatutes, DocTermsOfReference, DocAgreement, DocOther}

// Valid reports whether k is a known kind.
func (k DocumentKind) Valid() bool { return slices.Contains(DocumentKinds, k) }

// Document is a collaboration's founding document: a titled link or an
// uploaded file.
type Document struct {
	ID              string       `json:"id"`
	CollaborationID string       `json:"collaboration_id"`
	Kind            DocumentKind `json:"kind"`
	Title           string       `json:"title"`
	URL             string       `json:"url,omitempty" doc:"A link, or empty for an uploaded file"`
	FileName        string       `json:"file_name,omitempty"`
	ContentType     string       `json:"content_type,omitempty"`
	Size            int64        `json:"size,omitempty"`
	CreatedAt       time.Time    `json:"created_at"`
}

// DocumentInput adds a document: a URL, or a file's content.
type DocumentInput struct {
	Kind        DocumentKind `json:"kind"`
	Title       string       `json:"title" minLength:"1" maxLength:"200"`
	URL         string       `json:"url,omitempty" maxLength:"2000" format:"uri"`
	FileName    string       `json:"-"`
	ContentType string       `json:"-"`
	Content     []byte       `json:"-"`
}

// Validate checks a document's fields.
func (in *DocumentInput) Validate() error {
	var v Validation
	in.Title = strings.TrimSpace(in.Title)
	v.OneOf("kind", in.Kind)
	v.Check(in.Title != "", "title", "is required")
	v.Check(utf8.RuneCountInString(in.Title) <= maxDocumentTitleRune, "title", "must be at most 200 characters")
	switch {
	case in.URL != "" && in.Content != nil:
		v.Add("url", "give a link or a file, not both")
	case in.URL != "":
		u, err := url.Parse(in.URL)
		v.Check(err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "", "url", "must be an http or https address")
	case in.Content == nil:
		v.Add("url", "give a link or a file")
	default:
		v.Check(len(in.Content) > 0, "file", "is empty")
		v.Check(len(in.Content) <= MaxDocumentBytes, "file", "must be at most 10 MiB")
		v.Check(in.FileName != "" && utf8.RuneCountInString(in.FileName) <= 200, "file", "needs a name of at most 200 characters")
	}
	return v.Err()
}

// SafeDocumentType returns the content type an uploaded document is served
// with: its own when it is a common office, PDF, plain-text or image
// format, else application/octet-stream, so that a browser never renders
// an uploaded page or script (it is served as an attachment, not sniffed).
func SafeDocumentType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "application/octet-stream"
	}
	switch mt {
	case "application/pdf", "text/plain", "image/png", "image/jpeg",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"application/vnd.openxmlformats-officedocument.presentationml.presentation",
		"application/msword", "application/vnd.ms-excel", "application/vnd.oasis.opendocument.text":
		return mt
	}
	return "application/octet-stream"
}

// TimelineEntry is one dated event in a collaboration's history.
type TimelineEntry struct {
	On   Date   `json:"on" format:"date"`
	Kind string `json:"kind" doc:"founded, member, adjustment, forum_started, forum_stopped, strategy_adopted, decision, ended"`
	Text Phrase `json:"text"`
	Link string `json:"link,omitempty" doc:"The API path of the object it concerns"`
}

// CollaborationFilter selects collaborations in a list.
type CollaborationFilter struct {
	OrganizationID string // collaborations this organisation is or was a member of
	Query          string
	ListOptions
}

// CollaborationService manages collaborations, their members, adjustments
// and founding documents. Secretariats and chairs manage; organisations
// join, leave and agree to changes of their terms through ConsentService;
// every change is audited and membership changes are kept as history.
type CollaborationService interface {
	FindCollaboration(ctx context.Context, actor *Actor, id string) (*Collaboration, error)
	ListCollaborations(ctx context.Context, actor *Actor, f CollaborationFilter) (*Page[Collaboration], error)
	CreateCollaboration(ctx context.Context, actor *Actor, in CollaborationInput) (*Collaboration, error)
	UpdateCollaboration(ctx context.Context, actor *Actor, id string, version int, p CollaborationPatch) (*Collaboration, error)

	MemberHistory(ctx context.Context, actor *Actor, collabID string) ([]MemberEvent, error)
	SetChairTerms(ctx context.Context, actor *Actor, collabID string, terms []ChairTerm) ([]ChairTerm, error)
	ChairTerms(ctx context.Context, actor *Actor, collabID string) ([]ChairTerm, error)

	// ProposeAdjustment proposes a change of the working form; see
	// Adjustment for when it takes effect.
	ProposeAdjustment(ctx context.Context, actor *Actor, collabID string, in AdjustmentInput) (*Adjustment, error)
	FindAdjustment(ctx context.Context, actor *Actor, id string) (*Adjustment, error)
	ListAdjustments(ctx context.Context, actor *Actor, collabID string) ([]Adjustment, error)

	AddDocument(ctx context.Context, actor *Actor, collabID string, in DocumentInput) (*Document, error)
	DocumentContent(ctx context.Context, actor *Actor, collabID, docID string) (*Document, []byte, error)
	DeleteDocument(ctx context.Context, actor *Actor, collabID, docID string) error

	Timeline(ctx context.Context, actor *Actor, collabID string) ([]TimelineEntry, error)

	ConsentService
}
