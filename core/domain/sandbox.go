// The sandbox a worker confines its skills in, as its heartbeat reports it
// and as every UI shows it.

package domain

import (
	"fmt"
	"strings"
)

// SandboxMode is how a worker can confine the skills it runs.
type SandboxMode string

// Sandbox modes. Only the first four are sent.
const (
	// SandboxFull: the kernel has every layer of the sandbox.
	SandboxFull SandboxMode = "full"
	// SandboxDegraded: the kernel lacks layers and an admin allowed skills
	// to run without them (SKILLS_ALLOW_DEGRADED_SANDBOX): they run less
	// confined.
	SandboxDegraded SandboxMode = "degraded"
	// SandboxOff: the kernel lacks layers and no admin allowed a degraded
	// sandbox, so the worker runs no skill.
	SandboxOff SandboxMode = "off"
	// SandboxFallback: the worker is not on Linux, which has neither
	// Landlock nor seccomp; skills get only the fallback that lives beside
	// plugins/sandbox.
	SandboxFallback SandboxMode = "fallback"
	// SandboxUnknown is what a reader makes of a sandbox capability it
	// cannot parse (a newer worker's, or a broken one's): shown, so that
	// what a worker said about its sandbox is never silently dropped.
	SandboxUnknown SandboxMode = "unknown"
)

// SandboxState is a worker's sandbox.
//
// It travels as one of the heartbeat's capabilities, which the control
// plane already stores and serves, so neither the envelope nor the store
// changes, and a worker older than this report simply has none:
//
//	sandbox:full
//	sandbox:degraded:landlock           the missing layers, comma-separated
//	sandbox:off:landlock,seccomp
//	sandbox:off                         the worker could not probe its kernel
//	sandbox:fallback
type SandboxState struct {
	Mode SandboxMode `json:"mode"`
	// Missing are the layers the kernel lacks, as plugins/sandbox names
	// them ("landlock", "seccomp"); only degraded and off have any.
	Missing []string `json:"missing,omitempty"`
}

// sandboxPrefix starts the capability that carries a SandboxState.
const sandboxPrefix = "sandbox:"

// maxSandboxCapability bounds the capability: a worker has two layers, so
// anything longer is not a worker's report.
const maxSandboxCapability = 128

// Capability encodes s as the heartbeat capability ParseSandbox reads.
func (s SandboxState) Capability() string {
	c := sandboxPrefix + string(s.Mode)
	if len(s.Missing) > 0 {
		c += ":" + strings.Join(s.Missing, ",")
	}
	return c
}

// ParseSandbox decodes the capability Capability makes. Layer names are
// checked to be lowercase words because UIs print them, terminals included:
// a worker must not be able to send escape sequences to an admin's screen.
func ParseSandbox(capability string) (SandboxState, error) {
	fail := func(why string) (SandboxState, error) {
		return SandboxState{}, fmt.Errorf("sandbox capability %.40q: %s: %w", capability, why, ErrInvalid)
	}
	if len(capability) > maxSandboxCapability {
		return fail(fmt.Sprintf("longer than %d bytes", maxSandboxCapability))
	}
	rest, ok := strings.CutPrefix(capability, sandboxPrefix)
	if !ok {
		return fail("no " + sandboxPrefix + " prefix")
	}
	mode, layers, hasLayers := strings.Cut(rest, ":")
	s := SandboxState{Mode: SandboxMode(mode)}
	if hasLayers {
		s.Missing = strings.Split(layers, ",")
		for _, l := range s.Missing {
			if !layerName(l) {
				return fail(fmt.Sprintf("layer %q is not a lowercase word", l))
			}
		}
	}
	switch s.Mode {
	case SandboxFull, SandboxFallback:
		if hasLayers {
			return fail(mode + " lacks no layer")
		}
	case SandboxDegraded:
		if !hasLayers {
			return fail("degraded names no missing layer")
		}
	case SandboxOff:
	default:
		return fail(fmt.Sprintf("mode %q is not full, degraded, off or fallback", mode))
	}
	return s, nil
}

// layerName reports whether l is a non-empty run of a-z, 0-9 and '-'.
func layerName(l string) bool {
	for _, r := range l {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
			return false
		}
	}
	return l != ""
}

// SandboxOf finds the sandbox among a worker's capabilities: nil when it
// reported none, SandboxUnknown when it reported one that does not parse.
func SandboxOf(capabilities []string) *SandboxState {
	for _, c := range capabilities {
		if !strings.HasPrefix(c, sandboxPrefix) {
			continue
		}
		s, err := ParseSandbox(c)
		if err != nil {
			s = SandboxState{Mode: SandboxUnknown}
		}
		return &s
	}
	return nil
}

// String is how every UI shows s: "full", "DEGRADED (landlock)", "off
// (landlock, seccomp)", "fallback". Degraded is in capitals because skills
// do run there, with less confinement than their manifests were trusted
// for.
func (s SandboxState) String() string {
	missing := "(" + strings.Join(s.Missing, ", ") + ")"
	switch s.Mode {
	case SandboxDegraded:
		return "DEGRADED " + missing
	case SandboxOff:
		if len(s.Missing) == 0 {
			return "off (kernel probe failed)"
		}
		return "off " + missing
	}
	return string(s.Mode)
}

// Warn reports whether UIs must show s as a warning: skills run less
// confined, do not run at all, or the worker's report is unreadable.
func (s SandboxState) Warn() bool {
	return s.Mode == SandboxDegraded || s.Mode == SandboxOff || s.Mode == SandboxUnknown
}
