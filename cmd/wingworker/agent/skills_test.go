package agent

import (
	"bytes"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/plugins/sandbox"
)

// TestSandboxState: the sandbox the worker reports follows what the kernel
// offers and what the admin allowed, and the log warns wherever skills run
// less confined or not at all. The kernel's support is injected, so no
// kernel without Landlock is needed.
func TestSandboxState(t *testing.T) {
	full := sandbox.Support{LandlockABI: 4, Seccomp: true}
	noLandlock := sandbox.Support{Seccomp: true}
	tests := []struct {
		name     string
		goos     string
		support  sandbox.Support
		probeErr error
		allow    bool
		want     domain.SandboxState
		wantLog  string
	}{
		{name: "every layer", goos: "linux", support: full, allow: true,
			want: domain.SandboxState{Mode: domain.SandboxFull}},
		{name: "missing, allowed", goos: "linux", support: noLandlock, allow: true,
			want: domain.SandboxState{Mode: domain.SandboxDegraded, Missing: []string{sandbox.LayerLandlock}}, wantLog: "sandbox degraded"},
		{name: "missing, not allowed", goos: "linux", support: sandbox.Support{},
			want:    domain.SandboxState{Mode: domain.SandboxOff, Missing: []string{sandbox.LayerLandlock, sandbox.LayerSeccomp}},
			wantLog: "no skill will run"},
		{name: "kernel not probed", goos: "linux", probeErr: errors.New("landlock ABI version: EPERM"), allow: true,
			want: domain.SandboxState{Mode: domain.SandboxOff}, wantLog: "EPERM"},
		{name: "not linux", goos: "darwin", support: full,
			want: domain.SandboxState{Mode: domain.SandboxFallback}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			check := func() (sandbox.Support, error) { return tt.support, tt.probeErr }
			got := sandboxState(tt.goos, check, tt.allow, slog.New(slog.NewTextHandler(&log, nil)))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("state = %+v, want %+v", got, tt.want)
			}
			if tt.wantLog == "" && log.Len() != 0 || !strings.Contains(log.String(), tt.wantLog) {
				t.Errorf("log = %q, want %q", log.String(), tt.wantLog)
			}
			// What the heartbeat carries reads back as the same state.
			if back, err := domain.ParseSandbox(got.Capability()); err != nil || !reflect.DeepEqual(back, got) {
				t.Errorf("capability %q reads back as %+v, %v", got.Capability(), back, err)
			}
		})
	}
}
