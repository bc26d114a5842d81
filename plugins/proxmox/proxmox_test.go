package proxmox

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/plugins"
)

func action(name string, params map[string]any) plugins.Action {
	return plugins.Action{
		TaskID: "exec-1", Name: name, Params: params, Timeout: time.Minute,
		BlastRadius: domain.BlastRadius{Reversible: name != ActionRestart},
	}
}

// ctx bounds a test's calls, so that a wait that never ends fails the
// test instead of hanging it.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func wantChanges(t *testing.T, s *sim, want ...string) {
	t.Helper()
	if got := s.changesMade(); !slices.Equal(got, want) {
		t.Errorf("changes asked of Proxmox:\n got %q\nwant %q", got, want)
	}
}

func TestSnapshot(t *testing.T) {
	s, p := newSim(t)
	res := plugins.Run(ctx(t), p, action(ActionSnapshot, map[string]any{
		"vmid": 100, "node": "pve1", "snapname": "before-change", "description": "wingman plan pl-1",
	}), 0)
	if res.Status != domain.TaskSucceeded {
		t.Fatalf("Run = %s %q", res.Status, res.Error)
	}
	wantChanges(t, s, "POST /nodes/pve1/qemu/100/snapshot description=wingman+plan+pl-1&snapname=before-change")
	if got := s.snapNames(100); !slices.Contains(got, "before-change") {
		t.Errorf("snapshots = %v", got)
	}
	// Execute waited for the task to stop, through its running answers.
	s.set(func(s *sim) {
		if s.polls["running"] != 2 || s.polls["stopped"] != 1 {
			t.Errorf("task status answers = %v, want 2 running then 1 stopped", s.polls)
		}
	})
	if !strings.Contains(res.Output, "UPID:pve1:") || !strings.HasSuffix(res.Output, " OK") {
		t.Errorf("Output = %q", res.Output)
	}
}

func TestSnapshotLXC(t *testing.T) {
	s, p := newSim(t)
	res := plugins.Run(ctx(t), p, action(ActionSnapshot, map[string]any{
		"vmid": 200, "node": "pve1", "kind": "lxc", "snapname": "pre",
	}), 0)
	if res.Status != domain.TaskSucceeded {
		t.Fatalf("Run = %s %q", res.Status, res.Error)
	}
	wantChanges(t, s, "POST /nodes/pve1/lxc/200/snapshot snapname=pre")
}

func TestSnapshotTaskFails(t *testing.T) {
	s, p := newSim(t)
	s.set(func(s *sim) { s.fail["qmsnapshot"] = "snapshot feature is not available" })
	a := action(ActionSnapshot, map[string]any{"vmid": 100, "node": "pve1", "snapname": "before-change"})

	r, err := p.Execute(ctx(t), a)
	if !errors.Is(err, ErrTaskFailed) || !strings.Contains(err.Error(), "snapshot feature is not available") {
		t.Fatalf("Execute = %v, want ErrTaskFailed with the exit status", err)
	}
	if created, _ := r.Data["created"].(bool); created {
		t.Error("a failed snapshot is recorded as created: a rollback would delete it")
	}
	if slices.Contains(s.snapNames(100), "before-change") {
		t.Error("the failed task made the snapshot")
	}

	s.set(func(s *sim) { s.fail["qmsnapshot"] = "snapshot feature is not available" })
	res := plugins.Run(ctx(t), p, a, 0)
	if res.Status != domain.TaskFailed || !strings.HasPrefix(res.Error, "execute: ") {
		t.Errorf("Run = %s %q, want failed at execute", res.Status, res.Error)
	}
}

func TestSnapshotRollback(t *testing.T) {
	s, p := newSim(t)
	// The snapshot is made but not listed: the post-check fails and the
	// snapshot made is deleted.
	s.set(func(s *sim) { s.hideSnapshots = true })
	res := plugins.Run(ctx(t), p, action(ActionSnapshot, map[string]any{
		"vmid": 100, "node": "pve1", "snapname": "before-change",
	}), 0)
	if res.Status != domain.TaskRolledBack {
		t.Fatalf("Run = %s %q, want rolled_back", res.Status, res.Error)
	}
	if !strings.Contains(res.Error, `snapshot "before-change" of qemu 100 on pve1 is not listed`) {
		t.Errorf("Error = %q", res.Error)
	}
	wantChanges(t, s,
		"POST /nodes/pve1/qemu/100/snapshot snapname=before-change",
		"DELETE /nodes/pve1/qemu/100/snapshot/before-change",
	)
	if got, want := s.snapNames(100), []string{"pre-upgrade", "weekly-2024-01-14"}; !slices.Equal(got, want) {
		t.Errorf("snapshots after the rollback = %v, want %v", got, want)
	}
}

// Rollback deletes only a snapshot its Execute made.
func TestSnapshotRollbackNeedsCreated(t *testing.T) {
	s, p := newSim(t)
	a := action(ActionSnapshot, map[string]any{"vmid": 100, "node": "pve1", "snapname": "pre-upgrade"})
	if err := p.Rollback(ctx(t), a, plugins.Result{}); err == nil {
		t.Fatal("Rollback without a snapshot made succeeded")
	}
	wantChanges(t, s)
}

func TestRestart(t *testing.T) {
	s, p := newSim(t)
	res := plugins.Run(ctx(t), p, action(ActionRestart, map[string]any{"vmid": 100, "node": "pve1"}), 0)
	if res.Status != domain.TaskSucceeded {
		t.Fatalf("Run = %s %q", res.Status, res.Error)
	}
	wantChanges(t, s, "POST /nodes/pve1/qemu/100/status/reboot")
}

func TestRestartThatDidNotReboot(t *testing.T) {
	s, p := newSim(t)
	// The task ends OK but the guest keeps its uptime of a day.
	s.set(func(s *sim) { s.noop["qmreboot"] = true })
	a := action(ActionRestart, map[string]any{"vmid": 100, "node": "pve1"})
	res := plugins.Run(ctx(t), p, a, 0)
	if res.Status != domain.TaskFailed || !strings.Contains(res.Error, "did not reboot") {
		t.Fatalf("Run = %s %q, want failed: did not reboot", res.Status, res.Error)
	}
	if err := p.Rollback(ctx(t), a, plugins.Result{}); !errors.Is(err, plugins.ErrNoRollback) {
		t.Errorf("Rollback = %v, want ErrNoRollback", err)
	}
}

func TestMigrate(t *testing.T) {
	tests := []struct {
		name   string
		params map[string]any
		vmid   int
		want   string
	}{
		{"qemu live", map[string]any{"vmid": 100, "node": "pve1", "target": "pve3", "online": true}, 100,
			"POST /nodes/pve1/qemu/100/migrate online=1&target=pve3"},
		{"qemu offline", map[string]any{"vmid": 101, "node": "pve1", "target": "pve3"}, 101,
			"POST /nodes/pve1/qemu/101/migrate target=pve3"},
		// Proxmox cannot move a container live: online asks for a restart
		// migration.
		{"lxc", map[string]any{"vmid": 200, "node": "pve1", "kind": "lxc", "target": "pve3", "online": true}, 200,
			"POST /nodes/pve1/lxc/200/migrate restart=1&target=pve3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, p := newSim(t)
			res := plugins.Run(ctx(t), p, action(ActionMigrate, tt.params), 0)
			if res.Status != domain.TaskSucceeded {
				t.Fatalf("Run = %s %q", res.Status, res.Error)
			}
			wantChanges(t, s, tt.want)
			if got := s.nodeOf(tt.vmid); got != "pve3" {
				t.Errorf("guest on %s after the migration", got)
			}
		})
	}
}

func TestMigrateRollback(t *testing.T) {
	s, p := newSim(t)
	a := action(ActionMigrate, map[string]any{"vmid": 100, "node": "pve1", "target": "pve3", "online": true})
	r, err := p.Execute(ctx(t), a)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.ValidatePost(ctx(t), a, r); err != nil {
		t.Fatalf("ValidatePost = %v", err)
	}
	if err := p.Rollback(ctx(t), a, r); err != nil {
		t.Fatalf("Rollback = %v", err)
	}
	wantChanges(t, s,
		"POST /nodes/pve1/qemu/100/migrate online=1&target=pve3",
		"POST /nodes/pve3/qemu/100/migrate online=1&target=pve1",
	)
	if got := s.nodeOf(100); got != "pve1" {
		t.Errorf("guest on %s after the rollback, want pve1", got)
	}
	// Rolled back twice: the guest is home already, nothing to do.
	if err := p.Rollback(ctx(t), a, r); err != nil {
		t.Errorf("second Rollback = %v", err)
	}
	if n := len(s.changesMade()); n != 2 {
		t.Errorf("second Rollback asked for a change: %q", s.changesMade())
	}
}

func TestMigratePostCheck(t *testing.T) {
	s, p := newSim(t)
	// The task ends OK but the guest stays where it was: the post-check
	// fails, and the rollback finds nothing to undo.
	s.set(func(s *sim) { s.noop["qmigrate"] = true })
	res := plugins.Run(ctx(t), p, action(ActionMigrate, map[string]any{"vmid": 100, "node": "pve1", "target": "pve3"}), 0)
	if res.Status != domain.TaskRolledBack || !strings.Contains(res.Error, "not on pve3 after the migration") {
		t.Fatalf("Run = %s %q", res.Status, res.Error)
	}
	wantChanges(t, s, "POST /nodes/pve1/qemu/100/migrate target=pve3")
}

func TestValidatePre(t *testing.T) {
	tests := []struct {
		name   string
		action string
		params map[string]any
		want   string
	}{
		{"no vmid", ActionRestart, map[string]any{"node": "pve1"}, "param vmid"},
		{"vmid as text", ActionRestart, map[string]any{"vmid": "100", "node": "pve1"}, `param "vmid"`},
		{"no node", ActionRestart, map[string]any{"vmid": 100}, "param node"},
		{"node with a slash", ActionRestart, map[string]any{"vmid": 100, "node": "pve1/../x"}, "param node"},
		{"bad kind", ActionRestart, map[string]any{"vmid": 100, "node": "pve1", "kind": "openvz"}, "param kind"},
		{"unknown param", ActionRestart, map[string]any{"vmid": 100, "node": "pve1", "force": true}, `unknown param "force"`},
		{"param of another action", ActionRestart, map[string]any{"vmid": 100, "node": "pve1", "snapname": "x1"}, "param snapname: not a param of restart"},
		{"guest not on node", ActionRestart, map[string]any{"vmid": 100, "node": "pve3"},
			"Configuration file 'nodes/pve3/qemu-server/100.conf' does not exist"},
		{"restart a stopped guest", ActionRestart, map[string]any{"vmid": 101, "node": "pve1"}, "is stopped"},
		{"no snapname", ActionSnapshot, map[string]any{"vmid": 100, "node": "pve1"}, "param snapname"},
		{"snapname starts with a digit", ActionSnapshot, map[string]any{"vmid": 100, "node": "pve1", "snapname": "1st"}, "param snapname"},
		{"snapname of one letter", ActionSnapshot, map[string]any{"vmid": 100, "node": "pve1", "snapname": "a"}, "param snapname"},
		{"snapname of 41", ActionSnapshot, map[string]any{"vmid": 100, "node": "pve1", "snapname": "a" + strings.Repeat("b", 40)}, "param snapname"},
		{"snapname with a space", ActionSnapshot, map[string]any{"vmid": 100, "node": "pve1", "snapname": "a b"}, "param snapname"},
		{"snapname current", ActionSnapshot, map[string]any{"vmid": 100, "node": "pve1", "snapname": "current"}, "reserved"},
		{"snapname taken", ActionSnapshot, map[string]any{"vmid": 100, "node": "pve1", "snapname": "pre-upgrade"}, `already has a snapshot "pre-upgrade"`},
		{"no target", ActionMigrate, map[string]any{"vmid": 100, "node": "pve1"}, "param target"},
		{"target is the node", ActionMigrate, map[string]any{"vmid": 100, "node": "pve1", "target": "pve1"}, "already on pve1"},
		{"target offline", ActionMigrate, map[string]any{"vmid": 100, "node": "pve1", "target": "pve2"}, "target node pve2 is offline"},
		{"target unknown", ActionMigrate, map[string]any{"vmid": 100, "node": "pve1", "target": "pve9"}, "not in the cluster"},
	}
	s, p := newSim(t)
	for _, tt := range tests {
		err := p.ValidatePre(ctx(t), action(tt.action, tt.params))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: ValidatePre = %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
	for _, ok := range []plugins.Action{
		action(ActionSnapshot, map[string]any{"vmid": 100, "node": "pve1", "snapname": "ok_Name-2"}),
		action(ActionRestart, map[string]any{"vmid": 200, "node": "pve1", "kind": "lxc"}),
		action(ActionMigrate, map[string]any{"vmid": 101, "node": "pve1", "target": "pve3", "online": false}),
	} {
		if err := p.ValidatePre(ctx(t), ok); err != nil {
			t.Errorf("ValidatePre(%s %v) = %v", ok.Name, ok.Params, err)
		}
	}
	wantChanges(t, s)
}

func TestTaskWaitBoundedByContext(t *testing.T) {
	s, p := newSim(t)
	s.set(func(s *sim) { s.endless = true })
	short, cancel := context.WithTimeout(ctx(t), 200*time.Millisecond)
	defer cancel()
	_, err := p.Execute(short, action(ActionRestart, map[string]any{"vmid": 100, "node": "pve1"}))
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "still running on Proxmox") {
		t.Fatalf("Execute = %v, want a deadline exceeded while the task runs", err)
	}
}

func TestTaskNode(t *testing.T) {
	node, err := taskNode("UPID:pve3:002F1E6A:0B2C8D41:65A50B58:qmigrate:100:root@pam!wingman:")
	if err != nil || node != "pve3" {
		t.Errorf("taskNode = %q, %v", node, err)
	}
	for _, bad := range []string{"", "OK", "UPID:../x:1:2:3:qmigrate:100:root@pam:", "UPID:pve1:1"} {
		if _, err := taskNode(bad); err == nil {
			t.Errorf("taskNode(%q) succeeded", bad)
		}
	}
}
