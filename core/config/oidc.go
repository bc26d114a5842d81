// Single sign-on settings from the environment.

package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/wingman-dev/wingman/core/domain"
)

// NoRole is the OIDC_DEFAULT_ROLE that gives users whose groups map to no
// role no access at all, until an admin sets one.
const NoRole = "none"

// OIDC is wingmand's single sign-on configuration, from the environment
// (the names of the roadmap's reference, OIDC_*).
type OIDC struct {
	Enabled bool
	// IssuerURL is the provider's issuer, exactly as its discovery document
	// spells it (Keycloak: https://HOST/realms/REALM).
	IssuerURL string
	// ClientID is the client wingmand's web sign-in uses; ClientSecret is
	// its secret, empty for a public client.
	ClientID     string
	ClientSecret string
	// CLIClientID is the public client wingctl logs in with (device code
	// or loopback browser); it defaults to ClientID.
	CLIClientID string
	// Scopes are requested at sign-in; they include openid.
	Scopes []string
	// CAFile trusts a provider whose certificate comes from the homelab's
	// own certificate authority.
	CAFile string
	// RoleClaim names the ID token claim holding the user's groups.
	RoleClaim string
	// RoleMap maps a group to the role its members get.
	RoleMap map[string]domain.Role
	// DefaultRole is the role of users in no mapped group; empty means none.
	DefaultRole domain.Role
}

// DefaultOIDC returns the defaults: disabled, the roadmap's scopes, groups
// in the "groups" claim, and no role for anyone not in a mapped group: a
// provider with open sign-up (Google, Auth0) must not let the world read
// the homelab unless OIDC_DEFAULT_ROLE says so.
func DefaultOIDC() OIDC {
	return OIDC{Scopes: []string{"openid", "profile", "email"}, RoleClaim: "groups"}
}

// LoadOIDC reads the OIDC_* variables over the defaults and validates the
// result.
func LoadOIDC(getenv func(string) string) (OIDC, error) {
	o := DefaultOIDC()
	var errs []error
	if v := getenv("OIDC_ENABLED"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("OIDC_ENABLED=%q: use true or false", v))
		}
		o.Enabled = b
	}
	for k, dst := range map[string]*string{
		"OIDC_ISSUER_URL": &o.IssuerURL, "OIDC_CLIENT_ID": &o.ClientID, "OIDC_CLIENT_SECRET": &o.ClientSecret,
		"OIDC_CLI_CLIENT_ID": &o.CLIClientID, "OIDC_CA_FILE": &o.CAFile, "OIDC_ROLE_CLAIM": &o.RoleClaim,
	} {
		if v := getenv(k); v != "" {
			*dst = v
		}
	}
	if v := getenv("OIDC_SCOPES"); v != "" {
		o.Scopes = strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' })
	}
	if v := getenv("OIDC_ROLE_MAP"); v != "" {
		m, err := ParseRoleMap(v)
		if err != nil {
			errs = append(errs, err)
		}
		o.RoleMap = m
	}
	if v := getenv("OIDC_DEFAULT_ROLE"); v != "" {
		o.DefaultRole = domain.Role(v)
		if v == NoRole {
			o.DefaultRole = ""
		}
	}
	if o.CLIClientID == "" {
		o.CLIClientID = o.ClientID
	}
	if err := errors.Join(errs...); err != nil {
		return o, err
	}
	return o, o.Validate()
}

// ParseRoleMap reads OIDC_ROLE_MAP: comma-separated group=role pairs, such
// as "wingman-admins=admin,ops=operator". A group may itself contain "=":
// the last one separates it from the role.
func ParseRoleMap(s string) (map[string]domain.Role, error) {
	m := map[string]domain.Role{}
	var errs []error
	for pair := range strings.SplitSeq(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		i := strings.LastIndex(pair, "=")
		if i <= 0 {
			errs = append(errs, fmt.Errorf("OIDC_ROLE_MAP: %q is not group=role", pair))
			continue
		}
		group, word := strings.TrimSpace(pair[:i]), strings.TrimSpace(pair[i+1:])
		role, err := domain.ParseRole(word)
		if err != nil {
			errs = append(errs, fmt.Errorf("OIDC_ROLE_MAP: group %q: %w", group, err))
			continue
		}
		if old, ok := m[group]; ok && old != role {
			errs = append(errs, fmt.Errorf("OIDC_ROLE_MAP: group %q is mapped to both %s and %s", group, old, role))
			continue
		}
		m[group] = role
	}
	return m, errors.Join(errs...)
}

// Audiences lists the client ids whose ID tokens wingmand accepts: the web
// client's and wingctl's.
func (o OIDC) Audiences() []string {
	if o.CLIClientID == "" || o.CLIClientID == o.ClientID {
		return []string{o.ClientID}
	}
	return []string{o.ClientID, o.CLIClientID}
}

// Validate checks the settings together and says what to fix. A disabled
// configuration is not checked.
func (o OIDC) Validate() error {
	if !o.Enabled {
		return nil
	}
	var errs []error
	if err := validIssuer(o.IssuerURL); err != nil {
		errs = append(errs, err)
	}
	if o.ClientID == "" {
		errs = append(errs, errors.New("OIDC_CLIENT_ID is empty: give the client id registered for Wingman at the provider"))
	}
	if !slices.Contains(o.Scopes, "openid") {
		errs = append(errs, fmt.Errorf("OIDC_SCOPES=%q: include openid, or the provider issues no ID token", strings.Join(o.Scopes, " ")))
	}
	if o.RoleClaim == "" {
		errs = append(errs, errors.New("OIDC_ROLE_CLAIM is empty: name the claim that lists the user's groups, such as groups"))
	}
	for group, role := range o.RoleMap {
		if !role.Valid() {
			errs = append(errs, fmt.Errorf("role_map: group %q: role %q is not one of viewer, operator, admin", group, role))
		}
	}
	if o.DefaultRole != "" && !o.DefaultRole.Valid() {
		errs = append(errs, fmt.Errorf("OIDC_DEFAULT_ROLE=%q: use viewer, operator, admin or %s", o.DefaultRole, NoRole))
	}
	return errors.Join(errs...)
}

// validIssuer wants https, since the provider's keys are fetched from it:
// anyone who can change them in transit can sign in as anyone. Plain http
// is accepted on loopback only, where nothing is in transit.
func validIssuer(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("OIDC_ISSUER_URL=%q: give the provider's issuer URL, such as https://keycloak.example.com/realms/wingman", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if ip := net.ParseIP(u.Hostname()); u.Hostname() == "localhost" || (ip != nil && ip.IsLoopback()) {
			return nil
		}
	}
	return fmt.Errorf("OIDC_ISSUER_URL=%q: use https (plain http only on loopback): "+
		"the provider's signing keys are fetched from it", raw)
}
