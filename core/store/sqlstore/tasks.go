package sqlstore

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
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

// GetTasks reads the named tasks that exist, in no particular order.
func (t *tx) GetTasks(ids []string) ([]domain.Task, error) {
	var out []domain.Task
	for start := 0; start < len(ids); start += rowsPerStatement {
		chunk := ids[start:min(start+rowsPerStatement, len(ids))]
		got, err := t.tasks(`SELECT `+taskCols+` FROM tasks WHERE id IN `+t.placeholders(1, len(chunk), 1), anys(chunk)...)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

// FinishTasks records the ends of the tasks that have not ended, in one
// statement per chunk, and returns the ids of those it ended.
func (t *tx) FinishTasks(ends []domain.TaskEnd) ([]string, error) {
	const cols = 5
	// In id order, so that two batches naming the same tasks (a resend
	// racing the original) take their row locks in one order.
	ends = slices.Clone(ends)
	slices.SortFunc(ends, func(a, b domain.TaskEnd) int { return strings.Compare(a.ID, b.ID) })
	var ended []string
	for start := 0; start < len(ends); start += rowsPerStatement {
		chunk := ends[start:min(start+rowsPerStatement, len(ends))]
		args := make([]any, 0, len(chunk)*cols)
		for _, e := range chunk {
			args = append(args, e.ID, string(e.Status), e.Output, e.Error, ms(e.At))
		}
		rows, err := t.query(`UPDATE tasks SET status = v.status, output = v.output, error = v.error, finished_at = v.at, lease_until = NULL
			FROM (`+t.typedRows(len(chunk), []string{"id TEXT", "status TEXT", "output TEXT", "error TEXT", "at BIGINT"})+`) AS v
			WHERE tasks.id = v.id AND tasks.status IN ('`+string(domain.TaskQueued)+`', '`+string(domain.TaskRunning)+`')
			RETURNING tasks.id`, args...)
		if err == nil {
			var ids []string
			ids, err = scanIDs(rows)
			ended = append(ended, ids...)
		}
		if err != nil {
			return ended, fmt.Errorf("finish %d tasks: %w", len(chunk), err)
		}
	}
	return ended, nil
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
	// The literal 'running' lets the planner use tasks_leased (0008).
	return t.tasks(`SELECT `+taskCols+` FROM tasks WHERE status = '`+string(domain.TaskRunning)+`' AND lease_until < $1
		AND worker_id NOT IN (SELECT id FROM workers WHERE health = $2 AND COALESCE(last_seen_at, created_at) >= $3)
		ORDER BY lease_until`+t.d.LockRow+t.d.SkipLocked,
		ms(now), string(domain.WorkerUnreachable), ms(offlineSince))
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

// TaskCounts counts the tasks of each named plan by status.
func (t *tx) TaskCounts(planIDs []string) (map[string]map[domain.TaskStatus]int, error) {
	out := make(map[string]map[domain.TaskStatus]int, len(planIDs))
	for start := 0; start < len(planIDs); start += rowsPerStatement {
		chunk := planIDs[start:min(start+rowsPerStatement, len(planIDs))]
		rows, err := t.query(`SELECT plan_id, status, COUNT(*) FROM tasks WHERE plan_id IN `+t.placeholders(1, len(chunk), 1)+`
			GROUP BY plan_id, status`, anys(chunk)...)
		if err != nil {
			return nil, fmt.Errorf("count tasks of %d plans: %w", len(chunk), err)
		}
		for rows.Next() {
			var plan string
			var st domain.TaskStatus
			var n int
			if err := rows.Scan(&plan, &st, &n); err != nil {
				rows.Close()
				return nil, fmt.Errorf("count tasks: %w", err)
			}
			if out[plan] == nil {
				out[plan] = map[domain.TaskStatus]int{}
			}
			out[plan][st] = n
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("count tasks: %w", err)
		}
	}
	return out, nil
}

// EndedPlans returns those of the named plans none of whose tasks is
// queued or running.
func (t *tx) EndedPlans(planIDs []string) ([]string, error) {
	var out []string
	for start := 0; start < len(planIDs); start += rowsPerStatement {
		chunk := planIDs[start:min(start+rowsPerStatement, len(planIDs))]
		rows, err := t.query(`SELECT id FROM plans WHERE id IN `+t.placeholders(1, len(chunk), 1)+`
			AND NOT EXISTS (SELECT 1 FROM tasks WHERE tasks.plan_id = plans.id
				AND tasks.status IN ('`+string(domain.TaskQueued)+`', '`+string(domain.TaskRunning)+`'))`, anys(chunk)...)
		if err == nil {
			var ids []string
			ids, err = scanIDs(rows)
			out = append(out, ids...)
		}
		if err != nil {
			return nil, fmt.Errorf("ended plans among %d: %w", len(chunk), err)
		}
	}
	return out, nil
}

// anys turns strings into statement arguments.
func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// OpenTasks lists a worker's tasks that have not ended.
func (t *tx) OpenTasks(workerID string) ([]domain.Task, error) {
	return t.tasks(`SELECT `+taskCols+` FROM tasks WHERE worker_id = $1 AND status IN ($2, $3) ORDER BY `+queueOrder+t.d.LockRow,
		workerID, string(domain.TaskQueued), string(domain.TaskRunning))
}
