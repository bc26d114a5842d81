package approval

import (
	"context"
	"fmt"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/events"
	"github.com/wingman-dev/wingman/core/store"
)

// Claim hands up to n of worker's oldest queued tasks to it, leased until
// the lease ends, and moves their plans to running. It returns no tasks
// when none wait.
func (s *Service) Claim(ctx context.Context, worker domain.Principal, n int, lease time.Duration) ([]domain.Task, error) {
	now := s.Now()
	tasks, moved, err := s.Store.ClaimTasks(ctx, worker.WorkerID, n, now, now.Add(lease), worker)
	if err != nil || len(tasks) == 0 {
		return tasks, err
	}
	var b events.Batch
	for _, t := range tasks {
		b.Changed("task", t.ID, now)
	}
	for _, id := range moved {
		b.Changed("plan", id, now)
	}
	s.Hub.Flush(&b)
	return tasks, nil
}

// CheckedResult is a worker's result checked against its task.
type CheckedResult struct {
	Task   domain.Task
	Result domain.ExecutionResultPayload
	// Refused says why the result is refused: nothing of it may be stored.
	Refused error
	// Stale marks the result of an attempt a later one has overtaken: it
	// is acknowledged and changes nothing.
	Stale bool
}

// CheckResults reads the tasks of a worker's results and checks each
// result against its task. Only a store failure is returned as an error.
func (s *Service) CheckResults(tx store.Tx, worker domain.Principal, rs []domain.ExecutionResultPayload) ([]CheckedResult, error) {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.TaskID
	}
	tasks, err := tx.GetTasks(ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]domain.Task, len(tasks))
	for _, t := range tasks {
		byID[t.ID] = t
	}
	out := make([]CheckedResult, len(rs))
	for i, r := range rs {
		task, ok := byID[r.TaskID]
		c := CheckedResult{Task: task, Result: r}
		switch {
		case !ok:
			c.Refused = fmt.Errorf("task %s: %w", r.TaskID, domain.ErrNotFound)
		case task.WorkerID != worker.WorkerID:
			c.Refused = fmt.Errorf("task %s belongs to worker %s: %w", task.ID, task.WorkerID, domain.ErrForbidden)
		case !r.Status.Finished():
			c.Refused = fmt.Errorf("result of %s: status %q is not succeeded, failed or rolled_back: %w", task.ID, r.Status, domain.ErrInvalid)
		default:
			// A result of an earlier attempt counts while the task waits in
			// the queue (its worker ran it offline and came back after the
			// lease was reclaimed: taking the result spares a second run),
			// not once a later attempt has started.
			c.Stale = r.Attempt != 0 && r.Attempt != task.Attempts && task.Status != domain.TaskQueued
		}
		out[i] = c
	}
	return out, nil
}

// FinishResults records the checked results that are neither refused nor
// stale (the caller leaves out those it has stored before), and the end of every plan whose last task they end: succeeded
// when every task did, rolled_back when a failed action was undone,
// failed otherwise. A result for a task that has ended changes nothing.
func (s *Service) FinishResults(tx store.Tx, b *events.Batch, worker domain.Principal, cs []CheckedResult) error {
	ends := make([]taskEnd, 0, len(cs))
	for _, c := range cs {
		if c.Refused == nil && !c.Stale {
			ends = append(ends, taskEnd{c.Task, c.Result})
		}
	}
	return s.finish(tx, b, worker, ends)
}

// taskEnd is a task and the result that ends it.
type taskEnd struct {
	task   domain.Task
	result domain.ExecutionResultPayload
}

// finish ends running tasks for actor (the worker, or the system when a
// lease ran out), then the plans they were the last of.
func (s *Service) finish(tx store.Tx, b *events.Batch, actor domain.Principal, ends []taskEnd) error {
	if len(ends) == 0 {
		return nil
	}
	now := s.Now()
	rows := make([]domain.TaskEnd, 0, len(ends))
	named := make(map[string]bool, len(ends))
	for _, e := range ends {
		// Of two results for one task in a batch the first counts, as it
		// would have sent one at a time.
		if !named[e.task.ID] {
			named[e.task.ID] = true
			rows = append(rows, domain.TaskEnd{ID: e.task.ID, Status: e.result.Status, Output: e.result.Output, Error: e.result.Error, At: now})
		}
	}
	// A task ends once: of a late result and a lease sweep racing for one
	// task, the first to commit decides, the other changes nothing.
	endedIDs, err := tx.FinishTasks(rows)
	if err != nil || len(endedIDs) == 0 {
		return err
	}
	ended := make(map[string]bool, len(endedIDs))
	for _, id := range endedIDs {
		ended[id] = true
	}
	var evs []*domain.AuditEvent
	var plans []string
	seen := map[string]bool{}
	for _, e := range ends {
		if !ended[e.task.ID] {
			continue
		}
		ended[e.task.ID] = false // a task named twice ends once
		b.Changed("task", e.task.ID, now)
		evs = append(evs, event(actor, now, "task.finish", e.task.ID, domain.OutcomeOK, e.result.Error,
			map[string]any{"plan": e.task.PlanID, "status": e.result.Status, "attempt": e.task.Attempts}))
		if !seen[e.task.PlanID] {
			seen[e.task.PlanID] = true
			plans = append(plans, e.task.PlanID)
		}
	}
	// The plan row locks make concurrent results of one plan's tasks
	// decide its end one after the other, so exactly one of them counts
	// the last task finished.
	if err := tx.LockPlans(plans); err != nil {
		return err
	}
	// Most results leave their plan open: ask that first, in one probe a
	// plan, and count only the plans that ended.
	over, err := tx.EndedPlans(plans)
	if err != nil {
		return err
	}
	counts, err := tx.TaskCounts(over)
	if err != nil {
		return err
	}
	for _, plan := range over {
		status, done := planOutcome(counts[plan])
		if !done {
			continue
		}
		if err := tx.SetPlanStatus(plan, status, nil); err != nil {
			return err
		}
		b.Changed("plan", plan, now)
		evs = append(evs, event(domain.System, now, "plan.finish", plan, domain.OutcomeOK, "", map[string]any{"status": status}))
	}
	return tx.AppendAudits(evs)
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
