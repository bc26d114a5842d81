package views

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/tui/common"
)

// plansLoadedMsg carries the plan list.
type plansLoadedMsg struct {
	plans []domain.Plan
	err   error
}

// planLoadedMsg carries one plan with its approvals and tasks.
type planLoadedMsg struct {
	id   string
	plan domain.Plan
	err  error
}

// decidedMsg is the answer to an approval or a rejection of plan id.
type decidedMsg struct {
	id   string
	resp domain.DecisionResponse
	err  error
}

// planMode is what the plans view shows.
type planMode int

const (
	modeList planMode = iota
	modeDetail
	modeConfirmApprove
	modeReason
	modeConfirmReject
	modeBusy
)

// Plans lists plans and shows one in detail, where an operator approves or
// rejects it after a confirmation that shows its blast radius. The server
// decides as for `wingctl approve`: the same policy, the same refusals.
type Plans struct {
	c      *common.Common
	list   *List
	mode   planMode
	plan   domain.Plan
	detail viewport.Model
	reason textinput.Model
	// note is the last decision's outcome or refusal, shown over the plan.
	note    string
	noteErr bool
	width   int
	height  int
}

// NewPlans makes the plans view.
func NewPlans(c *common.Common) *Plans {
	r := textinput.New()
	r.Prompt = "reason: "
	r.Placeholder = "why this plan must not run"
	r.CharLimit = 500
	return &Plans{c: c, reason: r, list: NewList(c, []Column{
		{Title: "ID", Min: 8}, {Title: "STATUS", Min: 11}, {Title: "TITLE", Min: 20, Flex: 3}, {Title: "APPROVALS", Min: 9},
		{Title: "ACTIONS", Min: 7}, {Title: "CREATED", Min: 14},
	}, "No plans yet: the advisor proposes one when an incident has a known remedy.")}
}

// Title names the view.
func (v *Plans) Title() string { return "Plans" }

// Init loads the plan list.
func (v *Plans) Init() tea.Cmd { return v.loadList }

func (v *Plans) loadList() tea.Msg {
	var ps []domain.Plan
	err := v.c.Call(func(ctx context.Context) (err error) {
		ps, err = v.c.Client.ListPlans(ctx, domain.PlanFilter{Limit: 500})
		return err
	})
	return plansLoadedMsg{ps, err}
}

func (v *Plans) loadPlan(id string) tea.Cmd {
	return func() tea.Msg {
		var p domain.Plan
		err := v.c.Call(func(ctx context.Context) (err error) { p, err = v.c.Client.GetPlan(ctx, id); return err })
		return planLoadedMsg{id, p, err}
	}
}

func (v *Plans) decide(approve bool, id, reason string) tea.Cmd {
	return func() tea.Msg {
		var resp domain.DecisionResponse
		err := v.c.Call(func(ctx context.Context) (err error) {
			if approve {
				resp, err = v.c.Client.Approve(ctx, id, "")
			} else {
				resp, err = v.c.Client.Reject(ctx, id, reason)
			}
			return err
		})
		return decidedMsg{id, resp, err}
	}
}

// Reload reloads the list, and the plan shown, when plans or tasks change.
func (v *Plans) Reload(ev domain.Event) tea.Cmd {
	if ev.Kind != "plan" && ev.Kind != "task" {
		return nil
	}
	if v.mode != modeList && v.plan.ID != "" {
		return tea.Batch(v.loadList, v.loadPlan(v.plan.ID))
	}
	return v.loadList
}

// Update handles loads, decisions and keys.
func (v *Plans) Update(msg tea.Msg) (View, tea.Cmd) {
	switch msg := msg.(type) {
	case plansLoadedMsg:
		rows := make([]Row, len(msg.plans))
		for i, p := range msg.plans {
			rows[i] = Row{ID: p.ID, Cells: []string{p.ID, string(p.Status), p.Title,
				fmt.Sprintf("%d/%d", p.Approvers(), p.RequiredApprovals), fmt.Sprint(len(p.Actions)), v.c.Ago(&p.CreatedAt)}}
		}
		v.list.SetRows(rows, msg.err)
		return v, nil
	case OpenPlanMsg:
		v.mode, v.note = modeDetail, ""
		v.plan = domain.Plan{ID: msg.ID}
		v.refreshDetail()
		return v, v.loadPlan(msg.ID)
	case planLoadedMsg:
		if msg.id != v.plan.ID {
			return v, nil // an answer for a plan no longer shown
		}
		if msg.err != nil {
			v.note, v.noteErr = "could not load "+msg.id+": "+msg.err.Error(), true
		} else {
			v.plan = msg.plan
		}
		v.refreshDetail()
		return v, nil
	case decidedMsg:
		if msg.id != v.plan.ID {
			return v, v.loadList
		}
		v.mode = modeDetail
		if msg.err != nil {
			v.note, v.noteErr = msg.err.Error(), true
		} else {
			v.plan = msg.resp.Plan
			v.note, v.noteErr = outcome(msg.resp), false
		}
		v.refreshDetail()
		return v, v.loadList
	case tea.KeyMsg:
		return v, v.key(msg)
	}
	return v, nil
}

// key handles a key press in the current mode.
func (v *Plans) key(msg tea.KeyMsg) tea.Cmd {
	k := v.c.Keys
	switch v.mode {
	case modeList:
		if !v.list.Typing() && key.Matches(msg, k.Open) {
			if r, ok := v.list.Selected(); ok {
				return func() tea.Msg { return OpenPlanMsg{ID: r.ID} }
			}
			return nil
		}
		return v.list.Update(msg)
	case modeDetail:
		switch {
		case key.Matches(msg, k.Back):
			v.mode = modeList
		case key.Matches(msg, k.Approve) && v.plan.Status == domain.PlanPending:
			v.mode = modeConfirmApprove
		case key.Matches(msg, k.Reject) && v.plan.Status == domain.PlanPending:
			v.mode = modeReason
			v.reason.SetValue("")
			return v.reason.Focus()
		default:
			var cmd tea.Cmd
			v.detail, cmd = v.detail.Update(msg)
			return cmd
		}
	case modeConfirmApprove, modeConfirmReject:
		switch {
		case key.Matches(msg, k.Confirm):
			approve := v.mode == modeConfirmApprove
			v.mode, v.note = modeBusy, ""
			return v.decide(approve, v.plan.ID, strings.TrimSpace(v.reason.Value()))
		case key.Matches(msg, k.Cancel):
			v.mode = modeDetail
		}
	case modeReason:
		switch msg.Type {
		case tea.KeyEsc:
			v.reason.Blur()
			v.mode = modeDetail
		case tea.KeyEnter:
			if strings.TrimSpace(v.reason.Value()) != "" {
				v.reason.Blur()
				v.mode = modeConfirmReject
			}
		default:
			var cmd tea.Cmd
			v.reason, cmd = v.reason.Update(msg)
			return cmd
		}
	}
	return nil
}

// outcome says what a decision did, as `wingctl approve` does.
func outcome(r domain.DecisionResponse) string {
	switch r.Plan.Status {
	case domain.PlanPending:
		return fmt.Sprintf("Approved; %d more approval(s) needed.", r.ApprovalsNeeded)
	case domain.PlanRejected:
		return "Rejected: the plan will not run."
	}
	return fmt.Sprintf("Approved: the plan is %s; its tasks go to the workers.", r.Plan.Status)
}

// View draws the list, or the plan with any dialog over it.
func (v *Plans) View() string {
	if v.mode == modeList {
		return v.list.View()
	}
	body := v.detail.View()
	var dialog string
	switch v.mode {
	case modeConfirmApprove:
		dialog = v.confirm("Approve " + v.plan.ID + "?")
	case modeReason:
		dialog = v.c.Styles.Dialog.Render("Reject " + v.plan.ID + ": say why (enter to go on, esc to cancel)\n" + v.reason.View())
	case modeConfirmReject:
		dialog = v.confirm("Reject " + v.plan.ID + " because " + fmt.Sprintf("%q", v.reason.Value()) + "?")
	case modeBusy:
		dialog = v.c.Styles.Muted.Render("Sending the decision…")
	}
	if dialog == "" {
		return body
	}
	return dialog + "\n" + body
}

// confirm is the confirmation dialog, with what the plan would do.
func (v *Plans) confirm(question string) string {
	var b strings.Builder
	b.WriteString(v.c.Styles.Label.Render(question) + "\n")
	for _, a := range v.plan.Actions {
		b.WriteString("  " + actionLine(a) + "\n")
	}
	b.WriteString(v.c.Styles.Muted.Render("y: yes   n/esc: no"))
	return v.c.Styles.Dialog.Render(b.String())
}

// actionLine reads "docker restart web on site-a (scope: container, changes state, reversible)".
func actionLine(a domain.Action) string {
	mut, rev := "read-only", "irreversible"
	if a.BlastRadius.MutatesState {
		mut = "changes state"
	}
	if a.BlastRadius.Reversible {
		rev = "reversible"
	}
	scope := a.BlastRadius.Scope
	if scope == "" {
		scope = "unstated"
	}
	return fmt.Sprintf("%s %s %s on %s (scope: %s, %s, %s)", a.Plugin, a.Action, a.Target, a.Worker, scope, mut, rev)
}

// refreshDetail writes the plan into the scrolling detail.
func (v *Plans) refreshDetail() {
	s := v.c.Styles
	p := v.plan
	var b strings.Builder
	if v.note != "" {
		st := s.OK
		if v.noteErr {
			st = s.Error
		}
		b.WriteString(st.Render(v.note) + "\n\n")
	}
	b.WriteString(s.Title.Render(p.ID+"  "+p.Title) + "\n")
	fmt.Fprintf(&b, "%s %s   %s %d of %d   %s %s   %s %s\n", s.Label.Render("status"), p.Status,
		s.Label.Render("approvals"), p.Approvers(), p.RequiredApprovals, s.Label.Render("author"), p.Author,
		s.Label.Render("expires"), v.c.Ago(&p.ExpiresAt))
	if p.IncidentID != "" {
		fmt.Fprintf(&b, "%s %s\n", s.Label.Render("incident"), p.IncidentID)
	}
	b.WriteString("\n" + s.Label.Render("Why") + "\n" + p.Rationale + "\n\n" + s.Label.Render("Actions and blast radius") + "\n")
	for i, a := range p.Actions {
		fmt.Fprintf(&b, "%d. %s\n", i+1, actionLine(a))
	}
	if len(p.Approvals) > 0 {
		b.WriteString("\n" + s.Label.Render("Decisions so far") + "\n")
		for _, a := range p.Approvals {
			at := a.At
			line := fmt.Sprintf("%s %s (%s) %s", a.Decision, a.UserName, a.Role, v.c.Ago(&at))
			if a.Comment != "" {
				line += ": " + a.Comment
			}
			b.WriteString(line + "\n")
		}
	}
	if len(p.Tasks) > 0 {
		b.WriteString("\n" + s.Label.Render("Tasks") + "\n")
		for _, t := range p.Tasks {
			line := fmt.Sprintf("%s %s.%s %s: %s (attempt %d)", t.ID, t.Plugin, t.Action, t.Target, t.Status, t.Attempts)
			if t.Error != "" {
				line += " — " + t.Error
			}
			b.WriteString(line + "\n")
		}
	}
	if p.Status == domain.PlanPending {
		b.WriteString("\n" + s.Muted.Render("a: approve   r: reject   esc: back"))
	} else {
		b.WriteString("\n" + s.Muted.Render("esc: back"))
	}
	v.detail.SetContent(b.String())
}

// SetSize sizes the list and the detail.
func (v *Plans) SetSize(w, h int) {
	v.width, v.height = w, h
	v.list.SetSize(w, h)
	v.detail = viewport.New(w, max(3, h-6))
	v.reason.Width = max(20, w-20)
	v.refreshDetail()
}

// ShortHelp names the view's keys.
func (v *Plans) ShortHelp() []key.Binding {
	k := v.c.Keys
	switch v.mode {
	case modeDetail:
		return []key.Binding{k.Approve, k.Reject, k.Back}
	case modeConfirmApprove, modeConfirmReject:
		return []key.Binding{k.Confirm, k.Cancel}
	}
	return []key.Binding{k.Up, k.Down, k.Open, k.Filter}
}

// Capturing reports whether a text input has the keys.
func (v *Plans) Capturing() bool { return v.list.Typing() || v.mode == modeReason }
