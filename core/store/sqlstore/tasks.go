package sqlstore

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

const taskCols = `id, plan_id, action_index, worker_id, plugin, action, target, params, blast_radius, status, attempts, lease_until, created_at, started_at, finished_at, output, error`

func scanTask(s interface{ Scan(...any) error }) (domain.Task, error) {
	var tk domain.Task
	var params, blast string
	var created int64
	var lease, started, finished sql.NullInt64
	if err := s.Scan(&tk.ID, &tk.PlanID, &tk.ActionIndex, &tk.WorkerID, &tk.Plugin, &tk.Action, &tk.Target,
		&params, &blast, &tk.Status, &tk.Attempts, &lease, &created, &started, &finished, &tk.Output, &tk.Error); err != nil {
		return tk, err
	}
	tk.CreatedAt = fromMS(created)
	tk.LeaseUntil, tk.StartedAt, tk.FinishedAt = fromNullMS(lease), fromNullMS(started), fromNullMS(finished)
	if err := fromJSON(blast, &tk.BlastRadius); err != nil {
		return tk, err
	}
	return tk, fromJSON(params, &tk.Params)
}

// CreateTask stores a new task.
func (t *tx) CreateTask(tk *domain.Task) error {
	if tk.ID == "" {
		tk.ID = newID("tk-", 6)
	}
	params, err := toJSON(tk.Params)
	if err != nil {
		return err
	}
	blast, err := toJSON(tk.BlastRadius)
	if err != nil {
		return err
	}
	res, err := t.exec(`INSERT INTO tasks (`+taskCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) ON CONFLICT DO NOTHING`,
		tk.ID, tk.PlanID, tk.ActionIndex, tk.WorkerID, tk.Plugin, tk.Action, tk.Target, params, blast, string(tk.Status),
		tk.Attempts, msPtr(tk.LeaseUntil), ms(tk.CreatedAt), msPtr(tk.StartedAt), msPtr(tk.FinishedAt), tk.Output, tk.Error)
	return inserted(res, err, "task "+tk.ID)
}

// GetTask reads one task.
func (t *tx) GetTask(id string) (domain.Task, error) {
	tk, err := scanTask(t.queryRow(`SELECT `+taskCols+` FROM tasks WHERE id = $1`, id))
	if err != nil {
		return tk, notFound(err, "task "+id)
	}
	return tk, nil
}

func (t *tx) tasks(q string, args ...any) ([]domain.Task, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("list tasks: %w", err)
	}
	defer rows.Close()
	var out []domain.Task
	for rows.Next() {
		tk, err := scanTask(rows)
		if err != nil {
			return nil, fmt.Errorf("list tasks: %w", err)
		}
		out = append(out, tk)
	}
	return out, rows.Err()
}

// ClaimTask leases the oldest queued task of a worker in one statement.
// Concurrent claimers skip rows another transaction holds, so no task is
// handed out twice.
func (t *tx) ClaimTask(workerID string, now, leaseUntil time.Time) (domain.Task, error) {
	tk, err := scanTask(t.queryRow(`UPDATE tasks SET status = $3, attempts = attempts + 1, lease_until = $4, started_at = $5
		WHERE id = (SELECT id FROM tasks WHERE worker_id = $1 AND status = $2
			ORDER BY created_at, id LIMIT 1`+t.d.LockRow+t.d.SkipLocked+`)
		RETURNING `+taskCols,
		workerID, string(domain.TaskQueued), string(domain.TaskRunning), ms(leaseUntil), ms(now)))
	if err != nil {
		return tk, notFound(err, "queued task for "+workerID)
	}
	return tk, nil
}

// FinishTask records the end of a task that has not ended.
func (t *tx) FinishTask(id string, status domain.TaskStatus, output, errText string, at time.Time) (bool, error) {
	res, err := t.exec(`UPDATE tasks SET status = $2, output = $3, error = $4, finished_at = $5, lease_until = NULL
		WHERE id = $1 AND status IN ($6, $7)`, id, string(status), output, errText, ms(at),
		string(domain.TaskQueued), string(domain.TaskRunning))
	if err != nil {
		return false, fmt.Errorf("task %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// NotifyTask runs the dialect's notification, if it has one.
func (t *tx) NotifyTask(workerID string) error {
	if t.d.NotifyTask == "" {
		return nil
	}
	if _, err := t.tx.ExecContext(t.ctx, t.d.NotifyTask, workerID); err != nil {
		return fmt.Errorf("notify worker %s: %w", workerID, err)
	}
	return nil
}

// ExpiredLeases lists running tasks whose lease ended before now, but for
// those of a worker that is unreachable and was last heard of at or after
// offlineSince: such a worker may be running the task offline.
func (t *tx) ExpiredLeases(now, offlineSince time.Time) ([]domain.Task, error) {
	return t.tasks(`SELECT `+taskCols+` FROM tasks WHERE status = $1 AND lease_until < $2
		AND worker_id NOT IN (SELECT id FROM workers WHERE health = $3 AND COALESCE(last_seen_at, created_at) >= $4)
		ORDER BY lease_until`+t.d.LockRow+t.d.SkipLocked,
		string(domain.TaskRunning), ms(now), string(domain.WorkerUnreachable), ms(offlineSince))
}

// RenewLeases extends the leases of the named running tasks of a worker
// and returns how many it extended.
func (t *tx) RenewLeases(workerID string, ids []string, until time.Time) (int, error) {
	n := 0
	for _, id := range ids {
		res, err := t.exec(`UPDATE tasks SET lease_until = $3 WHERE id = $1 AND worker_id = $2 AND status = $4 AND lease_until < $3`,
			id, workerID, ms(until), string(domain.TaskRunning))
		if err != nil {
			return n, fmt.Errorf("renew lease of %s: %w", id, err)
		}
		if k, err := res.RowsAffected(); err == nil {
			n += int(k)
		}
	}
	return n, nil
}

// RequeueTask makes a running task claimable again.
func (t *tx) RequeueTask(id string) error {
	res, err := t.exec(`UPDATE tasks SET status = $2, lease_until = NULL WHERE id = $1 AND status = $3`,
		id, string(domain.TaskQueued), string(domain.TaskRunning))
	return mustAffect(res, err, "running task "+id)
}

// TaskCounts counts a plan's tasks by status.
func (t *tx) TaskCounts(planID string) (map[domain.TaskStatus]int, error) {
	rows, err := t.query(`SELECT status, COUNT(*) FROM tasks WHERE plan_id = $1 GROUP BY status`, planID)
	if err != nil {
		return nil, fmt.Errorf("count tasks of %s: %w", planID, err)
	}
	defer rows.Close()
	out := map[domain.TaskStatus]int{}
	for rows.Next() {
		var st domain.TaskStatus
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count tasks of %s: %w", planID, err)
		}
		out[st] = n
	}
	return out, rows.Err()
}

// OpenTasks lists a worker's tasks that have not ended.
func (t *tx) OpenTasks(workerID string) ([]domain.Task, error) {
	return t.tasks(`SELECT `+taskCols+` FROM tasks WHERE worker_id = $1 AND status IN ($2, $3) ORDER BY created_at, id`+t.d.LockRow,
		workerID, string(domain.TaskQueued), string(domain.TaskRunning))
}
