package domain

import "time"

// TokenKind separates people's API tokens from workers' tokens.
type TokenKind string

// Token kinds.
const (
	TokenAPI    TokenKind = "api"
	TokenWorker TokenKind = "worker"
)

// Token is a stored credential. Only the SHA-256 of the secret is kept;
// the secret itself is shown once, when the token is created.
type Token struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Kind      TokenKind  `json:"kind"`
	Role      Role       `json:"role,omitempty"`
	UserID    string     `json:"user_id,omitempty"`
	WorkerID  string     `json:"worker_id,omitempty"`
	Hash      []byte     `json:"-"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// User is a person. Local users come from API tokens (Issuer "local");
// OIDC users are provisioned on first login.
type User struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	// Role is, for an OIDC user, what their groups mapped to at their
	// newest sign-in (empty for none); for a local user, the role of their
	// first token (each token carries its own).
	Role Role `json:"role"`
	// RoleOverride, set by an admin, wins over Role for an OIDC user.
	RoleOverride Role      `json:"role_override,omitempty"`
	Issuer       string    `json:"issuer"`
	Subject      string    `json:"subject"`
	CreatedAt    time.Time `json:"created_at"`
}

// EffectiveRole is the role an OIDC user acts with when their groups map
// to mapped: the admin's override if there is one.
func (u User) EffectiveRole(mapped Role) Role {
	if u.RoleOverride != "" {
		return u.RoleOverride
	}
	return mapped
}

// LocalIssuer marks users that exist only in Wingman's own store.
const LocalIssuer = "local"
