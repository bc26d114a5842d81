// Package spec is the dashboard spec: a YAML or JSON document of sections
// of components drawn from a fixed library, each showing a named query.
// Every spec is checked against an embedded JSON Schema and then against
// the query registry before anything renders, and a refused spec's error
// names each problem's path and its fix.
package spec

// Spec is a dashboard.
type Spec struct {
	Title       string    `json:"title" yaml:"title"`
	Description string    `json:"description,omitempty" yaml:"description,omitempty"`
	Sections    []Section `json:"sections" yaml:"sections"`
}

// Section is a named group of components laid out on a grid.
type Section struct {
	Name string `json:"name" yaml:"name"`
	// Columns is the grid's width in columns, 1 when zero; a renderer with
	// less room stacks the components.
	Columns    int         `json:"columns,omitempty" yaml:"columns,omitempty"`
	Components []Component `json:"components" yaml:"components"`
}

// Component is one component of the library showing one named query.
// Which of the options apply depends on the type (see Library).
type Component struct {
	Type  Type   `json:"type" yaml:"type"`
	Title string `json:"title" yaml:"title"`
	Query string `json:"query" yaml:"query"`
	// Params set the query's parameters by name; the rest take their
	// defaults.
	Params map[string]any `json:"params,omitempty" yaml:"params,omitempty"`
	// Width is how many of the section's columns the component spans, 1
	// when zero.
	Width int `json:"width,omitempty" yaml:"width,omitempty"`

	// Icon names a glyph (stat_card, list).
	Icon string `json:"icon,omitempty" yaml:"icon,omitempty"`
	// Color names the accent colour (stat_card).
	Color string `json:"color,omitempty" yaml:"color,omitempty"`
	// Trend shows the change from the query's previous period (stat_card).
	Trend bool `json:"trend,omitempty" yaml:"trend,omitempty"`
	// XAxis and YAxis label a line chart's axes; on a heatmap they name
	// which of the matrix's dimensions runs across and which down.
	XAxis string `json:"x_axis,omitempty" yaml:"x_axis,omitempty"`
	YAxis string `json:"y_axis,omitempty" yaml:"y_axis,omitempty"`
	// Orientation is horizontal or vertical (bar_chart).
	Orientation string `json:"orientation,omitempty" yaml:"orientation,omitempty"`
	// Columns picks and orders the query's columns (table).
	Columns []string `json:"columns,omitempty" yaml:"columns,omitempty"`
	// Sortable lets the reader sort by a column (table).
	Sortable bool `json:"sortable,omitempty" yaml:"sortable,omitempty"`
	// GroupBy names the event field that groups a timeline's lanes.
	GroupBy string `json:"group_by,omitempty" yaml:"group_by,omitempty"`
	// Layout is tree or graph (topology).
	Layout string `json:"layout,omitempty" yaml:"layout,omitempty"`
}

// ColumnsOrDefault is the section's grid width.
func (s Section) ColumnsOrDefault() int { return max(s.Columns, 1) }

// WidthOrDefault is how many columns the component spans.
func (c Component) WidthOrDefault() int { return max(c.Width, 1) }
