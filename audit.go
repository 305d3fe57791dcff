package samspil

import (
	"context"
	"encoding/json"
	"time"
)

// AuditEvent records one change or login. Events are append-only: the
// database refuses to update or delete them.
type AuditEvent struct {
	ID             string          `json:"id"`
	Time           time.Time       `json:"time"`
	ActorKind      ActorKind       `json:"actor_kind"`
	ActorUserID    string          `json:"actor_user_id,omitempty"`
	ActorLabel     string          `json:"actor_label" doc:"The actor's display name at the time, or the system component"`
	OrganizationID string          `json:"organization_id,omitempty"`
	Action         string          `json:"action" doc:"e.g. organization.update, login.failure"`
	ObjectType     string          `json:"object_type"`
	ObjectID       string          `json:"object_id,omitempty"`
	Before         json.RawMessage `json:"before,omitempty"`
	After          json.RawMessage `json:"after,omitempty"`
	RequestID      string          `json:"request_id,omitempty"`
}

// AuditFilter selects audit events.
type AuditFilter struct {
	OrganizationID string
	Action         string
	ObjectType     string
	ObjectID       string
	Since          *time.Time
	Until          *time.Time
	ListOptions
}

// AuditService reads the audit log; writing happens inside every change.
type AuditService interface {
	// ListAuditEvents returns events of organisations where the actor may read
	// the audit log, newest first.
	ListAuditEvents(ctx context.Context, actor *Actor, f AuditFilter) (*Page[AuditEvent], error)
	FindAuditEvent(ctx context.Context, actor *Actor, id string) (*AuditEvent, error)
}

type requestIDKey struct{}

// WithRequestID returns a context carrying the request id, which audit events
// and logs record.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id carried by ctx, or "".
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey{}).(string)
	return s
}
