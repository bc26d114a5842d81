// Package loader makes a worker's skills runnable. It takes the skills
// the control plane serves (and the worker's own core skills), checks each
// again with the worker's own pinned keys, copies it into a private
// folder, checks the copy, and runs exactly those bytes: every call first
// re-hashes the copy and refuses to run if any byte changed. Skills run in
// the Linux sandbox (plugins/sandbox) with a broker channel as their only
// way out (plugins/skill/broker).
//
// Other systems (macOS, Windows) have no such sandbox. There Python skills
// run under the restricted fallback of plugins/skill/pyguard, which is
// defence in depth and not a security boundary, and other skills load only
// when trusted; results and the log say that a skill ran so.
//
// The loaded skills form a plugins.Registry of their own, swapped whole on
// each Sync, so that a removed or updated skill is gone from the next task
// on. Sandboxed skills report ReadOnly, which the registry refuses: their
// actions never run.
package loader

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/plugins"
	"github.com/wingman-dev/wingman/plugins/skill/broker"
	"github.com/wingman-dev/wingman/plugins/skill/bundle"
	"github.com/wingman-dev/wingman/plugins/skill/signature"
	"github.com/wingman-dev/wingman/plugins/skill/trust"
)

// Config is how a worker loads and runs skills.
type Config struct {
	// Keys are the worker's own pinned maintainer keys.
	Keys *signature.Keyring
	// Dir is the worker's skills folder: core/ below it holds the
	// worker's trusted skills, and run/ the verified private copies
	// (remade at each start). Its parents must let the sandboxed skill's
	// uid (nobody, when the worker is root) through.
	Dir string
	// Broker serves the skills' calls with the worker's adapters.
	Broker *broker.Broker
	// Timeout bounds each call of a skill within the task's own time;
	// zero is DefaultTimeout.
	Timeout time.Duration
	// AllowDegraded runs skills even where the kernel lacks a layer of
	// the sandbox (SKILLS_ALLOW_DEGRADED_SANDBOX, for an admin to set);
	// results then say so.
	AllowDegraded bool
	// Launcher is the sandbox launcher binary; empty is this binary.
	Launcher string
	Log      *slog.Logger
}

// DefaultTimeout bounds one call of a skill.
const DefaultTimeout = 2 * time.Minute

// Set is the skills a worker has loaded. It is safe for concurrent use.
type Set struct {
	cfg    Config
	runDir string
	reg    atomic.Pointer[plugins.Registry]

	// fallback is set where there is no Linux sandbox: skills then run
	// through plugins/skill/pyguard. Tests set it on Linux.
	fallback bool

	mu     sync.Mutex        // serialises Sync
	loaded map[string]*skill // by id; guarded by mu
}

// New prepares the skills folder: run/ is emptied, so nothing verified
// by an earlier process is trusted now.
func New(cfg Config) (*Set, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Keys == nil {
		cfg.Keys = &signature.Keyring{}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	runDir := filepath.Join(cfg.Dir, "run")
	if err := os.RemoveAll(runDir); err != nil {
		return nil, fmt.Errorf("skills: %w", err)
	}
	// 0711: the sandboxed skill's uid may pass through to its own folder
	// but not list the others.
	for _, d := range []string{cfg.Dir, runDir} {
		if err := os.MkdirAll(d, 0o711); err != nil {
			return nil, fmt.Errorf("skills: %w", err)
		}
		if err := os.Chmod(d, 0o711); err != nil {
			return nil, fmt.Errorf("skills: %w", err)
		}
	}
	s := &Set{cfg: cfg, runDir: runDir, loaded: map[string]*skill{}, fallback: runtime.GOOS != "linux"}
	s.reg.Store(plugins.NewRegistry())
	if s.fallback {
		cfg.Log.Warn("no Linux sandbox on this system: Python skills run under a restricted fallback, "+
			"which is defence in depth and no security boundary; other skills run only when trusted", "os", runtime.GOOS)
	}
	return s, nil
}

// Registry is the loaded skills' registry as of the last Sync.
func (s *Set) Registry() *plugins.Registry { return s.reg.Load() }

// Sync makes the loaded set: the worker's core skills and the bundles the
// control plane served. A skill that fails its checks is left out (and
// named in the error); the others load. A skill whose id or version did
// not change and whose files are the same is kept as loaded.
func (s *Set) Sync(bundles []domain.SkillBundle) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	wanted := map[string]bundle.Bundle{}
	sources := map[string]trust.Source{}
	add := func(id string, src trust.Source, b bundle.Bundle) {
		if _, dup := wanted[id]; dup {
			errs = append(errs, fmt.Errorf("skill %s: given twice; the first (%s) is kept", id, sources[id]))
			return
		}
		wanted[id], sources[id] = b, src
	}
	core, err := s.core()
	errs = append(errs, err)
	for id, b := range core {
		add(id, trust.Core, b)
	}
	for _, sb := range bundles {
		src := trust.Source(sb.Source)
		if src != trust.Community && src != trust.Local {
			errs = append(errs, fmt.Errorf("skill %s: source %q from the control plane; only community and local skills come from it", sb.ID, sb.Source))
			continue
		}
		b, err := bundle.New(sb.Files)
		if err != nil {
			errs = append(errs, fmt.Errorf("skill %s: %w", sb.ID, err))
			continue
		}
		add(sb.ID, src, b)
	}

	next := map[string]*skill{}
	for _, id := range slices.Sorted(maps.Keys(wanted)) {
		if old := s.loaded[id]; old != nil && old.same(wanted[id], sources[id]) && old.intact() == nil {
			next[id] = old
			continue
		}
		sk, err := s.load(wanted[id], sources[id])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if sk.admitted.Manifest.ID != id {
			errs = append(errs, fmt.Errorf("skill %s: its manifest names it %s", id, sk.admitted.Manifest.ID))
			sk.discard()
			continue
		}
		next[id] = sk
	}
	reg := plugins.NewRegistry()
	for _, id := range slices.Sorted(maps.Keys(next)) {
		if err := reg.Register(next[id]); err != nil {
			// Sandboxed skills land here: loaded and verified, never run.
			s.cfg.Log.Info("skill loaded read-only; its actions will not run", "skill", id, "reason", err)
		}
	}
	s.reg.Store(reg)
	for id, old := range s.loaded {
		if next[id] != old {
			old.discard()
		}
	}
	s.loaded = next
	return errors.Join(errs...)
}

// core reads the worker's own core skills, by folder name.
func (s *Set) core() (map[string]bundle.Bundle, error) {
	dir := filepath.Join(s.cfg.Dir, string(trust.Core))
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("core skills: %w", err)
	}
	out := map[string]bundle.Bundle{}
	var errs []error
	for _, e := range entries {
		if !e.IsDir() || e.Name()[0] == '.' {
			continue
		}
		b, err := bundle.ReadDir(filepath.Join(dir, e.Name()))
		if err != nil {
			errs = append(errs, fmt.Errorf("core skill %s: %w", e.Name(), err))
			continue
		}
		out[e.Name()] = b
	}
	return out, errors.Join(errs...)
}
