// Single sign-on endpoints: what wingctl needs to sign in, and the users
// it provisions, whose roles an admin may override.

package api

import (
	"fmt"
	"net/http"

	"github.com/wingman-dev/wingman/core/auth"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

// authConfig answers without a credential: it is how a person without
// one learns where to get one.
func (s *Server) authConfig(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.SignIn)
}

// listUsers lists the people who signed in through single sign-on. Local
// users are not listed: each of their tokens carries its own role, which
// "tokens list" shows.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	if err := auth.Require(p, domain.RoleAdmin); err != nil {
		return err
	}
	out := []domain.User{}
	err := s.Store.View(r.Context(), func(tx store.Tx) error {
		all, err := tx.ListUsers()
		for _, u := range all {
			if u.Issuer != domain.LocalIssuer {
				out = append(out, u)
			}
		}
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) setUserRole(w http.ResponseWriter, r *http.Request, p domain.Principal) error {
	var req domain.SetRoleRequest
	if err := decodeBody(w, r, s.MaxBody, &req); err != nil {
		return err
	}
	if req.Role != "" && !req.Role.Valid() {
		return fmt.Errorf("role %q is not one of viewer, operator, admin (or empty to remove the override): %w", req.Role, domain.ErrInvalid)
	}
	id := r.PathValue("id")
	var u domain.User
	err := s.adminChange(r, p, "user.role", id, func(tx store.Tx) (map[string]any, error) {
		var err error
		if u, err = tx.GetUser(id); err != nil {
			return nil, err
		}
		if u.Issuer == domain.LocalIssuer {
			return nil, fmt.Errorf("%s is a local user: each of their tokens carries its own role; "+
				"create a token with the role you want and revoke the others: %w", u.Name, domain.ErrInvalid)
		}
		detail := map[string]any{"role": req.Role, "previous": u.RoleOverride, "mapped": u.Role}
		u.RoleOverride = req.Role
		return detail, tx.SetRoleOverride(id, req.Role)
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}
