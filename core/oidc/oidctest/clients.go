// The provider's OAuth clients.

package oidctest

import (
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Client is an OAuth client of the provider. Every client may use the
// authorization code (with PKCE), device code and refresh token grants.
type Client struct {
	ID string
	// Secret is empty for a public client such as wingctl, which must use
	// PKCE and may redirect to any port of a loopback redirect URI
	// (RFC 8252, section 7.3). A client with a secret authenticates with
	// it and is held to its exact redirect URIs.
	Secret       string
	RedirectURIs []string
	// JWTAccessTokens issues access tokens as signed JWTs carrying a scope
	// claim, as Keycloak and Okta do, instead of opaque strings.
	JWTAccessTokens bool
	// IDTokenLifetime and AccessTokenLifetime default to 5 minutes.
	IDTokenLifetime     time.Duration
	AccessTokenLifetime time.Duration
}

func (c Client) withDefaults() Client {
	if c.IDTokenLifetime == 0 {
		c.IDTokenLifetime = 5 * time.Minute
	}
	if c.AccessTokenLifetime == 0 {
		c.AccessTokenLifetime = 5 * time.Minute
	}
	return c
}

// opClient presents a Client to the op package.
type opClient struct{ c Client }

var _ op.Client = opClient{}

func (o opClient) GetID() string                    { return o.c.ID }
func (o opClient) RedirectURIs() []string           { return slices.Clone(o.c.RedirectURIs) }
func (o opClient) PostLogoutRedirectURIs() []string { return nil }
func (o opClient) LoginURL(id string) string        { return loginPath + "?id=" + id }
func (o opClient) IDTokenLifetime() time.Duration   { return o.c.IDTokenLifetime }
func (o opClient) DevMode() bool                    { return false }
func (o opClient) ClockSkew() time.Duration         { return 0 }
func (o opClient) IsScopeAllowed(scope string) bool {
	return scope == "groups"
}

// IDTokenUserinfoClaimsAssertion puts profile and email in the ID token
// even when an access token is issued too, as most providers do.
func (o opClient) IDTokenUserinfoClaimsAssertion() bool { return true }

func (o opClient) ApplicationType() op.ApplicationType {
	if o.c.Secret == "" {
		return op.ApplicationTypeNative
	}
	return op.ApplicationTypeWeb
}

func (o opClient) AuthMethod() oidc.AuthMethod {
	if o.c.Secret == "" {
		return oidc.AuthMethodNone
	}
	return oidc.AuthMethodBasic
}

func (o opClient) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}

func (o opClient) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken, oidc.GrantTypeDeviceCode}
}

func (o opClient) AccessTokenType() op.AccessTokenType {
	if o.c.JWTAccessTokens {
		return op.AccessTokenTypeJWT
	}
	return op.AccessTokenTypeBearer
}

func (o opClient) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

func (o opClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
