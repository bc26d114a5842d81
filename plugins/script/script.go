// Package script is the execution plugin that runs shell and Python
// scripts: each in a subprocess with a scrubbed environment, throwaway
// directories and its own process group, killed whole when its time is up.
package script

import (
	"context"
	"errors"
	"fmt"
	"os/exec"

	"github.com/wingman-dev/wingman/plugins"
	"github.com/wingman-dev/wingman/plugins/internal/proc"
)

// ID is the plugin's ID.
const ID = "script"

// The plugin's actions.
const (
	ActionBash   = "run_bash"
	ActionPython = "run_python"
)

// Plugin runs the script in an action's "script" param with bash
// (run_bash) or python3 (run_python). Params:
//
//   - script (string, required): the code, passed with -c.
//   - args ([]string): the arguments, $1… in bash and sys.argv[1:] in
//     Python.
//   - env (map of string to string): variables added to the scrubbed
//     environment; names match ^[A-Z_][A-Z0-9_]*$ and are not PATH or
//     HOME.
//
// The script sees PATH=/usr/local/bin:/usr/bin:/bin, HOME and the working
// directory fresh empty directories removed afterwards, LANG=C.UTF-8, and
// an empty stdin. Its stdout and stderr together are its output, capped.
// Anything it leaves running is killed when it exits. Scripts cannot be
// rolled back: plan them with blast_radius reversible: false.
type Plugin struct {
	maxOutput int
}

// An Option configures a Plugin.
type Option func(*Plugin)

// WithMaxOutput caps the output kept of each script at n bytes (default
// plugins.DefaultMaxOutput); the rest is counted in a truncation marker.
func WithMaxOutput(n int) Option {
	return func(p *Plugin) { p.maxOutput = n }
}

// New returns the script plugin.
func New(opts ...Option) *Plugin {
	p := &Plugin{maxOutput: plugins.DefaultMaxOutput}
	for _, o := range opts {
		o(p)
	}
	return p
}

// ID returns "script".
func (p *Plugin) ID() string { return ID }

// Actions returns run_bash and run_python.
func (p *Plugin) Actions() []string { return []string{ActionBash, ActionPython} }

// params are an action's params, decoded.
type params struct {
	Script string            `json:"script"`
	Args   []string          `json:"args"`
	Env    map[string]string `json:"env"`
}

// command is what runs an action: its interpreter and params.
type command struct {
	path string
	argv []string
	env  map[string]string
}

// prepare checks a and returns how to run it; ValidatePre and Execute both
// call it, so Execute does not rely on ValidatePre having run.
func prepare(a plugins.Action) (command, error) {
	var interp string
	switch a.Name {
	case ActionBash:
		interp = "bash"
	case ActionPython:
		interp = "python3"
	default:
		return command{}, fmt.Errorf("unknown action %q (want %s or %s)", a.Name, ActionBash, ActionPython)
	}
	var ps params
	if err := plugins.DecodeParams(a.Params, &ps); err != nil {
		return command{}, err
	}
	if ps.Script == "" {
		return command{}, errors.New(`param "script" is missing or empty`)
	}
	for k := range ps.Env {
		if !validEnvName(k) {
			return command{}, fmt.Errorf(`param "env": name %q does not match ^[A-Z_][A-Z0-9_]*$`, k)
		}
		if k == "PATH" || k == "HOME" {
			return command{}, fmt.Errorf(`param "env": %s is set by the script plugin`, k)
		}
	}
	path, err := proc.LookPath(interp)
	if err != nil {
		return command{}, err
	}
	var argv []string
	switch interp {
	case "bash":
		// The word after the script is $0; "bash" keeps bash's own error
		// messages as they usually read, and the args start at $1.
		argv = append([]string{"bash", "-c", ps.Script, "bash"}, ps.Args...)
	case "python3":
		// -u: output printed before a kill on timeout is not lost in
		// Python's buffer.
		argv = append([]string{"python3", "-u", "-c", ps.Script}, ps.Args...)
	}
	return command{path: path, argv: argv, env: ps.Env}, nil
}

// validEnvName reports whether k matches ^[A-Z_][A-Z0-9_]*$.
func validEnvName(k string) bool {
	if k == "" || k[0] >= '0' && k[0] <= '9' {
		return false
	}
	for _, c := range []byte(k) {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// ValidatePre checks that the params are well formed and that the
// interpreter is installed.
func (p *Plugin) ValidatePre(ctx context.Context, a plugins.Action) error {
	if _, err := prepare(a); err != nil {
		return fmt.Errorf("%s: %w", a.Name, err)
	}
	return nil
}

// Execute runs the script until it exits or ctx is done. It fails when the
// script exits non-zero, saying the exit status, or is killed; the output
// is returned either way. Data["exit_code"] holds the exit status, -1 when
// the script was killed.
func (p *Plugin) Execute(ctx context.Context, a plugins.Action) (plugins.Result, error) {
	cmd, err := prepare(a)
	if err != nil {
		return plugins.Result{}, fmt.Errorf("%s: %w", a.Name, err)
	}
	out := plugins.NewCappedBuffer(p.maxOutput)
	err = proc.Run(ctx, proc.Spec{Path: cmd.path, Args: cmd.argv, Env: cmd.env, Stdout: out})
	r := plugins.Result{Output: out.String(), Data: map[string]any{"exit_code": 0}}
	if err == nil {
		return r, nil
	}
	r.Data["exit_code"] = -1
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.Data["exit_code"] = ee.ExitCode()
		if ee.ExitCode() >= 0 {
			return r, fmt.Errorf("%s: exit status %d", a.Name, ee.ExitCode())
		}
	}
	return r, fmt.Errorf("%s: %w", a.Name, err)
}

// ValidatePost succeeds when the script exited with status 0.
func (p *Plugin) ValidatePost(ctx context.Context, a plugins.Action, r plugins.Result) error {
	code, ok := r.Data["exit_code"].(int)
	switch {
	case !ok:
		return fmt.Errorf("%s: no exit status recorded", a.Name)
	case code < 0:
		return fmt.Errorf("%s: killed before it exited", a.Name)
	case code != 0:
		return fmt.Errorf("%s: exit status %d", a.Name, code)
	}
	return nil
}

// Rollback always fails, wrapping plugins.ErrNoRollback: what a script did
// is not known, so it cannot be undone.
func (p *Plugin) Rollback(ctx context.Context, a plugins.Action, r plugins.Result) error {
	return fmt.Errorf("%s: %w: scripts cannot be rolled back; plan them with blast_radius reversible: false", a.Name, plugins.ErrNoRollback)
}

var _ plugins.Plugin = (*Plugin)(nil)
