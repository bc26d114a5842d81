// Package manifest reads a skill's manifest.yaml: who the skill is, what
// it may touch (its permissions), how far its actions reach (its blast
// radius), how it runs, and the trust level it claims. A manifest is
// checked against an embedded JSON Schema and then for what a schema
// cannot say (a permission that exists, an entrypoint inside the skill's
// folder, read-only permissions for a sandboxed skill); a bad one is
// refused with the path of what is wrong and why.
package manifest

import (
	"github.com/wingman-dev/wingman/core/domain"
)

// FileName is the manifest's name inside a skill's folder.
const FileName = "manifest.yaml"

// Trust is the trust level of a skill.
type Trust string

// Trust levels, from least to most trusted.
const (
	// Sandboxed skills are community or unsigned: read-only permissions,
	// and their actions never run nor appear in a plan.
	Sandboxed Trust = "sandboxed"
	// Verified skills are signed with a pinned maintainer key and may use
	// exactly the permissions they declare.
	Verified Trust = "verified"
	// Trusted skills ship with Wingman (skills/core); they may use every
	// permission. Nothing fetched from the marketplace is ever trusted.
	Trusted Trust = "trusted"
)

// Runtime says how a skill's entrypoint is started.
type Runtime string

// Runtimes.
const (
	Python3 Runtime = "python3"
	Bash    Runtime = "bash"
	Binary  Runtime = "binary"
)

// Manifest is a skill's manifest.yaml.
type Manifest struct {
	ID          string             `yaml:"id" json:"id"`
	Name        string             `yaml:"name" json:"name"`
	Version     string             `yaml:"version" json:"version"`
	Author      string             `yaml:"author" json:"author"`
	Description string             `yaml:"description" json:"description"`
	TrustLevel  Trust              `yaml:"trust_level" json:"trust_level"`
	Runtime     Runtime            `yaml:"runtime" json:"runtime"`
	Entrypoint  string             `yaml:"entrypoint" json:"entrypoint"`
	Permissions []Permission       `yaml:"permissions" json:"permissions"`
	BlastRadius domain.BlastRadius `yaml:"blast_radius" json:"blast_radius"`
	Actions     []Action           `yaml:"actions" json:"actions"`
}

// Action is one thing a skill offers to do, as a plan names it
// ("<skill id>.<action name>").
type Action struct {
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description" json:"description"`
}

// ActionNames lists the names of m's actions in manifest order.
func (m *Manifest) ActionNames() []string {
	names := make([]string, len(m.Actions))
	for i, a := range m.Actions {
		names[i] = a.Name
	}
	return names
}

// HasAction reports whether m offers the action called name.
func (m *Manifest) HasAction(name string) bool {
	for _, a := range m.Actions {
		if a.Name == name {
			return true
		}
	}
	return false
}

// Allowed returns the permissions a skill of trust level t may use: every
// known one when trusted, the declared ones when verified, and the
// declared read-only ones when sandboxed. The broker checks each call
// against this set.
func (m *Manifest) Allowed(t Trust) []Permission {
	switch t {
	case Trusted:
		return Known()
	case Verified:
		return append([]Permission(nil), m.Permissions...)
	}
	var out []Permission
	for _, p := range m.Permissions {
		if p.ReadOnly() {
			out = append(out, p)
		}
	}
	return out
}
