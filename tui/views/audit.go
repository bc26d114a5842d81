package views

import (
	"context"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/tui/common"
)

// auditKept is how many of the newest events the view holds.
const auditKept = 500

// auditLoadedMsg carries events after the view's cursor.
type auditLoadedMsg struct {
	events []domain.AuditEvent
	err    error
}

// Audit shows the audit log, newest first, following it as it grows.
type Audit struct {
	c      *common.Common
	list   *List
	events []domain.AuditEvent
	after  int64 // the last sealed sequence number read
}

// NewAudit makes the audit view.
func NewAudit(c *common.Common) *Audit {
	return &Audit{c: c, list: NewList(c, []Column{
		{Title: "SEQ", Min: 6}, {Title: "WHEN", Min: 14}, {Title: "ACTOR", Min: 10, Flex: 1}, {Title: "ROLE", Min: 8},
		{Title: "ACTION", Min: 14}, {Title: "SUBJECT", Min: 10, Flex: 1}, {Title: "OUTCOME", Min: 8}, {Title: "REASON", Min: 10, Flex: 2},
	}, "The audit log is empty.")}
}

// Title names the view.
func (v *Audit) Title() string { return "Audit" }

// Init reads the log to its end.
func (v *Audit) Init() tea.Cmd { return v.load(v.after) }

// load reads the sealed events after a sequence number, page by page.
// Unsealed events (sequence 0) come again once sealed, so they are not
// kept.
func (v *Audit) load(after int64) tea.Cmd {
	return func() tea.Msg { return v.read(after) }
}

func (v *Audit) read(after int64) tea.Msg {
	var out []domain.AuditEvent
	err := v.c.Call(func(ctx context.Context) error {
		for pages := 0; pages < 50; pages++ {
			page, err := v.c.Client.Audit(ctx, after, auditKept)
			if err != nil {
				return err
			}
			for _, ev := range page.Events {
				if ev.Seq > 0 {
					out = append(out, ev)
					after = ev.Seq
				}
			}
			if page.Next == 0 {
				return nil
			}
		}
		return nil
	})
	return auditLoadedMsg{out, err}
}

// Reload follows the log: every change is audited.
func (v *Audit) Reload(domain.Event) tea.Cmd { return v.load(v.after) }

// Update handles new events and the keys.
func (v *Audit) Update(msg tea.Msg) (View, tea.Cmd) {
	if msg, ok := msg.(auditLoadedMsg); ok {
		if msg.err == nil {
			// Two reads may overlap: keep each event once.
			for _, ev := range msg.events {
				if ev.Seq > v.after {
					v.events = append(v.events, ev)
					v.after = ev.Seq
				}
			}
			if n := len(v.events); n > auditKept {
				v.events = v.events[n-auditKept:]
			}
		}
		rows := make([]Row, len(v.events))
		for i, ev := range v.events {
			at := ev.At
			rows[len(rows)-1-i] = Row{ID: fmt.Sprint(ev.Seq), Cells: []string{fmt.Sprint(ev.Seq), v.c.Ago(&at), ev.ActorName,
				string(ev.ActorRole), ev.Action, ev.Subject, string(ev.Outcome), ev.Reason}}
		}
		v.list.SetRows(rows, msg.err)
		return v, nil
	}
	return v, v.list.Update(msg)
}

// View draws the list.
func (v *Audit) View() string { return v.list.View() }

// SetSize sizes the list.
func (v *Audit) SetSize(w, h int) { v.list.SetSize(w, h) }

// ShortHelp names the view's keys.
func (v *Audit) ShortHelp() []key.Binding {
	return []key.Binding{v.c.Keys.Up, v.c.Keys.Down, v.c.Keys.Filter}
}

// Capturing reports whether the filter has the keys.
func (v *Audit) Capturing() bool { return v.list.Typing() }
