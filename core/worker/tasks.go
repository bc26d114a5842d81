package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/offline"
)

// runTasks first finishes the tasks the inbox held when the worker
// started, then long-polls for new ones, a few at once, and runs them one
// at a time in the order handed out. The held tasks run whether or not
// the control plane answers: they were approved before the outage.
func (w *Worker) runTasks(ctx context.Context) {
	for _, h := range w.Inbox.Held() {
		if ctx.Err() != nil {
			return
		}
		w.execute(ctx, h)
	}
	failures := 0
	for ctx.Err() == nil {
		ts, err := w.Client.NextTasks(ctx, 30*time.Second, taskBatch)
		if err != nil {
			if ctx.Err() == nil {
				failures++
				wait := backoff(failures, 5*time.Second)
				w.Log.Warn("take task", "err", err, "retry_in", wait)
				select {
				case <-ctx.Done():
				case <-time.After(wait):
				}
			}
			continue
		}
		failures = 0
		// All are recorded before any runs: the inbox holds them through a
		// restart, and the heartbeat renews their leases meanwhile.
		held := make([]offline.HeldTask, 0, len(ts))
		for _, t := range ts {
			fresh, err := w.Inbox.Add(t)
			switch {
			case err != nil:
				// Unrecorded, a crash could run the task twice: refuse it.
				held = append(held, offline.HeldTask{Task: t, State: offline.TaskFinished,
					Result: failure(t, w.Now(), fmt.Sprintf("refused by worker: the task could not be recorded on disk: %v", err))})
			case !fresh:
				w.Log.Warn("task handed out again while held; not run twice", "task", t.TaskID, "attempt", t.Attempt)
			default:
				held = append(held, offline.HeldTask{Task: t, State: offline.TaskReceived})
			}
		}
		for _, h := range held {
			if ctx.Err() != nil {
				return // the rest wait in the inbox for the next start
			}
			w.execute(ctx, h)
		}
	}
}

// taskBatch is the most tasks one long poll takes. Tasks of one plan run
// in order, one at a time, so taking several saves round trips, not time
// on the host; those waiting their turn are held in the inbox, and the
// heartbeat renews their leases.
const taskBatch = 32

// execute takes a held task from where it is to a result in the outbox.
func (w *Worker) execute(ctx context.Context, h offline.HeldTask) {
	t := h.Task
	switch h.State {
	case offline.TaskReceived:
		if err := w.Inbox.Start(t.TaskID); err != nil {
			// Unrecorded, a restart would run it again: do not run it.
			w.Log.Error("record task start; not running it", "task", t.TaskID, "err", err)
			h.Result = failure(t, w.Now(), fmt.Sprintf("refused by worker: the task's start could not be recorded on disk: %v", err))
			break
		}
		res := w.run(ctx, t)
		h.Result = &res
	case offline.TaskStarted:
		// The worker stopped while the task ran. Only an action that may
		// run twice is run again.
		if !domain.Idempotent(t.Plugin, t.Action) {
			h.Result = failure(t, w.Now(), fmt.Sprintf("interrupted: the worker stopped while %s.%s ran; "+
				"it is not idempotent, so it is not run again", t.Plugin, t.Action))
			break
		}
		w.Log.Info("running again a task the worker stopped in", "task", t.TaskID)
		res := w.run(ctx, t)
		h.Result = &res
	}
	w.Log.Info("task finished", "task", t.TaskID, "plan", t.PlanID, "action", t.Plugin+"."+t.Action,
		"target", t.Target, "status", h.Result.Status)
	if h.State != offline.TaskFinished {
		if err := w.Inbox.Finish(t.TaskID, *h.Result); err != nil {
			w.Log.Error("record task result", "task", t.TaskID, "err", err)
		}
	}
	w.deliver(ctx, *h.Result)
	// A finished task changes what the collectors see.
	w.collect(ctx)
}

// deliver puts a result in the outbox, then forgets the task. A result is
// never dropped: while the buffer is full it is retried, and it stays in
// the inbox meanwhile, so a restart picks it up.
func (w *Worker) deliver(ctx context.Context, res domain.ExecutionResultPayload) {
	raw, err := json.Marshal(res)
	if err != nil {
		w.Log.Error("encode result", "task", res.TaskID, "err", err)
		return
	}
	for failures := 1; ; failures++ {
		env := domain.Envelope{ID: newID(), WorkerID: w.Config.ID, SiteName: w.Config.SiteName, Timestamp: w.Now().UTC(),
			PayloadType: domain.PayloadExecutionResult, Payload: raw}
		name, err := w.Outbox.Put(env)
		if err == nil {
			w.Log.Debug("buffered", "file", name, "id", env.ID)
			break
		}
		if !errors.Is(err, offline.ErrFull) || ctx.Err() != nil {
			w.Log.Error("buffer task result; it stays in the inbox", "task", res.TaskID, "err", err)
			return
		}
		w.Log.Error("offline buffer full; retrying the task result", "task", res.TaskID, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff(failures, 30*time.Second)):
		}
	}
	if err := w.Inbox.Remove(res.TaskID); err != nil {
		w.Log.Error("forget delivered task", "task", res.TaskID, "err", err)
	}
}

// run checks that a task may run here, then runs it. A task that is not
// part of a plan, or names an action this worker does not have, is
// refused with the reason, never run.
func (w *Worker) run(ctx context.Context, t domain.WorkerTask) domain.ExecutionResultPayload {
	var res domain.ExecutionResultPayload
	switch {
	case t.PlanID == "":
		res = *failure(t, w.Now(), "refused by worker: the task belongs to no approved plan")
	case !w.Executor.Has(t.Plugin, t.Action):
		res = *failure(t, w.Now(), fmt.Sprintf("refused by worker: this worker has no %s.%s; it has %v",
			t.Plugin, t.Action, w.Executor.Capabilities()))
	default:
		res = w.Executor.Execute(ctx, t)
	}
	res.TaskID, res.Attempt = t.TaskID, t.Attempt
	return res
}

// failure is the failed result of a task the worker did not run (again).
func failure(t domain.WorkerTask, now time.Time, why string) *domain.ExecutionResultPayload {
	now = now.UTC()
	return &domain.ExecutionResultPayload{TaskID: t.TaskID, Attempt: t.Attempt, Status: domain.TaskFailed,
		Error: why, StartedAt: &now, FinishedAt: &now}
}
