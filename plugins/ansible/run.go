package ansible

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/wingman-dev/wingman/plugins"
	"github.com/wingman-dev/wingman/plugins/internal/proc"
)

// syntaxCheckTimeout bounds ansible-playbook --syntax-check, which reads
// files and starts nothing.
const syntaxCheckTimeout = 2 * time.Minute

// tailSize is how much of the end of a run's output is kept for its
// recap: a line of about a hundred bytes per host.
const tailSize = 64 << 10

// params are run_playbook's params, decoded.
type params struct {
	Playbook  string         `json:"playbook"`
	ExtraVars map[string]any `json:"extra_vars"`
	Limit     string         `json:"limit"`
	Check     bool           `json:"check"`
}

// invocation is one action ready to run: its arguments, environment and
// the temporary directory holding its extra vars, removed by cleanup.
type invocation struct {
	cfg  Config
	bin  string   // the ansible-playbook to run
	args []string // after argv[0], without --syntax-check
	env  map[string]string
	tmp  string
}

// invocation checks a's params, finds ansible-playbook and prepares the
// run: on success the caller must call cleanup.
func (p *Plugin) invocation(a plugins.Action) (*invocation, error) {
	if a.Name != ActionRunPlaybook {
		return nil, fmt.Errorf("ansible has no action %q (it has %s)", a.Name, ActionRunPlaybook)
	}
	var pr params
	if err := plugins.DecodeParams(a.Params, &pr); err != nil {
		return nil, err
	}
	playbook, err := resolvePlaybook(p.cfg.PlaybookDir, pr.Playbook)
	if err != nil {
		return nil, err
	}
	for name, v := range pr.ExtraVars {
		if !validVarName(name) {
			return nil, fmt.Errorf("param extra_vars: %q is not a variable name", name)
		}
		if hasTemplate(v) {
			return nil, fmt.Errorf("param extra_vars: %s holds a Jinja delimiter ({{, {%% or {#)", name)
		}
	}
	if err := checkLimit(pr.Limit); err != nil {
		return nil, err
	}
	bin, err := lookBinary(p.cfg.Binary)
	if err != nil {
		return nil, err
	}

	tmp, err := os.MkdirTemp("", "wingman-ansible-")
	if err != nil {
		return nil, fmt.Errorf("ansible: %w", err)
	}
	inv := &invocation{cfg: p.cfg, bin: bin, tmp: tmp}
	localTemp := filepath.Join(tmp, "local")
	if err := os.Mkdir(localTemp, 0o700); err != nil {
		inv.cleanup()
		return nil, fmt.Errorf("ansible: %w", err)
	}
	inv.env = map[string]string{
		"ANSIBLE_NOCOLOR":             "1",
		"ANSIBLE_RETRY_FILES_ENABLED": "0",
		"ANSIBLE_LOCAL_TEMP":          localTemp,
		// The post-check reads the default callback's PLAY RECAP, whatever
		// /etc/ansible/ansible.cfg chose.
		"ANSIBLE_STDOUT_CALLBACK": "default",
	}
	if p.cfg.Inventory != "" {
		inv.args = append(inv.args, "-i", p.cfg.Inventory)
	}
	if len(pr.ExtraVars) > 0 {
		file, err := writeVars(tmp, pr.ExtraVars)
		if err != nil {
			inv.cleanup()
			return nil, err
		}
		inv.args = append(inv.args, "-e", "@"+file)
	}
	if pr.Limit != "" {
		// One argument with "=", so that the value is never read as an
		// option of its own.
		inv.args = append(inv.args, "--limit="+pr.Limit)
	}
	if pr.Check {
		inv.args = append(inv.args, "--check")
	}
	// "--" ends the options: the playbook is an absolute path anyway.
	inv.args = append(inv.args, "--", playbook)
	return inv, nil
}

func (inv *invocation) cleanup() { _ = os.RemoveAll(inv.tmp) }

// writeVars writes the extra vars as JSON, readable by the worker's user
// only since they may hold secrets, and returns the file's path.
func writeVars(dir string, vars map[string]any) (string, error) {
	b, err := json.Marshal(vars)
	if err != nil {
		return "", fmt.Errorf("param extra_vars: %w", err)
	}
	file := filepath.Join(dir, "extra-vars.json")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		return "", fmt.Errorf("ansible: extra vars: %w", err)
	}
	return file, nil
}

// lookBinary finds ansible-playbook, or says how to install it.
func lookBinary(name string) (string, error) {
	var path string
	var err error
	if strings.ContainsRune(name, '/') {
		path, err = exec.LookPath(name)
	} else {
		path, err = proc.LookPath(name)
	}
	if err != nil {
		return "", fmt.Errorf("%w (%v): install Debian's package ansible-core (apt-get install ansible-core)", ErrNotInstalled, err)
	}
	return path, nil
}

// syntaxCheck runs ansible-playbook --syntax-check and returns its output
// in the error when it fails.
func (inv *invocation) syntaxCheck(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, min(syntaxCheckTimeout, inv.cfg.Timeout))
	defer cancel()
	out := plugins.NewCappedBuffer(4 << 10)
	args := append([]string{inv.bin, "--syntax-check"}, inv.args...)
	if err := inv.exec(ctx, args, out); err != nil {
		return fmt.Errorf("ansible-playbook --syntax-check: %w\n%s", err, strings.TrimSpace(out.String()))
	}
	return nil
}

// run runs the playbook, keeping its output, capped, and its recap.
func (inv *invocation) run(ctx context.Context) (plugins.Result, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, inv.cfg.Timeout,
		fmt.Errorf("ansible-playbook still running after %s", inv.cfg.Timeout))
	defer cancel()
	out := plugins.NewCappedBuffer(inv.cfg.MaxOutput)
	end := &tail{max: tailSize}
	err := inv.exec(ctx, append([]string{inv.bin}, inv.args...), io.MultiWriter(out, end))

	r := plugins.Result{Output: out.String(), Data: map[string]any{}}
	if rc := parseRecap(end.String()); rc != nil {
		r.Data["recap"] = rc
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
		r.Data["exit_code"] = 0
		return r, nil
	case errors.As(err, &exit):
		r.Data["exit_code"] = exit.ExitCode()
		return r, fmt.Errorf("ansible-playbook exited with status %d", exit.ExitCode())
	default:
		return r, fmt.Errorf("ansible-playbook: %w", err)
	}
}

// exec runs args in the scrubbed environment, its own process group
// killed when ctx is done.
func (inv *invocation) exec(ctx context.Context, args []string, out io.Writer) error {
	return proc.Run(ctx, proc.Spec{Path: inv.bin, Args: args, Env: inv.env, Stdout: out})
}

// validVarName reports whether s is a name Ansible accepts for a
// variable.
func validVarName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		letter := c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// hasTemplate reports whether v, or a string anywhere in it, holds a
// Jinja delimiter. Ansible templates extra vars where they are used, so a
// value such as "{{ lookup('pipe', 'id') }}" would run on the worker:
// params are data, not code.
func hasTemplate(v any) bool {
	switch v := v.(type) {
	case string:
		return strings.Contains(v, "{{") || strings.Contains(v, "{%") || strings.Contains(v, "{#")
	case map[string]any:
		for k, e := range v {
			if hasTemplate(k) || hasTemplate(e) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if hasTemplate(e) {
				return true
			}
		}
	}
	return false
}

// checkLimit refuses a limit that ansible-playbook would read as
// something else: "@file" reads hosts from a file, and control
// characters have no place in a host pattern.
func checkLimit(limit string) error {
	if strings.HasPrefix(limit, "@") || strings.HasPrefix(limit, "-") {
		return fmt.Errorf("param limit: %q may not start with %q", limit, limit[:1])
	}
	for _, c := range limit {
		if c < ' ' || c == 0x7f || c == ' ' {
			return fmt.Errorf("param limit: %q holds a space or control character", limit)
		}
	}
	return nil
}
