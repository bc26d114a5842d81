package script

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/plugins"
	"github.com/wingman-dev/wingman/plugins/internal/proctest"
)

func action(name string, params map[string]any) plugins.Action {
	return plugins.Action{TaskID: "exec-1", Name: name, Params: params, Timeout: time.Minute}
}

func TestOutputCaptured(t *testing.T) {
	tests := []struct {
		name   string
		action plugins.Action
		want   string
	}{
		{
			"bash stdout and stderr in order, args, env",
			action(ActionBash, map[string]any{
				"script": `echo "out $1 $2"; echo "err $GREETING" >&2; echo last`,
				"args":   []any{"a b", "c"},
				"env":    map[string]any{"GREETING": "hi"},
			}),
			"out a b c\nerr hi\nlast\n",
		},
		{
			"python args and env",
			action(ActionPython, map[string]any{
				"script": "import os, sys\nprint(sys.argv[1:], os.environ['GREETING'])\nprint('err', file=sys.stderr)",
				"args":   []string{"x", "y"},
				"env":    map[string]string{"GREETING": "hi"},
			}),
			"['x', 'y'] hi\nerr\n",
		},
		{
			"stdin is empty, not the worker's",
			action(ActionBash, map[string]any{"script": `cat; echo "stdin done"`}),
			"stdin done\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := plugins.Run(context.Background(), New(), tt.action, 0)
			if res.Status != domain.TaskSucceeded || res.Output != tt.want {
				t.Fatalf("Run = %s %q, output %q; want succeeded, %q", res.Status, res.Error, res.Output, tt.want)
			}
			if res.Validation["pre"] != "ok" || res.Validation["post"] != "ok" {
				t.Fatalf("Validation = %v", res.Validation)
			}
		})
	}
}

func TestNonZeroExit(t *testing.T) {
	p := New()
	for _, a := range []plugins.Action{
		action(ActionBash, map[string]any{"script": "echo before; exit 3"}),
		action(ActionPython, map[string]any{"script": "print('before'); raise SystemExit(3)"}),
	} {
		r, err := p.Execute(context.Background(), a)
		if err == nil || !strings.Contains(err.Error(), a.Name+": exit status 3") {
			t.Errorf("%s: Execute error = %v, want exit status 3", a.Name, err)
		}
		if r.Output != "before\n" || r.Data["exit_code"] != 3 {
			t.Errorf("%s: result %+v", a.Name, r)
		}
		if err := p.ValidatePost(context.Background(), a, r); err == nil {
			t.Errorf("%s: ValidatePost accepted exit status 3", a.Name)
		}

		res := plugins.Run(context.Background(), p, a, 0)
		if res.Status != domain.TaskFailed || res.Error != "execute: "+a.Name+": exit status 3" || res.Output != "before\n" {
			t.Errorf("%s: Run = %s %q, output %q", a.Name, res.Status, res.Error, res.Output)
		}
	}
}

func TestValidatePost(t *testing.T) {
	p, a := New(), action(ActionBash, nil)
	if err := p.ValidatePost(context.Background(), a, plugins.Result{Data: map[string]any{"exit_code": 0}}); err != nil {
		t.Errorf("exit 0: %v", err)
	}
	for _, data := range []map[string]any{nil, {"exit_code": 1}, {"exit_code": -1}} {
		if err := p.ValidatePost(context.Background(), a, plugins.Result{Data: data}); err == nil {
			t.Errorf("ValidatePost accepted %v", data)
		}
	}
}

// On timeout the whole process group dies, a background grandchild too,
// and Run returns at once rather than when the grandchild would have
// finished.
func TestTimeoutKillsGrandchild(t *testing.T) {
	for _, a := range []plugins.Action{
		action(ActionBash, map[string]any{"script": `sleep 100 & echo $! > "$PIDFILE"; echo started; wait`}),
		action(ActionPython, map[string]any{"script": "import os, subprocess, time\n" +
			"p = subprocess.Popen(['sleep', '100'])\n" +
			"open(os.environ['PIDFILE'], 'w').write(f'{p.pid}\\n')\n" +
			"print('started')\n" +
			"time.sleep(100)"}),
	} {
		t.Run(a.Name, func(t *testing.T) {
			pidfile := filepath.Join(t.TempDir(), "pid")
			a.Params["env"] = map[string]string{"PIDFILE": pidfile}
			a.Timeout = 2 * time.Second
			start := time.Now()
			res := plugins.Run(context.Background(), New(), a, 0)
			took := time.Since(start)

			pid := proctest.ReadPID(t, pidfile)
			proctest.WaitGone(t, pid)
			if res.Status != domain.TaskFailed || !strings.Contains(res.Error, "killed: context deadline exceeded (action timed out after 2s)") {
				t.Errorf("Run = %s %q", res.Status, res.Error)
			}
			if res.Output != "started\n" {
				t.Errorf("output before the kill lost: %q", res.Output)
			}
			if took > 60*time.Second {
				t.Errorf("Run took %s", took)
			}
		})
	}
}

// A script that exits leaving a background process holding its output
// returns when it exits, and the process is killed.
func TestLeftoverBackgroundProcessKilled(t *testing.T) {
	pidfile := filepath.Join(t.TempDir(), "pid")
	a := action(ActionBash, map[string]any{
		"script": `sleep 100 & echo $! > "$PIDFILE"; echo bye`,
		"env":    map[string]string{"PIDFILE": pidfile},
	})
	start := time.Now()
	r, err := New().Execute(context.Background(), a)
	if err != nil || r.Output != "bye\n" {
		t.Fatalf("Execute = %v, output %q", err, r.Output)
	}
	if took := time.Since(start); took > 60*time.Second {
		t.Errorf("Execute took %s: it waited for the background process", took)
	}
	proctest.WaitGone(t, proctest.ReadPID(t, pidfile))
}

func TestEnvironmentScrubbed(t *testing.T) {
	t.Setenv("WINGMAN_TEST_SECRET", "leaked")
	r, err := New().Execute(context.Background(), action(ActionBash, map[string]any{
		"script": `env; echo "PWD=$(pwd)"; touch "$HOME/h" ./w && echo writable`,
		"env":    map[string]string{"EXTRA": "1", "LANG": "C"},
	}))
	if err != nil {
		t.Fatalf("Execute: %v (%s)", err, r.Output)
	}
	vars := map[string]string{}
	for line := range strings.Lines(r.Output) {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok {
			vars[k] = v
		}
	}
	if _, ok := vars["WINGMAN_TEST_SECRET"]; ok || strings.Contains(r.Output, "leaked") {
		t.Errorf("the worker's environment leaked into the script:\n%s", r.Output)
	}
	if vars["PATH"] != "/usr/local/bin:/usr/bin:/bin" || vars["EXTRA"] != "1" || vars["LANG"] != "C" {
		t.Errorf("PATH=%q EXTRA=%q LANG=%q", vars["PATH"], vars["EXTRA"], vars["LANG"])
	}
	if !strings.Contains(r.Output, "writable") {
		t.Errorf("HOME or the working directory is not writable:\n%s", r.Output)
	}
	home, pwd := vars["HOME"], vars["PWD"]
	if home == "" || pwd == "" || home == pwd {
		t.Fatalf("HOME=%q PWD=%q, want two fresh directories", home, pwd)
	}
	for _, dir := range []string{home, pwd} {
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s not removed: %v", dir, err)
		}
	}
	// Only what the plugin sets: bash adds a few of its own (PWD, SHLVL, _).
	for k := range vars {
		switch k {
		case "PATH", "HOME", "LANG", "EXTRA", "PWD", "SHLVL", "_":
		default:
			t.Errorf("unexpected variable %s", k)
		}
	}
}

func TestOutputCap(t *testing.T) {
	a := action(ActionBash, map[string]any{"script": `head -c 5000 /dev/zero | tr '\0' a; echo done >&2`})
	r, err := New(WithMaxOutput(1000)).Execute(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Repeat("a", 1000) + "…[truncated 4005 bytes]"; r.Output != want {
		t.Fatalf("output = %.40q…%q (%d bytes), want 1000 a's and the marker", r.Output, r.Output[max(0, len(r.Output)-30):], len(r.Output))
	}
}

func TestBadParamsRefused(t *testing.T) {
	tests := []struct {
		name   string
		action plugins.Action
		want   string
	}{
		{"no script", action(ActionBash, nil), `run_bash: param "script" is missing or empty`},
		{"script not a string", action(ActionBash, map[string]any{"script": 42}), `param "script": got number, want string`},
		{"args not a list", action(ActionBash, map[string]any{"script": "true", "args": "a b"}), `param "args": got string, want []string`},
		{"arg not a string", action(ActionPython, map[string]any{"script": "pass", "args": []any{"a", 1}}), `run_python: param "args": got number, want string`},
		{"env not a map", action(ActionBash, map[string]any{"script": "true", "env": []any{"A=1"}}), `param "env": got array`},
		{"env value not a string", action(ActionBash, map[string]any{"script": "true", "env": map[string]any{"A": 1}}), `param "env": got number, want string`},
		{"env name lower case", action(ActionBash, map[string]any{"script": "true", "env": map[string]any{"lower": "1"}}), `name "lower" does not match`},
		{"env name with a dash", action(ActionBash, map[string]any{"script": "true", "env": map[string]any{"A-B": "1"}}), `name "A-B" does not match`},
		{"env name starting with a digit", action(ActionBash, map[string]any{"script": "true", "env": map[string]any{"1A": "1"}}), `name "1A" does not match`},
		{"env PATH", action(ActionBash, map[string]any{"script": "true", "env": map[string]any{"PATH": "/tmp"}}), `PATH is set by the script plugin`},
		{"unknown param", action(ActionBash, map[string]any{"script": "true", "arg": []any{"a"}}), `unknown param "arg"`},
		{"unknown action", action("run_perl", map[string]any{"script": "1"}), `unknown action "run_perl"`},
	}
	p := New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := p.ValidatePre(context.Background(), tt.action); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ValidatePre = %v, want %q", err, tt.want)
			}
			if _, err := p.Execute(context.Background(), tt.action); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Execute = %v, want %q", err, tt.want)
			}
		})
	}
	good := action(ActionBash, map[string]any{"script": "true", "args": []string{}, "env": map[string]string{"_X1": "y"}})
	if err := p.ValidatePre(context.Background(), good); err != nil {
		t.Errorf("ValidatePre refused good params: %v", err)
	}
}

func TestRollbackNotSupported(t *testing.T) {
	err := New().Rollback(context.Background(), action(ActionBash, nil), plugins.Result{})
	if !errors.Is(err, plugins.ErrNoRollback) || !strings.Contains(err.Error(), "scripts cannot be rolled back") {
		t.Fatalf("Rollback = %v", err)
	}
}

func TestRegisters(t *testing.T) {
	r := plugins.NewRegistry()
	if err := r.Register(New()); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(r.Capabilities(), " "); got != "script.run_bash script.run_python" {
		t.Fatalf("Capabilities = %s", got)
	}
}
