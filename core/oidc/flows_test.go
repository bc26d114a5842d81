// Tokens from the real flows verify, with the right identity and role.

package oidc_test

import (
	"slices"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/oidc"
	"github.com/wingman-dev/wingman/core/oidc/oidctest"
)

// TestCodeFlowIDTokenVerifies logs in through both of Wingman's clients
// with the authorization code flow and PKCE: wingctl's public client on a
// loopback port, and the web fallback's confidential one.
func TestCodeFlowIDTokenVerifies(t *testing.T) {
	w := newWorld(t)
	const webBack = "http://127.0.0.1:8470/auth/callback"
	w.p.AddClient(oidctest.Client{ID: oidctest.WebClientID, Secret: oidctest.WebClientSecret, RedirectURIs: []string{webBack}})
	for _, conf := range []*oauth2.Config{
		w.oauth(t, oidctest.CLIClientID, "", loopback),
		w.oauth(t, oidctest.WebClientID, oidctest.WebClientSecret, webBack),
	} {
		t.Run(conf.ClientID, func(t *testing.T) {
			id, err := w.v.Verify(t.Context(), idToken(t, w.codeFlow(t, conf, "alice")))
			if err != nil {
				t.Fatal(err)
			}
			a := w.users["alice"]
			if id.Issuer != w.p.Issuer || id.Subject != a.Subject || id.Name != "Alice Liddell" ||
				id.Email != a.Email || !id.EmailVerified || !slices.Equal(id.Groups, a.Groups) {
				t.Errorf("identity = %+v, want alice's", id)
			}
			if id.Role != domain.RoleAdmin {
				t.Errorf("role = %q, want admin from wingman-admins", id.Role)
			}
			if left := time.Until(id.Expiry); left < 4*time.Minute || left > 5*time.Minute {
				t.Errorf("expiry in %s, want the ID token's lifetime (5m)", left)
			}
		})
	}
}

// TestDeviceFlowIDTokenVerifies logs in as wingctl over SSH would: the
// device authorization grant, approved by the user elsewhere.
func TestDeviceFlowIDTokenVerifies(t *testing.T) {
	w := newWorld(t)
	conf := w.oauth(t, oidctest.CLIClientID, "", "")
	for user, want := range map[string]domain.Role{"bob": domain.RoleOperator, "carol": domain.RoleViewer} {
		t.Run(user, func(t *testing.T) {
			id, err := w.v.Verify(t.Context(), idToken(t, w.deviceFlow(t, conf, user)))
			if err != nil {
				t.Fatal(err)
			}
			if id.Subject != w.users[user].Subject || id.Role != want {
				t.Fatalf("identity = %+v, want %s's with role %s", id, user, want)
			}
		})
	}
}

// TestRefreshedIDTokenVerifies refreshes as wingctl does before its ID
// token expires: the new ID token verifies, and the used refresh token is
// spent.
func TestRefreshedIDTokenVerifies(t *testing.T) {
	w := newWorld(t)
	conf := w.oauth(t, oidctest.CLIClientID, "", loopback)
	first := w.codeFlow(t, conf, "bob")
	if first.RefreshToken == "" {
		t.Fatal("no refresh token for offline_access")
	}
	stale := &oauth2.Token{RefreshToken: first.RefreshToken, Expiry: time.Now().Add(-time.Second)}
	second, err := conf.TokenSource(w.ctx, stale).Token()
	if err != nil {
		t.Fatal(err)
	}
	raw := idToken(t, second)
	if raw == idToken(t, first) {
		t.Fatal("the refresh returned the same ID token")
	}
	id, err := w.v.Verify(t.Context(), raw)
	if err != nil {
		t.Fatal(err)
	}
	if id.Subject != w.users["bob"].Subject || id.Role != domain.RoleOperator {
		t.Fatalf("identity = %+v, want bob's", id)
	}
	if _, err := conf.TokenSource(w.ctx, stale).Token(); err == nil {
		t.Fatal("a spent refresh token was accepted again")
	}
}

// TestNameFallsBack shows the name Wingman shows for a user without a
// name claim.
func TestNameFallsBack(t *testing.T) {
	w := newWorld(t)
	id, err := w.v.Verify(t.Context(), w.cliLogin(t, "carol"))
	if err != nil {
		t.Fatal(err)
	}
	if id.Name != "carol" {
		t.Fatalf("name = %q, want the preferred_username", id.Name)
	}
}

// TestGroupsFromAnotherClaim reads groups from a claim the provider names
// differently, by configuration only.
func TestGroupsFromAnotherClaim(t *testing.T) {
	p := oidctest.New(t, oidctest.WithGroupsClaim("roles"))
	p.AddUser(bob)
	s := settings(p)
	s.RoleClaim = "roles"
	v, err := oidc.New(s, oidc.WithHTTPClient(p.HTTPClient()))
	if err != nil {
		t.Fatal(err)
	}
	id, err := v.Verify(t.Context(), p.Token(p.IDClaims(oidctest.CLIClientID, "bob"), oidctest.Forge{}))
	if err != nil {
		t.Fatal(err)
	}
	if id.Role != domain.RoleOperator {
		t.Fatalf("role = %q, want operator from the roles claim", id.Role)
	}
}
