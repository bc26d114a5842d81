// The escape suite, continued: what the resource limits and the timeout
// stop.

package sandbox

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/plugins/internal/proctest"
)

func TestEscapeForkBomb(t *testing.T) {
	needPython(t)
	if os.Geteuid() != 0 {
		t.Skip("RLIMIT_NPROC counts every process of the uid: run as root, so that the skill runs as nobody")
	}
	scratch := openDir(t, 0o700)
	spec := pythonSpec(skillDir(t), "forkbomb.py")
	spec.Scratch = scratch
	spec.Limits.Processes = 32
	res := runSkill(t, spec)
	expect(t, res, map[string]string{"fork-bomb": "denied EAGAIN"})
	var forked int
	for _, line := range strings.Split(string(res.Stdout), "\n") {
		if n, ok := strings.CutPrefix(line, "forked "); ok {
			forked, _ = strconv.Atoi(n)
		}
	}
	if forked == 0 || forked >= 32 {
		t.Errorf("forked %d children under a limit of 32 processes", forked)
	}
	// The children outlived the bomb itself: the group kill took them.
	proctest.WaitGone(t, proctest.ReadPID(t, filepath.Join(scratch, "last.pid")))
}

func TestEscapeMemoryBomb(t *testing.T) {
	needPython(t)
	spec := pythonSpec(skillDir(t), "memory.py")
	spec.Limits.AddressSpace = 256 << 20
	res := runSkill(t, spec)
	expect(t, res, map[string]string{"memory-bomb": "denied MemoryError"})
	var held int
	for _, line := range strings.Split(string(res.Stdout), "\n") {
		if n, ok := strings.CutPrefix(line, "held MiB "); ok {
			held, _ = strconv.Atoi(n)
		}
	}
	if held >= 256 {
		t.Errorf("held %d MiB under a 256 MiB address space", held)
	}
}

func TestEscapeEndlessLoop(t *testing.T) {
	scratch := openDir(t, 0o700)
	dir := skillDir(t)
	spec := Spec{Path: "/bin/sh", Args: []string{"sh", filepath.Join(dir, "loop.sh")}, Dir: dir, Scratch: scratch, Timeout: time.Second}
	res := runSkill(t, spec)
	if !res.TimedOut || res.Signal != syscall.SIGKILL {
		t.Errorf("TimedOut %v, signal %v: want killed at the timeout", res.TimedOut, res.Signal)
	}
	// Its background child went with it.
	proctest.WaitGone(t, proctest.ReadPID(t, filepath.Join(scratch, "bg.pid")))
}

func TestEscapeCPULimit(t *testing.T) {
	needPython(t)
	spec := Spec{Path: python, Args: []string{"python3", "-c", "while True: pass"}, Dir: skillDir(t),
		Limits: Limits{CPU: time.Second}, Timeout: 30 * time.Second}
	res := runSkill(t, spec)
	if res.TimedOut || (res.Signal != syscall.SIGKILL && res.Signal != syscall.SIGXCPU) {
		t.Errorf("TimedOut %v, signal %v: want stopped by RLIMIT_CPU", res.TimedOut, res.Signal)
	}
}
