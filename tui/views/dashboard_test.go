package views

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/dashboards/dashtest"
	"github.com/wingman-dev/wingman/dashboards/query"
	"github.com/wingman-dev/wingman/dashboards/render"
	"github.com/wingman-dev/wingman/tui/common"
)

// dashCommon is what the TUI hands a view, without colour, talking to
// server with token.
func dashCommon(t testing.TB, server, token string) *common.Common {
	t.Helper()
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return &common.Common{Client: client.New(server, token), Styles: common.NewStyles(r), Keys: common.DefaultKeys(),
		Now: time.Now, Ctx: ctx}
}

// dashDriver runs a view as bubbletea would, one message at a time.
type dashDriver struct {
	t    *testing.T
	v    View
	msgs chan tea.Msg
}

func (d *dashDriver) run(cmd tea.Cmd) {
	if cmd != nil {
		go func() { d.msgs <- cmd() }()
	}
}

func (d *dashDriver) send(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
	default:
		var cmd tea.Cmd
		d.v, cmd = d.v.Update(msg)
		d.run(cmd)
	}
}

func (d *dashDriver) keys(keys ...string) {
	for _, k := range keys {
		switch k {
		case "enter":
			d.send(tea.KeyMsg{Type: tea.KeyEnter})
		default:
			d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
		}
	}
}

// until feeds messages to the view until it shows want.
func (d *dashDriver) until(want string) string {
	d.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		if view := d.v.View(); strings.Contains(view, want) {
			return view
		}
		select {
		case msg := <-d.msgs:
			d.send(msg)
		case <-deadline:
			d.t.Fatalf("the view never showed %q; it shows:\n%s", want, d.v.View())
		}
	}
}

func TestDashboardView(t *testing.T) {
	url, token := dashtest.Serve(t)
	spec := filepath.Join(t.TempDir(), "mine.yaml")
	if err := os.WriteFile(spec, []byte("title: Mine\nsections:\n  - name: Now\n    components:\n"+
		"      - {type: stat_card, title: Unresolved, query: incidents.open}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d := &dashDriver{t: t, v: NewDashboard(dashCommon(t, url, token), ""), msgs: make(chan tea.Msg, 16)}
	d.v.SetSize(80, 24)
	d.run(d.v.Init())
	view := d.until("Running cont")
	if !strings.Contains(view, "template overview") || len(strings.Split(view, "\n")) != 24 {
		t.Errorf("the overview at 80x24:\n%s", view)
	}
	d.until("(4 of 5)") // the template list arrived

	// ] goes to the next template, [ back.
	d.keys("]")
	d.until("Workers and sites")
	d.keys("[")
	d.until("Running cont")

	// A spec file: o, its path, enter.
	d.keys("o")
	if !d.v.Capturing() {
		t.Fatal("typing a path does not capture the keys")
	}
	d.keys(spec, "enter")
	d.until("Unresolved")
	if d.v.Capturing() {
		t.Error("still capturing after enter")
	}

	// A refused spec lists its problems by path; fixing the file and
	// reloading shows it.
	if err := os.WriteFile(spec, []byte("title: Mine\nsections:\n  - name: Now\n    components:\n"+
		"      - {type: pie, title: P, query: incidents.open}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d.run(d.v.Init())
	view = d.until("was refused")
	if !strings.Contains(view, `sections[0].components[0].type "pie" is not a component`) {
		t.Errorf("problems:\n%s", view)
	}
}

// TestDashboardTemplateListFails: a template list that could not be read
// is said on the status line, and ] asks for it again (and moves on in
// the list it has).
func TestDashboardTemplateListFails(t *testing.T) {
	url, token := dashtest.Serve(t)
	d := &dashDriver{t: t, v: NewDashboard(dashCommon(t, url, token), ""), msgs: make(chan tea.Msg, 16)}
	d.v.SetSize(80, 24)
	d.run(d.v.Init())
	d.until("(4 of 5)")
	d.send(dashboardTemplatesMsg{err: errors.New("server unreachable")})
	d.until("no template list: server unreachable")
	d.keys("]")
	d.until("(5 of 5)")
	deadline := time.After(10 * time.Second)
	for strings.Contains(d.v.View(), "no template list") {
		select {
		case msg := <-d.msgs: // the list asked again arrives
			d.send(msg)
		case <-deadline:
			t.Fatalf("] did not ask for the template list again:\n%s", d.v.View())
		}
	}
}

func TestDashboardReloadsOnChanges(t *testing.T) {
	v := NewDashboard(dashCommon(t, "http://127.0.0.1:1", "t"), "").(*Dashboard)
	for kind, reloads := range map[string]bool{"facts": true, "incident": true, "plan": true, "worker": true, "task": false} {
		v.loading, v.waiting, v.queued = false, false, false
		if got := v.Reload(domain.Event{Kind: kind}) != nil; got != reloads {
			t.Errorf("reload on %s: %v, want %v", kind, got, reloads)
		}
	}
	// Changes while a load is under way make one more load after it, no
	// sooner than minReload after the last.
	v.loading, v.waiting, v.queued = true, false, false
	if v.Reload(domain.Event{Kind: "facts"}) != nil || !v.queued {
		t.Error("a change during a load did not wait for it")
	}
	cmd := v.loaded(dashboardLoadedMsg{seq: v.seq, dash: overviewData(t)})
	if cmd == nil || !v.waiting {
		t.Error("the queued reload was not held back after a load")
	}
}

// overviewData is the overview of the seeded homelab, as the client
// decodes it.
func overviewData(t testing.TB) *render.Dashboard {
	t.Helper()
	s := dashtest.SQLite(t)
	dashtest.Seed(t, s.DB)
	reg, err := query.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	r := &render.Renderer{Store: s.DB, Registry: reg, Now: func() time.Time { return dashtest.Now }, Log: slog.New(slog.DiscardHandler)}
	d, err := r.Template(context.Background(), "overview")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(d)
	var back render.Dashboard
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	return &back
}

// BenchmarkDashboardView measures View() of the overview at 200x50:
// unchanged (what most frames are), after a reload with the same data,
// after a scroll, and after a resize, which draws every component again.
//
//	go test ./tui/views -run '^$' -bench DashboardView
func BenchmarkDashboardView(b *testing.B) {
	d := overviewData(b)
	raw, _ := json.Marshal(d)
	setup := func(b *testing.B) *Dashboard {
		v := NewDashboard(dashCommon(b, "http://127.0.0.1:1", "t"), "").(*Dashboard)
		v.SetSize(200, 50)
		v.Update(dashboardLoadedMsg{seq: v.seq, dash: d})
		v.View()
		return v
	}
	b.Run("unchanged", func(b *testing.B) {
		v := setup(b)
		for b.Loop() {
			v.View()
		}
	})
	b.Run("reload", func(b *testing.B) {
		v := setup(b)
		for b.Loop() {
			// The answer is decoded where it is loaded, off the update loop.
			b.StopTimer()
			var again render.Dashboard
			_ = json.Unmarshal(raw, &again)
			b.StartTimer()
			v.Update(dashboardLoadedMsg{seq: v.seq, dash: &again})
			v.View()
		}
	})
	b.Run("scroll", func(b *testing.B) {
		v := setup(b)
		down, up := tea.KeyMsg{Type: tea.KeyDown}, tea.KeyMsg{Type: tea.KeyUp}
		for i := 0; b.Loop(); i++ {
			v.Update([]tea.KeyMsg{down, up}[i%2])
			v.View()
		}
	})
	b.Run("resize", func(b *testing.B) {
		v := setup(b)
		for i := 0; b.Loop(); i++ {
			v.SetSize(200-i%2, 50)
			v.View()
		}
	})
}
