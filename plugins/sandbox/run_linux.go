// Run: the worker's half of the sandbox, up to starting the launcher: the
// kernel's support, the Spec's defaults, the scratch folder, the
// launcher's orders with the seccomp filter and the Landlock ruleset.

package sandbox

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/wingman-dev/wingman/plugins/internal/proc"
	"github.com/wingman-dev/wingman/plugins/sandbox/launch"
)

// Run runs the skill s describes in the sandbox and waits for it to end.
// The skill's own failure (an exit status, a signal, the timeout) is in the
// Result, not the error. Run returns an error wrapping ErrUnsupported when
// the kernel lacks a layer and s.AllowDegraded is false, one wrapping
// ErrLaunch when the launcher could not confine itself, and one wrapping
// ctx.Err() when ctx ended the run before the skill did.
func Run(ctx context.Context, s Spec) (Result, error) {
	sup, err := Check()
	if err != nil {
		return Result{}, err
	}
	return run(ctx, s, sup)
}

// run is Run on a kernel that offers sup.
func run(ctx context.Context, s Spec, sup Support) (Result, error) {
	s, err := s.withDefaults()
	if err != nil {
		return Result{}, err
	}
	missing := sup.Missing()
	if len(missing) > 0 && !s.AllowDegraded {
		return Result{}, fmt.Errorf("%w: no %v (Landlock ABI %d); an admin may allow a degraded sandbox",
			ErrUnsupported, missing, sup.LandlockABI)
	}
	if len(missing) > 0 {
		s.Logger.Warn("sandbox degraded: running a skill without some of its confinement",
			"missing", missing, "path", s.Path)
	}

	o, cleanup, err := prepare(s, sup)
	if err != nil {
		return Result{}, err
	}
	defer cleanup()

	res := Result{Degraded: len(missing) > 0, Missing: missing}
	if o.cfg.Landlock {
		res.LandlockABI = sup.LandlockABI
	}
	start := time.Now()
	err = supervise(ctx, s, o, &res)
	res.Duration = time.Since(start)
	return res, err
}

// orders are what supervise starts the launcher with.
type orders struct {
	cfg     launch.Config
	scratch string   // the run's scratch folder, the launcher's working directory
	ruleset *os.File // the Landlock ruleset, when cfg.Landlock
	// cred is the skill's identity, set before the launcher runs, for a
	// root worker; nil otherwise.
	cred *syscall.Credential
}

// prepare makes the scratch folder when s has none and the launcher's
// orders. cleanup removes what prepare made.
func prepare(s Spec, sup Support) (orders, func(), error) {
	var o orders
	var undo []func()
	cleanup := func() {
		for _, f := range slices.Backward(undo) {
			f()
		}
	}
	fail := func(err error) (orders, func(), error) {
		cleanup()
		return orders{}, nil, err
	}
	o.scratch = s.Scratch
	if o.scratch == "" {
		dir, err := os.MkdirTemp("", "wingman-skill-")
		if err != nil {
			return fail(fmt.Errorf("sandbox: scratch folder: %w", err))
		}
		o.scratch = dir
		undo = append(undo, func() { removeAll(dir, s.Logger) })
	}
	if os.Geteuid() == 0 {
		// Set in the forked child, single-threaded, before the launcher
		// runs: the launcher never holds root's capabilities. No
		// supplementary groups.
		o.cred = &syscall.Credential{Uid: uint32(s.UID), Gid: uint32(s.GID)}
		if err := os.Chown(o.scratch, s.UID, s.GID); err != nil {
			return fail(fmt.Errorf("sandbox: scratch folder: %w", err))
		}
	}
	env := map[string]string{"LANG": "C.UTF-8"}
	for k, v := range s.Env {
		env[k] = v
	}
	env["PATH"], env["HOME"], env["TMPDIR"] = proc.SafePath, o.scratch, o.scratch
	envv := make([]string, 0, len(env))
	for k, v := range env {
		envv = append(envv, k+"="+v)
	}
	slices.Sort(envv)
	o.cfg = launch.Config{Path: s.Path, Argv: s.Args, Env: envv}
	o.cfg.Limits, o.cfg.LastLimits = s.Limits.rlimits()
	if sup.Seccomp {
		f, err := filterOnce()
		if err != nil {
			return fail(err)
		}
		o.cfg.Seccomp = f
	}
	if sup.LandlockABI >= 1 {
		rs, flags, err := landlockRuleset(append([]string{s.Dir}, s.ReadOnly...), o.scratch, sup.LandlockABI)
		if err != nil {
			return fail(fmt.Errorf("sandbox: %w", err))
		}
		o.ruleset, o.cfg.Landlock, o.cfg.LandlockFlags = rs, true, flags
		undo = append(undo, func() { rs.Close() })
	}
	return o, cleanup, nil
}

// removeAll removes a scratch folder Run made, even one the skill locked
// itself out of (chmod is no Landlock right).
func removeAll(dir string, log *slog.Logger) {
	if os.RemoveAll(dir) == nil {
		return
	}
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(path, 0o700)
		}
		return nil
	})
	if err := os.RemoveAll(dir); err != nil {
		log.Warn("sandbox: scratch folder left behind", "dir", dir, "err", err)
	}
}
