package auth_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/wingman-dev/wingman/core/auth"
	"github.com/wingman-dev/wingman/core/domain"
)

func user(name string, role domain.Role) domain.Principal {
	return domain.Principal{Kind: domain.PrincipalUser, UserID: "u-" + name, Name: name, Role: role, TokenID: "tok-" + name}
}

func workerP(id string) domain.Principal {
	return domain.Principal{Kind: domain.PrincipalWorker, UserID: "worker:" + id, Name: id, WorkerID: id, TokenID: "tok-" + id}
}

func TestRequire(t *testing.T) {
	t.Parallel()
	// allowed[role] lists the needs that role meets.
	allowed := map[domain.Role][]domain.Role{
		domain.RoleViewer:   {domain.RoleViewer},
		domain.RoleOperator: {domain.RoleViewer, domain.RoleOperator},
		domain.RoleAdmin:    {domain.RoleViewer, domain.RoleOperator, domain.RoleAdmin},
		"":                  nil,
		"root":              nil,
		"Admin":             nil,
	}
	for role, meets := range allowed {
		for _, need := range domain.Roles {
			ok := false
			for _, m := range meets {
				ok = ok || m == need
			}
			t.Run(fmt.Sprintf("%q needs %s", role, need), func(t *testing.T) {
				t.Parallel()
				err := auth.Require(user("ada", role), need)
				if ok {
					if err != nil {
						t.Errorf("Require(%s, %s) = %v, want nil", role, need, err)
					}
					return
				}
				want := fmt.Sprintf("this needs the %s role; ada has %s", need, role)
				if !errors.Is(err, domain.ErrForbidden) || err == nil || !strings.HasPrefix(err.Error(), want) {
					t.Errorf("Require(%s, %s) = %v, want %q wrapping ErrForbidden", role, need, err, want)
				}
			})
		}
	}
}

func TestRequireRefusesNonUsers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    domain.Principal
	}{
		{"worker", workerP("w1")},
		// A worker principal carrying a role (it never should) still fails.
		{"worker with a role", func() domain.Principal { p := workerP("w1"); p.Role = domain.RoleAdmin; return p }()},
		{"system", domain.System},
		{"no kind, admin role", domain.Principal{Name: "ghost", UserID: "u-ghost", Role: domain.RoleAdmin}},
	}
	for _, tt := range tests {
		for _, need := range domain.Roles {
			t.Run(tt.name+" needs "+string(need), func(t *testing.T) {
				t.Parallel()
				err := auth.Require(tt.p, need)
				want := "a worker token cannot do this; it needs a " + string(need) + " token"
				if !errors.Is(err, domain.ErrForbidden) || !strings.HasPrefix(err.Error(), want) {
					t.Errorf("Require(%+v, %s) = %v, want %q wrapping ErrForbidden", tt.p, need, err, want)
				}
			})
		}
	}
}

func TestRequireWorker(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		p      domain.Principal
		worker string
		want   string // "" means allowed
	}{
		{"own id", workerP("w1"), "w1", ""},
		{"any worker when no id is given", workerP("w1"), "", ""},
		{"another worker's id", workerP("w1"), "w2", `this token belongs to worker "w1", not "w2"`},
		{"id differs only in case", workerP("w1"), "W1", `this token belongs to worker "w1", not "W1"`},
		{"id prefix", workerP("w1"), "w", `this token belongs to worker "w1", not "w"`},
		{"admin user", user("ada", domain.RoleAdmin), "w1", "only a worker token may do this"},
		{"admin user, no id", user("ada", domain.RoleAdmin), "", "only a worker token may do this"},
		{"user named like the worker", domain.Principal{Kind: domain.PrincipalUser, Name: "w1", WorkerID: "w1", Role: domain.RoleAdmin}, "w1", "only a worker token may do this"},
		{"system", domain.System, "", "only a worker token may do this"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := auth.RequireWorker(tt.p, tt.worker)
			if tt.want == "" {
				if err != nil {
					t.Errorf("RequireWorker = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, domain.ErrForbidden) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("RequireWorker = %v, want %q wrapping ErrForbidden", err, tt.want)
			}
		})
	}
}
