// Helpers shared by the sandbox's tests. TestMain makes the test binary its
// own launcher, as cmd/wingworker's main does for the worker.

package sandbox

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestMain(m *testing.M) {
	Main()
	code := m.Run()
	if wingsandboxDir != "" {
		_ = os.RemoveAll(wingsandboxDir)
	}
	os.Exit(code)
}

// wingsandboxDir holds the wingsandbox eachLauncher built, if any.
var wingsandboxDir string

// wingsandbox builds cmd/wingsandbox, the launcher production runs, once
// per test binary, where the skill's uid may run it.
var wingsandbox = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "wingman-sandbox-launcher-")
	if err != nil {
		return "", err
	}
	wingsandboxDir = dir
	if err := os.Chmod(dir, 0o755); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, LauncherName)
	out, err := exec.Command("go", "build", "-o", bin, "github.com/wingman-dev/wingman/cmd/wingsandbox").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build cmd/wingsandbox: %w\n%s", err, out)
	}
	return bin, nil
})

// eachLauncher runs f under each launcher: this test binary, as the worker
// runs skills when no wingsandbox is installed, and wingsandbox.
func eachLauncher(t *testing.T, f func(t *testing.T, launcher string)) {
	t.Run("launcher=self", func(t *testing.T) { f(t, "") })
	t.Run("launcher=wingsandbox", func(t *testing.T) {
		bin, err := wingsandbox()
		if err != nil {
			t.Fatal(err)
		}
		f(t, bin)
	})
}

// python is Debian's interpreter: under /usr, so every skill may run it.
const python = "/usr/bin/python3"

func needPython(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(python); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the escape skills need %s: %v", python, err)
		}
		t.Skipf("the escape skills need %s: %v", python, err)
	}
}

// openDir makes a folder with mode perm outside any test folder, whose
// parents are all 0700: the skill runs as nobody and must be able to reach
// it as far as file modes go, so that only the sandbox stands in its way.
func openDir(t testing.TB, perm os.FileMode) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "wingman-sandbox-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, perm); err != nil {
		t.Fatal(err)
	}
	return dir
}

// skillDir copies the test skills into a folder anyone may write, with a
// victim.txt anyone may write: only Landlock keeps a skill from them.
func skillDir(t testing.TB) string {
	t.Helper()
	dir := openDir(t, 0o777)
	files, err := filepath.Glob("testdata/skills/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	victim := filepath.Join(dir, "victim.txt")
	if err := os.WriteFile(victim, []byte("keep me\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(victim, 0o666); err != nil { // past the umask
		t.Fatal(err)
	}
	return dir
}

// secretToken is what the token file outside the sandbox holds.
const secretToken = "wmw_not-for-skills"

// outsideDir is a folder outside the sandbox that anyone may write, with a
// token file anyone may read, as a worker's careless token file would be:
// only Landlock keeps a skill out.
func outsideDir(t *testing.T) (dir, token string) {
	t.Helper()
	dir = openDir(t, 0o777)
	token = filepath.Join(dir, "token")
	if err := os.WriteFile(token, []byte(secretToken+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, token
}

// pythonSpec runs script, one of the test skills, from dir.
func pythonSpec(dir, script string, args ...string) Spec {
	return Spec{
		Path: python,
		Args: append([]string{"python3", "-B", filepath.Join(dir, script)}, args...),
		Dir:  dir,
	}
}

// runSkill runs s on this kernel. On a kernel that lacks a layer, it first
// checks that Run refuses, then runs s degraded and checks that the result
// says so; tests of what only that layer stops call needLayer.
func runSkill(t *testing.T, s Spec) Result {
	t.Helper()
	sup, err := Check()
	if err != nil {
		t.Fatal(err)
	}
	if missing := sup.Missing(); len(missing) > 0 {
		if _, err := Run(context.Background(), s); !errors.Is(err, ErrUnsupported) {
			t.Fatalf("kernel without %v: Run = %v, want ErrUnsupported", missing, err)
		}
		s.AllowDegraded = true
	}
	res, err := Run(context.Background(), s)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.Degraded != (len(sup.Missing()) > 0) {
		t.Fatalf("Degraded = %v on a kernel missing %v", res.Degraded, sup.Missing())
	}
	t.Logf("exit %d, signal %v, stdout:\n%s\nstderr:\n%s", res.ExitCode, res.Signal, res.Stdout, res.Stderr)
	return res
}

// needLayer skips what only layer stops, on a kernel without it: runSkill
// has then checked the refusal and the degraded marking instead.
func needLayer(t *testing.T, layer string) {
	t.Helper()
	sup, err := Check()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range sup.Missing() {
		if m == layer {
			t.Skipf("this kernel has no %s: refusal and degraded marking checked instead", layer)
		}
	}
}

// outcomes reads the lines attempt.py prints: name, then "denied ERRNO"
// or "allowed DETAIL".
func outcomes(out []byte) map[string]string {
	got := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		name, outcome, ok := strings.Cut(sc.Text(), " ")
		if ok {
			got[name] = outcome
		}
	}
	return got
}

// expect checks the outcome of each attempt named in want, by prefix.
func expect(t *testing.T, res Result, want map[string]string) {
	t.Helper()
	got := outcomes(res.Stdout)
	for name, w := range want {
		if g, ok := got[name]; !ok || !strings.HasPrefix(g, w) {
			t.Errorf("%s: got %q, want %q", name, g, w)
		}
	}
}

// full is a kernel with every layer; the control runs take one away.
func full(t *testing.T) Support {
	t.Helper()
	sup, err := Check()
	if err != nil {
		t.Fatal(err)
	}
	if len(sup.Missing()) > 0 {
		t.Skipf("this kernel lacks %v: no control run", sup.Missing())
	}
	return sup
}

// control runs s with only the layers of sup, as an admin-allowed
// degraded run.
func control(t *testing.T, s Spec, sup Support) Result {
	t.Helper()
	s.AllowDegraded = true
	s.Logger = slog.New(slog.NewTextHandler(t.Output(), nil))
	res, err := run(context.Background(), s, sup)
	if err != nil {
		t.Fatalf("control run: %v", err)
	}
	if !res.Degraded {
		t.Fatal("a run without a layer is not marked degraded")
	}
	t.Logf("control: stdout:\n%s\nstderr:\n%s", res.Stdout, res.Stderr)
	return res
}
