// The line chart: a timeseries drawn by asciigraph, its days along the
// bottom and a legend when there is more than one series.

package components

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/guptarohit/asciigraph"

	"github.com/wingman-dev/wingman/dashboards/query"
	"github.com/wingman-dev/wingman/dashboards/render"
)

// seriesGlyphs mark the series after the first when there is no colour to
// tell them apart.
var seriesGlyphs = []string{"•", "×", "+", "∘", "#"}

// chartHeight is how many rows a chart's plot takes: a third of the
// screen, within bounds, or a fixed height on paper.
func chartHeight(h int) int {
	if h == 0 {
		return 8
	}
	return min(max(h/3, 4), 10)
}

func (p *pen) lineChart(c *render.Component, w, h int) string {
	ts := c.Data.Timeseries
	if ts == nil || len(ts.Series) == 0 || len(ts.Series[0].Points) == 0 {
		return p.st.Muted.Render("no data")
	}
	data := make([][]float64, len(ts.Series))
	lo, hi, whole := math.Inf(1), math.Inf(-1), true
	for i, s := range ts.Series {
		data[i] = make([]float64, len(s.Points))
		for j, pt := range s.Points {
			data[i][j] = pt.V
			lo, hi = min(lo, pt.V), max(hi, pt.V)
			whole = whole && pt.V == math.Trunc(pt.V)
		}
	}
	lo = min(lo, 0) // counts read against zero
	if hi == lo {
		hi = lo + 1
	}
	height, label := yAxis(lo, hi, whole, chartHeight(h))
	opts := []asciigraph.Option{
		asciigraph.Height(height), asciigraph.LowerBound(lo), asciigraph.UpperBound(hi),
		asciigraph.YAxisValueFormatter(label),
	}
	if p.color {
		colors := make([]asciigraph.AnsiColor, len(data))
		for i := range data {
			colors[i] = ansiColor(p.series(i))
		}
		opts = append(opts, asciigraph.SeriesColors(colors...))
	} else if len(data) > 1 {
		sets := []asciigraph.CharSet{asciigraph.DefaultCharSet}
		for i := 1; i < len(data); i++ {
			sets = append(sets, asciigraph.CreateCharSet(seriesGlyphs[(i-1)%len(seriesGlyphs)]))
		}
		opts = append(opts, asciigraph.SeriesChars(sets...))
	}
	// The plot's width leaves room for the y labels, whose width is known
	// only once it is drawn: draw, measure, and draw once more to fit.
	points := ts.Series[0].Points
	graph := p.plot(data, points, max(w-8, 4), opts)
	if over := widest(graph) - w; over > 0 {
		graph = p.plot(data, points, max(w-8-over, 2), opts)
	}
	out := make([]string, 0, height+4)
	if c.YAxis != "" || c.XAxis != "" {
		out = append(out, p.st.Muted.Render(fit(axisCaption(c.YAxis, c.XAxis), w)))
	}
	for _, l := range lines(graph) {
		out = append(out, fit(l, w))
	}
	if len(ts.Series) > 1 || ts.Series[0].Name != "" {
		out = append(out, p.legend(seriesNames(c), w, false))
	}
	return strings.Join(out, "\n")
}

// plot draws the series over at most plotW columns. Fewer points than
// columns are drawn as steps, each point as wide as it fits, rather than
// stretched into curves that are not in the data; more are sampled down.
// The x axis counts points, and its labels name the point under them.
func (p *pen) plot(data [][]float64, points []query.Point, plotW int, opts []asciigraph.Option) string {
	n := len(data[0])
	perPoint := 1
	span := float64(n - 1)
	if n <= plotW {
		perPoint = plotW / n
		span = float64(n*perPoint-1) / float64(perPoint)
		stepped := make([][]float64, len(data))
		for i, vs := range data {
			for _, v := range vs {
				for range perPoint {
					stepped[i] = append(stepped[i], v)
				}
			}
		}
		data = stepped
	} else {
		opts = append(opts, asciigraph.Width(plotW))
	}
	format := p.day
	if n > 1 && points[1].T.Sub(points[0].T) < 24*time.Hour {
		format = func(t time.Time) string { return t.In(p.loc).Format("15:04") }
	}
	opts = append(opts, asciigraph.XAxisRange(0, span), asciigraph.XAxisTickCount(max(2, min(n, plotW/8))),
		asciigraph.XAxisValueFormatter(func(v float64) string {
			i := int(math.Floor(v + 1e-9))
			if perPoint == 1 {
				i = int(math.Round(v))
			}
			return format(points[min(max(i, 0), n-1)].T)
		}))
	return asciigraph.PlotMany(data, opts...)
}

// yAxis picks the plot's height and how its rows are labelled. Whole
// numbers that span fewer units than the rows get a whole number of rows
// per unit, and only the rows on a unit are labelled, so that no label
// reads 0.25 incidents.
func yAxis(lo, hi float64, whole bool, rows int) (int, func(float64) string) {
	span := hi - lo
	switch {
	case whole && span <= float64(rows):
		// Two rows a unit at most: a count of 0 or 1 needs no tall chart.
		per := min(rows/int(span), 2)
		return int(span) * per, func(v float64) string {
			if r := math.Round(v); math.Abs(v-r) < 1e-9 {
				return strconv.FormatFloat(r, 'f', 0, 64)
			}
			return ""
		}
	case whole || span >= 10*float64(rows):
		return rows, func(v float64) string { return number(math.Round(v)) }
	case span >= float64(rows):
		return rows, func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
	}
	return rows, func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
}

func axisCaption(y, x string) string {
	switch {
	case y != "" && x != "":
		return y + " by " + x
	case y != "":
		return y
	}
	return "by " + x
}

func seriesNames(c *render.Component) []string {
	var names []string
	if ts := c.Data.Timeseries; ts != nil {
		for _, s := range ts.Series {
			names = append(names, s.Name)
		}
	}
	return names
}

// legend names each series beside its mark: its colour, or without colour
// the glyph that draws it (bars mark series by shade either way).
func (p *pen) legend(names []string, w int, bars bool) string {
	items := make([]string, len(names))
	for i, n := range names {
		if n == "" {
			n = "value"
		}
		mark := "━"
		switch {
		case bars:
			mark = barGlyphs[i%len(barGlyphs)]
		case !p.color && i > 0:
			mark = seriesGlyphs[(i-1)%len(seriesGlyphs)]
		}
		items[i] = p.series(i).Render(mark) + " " + n
	}
	return fit(strings.Join(items, "  "), w)
}

// ansiColor is the asciigraph colour of a style whose foreground is a
// basic ANSI colour ("1" to "7"), as Styles.Series are.
func ansiColor(s lipgloss.Style) asciigraph.AnsiColor {
	if c, ok := s.GetForeground().(lipgloss.Color); ok {
		if n, err := strconv.Atoi(string(c)); err == nil && n > 0 && n < 8 {
			return asciigraph.AnsiColor(n)
		}
	}
	return asciigraph.Default
}

// widest is the width of the widest line of s.
func widest(s string) int {
	n := 0
	for _, l := range lines(s) {
		n = max(n, width(l))
	}
	return n
}
