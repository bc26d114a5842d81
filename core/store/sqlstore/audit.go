package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/wingman-dev/wingman/core/audit"
	"github.com/wingman-dev/wingman/core/domain"
)

// sealsPerStatement stays under SQLite's limit of 500 terms in a compound
// SELECT.
const sealsPerStatement = 200

const auditCols = `at, actor_kind, actor_id, actor_name, actor_role, action, subject, outcome, reason, detail`

// AppendAudit appends ev unsealed and, unless the dialect defers it, seals
// it at once.
func (t *tx) AppendAudit(ev *domain.AuditEvent) error {
	return t.AppendAudits([]*domain.AuditEvent{ev})
}

// AppendAudits appends events in the order given, in one statement per
// chunk, and, unless the dialect defers it, seals them at once.
func (t *tx) AppendAudits(evs []*domain.AuditEvent) error {
	const cols = 10
	for start := 0; start < len(evs); start += rowsPerStatement {
		chunk := evs[start:min(start+rowsPerStatement, len(evs))]
		args := make([]any, 0, len(chunk)*cols)
		for _, ev := range chunk {
			if ev.At.IsZero() {
				ev.At = time.Now()
			}
			d, err := audit.Normalize(ev.Detail)
			if err != nil {
				return err
			}
			detail, err := toJSON(d)
			if err != nil {
				return err
			}
			args = append(args, ms(ev.At), string(ev.ActorKind), ev.ActorID, ev.ActorName, string(ev.ActorRole), ev.Action,
				ev.Subject, string(ev.Outcome), ev.Reason, detail)
		}
		// A multi-row VALUES list numbers its rows' ids in list order on
		// both databases, so the chain seals them as given.
		if _, err := t.exec(`INSERT INTO audit_log (`+auditCols+`) VALUES `+t.placeholders(len(chunk), cols, 1), args...); err != nil {
			return fmt.Errorf("append audit %s: %w", chunk[0].Action, err)
		}
	}
	if t.d.DeferAuditSeal || len(evs) == 0 {
		return nil
	}
	_, err := t.SealAudit(0)
	return err
}

// SealAudit chains unsealed events onto the head, oldest append first.
// The head row is locked for the rest of the transaction; a sealer that
// finds it locked leaves the work to the one holding it.
func (t *tx) SealAudit(max int) (int, error) {
	var seq int64
	var hash string
	err := t.queryRow(`SELECT seq, hash FROM audit_head WHERE id = 1`+t.d.LockRow+t.d.SkipLocked).Scan(&seq, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("audit head: %w", err)
	}
	if max <= 0 {
		max = 1 << 30
	}
	pending, err := t.auditEvents(`SELECT id, `+auditCols+` FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT $1`, true, max)
	if err != nil {
		return 0, err
	}
	if len(pending) == 0 {
		return 0, nil
	}
	// One statement per chunk seals many events: a sealer that catches up
	// with a busy minute must not pay a round trip per event.
	const cols = 4
	args := make([]any, 0, len(pending)*cols)
	for _, p := range pending {
		ev := p.AuditEvent
		if err := audit.Seal(&ev, seq, hash); err != nil {
			return 0, err
		}
		args = append(args, p.id, ev.Seq, ev.PrevHash, ev.Hash)
		seq, hash = ev.Seq, ev.Hash
	}
	for start := 0; start < len(args); start += sealsPerStatement * cols {
		chunk := args[start:min(start+sealsPerStatement*cols, len(args))]
		if _, err := t.exec(`UPDATE audit_log SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
			FROM (`+t.typedRows(len(chunk)/cols, []string{"id BIGINT", "seq BIGINT", "prev_hash TEXT", "hash TEXT"})+`) AS v
			WHERE audit_log.id = v.id`, chunk...); err != nil {
			return 0, fmt.Errorf("seal audit events up to %d: %w", seq, err)
		}
	}
	if _, err := t.exec(`UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, seq, hash); err != nil {
		return 0, fmt.Errorf("audit head: %w", err)
	}
	return len(pending), nil
}

type storedEvent struct {
	domain.AuditEvent
	id int64
}

// auditEvents reads events; with unsealed the query selects id and the
// event columns, otherwise seq, the event columns and the hashes.
func (t *tx) auditEvents(q string, unsealed bool, args ...any) ([]storedEvent, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("read audit: %w", err)
	}
	defer rows.Close()
	var out []storedEvent
	for rows.Next() {
		var e storedEvent
		var at int64
		var detail string
		dest := []any{&e.Seq, &at, &e.ActorKind, &e.ActorID, &e.ActorName, &e.ActorRole, &e.Action, &e.Subject,
			&e.Outcome, &e.Reason, &detail, &e.PrevHash, &e.Hash}
		if unsealed {
			dest = append([]any{&e.id}, dest[1:11]...)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("read audit: %w", err)
		}
		e.At = fromMS(at)
		if err := fromJSON(detail, &e.Detail); err != nil {
			return nil, fmt.Errorf("read audit event %d: %w", e.Seq, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ListAudit lists sealed events after a sequence number, then unsealed
// ones while the page has room.
func (t *tx) ListAudit(after int64, n int) ([]domain.AuditEvent, error) {
	n = limit(n, 1000)
	sealed, err := t.auditEvents(`SELECT seq, `+auditCols+`, prev_hash, hash FROM audit_log
		WHERE seq > $1 ORDER BY seq LIMIT $2`, false, after, n)
	if err != nil {
		return nil, err
	}
	out := make([]domain.AuditEvent, 0, len(sealed))
	for _, e := range sealed {
		out = append(out, e.AuditEvent)
	}
	if len(out) == n {
		return out, nil
	}
	pending, err := t.auditEvents(`SELECT id, `+auditCols+` FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT $1`,
		true, n-len(out))
	for _, e := range pending {
		out = append(out, e.AuditEvent)
	}
	return out, err
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
