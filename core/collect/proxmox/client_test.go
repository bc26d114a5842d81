package proxmox_test

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/collect/proxmox"
	"github.com/wingman-dev/wingman/core/collect/proxmox/proxmoxtest"
)

func TestAuthHeader(t *testing.T) {
	got := make(chan http.Header, 1)
	_, cfg := proxmoxtest.Start(t, testdata, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
		proxmoxtest.WriteData(t, w, []any{})
	}))
	if _, err := newClient(t, cfg).Nodes(context.Background()); err != nil {
		t.Fatal(err)
	}
	h := <-got
	if want := "PVEAPIToken=root@pam!wingman=" + proxmoxtest.TokenValue; h.Get("Authorization") != want {
		t.Errorf("Authorization = %q, want %q", h.Get("Authorization"), want)
	}
	// An API token needs no CSRF token; a ticket cookie would.
	if h.Get("CSRFPreventionToken") != "" || h.Get("Cookie") != "" {
		t.Errorf("sent ticket headers: %v", h)
	}
}

func TestUnauthorized(t *testing.T) {
	_, cfg := proxmoxtest.Start(t, testdata, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request with a wrong token reached the API: %s", r.URL.Path)
	}))
	cfg.TokenValue = "00000000-0000-0000-0000-000000000000"
	facts, err := proxmox.NewCollector(newClient(t, cfg)).Collect(context.Background())
	var apiErr *proxmox.APIError
	if !errors.As(err, &apiErr) || facts != nil {
		t.Fatalf("Collect = %v, %v; want an *APIError and no facts", facts, err)
	}
	if apiErr.StatusCode != http.StatusUnauthorized || apiErr.Message != "invalid token value!" {
		t.Errorf("APIError = %d %q, want 401 \"invalid token value!\"", apiErr.StatusCode, apiErr.Message)
	}
	if want := "proxmox: GET /nodes: 401 invalid token value!"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}

func TestErrorBody(t *testing.T) {
	_, cfg := proxmoxtest.Start(t, testdata, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/nodes/pve1/qemu/100/snapshot":
			proxmoxtest.WriteRaw(t, w, proxmoxtest.Load(t, testdata, "errors/400-bad-param.http"))
		default:
			proxmoxtest.WriteRaw(t, w, proxmoxtest.Load(t, testdata, "errors/500-no-such-guest.http"))
		}
	}))
	c := newClient(t, cfg)

	_, err := c.Status(context.Background(), "pve1", proxmox.KindQEMU, 999)
	var apiErr *proxmox.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 ||
		apiErr.Message != "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist" {
		t.Errorf("Status of a missing guest = %v", err)
	}

	err = c.Do(context.Background(), http.MethodPost, proxmox.GuestPath("pve1", proxmox.KindQEMU, 100, "snapshot"), nil, nil)
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || apiErr.Errors["snapname"] == "" {
		t.Fatalf("refused parameter = %v", err)
	}
	want := "proxmox: POST /nodes/pve1/qemu/100/snapshot: 400 Parameter verification failed.; snapname: invalid format - invalid configuration ID '1st!'"
	if err.Error() != want {
		t.Errorf("error = %q\nwant %q", err, want)
	}
}

func TestTimeout(t *testing.T) {
	_, cfg := proxmoxtest.Start(t, testdata, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // a node that never answers
	}))
	cfg.Timeout = 100 * time.Millisecond
	// The test's own bound, far beyond the client's: reaching it means
	// the client's timeout did not work.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	_, err := proxmox.NewCollector(newClient(t, cfg)).Collect(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Collect = %v, want a deadline exceeded", err)
	}
	if elapsed := time.Since(start); elapsed > 20*time.Second {
		t.Errorf("gave up after %s, not after the client's 100ms", elapsed)
	}

	// The caller's context bounds a request too.
	cfg.Timeout = time.Hour
	cancelled, cancelNow := context.WithCancel(context.Background())
	cancelNow()
	if _, err := newClient(t, cfg).Nodes(cancelled); !errors.Is(err, context.Canceled) {
		t.Errorf("Nodes on a cancelled context = %v", err)
	}
}

func TestTLS(t *testing.T) {
	_, cfg := proxmoxtest.Start(t, testdata, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxmoxtest.WriteData(t, w, []any{})
	}))

	// By default the certificate must chain to a trusted CA: the test
	// server's does not chain to the system's.
	strict := cfg
	strict.CAFile = ""
	_, err := newClient(t, strict).Nodes(context.Background())
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		t.Errorf("without the CA: %v, want an unknown authority error", err)
	}

	insecure := strict
	insecure.InsecureSkipVerify = true
	if _, err := newClient(t, insecure).Nodes(context.Background()); err != nil {
		t.Errorf("with InsecureSkipVerify: %v", err)
	}
	if _, err := newClient(t, cfg).Nodes(context.Background()); err != nil {
		t.Errorf("with the CA file: %v", err)
	}
}

func TestNewConfig(t *testing.T) {
	ok := proxmox.Config{Host: "pve.lan", User: "root@pam", TokenName: "wingman", TokenValue: "secret"}
	c, err := proxmox.New(ok)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.BaseURL(), "https://pve.lan:8006/api2/json"; got != want {
		t.Errorf("BaseURL = %q, want %q", got, want)
	}
	withPort := ok
	withPort.Host = "10.0.0.5:443"
	if c, err := proxmox.New(withPort); err != nil || c.BaseURL() != "https://10.0.0.5:443/api2/json" {
		t.Errorf("host with port: %v", err)
	}
	v6 := ok
	v6.Host = "fd00::5"
	if c, err := proxmox.New(v6); err != nil || c.BaseURL() != "https://[fd00::5]:8006/api2/json" {
		t.Errorf("IPv6 host: %v", err)
	}

	bad := []struct {
		name string
		edit func(*proxmox.Config)
		want string
	}{
		{"no host", func(c *proxmox.Config) { c.Host = "" }, "no host"},
		{"no token", func(c *proxmox.Config) { c.TokenValue = "" }, "token"},
		{"no realm", func(c *proxmox.Config) { c.User = "root" }, "realm"},
		{"bang in token name", func(c *proxmox.Config) { c.TokenName = "a!b" }, "'!'"},
		{"path in host", func(c *proxmox.Config) { c.Host = "pve.lan/x" }, "bad host"},
		{"missing CA file", func(c *proxmox.Config) { c.CAFile = "/nonexistent/ca.pem" }, "CA file"},
	}
	for _, tt := range bad {
		cfg := ok
		tt.edit(&cfg)
		if _, err := proxmox.New(cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: New = %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}

// Some Proxmox VE versions send numbers as strings ("vmid":"201" in LXC
// listings): they decode the same.
func TestNumbersAsStrings(t *testing.T) {
	_, cfg := proxmoxtest.Start(t, testdata, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxmoxtest.WriteJSON(w, []byte(`{"data":[{"vmid":"201","name":"mqtt","status":"running","type":"lxc","cpus":"2","maxmem":"268435456","mem":null,"uptime":"60"}]}`))
	}))
	guests, err := newClient(t, cfg).Guests(context.Background(), "pve1", proxmox.KindLXC)
	if err != nil {
		t.Fatal(err)
	}
	want := proxmox.Guest{VMID: 201, Name: "mqtt", Kind: "lxc", Node: "pve1", Status: "running", CPUs: 2, MaxMem: 268435456, Uptime: 60}
	if len(guests) != 1 || guests[0] != want {
		t.Errorf("Guests = %+v, want %+v", guests, want)
	}
}
