// The table: bubbles' table over a query's rows, sortable by any column
// when the spec says so, and scrollable once it has the keys.

package components

import (
	"fmt"
	"slices"

	"github.com/charmbracelet/bubbles/table"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/wingman-dev/wingman/dashboards/query"
	"github.com/wingman-dev/wingman/dashboards/render"
)

// tableState is what a table keeps from one draw to the next: its model,
// which holds the cursor and the scroll, and how it is sorted.
type tableState struct {
	model table.Model
	// sortCol is the column sorted by, -1 for the query's order.
	sortCol int
	desc    bool
	// data identifies the component's data (the Board sets it); drawn
	// says what the model was last built for, and rows how many it has.
	data  uint64
	drawn string
	rows  int
	// truncated says the query left rows out.
	truncated bool
}

func newTableState() *tableState {
	return &tableState{model: table.New(), sortCol: -1}
}

// sortNext sorts by the next column, ascending, after the last going back
// to the query's order.
func (t *tableState) sortNext(columns int) {
	t.desc = false
	t.sortCol++
	if t.sortCol >= columns {
		t.sortCol = -1
	}
}

// reverse turns the sort around, sorting by the first column if there was
// none.
func (t *tableState) reverse() {
	if t.sortCol < 0 {
		t.sortCol = 0
		return
	}
	t.desc = !t.desc
}

// key says how the state changes what is drawn.
func (t *tableState) key(focused bool) string {
	return fmt.Sprintf("%d/%v/%v/%d", t.sortCol, t.desc, focused, t.model.Cursor())
}

// update hands a key to the model, which moves the cursor and scrolls.
func (t *tableState) update(msg tea.KeyMsg) {
	t.model, _ = t.model.Update(msg)
}

// tableData is a table or events as columns and rows.
func tableData(d *query.Result) ([]query.Column, [][]any, bool) {
	switch {
	case d.Table != nil:
		return d.Table.Columns, d.Table.Rows, d.Table.Truncated
	case d.Events != nil:
		cols := append([]query.Column{{Name: "at", Type: query.Time}, {Name: "title", Type: query.Text}}, d.Events.Fields...)
		rows := make([][]any, len(d.Events.Events))
		for i, ev := range d.Events.Events {
			row := []any{ev.At, ev.Title}
			for _, f := range d.Events.Fields {
				row = append(row, ev.Fields[f.Name])
			}
			rows[i] = row
		}
		return cols, rows, d.Events.Truncated
	}
	return nil, nil, false
}

// maxColumnWidth keeps one long column from taking a wide table.
const maxColumnWidth = 40

func (p *pen) table(c *render.Component, t *tableState, w, h int, focused bool) string {
	build := fmt.Sprintf("%x/%d/%d/%v/%d/%v", t.data, w, h, focused, t.sortCol, t.desc)
	if build != t.drawn {
		if !p.buildTable(c, t, w, h, focused) {
			return p.st.Muted.Render("no data")
		}
		t.drawn = build
	}
	out := t.model.View()
	note := ""
	switch {
	case t.rows == 0:
		note = "no rows"
	case focused:
		note = fmt.Sprintf("row %d of %d", t.model.Cursor()+1, t.rows)
	case t.model.Height() < t.rows:
		note = fmt.Sprintf("%d of %d rows", t.model.Height(), t.rows)
	}
	if t.truncated {
		note += " (more were left out)"
	}
	if note != "" {
		out += "\n" + p.st.Muted.Render(fit(note, w))
	}
	return out
}

// buildTable makes the model afresh for the data, the size and the sort,
// with the cursor where it was. Moving the cursor to it, rather than
// setting it, scrolls the way the model's own keys do.
func (p *pen) buildTable(c *render.Component, t *tableState, w, h int, focused bool) bool {
	cols, data, truncated := tableData(c.Data)
	if len(cols) == 0 {
		return false
	}
	if t.sortCol >= len(cols) {
		t.sortCol = -1
	}
	if t.sortCol >= 0 && c.Sortable {
		data = slices.Clone(data)
		col := cols[t.sortCol]
		slices.SortStableFunc(data, func(a, b []any) int {
			if t.desc {
				a, b = b, a
			}
			return compare(a[t.sortCol], b[t.sortCol], col.Type)
		})
	}
	rows := make([]table.Row, len(data))
	natural := make([]int, len(cols))
	titles := make([]string, len(cols))
	for i, col := range cols {
		titles[i] = col.Name
		if i == t.sortCol && c.Sortable {
			titles[i] += map[bool]string{false: " ▲", true: " ▼"}[t.desc]
		}
		natural[i] = width(titles[i])
	}
	for r, row := range data {
		cells := make(table.Row, len(cols))
		for i := range cols {
			cells[i] = p.cell(row[i], cols[i].Type)
			natural[i] = max(natural[i], width(cells[i]))
		}
		rows[r] = cells
	}
	text := make([]bool, len(cols))
	for i, col := range cols {
		text[i] = col.Type == query.Text
	}
	widths := columnWidths(natural, text, w)
	tcols := make([]table.Column, len(cols))
	for i := range cols {
		tcols[i] = table.Column{Title: titles[i], Width: widths[i]}
	}
	shown := len(rows)
	if h > 0 {
		shown = min(shown, max(h/2-2, 3))
	}
	st := table.Styles{Header: p.st.Label.Padding(0, 1), Cell: p.st.App.Padding(0, 1), Selected: p.st.App}
	if focused {
		st.Selected = p.st.Selected
	}
	cursor := t.model.Cursor()
	t.model = table.New(table.WithColumns(tcols), table.WithRows(rows), table.WithStyles(st),
		table.WithHeight(max(shown, 1)+1), table.WithWidth(w), table.WithFocused(focused))
	if cursor > 0 {
		t.model.MoveDown(cursor)
	}
	t.rows, t.truncated = len(rows), truncated
	return true
}

// columnWidths fits columns of natural widths, each with a cell of
// padding either side, into w cells. Text gives way first, the widest
// first, down to textFloor cells, so that numbers and times stay whole;
// then any column, down to three cells; columns that still do not fit
// are left out (width 0).
func columnWidths(natural []int, text []bool, w int) []int {
	widths := make([]int, len(natural))
	for i, n := range natural {
		widths[i] = min(n, maxColumnWidth)
	}
	total := func() int {
		sum := 0
		for _, x := range widths {
			if x > 0 {
				sum += x + 2
			}
		}
		return sum
	}
	shrink := func(floor int, only []bool) {
		for total() > w {
			widest := -1
			for i, x := range widths {
				if (only == nil || only[i]) && x > floor && (widest < 0 || x > widths[widest]) {
					widest = i
				}
			}
			if widest < 0 {
				return
			}
			widths[widest]--
		}
	}
	shrink(textFloor, text)
	shrink(3, nil)
	for i := len(widths) - 1; i > 0 && total() > w; i-- {
		widths[i] = 0
	}
	return widths
}

// textFloor is the narrowest text column made narrow before the others
// give way.
const textFloor = 8
