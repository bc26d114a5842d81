// Compiling a schema document, and refusing what this package does not
// implement.

package schema

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
)

// Compile reads a schema document. It refuses one that uses a keyword
// this package does not implement, or gives a keyword a value JSON
// Schema does not allow, saying where (a JSON Pointer into the document,
// such as #/properties/id/pattern) and why.
func Compile(doc []byte) (*Schema, error) {
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	return compile(v, "#")
}

// compile compiles the schema v found at loc.
func compile(v any, loc string) (*Schema, error) {
	s := &Schema{maxItems: math.MaxInt, maxLength: math.MaxInt}
	switch v := v.(type) {
	case bool:
		s.reject = !v
		return s, nil
	case map[string]any:
		// Sorted, so that a schema with several faults always reports
		// the same one.
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if err := s.keyword(k, v[k], pointer(loc, k)); err != nil {
				return nil, err
			}
		}
		return s, nil
	}
	return nil, wrongValue(loc, "a schema (an object or a boolean)", v)
}

// keyword compiles the keyword k of s, whose value v is found at loc.
func (s *Schema) keyword(k string, v any, loc string) error {
	var err error
	switch k {
	case "$schema":
		if v != dialect {
			return wrongValue(loc, display(dialect), v)
		}
	case "$id", "title", "description":
		// Annotations: they say nothing about what is valid.
	case "type":
		s.types, err = typeNames(v, loc)
	case "enum":
		arr, ok := v.([]any)
		if !ok || len(arr) == 0 {
			return wrongValue(loc, "a non-empty array", v)
		}
		s.enum = arr
		s.enumText = enumText(arr)
	case "properties":
		obj, ok := v.(map[string]any)
		if !ok {
			return wrongValue(loc, "an object", v)
		}
		s.properties = make(map[string]*Schema, len(obj))
		for name, sub := range obj {
			if s.properties[name], err = compile(sub, pointer(loc, name)); err != nil {
				return err
			}
		}
	case "required":
		s.required, err = strs(v, loc)
	case "additionalProperties":
		s.additional, err = compile(v, loc)
	case "items":
		// Draft 2020-12's items is one schema for every item; the
		// array form of earlier drafts is refused as not a schema.
		s.items, err = compile(v, loc)
	case "minItems":
		s.minItems, err = count(v, loc)
	case "maxItems":
		s.maxItems, err = count(v, loc)
	case "uniqueItems":
		b, ok := v.(bool)
		if !ok {
			return wrongValue(loc, "a boolean", v)
		}
		s.uniqueItems = b
	case "minLength":
		s.minLength, err = count(v, loc)
	case "maxLength":
		s.maxLength, err = count(v, loc)
	case "pattern":
		src, ok := v.(string)
		if !ok {
			return wrongValue(loc, "a string", v)
		}
		if s.pattern, err = compilePattern(src); err != nil {
			return fmt.Errorf("schema %s: %w", loc, err)
		}
	default:
		// Refused rather than ignored, so that a schema never seems to
		// check what nothing checks.
		return fmt.Errorf("schema %s: keyword %q is not supported by this validator "+
			"(plugins/skill/manifest/internal/schema)", loc, k)
	}
	return err
}

// typeNames reads the type keyword: a type name or a non-empty list of
// them.
func typeNames(v any, loc string) ([]string, error) {
	if name, ok := v.(string); ok {
		v = []any{name}
	}
	names, err := strs(v, loc)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, wrongValue(loc, "a type name or a non-empty array of them", v)
	}
	for _, name := range names {
		switch name {
		case "null", "boolean", "object", "array", "number", "integer", "string":
		default:
			return nil, wrongValue(loc, "a JSON Schema type (null, boolean, object, array, number, integer, string)", name)
		}
	}
	return names, nil
}

// enumText lists an enum's values for a reason, as in "one of 'a', 'b'".
func enumText(values []any) string {
	if len(values) == 1 {
		return display(values[0])
	}
	shown := make([]string, len(values))
	for i, v := range values {
		shown[i] = display(v)
	}
	return "one of " + strings.Join(shown, ", ")
}

// strs reads an array of strings.
func strs(v any, loc string) ([]string, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, wrongValue(loc, "an array of strings", v)
	}
	out := make([]string, len(arr))
	for i, item := range arr {
		if out[i], ok = item.(string); !ok {
			return nil, wrongValue(loc, "an array of strings", v)
		}
	}
	return out, nil
}

// count reads a keyword's limit: a non-negative integer. It is bounded
// so that it fits an int everywhere.
func count(v any, loc string) (int, error) {
	f, ok := v.(float64)
	if !ok || f < 0 || f != math.Trunc(f) || f > math.MaxInt32 {
		return 0, wrongValue(loc, "a non-negative integer", v)
	}
	return int(f), nil
}

// wrongValue refuses the value v found at loc.
func wrongValue(loc, want string, v any) error {
	return fmt.Errorf("schema %s: want %s, got %s", loc, want, display(v))
}

// pointer extends the JSON Pointer loc with the token tok, escaped as
// RFC 6901 says.
func pointer(loc, tok string) string {
	return loc + "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(tok)
}
