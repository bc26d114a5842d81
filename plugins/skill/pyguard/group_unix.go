//go:build unix

package pyguard

import (
	"errors"
	"os"
	"syscall"
)

// groupAttr starts the skill in a session of its own: a process group for
// the timeout to kill, and no controlling terminal to type into.
func groupAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }

// killGroup kills the process group p leads. After p was reaped it still
// reaches whatever p left in the group, which keeps its ID while any member
// lives; when none does, there is nothing to find.
func killGroup(p *os.Process) error {
	err := syscall.Kill(-p.Pid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}
