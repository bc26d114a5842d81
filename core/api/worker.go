package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/wingman-dev/wingman/core/auth"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/ingest"
)

func (s *Server) ingest(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	if err := auth.RequireWorker(p, ""); err != nil {
		return err
	}
	// The body is read before the backlog gate: a slow sender must not
	// hold one of its few slots.
	body, err := readBody(w, r, s.MaxBody)
	if err != nil {
		return err
	}
	if r.Header.Get(domain.BacklogHeader) != "" && s.SyncGate != nil {
		release, ok := s.SyncGate.TryAdmit(r.Context(), backlogWait)
		if !ok {
			w.Header().Set("Retry-After", "1")
			return fmt.Errorf("backlog sync is at its limit; send again after a second: %w", domain.ErrRateLimited)
		}
		defer release()
	}
	env, err := ingest.Decode(body)
	if err != nil {
		return err
	}
	if err := auth.RequireWorker(p, env.WorkerID); err != nil {
		// A worker speaking for another is worth a record, not only a 403.
		return s.refused(r.Context(), p, "ingest", env.WorkerID, err)
	}
	resp, err := s.Ingest.Ingest(r.Context(), p, env)
	if err != nil {
		return err
	}
	status := http.StatusAccepted
	if resp.Duplicate {
		status = http.StatusOK
	}
	writeJSON(w, status, resp)
	return nil
}

// backlogWait is how long a backlog envelope waits for a slot before it is
// told to come back later.
const backlogWait = 2 * time.Second

// nextTask is a worker's long poll: it answers with the worker's oldest
// queued task, or waits up to ?wait= for one to be queued, then answers
// 204.
func (s *Server) nextTask(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	if err := auth.RequireWorker(p, ""); err != nil {
		return err
	}
	wait := time.Duration(0)
	if v := r.URL.Query().Get("wait"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return fmt.Errorf("wait=%q must be a Go duration such as 30s: %w", v, domain.ErrInvalid)
		}
		wait = min(d, s.MaxTaskWait)
	}
	deadline := time.Now().Add(wait)
	for {
		task, err := s.Approvals.Claim(r.Context(), p, s.TaskLease)
		if err == nil {
			writeJSON(w, http.StatusOK, domain.WorkerTask{TaskID: task.ID, TaskType: domain.TaskExecuteScript,
				ScriptID: task.Plugin + "." + task.Action, Params: task.Params, TimeoutSeconds: taskTimeout(s.TaskLease),
				PlanID: task.PlanID, Plugin: task.Plugin, Action: task.Action, Target: task.Target,
				BlastRadius: task.BlastRadius, Attempt: task.Attempts})
			return nil
		}
		if !errors.Is(err, domain.ErrNotFound) {
			return err
		}
		left := time.Until(deadline)
		select {
		case <-s.Hub.Closed():
			left = 0 // shutting down: the worker will poll again elsewhere
		default:
		}
		if left <= 0 || r.Context().Err() != nil {
			w.WriteHeader(http.StatusNoContent)
			return nil
		}
		s.Hub.WaitWake(p.WorkerID, min(left, s.TaskPoll), r.Context().Done())
	}
}

// taskTimeout is how long a worker may run a task: its lease less a margin
// for the plugin's checks and the report, so that a task that runs out its
// time is reported before the lease is reclaimed.
func taskTimeout(lease time.Duration) int {
	margin := min(lease/5, time.Minute)
	return max(1, int((lease - margin).Seconds()))
}
