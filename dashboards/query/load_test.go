package query_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wingman-dev/wingman/dashboards/document"
	"github.com/wingman-dev/wingman/dashboards/query"
)

func TestBuiltinQueries(t *testing.T) {
	reg, err := query.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"containers.active", "containers.list", "incidents.recent", "restarts.weekly",
		"workers.by_site", "incidents.by_severity", "plans.by_status", "activity.heat", "topology"} {
		if _, ok := reg.Lookup(name); !ok {
			t.Errorf("built-in %s is missing", name)
		}
	}
	seen := map[query.Kind]bool{}
	for _, q := range reg.Queries() {
		seen[q.Returns] = true
		if !q.Builtin {
			t.Errorf("%s: not marked built-in", q.Name)
		}
	}
	for _, k := range query.Kinds {
		if !seen[k] {
			t.Errorf("no built-in query returns %s", k)
		}
	}
	if !json.Valid(query.Schema()) {
		t.Error("the queries schema is not JSON")
	}
}

func writeQueries(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "queries.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadAddsAdminQueries(t *testing.T) {
	path := writeQueries(t, `
backups.failed:
  description: Backup containers that exited with an error.
  returns: integer
  params:
    site: {type: text, max_length: 100, default: ""}
  sql: |
    SELECT COUNT(*) FROM facts
    WHERE type = 'container' AND name LIKE 'backup%' AND status = 'exited' AND (:site = '' OR site_name = :site)
`)
	reg, err := query.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	q, ok := reg.Lookup("backups.failed")
	if !ok || q.Builtin || q.Returns != query.Integer {
		t.Fatalf("backups.failed = %+v, %v", q, ok)
	}
	if _, ok := reg.Lookup("containers.active"); !ok {
		t.Error("the built-ins are gone")
	}
}

func TestLoadRefusesBadQueries(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"a query that deletes", `
purge:
  description: Clears the workers.
  returns: integer
  sql: WITH gone AS (DELETE FROM workers RETURNING id) SELECT COUNT(*) FROM gone
`, `purge.sql: DELETE is not allowed: a dashboard query only reads`},
		{"a query that writes on one store", `
sneaky:
  description: Looks harmless on SQLite.
  returns: integer
  sqlite: SELECT COUNT(*) FROM workers
  postgres: SELECT COUNT(*) FROM workers; UPDATE workers SET health = 'healthy'
`, `sneaky.postgres: only one statement is allowed`},
		{"an insert", `
add:
  description: Adds a worker.
  returns: integer
  sql: INSERT INTO workers (id, site_name, health, created_at) VALUES ('x', 'y', 'unknown', 0)
`, `add.sql: a query begins with SELECT or WITH, not INSERT`},
		{"a built-in's name", `
containers.active:
  description: Mine now.
  returns: integer
  sql: SELECT 1
`, `["containers.active"]: a built-in query has this name; choose another`},
		{"no SQL for PostgreSQL", `
half:
  description: Only SQLite.
  returns: integer
  sqlite: SELECT 1
`, `half: has no SQL for both stores; give sql, or sqlite and postgres`},
		{"an unbounded integer parameter", `
loose:
  description: No bounds.
  returns: integer
  params:
    n: {type: integer, default: 3}
  sql: SELECT :n
`, `loose.params.n: an integer parameter needs bounds: min and max`},
		{"a default out of bounds", `
off:
  description: Default too big.
  returns: integer
  params:
    n: {type: integer, min: 1, max: 10, default: 30}
  sql: SELECT :n
`, `off.params.n: default: 30 is out of bounds; use 1 to 10`},
		{"a declared parameter never used", `
unused:
  description: Forgets its parameter.
  returns: integer
  params:
    n: {type: integer, min: 1, max: 10, default: 3}
  sql: SELECT 1
`, `unused.params.n: is declared, but the sqlite SQL never uses :n`},
		{"a parameter name the SQL cannot spell", `
named:
  description: A spaced name.
  returns: integer
  params:
    Max Rows: {type: integer, min: 1, max: 3, default: 1}
  sql: SELECT 1
`, `named.params["Max Rows"]: is not a valid name; use a lowercase name: letters, digits and _`},
		{"a table without columns", `
rows:
  description: Which columns?
  returns: table
  sql: SELECT 1
`, `rows.columns: is missing; a table query declares its columns`},
		{"an events query without a time", `
happenings:
  description: No at column.
  returns: events
  columns: [{name: title, type: text}]
  sql: SELECT 'x'
`, `happenings.columns: an events query has a column at of type time`},
		{"a matrix without dimensions", `
grid:
  description: Which axes?
  returns: matrix
  sql: SELECT 0, 0, 1
`, `grid: a matrix query declares its x and y dimensions, and only a matrix query does`},
		{"an unknown kind", `
pie:
  description: A pie.
  returns: pie
  sql: SELECT 1
`, `pie.returns: "pie" is not a return kind; use one of events, graph, integer, matrix, table, timeseries`},
		{"a bad name", `
Bad Name:
  description: Spaces.
  returns: integer
  sql: SELECT 1
`, `["Bad Name"]: "Bad Name" is not a valid name; use lowercase words joined by dots`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeQueries(t, tt.text)
			_, err := query.Load(path)
			var derr *document.Error
			if !errors.As(err, &derr) {
				t.Fatalf("err = %v, want a *document.Error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err =\n%v\nwant it to contain\n%s", err, tt.want)
			}
			if !strings.Contains(err.Error(), "load queries "+path) {
				t.Errorf("err = %v, want it to name the file", err)
			}
		})
	}
}

func TestLoadRefusesAHugeFile(t *testing.T) {
	path := writeQueries(t, "# "+strings.Repeat("x", document.DefaultMaxBytes)+"\n")
	if _, err := query.Load(path); err == nil || !strings.Contains(err.Error(), "the limit is") {
		t.Fatalf("err = %v, want the size refused", err)
	}
}
