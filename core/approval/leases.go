package approval

import (
	"context"
	"fmt"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/events"
	"github.com/wingman-dev/wingman/core/store"
)

// ReclaimLeases deals with tasks whose worker stopped answering mid-task:
// an idempotent action goes back to the queue (up to domain.MaxAttempts);
// anything else fails, because running it twice could do harm. A task is
// never dropped silently: each decision is audited. It returns how many
// tasks it reclaimed. A task of an unreachable worker is left alone for
// OfflineGrace after the worker was last heard of: the worker holds it in
// its inbox and runs it offline.
func (s *Service) ReclaimLeases(ctx context.Context) (int, error) {
	n := 0
	err := s.update(ctx, func(tx store.Tx, b *events.Batch, _ *error) error {
		now := s.Now()
		expired, err := tx.ExpiredLeases(now, now.Add(-s.OfflineGrace))
		if err != nil {
			return err
		}
		n = len(expired)
		var failed []taskEnd
		for _, t := range expired {
			if domain.Idempotent(t.Plugin, t.Action) && t.Attempts < domain.MaxAttempts {
				if err := tx.RequeueTask(t.ID); err != nil {
					return err
				}
				if err := tx.NotifyTask(t.WorkerID); err != nil {
					return err
				}
				b.Changed("task", t.ID, now)
				b.Wake(t.WorkerID)
				if err := audit(tx, domain.System, now, "task.retry", t.ID, domain.OutcomeOK,
					fmt.Sprintf("worker %s held the task past its lease; %s.%s is idempotent, so it runs again (attempt %d of %d)",
						t.WorkerID, t.Plugin, t.Action, t.Attempts+1, domain.MaxAttempts), nil); err != nil {
					return err
				}
				continue
			}
			why := fmt.Sprintf("worker %s held the task past its lease", t.WorkerID)
			if domain.Idempotent(t.Plugin, t.Action) {
				why += fmt.Sprintf(" on all %d attempts", t.Attempts)
			} else {
				why += fmt.Sprintf("; %s.%s is not idempotent, so it is not run again", t.Plugin, t.Action)
			}
			failed = append(failed, taskEnd{t, domain.ExecutionResultPayload{TaskID: t.ID, Status: domain.TaskFailed, Error: why}})
		}
		return s.finish(tx, b, domain.System, failed)
	})
	return n, err
}

// AbandonWorker fails every task a removed worker still had, queued or
// running, so that their plans end instead of waiting for ever.
func (s *Service) AbandonWorker(tx store.Tx, b *events.Batch, workerID string) error {
	open, err := tx.OpenTasks(workerID)
	if err != nil {
		return err
	}
	ends := make([]taskEnd, len(open))
	for i, t := range open {
		ends[i] = taskEnd{t, domain.ExecutionResultPayload{TaskID: t.ID, Status: domain.TaskFailed,
			Error: fmt.Sprintf("worker %s was removed before the task ran to its end", workerID)}}
	}
	return s.finish(tx, b, domain.System, ends)
}
