// What a caller asks of Run and what it gets back.

package sandbox

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Errors a caller tests with errors.Is.
var (
	// ErrUnsupported is wrapped by Run when the kernel lacks a layer of the
	// sandbox and the Spec does not allow a degraded one.
	ErrUnsupported = errors.New("sandbox: the kernel lacks what the sandbox needs")
	// ErrLaunch is wrapped by Run when the launcher could not confine
	// itself; the skill did not run.
	ErrLaunch = errors.New("sandbox: launcher failed")
)

// Layer names, as Result.Missing and Support.Missing give them.
const (
	LayerLandlock = "landlock"
	LayerSeccomp  = "seccomp"
)

// Defaults for the zero values of Spec and Limits.
const (
	DefaultTimeout   = 30 * time.Second
	DefaultMaxOutput = 1 << 20
	// NobodyID is the uid and gid a skill runs as when the worker is root.
	NobodyID = 65534
)

// defaultLimits fill in the zero fields of Spec.Limits.
var defaultLimits = Limits{
	CPU:          30 * time.Second,
	AddressSpace: 1 << 30,
	FileSize:     64 << 20,
	OpenFiles:    64,
	Processes:    64,
}

// Spec is one skill to run.
type Spec struct {
	// Path is the executable, absolute: the interpreter (/usr/bin/python3)
	// or the skill's own binary. It must lie in Dir, in ReadOnly or in the
	// system folders the sandbox always allows.
	Path string
	// Args is the command line, starting with argv[0]; empty means Path.
	Args []string
	// Dir is the skill's folder, readable and never writable. When the
	// worker is root, the skill's uid must be able to read it.
	Dir string
	// ReadOnly are more files or folders the skill may read and execute,
	// such as an interpreter installed outside /usr.
	ReadOnly []string
	// Scratch is the run's only writable folder, its working directory,
	// HOME and TMPDIR. Empty: Run makes a fresh one and removes it
	// afterwards. A folder given here is kept, and when the worker is root
	// it is handed to the skill's uid.
	Scratch string
	// Env is added to PATH, LANG, HOME and TMPDIR, which are all the skill
	// otherwise gets. It may override LANG, not the others.
	Env map[string]string
	// Stdin is the skill's standard input; nil is /dev/null.
	Stdin io.Reader
	// ExtraFiles are inherited by the skill as file descriptors 3, 4, …:
	// the broker channel goes here, since the skill may open no socket.
	ExtraFiles []*os.File
	// Timeout is the wall-clock limit; zero is DefaultTimeout.
	Timeout time.Duration
	// Limits are the resource limits; a zero field takes its default.
	Limits Limits
	// MaxOutput caps what is kept of stdout and of stderr, each; the rest
	// is read and dropped. Zero is DefaultMaxOutput.
	MaxOutput int
	// UID and GID are who the skill runs as when the worker is root; zero
	// is NobodyID. A root worker never runs a skill as root. A worker that
	// is not root runs skills as itself and ignores them.
	UID, GID int
	// AllowDegraded runs the skill even when the kernel lacks a layer of
	// the sandbox. Only an admin may set it, and Result.Degraded then tells.
	AllowDegraded bool
	// Launcher is the launcher binary: wingsandbox, as FindLauncher finds
	// it, or any binary whose main calls Main first; empty is the running
	// binary, which then must. When the worker is root, the skill's uid
	// must be able to execute it.
	Launcher string
	// Logger receives the warning of a degraded run; nil is slog.Default().
	Logger *slog.Logger
}

// Limits are the resource limits of a sandboxed skill. A zero field takes
// the default given with it.
type Limits struct {
	CPU time.Duration // RLIMIT_CPU, rounded up to whole seconds; 30s
	// AddressSpace is RLIMIT_AS, in bytes; 1 GiB. A Go binary needs
	// several hundred MiB of it just to start.
	AddressSpace uint64
	FileSize     uint64 // RLIMIT_FSIZE, bytes; 64 MiB
	OpenFiles    uint64 // RLIMIT_NOFILE; 64
	// Processes is RLIMIT_NPROC; 64. The kernel counts every process and
	// thread of the skill's uid, system-wide, so skills that run at the
	// same time as the same uid share it, and so does a non-root worker
	// with its own threads.
	Processes uint64
}

// Result is how a sandboxed skill ended.
type Result struct {
	ExitCode int            // -1 when a signal ended it
	Signal   syscall.Signal // the signal that ended it, or 0
	TimedOut bool           // killed at Spec.Timeout
	Stdout   []byte
	Stderr   []byte
	// StdoutTruncated and StderrTruncated say that output past
	// Spec.MaxOutput was dropped.
	StdoutTruncated, StderrTruncated bool
	Duration                         time.Duration
	// Degraded says a layer of the sandbox was missing: the admin allowed
	// it, and whoever shows the result must show this too.
	Degraded bool
	Missing  []string // the layers not applied, LayerLandlock or LayerSeccomp
	// LandlockABI is the Landlock ABI version the rules were written for;
	// 0 when Landlock was not applied.
	LandlockABI int
}

// Support is what the running kernel offers the sandbox.
type Support struct {
	LandlockABI int  // the Landlock ABI version; 0: no Landlock
	Seccomp     bool // seccomp filters can be loaded
}

// Missing lists the layers of the sandbox the kernel cannot provide.
func (s Support) Missing() []string {
	var missing []string
	if s.LandlockABI < 1 {
		missing = append(missing, LayerLandlock)
	}
	if !s.Seccomp {
		missing = append(missing, LayerSeccomp)
	}
	return missing
}

// withDefaults returns s with its zero values filled in, or an error when
// s cannot be run.
func (s Spec) withDefaults() (Spec, error) {
	if !filepath.IsAbs(s.Path) {
		return s, fmt.Errorf("sandbox: path %q is not absolute", s.Path)
	}
	if !filepath.IsAbs(s.Dir) {
		return s, fmt.Errorf("sandbox: skill folder %q is not absolute", s.Dir)
	}
	for _, p := range append([]string{s.Scratch}, s.ReadOnly...) {
		if p != "" && !filepath.IsAbs(p) {
			return s, fmt.Errorf("sandbox: folder %q is not absolute", p)
		}
	}
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if _, ok := s.Env[k]; ok {
			return s, fmt.Errorf("sandbox: env may not set %s", k)
		}
	}
	if len(s.Args) == 0 {
		s.Args = []string{s.Path}
	}
	if s.Timeout <= 0 {
		s.Timeout = DefaultTimeout
	}
	s.Limits = s.Limits.withDefaults()
	if s.MaxOutput <= 0 {
		s.MaxOutput = DefaultMaxOutput
	}
	if s.UID == 0 {
		s.UID = NobodyID
	}
	if s.GID == 0 {
		s.GID = NobodyID
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	return s, nil
}

// withDefaults fills the zero fields of l from defaultLimits: a limit of
// zero open files or processes would only make the skill fail obscurely.
func (l Limits) withDefaults() Limits {
	d := defaultLimits
	if l.CPU <= 0 {
		l.CPU = d.CPU
	}
	if l.AddressSpace == 0 {
		l.AddressSpace = d.AddressSpace
	}
	if l.FileSize == 0 {
		l.FileSize = d.FileSize
	}
	if l.OpenFiles == 0 {
		l.OpenFiles = d.OpenFiles
	}
	if l.Processes == 0 {
		l.Processes = d.Processes
	}
	return l
}
