package plugins

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/wingman-dev/wingman/core/domain"
)

func TestRegister(t *testing.T) {
	tests := []struct {
		name    string
		plugin  Plugin
		wantErr string // empty: accepted
	}{
		{"accepted", &fake{id: "script", actions: []string{"run_python", "run_bash"}}, ""},
		{"nil plugin", nil, "nil plugin"},
		{"empty id", &fake{actions: []string{"x"}}, "empty plugin id"},
		{"dot in id", &fake{id: "a.b", actions: []string{"x"}}, "id contains a dot"},
		{"no actions", &fake{id: "empty"}, `"empty": no actions`},
		{"empty action", &fake{id: "p", actions: []string{"x", ""}}, "empty action name"},
		{"dot in action", &fake{id: "p", actions: []string{"x.y"}}, `action "x.y" contains a dot`},
		{"action twice", &fake{id: "p", actions: []string{"x", "x"}}, `action "x" listed twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := NewRegistry().Register(tt.plugin)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Register: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Register error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestRegisterDuplicate(t *testing.T) {
	r := NewRegistry()
	if err := r.Register(&fake{id: "docker", actions: []string{"restart"}}); err != nil {
		t.Fatal(err)
	}
	err := r.Register(&fake{id: "docker", actions: []string{"stop"}})
	if !errors.Is(err, domain.ErrConflict) || !strings.Contains(err.Error(), `"docker"`) {
		t.Fatalf("second Register = %v, want ErrConflict naming docker", err)
	}
	// The first registration stands.
	if _, err := r.Lookup("docker", "restart"); err != nil {
		t.Fatalf("Lookup after refused duplicate: %v", err)
	}
	if _, err := r.Lookup("docker", "stop"); err == nil {
		t.Fatal("the refused duplicate's action was registered")
	}
}

func TestLookup(t *testing.T) {
	docker := &fake{id: "docker", actions: []string{"restart", "logs"}}
	r := NewRegistry()
	for _, p := range []Plugin{docker, &fake{id: "script", actions: []string{"run_bash"}}} {
		if err := r.Register(p); err != nil {
			t.Fatal(err)
		}
	}

	p, err := r.Lookup("docker", "logs")
	if err != nil || p != docker {
		t.Fatalf("Lookup(docker, logs) = %v, %v; want the docker plugin", p, err)
	}

	tests := []struct {
		plugin, action string
		want           string
	}{
		{"proxmox", "snapshot", `unknown plugin "proxmox" (registered: docker, script)`},
		{"docker", "stop", `unknown action "stop" for plugin "docker" (its actions: logs, restart)`},
	}
	for _, tt := range tests {
		_, err := r.Lookup(tt.plugin, tt.action)
		if !errors.Is(err, ErrUnknown) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Lookup(%s, %s) = %v, want ErrUnknown saying %q", tt.plugin, tt.action, err, tt.want)
		}
	}

	_, err = NewRegistry().Lookup("docker", "restart")
	if !errors.Is(err, ErrUnknown) || !strings.Contains(err.Error(), "registered: none") {
		t.Errorf("Lookup in an empty registry = %v", err)
	}
}

func TestCapabilities(t *testing.T) {
	r := NewRegistry()
	if got := r.Capabilities(); len(got) != 0 {
		t.Fatalf("empty registry capabilities = %v", got)
	}
	for _, p := range []Plugin{
		&fake{id: "script", actions: []string{"run_python", "run_bash"}},
		&fake{id: "docker", actions: []string{"stop", "restart"}},
	} {
		if err := r.Register(p); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"docker.restart", "docker.stop", "script.run_bash", "script.run_python"}
	if got := r.Capabilities(); !slices.Equal(got, want) {
		t.Fatalf("Capabilities = %v, want %v", got, want)
	}
}
