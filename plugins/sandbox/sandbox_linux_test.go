// What Run promises a caller, apart from the escapes: the environment,
// the output, the broker channel, the refusal and the degraded marking.

package sandbox

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/plugins/internal/proc"
	"github.com/wingman-dev/wingman/plugins/internal/proctest"
	"golang.org/x/sys/unix"
)

func TestCheck(t *testing.T) {
	sup, err := Check()
	if err != nil {
		t.Fatal(err)
	}
	var uname unix.Utsname
	_ = unix.Uname(&uname)
	t.Logf("kernel %s: Landlock ABI %d, seccomp %v, missing %v",
		unix.ByteSliceToString(uname.Release[:]), sup.LandlockABI, sup.Seccomp, sup.Missing())
}

func TestRunEnvironmentAndExit(t *testing.T) {
	t.Setenv("WINGMAN_TEST_SECRET", "must not reach the skill")
	res := runSkill(t, Spec{
		Path: "/bin/sh",
		// PWD is the shell's own, from its working directory.
		Args: []string{"sh", "-c", "env | sort; echo to stderr >&2; exit 3"},
		Dir:  skillDir(t),
		Env:  map[string]string{"SKILL_PARAM": "42", "LANG": "C"},
	})
	got := strings.Split(strings.TrimSpace(string(res.Stdout)), "\n")
	var scratch string
	for _, kv := range got {
		if v, ok := strings.CutPrefix(kv, "HOME="); ok {
			scratch = v
		}
	}
	want := []string{"HOME=" + scratch, "LANG=C", "PATH=" + proc.SafePath, "PWD=" + scratch, "SKILL_PARAM=42", "TMPDIR=" + scratch}
	if scratch == "" || !slices.Equal(got, want) {
		t.Errorf("environment %q, want %q", got, want)
	}
	if res.ExitCode != 3 || res.Signal != 0 || string(res.Stderr) != "to stderr\n" {
		t.Errorf("exit %d, signal %v, stderr %q", res.ExitCode, res.Signal, res.Stderr)
	}
	if _, err := os.Stat(scratch); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the scratch folder Run made is still there: %v", err)
	}
}

func TestRunRefusesBadSpec(t *testing.T) {
	for name, s := range map[string]Spec{
		"relative path":   {Path: "python3", Dir: "/usr"},
		"relative folder": {Path: python, Dir: "skills"},
		"PATH":            {Path: python, Dir: "/usr", Env: map[string]string{"PATH": "/tmp"}},
		"HOME":            {Path: python, Dir: "/usr", Env: map[string]string{"HOME": "/root"}},
	} {
		if _, err := Run(context.Background(), s); err == nil {
			t.Errorf("%s: Run did not refuse", name)
		}
	}
}

func TestRunOutputCapped(t *testing.T) {
	needPython(t)
	res := runSkill(t, Spec{
		Path:      python,
		Args:      []string{"python3", "-c", `import sys; sys.stdout.write("x" * (3 << 20)); sys.stderr.write("short")`},
		Dir:       skillDir(t),
		MaxOutput: 1024,
	})
	if len(res.Stdout) != 1024 || !res.StdoutTruncated {
		t.Errorf("stdout: %d bytes, truncated %v", len(res.Stdout), res.StdoutTruncated)
	}
	if string(res.Stderr) != "short" || res.StderrTruncated {
		t.Errorf("stderr %q, truncated %v", res.Stderr, res.StderrTruncated)
	}
	if res.ExitCode != 0 {
		t.Errorf("exit %d: the skill was held up by the cap", res.ExitCode)
	}
}

// The broker channel is an inherited socket: the skill talks on it, though
// it may open no socket of its own.
func TestRunBrokerChannel(t *testing.T) {
	needPython(t)
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	worker, skill := os.NewFile(uintptr(fds[0]), "broker"), os.NewFile(uintptr(fds[1]), "broker-skill")
	defer worker.Close()
	defer skill.Close()
	go func() {
		req, err := bufio.NewReader(worker).ReadString('\n')
		if err == nil {
			fmt.Fprintf(worker, `{"ok":true,"echo":%q}`+"\n", strings.TrimSpace(req))
		}
	}()
	res := runSkill(t, Spec{
		Path: python,
		Args: []string{"python3", "-c", `import os
os.write(3, b'{"call":"docker.list"}\n')
print(os.read(3, 4096).decode().strip())`},
		Dir:        skillDir(t),
		ExtraFiles: []*os.File{skill},
	})
	if want := `{"ok":true,"echo":"{\"call\":\"docker.list\"}"}`; strings.TrimSpace(string(res.Stdout)) != want {
		t.Errorf("stdout %q, want %q", res.Stdout, want)
	}
}

// Only stdio and ExtraFiles reach the skill: not the launcher's pipes, nor
// a descriptor the worker holds without close-on-exec.
func TestRunNoLeakedDescriptors(t *testing.T) { eachLauncher(t, testRunNoLeakedDescriptors) }

func testRunNoLeakedDescriptors(t *testing.T, launcher string) {
	needPython(t)
	leak, err := syscall.Open("/dev/null", syscall.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(leak)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	res := runSkill(t, Spec{
		Path: python,
		Args: []string{"python3", "-c", `import os
fds = []
for fd in range(3, 1024):
    try:
        os.fstat(fd)
        fds.append(fd)
    except OSError:
        pass
print(fds)`},
		Dir:        skillDir(t),
		ExtraFiles: []*os.File{w},
		Launcher:   launcher,
	})
	if got := strings.TrimSpace(string(res.Stdout)); got != "[3]" {
		t.Errorf("open descriptors %s, want [3] (the worker leaked %d)", got, leak)
	}
}

// Each kernel short of a layer is simulated by taking that layer from what
// this one has.
func TestRunRefusesOrMarksDegraded(t *testing.T) {
	real := full(t)
	dir := skillDir(t)
	for _, sup := range []Support{
		{LandlockABI: 0, Seccomp: real.Seccomp},
		{LandlockABI: real.LandlockABI, Seccomp: false},
		{},
	} {
		t.Run(strings.Join(sup.Missing(), "+"), func(t *testing.T) {
			spec := Spec{Path: "/bin/true", Dir: dir}
			_, err := run(context.Background(), spec, sup)
			if !errors.Is(err, ErrUnsupported) {
				t.Fatalf("Run = %v, want ErrUnsupported", err)
			}
			for _, layer := range sup.Missing() {
				if !strings.Contains(err.Error(), layer) {
					t.Errorf("the refusal %q does not name %s", err, layer)
				}
			}

			var logged bytes.Buffer
			spec.AllowDegraded = true
			spec.Logger = slog.New(slog.NewTextHandler(&logged, nil))
			res, err := run(context.Background(), spec, sup)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Degraded || !slices.Equal(res.Missing, sup.Missing()) || res.ExitCode != 0 {
				t.Errorf("Degraded %v, Missing %v, exit %d", res.Degraded, res.Missing, res.ExitCode)
			}
			if (res.LandlockABI == 0) != (sup.LandlockABI == 0) {
				t.Errorf("LandlockABI %d on a kernel with %d", res.LandlockABI, sup.LandlockABI)
			}
			if !strings.Contains(logged.String(), "sandbox degraded") {
				t.Errorf("a degraded run was not logged: %q", logged.String())
			}
		})
	}

	res, err := run(context.Background(), Spec{Path: "/bin/true", Dir: dir}, real)
	if err != nil || res.Degraded || res.Missing != nil || res.LandlockABI != real.LandlockABI {
		t.Errorf("full sandbox: %+v, %v", res, err)
	}
}

func TestRunLaunchFailures(t *testing.T) {
	dir := skillDir(t)
	_, err := Run(context.Background(), Spec{Path: "/nonexistent/skill", Dir: dir})
	if !errors.Is(err, ErrLaunch) || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing executable: %v", err)
	}

	needLayer(t, LayerLandlock)
	// A binary outside the folders the sandbox allows cannot be run.
	outside, _ := outsideDir(t)
	b, err := os.ReadFile("/bin/true")
	if err != nil {
		t.Fatal(err)
	}
	stray := filepath.Join(outside, "true")
	if err := os.WriteFile(stray, b, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), Spec{Path: stray, Dir: dir})
	if !errors.Is(err, ErrLaunch) || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("executable outside the sandbox: %v", err)
	}
}

// A caller's cancellation ends the run with an error, and the skill's whole
// group with it.
func TestRunCancelled(t *testing.T) {
	dir := skillDir(t)
	scratch := openDir(t, 0o700)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := Run(ctx, Spec{Path: "/bin/sh", Args: []string{"sh", filepath.Join(dir, "loop.sh")}, Dir: dir, Scratch: scratch})
		done <- err
	}()
	bg := proctest.ReadPID(t, filepath.Join(scratch, "bg.pid"))
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
	case <-time.After(proctest.Patience):
		t.Fatal("Run did not return after its context was cancelled")
	}
	proctest.WaitGone(t, bg)
}

// Limits far below what the launcher's Go runtime holds still let a skill
// start: the launcher sets them last and allocates nothing after (before
// it did, a heap that had to grow at that moment crashed it, now and then).
func TestRunLimitsBelowTheLaunchers(t *testing.T) {
	dir := skillDir(t)
	for range 10 {
		res := runSkill(t, Spec{Path: "/bin/true", Dir: dir, Limits: Limits{AddressSpace: 32 << 20, Processes: 1}})
		if res.ExitCode != 0 {
			t.Fatalf("exit %d, signal %v, stderr %q", res.ExitCode, res.Signal, res.Stderr)
		}
	}
}
