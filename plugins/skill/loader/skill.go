// One loaded skill: its verified private copy, and the plugins.Plugin
// that runs it.

package loader

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"

	"github.com/wingman-dev/wingman/plugins"
	"github.com/wingman-dev/wingman/plugins/internal/proc"
	"github.com/wingman-dev/wingman/plugins/skill/bundle"
	"github.com/wingman-dev/wingman/plugins/skill/manifest"
	"github.com/wingman-dev/wingman/plugins/skill/pyguard"
	"github.com/wingman-dev/wingman/plugins/skill/signature"
	"github.com/wingman-dev/wingman/plugins/skill/trust"
)

// ErrChanged is wrapped when a skill's private copy no longer matches
// what was verified: the call is refused and nothing runs.
var ErrChanged = errors.New("loader: the verified copy of the skill changed")

// skill is a loaded skill. It holds no state between calls.
type skill struct {
	set      *Set
	admitted trust.Admitted
	dir      string         // the private copy, run from here
	verified signature.List // the digests of the private copy as verified
}

// load checks b as a skill from src, writes it into a fresh private
// folder, and checks the copy again: what runs is the copy, and only if
// it is what was checked.
func (s *Set) load(b bundle.Bundle, src trust.Source) (*skill, error) {
	a, err := trust.Admit(b, src, s.cfg.Keys)
	if err != nil {
		return nil, err
	}
	m := a.Manifest
	if s.fallback && m.Runtime != manifest.Python3 && m.TrustLevel != manifest.Trusted {
		// Left out rather than failing each call, so that the worker does
		// not offer what it will not run.
		return nil, fmt.Errorf("skill %s: without the Linux sandbox (this worker runs %s), a %s skill runs only when trusted; "+
			"the restricted fallback is for python3 skills", m.ID, runtime.GOOS, m.Runtime)
	}
	dir := filepath.Join(s.runDir, m.ID+"-"+m.Version+"-"+randomSuffix())
	exec := ""
	if m.Runtime == manifest.Binary {
		exec = m.Entrypoint
	}
	if err := b.WriteDir(dir, exec); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("skill %s: %w", m.ID, err)
	}
	sk := &skill{set: s, dir: dir}
	copied, err := bundle.ReadDir(dir)
	if err == nil {
		sk.admitted, err = trust.Admit(copied, src, s.cfg.Keys)
	}
	if err == nil && !slices.Equal(copied.Names(), b.Names()) {
		err = fmt.Errorf("skill %s: the private copy has other files than those checked", m.ID)
	}
	if err != nil {
		sk.discard()
		return nil, err
	}
	sk.verified = signature.ListOf(m.ID, m.Version, copied)
	s.cfg.Log.Info("skill loaded", "skill", m.ID, "version", m.Version, "trust", m.TrustLevel, "source", src, "dir", dir)
	return sk, nil
}

// same reports whether b from src is what sk was loaded from.
func (sk *skill) same(b bundle.Bundle, src trust.Source) bool {
	m := sk.admitted.Manifest
	return sk.admitted.Source == src && string(signature.ListOf(m.ID, m.Version, b).Text()) == string(sk.verified.Text())
}

// intact re-reads the private copy and compares it with what was
// verified, so that a file swapped after loading never runs.
func (sk *skill) intact() error {
	b, err := bundle.ReadDir(sk.dir)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrChanged, err)
	}
	m := sk.admitted.Manifest
	if now := signature.ListOf(m.ID, m.Version, b); string(now.Text()) != string(sk.verified.Text()) {
		return fmt.Errorf("%w: %s in %s; it does not run until the control plane's copy is loaded again", ErrChanged, m.ID, sk.dir)
	}
	return nil
}

func (sk *skill) discard() { _ = os.RemoveAll(sk.dir) }

// ID is the skill's id.
func (sk *skill) ID() string { return sk.admitted.Manifest.ID }

// Actions are the actions its manifest offers.
func (sk *skill) Actions() []string { return sk.admitted.Manifest.ActionNames() }

// ReadOnly is true for a sandboxed skill: plugins.Registry refuses it and
// plugins.Run never runs it.
func (sk *skill) ReadOnly() bool { return sk.admitted.Manifest.TrustLevel == manifest.Sandboxed }

// ValidatePre asks the skill (verb validate_pre).
func (sk *skill) ValidatePre(ctx context.Context, a plugins.Action) error {
	_, err := sk.call(ctx, verbValidatePre, a, nil)
	return err
}

// Execute asks the skill (verb execute).
func (sk *skill) Execute(ctx context.Context, a plugins.Action) (plugins.Result, error) {
	resp, err := sk.call(ctx, verbExecute, a, nil)
	return plugins.Result{Output: resp.Output, Data: resp.Data}, err
}

// ValidatePost asks the skill (verb validate_post), passing r.
func (sk *skill) ValidatePost(ctx context.Context, a plugins.Action, r plugins.Result) error {
	_, err := sk.call(ctx, verbValidatePost, a, &r)
	return err
}

// Rollback asks the skill (verb rollback), passing r.
func (sk *skill) Rollback(ctx context.Context, a plugins.Action, r plugins.Result) error {
	_, err := sk.call(ctx, verbRollback, a, &r)
	return err
}

// unsandboxed says how the skill runs without the Linux sandbox, for its
// results and the log.
func (sk *skill) unsandboxed() string {
	if sk.admitted.Manifest.Runtime == manifest.Python3 {
		return "restricted Python fallback"
	}
	return "trusted, unconfined"
}

// command is the executable and arguments that start the skill in dir.
func (sk *skill) command() (string, []string, error) {
	m := sk.admitted.Manifest
	entry := filepath.Join(sk.dir, filepath.FromSlash(m.Entrypoint))
	switch m.Runtime {
	case manifest.Python3:
		py, err := proc.LookPath("python3")
		if sk.set.fallback {
			return py, pyguard.Argv("python3", entry), err
		}
		// -B: no bytecode files; the skill's folder is read-only anyway.
		return py, []string{"python3", "-B", entry}, err
	case manifest.Bash:
		sh, err := proc.LookPath("bash")
		return sh, []string{"bash", entry}, err
	default:
		return entry, []string{entry}, nil
	}
}
