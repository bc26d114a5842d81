// Checks of a query definition beyond its schema, and its construction.

package query

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/wingman-dev/wingman/dashboards/document"
)

// problems collects what is wrong with a definition, by path.
type problems []document.Problem

func (ps *problems) fail(p document.Path, format string, args ...any) {
	*ps = append(*ps, document.Problem{Path: p.String(), Message: fmt.Sprintf(format, args...)})
}

// build checks a definition beyond what the schema can say (which fields
// go with which kind, bounds that agree with defaults, SQL that only reads
// and uses what it declares) and turns it into a Query.
func build(name string, d definition, isBuiltin bool) (*Query, []document.Problem) {
	at := document.Path{name}
	var probs problems
	q := &Query{Name: name, Description: d.Description, Returns: d.Returns, Trend: d.Trend, X: d.X, Y: d.Y,
		Builtin: isBuiltin, Columns: shape(at, d, &probs)}
	types := map[string]ParamType{Now: IntParam}
	for _, n := range sortedKeys(d.Params) {
		p, msgs := buildParam(n, d.Params[n])
		for _, m := range msgs {
			probs.fail(at.Key("params").Key(n), "%s", m)
		}
		q.Params = append(q.Params, p)
		types[n] = p.Type
	}
	q.sql = compileAll(at, d, types, &probs)
	return q, probs
}

// shape checks the fields that say what the query returns and gives its
// columns.
func shape(at document.Path, d definition, probs *problems) []Column {
	if d.Trend && d.Returns != Integer {
		probs.fail(at.Key("trend"), "only an integer query has a trend; remove it")
	}
	if d.Series && d.Returns != Timeseries {
		probs.fail(at.Key("series"), "only a timeseries query has series; remove it")
	}
	if d.Returns == Matrix && (d.X == nil || d.Y == nil) || d.Returns != Matrix && (d.X != nil || d.Y != nil) {
		probs.fail(at, "a matrix query declares its x and y dimensions, and only a matrix query does")
	}
	if d.X != nil && d.Y != nil && d.X.Name == d.Y.Name {
		probs.fail(at.Key("y").Key("name"), "is the x dimension's name too; name the two apart")
	}
	if d.Returns != Table && d.Returns != Events {
		cols := fixedColumns(d.Returns, d.Trend, d.Series)
		if len(d.Columns) > 0 {
			probs.fail(at.Key("columns"), "a %s query's columns are fixed (%s); remove them", d.Returns, columnList(cols))
		}
		return cols
	}
	if len(d.Columns) == 0 {
		probs.fail(at.Key("columns"), "is missing; a %s query declares its columns", d.Returns)
	}
	seen := map[string]ColumnType{}
	for i, c := range d.Columns {
		if _, dup := seen[c.Name]; dup {
			probs.fail(at.Key("columns").Index(i).Key("name"), "%q is used twice; name each column once", c.Name)
		}
		seen[c.Name] = c.Type
	}
	if d.Returns == Events {
		for _, need := range []Column{{"at", Time}, {"title", Text}} {
			if t, ok := seen[need.Name]; !ok || t != need.Type {
				probs.fail(at.Key("columns"), "an events query has a column %s of type %s", need.Name, need.Type)
			}
		}
	}
	return d.Columns
}

// compileAll compiles the SQL of each store, checking that it reads only
// and uses every declared parameter.
func compileAll(at document.Path, d definition, types map[string]ParamType, probs *problems) map[string]statement {
	sources, key := map[string]string{SQLite: d.SQLite, Postgres: d.Postgres}, ""
	switch {
	case d.SQL != "" && (d.SQLite != "" || d.Postgres != ""):
		probs.fail(at.Key("sql"), "give sql (for both stores) or sqlite and postgres, not both")
	case d.SQL != "":
		sources, key = map[string]string{SQLite: d.SQL, Postgres: d.SQL}, "sql"
	case d.SQLite == "" || d.Postgres == "":
		probs.fail(at, "has no SQL for both stores; give sql, or sqlite and postgres")
	}
	out := map[string]statement{}
	for _, store := range Stores {
		src := sources[store]
		if src == "" {
			continue
		}
		field := key
		if field == "" {
			field = store
		}
		st, err := compile(src, store, types)
		if err != nil {
			probs.fail(at.Key(field), "%v", err)
			continue
		}
		for _, n := range sortedKeys(d.Params) {
			if !slices.Contains(st.args, n) {
				probs.fail(at.Key("params").Key(n), "is declared, but the %s SQL never uses :%s", store, n)
			}
		}
		out[store] = st
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func buildParam(name string, d paramDef) (Param, []string) {
	p := Param{Name: name, Type: d.Type, Description: d.Description, Values: d.Values, MaxLength: d.MaxLength}
	var msgs []string
	if !paramName.MatchString(name) {
		msgs = append(msgs, "is not a valid name; use a lowercase name: letters, digits and _")
	}
	if name == Now {
		msgs = append(msgs, fmt.Sprintf("%s is given to every query; use :%s without declaring it", Now, Now))
	}
	switch d.Type {
	case IntParam:
		if d.Min == nil || d.Max == nil || *d.Min > *d.Max {
			msgs = append(msgs, "an integer parameter needs bounds: min and max, min no more than max")
			return p, msgs
		}
		p.Min, p.Max = *d.Min, *d.Max
		if d.Values != nil || d.MaxLength != 0 {
			msgs = append(msgs, "values and max_length bound text parameters; use min and max")
		}
	case TextParam:
		if d.Min != nil || d.Max != nil {
			msgs = append(msgs, "min and max bound integer parameters; use values or max_length")
		}
		if d.Values == nil && d.MaxLength == 0 {
			msgs = append(msgs, "a text parameter needs bounds: values, or max_length")
		}
	}
	v, err := p.check(d.Default)
	if err != nil {
		msgs = append(msgs, "default: "+err.Error())
	}
	p.Default = v
	return p, msgs
}

// paramName is what a parameter may be called: it is written :name in
// the SQL, which reads a name as far as such characters go.
var paramName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func columnList(cs []Column) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.Name + " " + string(c.Type)
	}
	return strings.Join(parts, ", ")
}

func sortProblems(ps []document.Problem) {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Path < ps[j].Path })
}
