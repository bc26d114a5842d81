package domain

import (
	"fmt"
	"time"
)

// Role is what a user may do. Roles are ordered: each one includes the
// rights of the ones below it.
type Role string

// The roles, lowest first.
const (
	RoleViewer   Role = "viewer"
	RoleOperator Role = "operator"
	RoleAdmin    Role = "admin"
)

// Roles lists every role, lowest first.
var Roles = []Role{RoleViewer, RoleOperator, RoleAdmin}

func (r Role) rank() int {
	for i, x := range Roles {
		if x == r {
			return i + 1
		}
	}
	return 0
}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// Includes reports whether a holder of r may do what need requires.
// An unknown role includes nothing.
func (r Role) Includes(need Role) bool { return r.Valid() && r.rank() >= need.rank() }

// ParseRole turns a user's word into a Role.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !r.Valid() {
		return "", fmt.Errorf("role %q is not one of viewer, operator, admin", s)
	}
	return r, nil
}

// PrincipalKind says what proved a request's identity.
type PrincipalKind string

// Principal kinds.
const (
	PrincipalUser   PrincipalKind = "user"
	PrincipalWorker PrincipalKind = "worker"
	PrincipalSystem PrincipalKind = "system"
)

// Principal is who a request acts as, whatever proved it (a local token
// or an OIDC ID token). Workers are principals too, but carry no role:
// they can only ingest and take tasks for WorkerID.
type Principal struct {
	Kind     PrincipalKind `json:"kind"`
	UserID   string        `json:"user_id,omitempty"`
	Name     string        `json:"name"`
	Role     Role          `json:"role,omitempty"`
	WorkerID string        `json:"worker_id,omitempty"`
	// TokenID names the local token that proved the identity; empty for
	// an ID token, which the store does not keep.
	TokenID string `json:"token_id,omitempty"`
	// ExpiresAt is when the credential stops being accepted; nil when it
	// lasts until revoked.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// System is the principal for what Wingman does by itself (the advisor,
// expiry sweeps).
var System = Principal{Kind: PrincipalSystem, Name: "wingman", UserID: "system"}
