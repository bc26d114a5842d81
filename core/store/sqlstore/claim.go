package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

// claimTasks is the claiming UPDATE: the literal 'queued' lets the
// planner use tasks_queued (0008), and concurrent claimers skip rows
// another transaction holds, so no task is handed out twice. The pick
// must run once: as "id IN (subquery)" PostgreSQL may plan a nested-loop
// semi join that runs the subquery again for each row of tasks, each run
// skipping the rows the statement has updated and locking the next, so a
// claim of one would take many. ARRAY(subquery) is an InitPlan, run once,
// and the update then probes the primary key. (SQLite runs an IN list
// once, and has no arrays.)
func (d *Dialect) claimTasks() string {
	pick := `SELECT id FROM tasks WHERE worker_id = $1 AND status = '` + string(domain.TaskQueued) + `'
			ORDER BY ` + queueOrder + ` LIMIT $4` + d.LockRow + d.SkipLocked
	which := `id IN (` + pick + `)`
	if d.Name == "postgres" {
		which = `id = ANY(ARRAY(` + pick + `))`
	}
	return `UPDATE tasks SET status = '` + string(domain.TaskRunning) + `', attempts = attempts + 1, lease_until = $2, started_at = $3
		WHERE ` + which + `
		RETURNING ` + taskCols
}

// ClaimTasks hands up to n of a worker's oldest queued tasks to it; see
// store.Store.
func (db *DB) ClaimTasks(ctx context.Context, workerID string, n int, now, leaseUntil time.Time, actor domain.Principal) ([]domain.Task, []string, error) {
	var tasks []domain.Task
	var moved []string
	var err error
	if db.dialect.WritableCTE {
		// Autocommit: the one statement is its own transaction.
		t := &tx{ctx: ctx, d: &db.dialect, pool: db.writer, stmts: &db.stmts}
		tasks, moved, err = t.claimInOne(workerID, n, now, leaseUntil, actor)
	} else {
		err = db.Update(ctx, func(stx store.Tx) (err error) {
			tasks, moved, err = stx.(*tx).claimInSteps(workerID, n, now, leaseUntil, actor)
			return err
		})
	}
	if err != nil {
		return nil, nil, fmt.Errorf("claim tasks of %s: %w", workerID, err)
	}
	oldestFirst(tasks)
	return tasks, moved, nil
}

// queueOrder is the order tasks are handed out in: oldest first, and the
// tasks of one plan (queued in one instant) by their place in it, so that
// a worker runs a plan's actions in the order the plan gives.
const queueOrder = `created_at, plan_id, action_index, id`

// oldestFirst puts claimed tasks back in queueOrder: RETURNING follows no
// ORDER BY.
func oldestFirst(tasks []domain.Task) {
	sort.Slice(tasks, func(i, j int) bool {
		a, b := tasks[i], tasks[j]
		switch {
		case !a.CreatedAt.Equal(b.CreatedAt):
			return a.CreatedAt.Before(b.CreatedAt)
		case a.PlanID != b.PlanID:
			return a.PlanID < b.PlanID
		case a.ActionIndex != b.ActionIndex:
			return a.ActionIndex < b.ActionIndex
		}
		return a.ID < b.ID
	})
}

// claimInSteps claims, moves the plans and appends the events statement
// by statement, inside the caller's transaction.
func (t *tx) claimInSteps(workerID string, n int, now, leaseUntil time.Time, actor domain.Principal) ([]domain.Task, []string, error) {
	tasks, err := t.tasks(t.d.claimTasks(), workerID, ms(leaseUntil), ms(now), max(n, 1))
	if err != nil || len(tasks) == 0 {
		return nil, nil, err
	}
	oldestFirst(tasks) // the events go in queue order
	var plans []string
	seen := map[string]bool{}
	evs := make([]*domain.AuditEvent, len(tasks))
	for i, tk := range tasks {
		if !seen[tk.PlanID] {
			seen[tk.PlanID] = true
			plans = append(plans, tk.PlanID)
		}
		evs[i] = domain.TaskStarted(actor, tk, now)
	}
	rows, err := t.query(`UPDATE plans SET status = '`+string(domain.PlanRunning)+`'
		WHERE id IN `+t.placeholders(1, len(plans), 1)+` AND status = '`+string(domain.PlanDispatched)+`' RETURNING id`, anys(plans)...)
	if err != nil {
		return nil, nil, fmt.Errorf("start plans: %w", err)
	}
	moved, err := scanIDs(rows)
	if err != nil {
		return nil, nil, fmt.Errorf("start plans: %w", err)
	}
	return tasks, moved, t.AppendAudits(evs)
}

// claimInOne does what claimInSteps does in one statement. Its audit
// events are domain.TaskStarted written in SQL: the detail's JSON is laid
// out differently, and the chain hashes what it decodes to, which is the
// same (storetest checks it).
func (t *tx) claimInOne(workerID string, n int, now, leaseUntil time.Time, actor domain.Principal) ([]domain.Task, []string, error) {
	rows, err := t.query(`WITH c AS (`+t.d.claimTasks()+`),
		p AS (UPDATE plans SET status = '`+string(domain.PlanRunning)+`'
			WHERE id IN (SELECT plan_id FROM c) AND status = '`+string(domain.PlanDispatched)+`' RETURNING id),
		a AS (INSERT INTO audit_log (`+auditCols+`)
			SELECT $3, $5, $6, $7, $8, 'task.start', c.id, '`+string(domain.OutcomeOK)+`', '',
				json_build_object('action', c.plugin || ' ' || c.action, 'plan', c.plan_id, 'target', c.target)::text
			FROM c ORDER BY c.created_at, c.plan_id, c.action_index, c.id)
		SELECT c.*, c.plan_id IN (SELECT id FROM p) FROM c`,
		workerID, ms(leaseUntil), ms(now), max(n, 1),
		string(actor.Kind), actor.UserID, actor.Name, string(actor.Role))
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var tasks []domain.Task
	var moved []string
	for rows.Next() {
		var m bool
		tk, err := scanTask(withExtra{rows, &m})
		if err != nil {
			return nil, nil, err
		}
		tasks = append(tasks, tk)
		if m && !slices.Contains(moved, tk.PlanID) {
			moved = append(moved, tk.PlanID)
		}
	}
	return tasks, moved, rows.Err()
}

// withExtra scans a task row followed by one more column.
type withExtra struct {
	rows  *sql.Rows
	extra any
}

func (w withExtra) Scan(dest ...any) error { return w.rows.Scan(append(dest, w.extra)...) }

// scanIDs reads a one-column result of ids and closes it: what the
// batch statements return.
func scanIDs(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
