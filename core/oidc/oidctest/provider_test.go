// What the provider guarantees the tests built on it.

package oidctest_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/wingman-dev/wingman/core/oidc/oidctest"
)

// cli returns wingctl's oauth2 configuration against p, redirecting to
// redirect, and a context carrying p's HTTP client.
func cli(t *testing.T, p *oidctest.Provider, redirect string) (*oauth2.Config, context.Context) {
	t.Helper()
	p.AddUser(oidctest.User{Username: "dave", Password: "pw"})
	iss := p.Issuer
	return &oauth2.Config{
		ClientID: oidctest.CLIClientID, RedirectURL: redirect, Scopes: []string{"openid"},
		Endpoint: oauth2.Endpoint{AuthURL: iss + "/authorize", TokenURL: iss + "/oauth/token",
			DeviceAuthURL: iss + "/device_authorization", AuthStyle: oauth2.AuthStyleInParams},
	}, context.WithValue(t.Context(), oauth2.HTTPClient, p.HTTPClient())
}

// TestPublicClientNeedsPKCE: wingctl's client cannot exchange a code
// without the verifier of its challenge.
func TestPublicClientNeedsPKCE(t *testing.T) {
	p := oidctest.New(t)
	conf, ctx := cli(t, p, "http://127.0.0.1:50001/callback")
	back, err := p.Login(ctx, conf.AuthCodeURL("st", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())), "dave")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conf.Exchange(ctx, back.Query().Get("code")); err == nil {
		t.Fatal("a code was exchanged without its PKCE verifier")
	}
}

// TestLoopbackRedirects: any port of a registered loopback redirect is
// accepted (RFC 8252); another path or host is not.
func TestLoopbackRedirects(t *testing.T) {
	p := oidctest.New(t)
	for redirect, ok := range map[string]bool{
		"http://127.0.0.1:50002/callback":  true,
		"http://localhost:50003/callback":  true,
		"http://127.0.0.1:50004/other":     false,
		"http://evil.example.com/callback": false,
	} {
		conf, ctx := cli(t, p, redirect)
		back, err := p.Login(ctx, conf.AuthCodeURL("st", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())), "dave")
		got := err == nil && back.Query().Get("code") != ""
		if got != ok {
			t.Errorf("redirect %s: code issued = %v (err %v), want %v", redirect, got, err, ok)
		}
	}
}

// TestWrongPasswordRefused: the login form checks the password.
func TestWrongPasswordRefused(t *testing.T) {
	p := oidctest.New(t)
	conf, ctx := cli(t, p, "http://127.0.0.1:50005/callback")
	browser := &http.Client{
		Transport:     p.HTTPClient().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, conf.AuthCodeURL("st", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())), nil)
	resp, err := browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	login, err := resp.Location()
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"id": {login.Query().Get("id")}, "username": {"dave"}, "password": {"wrong"}}
	resp, err = browser.PostForm(login.String(), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %s, want 401", resp.Status)
	}
}

// TestDeviceDenied: a denied user code ends the polling with
// access_denied.
func TestDeviceDenied(t *testing.T) {
	p := oidctest.New(t)
	conf, ctx := cli(t, p, "")
	da, err := conf.DeviceAuth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.DenyDevice(da.UserCode); err != nil {
		t.Fatal(err)
	}
	_, err = conf.DeviceAccessToken(ctx, da)
	if re := new(oauth2.RetrieveError); !errors.As(err, &re) || re.ErrorCode != "access_denied" {
		t.Fatalf("err = %v, want access_denied", err)
	}
}

// TestDeviceCodeExpires: a user code nobody approves ends the polling with
// expired_token.
func TestDeviceCodeExpires(t *testing.T) {
	p := oidctest.New(t, oidctest.WithDeviceTiming(time.Second, time.Second))
	conf, ctx := cli(t, p, "")
	da, err := conf.DeviceAuth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// oauth2 stops polling by itself at the advertised expiry (with
	// context.DeadlineExceeded); without it, the provider has the word.
	da.Expiry = time.Time{}
	_, err = conf.DeviceAccessToken(ctx, da)
	if re := new(oauth2.RetrieveError); !errors.As(err, &re) || re.ErrorCode != "expired_token" {
		t.Fatalf("err = %v, want expired_token", err)
	}
}

// TestRefreshTokenExpires: a refresh token past its lifetime is refused,
// and the user has to log in again.
func TestRefreshTokenExpires(t *testing.T) {
	p := oidctest.New(t, oidctest.WithRefreshTokenLifetime(200*time.Millisecond))
	conf, ctx := cli(t, p, "http://127.0.0.1:50006/callback")
	conf.Scopes = append(conf.Scopes, "offline_access")
	verifier := oauth2.GenerateVerifier()
	back, err := p.Login(ctx, conf.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier)), "dave")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := conf.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" {
		t.Fatal("no refresh token for offline_access")
	}
	time.Sleep(300 * time.Millisecond)
	_, err = conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if re := new(oauth2.RetrieveError); !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Fatalf("err = %v, want invalid_grant", err)
	}
}
