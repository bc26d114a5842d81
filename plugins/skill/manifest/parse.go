// Parsing and checking a manifest: the embedded JSON Schema first, then
// the rules a schema cannot state.

package manifest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/wingman-dev/wingman/plugins/skill/manifest/internal/schema"
	"go.yaml.in/yaml/v3"
	"golang.org/x/mod/semver"
)

//go:embed schema.json
var schemaJSON []byte

// compiled is the manifest's schema, compiled at the first Parse rather
// than at init, so that a process that never reads a manifest pays
// nothing for it.
var compiled = sync.OnceValues(func() (*schema.Schema, error) {
	s, err := schema.Compile(schemaJSON)
	if err != nil {
		return nil, fmt.Errorf("manifest schema: %w", err)
	}
	return s, nil
})

// Problem is one thing wrong in a manifest: where (a path such as
// "permissions[1]" or "blast_radius.scope"; empty for the whole document)
// and why.
type Problem struct {
	Field  string
	Reason string
}

// Error refuses a manifest. It names the file and every problem found.
type Error struct {
	File     string
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.File)
		b.WriteString(": ")
		if p.Field != "" {
			b.WriteString(p.Field)
			b.WriteString(": ")
		}
		b.WriteString(p.Reason)
	}
	return b.String()
}

// Parse reads a manifest; file names it in errors. The error of a bad
// manifest is an *Error listing what is wrong.
func Parse(data []byte, file string) (*Manifest, error) {
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &Error{File: file, Problems: []Problem{{Reason: strings.TrimPrefix(err.Error(), "yaml: ")}}}
	}
	if doc == nil {
		return nil, &Error{File: file, Problems: []Problem{{Reason: "is empty"}}}
	}
	// The schema speaks JSON: YAML's values go through it to be checked
	// as JSON values (numbers as numbers, keys as strings).
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, &Error{File: file, Problems: []Problem{{Reason: "not a mapping of plain values: " + err.Error()}}}
	}
	var inst any
	if err := json.Unmarshal(raw, &inst); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", file, err)
	}
	sch, err := compiled()
	if err != nil {
		return nil, err
	}
	if vs := sch.Validate(inst); len(vs) > 0 {
		probs := make([]Problem, len(vs))
		for i, v := range vs {
			probs[i] = Problem{Field: v.Path, Reason: v.Reason}
		}
		return nil, &Error{File: file, Problems: probs}
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", file, err)
	}
	if probs := m.check(); len(probs) > 0 {
		return nil, &Error{File: file, Problems: probs}
	}
	return &m, nil
}

// check applies the rules the schema cannot state.
func (m *Manifest) check() []Problem {
	var probs []Problem
	add := func(field, format string, args ...any) {
		probs = append(probs, Problem{Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	if !semver.IsValid("v" + m.Version) {
		add("version", "%q is not a semantic version such as 1.2.0", m.Version)
	}
	if err := CheckPath(m.Entrypoint); err != nil {
		add("entrypoint", "%v", err)
	} else if m.Entrypoint == FileName || m.Entrypoint == "signature.sig" {
		add("entrypoint", "%q is the skill's metadata, not its code", m.Entrypoint)
	}
	mutating := ""
	for i, p := range m.Permissions {
		field := fmt.Sprintf("permissions[%d]", i)
		switch {
		case !p.Valid():
			add(field, "%q is not a permission the broker knows (known: %s)", p, knownList())
		case !p.ReadOnly() && m.TrustLevel == Sandboxed:
			add(field, "%q changes state, and a sandboxed skill may only read; it needs a maintainer's signature (trust_level: verified) to ask for it", p)
		case !p.ReadOnly():
			mutating = string(p)
		}
	}
	if mutating != "" && !m.BlastRadius.MutatesState {
		add("blast_radius.mutates_state", "is false, but the skill asks for %q, which changes state", mutating)
	}
	seen := map[string]bool{}
	for i, a := range m.Actions {
		if seen[a.Name] {
			add(fmt.Sprintf("actions[%d].name", i), "%q is listed twice", a.Name)
		}
		seen[a.Name] = true
	}
	return probs
}

// CheckPath reports why name cannot be a file in a skill's folder: it
// must be a clean relative path with '/' separators, no "." or ".."
// element, no leading dot in any element, and printable ASCII only, so
// that it names the same file on every worker and stays inside the
// folder.
func CheckPath(name string) error {
	switch {
	case name == "":
		return errors.New("empty file name")
	case len(name) > 200:
		return fmt.Errorf("file name %.40q… is longer than 200 characters", name)
	case strings.HasPrefix(name, "/"):
		return fmt.Errorf("%q is an absolute path; give it relative to the skill's folder", name)
	case slices.Contains(strings.Split(name, "/"), ".."):
		return fmt.Errorf("%q reaches outside the skill's folder (..)", name)
	case path.Clean(name) != name:
		return fmt.Errorf("%q is not a clean path (no ./, .., // or trailing /)", name)
	}
	for _, c := range name {
		if c <= ' ' || c > '~' || c == '\\' || c == ':' {
			return fmt.Errorf("%q has a character other than printable ASCII (no spaces, \\ or :)", name)
		}
	}
	for _, el := range strings.Split(name, "/") {
		if strings.HasPrefix(el, ".") {
			return fmt.Errorf("%q has an element starting with a dot (.., hidden files)", name)
		}
	}
	return nil
}

func joinQuoted(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}
