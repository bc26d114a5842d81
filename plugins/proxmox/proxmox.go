// Package proxmox is the execution plugin "proxmox": it snapshots,
// restarts and migrates Proxmox VE virtual machines (qemu) and containers
// (lxc) through the cluster's HTTP API, waiting for the task each change
// starts, and undoes snapshots and migrations whose check fails.
//
// Proxmox VE cannot run where Wingman is tested: the tests drive a
// stand-in that answers as the Proxmox VE API documents, from recorded
// answers (testdata/proxmox), and say nothing of a given Proxmox VE
// release.
package proxmox

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	pve "github.com/wingman-dev/wingman/core/collect/proxmox"
	"github.com/wingman-dev/wingman/plugins"
)

// ID is the plugin's ID.
const ID = "proxmox"

// The plugin's actions.
const (
	ActionSnapshot = "snapshot"
	ActionRestart  = "restart"
	ActionMigrate  = "migrate"
)

// Defaults of the options.
const (
	DefaultPollInterval = time.Second
	DefaultSettle       = 30 * time.Second
)

// rebootSlack is how much longer than the time since the reboot was asked
// for a guest's uptime may be and still count as rebooted: Proxmox counts
// uptime in whole seconds.
const rebootSlack = 5 * time.Second

// ErrTaskFailed is wrapped by the error of an action whose Proxmox task
// ended with an error; the error says the task's exit status.
var ErrTaskFailed = errors.New("proxmox: task failed")

// Plugin acts on the guests of one cluster. Params of every action:
//
//   - vmid (int, required): the guest's ID.
//   - node (string, required): the node the guest is on.
//   - kind (string): "qemu" (the default) or "lxc".
//
// snapshot takes snapname (required, [A-Za-z][A-Za-z0-9_-]{1,39}) and
// description; its rollback deletes the snapshot. restart reboots a
// running guest and cannot be rolled back. migrate takes target (the node
// to move to, which must be online) and online (keep the guest running:
// a live migration for qemu, a restart migration for lxc, which Proxmox
// cannot move live); its rollback migrates the guest back.
type Plugin struct {
	c      *pve.Client
	poll   time.Duration
	settle time.Duration
}

// An Option configures a Plugin.
type Option func(*Plugin)

// WithPollInterval sets how often a running task's status is asked for
// (default DefaultPollInterval).
func WithPollInterval(d time.Duration) Option { return func(p *Plugin) { p.poll = d } }

// WithSettle sets how long ValidatePost waits for a restarted guest to be
// running (default DefaultSettle).
func WithSettle(d time.Duration) Option { return func(p *Plugin) { p.settle = d } }

// New returns the plugin over a client (see core/collect/proxmox).
func New(c *pve.Client, opts ...Option) *Plugin {
	p := &Plugin{c: c, poll: DefaultPollInterval, settle: DefaultSettle}
	for _, o := range opts {
		o(p)
	}
	return p
}

var _ plugins.Plugin = (*Plugin)(nil)

// ID returns "proxmox".
func (p *Plugin) ID() string { return ID }

// Actions returns migrate, restart and snapshot.
func (p *Plugin) Actions() []string { return []string{ActionMigrate, ActionRestart, ActionSnapshot} }

// ValidatePre checks the params and that the guest is on its node; for a
// snapshot, that the name is free; for a restart, that the guest runs;
// for a migration, that the target node is online.
func (p *Plugin) ValidatePre(ctx context.Context, a plugins.Action) error {
	pr, err := parse(a)
	if err != nil {
		return err
	}
	g, err := p.c.Status(ctx, pr.Node, pr.Kind, pr.VMID)
	if err != nil {
		return fmt.Errorf("%s: %w", pr.guest(), err)
	}
	switch a.Name {
	case ActionSnapshot:
		snaps, err := p.c.Snapshots(ctx, pr.Node, pr.Kind, pr.VMID)
		if err != nil {
			return err
		}
		if hasSnapshot(snaps, pr.Snapname) {
			return fmt.Errorf("%s already has a snapshot %q", pr.guest(), pr.Snapname)
		}
	case ActionRestart:
		if g.Status != "running" {
			return fmt.Errorf("%s is %s: restart reboots a running guest", pr.guest(), g.Status)
		}
	case ActionMigrate:
		return p.checkOnline(ctx, pr.Target)
	}
	return nil
}

func hasSnapshot(snaps []pve.Snapshot, name string) bool {
	return slices.ContainsFunc(snaps, func(s pve.Snapshot) bool { return s.Name == name })
}

func (p *Plugin) checkOnline(ctx context.Context, node string) error {
	nodes, err := p.c.Nodes(ctx)
	if err != nil {
		return err
	}
	for _, n := range nodes {
		if n.Name == node {
			if n.Status != "online" {
				return fmt.Errorf("target node %s is %s", node, n.Status)
			}
			return nil
		}
	}
	return fmt.Errorf("target node %s is not in the cluster", node)
}

// Execute makes the change and waits for its task to stop. Result.Data
// keeps what the checks and the rollback need: the task's UPID, and
// "created" for a snapshot, "source" for a migration, "requested_at" for a
// restart.
func (p *Plugin) Execute(ctx context.Context, a plugins.Action) (plugins.Result, error) {
	pr, err := parse(a)
	if err != nil {
		return plugins.Result{}, err
	}
	r := plugins.Result{Data: map[string]any{}}
	var upid string
	switch a.Name {
	case ActionSnapshot:
		form := url.Values{"snapname": {pr.Snapname}}
		if pr.Description != "" {
			form.Set("description", pr.Description)
		}
		upid, err = p.post(ctx, pve.GuestPath(pr.Node, pr.Kind, pr.VMID, "snapshot"), form)
		if err == nil {
			r.Data["created"] = true
		}
	case ActionRestart:
		r.Data["requested_at"] = time.Now().UTC().Format(time.RFC3339Nano)
		upid, err = p.post(ctx, pve.GuestPath(pr.Node, pr.Kind, pr.VMID, "status", "reboot"), nil)
	case ActionMigrate:
		r.Data["source"] = pr.Node
		upid, err = p.post(ctx, pve.GuestPath(pr.Node, pr.Kind, pr.VMID, "migrate"), migrateForm(pr.Kind, pr.Target, pr.online()))
	}
	if upid != "" {
		r.Data["upid"] = upid
	}
	if err != nil {
		return r, fmt.Errorf("%s %s: %w", a.Name, pr.guest(), err)
	}
	r.Output = fmt.Sprintf("%s %s: task %s OK", a.Name, pr.guest(), upid)
	return r, nil
}

// migrateForm asks for a migration to target; online keeps the guest
// running, live for qemu and by a restart on the target for lxc.
func migrateForm(kind, target string, online bool) url.Values {
	form := url.Values{"target": {target}}
	if online {
		if kind == pve.KindLXC {
			form.Set("restart", "1")
		} else {
			form.Set("online", "1")
		}
	}
	return form
}

// ValidatePost checks the change took: the snapshot is listed; the guest
// is running again and its uptime started after the reboot was asked for;
// the guest is on the target node.
func (p *Plugin) ValidatePost(ctx context.Context, a plugins.Action, r plugins.Result) error {
	pr, err := parse(a)
	if err != nil {
		return err
	}
	switch a.Name {
	case ActionSnapshot:
		snaps, err := p.c.Snapshots(ctx, pr.Node, pr.Kind, pr.VMID)
		if err != nil {
			return err
		}
		if !hasSnapshot(snaps, pr.Snapname) {
			return fmt.Errorf("snapshot %q of %s is not listed", pr.Snapname, pr.guest())
		}
		return nil
	case ActionRestart:
		return p.checkRebooted(ctx, pr, r)
	default: // ActionMigrate
		if _, err := p.c.Status(ctx, pr.Target, pr.Kind, pr.VMID); err != nil {
			return fmt.Errorf("%s %d is not on %s after the migration: %w", pr.Kind, pr.VMID, pr.Target, err)
		}
		return nil
	}
}

// checkRebooted waits up to the settle time for the guest to be running
// with an uptime that began after the reboot was asked for: a guest
// running since before it did not reboot. A guest that was up for less
// than rebootSlack before cannot be told apart from a rebooted one.
func (p *Plugin) checkRebooted(ctx context.Context, pr params, r plugins.Result) error {
	at, _ := r.Data["requested_at"].(string)
	requested, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return errors.New("no reboot time recorded by the restart")
	}
	deadline := time.Now().Add(p.settle)
	for {
		g, err := p.c.Status(ctx, pr.Node, pr.Kind, pr.VMID)
		if err != nil {
			return fmt.Errorf("%s: %w", pr.guest(), err)
		}
		since := time.Since(requested)
		up := time.Duration(g.Uptime) * time.Second
		switch {
		case g.Status == "running" && up <= since+rebootSlack:
			return nil
		case g.Status == "running":
			return fmt.Errorf("%s did not reboot: up for %s, the reboot was asked for %s ago", pr.guest(), up, since.Round(time.Second))
		case time.Now().After(deadline):
			return fmt.Errorf("%s is %s %s after the reboot", pr.guest(), g.Status, p.settle)
		}
		t := time.NewTimer(p.poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%s not running yet: %w", pr.guest(), context.Cause(ctx))
		case <-t.C:
		}
	}
}

// Rollback deletes the snapshot Execute made, or migrates the guest back
// to where it was. A restart cannot be undone.
func (p *Plugin) Rollback(ctx context.Context, a plugins.Action, r plugins.Result) error {
	pr, err := parse(a)
	if err != nil {
		return err
	}
	switch a.Name {
	case ActionSnapshot:
		// Only a snapshot this action made: one of the same name made
		// before it is not ours to delete.
		if created, _ := r.Data["created"].(bool); !created {
			return errors.New("no snapshot recorded as made; nothing to roll back")
		}
		path := pve.GuestPath(pr.Node, pr.Kind, pr.VMID, "snapshot", pr.Snapname)
		if _, err := p.start(ctx, http.MethodDelete, path, nil); err != nil {
			return fmt.Errorf("delete snapshot %q of %s: %w", pr.Snapname, pr.guest(), err)
		}
		return nil
	case ActionRestart:
		return fmt.Errorf("a reboot of %s cannot be undone: %w", pr.guest(), plugins.ErrNoRollback)
	default: // ActionMigrate
		return p.migrateBack(ctx, pr, r)
	}
}

// migrateBack moves the guest from the target back to its source, if it
// got to the target; a guest still on its source needs nothing.
func (p *Plugin) migrateBack(ctx context.Context, pr params, r plugins.Result) error {
	source, _ := r.Data["source"].(string)
	if source == "" {
		source = pr.Node
	}
	if !validNode(source) {
		return fmt.Errorf("recorded source node %q is not a node name", source)
	}
	if _, err := p.c.Status(ctx, pr.Target, pr.Kind, pr.VMID); err != nil {
		if _, serr := p.c.Status(ctx, source, pr.Kind, pr.VMID); serr == nil {
			return nil
		}
		return fmt.Errorf("%s %d is neither on %s nor on %s: %w", pr.Kind, pr.VMID, pr.Target, source, err)
	}
	path := pve.GuestPath(pr.Target, pr.Kind, pr.VMID, "migrate")
	if _, err := p.post(ctx, path, migrateForm(pr.Kind, source, pr.online())); err != nil {
		return fmt.Errorf("migrate %s %d back from %s to %s: %w", pr.Kind, pr.VMID, pr.Target, source, err)
	}
	return nil
}
