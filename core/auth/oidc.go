// Single sign-on: an ID token becomes a principal, and its user is
// provisioned on their first sign-in.

package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/oidc"
	"github.com/wingman-dev/wingman/core/store"
)

// authenticateOIDC verifies bearer as an ID token and resolves its user,
// whose role is the admin's override, else what their groups map to. A
// user with neither is provisioned all the same, so that an admin can
// find them in the user list and give them a role, and then refused.
func (a *Authenticator) authenticateOIDC(ctx context.Context, bearer string) (domain.Principal, error) {
	id, err := a.OIDC.Verify(ctx, bearer)
	if err != nil {
		return domain.Principal{}, err
	}
	u, err := a.provision(ctx, id)
	if err != nil {
		return domain.Principal{}, fmt.Errorf("sign-in of %s: %w", id.Name, err)
	}
	role := u.EffectiveRole(id.Role)
	if role == "" {
		groups := "none"
		if len(id.Groups) > 0 {
			groups = strings.Join(id.Groups, ", ")
		}
		return domain.Principal{}, fmt.Errorf("%s signed in but has no Wingman role: their groups (%s) map to none "+
			"and the default role is none; an admin can give them one with 'wingctl users set-role %s ROLE': %w",
			id.Name, groups, u.ID, domain.ErrForbidden)
	}
	exp := id.Expiry
	return domain.Principal{Kind: domain.PrincipalUser, UserID: u.ID, Name: u.Name, Role: role, ExpiresAt: &exp}, nil
}

// provision returns the user id names, creating them on their first
// sign-in and storing a changed name, e-mail or mapped role. Requests of
// a known user whose profile did not change only read.
func (a *Authenticator) provision(ctx context.Context, id oidc.Identity) (domain.User, error) {
	var u domain.User
	err := a.Store.View(ctx, func(tx store.Tx) (err error) {
		u, err = tx.UserBySubject(id.Issuer, id.Subject)
		return err
	})
	if err == nil && u.Name == id.Name && u.Email == id.Email && u.Role == id.Role {
		return u, nil
	}
	if err != nil && !errors.Is(err, domain.ErrNotFound) {
		return u, err
	}
	err = a.Store.Update(ctx, func(tx store.Tx) error {
		now := a.Now()
		old, err := tx.UserBySubject(id.Issuer, id.Subject)
		var action string
		var detail map[string]any
		switch {
		case errors.Is(err, domain.ErrNotFound):
			u, err = tx.EnsureUser(domain.User{Name: id.Name, Email: id.Email, Role: id.Role,
				Issuer: id.Issuer, Subject: id.Subject, CreatedAt: now})
			if err != nil {
				return err
			}
			action, detail = "user.provision", map[string]any{"issuer": id.Issuer, "email": id.Email, "role": id.Role}
		case err != nil:
			return err
		default:
			u = old
			action, detail = "user.profile", changes(old, id)
			if len(detail) == 0 {
				return nil // another request stored the same change first
			}
			u.Name, u.Email, u.Role = id.Name, id.Email, id.Role
			if err := tx.UpdateUserProfile(u); err != nil {
				return err
			}
		}
		return tx.AppendAudit(&domain.AuditEvent{At: now, ActorKind: domain.PrincipalUser, ActorID: u.ID, ActorName: u.Name,
			ActorRole: u.EffectiveRole(id.Role), Action: action, Subject: u.ID, Outcome: domain.OutcomeOK, Detail: detail})
	})
	return u, err
}

// changes lists what the provider says differently about a known user, for
// the audit log: a changed mapped role above all.
func changes(old domain.User, id oidc.Identity) map[string]any {
	d := map[string]any{}
	if old.Role != id.Role {
		d["role"], d["previous_role"] = id.Role, old.Role
	}
	if old.Name != id.Name {
		d["name"], d["previous_name"] = id.Name, old.Name
	}
	if old.Email != id.Email {
		d["email"], d["previous_email"] = id.Email, old.Email
	}
	return d
}
