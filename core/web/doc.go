// Package web is the web console, the fallback to wingctl for a browser:
// a few server-rendered pages under /web/ (the overview dashboard,
// incidents, plans with approve and reject, workers, audit) that work
// without JavaScript. It is another thin client of the same services as
// the API: people sign in through the single sign-on provider, their ID
// token is checked and their user provisioned by the API's
// Authenticator, and their decisions go through the approval service
// under the same policy as wingctl's.
//
// # Signing in
//
// The console is the provider's confidential client (OIDC_CLIENT_ID and
// OIDC_CLIENT_SECRET): authorization code with PKCE (S256), state and
// nonce, the browser coming back to /web/callback. The state, nonce and
// PKCE verifier of a sign-in in progress travel in a short-lived cookie
// rather than on the server, so the callback may reach any replica; they
// are random, useless to anyone but the browser holding them, and the
// state must match the callback's.
//
// # Sessions
//
// A session is a row of the store (web_sessions), found by the SHA-256 of
// the cookie's 256-bit secret. It holds the ID token the session acts
// with, which every request checks as the API checks a bearer (so an
// admin's role change applies at once), and the refresh token that
// renews it shortly before it expires. It lives in the store rather than
// in a replica's memory because replicas share the database and not
// their memory; and rather than in a sealed cookie because refresh
// tokens are spent on use: two replicas renewing one session at once
// would spend one token twice and end the session, so the turn to renew
// is leased in the row. A row also lets signing out end the session
// everywhere. The refresh token is stored as the provider gave it: it is
// of no use without the client secret, which only wingmand's
// configuration holds. A session ends when it is signed out, when its
// lifetime (WINGMAN_WEB_SESSION_TTL) is over, or when its ID token
// expires and cannot be renewed; expired rows are removed at each
// sign-in.
//
// # Cookies and forms
//
// Cookies are HttpOnly and SameSite=Lax, which keeps them off other
// sites' form posts; they are Secure, and named with the __Host- prefix,
// when the request came over TLS or, from a proxy listed in
// WINGMAN_TRUSTED_PROXIES, with X-Forwarded-Proto: https. Every form post
// also carries the session's CSRF token, an HMAC of the session's secret
// that the server recomputes rather than stores, checked in constant time
// before anything else happens.
package web
