// Reading a query's SQL: refusing what could write, and binding :name
// parameters to typed placeholders.

package query

import (
	"fmt"
	"strconv"
	"strings"
)

// statement is a query's SQL for one store, ready to run: parameters
// replaced by typed positional placeholders, and args naming, in order,
// the parameter each placeholder takes.
type statement struct {
	text string
	args []string
}

// Store kinds, as store.Store.Kind names them.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Stores lists the store kinds every query carries SQL for.
var Stores = []string{SQLite, Postgres}

// denied are words that write or change state, refused wherever they
// appear outside strings and comments. The statement must also begin with
// SELECT or WITH and be one statement, so words that can only begin a
// statement (COMMENT, LOAD) need not be listed, and a column may carry
// such a name.
var denied = wordSet(
	// data-modifying, also inside a PostgreSQL CTE; INTO covers SELECT
	// INTO, UPDATE and SHARE the locking clauses
	"insert", "update", "delete", "merge", "upsert", "into", "share",
	// schema and administration
	"create", "drop", "alter", "truncate", "grant", "revoke", "copy",
	"vacuum", "analyze", "analyse", "reindex", "cluster", "attach",
	"detach", "pragma", "set", "reset", "lock", "call", "do", "execute",
	"prepare", "deallocate", "listen", "unlisten", "notify", "commit",
	"rollback", "begin", "savepoint", "release", "refresh", "discard",
	"checkpoint", "import",
	// functions with side effects
	"nextval", "setval", "set_config", "pg_notify", "txid_current",
	"pg_current_xact_id", "pg_terminate_backend", "pg_cancel_backend",
	"pg_reload_conf", "pg_rotate_logfile", "pg_switch_wal",
	"pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file",
	"load_extension", "readfile", "writefile", "fts3_tokenizer",
	// functions that run SQL given as text, which this scan cannot see
	"query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema",
	"cursor_to_xml", "cursor_to_xmlschema",
)

// deniedPrefixes are families of functions with side effects.
var deniedPrefixes = []string{"pg_advisory", "pg_try_advisory", "lo_", "dblink", "pg_create_", "pg_drop_", "pg_replication_", "pg_logical_", "pg_promote", "pg_stat_reset", "pg_file_"}

func wordSet(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// compile checks src, a query's SQL for one store, and turns its :name
// parameters into placeholders. types gives each declared parameter's
// type (Now included). The scan is deliberately stricter than either
// database: what it cannot read for certain (a dollar-quoted string, an
// E'…' string, a nested comment) it refuses, so nothing can hide from it.
func compile(src, store string, types map[string]ParamType) (statement, error) {
	var out strings.Builder
	var st statement
	index := map[string]int{}
	first := ""
	s := src
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\'':
			if i > 0 && (s[i-1] == 'E' || s[i-1] == 'e') && (i == 1 || !isWord(s[i-2])) {
				return st, fmt.Errorf("escape strings (E'…') are not supported; use a plain '…' string")
			}
			j, err := skipQuoted(s, i, '\'')
			if err != nil {
				return st, err
			}
			out.WriteString(s[i:j])
			i = j
		case c == '"' || c == '`' || (c == '[' && store == SQLite):
			closer := c
			if c == '[' {
				closer = ']'
			}
			j, err := skipQuoted(s, i, closer)
			if err != nil {
				return st, err
			}
			// A quoted name still calls a function: "nextval"(…).
			if strings.HasPrefix(strings.TrimLeft(s[j:], " \t\r\n"), "(") {
				if err := allowed(strings.ToLower(s[i+1 : j-1])); err != nil {
					return st, err
				}
			}
			out.WriteString(s[i:j])
			i = j
		case strings.HasPrefix(s[i:], "--"):
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				j = len(s) - i
			}
			i += j
		case strings.HasPrefix(s[i:], "/*"):
			j := strings.Index(s[i+2:], "*/")
			if j < 0 {
				return st, fmt.Errorf("a /* comment is not closed")
			}
			// PostgreSQL nests block comments and SQLite does not, so a
			// comment opening inside one would end differently in each.
			if strings.Contains(s[i+2:i+2+j], "/*") {
				return st, fmt.Errorf("nested /* comments are not supported")
			}
			i += j + 4
			out.WriteByte(' ')
		case c == ':' && i+1 < len(s) && s[i+1] == ':':
			out.WriteString("::")
			i += 2
		case c == ':' && i+1 < len(s) && isWordStart(s[i+1]):
			j := i + 1
			for j < len(s) && isWord(s[j]) {
				j++
			}
			name := s[i+1 : j]
			t, ok := types[name]
			if !ok {
				return st, fmt.Errorf(":%s is not a declared parameter; declare it under params (:%s needs no declaration)", name, Now)
			}
			n, seen := index[name]
			if !seen {
				st.args = append(st.args, name)
				n = len(st.args)
				index[name] = n
			}
			out.WriteString(placeholder(store, n, t))
			i = j
		case c == '$' || (store == SQLite && (c == '?' || c == '@')):
			return st, fmt.Errorf("%q is not allowed outside strings: name parameters :like_this", string(c))
		case c == ';':
			if rest := strings.TrimSpace(s[i+1:]); rest != "" {
				return st, fmt.Errorf("only one statement is allowed; remove what follows the ;")
			}
			i = len(s)
		case isWordStart(c):
			j := i
			for j < len(s) && (isWord(s[j]) || s[j] == '$') {
				j++
			}
			w := strings.ToLower(s[i:j])
			if first == "" {
				first = w
				if w != "select" && w != "with" {
					return st, fmt.Errorf("a query begins with SELECT or WITH, not %s", strings.ToUpper(w))
				}
			}
			if err := allowed(w); err != nil {
				return st, err
			}
			out.WriteString(s[i:j])
			i = j
		default:
			out.WriteByte(c)
			i++
		}
	}
	if first == "" {
		return st, fmt.Errorf("the SQL is empty")
	}
	st.text = strings.TrimSpace(out.String())
	return st, nil
}

func allowed(w string) error {
	if denied[w] {
		return fmt.Errorf("%s is not allowed: a dashboard query only reads (one SELECT, or WITH … SELECT)", strings.ToUpper(w))
	}
	for _, p := range deniedPrefixes {
		if strings.HasPrefix(w, p) {
			return fmt.Errorf("%s is not allowed: it has side effects, and a dashboard query only reads", w)
		}
	}
	return nil
}

// skipQuoted returns the index just past the quoted text starting at i,
// where a doubled closer stands for itself.
func skipQuoted(s string, i int, closer byte) (int, error) {
	for j := i + 1; j < len(s); j++ {
		if s[j] != closer {
			continue
		}
		if j+1 < len(s) && s[j+1] == closer {
			j++
			continue
		}
		return j + 1, nil
	}
	return 0, fmt.Errorf("a %c…%c is not closed", s[i], closer)
}

// placeholder is a typed positional parameter: PostgreSQL infers an
// untyped one from its surroundings, which can be a 32-bit integer too
// small for a time in milliseconds.
func placeholder(store string, n int, t ParamType) string {
	sqlType := "TEXT"
	if t == IntParam {
		sqlType = "BIGINT"
		if store == SQLite {
			sqlType = "INTEGER"
		}
	}
	return "CAST($" + strconv.Itoa(n) + " AS " + sqlType + ")"
}

func isWordStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isWord(c byte) bool { return isWordStart(c) || '0' <= c && c <= '9' }
