// The escape suite, continued: what only the seccomp filter's finer points
// stop (other system call ABIs, TIOCSTI), and what the kernel says of a
// sandboxed skill.

package sandbox

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/plugins/internal/proctest"
	"golang.org/x/sys/unix"
)

// A syscall through the i386 or x32 ABI kills the skill; the library's
// filter alone would let an i386 one through to its default, allow.
// TestFilterDecisions checks the same on the filter itself, for kernels
// where int 0x80 cannot be tried.
func TestEscapeOtherABIs(t *testing.T) {
	needPython(t)
	if runtime.GOARCH != "amd64" {
		t.Skip("the machine code in abi.py is x86's")
	}
	dir := skillDir(t)
	for _, abi := range []string{"i386", "x32"} {
		t.Run(abi, func(t *testing.T) {
			spec := pythonSpec(dir, "abi.py", abi)
			if abi == "i386" && !ia32Works(t, spec) {
				t.Skip("this kernel has IA-32 emulation off: int 0x80 faults outside any sandbox")
			}
			res := runSkill(t, spec)
			if res.Signal != syscall.SIGSYS {
				t.Errorf("signal %v, stdout %q: want killed by SIGSYS", res.Signal, res.Stdout)
			}
			// Without seccomp the same call goes through (x32's to ENOSYS
			// where the kernel has no x32).
			res = control(t, spec, Support{LandlockABI: full(t).LandlockABI})
			expect(t, res, map[string]string{abi: "allowed"})
		})
	}
}

// ia32Works runs spec's i386 system call outside any sandbox.
func ia32Works(t *testing.T, spec Spec) bool {
	t.Helper()
	out, err := exec.Command(spec.Path, spec.Args[1:]...).Output()
	t.Logf("outside the sandbox: %q, %v", out, err)
	return err == nil
}

func TestEscapeTIOCSTI(t *testing.T) {
	needPython(t)
	pty := openPTY(t)
	spec := pythonSpec(skillDir(t), "tty.py")
	spec.ExtraFiles = []*os.File{pty}
	res := runSkill(t, spec)
	expect(t, res, map[string]string{
		"tiocsti":           "denied EPERM",
		"tiocsti-high-bits": "denied EPERM",
		"tcgetattr":         "allowed",
	})
	res = control(t, spec, Support{LandlockABI: full(t).LandlockABI})
	expect(t, res, map[string]string{"tiocsti": "allowed"})
}

// openPTY opens a new pseudo-terminal and returns its terminal side.
func openPTY(t *testing.T) *os.File {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { ptmx.Close() })
	fd := int(ptmx.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	pts, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pts.Close() })
	return pts
}

// What the kernel says of a running skill.
func TestEscapeStatus(t *testing.T) { eachLauncher(t, testEscapeStatus) }

func testEscapeStatus(t *testing.T, launcher string) {
	needLayer(t, LayerSeccomp)
	sup, _ := Check()
	dir := skillDir(t)
	scratch := openDir(t, 0o700)
	done := make(chan error, 1)
	go func() {
		res, err := Run(context.Background(), Spec{Path: "/bin/sh", Args: []string{"sh", filepath.Join(dir, "stay.sh")},
			Dir: dir, Scratch: scratch, AllowDegraded: len(sup.Missing()) > 0, Launcher: launcher, Limits: statusLimits})
		if err == nil && res.ExitCode != 0 {
			err = fmt.Errorf("exit %d: %s", res.ExitCode, res.Stderr)
		}
		done <- err
	}()
	pid := proctest.ReadPID(t, filepath.Join(scratch, "pid"))
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	limits, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/limits")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(scratch, "go"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Error(err)
	}
	fields := map[string]string{}
	for _, line := range strings.Split(string(status), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			fields[k] = strings.Join(strings.Fields(v), " ")
		}
	}
	want := map[string]string{"NoNewPrivs": "1", "Seccomp": "2", "CapEff": "0000000000000000", "CapAmb": "0000000000000000"}
	if os.Geteuid() == 0 {
		want["Uid"] = "65534 65534 65534 65534"
		want["Groups"] = ""
	}
	for k, v := range want {
		if fields[k] != v {
			t.Errorf("%s: %q, want %q", k, fields[k], v)
		}
	}
	// Every limit, soft and hard alike. A worker that is not root may
	// start below one already, which is kept.
	if os.Geteuid() != 0 {
		return
	}
	for name, v := range map[string]uint64{
		"Max cpu time": 7, "Max file size": statusLimits.FileSize, "Max processes": statusLimits.Processes,
		"Max open files": statusLimits.OpenFiles, "Max address space": statusLimits.AddressSpace, "Max core file size": 0,
	} {
		line := ""
		for _, l := range strings.Split(string(limits), "\n") {
			if strings.HasPrefix(l, name+"  ") {
				line = l
			}
		}
		f := strings.Fields(strings.TrimPrefix(line, name))
		if want := strconv.FormatUint(v, 10); len(f) < 2 || f[0] != want || f[1] != want {
			t.Errorf("%s: %q, want soft and hard %s", name, line, want)
		}
	}
}

// statusLimits are unlike the defaults, to be found in /proc/<pid>/limits.
var statusLimits = Limits{CPU: 7 * time.Second, AddressSpace: 700 << 20, FileSize: 3 << 20, OpenFiles: 61, Processes: 29}
