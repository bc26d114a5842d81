// Fetching the provider's key set without letting forged tokens drive it.

package oidc

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// errCooling is what a key set fetch answers while the last one is too
// recent.
var errCooling = errors.New("the key set was fetched less than the cooldown ago")

// cooldownTransport lets through at most one request per cooldown. go-oidc's
// RemoteKeySet fetches the key set again whenever a token's signature does
// not verify with the cached keys, so without it every forged token would
// make wingmand call the provider.
type cooldownTransport struct {
	next     http.RoundTripper
	cooldown time.Duration

	mu     sync.Mutex
	last   time.Time // guarded by mu
	failed bool      // guarded by mu: whether the last fetch failed
}

func (t *cooldownTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	now := time.Now()
	if !t.last.IsZero() && now.Sub(t.last) < t.cooldown {
		t.mu.Unlock()
		return nil, errCooling
	}
	t.last = now
	t.mu.Unlock()
	resp, err := t.next.RoundTrip(req)
	t.mu.Lock()
	t.failed = err != nil || resp.StatusCode != http.StatusOK
	t.mu.Unlock()
	return resp, err
}

// lastFailed reports whether the last fetch that went through failed, in
// which case a token that did not verify may be good.
func (t *cooldownTransport) lastFailed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}

// keyCheck verifies one token's signature with the shared key set and keeps
// the error, which go-oidc flattens to a string, so that Verify can tell a
// bad signature from a provider it cannot reach.
type keyCheck struct {
	keys   *oidc.RemoteKeySet
	called bool
	err    error
}

func (k *keyCheck) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	payload, err := k.keys.VerifySignature(ctx, jwt)
	k.called, k.err = true, err
	return payload, err
}
