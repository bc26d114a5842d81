// Tokens made up by the test, for the refusals.

package oidctest

import (
	"encoding/base64"
	"encoding/json"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Forge says how to sign a token made up by the test. Its zero value signs
// like the provider: RS256, the current key and its key id, type JWT.
type Forge struct {
	// Alg is the JWS algorithm; "none" makes an unsigned token.
	Alg string
	// Key signs instead of the provider's key: an *rsa.PrivateKey,
	// *ecdsa.PrivateKey or ed25519.PrivateKey, or a []byte secret for HS*.
	Key any
	// KeyID is the kid header; with the provider's key it defaults to
	// that key's id, with another key it is absent unless set.
	KeyID string
	// Type is the typ header, "JWT" unless set.
	Type string
}

// IDClaims returns the claims of a good ID token from this provider for
// username, issued to clientID now and valid for five minutes, for the
// test to change before it calls Token.
func (p *Provider) IDClaims(clientID, username string) map[string]any {
	p.st.mu.Lock()
	u, ok := p.st.users[username]
	p.st.mu.Unlock()
	if !ok {
		p.t.Fatalf("oidctest: no user %q", username)
	}
	now := time.Now()
	c := map[string]any{
		"iss": p.Issuer, "sub": u.Subject, "aud": []string{clientID}, "azp": clientID,
		"iat": now.Unix(), "auth_time": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"name": u.Name, "preferred_username": u.Username, "email": u.Email, "email_verified": u.EmailVerified,
	}
	if len(u.Groups) > 0 {
		c[p.st.groupsClaim] = u.Groups
	}
	return c
}

// Token signs claims as f says and returns the compact JWS.
func (p *Provider) Token(claims map[string]any, f Forge) string {
	p.t.Helper()
	payload, err := json.Marshal(claims)
	if err != nil {
		p.t.Fatalf("oidctest: claims: %v", err)
	}
	if f.Alg == "" {
		f.Alg = string(jose.RS256)
	}
	if f.Type == "" {
		f.Type = "JWT"
	}
	if f.Key == nil && f.Alg != "none" {
		k := p.st.currentKey()
		f.Key = k.priv
		if f.KeyID == "" {
			f.KeyID = k.id
		}
	}
	if f.Alg == "none" {
		// go-jose will not sign with "none", rightly; an attacker need not.
		h, _ := json.Marshal(map[string]string{"alg": "none", "typ": f.Type})
		return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(payload) + "."
	}
	signer, err := jose.NewSigner(jose.SigningKey{
		Algorithm: jose.SignatureAlgorithm(f.Alg),
		Key:       jose.JSONWebKey{Key: f.Key, KeyID: f.KeyID},
	}, (&jose.SignerOptions{}).WithType(jose.ContentType(f.Type)))
	if err != nil {
		p.t.Fatalf("oidctest: signer: %v", err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		p.t.Fatalf("oidctest: sign: %v", err)
	}
	s, err := jws.CompactSerialize()
	if err != nil {
		p.t.Fatalf("oidctest: serialize: %v", err)
	}
	return s
}
