package ansible

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/plugins"
	"github.com/wingman-dev/wingman/plugins/internal/proc"
	"github.com/wingman-dev/wingman/plugins/internal/proctest"
)

// needAnsible skips the test when ansible-playbook is not installed, and
// fails it under CI=true, where .ci/run must have installed it.
func needAnsible(t *testing.T) {
	t.Helper()
	if _, err := proc.LookPath(DefaultBinary); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("ansible-playbook is required under CI=true (apt-get install ansible-core): %v", err)
		}
		t.Skipf("ansible-playbook is not installed (apt-get install ansible-core): %v", err)
	}
}

// playbooks returns a playbooks directory holding the given playbooks, by
// name, and a plugin serving it.
func playbooks(t *testing.T, cfg Config, books map[string]string) *Plugin {
	t.Helper()
	dir := t.TempDir()
	for name, text := range books {
		write(t, filepath.Join(dir, name), text)
	}
	cfg.PlaybookDir = dir
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func action(params map[string]any) plugins.Action {
	return plugins.Action{TaskID: "exec-1", Name: ActionRunPlaybook, Params: params, Timeout: 5 * time.Minute}
}

// local is the head of every test playbook: no inventory, no SSH, no
// facts.
const local = `- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
`

const writeMessage = local + `    - name: write the message
      ansible.builtin.copy:
        dest: "{{ out_dir }}/message.txt"
        content: "{{ message }}\n"
        mode: "0644"
`

func TestRunPlaybook(t *testing.T) {
	needAnsible(t)
	p := playbooks(t, Config{}, map[string]string{"site.yml": writeMessage})
	out := t.TempDir()
	// Quotes and shell syntax reach the playbook as they are: the vars
	// travel in a file, never through a shell.
	msg := `hello from wingman; $(touch /tmp/x) "quoted" 'single'`
	res := plugins.Run(context.Background(), p, action(map[string]any{
		"playbook":   "site.yml",
		"extra_vars": map[string]any{"out_dir": out, "message": msg},
		"limit":      "localhost",
	}), 0)
	if res.Status != domain.TaskSucceeded {
		t.Fatalf("Run = %s %q\n%s", res.Status, res.Error, res.Output)
	}
	if res.Validation["pre"] != "ok" || res.Validation["post"] != "ok" {
		t.Errorf("Validation = %v", res.Validation)
	}
	got, err := os.ReadFile(filepath.Join(out, "message.txt"))
	if err != nil || string(got) != msg+"\n" {
		t.Errorf("message.txt = %q, %v; want %q", got, err, msg+"\n")
	}
	if !strings.Contains(res.Output, "PLAY RECAP") || !strings.Contains(res.Output, "changed=1") {
		t.Errorf("Output:\n%s", res.Output)
	}
}

func TestCheckMode(t *testing.T) {
	needAnsible(t)
	p := playbooks(t, Config{}, map[string]string{"site.yml": writeMessage})
	out := t.TempDir()
	res := plugins.Run(context.Background(), p, action(map[string]any{
		"playbook":   "site.yml",
		"extra_vars": map[string]any{"out_dir": out, "message": "dry"},
		"check":      true,
	}), 0)
	if res.Status != domain.TaskSucceeded {
		t.Fatalf("Run = %s %q\n%s", res.Status, res.Error, res.Output)
	}
	if _, err := os.Stat(filepath.Join(out, "message.txt")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("--check wrote the file (stat: %v)", err)
	}
}

func TestFailingPlaybook(t *testing.T) {
	needAnsible(t)
	p := playbooks(t, Config{}, map[string]string{"fail.yml": local + `    - ansible.builtin.fail:
        msg: deliberate failure
`})
	a := action(map[string]any{"playbook": "fail.yml"})
	res := plugins.Run(context.Background(), p, a, 0)
	if res.Status != domain.TaskFailed || res.Error != "execute: ansible-playbook exited with status 2" {
		t.Fatalf("Run = %s %q, want failed at execute with status 2", res.Status, res.Error)
	}
	if !strings.Contains(res.Output, "deliberate failure") || !strings.Contains(res.Output, "failed=1") {
		t.Errorf("Output:\n%s", res.Output)
	}

	// What Execute records fails the post-check too.
	r, err := p.Execute(context.Background(), a)
	if err == nil {
		t.Fatal("Execute succeeded")
	}
	if r.Data["exit_code"] != 2 {
		t.Errorf("exit_code = %v", r.Data["exit_code"])
	}
	if err := p.ValidatePost(context.Background(), a, r); err == nil {
		t.Error("ValidatePost passed a failed run")
	}
}

func TestSyntaxCheck(t *testing.T) {
	needAnsible(t)
	out := t.TempDir()
	p := playbooks(t, Config{}, map[string]string{"broken.yml": local + `    - no_such_module_anywhere:
        dest: "{{ out_dir }}/ran"
`})
	res := plugins.Run(context.Background(), p, action(map[string]any{
		"playbook": "broken.yml", "extra_vars": map[string]any{"out_dir": out},
	}), 0)
	if res.Status != domain.TaskFailed || !strings.HasPrefix(res.Error, "validate_pre: ansible-playbook --syntax-check: ") {
		t.Fatalf("Run = %s %q, want failed at validate_pre", res.Status, res.Error)
	}
	if !strings.Contains(res.Error, "no_such_module_anywhere") {
		t.Errorf("the error does not quote ansible's: %q", res.Error)
	}
}

func TestCancelKillsRun(t *testing.T) {
	needAnsible(t)
	out := t.TempDir()
	p := playbooks(t, Config{}, map[string]string{"hang.yml": local + `    - ansible.builtin.shell: "echo $$ > {{ out_dir }}/pid; exec sleep 300"
`})
	ctx, cancel := context.WithCancelCause(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := p.Execute(ctx, action(map[string]any{"playbook": "hang.yml", "extra_vars": map[string]any{"out_dir": out}}))
		done <- err
	}()
	// The sleep is ansible's grandchild's child: once it runs, every
	// process of the run is up.
	pid := proctest.ReadPID(t, filepath.Join(out, "pid"))
	cancel(errors.New("the task's time is up"))
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "killed") {
			t.Errorf("Execute = %v, want killed on the cancelled context", err)
		}
	case <-time.After(proctest.Patience):
		t.Fatalf("Execute still running %s after its context ended", proctest.Patience)
	}
	proctest.WaitGone(t, pid)
}

func TestTimeout(t *testing.T) {
	needAnsible(t)
	p := playbooks(t, Config{Timeout: time.Second}, map[string]string{"hang.yml": local + `    - ansible.builtin.command: sleep 300
`})
	start := time.Now()
	_, err := p.Execute(t.Context(), action(map[string]any{"playbook": "hang.yml"}))
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "still running after 1s") {
		t.Fatalf("Execute = %v, want killed after the 1s timeout", err)
	}
	// Far beyond the timeout, far below the sleep.
	if elapsed := time.Since(start); elapsed > time.Minute {
		t.Errorf("Execute returned after %s", elapsed)
	}
}

func TestNotInstalled(t *testing.T) {
	p := playbooks(t, Config{Binary: "ansible-playbook-not-installed"}, map[string]string{"site.yml": writeMessage})
	err := p.ValidatePre(context.Background(), action(map[string]any{"playbook": "site.yml"}))
	if !errors.Is(err, ErrNotInstalled) || !strings.Contains(err.Error(), "apt-get install ansible-core") {
		t.Errorf("ValidatePre = %v, want ErrNotInstalled saying how to install it", err)
	}
}

func TestParamsRefused(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "outside.yml"), writeMessage)
	p := playbooks(t, Config{Binary: "/bin/true"}, map[string]string{"site.yml": writeMessage})
	tests := []struct {
		name   string
		params map[string]any
		want   string
	}{
		{"outside", map[string]any{"playbook": filepath.Join(root, "outside.yml")}, "outside the playbooks directory"},
		{"dotdot", map[string]any{"playbook": "../outside.yml"}, `".."`},
		{"unknown param", map[string]any{"playbook": "site.yml", "tags": "x"}, `unknown param "tags"`},
		{"var name", map[string]any{"playbook": "site.yml", "extra_vars": map[string]any{"bad-name": 1}}, `"bad-name" is not a variable name`},
		{"jinja in a var", map[string]any{"playbook": "site.yml", "extra_vars": map[string]any{
			"x": map[string]any{"list": []any{"ok", "{{ lookup('pipe', 'id') }}"}}}}, "Jinja"},
		{"limit from a file", map[string]any{"playbook": "site.yml", "limit": "@/etc/hosts"}, "param limit"},
		{"limit as an option", map[string]any{"playbook": "site.yml", "limit": "--become"}, "param limit"},
		{"limit with a newline", map[string]any{"playbook": "site.yml", "limit": "a\nb"}, "param limit"},
	}
	for _, tt := range tests {
		err := p.ValidatePre(context.Background(), action(tt.params))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: ValidatePre = %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
	wrong := action(map[string]any{"playbook": "site.yml"})
	wrong.Name = "run"
	if err := p.ValidatePre(context.Background(), wrong); err == nil {
		t.Error("ValidatePre accepted an unknown action")
	}
}

// The extra vars go in a file only the worker's user reads, named with
// -e @file: their values are never on the command line, where any local
// user could read them.
func TestExtraVarsInFile(t *testing.T) {
	inventory := filepath.Join(t.TempDir(), "hosts.ini")
	write(t, inventory, "localhost ansible_connection=local\n")
	p := playbooks(t, Config{Binary: "/bin/true", Inventory: inventory}, map[string]string{"site.yml": writeMessage})
	inv, err := p.invocation(action(map[string]any{
		"playbook":   "site.yml",
		"extra_vars": map[string]any{"db_password": "s3cret", "n": 3},
		"limit":      "web:&prod",
		"check":      true,
	}))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(inv.tmp, "extra-vars.json")
	want := []string{"-i", inventory, "-e", "@" + file, "--limit=web:&prod", "--check", "--", filepath.Join(p.cfg.PlaybookDir, "site.yml")}
	if !slices.Equal(inv.args, want) {
		t.Errorf("args = %q\nwant %q", inv.args, want)
	}
	if strings.Contains(strings.Join(inv.args, " "), "s3cret") {
		t.Error("a var's value is on the command line")
	}
	st, err := os.Stat(file)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("vars file: %v, mode %v", err, st.Mode())
	}
	var vars map[string]any
	if b, _ := os.ReadFile(file); json.Unmarshal(b, &vars) != nil || vars["db_password"] != "s3cret" || vars["n"] != 3.0 {
		t.Errorf("vars file holds %v", vars)
	}
	for k, v := range map[string]string{"ANSIBLE_NOCOLOR": "1", "ANSIBLE_RETRY_FILES_ENABLED": "0", "ANSIBLE_STDOUT_CALLBACK": "default"} {
		if inv.env[k] != v {
			t.Errorf("env %s = %q, want %q", k, inv.env[k], v)
		}
	}
	if lt := inv.env["ANSIBLE_LOCAL_TEMP"]; !strings.HasPrefix(lt, inv.tmp+string(filepath.Separator)) {
		t.Errorf("ANSIBLE_LOCAL_TEMP = %q, not in the run's temporary directory", lt)
	}
	inv.cleanup()
	if _, err := os.Stat(inv.tmp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary directory left behind: %v", err)
	}
}

func TestNew(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Error("New without a playbooks directory succeeded")
	}
	if _, err := New(Config{PlaybookDir: filepath.Join(t.TempDir(), "missing")}); err == nil {
		t.Error("New with a missing playbooks directory succeeded")
	}
	file := filepath.Join(t.TempDir(), "f")
	write(t, file, "")
	if _, err := New(Config{PlaybookDir: file}); err == nil {
		t.Error("New with a file as playbooks directory succeeded")
	}
	if _, err := New(Config{PlaybookDir: t.TempDir(), Inventory: "/nonexistent/hosts"}); err == nil {
		t.Error("New with a missing inventory succeeded")
	}
	// A playbooks directory reached through a symlink works: the check is
	// on real paths.
	real := t.TempDir()
	write(t, filepath.Join(real, "site.yml"), writeMessage)
	link := filepath.Join(t.TempDir(), "pb")
	symlink(t, real, link)
	p, err := New(Config{PlaybookDir: link, Binary: "/bin/true"})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.ValidatePre(context.Background(), action(map[string]any{"playbook": "site.yml"})); err != nil {
		t.Errorf("ValidatePre through a linked directory = %v", err)
	}
}
