// The key set fetch cooldown on its own.

package oidc

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

type okTransport struct{}

func (okTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody}, nil
}

// TestCooldownTransport lets one request through per cooldown, so a
// rotated key is picked up once the cooldown has passed.
func TestCooldownTransport(t *testing.T) {
	tr := &cooldownTransport{next: okTransport{}, cooldown: 200 * time.Millisecond}
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1/keys", nil)
	if _, err := tr.RoundTrip(req); err != nil {
		t.Fatalf("first fetch: %v", err)
	}
	if _, err := tr.RoundTrip(req); !errors.Is(err, errCooling) {
		t.Fatalf("second fetch at once: err = %v, want %v", err, errCooling)
	}
	time.Sleep(250 * time.Millisecond)
	if _, err := tr.RoundTrip(req); err != nil {
		t.Fatalf("fetch after the cooldown: %v", err)
	}
}
