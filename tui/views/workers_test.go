package views

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/tui/common"
)

// TestWorkersSandbox: each worker's sandbox is a column, and the workers
// whose skills run less confined or not at all are named above the list
// in the warning style, a line the list gives up so the view keeps its
// height.
func TestWorkersSandbox(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/workers" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode([]domain.Worker{
			{ID: "edge-1", SiteName: "home", Health: domain.WorkerHealthy, Sandbox: &domain.SandboxState{Mode: domain.SandboxFull}},
			{ID: "nas-1", SiteName: "office", Health: domain.WorkerHealthy,
				Sandbox: &domain.SandboxState{Mode: domain.SandboxDegraded, Missing: []string{"landlock"}}},
			{ID: "pi-1", SiteName: "office", Health: domain.WorkerHealthy,
				Sandbox: &domain.SandboxState{Mode: domain.SandboxOff, Missing: []string{"landlock", "seccomp"}}},
			{ID: "old-1", SiteName: "office", Health: domain.WorkerUnknown},
		})
	}))
	t.Cleanup(srv.Close)

	c := dashCommon(t, srv.URL, "t")
	d := &dashDriver{t: t, v: NewWorkers(c), msgs: make(chan tea.Msg, 16)}
	d.v.SetSize(160, 12)
	d.run(d.v.Init())
	view := d.until("edge-1")
	lines := strings.Split(view, "\n")
	const warning = "! Skills sandbox: nas-1 DEGRADED (landlock); pi-1 off (landlock, seccomp)"
	if lines[0] != warning {
		t.Errorf("first line = %q, want %q", lines[0], warning)
	}
	for _, want := range []string{"SANDBOX", "full", "DEGRADED (landlock)", "off (landlock, seccomp)"} {
		if !strings.Contains(view, want) {
			t.Errorf("no %q in\n%s", want, view)
		}
	}
	if len(lines) > 12 {
		t.Errorf("%d lines, want at most 12:\n%s", len(lines), view)
	}

	// In colour the warning has the warning style.
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI)
	c.Styles = common.NewStyles(r)
	if got := strings.Split(d.v.View(), "\n")[0]; got != c.Styles.Warn.Render(warning) || got == warning {
		t.Errorf("warning in colour = %q, want the Warn style", got)
	}
}
