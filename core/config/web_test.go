// Reading and checking the web console's settings.

package config

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLoadWeb(t *testing.T) {
	w, err := LoadWeb(workerEnv(map[string]string{
		"WINGMAN_PUBLIC_URL":      "https://wingman.lan/",
		"WINGMAN_TRUSTED_PROXIES": "10.0.0.7, 192.168.1.0/24,::1",
		"WINGMAN_WEB_SESSION_TTL": "8h",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.7/32"), netip.MustParsePrefix("192.168.1.0/24"), netip.MustParsePrefix("::1/128")}
	if w.PublicURL != "https://wingman.lan" || !slices.Equal(w.TrustedProxies, want) || w.SessionTTL != 8*time.Hour {
		t.Fatalf("config = %+v", w)
	}
	if d, err := LoadWeb(workerEnv(nil)); err != nil || d.PublicURL != "" || d.TrustedProxies != nil || d.SessionTTL != 12*time.Hour {
		t.Fatalf("defaults = %+v, %v", d, err)
	}
}

func TestLoadWebRefuses(t *testing.T) {
	_, err := LoadWeb(workerEnv(map[string]string{
		"WINGMAN_PUBLIC_URL":      "wingman.lan",
		"WINGMAN_TRUSTED_PROXIES": "10.0.0.300",
		"WINGMAN_WEB_SESSION_TTL": "-1h",
	}))
	for _, want := range []string{"WINGMAN_PUBLIC_URL=", "WINGMAN_TRUSTED_PROXIES: \"10.0.0.300\"", "WINGMAN_WEB_SESSION_TTL="} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to name %s", err, want)
		}
	}
}
