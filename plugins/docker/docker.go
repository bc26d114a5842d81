// Package docker is the execution plugin for Docker containers: restart,
// stop and start, each checked before and after, and undone where the
// post-check fails.
package docker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/moby/moby/client"

	"github.com/wingman-dev/wingman/plugins"
)

// Plugin acts on containers of one engine.
type Plugin struct {
	c *client.Client
	// Settle is how long ValidatePost waits for a container to reach the
	// state it was asked for.
	Settle time.Duration
}

// New returns the plugin over an SDK client (see core/collect/docker).
func New(c *client.Client) *Plugin { return &Plugin{c: c, Settle: 15 * time.Second} }

var _ plugins.Plugin = (*Plugin)(nil)

// ID is "docker".
func (p *Plugin) ID() string { return "docker" }

// Actions lists what the plugin does.
func (p *Plugin) Actions() []string { return []string{"restart", "start", "stop"} }

// container names the container acted on: the action's target, which is
// what policy matched. A "container" parameter may repeat it, never
// change it (ValidatePre refuses that).
func container(a plugins.Action) string { return a.Target }

// state is what the plugin remembers of a container around an action.
type state struct {
	Running   bool
	StartedAt string
}

func (p *Plugin) inspect(ctx context.Context, name string) (state, error) {
	in, err := p.c.ContainerInspect(ctx, name, client.ContainerInspectOptions{})
	if err != nil {
		return state{}, fmt.Errorf("inspect container %s: %w", name, err)
	}
	if in.Container.State == nil {
		return state{}, fmt.Errorf("inspect container %s: the engine reported no state", name)
	}
	return state{Running: in.Container.State.Running, StartedAt: in.Container.State.StartedAt}, nil
}

// ValidatePre checks the action is known and the container exists.
func (p *Plugin) ValidatePre(ctx context.Context, a plugins.Action) error {
	switch a.Name {
	case "restart", "start", "stop":
	default:
		return fmt.Errorf("docker has no action %q (it has restart, start, stop)", a.Name)
	}
	if c, ok := a.Params["container"].(string); ok && c != a.Target {
		return fmt.Errorf("the container parameter %q is not the action's target %q; policy approved the target", c, a.Target)
	}
	_, err := p.inspect(ctx, container(a))
	return err
}

// Execute performs the action and remembers the state before it, for the
// post-check and the rollback.
func (p *Plugin) Execute(ctx context.Context, a plugins.Action) (plugins.Result, error) {
	name := container(a)
	before, err := p.inspect(ctx, name)
	if err != nil {
		return plugins.Result{}, err
	}
	grace := 10
	switch a.Name {
	case "restart":
		_, err = p.c.ContainerRestart(ctx, name, client.ContainerRestartOptions{Timeout: &grace})
	case "start":
		_, err = p.c.ContainerStart(ctx, name, client.ContainerStartOptions{})
	case "stop":
		_, err = p.c.ContainerStop(ctx, name, client.ContainerStopOptions{Timeout: &grace})
	}
	r := plugins.Result{Data: map[string]any{"was_running": before.Running, "started_at_before": before.StartedAt}}
	if err != nil {
		return r, fmt.Errorf("docker %s %s: %w", a.Name, name, err)
	}
	r.Output = fmt.Sprintf("docker %s %s: done", a.Name, name)
	return r, nil
}

// ValidatePost waits until the container is in the state asked for: running
// (and, after a restart or start, started anew) or stopped. A container
// that dies again at once fails the check.
func (p *Plugin) ValidatePost(ctx context.Context, a plugins.Action, r plugins.Result) error {
	name := container(a)
	wantRunning := a.Name != "stop"
	before, _ := r.Data["started_at_before"].(string)
	if was, _ := r.Data["was_running"].(bool); a.Name == "start" && was {
		// Starting a running container is a no-op, and done: it is already
		// in the state asked for (start is retried as idempotent).
		before = ""
	}
	deadline := time.Now().Add(p.Settle)
	for {
		s, err := p.inspect(ctx, name)
		if err != nil {
			return err
		}
		if s.Running == wantRunning && (!wantRunning || s.StartedAt != before) {
			// A crash-looping container is running for an instant: it must
			// stay up a moment to count.
			if !wantRunning || p.stays(ctx, name, s.StartedAt) {
				return nil
			}
		}
		if time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	if wantRunning {
		return fmt.Errorf("container %s did not stay running within %s of the %s", name, p.Settle, a.Name)
	}
	return fmt.Errorf("container %s is still running after %s", name, p.Settle)
}

// stays reports whether the container is still running the same process a
// second later.
func (p *Plugin) stays(ctx context.Context, name, startedAt string) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(time.Second):
	}
	s, err := p.inspect(ctx, name)
	return err == nil && s.Running && s.StartedAt == startedAt
}

// Rollback puts the container back as it was before: running or stopped.
func (p *Plugin) Rollback(ctx context.Context, a plugins.Action, r plugins.Result) error {
	name := container(a)
	wasRunning, ok := r.Data["was_running"].(bool)
	if !ok {
		return errors.New("no state recorded before the action; nothing to roll back to")
	}
	grace := 10
	var err error
	if wasRunning {
		_, err = p.c.ContainerStart(ctx, name, client.ContainerStartOptions{})
	} else {
		_, err = p.c.ContainerStop(ctx, name, client.ContainerStopOptions{Timeout: &grace})
	}
	if err != nil {
		return fmt.Errorf("roll back %s of %s: %w", a.Name, name, err)
	}
	return nil
}
