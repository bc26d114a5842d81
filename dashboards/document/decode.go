// Package document reads the YAML and JSON documents that configure
// dashboards (specs and query registries) into plain values, and validates
// them against a JSON Schema.
//
// A document may come from an LLM or from anyone allowed to post a spec, so
// reading it is bounded before any schema sees it: its size is checked
// before parsing, and nesting, duplicate keys and YAML alias expansion
// (a "billion laughs" bomb is a few lines) are checked while it is turned
// into values. Problems are reported by path, the way a person finds them
// in the file: sections[1].components[0].type.
package document

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Limits bound what reading a document may cost. A zero field takes its
// default.
type Limits struct {
	// MaxBytes is the largest document read; it is checked before parsing.
	MaxBytes int
	// MaxDepth bounds the nesting of maps and lists.
	MaxDepth int
	// MaxValues bounds the values a document holds once YAML aliases are
	// expanded.
	MaxValues int
}

// Defaults for Limits: generous for a dashboard (a large one is a few
// kilobytes, eight levels deep and a few hundred values).
const (
	DefaultMaxBytes  = 256 << 10
	DefaultMaxDepth  = 16
	DefaultMaxValues = 20000
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxValues <= 0 {
		l.MaxValues = DefaultMaxValues
	}
	return l
}

// Decode reads one document: JSON when its first non-blank byte is '{' or
// '[', YAML otherwise. Maps become map[string]any, lists []any, numbers
// int64 or float64. A refused document is reported as an *Error.
func Decode(data []byte, lim Limits) (any, error) {
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return DecodeJSON(data, lim)
	}
	return DecodeYAML(data, lim)
}

func checkSize(data []byte, lim Limits) error {
	if len(data) > lim.MaxBytes {
		return Refuse(nil, fmt.Sprintf("the document is %d bytes; the limit is %d bytes (split it, or trim what it repeats)", len(data), lim.MaxBytes))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return Refuse(nil, "the document is empty")
	}
	return nil
}

// budget counts values and nesting as a document is read.
type budget struct {
	lim    Limits
	values int
}

func (b *budget) enter(p Path, depth int) error {
	b.values++
	if b.values > b.lim.MaxValues {
		return Refuse(p, fmt.Sprintf("the document holds more than %d values once YAML aliases are expanded; write it out plainly", b.lim.MaxValues))
	}
	if depth > b.lim.MaxDepth {
		return Refuse(p, fmt.Sprintf("nested deeper than %d levels; a dashboard document is never that deep", b.lim.MaxDepth))
	}
	return nil
}

// DecodeYAML reads one YAML document. Aliases are expanded within the
// value budget; merge keys (<<) and custom tags are refused.
func DecodeYAML(data []byte, lim Limits) (any, error) {
	lim = lim.withDefaults()
	if err := checkSize(data, lim); err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		return nil, Refuse(nil, "bad YAML: "+err.Error())
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, Refuse(nil, "the file holds more than one YAML document (---); keep one")
	}
	b := &budget{lim: lim}
	return b.yamlValue(&root, nil, 0)
}

func (b *budget) yamlValue(n *yaml.Node, p Path, depth int) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, Refuse(nil, "the document is empty")
		}
		return b.yamlValue(n.Content[0], p, depth)
	case yaml.AliasNode:
		// Expanded in place: the budget sees every copy, which is what
		// stops a bomb.
		return b.yamlValue(n.Alias, p, depth)
	case yaml.MappingNode:
		if err := b.enter(p, depth+1); err != nil {
			return nil, err
		}
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return nil, Refuse(p, fmt.Sprintf("line %d: a key must be plain text", k.Line))
			}
			if k.ShortTag() == "!!merge" {
				return nil, Refuse(p, fmt.Sprintf("line %d: merge keys (<<) are not supported; write the keys out", k.Line))
			}
			if _, dup := m[k.Value]; dup {
				return nil, Refuse(p.Key(k.Value), fmt.Sprintf("line %d: the key appears twice; keep one", k.Line))
			}
			v, err := b.yamlValue(n.Content[i+1], p.Key(k.Value), depth+1)
			if err != nil {
				return nil, err
			}
			m[k.Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		if err := b.enter(p, depth+1); err != nil {
			return nil, err
		}
		l := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			v, err := b.yamlValue(c, p.Index(i), depth+1)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		return l, nil
	case yaml.ScalarNode:
		if err := b.enter(p, depth); err != nil {
			return nil, err
		}
		return yamlScalar(n, p)
	}
	return nil, Refuse(p, fmt.Sprintf("line %d: unexpected YAML node", n.Line))
}

func yamlScalar(n *yaml.Node, p Path) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!str", "!!timestamp", "!!binary":
		return n.Value, nil
	case "!!bool":
		var v bool
		if err := n.Decode(&v); err != nil {
			return nil, Refuse(p, fmt.Sprintf("line %d: %v", n.Line, err))
		}
		return v, nil
	case "!!int":
		var v int64
		if err := n.Decode(&v); err != nil {
			return nil, Refuse(p, fmt.Sprintf("line %d: %s is not a 64-bit integer", n.Line, n.Value))
		}
		return v, nil
	case "!!float":
		var v float64
		if err := n.Decode(&v); err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, Refuse(p, fmt.Sprintf("line %d: %s is not a finite number", n.Line, n.Value))
		}
		return v, nil
	}
	return nil, Refuse(p, fmt.Sprintf("line %d: the tag %s is not supported; remove it", n.Line, n.Tag))
}

// DecodeJSON reads one JSON document. Unlike encoding/json it refuses
// duplicate keys, which would otherwise silently keep the last.
func DecodeJSON(data []byte, lim Limits) (any, error) {
	lim = lim.withDefaults()
	if err := checkSize(data, lim); err != nil {
		return nil, err
	}
	r := &jsonReader{dec: json.NewDecoder(bytes.NewReader(data)), data: data, b: budget{lim: lim}}
	r.dec.UseNumber()
	v, err := r.value(nil, 0)
	if err != nil {
		return nil, err
	}
	if _, err := r.dec.Token(); !errors.Is(err, io.EOF) {
		return nil, Refuse(nil, fmt.Sprintf("bad JSON at %s: more data after the document ends", r.at(r.dec.InputOffset())))
	}
	return v, nil
}

type jsonReader struct {
	dec  *json.Decoder
	data []byte
	b    budget
}

// at turns a byte offset into the line and column an editor shows.
func (r *jsonReader) at(off int64) string {
	off = min(off, int64(len(r.data)))
	line := 1 + bytes.Count(r.data[:off], []byte("\n"))
	col := off - int64(bytes.LastIndexByte(r.data[:off], '\n'))
	return fmt.Sprintf("line %d, column %d", line, col)
}

func (r *jsonReader) syntax(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return Refuse(nil, fmt.Sprintf("bad JSON at %s: %v", r.at(se.Offset), se))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return Refuse(nil, "bad JSON: the document ends early (a missing } or ]?)")
	}
	return Refuse(nil, "bad JSON: "+err.Error())
}

func (r *jsonReader) value(p Path, depth int) (any, error) {
	tok, err := r.dec.Token()
	if err != nil {
		return nil, r.syntax(err)
	}
	switch t := tok.(type) {
	case json.Delim:
		if err := r.b.enter(p, depth+1); err != nil {
			return nil, err
		}
		if t == '{' {
			return r.object(p, depth+1)
		}
		return r.array(p, depth+1)
	case json.Number:
		if i, err := strconv.ParseInt(t.String(), 10, 64); err == nil {
			return i, r.b.enter(p, depth)
		}
		f, err := t.Float64()
		if err != nil {
			return nil, Refuse(p, fmt.Sprintf("%s is not a finite number", t))
		}
		return f, r.b.enter(p, depth)
	default:
		return t, r.b.enter(p, depth)
	}
}

func (r *jsonReader) object(p Path, depth int) (any, error) {
	m := map[string]any{}
	for r.dec.More() {
		tok, err := r.dec.Token()
		if err != nil {
			return nil, r.syntax(err)
		}
		k := tok.(string) // the decoder only yields strings in key position
		if _, dup := m[k]; dup {
			return nil, Refuse(p.Key(k), "the key appears twice; keep one")
		}
		v, err := r.value(p.Key(k), depth)
		if err != nil {
			return nil, err
		}
		m[k] = v
	}
	if _, err := r.dec.Token(); err != nil {
		return nil, r.syntax(err)
	}
	return m, nil
}

func (r *jsonReader) array(p Path, depth int) (any, error) {
	l := []any{}
	for i := 0; r.dec.More(); i++ {
		v, err := r.value(p.Index(i), depth)
		if err != nil {
			return nil, err
		}
		l = append(l, v)
	}
	if _, err := r.dec.Token(); err != nil {
		return nil, r.syntax(err)
	}
	return l, nil
}
