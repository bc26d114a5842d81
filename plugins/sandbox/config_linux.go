// The orders the parent hands the launcher, and where the launcher finds
// them.

package sandbox

import "golang.org/x/sys/unix"

// launchArg is the hidden argument that turns a binary calling Main into
// the launcher. It is no flag any of our commands takes.
const launchArg = "__wingman_sandbox_launcher__"

// The launcher's file descriptors: 0-2 are the skill's stdio, then the
// caller's ExtraFiles (their number is the argument after launchArg), then
// these two, which the skill never sees.
const (
	// configFD (offset from 3+len(ExtraFiles)) is a pipe carrying one
	// launchConfig as JSON, so that nothing of it is in the launcher's
	// argv or environment for another process to read.
	configFD = 0
	// statusFD is a close-on-exec pipe on which the launcher writes why it
	// failed. The parent reading EOF with nothing before it means execve
	// succeeded.
	statusFD = 1
)

// launchConfig is what the launcher applies before it execs the skill.
type launchConfig struct {
	Path     string
	Argv     []string
	Env      []string
	ReadOnly []string // the skill's folder and Spec.ReadOnly
	Scratch  string
	Limits   Limits
	Landlock bool
	// Seccomp is the filter to load, assembled by the worker; none when
	// empty.
	Seccomp []unix.SockFilter
}
