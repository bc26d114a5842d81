// Package query is the named query registry: the only SQL a dashboard can
// cause to run. Each query declares what it returns (a Kind) and its typed
// parameters with bounds, and carries SQL for both stores. Built-in queries
// are embedded; an admin may add more from a queries.yaml, checked the same
// way, and a query that could write is refused when it is loaded. Queries
// run read-only, with a time limit and a row cap, so the database refuses
// a write too.
package query

import (
	"slices"
	"sort"
)

// Query is one named read of Wingman's database.
type Query struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Returns     Kind   `json:"returns"`
	// Params are the parameters a spec may set, by name.
	Params []Param `json:"params,omitempty"`
	// Columns are the result's columns in order: declared for tables and
	// events, fixed by the kind otherwise.
	Columns []Column `json:"columns"`
	// Trend marks an integer query whose second column is its value one
	// period earlier.
	Trend bool `json:"trend,omitempty"`
	// X and Y are a matrix's dimensions.
	X *Axis `json:"x,omitempty"`
	Y *Axis `json:"y,omitempty"`
	// Builtin is false for a query an admin added.
	Builtin bool `json:"builtin"`

	sql map[string]statement // by store kind ("sqlite", "postgres")
}

// Param looks up a parameter by name.
func (q *Query) Param(name string) (Param, bool) {
	for _, p := range q.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// Column looks up a result column by name.
func (q *Query) Column(name string) (Column, bool) {
	for _, c := range q.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// ParamNames lists the parameters' names.
func (q *Query) ParamNames() []string {
	names := make([]string, len(q.Params))
	for i, p := range q.Params {
		names[i] = p.Name
	}
	return names
}

// Registry is a set of named queries. It is not changed once built, so it
// is safe for concurrent use.
type Registry struct {
	queries map[string]*Query
}

// Lookup returns the query with this name.
func (r *Registry) Lookup(name string) (*Query, bool) {
	q, ok := r.queries[name]
	return q, ok
}

// Names lists the queries' names in order.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.queries))
	for n := range r.queries {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Queries lists the queries in name order.
func (r *Registry) Queries() []*Query {
	out := make([]*Query, 0, len(r.queries))
	for _, n := range r.Names() {
		out = append(out, r.queries[n])
	}
	return out
}

// Returning lists, in order, the names of the queries of the given kinds.
func (r *Registry) Returning(kinds ...Kind) []string {
	var names []string
	for _, n := range r.Names() {
		if slices.Contains(kinds, r.queries[n].Returns) {
			names = append(names, n)
		}
	}
	return names
}
