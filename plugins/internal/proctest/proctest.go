//go:build unix

// Package proctest helps tests check that the processes a plugin started
// are gone.
package proctest

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Patience is how long the helpers poll: long enough for a loaded machine,
// and only ever spent when the test is failing.
const Patience = 20 * time.Second

// ReadPID waits for path to hold a process ID, as a script writes it with
// `echo $! > path`, and returns it.
func ReadPID(t testing.TB, path string) int {
	t.Helper()
	deadline := time.Now().Add(Patience)
	for {
		b, err := os.ReadFile(path)
		if err == nil && strings.HasSuffix(string(b), "\n") {
			pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				t.Fatalf("pidfile %s: %v", path, err)
			}
			return pid
		}
		if time.Now().After(deadline) {
			t.Fatalf("pidfile %s not written after %s (last error: %v)", path, Patience, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Alive reports whether process pid exists and is not a zombie: a killed
// process whose parent died stays a zombie until init reaps it, which in
// a container may be never.
func Alive(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		// Without procfs, trust kill; with it, the process just went.
		_, noProc := os.Stat("/proc/self")
		return noProc != nil
	}
	// The state follows the parenthesised command name, which may itself
	// hold spaces or parentheses.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

// WaitGone fails the test unless process pid is gone within Patience.
func WaitGone(t testing.TB, pid int) {
	t.Helper()
	deadline := time.Now().Add(Patience)
	for Alive(pid) {
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL) // leave nothing behind
			t.Fatalf("process %d still alive after %s", pid, Patience)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
