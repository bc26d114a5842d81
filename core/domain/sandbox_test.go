package domain

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseSandbox(t *testing.T) {
	tests := []struct {
		capability string
		want       SandboxState
		wantShown  string
		wantWarn   bool
		wantErr    string
	}{
		{capability: "sandbox:full", want: SandboxState{Mode: SandboxFull}, wantShown: "full"},
		{capability: "sandbox:fallback", want: SandboxState{Mode: SandboxFallback}, wantShown: "fallback"},
		{capability: "sandbox:degraded:landlock", want: SandboxState{Mode: SandboxDegraded, Missing: []string{"landlock"}},
			wantShown: "DEGRADED (landlock)", wantWarn: true},
		{capability: "sandbox:degraded:landlock,seccomp", want: SandboxState{Mode: SandboxDegraded, Missing: []string{"landlock", "seccomp"}},
			wantShown: "DEGRADED (landlock, seccomp)", wantWarn: true},
		{capability: "sandbox:off:landlock,seccomp", want: SandboxState{Mode: SandboxOff, Missing: []string{"landlock", "seccomp"}},
			wantShown: "off (landlock, seccomp)", wantWarn: true},
		{capability: "sandbox:off", want: SandboxState{Mode: SandboxOff}, wantShown: "off (kernel probe failed)", wantWarn: true},

		{capability: "docker.restart", wantErr: "no sandbox: prefix"},
		{capability: "sandbox:", wantErr: `mode "" is not`},
		{capability: "sandbox:unknown", wantErr: `mode "unknown" is not`},
		{capability: "sandbox:partial:landlock", wantErr: `mode "partial" is not`},
		{capability: "sandbox:full:landlock", wantErr: "full lacks no layer"},
		{capability: "sandbox:fallback:seccomp", wantErr: "fallback lacks no layer"},
		{capability: "sandbox:degraded", wantErr: "degraded names no missing layer"},
		{capability: "sandbox:degraded:", wantErr: `layer "" is not`},
		{capability: "sandbox:off:landlock,,seccomp", wantErr: `layer "" is not`},
		{capability: "sandbox:degraded:Landlock", wantErr: `layer "Landlock" is not`},
		{capability: "sandbox:degraded:\x1b[31mred", wantErr: `is not a lowercase word`},
		{capability: "sandbox:off:" + strings.Repeat("a", 200), wantErr: "longer than 128 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.capability, func(t *testing.T) {
			got, err := ParseSandbox(tt.capability)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrInvalid) {
					t.Fatalf("ParseSandbox = %+v, %v; want an invalid error with %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseSandbox = %+v, %v; want %+v", got, err, tt.want)
			}
			if c := got.Capability(); c != tt.capability {
				t.Errorf("Capability() = %q, want it back as %q", c, tt.capability)
			}
			if s := got.String(); s != tt.wantShown {
				t.Errorf("String() = %q, want %q", s, tt.wantShown)
			}
			if got.Warn() != tt.wantWarn {
				t.Errorf("Warn() = %v, want %v", got.Warn(), tt.wantWarn)
			}
		})
	}
}

func TestSandboxOf(t *testing.T) {
	tests := []struct {
		name string
		caps []string
		want *SandboxState
	}{
		{"an older worker says nothing", []string{"collect.host", "docker.restart"}, nil},
		{"none at all", nil, nil},
		{"among the actions", []string{"collect.host", "sandbox:off:seccomp", "script.run_bash"},
			&SandboxState{Mode: SandboxOff, Missing: []string{"seccomp"}}},
		{"unreadable is shown, not dropped", []string{"sandbox:partial"}, &SandboxState{Mode: SandboxUnknown}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SandboxOf(tt.caps)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("SandboxOf(%q) = %+v, want %+v", tt.caps, got, tt.want)
			}
			if got != nil && got.Mode == SandboxUnknown && (!got.Warn() || got.String() != "unknown") {
				t.Errorf("unknown shows as %q, warn %v", got.String(), got.Warn())
			}
		})
	}
}
