// Parsing a spec: safe decoding, the schema, then the registry.

package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/wingman-dev/wingman/dashboards/document"
	"github.com/wingman-dev/wingman/dashboards/query"
)

// Parse reads a spec, YAML or JSON, and checks it against the schema and
// then against reg (queries, their kinds and parameters). A refused spec's
// error is a *document.Error listing every problem found.
func Parse(data []byte, reg *query.Registry) (*Spec, error) {
	v, err := document.Decode(data, document.Limits{})
	if err != nil {
		return nil, err
	}
	return fromValue(v, reg)
}

// Validate checks a spec built in code the way Parse checks one read from
// a file.
func (s *Spec) Validate(reg *query.Registry) error {
	raw, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("spec: encode: %w", err)
	}
	v, err := document.DecodeJSON(raw, document.Limits{})
	if err != nil {
		return err
	}
	_, err = fromValue(v, reg)
	return err
}

func fromValue(v any, reg *query.Registry) (*Spec, error) {
	schema, err := compiledSchema()
	if err != nil {
		return nil, err
	}
	probs := unknownOptions(v)
	taken := map[string]bool{}
	for _, p := range probs {
		taken[p.Path] = true
	}
	for _, p := range schema.Validate(v) {
		if !taken[p.Path] {
			probs = append(probs, p)
		}
	}
	if len(probs) > 0 {
		return nil, refuse(probs)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("spec: re-encode: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var s Spec
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("spec: decode: %w", err)
	}
	if probs := s.check(reg); len(probs) > 0 {
		return nil, refuse(probs)
	}
	return &s, nil
}

func refuse(probs []document.Problem) *document.Error {
	sort.SliceStable(probs, func(i, j int) bool { return probs[i].Path < probs[j].Path })
	return &document.Error{Problems: probs}
}

// unknownOptions names, for each component of a known type, the options
// it does not take, with those it does: a sharper message than the
// schema's, which cannot tell which component's options were meant.
func unknownOptions(v any) []document.Problem {
	root, _ := v.(map[string]any)
	sections, _ := root["sections"].([]any)
	var probs []document.Problem
	for i, sec := range sections {
		m, _ := sec.(map[string]any)
		comps, _ := m["components"].([]any)
		for j, c := range comps {
			comp, _ := c.(map[string]any)
			t, _ := comp["type"].(string)
			def, ok := Lookup(Type(t))
			if !ok {
				continue
			}
			allowed := def.allOptions()
			names := make([]string, 0, len(comp))
			for k := range comp {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				if !contains(allowed, k) {
					at := document.Path{"sections"}.Index(i).Key("components").Index(j).Key(k)
					probs = append(probs, document.Problem{Path: at.String(),
						Message: fmt.Sprintf("%s has no option %q; its options are %s", t, k, join(allowed))})
				}
			}
		}
	}
	return probs
}
