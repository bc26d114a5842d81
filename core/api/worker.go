package api

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/wingman-dev/wingman/core/auth"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/ingest"
)

func (s *Server) ingest(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	if err := auth.RequireWorker(p, ""); err != nil {
		return err
	}
	batch := isNDJSON(r.Header.Get("Content-Type"))
	max := s.MaxBody
	if batch {
		max *= batchBodies
	}
	// The body is read before the backlog gate: a slow sender must not
	// hold one of its few slots.
	body, err := readBody(w, r, max)
	if err != nil {
		return err
	}
	if r.Header.Get(domain.BacklogHeader) != "" && s.SyncGate != nil {
		if batch {
			// The gate paces backlog envelope by envelope.
			return fmt.Errorf("send backlog envelopes one per request, not as a batch: %w", domain.ErrInvalid)
		}
		release, ok := s.SyncGate.TryAdmit(r.Context(), backlogWait)
		if !ok {
			w.Header().Set("Retry-After", "1")
			return fmt.Errorf("backlog sync is at its limit; send again after a second: %w", domain.ErrRateLimited)
		}
		defer release()
	}
	if batch {
		return s.ingestBatch(w, r, p, body)
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

// batchBodies is how many times an ingest body's cap a batch may be.
const batchBodies = 8

// ingestBatch stores a batch of envelopes, one per line, and answers 200
// with what became of each; a line that does not decode is refused alone.
func (s *Server) ingestBatch(w http.ResponseWriter, r *http.Request, p domain.Principal, body []byte) error {
	lines := bytes.Split(bytes.TrimRight(body, "\n"), []byte("\n"))
	if len(lines) > domain.MaxIngestBatch {
		return fmt.Errorf("a batch holds at most %d envelopes, this one %d: %w", domain.MaxIngestBatch, len(lines), domain.ErrTooLarge)
	}
	resp := domain.IngestBatchResponse{Results: make([]domain.IngestItem, len(lines))}
	envs := make([]domain.Envelope, 0, len(lines))
	var at []int
	for i, line := range lines {
		if int64(len(line)) > s.MaxBody {
			resp.Results[i].Error = itemError(fmt.Errorf("line %d: envelope is larger than %d bytes: %w", i+1, s.MaxBody, domain.ErrTooLarge))
			continue
		}
		env, err := ingest.Decode(line)
		if err == nil {
			err = auth.RequireWorker(p, env.WorkerID)
			if err != nil {
				err = s.refused(r.Context(), p, "ingest", env.WorkerID, err)
			}
		}
		if err != nil {
			resp.Results[i].ID = env.ID
			resp.Results[i].Error = itemError(fmt.Errorf("line %d: %w", i+1, err))
			continue
		}
		envs, at = append(envs, env), append(at, i)
	}
	items, err := s.Ingest.IngestBatch(r.Context(), p, envs)
	if err != nil {
		return err
	}
	for k, it := range items {
		resp.Results[at[k]] = domain.IngestItem{IngestResponse: it.IngestResponse, Error: itemError(it.Err())}
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// itemError is the error body of one refused envelope of a batch.
func itemError(err error) *domain.APIError {
	if err == nil {
		return nil
	}
	_, body, _ := apiError(err)
	return &body
}

// isNDJSON reports whether a Content-Type names a batch of envelopes.
func isNDJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == domain.NDJSON
}

// backlogWait is how long a backlog envelope waits for a slot before it is
// told to come back later.
const backlogWait = 2 * time.Second

// nextTask is a worker's long poll: it answers with the worker's oldest
// queued task, or waits up to ?wait= for one to be queued, then answers
// 204. With ?max=N it answers a JSON array of up to N tasks, oldest first,
// each as the single answer would be: a worker that keeps several in its
// inbox takes them in one round trip and one transaction.
func (s *Server) nextTask(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	if err := auth.RequireWorker(p, ""); err != nil {
		return err
	}
	q := r.URL.Query()
	wait := time.Duration(0)
	if v := q.Get("wait"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return fmt.Errorf("wait=%q must be a Go duration such as 30s: %w", v, domain.ErrInvalid)
		}
		wait = min(d, s.MaxTaskWait)
	}
	n, many := 1, q.Has("max")
	if many {
		var err error
		if n, err = strconv.Atoi(q.Get("max")); err != nil || n < 1 || n > domain.MaxTaskBatch {
			return fmt.Errorf("max=%q must be a number of tasks from 1 to %d: %w", q.Get("max"), domain.MaxTaskBatch, domain.ErrInvalid)
		}
	}
	deadline := time.Now().Add(wait)
	for {
		tasks, err := s.Approvals.Claim(r.Context(), p, n, s.TaskLease)
		if err != nil {
			return err
		}
		if len(tasks) > 0 {
			out := make([]domain.WorkerTask, len(tasks))
			for i, task := range tasks {
				out[i] = domain.WorkerTask{TaskID: task.ID, TaskType: domain.TaskExecuteScript,
					ScriptID: task.Plugin + "." + task.Action, Params: task.Params, TimeoutSeconds: taskTimeout(s.TaskLease),
					PlanID: task.PlanID, Plugin: task.Plugin, Action: task.Action, Target: task.Target,
					BlastRadius: task.BlastRadius, Attempt: task.Attempts}
			}
			if many {
				writeJSON(w, http.StatusOK, out)
			} else {
				writeJSON(w, http.StatusOK, out[0])
			}
			return nil
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
