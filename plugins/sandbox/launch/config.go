// Package launch is the half of the sandbox that runs in the child: it
// reads its orders from the worker, confines itself and becomes the skill.
// plugins/sandbox is the worker's half, and says what the sandbox is.
//
// It is its own package so that a launcher binary (cmd/wingsandbox) links
// nothing else: a sandboxed skill pays for the launcher's start-up on every
// run, and a Go program's start-up grows with the packages it initialises
// and the pages it touches. Everything that takes work (the seccomp filter,
// the Landlock ruleset, the limits) is made by the worker; the launcher only
// loads it, with plain system calls. So it imports the runtime, syscall and
// golang.org/x/sys/unix, and no JSON, reflection or third-party library.
package launch

import (
	"encoding/binary"
	"errors"
	"strconv"
)

// Arg is the hidden argument that turns a binary calling Main into the
// launcher: argv is [any, Arg, the number of the caller's extra files]. It
// is no flag any of our commands takes.
const Arg = "__wingman_sandbox_launcher__"

// The launcher's file descriptors: 0-2 are the skill's stdio, then the
// caller's extra files (their number is the argument after Arg), then
// these, which the skill never sees. Each is an offset from
// 3+len(extra files).
const (
	// ConfigFD is a pipe carrying one encoded Config, so that nothing of
	// it is in the launcher's argv or environment for another process to
	// read. The worker closes its end once written.
	ConfigFD = 0
	// StatusFD is a close-on-exec pipe on which the launcher writes why it
	// failed. The worker reading EOF with nothing before it means execve
	// succeeded.
	StatusFD = 1
	// RulesetFD is the Landlock ruleset the worker made, when
	// Config.Landlock says there is one.
	RulesetFD = 2
)

// ExitFailed is the launcher's exit status when it could not confine
// itself; the reason is on the status pipe.
const ExitFailed = 126

// Config is what the launcher applies before it execs the skill.
type Config struct {
	Path string
	Argv []string
	Env  []string
	// Limits are set first, LastLimits just before execve: those are the
	// ones (processes, address space) the launcher's own Go runtime could
	// run into.
	Limits, LastLimits []Rlimit
	// Landlock says a ruleset is at RulesetFD, to be enforced with
	// landlock_restrict_self(2) and these flags.
	Landlock      bool
	LandlockFlags uint32
	// Seccomp is the filter to load, struct sock_filter after struct
	// sock_filter in the machine's layout (8 bytes each); none when empty.
	Seccomp []byte
}

// Rlimit is one resource limit, set soft and hard alike; a hard limit
// already lower is kept, since only root may raise one.
type Rlimit struct {
	Resource int // RLIMIT_*
	Value    uint64
}

// version starts every encoded Config: the worker and the launcher are
// separate binaries, and a launcher from another build must refuse rather
// than misread its orders.
const version = "wingman-launch-1"

// Encode is c in the launcher's wire format: a field after another, each
// length or number a uvarint. Nothing fancier, so that decoding costs the
// launcher no reflection.
func (c Config) Encode() []byte {
	var e encoder
	e.string(version)
	e.string(c.Path)
	e.strings(c.Argv)
	e.strings(c.Env)
	e.limits(c.Limits)
	e.limits(c.LastLimits)
	landlock := uint64(0)
	if c.Landlock {
		landlock = 1
	}
	e.uint(landlock)
	e.uint(uint64(c.LandlockFlags))
	e.string(string(c.Seccomp))
	return e.b
}

type encoder struct{ b []byte }

func (e *encoder) uint(v uint64)   { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) string(s string) { e.uint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *encoder) strings(ss []string) {
	e.uint(uint64(len(ss)))
	for _, s := range ss {
		e.string(s)
	}
}
func (e *encoder) limits(ls []Rlimit) {
	e.uint(uint64(len(ls)))
	for _, l := range ls {
		e.uint(uint64(l.Resource))
		e.uint(l.Value)
	}
}

// errTruncated is any decoding failure: the worker wrote the orders, so
// only a launcher from another build or a broken pipe gets here.
var errTruncated = errors.New("truncated or malformed")

// decode reads what Encode wrote.
func decode(b []byte) (Config, error) {
	d := decoder{b: b}
	if v := d.string(); v != version && d.err == nil {
		return Config{}, errors.New("orders in format " + strconv.Quote(v) + ", this launcher reads " +
			strconv.Quote(version) + ": it is not from the worker's build")
	}
	var c Config
	c.Path = d.string()
	c.Argv = d.strings()
	c.Env = d.strings()
	c.Limits = d.limits()
	c.LastLimits = d.limits()
	// Anything but 0 or 1 is refused, not read as "no Landlock".
	switch d.uint() {
	case 0:
	case 1:
		c.Landlock = true
	default:
		d.fail()
	}
	c.LandlockFlags = uint32(d.uint())
	c.Seccomp = []byte(d.string())
	if d.err == nil && len(d.b) > 0 {
		d.err = errTruncated
	}
	return c, d.err
}

// decoder reads fields until the first error, then only zero values.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a length or a number of items, each at least min bytes
// long, that must fit in what is left.
func (d *decoder) count(min uint64) int {
	n := d.uint()
	if n > uint64(len(d.b))/min {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *decoder) string() string {
	n := d.count(1)
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) strings() []string {
	ss := make([]string, d.count(1))
	for i := range ss {
		ss[i] = d.string()
	}
	return ss
}

func (d *decoder) limits() []Rlimit {
	ls := make([]Rlimit, d.count(2))
	for i := range ls {
		ls[i] = Rlimit{Resource: int(d.uint()), Value: d.uint()}
	}
	return ls
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errTruncated
	}
	d.b = nil
}
