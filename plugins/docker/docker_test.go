package docker_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/plugins"
	"github.com/wingman-dev/wingman/plugins/docker"
	"github.com/wingman-dev/wingman/plugins/docker/dockertest"
)

func plugin(t *testing.T) *docker.Plugin {
	t.Helper()
	dockertest.Require(t)
	c, err := client.New(client.FromEnv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	p := docker.New(c)
	p.Settle = 10 * time.Second
	return p
}

func action(name, target string) plugins.Action {
	return plugins.Action{Name: name, Target: target, Timeout: time.Minute,
		BlastRadius: domain.BlastRadius{Scope: "container", MutatesState: true, Reversible: true}}
}

func state(t *testing.T, name string) string {
	return dockertest.Docker(t, "inspect", "-f", "{{.State.Status}}", name)
}

// TestActions runs every action against a real engine through plugins.Run,
// the lifecycle a worker uses.
func TestActions(t *testing.T) {
	p := plugin(t)
	ctx := context.Background()
	name := dockertest.Run(t, dockertest.Image, "sleep", "3600")
	started := dockertest.Docker(t, "inspect", "-f", "{{.State.StartedAt}}", name)

	if r := plugins.Run(ctx, p, action("restart", name), 4096); r.Status != domain.TaskSucceeded {
		t.Fatalf("restart: %+v", r)
	}
	if now := dockertest.Docker(t, "inspect", "-f", "{{.State.StartedAt}}", name); now == started || state(t, name) != "running" {
		t.Fatalf("after restart: %s, started %s (before %s)", state(t, name), now, started)
	}
	// Starting a running container is done already, not a failure to roll back.
	if r := plugins.Run(ctx, p, action("start", name), 4096); r.Status != domain.TaskSucceeded {
		t.Fatalf("start of a running container: %+v", r)
	}
	if r := plugins.Run(ctx, p, action("stop", name), 4096); r.Status != domain.TaskSucceeded || state(t, name) != "exited" {
		t.Fatalf("stop: %+v, state %s", r, state(t, name))
	}
	if r := plugins.Run(ctx, p, action("start", name), 4096); r.Status != domain.TaskSucceeded || state(t, name) != "running" {
		t.Fatalf("start: %+v, state %s", r, state(t, name))
	}
}

// TestRestartThatDoesNotHoldIsRolledBack: a container that dies right after
// the restart fails the post-check; the rollback puts it back as it was.
func TestRestartThatDoesNotHoldIsRolledBack(t *testing.T) {
	p := plugin(t)
	name := dockertest.Run(t, dockertest.Image, "sh", "-c", "exit 3")
	for deadline := time.Now().Add(20 * time.Second); state(t, name) != "exited"; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("test container did not exit")
		}
	}
	r := plugins.Run(context.Background(), p, action("restart", name), 4096)
	if r.Status != domain.TaskRolledBack || !strings.Contains(r.Error, "did not stay running") {
		t.Fatalf("restart of a container that dies = %+v, want rolled_back", r)
	}
	if state(t, name) != "exited" {
		t.Fatalf("after the rollback the container is %s, want exited as before", state(t, name))
	}
}

func TestRefusals(t *testing.T) {
	p := plugin(t)
	ctx := context.Background()
	name := dockertest.Run(t, dockertest.Image, "sleep", "3600")
	other := action("restart", name)
	other.Params = map[string]any{"container": "vault"}
	tests := []struct {
		name string
		a    plugins.Action
		want string
	}{
		{"param is not the target", other, `"vault" is not the action's target`},
		{"unknown container", action("restart", "wm-test-none"), "inspect container wm-test-none"},
	}
	for _, tt := range tests {
		r := plugins.Run(ctx, p, tt.a, 4096)
		if r.Status != domain.TaskFailed || !strings.Contains(r.Error, tt.want) {
			t.Errorf("%s: %+v, want failed with %q", tt.name, r, tt.want)
		}
	}
	if state(t, name) != "running" {
		t.Fatal("a refused action touched the container")
	}
}
