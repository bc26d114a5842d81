// Query results, shaped by return kind: what every client draws.

package query

import "time"

// Result is what a query returned, shaped by its kind: exactly one field
// is set, the one named like the kind. It is what the TUI and the web
// page draw, so it encodes to JSON as it is.
type Result struct {
	Integer    *IntegerData    `json:"integer,omitempty"`
	Table      *TableData      `json:"table,omitempty"`
	Timeseries *TimeseriesData `json:"timeseries,omitempty"`
	Events     *EventsData     `json:"events,omitempty"`
	Graph      *GraphData      `json:"graph,omitempty"`
	Matrix     *MatrixData     `json:"matrix,omitempty"`
}

// IntegerData is one number.
type IntegerData struct {
	Value int64 `json:"value"`
	// Previous is the value one period earlier, for a query with a trend.
	Previous *int64 `json:"previous,omitempty"`
	// Trend is "up", "down" or "flat" from Previous to Value, when there is
	// a Previous.
	Trend string `json:"trend,omitempty"`
}

// TableData is rows of typed columns. A cell is a string, an int64, a
// float64, a time.Time or nil, as its column's type says.
type TableData struct {
	Columns []Column `json:"columns"`
	Rows    [][]any  `json:"rows"`
	// Truncated says rows past the row cap were left out.
	Truncated bool `json:"truncated,omitempty"`
}

// TimeseriesData is one or more series of points in time order.
type TimeseriesData struct {
	Series    []Series `json:"series"`
	Truncated bool     `json:"truncated,omitempty"`
}

// Series is one line of a timeseries; its name is empty when the query
// has one series.
type Series struct {
	Name   string  `json:"name"`
	Points []Point `json:"points"`
}

// Point is a value at a time.
type Point struct {
	T time.Time `json:"t"`
	V float64   `json:"v"`
}

// EventsData is things that happened, in the query's order (newest first,
// by convention).
type EventsData struct {
	// Fields are the columns each event carries besides at and title.
	Fields []Column `json:"fields"`
	Events []Event  `json:"events"`
	// Groups, when a timeline groups the events by a field, are that
	// field's values in order of first appearance: its lanes.
	Groups    []string `json:"groups,omitempty"`
	Truncated bool     `json:"truncated,omitempty"`
}

// Event is one thing that happened.
type Event struct {
	At     time.Time      `json:"at"`
	Title  string         `json:"title"`
	Fields map[string]any `json:"fields,omitempty"`
}

// GraphData is a forest: each node names its parent, or none for a root.
// Parents come before their children.
type GraphData struct {
	Nodes     []Node `json:"nodes"`
	Truncated bool   `json:"truncated,omitempty"`
}

// Node is one vertex of a graph.
type Node struct {
	ID     string `json:"id"`
	Parent string `json:"parent,omitempty"`
	Kind   string `json:"kind"`
	Label  string `json:"label"`
	Status string `json:"status,omitempty"`
}

// MatrixData is values over two dimensions; Values[y][x] is the value at
// Y.Labels[y] and X.Labels[x].
type MatrixData struct {
	X      Axis        `json:"x"`
	Y      Axis        `json:"y"`
	Values [][]float64 `json:"values"`
}
