package components

import (
	"context"
	"encoding/json"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/wingman-dev/wingman/dashboards/dashtest"
	"github.com/wingman-dev/wingman/dashboards/query"
	"github.com/wingman-dev/wingman/dashboards/render"
	"github.com/wingman-dev/wingman/dashboards/templates"
	"github.com/wingman-dev/wingman/tui/common"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var (
	fixturesOnce sync.Once
	fixtures     map[string]*render.Dashboard
	fixturesErr  error
)

// templateData renders every template against the seeded homelab, read at
// its instant, and passes it through JSON as the API's client gets it.
func templateData(t testing.TB) map[string]*render.Dashboard {
	t.Helper()
	fixturesOnce.Do(func() {
		s := dashtest.SQLite(t)
		dashtest.Seed(t, s.DB)
		reg, err := query.Builtin()
		if err != nil {
			fixturesErr = err
			return
		}
		r := &render.Renderer{Store: s.DB, Registry: reg, Now: func() time.Time { return dashtest.Now }, Log: slog.New(slog.DiscardHandler)}
		fixtures = map[string]*render.Dashboard{}
		for _, name := range templates.Names() {
			d, err := r.Template(context.Background(), name)
			if err != nil {
				fixturesErr = err
				return
			}
			raw, _ := json.Marshal(d)
			var back render.Dashboard
			if fixturesErr = json.Unmarshal(raw, &back); fixturesErr != nil {
				return
			}
			fixtures[name] = &back
		}
	})
	if fixturesErr != nil {
		t.Fatal(fixturesErr)
	}
	return fixtures
}

// styles are the TUI's styles on a renderer of a fixed colour profile.
func styles(p termenv.Profile) *common.Styles {
	r := lipgloss.NewRenderer(os.Stdout)
	r.SetColorProfile(p)
	r.SetHasDarkBackground(true)
	return common.NewStyles(r)
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tui/components -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from what was drawn (go test ./tui/components -update rewrites it); drawn:\n%s", path, got)
	}
}

var keyDown = tea.KeyMsg{Type: tea.KeyDown}
