//go:build unix

package proc

import (
	"os"
	"syscall"
)

func groupAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// killGroup kills the process group p leads. Called after p was reaped it
// still reaches whatever p left running in the group, since the group keeps
// its ID while any member lives; when none does the kill finds nothing.
func killGroup(p *os.Process) {
	_ = syscall.Kill(-p.Pid, syscall.SIGKILL)
}
