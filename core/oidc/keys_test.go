// Key rotation, the fetch cooldown, and providers that are down or misconfigured.

package oidc_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/oidc"
	"github.com/wingman-dev/wingman/core/oidc/oidctest"
)

// TestRotatedKeyAccepted rotates the provider's signing key between two
// logins: the new token names a key id the verifier has not seen, which
// makes it fetch the key set again; the old token still verifies, since
// its key is still published.
func TestRotatedKeyAccepted(t *testing.T) {
	w := newWorld(t)
	before := w.cliLogin(t, "bob")
	if _, err := w.v.Verify(t.Context(), before); err != nil {
		t.Fatal(err)
	}
	kid := w.p.RotateKey()
	after := w.cliLogin(t, "bob")
	if got := keyID(t, after); got != kid {
		t.Fatalf("the new token's kid = %q, want the rotated key's %q", got, kid)
	}
	for name, raw := range map[string]string{"after": after, "before": before} {
		if _, err := w.v.Verify(t.Context(), raw); err != nil {
			t.Errorf("token from %s the rotation: %v", name, err)
		}
	}
}

// TestForgedKeyIDsDoNotHammerTheProvider sends tokens naming key ids that
// do not exist: the verifier refuses them without fetching the key set
// more than once per cooldown.
func TestForgedKeyIDsDoNotHammerTheProvider(t *testing.T) {
	p := oidctest.New(t)
	p.AddUser(carol)
	fetches := &counter{next: p.HTTPClient().Transport, path: "/keys"}
	v, err := oidc.New(settings(p), oidc.WithHTTPClient(&http.Client{Transport: fetches}), oidc.WithKeyRefreshCooldown(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	claims := p.IDClaims(oidctest.CLIClientID, "carol")
	if _, err := v.Verify(t.Context(), p.Token(claims, oidctest.Forge{})); err != nil {
		t.Fatal(err)
	}
	rogue, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		_, err := v.Verify(t.Context(), p.Token(claims, oidctest.Forge{Key: rogue, KeyID: fmt.Sprintf("forged-%d", i)}))
		if !errors.Is(err, oidc.ErrSignature) || !strings.Contains(err.Error(), "refreshed less than 1h0m0s ago") {
			t.Fatalf("forged kid: err = %v, want %v within the cooldown", err, oidc.ErrSignature)
		}
	}
	if n := fetches.n.Load(); n != 1 {
		t.Fatalf("the key set was fetched %d times, want once", n)
	}
}

// TestProviderDown refuses with domain.ErrUnavailable, not as a bad
// token, while discovery fails, and does not retry within the cooldown.
func TestProviderDown(t *testing.T) {
	p := oidctest.New(t)
	p.AddUser(carol)
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	dials := &counter{next: http.DefaultTransport}
	s := settings(p)
	s.IssuerURL = dead.URL
	v, err := oidc.New(s, oidc.WithHTTPClient(&http.Client{Transport: dials}), oidc.WithKeyRefreshCooldown(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	raw := p.Token(p.IDClaims(oidctest.CLIClientID, "carol"), oidctest.Forge{})
	for range 3 {
		_, err := v.Verify(t.Context(), raw)
		if !errors.Is(err, oidc.ErrDiscovery) || !errors.Is(err, domain.ErrUnavailable) || errors.Is(err, domain.ErrUnauthenticated) {
			t.Fatalf("err = %v, want %v and %v", err, oidc.ErrDiscovery, domain.ErrUnavailable)
		}
	}
	if _, err := v.Endpoint(t.Context()); !errors.Is(err, oidc.ErrDiscovery) {
		t.Fatalf("Endpoint: err = %v, want %v", err, oidc.ErrDiscovery)
	}
	if n := dials.n.Load(); n != 1 {
		t.Fatalf("discovery was tried %d times, want once per cooldown", n)
	}
}

// TestKeysUnreachable: when the key set cannot be fetched, a token is
// refused as the provider's failure, not the token's, also while the
// cooldown holds off the next attempt.
func TestKeysUnreachable(t *testing.T) {
	p := oidctest.New(t)
	p.AddUser(carol)
	v, err := oidc.New(settings(p), oidc.WithHTTPClient(&http.Client{Transport: failing{p.HTTPClient().Transport, "/keys"}}),
		oidc.WithKeyRefreshCooldown(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	raw := p.Token(p.IDClaims(oidctest.CLIClientID, "carol"), oidctest.Forge{})
	for range 2 {
		_, err := v.Verify(t.Context(), raw)
		if !errors.Is(err, oidc.ErrDiscovery) || !errors.Is(err, domain.ErrUnavailable) {
			t.Fatalf("err = %v, want %v and %v", err, oidc.ErrDiscovery, domain.ErrUnavailable)
		}
	}
}

// TestIssuerMustMatchDiscovery catches a misspelt issuer (here, a trailing
// slash) at discovery, with both spellings in the error.
func TestIssuerMustMatchDiscovery(t *testing.T) {
	p := oidctest.New(t)
	s := settings(p)
	s.IssuerURL = p.Issuer + "/"
	v, err := oidc.New(s, oidc.WithHTTPClient(p.HTTPClient()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = v.Endpoint(t.Context())
	if !errors.Is(err, oidc.ErrDiscovery) || !strings.Contains(err.Error(), "did not match") {
		t.Fatalf("err = %v, want an issuer mismatch", err)
	}
}

// TestProviderWithHomelabCA reaches a provider whose certificate only
// OIDC_CA_FILE vouches for.
func TestProviderWithHomelabCA(t *testing.T) {
	p := oidctest.New(t, oidctest.WithTLS())
	p.AddUser(bob)
	raw := p.Token(p.IDClaims(oidctest.CLIClientID, "bob"), oidctest.Forge{})

	untrusting, err := oidc.New(settings(p))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := untrusting.Verify(t.Context(), raw); !errors.Is(err, oidc.ErrDiscovery) || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("without the CA: err = %v, want a certificate error", err)
	}

	s := settings(p)
	s.CAFile = filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(s.CAFile, p.CertificatePEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := oidc.New(s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(t.Context(), raw); err != nil {
		t.Fatalf("with the CA: %v", err)
	}
}

// counter counts the requests it passes on, those to path only if set.
type counter struct {
	next http.RoundTripper
	path string
	n    atomic.Int32
}

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	if c.path == "" || r.URL.Path == c.path {
		c.n.Add(1)
	}
	return c.next.RoundTrip(r)
}

// failing answers 503 to requests for path, as a provider does mid-restart.
type failing struct {
	next http.RoundTripper
	path string
}

func (f failing) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == f.path {
		return &http.Response{StatusCode: http.StatusServiceUnavailable, Status: "503 Service Unavailable", Body: http.NoBody, Request: r}, nil
	}
	return f.next.RoundTrip(r)
}

func keyID(t *testing.T, raw string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(raw, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		Kid string `json:"kid"`
	}
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	return h.Kid
}
