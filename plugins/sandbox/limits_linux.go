// Resource limits: the confinement every Linux kernel offers, applied by
// the launcher.

package sandbox

import (
	"fmt"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// rlimit is one limit to set.
type rlimit struct {
	name     string
	resource int
	value    uint64
}

// setLimits sets the limits the launcher itself cannot run into.
func setLimits(l Limits) error {
	return setAll([]rlimit{
		{"RLIMIT_CPU", unix.RLIMIT_CPU, uint64((l.CPU + time.Second - 1) / time.Second)},
		{"RLIMIT_FSIZE", unix.RLIMIT_FSIZE, l.FileSize},
		{"RLIMIT_NOFILE", unix.RLIMIT_NOFILE, l.OpenFiles},
		// A core dump would write the skill's memory where it cannot
		// otherwise write, and nobody reads it.
		{"RLIMIT_CORE", unix.RLIMIT_CORE, 0},
	})
}

// setLastLimits sets the limits that could stop the launcher's own Go
// runtime, which may still map memory or start a thread (and the skill's
// uid may already be near its process count, shared by every skill running
// as it): they are set just before execve.
func setLastLimits(l Limits) error {
	return setAll([]rlimit{
		{"RLIMIT_NPROC", unix.RLIMIT_NPROC, l.Processes},
		{"RLIMIT_AS", unix.RLIMIT_AS, l.AddressSpace},
	})
}

// setAll sets each limit, soft and hard alike, so the skill cannot raise
// them again. A hard limit already lower than asked is kept: only root may
// raise one. It goes through package syscall, not unix: for RLIMIT_NOFILE
// that tells the runtime not to restore its own start-up value at execve.
func setAll(limits []rlimit) error {
	for _, r := range limits {
		var old syscall.Rlimit
		if err := syscall.Getrlimit(r.resource, &old); err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}
		v := min(r.value, old.Max)
		if err := syscall.Setrlimit(r.resource, &syscall.Rlimit{Cur: v, Max: v}); err != nil {
			return fmt.Errorf("%s: %w", r.name, err)
		}
	}
	return nil
}
