package views

import (
	"context"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/dustin/go-humanize"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/tui/common"
)

// workersLoadedMsg carries the workers.
type workersLoadedMsg struct {
	workers []domain.Worker
	err     error
}

// Workers lists the workers with their health and offline backlog.
type Workers struct {
	c    *common.Common
	list *List
}

// NewWorkers makes the workers view.
func NewWorkers(c *common.Common) *Workers {
	return &Workers{c: c, list: NewList(c, []Column{
		{Title: "ID", Min: 12, Flex: 1}, {Title: "SITE", Min: 8, Flex: 1}, {Title: "HEALTH", Min: 11}, {Title: "LAST SEEN", Min: 14},
		{Title: "BACKLOG", Min: 14, Flex: 2}, {Title: "LAST SYNC", Min: 14}, {Title: "GAPS", Min: 6}, {Title: "VERSION", Min: 8},
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
		for i, w := range msg.workers {
			rows[i] = Row{ID: w.ID, Cells: []string{w.ID, w.SiteName, string(w.Health), v.c.Ago(w.LastSeenAt),
				v.backlog(w.Backlog), v.c.Ago(w.LastSyncAt), fmt.Sprint(len(w.Gaps)), w.Version}}
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

// View draws the list.
func (v *Workers) View() string { return v.list.View() }

// SetSize sizes the list.
func (v *Workers) SetSize(w, h int) { v.list.SetSize(w, h) }

// ShortHelp names the view's keys.
func (v *Workers) ShortHelp() []key.Binding {
	return []key.Binding{v.c.Keys.Up, v.c.Keys.Down, v.c.Keys.Filter}
}

// Capturing reports whether the filter has the keys.
func (v *Workers) Capturing() bool { return v.list.Typing() }
