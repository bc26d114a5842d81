// Laying out a rendered dashboard for the page: each component's data
// becomes a stat, a chart, a table, a timeline, a tree or a heatmap, as
// its type asks.

package web

import (
	"fmt"
	"strings"
	"time"
)

type dashView struct {
	Title, Description string
	RenderedAt         time.Time
	Sections           []sectionView
}

type sectionView struct {
	Name string
	// Columns is the grid's width, 1 to maxColumns.
	Columns int
	Panels  []panel
}

// panel is one component on the page; at most one of its views is set,
// or Error says why none is.
type panel struct {
	Title string
	// Span is how many of the section's columns it takes.
	Span      int
	Error     string
	Truncated bool
	Stat      *statView
	Chart     *chart
	Table     *tableView
	Timeline  []eventRow
	Tree      []treeRow
	Heat      *heatView
	Items     []string
}

type statView struct {
	Value, Previous, Trend, Color string
}

type tableView struct {
	Head []string
	Rows [][]string
}

type eventRow struct {
	At           time.Time
	Title, Group string
}

type treeRow struct {
	// Depth is how far below a root the node is, at most maxDepth.
	Depth               int
	Label, Kind, Status string
}

type heatView struct {
	XName, YName string
	X            []string
	Rows         []heatRow
}

type heatRow struct {
	Label string
	Cells []heatCell
}

type heatCell struct {
	Value string
	// Level is the cell's shade, 0 to heatLevels.
	Level int
}

// Limits of the stylesheet's classes.
const (
	maxColumns = 6
	maxDepth   = 6
	heatLevels = 4
)

// layout turns a rendered dashboard into the page's sections and panels.
func layout(out any) (*dashView, error) {
	d, err := decodeRendered(out)
	if err != nil {
		return nil, err
	}
	v := &dashView{Title: d.Title, Description: d.Description, RenderedAt: d.RenderedAt}
	for _, s := range d.Sections {
		sv := sectionView{Name: s.Name, Columns: min(max(s.Columns, 1), maxColumns)}
		for _, c := range s.Components {
			p := panelOf(c)
			p.Span = min(max(c.Width, 1), sv.Columns)
			sv.Panels = append(sv.Panels, p)
		}
		v.Sections = append(v.Sections, sv)
	}
	return v, nil
}

// panelOf draws a component's data the way its type asks, and any data
// the plainest way its kind allows.
func panelOf(c renderedComponent) panel {
	p := panel{Title: c.Title, Error: c.Error}
	d := c.Data
	switch {
	case d == nil:
		if p.Error == "" {
			p.Error = "no data"
		}
	case d.Integer != nil:
		p.Stat = &statView{Value: fmt.Sprint(d.Integer.Value), Trend: d.Integer.Trend, Color: c.Color}
		if d.Integer.Previous != nil {
			p.Stat.Previous = fmt.Sprint(*d.Integer.Previous)
		}
	case d.Timeseries != nil:
		p.Truncated = d.Timeseries.Truncated
		if c.Type == "bar_chart" && len(d.Timeseries.Series) > 0 {
			p.Chart = barChart(c.Title, seriesItems(d.Timeseries.Series[0]), c.Orientation == "horizontal")
		} else {
			p.Chart = lineChart(c.Title, d.Timeseries.Series, c.XAxis, c.YAxis)
		}
	case d.Table != nil:
		p.Truncated = d.Table.Truncated
		switch c.Type {
		case "bar_chart":
			p.Chart = barChart(c.Title, tableItems(d.Table), c.Orientation == "horizontal")
		case "list":
			p.Items = tableLines(d.Table)
		default:
			p.Table = tableOf(d.Table)
		}
	case d.Events != nil:
		p.Truncated = d.Events.Truncated
		switch c.Type {
		case "table":
			p.Table = eventsTable(d.Events)
		case "list":
			for _, e := range d.Events.Events {
				p.Items = append(p.Items, e.Title)
			}
		default:
			for _, e := range d.Events.Events {
				row := eventRow{At: e.At, Title: e.Title}
				if g, ok := e.Fields[c.GroupBy]; ok && g != nil {
					row.Group = fmt.Sprint(g)
				}
				p.Timeline = append(p.Timeline, row)
			}
		}
	case d.Graph != nil:
		p.Truncated = d.Graph.Truncated
		p.Tree = tree(d.Graph.Nodes)
	case d.Matrix != nil:
		p.Heat = heat(d.Matrix)
	}
	if p.Error == "" && p.Stat == nil && p.Chart == nil && p.Table == nil && p.Timeline == nil &&
		p.Tree == nil && p.Heat == nil && p.Items == nil {
		p.Error = "nothing to show yet"
	}
	return p
}

func tableOf(t *tableData) *tableView {
	v := &tableView{}
	for _, c := range t.Columns {
		v.Head = append(v.Head, c.Name)
	}
	for _, row := range t.Rows {
		cells := make([]string, len(row))
		for i, x := range row {
			typ := ""
			if i < len(t.Columns) {
				typ = t.Columns[i].Type
			}
			cells[i] = cell(x, typ)
		}
		v.Rows = append(v.Rows, cells)
	}
	return v
}

func eventsTable(e *eventsData) *tableView {
	v := &tableView{Head: []string{"at", "title"}}
	for _, f := range e.Fields {
		v.Head = append(v.Head, f.Name)
	}
	for _, ev := range e.Events {
		row := []string{ev.At.UTC().Format("2006-01-02 15:04"), ev.Title}
		for _, f := range e.Fields {
			row = append(row, cell(ev.Fields[f.Name], f.Type))
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

// tableItems reads bars from a table: the first text column names them,
// the first numeric column measures them.
func tableItems(t *tableData) []item {
	name, value := -1, -1
	for i, c := range t.Columns {
		switch {
		case name < 0 && c.Type == "text":
			name = i
		case value < 0 && (c.Type == "integer" || c.Type == "number"):
			value = i
		}
	}
	if name < 0 || value < 0 {
		return nil
	}
	var out []item
	for _, row := range t.Rows {
		if len(row) <= max(name, value) {
			continue
		}
		n, _ := number(row[value])
		out = append(out, item{Label: cell(row[name], "text"), Value: n})
	}
	return out
}

func seriesItems(s series) []item {
	out := make([]item, len(s.Points))
	for i, p := range s.Points {
		out[i] = item{Label: p.T.UTC().Format("Jan 2"), Value: p.V}
	}
	return out
}

// tableLines shows each row of a table as one line of its cells.
func tableLines(t *tableData) []string {
	v := tableOf(t)
	out := make([]string, len(v.Rows))
	for i, row := range v.Rows {
		out[i] = strings.Join(row, " · ")
	}
	return out
}

// tree lists a forest's nodes with their depth; parents come before their
// children.
func tree(nodes []graphNode) []treeRow {
	depth := map[string]int{}
	var out []treeRow
	for _, n := range nodes {
		d := 0
		if pd, ok := depth[n.Parent]; ok && n.Parent != "" {
			d = pd + 1
		}
		depth[n.ID] = d
		out = append(out, treeRow{Depth: min(d, maxDepth), Label: n.Label, Kind: n.Kind, Status: n.Status})
	}
	return out
}

// heat shades each cell of a matrix by its share of the largest value.
func heat(m *matrixData) *heatView {
	top := 0.0
	for _, row := range m.Values {
		for _, v := range row {
			top = max(top, v)
		}
	}
	v := &heatView{XName: m.X.Name, YName: m.Y.Name, X: m.X.Labels}
	for y, row := range m.Values {
		hr := heatRow{}
		if y < len(m.Y.Labels) {
			hr.Label = m.Y.Labels[y]
		}
		for _, x := range row {
			level := 0
			if top > 0 {
				level = int(x / top * heatLevels)
			}
			hr.Cells = append(hr.Cells, heatCell{Value: short(x), Level: min(max(level, 0), heatLevels)})
		}
		v.Rows = append(v.Rows, hr)
	}
	return v
}
