package templates_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/wingman-dev/wingman/dashboards/query"
	"github.com/wingman-dev/wingman/dashboards/spec"
	"github.com/wingman-dev/wingman/dashboards/templates"
)

func TestTemplatesAreValid(t *testing.T) {
	reg, err := query.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"activity", "containers", "incidents", "overview", "workers"}
	if got := templates.Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
	for _, name := range want {
		if _, err := templates.Load(name, reg); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestEveryComponentHasATemplate makes each component type render from
// real data somewhere, in the render tests of the templates.
func TestEveryComponentHasATemplate(t *testing.T) {
	reg, err := query.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	used := map[spec.Type]bool{}
	for _, name := range templates.Names() {
		s, err := templates.Load(name, reg)
		if err != nil {
			t.Fatal(err)
		}
		for _, sec := range s.Sections {
			for _, c := range sec.Components {
				used[c.Type] = true
			}
		}
	}
	for _, d := range spec.Library() {
		if !used[d.Type] {
			t.Errorf("no template uses %s", d.Type)
		}
	}
}

func TestUnknownTemplate(t *testing.T) {
	for _, name := range []string{"nope", "", "../specs/overview", "specs/overview"} {
		if _, err := templates.Source(name); !errors.Is(err, templates.ErrNotFound) {
			t.Errorf("Source(%q): err = %v, want ErrNotFound", name, err)
		}
	}
}
