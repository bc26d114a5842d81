package sqlstore

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

const tokenCols = `id, name, kind, role, user_id, worker_id, hash, created_at, expires_at, revoked_at`

func scanToken(s interface{ Scan(...any) error }) (domain.Token, error) {
	var tk domain.Token
	var created int64
	var expires, revoked sql.NullInt64
	err := s.Scan(&tk.ID, &tk.Name, &tk.Kind, &tk.Role, &tk.UserID, &tk.WorkerID, &tk.Hash, &created, &expires, &revoked)
	tk.CreatedAt = fromMS(created)
	tk.ExpiresAt = fromNullMS(expires)
	tk.RevokedAt = fromNullMS(revoked)
	return tk, err
}

// CreateToken stores a token (its hash, never its secret).
func (t *tx) CreateToken(tk domain.Token) error {
	res, err := t.exec(`INSERT INTO tokens (`+tokenCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
		tk.ID, tk.Name, string(tk.Kind), string(tk.Role), tk.UserID, tk.WorkerID, tk.Hash,
		ms(tk.CreatedAt), msPtr(tk.ExpiresAt), msPtr(tk.RevokedAt))
	return inserted(res, err, "token "+tk.Name)
}

// TokenByHash finds a token by the hash of its secret.
func (t *tx) TokenByHash(hash []byte) (domain.Token, error) {
	tk, err := scanToken(t.queryRow(`SELECT `+tokenCols+` FROM tokens WHERE hash = $1`, hash))
	if err != nil {
		return tk, notFound(err, "token")
	}
	return tk, nil
}

// ListTokens lists every token, newest first.
func (t *tx) ListTokens() ([]domain.Token, error) {
	rows, err := t.query(`SELECT ` + tokenCols + ` FROM tokens ORDER BY created_at DESC, id`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	var out []domain.Token
	for rows.Next() {
		tk, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		out = append(out, tk)
	}
	return out, rows.Err()
}

// RevokeToken marks a token revoked; revoking twice keeps the first time.
func (t *tx) RevokeToken(id string, at time.Time) error {
	res, err := t.exec(`UPDATE tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1`, id, ms(at))
	return mustAffect(res, err, "token "+id)
}

// RevokeWorkerTokens revokes every token of a worker.
func (t *tx) RevokeWorkerTokens(workerID string, at time.Time) error {
	_, err := t.exec(`UPDATE tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE worker_id = $1`, workerID, ms(at))
	if err != nil {
		return fmt.Errorf("revoke tokens of worker %s: %w", workerID, err)
	}
	return nil
}
