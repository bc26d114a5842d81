// Reading and checking the OIDC_* settings.

package config

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/wingman-dev/wingman/core/domain"
)

func oidcBase() map[string]string {
	return map[string]string{"OIDC_ENABLED": "true", "OIDC_ISSUER_URL": "https://keycloak.example.com/realms/wingman", "OIDC_CLIENT_ID": "wingman"}
}

func TestLoadOIDCDefaults(t *testing.T) {
	o, err := LoadOIDC(workerEnv(oidcBase()))
	if err != nil {
		t.Fatal(err)
	}
	if !o.Enabled || o.CLIClientID != "wingman" || o.RoleClaim != "groups" || o.DefaultRole != "" ||
		!slices.Equal(o.Scopes, []string{"openid", "profile", "email"}) || len(o.RoleMap) != 0 {
		t.Fatalf("config = %+v", o)
	}
	if got := o.Audiences(); !slices.Equal(got, []string{"wingman"}) {
		t.Fatalf("Audiences() = %q, want the one client id", got)
	}
}

func TestLoadOIDCFromEnv(t *testing.T) {
	m := oidcBase()
	m["OIDC_ISSUER_URL"] = "http://127.0.0.1:5556/dex"
	m["OIDC_CLIENT_SECRET"] = "s3cret"
	m["OIDC_CLI_CLIENT_ID"] = "wingctl"
	m["OIDC_SCOPES"] = "openid,profile email offline_access"
	m["OIDC_ROLE_CLAIM"] = "realm_access.roles"
	m["OIDC_ROLE_MAP"] = " wingman-admins=admin, ops = operator,cn=auditors=viewer,"
	m["OIDC_DEFAULT_ROLE"] = NoRole
	m["OIDC_CA_FILE"] = "/etc/ssl/homelab-ca.pem"
	o, err := LoadOIDC(workerEnv(m))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]domain.Role{"wingman-admins": domain.RoleAdmin, "ops": domain.RoleOperator, "cn=auditors": domain.RoleViewer}
	if !maps.Equal(o.RoleMap, want) {
		t.Errorf("RoleMap = %v, want %v", o.RoleMap, want)
	}
	if o.DefaultRole != "" {
		t.Errorf("DefaultRole = %q, want none (empty)", o.DefaultRole)
	}
	if !slices.Equal(o.Scopes, []string{"openid", "profile", "email", "offline_access"}) {
		t.Errorf("Scopes = %q", o.Scopes)
	}
	if o.ClientSecret != "s3cret" || o.RoleClaim != "realm_access.roles" || o.CAFile != "/etc/ssl/homelab-ca.pem" {
		t.Errorf("config = %+v", o)
	}
	if got := o.Audiences(); !slices.Equal(got, []string{"wingman", "wingctl"}) {
		t.Errorf("Audiences() = %q, want the web and the CLI client", got)
	}
}

func TestLoadOIDCDisabledIsNotChecked(t *testing.T) {
	o, err := LoadOIDC(workerEnv(map[string]string{"OIDC_ISSUER_URL": "not a url"}))
	if err != nil || o.Enabled {
		t.Fatalf("disabled config: %+v, %v", o, err)
	}
}

func TestLoadOIDCRefusals(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"enabled is not a boolean", map[string]string{"OIDC_ENABLED": "yes please"}, "OIDC_ENABLED"},
		{"no issuer", map[string]string{"OIDC_ISSUER_URL": ""}, "OIDC_ISSUER_URL"},
		{"plain http off loopback", map[string]string{"OIDC_ISSUER_URL": "http://keycloak.lan/realms/wingman"}, "use https"},
		{"issuer with a query", map[string]string{"OIDC_ISSUER_URL": "https://idp.example.com/?realm=x"}, "OIDC_ISSUER_URL"},
		{"no client id", map[string]string{"OIDC_CLIENT_ID": ""}, "OIDC_CLIENT_ID is empty"},
		{"scopes without openid", map[string]string{"OIDC_SCOPES": "profile email"}, "include openid"},
		{"unknown role in the map", map[string]string{"OIDC_ROLE_MAP": "ops=root"}, `group "ops"`},
		{"pair without a role", map[string]string{"OIDC_ROLE_MAP": "ops"}, "is not group=role"},
		{"group mapped twice", map[string]string{"OIDC_ROLE_MAP": "ops=viewer,ops=admin"}, "mapped to both"},
		{"unknown default role", map[string]string{"OIDC_DEFAULT_ROLE": "guest"}, "OIDC_DEFAULT_ROLE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := oidcBase()
			maps.Copy(m, tt.env)
			_, err := LoadOIDC(workerEnv(m))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}
