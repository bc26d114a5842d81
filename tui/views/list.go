package views

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/table"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wingman-dev/wingman/tui/common"
)

// Column is one column of a list: Min is its narrowest width, and Flex
// its share of the width left over.
type Column struct {
	Title     string
	Min, Flex int
}

// Row is one line of a list, with the ID of what it shows.
type Row struct {
	ID    string
	Cells []string
}

// List is the scrollable, filterable table every list view is made of.
type List struct {
	c        *common.Common
	columns  []Column
	all      []Row
	shown    []Row
	table    table.Model
	filter   textinput.Model
	typing   bool
	err      error
	loaded   bool
	empty    string
	width    int
	height   int
	selected string // the ID under the cursor, kept across reloads
}

// NewList makes a list; empty is what it says when there is nothing.
func NewList(c *common.Common, columns []Column, empty string) *List {
	st := table.DefaultStyles()
	st.Header = c.Styles.Label.Padding(0, 1)
	st.Cell = c.Styles.App.Padding(0, 1)
	st.Selected = c.Styles.Selected
	t := table.New(table.WithFocused(true), table.WithStyles(st))
	f := textinput.New()
	f.Prompt = "/"
	f.Placeholder = "filter"
	return &List{c: c, columns: columns, table: t, filter: f, empty: empty}
}

// SetRows replaces the rows, keeping the cursor on the same ID.
func (l *List) SetRows(rows []Row, err error) {
	l.err = err
	if err != nil {
		return
	}
	l.loaded = true
	l.all = rows
	l.apply()
}

// apply filters the rows and hands them to the table.
func (l *List) apply() {
	q := strings.ToLower(l.filter.Value())
	l.shown = l.shown[:0]
	for _, r := range l.all {
		if q == "" || strings.Contains(strings.ToLower(strings.Join(r.Cells, " ")), q) {
			l.shown = append(l.shown, r)
		}
	}
	cursor := 0
	for i, r := range l.shown {
		if r.ID == l.selected {
			cursor = i
		}
	}
	l.table.SetRows(l.marked(cursor))
	if len(l.shown) > 0 {
		l.table.SetCursor(cursor)
	}
}

// marker points at the cursor's row in a column of its own: reverse video
// shows it too, but a terminal without colours (NO_COLOR) drops every
// attribute, and the row must still be seen.
const marker = "▸"

// marked is the shown rows with the marker at cursor.
func (l *List) marked(cursor int) []table.Row {
	rows := make([]table.Row, len(l.shown))
	for i, r := range l.shown {
		m := " "
		if i == cursor {
			m = marker
		}
		rows[i] = append(table.Row{m}, r.Cells...)
	}
	return rows
}

// Selected is the row under the cursor.
func (l *List) Selected() (Row, bool) {
	i := l.table.Cursor()
	if i < 0 || i >= len(l.shown) {
		return Row{}, false
	}
	return l.shown[i], true
}

// Typing reports whether the filter has the keys.
func (l *List) Typing() bool { return l.typing }

// SetSize lays the columns out over width: each gets its minimum, then
// the rest is shared by flex.
func (l *List) SetSize(width, height int) {
	l.width, l.height = width, height
	cols := make([]table.Column, len(l.columns)+1)
	cols[0] = table.Column{Width: 1}
	used, flex := 3, 0
	for i, c := range l.columns {
		cols[i+1] = table.Column{Title: c.Title, Width: c.Min}
		used += c.Min + 2 // the cell padding
		flex += c.Flex
	}
	if left := width - used; left > 0 && flex > 0 {
		for i, c := range l.columns {
			cols[i+1].Width += left * c.Flex / flex
		}
	}
	l.table.SetColumns(cols)
	l.table.SetWidth(width)
	l.table.SetHeight(max(3, height-1))
}

// Update handles the filter and moving through the rows.
func (l *List) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	if l.typing {
		switch km.Type {
		case tea.KeyEnter:
			l.typing = false
			l.filter.Blur()
			return nil
		case tea.KeyEsc:
			l.typing = false
			l.filter.Blur()
			l.filter.SetValue("")
			l.apply()
			return nil
		}
		var cmd tea.Cmd
		l.filter, cmd = l.filter.Update(msg)
		l.apply()
		return cmd
	}
	if key.Matches(km, l.c.Keys.Filter) {
		l.typing = true
		return l.filter.Focus()
	}
	var cmd tea.Cmd
	before := l.table.Cursor()
	l.table, cmd = l.table.Update(msg)
	if r, ok := l.Selected(); ok {
		l.selected = r.ID
	}
	if l.table.Cursor() != before {
		l.table.SetRows(l.marked(l.table.Cursor()))
	}
	return cmd
}

// View draws the filter line and the table, or says why there is none.
func (l *List) View() string {
	head := l.c.Styles.Muted.Render(fmt.Sprintf("%d of %d", len(l.shown), len(l.all)))
	if l.typing || l.filter.Value() != "" {
		head = l.filter.View() + "  " + head
	}
	switch {
	case l.err != nil:
		return head + "\n" + l.c.Styles.Error.Render("could not load: "+l.err.Error())
	case !l.loaded:
		return head + "\n" + l.c.Styles.Muted.Render("loading…")
	case len(l.all) == 0:
		return head + "\n" + l.c.Styles.Muted.Render(l.empty)
	}
	return head + "\n" + l.table.View()
}
