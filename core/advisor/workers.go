package advisor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/events"
	"github.com/wingman-dev/wingman/core/store"
)

// SweepWorkers marks every worker silent for longer than silence as
// unreachable and opens an incident for it. No plan comes with it: nothing
// can run on a worker that does not answer, so the incident tells a person
// where to look instead.
func (a *Advisor) SweepWorkers(ctx context.Context, s store.Store, hub *events.Hub, silence time.Duration) (int, error) {
	var b events.Batch
	n := 0
	err := s.Update(ctx, func(tx store.Tx) error {
		b.Reset()
		now := a.Now()
		silent, err := tx.SilentWorkers(now.Add(-silence))
		if err != nil {
			return err
		}
		n = len(silent)
		for _, w := range silent {
			if err := a.markUnreachable(tx, &b, w, now); err != nil {
				return fmt.Errorf("worker %s: %w", w.ID, err)
			}
		}
		return nil
	})
	if err == nil {
		hub.Flush(&b)
	}
	return n, err
}

func (a *Advisor) markUnreachable(tx store.Tx, b *events.Batch, w domain.Worker, now time.Time) error {
	if err := tx.SetWorkerHealth(w.ID, domain.WorkerUnreachable); err != nil {
		return err
	}
	b.Changed("worker", w.ID, now)
	last := "it has never reported"
	if w.LastSeenAt != nil {
		last = "it last reported at " + w.LastSeenAt.UTC().Format(time.RFC3339)
	}
	if _, err := tx.OpenIncident(w.ID, "worker", w.ID); err == nil {
		return nil
	} else if !errors.Is(err, domain.ErrNotFound) {
		return err
	}
	inc := domain.Incident{Kind: "worker_unreachable", Severity: domain.SeverityCritical, State: domain.IncidentOpen,
		Title:    fmt.Sprintf("worker %s stopped reporting", w.ID),
		Detail:   fmt.Sprintf("Worker %s at %s missed its heartbeats; %s. Check that wingworker runs on that host and can reach the control plane; no plan is proposed because nothing can run on a worker that does not answer.", w.ID, w.SiteName, last),
		SiteName: w.SiteName, WorkerID: w.ID, TargetType: "worker", Target: w.ID, OpenedAt: now}
	if err := tx.CreateIncident(&inc); err != nil {
		return err
	}
	b.Changed("incident", inc.ID, now)
	return tx.AppendAudit(&domain.AuditEvent{At: now, ActorKind: domain.PrincipalSystem, ActorID: domain.System.UserID,
		ActorName: domain.System.Name, Action: "incident.open", Subject: inc.ID, Outcome: domain.OutcomeOK, Reason: inc.Detail})
}

// WorkerBack resolves a worker's unreachable incident when it reports
// again, inside the ingest transaction.
func (a *Advisor) WorkerBack(tx store.Tx, b *events.Batch, workerID string) error {
	return a.resolve(tx, b, workerID, "worker", workerID, "worker reported again")
}
