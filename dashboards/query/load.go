// Loading the built-in queries and an admin's queries.yaml.

package query

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/wingman-dev/wingman/dashboards/document"
)

//go:embed builtin.yaml
var builtinYAML []byte

//go:embed queries.schema.json
var schemaJSON []byte

const schemaURL = "https://wingman.dev/schemas/queries.json"

// Schema returns the JSON Schema of a queries.yaml.
func Schema() []byte { return bytes.Clone(schemaJSON) }

var compiledSchema = sync.OnceValues(func() (*document.Schema, error) {
	return document.CompileSchema(schemaURL, schemaJSON)
})

var builtin = sync.OnceValues(func() (*Registry, error) {
	qs, err := parse(builtinYAML, true)
	if err != nil {
		return nil, fmt.Errorf("built-in queries: %w", err)
	}
	return &Registry{queries: qs}, nil
})

// Builtin returns the registry of built-in queries.
func Builtin() (*Registry, error) { return builtin() }

// Load returns a registry of the built-in queries and those of the
// queries.yaml at path. A query there that is malformed, could write, or
// takes a built-in's name is refused, and with it the file: the error
// lists every problem (as a *document.Error).
func Load(path string) (*Registry, error) {
	base, err := builtin()
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load queries %s: %w", path, err)
	}
	defer f.Close()
	// One byte over the limit is enough for the size check to refuse it.
	data, err := io.ReadAll(io.LimitReader(f, document.DefaultMaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("load queries %s: %w", path, err)
	}
	added, err := parse(data, false)
	if err != nil {
		return nil, fmt.Errorf("load queries %s: %w", path, err)
	}
	all := make(map[string]*Query, len(base.queries)+len(added))
	for n, q := range base.queries {
		all[n] = q
	}
	var clash document.Error
	for n, q := range added {
		if _, ok := all[n]; ok {
			clash.Problems = append(clash.Problems, document.Problem{Path: document.Path{n}.String(),
				Message: "a built-in query has this name; choose another"})
			continue
		}
		all[n] = q
	}
	if len(clash.Problems) > 0 {
		return nil, fmt.Errorf("load queries %s: %w", path, &clash)
	}
	return &Registry{queries: all}, nil
}

// definition is a query as a queries.yaml writes it.
type definition struct {
	Description string              `json:"description"`
	Returns     Kind                `json:"returns"`
	Trend       bool                `json:"trend"`
	Series      bool                `json:"series"`
	Columns     []Column            `json:"columns"`
	X           *Axis               `json:"x"`
	Y           *Axis               `json:"y"`
	Params      map[string]paramDef `json:"params"`
	SQL         string              `json:"sql"`
	SQLite      string              `json:"sqlite"`
	Postgres    string              `json:"postgres"`
}

type paramDef struct {
	Type        ParamType `json:"type"`
	Description string    `json:"description"`
	Min         *int64    `json:"min"`
	Max         *int64    `json:"max"`
	Values      []string  `json:"values"`
	MaxLength   int       `json:"max_length"`
	Default     any       `json:"default"`
}

// parse reads a queries document: safely, then against the schema, then
// query by query.
func parse(data []byte, isBuiltin bool) (map[string]*Query, error) {
	v, err := document.Decode(data, document.Limits{})
	if err != nil {
		return nil, err
	}
	schema, err := compiledSchema()
	if err != nil {
		return nil, err
	}
	if probs := schema.Validate(v); len(probs) > 0 {
		return nil, &document.Error{Problems: probs}
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("re-encode: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var defs map[string]definition
	if err := dec.Decode(&defs); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	out := make(map[string]*Query, len(defs))
	var all document.Error
	for name, d := range defs {
		q, probs := build(name, d, isBuiltin)
		all.Problems = append(all.Problems, probs...)
		out[name] = q
	}
	if len(all.Problems) > 0 {
		sortProblems(all.Problems)
		return nil, &all
	}
	return out, nil
}
