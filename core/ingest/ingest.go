package ingest

import (
	"context"
	"fmt"
	"time"

	"github.com/wingman-dev/wingman/core/advisor"
	"github.com/wingman-dev/wingman/core/approval"
	"github.com/wingman-dev/wingman/core/auth"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/events"
	"github.com/wingman-dev/wingman/core/store"
)

// Service stores envelopes.
type Service struct {
	Store     store.Store
	Advisor   *advisor.Advisor
	Approvals *approval.Service
	Hub       *events.Hub
	Now       func() time.Time
	// TaskLease is how far a heartbeat renews the leases of the tasks its
	// worker holds.
	TaskLease time.Duration
	// Counted is told how many facts each stored envelope carried (metrics).
	Counted func(pt domain.PayloadType, facts int)
}

// Ingest stores env for worker p. The whole envelope commits or nothing
// does; an envelope seen before is acknowledged as a duplicate and changes
// nothing.
func (s *Service) Ingest(ctx context.Context, p domain.Principal, env domain.Envelope) (domain.IngestResponse, error) {
	resp := domain.IngestResponse{ID: env.ID}
	if err := auth.RequireWorker(p, env.WorkerID); err != nil {
		return resp, fmt.Errorf("ingest: %w", err)
	}
	if env.PayloadType == domain.PayloadExecutionResult {
		items, err := s.results(ctx, p, []domain.Envelope{env})
		if err != nil {
			return resp, err
		}
		return items[0].IngestResponse, items[0].err
	}
	apply, n, err := s.prepare(p, env)
	if err != nil {
		return resp, fmt.Errorf("ingest %s: %w", env.PayloadType, err)
	}
	var b events.Batch
	err = s.Store.Update(ctx, func(tx store.Tx) error {
		b.Reset()
		fresh, err := tx.MarkEnvelopes(env.WorkerID, []string{env.ID}, env.PayloadType, s.Now())
		if err != nil || !fresh[env.ID] {
			resp.Duplicate = err == nil
			return err
		}
		return apply(tx, &b)
	})
	if err != nil {
		return resp, fmt.Errorf("ingest %s: %w", env.PayloadType, err)
	}
	s.Hub.Flush(&b)
	if !resp.Duplicate {
		resp.Accepted = n
		if s.Counted != nil {
			s.Counted(env.PayloadType, n)
		}
	}
	return resp, nil
}

// prepare decodes the payload before any transaction starts, and returns
// what to do inside it and how many items it holds.
func (s *Service) prepare(p domain.Principal, env domain.Envelope) (func(store.Tx, *events.Batch) error, int, error) {
	switch env.PayloadType {
	case domain.PayloadFacts:
		facts, err := decodeFacts(env)
		if err != nil {
			return nil, 0, err
		}
		return func(tx store.Tx, b *events.Batch) error {
			changes, err := tx.ApplyFacts(facts)
			if err != nil {
				return err
			}
			if len(changes) > 0 {
				// One event per envelope, naming the worker: a view re-reads
				// that worker's facts, however many changed.
				b.Changed("facts", env.WorkerID, s.Now())
			}
			if err := s.Advisor.OnFacts(tx, b, changes); err != nil {
				return err
			}
			return s.Advisor.OnSeen(tx, b, facts)
		}, len(facts), nil
	case domain.PayloadLogs:
		sums, err := decodeLogs(env)
		if err != nil {
			return nil, 0, err
		}
		return func(tx store.Tx, _ *events.Batch) error { return tx.AddLogSummaries(env.WorkerID, sums) }, len(sums), nil
	case domain.PayloadHealth:
		var h domain.HealthPayload
		if err := decodeStrict(env.Payload, &h, "health payload"); err != nil {
			return nil, 0, err
		}
		switch h.Status {
		case "":
			h.Status = domain.WorkerHealthy
		case domain.WorkerHealthy, domain.WorkerDegraded:
		default:
			// Unreachable and unknown are the control plane's words about a
			// worker, never a worker's about itself.
			return nil, 0, fmt.Errorf("health status %q is not healthy or degraded: %w", h.Status, domain.ErrInvalid)
		}
		if err := checkHealth(h); err != nil {
			return nil, 0, err
		}
		return func(tx store.Tx, b *events.Batch) error { return s.health(tx, b, env, h) }, 1, nil
	}
	return nil, 0, fmt.Errorf("payload_type %q: %w", env.PayloadType, domain.ErrInvalid)
}
