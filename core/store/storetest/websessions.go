// The web console's sessions in the store.

package storetest

import (
	"bytes"
	"database/sql"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

// testWebSessions: a session is found by its cookie's hash, one request
// at a time gets the turn to renew its tokens, renewing ends the turn,
// and sessions end one by one or all that expired.
func testWebSessions(t *testing.T, s store.Store, _ *sql.DB) {
	a := domain.WebSession{IDHash: []byte("hash-a"), IDToken: "id-a", TokenExpiry: t0.Add(5 * time.Minute),
		RefreshToken: "rt-a", CreatedAt: t0, ExpiresAt: t0.Add(12 * time.Hour)}
	b := domain.WebSession{IDHash: []byte("hash-b"), IDToken: "id-b", TokenExpiry: t0.Add(5 * time.Minute),
		CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	update(t, s, func(tx store.Tx) error {
		for _, ws := range []domain.WebSession{a, b} {
			if err := tx.CreateWebSession(ws); err != nil {
				return err
			}
		}
		wantErr(t, tx.CreateWebSession(a), domain.ErrConflict)
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		got, err := tx.WebSession(a.IDHash)
		if err != nil {
			return err
		}
		if !bytes.Equal(got.IDHash, a.IDHash) || got.IDToken != a.IDToken || got.RefreshToken != a.RefreshToken ||
			!got.TokenExpiry.Equal(a.TokenExpiry) || !got.CreatedAt.Equal(a.CreatedAt) || !got.ExpiresAt.Equal(a.ExpiresAt) {
			t.Errorf("WebSession = %+v, want %+v", got, a)
		}
		_, err = tx.WebSession([]byte("hash-x"))
		wantErr(t, err, domain.ErrNotFound)
		return nil
	})

	lease := func(now time.Time) bool {
		var got bool
		update(t, s, func(tx store.Tx) (err error) {
			got, err = tx.LeaseWebSessionRefresh(a.IDHash, now, now.Add(10*time.Second))
			return err
		})
		return got
	}
	if !lease(t0) {
		t.Fatal("the first lease was not given")
	}
	if lease(t0.Add(time.Second)) {
		t.Fatal("a second lease was given while the first holds")
	}
	if !lease(t0.Add(11 * time.Second)) {
		t.Fatal("a lease was not given after the one before ran out")
	}
	renewed := t0.Add(10 * time.Minute)
	update(t, s, func(tx store.Tx) error {
		if err := tx.RenewWebSession(a.IDHash, "id-a2", renewed, "rt-a2"); err != nil {
			return err
		}
		wantErr(t, tx.RenewWebSession([]byte("hash-x"), "id", renewed, ""), domain.ErrNotFound)
		return nil
	})
	if !lease(t0.Add(12 * time.Second)) {
		t.Fatal("renewing did not end the turn")
	}
	view(t, s, func(tx store.Tx) error {
		got, err := tx.WebSession(a.IDHash)
		if err == nil && (got.IDToken != "id-a2" || got.RefreshToken != "rt-a2" || !got.TokenExpiry.Equal(renewed)) {
			t.Errorf("after renewal: %+v", got)
		}
		return err
	})

	update(t, s, func(tx store.Tx) error {
		n, err := tx.DeleteExpiredWebSessions(t0.Add(2 * time.Hour))
		if n != 1 {
			t.Errorf("DeleteExpiredWebSessions = %d, want 1 (b)", n)
		}
		if err != nil {
			return err
		}
		if err := tx.DeleteWebSession(a.IDHash); err != nil {
			return err
		}
		return tx.DeleteWebSession(a.IDHash)
	})
	view(t, s, func(tx store.Tx) error {
		for _, h := range [][]byte{a.IDHash, b.IDHash} {
			_, err := tx.WebSession(h)
			wantErr(t, err, domain.ErrNotFound)
		}
		return nil
	})
}
