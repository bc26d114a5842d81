// The launcher: the half of the sandbox that runs in the child, confines
// itself and becomes the skill.

package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// exitLaunchFailed is the launcher's exit status when it could not confine
// itself; the reason is on the status pipe.
const exitLaunchFailed = 126

// Main makes the running binary the sandbox's launcher when Run started
// it as one, and otherwise returns at once. A binary that runs skills calls
// it first thing in main, before flags are parsed or anything is started; a
// test binary calls it first in TestMain. In a launcher it never returns:
// it execs the skill or exits with status 126.
func Main() {
	if len(os.Args) != 3 || os.Args[1] != launchArg {
		return
	}
	n, err := strconv.Atoi(os.Args[2])
	if err != nil || n < 0 {
		fmt.Fprintf(os.Stderr, "sandbox launcher: bad descriptor count %q\n", os.Args[2])
		os.Exit(exitLaunchFailed)
	}
	base := 3 + n
	ex, err := launch(base)
	if err == nil {
		ex.run() // never returns
	}
	status := os.NewFile(uintptr(base+statusFD), "sandbox-status")
	if _, werr := status.WriteString(err.Error()); werr != nil {
		fmt.Fprintln(os.Stderr, "sandbox launcher:", err)
	}
	os.Exit(exitLaunchFailed)
}

// launch confines the process and readies the skill's execve, which must
// follow at once.
func launch(base int) (*execve, error) {
	// Never unlocked: this thread is the one restricted, and the one that
	// execs.
	runtime.LockOSThread()

	cfg, err := readConfig(os.NewFile(uintptr(base+configFD), "sandbox-config"))
	if err != nil {
		return nil, err
	}
	// Only stdio and the caller's ExtraFiles may reach the skill: not the
	// status pipe, nor anything the worker itself inherited without
	// close-on-exec.
	if err := closeOnExecFrom(base); err != nil {
		return nil, err
	}
	if err := setLimits(cfg.Limits); err != nil {
		return nil, err
	}
	// A worker that is not root may still hold ambient capabilities, which
	// would survive execve.
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil {
		return nil, fmt.Errorf("clear ambient capabilities: %w", err)
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return nil, fmt.Errorf("no_new_privs: %w", err)
	}
	if cfg.Landlock {
		if err := applyLandlock(cfg); err != nil {
			return nil, err
		}
	}
	if len(cfg.Seccomp) > 0 {
		if err := loadSeccomp(cfg.Seccomp); err != nil {
			return nil, err
		}
	}
	// Once the last limits are set the runtime may fail to map memory or
	// start a thread, fatally: everything execve needs, and the report of
	// its failure, is made beforehand, and nothing after allocates.
	ex, err := prepareExec(cfg, base+statusFD)
	if err != nil {
		return nil, err
	}
	if err := setLastLimits(cfg.Limits); err != nil {
		return nil, err
	}
	return ex, nil
}

// execve is an execve(2) ready to be made without allocating.
type execve struct {
	path       *byte
	argv, envv []*byte
	status     int    // where to report a failure
	report     []byte // its start, with room for the error
}

func prepareExec(cfg launchConfig, status int) (*execve, error) {
	path, err := syscall.BytePtrFromString(cfg.Path)
	if err != nil {
		return nil, fmt.Errorf("exec %q: %w", cfg.Path, err)
	}
	argv, err := syscall.SlicePtrFromStrings(cfg.Argv)
	if err != nil {
		return nil, fmt.Errorf("exec %q: arguments: %w", cfg.Path, err)
	}
	envv, err := syscall.SlicePtrFromStrings(cfg.Env)
	if err != nil {
		return nil, fmt.Errorf("exec %q: environment: %w", cfg.Path, err)
	}
	prefix := "exec " + cfg.Path + ": "
	report := append(make([]byte, 0, len(prefix)+128), prefix...)
	return &execve{path: path, argv: argv, envv: envv, status: status, report: report}, nil
}

// run becomes the skill; when execve fails it reports why on the status
// pipe and exits. Raw system calls: no allocation, and no hand-off of the
// thread that could make the runtime start another.
func (e *execve) run() {
	_, _, errno := syscall.RawSyscall(syscall.SYS_EXECVE, uintptr(unsafe.Pointer(e.path)),
		uintptr(unsafe.Pointer(&e.argv[0])), uintptr(unsafe.Pointer(&e.envv[0])))
	msg := append(e.report, errno.Error()...)
	_, _, _ = syscall.RawSyscall(syscall.SYS_WRITE, uintptr(e.status),
		uintptr(unsafe.Pointer(&msg[0])), uintptr(len(msg)))
	syscall.Exit(exitLaunchFailed)
}

func readConfig(f *os.File) (launchConfig, error) {
	defer f.Close()
	var cfg launchConfig
	if err := json.NewDecoder(f).Decode(&cfg); err != nil {
		return cfg, fmt.Errorf("read launch config: %w", err)
	}
	return cfg, nil
}

// closeOnExecFrom marks every descriptor from first on close-on-exec.
func closeOnExecFrom(first int) error {
	err := unix.CloseRange(uint(first), math.MaxUint32, unix.CLOSE_RANGE_CLOEXEC)
	if err == nil {
		return nil
	}
	// Kernels before 5.11 lack the flag.
	entries, rerr := os.ReadDir("/proc/self/fd")
	if rerr != nil {
		return fmt.Errorf("close-on-exec: %w", errors.Join(err, rerr))
	}
	for _, e := range entries {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd >= first {
			syscall.CloseOnExec(fd)
		}
	}
	return nil
}
