// Run: the parent half of the sandbox, up to starting the launcher: the
// kernel's support, the Spec's defaults, the scratch folder, the
// launcher's orders.

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
	"golang.org/x/sys/unix"
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

	cfg, cred, cleanup, err := prepare(s, sup)
	if err != nil {
		return Result{}, err
	}
	defer cleanup()

	res := Result{Degraded: len(missing) > 0, Missing: missing}
	if cfg.Landlock {
		res.LandlockABI = sup.LandlockABI
	}
	start := time.Now()
	err = supervise(ctx, s, cfg, cred, &res)
	res.Duration = time.Since(start)
	return res, err
}

// prepare makes the scratch folder when s has none and writes the
// launcher's orders, and for a root worker the skill's identity. cleanup
// removes what prepare made.
func prepare(s Spec, sup Support) (launchConfig, *syscall.Credential, func(), error) {
	cleanup := func() {}
	scratch := s.Scratch
	if scratch == "" {
		dir, err := os.MkdirTemp("", "wingman-skill-")
		if err != nil {
			return launchConfig{}, nil, nil, fmt.Errorf("sandbox: scratch folder: %w", err)
		}
		scratch = dir
		cleanup = func() { removeAll(dir, s.Logger) }
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		// Set in the forked child, single-threaded, before the launcher
		// runs: the launcher never holds root's capabilities. No
		// supplementary groups.
		cred = &syscall.Credential{Uid: uint32(s.UID), Gid: uint32(s.GID)}
		if err := os.Chown(scratch, s.UID, s.GID); err != nil {
			cleanup()
			return launchConfig{}, nil, nil, fmt.Errorf("sandbox: scratch folder: %w", err)
		}
	}
	env := map[string]string{"LANG": "C.UTF-8"}
	for k, v := range s.Env {
		env[k] = v
	}
	env["PATH"], env["HOME"], env["TMPDIR"] = proc.SafePath, scratch, scratch
	envv := make([]string, 0, len(env))
	for k, v := range env {
		envv = append(envv, k+"="+v)
	}
	slices.Sort(envv)
	var filter []unix.SockFilter
	if sup.Seccomp {
		f, err := filterOnce()
		if err != nil {
			cleanup()
			return launchConfig{}, nil, nil, err
		}
		filter = f
	}
	return launchConfig{
		Path:     s.Path,
		Argv:     s.Args,
		Env:      envv,
		ReadOnly: append([]string{s.Dir}, s.ReadOnly...),
		Scratch:  scratch,
		Limits:   s.Limits,
		Landlock: sup.LandlockABI >= 1,
		Seccomp:  filter,
	}, cred, cleanup, nil
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
