// The launcher proper: confine this process and exec the skill from it.

package launch

import (
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

// Main makes the running binary the sandbox's launcher when the worker
// started it as one, and otherwise returns at once. A binary that may be
// started as the launcher calls it first thing in main, before flags are
// parsed or anything is started. In a launcher it never returns: it execs
// the skill or exits with ExitFailed.
func Main() {
	if len(os.Args) != 3 || os.Args[1] != Arg {
		return
	}
	n, err := strconv.Atoi(os.Args[2])
	if err != nil || n < 0 {
		_, _ = os.Stderr.WriteString("sandbox launcher: bad descriptor count " + strconv.Quote(os.Args[2]) + "\n")
		os.Exit(ExitFailed)
	}
	base := 3 + n
	ex, err := confine(base)
	if err == nil {
		ex.run() // never returns
	}
	if _, werr := syscall.Write(base+StatusFD, []byte(err.Error())); werr != nil {
		_, _ = os.Stderr.WriteString("sandbox launcher: " + err.Error() + "\n")
	}
	os.Exit(ExitFailed)
}

// confine confines the process and readies the skill's execve, which must
// follow at once.
func confine(base int) (*execve, error) {
	// Never unlocked: this thread is the one restricted, and the one that
	// execs. Whatever the runtime's other threads are, execve leaves only
	// this one.
	runtime.LockOSThread()

	cfg, err := readConfig(base + ConfigFD)
	if err != nil {
		return nil, err
	}
	// Only stdio and the caller's extra files may reach the skill: not the
	// status pipe or the ruleset, nor anything the worker itself inherited
	// without close-on-exec.
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
		if err := restrictSelf(base+RulesetFD, cfg.LandlockFlags); err != nil {
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
	ex, err := prepareExec(cfg, base+StatusFD)
	if err != nil {
		return nil, err
	}
	if err := setLimits(cfg.LastLimits); err != nil {
		return nil, err
	}
	return ex, nil
}

// readConfig reads the orders until the worker closes its end.
func readConfig(fd int) (Config, error) {
	defer syscall.Close(fd)
	buf := make([]byte, 0, 4096)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return Config{}, fmt.Errorf("read launch config: %w", err)
		}
		if n == 0 {
			break
		}
		buf = buf[:len(buf)+n]
	}
	cfg, err := decode(buf)
	if err != nil {
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

// setLimits sets each limit, soft and hard alike, so the skill cannot
// raise them again. A hard limit already lower than asked is kept: only
// root may raise one. It goes through package syscall, not unix: for
// RLIMIT_NOFILE that tells the runtime not to restore its own start-up
// value at execve.
func setLimits(limits []Rlimit) error {
	for _, r := range limits {
		var old syscall.Rlimit
		if err := syscall.Getrlimit(r.Resource, &old); err != nil {
			return fmt.Errorf("%s: %w", limitName(r.Resource), err)
		}
		v := min(r.Value, old.Max)
		if err := syscall.Setrlimit(r.Resource, &syscall.Rlimit{Cur: v, Max: v}); err != nil {
			return fmt.Errorf("%s: %w", limitName(r.Resource), err)
		}
	}
	return nil
}

// limitName names the limits the worker sets, for an error message.
func limitName(resource int) string {
	switch resource {
	case unix.RLIMIT_CPU:
		return "RLIMIT_CPU"
	case unix.RLIMIT_FSIZE:
		return "RLIMIT_FSIZE"
	case unix.RLIMIT_NOFILE:
		return "RLIMIT_NOFILE"
	case unix.RLIMIT_CORE:
		return "RLIMIT_CORE"
	case unix.RLIMIT_NPROC:
		return "RLIMIT_NPROC"
	case unix.RLIMIT_AS:
		return "RLIMIT_AS"
	}
	return "resource limit " + strconv.Itoa(resource)
}

// restrictSelf enforces the worker's Landlock ruleset on the calling
// thread, which is locked and execs, and which has no_new_privs set.
func restrictSelf(ruleset int, flags uint32) error {
	defer syscall.Close(ruleset)
	_, _, errno := unix.Syscall(unix.SYS_LANDLOCK_RESTRICT_SELF, uintptr(ruleset), uintptr(flags), 0)
	if errno != 0 {
		return fmt.Errorf("landlock_restrict_self: %w", errno)
	}
	return nil
}

// loadSeccomp loads the filter the worker assembled on every thread of
// the process (TSYNC). no_new_privs must already be set.
func loadSeccomp(raw []byte) error {
	fprog, err := sockFprog(raw)
	if err != nil {
		return err
	}
	tid, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER,
		unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(fprog)))
	if errno != 0 {
		return fmt.Errorf("seccomp: load filter: %w", errno)
	}
	if tid != 0 {
		return fmt.Errorf("seccomp: thread %d could not be synchronised", tid)
	}
	return nil
}

// sockFprog is raw as the kernel takes a filter. Its length is a uint16:
// a longer program would be cut to its first instructions, not refused
// (the kernel's own limit, BPF_MAXINSNS, is below it, but sees only the
// cut length).
func sockFprog(raw []byte) (*unix.SockFprog, error) {
	n := len(raw) / unix.SizeofSockFilter
	if len(raw)%unix.SizeofSockFilter != 0 || n == 0 {
		return nil, fmt.Errorf("seccomp: filter of %d bytes is no whole number of instructions", len(raw))
	}
	if n > math.MaxUint16 {
		return nil, fmt.Errorf("seccomp: filter of %d instructions is too long", n)
	}
	// Copied into a slice of the type, for its alignment.
	prog := make([]unix.SockFilter, n)
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&prog[0])), len(raw)), raw)
	return &unix.SockFprog{Len: uint16(n), Filter: &prog[0]}, nil
}

// execve is an execve(2) ready to be made without allocating.
type execve struct {
	path       *byte
	argv, envv []*byte
	status     int    // where to report a failure
	report     []byte // its start, with room for the error
}

func prepareExec(cfg Config, status int) (*execve, error) {
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
	syscall.Exit(ExitFailed)
}
