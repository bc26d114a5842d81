// Package oidctest runs a real OpenID provider for tests: zitadel/oidc's
// certified op package over real HTTP on 127.0.0.1, with discovery, JWKS,
// authorization code with PKCE, device authorization (RFC 8628) and
// refresh tokens, signing real RS256 tokens. Everything lives in memory.
//
// The test plays the people: it adds users and clients, logs a user in as a
// browser would ([Provider.Login]; a real browser gets the same login form),
// approves or denies device codes in place of the verification page, which
// the provider does not serve ([Provider.ApproveDevice]), rotates the
// signing key and forges tokens that a verifier must refuse
// ([Provider.Token]).
package oidctest

import (
	"crypto/rand"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"
)

// The clients every Provider starts with; AddClient replaces them.
const (
	// CLIClientID is wingctl's public client: no secret, PKCE, device
	// code, and loopback redirects to /callback on any port.
	CLIClientID = "wingctl"
	// WebClientID and WebClientSecret are the web fallback's confidential
	// client, which has no redirect URI until the test adds one.
	WebClientID     = "wingman"
	WebClientSecret = "wingman-test-secret"
)

// Provider is a running OpenID provider. Its methods are safe for
// concurrent use.
type Provider struct {
	// Issuer is the provider's issuer URL, http://127.0.0.1:PORT (https
	// with WithTLS).
	Issuer string

	t   testing.TB
	srv *httptest.Server
	op  *op.Provider
	st  *storage
}

type settings struct {
	tls            bool
	groupsClaim    string
	deviceLifetime time.Duration
	devicePoll     time.Duration
	refreshLife    time.Duration
}

// An Option changes a Provider's defaults.
type Option func(*settings)

// WithTLS serves https with a certificate of its own; see
// [Provider.HTTPClient] and [Provider.CertificatePEM].
func WithTLS() Option { return func(s *settings) { s.tls = true } }

// WithGroupsClaim puts users' groups in the named claim instead of
// "groups".
func WithGroupsClaim(name string) Option { return func(s *settings) { s.groupsClaim = name } }

// WithDeviceTiming sets how long a device code lives (5 minutes by
// default) and the polling interval it asks for (1 second; whole seconds
// only, as RFC 8628 counts them).
func WithDeviceTiming(lifetime, poll time.Duration) Option {
	return func(s *settings) { s.deviceLifetime, s.devicePoll = lifetime, poll }
}

// WithRefreshTokenLifetime sets how long a refresh token lives (a day by
// default).
func WithRefreshTokenLifetime(d time.Duration) Option { return func(s *settings) { s.refreshLife = d } }

// New starts a provider with the default clients and no users; it stops
// when the test ends.
func New(t testing.TB, opts ...Option) *Provider {
	t.Helper()
	s := settings{groupsClaim: "groups", deviceLifetime: 5 * time.Minute, devicePoll: time.Second, refreshLife: 24 * time.Hour}
	for _, o := range opts {
		o(&s)
	}
	mux := http.NewServeMux()
	srv := httptest.NewUnstartedServer(mux)
	if s.tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)

	st, err := newStorage(s.groupsClaim, s.refreshLife)
	if err != nil {
		t.Fatalf("oidctest: %v", err)
	}
	st.addClient(Client{ID: CLIClientID, RedirectURIs: []string{"http://127.0.0.1/callback", "http://localhost/callback"}})
	st.addClient(Client{ID: WebClientID, Secret: WebClientSecret})

	var cryptoKey [32]byte
	rand.Read(cryptoKey[:])
	cfg := &op.Config{
		CryptoKey:             cryptoKey,
		CodeMethodS256:        true,
		AuthMethodPost:        true,
		GrantTypeRefreshToken: true,
		SupportedScopes:       []string{"openid", "profile", "email", "offline_access", "groups"},
		DeviceAuthorization: op.DeviceAuthorizationConfig{
			Lifetime: s.deviceLifetime, PollInterval: s.devicePoll,
			UserFormPath: "/device", UserCode: op.UserCodeBase20,
		},
	}
	provider, err := op.NewProvider(cfg, st, op.StaticIssuer(srv.URL), op.WithAllowInsecure())
	if err != nil {
		t.Fatalf("oidctest: %v", err)
	}
	p := &Provider{Issuer: srv.URL, t: t, srv: srv, op: provider, st: st}
	mux.Handle(loginPath, http.HandlerFunc(p.serveLogin))
	mux.Handle("/", provider)
	return p
}

// AddClient registers c, replacing any client with its id.
func (p *Provider) AddClient(c Client) { p.st.addClient(c) }

// AddUser registers u, replacing any user with its username, and returns
// it with its subject filled in.
func (p *Provider) AddUser(u User) User { return p.st.addUser(u) }

// HTTPClient returns a client that trusts the provider's certificate.
func (p *Provider) HTTPClient() *http.Client { return p.srv.Client() }

// CertificatePEM returns the provider's certificate with WithTLS, else nil.
func (p *Provider) CertificatePEM() []byte {
	if p.srv.Certificate() == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.srv.Certificate().Raw})
}
