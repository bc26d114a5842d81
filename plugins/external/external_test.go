package external

import (
	"bytes"
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
	"github.com/wingman-dev/wingman/plugins/internal/proctest"
)

// The tests here write plugins and run them at once. They do not run in
// parallel: a file being written while another test forks can make its
// exec fail with "text file busy".

func writePlugin(t *testing.T, dir, name, code string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(code), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// loadOne loads dir, which must hold exactly one good plugin.
func loadOne(t *testing.T, dir string, opts ...Option) plugins.Plugin {
	t.Helper()
	ps, err := Load(dir, opts...)
	if err != nil || len(ps) != 1 {
		t.Fatalf("Load = %d plugins, %v", len(ps), err)
	}
	return ps[0]
}

// shPlugin is a plugin in sh that describes itself as "sh" with action
// "x" and answers every other verb with body.
func shPlugin(body string) string {
	return `#!/bin/sh
req=$(cat)
case "$req" in *'"verb":"describe"'*) echo '{"id": "sh", "actions": ["x"]}'; exit 0;; esac
` + body + "\n"
}

// The example plugin in PROTOCOL.md, run as the page says.
func TestProtocolExample(t *testing.T) {
	doc, err := os.ReadFile("../PROTOCOL.md")
	if err != nil {
		t.Fatal(err)
	}
	_, code, ok := strings.Cut(string(doc), "```python\n")
	code, _, ok2 := strings.Cut(code, "```")
	if !ok || !ok2 {
		t.Fatal("PROTOCOL.md has no python example")
	}
	dir := t.TempDir()
	writePlugin(t, dir, "files", code)
	p := loadOne(t, dir)
	if p.ID() != "files" || !slices.Equal(p.Actions(), []string{"touch"}) {
		t.Fatalf("described as %s %v", p.ID(), p.Actions())
	}

	target := filepath.Join(t.TempDir(), "flag")
	a := plugins.Action{TaskID: "exec-1", Name: "touch", Params: map[string]any{"path": target}, Timeout: time.Minute,
		BlastRadius: domain.BlastRadius{Reversible: true}}
	res := plugins.Run(context.Background(), p, a, 0)
	if res.Status != domain.TaskSucceeded || res.Output != "touched "+target {
		t.Fatalf("Run = %s %q, output %q", res.Status, res.Error, res.Output)
	}
	if _, err := os.Stat(target); err != nil {
		t.Fatalf("execute did not create the file: %v", err)
	}

	// Rollback with the result of an execute that created the file.
	if err := os.Remove(target); err != nil {
		t.Fatal(err)
	}
	r, err := p.Execute(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Rollback(context.Background(), a, r); err != nil {
		t.Fatalf("Rollback: %v", err)
	}
	if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("rollback left the file: %v", err)
	}

	a.Params["path"] = "relative"
	res = plugins.Run(context.Background(), p, a, 0)
	if res.Status != domain.TaskFailed || res.Error != "validate_pre: files: params.path must be an absolute path" {
		t.Fatalf("Run with a bad path = %s %q", res.Status, res.Error)
	}
}

// recorder logs every request it gets to params.log, one JSON line each;
// its validate_post fails when params.post_ok is false.
const recorder = `#!/usr/bin/env python3
import json, sys
req = json.load(sys.stdin)
if req["verb"] == "describe":
    json.dump({"id": "rec", "actions": ["restart"]}, sys.stdout)
    sys.exit()
params = req["action"]["params"]
with open(params["log"], "a") as f:
    f.write(json.dumps(req) + "\n")
if req["verb"] == "execute":
    resp = {"ok": True, "output": "restarted", "data": {"before": "exited", "n": 12345678901234567890}}
elif req["verb"] == "validate_post":
    resp = {"ok": params["post_ok"], "message": "still exited"}
else:
    resp = {"ok": True}
json.dump(resp, sys.stdout)
`

func TestRequestsThroughTheLifecycle(t *testing.T) {
	dir := t.TempDir()
	writePlugin(t, dir, "rec", recorder)
	p := loadOne(t, dir)
	log := filepath.Join(t.TempDir(), "log")
	a := plugins.Action{
		TaskID: "exec-9", PlanID: "pl-9", Name: "restart", Target: "nginx",
		Params:      map[string]any{"log": log, "post_ok": false},
		BlastRadius: domain.BlastRadius{Scope: "container", MutatesState: true, Reversible: true},
		Timeout:     time.Minute,
	}
	res := plugins.Run(context.Background(), p, a, 0)
	if res.Status != domain.TaskRolledBack || res.Error != "validate_post: rec: still exited; rolled back" {
		t.Fatalf("Run = %s %q", res.Status, res.Error)
	}

	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	var verbs []string
	for line := range strings.Lines(string(b)) {
		var req struct {
			Protocol int        `json:"protocol"`
			Verb     string     `json:"verb"`
			Action   wireAction `json:"action"`
			Result   *struct {
				Output string          `json:"output"`
				Data   json.RawMessage `json:"data"`
			} `json:"result"`
		}
		if err := json.Unmarshal([]byte(line), &req); err != nil {
			t.Fatal(err)
		}
		verbs = append(verbs, req.Verb)
		act := req.Action
		if req.Protocol != 1 || act.TaskID != "exec-9" || act.PlanID != "pl-9" || act.Name != "restart" || act.Target != "nginx" ||
			act.BlastRadius != a.BlastRadius || act.Params["log"] != log {
			t.Errorf("%s request: %s", req.Verb, line)
		}
		if act.TimeoutMS <= 0 || act.TimeoutMS > time.Minute.Milliseconds() {
			t.Errorf("%s: timeout_ms = %d", req.Verb, act.TimeoutMS)
		}
		switch req.Verb {
		case verbValidatePost, verbRollback:
			// execute's data comes back as it was written, big numbers too.
			var data bytes.Buffer
			if req.Result != nil {
				_ = json.Compact(&data, req.Result.Data)
			}
			if req.Result == nil || req.Result.Output != "restarted" ||
				data.String() != `{"before":"exited","n":12345678901234567890}` {
				t.Errorf("%s got result %+v", req.Verb, req.Result)
			}
		default:
			if req.Result != nil {
				t.Errorf("%s got a result", req.Verb)
			}
		}
	}
	if want := []string{"validate_pre", "execute", "validate_post", "rollback"}; !slices.Equal(verbs, want) {
		t.Fatalf("verbs = %v, want %v", verbs, want)
	}
}

func TestLoadFolder(t *testing.T) {
	dir := t.TempDir()
	describing := func(resp string) string {
		return "#!/bin/sh\ncat >/dev/null\necho '" + resp + "'\n"
	}
	good := writePlugin(t, dir, "b-good", describing(`{"id": "good", "actions": ["y", "x"]}`))
	writePlugin(t, dir, "a-also-good", describing(`{"ok": true, "id": "also", "actions": ["z"]}`))
	if err := os.WriteFile(filepath.Join(dir, "README"), []byte("not a plugin"), 0o644); err != nil {
		t.Fatal(err)
	}
	writePlugin(t, dir, ".hidden", "not even a script")
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	refused := map[string]string{ // file → what the error says
		"link":       "refused: a symlink",
		"open":       "refused: anyone may write it",
		"dup":        `refused: id "good" already taken by ` + good,
		"malformed":  "malformed response",
		"bad-id":     `id "Bad.ID" does not match`,
		"no-actions": "no actions",
		"twice":      `action "x" listed twice`,
		"bad-action": `action "x.y" does not match`,
		"not-ok":     "describe: not ok: needs docker",
		"crash":      "exit status 2; stderr: no python here",
		"no-interp":  "no such file or directory",
	}
	if err := os.Symlink(good, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	open := writePlugin(t, dir, "open", describing(`{"id": "open", "actions": ["x"]}`))
	if err := os.Chmod(open, 0o777); err != nil {
		t.Fatal(err)
	}
	writePlugin(t, dir, "dup", describing(`{"id": "good", "actions": ["x"]}`))
	writePlugin(t, dir, "malformed", describing(`id: good`))
	writePlugin(t, dir, "bad-id", describing(`{"id": "Bad.ID", "actions": ["x"]}`))
	writePlugin(t, dir, "no-actions", describing(`{"id": "none", "actions": []}`))
	writePlugin(t, dir, "twice", describing(`{"id": "twice", "actions": ["x", "x"]}`))
	writePlugin(t, dir, "bad-action", describing(`{"id": "dotted", "actions": ["x.y"]}`))
	writePlugin(t, dir, "not-ok", describing(`{"ok": false, "message": "needs docker"}`))
	writePlugin(t, dir, "crash", "#!/bin/sh\necho 'no python here' >&2\nexit 2\n")
	writePlugin(t, dir, "no-interp", "#!/nonexistent/interpreter\n")

	ps, err := Load(dir)
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID())
	}
	if !slices.Equal(ids, []string{"also", "good"}) {
		t.Errorf("loaded %v, want [also good] in file name order", ids)
	}
	if len(ps) == 2 && !slices.Equal(ps[1].Actions(), []string{"x", "y"}) {
		t.Errorf("good's actions = %v", ps[1].Actions())
	}
	if err == nil {
		t.Fatal("Load reported no refused file")
	}
	msgs := strings.Split(err.Error(), "\n")
	if len(msgs) != len(refused) {
		t.Errorf("%d errors, want %d:\n%v", len(msgs), len(refused), err)
	}
	for name, want := range refused {
		prefix := "external plugin " + filepath.Join(dir, name) + ": "
		found := slices.ContainsFunc(msgs, func(m string) bool {
			return strings.HasPrefix(m, prefix) && strings.Contains(m, want)
		})
		if !found {
			t.Errorf("no error for %s saying %q in:\n%v", name, want, err)
		}
	}

	if _, err := Load(filepath.Join(dir, "missing")); err == nil {
		t.Error("Load of a missing folder succeeded")
	}
}

func TestProtocolErrors(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		protocol bool // the error wraps ErrProtocol
		want     string
	}{
		{"malformed", `echo 'this is not json'`, true, "malformed response: invalid character"},
		{"missing ok", `echo '{"message": "hello"}'`, true, `response has no "ok"`},
		{"ok not a bool", `echo '{"ok": "yes"}'`, true, "malformed response"},
		{"two values", `echo '{"ok": true} {"ok": true}'`, true, "more than one JSON value"},
		{"empty", `true`, true, "empty response"},
		{"oversized", `head -c 1100000 /dev/zero | tr '\0' ' '; echo '{"ok": true}'`, true, "response larger than 1048576 bytes"},
		{"non-zero exit", `echo '{"ok": true}'; echo 'it broke' >&2; exit 3`, false, "exit status 3; stderr: it broke"},
		{"killed by a signal", `kill -9 $$`, false, "signal: killed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := writePlugin(t, dir, "sh", shPlugin(tt.body))
			p := loadOne(t, dir)
			_, err := p.Execute(context.Background(), plugins.Action{Name: "x"})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Execute = %v, want %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), `external plugin "sh" (`+path+"): execute: ") {
				t.Errorf("error does not name the plugin file: %v", err)
			}
			if errors.Is(err, ErrProtocol) != tt.protocol {
				t.Errorf("errors.Is(err, ErrProtocol) = %v, want %v", !tt.protocol, tt.protocol)
			}
		})
	}
}

func TestNotOK(t *testing.T) {
	dir := t.TempDir()
	writePlugin(t, dir, "sh", shPlugin(`case "$req" in
*'"target":"quiet"'*) echo '{"ok": false}';;
*) echo '{"ok": false, "message": "disk full", "output": "wrote 3 of 5 files", "data": {"written": 3}}';;
esac`))
	p := loadOne(t, dir)

	r, err := p.Execute(context.Background(), plugins.Action{Name: "x"})
	if err == nil || err.Error() != "sh: disk full" || errors.Is(err, ErrProtocol) {
		t.Errorf("Execute = %v, want the plugin's message", err)
	}
	if r.Output != "wrote 3 of 5 files" || r.Data["written"] != json.Number("3") {
		t.Errorf("a failed execute's result was lost: %+v", r)
	}
	if err := p.ValidatePre(context.Background(), plugins.Action{Name: "x", Target: "quiet"}); err == nil || err.Error() != "sh: not ok, without a message" {
		t.Errorf("ValidatePre = %v", err)
	}
	if err := p.ValidatePre(context.Background(), plugins.Action{Name: "other"}); err == nil || !strings.Contains(err.Error(), `no action "other"`) {
		t.Errorf("ValidatePre of an unknown action = %v", err)
	}
}

// sleeper's execute (only) starts a grandchild, writes its pid to params.pidfile
// and sleeps.
const sleeper = `#!/bin/sh
req=$(cat)
case "$req" in
*'"verb":"describe"'*) echo '{"id": "sleeper", "actions": ["nap"]}'; exit 0;;
*'"verb":"validate_pre"'*) echo '{"ok": true}'; exit 0;;
esac
pidfile=$(printf '%s' "$req" | sed 's/.*"pidfile":"\([^"]*\)".*/\1/')
sleep 100 &
echo $! > "$pidfile"
sleep 100
echo '{"ok": true}'
`

func TestTimeoutKillsProcessGroup(t *testing.T) {
	dir := t.TempDir()
	writePlugin(t, dir, "sleeper", sleeper)
	tests := []struct {
		name    string
		opts    []Option
		timeout time.Duration
		want    string
	}{
		{"action timeout", nil, 2 * time.Second, "execute: killed: context deadline exceeded (action timed out after 2s)"},
		{"call timeout", []Option{WithCallTimeout(2 * time.Second)}, 0, "execute: killed: context deadline exceeded (execute took longer than 2s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := loadOne(t, dir, tt.opts...)
			pidfile := filepath.Join(t.TempDir(), "pid")
			a := plugins.Action{Name: "nap", Params: map[string]any{"pidfile": pidfile}, Timeout: tt.timeout}
			start := time.Now()
			res := plugins.Run(context.Background(), p, a, 0)
			took := time.Since(start)
			proctest.WaitGone(t, proctest.ReadPID(t, pidfile))
			if res.Status != domain.TaskFailed || !strings.Contains(res.Error, tt.want) {
				t.Errorf("Run = %s %q, want %q", res.Status, res.Error, tt.want)
			}
			if took > 60*time.Second {
				t.Errorf("Run took %s", took)
			}
		})
	}
}

func TestDescribeTimeout(t *testing.T) {
	dir := t.TempDir()
	path := writePlugin(t, dir, "slow", "#!/bin/sh\nsleep 100\n")
	start := time.Now()
	ps, err := Load(dir, WithDescribeTimeout(500*time.Millisecond))
	if len(ps) != 0 || err == nil || !strings.Contains(err.Error(), path+": describe: killed: context deadline exceeded (describe took longer than 500ms)") {
		t.Fatalf("Load = %d plugins, %v", len(ps), err)
	}
	if d := time.Since(start); d > 60*time.Second {
		t.Fatalf("Load took %s", d)
	}
}

func TestEnvironmentScrubbed(t *testing.T) {
	t.Setenv("WINGMAN_TEST_SECRET", "leaked")
	dir := t.TempDir()
	writePlugin(t, dir, "env", `#!/usr/bin/env python3
import json, os, sys
req = json.load(sys.stdin)
if req["verb"] == "describe":
    json.dump({"id": "env", "actions": ["show"]}, sys.stdout)
else:
    json.dump({"ok": True, "data": {"env": dict(os.environ), "cwd": os.getcwd()}}, sys.stdout)
`)
	r, err := loadOne(t, dir).Execute(context.Background(), plugins.Action{Name: "show"})
	if err != nil {
		t.Fatal(err)
	}
	env, _ := r.Data["env"].(map[string]any)
	var keys []string
	for k := range env {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"HOME", "LANG", "PATH"}) || env["PATH"] != "/usr/local/bin:/usr/bin:/bin" {
		t.Errorf("plugin environment = %v", env)
	}
	cwd, _ := r.Data["cwd"].(string)
	if cwd == "" || cwd == dir || cwd == env["HOME"] {
		t.Errorf("working directory %q (plugins folder %s, HOME %v)", cwd, dir, env["HOME"])
	}
	if _, err := os.Stat(cwd); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("working directory %s not removed: %v", cwd, err)
	}
}
