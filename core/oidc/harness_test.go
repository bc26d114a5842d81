// A provider, its people and a Verifier for the tests; the flows as wingctl and the web fallback run them.

package oidc_test

import (
	"context"
	"crypto/rand"
	"testing"

	"golang.org/x/oauth2"

	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/oidc"
	"github.com/wingman-dev/wingman/core/oidc/oidctest"
)

// The people of every test: alice administers, bob operates, carol is in
// no mapped group.
var (
	alice = oidctest.User{Username: "alice", Password: "wonderland", Name: "Alice Liddell",
		Email: "alice@example.com", EmailVerified: true, Groups: []string{"staff", "wingman-admins"}}
	bob   = oidctest.User{Username: "bob", Name: "Bob", Email: "bob@example.com", Groups: []string{"ops"}}
	carol = oidctest.User{Username: "carol", Email: "carol@example.com"}
)

// world is a provider with the people, and a Verifier for it.
type world struct {
	p     *oidctest.Provider
	v     *oidc.Verifier
	users map[string]oidctest.User // by username, with subjects
	ctx   context.Context          // carries the provider's HTTP client for oauth2
}

func settings(p *oidctest.Provider) config.OIDC {
	return config.OIDC{
		Enabled: true, IssuerURL: p.Issuer,
		ClientID: oidctest.WebClientID, ClientSecret: oidctest.WebClientSecret, CLIClientID: oidctest.CLIClientID,
		Scopes: []string{"openid", "profile", "email", "offline_access"}, RoleClaim: "groups",
		RoleMap:     map[string]domain.Role{"wingman-admins": domain.RoleAdmin, "ops": domain.RoleOperator},
		DefaultRole: domain.RoleViewer,
	}
}

// newWorld starts a provider and a Verifier that refreshes keys without a
// cooldown (keys_test.go tests the cooldown).
func newWorld(t *testing.T, opts ...oidc.Option) *world {
	t.Helper()
	p := oidctest.New(t)
	w := &world{p: p, users: map[string]oidctest.User{}}
	for _, u := range []oidctest.User{alice, bob, carol} {
		w.users[u.Username] = p.AddUser(u)
	}
	opts = append([]oidc.Option{oidc.WithHTTPClient(p.HTTPClient()), oidc.WithKeyRefreshCooldown(0)}, opts...)
	v, err := oidc.New(settings(p), opts...)
	if err != nil {
		t.Fatal(err)
	}
	w.v = v
	w.ctx = context.WithValue(t.Context(), oauth2.HTTPClient, p.HTTPClient())
	return w
}

// oauth returns the oauth2 configuration of a client, with the endpoints
// from discovery.
func (w *world) oauth(t *testing.T, clientID, secret, redirect string) *oauth2.Config {
	t.Helper()
	ep, err := w.v.Endpoint(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if secret == "" {
		// A public client sends its id in the form; autodetection would
		// first try HTTP Basic with an empty secret.
		ep.AuthStyle = oauth2.AuthStyleInParams
	}
	return &oauth2.Config{ClientID: clientID, ClientSecret: secret, Endpoint: ep, RedirectURL: redirect,
		Scopes: []string{"openid", "profile", "email", "offline_access"}}
}

// codeFlow logs username in through conf with PKCE (S256) and state, the
// test playing the browser, and returns the tokens.
func (w *world) codeFlow(t *testing.T, conf *oauth2.Config, username string) *oauth2.Token {
	t.Helper()
	verifier, state := oauth2.GenerateVerifier(), rand.Text()
	back, err := w.p.Login(w.ctx, conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)), username)
	if err != nil {
		t.Fatal(err)
	}
	q := back.Query()
	if q.Get("state") != state || q.Get("code") == "" {
		t.Fatalf("redirect %s: want a code and state %q", back, state)
	}
	if got := back.Scheme + "://" + back.Host + back.Path; got != conf.RedirectURL {
		t.Fatalf("redirected to %s, want %s", got, conf.RedirectURL)
	}
	tok, err := conf.Exchange(w.ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// deviceFlow logs username in through conf with the device authorization
// grant, approving the user code while wingctl would poll.
func (w *world) deviceFlow(t *testing.T, conf *oauth2.Config, username string) *oauth2.Token {
	t.Helper()
	da, err := conf.DeviceAuth(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if da.UserCode == "" || da.VerificationURI == "" || da.Interval != 1 {
		t.Fatalf("device authorization = %+v", da)
	}
	if err := w.p.ApproveDevice(da.UserCode, username); err != nil {
		t.Fatal(err)
	}
	tok, err := conf.DeviceAccessToken(w.ctx, da)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// loopback is wingctl's redirect URI on a port of its choosing.
const loopback = "http://127.0.0.1:41733/callback"

// cliLogin returns an ID token from a code flow of wingctl's client.
func (w *world) cliLogin(t *testing.T, username string) string {
	t.Helper()
	return idToken(t, w.codeFlow(t, w.oauth(t, oidctest.CLIClientID, "", loopback), username))
}

func idToken(t *testing.T, tok *oauth2.Token) string {
	t.Helper()
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		t.Fatalf("no id_token in the token response")
	}
	return raw
}
