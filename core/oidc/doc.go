// Package oidc checks the OpenID Connect tokens that people send to
// wingmand and says who they are and which role their groups give them.
//
// # Which token the API accepts
//
// The API accepts an ID token whose audience is one of Wingman's own client
// ids (the web client's, OIDC_CLIENT_ID, or wingctl's, OIDC_CLI_CLIENT_ID),
// as the Kubernetes API server does with kubelogin. It refuses access
// tokens. The reasons:
//
//   - Every OpenID provider issues ID tokens in one format, a signed JWT
//     whose claims OpenID Connect Core defines. Access tokens have no common
//     format: Google and Auth0 (without an API audience) issue opaque ones,
//     which could only be checked by calling the provider on every request.
//   - An ID token's audience is the client that asked for it, with no
//     provider-side setup. An access token carrying an API audience needs
//     an API, scope or audience mapper configured differently at each
//     provider, which a homelab should not have to learn.
//   - Every provider that releases group membership can put it in the ID
//     token, again with no per-API setup.
//
// The price is that an ID token is a statement to a client, not a grant to
// a resource server; here the client and the resource server are the same
// program, so the difference does not matter. ID tokens live minutes, so
// wingctl and the web fallback refresh them before they expire: the
// refresh response carries a new one (OpenID Connect Core, section 12.2),
// as Keycloak, Authentik, Auth0, Okta and Google all send.
//
// # What is refused
//
// A token is refused unless all of these hold:
//
//   - It is a compact JWS signed with an allowed algorithm: RS256, RS384,
//     RS512, PS256, PS384, PS512, ES256, ES384, ES512 or EdDSA. "none" and
//     the HS* family are never allowed: an HMAC "signature" made with the
//     provider's public key as the secret would otherwise pass.
//   - The signature verifies with a key from the provider's JWKS (the
//     jwks_uri of its discovery document).
//   - Its issuer is OIDC_ISSUER_URL, exactly.
//   - Its audience contains one of Wingman's client ids; when it has
//     several audiences, its azp (authorized party) names one of them, and
//     any azp present must name one of them.
//   - It is an ID token: its JOSE type is absent or "JWT" (not "at+jwt", an
//     RFC 9068 access token, nor "logout+jwt"), and it carries none of the
//     claims that only other tokens carry: scope or scp (access tokens,
//     RFC 9068 and RFC 8693) and events (logout and security event tokens).
//   - It has a subject and an expiry; it has not expired, its nbf (not
//     before) and iat (issued at) are not in the future, each within
//     [DefaultLeeway] of this host's clock.
//
// The unsigned parts are checked first, so that a token refused anyway
// never makes wingmand fetch the provider's keys.
//
// # Keys and discovery
//
// Discovery runs on first use rather than at start, so wingmand starts (and
// its local tokens work) while the provider is down. The key set is cached
// and fetched again when a token names a key id it does not hold, which is
// how providers roll keys over (OpenID Connect Core, section 10.1). Since an
// unknown key id costs nothing to forge, refetches are at most one per
// [DefaultKeyRefreshCooldown]; a real rotation is picked up within that
// time.
//
// Nothing here is specific to one provider: Keycloak, Authentik, Auth0,
// Okta and Google differ only in configuration (issuer, client ids, the
// claim that holds groups).
package oidc
