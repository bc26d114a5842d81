package schema

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// text writes violations as "path: reason; …", "" for none.
func text(vs []Violation) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.Path + ": " + v.Reason
	}
	return strings.Join(parts, "; ")
}

// Each keyword with a value that passes and one that fails.
func TestValidate(t *testing.T) {
	tests := []struct {
		name, schema, value, want string
	}{
		{"string", `{"type":"string"}`, `"a"`, ""},
		{"not a string", `{"type":"string"}`, `1`, ": got number, want string"},
		{"integer", `{"type":"integer"}`, `3`, ""},
		{"integer written with a fraction", `{"type":"integer"}`, `3.0`, ""},
		{"not an integer", `{"type":"integer"}`, `3.5`, ": got number, want integer"},
		{"number", `{"type":"number"}`, `3.5`, ""},
		{"not a number", `{"type":"number"}`, `"3"`, ": got string, want number"},
		{"boolean", `{"type":"boolean"}`, `false`, ""},
		{"not a boolean", `{"type":"boolean"}`, `"true"`, ": got string, want boolean"},
		{"object", `{"type":"object"}`, `{}`, ""},
		{"not an object", `{"type":"object"}`, `[]`, ": got array, want object"},
		{"array", `{"type":"array"}`, `[]`, ""},
		{"not an array", `{"type":"array"}`, `{}`, ": got object, want array"},
		{"null", `{"type":"null"}`, `null`, ""},
		{"not null", `{"type":"null"}`, `0`, ": got number, want null"},
		{"type list", `{"type":["string","null"]}`, `null`, ""},
		{"not in type list", `{"type":["string","null"]}`, `1`, ": got number, want string or null"},
		{"wrong type is the only problem", `{"type":"string","enum":["a"]}`, `1`, ": got number, want string"},

		{"enum", `{"enum":["a","b"]}`, `"b"`, ""},
		{"not in enum", `{"enum":["a","b"]}`, `"c"`, ": value must be one of 'a', 'b'"},
		{"enum of one", `{"enum":[1]}`, `2`, ": value must be 1"},
		{"enum of structures", `{"enum":[{"x":[1]}]}`, `{"x":[1.0]}`, ""},
		{"not in enum of structures", `{"enum":[{"x":[1]}]}`, `{"x":[2]}`, `: value must be {"x":[1]}`},

		{"properties", `{"properties":{"a":{"type":"string"}}}`, `{"a":"x","b":1}`, ""},
		{"bad property", `{"properties":{"a":{"type":"string"}}}`, `{"a":1}`, "a: got number, want string"},
		{"required", `{"required":["a","b"]}`, `{"a":1,"b":2}`, ""},
		{"missing property", `{"required":["a","b"]}`, `{"a":1}`, ": missing property 'b'"},
		{"missing properties", `{"required":["a","b"]}`, `{}`, ": missing properties 'a', 'b'"},
		{"additionalProperties false", `{"properties":{"a":{}},"additionalProperties":false}`, `{"a":1}`, ""},
		{"additional properties", `{"properties":{"a":{}},"additionalProperties":false}`, `{"a":1,"z":1,"y":2}`,
			": additional properties 'y', 'z' not allowed"},
		{"additionalProperties schema", `{"additionalProperties":{"type":"string"}}`, `{"b":"x"}`, ""},
		{"bad additional property", `{"additionalProperties":{"type":"string"}}`, `{"b":1}`, "b: got number, want string"},
		{"false schema", `{"properties":{"a":false}}`, `{"a":1}`, "a: not allowed here"},
		{"true schema", `{"properties":{"a":true}}`, `{"a":1}`, ""},

		{"items", `{"items":{"type":"string"}}`, `["a","b"]`, ""},
		{"bad item", `{"items":{"type":"string"}}`, `["a",1]`, "[1]: got number, want string"},
		{"minItems", `{"minItems":1}`, `[1]`, ""},
		{"too few items", `{"minItems":1}`, `[]`, ": minItems: got 0, want 1"},
		{"maxItems", `{"maxItems":1}`, `[1]`, ""},
		{"too many items", `{"maxItems":1}`, `[1,2]`, ": maxItems: got 2, want 1"},
		{"uniqueItems", `{"uniqueItems":true}`, `[1,"1",{"a":1},{"a":2}]`, ""},
		{"equal items", `{"uniqueItems":true}`, `[0,{"a":1},{"a":1.0}]`, ": items at 1 and 2 are equal"},
		{"uniqueItems false", `{"uniqueItems":false}`, `[1,1]`, ""},

		{"minLength", `{"minLength":2}`, `"éé"`, ""},
		{"too short", `{"minLength":2}`, `"é"`, ": minLength: got 1, want 2"},
		{"maxLength counts code points", `{"maxLength":2}`, `"éé"`, ""},
		{"too long", `{"maxLength":2}`, `"ééé"`, ": maxLength: got 3, want 2"},
		{"pattern is unanchored", `{"pattern":"b"}`, `"abc"`, ""},
		{"no match", `{"pattern":"^b"}`, `"abc"`, ": 'abc' does not match pattern '^b'"},
		{"reason quotes", `{"pattern":"^b"}`, `"it's \"a\"\n"`, `: 'it\'s "a"\n' does not match pattern '^b'`},
		{"dot", `{"pattern":"^a.b$"}`, `"a-b"`, ""},
		{"dot refuses CR as in ECMA-262", `{"pattern":"^a.b$"}`, `"a\rb"`, `: 'a\rb' does not match pattern '^a.b$'`},
		{"dot refuses U+2028", `{"pattern":"^a.b$"}`, `"a\u2028b"`, `: 'a\u2028b' does not match pattern '^a.b$'`},
		{"escaped dot", `{"pattern":"^a\\.b$"}`, `"a-b"`, `: 'a-b' does not match pattern '^a\\.b$'`},
		{"dot in a class", `{"pattern":"^[.]$"}`, `"x"`, `: 'x' does not match pattern '^[.]$'`},
		{"escaped bracket is no class", `{"pattern":"^\\[.\\]$"}`, `"[x]"`, ""},
		{"a string keyword ignores other types", `{"minLength":3,"pattern":"x"}`, `1`, ""},

		{"annotations", `{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"x","title":"t","description":"d"}`,
			`1`, ""},
		{"path in the manifest's form", `{"properties":{"a":{"items":{"properties":{"b":{"type":"string"}}}}}}`,
			`{"a":[{"b":"x"},{"b":1}]}`, "a[1].b: got number, want string"},
		{"every problem, in order", `{"required":["z"],"properties":{"a":{"minLength":2,"pattern":"^x"},"b":{"type":"string"}}}`,
			`{"b":1,"a":"y"}`,
			": missing property 'z'; a: minLength: got 1, want 2; a: 'y' does not match pattern '^x'; b: got number, want string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Compile([]byte(tt.schema))
			if err != nil {
				t.Fatal(err)
			}
			var v any
			if err := json.Unmarshal([]byte(tt.value), &v); err != nil {
				t.Fatal(err)
			}
			if got := text(s.Validate(v)); got != tt.want {
				t.Errorf("Validate(%s) against %s:\n got  %q\n want %q", tt.value, tt.schema, got, tt.want)
			}
		})
	}
}

// A schema this package cannot check in full is refused, saying where.
func TestCompileRefuses(t *testing.T) {
	tests := []struct {
		name, schema, want string
	}{
		{"not JSON", `{`, "schema: unexpected end of JSON input"},
		{"not a schema", `3`, "schema #: want a schema (an object or a boolean), got 3"},
		{"unknown keyword", `{"properties":{"a/b":{"format":"email"}}}`,
			`schema #/properties/a~1b/format: keyword "format" is not supported by this validator`},
		{"other dialect", `{"$schema":"http://json-schema.org/draft-07/schema#"}`,
			"schema #/$schema: want 'https://json-schema.org/draft/2020-12/schema', got 'http://json-schema.org/draft-07/schema#'"},
		{"unknown type", `{"type":"text"}`, "schema #/type: want a JSON Schema type"},
		{"no type", `{"type":[]}`, "schema #/type: want a type name or a non-empty array of them, got []"},
		{"type not a string", `{"type":[1]}`, "schema #/type: want an array of strings, got [1]"},
		{"empty enum", `{"enum":[]}`, "schema #/enum: want a non-empty array, got []"},
		{"properties not an object", `{"properties":[]}`, "schema #/properties: want an object, got []"},
		{"required not strings", `{"required":"a"}`, "schema #/required: want an array of strings, got 'a'"},
		{"bad subschema", `{"additionalProperties":"no"}`, "schema #/additionalProperties: want a schema (an object or a boolean), got 'no'"},
		{"items as an array", `{"items":[{}]}`, "schema #/items: want a schema (an object or a boolean), got [{}]"},
		{"negative count", `{"minItems":-1}`, "schema #/minItems: want a non-negative integer, got -1"},
		{"fractional count", `{"maxLength":1.5}`, "schema #/maxLength: want a non-negative integer, got 1.5"},
		{"count as a string", `{"minLength":"1"}`, "schema #/minLength: want a non-negative integer, got '1'"},
		{"uniqueItems not a boolean", `{"uniqueItems":"yes"}`, "schema #/uniqueItems: want a boolean, got 'yes'"},
		{"pattern not a string", `{"pattern":3}`, "schema #/pattern: want a string, got 3"},
		{"pattern does not compile", `{"pattern":"a("}`, "schema #/pattern: \"a(\": error parsing regexp: missing closing )"},
		{`\s`, `{"pattern":"\\s"}`, `\s means something else in Go's regexp than in ECMA-262`},
		{`\p`, `{"pattern":"\\pL"}`, `\p means something else`},
		{`\A`, `{"pattern":"\\Aa"}`, `\A means something else`},
		{`\x{…}`, `{"pattern":"\\x{41}"}`, `\x means something else`},
		{`\a`, `{"pattern":"^\\a$"}`, `\a means something else`},
		{"flags", `{"pattern":"(?i)a"}`, "(? means something else"},
		{"lookahead", `{"pattern":"a(?=b)"}`, "(? means something else"},
		{"POSIX class", `{"pattern":"[[:alpha:]]"}`, "[: means something else"},
		{"empty class", `{"pattern":"[]a]"}`, "a class starting with ] means something else"},
		{"full class", `{"pattern":"[^]"}`, "a class starting with ] means something else"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile([]byte(tt.schema))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Compile(%s) = %v, want an error containing %q", tt.schema, err, tt.want)
			}
		})
	}
}

// uniqueItems compares as JSON Schema does: numbers by value, objects
// whatever their key order, and no value equal to one of another type.
func TestUniqueItemsEquality(t *testing.T) {
	s, err := Compile([]byte(`{"uniqueItems":true}`))
	if err != nil {
		t.Fatal(err)
	}
	for value, want := range map[string]string{
		`[0,-0]`:                              ": items at 0 and 1 are equal",
		`[1,1.0]`:                             ": items at 0 and 1 are equal",
		`[{"a":1,"b":[2]},{"b":[2.0],"a":1}]`: ": items at 0 and 1 are equal",
		`[[1,2],[1,2]]`:                       ": items at 0 and 1 are equal",
		`["a","b","a"]`:                       ": items at 0 and 2 are equal",
		`[null,null]`:                         ": items at 0 and 1 are equal",
		`[1,"1",true,"true",null,"null"]`:     "",
		`[[1,2],[2,1],[[1],2],[1,[2]]]`:       "",
		`[{"a":1},{"a":"1"},{"b":1},{}]`:      "",
		`["a,","a",","]`:                      "",
		`[["a,b"],["a","b"]]`:                 "",
		`[{"a":"b,c:d"},{"a":"b","c":"d"}]`:   "",
	} {
		var v any
		if err := json.Unmarshal([]byte(value), &v); err != nil {
			t.Fatal(err)
		}
		if got := text(s.Validate(v)); got != want {
			t.Errorf("Validate(%s) = %q, want %q", value, got, want)
		}
	}
}

// A long array is checked for equal items in one pass: comparing every
// pair, the 200,000 permissions a 3 MB manifest holds took hours.
// TestUniqueItemsLong: 200,000 distinct items. Comparing every pair, as
// the first version did, would run for hours here and fail the suite's
// timeout; one pass over a map takes a fraction of a second.
func TestUniqueItemsLong(t *testing.T) {
	s, err := Compile([]byte(`{"uniqueItems":true}`))
	if err != nil {
		t.Fatal(err)
	}
	arr := make([]any, 200_000)
	for i := range arr {
		arr[i] = "p:x" + strconv.Itoa(i)
	}
	if vs := s.Validate(arr); len(vs) != 0 {
		t.Errorf("distinct items: %s", text(vs))
	}
	arr[len(arr)-1] = arr[0]
	if vs := s.Validate(arr); len(vs) != 1 {
		t.Errorf("one repeated item: %s", text(vs))
	}
}
