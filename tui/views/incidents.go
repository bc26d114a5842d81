package views

import (
	"context"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/tui/common"
)

// incidentsLoadedMsg carries the unresolved incidents.
type incidentsLoadedMsg struct {
	incidents []domain.Incident
	err       error
}

// Incidents lists the incidents not yet resolved, most recent first;
// enter opens the plan proposed for one.
type Incidents struct {
	c    *common.Common
	list *List
	byID map[string]domain.Incident
}

// NewIncidents makes the incidents view.
func NewIncidents(c *common.Common) *Incidents {
	return &Incidents{c: c, list: NewList(c, []Column{
		{Title: "ID", Min: 10}, {Title: "SEVERITY", Min: 8}, {Title: "STATE", Min: 8},
		{Title: "TITLE", Min: 20, Flex: 3}, {Title: "WORKER", Min: 10, Flex: 1}, {Title: "OPENED", Min: 14}, {Title: "PLAN", Min: 8},
	}, "No open incidents. All quiet.")}
}

// Title names the view.
func (v *Incidents) Title() string { return "Incidents" }

// Init loads the incidents.
func (v *Incidents) Init() tea.Cmd { return v.load }

func (v *Incidents) load() tea.Msg {
	var incs []domain.Incident
	err := v.c.Call(func(ctx context.Context) (err error) {
		incs, err = v.c.Client.ListIncidents(ctx, domain.IncidentFilter{Unresolved: true, Limit: 500})
		return err
	})
	return incidentsLoadedMsg{incs, err}
}

// Reload reloads on a change of incidents or plans.
func (v *Incidents) Reload(ev domain.Event) tea.Cmd {
	if ev.Kind == "incident" || ev.Kind == "plan" {
		return v.load
	}
	return nil
}

// Update handles the loaded incidents and the keys.
func (v *Incidents) Update(msg tea.Msg) (View, tea.Cmd) {
	switch msg := msg.(type) {
	case incidentsLoadedMsg:
		rows := make([]Row, len(msg.incidents))
		v.byID = map[string]domain.Incident{}
		for i, in := range msg.incidents {
			v.byID[in.ID] = in
			plan := in.PlanID
			if plan == "" {
				plan = "-"
			}
			rows[i] = Row{ID: in.ID, Cells: []string{in.ID, string(in.Severity), string(in.State), in.Title, in.WorkerID,
				v.c.Ago(&in.OpenedAt), plan}}
		}
		v.list.SetRows(rows, msg.err)
		return v, nil
	case tea.KeyMsg:
		if !v.list.Typing() && key.Matches(msg, v.c.Keys.Open) {
			if r, ok := v.list.Selected(); ok && v.byID[r.ID].PlanID != "" {
				id := v.byID[r.ID].PlanID
				return v, func() tea.Msg { return OpenPlanMsg{ID: id} }
			}
			return v, nil
		}
	}
	return v, v.list.Update(msg)
}

// View draws the list.
func (v *Incidents) View() string { return v.list.View() }

// SetSize sizes the list.
func (v *Incidents) SetSize(w, h int) { v.list.SetSize(w, h) }

// ShortHelp names the view's keys.
func (v *Incidents) ShortHelp() []key.Binding {
	return []key.Binding{v.c.Keys.Up, v.c.Keys.Down, withHelp(v.c.Keys.Open, "open plan"), v.c.Keys.Filter}
}

// Capturing reports whether the filter has the keys.
func (v *Incidents) Capturing() bool { return v.list.Typing() }

// withHelp is b with another help text.
func withHelp(b key.Binding, text string) key.Binding {
	b.SetHelp(b.Help().Key, text)
	return b
}
