package tui

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/tui/common"
	"github.com/wingman-dev/wingman/tui/views"
)

// Options are what Run needs.
type Options struct {
	Client *client.Client
	Server string
	In     io.Reader
	Out    io.Writer
	// LogFile receives the TUI's log: never the screen.
	LogFile string
	// SpecFile, when set, is the dashboard spec shown first instead of
	// the overview template.
	SpecFile string
}

// Run shows the TUI until the user quits or ctx ends.
func Run(ctx context.Context, o Options) error {
	f, err := openLog(o.LogFile)
	if err != nil {
		return err
	}
	defer f.Close()
	log := slog.New(slog.NewTextHandler(f, nil))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	c := &common.Common{Client: o.Client, Styles: common.NewStyles(lipgloss.NewRenderer(o.Out)), Keys: common.DefaultKeys(),
		Now: time.Now, Ctx: ctx}
	vs := []views.View{views.NewDashboard(c, o.SpecFile), views.NewIncidents(c), views.NewPlans(c), views.NewWorkers(c),
		views.NewAudit(c)}
	log.Info("tui started", "server", o.Server)
	p := tea.NewProgram(New(c, o.Server, vs...), tea.WithAltScreen(), tea.WithContext(ctx),
		tea.WithInput(o.In), tea.WithOutput(o.Out))
	if _, err := p.Run(); err != nil && ctx.Err() == nil {
		log.Error("tui stopped", "err", err)
		return fmt.Errorf("tui: %w", err)
	}
	return nil
}

// openLog opens the log file, making its folder.
func openLog(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("tui log %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("tui log %s: %w", path, err)
	}
	return f, nil
}
