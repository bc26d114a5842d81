package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

const planCols = `id, incident_id, title, rationale, author, status, actions, required_approvals, author_may_approve, created_at, expires_at, decided_at`

func scanPlan(s interface{ Scan(...any) error }) (domain.Plan, error) {
	var p domain.Plan
	var actions string
	var authorMay int
	var created, expires int64
	var decided sql.NullInt64
	if err := s.Scan(&p.ID, &p.IncidentID, &p.Title, &p.Rationale, &p.Author, &p.Status, &actions,
		&p.RequiredApprovals, &authorMay, &created, &expires, &decided); err != nil {
		return p, err
	}
	p.AuthorMayApprove = authorMay != 0
	p.CreatedAt, p.ExpiresAt, p.DecidedAt = fromMS(created), fromMS(expires), fromNullMS(decided)
	return p, fromJSON(actions, &p.Actions)
}

// CreatePlan stores a new plan. Short ids are tried first; when one is
// taken the id grows, so ids stay typeable while the table is small.
func (t *tx) CreatePlan(p *domain.Plan) error {
	if p.ID == "" {
		id, err := t.freePlanID()
		if err != nil {
			return err
		}
		p.ID = id
	}
	actions, err := toJSON(p.Actions)
	if err != nil {
		return err
	}
	res, err := t.exec(`INSERT INTO plans (`+planCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
		p.ID, p.IncidentID, p.Title, p.Rationale, p.Author, string(p.Status), actions, p.RequiredApprovals,
		boolInt(p.AuthorMayApprove), ms(p.CreatedAt), ms(p.ExpiresAt), msPtr(p.DecidedAt))
	return inserted(res, err, "plan "+p.ID)
}

func (t *tx) freePlanID() (string, error) {
	for n := 2; n <= 8; n++ {
		for try := 0; try < 4; try++ {
			id := newID("pl-", n)
			var one int
			err := t.queryRow(`SELECT 1 FROM plans WHERE id = $1`, id).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return id, nil
			}
			if err != nil {
				return "", fmt.Errorf("pick plan id: %w", err)
			}
		}
	}
	return "", fmt.Errorf("pick plan id: %w", domain.ErrConflict)
}

// GetPlan reads a plan with its approvals and tasks.
func (t *tx) GetPlan(id string, lock bool) (domain.Plan, error) {
	q := `SELECT ` + planCols + ` FROM plans WHERE id = $1`
	if lock {
		q += t.d.LockRow
	}
	p, err := scanPlan(t.queryRow(q, id))
	if err != nil {
		return p, notFound(err, "plan "+id)
	}
	if p.Approvals, err = t.approvals(id); err != nil {
		return p, err
	}
	if p.Status == domain.PlanPending {
		return p, nil // tasks come with the approval
	}
	p.Tasks, err = t.tasks(`SELECT `+taskCols+` FROM tasks WHERE plan_id = $1 ORDER BY action_index`, id)
	return p, err
}

func (t *tx) approvals(planID string) ([]domain.Approval, error) {
	rows, err := t.query(`SELECT plan_id, user_id, user_name, role, decision, comment, at FROM approvals
		WHERE plan_id = $1 ORDER BY at, user_id`, planID)
	if err != nil {
		return nil, fmt.Errorf("approvals of %s: %w", planID, err)
	}
	defer rows.Close()
	var out []domain.Approval
	for rows.Next() {
		var a domain.Approval
		var at int64
		if err := rows.Scan(&a.PlanID, &a.UserID, &a.UserName, &a.Role, &a.Decision, &a.Comment, &at); err != nil {
			return nil, fmt.Errorf("approvals of %s: %w", planID, err)
		}
		a.At = fromMS(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// ListPlans lists plans, newest first, without approvals and tasks.
func (t *tx) ListPlans(f domain.PlanFilter) ([]domain.Plan, error) {
	q, args := `SELECT `+planCols+` FROM plans`, []any{}
	if f.Status != "" {
		q += ` WHERE status = $1`
		args = append(args, string(f.Status))
	}
	args = append(args, limit(f.Limit, 1000))
	return t.plans(q+fmt.Sprintf(" ORDER BY created_at DESC, id LIMIT $%d", len(args)), args...)
}

// ExpiredPlans lists pending plans past their expiry.
func (t *tx) ExpiredPlans(now time.Time) ([]domain.Plan, error) {
	return t.plans(`SELECT `+planCols+` FROM plans WHERE status = $1 AND expires_at < $2 ORDER BY expires_at`,
		string(domain.PlanPending), ms(now))
}

func (t *tx) plans(q string, args ...any) ([]domain.Plan, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("list plans: %w", err)
	}
	defer rows.Close()
	var out []domain.Plan
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			return nil, fmt.Errorf("list plans: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PlanStatus reads a plan's status alone: claiming and finishing tasks
// need no more, and a plan may have many tasks.
func (t *tx) PlanStatus(id string, lock bool) (domain.PlanStatus, error) {
	q := `SELECT status FROM plans WHERE id = $1`
	if lock {
		q += t.d.LockRow
	}
	var st domain.PlanStatus
	if err := t.queryRow(q, id).Scan(&st); err != nil {
		return st, notFound(err, "plan "+id)
	}
	return st, nil
}

// LockPlans locks the named plans' rows for the rest of the transaction,
// in id order, so that two transactions locking overlapping sets wait for
// each other instead of deadlocking.
func (t *tx) LockPlans(ids []string) error {
	if t.d.LockRow == "" {
		return nil // SQLite: the single writer holds everything already
	}
	sorted := append([]string(nil), ids...)
	sort.Strings(sorted)
	for start := 0; start < len(sorted); start += rowsPerStatement {
		chunk := sorted[start:min(start+rowsPerStatement, len(sorted))]
		rows, err := t.query(`SELECT id FROM plans WHERE id IN `+t.placeholders(1, len(chunk), 1)+` ORDER BY id`+t.d.LockRow, anys(chunk)...)
		if err == nil {
			_, err = scanIDs(rows)
		}
		if err != nil {
			return fmt.Errorf("lock %d plans: %w", len(chunk), err)
		}
	}
	return nil
}

// SetPlanStatus moves a plan to a new status.
func (t *tx) SetPlanStatus(id string, status domain.PlanStatus, decidedAt *time.Time) error {
	res, err := t.exec(`UPDATE plans SET status = $2, decided_at = COALESCE($3, decided_at) WHERE id = $1`,
		id, string(status), msPtr(decidedAt))
	return mustAffect(res, err, "plan "+id)
}

// AddApproval records one person's decision; a second decision by the same
// person on the same plan is a conflict.
func (t *tx) AddApproval(a domain.Approval) error {
	res, err := t.exec(`INSERT INTO approvals (plan_id, user_id, user_name, role, decision, comment, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
		a.PlanID, a.UserID, a.UserName, string(a.Role), string(a.Decision), a.Comment, ms(a.At))
	return inserted(res, err, "decision of "+a.UserName+" on "+a.PlanID)
}
