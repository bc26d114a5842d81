// Package agent assembles a worker from its configuration: the collectors
// that answer (Docker only when its engine does), the execution plugins,
// and the runtime of core/worker. wingworker runs one; `wingmand
// --local-worker` runs one beside the control plane for a one-command demo.
package agent

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/collect/docker"
	"github.com/wingman-dev/wingman/core/collect/filelog"
	"github.com/wingman-dev/wingman/core/collect/host"
	"github.com/wingman-dev/wingman/core/collect/proxmox"
	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/worker"
	dockerplugin "github.com/wingman-dev/wingman/plugins/docker"
	proxmoxplugin "github.com/wingman-dev/wingman/plugins/proxmox"
	"github.com/wingman-dev/wingman/plugins/skill/broker"
)

// Build returns a worker ready to Run and a function that releases what it
// opened.
func Build(ctx context.Context, cfg config.Worker, log *slog.Logger, version string) (*worker.Worker, func(), error) {
	builtin, err := builtins(cfg)
	if err != nil {
		return nil, nil, err
	}
	closers := []func(){}
	collectors := []worker.Collector{&host.Collector{}}
	var dockerAPI broker.Docker
	var pveAPI broker.Proxmox
	if cfg.EnableDocker {
		d, err := docker.New()
		if err == nil {
			pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err = d.Ping(pingCtx)
			cancel()
		}
		if err != nil {
			log.Warn("Docker is enabled but does not answer; continuing without it", "err", err)
		} else {
			closers = append(closers, func() { d.Close() })
			collectors = append(collectors, d)
			builtin = append(builtin, dockerplugin.New(d.Client()))
			dockerAPI = d.Client()
		}
	}
	if cfg.EnableProxmox {
		c, err := proxmox.New(proxmox.Config{Host: cfg.ProxmoxHost, User: cfg.ProxmoxUser,
			TokenName: cfg.ProxmoxTokenName, TokenValue: cfg.ProxmoxTokenValue, CAFile: cfg.ProxmoxCAFile})
		if err != nil {
			return nil, nil, fmt.Errorf("proxmox: %w", err)
		}
		collectors = append(collectors, proxmox.NewCollector(c))
		builtin = append(builtin, proxmoxplugin.New(c))
		pveAPI = c
	}
	reg, err := registry(cfg, log, builtin)
	if err != nil {
		return nil, nil, err
	}
	cp := client.New(cfg.ControlPlaneURL, cfg.Token)
	sk, box, err := skills(ctx, cfg, cp, &broker.Broker{Docker: dockerAPI, Proxmox: pveAPI}, log)
	if err != nil {
		for _, c := range closers {
			c()
		}
		return nil, nil, err
	}
	w := &worker.Worker{
		Config: cfg, Client: cp, Collectors: collectors,
		Executor: executor{reg, sk}, BacklogRate: cfg.OfflineSyncRate, Log: log, Version: version, Now: time.Now,
		Sandbox: &box,
	}
	if err := openBuffer(w, cfg, log); err != nil {
		for _, c := range closers {
			c()
		}
		return nil, nil, err
	}
	if w.SyncListener != nil {
		closers = append(closers, func() { w.SyncListener.Close() })
	}
	if cfg.EnableFileLogs && len(cfg.LogFiles) > 0 {
		w.Logs = filelog.New(cfg.LogFiles, filelog.Options{})
	}
	log.Info("worker ready", "control_plane", cfg.ControlPlaneURL, "site", cfg.SiteName,
		"interval", cfg.CollectInterval, "capabilities", reg.Capabilities(), "sandbox", box.String(), "offline_buffer", cfg.OfflineBufferDir,
		"backlog", w.Outbox.Backlog().Files, "held_tasks", len(w.Inbox.Held()))
	return w, func() {
		for _, c := range closers {
			c()
		}
	}, nil
}
