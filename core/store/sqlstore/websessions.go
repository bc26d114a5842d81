// The web console's sign-in sessions: the hash of each cookie with the
// tokens it acts with, and a lease so that one replica at a time renews
// them.

package sqlstore

import (
	"fmt"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

const webSessionCols = `id_hash, id_token, token_expiry, refresh_token, created_at, expires_at`

// CreateWebSession stores a new session.
func (t *tx) CreateWebSession(s domain.WebSession) error {
	res, err := t.exec(`INSERT INTO web_sessions (`+webSessionCols+`) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
		s.IDHash, s.IDToken, ms(s.TokenExpiry), s.RefreshToken, ms(s.CreatedAt), ms(s.ExpiresAt))
	return inserted(res, err, "web session")
}

// WebSession reads the session whose cookie hashes to idHash.
func (t *tx) WebSession(idHash []byte) (domain.WebSession, error) {
	var s domain.WebSession
	var expiry, created, expires int64
	err := t.queryRow(`SELECT `+webSessionCols+` FROM web_sessions WHERE id_hash = $1`, idHash).
		Scan(&s.IDHash, &s.IDToken, &expiry, &s.RefreshToken, &created, &expires)
	if err != nil {
		return s, notFound(err, "web session")
	}
	s.TokenExpiry, s.CreatedAt, s.ExpiresAt = fromMS(expiry), fromMS(created), fromMS(expires)
	return s, nil
}

// LeaseWebSessionRefresh takes the turn to renew a session's tokens when
// nobody holds it, in one statement, so two replicas never both take it.
func (t *tx) LeaseWebSessionRefresh(idHash []byte, now, until time.Time) (bool, error) {
	res, err := t.exec(`UPDATE web_sessions SET refresh_lease = $3 WHERE id_hash = $1 AND refresh_lease <= $2`,
		idHash, ms(now), ms(until))
	if err != nil {
		return false, fmt.Errorf("lease web session refresh: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("lease web session refresh: %w", err)
	}
	return n > 0, nil
}

// RenewWebSession stores renewed tokens and gives up the turn.
func (t *tx) RenewWebSession(idHash []byte, idToken string, expiry time.Time, refreshToken string) error {
	res, err := t.exec(`UPDATE web_sessions SET id_token = $2, token_expiry = $3, refresh_token = $4, refresh_lease = 0
		WHERE id_hash = $1`, idHash, idToken, ms(expiry), refreshToken)
	return mustAffect(res, err, "web session")
}

// DeleteWebSession ends a session.
func (t *tx) DeleteWebSession(idHash []byte) error {
	if _, err := t.exec(`DELETE FROM web_sessions WHERE id_hash = $1`, idHash); err != nil {
		return fmt.Errorf("delete web session: %w", err)
	}
	return nil
}

// DeleteExpiredWebSessions removes the sessions that ended before now.
func (t *tx) DeleteExpiredWebSessions(now time.Time) (int, error) {
	res, err := t.exec(`DELETE FROM web_sessions WHERE expires_at < $1`, ms(now))
	if err != nil {
		return 0, fmt.Errorf("delete expired web sessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete expired web sessions: %w", err)
	}
	return int(n), nil
}
