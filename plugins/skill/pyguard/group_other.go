//go:build !unix

package pyguard

import (
	"errors"
	"os"
	"syscall"
)

// groupAttr is nil where there are no process groups: only the skill
// itself is killed there, not what it started (which the guard refuses).
func groupAttr() *syscall.SysProcAttr { return nil }

func killGroup(p *os.Process) error {
	if err := p.Kill(); !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	return nil
}
