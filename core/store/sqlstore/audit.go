package sqlstore

import (
	"fmt"
	"time"

	"github.com/wingman-dev/wingman/core/audit"
	"github.com/wingman-dev/wingman/core/domain"
)

// AppendAudit seals ev onto the chain. The head row is locked for the rest
// of the transaction, so appends from concurrent transactions (or replicas)
// form one chain in commit order.
func (t *tx) AppendAudit(ev *domain.AuditEvent) error {
	var seq int64
	var hash string
	if err := t.queryRow(`SELECT seq, hash FROM audit_head WHERE id = 1`+t.d.LockRow).Scan(&seq, &hash); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	if ev.At.IsZero() {
		ev.At = time.Now()
	}
	if err := audit.Seal(ev, seq, hash); err != nil {
		return err
	}
	detail, err := toJSON(ev.Detail)
	if err != nil {
		return err
	}
	if _, err := t.exec(`INSERT INTO audit_log (seq, at, actor_kind, actor_id, actor_name, actor_role, action, subject,
		outcome, reason, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		ev.Seq, ms(ev.At), string(ev.ActorKind), ev.ActorID, ev.ActorName, string(ev.ActorRole), ev.Action, ev.Subject,
		string(ev.Outcome), ev.Reason, detail, ev.PrevHash, ev.Hash); err != nil {
		return fmt.Errorf("append audit %s: %w", ev.Action, err)
	}
	if _, err := t.exec(`UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, ev.Seq, ev.Hash); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	return nil
}

// ListAudit lists events after a sequence number, oldest first.
func (t *tx) ListAudit(after int64, n int) ([]domain.AuditEvent, error) {
	rows, err := t.query(`SELECT seq, at, actor_kind, actor_id, actor_name, actor_role, action, subject, outcome,
		reason, detail, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`, after, limit(n, 1000))
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []domain.AuditEvent
	for rows.Next() {
		var ev domain.AuditEvent
		var at int64
		var detail string
		if err := rows.Scan(&ev.Seq, &at, &ev.ActorKind, &ev.ActorID, &ev.ActorName, &ev.ActorRole, &ev.Action,
			&ev.Subject, &ev.Outcome, &ev.Reason, &detail, &ev.PrevHash, &ev.Hash); err != nil {
			return nil, fmt.Errorf("list audit: %w", err)
		}
		ev.At = fromMS(at)
		if err := fromJSON(detail, &ev.Detail); err != nil {
			return nil, fmt.Errorf("list audit event %d: %w", ev.Seq, err)
		}
		out = append(out, ev)
	}
	return out, rows.Err()
}

// Counts summarises the state for the status endpoint.
func (t *tx) Counts(now, onlineSince time.Time) (domain.Status, error) {
	s := domain.Status{Now: now}
	err := t.queryRow(`SELECT
		(SELECT COUNT(*) FROM workers),
		(SELECT COUNT(*) FROM workers WHERE last_seen_at >= $1),
		(SELECT COUNT(*) FROM incidents WHERE state <> $2),
		(SELECT COUNT(*) FROM plans WHERE status = $3),
		(SELECT COUNT(*) FROM facts)`,
		ms(onlineSince), string(domain.IncidentResolved), string(domain.PlanPending)).
		Scan(&s.Workers, &s.WorkersOnline, &s.OpenIncidents, &s.PendingPlans, &s.Facts)
	if err != nil {
		return s, fmt.Errorf("counts: %w", err)
	}
	return s, nil
}
