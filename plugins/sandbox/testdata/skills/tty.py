"""Tries to inject input into a terminal (TIOCSTI) on the pty the test
passes as fd 3, once made this skill's controlling terminal, and again with
high bits set in the command, which the kernel ignores."""
import ctypes
import fcntl
import platform
import termios

from attempt import attempt, check, libc

SYS_ioctl = {"x86_64": 16, "aarch64": 29}[platform.machine()]
fcntl.ioctl(3, termios.TIOCSCTTY, 0)
attempt("tiocsti", lambda: fcntl.ioctl(3, termios.TIOCSTI, b"x"))
attempt("tiocsti-high-bits", lambda: check(libc.syscall(
    ctypes.c_long(SYS_ioctl), ctypes.c_long(3),
    ctypes.c_long((1 << 32) | termios.TIOCSTI), ctypes.c_char_p(b"x"))))
attempt("tcgetattr", lambda: "%d fields" % len(termios.tcgetattr(3)))
