// The Verifier: discovery, signature, and the order of the checks.

package oidc

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/domain"
)

// DefaultLeeway is how far this host's clock may disagree with the
// provider's before exp, nbf and iat refuse a token: enough for hosts kept
// by NTP, small beside an ID token's lifetime (minutes to an hour).
const DefaultLeeway = time.Minute

// DefaultKeyRefreshCooldown is the least time between two fetches of the
// provider's key set.
const DefaultKeyRefreshCooldown = 30 * time.Second

// A Verifier checks ID tokens from one provider. It is safe for concurrent
// use; make one per process, since it caches the provider's keys.
type Verifier struct {
	issuer    string
	audiences []string
	groups    string
	roles     RoleMap
	cooldown  time.Duration
	client    *http.Client       // discovery
	keyFetch  *cooldownTransport // the key set, at most once per cooldown

	mu       sync.Mutex
	found    *discovery // guarded by mu; nil until discovery succeeds
	lastTry  time.Time  // guarded by mu
	lastFail error      // guarded by mu
}

// discovery is what the provider's discovery document told.
type discovery struct {
	endpoint oauth2.Endpoint
	keys     *oidc.RemoteKeySet
	scopes   []string
}

// An Option changes a Verifier's defaults.
type Option func(*Verifier)

// WithHTTPClient makes the Verifier reach the provider through c instead of
// a client built from the settings' CAFile.
func WithHTTPClient(c *http.Client) Option { return func(v *Verifier) { v.client = c } }

// WithKeyRefreshCooldown sets the least time between two fetches of the
// key set, and between two discovery attempts after a failed one; see
// DefaultKeyRefreshCooldown.
func WithKeyRefreshCooldown(d time.Duration) Option { return func(v *Verifier) { v.cooldown = d } }

// New returns a Verifier for the provider s names. It does not reach the
// provider: discovery runs on first use.
func New(s config.OIDC, opts ...Option) (*Verifier, error) {
	if !s.Enabled {
		return nil, errors.New("oidc: single sign-on is not enabled (OIDC_ENABLED)")
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("oidc: %w", err)
	}
	v := &Verifier{
		issuer: s.IssuerURL, audiences: s.Audiences(), groups: s.RoleClaim,
		roles:    RoleMap{Groups: s.RoleMap, Default: s.DefaultRole},
		cooldown: DefaultKeyRefreshCooldown,
	}
	for _, o := range opts {
		o(v)
	}
	if v.client == nil {
		c, err := httpClient(s.CAFile)
		if err != nil {
			return nil, err
		}
		v.client = c
	}
	next := v.client.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	v.keyFetch = &cooldownTransport{next: next, cooldown: v.cooldown}
	return v, nil
}

// httpClient trusts the system's certificate authorities and the one in
// caFile, if given.
func httpClient(caFile string) (*http.Client, error) {
	c := &http.Client{Timeout: 10 * time.Second}
	if caFile == "" {
		return c, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("oidc: OIDC_CA_FILE: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("oidc: OIDC_CA_FILE %s: no PEM certificate in it", caFile)
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	c.Transport = t
	return c, nil
}

// Verify checks an ID token (see the package documentation for every
// check) and returns who it names. Its errors wrap one of the Err*
// values of this package and domain.ErrUnauthenticated, or
// domain.ErrUnavailable when the provider cannot be reached.
func (v *Verifier) Verify(ctx context.Context, raw string) (Identity, error) {
	h, c, err := parse(raw)
	if err != nil {
		return Identity{}, err
	}
	if err := checkHeader(h, algorithms); err != nil {
		return Identity{}, err
	}
	if err := checkKind(c); err != nil {
		return Identity{}, err
	}
	if err := checkAudience(c, v.audiences); err != nil {
		return Identity{}, err
	}
	if err := checkTimes(c, time.Now(), DefaultLeeway); err != nil {
		return Identity{}, err
	}
	d, err := v.discover(ctx)
	if err != nil {
		return Identity{}, err
	}
	keys := &keyCheck{keys: d.keys}
	tok, err := oidc.NewVerifier(v.issuer, keys, &oidc.Config{
		SupportedSigningAlgs: algorithms,
		// Audience, azp, expiry and not-before were checked above, with
		// several client ids and a leeway that go-oidc does not offer.
		SkipClientIDCheck: true,
		SkipExpiryCheck:   true,
	}).Verify(ctx, raw)
	if err != nil {
		return Identity{}, v.explain(err, keys, h, c)
	}
	return v.identity(tok)
}

// explain turns go-oidc's error, which keeps only text, into one of ours,
// using what keys saw.
func (v *Verifier) explain(err error, keys *keyCheck, h header, c claims) error {
	switch {
	case !keys.called:
		return refuse(ErrMalformed, "%v", err)
	case keys.err != nil && v.keyFetch.lastFailed():
		return fmt.Errorf("%w: fetching the key set: %v: %w", ErrDiscovery, keys.err, domain.ErrUnavailable)
	case errors.Is(keys.err, errCooling):
		return refuse(ErrSignature, "no key of the provider verifies it (kid %q; keys were refreshed less than %s ago)", h.Kid, v.cooldown)
	case keys.err != nil:
		return refuse(ErrSignature, "no key of the provider verifies it (kid %q)", h.Kid)
	case c.Issuer != v.issuer:
		return refuse(ErrIssuer, "issued by %q, want %q", c.Issuer, v.issuer)
	default:
		return refuse(ErrMalformed, "%v", err)
	}
}

// Endpoint returns the provider's authorization, device and token
// endpoints, for the flows that obtain tokens.
func (v *Verifier) Endpoint(ctx context.Context) (oauth2.Endpoint, error) {
	d, err := v.discover(ctx)
	if err != nil {
		return oauth2.Endpoint{}, err
	}
	return d.endpoint, nil
}

// ScopesSupported lists the scopes the provider's discovery document
// names; none when it names none, as it may.
func (v *Verifier) ScopesSupported(ctx context.Context) ([]string, error) {
	d, err := v.discover(ctx)
	if err != nil {
		return nil, err
	}
	return d.scopes, nil
}

// HTTPClient is the client the Verifier reaches the provider with, which
// trusts OIDC_CA_FILE: the flows that obtain tokens use it too.
func (v *Verifier) HTTPClient() *http.Client { return v.client }

// discover fetches the provider's discovery document once. After a
// failure it tries again no sooner than the cooldown, so that a provider
// that is down is not called on every request.
func (v *Verifier) discover(ctx context.Context) (*discovery, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.found != nil {
		return v.found, nil
	}
	if v.lastFail != nil && time.Since(v.lastTry) < v.cooldown {
		return nil, v.lastFail
	}
	v.lastTry = time.Now()
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, v.client), v.issuer)
	var meta struct {
		JWKS   string   `json:"jwks_uri"`
		Scopes []string `json:"scopes_supported"`
	}
	if err == nil {
		err = p.Claims(&meta)
	}
	if err == nil && meta.JWKS == "" {
		err = errors.New("the discovery document has no jwks_uri")
	}
	if err != nil {
		v.lastFail = fmt.Errorf("%w: discovery of %s: %v: %w", ErrDiscovery, v.issuer, err, domain.ErrUnavailable)
		return nil, v.lastFail
	}
	// The key set outlives this request: it is built on a context that
	// carries only the throttled client.
	keyClient := &http.Client{Transport: v.keyFetch, Timeout: v.client.Timeout}
	keys := oidc.NewRemoteKeySet(oidc.ClientContext(context.Background(), keyClient), meta.JWKS)
	v.found = &discovery{endpoint: p.Endpoint(), keys: keys, scopes: meta.Scopes}
	return v.found, nil
}
