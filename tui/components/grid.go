// The grid: a section's components in rows of columns, each spanning the
// columns its width asks for, with fewer columns (and at last one, the
// components stacked) when the screen is too narrow for them.

package components

import (
	"github.com/wingman-dev/wingman/dashboards/render"
)

// gap is the space between two components of a row.
const gap = 1

// place is a component's place in a row: its index in the section and
// its width, frame included.
type place struct {
	comp, width int
}

// layout lays out sec's components in rows across width cells. When the
// section has fewer columns than its spec asks for, the spec's
// proportions are gone anyway, and the last component of a row takes
// what the row leaves.
func layout(sec render.Section, width int) [][]place {
	cols := columnsFor(sec, width)
	reflowed := cols < max(sec.Columns, 1)
	var rows [][]place
	var row []place
	x := 0
	flush := func() {
		if reflowed && x < cols {
			last := &row[len(row)-1]
			last.width += spanWidth(x, cols-x, cols, width) + gap
		}
		rows, row, x = append(rows, row), nil, 0
	}
	for i, c := range sec.Components {
		span := min(max(c.Width, 1), cols)
		if x+span > cols {
			flush()
		}
		row = append(row, place{comp: i, width: spanWidth(x, span, cols, width)})
		x += span
	}
	if len(row) > 0 {
		flush()
	}
	return rows
}

// columnsFor is the most columns, up to the section's own, at which every
// component still gets its minimum width.
func columnsFor(sec render.Section, width int) int {
	for cols := max(sec.Columns, 1); cols > 1; cols-- {
		fits := true
		for _, c := range sec.Components {
			span := min(max(c.Width, 1), cols)
			// The narrowest a span gets, wherever it lands in the row.
			if (span*(width+gap))/cols-gap-1 < minWidth(c.Type) {
				fits = false
				break
			}
		}
		if fits {
			return cols
		}
	}
	return 1
}

// spanWidth is the width of span columns from column x of cols, across
// width cells: the columns share the width, and its remainder, evenly.
func spanWidth(x, span, cols, width int) int {
	edge := func(k int) int { return k * (width + gap) / cols }
	return edge(x+span) - gap - edge(x)
}
