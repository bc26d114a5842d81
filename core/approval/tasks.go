package approval

import (
	"context"
	"fmt"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/events"
	"github.com/wingman-dev/wingman/core/store"
)

// Claim hands the oldest queued task of worker to it, leased until the
// lease ends, and moves the plan to running. It returns domain.ErrNotFound
// when nothing is queued.
func (s *Service) Claim(ctx context.Context, worker domain.Principal, lease time.Duration) (domain.Task, error) {
	var task domain.Task
	err := s.update(ctx, func(tx store.Tx, b *events.Batch, _ *error) error {
		now := s.Now()
		var err error
		if task, err = tx.ClaimTask(worker.WorkerID, now, now.Add(lease)); err != nil {
			return err
		}
		b.Changed("task", task.ID, now)
		if moved, err := tx.AdvancePlan(task.PlanID, domain.PlanDispatched, domain.PlanRunning); err != nil {
			return err
		} else if moved {
			b.Changed("plan", task.PlanID, now)
		}
		return audit(tx, worker, now, "task.start", task.ID, domain.OutcomeOK, "",
			map[string]any{"plan": task.PlanID, "action": task.Plugin + " " + task.Action, "target": task.Target})
	})
	return task, err
}

// Finish records a worker's result for one of its tasks, and when it was
// the plan's last task, the plan's end: succeeded when every task did,
// rolled_back when a failed action was undone, failed otherwise. A result
// for a task that has ended, or for an earlier attempt of one whose next
// attempt has started, changes nothing.
func (s *Service) Finish(tx store.Tx, b *events.Batch, worker domain.Principal, r domain.ExecutionResultPayload) error {
	task, err := tx.GetTask(r.TaskID)
	if err != nil {
		return err
	}
	if task.WorkerID != worker.WorkerID {
		return fmt.Errorf("task %s belongs to worker %s: %w", task.ID, task.WorkerID, domain.ErrForbidden)
	}
	if !r.Status.Finished() {
		return fmt.Errorf("result of %s: status %q is not succeeded, failed or rolled_back: %w", task.ID, r.Status, domain.ErrInvalid)
	}
	// A result of an earlier attempt counts while the task waits in the
	// queue (its worker ran it offline and came back after the lease was
	// reclaimed: taking the result spares a second run), not once a later
	// attempt has started.
	if r.Attempt != 0 && r.Attempt != task.Attempts && task.Status != domain.TaskQueued {
		return nil
	}
	return s.finish(tx, b, worker, task, r)
}

// finish ends a running task for actor (the worker, or the system when a
// lease ran out).
func (s *Service) finish(tx store.Tx, b *events.Batch, actor domain.Principal, task domain.Task, r domain.ExecutionResultPayload) error {
	now := s.Now()
	// A task ends once: of a late result and a lease sweep racing for one
	// task, the first to commit decides, the other changes nothing.
	ended, err := tx.FinishTask(task.ID, r.Status, r.Output, r.Error, now)
	if err != nil || !ended {
		return err
	}
	b.Changed("task", task.ID, now)
	if err := audit(tx, actor, now, "task.finish", task.ID, domain.OutcomeOK, r.Error,
		map[string]any{"plan": task.PlanID, "status": r.Status, "attempt": task.Attempts}); err != nil {
		return err
	}
	// The plan row lock makes concurrent results of one plan's tasks
	// decide its end one after the other, so exactly one of them counts
	// the last task finished.
	if _, err := tx.PlanStatus(task.PlanID, true); err != nil {
		return err
	}
	counts, err := tx.TaskCounts(task.PlanID)
	if err != nil {
		return err
	}
	status, done := planOutcome(counts)
	if !done {
		return nil
	}
	if err := tx.SetPlanStatus(task.PlanID, status, nil); err != nil {
		return err
	}
	b.Changed("plan", task.PlanID, now)
	return audit(tx, domain.System, now, "plan.finish", task.PlanID, domain.OutcomeOK, "", map[string]any{"status": status})
}

// planOutcome folds task counts into the plan's end, if it has ended:
// failed if any task failed, rolled_back if any was rolled back, else
// succeeded.
func planOutcome(counts map[domain.TaskStatus]int) (domain.PlanStatus, bool) {
	if counts[domain.TaskQueued]+counts[domain.TaskRunning] > 0 {
		return "", false
	}
	switch {
	case counts[domain.TaskFailed] > 0:
		return domain.PlanFailed, true
	case counts[domain.TaskRolledBack] > 0:
		return domain.PlanRolledBack, true
	}
	return domain.PlanSucceeded, true
}
