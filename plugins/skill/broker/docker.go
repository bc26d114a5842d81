// The Docker methods, served through the Docker Engine API with the
// worker's own client.

package broker

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/moby/moby/client"
)

// Docker is the part of the Docker SDK client the broker uses.
type Docker interface {
	ContainerList(ctx context.Context, opts client.ContainerListOptions) (client.ContainerListResult, error)
	ContainerInspect(ctx context.Context, id string, opts client.ContainerInspectOptions) (client.ContainerInspectResult, error)
	ContainerRestart(ctx context.Context, id string, opts client.ContainerRestartOptions) (client.ContainerRestartResult, error)
}

// Container is what the Docker methods say about a container.
type Container struct {
	Name         string `json:"name"`
	ID           string `json:"id"`
	Image        string `json:"image"`
	State        string `json:"state"`
	Running      bool   `json:"running"`
	RestartCount int    `json:"restart_count"`
	ExitCode     int    `json:"exit_code"`
	StartedAt    string `json:"started_at,omitempty"`
	Health       string `json:"health,omitempty"`
}

func docker(b *Broker) (Docker, error) {
	if b.Docker == nil {
		return nil, &CallError{CodeUnavailable, "Docker is not enabled on this worker"}
	}
	return b.Docker, nil
}

// dockerContainers lists containers: {"all": true} includes stopped ones.
func dockerContainers(ctx context.Context, b *Broker, _ Session, params json.RawMessage) (any, error) {
	var p struct {
		All bool `json:"all"`
	}
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	d, err := docker(b)
	if err != nil {
		return nil, err
	}
	list, err := d.ContainerList(ctx, client.ContainerListOptions{All: p.All})
	if err != nil {
		return nil, fmt.Errorf("docker: list containers: %w", err)
	}
	out := make([]Container, 0, len(list.Items))
	for _, c := range list.Items {
		name := c.ID
		if len(c.Names) > 0 {
			name = strings.TrimPrefix(c.Names[0], "/")
		}
		out = append(out, Container{Name: name, ID: c.ID, Image: c.Image, State: string(c.State), Running: c.State == "running"})
	}
	return out, nil
}

// dockerInspect describes one container: {"name": "web"}.
func dockerInspect(ctx context.Context, b *Broker, _ Session, params json.RawMessage) (any, error) {
	var p struct {
		Name string `json:"name"`
	}
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	if p.Name == "" {
		return nil, &CallError{CodeInvalid, "params.name is required"}
	}
	d, err := docker(b)
	if err != nil {
		return nil, err
	}
	in, err := d.ContainerInspect(ctx, p.Name, client.ContainerInspectOptions{})
	if err != nil {
		return nil, fmt.Errorf("docker: inspect %s: %w", p.Name, err)
	}
	c := in.Container
	out := Container{Name: strings.TrimPrefix(c.Name, "/"), ID: c.ID, RestartCount: c.RestartCount}
	if c.Config != nil {
		out.Image = c.Config.Image
	}
	if st := c.State; st != nil {
		out.State, out.Running, out.ExitCode, out.StartedAt = string(st.Status), st.Running, st.ExitCode, st.StartedAt
		if st.Health != nil {
			out.Health = string(st.Health.Status)
		}
	}
	return out, nil
}

// dockerRestart restarts the action's target: {"name": "web",
// "timeout_seconds": 10}.
func dockerRestart(ctx context.Context, b *Broker, s Session, params json.RawMessage) (any, error) {
	var p struct {
		Name           string `json:"name"`
		TimeoutSeconds *int   `json:"timeout_seconds"`
	}
	if err := decode(params, &p); err != nil {
		return nil, err
	}
	if err := s.onTarget(p.Name); err != nil {
		return nil, err
	}
	d, err := docker(b)
	if err != nil {
		return nil, err
	}
	grace := 10
	if p.TimeoutSeconds != nil {
		grace = min(max(*p.TimeoutSeconds, 0), 120)
	}
	if _, err := d.ContainerRestart(ctx, p.Name, client.ContainerRestartOptions{Timeout: &grace}); err != nil {
		return nil, fmt.Errorf("docker: restart %s: %w", p.Name, err)
	}
	return map[string]any{"restarted": p.Name}, nil
}
