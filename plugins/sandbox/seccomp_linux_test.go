// The filter's decisions, run in a BPF interpreter: what the escape suite
// cannot reach on every kernel (an i386 system call needs IA-32 emulation)
// is checked here on the program itself.

package sandbox

import (
	"encoding/binary"
	"testing"

	"github.com/elastic/go-seccomp-bpf/arch"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

const (
	allow = unix.SECCOMP_RET_ALLOW
	kill  = unix.SECCOMP_RET_KILL_PROCESS
	eperm = unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)
)

// decide runs prog on one system call as the kernel would. The
// interpreter loads words big-endian, the kernel in native (little) order:
// each word is laid out so that both read the same value.
func decide(t *testing.T, vm *bpf.VM, auditArch, nr uint32, args ...uint64) uint32 {
	t.Helper()
	data := make([]byte, 64)
	binary.BigEndian.PutUint32(data[dataNr:], nr)
	binary.BigEndian.PutUint32(data[dataArch:], auditArch)
	for i, a := range args {
		off := dataArgs + 8*i
		binary.BigEndian.PutUint32(data[off:], uint32(a))
		binary.BigEndian.PutUint32(data[off+4:], uint32(a>>32))
	}
	v, err := vm.Run(data)
	if err != nil {
		t.Fatal(err)
	}
	return uint32(v)
}

// filterCase is one system call and what the filter must answer.
type filterCase struct {
	name      string
	auditArch uint32
	nr        uint32
	args      []uint64
	want      uint32
}

func TestFilterDecisions(t *testing.T) {
	info, err := arch.GetInfo("")
	if err != nil {
		t.Skip(err)
	}
	prog, err := program()
	if err != nil {
		t.Fatal(err)
	}
	vm, err := bpf.NewVM(prog)
	if err != nil {
		t.Fatal(err)
	}
	native := uint32(info.ID)
	nr := func(name string) uint32 {
		n, ok := info.SyscallNames[name]
		if !ok {
			t.Fatalf("no %s on %s", name, info.Name)
		}
		return uint32(n)
	}

	cases := []filterCase{
		{"read", native, nr("read"), nil, allow},
		{"execve", native, nr("execve"), nil, allow},
		{"getpid through i386", uint32(arch.I386.ID), 20, nil, kill},
		{"socket", native, nr("socket"), []uint64{unix.AF_INET, unix.SOCK_STREAM}, eperm},
		{"socket AF_UNIX", native, nr("socket"), []uint64{unix.AF_UNIX, unix.SOCK_STREAM}, eperm},
		{"ioctl TCGETS", native, nr("ioctl"), []uint64{0, unix.TCGETS}, allow},
		{"ioctl TIOCSTI", native, nr("ioctl"), []uint64{0, unix.TIOCSTI}, eperm},
		{"ioctl TIOCSTI, high bits set", native, nr("ioctl"), []uint64{0, 1<<32 | unix.TIOCSTI}, eperm},
		{"ioctl TIOCLINUX", native, nr("ioctl"), []uint64{0, unix.TIOCLINUX}, eperm},
		{"clone a process", native, nr("clone"), []uint64{uint64(unix.SIGCHLD)}, allow},
		{"clone a thread", native, nr("clone"), []uint64{unix.CLONE_VM | unix.CLONE_FS | unix.CLONE_FILES |
			unix.CLONE_SIGHAND | unix.CLONE_THREAD | unix.CLONE_SYSVSEM}, allow},
		{"clone a user namespace", native, nr("clone"), []uint64{unix.CLONE_NEWUSER | uint64(unix.SIGCHLD)}, eperm},
		{"clone a network namespace", native, nr("clone"), []uint64{unix.CLONE_NEWNET}, eperm},
		{"clone3", native, nr("clone3"), nil, unix.SECCOMP_RET_ERRNO | uint32(unix.ENOSYS)},
		{"prlimit64 of itself", native, nr("prlimit64"), []uint64{0, unix.RLIMIT_NOFILE}, allow},
		{"prlimit64 of another", native, nr("prlimit64"), []uint64{1, unix.RLIMIT_NOFILE}, eperm},
	}
	if info.ID == arch.X86_64.ID {
		cases = append(cases, filterCase{"getpid through x32", native, x32Bit | 39, nil, kill})
	}
	for _, name := range deniedSyscalls {
		if n, ok := info.SyscallNames[name]; ok {
			cases = append(cases, struct {
				name      string
				auditArch uint32
				nr        uint32
				args      []uint64
				want      uint32
			}{name, native, uint32(n), nil, eperm})
		}
	}
	for _, c := range cases {
		if got := decide(t, vm, c.auditArch, c.nr, c.args...); got != c.want {
			t.Errorf("%s: %#x, want %#x", c.name, got, c.want)
		}
	}
}
