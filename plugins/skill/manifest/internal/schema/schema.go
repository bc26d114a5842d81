// Package schema validates JSON values against a JSON Schema (draft
// 2020-12) written with the few keywords a skill manifest's schema needs.
//
// It exists so that wingworker does not link a complete validator: the
// one it used allocated 1.7 MB of meta-schemas at init, which the
// worker's 12 MB resident budget cannot afford (issue #3). Being partial
// is safe only if it is never silent, so Compile refuses a schema using
// any keyword this package does not implement, instead of ignoring it as
// JSON Schema would an unknown keyword.
package schema

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// dialect is the only $schema accepted: the meaning of keywords such as
// items changed between drafts.
const dialect = "https://json-schema.org/draft/2020-12/schema"

// Schema is a compiled schema.
type Schema struct {
	// reject is the false schema, which no value satisfies.
	reject bool

	types    []string // empty: any type
	enum     []any    // nil: any value
	enumText string   // enum as a reason's end, made once when compiled

	properties map[string]*Schema
	required   []string
	additional *Schema // nil: additional properties are allowed

	items       *Schema // nil: any item
	minItems    int
	maxItems    int // math.MaxInt when absent
	uniqueItems bool

	// Lengths are in Unicode code points, as JSON Schema counts them.
	minLength int
	maxLength int // math.MaxInt when absent
	pattern   *pattern
}

// Violation is one way a value fails its schema.
type Violation struct {
	// Path locates the failing value inside the validated one: property
	// names joined by dots, array indices in brackets, as in
	// "actions[0].name"; empty for the value itself.
	Path string
	// Reason says what is wrong, for whoever wrote the value.
	Reason string
}

// Validate reports every way v fails s; none means v is valid. v is a
// JSON value as encoding/json decodes it into an any: nil, bool,
// float64, string, []any or map[string]any.
func (s *Schema) Validate(v any) []Violation {
	return s.validate(v, "", nil)
}

// validate appends to out the violations of v, found at the path at.
func (s *Schema) validate(v any, at string, out []Violation) []Violation {
	fail := func(format string, args ...any) {
		out = append(out, Violation{Path: at, Reason: fmt.Sprintf(format, args...)})
	}
	if s.reject {
		fail("not allowed here")
		return out
	}
	// A value of the wrong type or outside the enum fails alone: the
	// keywords below would only restate it.
	if len(s.types) > 0 && !slices.ContainsFunc(s.types, func(t string) bool { return hasType(v, t) }) {
		fail("got %s, want %s", typeOf(v), strings.Join(s.types, " or "))
		return out
	}
	// reflect.DeepEqual is JSON equality on decoded values: numbers are
	// all float64, and objects compare whatever their key order.
	if s.enum != nil && !slices.ContainsFunc(s.enum, func(e any) bool { return reflect.DeepEqual(v, e) }) {
		fail("value must be %s", s.enumText)
		return out
	}
	switch v := v.(type) {
	case map[string]any:
		if missing := missing(v, s.required); len(missing) == 1 {
			fail("missing property %s", missing[0])
		} else if len(missing) > 1 {
			fail("missing properties %s", strings.Join(missing, ", "))
		}
		var extra []string
		// Sorted, so that the same document always gets the same error.
		for _, name := range slices.Sorted(maps.Keys(v)) {
			sub, declared := s.properties[name]
			switch {
			case declared:
				out = sub.validate(v[name], join(at, name), out)
			case s.additional == nil:
				// Allowed, and nothing to check it against.
			case s.additional.reject:
				// Named together, on the object: that is where an
				// author removes them.
				extra = append(extra, quote(name))
			default:
				out = s.additional.validate(v[name], join(at, name), out)
			}
		}
		if len(extra) > 0 {
			fail("additional properties %s not allowed", strings.Join(extra, ", "))
		}
	case []any:
		if len(v) < s.minItems {
			fail("minItems: got %d, want %d", len(v), s.minItems)
		}
		if len(v) > s.maxItems {
			fail("maxItems: got %d, want %d", len(v), s.maxItems)
		}
		if s.uniqueItems {
			if i, j, ok := duplicate(v); ok {
				fail("items at %d and %d are equal", i, j)
			}
		}
		if s.items != nil {
			for i, item := range v {
				out = s.items.validate(item, at+"["+strconv.Itoa(i)+"]", out)
			}
		}
	case string:
		n := utf8.RuneCountInString(v)
		if n < s.minLength {
			fail("minLength: got %d, want %d", n, s.minLength)
		}
		if n > s.maxLength {
			fail("maxLength: got %d, want %d", n, s.maxLength)
		}
		if s.pattern != nil && !s.pattern.re.MatchString(v) {
			fail("%s does not match pattern %s", quote(v), quote(s.pattern.src))
		}
	}
	return out
}

// hasType reports whether v is of the JSON Schema type t; an integer is
// any number without a fractional part, 1.0 included.
func hasType(v any, t string) bool {
	if f, ok := v.(float64); ok && t == "integer" {
		return f == math.Trunc(f)
	}
	return typeOf(v) == t
}

// typeOf names v's JSON type, or its Go type if v is not a decoded JSON
// value.
func typeOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// missing quotes the required names obj lacks, in the schema's order.
func missing(obj map[string]any, required []string) []string {
	var out []string
	for _, name := range required {
		if _, ok := obj[name]; !ok {
			out = append(out, quote(name))
		}
	}
	return out
}

// duplicate finds two equal items of arr: the first item equal to an
// earlier one, and that one. Items are compared by a canonical encoding,
// in one pass: comparing every pair would let a manifest of a few
// megabytes with a long permissions list hold a CPU for hours.
func duplicate(arr []any) (i, j int, ok bool) {
	seen := make(map[string]int, len(arr))
	var b strings.Builder
	for j, item := range arr {
		b.Reset()
		canonical(&b, item)
		if i, ok := seen[b.String()]; ok {
			return i, j, true
		}
		seen[b.String()] = j
	}
	return 0, 0, false
}

// canonical writes v so that two decoded JSON values are written alike
// exactly when they are equal as JSON Schema compares them: numbers by
// value (-0 as 0), objects whatever their key order.
func canonical(b *strings.Builder, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteByte('n')
	case bool:
		if v {
			b.WriteByte('t')
		} else {
			b.WriteByte('f')
		}
	case float64:
		if v == 0 {
			v = 0 // -0 equals 0
		}
		b.WriteByte('d')
		b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	case string:
		b.WriteString(strconv.Quote(v))
	case []any:
		b.WriteByte('[')
		for _, item := range v {
			canonical(b, item)
			b.WriteByte(',')
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for _, k := range slices.Sorted(maps.Keys(v)) {
			b.WriteString(strconv.Quote(k))
			b.WriteByte(':')
			canonical(b, v[k])
			b.WriteByte(',')
		}
		b.WriteByte('}')
	default:
		// Not a decoded JSON value: equal only to an identical one.
		fmt.Fprintf(b, "?%T%#v", v, v)
	}
}

// join extends the path at with the property name.
func join(at, name string) string {
	if at == "" {
		return name
	}
	return at + "." + name
}

// quote puts s in single quotes, escaped as Go would, so that an empty
// or blank value stays visible in a reason.
func quote(s string) string {
	q := strconv.Quote(s)
	q = strings.ReplaceAll(q[1:len(q)-1], `\"`, `"`)
	return "'" + strings.ReplaceAll(q, "'", `\'`) + "'"
}

// display writes a JSON value for a message: a string quoted, anything
// else as JSON. A decoded JSON value always marshals; anything else is
// named by its type.
func display(v any) string {
	if s, ok := v.(string); ok {
		return quote(s)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return typeOf(v)
	}
	return string(b)
}
