package samspil

import (
	"context"
	"slices"
	"time"
)

// NoticeKind says what an e-mail notice is about.
type NoticeKind string

// Notice kinds.
const (
	NoticeMeeting  NoticeKind = "meeting"  // a meeting of a forum you sit in is coming up, with its agenda
	NoticeVote     NoticeKind = "vote"     // a decision waits for your organisation's vote
	NoticeAction   NoticeKind = "action"   // an action item of yours is due
	NoticeDeadline NoticeKind = "deadline" // the last day to give notice on a contract of your organisation is near
	NoticeConsent  NoticeKind = "consent"  // an invitation or a change of its terms waits for your organisation's answer
	// NoticeOversight: the next oversight of a data processing of your
	// organisation is near.
	NoticeOversight NoticeKind = "oversight"
)

// NoticeKinds lists the kinds.
var NoticeKinds = []NoticeKind{NoticeMeeting, NoticeVote, NoticeAction, NoticeDeadline, NoticeConsent, NoticeOversight}

// Valid reports whether k is a known kind.
func (k NoticeKind) Valid() bool { return slices.Contains(NoticeKinds, k) }

// NoticeStatus is where a notice is on its way.
type NoticeStatus string

// Notice statuses.
const (
	NoticePending NoticeStatus = "pending" // waiting to be sent (again)
	NoticeSending NoticeStatus = "sending" // claimed by a sender
	NoticeSent    NoticeStatus = "sent"
	NoticeFailed  NoticeStatus = "failed"  // given up: refused by the server or too many attempts
	NoticeUnknown NoticeStatus = "unknown" // the sender stopped while sending; not sent again, so never twice
)

// Notice is one e-mail to one person. Its key says what it is about (the
// meeting and its time, the decision and the organisation, ...), so the
// same notice is queued once however often the job runs.
type Notice struct {
	ID        string
	Key       string
	UserID    string
	Email     string
	Kind      NoticeKind
	Subject   string
	Body      string
	Status    NoticeStatus
	Attempts  int
	NextTryAt time.Time
	LastError string
	SentAt    *time.Time
	CreatedAt time.Time
}

// NoticeHorizons say how early each kind of notice goes out.
type NoticeHorizons struct {
	Meeting  time.Duration // before a meeting starts
	Action   time.Duration // before an action item is due
	Deadline time.Duration // before the last day to give notice on a contract
	// Oversight is before the next oversight of a data processing; zero
	// means as Deadline.
	Oversight time.Duration
}

// NoticeSubject is what a notice is about, found by the store for the job,
// which writes the text.
type NoticeSubject struct {
	Kind     NoticeKind
	Key      string
	UserID   string
	Email    string
	Name     string
	Meeting  *Meeting    // NoticeMeeting
	Decision *Decision   // NoticeVote
	OrgName  string      // NoticeVote, NoticeDeadline: the organisation concerned
	Action   *ActionItem // NoticeAction
	Contract *Contract   // NoticeDeadline
	// NoticeOversight: the registration whose next oversight is near, of
	// the organisation OrgName.
	DataProcessing *DataProcessingRegistration
	// NoticeConsent: an invitation of the organisation OrgName, or an
	// adjustment of Collaboration that waits for its approval.
	Invitation    *Invitation
	Adjustment    *Adjustment
	Collaboration string
}

// NoticeService keeps the notice queue. Only the system (the job) uses the
// queue; people set their own opt-outs.
type NoticeService interface {
	// NoticeSubjects finds what should be noticed at now to people who
	// have not opted out of its kind and have not had it yet.
	NoticeSubjects(ctx context.Context, actor *Actor, now time.Time, h NoticeHorizons) ([]NoticeSubject, error)
	// QueueNotice queues a notice unless one with its key exists; it
	// reports whether it queued it.
	QueueNotice(ctx context.Context, actor *Actor, n Notice) (bool, error)
	// ClaimNotices marks up to limit pending notices due at now as being
	// sent and returns them; sending notices left by a stopped sender
	// become unknown and are not sent again.
	ClaimNotices(ctx context.Context, actor *Actor, now time.Time, limit int) ([]Notice, error)
	// FinishNotice records how sending went: sent, failed, or pending
	// again from next.
	FinishNotice(ctx context.Context, actor *Actor, id string, status NoticeStatus, lastError string, next time.Time) error
	// NoticeOptOuts returns the kinds the user does not want.
	NoticeOptOuts(ctx context.Context, actor *Actor, userID string) ([]NoticeKind, error)
	// SetNoticeOptOuts replaces the kinds the user does not want; only the
	// user (or an operator) may.
	SetNoticeOptOuts(ctx context.Context, actor *Actor, userID string, kinds []NoticeKind) error
}
