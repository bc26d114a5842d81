//go:build unix

package broker

import (
	"fmt"
	"os"
	"syscall"
)

// Channel makes the socketpair a skill talks to the broker on: the
// broker keeps one end, and the other is handed to the skill (as
// sandbox.Spec.ExtraFiles, so it becomes fd 3). Both are close-on-exec
// here; the handing over clears that for the child's copy only.
func Channel() (broker, skill *os.File, err error) {
	// SOCK_CLOEXEC is Linux's; holding ForkLock while the flags are set,
	// as the net package does, keeps a concurrent fork from inheriting the
	// pair on every unix.
	syscall.ForkLock.RLock()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err == nil {
		syscall.CloseOnExec(fds[0])
		syscall.CloseOnExec(fds[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, nil, fmt.Errorf("broker: socketpair: %w", err)
	}
	if err := syscall.SetNonblock(fds[0], true); err != nil {
		syscall.Close(fds[0])
		syscall.Close(fds[1])
		return nil, nil, fmt.Errorf("broker: %w", err)
	}
	return os.NewFile(uintptr(fds[0]), "broker"), os.NewFile(uintptr(fds[1]), "broker-skill"), nil
}
