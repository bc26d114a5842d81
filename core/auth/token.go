// Package auth resolves a request's credential to a domain.Principal and
// decides what that principal may do. Local API tokens and worker tokens
// live here; the single sign-on provider's ID tokens (oidc.go) resolve to
// the same Principal, so nothing behind this package cares what proved an
// identity.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

// Token prefixes: wm_ for people's API tokens, wmw_ for workers', so a
// leaked secret says what it is to a scanner and to its owner.
const (
	APIPrefix    = "wm_"
	WorkerPrefix = "wmw_"
)

var encoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newSecret returns a fresh secret with 160 random bits and its hash.
func newSecret(prefix string) (string, []byte) {
	b := make([]byte, 20)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	s := prefix + strings.ToLower(encoding.EncodeToString(b))
	return s, Hash(s)
}

// Hash is how a secret is stored. A plain SHA-256 is enough: the secrets
// are random and long, so there is nothing for a slow hash to protect.
func Hash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

func tokenID() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return "tok-" + strings.ToLower(encoding.EncodeToString(b))
}

// IssueAPIToken creates a token for the local user called name (creating
// the user on first use: tokens with one name are one person) and returns
// its secret, which is never stored.
func IssueAPIToken(tx store.Tx, name string, role domain.Role, now time.Time, expires *time.Time) (string, domain.Token, error) {
	if !role.Valid() {
		return "", domain.Token{}, fmt.Errorf("role %q is not one of viewer, operator, admin: %w", role, domain.ErrInvalid)
	}
	if err := validName(name); err != nil {
		return "", domain.Token{}, err
	}
	u, err := tx.EnsureUser(domain.User{Name: name, Role: role, Issuer: domain.LocalIssuer, Subject: name, CreatedAt: now})
	if err != nil {
		return "", domain.Token{}, err
	}
	secret, hash := newSecret(APIPrefix)
	tk := domain.Token{ID: tokenID(), Name: name, Kind: domain.TokenAPI, Role: role, UserID: u.ID, Hash: hash, CreatedAt: now, ExpiresAt: expires}
	if err := tx.CreateToken(tk); err != nil {
		return "", domain.Token{}, err
	}
	return secret, tk, nil
}

// IssueWorkerToken creates the token a worker uses to ingest and take tasks.
func IssueWorkerToken(tx store.Tx, workerID string, now time.Time) (string, domain.Token, error) {
	secret, hash := newSecret(WorkerPrefix)
	tk := domain.Token{ID: tokenID(), Name: workerID, Kind: domain.TokenWorker, WorkerID: workerID, Hash: hash, CreatedAt: now}
	if err := tx.CreateToken(tk); err != nil {
		return "", domain.Token{}, err
	}
	return secret, tk, nil
}

// validName accepts names a person can type and a log line can carry.
func validName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("name must be 1 to 64 characters: %w", domain.ErrInvalid)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.@", r)) {
			return fmt.Errorf("name %q may hold only letters, digits and - _ . @: %w", name, domain.ErrInvalid)
		}
	}
	return nil
}

// ValidID checks a worker id the same way as a name.
func ValidID(id string) error { return validName(id) }
