// Package sandbox runs a skill (a script or a binary from outside the
// project) confined on Linux, so that a community skill cannot reach the
// homelab it runs in.
//
// The Go runtime is multi-threaded, and a restriction that reaches only
// some threads is no restriction, so nothing is applied in the worker
// itself. Run starts a launcher instead (package launch): wingsandbox, a
// binary that is nothing else, installed beside the worker and found by
// FindLauncher; or, when it is missing, the worker's own binary
// (/proc/self/exe) with a hidden argument, which Main recognises. The
// launcher reads its orders from an inherited pipe, locks itself to one OS
// thread, restricts that thread, and execs the skill from it: whatever the
// other runtime threads were, execve leaves only the restricted one.
//
// Every skill waits for its launcher to start, so the launcher does as
// little as it can: the worker assembles the seccomp filter once and makes
// each run's Landlock ruleset, and the launcher, which links nothing but
// package launch, only loads them. wingsandbox adds a few milliseconds to a
// skill's start (BenchmarkStartup), most of them the Go runtime's own
// start-up; the worker's binary, whose every package initialises again in
// each launcher, adds more.
//
// When the worker is root, the launcher is started as the skill's uid and
// gid (nobody by default) with no supplementary groups, set in the forked
// child before it execs the launcher, so root's capabilities never reach
// the launcher, let alone the skill. Root ignores RLIMIT_NPROC, so a fork
// bomb is only bounded for a non-root uid; and CAP_KILL, CAP_DAC_OVERRIDE
// and the rest must not reach a skill at all. Then, in the launcher, in
// this order:
//
//   - the resource limits on CPU seconds, file size and open files, and no
//     core dumps;
//   - an empty ambient capability set (a non-root worker may have one) and
//     no_new_privs;
//   - Landlock, with the worker's ruleset: read and execute under the
//     skill's folder and the system's libraries, read-write only under the
//     run's scratch folder, no TCP or UDP bind or connect, no signals or
//     abstract sockets out of the sandbox, each where the kernel's ABI has
//     it;
//   - a seccomp-bpf filter (seccomp_linux.go) that kills any system call
//     made through another ABI (i386, x32) and refuses sockets, ptrace,
//     mounts, namespaces, keyrings, BPF, module and kexec loading,
//     io_uring, TIOCSTI and leaving the process group;
//   - the limits on processes and address space last, just before execve,
//     so that they bind the skill and not the launcher's Go runtime.
//
// The broker channel is an inherited file descriptor (Spec.ExtraFiles), so
// the skill needs no socket of its own, and none is allowed.
//
// The parent starts the launcher in a session and process group of its
// own, kills that whole group when the wall-clock timeout expires and when
// the skill exits (so nothing it left in the background survives), and
// keeps only the first bytes of stdout and stderr.
//
// When the kernel lacks Landlock or seccomp, Run refuses unless the Spec
// says an admin allowed a degraded sandbox; the Result then says which
// layers were missing. There is never a silent best effort.
package sandbox
