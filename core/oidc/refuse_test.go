// Every kind of token the API must refuse.

package oidc_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/oidc"
	"github.com/wingman-dev/wingman/core/oidc/oidctest"
)

// TestRefusals sends the verifier every kind of token it must refuse, each
// made by the real provider or signed with its key where that makes the
// attempt stronger, and checks the reason.
func TestRefusals(t *testing.T) {
	w := newWorld(t)
	p := w.p
	claims := func(change func(map[string]any)) map[string]any {
		c := p.IDClaims(oidctest.CLIClientID, "carol")
		change(c)
		return c
	}
	now := time.Now()
	rogue, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		token func(t *testing.T) string
		want  error
		says  string
	}{
		{"alg none", func(*testing.T) string {
			return p.Token(claims(func(map[string]any) {}), oidctest.Forge{Alg: "none"})
		}, oidc.ErrAlgorithm, `alg "none"`},
		{"HS256 keyed with the provider's public key", func(*testing.T) string {
			return p.Token(claims(func(map[string]any) {}), oidctest.Forge{Alg: "HS256", Key: p.PublicKeyPEM(), KeyID: p.KeyID()})
		}, oidc.ErrAlgorithm, `alg "HS256"`},
		{"wrong issuer", func(*testing.T) string {
			return p.Token(claims(func(c map[string]any) { c["iss"] = "https://idp.example.com" }), oidctest.Forge{})
		}, oidc.ErrIssuer, `issued by "https://idp.example.com"`},
		{"another client's audience", func(*testing.T) string {
			return p.Token(claims(func(c map[string]any) { c["aud"], c["azp"] = []string{"grafana"}, "grafana" }), oidctest.Forge{})
		}, oidc.ErrAudience, `audience ["grafana"]`},
		{"another client's real ID token", func(t *testing.T) string {
			p.AddClient(oidctest.Client{ID: "grafana"})
			return idToken(t, w.deviceFlow(t, w.oauth(t, "grafana", "", ""), "alice"))
		}, oidc.ErrAudience, `audience ["grafana"]`},
		{"several audiences, issued to another client", func(*testing.T) string {
			return p.Token(claims(func(c map[string]any) { c["aud"], c["azp"] = []string{"wingctl", "grafana"}, "grafana" }), oidctest.Forge{})
		}, oidc.ErrAudience, `issued to client "grafana" (azp)`},
		{"several audiences, no azp", func(*testing.T) string {
			return p.Token(claims(func(c map[string]any) { c["aud"] = []string{"wingctl", "grafana"}; delete(c, "azp") }), oidctest.Forge{})
		}, oidc.ErrAudience, "no azp"},
		{"expired beyond the leeway", func(*testing.T) string {
			return p.Token(claims(func(c map[string]any) {
				c["iat"], c["exp"] = now.Add(-10*time.Minute).Unix(), now.Add(-oidc.DefaultLeeway-5*time.Second).Unix()
			}), oidctest.Forge{})
		}, oidc.ErrExpired, "leeway 1m0s"},
		{"not before, beyond the leeway", func(*testing.T) string {
			return p.Token(claims(func(c map[string]any) { c["nbf"] = now.Add(5 * time.Minute).Unix() }), oidctest.Forge{})
		}, oidc.ErrNotYetValid, "not before"},
		{"issued in the future", func(*testing.T) string {
			return p.Token(claims(func(c map[string]any) { c["iat"] = now.Add(5 * time.Minute).Unix() }), oidctest.Forge{})
		}, oidc.ErrNotYetValid, "issued in the future"},
		{"no expiry", func(*testing.T) string {
			return p.Token(claims(func(c map[string]any) { delete(c, "exp") }), oidctest.Forge{})
		}, oidc.ErrMalformed, "no expiry"},
		{"no subject", func(*testing.T) string {
			return p.Token(claims(func(c map[string]any) { delete(c, "sub") }), oidctest.Forge{})
		}, oidc.ErrMalformed, "no subject"},
		{"tampered claims", func(t *testing.T) string {
			return tamper(t, w.cliLogin(t, "carol"), func(c map[string]any) { c["groups"] = []string{"wingman-admins"} })
		}, oidc.ErrSignature, "no key of the provider verifies it"},
		{"an unknown key id", func(*testing.T) string {
			return p.Token(claims(func(map[string]any) {}), oidctest.Forge{Key: rogue, KeyID: "rogue-key"})
		}, oidc.ErrSignature, `kid "rogue-key"`},
		{"another key under the provider's key id", func(*testing.T) string {
			return p.Token(claims(func(map[string]any) {}), oidctest.Forge{Key: rogue, KeyID: p.KeyID()})
		}, oidc.ErrSignature, "no key of the provider verifies it"},
		{"the provider's opaque access token", func(t *testing.T) string {
			// zitadel's op makes opaque access tokens by encrypting them (JWE).
			return w.codeFlow(t, w.oauth(t, oidctest.CLIClientID, "", loopback), "carol").AccessToken
		}, oidc.ErrMalformed, "encrypted"},
		{"an opaque access token as Google's", func(*testing.T) string {
			return "ya29.a0AfB_byC-opaque-access-token"
		}, oidc.ErrMalformed, "not a JWT"},
		{"an access token with Wingman's audience", func(*testing.T) string {
			return p.Token(claims(func(c map[string]any) { c["scope"] = "openid profile" }), oidctest.Forge{})
		}, oidc.ErrNotIDToken, "scope claim"},
		{"an RFC 9068 access token", func(*testing.T) string {
			return p.Token(claims(func(map[string]any) {}), oidctest.Forge{Type: "at+jwt"})
		}, oidc.ErrNotIDToken, "RFC 9068"},
		{"a logout token", func(*testing.T) string {
			return p.Token(claims(func(c map[string]any) {
				c["events"] = map[string]any{"http://schemas.openid.net/event/backchannel-logout": map[string]any{}}
			}), oidctest.Forge{})
		}, oidc.ErrNotIDToken, "events claim"},
		{"no token", func(*testing.T) string { return "" }, oidc.ErrMalformed, "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.v.Verify(t.Context(), tt.token(t))
			if !errors.Is(err, tt.want) || !errors.Is(err, domain.ErrUnauthenticated) {
				t.Fatalf("err = %v, want %v and %v", err, tt.want, domain.ErrUnauthenticated)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("err = %q, want it to say %q", err, tt.says)
			}
		})
	}
}

// TestAccessTokenOfWingmanRefused is the case an audience check cannot
// catch: a JWT access token issued to Wingman's own client, with Wingman as
// its audience. Its scope claim gives it away.
func TestAccessTokenOfWingmanRefused(t *testing.T) {
	w := newWorld(t)
	w.p.AddClient(oidctest.Client{ID: oidctest.CLIClientID, RedirectURIs: []string{loopback}, JWTAccessTokens: true})
	tok := w.codeFlow(t, w.oauth(t, oidctest.CLIClientID, "", loopback), "alice")
	if _, err := w.v.Verify(t.Context(), idToken(t, tok)); err != nil {
		t.Fatalf("the ID token of the same response: %v", err)
	}
	_, err := w.v.Verify(t.Context(), tok.AccessToken)
	if !errors.Is(err, oidc.ErrNotIDToken) || !strings.Contains(err.Error(), "scope claim") {
		t.Fatalf("access token: err = %v, want %v for its scope claim", err, oidc.ErrNotIDToken)
	}
}

// TestLeewayAccepts shows the other side of the leeway: clocks a little
// apart do not lock anyone out.
func TestLeewayAccepts(t *testing.T) {
	w := newWorld(t)
	now := time.Now()
	for name, change := range map[string]func(map[string]any){
		"expired 30s ago":       func(c map[string]any) { c["exp"] = now.Add(-30 * time.Second).Unix() },
		"not before 30s ahead":  func(c map[string]any) { c["nbf"] = now.Add(30 * time.Second).Unix() },
		"issued 30s ahead":      func(c map[string]any) { c["iat"] = now.Add(30 * time.Second).Unix() },
		"an audience as string": func(c map[string]any) { c["aud"] = oidctest.WebClientID; delete(c, "azp") },
	} {
		t.Run(name, func(t *testing.T) {
			c := w.p.IDClaims(oidctest.CLIClientID, "bob")
			change(c)
			if _, err := w.v.Verify(t.Context(), w.p.Token(c, oidctest.Forge{})); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// tamper changes a signed token's claims and keeps its signature.
func tamper(t *testing.T, raw string, change func(map[string]any)) string {
	t.Helper()
	parts := strings.Split(raw, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	change(c)
	if b, err = json.Marshal(c); err != nil {
		t.Fatal(err)
	}
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + parts[2]
}
