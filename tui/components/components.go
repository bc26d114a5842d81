// Package components draws Wingman's dashboards in a terminal: one
// renderer per component of the fixed library (stat cards, line and bar
// charts, tables, timelines, topologies, heatmaps and lists), and a Board
// that lays a rendered dashboard's sections out on a grid that reflows
// with the width. The same code draws `wingctl dash` (a string at a
// width) and the TUI's dashboard view.
//
// Everything is drawn with the styles of one tui/common.Styles, so the
// renderer's colour profile decides the colours: with NO_COLOR, or on a
// file, nothing but text is written, and every state still reads as a
// word or a glyph (▲ ▼, shade blocks, a legend), never as a colour alone.
package components

import (
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/wingman-dev/wingman/dashboards/render"
	"github.com/wingman-dev/wingman/dashboards/spec"
	"github.com/wingman-dev/wingman/tui/common"
)

// pen is what components are drawn with.
type pen struct {
	st  *common.Styles
	loc *time.Location
	// at is when the dashboard was rendered, which short times are
	// relative to.
	at time.Time
	// color says whether the renderer writes colour at all.
	color bool
}

func newPen(st *common.Styles, loc *time.Location, at time.Time) *pen {
	return &pen{st: st, loc: loc, at: at, color: st.R.ColorProfile() != termenv.Ascii}
}

// minWidth is the narrowest a component is still useful at, frame
// included. A section whose columns are narrower stacks its components.
func minWidth(t spec.Type) int {
	switch t {
	case spec.StatCard:
		return 18
	case spec.BarChart, spec.Topology, spec.List:
		return 30
	case spec.LineChart:
		return 36
	}
	return 40 // table, timeline, heatmap
}

// frameWidth is what a frame takes of a component's width: a border and a
// space on each side.
const frameWidth = 4

// body draws a component's content at most w cells wide. h is the
// screen's height, of which charts and long components take a share; 0
// (paper) draws every row.
func (p *pen) body(c *render.Component, t *tableState, w, h int, focused bool) string {
	if c.Error != "" {
		return p.st.Error.Render(fit("⚠ "+c.Error, w))
	}
	if c.Data == nil {
		return p.st.Muted.Render("no data")
	}
	switch c.Type {
	case spec.StatCard:
		return p.statCard(c, w)
	case spec.LineChart:
		return p.lineChart(c, w, h)
	case spec.BarChart:
		return p.barChart(c, w, h)
	case spec.Table:
		return p.table(c, t, w, h, focused)
	case spec.Timeline:
		return p.timeline(c, w, h)
	case spec.Topology:
		return p.topology(c, w, h)
	case spec.Heatmap:
		return p.heatmap(c, w)
	case spec.List:
		return p.list(c, w, h)
	}
	return p.st.Error.Render(fit("⚠ no renderer for "+string(c.Type), w))
}

// frame boxes a component's body under its title, outer cells wide and
// with the body padded to h lines.
func (p *pen) frame(c *render.Component, body string, outer, h int, focused bool) string {
	border := p.st.Panel
	if focused {
		border = p.st.PanelFocus
	} else if accent, ok := p.st.Accents[c.Color]; ok && c.Type == spec.StatCard {
		border = border.BorderForeground(accent.GetForeground())
	}
	inner := outer - frameWidth
	title := c.Title
	if c.Icon != "" && c.Type == spec.StatCard {
		title = icon(c.Icon) + " " + title
	}
	lines := make([]string, 0, h+1)
	lines = append(lines, p.st.PanelTitle.Render(fit(title, inner)))
	lines = append(lines, strings.Split(body, "\n")...)
	for len(lines) < h+1 {
		lines = append(lines, "")
	}
	for i, l := range lines {
		lines[i] = pad(l, inner)
	}
	return border.Render(strings.Join(lines, "\n"))
}

// icons are the glyphs of a spec's icon names: one cell wide in every
// terminal, and none of them an emoji.
var icons = map[string]string{
	"activity": "≈", "alert": "!", "bolt": "↯", "check": "✓", "clock": "◔",
	"container": "▣", "cpu": "▦", "disk": "◉", "host": "▤", "list": "•",
	"network": "⇄", "plan": "≡", "server": "▥", "site": "⌂", "worker": "◆",
}

func icon(name string) string {
	if g, ok := icons[name]; ok {
		return g
	}
	return "•"
}

// series styles the i-th series of a chart.
func (p *pen) series(i int) lipgloss.Style { return p.st.Series[i%len(p.st.Series)] }

// lines splits a drawing into its lines.
func lines(s string) []string { return strings.Split(s, "\n") }
