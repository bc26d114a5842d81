package loader

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/plugins"
	"github.com/wingman-dev/wingman/plugins/docker/dockertest"
	"github.com/wingman-dev/wingman/plugins/sandbox"
	"github.com/wingman-dev/wingman/plugins/skill/broker"
	"github.com/wingman-dev/wingman/plugins/skill/bundle"
	"github.com/wingman-dev/wingman/plugins/skill/signature"
	"github.com/wingman-dev/wingman/plugins/skill/skilltest"
)

// The test binary is the sandbox's launcher, as wingworker is.
func TestMain(m *testing.M) {
	sandbox.Main()
	os.Exit(m.Run())
}

// newSet makes a skill set with a broker on the real Docker engine.
func newSet(t *testing.T) *Set {
	t.Helper()
	dockertest.Require(t)
	c, err := client.New(client.FromEnv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return setWith(t, &broker.Broker{Docker: c, Log: slog.New(slog.DiscardHandler)})
}

// setWith makes a skill set in a folder the skill's uid (nobody, as root)
// can reach, with b as its broker.
func setWith(t *testing.T, b *broker.Broker) *Set {
	t.Helper()
	dir, err := os.MkdirTemp("", "wingman-skills-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	keys, err := signature.LoadKeyring(skilltest.Keyring())
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Keys: keys, Dir: dir, Broker: b, Timeout: 30 * time.Second, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// fixture is a skill of testdata/registry as the control plane serves it.
func fixture(t *testing.T, id string) domain.SkillBundle {
	t.Helper()
	b, err := bundle.ReadDir(filepath.Join(skilltest.Testdata(), "registry", "plugins", id))
	if err != nil {
		t.Fatal(err)
	}
	m, err := b.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	return domain.SkillBundle{ID: id, Version: m.Version, Source: "community", Files: b.Files()}
}

// signed is fixture id changed by edit and signed with the test
// maintainer key.
func signed(t *testing.T, id string, edit func(map[string][]byte)) domain.SkillBundle {
	t.Helper()
	sb := fixture(t, id)
	delete(sb.Files, signature.FileName)
	edit(sb.Files)
	b, err := bundle.New(sb.Files)
	if err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile(filepath.Join(skilltest.Testdata(), "registry-keys", "maintainer.key"))
	if err != nil {
		t.Fatal(err)
	}
	sk, err := signature.ParsePrivateKey(key, "")
	if err != nil {
		t.Fatal(err)
	}
	if sb.Files[signature.FileName], err = signature.Sign(sk, b); err != nil {
		t.Fatal(err)
	}
	return sb
}

func restartAction(target string) plugins.Action {
	return plugins.Action{TaskID: "exec-1", PlanID: "pl-1", Name: "restart", Target: target, Timeout: time.Minute,
		BlastRadius: domain.BlastRadius{Scope: "container", MutatesState: true}}
}

func startedAt(t *testing.T, name string) string {
	return dockertest.Docker(t, "inspect", "-f", "{{.State.StartedAt}}", name)
}

// A verified skill runs in the sandbox and restarts its target through
// the broker; a sandboxed one is loaded but never registered nor run.
func TestVerifiedRunsSandboxedDoesNot(t *testing.T) {
	s := newSet(t)
	if err := s.Sync([]domain.SkillBundle{fixture(t, "container-restart"), fixture(t, "docker-inventory")}); err != nil {
		t.Fatal(err)
	}
	if caps := s.Registry().Capabilities(); !slices.Equal(caps, []string{"container-restart.restart"}) {
		t.Fatalf("capabilities = %v", caps)
	}
	if _, err := s.Registry().Lookup("docker-inventory", "report"); !errors.Is(err, plugins.ErrUnknown) {
		t.Errorf("a sandboxed skill is registered: %v", err)
	}
	if inv := s.loaded["docker-inventory"]; inv == nil || !inv.ReadOnly() {
		t.Fatal("docker-inventory was not loaded read-only")
	} else if res := plugins.Run(context.Background(), inv, plugins.Action{Name: "report"}, 0); !strings.Contains(res.Error, "read-only") {
		t.Errorf("running a sandboxed skill: %s %q", res.Status, res.Error)
	}

	name := dockertest.Run(t, dockertest.Image, "sleep", "3600")
	before := startedAt(t, name)
	p, err := s.Registry().Lookup("container-restart", "restart")
	if err != nil {
		t.Fatal(err)
	}
	res := plugins.Run(context.Background(), p, restartAction(name), 0)
	if res.Status != domain.TaskSucceeded || res.Output != "restarted "+name+" (container-restart 1.0.0)" {
		t.Fatalf("Run = %s %q %q %v", res.Status, res.Error, res.Output, res.Validation)
	}
	if startedAt(t, name) == before {
		t.Error("the container was not restarted")
	}
}

// A call beyond the declared permissions is refused by the broker, and
// the task fails without the change.
func TestBrokerRefusesUndeclaredPermission(t *testing.T) {
	s := newSet(t)
	readOnly := signed(t, "container-restart", func(f map[string][]byte) {
		f["manifest.yaml"] = bytes.Replace(f["manifest.yaml"], []byte("  - docker:restart\n"), nil, 1)
	})
	if err := s.Sync([]domain.SkillBundle{readOnly}); err != nil {
		t.Fatal(err)
	}
	name := dockertest.Run(t, dockertest.Image, "sleep", "3600")
	before := startedAt(t, name)
	p, err := s.Registry().Lookup("container-restart", "restart")
	if err != nil {
		t.Fatal(err)
	}
	res := plugins.Run(context.Background(), p, restartAction(name), 0)
	if res.Status != domain.TaskFailed || !strings.Contains(res.Error, `docker.restart: forbidden: docker.restart needs permission "docker:restart"`) {
		t.Fatalf("Run = %s %q", res.Status, res.Error)
	}
	if startedAt(t, name) != before {
		t.Error("the container was restarted")
	}
}

// What the control plane serves is checked again here, with the worker's
// own keys.
func TestSyncRefuses(t *testing.T) {
	s := newSet(t)
	claims := fixture(t, "claims-trusted")
	claims.Source = "core"
	err := s.Sync([]domain.SkillBundle{fixture(t, "tampered-restart"), fixture(t, "revoked-signer"), fixture(t, "claims-trusted"), claims})
	for _, want := range []string{"tampered-restart 1.0.0 from community: signature: the files differ", "revocation list",
		"claims trust_level: trusted", `source "core" from the control plane`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Sync error %v\nwant it to say %q", err, want)
		}
	}
	if caps := s.Registry().Capabilities(); len(caps) != 0 {
		t.Errorf("refused skills registered: %v", caps)
	}

	// A trusted skill from the worker's own core folder loads.
	b, err := bundle.New(claims.Files)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.WriteDir(filepath.Join(s.cfg.Dir, "core"), ""); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(s.cfg.Dir, "core"), filepath.Join(s.cfg.Dir, "claims-trusted")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(s.cfg.Dir, "core"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(s.cfg.Dir, "claims-trusted"), filepath.Join(s.cfg.Dir, "core", "claims-trusted")); err != nil {
		t.Fatal(err)
	}
	if err := s.Sync(nil); err != nil {
		t.Fatal(err)
	}
	if caps := s.Registry().Capabilities(); !slices.Equal(caps, []string{"claims-trusted.restart"}) {
		t.Errorf("core skill not loaded: %v", caps)
	}
}

// The verified bytes run: a changed source after loading changes
// nothing, and a changed private copy runs nothing.
func TestVerifiedBytesRun(t *testing.T) {
	s := newSet(t)
	served := fixture(t, "container-restart")
	if err := s.Sync([]domain.SkillBundle{served}); err != nil {
		t.Fatal(err)
	}
	// The bundle the control plane served is swapped after verification.
	served.Files["skill.py"] = []byte("import json; print(json.dumps({'ok': True, 'output': 'evil'}))\n")
	name := dockertest.Run(t, dockertest.Image, "sleep", "3600")
	p, err := s.Registry().Lookup("container-restart", "restart")
	if err != nil {
		t.Fatal(err)
	}
	if res := plugins.Run(context.Background(), p, restartAction(name), 0); res.Status != domain.TaskSucceeded || strings.Contains(res.Output, "evil") {
		t.Fatalf("Run after the source changed = %s %q %q", res.Status, res.Output, res.Error)
	}

	// Now the private copy itself is swapped: nothing runs.
	copyPath := filepath.Join(s.loaded["container-restart"].dir, "skill.py")
	if err := os.Chmod(copyPath, 0o644); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(t.TempDir(), "ran")
	if err := os.WriteFile(copyPath, []byte("open('"+marker+"', 'w').write('ran')\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := startedAt(t, name)
	res := plugins.Run(context.Background(), p, restartAction(name), 0)
	if res.Status != domain.TaskFailed || !strings.Contains(res.Error, "the verified copy of the skill changed") {
		t.Fatalf("Run after the copy changed = %s %q", res.Status, res.Error)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the swapped file ran")
	}
	if startedAt(t, name) != before {
		t.Error("the container was restarted")
	}
	// The next sync loads the control plane's copy again.
	if err := s.Sync([]domain.SkillBundle{fixture(t, "container-restart")}); err != nil {
		t.Fatal(err)
	}
	p, _ = s.Registry().Lookup("container-restart", "restart")
	if res := plugins.Run(context.Background(), p, restartAction(name), 0); res.Status != domain.TaskSucceeded {
		t.Errorf("Run after a fresh sync = %s %q", res.Status, res.Error)
	}
}
