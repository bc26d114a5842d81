// The rendered dashboard, and the component options applied to its data.

package render

import (
	"fmt"
	"time"

	"github.com/wingman-dev/wingman/dashboards/query"
	"github.com/wingman-dev/wingman/dashboards/spec"
)

// Dashboard is a rendered spec: its layout with each component's data. It
// encodes to JSON as the API serves it.
type Dashboard struct {
	Title       string    `json:"title"`
	Description string    `json:"description,omitempty"`
	RenderedAt  time.Time `json:"rendered_at"`
	Sections    []Section `json:"sections"`
}

// Section is a rendered section; Columns is filled in.
type Section struct {
	Name       string      `json:"name"`
	Columns    int         `json:"columns"`
	Components []Component `json:"components"`
}

// Component is a component as its spec gave it (Width filled in), with
// its data or the reason it has none.
type Component struct {
	spec.Component
	// Params are the parameters the data was read with, defaults filled
	// in.
	Params map[string]any `json:"params,omitempty"`
	// Kind is the query's return kind, which names the field of Data
	// that is set.
	Kind query.Kind    `json:"kind,omitempty"`
	Data *query.Result `json:"data,omitempty"`
	// Error says why Data is missing: the query failed or was cut off.
	Error string `json:"error,omitempty"`

	call *call
}

// finish takes the component's data from its call and applies the
// component's options to it. Calls are shared between components, so an
// option that changes the data changes a copy.
func (c *Component) finish() {
	cl := c.call
	c.call = nil
	if cl == nil {
		return
	}
	if cl.err != nil {
		c.Error = cl.err.Error()
		return
	}
	res := *cl.res
	switch {
	case c.Type == spec.StatCard && !c.Trend && res.Integer != nil:
		v := *res.Integer
		v.Previous, v.Trend = nil, ""
		res.Integer = &v
	case c.Type == spec.Table && len(c.Columns) > 0 && res.Table != nil:
		res.Table = project(res.Table, c.Columns)
	case c.Type == spec.Timeline && c.GroupBy != "" && res.Events != nil:
		res.Events = group(res.Events, c.GroupBy)
	case c.Type == spec.Heatmap && res.Matrix != nil && (c.XAxis == res.Matrix.Y.Name || c.YAxis == res.Matrix.X.Name):
		res.Matrix = transpose(res.Matrix)
	}
	c.Data = &res
}

// project keeps the named columns, in the order named.
func project(t *query.TableData, names []string) *query.TableData {
	idx := make([]int, 0, len(names))
	out := &query.TableData{Truncated: t.Truncated, Rows: make([][]any, len(t.Rows))}
	for _, n := range names {
		for i, col := range t.Columns {
			if col.Name == n {
				idx = append(idx, i)
				out.Columns = append(out.Columns, col)
			}
		}
	}
	for r, row := range t.Rows {
		cells := make([]any, len(idx))
		for k, i := range idx {
			cells[k] = row[i]
		}
		out.Rows[r] = cells
	}
	return out
}

// group lists the lanes of a timeline grouped by field.
func group(e *query.EventsData, field string) *query.EventsData {
	out := *e
	out.Groups = []string{}
	seen := map[string]bool{}
	for _, ev := range e.Events {
		g := fmt.Sprint(ev.Fields[field])
		if ev.Fields[field] == nil {
			g = ""
		}
		if !seen[g] {
			seen[g] = true
			out.Groups = append(out.Groups, g)
		}
	}
	return &out
}

// transpose swaps a matrix's dimensions, for a heatmap that wants the
// query's y dimension across.
func transpose(m *query.MatrixData) *query.MatrixData {
	out := &query.MatrixData{X: m.Y, Y: m.X, Values: make([][]float64, len(m.X.Labels))}
	for x := range out.Values {
		out.Values[x] = make([]float64, len(m.Y.Labels))
		for y := range m.Values {
			out.Values[x][y] = m.Values[y][x]
		}
	}
	return out
}
