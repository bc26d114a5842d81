// Package daemontest serves a real wingmand in-process for tests and
// benchmarks of the packages around it.
package daemontest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/daemon"
)

// Start serves one wingmand on a random loopback port until the test
// ends, on the embedded store in a temporary data dir unless tune sets a
// database URL, and returns it once it answers /readyz.
func Start(t testing.TB, tune func(*config.Daemon)) (*daemon.Daemon, string) {
	t.Helper()
	cfg := config.DefaultDaemon(func(string) string { return "" })
	cfg.DataDir = t.TempDir()
	if tune != nil {
		tune(&cfg)
	}
	d, err := daemon.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "test")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("wingmand: %v", err)
		}
		d.Close()
	})
	url := "http://" + ln.Addr().String()
	WaitReady(t, url)
	return d, url
}

// WaitReady waits up to 10 s for url's /readyz to answer 200.
func WaitReady(t testing.TB, url string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get(url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
	t.Fatalf("%s not ready", url)
}
