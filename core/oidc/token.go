// Checks on a token's unsigned parts: header, kind, audience and times.

package oidc

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4/jwt"
)

// algorithms are the signing algorithms a token may use: asymmetric ones
// only, so that nothing but the provider's private key can sign.
var algorithms = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// header is the part of a JOSE header the checks read.
type header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	Typ string `json:"typ"`
}

// claims are the registered claims the checks read, plus the ones that
// mark a token as something other than an ID token.
type claims struct {
	jwt.Claims
	AuthorizedParty string          `json:"azp"`
	Scope           json.RawMessage `json:"scope"`
	Scp             json.RawMessage `json:"scp"`
	Events          json.RawMessage `json:"events"`
}

// parse decodes a compact JWS without verifying it. Its result only ever
// refuses a token: go-oidc verifies the same bytes before one is accepted.
func parse(raw string) (header, claims, error) {
	var h header
	var c claims
	parts := strings.Split(raw, ".")
	switch {
	case raw == "":
		return h, c, refuse(ErrMalformed, "empty token")
	case len(parts) == 5:
		return h, c, refuse(ErrMalformed, "an encrypted token (JWE); send the signed ID token")
	case len(parts) != 3:
		return h, c, refuse(ErrMalformed, "not a JWT (an opaque access token?); send the ID token")
	}
	if err := decodeSegment(parts[0], &h); err != nil {
		return h, c, refuse(ErrMalformed, "header: %v", err)
	}
	if err := decodeSegment(parts[1], &c); err != nil {
		return h, c, refuse(ErrMalformed, "claims: %v", err)
	}
	return h, c, nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// checkHeader refuses algorithms outside allowed and JOSE types other than
// an ID token's.
func checkHeader(h header, allowed []string) error {
	if !slices.Contains(allowed, h.Alg) {
		return refuse(ErrAlgorithm, "alg %q; allowed: %s", h.Alg, strings.Join(allowed, ", "))
	}
	switch strings.TrimPrefix(strings.ToLower(h.Typ), "application/") {
	case "", "jwt":
		return nil
	case "at+jwt":
		return refuse(ErrNotIDToken, "typ %q is an access token (RFC 9068); send the ID token", h.Typ)
	default:
		return refuse(ErrNotIDToken, "typ %q is not an ID token's", h.Typ)
	}
}

// checkKind refuses tokens carrying claims an ID token never has.
func checkKind(c claims) error {
	switch {
	case c.Scope != nil || c.Scp != nil:
		return refuse(ErrNotIDToken, "it has a scope claim, as access tokens do; send the ID token")
	case c.Events != nil:
		return refuse(ErrNotIDToken, "it has an events claim, as logout and security event tokens do")
	case c.Subject == "":
		return refuse(ErrMalformed, "no subject (sub)")
	}
	return nil
}

// checkAudience wants the token issued to one of audiences (OpenID Connect
// Core 3.1.3.7, steps 3 to 5): in its aud, and named by its azp when it
// has one, which it must when it has several audiences.
func checkAudience(c claims, audiences []string) error {
	if !slices.ContainsFunc(c.Audience, func(a string) bool { return slices.Contains(audiences, a) }) {
		return refuse(ErrAudience, "audience %q, want one of %q", []string(c.Audience), audiences)
	}
	if len(c.Audience) > 1 && c.AuthorizedParty == "" {
		return refuse(ErrAudience, "several audiences %q and no azp to say which client it was issued to", []string(c.Audience))
	}
	if c.AuthorizedParty != "" && !slices.Contains(audiences, c.AuthorizedParty) {
		return refuse(ErrAudience, "issued to client %q (azp), want one of %q", c.AuthorizedParty, audiences)
	}
	return nil
}

// checkTimes applies exp, nbf and iat, each with leeway for clocks that
// disagree a little.
func checkTimes(c claims, now time.Time, leeway time.Duration) error {
	if c.Expiry == nil {
		return refuse(ErrMalformed, "no expiry (exp)")
	}
	if exp := c.Expiry.Time(); now.After(exp.Add(leeway)) {
		return refuse(ErrExpired, "at %s (leeway %s)", exp.UTC().Format(time.RFC3339), leeway)
	}
	if c.NotBefore != nil {
		if nbf := c.NotBefore.Time(); now.Add(leeway).Before(nbf) {
			return refuse(ErrNotYetValid, "not before %s (leeway %s)", nbf.UTC().Format(time.RFC3339), leeway)
		}
	}
	if c.IssuedAt != nil {
		if iat := c.IssuedAt.Time(); now.Add(leeway).Before(iat) {
			return refuse(ErrNotYetValid, "issued in the future, at %s (leeway %s)", iat.UTC().Format(time.RFC3339), leeway)
		}
	}
	return nil
}
