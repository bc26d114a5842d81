package worker

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/offline"
)

// TestHeartbeatReportsTheSandbox: the heartbeat carries the worker's
// sandbox among its capabilities, and a worker with none says nothing.
func TestHeartbeatReportsTheSandbox(t *testing.T) {
	tests := []struct {
		name    string
		sandbox *domain.SandboxState
		want    string
	}{
		{"degraded", &domain.SandboxState{Mode: domain.SandboxDegraded, Missing: []string{"landlock"}}, "sandbox:degraded:landlock"},
		{"none", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := bufferedWorker(t)
			w.Sandbox = tt.sandbox
			w.heartbeat(context.Background())

			var h domain.HealthPayload
			onlyPayload(t, w.Outbox, &h)
			got := domain.SandboxOf(h.Capabilities)
			switch {
			case tt.want == "" && got != nil:
				t.Errorf("capabilities %q report a sandbox, want none", h.Capabilities)
			case tt.want != "" && !slices.Contains(h.Capabilities, tt.want):
				t.Errorf("capabilities %q, want %q among them", h.Capabilities, tt.want)
			}
		})
	}
}

// bufferedWorker is a worker with an empty outbox and inbox, and an
// executor that can run everything.
func bufferedWorker(t *testing.T) *Worker {
	t.Helper()
	dir := t.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	out, err := offline.Open(dir, offline.Options{MaxBytes: 1 << 20, MaxAge: time.Hour, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	in, err := offline.OpenInbox(dir, log)
	if err != nil {
		t.Fatal(err)
	}
	return &Worker{Config: config.Worker{ID: "w1", SiteName: "A"}, Executor: &countingExecutor{runs: map[string]int{}},
		Outbox: out, Inbox: in, Log: log, Now: time.Now}
}

// onlyPayload decodes the payload of the one envelope in out into v.
func onlyPayload(t *testing.T, out *offline.Outbox, v any) {
	t.Helper()
	items := out.List()
	if len(items) != 1 {
		t.Fatalf("outbox = %+v, want one envelope", items)
	}
	data, err := out.Read(items[0].Name)
	if err != nil {
		t.Fatal(err)
	}
	var env domain.Envelope
	if err := json.Unmarshal(data, &env); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(env.Payload, v); err != nil {
		t.Fatal(err)
	}
}
