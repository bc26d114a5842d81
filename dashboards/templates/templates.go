// Package templates holds the pre-built dashboards, embedded in the
// binary: overview, containers, incidents, workers and activity. Each is
// an ordinary spec using only registry queries, so it doubles as an
// example of the format.
package templates

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/wingman-dev/wingman/dashboards/query"
	"github.com/wingman-dev/wingman/dashboards/spec"
)

//go:embed specs/*.yaml
var specs embed.FS

// ErrNotFound is returned for a name that is not a template.
var ErrNotFound = errors.New("templates: no such template")

// Names lists the templates in order.
func Names() []string {
	entries, _ := fs.ReadDir(specs, "specs") // the embedded folder exists
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names)
	return names
}

// Source returns a template's YAML, to show or to start a spec from.
func Source(name string) ([]byte, error) {
	b, err := specs.ReadFile(path.Join("specs", name+".yaml"))
	if err != nil || strings.ContainsAny(name, "/\\") {
		return nil, fmt.Errorf("template %q: %w (there are %s)", name, ErrNotFound, strings.Join(Names(), ", "))
	}
	return b, nil
}

// Load returns a template parsed and checked against reg.
func Load(name string, reg *query.Registry) (*spec.Spec, error) {
	b, err := Source(name)
	if err != nil {
		return nil, err
	}
	s, err := spec.Parse(b, reg)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	return s, nil
}
