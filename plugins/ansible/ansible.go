// Package ansible is the execution plugin "ansible": it runs playbooks
// from one directory the worker's operator controls, with
// ansible-playbook (Debian's ansible-core), each run in a scrubbed
// environment and a process group of its own, killed whole when its time
// is up.
package ansible

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/wingman-dev/wingman/plugins"
)

// ID is the plugin's ID.
const ID = "ansible"

// ActionRunPlaybook is the plugin's action.
const ActionRunPlaybook = "run_playbook"

// Defaults of the config.
const (
	DefaultBinary  = "ansible-playbook"
	DefaultTimeout = 30 * time.Minute
)

// ErrNotInstalled is wrapped by ValidatePre and Execute when
// ansible-playbook cannot be found; the error says how to install it.
var ErrNotInstalled = errors.New("ansible: ansible-playbook not installed")

// Config is where the playbooks are and how they run.
type Config struct {
	// PlaybookDir holds the playbooks a plan may name (required). A
	// playbook is run only if its real path, symlinks resolved, is a .yml
	// or .yaml file inside it.
	PlaybookDir string
	// Inventory is passed with -i when set. Without it ansible reads
	// /etc/ansible/hosts, or knows only the implicit localhost.
	Inventory string
	// Binary is the ansible-playbook to run: a path, or a name looked up
	// in /usr/local/bin:/usr/bin:/bin, the PATH the run sees. Empty means
	// DefaultBinary.
	Binary string
	// Timeout bounds each run of ansible-playbook on top of the task's
	// own deadline; zero means DefaultTimeout.
	Timeout time.Duration
	// MaxOutput caps the output kept of a run (default
	// plugins.DefaultMaxOutput).
	MaxOutput int
}

// Plugin runs playbooks. Params of run_playbook:
//
//   - playbook (string, required): the playbook, relative to the
//     playbooks directory (or absolute inside it); no ".." element.
//   - extra_vars (object): variables for the run, passed in a JSON file
//     with -e @file so that their values never show on a command line;
//     names match [A-Za-z_][A-Za-z0-9_]*, and no string in a value may
//     hold a Jinja delimiter ({{, {% or {#), which Ansible would template.
//   - limit (string): --limit, a host pattern.
//   - check (bool): --check, a dry run.
//
// The run sees PATH=/usr/local/bin:/usr/bin:/bin, HOME and the working
// directory fresh empty directories removed afterwards (so ~/.ansible and
// an ansible.cfg beside the playbooks are not read: install collections
// system-wide), LANG=C.UTF-8, ANSIBLE_NOCOLOR=1,
// ANSIBLE_RETRY_FILES_ENABLED=0, ANSIBLE_LOCAL_TEMP in a temporary
// directory and the default output callback, whose PLAY RECAP the
// post-check reads. Playbooks cannot be rolled back: plan them with
// blast_radius reversible: false.
type Plugin struct {
	cfg Config
}

// New returns the plugin for cfg. It checks the directories exist but not
// that ansible-playbook is installed: ValidatePre says so, with how to
// install it, so that a worker without it still starts.
func New(cfg Config) (*Plugin, error) {
	if cfg.PlaybookDir == "" {
		return nil, errors.New("ansible: no playbooks directory")
	}
	dir, err := realDir(cfg.PlaybookDir)
	if err != nil {
		return nil, fmt.Errorf("ansible: playbooks directory: %w", err)
	}
	cfg.PlaybookDir = dir
	if cfg.Inventory != "" {
		inv, err := filepath.Abs(cfg.Inventory)
		if err != nil {
			return nil, fmt.Errorf("ansible: inventory: %w", err)
		}
		if _, err := os.Stat(inv); err != nil {
			return nil, fmt.Errorf("ansible: inventory: %w", err)
		}
		cfg.Inventory = inv
	}
	if cfg.Binary == "" {
		cfg.Binary = DefaultBinary
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxOutput <= 0 {
		cfg.MaxOutput = plugins.DefaultMaxOutput
	}
	return &Plugin{cfg: cfg}, nil
}

// realDir is dir absolute with its symlinks resolved, if it is a
// directory.
func realDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", err
	}
	st, err := os.Stat(real)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		return "", fmt.Errorf("%s is not a directory", real)
	}
	return real, nil
}

var _ plugins.Plugin = (*Plugin)(nil)

// ID returns "ansible".
func (p *Plugin) ID() string { return ID }

// Actions returns run_playbook.
func (p *Plugin) Actions() []string { return []string{ActionRunPlaybook} }

// ValidatePre checks the params, that ansible-playbook is installed, and
// that the playbook passes ansible-playbook --syntax-check.
func (p *Plugin) ValidatePre(ctx context.Context, a plugins.Action) error {
	inv, err := p.invocation(a)
	if err != nil {
		return err
	}
	defer inv.cleanup()
	return inv.syntaxCheck(ctx)
}

// Execute runs the playbook. Result.Data holds "exit_code" and "recap",
// the PLAY RECAP's counts by host, read from the end of the output even
// when the output kept was cut.
func (p *Plugin) Execute(ctx context.Context, a plugins.Action) (plugins.Result, error) {
	inv, err := p.invocation(a)
	if err != nil {
		return plugins.Result{}, err
	}
	defer inv.cleanup()
	return inv.run(ctx)
}

// ValidatePost checks the run exited with status 0 and that its PLAY
// RECAP lists at least one host, none with failed or unreachable tasks.
func (p *Plugin) ValidatePost(ctx context.Context, a plugins.Action, r plugins.Result) error {
	var d struct {
		ExitCode *int  `json:"exit_code"`
		Recap    recap `json:"recap"`
	}
	// Data may have crossed the wire, its numbers turned to float64:
	// decode it again rather than assert its types.
	if b, err := json.Marshal(r.Data); err == nil {
		_ = json.Unmarshal(b, &d)
	}
	if d.ExitCode == nil || *d.ExitCode != 0 {
		return errors.New("ansible-playbook did not exit with status 0")
	}
	if d.Recap == nil {
		d.Recap = parseRecap(r.Output)
	}
	return d.Recap.check()
}

// check is nil if the recap lists hosts, none with a failed or
// unreachable task.
func (r recap) check() error {
	if r == nil {
		return errors.New("no PLAY RECAP in the output of ansible-playbook")
	}
	if len(r) == 0 {
		return errors.New("the PLAY RECAP lists no host: the playbook ran on nothing")
	}
	var bad []error
	for host, c := range r {
		if c["failed"] != 0 || c["unreachable"] != 0 {
			bad = append(bad, fmt.Errorf("%s: failed=%d unreachable=%d", host, c["failed"], c["unreachable"]))
		}
	}
	return errors.Join(bad...)
}

// Rollback refuses: a playbook cannot be undone in general.
func (p *Plugin) Rollback(ctx context.Context, a plugins.Action, r plugins.Result) error {
	return fmt.Errorf("ansible: a playbook run cannot be undone: %w", plugins.ErrNoRollback)
}
