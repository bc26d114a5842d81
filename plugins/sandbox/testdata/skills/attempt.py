"""Shared by the escape skills: make one attempt and print how it ended.

Each attempt prints one line, "NAME denied ERRNO" or "NAME allowed DETAIL",
which the Go tests read.
"""
import ctypes
import errno
import os

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def check(ret):
    """Turn a C library failure (-1 and errno) into an OSError."""
    if ret == -1:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return ret


def attempt(name, fn):
    try:
        detail = fn()
    except OSError as e:
        print(name, "denied", errno.errorcode.get(e.errno, e.errno), flush=True)
    except MemoryError:
        print(name, "denied", "MemoryError", flush=True)
    else:
        print(name, "allowed", detail, flush=True)
