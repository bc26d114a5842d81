package manifest

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The library the manifest schema was checked with before
// internal/schema; a test-only import, so it never reaches wingworker
// (go list -deps ./cmd/wingworker | grep jsonschema finds nothing).
func oldSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	const url = "https://wingman.dev/schemas/skill-manifest.json"
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// candidates are values for each property of a manifest: the first is
// valid, the others probe a keyword's edges (anchors and a trailing
// newline, code points against bytes, integers against strings, equal
// items, missing and extra properties).
var candidates = map[string][]any{
	"id": {"container-restart", "ab", "a", "a-", "a-b", "Ab", "a_b", "ab\n", "\nab", "ab ", "a" + strings.Repeat("b", 63),
		"a" + strings.Repeat("b", 64), "é1", "aé", 1, nil, true, []any{}, map[string]any{}},
	"name": {"Container restart", "", "x", strings.Repeat("x", 80), strings.Repeat("x", 81), strings.Repeat("é", 80),
		strings.Repeat("é", 81), strings.Repeat("😀", 80), strings.Repeat("😀", 41), "\x00", 1, false},
	"version": {"1.2.0", "1.2", "01.2.0", "1.02.0", "0.0.0", "1.2.0-rc.1", "1.2.0+b.5", "1.2.0-rc.1+b", "1.2.0\n", "\n1.2.0",
		"1.2.0-", "1.2.0-rc_1", "v1.2.0", "1.2.0-é", " 1.2.0", 1.2, 1, nil},
	"author":      {"Wingman", "", strings.Repeat("a", 120), strings.Repeat("a", 121), strings.Repeat("ä", 120), []any{"a"}},
	"description": {"Restarts.", "", strings.Repeat("d", 2000), strings.Repeat("d", 2001), strings.Repeat("ß", 2001), 0},
	"trust_level": {"verified", "sandboxed", "trusted", "Trusted", "verified ", "", 1, nil, []any{"verified"}},
	"runtime":     {"python3", "bash", "binary", "python", "Python3", 3, nil},
	"entrypoint":  {"skill.py", "", strings.Repeat("s", 200), strings.Repeat("s", 201), strings.Repeat("ś", 200), 1.0},
	"permissions": {
		[]any{"docker:read", "docker:restart"}, []any{}, []any{"docker:read"}, []any{"docker:read", "docker:read"},
		[]any{"Docker:read"}, []any{"docker"}, []any{"docker:read\n"}, []any{"a:b:c"}, []any{"a:b_c"}, []any{"a:b1"},
		[]any{"x docker:read"}, []any{1}, []any{1, 1.0}, "docker:read", nil, []any{[]any{"docker:read"}},
		[]any{map[string]any{"a": 1}, map[string]any{"a": 1.0}}, []any{"docker:read", "docker:read "},
	},
	"blast_radius": {
		map[string]any{"scope": "container", "mutates_state": true, "reversible": false},
		map[string]any{"scope": "container", "mutates_state": true},
		map[string]any{"scope": "container", "mutates_state": true, "reversible": false, "x": 1},
		map[string]any{"scope": "container", "mutates_state": "true", "reversible": false},
		map[string]any{"scope": "", "mutates_state": true, "reversible": false},
		map[string]any{"scope": strings.Repeat("s", 40), "mutates_state": false, "reversible": true},
		map[string]any{"scope": strings.Repeat("s", 41), "mutates_state": false, "reversible": true},
		map[string]any{"scope": strings.Repeat("ş", 40), "mutates_state": false, "reversible": true},
		map[string]any{"scope": "c", "mutates_state": 1, "reversible": 0},
		map[string]any{}, "container", nil, []any{},
	},
	"actions": {
		[]any{action("restart", "Restart it.")}, []any{}, actions(32), actions(33),
		[]any{action("Restart", "x")}, []any{action("r", "x")}, []any{action("_r", "x")}, []any{action("r-_9", "x")},
		[]any{action("r"+strings.Repeat("x", 63), "x")}, []any{action("r"+strings.Repeat("x", 64), "x")},
		[]any{action("restart\n", "x")}, []any{action("restart", "")}, []any{action("restart", strings.Repeat("x", 501))},
		[]any{action("restart", strings.Repeat("ñ", 500))}, []any{map[string]any{"name": "restart"}},
		[]any{map[string]any{"name": "restart", "description": "x", "extra": true}},
		[]any{action("restart", "x"), action("restart", "x")}, []any{"restart"}, map[string]any{"name": "restart"}, nil,
	},
}

func action(name, desc string) map[string]any {
	return map[string]any{"name": name, "description": desc}
}

func actions(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = action("a"+strings.Repeat("b", i), "x")
	}
	return out
}

// verdicts runs both validators over doc and fails the test when one
// admits what the other refuses.
func verdicts(t *testing.T, old *jsonschema.Schema, doc map[string]any) {
	t.Helper()
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	oldInst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var inst any
	if err := json.Unmarshal(raw, &inst); err != nil {
		t.Fatal(err)
	}
	sch, err := compiled()
	if err != nil {
		t.Fatal(err)
	}
	oldErr := old.Validate(oldInst)
	vs := sch.Validate(inst)
	if (oldErr == nil) != (len(vs) == 0) {
		t.Errorf("verdicts differ on %s:\n old: %v\n new: %v", raw, oldErr, vs)
	}
}

// The validator gives the old library's verdict on every manifest: each
// candidate value alone, then many random mixes of them, with properties
// dropped and added.
func TestSchemaAgreesWithJSONSchemaLibrary(t *testing.T) {
	old := oldSchema(t)
	base := map[string]any{}
	for k, vs := range candidates {
		base[k] = vs[0]
	}
	verdicts(t, old, base)
	for k, vs := range candidates {
		for _, v := range vs {
			doc := clone(base)
			doc[k] = v
			verdicts(t, old, doc)
		}
		doc := clone(base)
		delete(doc, k)
		verdicts(t, old, doc)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	for range 20000 {
		doc := map[string]any{}
		for k, vs := range candidates {
			switch r := rng.IntN(10); {
			case r == 0:
				// dropped
			case r < 7:
				doc[k] = vs[0]
			default:
				doc[k] = vs[rng.IntN(len(vs))]
			}
		}
		if rng.IntN(20) == 0 {
			doc[[]string{"homepage", "", "ID", "id "}[rng.IntN(4)]] = "x"
		}
		verdicts(t, old, doc)
		if t.Failed() {
			return
		}
	}
}

func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
