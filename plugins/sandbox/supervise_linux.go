// The launcher and the skill it becomes, seen from the worker: starting
// it, the timeout on its whole process group, its exit and its output.

package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/wingman-dev/wingman/plugins/sandbox/launch"
	"golang.org/x/sys/unix"
)

// waitDelay bounds the wait for the output pipes once the process group is
// dead: only a process that left the group, which seccomp forbids, can keep
// them open.
const waitDelay = 2 * time.Second

// supervise starts the launcher with o, waits for the skill and fills res.
func supervise(ctx context.Context, s Spec, o orders, res *Result) error {
	cfgR, cfgW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("sandbox: pipe: %w", err)
	}
	defer cfgW.Close()
	statR, statW, err := os.Pipe()
	if err != nil {
		cfgR.Close()
		return fmt.Errorf("sandbox: pipe: %w", err)
	}
	defer statR.Close()

	launcher := s.Launcher
	if launcher == "" {
		launcher = "/proc/self/exe"
	}
	runCtx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	stdout, stderr := &capped{max: s.MaxOutput}, &capped{max: s.MaxOutput}
	cmd := exec.CommandContext(runCtx, launcher, launch.Arg, strconv.Itoa(len(s.ExtraFiles)))
	cmd.Args[0] = "wingman-sandbox"
	cmd.Env = []string{} // the launcher needs none, and the worker's holds its token
	cmd.Dir = o.scratch
	cmd.Stdin, cmd.Stdout, cmd.Stderr = s.Stdin, stdout, stderr
	// At launch.ConfigFD, StatusFD and RulesetFD after the caller's.
	cmd.ExtraFiles = append(slices.Clip(s.ExtraFiles), cfgR, statW)
	if o.ruleset != nil {
		cmd.ExtraFiles = append(cmd.ExtraFiles, o.ruleset)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		// A session of its own: a process group for the timeout to kill,
		// and no controlling terminal to inject keystrokes into.
		Setsid:     true,
		Credential: o.cred,
		// Set after the credentials, which would clear it: a skill does
		// not outlive a worker that dies.
		Pdeathsig: syscall.SIGKILL,
	}
	var killed atomic.Bool
	cmd.Cancel = func() error {
		killed.Store(true)
		return killGroup(cmd.Process.Pid)
	}
	cmd.WaitDelay = waitDelay

	err = cmd.Start()
	cfgR.Close()
	statW.Close()
	if err != nil {
		return fmt.Errorf("sandbox: start launcher %s: %w", launcher, err)
	}
	pid := cmd.Process.Pid
	_, werr := cfgW.Write(o.cfg.Encode())
	cfgW.Close()
	// EOF with nothing before it: the launcher's execve closed the pipe.
	why, rerr := io.ReadAll(statR)
	if len(why) > 0 || werr != nil || rerr != nil {
		_ = killGroup(pid)
		_ = cmd.Wait()
		return fmt.Errorf("%w: %s", ErrLaunch, launchFailure(why, werr, rerr, stderr))
	}

	// The skill is the group's leader: once it has exited, nothing left
	// in the group may outlive it. Waiting without reaping keeps its pid,
	// so the group cannot be another's by the time it is killed.
	waitErr := waitExited(pid)
	_ = killGroup(pid)
	err = cmd.Wait()
	if waitErr != nil {
		return fmt.Errorf("sandbox: wait: %w", waitErr)
	}

	res.Stdout, res.StdoutTruncated = stdout.bytes()
	res.Stderr, res.StderrTruncated = stderr.bytes()
	state := cmd.ProcessState
	res.ExitCode = state.ExitCode()
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		res.Signal = ws.Signal()
	}
	if killed.Load() {
		if err := ctx.Err(); err != nil {
			if cause := context.Cause(ctx); cause != err {
				return fmt.Errorf("sandbox: run stopped: %w (%w)", err, cause)
			}
			return fmt.Errorf("sandbox: run stopped: %w", err)
		}
		// Not when the skill exited by itself as the clock ran out.
		res.TimedOut = res.Signal == syscall.SIGKILL
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("sandbox: %w", err)
	}
	return nil
}

// launchFailure says why the launcher did not exec the skill.
func launchFailure(why []byte, werr, rerr error, stderr *capped) string {
	switch {
	case len(why) > 0:
		return string(why)
	case werr != nil:
		out, _ := stderr.bytes()
		return fmt.Sprintf("sending its orders: %v (launcher said %q)", werr, out)
	default:
		return fmt.Sprintf("reading its status: %v", rerr)
	}
}

// waitExited blocks until process pid has exited, leaving it unreaped.
func waitExited(pid int) error {
	for {
		var info unix.Siginfo
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}

// killGroup kills every process in the group pgid leads.
func killGroup(pgid int) error {
	err := syscall.Kill(-pgid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}
