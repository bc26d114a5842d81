//go:build !unix

package proc

import (
	"os"
	"syscall"
)

// groupAttr is nil where there are no process groups: only the child
// itself is killed there, not what it started.
func groupAttr() *syscall.SysProcAttr { return nil }

func killGroup(p *os.Process) { _ = p.Kill() }
