// The seccomp layer: which system calls a skill may not make.

package sandbox

import (
	"fmt"
	"sync"
	"unsafe"

	seccomp "github.com/elastic/go-seccomp-bpf"
	"github.com/elastic/go-seccomp-bpf/arch"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// deniedSyscalls fail with EPERM. The list denies rather than allows, so
// that any interpreter or binary a skill brings still runs; what it names is
// what a skill could use to leave the sandbox or to attack the kernel or
// the host. A name the running architecture lacks is skipped.
var deniedSyscalls = []string{
	// Networking: the broker channel is inherited, nothing else is needed.
	"socket", "socketpair", "connect", "bind", "listen", "accept", "accept4",
	// Other processes.
	"ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
	"process_madvise", "migrate_pages", "move_pages",
	// Mounts, namespaces and the root.
	"mount", "umount2", "pivot_root", "chroot", "unshare", "setns",
	"open_tree", "open_tree_attr", "move_mount", "fsopen", "fsconfig",
	"fsmount", "fspick", "mount_setattr", "listmount", "statmount",
	// The kernel's own attack surface.
	"bpf", "keyctl", "add_key", "request_key", "perf_event_open",
	"userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
	"kexec_load", "kexec_file_load", "init_module", "finit_module",
	"delete_module", "create_module", "query_module", "get_kernel_syms",
	"uselib", "modify_ldt", "iopl", "ioperm", "lookup_dcookie", "nfsservctl",
	// What only an admin does.
	"reboot", "swapon", "swapoff", "acct", "quotactl", "quotactl_fd",
	"syslog", "vhangup", "settimeofday", "clock_settime", "clock_adjtime",
	"adjtimex", "sethostname", "setdomainname", "fanotify_init",
	"name_to_handle_at", "open_by_handle_at",
	// Leaving the process group, which is what the timeout kills.
	"setsid", "setpgid",
}

// namespaceFlags are the clone flags that would make a new namespace.
const namespaceFlags = unix.CLONE_NEWNS | unix.CLONE_NEWCGROUP | unix.CLONE_NEWUTS |
	unix.CLONE_NEWIPC | unix.CLONE_NEWUSER | unix.CLONE_NEWPID | unix.CLONE_NEWNET

// x32Bit marks a system call made through the x32 ABI on x86_64.
const x32Bit = 0x40000000

// Offsets in struct seccomp_data.
const (
	dataNr   = 0
	dataArch = 4
	dataArgs = 16
)

// policy is the part of the filter the library assembles.
func policy(info *arch.Info) seccomp.Policy {
	var names []string
	for _, n := range deniedSyscalls {
		if _, ok := info.SyscallNames[n]; ok {
			names = append(names, n)
		}
	}
	return seccomp.Policy{
		DefaultAction: seccomp.ActionAllow,
		Syscalls: []seccomp.SyscallGroup{
			{Action: seccomp.ActionErrno, Names: names},
			{
				Action: seccomp.ActionErrno,
				NamesWithCondtions: []seccomp.NameWithConditions{
					{Name: "clone", Conditions: seccomp.ArgumentConditions{
						{Argument: 0, Operation: seccomp.BitsSet, Value: namespaceFlags},
					}},
					// Limits of other processes of the same uid: the
					// worker's own, when it is not root.
					{Name: "prlimit64", Conditions: seccomp.ArgumentConditions{
						{Argument: 0, Operation: seccomp.NotEqual, Value: 0},
					}},
				},
			},
			{
				// clone3 passes its flags in memory, out of the filter's
				// reach. ENOSYS, not EPERM, makes the C library fall back
				// to clone, whose flags are checked above.
				Action: seccomp.ActionErrno | seccomp.Action(unix.ENOSYS),
				Names:  []string{"clone3"},
			},
		},
	}
}

// guard is the hand-written head of the filter, for what the library does
// not do: a syscall made through another ABI (i386 with int 0x80, x32) kills
// the process, where the library would let a foreign ABI through to the
// default action, allow; and ioctl's command is compared on its low 32
// bits only, the ones the kernel reads, so that setting high bits cannot
// smuggle TIOCSTI past the check. Offsets assume little endian, as are all
// the architectures the library has tables for.
func guard(info *arch.Info) ([]bpf.Instruction, error) {
	ioctl, ok := info.SyscallNames["ioctl"]
	if !ok {
		return nil, fmt.Errorf("seccomp: no ioctl on %s", info.Name)
	}
	kill := bpf.RetConstant{Val: unix.SECCOMP_RET_KILL_PROCESS}
	prog := []bpf.Instruction{
		bpf.LoadAbsolute{Off: dataArch, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(info.ID), SkipTrue: 1},
		kill,
		bpf.LoadAbsolute{Off: dataNr, Size: 4},
	}
	if info.ID == arch.X86_64.ID {
		prog = append(prog,
			bpf.JumpIf{Cond: bpf.JumpGreaterOrEqual, Val: x32Bit, SkipFalse: 1},
			kill)
	}
	return append(prog,
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(ioctl), SkipFalse: 4},
		bpf.LoadAbsolute{Off: dataArgs + 8*1, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: unix.TIOCSTI, SkipTrue: 1},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: unix.TIOCLINUX, SkipFalse: 1},
		bpf.RetConstant{Val: unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)},
	), nil
}

// program is the whole filter: the guard, then the library's policy, both
// for the running architecture (the library assembles for no other).
func program() ([]bpf.Instruction, error) {
	info, err := arch.GetInfo("")
	if err != nil {
		return nil, fmt.Errorf("seccomp: %w", err)
	}
	head, err := guard(info)
	if err != nil {
		return nil, err
	}
	p := policy(info)
	body, err := p.Assemble()
	if err != nil {
		return nil, fmt.Errorf("seccomp policy: %w", err)
	}
	return append(head, body...), nil
}

// filterOnce assembles the filter once per worker, in the worker: the
// launcher only loads it, and links no BPF assembler.
var filterOnce = sync.OnceValues(filter)

// filter is the program, assembled for the kernel, in the launcher's
// format: struct sock_filter after struct sock_filter, in the machine's
// layout.
func filter() ([]byte, error) {
	insts, err := program()
	if err != nil {
		return nil, err
	}
	raw, err := bpf.Assemble(insts)
	if err != nil {
		return nil, fmt.Errorf("seccomp: assemble: %w", err)
	}
	prog := make([]unix.SockFilter, len(raw))
	for i, in := range raw {
		prog[i] = unix.SockFilter{Code: in.Op, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&prog[0])), len(prog)*unix.SizeofSockFilter), nil
}
