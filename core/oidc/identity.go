// What a verified ID token says about its user.

package oidc

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/wingman-dev/wingman/core/domain"
)

// Identity is who a verified ID token names. Issuer and Subject together
// identify the user for good; the rest may change from one login to the
// next.
type Identity struct {
	Issuer  string
	Subject string
	// Name is how to show the user: the name claim, else
	// preferred_username, else email, else the subject.
	Name          string
	Email         string
	EmailVerified bool
	// Groups come from the configured claim (OIDC_ROLE_CLAIM).
	Groups []string
	// Role is what Groups map to, or the default role; empty when neither
	// gives one. An admin's override, kept by the store, comes on top.
	Role domain.Role
	// Expiry is when the token stops being accepted.
	Expiry time.Time
}

// profile holds the standard claims Identity reads.
type profile struct {
	Name          string `json:"name"`
	Username      string `json:"preferred_username"`
	Email         string `json:"email"`
	EmailVerified any    `json:"email_verified"`
}

func (v *Verifier) identity(tok *oidc.IDToken) (Identity, error) {
	var p profile
	var all map[string]any
	if err := tok.Claims(&p); err != nil {
		return Identity{}, refuse(ErrMalformed, "profile claims: %v", err)
	}
	if err := tok.Claims(&all); err != nil {
		return Identity{}, refuse(ErrMalformed, "claims: %v", err)
	}
	groups, err := groupsIn(all, v.groups)
	if err != nil {
		return Identity{}, err
	}
	id := Identity{
		Issuer: tok.Issuer, Subject: tok.Subject, Email: p.Email,
		// Some providers send the boolean as a string.
		EmailVerified: p.EmailVerified == true || p.EmailVerified == "true",
		Groups:        groups, Role: v.roles.Role(groups), Expiry: tok.Expiry,
	}
	for _, n := range []string{p.Name, p.Username, p.Email, tok.Subject} {
		if n != "" {
			id.Name = n
			break
		}
	}
	return id, nil
}

// groupsIn reads the groups claim named name. Providers shape it as a list
// of strings, a single string, or an object whose keys are the groups or
// roles; a name that is not a top-level claim is read as a dotted path
// (Keycloak's realm_access.roles).
func groupsIn(all map[string]any, name string) ([]string, error) {
	v, ok := all[name]
	if !ok {
		v, ok = lookupPath(all, name)
	}
	if !ok || v == nil {
		return nil, nil
	}
	switch x := v.(type) {
	case string:
		if x == "" {
			return nil, nil
		}
		return []string{x}, nil
	case []any:
		groups := make([]string, 0, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, refuse(ErrGroupsFormat, "claim %q: item %d is %T, not a string", name, i, e)
			}
			groups = append(groups, s)
		}
		return groups, nil
	case map[string]any:
		return slices.Sorted(maps.Keys(x)), nil
	default:
		return nil, refuse(ErrGroupsFormat, "claim %q is %T; want a list of strings, a string or an object", name, v)
	}
}

func lookupPath(all map[string]any, path string) (any, bool) {
	var v any = all
	for key := range strings.SplitSeq(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[key]; !ok {
			return nil, false
		}
	}
	return v, true
}
