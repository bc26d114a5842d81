package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/oidc"
	"github.com/wingman-dev/wingman/core/store"
)

// Authenticator resolves bearer credentials to principals.
type Authenticator struct {
	Store store.Store
	Now   func() time.Time
	// OIDC, when single sign-on is enabled, checks the bearers that are
	// not local tokens as ID tokens.
	OIDC *oidc.Verifier
}

// Authenticate resolves a bearer token: a local token (by its prefix) or,
// with single sign-on, an ID token. Every failure wraps
// domain.ErrUnauthenticated and says why in words that do not help a
// guesser (unknown and malformed tokens read the same), except a signed-in
// user without a role (domain.ErrForbidden) and a provider that cannot be
// reached (domain.ErrUnavailable).
func (a *Authenticator) Authenticate(ctx context.Context, bearer string) (domain.Principal, error) {
	if bearer == "" {
		return domain.Principal{}, fmt.Errorf("no token: send Authorization: Bearer <token>: %w", domain.ErrUnauthenticated)
	}
	if !strings.HasPrefix(bearer, APIPrefix) && !strings.HasPrefix(bearer, WorkerPrefix) {
		if a.OIDC != nil {
			return a.authenticateOIDC(ctx, bearer)
		}
		return domain.Principal{}, fmt.Errorf("unknown token: %w", domain.ErrUnauthenticated)
	}
	var p domain.Principal
	err := a.Store.View(ctx, func(tx store.Tx) error {
		tk, err := tx.TokenByHash(Hash(bearer))
		if errors.Is(err, domain.ErrNotFound) {
			return fmt.Errorf("unknown token: %w", domain.ErrUnauthenticated)
		}
		if err != nil {
			return err
		}
		now := a.Now()
		if tk.RevokedAt != nil {
			return fmt.Errorf("token %s was revoked at %s: %w", tk.ID, tk.RevokedAt.Format(time.RFC3339), domain.ErrUnauthenticated)
		}
		if tk.ExpiresAt != nil && !now.Before(*tk.ExpiresAt) {
			return fmt.Errorf("token %s expired at %s: %w", tk.ID, tk.ExpiresAt.Format(time.RFC3339), domain.ErrUnauthenticated)
		}
		if tk.Kind == domain.TokenWorker {
			p = domain.Principal{Kind: domain.PrincipalWorker, Name: tk.WorkerID, WorkerID: tk.WorkerID, TokenID: tk.ID, UserID: "worker:" + tk.WorkerID}
			return nil
		}
		p = domain.Principal{Kind: domain.PrincipalUser, UserID: tk.UserID, Name: tk.Name, Role: tk.Role, TokenID: tk.ID, ExpiresAt: tk.ExpiresAt}
		return nil
	})
	return p, err
}

// Require checks that p is a person holding at least the role need.
// Workers hold no role: a worker token never passes.
func Require(p domain.Principal, need domain.Role) error {
	if p.Kind != domain.PrincipalUser {
		return fmt.Errorf("a worker token cannot do this; it needs a %s token: %w", need, domain.ErrForbidden)
	}
	if !p.Role.Includes(need) {
		return fmt.Errorf("this needs the %s role; %s has %s: %w", need, p.Name, p.Role, domain.ErrForbidden)
	}
	return nil
}

// RequireWorker checks that p is a worker, acting for workerID when that is
// given.
func RequireWorker(p domain.Principal, workerID string) error {
	if p.Kind != domain.PrincipalWorker {
		return fmt.Errorf("only a worker token may do this: %w", domain.ErrForbidden)
	}
	if workerID != "" && workerID != p.WorkerID {
		return fmt.Errorf("this token belongs to worker %q, not %q: %w", p.WorkerID, workerID, domain.ErrForbidden)
	}
	return nil
}
