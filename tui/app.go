package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/tui/common"
	"github.com/wingman-dev/wingman/tui/views"
)

// coalesce is how long the app gathers change events before reloading:
// a burst (a plan approved, its tasks queued and started) costs one
// reload, which matters on a slow SSH link.
const coalesce = 150 * time.Millisecond

// reloadMsg asks the views to reload for the events gathered.
type reloadMsg struct{}

// App is the top of the TUI: a tab per view, a status line with the
// stream's state, and the key help.
type App struct {
	c       *common.Common
	views   []views.View
	active  int
	help    help.Model
	full    bool // the full key map is shown
	width   int
	height  int
	server  string
	live    bool
	down    string // why the stream is down, while it is
	fails   int
	pending []domain.Event
}

// New makes the app over its views; the first is shown first.
func New(c *common.Common, server string, vs ...views.View) *App {
	h := help.New()
	h.Styles.ShortKey, h.Styles.FullKey = c.Styles.Label, c.Styles.Label
	h.Styles.ShortDesc, h.Styles.FullDesc = c.Styles.Muted, c.Styles.Muted
	return &App{c: c, views: vs, help: h, server: server}
}

// Init loads every view and opens the event stream.
func (a *App) Init() tea.Cmd {
	cmds := []tea.Cmd{openStream(a.c.Ctx, a.c.Client, 0)}
	for _, v := range a.views {
		cmds = append(cmds, v.Init())
	}
	return tea.Batch(cmds...)
}

// Update routes messages: keys to the app or the active view, stream
// events to the views they concern, everything else to every view (each
// view ignores what is not its own).
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		for _, v := range a.views {
			v.SetSize(msg.Width, a.bodyHeight())
		}
		return a, nil
	case tea.KeyMsg:
		return a, a.key(msg)
	case streamOpenMsg:
		a.live, a.down, a.fails = true, "", 0
		// Whatever changed while the stream was down is read again.
		return a, tea.Batch(nextEvent(msg.s), a.reloadAll())
	case streamEventMsg:
		a.pending = append(a.pending, msg.ev)
		cmds := []tea.Cmd{nextEvent(msg.s)}
		if len(a.pending) == 1 {
			cmds = append(cmds, tea.Tick(coalesce, func(time.Time) tea.Msg { return reloadMsg{} }))
		}
		return a, tea.Batch(cmds...)
	case reloadMsg:
		cmds := a.reloadFor(a.pending)
		a.pending = nil
		return a, tea.Batch(cmds...)
	case streamDownMsg:
		a.live, a.fails = false, a.fails+1
		a.down = msg.err.Error()
		return a, tea.Tick(msg.wait, func(time.Time) tea.Msg { return streamRetryMsg{} })
	case streamRetryMsg:
		return a, openStream(a.c.Ctx, a.c.Client, a.fails)
	case views.OpenPlanMsg:
		a.active = a.index("Plans")
	}
	var cmds []tea.Cmd
	for i, v := range a.views {
		nv, cmd := v.Update(msg)
		a.views[i] = nv
		cmds = append(cmds, cmd)
	}
	return a, tea.Batch(cmds...)
}

// key handles the global keys unless the active view is taking text.
func (a *App) key(msg tea.KeyMsg) tea.Cmd {
	v := a.views[a.active]
	if msg.Type == tea.KeyCtrlC {
		return tea.Quit
	}
	if !v.Capturing() {
		k := a.c.Keys
		switch {
		case key.Matches(msg, k.Quit):
			return tea.Quit
		case key.Matches(msg, k.Help):
			a.full = !a.full
			for _, v := range a.views {
				v.SetSize(a.width, a.bodyHeight())
			}
			return nil
		case key.Matches(msg, k.NextView):
			a.active = (a.active + 1) % len(a.views)
			return nil
		case key.Matches(msg, k.PrevView):
			a.active = (a.active + len(a.views) - 1) % len(a.views)
			return nil
		case key.Matches(msg, k.Refresh):
			return a.reloadAll()
		}
		for i, b := range k.Views {
			if i < len(a.views) && key.Matches(msg, b) {
				a.active = i
				return nil
			}
		}
	}
	nv, cmd := v.Update(msg)
	a.views[a.active] = nv
	return cmd
}

func (a *App) index(title string) int {
	for i, v := range a.views {
		if v.Title() == title {
			return i
		}
	}
	return a.active
}

// reloadAll reloads every view.
func (a *App) reloadAll() tea.Cmd {
	var cmds []tea.Cmd
	for _, v := range a.views {
		cmds = append(cmds, v.Init())
	}
	return tea.Batch(cmds...)
}

// reloadFor reloads each view once for the events that concern it.
func (a *App) reloadFor(evs []domain.Event) []tea.Cmd {
	var cmds []tea.Cmd
	for _, v := range a.views {
		for _, ev := range evs {
			if cmd := v.Reload(ev); cmd != nil {
				cmds = append(cmds, cmd)
				break
			}
		}
	}
	return cmds
}

// bodyHeight is what is left for a view under the tabs and above the
// status and help lines.
func (a *App) bodyHeight() int {
	h := a.height - 3
	if a.full {
		h -= 6
	}
	return max(3, h)
}

// View draws the tabs, the active view, the status line and the help.
func (a *App) View() string {
	if a.width == 0 {
		return ""
	}
	s := a.c.Styles
	tabs := make([]string, len(a.views))
	for i, v := range a.views {
		label := fmt.Sprintf("%d %s", i+1, v.Title())
		if i == a.active {
			tabs[i] = s.ActiveTab.Render(label)
		} else {
			tabs[i] = s.Tab.Render(label)
		}
	}
	header := s.Header.Render("wingman") + " " + strings.Join(tabs, "")
	state := s.StatusLive.Render("● live")
	if !a.live {
		state = s.StatusDown.Render("◌ reconnecting")
		if a.down != "" {
			state += s.StatusBar.Render(" (" + a.down + ")")
		}
	}
	status := s.StatusBar.Render(a.server+"  ") + state
	v := a.views[a.active]
	bindings := append(v.ShortHelp(), a.c.Keys.NextView, a.c.Keys.Help, a.c.Keys.Quit)
	helpLine := a.help.ShortHelpView(bindings)
	if a.full {
		helpLine = a.help.FullHelpView([][]key.Binding{v.ShortHelp(),
			{a.c.Keys.NextView, a.c.Keys.PrevView, a.c.Keys.Views[0]}, {a.c.Keys.Refresh, a.c.Keys.Help, a.c.Keys.Quit}})
	}
	body := fitHeight(v.View(), a.bodyHeight())
	return strings.Join([]string{truncate(header, a.width), body, truncate(status, a.width), helpLine}, "\n")
}

// fitHeight pads or cuts s to exactly h lines, so the status line
// stays put.
func fitHeight(s string, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}
