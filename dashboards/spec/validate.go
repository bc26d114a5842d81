// The checks of a spec against the query registry.

package spec

import (
	"fmt"
	"slices"
	"strings"

	"github.com/wingman-dev/wingman/dashboards/document"
	"github.com/wingman-dev/wingman/dashboards/query"
)

// MaxComponents bounds the components of one spec, and so the queries one
// render runs: the schema bounds each section, not their sum.
const MaxComponents = 64

// check is what the schema cannot say: that each query exists and returns
// what its component can show, that parameters fit their bounds, and that
// options name what the query has (columns, fields, dimensions).
func (s *Spec) check(reg *query.Registry) []document.Problem {
	var probs []document.Problem
	fail := func(p document.Path, format string, args ...any) {
		probs = append(probs, document.Problem{Path: p.String(), Message: fmt.Sprintf(format, args...)})
	}
	total := 0
	for _, sec := range s.Sections {
		total += len(sec.Components)
	}
	if total > MaxComponents {
		fail(document.Path{"sections"}, "hold %d components in all; a dashboard may have at most %d (split it in two)", total, MaxComponents)
	}
	named := map[string]int{}
	for i, sec := range s.Sections {
		secPath := document.Path{"sections"}.Index(i)
		if j, dup := named[sec.Name]; dup {
			fail(secPath.Key("name"), "%q is the name of sections[%d] too; name each section once", sec.Name, j)
		} else {
			named[sec.Name] = i
		}
		for j, c := range sec.Components {
			compPath := secPath.Key("components").Index(j)
			if c.WidthOrDefault() > sec.ColumnsOrDefault() {
				fail(compPath.Key("width"), "%d is wider than the section's %d columns; use 1 to %d (or give the section more columns)",
					c.WidthOrDefault(), sec.ColumnsOrDefault(), sec.ColumnsOrDefault())
			}
			for _, p := range checkComponent(c, reg) {
				fail(append(compPath[:len(compPath):len(compPath)], p.field...), "%s", p.msg)
			}
		}
	}
	return probs
}

// fieldProblem is a problem at a path inside a component.
type fieldProblem struct {
	field document.Path
	msg   string
}

func at(keys ...string) document.Path { return document.Path(keys) }

func checkComponent(c Component, reg *query.Registry) []fieldProblem {
	def, _ := Lookup(c.Type) // the schema let only known types through
	q, ok := reg.Lookup(c.Query)
	if !ok {
		msg := fmt.Sprintf("%q is not a named query", c.Query)
		if near := closest(c.Query, reg.Names()); near != "" {
			msg += fmt.Sprintf("; did you mean %s?", near)
		} else {
			msg += "; use one of " + join(reg.Returning(def.Accepts...))
		}
		return []fieldProblem{{at("query"), msg}}
	}
	if !def.Shows(q.Returns) {
		return []fieldProblem{{at("query"), fmt.Sprintf("%s returns %s, which a %s cannot show; use a query returning %s: %s",
			q.Name, q.Returns, c.Type, kinds(def.Accepts), join(reg.Returning(def.Accepts...)))}}
	}
	var probs []fieldProblem
	_, perrs := q.Resolve(c.Params)
	for _, e := range perrs {
		probs = append(probs, fieldProblem{at("params", e.Name), e.Message})
	}
	switch c.Type {
	case StatCard:
		if c.Trend && !q.Trend {
			probs = append(probs, fieldProblem{at("trend"), fmt.Sprintf("%s has no earlier value to compare with; remove trend, or use one of %s",
				q.Name, join(trendQueries(reg)))})
		}
	case BarChart:
		if q.Returns == query.Table && !bars(q) {
			probs = append(probs, fieldProblem{at("query"), fmt.Sprintf("%s cannot be drawn as bars: its first column must be text and its second a number (it has %s)",
				q.Name, columnNames(q.Columns))})
		}
	case Table:
		for i, name := range c.Columns {
			if _, ok := q.Column(name); !ok {
				probs = append(probs, fieldProblem{at("columns").Index(i),
					fmt.Sprintf("%q is not a column of %s; use one of %s", name, q.Name, columnNames(q.Columns))})
			}
		}
	case Timeline:
		if c.GroupBy != "" {
			fields := eventFields(q)
			if !slices.ContainsFunc(fields, func(f query.Column) bool { return f.Name == c.GroupBy }) {
				probs = append(probs, fieldProblem{at("group_by"), fmt.Sprintf("%q is not a field of %s; use one of %s",
					c.GroupBy, q.Name, columnNames(fields))})
			}
		}
	case Heatmap:
		dims := []string{q.X.Name, q.Y.Name}
		for _, ax := range []struct{ field, value string }{{"x_axis", c.XAxis}, {"y_axis", c.YAxis}} {
			if ax.value != "" && !slices.Contains(dims, ax.value) {
				probs = append(probs, fieldProblem{at(ax.field), fmt.Sprintf("%q is not a dimension of %s; use %s or %s",
					ax.value, q.Name, dims[0], dims[1])})
			}
		}
		if c.XAxis != "" && c.XAxis == c.YAxis {
			probs = append(probs, fieldProblem{at("y_axis"), "is the same dimension as x_axis; use the other one"})
		}
	}
	return probs
}

// bars reports whether a table query's rows read as labelled values.
func bars(q *query.Query) bool {
	return len(q.Columns) >= 2 && q.Columns[0].Type == query.Text &&
		(q.Columns[1].Type == query.Int || q.Columns[1].Type == query.Number)
}

// eventFields are the columns of an events query that each event carries
// as fields (all but its time and title).
func eventFields(q *query.Query) []query.Column {
	var out []query.Column
	for _, c := range q.Columns {
		if c.Name != "at" && c.Name != "title" {
			out = append(out, c)
		}
	}
	return out
}

func trendQueries(reg *query.Registry) []string {
	var names []string
	for _, q := range reg.Queries() {
		if q.Trend {
			names = append(names, q.Name)
		}
	}
	return names
}

func columnNames(cs []query.Column) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	return join(names)
}

func kinds(ks []query.Kind) string {
	names := make([]string, len(ks))
	for i, k := range ks {
		names[i] = string(k)
	}
	return strings.Join(names, " or ")
}

func join(names []string) string { return strings.Join(names, ", ") }

func contains(names []string, n string) bool { return slices.Contains(names, n) }

// closest returns the name nearest to s by edit distance when it is near
// enough to be a typo, or "".
func closest(s string, names []string) string {
	best, bestD := "", len(s)/3+1
	for _, n := range names {
		if d := distance(s, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
