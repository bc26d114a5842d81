"""Tries to read and write outside the folders the sandbox allows, directly
and through links planted in the scratch folder."""
import os
import sys

from attempt import attempt

token, outside, tmp = sys.argv[1:4]
skill = os.path.dirname(os.path.abspath(__file__))


def read(path):
    return lambda: "read %r" % open(path).read()


def write(path):
    def fn():
        with open(path, "w") as f:
            f.write("escaped\n")
        return "wrote " + path
    return fn


def link(target, name):
    if not os.path.lexists(name):
        os.symlink(target, name)
    return name


attempt("read-token", read(token))
attempt("list-outside", lambda: os.listdir(outside))
attempt("read-etc", read("/etc/hostname"))
attempt("read-proc", read("/proc/%d/environ" % os.getppid()))
attempt("read-skill", lambda: "read %d bytes" % len(open(__file__).read()))
attempt("write-outside", write(os.path.join(outside, "escaped")))
attempt("write-skill", write(os.path.join(skill, "escaped")))
attempt("truncate-skill", lambda: os.truncate(os.path.join(skill, "victim.txt"), 0))
attempt("write-tmp", write(tmp))
attempt("write-scratch", write("mine"))
attempt("symlink-planted", read("planted"))
attempt("symlink-read", read(link(token, "to-token")))
attempt("symlink-dir-read", read(os.path.join(link(outside, "to-outside"), "token")))
attempt("symlink-dir-write", write(os.path.join(link(outside, "to-outside"), "escaped")))
attempt("symlink-write", write(link(os.path.join(outside, "escaped"), "to-new")))
attempt("hardlink", lambda: os.link(token, "hard-token"))
attempt("rename-out", lambda: os.rename("mine", os.path.join(outside, "escaped")))
attempt("dotdot-read", read(os.path.relpath(token)))
