// From groups to a Wingman role.

package oidc

import "github.com/wingman-dev/wingman/core/domain"

// RoleMap turns a user's groups into a Wingman role.
type RoleMap struct {
	// Groups maps a group to the role its members get.
	Groups map[string]domain.Role
	// Default is the role of a user in no mapped group; empty means none.
	Default domain.Role
}

// Role returns the highest role any of groups maps to; for a user in no
// mapped group, Default. A user in a mapped group never falls back to
// Default, so a group can be mapped below it. The empty role, returned when
// there is neither, includes nothing.
func (m RoleMap) Role(groups []string) domain.Role {
	var best domain.Role
	for _, g := range groups {
		if r, ok := m.Groups[g]; ok && r.Valid() && (best == "" || !best.Includes(r)) {
			best = r
		}
	}
	if best == "" {
		return m.Default
	}
	return best
}
