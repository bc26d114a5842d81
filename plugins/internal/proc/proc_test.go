package proc

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/plugins/internal/proctest"
)

func bash(t *testing.T) string {
	t.Helper()
	path, err := LookPath("bash")
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunStdinStdoutStderr(t *testing.T) {
	var out, errOut bytes.Buffer
	err := Run(context.Background(), Spec{
		Path:   bash(t),
		Args:   []string{"bash", "-c", `cat; echo to-stderr >&2; exit 3`},
		Stdin:  []byte("from stdin\n"),
		Stdout: &out,
		Stderr: &errOut,
	})
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("Run = %v, want exit status 3", err)
	}
	if out.String() != "from stdin\n" || errOut.String() != "to-stderr\n" {
		t.Fatalf("stdout %q, stderr %q", out.String(), errOut.String())
	}
}

// A child that never reads a stdin larger than the pipe's buffer must not
// hold Run up.
func TestRunUnreadStdin(t *testing.T) {
	var out bytes.Buffer
	err := Run(context.Background(), Spec{
		Path:   bash(t),
		Args:   []string{"bash", "-c", "echo ignored stdin"},
		Stdin:  bytes.Repeat([]byte("x"), 1<<20),
		Stdout: &out,
	})
	if err != nil || out.String() != "ignored stdin\n" {
		t.Fatalf("Run = %v, output %q", err, out.String())
	}
}

func TestRunRefusesPathAndHome(t *testing.T) {
	for _, k := range []string{"PATH", "HOME"} {
		err := Run(context.Background(), Spec{Path: bash(t), Args: []string{"bash", "-c", "true"}, Env: map[string]string{k: "/tmp"}, Stdout: &bytes.Buffer{}})
		if err == nil || !strings.Contains(err.Error(), "may not set "+k) {
			t.Errorf("Env %s: Run = %v", k, err)
		}
	}
}

// The directories are removed even when the child locked itself out of
// one of them.
func TestRunRemovesDirectories(t *testing.T) {
	var out bytes.Buffer
	err := Run(context.Background(), Spec{
		Path:   bash(t),
		Args:   []string{"bash", "-c", `mkdir -p locked/inner && touch locked/inner/f && chmod 000 locked/inner locked && pwd && echo "$HOME"`},
		Stdout: &out,
	})
	if err != nil {
		t.Fatalf("Run: %v (%s)", err, out.String())
	}
	dirs := strings.Fields(out.String())
	if len(dirs) != 2 {
		t.Fatalf("output %q, want the working directory and HOME", out.String())
	}
	for _, d := range append(dirs, filepath.Dir(dirs[0])) {
		if _, err := os.Stat(d); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left behind: %v", d, err)
		}
	}
}

// A process that left the group with setsid cannot be killed with it; if
// it keeps the output pipe open, Run stops waiting for it after
// drainTimeout.
func TestRunEscapedProcessDoesNotHang(t *testing.T) {
	setsid, err := LookPath("setsid")
	if err != nil {
		t.Skip(err)
	}
	pidfile := filepath.Join(t.TempDir(), "pid")
	var out bytes.Buffer
	start := time.Now()
	err = Run(context.Background(), Spec{
		Path: bash(t),
		Args: []string{"bash", "-c", setsid + ` bash -c 'echo $$ > "$PIDFILE"; exec sleep 100' &
			until [ -s "$PIDFILE" ]; do sleep 0.01; done; echo started`},
		Env:    map[string]string{"PIDFILE": pidfile},
		Stdout: &out,
	})
	pid := proctest.ReadPID(t, pidfile)
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
	if err != nil || !strings.Contains(out.String(), "started") {
		t.Fatalf("Run = %v, output %q", err, out.String())
	}
	if d := time.Since(start); d > drainTimeout+20*time.Second {
		t.Fatalf("Run took %s", d)
	}
}
