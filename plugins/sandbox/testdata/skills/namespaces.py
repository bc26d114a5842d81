"""Tries to leave the sandbox's view of the system: namespaces (unshare,
clone, clone3), mounts, chroot, and leaving the process group."""
import ctypes
import os
import platform
import signal

from attempt import attempt, check, libc

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
SYS_clone = {"x86_64": 56, "aarch64": 220}[platform.machine()]
SYS_clone3 = 435


def unshare(flags):
    return lambda: "unshared, %d" % check(libc.unshare(flags))


def raw_clone(nr, *args):
    def fn():
        pid = check(libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) for a in args]))
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        return "child %d" % pid
    return fn


class clone_args(ctypes.Structure):
    _fields_ = [(n, ctypes.c_uint64) for n in (
        "flags", "pidfd", "child_tid", "parent_tid", "exit_signal", "stack",
        "stack_size", "tls", "set_tid", "set_tid_size", "cgroup")]


def clone3():
    args = clone_args(flags=CLONE_NEWUSER, exit_signal=signal.SIGCHLD)
    return raw_clone(SYS_clone3, ctypes.addressof(args), ctypes.sizeof(args))()


def in_child(fn):
    """Runs fn in a child, which reports through a pipe: leaving the
    process group is something only a non-leader can try."""
    def run():
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                fn()
                os.write(w, b"ok")
            except OSError as e:
                os.write(w, str(e.errno).encode())
            os._exit(0)
        os.close(w)
        out = os.read(r, 64).decode()
        os.waitpid(pid, 0)
        if out != "ok":
            raise OSError(int(out), os.strerror(int(out)))
        return "left the group"
    return run


os.mkdir("mnt")
# Clones first: once in a user namespace of its own, nesting another one
# would fail for want of a uid mapping, whatever the sandbox.
attempt("clone-newuser", raw_clone(SYS_clone, CLONE_NEWUSER | signal.SIGCHLD, 0, 0, 0, 0))
attempt("clone3-newuser", clone3)
attempt("unshare-user", unshare(CLONE_NEWUSER))
attempt("unshare-mount", unshare(CLONE_NEWNS))
attempt("unshare-net", unshare(CLONE_NEWNET))
attempt("mount", lambda: check(libc.mount(b"none", b"mnt", b"tmpfs", 0, None)))
attempt("umount", lambda: check(libc.umount2(b"/", 2)))
attempt("chroot", lambda: check(libc.chroot(b"mnt")))
attempt("setsid", in_child(os.setsid))
attempt("setpgid", in_child(lambda: os.setpgid(0, 0)))
