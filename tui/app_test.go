package tui

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/daemon"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/tui/common"
	"github.com/wingman-dev/wingman/tui/views"
)

// driver runs the app as bubbletea would: every command in a goroutine,
// every message it returns back through Update, one at a time.
type driver struct {
	t    *testing.T
	app  *App
	msgs chan tea.Msg
}

func (d *driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		if msg := cmd(); msg != nil {
			d.msgs <- msg
		}
	}()
}

func (d *driver) send(msg tea.Msg) {
	if batch, ok := msg.(tea.BatchMsg); ok {
		for _, c := range batch {
			d.run(c)
		}
		return
	}
	_, cmd := d.app.Update(msg)
	d.run(cmd)
}

func (d *driver) key(k string) {
	switch k {
	case "enter":
		d.send(tea.KeyMsg{Type: tea.KeyEnter})
	case "esc":
		d.send(tea.KeyMsg{Type: tea.KeyEsc})
	default:
		d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
	}
}

// until feeds messages through the app until its screen shows want.
func (d *driver) until(want string) string {
	d.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		view := d.app.View()
		if strings.Contains(view, want) {
			return view
		}
		select {
		case msg := <-d.msgs:
			d.send(msg)
		case <-deadline:
			d.t.Fatalf("the screen never showed %q; it shows:\n%s", want, view)
		}
	}
}

// serve starts a real wingmand on SQLite and returns it with its URL.
func serve(t *testing.T) (*daemon.Daemon, *httptest.Server, string) {
	t.Helper()
	cfg := config.DefaultDaemon(func(string) string { return "" })
	cfg.DataDir = t.TempDir()
	d, err := daemon.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	path, err := d.Bootstrap(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	admin, _ := os.ReadFile(path)
	srv := httptest.NewServer(d.Handler())
	t.Cleanup(srv.Close)
	return d, srv, strings.TrimSpace(string(admin))
}

// setup starts a real wingmand with one crashed container, and so one
// incident with a plan, and the TUI as a user with role.
func setup(t *testing.T, role domain.Role) (*driver, *client.Client, *daemon.Daemon, *httptest.Server) {
	d, srv, admin := serve(t)
	ctx := context.Background()
	adm := client.New(srv.URL, admin)
	tok, err := adm.CreateToken(ctx, domain.CreateTokenRequest{Name: "olive", Role: role})
	if err != nil {
		t.Fatal(err)
	}
	wk, err := adm.CreateWorker(ctx, "w1", "Site A")
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(domain.FactsPayload{Facts: []domain.WireFact{{Type: "container", Name: "web", Status: "exited",
		Attrs: map[string]any{"image": "nginx:1.25", "exit_code": 1, "restart_count": 0}}}})
	if _, err := client.New(srv.URL, wk.Secret).Ingest(ctx, domain.Envelope{WorkerID: "w1", SiteName: "Site A",
		Timestamp: time.Now().UTC(), PayloadType: domain.PayloadFacts, Payload: payload}); err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	c := &common.Common{Client: client.New(srv.URL, tok.Secret), Styles: common.NewStyles(r), Keys: common.DefaultKeys(),
		Now: time.Now, Ctx: runCtx}
	app := New(c, srv.URL, views.NewIncidents(c), views.NewPlans(c), views.NewWorkers(c), views.NewAudit(c))
	dr := &driver{t: t, app: app, msgs: make(chan tea.Msg, 64)}
	dr.send(tea.WindowSizeMsg{Width: 120, Height: 30})
	dr.run(app.Init())
	return dr, adm, d, srv
}

// TestApproveFromTheIncidentList drives the TUI by key presses against a
// real wingmand: from the incident list to the plan, its confirmation
// with the blast radius, and the approval, which the server records.
func TestApproveFromTheIncidentList(t *testing.T) {
	dr, adm, d, srv := setup(t, domain.RoleOperator)
	ctx := context.Background()
	dr.until("● live")
	// The cursor's row is marked in text: the test's terminal has no
	// colours, and reverse video is gone with them.
	dr.until("▸")
	dr.until("web")
	dr.key("enter")
	dr.until("a: approve")
	dr.key("a")
	screen := dr.until("Approve pl-")
	if !strings.Contains(screen, "docker restart web on w1 (scope:") {
		t.Fatalf("the confirmation does not show the blast radius:\n%s", screen)
	}
	dr.key("y")
	dr.until("Approved: the plan is dispatched")

	var plans []domain.Plan
	_ = d.Store().View(ctx, func(tx store.Tx) (err error) { plans, err = tx.ListPlans(domain.PlanFilter{}); return err })
	if len(plans) != 1 {
		t.Fatalf("plans = %+v, want one", plans)
	}
	p, err := adm.GetPlan(ctx, plans[0].ID)
	if err != nil || p.Status != domain.PlanDispatched || len(p.Approvals) != 1 || p.Approvals[0].UserName != "olive" {
		t.Fatalf("plan after the approval: %+v, %v", p, err)
	}
	// The audit view shows the approval, live.
	dr.key("4")
	dr.until("plan.approve")

	// The server goes away: the status line says so.
	srv.CloseClientConnections()
	srv.Close()
	dr.until("reconnecting")
}

// TestViewerIsRefused: the server decides, as for wingctl approve; the
// TUI shows its refusal and the plan stays pending.
func TestViewerIsRefused(t *testing.T) {
	dr, adm, _, _ := setup(t, domain.RoleViewer)
	dr.until("web")
	dr.key("enter")
	dr.until("a: approve")
	dr.key("a")
	dr.until("Approve pl-")
	dr.key("y")
	dr.until("forbidden")
	plans, err := adm.ListPlans(context.Background(), domain.PlanFilter{})
	if err != nil || len(plans) != 1 || plans[0].Status != domain.PlanPending {
		t.Fatalf("plans after a viewer's approval: %+v %v", plans, err)
	}
}

// TestRejectWithAReason: a rejection asks why, confirms, and ends the plan;
// esc on the reason cancels without a decision.
func TestRejectWithAReason(t *testing.T) {
	dr, adm, _, _ := setup(t, domain.RoleOperator)
	dr.key("2")
	dr.until("pending")
	dr.key("enter")
	dr.until("a: approve")
	dr.key("r")
	dr.until("say why")
	dr.key("q") // text, not quit, while the reason has the keys
	dr.key("esc")
	dr.until("a: approve")
	dr.key("r")
	dr.until("say why")
	for _, k := range []string{"b", "a", "c", "k", "u", "p", "s"} {
		dr.key(k)
	}
	dr.key("enter")
	dr.until(`because "backups"?`)
	dr.key("y")
	dr.until("Rejected: the plan will not run.")
	plans, err := adm.ListPlans(context.Background(), domain.PlanFilter{})
	if err != nil || len(plans) != 1 || plans[0].Status != domain.PlanRejected {
		t.Fatalf("plans after the rejection: %+v %v", plans, err)
	}
}

// TestFilter: / filters the list as one types; esc clears it.
func TestFilter(t *testing.T) {
	dr, _, _, _ := setup(t, domain.RoleViewer)
	dr.until("1 of 1")
	dr.key("/")
	for _, k := range []string{"z", "z", "q"} {
		dr.key(k)
	}
	dr.until("0 of 1")
	dr.key("esc")
	dr.until("1 of 1")
}
