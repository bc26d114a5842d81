// Resource limits: the confinement every Linux kernel offers, set by the
// launcher.

package sandbox

import (
	"time"

	"github.com/wingman-dev/wingman/plugins/sandbox/launch"
	"golang.org/x/sys/unix"
)

// rlimits are the launcher's orders for l: first the limits the launcher
// itself cannot run into, then those that could stop its own Go runtime,
// which may still map memory or start a thread (and the skill's uid may
// already be near its process count, shared by every skill running as
// it): the launcher sets those just before execve.
func (l Limits) rlimits() (first, last []launch.Rlimit) {
	first = []launch.Rlimit{
		{Resource: unix.RLIMIT_CPU, Value: uint64((l.CPU + time.Second - 1) / time.Second)},
		{Resource: unix.RLIMIT_FSIZE, Value: l.FileSize},
		{Resource: unix.RLIMIT_NOFILE, Value: l.OpenFiles},
		// A core dump would write the skill's memory where it cannot
		// otherwise write, and nobody reads it.
		{Resource: unix.RLIMIT_CORE, Value: 0},
	}
	last = []launch.Rlimit{
		{Resource: unix.RLIMIT_NPROC, Value: l.Processes},
		{Resource: unix.RLIMIT_AS, Value: l.AddressSpace},
	}
	return first, last
}
