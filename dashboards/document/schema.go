// JSON Schema validation, with failures turned into paths and fixes.

package document

import (
	"bytes"
	"fmt"
	"math/big"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Schema is a compiled JSON Schema (draft 2020-12) that explains its
// failures in a person's terms. Messages draw on the schema itself: an
// enum's "title" names what its values are ("component"), a pattern's
// "description" says what fits, and a property's bounds and siblings are
// offered as the fix.
type Schema struct {
	compiled *jsonschema.Schema
	doc      any // the schema as parsed, to read titles and bounds from
	url      string
}

// CompileSchema compiles a schema; url is its $id, or a name for it.
func CompileSchema(url string, text []byte) (*Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", url, err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("schema %s: %w", url, err)
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", url, err)
	}
	return &Schema{compiled: s, doc: doc, url: url}, nil
}

// Validate checks v, a value as Decode returns it, and returns what is
// wrong in path order, or nil.
func (s *Schema) Validate(v any) []Problem {
	err := s.compiled.Validate(v)
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return []Problem{{Message: err.Error()}}
	}
	var all []found
	s.leaves(ve, &all)
	return tidy(all)
}

// found is a problem with what tidy needs to rank it.
type found struct {
	Problem
	// unevaluated problems also appear when a conditional subschema failed
	// for another reason, so they give way to any other at their path.
	unevaluated bool
}

var printer = message.NewPrinter(language.English)

func (s *Schema) leaves(e *jsonschema.ValidationError, out *[]found) {
	if _, names := e.ErrorKind.(*kind.PropertyNames); len(e.Causes) > 0 && !names {
		for _, c := range e.Causes {
			s.leaves(c, out)
		}
		return
	}
	at := Path(e.InstanceLocation)
	sub := s.lookup(e.SchemaURL)
	add := func(p Path, msg string) { *out = append(*out, found{Problem: Problem{Path: p.String(), Message: msg}}) }
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		for _, m := range k.Missing {
			msg := "is missing; add it"
			if d := describe(s.resolve(prop(sub, m))); d != "" {
				msg += " (" + d + ")"
			}
			add(at.Key(m), msg)
		}
	case *kind.PropertyNames:
		// The causes, the name's own failure, have no path of their own.
		// jsonschema v6.0.3 reports this kind with a slice of the object's
		// location that later validation overwrites, so the schemas here
		// use propertyNames only at their root and check nested names in
		// Go.
		msg := fmt.Sprintf("%q is not a valid name", k.Property)
		if d := describe(s.resolve(sub)); d != "" {
			msg += "; use " + d
		}
		add(at.Key(k.Property), msg)
	case *kind.AdditionalProperties:
		for _, name := range k.Properties {
			add(at.Key(name), fmt.Sprintf("%q is not allowed here; use one of %s", name, strings.Join(propNames(sub), ", ")))
		}
	case *kind.FalseSchema:
		*out = append(*out, found{Problem{Path: at.String(), Message: fmt.Sprintf("%q is not allowed here", last(at))}, true})
	case *kind.Enum:
		add(at, fmt.Sprintf("%s is not %s; use one of %s", show(k.Got), noun(sub), strings.Join(sortedShow(k.Want), ", ")))
	case *kind.Const:
		add(at, fmt.Sprintf("%s is not allowed; use %s", show(k.Got), show(k.Want)))
	case *kind.Type:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = article(w)
		}
		add(at, fmt.Sprintf("is %s; want %s", article(k.Got), strings.Join(want, " or ")))
	case *kind.Minimum:
		add(at, fmt.Sprintf("%s is out of bounds; %s", rat(k.Got), bounds(sub)))
	case *kind.Maximum:
		add(at, fmt.Sprintf("%s is out of bounds; %s", rat(k.Got), bounds(sub)))
	case *kind.MinLength:
		if k.Want <= 1 {
			add(at, "is empty; fill it in")
		} else {
			add(at, fmt.Sprintf("is %d characters long; use at least %d", k.Got, k.Want))
		}
	case *kind.MaxLength:
		add(at, fmt.Sprintf("is %d characters long; the limit is %d", k.Got, k.Want))
	case *kind.MinItems:
		add(at, fmt.Sprintf("has %d items; it needs at least %d", k.Got, k.Want))
	case *kind.MaxItems:
		add(at, fmt.Sprintf("has %d items; it may have at most %d", k.Got, k.Want))
	case *kind.MaxProperties:
		add(at, fmt.Sprintf("has %d entries; it may have at most %d", k.Got, k.Want))
	case *kind.UniqueItems:
		add(at, fmt.Sprintf("items %d and %d are the same; list each once", k.Duplicates[0], k.Duplicates[1]))
	case *kind.Pattern:
		if d := describe(sub); d != "" {
			add(at, fmt.Sprintf("%q does not fit: %s", k.Got, d))
		} else {
			add(at, fmt.Sprintf("%q does not match %s", k.Got, k.Want))
		}
	default:
		add(at, e.ErrorKind.LocalizedString(printer))
	}
}

// tidy sorts problems by path, drops repeats, and drops an unevaluated
// property's complaint where a more telling one stands at the same path.
func tidy(all []found) []Problem {
	specific := map[string]bool{}
	for _, f := range all {
		if !f.unevaluated {
			specific[f.Path] = true
		}
	}
	var out []Problem
	for _, f := range all {
		if f.unevaluated && specific[f.Path] {
			continue
		}
		out = append(out, f.Problem)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Message < out[j].Message
	})
	return slices.Compact(out)
}

// lookup finds the subschema a validation error points at (its URL's
// fragment is a JSON pointer into this schema), or nil.
func (s *Schema) lookup(schemaURL string) map[string]any {
	base, frag, _ := strings.Cut(schemaURL, "#")
	if base != s.url {
		return nil
	}
	frag, _ = url.PathUnescape(strings.TrimPrefix(frag, "/"))
	var toks []string
	if frag != "" {
		toks = strings.Split(frag, "/")
	}
	// An error may point at a keyword's value (an enum's list); what
	// explains it sits on the schema holding the keyword, one level up.
	for n := len(toks); n >= max(0, len(toks)-1); n-- {
		if m, ok := walk(s.doc, toks[:n]).(map[string]any); ok {
			return m
		}
	}
	return nil
}

func walk(cur any, toks []string) any {
	for _, tok := range toks {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch c := cur.(type) {
		case map[string]any:
			cur = c[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	return cur
}

// resolve follows a local $ref, so that a property defined in $defs is
// described by its definition.
func (s *Schema) resolve(m map[string]any) map[string]any {
	if ref, ok := m["$ref"].(string); ok && strings.HasPrefix(ref, "#") {
		return s.lookup(s.url + ref)
	}
	return m
}

func prop(obj map[string]any, name string) map[string]any {
	props, _ := obj["properties"].(map[string]any)
	m, _ := props[name].(map[string]any)
	return m
}

func propNames(obj map[string]any) []string {
	props, _ := obj["properties"].(map[string]any)
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func describe(m map[string]any) string {
	d, _ := m["description"].(string)
	return d
}

// noun names what an enum's values are, from the schema's title.
func noun(m map[string]any) string {
	if t, ok := m["title"].(string); ok && t != "" {
		return article(t)
	}
	return "allowed here"
}

func article(w string) string {
	if w != "" && strings.ContainsRune("aeiou", rune(w[0])) {
		return "an " + w
	}
	return "a " + w
}

func bounds(m map[string]any) string {
	lo, hasLo := m["minimum"]
	hi, hasHi := m["maximum"]
	switch {
	case hasLo && hasHi:
		return fmt.Sprintf("use %v to %v", lo, hi)
	case hasLo:
		return fmt.Sprintf("use at least %v", lo)
	case hasHi:
		return fmt.Sprintf("use at most %v", hi)
	}
	return "see the schema"
}

func rat(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64()
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func show(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

func sortedShow(vs []any) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		if s, ok := v.(string); ok {
			out[i] = s
		} else {
			out[i] = fmt.Sprint(v)
		}
	}
	sort.Strings(out)
	return out
}

func last(p Path) string {
	if len(p) == 0 {
		return ""
	}
	return p[len(p)-1]
}
