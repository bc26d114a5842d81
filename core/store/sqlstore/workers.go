package sqlstore

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

const workerCols = `id, site_name, health, version, capabilities, created_at, last_seen_at`

func scanWorker(s interface{ Scan(...any) error }) (domain.Worker, error) {
	var w domain.Worker
	var caps string
	var created int64
	var seen sql.NullInt64
	if err := s.Scan(&w.ID, &w.SiteName, &w.Health, &w.Version, &caps, &created, &seen); err != nil {
		return w, err
	}
	w.CreatedAt = fromMS(created)
	w.LastSeenAt = fromNullMS(seen)
	return w, fromJSON(caps, &w.Capabilities)
}

// CreateWorker stores a new worker.
func (t *tx) CreateWorker(w domain.Worker) error {
	caps, err := toJSON(w.Capabilities)
	if err != nil {
		return err
	}
	res, err := t.exec(`INSERT INTO workers (`+workerCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
		w.ID, w.SiteName, string(w.Health), w.Version, caps, ms(w.CreatedAt), msPtr(w.LastSeenAt))
	return inserted(res, err, "worker "+w.ID)
}

// GetWorker reads one worker.
func (t *tx) GetWorker(id string) (domain.Worker, error) {
	w, err := scanWorker(t.queryRow(`SELECT `+workerCols+` FROM workers WHERE id = $1`, id))
	if err != nil {
		return w, notFound(err, "worker "+id)
	}
	return w, nil
}

// ListWorkers lists every worker by id.
func (t *tx) ListWorkers() ([]domain.Worker, error) {
	return t.workers(`SELECT ` + workerCols + ` FROM workers ORDER BY id`)
}

// SilentWorkers lists reachable workers last heard of before the cut-off.
func (t *tx) SilentWorkers(before time.Time) ([]domain.Worker, error) {
	return t.workers(`SELECT `+workerCols+` FROM workers
		WHERE health <> $1 AND COALESCE(last_seen_at, created_at) < $2 ORDER BY id`,
		string(domain.WorkerUnreachable), ms(before))
}

func (t *tx) workers(q string, args ...any) ([]domain.Worker, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("list workers: %w", err)
	}
	defer rows.Close()
	var out []domain.Worker
	for rows.Next() {
		w, err := scanWorker(rows)
		if err != nil {
			return nil, fmt.Errorf("list workers: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// DeleteWorker removes a worker; its tokens are revoked by the caller.
func (t *tx) DeleteWorker(id string) error {
	res, err := t.exec(`DELETE FROM workers WHERE id = $1`, id)
	return mustAffect(res, err, "worker "+id)
}

// SeeWorker records a heartbeat.
func (t *tx) SeeWorker(id string, health domain.WorkerHealth, version string, caps []string, at time.Time) error {
	c, err := toJSON(caps)
	if err != nil {
		return err
	}
	res, err := t.exec(`UPDATE workers SET health = $2, version = $3, capabilities = $4, last_seen_at = $5 WHERE id = $1`,
		id, string(health), version, c, ms(at))
	return mustAffect(res, err, "worker "+id)
}

// SetWorkerHealth changes only the health.
func (t *tx) SetWorkerHealth(id string, health domain.WorkerHealth) error {
	res, err := t.exec(`UPDATE workers SET health = $2 WHERE id = $1`, id, string(health))
	return mustAffect(res, err, "worker "+id)
}
