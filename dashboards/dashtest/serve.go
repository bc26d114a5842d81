// A wingmand serving dashboards, for the tests of its clients: the CLI
// and the TUI.

package dashtest

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/api"
	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/daemon"
	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/dashboards/query"
	"github.com/wingman-dev/wingman/dashboards/service"
)

// Serve starts a wingmand on SQLite, in process and over real HTTP, with
// the homelab Seed writes, serving dashboards of the built-in queries
// read at Now. It returns the server's URL and its admin token.
func Serve(t testing.TB) (url, token string) {
	t.Helper()
	cfg := config.DefaultDaemon(func(string) string { return "" })
	cfg.DataDir = t.TempDir()
	reg, err := query.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	d, err := daemon.New(context.Background(), cfg, log, "test", daemon.WithDashboards(func(st store.Store) (api.Dashboards, error) {
		return service.New(service.Config{Store: st, Registry: reg, Log: log, Now: func() time.Time { return Now }})
	}, api.DashboardLimits{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	Seed(t, d.Store())
	path, err := d.Bootstrap(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(d.Handler())
	t.Cleanup(srv.Close)
	return srv.URL, strings.TrimSpace(string(tok))
}
