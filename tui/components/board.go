// The Board: a rendered dashboard laid out on its grid and drawn, with a
// cache of every component it drew keyed by the component's data, its
// size and its state, so that a redraw after a reload or a key draws only
// what changed.

package components

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/wingman-dev/wingman/dashboards/render"
	"github.com/wingman-dev/wingman/dashboards/spec"
	"github.com/wingman-dev/wingman/tui/common"
)

// minBoardWidth is the narrowest a board is drawn at; a narrower screen
// cuts it off rather than break the frames.
const minBoardWidth = 24

// at locates a component: its section and its index there.
type at struct{ sec, comp int }

// Board draws a dashboard. It is not safe for concurrent use: the TUI
// calls it from its one update loop.
type Board struct {
	st  *common.Styles
	loc *time.Location

	dash *render.Dashboard
	// ids identify each component's data, shape the dashboard's layout:
	// tables keep their cursor and sort across reloads of one shape.
	ids    map[at]uint64
	shape  string
	tables map[at]*tableState
	focus  at
	// width and height are the screen's; a height of 0 draws every row
	// (on paper there is nothing to scroll).
	width, height int

	// cache holds what the last draw drew, by key; a draw keeps what it
	// used again and drops the rest.
	cache map[string]string
	// view is the last drawing, good until something changes.
	view      string
	fresh     bool
	focusLine int
}

// NewBoard returns an empty board that draws with st, showing times in
// loc (the local zone when nil).
func NewBoard(st *common.Styles, loc *time.Location) *Board {
	if loc == nil {
		loc = time.Local
	}
	return &Board{st: st, loc: loc, tables: map[at]*tableState{}, focus: at{-1, -1}, cache: map[string]string{}}
}

// Draw draws d once at width, every row of it: what `wingctl dash` prints.
func Draw(st *common.Styles, loc *time.Location, d *render.Dashboard, width int) string {
	b := NewBoard(st, loc)
	b.SetSize(width, 0)
	b.SetDashboard(d)
	return b.View()
}

// SetDashboard shows d. Components whose data did not change are not
// drawn again; tables keep their cursor and sort when d has the layout of
// the dashboard before it.
func (b *Board) SetDashboard(d *render.Dashboard) {
	b.dash, b.fresh = d, false
	b.ids = map[at]uint64{}
	var shape strings.Builder
	for i, sec := range d.Sections {
		shape.WriteString(sec.Name + "\x00")
		for j, c := range sec.Components {
			fmt.Fprintf(&shape, "%s/%s/%d\x00", c.Type, c.Title, c.Width)
			h := fnv.New64a()
			raw, _ := json.Marshal(c) // its data and options; it came as JSON, so it encodes
			h.Write(raw)
			b.ids[at{i, j}] = h.Sum64()
		}
	}
	if shape.String() != b.shape {
		b.shape, b.tables, b.focus = shape.String(), map[at]*tableState{}, at{-1, -1}
	}
}

// SetSize sets the screen's size; a height of 0 draws every row.
func (b *Board) SetSize(width, height int) {
	width = max(width, minBoardWidth)
	if width != b.width || height != b.height {
		b.width, b.height, b.fresh = width, height, false
	}
}

// tableOrder lists the tables in the order they are drawn.
func (b *Board) tableOrder() []at {
	var out []at
	if b.dash == nil {
		return nil
	}
	for i, sec := range b.dash.Sections {
		for j, c := range sec.Components {
			if c.Type == spec.Table && c.Data != nil {
				out = append(out, at{i, j})
			}
		}
	}
	return out
}

// FocusNext gives the keys to the next table, and after the last back to
// the page. It reports whether a table has them.
func (b *Board) FocusNext() bool {
	order := b.tableOrder()
	next := at{-1, -1}
	for i, a := range order {
		if a == b.focus && i+1 < len(order) {
			next = order[i+1]
		}
	}
	if b.focus == (at{-1, -1}) && len(order) > 0 {
		next = order[0]
	}
	b.focus, b.fresh = next, false
	return b.Focused()
}

// Blur takes the keys back from the focused table.
func (b *Board) Blur() { b.focus, b.fresh = at{-1, -1}, false }

// Focused reports whether a table has the keys.
func (b *Board) Focused() bool { return b.focus != at{-1, -1} }

// FocusLine is the line of the last drawing the focused table starts on,
// so that the page can scroll to it.
func (b *Board) FocusLine() int { return b.focusLine }

// Move hands a key to the focused table, which moves its cursor and
// scrolls.
func (b *Board) Move(msg tea.KeyMsg) {
	if t := b.focused(); t != nil {
		t.update(msg)
		b.fresh = false
	}
}

// Sort sorts the focused table, if its spec lets it be sorted, by its
// next column, or with reverse turns the order around.
func (b *Board) Sort(reverse bool) {
	t := b.focused()
	if t == nil {
		return
	}
	c := b.dash.Sections[b.focus.sec].Components[b.focus.comp]
	if !c.Sortable || c.Data == nil {
		return // no data: its query failed on the last reload
	}
	if reverse {
		t.reverse()
	} else {
		cols, _, _ := tableData(c.Data)
		t.sortNext(len(cols))
	}
	b.fresh = false
}

func (b *Board) focused() *tableState {
	if !b.Focused() {
		return nil
	}
	return b.table(b.focus)
}

func (b *Board) table(a at) *tableState {
	t, ok := b.tables[a]
	if !ok {
		t = newTableState()
		b.tables[a] = t
	}
	return t
}

// View draws the dashboard: its title, then each section's rows. Only
// components whose data, size or state changed since the last draw are
// drawn again.
func (b *Board) View() string {
	if b.fresh || b.dash == nil {
		return b.view
	}
	p := newPen(b.st, b.loc, b.dash.RenderedAt)
	used := make(map[string]string, len(b.cache))
	cached := func(key string, draw func() string) string {
		s, ok := b.cache[key]
		if !ok {
			s = draw()
		}
		used[key] = s
		return s
	}
	d := b.dash
	out := []string{cached(fmt.Sprintf("header/%d/%s/%s/%d", b.width, d.Title, d.Description, d.RenderedAt.UnixMilli()),
		func() string { return b.header(p) })}
	b.focusLine = 0
	for i, sec := range d.Sections {
		out = append(out, "", cached(fmt.Sprintf("section/%d/%s", b.width, sec.Name), func() string {
			name := fit(sec.Name, b.width-2)
			return b.st.Section.Render(name) + " " + b.st.Muted.Render(strings.Repeat("─", max(b.width-width(name)-1, 0)))
		}))
		for _, row := range layout(sec, b.width) {
			keys := make([]string, len(row))
			bodies := make([]string, len(row))
			height := 0
			for k, pl := range row {
				a := at{i, pl.comp}
				c := &sec.Components[pl.comp]
				inner := pl.width - frameWidth
				focused := a == b.focus
				var t *tableState
				keys[k] = fmt.Sprintf("%x/%d/%d", b.ids[a], inner, b.height)
				if c.Type == spec.Table {
					t = b.table(a)
					t.data = b.ids[a]
					keys[k] += "/" + t.key(focused)
				}
				bodies[k] = cached("body/"+keys[k], func() string { return p.body(c, t, inner, b.height, focused) })
				height = max(height, strings.Count(bodies[k], "\n")+1)
				if focused {
					b.focusLine = len(out)
				}
			}
			frames := make([][]string, len(row))
			for k, pl := range row {
				c := &sec.Components[pl.comp]
				focused := at{i, pl.comp} == b.focus
				key := fmt.Sprintf("frame/%s/%d/%v", keys[k], height, focused)
				frames[k] = lines(cached(key, func() string { return p.frame(c, bodies[k], pl.width, height, focused) }))
			}
			out = append(out, joinRow(frames)...)
		}
	}
	b.cache, b.view, b.fresh = used, strings.Join(out, "\n"), true
	return b.view
}

// header is the dashboard's title and description, and when it was
// rendered.
func (b *Board) header(p *pen) string {
	when := b.st.Muted.Render("as of " + p.when(b.dash.RenderedAt))
	room := b.width - width(when) - 2
	title := b.st.Title.Render(b.dash.Title)
	if b.dash.Description != "" {
		title += b.st.Muted.Render(" · " + b.dash.Description)
	}
	title = fit(title, room)
	return title + strings.Repeat(" ", max(b.width-width(title)-width(when), 1)) + when
}

// joinRow sets frames of one height side by side.
func joinRow(frames [][]string) []string {
	out := make([]string, len(frames[0]))
	for i := range out {
		parts := make([]string, len(frames))
		for k, f := range frames {
			parts[k] = f[i]
		}
		out[i] = strings.Join(parts, strings.Repeat(" ", gap))
	}
	return out
}
