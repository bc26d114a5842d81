package loader

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/plugins"
	"github.com/wingman-dev/wingman/plugins/skill/broker"
	"github.com/wingman-dev/wingman/plugins/skill/bundle"
	"github.com/wingman-dev/wingman/plugins/skill/signature"
)

// fallbackSet is a skill set that runs skills as a worker without the
// Linux sandbox does, with a broker that has no Docker (it answers
// "unavailable"), so that no Docker engine is needed.
func fallbackSet(t *testing.T) *Set {
	t.Helper()
	s := setWith(t, &broker.Broker{Log: slog.New(slog.DiscardHandler)})
	s.fallback = true
	return s
}

// probe is a skill that reports what the fallback lets it do: call the
// broker over its channel, and start a process.
const probe = `import json, os, sys

req = json.load(sys.stdin)
fd = int(os.environ["WINGMAN_BROKER_FD"])
os.write(fd, json.dumps({"id": 1, "method": "docker.inspect", "params": {"name": req["action"]["target"]}}).encode() + b"\n")
answer = b""
while not answer.endswith(b"\n"):
    chunk = os.read(fd, 65536)
    if not chunk:
        raise RuntimeError("the broker closed the channel")
    answer += chunk
try:
    import subprocess
    spawned = "subprocess imported"
except ImportError as e:
    spawned = str(e)
json.dump({"ok": True, "output": json.loads(answer)["error"]["code"] + "; " + spawned}, sys.stdout)
`

// asBash turns the container-restart fixture into a bash skill.
func asBash(f map[string][]byte) {
	f["manifest.yaml"] = bytes.Replace(f["manifest.yaml"], []byte("runtime: python3\nentrypoint: skill.py"), []byte("runtime: bash\nentrypoint: skill.sh"), 1)
	delete(f, "skill.py")
	f["skill.sh"] = []byte(`read -r req; echo '{"ok": true, "output": "bash ran"}'` + "\n")
}

// Without the Linux sandbox a verified Python skill runs under the import
// guard: it reaches the broker, cannot start a process, and its result
// says how it ran.
func TestFallbackRunsPythonUnderTheGuard(t *testing.T) {
	s := fallbackSet(t)
	var log bytes.Buffer
	s.cfg.Log = slog.New(slog.NewTextHandler(&log, nil))
	sb := signed(t, "container-restart", func(f map[string][]byte) { f["skill.py"] = []byte(probe) })
	if err := s.Sync([]domain.SkillBundle{sb}); err != nil {
		t.Fatal(err)
	}
	p, err := s.Registry().Lookup("container-restart", "restart")
	if err != nil {
		t.Fatal(err)
	}
	res := plugins.Run(context.Background(), p, restartAction("web"), 0)
	want := "[no sandbox: restricted Python fallback] unavailable; import of 'subprocess' is blocked: the skill runs under Wingman's restricted Python fallback"
	if res.Status != domain.TaskSucceeded || !strings.HasPrefix(res.Output, want) {
		t.Fatalf("Run = %s %q %q\nwant output starting %q", res.Status, res.Error, res.Output, want)
	}
	if want := `msg="skill running without the Linux sandbox" skill=container-restart verb=execute as="restricted Python fallback"`; !strings.Contains(log.String(), want) {
		t.Errorf("log:\n%s\nwant it to say %s", log.String(), want)
	}
}

// Without the Linux sandbox a skill in another language loads only when
// trusted (a worker's own core skill), and then runs unconfined, saying so.
func TestFallbackRefusesUntrustedNonPython(t *testing.T) {
	s := fallbackSet(t)
	err := s.Sync([]domain.SkillBundle{signed(t, "container-restart", asBash)})
	if want := "a bash skill runs only when trusted"; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Sync error %v\nwant it to say %q", err, want)
	}
	if caps := s.Registry().Capabilities(); len(caps) != 0 {
		t.Fatalf("refused skill registered: %v", caps)
	}

	core := fixture(t, "claims-trusted").Files
	delete(core, signature.FileName)
	asBash(core)
	b, err := bundle.New(core)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(s.cfg.Dir, "core"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := b.WriteDir(filepath.Join(s.cfg.Dir, "core", "claims-trusted"), ""); err != nil {
		t.Fatal(err)
	}
	if err := s.Sync(nil); err != nil {
		t.Fatal(err)
	}
	if caps := s.Registry().Capabilities(); !slices.Equal(caps, []string{"claims-trusted.restart"}) {
		t.Fatalf("core skill not loaded: %v", caps)
	}
	p, err := s.Registry().Lookup("claims-trusted", "restart")
	if err != nil {
		t.Fatal(err)
	}
	if res := plugins.Run(context.Background(), p, restartAction("web"), 0); res.Status != domain.TaskSucceeded ||
		res.Output != "[no sandbox: trusted, unconfined] bash ran" {
		t.Errorf("Run = %s %q %q", res.Status, res.Error, res.Output)
	}
}
