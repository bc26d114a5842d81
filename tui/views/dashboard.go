// The dashboard view: one of the server's templates, or a spec file, as
// the control plane renders it, drawn by tui/components and scrolled in a
// viewport. It reloads when facts, incidents, plans or workers change, at
// most once per minReload, and draws again only when the data or the size
// changed.

package views

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/dashboards/document"
	"github.com/wingman-dev/wingman/dashboards/render"
	"github.com/wingman-dev/wingman/tui/common"
	"github.com/wingman-dev/wingman/tui/components"
)

// minReload is the least time between two reloads the event stream
// causes: a homelab's workers report every few seconds, and one render
// answers all of their changes. A person's reload is not held back.
const minReload = 2 * time.Second

// defaultTemplate is shown first when no spec file is given.
const defaultTemplate = "overview"

// dashboardTemplatesMsg carries the server's templates.
type dashboardTemplatesMsg struct {
	templates []domain.DashboardTemplate
	err       error
}

// dashboardLoadedMsg carries a rendered dashboard, for the load numbered
// seq.
type dashboardLoadedMsg struct {
	seq  int
	dash *render.Dashboard
	err  error
}

// dashboardReloadMsg says a reload held back by minReload, or by the
// server's rate limit, is due.
type dashboardReloadMsg struct{}

// dashboardKeys are the keys the view adds.
type dashboardKeys struct {
	Next, Prev, Open, Focus, Sort, Reverse key.Binding
}

func newDashboardKeys() dashboardKeys {
	return dashboardKeys{
		Next:    key.NewBinding(key.WithKeys("]"), key.WithHelp("]/[", "next/previous template")),
		Prev:    key.NewBinding(key.WithKeys("[")),
		Open:    key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open a spec file")),
		Focus:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next table")),
		Sort:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s/S", "sort/reverse")),
		Reverse: key.NewBinding(key.WithKeys("S")),
	}
}

// Dashboard shows one dashboard at a time.
type Dashboard struct {
	c     *common.Common
	keys  dashboardKeys
	board *components.Board
	page  viewport.Model
	path  textinput.Model

	templates []domain.DashboardTemplate
	// templatesErr is why the template list could not be read: ] and [
	// then ask again, and the status line says why they cannot switch.
	templatesErr error
	// template is the template shown; specFile the spec file shown
	// instead when template is empty.
	template, specFile string

	// seq numbers the loads; an answer to any but the last is dropped.
	seq int
	// loading: a load is under way; queued: something changed meanwhile;
	// waiting: a reload is held back until a tick.
	loading, queued, waiting bool
	// typing: a spec file's path is being typed.
	typing   bool
	lastLoad time.Time
	// err is why the last load failed; problems, why a spec was refused.
	err           error
	problems      []domain.Problem
	width, height int
	// content is what the page holds, lines the same split; frame is the
	// last drawing, good while fresh.
	content string
	lines   []string
	frame   string
	fresh   bool
}

// NewDashboard makes the dashboard view, showing specFile when it is not
// empty and the overview template otherwise.
func NewDashboard(c *common.Common, specFile string) View {
	in := textinput.New()
	in.Prompt = "spec file: "
	in.Placeholder = "path/to/dashboard.yaml"
	v := &Dashboard{c: c, keys: newDashboardKeys(), board: components.NewBoard(c.Styles, nil),
		page: viewport.New(0, 0), path: in, specFile: specFile}
	if specFile == "" {
		v.template = defaultTemplate
	}
	return v
}

// Title names the view.
func (v *Dashboard) Title() string { return "Dashboard" }

// Init loads the templates and the dashboard; the app calls it again to
// reload everything.
func (v *Dashboard) Init() tea.Cmd { return tea.Batch(v.loadTemplates, v.load()) }

func (v *Dashboard) loadTemplates() tea.Msg {
	var ts []domain.DashboardTemplate
	err := v.c.Call(func(ctx context.Context) (err error) { ts, err = v.c.Client.DashboardTemplates(ctx); return err })
	return dashboardTemplatesMsg{ts, err}
}

// load renders what the view shows now, as a new load: the answer to any
// load before it will be dropped.
func (v *Dashboard) load() tea.Cmd {
	v.seq++
	v.loading, v.queued, v.fresh = true, false, false
	seq, template, file, c := v.seq, v.template, v.specFile, v.c
	return func() tea.Msg {
		req := domain.RenderRequest{Template: template}
		if template == "" {
			text, err := document.ReadSpecFile(file)
			if err != nil {
				return dashboardLoadedMsg{seq: seq, err: err}
			}
			req.Spec = string(text)
		}
		var raw json.RawMessage
		err := c.Call(func(ctx context.Context) (err error) { raw, err = c.Client.RenderDashboard(ctx, req); return err })
		if err != nil {
			return dashboardLoadedMsg{seq: seq, err: err}
		}
		var d render.Dashboard
		if err := json.Unmarshal(raw, &d); err != nil {
			return dashboardLoadedMsg{seq: seq, err: fmt.Errorf("decode dashboard: %w", err)}
		}
		return dashboardLoadedMsg{seq: seq, dash: &d}
	}
}

// Reload reloads when what the dashboards show changed: facts,
// incidents, plans or workers.
func (v *Dashboard) Reload(ev domain.Event) tea.Cmd {
	switch ev.Kind {
	case "facts", "incident", "plan", "worker":
		return v.reloadSoon()
	}
	return nil
}

// reloadSoon loads again once minReload has passed since the last load,
// and after the load under way, if there is one.
func (v *Dashboard) reloadSoon() tea.Cmd {
	if v.loading || v.waiting {
		v.queued = true
		return nil
	}
	if wait := v.lastLoad.Add(minReload).Sub(v.c.Now()); wait > 0 {
		return v.after(wait)
	}
	return v.load()
}

func (v *Dashboard) after(wait time.Duration) tea.Cmd {
	v.waiting = true
	return tea.Tick(wait, func(time.Time) tea.Msg { return dashboardReloadMsg{} })
}

// Update handles loads and keys.
func (v *Dashboard) Update(msg tea.Msg) (View, tea.Cmd) {
	switch msg := msg.(type) {
	case dashboardTemplatesMsg:
		v.templatesErr, v.fresh = msg.err, false
		if msg.err == nil {
			v.templates = msg.templates
		}
		return v, nil
	case dashboardLoadedMsg:
		return v, v.loaded(msg)
	case dashboardReloadMsg:
		v.waiting = false
		return v, v.load()
	case tea.KeyMsg:
		cmd := v.key(msg)
		v.fresh = false
		return v, cmd
	}
	if v.typing { // the cursor's blink
		var cmd tea.Cmd
		v.path, cmd = v.path.Update(msg)
		v.fresh = false
		return v, cmd
	}
	return v, nil
}

func (v *Dashboard) loaded(msg dashboardLoadedMsg) tea.Cmd {
	if msg.seq != v.seq {
		return nil
	}
	v.loading, v.lastLoad, v.fresh = false, v.c.Now(), false
	v.err, v.problems = msg.err, nil
	var cerr *client.Error
	switch {
	case msg.err == nil:
		v.board.SetDashboard(msg.dash)
	case errors.As(msg.err, &cerr) && len(cerr.Problems) > 0:
		v.problems = cerr.Problems
	case errors.As(msg.err, &cerr) && cerr.RetryAfter > 0:
		return v.after(cerr.RetryAfter)
	}
	if v.queued {
		return v.reloadSoon()
	}
	return nil
}

// key handles a key: the path being typed, a focused table's keys, the
// view's own, and scrolling.
func (v *Dashboard) key(msg tea.KeyMsg) tea.Cmd {
	if v.typing {
		switch msg.Type {
		case tea.KeyEnter:
			v.typing = false
			v.path.Blur()
			if p := strings.TrimSpace(v.path.Value()); p != "" {
				v.template, v.specFile = "", p
				return v.load()
			}
			return nil
		case tea.KeyEsc:
			v.typing = false
			v.path.Blur()
			return nil
		}
		var cmd tea.Cmd
		v.path, cmd = v.path.Update(msg)
		return cmd
	}
	switch {
	case key.Matches(msg, v.keys.Next):
		return v.cycle(1)
	case key.Matches(msg, v.keys.Prev):
		return v.cycle(-1)
	case key.Matches(msg, v.keys.Open):
		v.typing = true
		v.path.SetValue(v.specFile)
		return v.path.Focus()
	case key.Matches(msg, v.keys.Focus):
		if v.board.FocusNext() {
			v.showFocus()
		}
		return nil
	case key.Matches(msg, v.c.Keys.Back) && v.board.Focused():
		v.board.Blur()
		return nil
	case key.Matches(msg, v.keys.Sort):
		v.board.Sort(false)
		return nil
	case key.Matches(msg, v.keys.Reverse):
		v.board.Sort(true)
		return nil
	case v.board.Focused():
		v.board.Move(msg)
		v.showFocus()
		return nil
	}
	var cmd tea.Cmd
	v.page, cmd = v.page.Update(msg)
	return cmd
}

// cycle shows the template by steps away from the one shown (the first
// after a spec file).
func (v *Dashboard) cycle(by int) tea.Cmd {
	if len(v.templates) == 0 {
		return v.loadTemplates // ask again: the list failed or has not come
	}
	var again tea.Cmd
	if v.templatesErr != nil {
		again = v.loadTemplates // the last read failed: the list may be stale
	}
	i := -1
	for k, t := range v.templates {
		if t.Name == v.template {
			i = k
		}
	}
	if i < 0 {
		i = map[bool]int{true: -1, false: 0}[by > 0]
	}
	v.template = v.templates[(i+by+len(v.templates))%len(v.templates)].Name
	v.page.GotoTop()
	return tea.Batch(v.load(), again)
}

// showFocus scrolls the focused table into sight.
func (v *Dashboard) showFocus() {
	v.sync()
	line := v.board.FocusLine()
	if line < v.page.YOffset || line >= v.page.YOffset+v.page.Height {
		v.page.SetYOffset(line)
	}
}

// SetSize sizes the page: a status line and the dashboard under it.
func (v *Dashboard) SetSize(w, h int) {
	if w == v.width && h == v.height {
		return
	}
	v.width, v.height, v.fresh = w, h, false
	v.board.SetSize(w, max(h-1, 1))
	v.page.Width, v.page.Height = w, max(h-1, 1)
	v.path.Width = max(w-len(v.path.Prompt)-2, 10)
}

// sync hands the page what the board draws now; the board draws only what
// changed.
func (v *Dashboard) sync() {
	content := v.board.View()
	switch {
	case len(v.problems) > 0:
		content = v.problemList()
	case content == "" && v.err != nil:
		content = v.c.Styles.Error.Render("could not load: " + v.err.Error())
	case content == "":
		content = v.c.Styles.Muted.Render("loading…")
	}
	if content != v.content {
		v.content, v.lines = content, strings.Split(content, "\n")
		v.page.SetContent(content)
	}
}

// problemList says why a spec was refused, a line per problem by path.
func (v *Dashboard) problemList() string {
	lines := []string{v.c.Styles.Error.Render(fmt.Sprintf("%s was refused:", v.specFile))}
	for _, p := range v.problems {
		lines = append(lines, "  "+v.c.Styles.Label.Render(p.Path)+" "+p.Message)
	}
	lines = append(lines, "", v.c.Styles.Muted.Render("Fix the file and press ctrl+r, or o to open another."))
	return strings.Join(lines, "\n")
}

// View draws the status line and the page; it draws again only after a
// change.
func (v *Dashboard) View() string {
	if v.fresh {
		return v.frame
	}
	v.sync()
	v.frame, v.fresh = v.status()+"\n"+v.visible(), true
	return v.frame
}

// visible is the page's lines in sight. The page (a viewport) keeps the
// scroll position; its own View would pad and cut every line again,
// which the board has done already.
func (v *Dashboard) visible() string {
	top := min(max(v.page.YOffset, 0), len(v.lines))
	return strings.Join(v.lines[top:min(top+v.page.Height, len(v.lines))], "\n")
}

// status names what is shown and what is happening to it.
func (v *Dashboard) status() string {
	if v.typing {
		return v.path.View()
	}
	st := v.c.Styles
	what := "spec " + v.specFile
	if v.template != "" {
		what = "template " + v.template
		for i, t := range v.templates {
			if t.Name == v.template {
				what += fmt.Sprintf(" (%d of %d)", i+1, len(v.templates))
			}
		}
	}
	line := st.Label.Render(what)
	switch {
	case v.loading:
		line += st.Muted.Render("  loading…")
	case v.err != nil && len(v.problems) == 0:
		line += st.Error.Render("  " + v.err.Error())
	case v.templatesErr != nil:
		line += st.Error.Render("  no template list: " + v.templatesErr.Error())
	}
	return ansi.Truncate(line, v.width, "…")
}

// ShortHelp names the view's keys.
func (v *Dashboard) ShortHelp() []key.Binding {
	return []key.Binding{v.keys.Next, v.keys.Open, v.keys.Focus, v.keys.Sort, v.c.Keys.Up, v.c.Keys.Down}
}

// Capturing reports whether a spec file's path is being typed.
func (v *Dashboard) Capturing() bool { return v.typing }
