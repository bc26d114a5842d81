package agent

import (
	"fmt"
	"log/slog"

	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/plugins"
	"github.com/wingman-dev/wingman/plugins/external"
	"github.com/wingman-dev/wingman/plugins/httpcall"
	"github.com/wingman-dev/wingman/plugins/script"
)

// registry builds the execution plugins this worker offers (docker joins
// when its engine answers). A user plugin that fails to load is logged and
// left out; the others still load.
func registry(cfg config.Worker, log *slog.Logger) (*plugins.Registry, error) {
	reg := plugins.NewRegistry()
	add := []plugins.Plugin{script.New()}
	if len(cfg.HTTPAllow) > 0 {
		h, err := httpcall.New(cfg.HTTPAllow)
		if err != nil {
			return nil, fmt.Errorf("WORKER_HTTP_ALLOW: %w", err)
		}
		add = append(add, h)
	}
	if cfg.PluginsDir != "" {
		ext, err := external.Load(cfg.PluginsDir)
		if err != nil {
			log.Warn("some user plugins were not loaded", "dir", cfg.PluginsDir, "err", err)
		}
		add = append(add, ext...)
	}
	for _, p := range add {
		if err := reg.Register(p); err != nil {
			return nil, fmt.Errorf("register plugin %s: %w", p.ID(), err)
		}
	}
	return reg, nil
}
