"""Tries to reach other processes: ptrace of the worker (this skill's
parent) and of its own child, reading the worker's memory, signalling it."""
import ctypes
import os
import time

from attempt import attempt, check, libc

PTRACE_ATTACH = 16


class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


def ptrace(pid):
    return lambda: "attached, %d" % check(libc.ptrace(PTRACE_ATTACH, pid, None, None))


def vm_read(pid):
    def fn():
        buf = ctypes.create_string_buffer(8)
        local = iovec(ctypes.cast(buf, ctypes.c_void_p), 8)
        remote = iovec(0x400000, 8)
        return "read %d bytes" % check(libc.process_vm_readv(
            pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0))
    return fn


parent = os.getppid()
attempt("ptrace-parent", ptrace(parent))
attempt("vm-read-parent", vm_read(parent))
attempt("signal-parent", lambda: os.kill(parent, 0))

child = os.fork()
if child == 0:
    time.sleep(30)
    os._exit(0)
attempt("ptrace-child", ptrace(child))
os.kill(child, 9)
os.waitpid(child, 0)
