// The web console's sign-in sessions, as the store keeps them.

package domain

import "time"

// WebSession is a browser signed in to the web console through the
// identity provider. The store keeps the hash of the session's cookie,
// never the cookie, so that reading the database does not sign anyone in.
type WebSession struct {
	// IDHash is the SHA-256 of the cookie's secret.
	IDHash []byte
	// IDToken is the provider's ID token the session acts with, checked on
	// every request as the API checks a bearer; TokenExpiry is its exp.
	IDToken     string
	TokenExpiry time.Time
	// RefreshToken renews IDToken; empty when the provider gave none, and
	// the session then ends with its ID token.
	RefreshToken string
	CreatedAt    time.Time
	// ExpiresAt ends the session however often it was renewed.
	ExpiresAt time.Time
}
