// Single sign-on: how to sign in, and the users it provisions.

package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/wingman-dev/wingman/core/domain"
)

// AuthConfig returns how the server's users sign in (GET /auth/config). It
// needs no token, so a client made with none can ask before logging in.
func (c *Client) AuthConfig(ctx context.Context) (domain.AuthConfig, error) {
	var ac domain.AuthConfig
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/auth/config", out: &ac, bounded: true}); err != nil {
		return ac, wrap("get sign-in settings", err)
	}
	return ac, nil
}

// ListUsers returns the users single sign-on provisioned (GET /users).
func (c *Client) ListUsers(ctx context.Context) ([]domain.User, error) {
	var us []domain.User
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/users", out: &us, bounded: true}); err != nil {
		return nil, wrap("list users", err)
	}
	return nonNil(us), nil
}

// SetUserRole overrides the role a user's groups give them, or with the
// empty role removes the override (PUT /users/{id}/role).
func (c *Client) SetUserRole(ctx context.Context, id string, role domain.Role) (domain.User, error) {
	var u domain.User
	in := domain.SetRoleRequest{Role: role}
	if _, err := c.do(ctx, call{method: http.MethodPut, path: "/users/" + url.PathEscape(id) + "/role", in: in, out: &u, bounded: true}); err != nil {
		return u, wrap("set the role of "+id, err)
	}
	return u, nil
}
