package sqlstore

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

const workerCols = `id, site_name, health, version, capabilities, created_at, last_seen_at,
	backlog_files, backlog_bytes, backlog_oldest_at, quarantined, reported_at, last_sync_at, sync_url, sync_key`

func scanWorker(s interface{ Scan(...any) error }) (domain.Worker, error) {
	var w domain.Worker
	var caps, syncURL, syncKey string
	var created int64
	var seen, oldest, reported, synced sql.NullInt64
	if err := s.Scan(&w.ID, &w.SiteName, &w.Health, &w.Version, &caps, &created, &seen,
		&w.Backlog.Files, &w.Backlog.Bytes, &oldest, &w.Backlog.Quarantined, &reported, &synced, &syncURL, &syncKey); err != nil {
		return w, err
	}
	w.CreatedAt = fromMS(created)
	w.LastSeenAt = fromNullMS(seen)
	w.Backlog.Oldest, w.ReportedAt, w.LastSyncAt = fromNullMS(oldest), fromNullMS(reported), fromNullMS(synced)
	if syncURL != "" {
		w.Sync = &domain.SyncEndpoint{URL: syncURL, Key: syncKey}
	}
	if err := fromJSON(caps, &w.Capabilities); err != nil {
		return w, err
	}
	w.Sandbox = domain.SandboxOf(w.Capabilities)
	return w, nil
}

// CreateWorker stores a new worker.
func (t *tx) CreateWorker(w domain.Worker) error {
	caps, err := toJSON(w.Capabilities)
	if err != nil {
		return err
	}
	res, err := t.exec(`INSERT INTO workers (id, site_name, health, version, capabilities, created_at, last_seen_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
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
	if _, err := t.exec(`DELETE FROM worker_gaps WHERE worker_id = $1`, id); err != nil {
		return fmt.Errorf("worker %s: %w", id, err)
	}
	res, err := t.exec(`DELETE FROM workers WHERE id = $1`, id)
	return mustAffect(res, err, "worker "+id)
}

// SeeWorker records a heartbeat. The worker was seen whatever the report's
// age; what it says is applied only when no newer report was, so a
// heartbeat synced late from an offline buffer cannot roll the state back.
func (t *tx) SeeWorker(id string, r domain.WorkerReport) error {
	res, err := t.exec(`UPDATE workers SET last_seen_at = $2 WHERE id = $1`, id, ms(r.SeenAt))
	if err := mustAffect(res, err, "worker "+id); err != nil {
		return err
	}
	c, err := toJSON(r.Capabilities)
	if err != nil {
		return err
	}
	var syncURL, syncKey string
	if r.Sync != nil {
		syncURL, syncKey = r.Sync.URL, r.Sync.Key
	}
	var synced sql.NullInt64
	if r.Backlog.Files == 0 {
		synced = sql.NullInt64{Int64: ms(r.SeenAt), Valid: true}
	}
	_, err = t.exec(`UPDATE workers SET health = $2, version = $3, capabilities = $4, reported_at = $5,
		backlog_files = $6, backlog_bytes = $7, backlog_oldest_at = $8, quarantined = $9,
		last_sync_at = COALESCE($10, last_sync_at), sync_url = $11, sync_key = $12
		WHERE id = $1 AND (reported_at IS NULL OR reported_at <= $5)`,
		id, string(r.Health), r.Version, c, ms(r.ReportedAt), r.Backlog.Files, r.Backlog.Bytes,
		msPtr(r.Backlog.Oldest), r.Backlog.Quarantined, synced, syncURL, syncKey)
	if err != nil {
		return fmt.Errorf("worker %s: %w", id, err)
	}
	return nil
}

// AddGaps records drops from a worker's offline buffer. A gap sent again
// is stored once, as its largest report: a worker's gap grows until it is
// acknowledged, and a heartbeat synced late must not shrink it.
func (t *tx) AddGaps(workerID string, gaps []domain.Gap, at time.Time) error {
	for _, g := range gaps {
		if _, err := t.exec(`INSERT INTO worker_gaps (worker_id, id, payload_type, files, bytes, from_at, to_at, reason, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (worker_id, id) DO UPDATE SET files = excluded.files, bytes = excluded.bytes,
				from_at = excluded.from_at, to_at = excluded.to_at, recorded_at = excluded.recorded_at
			WHERE worker_gaps.files < excluded.files`,
			workerID, g.ID, string(g.PayloadType), g.Files, g.Bytes, ms(g.From), ms(g.To), g.Reason, ms(at)); err != nil {
			return fmt.Errorf("worker %s: gap %s: %w", workerID, g.ID, err)
		}
	}
	return nil
}

// WorkerGaps lists a worker's most recent gaps, newest first.
func (t *tx) WorkerGaps(workerID string, limit int) ([]domain.Gap, error) {
	rows, err := t.query(`SELECT id, payload_type, files, bytes, from_at, to_at, reason FROM worker_gaps
		WHERE worker_id = $1 ORDER BY recorded_at DESC, to_at DESC LIMIT $2`, workerID, limit)
	if err != nil {
		return nil, fmt.Errorf("gaps of %s: %w", workerID, err)
	}
	defer rows.Close()
	var out []domain.Gap
	for rows.Next() {
		var g domain.Gap
		var from, to int64
		if err := rows.Scan(&g.ID, &g.PayloadType, &g.Files, &g.Bytes, &from, &to, &g.Reason); err != nil {
			return nil, fmt.Errorf("gaps of %s: %w", workerID, err)
		}
		g.From, g.To = fromMS(from), fromMS(to)
		out = append(out, g)
	}
	return out, rows.Err()
}

// SetWorkerHealth changes only the health.
func (t *tx) SetWorkerHealth(id string, health domain.WorkerHealth) error {
	res, err := t.exec(`UPDATE workers SET health = $2 WHERE id = $1`, id, string(health))
	return mustAffect(res, err, "worker "+id)
}
