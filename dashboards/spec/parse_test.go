package spec_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/wingman-dev/wingman/dashboards/document"
	"github.com/wingman-dev/wingman/dashboards/query"
	"github.com/wingman-dev/wingman/dashboards/spec"
)

func registry(t *testing.T) *query.Registry {
	t.Helper()
	reg, err := query.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// roadmap is the roadmap's own example.
const roadmap = `
title: "Container Overview"
sections:
  - name: "Status"
    components:
      - type: stat_card
        title: "Active Containers"
        query: "containers.active"
      - type: stat_card
        title: "Incidents (24h)"
        query: "incidents.recent"
  - name: "Trends"
    components:
      - type: line_chart
        title: "Restarts (7 days)"
        query: "restarts.weekly"
`

func TestParseAcceptsTheRoadmapExample(t *testing.T) {
	reg := registry(t)
	s, err := spec.Parse([]byte(roadmap), reg)
	if err != nil {
		t.Fatal(err)
	}
	if s.Title != "Container Overview" || len(s.Sections) != 2 || s.Sections[1].Components[0].Type != spec.LineChart {
		t.Errorf("parsed %+v", s)
	}
	// The same spec as JSON, and a spec built in code, check alike.
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := spec.Parse(b, reg); err != nil {
		t.Errorf("as JSON: %v", err)
	}
	s.Sections[0].Components[0].Params = map[string]any{"site": "Site A"}
	if err := s.Validate(reg); err != nil {
		t.Errorf("built in code: %v", err)
	}
	s.Sections[0].Components[0].Query = "containers.list"
	if err := s.Validate(reg); err == nil {
		t.Error("Validate let a table query into a stat_card")
	}
}

// component wraps one component's YAML (indented by six spaces) into a
// spec of one section of two columns.
func component(yaml string) string {
	return "title: t\nsections:\n  - name: s\n    columns: 2\n    components:\n" + yaml
}

func TestParseRefusesBadSpecs(t *testing.T) {
	reg := registry(t)
	deep := "title: t\nsections:\n  - name: s\n    components:\n      - type: stat_card\n        title: x\n        query: containers.active\n        params:\n          site: " +
		strings.Repeat("[", 20) + strings.Repeat("]", 20) + "\n"
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	for i, prev := 1, "a"; i < 9; i++ {
		name := fmt.Sprintf("a%d", i)
		bomb += fmt.Sprintf("%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n", name, name, prev, prev, prev, prev, prev, prev, prev, prev, prev, prev)
		prev = name
	}
	bomb += "title: t\nsections: *a8\n"
	many := "title: t\nsections:\n"
	for i := range 3 {
		many += fmt.Sprintf("  - name: s%d\n    components:\n", i)
		for range 24 {
			many += "      - {type: stat_card, title: x, query: containers.active}\n"
		}
	}
	huge := component("      - {type: stat_card, title: x, query: containers.active}\n") + "description: " + strings.Repeat("x", 300<<10) + "\n"

	tests := []struct {
		name, spec, want string
	}{
		{"an unknown component type", "title: t\nsections:\n  - name: a\n    components: [{type: stat_card, title: x, query: containers.active}]\n  - name: b\n    components:\n      - {type: pie, title: x, query: containers.active}\n",
			`sections[1].components[0].type: "pie" is not a component; use one of bar_chart, heatmap, line_chart, list, stat_card, table, timeline, topology`},
		{"a query of the wrong kind", component("      - {type: stat_card, title: x, query: containers.list}\n"),
			`sections[0].components[0].query: containers.list returns table, which a stat_card cannot show; use a query returning integer: containers.active, containers.stopped, containers.unhealthy, incidents.open, incidents.recent, plans.pending, sites.count, workers.count`},
		{"a misspelt query", component("      - {type: stat_card, title: x, query: containers.actve}\n"),
			`sections[0].components[0].query: "containers.actve" is not a named query; did you mean containers.active?`},
		{"an unknown query", component("      - {type: heatmap, title: x, query: disk.usage}\n"),
			`sections[0].components[0].query: "disk.usage" is not a named query; use one of activity.heat`},
		{"a query name carrying SQL", component("      - {type: stat_card, title: x, query: \"containers.active; DROP TABLE workers\"}\n"),
			`sections[0].components[0].query: "containers.active; DROP TABLE workers" does not fit: a named query from the registry, e.g. containers.active`},
		{"raw SQL in a component", component("      - {type: stat_card, title: x, query: containers.active, sql: SELECT 1}\n"),
			`sections[0].components[0].sql: stat_card has no option "sql"; its options are type, title, query, params, width, icon, color, trend`},
		{"a parameter out of bounds", component("      - {type: line_chart, title: x, query: restarts.weekly, params: {days: 400}}\n"),
			`sections[0].components[0].params.days: 400 is out of bounds; use 1 to 90`},
		{"an unknown parameter", component("      - {type: line_chart, title: x, query: restarts.weekly, params: {dayz: 3}}\n"),
			`sections[0].components[0].params.dayz: restarts.weekly has no parameter "dayz"; its parameters are days, utc_offset_minutes`},
		{"a parameter of the wrong type", component("      - {type: line_chart, title: x, query: restarts.weekly, params: {days: seven}}\n"),
			`sections[0].components[0].params.days: "seven" is not an integer; use 1 to 90`},
		{"a parameter value not offered", component("      - {type: stat_card, title: x, query: incidents.open, params: {severity: urgent}}\n"),
			`sections[0].components[0].params.severity: "urgent" is not one of its values; use one of "", "info", "warning", "critical"`},
		{"a component without a title", component("      - {type: stat_card, query: containers.active}\n"),
			`sections[0].components[0].title: is missing; add it (the component's title)`},
		{"no sections", "title: t\n",
			`sections: is missing; add it (a list of sections, each with a name and components)`},
		{"an empty section", "title: t\nsections:\n  - name: s\n    components: []\n",
			`sections[0].components: has 0 items; it needs at least 1`},
		{"another component's option", component("      - {type: stat_card, title: x, query: containers.active, orientation: vertical}\n"),
			`sections[0].components[0].orientation: stat_card has no option "orientation"; its options are type, title, query, params, width, icon, color, trend`},
		{"a colour not offered", component("      - {type: stat_card, title: x, query: containers.active, color: pink}\n"),
			`sections[0].components[0].color: "pink" is not a color; use one of blue, cyan, gray, green, magenta, red, yellow`},
		{"wider than the section", component("      - {type: stat_card, title: x, query: containers.active, width: 3}\n"),
			`sections[0].components[0].width: 3 is wider than the section's 2 columns; use 1 to 2 (or give the section more columns)`},
		{"too many columns", "title: t\nsections:\n  - name: s\n    columns: 9\n    components: [{type: stat_card, title: x, query: containers.active}]\n",
			`sections[0].columns: 9 is out of bounds; use 1 to 4`},
		{"a width that is not a number", component("      - {type: stat_card, title: x, query: containers.active, width: wide}\n"),
			`sections[0].components[0].width: is a string; want an integer`},
		{"a table column the query lacks", component("      - {type: table, title: x, query: containers.list, columns: [name, uptime]}\n"),
			`sections[0].components[0].columns[1]: "uptime" is not a column of containers.list; use one of name, status, health, restarts, image, site, worker, seen`},
		{"a timeline grouped by a missing field", component("      - {type: timeline, title: x, query: changes.recent, group_by: region}\n"),
			`sections[0].components[0].group_by: "region" is not a field of changes.recent; use one of type, status, previous, site, worker`},
		{"a heatmap axis the matrix lacks", component("      - {type: heatmap, title: x, query: activity.heat, x_axis: minute}\n"),
			`sections[0].components[0].x_axis: "minute" is not a dimension of activity.heat; use hour or weekday`},
		{"a heatmap with one dimension twice", component("      - {type: heatmap, title: x, query: activity.heat, x_axis: hour, y_axis: hour}\n"),
			`sections[0].components[0].y_axis: is the same dimension as x_axis; use the other one`},
		{"a trend without an earlier value", component("      - {type: stat_card, title: x, query: containers.active, trend: true}\n"),
			`sections[0].components[0].trend: containers.active has no earlier value to compare with; remove trend, or use one of incidents.recent`},
		{"bars of a table without values", component("      - {type: bar_chart, title: x, query: workers.list}\n"),
			`sections[0].components[0].query: workers.list cannot be drawn as bars: its first column must be text and its second a number`},
		{"two sections of one name", "title: t\nsections:\n  - name: s\n    components: [{type: stat_card, title: x, query: containers.active}]\n  - name: s\n    components: [{type: stat_card, title: y, query: plans.pending}]\n",
			`sections[1].name: "s" is the name of sections[0] too; name each section once`},
		{"an unknown field", "title: t\nrefresh: 5\nsections: [{name: s, components: [{type: stat_card, title: x, query: containers.active}]}]\n",
			`refresh: "refresh" is not allowed here; use one of description, sections, title`},
		{"a bad parameter name", component("      - {type: stat_card, title: x, query: containers.active, params: {Site: x}}\n"),
			`sections[0].components[0].params.Site: containers.active has no parameter "Site"; its parameters are site`},
		{"too many components", many, `sections: hold 72 components in all; a dashboard may have at most 64 (split it in two)`},
		{"deep nesting", deep, `nested deeper than 16 levels; a dashboard document is never that deep`},
		{"a YAML bomb", bomb, `the document holds more than 20000 values once YAML aliases are expanded; write it out plainly`},
		{"a huge document", huge, `the limit is 262144 bytes`},
		{"bad JSON", `{"title": "t", "sections": [}`, `bad JSON at line 1, column 29: invalid character '}' looking for beginning of value`},
		{"truncated JSON", `{"title": "t", "sections": [`, `bad JSON: the document ends early`},
		{"a duplicate JSON key", `{"title": "t", "title": "u", "sections": []}`, `title: the key appears twice; keep one`},
		{"bad YAML", "title: [unclosed\n", `bad YAML: yaml: line 1`},
		{"a duplicate YAML key", "title: t\ntitle: u\n", `title: line 2: the key appears twice; keep one`},
		{"two YAML documents", roadmap + "---\n" + roadmap, `the file holds more than one YAML document (---); keep one`},
		{"a YAML merge key", "base: &b {title: t}\n<<: *b\n", `merge keys (<<) are not supported`},
		{"a custom YAML tag", "title: !python/object x\nsections: []\n", `the tag !python/object is not supported`},
		{"nothing at all", "  \n", `the document is empty`},
		{"not a map", "- a\n- b\n", `is an array; want an object`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := spec.Parse([]byte(tt.spec), reg)
			var derr *document.Error
			if !errors.As(err, &derr) {
				t.Fatalf("err = %v, want a *document.Error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err =\n%v\nwant it to contain\n%s", err, tt.want)
			}
		})
	}
}

func TestParseListsEveryProblem(t *testing.T) {
	_, err := spec.Parse([]byte(component(
		"      - {type: stat_card, title: x, query: containers.active, color: pink}\n"+
			"      - {type: pie, title: y, query: containers.active}\n")), registry(t))
	var derr *document.Error
	if !errors.As(err, &derr) || len(derr.Problems) != 2 {
		t.Fatalf("err = %v, want two problems", err)
	}
}

// TestSchemaMatchesLibrary keeps the embedded schema and the Go library
// from drifting apart: the types, and each type's options.
func TestSchemaMatchesLibrary(t *testing.T) {
	var schema struct {
		Defs struct {
			Component struct {
				Properties map[string]struct {
					Enum []string `json:"enum"`
				} `json:"properties"`
				AllOf []struct {
					If struct {
						Properties struct {
							Type struct {
								Const string `json:"const"`
							} `json:"type"`
						} `json:"properties"`
					} `json:"if"`
					Then struct {
						Properties map[string]any `json:"properties"`
					} `json:"then"`
				} `json:"allOf"`
			} `json:"component"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(spec.Schema(), &schema); err != nil {
		t.Fatal(err)
	}
	comp := schema.Defs.Component
	var types []string
	for _, d := range spec.Library() {
		types = append(types, string(d.Type))
	}
	sort.Strings(types)
	if !slices.Equal(comp.Properties["type"].Enum, types) {
		t.Errorf("schema types %v, library %v", comp.Properties["type"].Enum, types)
	}
	var common []string
	for p := range comp.Properties {
		common = append(common, p)
	}
	if !sameSet(common, spec.CommonOptions) {
		t.Errorf("schema common options %v, library %v", common, spec.CommonOptions)
	}
	for _, branch := range comp.AllOf {
		def, ok := spec.Lookup(spec.Type(branch.If.Properties.Type.Const))
		if !ok {
			t.Errorf("the schema has options for %q, which the library lacks", branch.If.Properties.Type.Const)
			continue
		}
		var opts []string
		for p := range branch.Then.Properties {
			opts = append(opts, p)
		}
		if !sameSet(opts, def.Options) {
			t.Errorf("%s: schema options %v, library %v", def.Type, opts, def.Options)
		}
	}
	if len(comp.AllOf) != len(spec.Library()) {
		t.Errorf("the schema has options for %d components, the library %d", len(comp.AllOf), len(spec.Library()))
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}
