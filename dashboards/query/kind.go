// Return kinds and the shapes of their results' columns.

package query

// Kind is what a query returns, and so which components can show it.
type Kind string

// The return kinds. Each has a fixed shape of columns (see Query.Columns).
const (
	// Integer is one number, optionally with its value one period earlier.
	Integer Kind = "integer"
	// Table is rows of declared columns.
	Table Kind = "table"
	// Timeseries is values over time, in one or more named series.
	Timeseries Kind = "timeseries"
	// Events are things that happened, each with a time and a title.
	Events Kind = "events"
	// Graph is a forest of nodes, each naming its parent.
	Graph Kind = "graph"
	// Matrix is values over two labelled dimensions.
	Matrix Kind = "matrix"
)

// Kinds lists every return kind.
var Kinds = []Kind{Integer, Table, Timeseries, Events, Graph, Matrix}

// ColumnType is the type of a result column; values are converted to it
// whatever the database returned, so both stores answer alike.
type ColumnType string

// Column types. A time is stored as Unix milliseconds and returned as a
// UTC time.
const (
	Text   ColumnType = "text"
	Int    ColumnType = "integer"
	Number ColumnType = "number"
	Time   ColumnType = "time"
)

// Column is one column of a query's result.
type Column struct {
	Name string     `json:"name" yaml:"name"`
	Type ColumnType `json:"type" yaml:"type"`
}

// Axis is one dimension of a matrix: its name and the label of each index.
type Axis struct {
	Name   string   `json:"name" yaml:"name"`
	Labels []string `json:"labels" yaml:"labels"`
}

// fixedColumns are the columns of the kinds whose shape is not declared.
func fixedColumns(k Kind, trend, series bool) []Column {
	switch k {
	case Integer:
		if trend {
			return []Column{{"value", Int}, {"previous", Int}}
		}
		return []Column{{"value", Int}}
	case Timeseries:
		if series {
			return []Column{{"t", Time}, {"series", Text}, {"value", Number}}
		}
		return []Column{{"t", Time}, {"value", Number}}
	case Graph:
		return []Column{{"id", Text}, {"parent", Text}, {"kind", Text}, {"label", Text}, {"status", Text}}
	case Matrix:
		return []Column{{"x", Int}, {"y", Int}, {"value", Number}}
	}
	return nil
}
