// The heatmap: a matrix drawn in shade blocks, darker for more, with a
// legend of the value each shade stands for.

package components

import (
	"math"
	"strings"

	"github.com/wingman-dev/wingman/dashboards/render"
)

// shades are the heatmap's levels above zero, lightest first.
var shades = []string{"░", "▒", "▓", "█"}

const zeroShade = "·"

func (p *pen) heatmap(c *render.Component, w int) string {
	m := c.Data.Matrix
	if m == nil || len(m.Y.Labels) == 0 || len(m.X.Labels) == 0 {
		return p.st.Muted.Render("no data")
	}
	top, whole := 0.0, true
	for _, row := range m.Values {
		for _, v := range row {
			top = max(top, v)
			whole = whole && v == math.Trunc(v)
		}
	}
	labelW := 0
	for _, l := range m.Y.Labels {
		labelW = max(labelW, width(l))
	}
	labelW = min(labelW, 8)
	cw := min(max((w-labelW-1)/len(m.X.Labels), 1), 3)
	out := []string{placeLabels(m.X.Labels, labelW+1, cw, w)}
	for y, label := range m.Y.Labels {
		var line strings.Builder
		line.WriteString(pad(label, labelW) + " ")
		for x := range m.X.Labels {
			v := 0.0
			if y < len(m.Values) && x < len(m.Values[y]) {
				v = m.Values[y][x]
			}
			line.WriteString(p.shade(v, top, cw))
		}
		out = append(out, fit(line.String(), w))
	}
	out = append(out, p.heatLegend(top, whole, w))
	if c.XAxis != "" || c.YAxis != "" {
		out = append(out, p.st.Muted.Render(fit(m.X.Name+" across, "+m.Y.Name+" down", w)))
	}
	return strings.Join(out, "\n")
}

// level is the shade of v when top is the largest value: 0 for nothing,
// else 1 to len(shades).
func level(v, top float64) int {
	if v <= 0 || top <= 0 {
		return 0
	}
	return min(max(int(math.Ceil(v/top*float64(len(shades)))), 1), len(shades))
}

func (p *pen) shade(v, top float64, cw int) string {
	l := level(v, top)
	if l == 0 {
		return p.st.Muted.Render(strings.Repeat(zeroShade, cw))
	}
	return p.st.Heat[(l-1)%len(p.st.Heat)].Render(strings.Repeat(shades[l-1], cw))
}

// heatLegend names the values of each shade: whole numbers as ranges
// (░ 1–2), others as upper bounds (░ ≤0.5).
func (p *pen) heatLegend(top float64, whole bool, w int) string {
	items := []string{p.st.Muted.Render(zeroShade) + " 0"}
	lo := 0.0
	for k := 1; k <= len(shades) && top > 0; k++ {
		hi := top * float64(k) / float64(len(shades))
		var text string
		if whole {
			first, last := math.Floor(lo)+1, math.Floor(hi)
			lo = hi
			if first > last {
				continue
			}
			text = number(first)
			if last > first {
				text += "–" + number(last)
			}
		} else {
			text = "≤" + number(hi)
		}
		items = append(items, p.st.Heat[(k-1)%len(p.st.Heat)].Render(shades[k-1])+" "+text)
	}
	return fit(strings.Join(items, "  "), w)
}
