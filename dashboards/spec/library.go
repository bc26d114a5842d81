// The fixed component library.

package spec

import (
	"slices"

	"github.com/wingman-dev/wingman/dashboards/query"
)

// Type names a component of the fixed library.
type Type string

// The component library. A spec cannot add to it.
const (
	StatCard  Type = "stat_card"
	LineChart Type = "line_chart"
	BarChart  Type = "bar_chart"
	Table     Type = "table"
	Timeline  Type = "timeline"
	Topology  Type = "topology"
	Heatmap   Type = "heatmap"
	List      Type = "list"
)

// Definition says what a component is for, which query kinds it can show
// and which options it takes besides the common ones.
type Definition struct {
	Type    Type         `json:"type"`
	Purpose string       `json:"purpose"`
	Accepts []query.Kind `json:"accepts"`
	Options []string     `json:"options"`
}

// CommonOptions are the fields every component has.
var CommonOptions = []string{"type", "title", "query", "params", "width"}

var library = []Definition{
	{StatCard, "a single metric, with an optional trend", []query.Kind{query.Integer}, []string{"icon", "color", "trend"}},
	{LineChart, "values over time", []query.Kind{query.Timeseries}, []string{"x_axis", "y_axis"}},
	{BarChart, "categories compared", []query.Kind{query.Table, query.Timeseries}, []string{"orientation"}},
	{Table, "rows of columns", []query.Kind{query.Table, query.Events}, []string{"columns", "sortable"}},
	{Timeline, "events in time order", []query.Kind{query.Events}, []string{"group_by"}},
	{Topology, "the infrastructure as a graph", []query.Kind{query.Graph}, []string{"layout"}},
	{Heatmap, "activity over two dimensions", []query.Kind{query.Matrix}, []string{"x_axis", "y_axis"}},
	{List, "a simple list of items", []query.Kind{query.Table, query.Events}, []string{"icon"}},
}

// Library lists the components, for the CLI and a spec generator's prompt.
func Library() []Definition { return slices.Clone(library) }

// Lookup returns a component's definition.
func Lookup(t Type) (Definition, bool) {
	for _, d := range library {
		if d.Type == t {
			return d, true
		}
	}
	return Definition{}, false
}

// Shows reports whether the component can show a query of kind k.
func (d Definition) Shows(k query.Kind) bool { return slices.Contains(d.Accepts, k) }

// allOptions are the fields the component takes, common ones first.
func (d Definition) allOptions() []string { return append(slices.Clone(CommonOptions), d.Options...) }
