package broker

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"

	"github.com/moby/moby/client"

	"github.com/wingman-dev/wingman/plugins/docker/dockertest"
	"github.com/wingman-dev/wingman/plugins/skill/manifest"
)

// skillEnd serves s on one end of a pipe and returns a function that
// makes a call on the other, as a skill would.
func skillEnd(t *testing.T, b *Broker, s Session) func(method string, params any) Response {
	t.Helper()
	brokerConn, skillConn := net.Pipe()
	done := make(chan error, 1)
	go func() { done <- b.Serve(context.Background(), brokerConn, s) }()
	t.Cleanup(func() {
		skillConn.Close()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	r := bufio.NewReader(skillConn)
	n := 0
	return func(method string, params any) Response {
		t.Helper()
		n++
		req, _ := json.Marshal(map[string]any{"id": n, "method": method, "params": params})
		if _, err := skillConn.Write(append(req, '\n')); err != nil {
			t.Fatal(err)
		}
		line, err := r.ReadBytes('\n')
		if err != nil {
			t.Fatal(err)
		}
		var resp Response
		if err := json.Unmarshal(line, &resp); err != nil {
			t.Fatal(err)
		}
		if string(resp.ID) != strings.TrimSpace(string(mustJSON(n))) {
			t.Fatalf("answer to %d has id %s", n, resp.ID)
		}
		return resp
	}
}

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }

func wantError(t *testing.T, resp Response, code, msg string) {
	t.Helper()
	if resp.Error == nil || resp.Error.Code != code || !strings.Contains(resp.Error.Message, msg) {
		t.Errorf("answer = %+v, want %s containing %q", resp, code, msg)
	}
}

// The refusals need no adapter: the broker says no before it calls one.
func TestRefusals(t *testing.T) {
	call := skillEnd(t, &Broker{}, Session{Skill: "reader", Allowed: []manifest.Permission{manifest.DockerRead},
		Verb: "execute", Target: "web"})
	wantError(t, call("docker.restart", map[string]any{"name": "web"}), CodeForbidden,
		`docker.restart needs permission "docker:restart", which skill reader is not allowed`)
	wantError(t, call("docker.exec", nil), CodeUnknownMethod, `no method "docker.exec"`)
	wantError(t, call("docker.inspect", map[string]any{"name": "web", "privileged": true}), CodeInvalid, `unknown field "privileged"`)
	wantError(t, call("docker.inspect", map[string]any{"name": "web"}), CodeUnavailable, "Docker is not enabled")

	call = skillEnd(t, &Broker{}, Session{Skill: "restarter", Allowed: []manifest.Permission{manifest.DockerRead, manifest.DockerRestart},
		Verb: "validate_pre", Target: "web"})
	wantError(t, call("docker.restart", map[string]any{"name": "web"}), CodeForbidden, "allowed during execute and rollback only, not validate_pre")

	call = skillEnd(t, &Broker{}, Session{Skill: "restarter", Allowed: []manifest.Permission{manifest.DockerRead, manifest.DockerRestart},
		Verb: "execute", Target: "web"})
	wantError(t, call("docker.restart", map[string]any{"name": "db"}), CodeForbidden, `may change only the action's target "web", not "db"`)
}

// A read within the permissions is served by the real Docker engine, and
// so is a restart of the target during execute.
func TestDockerThroughTheEngine(t *testing.T) {
	dockertest.Require(t)
	name := dockertest.Run(t, dockertest.Image, "sleep", "3600")
	c, err := client.New(client.FromEnv)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	b := &Broker{Docker: c}

	call := skillEnd(t, b, Session{Skill: "reader", Allowed: []manifest.Permission{manifest.DockerRead}, Verb: "execute", Target: name})
	resp := call("docker.inspect", map[string]any{"name": name})
	var got Container
	if resp.Error != nil || json.Unmarshal(mustJSON(resp.Result), &got) != nil || got.Name != name || !got.Running || got.StartedAt == "" {
		t.Fatalf("inspect = %+v", resp)
	}
	resp = call("docker.containers", map[string]any{"all": true})
	if resp.Error != nil || !strings.Contains(string(mustJSON(resp.Result)), `"name":"`+name+`"`) {
		t.Fatalf("containers = %+v", resp)
	}
	wantError(t, call("docker.restart", map[string]any{"name": name}), CodeForbidden, "not allowed")

	call = skillEnd(t, b, Session{Skill: "restarter", Allowed: []manifest.Permission{manifest.DockerRead, manifest.DockerRestart},
		Verb: "execute", Target: name})
	if resp := call("docker.restart", map[string]any{"name": name, "timeout_seconds": 0}); resp.Error != nil {
		t.Fatalf("restart = %+v", resp.Error)
	}
	after := dockertest.Docker(t, "inspect", "-f", "{{.State.StartedAt}}", name)
	if after == got.StartedAt {
		t.Errorf("the container was not restarted: started at %s before and after", after)
	}
}
