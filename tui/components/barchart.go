// The bar chart: categories compared with block characters, across
// (horizontal) or up (vertical). Each series has its own shade, so a
// chart with several still reads without colour.

package components

import (
	"fmt"
	"math"
	"strings"

	"github.com/wingman-dev/wingman/dashboards/query"
	"github.com/wingman-dev/wingman/dashboards/render"
)

// barGlyphs fill the bars of each series in turn; the first series is
// drawn to an eighth of a cell with the partial blocks.
var barGlyphs = []string{"█", "▓", "▒", "░"}

var (
	eighthsAcross = []string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}
	eighthsUp     = []string{" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇"}
)

// bars are a bar chart's data: values[s][i] is series s at category i.
type bars struct {
	labels []string
	names  []string
	values [][]float64
}

// barData reads a table (its first text column names the categories, its
// numeric columns are the series) or a timeseries (a category per point).
func (p *pen) barData(d *query.Result) (bars, error) {
	var b bars
	switch {
	case d.Table != nil:
		label := -1
		var nums []int
		for i, col := range d.Table.Columns {
			switch {
			case col.Type == query.Int || col.Type == query.Number:
				nums = append(nums, i)
			case label < 0:
				label = i
			}
		}
		if len(nums) == 0 {
			return b, fmt.Errorf("the query has no numeric column to draw")
		}
		for _, i := range nums {
			b.names = append(b.names, d.Table.Columns[i].Name)
		}
		b.values = make([][]float64, len(nums))
		for r, row := range d.Table.Rows {
			name := fmt.Sprint(r + 1)
			if label >= 0 {
				name = p.cell(row[label], d.Table.Columns[label].Type)
			}
			b.labels = append(b.labels, name)
			for s, i := range nums {
				v, _ := asFloat(row[i])
				b.values[s] = append(b.values[s], v)
			}
		}
	case d.Timeseries != nil && len(d.Timeseries.Series) > 0:
		for _, pt := range d.Timeseries.Series[0].Points {
			b.labels = append(b.labels, p.day(pt.T))
		}
		for _, s := range d.Timeseries.Series {
			b.names = append(b.names, s.Name)
			vs := make([]float64, len(b.labels))
			for i, pt := range s.Points {
				if i < len(vs) {
					vs[i] = pt.V
				}
			}
			b.values = append(b.values, vs)
		}
	}
	return b, nil
}

func (b bars) max() float64 {
	m := 0.0
	for _, vs := range b.values {
		for _, v := range vs {
			m = max(m, v)
		}
	}
	return m
}

func (p *pen) barChart(c *render.Component, w, h int) string {
	b, err := p.barData(c.Data)
	if err != nil {
		return p.st.Error.Render(fit("⚠ "+err.Error(), w))
	}
	if len(b.labels) == 0 {
		return p.st.Muted.Render("no data")
	}
	var out []string
	if c.Orientation == "vertical" {
		out = p.barsUp(b, w, chartHeight(h))
	} else {
		out = p.barsAcross(b, w, h)
	}
	if len(b.names) > 1 {
		out = append(out, p.legend(b.names, w, true))
	}
	return strings.Join(out, "\n")
}

// barsAcross draws a line per category and series, the category's label
// on its first line.
func (p *pen) barsAcross(b bars, w, h int) []string {
	labelW := 0
	for _, l := range b.labels {
		labelW = max(labelW, width(l))
	}
	labelW = min(labelW, max(w/3, 4))
	valueW := 0
	for _, vs := range b.values {
		for _, v := range vs {
			valueW = max(valueW, width(number(v)))
		}
	}
	room := max(w-labelW-valueW-2, 1)
	top := b.max()
	shown := len(b.labels)
	if h > 0 {
		shown = min(shown, max((h/2-1)/len(b.values), 1))
	}
	var out []string
	for i := range shown {
		for s, vs := range b.values {
			label := ""
			if s == 0 {
				label = b.labels[i]
			}
			bar := p.series(s).Render(barAcross(vs[i], top, room, s))
			out = append(out, pad(label, labelW)+" "+bar+" "+number(vs[i]))
		}
	}
	if shown < len(b.labels) {
		out = append(out, p.st.Muted.Render(fit(fmt.Sprintf("… %d more", len(b.labels)-shown), w)))
	}
	return out
}

// barAcross is a bar of v against top over room cells.
func barAcross(v, top float64, room, series int) string {
	if top <= 0 || v <= 0 {
		return ""
	}
	glyph := barGlyphs[series%len(barGlyphs)]
	if series > 0 {
		return strings.Repeat(glyph, max(int(math.Round(v/top*float64(room))), 1))
	}
	eighths := max(int(math.Round(v/top*float64(room*8))), 1)
	return strings.Repeat(glyph, eighths/8) + eighthsAcross[eighths%8]
}

// barsUp draws a group of columns per category (one column per series)
// over rows rows, an axis on the left and the categories' labels below
// where they fit. Few categories get wider bars, so their labels fit.
func (p *pen) barsUp(b bars, w, rows int) []string {
	top := b.max()
	axis := number(top)
	axisW := width(axis) + 1
	n := len(b.values)
	labelW := 0
	for _, l := range b.labels {
		labelW = max(labelW, width(l))
	}
	groupW := min(max((w-axisW)/len(b.labels), n+1), max(labelW+1, n*3+1))
	barW := min(max((groupW-1)/n, 1), 6)
	groupW = max(groupW, n*barW+1)
	first := 0
	if fits := max((w-axisW)/groupW, 1); fits < len(b.labels) {
		first = len(b.labels) - fits // the latest, for a series in time
	}
	// Each group's bars sit in the middle of its width.
	left := (groupW - n*barW) / 2
	right := groupW - n*barW - left
	out := make([]string, 0, rows+3)
	for r := rows; r >= 1; r-- {
		var line strings.Builder
		if r == rows {
			line.WriteString(pad(axis, axisW-1) + "┤")
		} else {
			line.WriteString(strings.Repeat(" ", axisW-1) + "│")
		}
		for i := first; i < len(b.labels); i++ {
			line.WriteString(strings.Repeat(" ", left))
			for s, vs := range b.values {
				line.WriteString(p.series(s).Render(strings.Repeat(barCell(vs[i], top, rows, r, s), barW)))
			}
			line.WriteString(strings.Repeat(" ", right))
		}
		out = append(out, strings.TrimRight(line.String(), " "))
	}
	out = append(out, pad("0", axisW-1)+"┴"+strings.Repeat("─", (len(b.labels)-first)*groupW))
	out = append(out, placeLabels(b.labels[first:], axisW, groupW, w))
	if first > 0 {
		out = append(out, p.st.Muted.Render(fit(fmt.Sprintf("the last %d of %d", len(b.labels)-first, len(b.labels)), w)))
	}
	return out
}

// barCell is what a column shows in row r (1 at the bottom) of rows.
func barCell(v, top float64, rows, r, series int) string {
	if top <= 0 || v <= 0 {
		return " "
	}
	if series > 0 {
		if float64(r) <= math.Max(math.Round(v/top*float64(rows)), 1) {
			return barGlyphs[series%len(barGlyphs)]
		}
		return " "
	}
	eighths := max(int(math.Round(v/top*float64(rows*8))), 1)
	switch full := eighths / 8; {
	case r <= full:
		return "█"
	case r == full+1:
		return eighthsUp[eighths%8]
	}
	return " "
}

// placeLabels writes each label under its column group, left to right,
// leaving out one that would run into the one before.
func placeLabels(labels []string, left, groupW, w int) string {
	line := []rune(strings.Repeat(" ", w))
	next := 0
	for i, l := range labels {
		lw := width(l)
		start := left + i*groupW + (groupW-lw)/2
		start = max(start, 0)
		if start < next || start+lw > w {
			continue
		}
		copy(line[start:], []rune(l))
		next = start + lw + 1
	}
	return strings.TrimRight(string(line), " ")
}
