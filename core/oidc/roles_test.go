// The role mapping table.

package oidc

import (
	"testing"

	"github.com/wingman-dev/wingman/core/domain"
)

func TestRoleMapRole(t *testing.T) {
	m := map[string]domain.Role{
		"wingman-admins": domain.RoleAdmin, "ops": domain.RoleOperator, "guests": domain.RoleViewer, "broken": "root",
	}
	tests := []struct {
		name   string
		m      RoleMap
		groups []string
		want   domain.Role
	}{
		{"no groups get the default", RoleMap{m, domain.RoleViewer}, nil, domain.RoleViewer},
		{"unmapped groups get the default", RoleMap{m, domain.RoleViewer}, []string{"staff", "family"}, domain.RoleViewer},
		{"a mapped group", RoleMap{m, domain.RoleViewer}, []string{"staff", "ops"}, domain.RoleOperator},
		{"the highest mapped role wins", RoleMap{m, domain.RoleViewer}, []string{"wingman-admins", "ops", "guests"}, domain.RoleAdmin},
		{"whatever the order", RoleMap{m, domain.RoleViewer}, []string{"guests", "ops", "wingman-admins"}, domain.RoleAdmin},
		{"a group mapped below the default", RoleMap{m, domain.RoleOperator}, []string{"guests"}, domain.RoleViewer},
		{"no default and no mapped group", RoleMap{m, ""}, []string{"staff"}, ""},
		{"no default, a mapped group", RoleMap{m, ""}, []string{"ops"}, domain.RoleOperator},
		{"an invalid mapped role counts for nothing", RoleMap{m, ""}, []string{"broken"}, ""},
		{"no map at all", RoleMap{nil, domain.RoleViewer}, []string{"ops"}, domain.RoleViewer},
		{"group names are exact", RoleMap{m, ""}, []string{"OPS", "/ops"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.m.Role(tt.groups); got != tt.want {
				t.Fatalf("Role(%q) = %q, want %q", tt.groups, got, tt.want)
			}
		})
	}
	if (RoleMap{m, ""}).Role(nil).Includes(domain.RoleViewer) {
		t.Fatal("no role includes viewer")
	}
}
