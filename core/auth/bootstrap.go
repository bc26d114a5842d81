package auth

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

// Bootstrap makes sure a fresh install can be administered: when the store
// holds no API token (worker tokens do not count) it issues an admin token and writes its secret to
// path with mode 0600. It returns whether it created one. The secret goes
// only to the file, never to a log.
func Bootstrap(ctx context.Context, s store.Store, path string, now time.Time) (bool, error) {
	created := false
	err := s.Update(ctx, func(tx store.Tx) error {
		tokens, err := tx.ListTokens()
		if err != nil {
			return err
		}
		for _, tk := range tokens {
			if tk.Kind == domain.TokenAPI {
				return nil // someone can already administer this install
			}
		}
		secret, tk, err := IssueAPIToken(tx, "admin", domain.RoleAdmin, now, nil)
		if err != nil {
			return err
		}
		if err := writeSecret(path, secret); err != nil {
			return err
		}
		created = true // from here on the file exists
		return tx.AppendAudit(&domain.AuditEvent{At: now, ActorKind: domain.PrincipalSystem, ActorID: domain.System.UserID,
			ActorName: domain.System.Name, Action: "token.bootstrap", Subject: tk.ID, Outcome: domain.OutcomeOK,
			Detail: map[string]any{"file": path}})
	})
	if err != nil {
		if created {
			// The token did not commit: a file naming it would only block
			// the next start.
			os.Remove(path)
		}
		return false, fmt.Errorf("bootstrap admin token: %w", err)
	}
	return created, nil
}

// writeSecret writes atomically, so a crash never leaves a half token.
func writeSecret(path, secret string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s exists but the store has no token; remove the stale file: %w", path, fs.ErrExist)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".admin.token-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.WriteString(secret + "\n"); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
