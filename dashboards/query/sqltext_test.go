package query

import (
	"strings"
	"testing"
)

func TestCompileRefusesWhatCouldWrite(t *testing.T) {
	types := map[string]ParamType{Now: IntParam, "limit": IntParam}
	tests := []struct {
		name, sql, want string
		store           string // the one store refusing it; both when empty
	}{
		{"insert", "INSERT INTO workers (id) VALUES ('x')", "begins with SELECT or WITH, not INSERT", ""},
		{"update", "update workers set health = 'healthy'", "not UPDATE", ""},
		{"delete in a CTE", "WITH d AS (DELETE FROM workers RETURNING id) SELECT id FROM d", "DELETE is not allowed", ""},
		{"insert in a CTE", "WITH i AS (INSERT INTO workers (id) VALUES ('x') RETURNING id) SELECT * FROM i", "INSERT is not allowed", ""},
		{"merge in a CTE", "with m as (merge into facts using workers on true when matched then delete) select 1", "MERGE is not allowed", ""},
		{"select into", "SELECT * INTO stolen FROM tokens", "INTO is not allowed", ""},
		{"locking read", "SELECT id FROM plans FOR UPDATE", "UPDATE is not allowed", ""},
		{"share lock", "SELECT id FROM plans FOR KEY SHARE", "SHARE is not allowed", ""},
		{"second statement", "SELECT 1; DROP TABLE workers", "only one statement", ""},
		{"ddl", "CREATE TABLE x (id INT)", "not CREATE", ""},
		{"pragma", "PRAGMA query_only = 0", "not PRAGMA", ""},
		{"sequence", "SELECT nextval('s')", "NEXTVAL is not allowed", ""},
		{"quoted function", `SELECT "set_config"('statement_timeout', '0', false)`, "SET_CONFIG is not allowed", ""},
		{"qualified function", "SELECT pg_catalog.set_config('a', 'b', false)", "SET_CONFIG is not allowed", ""},
		{"advisory lock", "SELECT pg_advisory_lock(1)", "pg_advisory_lock is not allowed", ""},
		{"large object", "SELECT lo_import('/etc/passwd')", "lo_import is not allowed", ""},
		{"sql in a string", "SELECT query_to_xml('delete from workers', true, true, '')", "QUERY_TO_XML is not allowed", ""},
		{"dollar quote", "SELECT $$a$$", `"$" is not allowed`, ""},
		{"positional parameter", "SELECT * FROM facts LIMIT $1", `"$" is not allowed`, ""},
		{"escape string", `SELECT E'\' ; DELETE FROM workers; --'`, "escape strings (E'…') are not supported", ""},
		{"nested comment", "SELECT 1 /* /* */ ; DELETE FROM workers */", "nested /* comments", ""},
		{"unclosed comment", "SELECT 1 /* ", "not closed", ""},
		{"unclosed string", "SELECT 'abc", "not closed", ""},
		{"undeclared parameter", "SELECT * FROM facts LIMIT :max", ":max is not a declared parameter", ""},
		{"empty", "  -- nothing\n", "the SQL is empty", ""},
		{"explain analyze", "EXPLAIN ANALYZE DELETE FROM workers", "not EXPLAIN", ""},
		// PostgreSQL has a ? operator (jsonb); to SQLite it is a parameter.
		{"sqlite parameter", "SELECT * FROM facts LIMIT ?", `"?" is not allowed`, SQLite},
	}
	for _, tt := range tests {
		stores := Stores
		if tt.store != "" {
			stores = []string{tt.store}
		}
		t.Run(tt.name, func(t *testing.T) {
			for _, store := range stores {
				_, err := compile(tt.sql, store, types)
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%s: err = %v, want it to say %q", store, err, tt.want)
				}
			}
		})
	}
}

func TestCompileReadsStringsCommentsAndCasts(t *testing.T) {
	types := map[string]ParamType{Now: IntParam, "site": TextParam}
	src := `-- a comment naming DELETE
SELECT 'delete; drop', "update", CAST(x AS INTEGER), y::text /* insert */
FROM facts WHERE site_name = :site AND observed_at <= :now AND (:site = '' OR 1 = 1);`
	st, err := compile(src, Postgres, types)
	if err != nil {
		t.Fatal(err)
	}
	want := `SELECT 'delete; drop', "update", CAST(x AS INTEGER), y::text  
FROM facts WHERE site_name = CAST($1 AS TEXT) AND observed_at <= CAST($2 AS BIGINT) AND (CAST($1 AS TEXT) = '' OR 1 = 1)`
	if st.text != want {
		t.Errorf("text =\n%s\nwant\n%s", st.text, want)
	}
	if strings.Join(st.args, ",") != "site,now" {
		t.Errorf("args = %v, want [site now]", st.args)
	}
	if _, err := compile(`SELECT [delete] FROM facts`, SQLite, types); err != nil {
		t.Errorf("sqlite bracket identifier: %v", err)
	}
}
