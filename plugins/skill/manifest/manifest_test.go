package manifest

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

const good = `id: container-restart
name: Container restart
version: 1.2.0
author: Wingman maintainers
description: Restarts the target container and checks that it runs.
trust_level: verified
runtime: python3
entrypoint: skill.py
permissions: [docker:read, docker:restart]
blast_radius: {scope: container, mutates_state: true, reversible: false}
actions:
  - name: restart
    description: Restart the container.
`

func TestParseGood(t *testing.T) {
	m, err := Parse([]byte(good), "manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != "container-restart" || m.Version != "1.2.0" || m.TrustLevel != Verified || m.Runtime != Python3 ||
		!slices.Equal(m.Permissions, []Permission{DockerRead, DockerRestart}) || !m.BlastRadius.MutatesState ||
		!slices.Equal(m.ActionNames(), []string{"restart"}) || !m.HasAction("restart") || m.HasAction("stop") {
		t.Fatalf("parsed %+v", m)
	}
	if got := m.Allowed(Sandboxed); !slices.Equal(got, []Permission{DockerRead}) {
		t.Errorf("Allowed(sandboxed) = %v", got)
	}
	if got := m.Allowed(Verified); !slices.Equal(got, m.Permissions) {
		t.Errorf("Allowed(verified) = %v", got)
	}
	if got := m.Allowed(Trusted); !slices.Equal(got, Known()) {
		t.Errorf("Allowed(trusted) = %v", got)
	}
}

// Each bad manifest is refused with the path of the field and the reason.
func TestParseBad(t *testing.T) {
	edit := func(old, new string) string {
		if !strings.Contains(good, old) {
			t.Fatalf("fixture has no %q", old)
		}
		return strings.Replace(good, old, new, 1)
	}
	tests := []struct {
		name, doc, want string
	}{
		{"not yaml", "id: [", "manifest.yaml: line 1: did not find expected node content"},
		{"empty", "", "manifest.yaml: is empty"},
		{"missing field", edit("author: Wingman maintainers\n", ""), "manifest.yaml: missing property 'author'"},
		{"unknown field", good + "homepage: x\n", "manifest.yaml: additional properties 'homepage' not allowed"},
		{"bad id", edit("id: container-restart", "id: Container.Restart"), "manifest.yaml: id: 'Container.Restart' does not match pattern"},
		{"version not a string", edit("version: 1.2.0", "version: 1.2"), "manifest.yaml: version: got number, want string"},
		{"version not semver", edit("version: 1.2.0", "version: 1.02.0"), "manifest.yaml: version: '1.02.0' does not match pattern"},
		{"unknown trust", edit("trust_level: verified", "trust_level: root"), "manifest.yaml: trust_level: value must be one of"},
		{"unknown runtime", edit("runtime: python3", "runtime: node"), "manifest.yaml: runtime: value must be one of"},
		{"unknown permission", edit("docker:restart]", "docker:rm]"), `manifest.yaml: permissions[1]: "docker:rm" is not a permission the broker knows`},
		{"sandboxed may only read", edit("trust_level: verified", "trust_level: sandboxed"), `manifest.yaml: permissions[1]: "docker:restart" changes state, and a sandboxed skill may only read`},
		{"mutating permission, no mutation", edit("mutates_state: true", "mutates_state: false"), `manifest.yaml: blast_radius.mutates_state: is false, but the skill asks for "docker:restart"`},
		{"entrypoint outside", edit("entrypoint: skill.py", "entrypoint: ../../bin/sh"), `manifest.yaml: entrypoint: "../../bin/sh" reaches outside the skill's folder (..)`},
		{"entrypoint absolute", edit("entrypoint: skill.py", "entrypoint: /bin/sh"), `manifest.yaml: entrypoint: "/bin/sh" is an absolute path`},
		{"entrypoint is metadata", edit("entrypoint: skill.py", "entrypoint: manifest.yaml"), `manifest.yaml: entrypoint: "manifest.yaml" is the skill's metadata`},
		{"no actions", edit("actions:\n  - name: restart\n    description: Restart the container.\n", "actions: []\n"), "manifest.yaml: actions: minItems"},
		{"action twice", good + "  - name: restart\n    description: again\n", `manifest.yaml: actions[1].name: "restart" is listed twice`},
		{"bad action name", edit("- name: restart", "- name: re.start"), "manifest.yaml: actions[0].name: 're.start' does not match pattern"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc), "manifest.yaml")
			var me *Error
			if !errors.As(err, &me) {
				t.Fatalf("Parse = %v, want an *Error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error:\n  %v\nwant it to contain:\n  %s", err, tt.want)
			}
		})
	}
}

func TestCheckPath(t *testing.T) {
	for _, ok := range []string{"skill.py", "lib/helpers.py", "README.md"} {
		if err := CheckPath(ok); err != nil {
			t.Errorf("CheckPath(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a/", ".hidden", "a/.git/config",
		"with space", "back\\slash", "c:x", "naïve.py", strings.Repeat("a", 201)} {
		if err := CheckPath(bad); err == nil {
			t.Errorf("CheckPath(%q) accepted it", bad)
		}
	}
}

// The embedded schema uses only keywords the validator implements; an
// edit that adds another fails here rather than at a worker's first
// manifest.
func TestSchemaCompiles(t *testing.T) {
	if _, err := compiled(); err != nil {
		t.Fatal(err)
	}
}
