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
	// ErrOut is told, once the screen is back, when LogFile could not be
	// written.
	ErrOut io.Writer
	// SpecFile, when set, is the dashboard spec shown first instead of
	// the overview template.
	SpecFile string
}

// Run shows the TUI until the user quits or ctx ends.
func Run(ctx context.Context, o Options) error {
	// A log that cannot be written (a read-only home, a full disk) is no
	// reason to refuse the console: it runs without one and says so after.
	var logTo io.Writer = io.Discard
	if f, err := openLog(o.LogFile); err != nil {
		if o.ErrOut != nil {
			defer fmt.Fprintf(o.ErrOut, "wingctl: the console ran without its log: %v\n", err)
		}
	} else {
		defer f.Close()
		logTo = f
	}
	log := slog.New(slog.NewTextHandler(logTo, nil))
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
