package plugins

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

func TestRun(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name       string
		plugin     *fake
		action     Action
		wantStatus domain.TaskStatus
		wantCalls  []string
		wantErr    string            // substring of the result's Error; empty: none
		wantValid  map[string]string // substrings of Validation entries; "-": absent
	}{
		{
			name:       "all steps pass",
			plugin:     &fake{},
			wantStatus: domain.TaskSucceeded,
			wantCalls:  []string{"pre", "execute", "post"},
			wantValid:  map[string]string{"pre": "ok", "post": "ok", "rollback": "-"},
		},
		{
			name:       "failed pre never executes",
			plugin:     &fake{pre: func(context.Context) error { return errors.New("container nginx not found") }},
			wantStatus: domain.TaskFailed,
			wantCalls:  []string{"pre"},
			wantErr:    "validate_pre: container nginx not found",
			wantValid:  map[string]string{"pre": "container nginx not found", "post": "-", "rollback": "-"},
		},
		{
			name:       "unknown action fails before pre",
			plugin:     &fake{},
			action:     Action{Name: "reboot"},
			wantStatus: domain.TaskFailed,
			wantCalls:  nil,
			wantErr:    `plugin "fake" has no action "reboot"`,
		},
		{
			name:       "failed execute is not verified or rolled back",
			plugin:     &fake{exec: func(context.Context) (Result, error) { return Result{Output: "partial"}, boom }},
			action:     Action{BlastRadius: domain.BlastRadius{Reversible: true}},
			wantStatus: domain.TaskFailed,
			wantCalls:  []string{"pre", "execute"},
			wantErr:    "execute: boom",
			wantValid:  map[string]string{"pre": "ok", "post": "-", "rollback": "-"},
		},
		{
			name:       "failed post of an irreversible action is not rolled back",
			plugin:     &fake{post: func(context.Context, Result) error { return errors.New("still exited") }},
			wantStatus: domain.TaskFailed,
			wantCalls:  []string{"pre", "execute", "post"},
			wantErr:    "validate_post: still exited (not reversible, no rollback attempted)",
			wantValid:  map[string]string{"post": "still exited", "rollback": "not attempted"},
		},
		{
			name:       "failed post rolled back",
			plugin:     &fake{post: func(context.Context, Result) error { return errors.New("still exited") }},
			action:     Action{BlastRadius: domain.BlastRadius{Reversible: true}},
			wantStatus: domain.TaskRolledBack,
			wantCalls:  []string{"pre", "execute", "post", "rollback"},
			wantErr:    "validate_post: still exited; rolled back",
			wantValid:  map[string]string{"post": "still exited", "rollback": "ok"},
		},
		{
			name: "failed rollback",
			plugin: &fake{
				post: func(context.Context, Result) error { return errors.New("still exited") },
				back: func(context.Context, Result) error { return errors.New("snapshot gone") },
			},
			action:     Action{BlastRadius: domain.BlastRadius{Reversible: true}},
			wantStatus: domain.TaskFailed,
			wantCalls:  []string{"pre", "execute", "post", "rollback"},
			wantErr:    "validate_post: still exited; rollback failed: snapshot gone",
			wantValid:  map[string]string{"post": "still exited", "rollback": "snapshot gone"},
		},
		{
			name:       "post and rollback see execute's result",
			plugin:     resultChecker(),
			action:     Action{BlastRadius: domain.BlastRadius{Reversible: true}},
			wantStatus: domain.TaskRolledBack,
			wantCalls:  []string{"pre", "execute", "post", "rollback"},
		},
		{
			name:       "panic in pre",
			plugin:     &fake{pre: func(context.Context) error { panic("nil map") }},
			wantStatus: domain.TaskFailed,
			wantCalls:  []string{"pre"},
			wantErr:    "validate_pre: panic: nil map",
		},
		{
			name:       "panic in execute",
			plugin:     &fake{exec: func(context.Context) (Result, error) { panic("nil map") }},
			wantStatus: domain.TaskFailed,
			wantCalls:  []string{"pre", "execute"},
			wantErr:    "execute: panic: nil map",
		},
		{
			name:       "panic in post rolls back a reversible action",
			plugin:     &fake{post: func(context.Context, Result) error { panic("nil map") }},
			action:     Action{BlastRadius: domain.BlastRadius{Reversible: true}},
			wantStatus: domain.TaskRolledBack,
			wantCalls:  []string{"pre", "execute", "post", "rollback"},
			wantErr:    "validate_post: panic: nil map; rolled back",
		},
		{
			name: "panic in rollback",
			plugin: &fake{
				post: func(context.Context, Result) error { return errors.New("still exited") },
				back: func(context.Context, Result) error { panic("nil map") },
			},
			action:     Action{BlastRadius: domain.BlastRadius{Reversible: true}},
			wantStatus: domain.TaskFailed,
			wantCalls:  []string{"pre", "execute", "post", "rollback"},
			wantErr:    "rollback failed: panic: nil map",
		},
		{
			name: "timeout bounds execute through ctx",
			plugin: &fake{exec: func(ctx context.Context) (Result, error) {
				<-ctx.Done()
				return Result{Output: "waited"}, ctx.Err()
			}},
			action:     Action{Timeout: 50 * time.Millisecond},
			wantStatus: domain.TaskFailed,
			wantCalls:  []string{"pre", "execute"},
			wantErr:    "execute: context deadline exceeded",
		},
		{
			name: "timeout during post stops the rollback too",
			plugin: &fake{post: func(ctx context.Context, _ Result) error {
				<-ctx.Done()
				return context.Cause(ctx)
			}},
			action:     Action{Timeout: 50 * time.Millisecond, BlastRadius: domain.BlastRadius{Reversible: true}},
			wantStatus: domain.TaskFailed,
			wantCalls:  []string{"pre", "execute", "post"},
			wantErr:    "validate_post: action timed out after 50ms; rollback failed: not started: action timed out after 50ms",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.plugin.id = "fake"
			tt.plugin.actions = []string{"restart"}
			a := tt.action
			a.TaskID = "exec-1"
			if a.Name == "" {
				a.Name = "restart"
			}
			before := time.Now()
			res := Run(context.Background(), tt.plugin, a, 0)

			if res.Status != tt.wantStatus {
				t.Errorf("Status = %q, want %q (error %q)", res.Status, tt.wantStatus, res.Error)
			}
			if got := tt.plugin.called(); !slices.Equal(got, tt.wantCalls) {
				t.Errorf("steps called = %v, want %v", got, tt.wantCalls)
			}
			switch {
			case tt.wantErr == "" && tt.wantStatus == domain.TaskSucceeded && res.Error != "":
				t.Errorf("Error = %q, want none", res.Error)
			case !strings.Contains(res.Error, tt.wantErr):
				t.Errorf("Error = %q, want it to contain %q", res.Error, tt.wantErr)
			}
			for step, want := range tt.wantValid {
				got, ok := res.Validation[step]
				if want == "-" {
					if ok {
						t.Errorf("Validation[%s] = %v, want absent", step, got)
					}
					continue
				}
				if s, _ := got.(string); !strings.Contains(s, want) {
					t.Errorf("Validation[%s] = %v, want it to contain %q", step, got, want)
				}
			}
			if res.TaskID != "exec-1" {
				t.Errorf("TaskID = %q", res.TaskID)
			}
			if res.StartedAt == nil || res.FinishedAt == nil ||
				res.StartedAt.Before(before.Add(-time.Second)) || res.FinishedAt.Before(*res.StartedAt) {
				t.Errorf("timings StartedAt=%v FinishedAt=%v", res.StartedAt, res.FinishedAt)
			}
			if !res.Status.Finished() {
				t.Errorf("Status %q is not an end state", res.Status)
			}
		})
	}
}

// resultChecker returns a plugin whose ValidatePost and Rollback fail
// unless they receive the Result that Execute returned; its ValidatePost
// then fails on purpose so that Rollback runs.
func resultChecker() *fake {
	want := func(r Result) error {
		if r.Output != "restarted" || r.Data["before"] != "exited" {
			return errors.New("wrong result")
		}
		return nil
	}
	return &fake{
		exec: func(context.Context) (Result, error) {
			return Result{Output: "restarted", Data: map[string]any{"before": "exited"}}, nil
		},
		post: func(_ context.Context, r Result) error {
			if err := want(r); err != nil {
				return err
			}
			return errors.New("ask for the rollback")
		},
		back: func(_ context.Context, r Result) error { return want(r) },
	}
}

func TestRunKeepsOutputOfFailedExecute(t *testing.T) {
	p := &fake{id: "fake", actions: []string{"a"}, exec: func(context.Context) (Result, error) {
		return Result{Output: "line 1\nline 2"}, errors.New("exit status 1")
	}}
	res := Run(context.Background(), p, Action{Name: "a"}, 0)
	if res.Output != "line 1\nline 2" {
		t.Fatalf("Output = %q", res.Output)
	}
}

func TestRunCapsOutput(t *testing.T) {
	p := &fake{id: "fake", actions: []string{"a"}, exec: func(context.Context) (Result, error) {
		return Result{Output: strings.Repeat("x", 100)}, nil
	}}
	res := Run(context.Background(), p, Action{Name: "a"}, 10)
	if want := strings.Repeat("x", 10) + "…[truncated 90 bytes]"; res.Output != want {
		t.Fatalf("Output = %q, want %q", res.Output, want)
	}
}

// A plugin that ignores ctx is abandoned once the timeout and the grace
// have passed, so it cannot hold the task for ever.
func TestRunAbandonsStepIgnoringContext(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	p := &fake{id: "fake", actions: []string{"a"}, exec: func(context.Context) (Result, error) {
		<-release
		return Result{}, nil
	}}
	start := time.Now()
	res := run(context.Background(), p, Action{Name: "a", Timeout: 50 * time.Millisecond}, 0, 50*time.Millisecond)
	if res.Status != domain.TaskFailed || !strings.Contains(res.Error, "execute: abandoned, still running 50ms after action timed out after 50ms") {
		t.Fatalf("result = %q %q", res.Status, res.Error)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Fatalf("Run took %s", d)
	}
}

func TestRunCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := &fake{id: "fake", actions: []string{"a"}}
	res := Run(ctx, p, Action{Name: "a"}, 0)
	if res.Status != domain.TaskFailed || !strings.Contains(res.Error, "validate_pre: not started: context canceled") {
		t.Fatalf("result = %q %q", res.Status, res.Error)
	}
	if len(p.called()) != 0 {
		t.Fatalf("steps ran on a cancelled context: %v", p.called())
	}
}

func TestRunNilPlugin(t *testing.T) {
	res := Run(context.Background(), nil, Action{Name: "a"}, 0)
	if res.Status != domain.TaskFailed || res.Error == "" {
		t.Fatalf("result = %q %q", res.Status, res.Error)
	}
}
