// Package docker observes a Docker engine through the official Go SDK:
// containers with status, image, exit code, restart count, health and
// start time, and the engine's events for restarts and deaths.
package docker

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/moby/moby/client"

	"github.com/wingman-dev/wingman/core/domain"
)

// Collector reads containers from one engine.
type Collector struct {
	c *client.Client
}

// New connects to the engine named by DOCKER_HOST (default the local
// socket). The SDK negotiates the API version on the first request, so
// older engines (Debian's speaks 1.41) answer too.
func New() (*Collector, error) {
	c, err := client.New(client.FromEnv)
	if err != nil {
		return nil, fmt.Errorf("docker: %w", err)
	}
	return &Collector{c: c}, nil
}

// Client is the SDK client, shared with the docker execution plugin.
func (d *Collector) Client() *client.Client { return d.c }

// Name names the collector in logs and capabilities.
func (d *Collector) Name() string { return "docker" }

// Ping checks the engine answers.
func (d *Collector) Ping(ctx context.Context) error {
	if _, err := d.c.Ping(ctx, client.PingOptions{}); err != nil {
		return fmt.Errorf("docker: ping: %w", err)
	}
	return nil
}

// Collect returns one fact per container, running or not.
func (d *Collector) Collect(ctx context.Context) ([]domain.WireFact, error) {
	list, err := d.c.ContainerList(ctx, client.ContainerListOptions{All: true})
	if err != nil {
		return nil, fmt.Errorf("docker: list containers: %w", err)
	}
	facts := make([]domain.WireFact, 0, len(list.Items))
	for _, s := range list.Items {
		// The list lacks restart counts and exit codes; inspect has them.
		in, err := d.c.ContainerInspect(ctx, s.ID, client.ContainerInspectOptions{})
		if err != nil {
			continue // removed between the list and the inspect
		}
		c := in.Container
		attrs := map[string]any{"id": shortID(s.ID), "image": s.Image, "restart_count": c.RestartCount}
		status := string(s.State)
		if st := c.State; st != nil {
			status = string(st.Status)
			attrs["exit_code"] = st.ExitCode
			attrs["oom_killed"] = st.OOMKilled
			if st.StartedAt != "" && !strings.HasPrefix(st.StartedAt, "0001-") {
				attrs["started_at"] = st.StartedAt
			}
			if st.FinishedAt != "" && !strings.HasPrefix(st.FinishedAt, "0001-") {
				attrs["finished_at"] = st.FinishedAt
			}
			if st.Health != nil {
				attrs["health"] = string(st.Health.Status)
			}
		}
		facts = append(facts, domain.WireFact{Type: "container", Name: name(s.Names, s.ID), Status: status, Attrs: attrs})
	}
	return facts, nil
}

// Watch calls changed after every container event that may change a fact
// (start, die, restart, health, OOM, destroy), until ctx ends. On a broken
// stream it reconnects after a pause.
func (d *Collector) Watch(ctx context.Context, changed func()) {
	filters := make(client.Filters).Add("type", "container").
		Add("event", "start", "die", "restart", "health_status", "oom", "destroy", "stop", "pause", "unpause")
	for ctx.Err() == nil {
		res := d.c.Events(ctx, client.EventsListOptions{Filters: filters})
		for alive := true; alive; {
			select {
			case <-ctx.Done():
				return
			case _, ok := <-res.Messages:
				if !ok {
					alive = false
					break
				}
				changed()
			case <-res.Err:
				alive = false
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(2 * time.Second):
		}
	}
}

// Close releases the client.
func (d *Collector) Close() error { return d.c.Close() }

func name(names []string, id string) string {
	if len(names) == 0 {
		return shortID(id)
	}
	return strings.TrimPrefix(names[0], "/")
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
