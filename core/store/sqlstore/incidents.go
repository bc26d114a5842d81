package sqlstore

import (
	"database/sql"
	"fmt"
	"strings"

	"github.com/wingman-dev/wingman/core/domain"
)

const incidentCols = `id, kind, title, detail, severity, state, site_name, worker_id, target_type, target, plan_id, opened_at, acked_at, resolved_at`

func scanIncident(s interface{ Scan(...any) error }) (domain.Incident, error) {
	var in domain.Incident
	var opened int64
	var acked, resolved sql.NullInt64
	err := s.Scan(&in.ID, &in.Kind, &in.Title, &in.Detail, &in.Severity, &in.State, &in.SiteName,
		&in.WorkerID, &in.TargetType, &in.Target, &in.PlanID, &opened, &acked, &resolved)
	in.OpenedAt = fromMS(opened)
	in.AckedAt = fromNullMS(acked)
	in.ResolvedAt = fromNullMS(resolved)
	return in, err
}

func incidentArgs(in *domain.Incident) []any {
	return []any{in.ID, in.Kind, in.Title, in.Detail, string(in.Severity), string(in.State), in.SiteName,
		in.WorkerID, in.TargetType, in.Target, in.PlanID, ms(in.OpenedAt), msPtr(in.AckedAt), msPtr(in.ResolvedAt)}
}

// CreateIncident stores a new incident. A second unresolved incident for
// the same target is a conflict.
func (t *tx) CreateIncident(in *domain.Incident) error {
	if in.ID == "" {
		in.ID = newID("in-", 4)
	}
	res, err := t.exec(`INSERT INTO incidents (`+incidentCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING`,
		incidentArgs(in)...)
	return inserted(res, err, "incident for "+in.Target)
}

// GetIncident reads one incident.
func (t *tx) GetIncident(id string) (domain.Incident, error) {
	in, err := scanIncident(t.queryRow(`SELECT `+incidentCols+` FROM incidents WHERE id = $1`, id))
	if err != nil {
		return in, notFound(err, "incident "+id)
	}
	return in, nil
}

// OpenIncident returns the unresolved incident of a target.
func (t *tx) OpenIncident(workerID, targetType, target string) (domain.Incident, error) {
	in, err := scanIncident(t.queryRow(`SELECT `+incidentCols+` FROM incidents
		WHERE worker_id = $1 AND target_type = $2 AND target = $3 AND state <> $4`+t.d.LockRow,
		workerID, targetType, target, string(domain.IncidentResolved)))
	if err != nil {
		return in, notFound(err, "open incident for "+target)
	}
	return in, nil
}

// ListIncidents lists incidents, newest first.
func (t *tx) ListIncidents(f domain.IncidentFilter) ([]domain.Incident, error) {
	var conds []string
	var args []any
	if f.State != "" {
		args = append(args, string(f.State))
		conds = append(conds, fmt.Sprintf("state = $%d", len(args)))
	}
	if f.Unresolved {
		args = append(args, string(domain.IncidentResolved))
		conds = append(conds, fmt.Sprintf("state <> $%d", len(args)))
	}
	if f.WorkerID != "" {
		args = append(args, f.WorkerID)
		conds = append(conds, fmt.Sprintf("worker_id = $%d", len(args)))
	}
	q := `SELECT ` + incidentCols + ` FROM incidents`
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	args = append(args, limit(f.Limit, 100000))
	rows, err := t.query(q+fmt.Sprintf(" ORDER BY opened_at DESC, id LIMIT $%d", len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	defer rows.Close()
	var out []domain.Incident
	for rows.Next() {
		in, err := scanIncident(rows)
		if err != nil {
			return nil, fmt.Errorf("list incidents: %w", err)
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// UpdateIncident rewrites an incident's mutable fields.
func (t *tx) UpdateIncident(in domain.Incident) error {
	res, err := t.exec(`UPDATE incidents SET kind = $2, title = $3, detail = $4, severity = $5, state = $6,
		plan_id = $7, acked_at = $8, resolved_at = $9 WHERE id = $1`,
		in.ID, in.Kind, in.Title, in.Detail, string(in.Severity), string(in.State), in.PlanID,
		msPtr(in.AckedAt), msPtr(in.ResolvedAt))
	return mustAffect(res, err, "incident "+in.ID)
}
