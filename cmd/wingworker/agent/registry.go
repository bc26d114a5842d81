package agent

import (
	"fmt"
	"log/slog"

	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/plugins"
	"github.com/wingman-dev/wingman/plugins/ansible"
	"github.com/wingman-dev/wingman/plugins/external"
	"github.com/wingman-dev/wingman/plugins/httpcall"
	"github.com/wingman-dev/wingman/plugins/script"
)

// builtins returns the built-in plugins the configuration enables, besides
// those that need a live adapter (docker, proxmox), which Build adds.
func builtins(cfg config.Worker) ([]plugins.Plugin, error) {
	out := []plugins.Plugin{script.New()}
	if len(cfg.HTTPAllow) > 0 {
		h, err := httpcall.New(cfg.HTTPAllow)
		if err != nil {
			return nil, fmt.Errorf("WORKER_HTTP_ALLOW: %w", err)
		}
		out = append(out, h)
	}
	if cfg.PlaybooksDir != "" {
		a, err := ansible.New(ansible.Config{PlaybookDir: cfg.PlaybooksDir})
		if err != nil {
			return nil, fmt.Errorf("WORKER_PLAYBOOKS_DIR: %w", err)
		}
		out = append(out, a)
	}
	return out, nil
}

// registry registers the built-in plugins, then the user's. Built-ins come
// first so that a user plugin can never take a built-in's name: one that
// tries, or fails to load, is logged and left out, and the worker runs
// with the rest.
func registry(cfg config.Worker, log *slog.Logger, builtin []plugins.Plugin) (*plugins.Registry, error) {
	reg := plugins.NewRegistry()
	for _, p := range builtin {
		if err := reg.Register(p); err != nil {
			return nil, fmt.Errorf("register plugin %s: %w", p.ID(), err)
		}
	}
	if cfg.PluginsDir == "" {
		return reg, nil
	}
	ext, err := external.Load(cfg.PluginsDir)
	if err != nil {
		log.Warn("some user plugins were not loaded", "dir", cfg.PluginsDir, "err", err)
	}
	for _, p := range ext {
		if err := reg.Register(p); err != nil {
			log.Warn("user plugin left out", "dir", cfg.PluginsDir, "plugin", p.ID(), "err", err)
		}
	}
	return reg, nil
}
