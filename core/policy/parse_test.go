package policy

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func boolPtr(b bool) *bool { return &b }

// withDefaults returns Default with rules and deny set, for building the
// policy a document should parse into.
func withDefaults(rules []rule, deny []denial) *Policy {
	p := Default()
	p.rules = rules
	p.deny = deny
	return p
}

func TestDefault(t *testing.T) {
	want := defaults{approvals: 1, irreversibleApprovals: 2, authorMayApprove: false, expireAfter: 24 * time.Hour}
	p := Default()
	if p.defaults != want || p.rules != nil || p.deny != nil {
		t.Errorf("Default() = %+v, want defaults %+v and no rules or deny", p, want)
	}
	// Callers may hold the result for ever; each call must be its own value.
	if Default() == p {
		t.Error("Default() returned the same pointer twice")
	}
}

func TestParseGood(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want *Policy
	}{
		{"empty", "", Default()},
		{"only comments", "# nothing yet\n\n# still nothing\n", Default()},
		{"empty document", "---\n", Default()},
		{"null sections", "defaults:\nrules:\ndeny:\n", Default()},
		{"null values", "defaults:\n  approvals: ~\n  expire_after:\n", Default()},
		{
			name: "partial defaults keep the rest",
			doc:  "defaults:\n  expire_after: 90m\n  author_may_approve: true\n",
			want: &Policy{defaults: defaults{approvals: 1, irreversibleApprovals: 2, authorMayApprove: true, expireAfter: 90 * time.Minute}},
		},
		{
			name: "raising both approvals",
			doc:  "defaults:\n  approvals: 3\n  irreversible_approvals: 3\n",
			want: &Policy{defaults: defaults{approvals: 3, irreversibleApprovals: 3, expireAfter: 24 * time.Hour}},
		},
		{
			name: "only deny keeps defaults and numbers default reasons from 0",
			doc: `deny:
  - target: "db-*"
    reason: "  databases are changed by hand  "
  - plugin: docker
    action: prune
  - worker: "lab-*"
    reason: "   "
`,
			want: withDefaults(nil, []denial{
				{selector{target: "db-*"}, "databases are changed by hand"},
				{selector{plugin: "docker", action: "prune"}, "denied by deny rule 1"},
				{selector{worker: "lab-*"}, "denied by deny rule 2"},
			}),
		},
		{
			name: "the format in the package comment",
			doc: `defaults:
  approvals: 1
  irreversible_approvals: 2
  author_may_approve: false
  expire_after: 24h
rules:
  - plugin: docker
    action: restart
    target: "web-*"
    worker: "site-a-*"
    approvals: 2
    author_may_approve: true
    expire_after: 1h
deny:
  - plugin: "*"
    action: "*"
    target: "db-*"
    reason: "databases are changed by hand"
`,
			want: withDefaults(
				[]rule{{
					selector:         selector{plugin: "docker", action: "restart", target: "web-*", worker: "site-a-*"},
					approvals:        2,
					authorMayApprove: boolPtr(true),
					expireAfter:      time.Hour,
				}},
				[]denial{{selector{plugin: "*", action: "*", target: "db-*"}, "databases are changed by hand"}},
			),
		},
		{
			name: "rule overrides left unset stay unset",
			doc:  "rules:\n  - plugin: docker\n    author_may_approve: false\n",
			want: withDefaults([]rule{{selector: selector{plugin: "docker"}, authorMayApprove: boolPtr(false)}}, nil),
		},
		{
			name: "catch-all rule is fine last",
			doc:  "rules:\n  - plugin: docker\n    approvals: 2\n  - expire_after: 2h\n",
			want: withDefaults([]rule{
				{selector: selector{plugin: "docker"}, approvals: 2},
				{expireAfter: 2 * time.Hour},
			}, nil),
		},
		{
			name: "glob syntax",
			doc:  "rules:\n  - target: \"web-[0-9]?\"\n    worker: '\\*'\n    approvals: 10\n",
			want: withDefaults([]rule{{selector: selector{target: "web-[0-9]?", worker: `\*`}, approvals: 10}}, nil),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.doc), "policy.yaml")
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestParseBad(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string // fragments the error must contain
	}{
		{
			name: "unknown top-level key",
			doc:  "defaults:\n  approvals: 1\napprovals: 2\n",
			want: []string{`policy.yaml: line 3: unknown key "approvals" at the top level; known keys are defaults, rules, deny`},
		},
		{
			name: "unknown key in defaults",
			doc:  "defaults:\n  approvals: 1\n  expire: 1h\n",
			want: []string{`policy.yaml: line 3: unknown key "expire" in defaults`, "irreversible_approvals"},
		},
		{
			name: "misspelt key in a rule",
			doc:  "rules:\n  - plugin: docker\n    aprovals: 2\n",
			want: []string{`policy.yaml: line 3: unknown key "aprovals" in a rule; known keys are plugin, action, target, worker, approvals, author_may_approve, expire_after`},
		},
		{
			name: "unknown key in deny",
			doc:  "deny:\n  - target: db-*\n    why: no\n",
			want: []string{`line 3: unknown key "why" in a deny entry; known keys are plugin, action, target, worker, reason`},
		},
		{
			name: "every unknown key is reported",
			doc:  "rules:\n  - plugn: docker\n    aprovals: 2\n",
			want: []string{`line 2: unknown key "plugn"`, `line 3: unknown key "aprovals"`},
		},
		{
			name: "zero approvals in a rule",
			doc:  "rules:\n  - plugin: docker\n  - plugin: ssh\n    approvals: 0\n",
			want: []string{"policy.yaml: rules[1].approvals: 0 is out of range (1..10)"},
		},
		{
			name: "too many default approvals",
			doc:  "defaults:\n  approvals: 11\n  irreversible_approvals: 11\n",
			want: []string{"policy.yaml: defaults.approvals: 11 is out of range (1..10)", "defaults.irreversible_approvals: 11 is out of range (1..10)"},
		},
		{
			name: "negative irreversible approvals",
			doc:  "defaults:\n  irreversible_approvals: -1\n",
			want: []string{"defaults.irreversible_approvals: -1 is out of range (1..10)"},
		},
		{
			name: "approvals not a number",
			doc:  "defaults:\n  approvals: two\n",
			want: []string{`policy.yaml: line 2: want a whole number, got "two"`},
		},
		{
			// The YAML decoder alone would truncate this to 2.
			name: "fractional approvals",
			doc:  "rules:\n  - plugin: docker\n    approvals: 2.5\n",
			want: []string{`line 3: want a whole number, got "2.5"`},
		},
		{
			name: "approvals a list",
			doc:  "defaults:\n  approvals: [1, 2]\n",
			want: []string{"line 2: want a whole number, got a list"},
		},
		{
			name: "author_may_approve not a boolean",
			doc:  "defaults:\n  author_may_approve: maybe\n",
			want: []string{`line 2: want true or false, got "maybe"`},
		},
		{
			name: "expire_after not a duration",
			doc:  "defaults:\n  expire_after: soon\n",
			want: []string{`policy.yaml: defaults.expire_after: "soon" is not a duration like 30m or 24h`},
		},
		{
			name: "expire_after without a unit",
			doc:  "rules:\n  - plugin: docker\n    expire_after: 30\n",
			want: []string{`rules[0].expire_after: "30" is not a duration like 30m or 24h`},
		},
		{
			name: "expire_after in days",
			doc:  "defaults:\n  expire_after: 7d\n",
			want: []string{`defaults.expire_after: "7d" is not a duration`},
		},
		{
			name: "expire_after zero",
			doc:  "rules:\n  - plugin: docker\n    expire_after: 0s\n",
			want: []string{`rules[0].expire_after: "0s" must be more than zero`},
		},
		{
			name: "expire_after negative",
			doc:  "defaults:\n  expire_after: -1h\n",
			want: []string{`defaults.expire_after: "-1h" must be more than zero`},
		},
		{
			name: "bad glob in a rule",
			doc:  "rules:\n  - target: \"web-[\"\n",
			want: []string{`policy.yaml: rules[0].target: "web-[" is not a valid glob (syntax error in pattern)`},
		},
		{
			// path.Match stops at the first mismatch; the syntax error is
			// after it, so only a full check finds it.
			name: "bad glob after a literal",
			doc:  "deny:\n  - plugin: docker\n    worker: 'site-a-[z-'\n",
			want: []string{`deny[0].worker: "site-a-[z-" is not a valid glob`},
		},
		{
			name: "bad glob in each field",
			doc:  "rules:\n  - plugin: '['\n    action: '['\n    target: '['\n    worker: '\\'\n",
			want: []string{"rules[0].plugin:", "rules[0].action:", "rules[0].target:", "rules[0].worker:"},
		},
		{
			name: "deny without a selector",
			doc:  "deny:\n  - target: db-*\n  - reason: freeze\n",
			want: []string{`policy.yaml: deny[1]: has no plugin, action, target or worker, so it would deny every plan`},
		},
		{
			name: "deny with empty patterns",
			doc:  "deny:\n  - plugin: \"\"\n    target: ''\n",
			want: []string{"deny[0]: has no plugin, action, target or worker"},
		},
		{
			name: "catch-all rule before other rules",
			doc:  "rules:\n  - approvals: 2\n  - plugin: docker\n    approvals: 1\n",
			want: []string{"rules[0]: has no plugin, action, target or worker, so it matches every action and the rules after it can never apply"},
		},
		{
			name: "irreversible needs fewer than reversible",
			doc:  "defaults:\n  approvals: 3\n  irreversible_approvals: 2\n",
			want: []string{"defaults.irreversible_approvals: 2 is less than defaults.approvals (3)", "set it to 3 or more"},
		},
		{
			name: "raising approvals past the inherited irreversible default",
			doc:  "defaults:\n  approvals: 3\n",
			want: []string{"defaults.irreversible_approvals: 2 (the default) is less than defaults.approvals (3)"},
		},
		{
			name: "rules a mapping",
			doc:  "rules:\n  plugin: docker\n",
			want: []string{"line 2: want a list of rules, each starting with -, got a mapping"},
		},
		{
			name: "defaults a scalar",
			doc:  "defaults: 2\n",
			want: []string{`line 1: want a mapping such as {approvals: 1, expire_after: 24h}, got "2"`},
		},
		{
			name: "document a list",
			doc:  "- plugin: docker\n",
			want: []string{"line 1: want a mapping with defaults, rules and deny, got a list"},
		},
		{
			name: "pattern a list",
			doc:  "deny:\n  - target: [db-1, db-2]\n",
			want: []string{"line 2: want a single value, got a list"},
		},
		{
			name: "YAML syntax",
			doc:  "defaults:\n  approvals: 1\n  bad\n",
			want: []string{"policy.yaml: line 3: could not find expected ':'"},
		},
		{
			name: "duplicate key",
			doc:  "rules:\n  - plugin: docker\n    approvals: 1\n    approvals: 3\n",
			want: []string{`line 4: mapping key "approvals" already defined at line 3`},
		},
		{
			name: "two documents",
			doc:  "defaults:\n  approvals: 1\n---\ndeny:\n  - target: db-*\n",
			want: []string{"policy.yaml: line 3: a second YAML document"},
		},
		{
			name: "bad second document",
			doc:  "defaults:\n  approvals: 1\n---\n[\n",
			want: []string{"policy.yaml: line"},
		},
		{
			name: "every problem is reported",
			doc:  "defaults:\n  expire_after: soon\nrules:\n  - plugin: docker\n    approvals: 0\ndeny:\n  - reason: x\n",
			want: []string{`defaults.expire_after: "soon"`, "rules[0].approvals: 0", "deny[0]: has no plugin"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.doc), "policy.yaml")
			if err == nil {
				t.Fatalf("Parse succeeded with %+v, want error containing %q", p, tt.want)
			}
			if p != nil {
				t.Errorf("Parse returned a policy with its error: %+v", p)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain\n%s", err, w)
				}
			}
			// Each line must say which file it is about, so that a message
			// read out of context still leads to the file.
			for line := range strings.SplitSeq(err.Error(), "\n") {
				if !strings.HasPrefix(line, "policy.yaml: ") {
					t.Errorf("error line %q does not start with the source", line)
				}
			}
		})
	}
}

func TestParseNoSource(t *testing.T) {
	_, err := Parse([]byte("defaults:\n  approvals: 0\n"), "")
	if err == nil || !strings.HasPrefix(err.Error(), "policy: defaults.approvals:") {
		t.Errorf("Parse with no source: error %v, want it to start with %q", err, "policy: defaults.approvals:")
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()

	missing := filepath.Join(dir, "missing.yaml")
	_, err := Load(missing)
	if !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "load policy "+missing+": ") {
		t.Errorf("Load(missing) error = %v, want fs.ErrNotExist wrapped as %q", err, "load policy "+missing+": ...")
	}

	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("rules:\n  - plugin: docker\n    approvals: 0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Load(bad)
	if want := "load policy " + bad + ": bad.yaml: rules[0].approvals: 0 is out of range (1..10)"; err == nil || err.Error() != want {
		t.Errorf("Load(bad) error = %v, want %s", err, want)
	}

	empty := filepath.Join(dir, "empty.yaml")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := Load(empty)
	if err != nil || !reflect.DeepEqual(p, Default()) {
		t.Errorf("Load(empty) = %+v, %v, want Default()", p, err)
	}
}

func TestLoadExample(t *testing.T) {
	p, err := Load(filepath.Join("testdata", "example.yaml"))
	if err != nil {
		t.Fatalf("Load example: %v", err)
	}
	if want := Default().defaults; p.defaults != want {
		t.Errorf("example defaults = %+v, want %+v", p.defaults, want)
	}
	if len(p.rules) != 3 || len(p.deny) != 2 {
		t.Errorf("example has %d rules and %d deny entries, want 3 and 2", len(p.rules), len(p.deny))
	}
}
