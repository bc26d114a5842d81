package views

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/dustin/go-humanize"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/tui/common"
)

// workersLoadedMsg carries the workers.
type workersLoadedMsg struct {
	workers []domain.Worker
	err     error
}

// Workers lists the workers with their health, sandbox and offline
// backlog.
type Workers struct {
	c    *common.Common
	list *List
	// warning names the workers whose sandbox is degraded, off or
	// unreadable, drawn above the list in the warning style: the table
	// cannot colour one cell, and a narrow SANDBOX column cuts the words.
	warning       string
	width, height int
}

// NewWorkers makes the workers view.
func NewWorkers(c *common.Common) *Workers {
	return &Workers{c: c, list: NewList(c, []Column{
		{Title: "ID", Min: 12, Flex: 1}, {Title: "SITE", Min: 8, Flex: 1}, {Title: "HEALTH", Min: 11}, {Title: "SANDBOX", Min: 12, Flex: 1},
		{Title: "LAST SEEN", Min: 14}, {Title: "BACKLOG", Min: 14, Flex: 2}, {Title: "LAST SYNC", Min: 14}, {Title: "GAPS", Min: 6},
		{Title: "VERSION", Min: 8},
	}, `No workers registered. Add one with "wingctl workers add".`)}
}

// Title names the view.
func (v *Workers) Title() string { return "Workers" }

// Init loads the workers.
func (v *Workers) Init() tea.Cmd { return v.load }

func (v *Workers) load() tea.Msg {
	var ws []domain.Worker
	err := v.c.Call(func(ctx context.Context) (err error) { ws, err = v.c.Client.ListWorkers(ctx); return err })
	return workersLoadedMsg{ws, err}
}

// Reload reloads when a worker changes.
func (v *Workers) Reload(ev domain.Event) tea.Cmd {
	if ev.Kind == "worker" {
		return v.load
	}
	return nil
}

// Update handles the loaded workers and the keys.
func (v *Workers) Update(msg tea.Msg) (View, tea.Cmd) {
	if msg, ok := msg.(workersLoadedMsg); ok {
		rows := make([]Row, len(msg.workers))
		var warn []string
		for i, w := range msg.workers {
			box := "-"
			if w.Sandbox != nil {
				box = w.Sandbox.String()
				if w.Sandbox.Warn() {
					warn = append(warn, w.ID+" "+box)
				}
			}
			rows[i] = Row{ID: w.ID, Cells: []string{w.ID, w.SiteName, string(w.Health), box, v.c.Ago(w.LastSeenAt),
				v.backlog(w.Backlog), v.c.Ago(w.LastSyncAt), fmt.Sprint(len(w.Gaps)), w.Version}}
		}
		if msg.err == nil {
			v.warning = ""
			if len(warn) > 0 {
				v.warning = "! Skills sandbox: " + strings.Join(warn, "; ")
			}
			v.SetSize(v.width, v.height)
		}
		v.list.SetRows(rows, msg.err)
		return v, nil
	}
	return v, v.list.Update(msg)
}

func (v *Workers) backlog(b domain.Backlog) string {
	if b.Files == 0 {
		return "-"
	}
	return fmt.Sprintf("%d (%s)", b.Files, humanize.IBytes(uint64(b.Bytes)))
}

// View draws the sandbox warning, if any, and the list.
func (v *Workers) View() string {
	if v.warning == "" {
		return v.list.View()
	}
	return v.c.Styles.Warn.Render(ansi.Truncate(v.warning, v.width, "…")) + "\n" + v.list.View()
}

// SetSize sizes the list, leaving a line for the sandbox warning.
func (v *Workers) SetSize(w, h int) {
	v.width, v.height = w, h
	if v.warning != "" {
		h--
	}
	v.list.SetSize(w, h)
}

// ShortHelp names the view's keys.
func (v *Workers) ShortHelp() []key.Binding {
	return []key.Binding{v.c.Keys.Up, v.c.Keys.Down, v.c.Keys.Filter}
}

// Capturing reports whether the filter has the keys.
func (v *Workers) Capturing() bool { return v.list.Typing() }
