//go:build unix

package pyguard

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/plugins/internal/proc"
	"github.com/wingman-dev/wingman/plugins/sandbox"
	"github.com/wingman-dev/wingman/plugins/skill/broker"
	"github.com/wingman-dev/wingman/plugins/skill/manifest"
)

// python is the interpreter the loader would pick.
func python(t *testing.T) string {
	t.Helper()
	py, err := proc.LookPath("python3")
	if err != nil {
		t.Fatal(err)
	}
	return py
}

// skill writes files into a fresh skill folder and returns the path of
// its skill.py.
func skill(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o444); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "skill.py")
}

// guarded is the Spec that runs script under the guard, as the loader
// builds it.
func guarded(t *testing.T, script string, args ...string) sandbox.Spec {
	return sandbox.Spec{Path: python(t), Args: Argv("python3", script, args...), Dir: filepath.Dir(script),
		Timeout: 30 * time.Second}
}

// emptyGuardGlobals rebinds, in the guard's own module, every name its
// first hooks and its audit hook could look up.
const emptyGuardGlobals = `g = os.system.__globals__
g["BLOCKED_MODULES"] = g["BLOCKED_EVENTS"] = frozenset()
g["BLOCKED_EVENT_PREFIXES"] = ("\0",)
g["blocked"] = lambda name: False
`

// strSubclass is a str that no set of names finds.
const strSubclass = `class S(str):
    def __hash__(self): return 12345
    def __eq__(self, other): return str.__eq__(self, other)
    def rpartition(self, sep):
        a, b, c = str.rpartition(self, sep)
        return S(a), b, S(c)
`

// The ways out the guard is there to close, and the cheap ways around its
// first hooks: each fails with a message that names what was refused, and
// the code after it never runs.
func TestRefuses(t *testing.T) {
	for name, tc := range map[string]struct{ code, want string }{
		"import subprocess":         {"import subprocess", "import of 'subprocess' is blocked"},
		"import socket":             {"import socket", "import of 'socket' is blocked"},
		"from ctypes import CDLL":   {"from ctypes import CDLL", "import of 'ctypes' is blocked"},
		"__import__ _socket":        {"__import__('_socket')", "import of '_socket' is blocked"},
		"importlib.import_module":   {"import importlib; importlib.import_module('subprocess')", "import of 'subprocess' is blocked"},
		"multiprocessing submodule": {"import multiprocessing.pool", "import of 'multiprocessing"},
		"urllib.request":            {"import urllib.request", "import of 'urllib.request' is blocked"},
		"os.system":                 {"import os; os.system('true')", "os.system is blocked"},
		"os.popen":                  {"import os; os.popen('true')", "os.popen is blocked"},
		"os.fork":                   {"import os; os.fork()", "os.fork is blocked"},
		"os.execv":                  {"import os; os.execv('/bin/true', ['true'])", "os.execv is blocked"},
		"os.posix_spawn":            {"import os; os.posix_spawn('/bin/true', ['true'], {})", "os.posix_spawn is blocked"},
		"os.spawnv":                 {"import os; os.spawnv(os.P_WAIT, '/bin/true', ['true'])", "os.spawnv is blocked"},
		"os.kill":                   {"import os; os.kill(os.getpid(), 0)", "os.kill is blocked"},
		"posix.system, past os":     {"import posix; posix.system('true')", "os.system is blocked"},
		"reloaded os":               {"import importlib, os; importlib.reload(os); os.system('true')", "os.system is blocked"},
		"emptied meta_path":         {"import sys; sys.meta_path.clear(); import socket", "import of 'socket' is blocked"},
		"finder removed":            {"import importlib, sys; sys.meta_path.pop(0); importlib.import_module('subprocess')", "import of '_posixsubprocess' is blocked"},
		"BuiltinImporter directly":  {"from importlib import machinery, util; util.module_from_spec(machinery.BuiltinImporter.find_spec('_posixsubprocess'))", "import of '_posixsubprocess' is blocked"},
		"renamed C module": {"from importlib import machinery, util; so = machinery.PathFinder.find_spec('_ctypes').origin\n" +
			"util.module_from_spec(util.spec_from_file_location('x._ctypes', so))", "import of 'x._ctypes' is blocked"},
		"skill's own subprocess.py":  {"import subprocess", "import of 'subprocess' is blocked"},
		"socket past every importer": {"import sys; sys.modules.pop('socket', None); sys.meta_path.clear(); __import__('_socket')", "import of '_socket' is blocked"},
		// The guard's module globals are in reach (os.system.__globals__):
		// emptying them must not empty the audit hook.
		"guard's globals emptied, posix.system": {"import os, posix\n" + emptyGuardGlobals + "posix.system('true')", "os.system is blocked"},
		"guard's globals emptied, import":       {"import os, sys\n" + emptyGuardGlobals + "sys.meta_path.pop(0)\nimport socket", "import of 'socket' is blocked"},
		// A str subclass that hashes unlike the name it spells matched no
		// refused name, and loaded _posixsubprocess, whose fork_exec raises
		// no audit event.
		"str subclass as the name": {strSubclass + "__import__(S('_posixsubprocess'))", "is blocked"},
		"str subclass, globals emptied": {"import os\n" + emptyGuardGlobals + strSubclass + "__import__(S('_posixsubprocess'))",
			"import of a module named by a str subclass is blocked"},
		// Windows: os.kill's equivalent through _winapi (raised by hand here).
		"_winapi.TerminateProcess": {"import sys; sys.audit('_winapi.TerminateProcess', 0, 1)", "_winapi.TerminateProcess is blocked"},
		"_winapi.OpenProcess":      {"import sys; sys.audit('_winapi.OpenProcess', 1, 1)", "_winapi.OpenProcess is blocked"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			files := map[string]string{"skill.py": tc.code + "\nprint('ESCAPED')\n"}
			if name == "skill's own subprocess.py" {
				// The skill's folder is first on sys.path: a module of its
				// own with a refused name is refused by name all the same.
				files["subprocess.py"] = "print('ESCAPED')\n"
			}
			res, err := Run(context.Background(), guarded(t, skill(t, files)))
			if err != nil {
				t.Fatal(err)
			}
			if res.ExitCode == 0 || strings.Contains(string(res.Stdout), "ESCAPED") {
				t.Fatalf("not refused: exit %d, stdout %q, stderr %s", res.ExitCode, res.Stdout, res.Stderr)
			}
			if !strings.Contains(string(res.Stderr), tc.want) || !strings.Contains(string(res.Stderr), "Wingman's restricted Python fallback") {
				t.Errorf("stderr %s\nwant it to say %q and name the fallback", res.Stderr, tc.want)
			}
		})
	}
}

// A well-behaved skill notices nothing: the standard library, files and
// modules of its own folder, its arguments, and the broker over the
// inherited channel, in a scrubbed environment and a scratch folder that
// is gone afterwards.
func TestNormalSkillRuns(t *testing.T) {
	t.Setenv("WINGMAN_TEST_SECRET", "must not reach the skill")
	script := skill(t, map[string]string{
		"data.txt":  "alpha beta\n",
		"helper.py": "NAME = 'helper'\n",
		"skill.py": `import json, os, pathlib, re, select, sys, tempfile
import helper


class Broker:  # as CONTRIBUTING.md gives it
    def __init__(self):
        self.fd, self.buf, self.n = int(os.environ["WINGMAN_BROKER_FD"]), b"", 0

    def call(self, method, **params):
        self.n += 1
        os.write(self.fd, json.dumps({"id": self.n, "method": method, "params": params}).encode() + b"\n")
        while b"\n" not in self.buf:
            chunk = os.read(self.fd, 65536)
            if not chunk:
                raise RuntimeError("the broker closed the channel")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        resp = json.loads(line)
        if "error" in resp:
            raise RuntimeError(f"{method}: {resp['error']['code']}: {resp['error']['message']}")
        return resp["result"]


req = json.load(sys.stdin)
try:
    Broker().call("docker.containers")
    answer = "a result"
except RuntimeError as e:
    answer = str(e)
with tempfile.NamedTemporaryFile("w") as f:
    f.write("scratch is writable")
json.dump({
    "argv": sys.argv, "main": __name__, "verb": req["verb"], "helper": helper.NAME, "broker": answer,
    "words": re.findall(r"\w+", (pathlib.Path(__file__).parent / "data.txt").read_text()),
    "env": sorted(os.environ), "cwd": os.getcwd(), "home": os.environ["HOME"], "tmp": tempfile.gettempdir(),
}, sys.stdout)
`,
	})
	brokerEnd, skillEnd, err := broker.Channel()
	if err != nil {
		t.Fatal(err)
	}
	defer brokerEnd.Close()
	served := make(chan error, 1)
	go func() {
		b := &broker.Broker{Log: slog.New(slog.DiscardHandler)}
		served <- b.Serve(context.Background(), brokerEnd, broker.Session{Skill: "normal",
			Allowed: []manifest.Permission{"docker:read"}, Verb: "validate_pre"})
	}()
	spec := guarded(t, script, "one", "two")
	spec.Stdin = strings.NewReader(`{"verb": "validate_pre"}`)
	spec.Env = map[string]string{"WINGMAN_BROKER_FD": "3"}
	spec.ExtraFiles = []*os.File{skillEnd}
	res, err := Run(context.Background(), spec)
	skillEnd.Close()
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 0 {
		t.Fatalf("exit %d: %s", res.ExitCode, res.Stderr)
	}
	if err := <-served; err != nil {
		t.Errorf("broker: %v", err)
	}
	var got struct {
		Argv               []string
		Main, Verb, Helper string
		Broker             string
		Words, Env         []string
		Cwd, Home, Tmp     string
	}
	if err := json.Unmarshal(res.Stdout, &got); err != nil {
		t.Fatalf("%v: %s", err, res.Stdout)
	}
	for _, c := range []struct{ name, got, want string }{
		{"argv", strings.Join(got.Argv, " "), script + " one two"},
		{"__name__", got.Main, "__main__"},
		{"verb", got.Verb, "validate_pre"},
		{"helper", got.Helper, "helper"},
		// The channel works both ways: this is the broker's answer.
		{"broker", got.Broker, "docker.containers: unavailable: Docker is not enabled on this worker"},
		{"words", strings.Join(got.Words, " "), "alpha beta"},
		{"env", strings.Join(got.Env, " "), "HOME LANG PATH TMPDIR WINGMAN_BROKER_FD"},
		{"HOME", got.Home, got.Cwd},
		{"TMPDIR", got.Tmp, got.Cwd},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if _, err := os.Stat(got.Cwd); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the scratch folder %s is left: %v", got.Cwd, err)
	}
}

// The bootstrap refuses a skill that is not there with one line, not a
// traceback, and runs nothing.
func TestMissingSkill(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "skill.py")
	res, err := Run(context.Background(), guarded(t, missing))
	if err != nil {
		t.Fatal(err)
	}
	if want := "wingman pyguard: no skill file at " + missing + "\n"; res.ExitCode == 0 || string(res.Stderr) != want {
		t.Errorf("exit %d, stderr %q; want a failure saying %q", res.ExitCode, res.Stderr, want)
	}
}

// The wall-clock timeout kills the skill; a caller's cancellation is an
// error, not the skill's failure.
func TestTimeout(t *testing.T) {
	script := skill(t, map[string]string{"skill.py": "import time\ntime.sleep(60)\n"})
	spec := guarded(t, script)
	spec.Timeout = 500 * time.Millisecond
	res, err := Run(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if !res.TimedOut || res.Signal != syscall.SIGKILL || res.Duration > 10*time.Second {
		t.Errorf("Result = %+v, want killed at its timeout", res)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	spec.Timeout = time.Minute
	if _, err := Run(ctx, spec); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Run with the caller's context ended = %v, want context.DeadlineExceeded", err)
	}
}

// What Run gives back is capped, and the environment is the sandbox's.
func TestOutputAndEnv(t *testing.T) {
	script := skill(t, map[string]string{"skill.py": "import sys\nsys.stdout.write('x' * 100000)\nsys.stderr.write('short')\n"})
	spec := guarded(t, script)
	spec.MaxOutput = 10
	res, err := Run(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Stdout) != strings.Repeat("x", 10) || !res.StdoutTruncated || string(res.Stderr) != "short" || res.StderrTruncated {
		t.Errorf("Result = %q %v %q %v", res.Stdout, res.StdoutTruncated, res.Stderr, res.StderrTruncated)
	}
	spec.Env = map[string]string{"HOME": "/root"}
	if _, err := Run(context.Background(), spec); err == nil || !strings.Contains(err.Error(), "may not set HOME") {
		t.Errorf("Run with HOME in Env = %v", err)
	}
}

// Windows passes the bootstrap on a command line of at most 32767
// characters; keep well within it.
func TestBootstrapFitsACommandLine(t *testing.T) {
	if n := len(strings.Join(Argv("python3", "skill.py"), " ")); n > 16<<10 {
		t.Errorf("the command line is %d characters", n)
	}
}
