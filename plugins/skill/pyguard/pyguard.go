// Package pyguard is how a worker without the Linux sandbox (macOS,
// Windows) runs skills: Python skills under an import guard, in a plain
// subprocess with a scrubbed environment, a scratch folder of its own and
// the wall-clock timeout.
//
// The guard (bootstrap.py, embedded) runs before the skill, in its
// interpreter started as python3 -I -S -B, and refuses:
//
//   - importing subprocess, _posixsubprocess, multiprocessing, pty,
//     webbrowser, socket, ssl, asyncio, socketserver, urllib.request,
//     http.client, ftplib, smtplib, telnetlib, poplib, imaplib, nntplib,
//     ctypes and cffi (with their C halves and submodules), by any route
//     that asks a finder or loads a C module;
//   - os.system, os.popen, os.exec*, os.spawn*, os.posix_spawn*, os.fork,
//     os.forkpty, os.kill, os.killpg and os.startfile, which raise
//     PermissionError;
//   - through an audit hook, which Python code cannot remove, the same
//     process, socket and ctypes operations at the C level, however the
//     skill reached them (posix.system, an emptied sys.meta_path, a
//     reloaded os, a module name that is a str subclass), and on Windows
//     _winapi's OpenProcess and TerminateProcess (os.kill's equivalent).
//     The hook keeps what it checks in its own closure, not in the guard's
//     module globals, which the skill can reach (os.system.__globals__).
//
// select and selectors are allowed: they reach nothing new, and the broker
// channel (an inherited descriptor the skill reads and writes with os.read
// and os.write) needs neither socket nor anything else refused here.
//
// This is defence in depth, NOT a security boundary. Every hook lives in
// the process it guards: a determined skill can get past them, with a C
// extension already on disk, by writing /proc/self/mem, or by reaching the
// guard's own objects through the interpreter's internals. Nothing limits
// the files it reads or writes as the worker's user. Linux workers run
// skills in the real sandbox (plugins/sandbox) and never here.
package pyguard

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/wingman-dev/wingman/plugins/internal/proc"
	"github.com/wingman-dev/wingman/plugins/sandbox"
)

// bootstrap is passed to Python with -c rather than as a file: nothing is
// written to disk, so there is nothing to clean up nor to swap between
// writing it and Python reading it.
//
//go:embed bootstrap.py
var bootstrap string

// waitDelay bounds the wait for the output pipes once the skill has exited
// or was killed: only a process that escaped the guard and left the group
// can keep them open.
const waitDelay = 2 * time.Second

// Argv is the command line that runs the Python script under the guard,
// args after it; python is argv[0], the interpreter's name or path. The
// script sees sys.argv as [script, args...] and its own folder first on
// sys.path, as `python3 script args...` would give it.
func Argv(python, script string, args ...string) []string {
	return append([]string{python, "-I", "-S", "-B", "-c", bootstrap, script}, args...)
}

// Run runs s without confinement and waits for it to end. s.Path and
// s.Args run as given: for a Python skill, the interpreter and Argv. Run
// honours what sandbox.Run does of Path, Args, Scratch, Env, Stdin,
// ExtraFiles, Timeout and MaxOutput: the environment is PATH, LANG, HOME
// and TMPDIR plus s.Env, the scratch folder is the working directory, and
// at the timeout the skill's process group is killed, as is whatever is
// left of it once the skill exits. The rest of s is about confinement and
// means nothing here: Dir and ReadOnly grant nothing the worker's user does
// not have, and there are no resource limits nor other uid.
//
// Like sandbox.Run, the skill's own failure is in the Result, not the
// error, and the error wraps ctx.Err() when ctx ended the run first.
func Run(ctx context.Context, s sandbox.Spec) (sandbox.Result, error) {
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if _, ok := s.Env[k]; ok {
			return sandbox.Result{}, fmt.Errorf("pyguard: env may not set %s", k)
		}
	}
	scratch := s.Scratch
	if scratch == "" {
		dir, err := os.MkdirTemp("", "wingman-pyguard-")
		if err != nil {
			return sandbox.Result{}, fmt.Errorf("pyguard: scratch folder: %w", err)
		}
		defer os.RemoveAll(dir)
		scratch = dir
	}
	timeout := orDefault(s.Timeout, sandbox.DefaultTimeout)
	maxOutput := orDefault(s.MaxOutput, sandbox.DefaultMaxOutput)

	runCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(runCtx, s.Path)
	if len(s.Args) > 0 {
		cmd.Args = s.Args
	}
	cmd.Env = environ(s.Env, scratch)
	cmd.Dir = scratch
	stdout, stderr := &capped{max: maxOutput}, &capped{max: maxOutput}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = s.Stdin, stdout, stderr
	cmd.ExtraFiles = s.ExtraFiles
	cmd.SysProcAttr = groupAttr()
	var killed atomic.Bool
	cmd.Cancel = func() error {
		killed.Store(true)
		return killGroup(cmd.Process)
	}
	cmd.WaitDelay = waitDelay

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return sandbox.Result{}, fmt.Errorf("pyguard: start %s: %w", s.Path, err)
	}
	err := cmd.Wait()
	// Whatever the skill left running in its group goes with it.
	_ = killGroup(cmd.Process)
	res := sandbox.Result{Duration: time.Since(start), ExitCode: cmd.ProcessState.ExitCode()}
	res.Stdout, res.StdoutTruncated = stdout.bytes()
	res.Stderr, res.StderrTruncated = stderr.bytes()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		res.Signal = ws.Signal()
	}
	if killed.Load() {
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("pyguard: run stopped: %w", err)
		}
		// Not when the skill exited by itself as the clock ran out.
		res.TimedOut = !cmd.ProcessState.Success()
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, exec.ErrWaitDelay) {
		return res, fmt.Errorf("pyguard: wait for %s: %w", s.Path, err)
	}
	return res, nil
}

// orDefault is v, or def when v is not positive.
func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// environ is the skill's whole environment, as the sandbox gives it: the
// caller's extra may not move PATH or HOME.
func environ(extra map[string]string, scratch string) []string {
	env := maps.Clone(extra)
	delete(env, "PATH")
	delete(env, "HOME")
	if env == nil {
		env = map[string]string{}
	}
	env["TMPDIR"] = scratch
	return proc.Environ(scratch, env)
}

// capped keeps the first max bytes written to it and drops the rest while
// accepting every write, so that the skill never blocks on a full pipe.
// exec.Cmd writes to it from one goroutine, and it is read after Wait.
type capped struct {
	max     int
	buf     []byte
	dropped bool
}

func (c *capped) Write(p []byte) (int, error) {
	n := min(len(p), max(c.max-len(c.buf), 0))
	c.buf = append(c.buf, p[:n]...)
	c.dropped = c.dropped || n < len(p)
	return len(p), nil
}

func (c *capped) bytes() ([]byte, bool) { return c.buf, c.dropped }
