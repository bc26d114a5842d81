package ingest

import (
	"context"
	"errors"
	"fmt"

	"github.com/wingman-dev/wingman/core/approval"
	"github.com/wingman-dev/wingman/core/auth"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/events"
	"github.com/wingman-dev/wingman/core/store"
)

// Item is what became of one envelope of a batch: stored (or a duplicate),
// or refused with Err. Nothing of a refused envelope is stored.
type Item struct {
	domain.IngestResponse
	err error
}

// Err says why the envelope was refused, or nil.
func (it Item) Err() error { return it.err }

// IngestBatch stores a worker's envelopes and answers for each, in order.
// Execution results share one transaction, so a worker reporting many
// tasks pays for one commit; every other envelope commits on its own, as
// Ingest does. An envelope refused (for another worker, a task that is not
// its own, a bad payload) leaves the rest unharmed. A failure of the
// store fails the whole batch: the worker sends it again, and ingest is
// idempotent.
func (s *Service) IngestBatch(ctx context.Context, p domain.Principal, envs []domain.Envelope) ([]Item, error) {
	items := make([]Item, len(envs))
	var results []domain.Envelope
	var at []int
	for i, env := range envs {
		items[i].ID = env.ID
		switch err := auth.RequireWorker(p, env.WorkerID); {
		case err != nil:
			items[i].err = fmt.Errorf("ingest: %w", err)
		case env.PayloadType == domain.PayloadExecutionResult:
			results, at = append(results, env), append(at, i)
		default:
			resp, err := s.Ingest(ctx, p, env)
			if err != nil && !refusal(err) {
				return nil, err
			}
			items[i] = Item{IngestResponse: resp, err: err}
		}
	}
	if len(results) > 0 {
		got, err := s.results(ctx, p, results)
		if err != nil {
			return nil, err
		}
		for k, i := range at {
			items[i] = got[k]
		}
	}
	return items, nil
}

// refusal reports whether err is the sender's doing rather than the
// store's.
func refusal(err error) bool {
	for _, e := range []error{domain.ErrInvalid, domain.ErrTooLarge, domain.ErrForbidden, domain.ErrNotFound, domain.ErrUnauthenticated} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// results stores a worker's execution results in one transaction: one read
// of their tasks, one mark of the envelopes that passed the checks, one
// update of the tasks they end.
func (s *Service) results(ctx context.Context, p domain.Principal, envs []domain.Envelope) ([]Item, error) {
	items := make([]Item, len(envs))
	rs := make([]domain.ExecutionResultPayload, 0, len(envs))
	var at []int
	for i, env := range envs {
		items[i].ID = env.ID
		var r domain.ExecutionResultPayload
		if err := decodeStrict(env.Payload, &r, "execution_result payload"); err != nil {
			items[i].err = fmt.Errorf("ingest %s: %w", env.PayloadType, err)
			continue
		}
		rs, at = append(rs, r), append(at, i)
	}
	var b events.Batch
	err := s.Store.Update(ctx, func(tx store.Tx) error {
		b.Reset()
		checked, err := s.Approvals.CheckResults(tx, p, rs)
		if err != nil {
			return err
		}
		var ids []string
		for k, c := range checked {
			it := &items[at[k]]
			it.err, it.Duplicate, it.Accepted = nil, false, 0
			if c.Refused != nil {
				it.err = fmt.Errorf("ingest %s: %w", domain.PayloadExecutionResult, c.Refused)
				continue
			}
			ids = append(ids, it.ID)
		}
		fresh, err := tx.MarkEnvelopes(p.WorkerID, ids, domain.PayloadExecutionResult, s.Now())
		if err != nil {
			return err
		}
		todo := make([]approval.CheckedResult, 0, len(ids))
		for k, c := range checked {
			it := &items[at[k]]
			if it.err != nil {
				continue
			}
			if !fresh[it.ID] {
				it.Duplicate = true // sent before, or twice in this batch: stored once
				continue
			}
			delete(fresh, it.ID)
			it.Accepted = 1
			todo = append(todo, c)
		}
		return s.Approvals.FinishResults(tx, &b, p, todo)
	})
	if err != nil {
		return nil, fmt.Errorf("ingest %s: %w", domain.PayloadExecutionResult, err)
	}
	s.Hub.Flush(&b)
	if s.Counted != nil {
		n := 0
		for _, it := range items {
			n += it.Accepted
		}
		s.Counted(domain.PayloadExecutionResult, n)
	}
	return items, nil
}
