// Package approval is the gate between a proposed change and its execution:
// plans are proposed under policy, gather approvals from distinct people,
// expire when nobody decides, and on approval become one task per action,
// routed to the worker that owns the action's target. Every decision and
// every refusal is written to the audit log in the same transaction as the
// change it records.
package approval

import (
	"context"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/events"
	"github.com/wingman-dev/wingman/core/policy"
	"github.com/wingman-dev/wingman/core/store"
)

// Service decides plans. Policy is read on every decision, so a reloaded
// policy's deny list applies at once to plans under review; how many
// approvals a plan needs and when it expires are fixed when it is proposed.
type Service struct {
	Store  store.Store
	Policy func() *policy.Policy
	Hub    *events.Hub
	Now    func() time.Time
	// OfflineGrace is how long a task's lease is left alone while its
	// worker is unreachable: the worker keeps running the tasks it holds
	// offline and delivers their results when it is back. Zero is no grace.
	OfflineGrace time.Duration
	// CheckAction, when set, vets every action of a proposed plan before
	// policy does: the skills wiring refuses the actions of sandboxed
	// skills there, whoever proposes the plan.
	// It reads through the proposing transaction.
	CheckAction func(store.Tx, domain.Action) error
}

// update runs fn in a transaction and announces its changes after commit.
// A refusal is returned by fn through *refused, not as an error, so that
// the audit event recording it commits.
func (s *Service) update(ctx context.Context, fn func(tx store.Tx, b *events.Batch, refused *error) error) error {
	var b events.Batch
	var refused error
	err := s.Store.Update(ctx, func(tx store.Tx) error {
		b.Reset()
		refused = nil
		return fn(tx, &b, &refused)
	})
	if err != nil {
		return err
	}
	s.Hub.Flush(&b)
	return refused
}

// audit appends an event acted by p.
func audit(tx store.Tx, p domain.Principal, at time.Time, action, subject string, outcome domain.Outcome,
	reason string, detail map[string]any) error {
	return tx.AppendAudit(event(p, at, action, subject, outcome, reason, detail))
}

// event is an audit event acted by p.
func event(p domain.Principal, at time.Time, action, subject string, outcome domain.Outcome,
	reason string, detail map[string]any) *domain.AuditEvent {
	return &domain.AuditEvent{At: at, ActorKind: p.Kind, ActorID: p.UserID, ActorName: p.Name,
		ActorRole: p.Role, Action: action, Subject: subject, Outcome: outcome, Reason: reason, Detail: detail}
}
