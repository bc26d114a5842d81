"""Wingman's restricted fallback for Python skills, on workers without the
Linux sandbox (macOS, Windows). plugins/skill/pyguard runs

    python3 -I -S -B -c <this file's text> <skill.py> [args...]

-I ignores the PYTHON* variables and keeps the working folder and the
user's site-packages off sys.path; -S skips site, so that no .pth file or
sitecustomize runs before this guard (third-party packages are out of reach
too); -B writes no bytecode.

The guard then refuses, inside the skill's own interpreter, what the sandbox
would have kept from it: starting or signalling processes, sockets and the
network, native code. It is defence in depth, NOT a security boundary: every
hook lives in the process it guards, and a determined skill can get past
them, with a C extension already on disk, by writing /proc/self/mem, or by
reaching this guard's own objects through the interpreter's internals
(frames, gc, closures). Linux workers run skills in the real sandbox.
"""

import sys

WHY = (
    "the skill runs under Wingman's restricted Python fallback (this worker has "
    "no Linux sandbox), which refuses processes, sockets and native code; "
    "reach the homelab through the broker channel ($WINGMAN_BROKER_FD)"
)

# Refused by name, with their submodules; modules that import one of them
# (email.utils, logging.handlers, xmlrpc, ...) fail to import too. select and
# selectors stay: they only wait on descriptors the skill already holds, such
# as the broker channel. _winapi stays as well, since shutil and tempfile
# need it on Windows; its CreateProcess is refused as an audit event below.
BLOCKED_MODULES = frozenset({
    # processes
    "subprocess", "_posixsubprocess", "multiprocessing", "_multiprocessing",
    "pty", "webbrowser",
    # the network (asyncio needs socket and subprocess; naming it says so)
    "socket", "_socket", "ssl", "_ssl", "asyncio", "socketserver",
    "urllib.request", "http.client", "ftplib", "smtplib", "telnetlib",
    "poplib", "imaplib", "nntplib",
    # native code
    "ctypes", "_ctypes", "cffi", "_cffi_backend",
})

# Audit events refused whoever raises them: the C functions behind the os
# functions replaced below (reached through posix or nt, or a reloaded os),
# and sockets, ctypes and subprocess however their modules were had.
BLOCKED_EVENTS = frozenset({
    "os.system", "os.exec", "os.spawn", "os.posix_spawn", "os.fork",
    "os.forkpty", "os.kill", "os.killpg", "os.startfile",
    # Windows: a process's handle, then ending it (os.kill's equivalent).
    "_winapi.CreateProcess", "_winapi.OpenProcess", "_winapi.TerminateProcess",
})
BLOCKED_EVENT_PREFIXES = ("socket.", "ctypes.", "subprocess.")


def make_blocked(modules, str=str, type=type):
    """blocked(name): whether module name, or a package it is in, is
    refused. A name that is not exactly a str is refused: a subclass could
    hash or split itself so as to match nothing. What it uses is bound here,
    not looked up in globals or builtins that the skill can rebind."""

    def blocked(name):
        if type(name) is not str:
            return True
        while name:
            if name in modules:
                return True
            name = name.rpartition(".")[0]
        return False
    return blocked


blocked = make_blocked(BLOCKED_MODULES)


def refusal(what):
    return f"{what} is blocked: {WHY}"


def refused_import(name):
    return ImportError(refusal(f"import of {name!r}"), name=name)


class Refuser:
    """The first finder on sys.meta_path. Every import that asks a finder
    (import, __import__, importlib.import_module, importlib.reload) asks
    this one first."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if blocked(name):
            raise refused_import(name)
        return None


def guard_native_modules(imp):
    """Wraps the two functions every loader of C modules ends in, so that a
    loader called directly (importlib.machinery.BuiltinImporter or
    ExtensionFileLoader, past the finders) cannot create a refused module
    either. _posixsubprocess matters most: its fork_exec raises no audit
    event."""

    def guard(create):
        def guarded(spec, *args):
            # A C module's init function is named after the last part of
            # its name, so a renamed copy ("x._socket") is caught too.
            if blocked(spec.name) or blocked(spec.name.rpartition(".")[2]):
                raise refused_import(spec.name)
            return create(spec, *args)
        return guarded

    imp.create_builtin = guard(imp.create_builtin)
    imp.create_dynamic = guard(imp.create_dynamic)


def guard_os(os):
    """Replaces os's functions that start, replace or signal processes, so
    that a call names itself in its refusal (os.popen would otherwise fail
    on importing subprocess, os.spawnv on fork)."""

    def refuse(name):
        def refused(*args, **kwargs):
            raise PermissionError(refusal(f"os.{name}"))
        refused.__name__ = refused.__qualname__ = name
        return refused

    for name in dir(os):
        if name in ("system", "popen", "startfile") or name.startswith(
                ("exec", "spawn", "posix_spawn", "fork", "kill")):
            setattr(os, name, refuse(name))


def make_audit(modules, events, prefixes, why, ImportError=ImportError, PermissionError=PermissionError,
               repr=repr, str=str, type=type):
    """The backstop, at the C level: an audit hook cannot be removed, so this
    holds when the skill empties sys.meta_path, replaces __import__, reloads
    os or calls posix.system. Everything it uses is its own, bound here: the
    module's globals are in reach of the skill (os.system.__globals__), and
    a hook that looked up blocked or BLOCKED_EVENTS there could be emptied.
    Nothing of the skill's runs inside it."""
    blocked = make_blocked(modules)  # a copy no other object refers to

    def audit(event, args):
        if event == "import":
            # Raised by every import statement and __import__ that loads
            # something new, finders or not, and by the creation of a C
            # module from a file.
            name = args[0]
            if blocked(name):
                if type(name) is not str:
                    raise ImportError("import of a module named by a str subclass is blocked: " + why)
                raise ImportError("import of " + repr(name) + " is blocked: " + why, name=name)
        elif event in events or event.startswith(prefixes):
            raise PermissionError(event + " is blocked: " + why)
    return audit


def main():
    if len(sys.argv) < 2:
        sys.exit("wingman pyguard: usage: python3 -I -S -B -c <bootstrap> <skill.py> [args...]")
    if not hasattr(sys, "addaudithook"):
        sys.exit("wingman pyguard: the restricted fallback needs Python 3.8 or later")
    import _imp
    import os
    import runpy  # before the guard, which refuses nothing it needs

    skill = os.path.abspath(sys.argv[1])
    if not os.path.isfile(skill):
        sys.exit(f"wingman pyguard: no skill file at {skill}")

    # Nothing loads a refused module before this point today; were an
    # interpreter's start-up ever to, import would hand it out of
    # sys.modules without asking any finder.
    for name in [n for n in sys.modules if blocked(n)]:
        del sys.modules[name]
    sys.meta_path.insert(0, Refuser())
    guard_native_modules(_imp)
    guard_os(os)
    sys.addaudithook(make_audit(BLOCKED_MODULES, BLOCKED_EVENTS, BLOCKED_EVENT_PREFIXES, WHY))

    # As `python3 skill.py args...` would have them.
    sys.argv = [skill] + sys.argv[2:]
    sys.path.insert(0, os.path.dirname(skill))
    runpy.run_path(skill, run_name="__main__")


main()
