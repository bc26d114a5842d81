// Command wingworker is Wingman's agent at one site: it reports what it
// observes (Docker containers, the host) and runs the tasks of approved
// plans through execution plugins. It never calls a cloud LLM. See
// `wingworker --help`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/wingman-dev/wingman/cmd/wingworker/agent"
	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/plugins/sandbox"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `wingworker reports what one site's hosts and containers are doing to the
Wingman control plane, and runs the tasks of plans that people approved.

Usage:
  wingworker [--config FILE]

Configuration (environment, over the YAML file):
  WORKER_ID                 this worker's id, as registered with "wingctl workers add"
  WORKER_SITE_NAME          the site's display name
  CONTROL_PLANE_URL         wingmand's URL, e.g. http://127.0.0.1:8470
  WORKER_TOKEN              the token "wingctl workers add" printed
  WORKER_COLLECT_INTERVAL   how often to collect facts (default 30s; Docker events are sent at once)
  ENABLE_DOCKER             observe and act on the local Docker engine (default true)
  ENABLE_FILE_LOGS          summarise WORKER_LOG_FILES (comma-separated) (default true)
  ENABLE_PROXMOX            observe and act on Proxmox VE (PROXMOX_HOST, PROXMOX_USER, PROXMOX_TOKEN_NAME,
                            PROXMOX_TOKEN_VALUE, PROXMOX_CA_FILE for a cluster's own CA)
  WORKER_PLAYBOOKS_DIR      playbooks the ansible plugin may run (empty: no ansible plugin)
  OLLAMA_HOST, OLLAMA_MODEL an optional LOCAL model; a cloud endpoint is refused
  OFFLINE_BUFFER_DIR, OFFLINE_BUFFER_MAX_MB, OFFLINE_BUFFER_MAX_HOURS

Skills (plugins from the control plane's marketplace, and your own core skills):
  WORKER_SKILLS_DIR         core/ holds this worker's trusted skills; run/ the verified copies that run
                            (default: skills beside OFFLINE_BUFFER_DIR). Its parents must let the
                            user "nobody" through: skills run as nobody in the sandbox when root.
  MARKETPLACE_KEYS          YAML file pinning maintainer keys and revoked key ids; every skill the
                            control plane serves is verified again with these before it loads
  SKILLS_SYNC_INTERVAL      how often to fetch the control plane's skills (default 1m)
  SKILLS_ALLOW_DEGRADED_SANDBOX  true runs skills where the kernel lacks Landlock or seccomp;
                            their results then say so (default false: such skills do not run)

Workers never call a cloud LLM; that is not configurable.

Example:
  WORKER_ID=site-a WORKER_SITE_NAME="Site A" CONTROL_PLANE_URL=http://127.0.0.1:8470 \
  WORKER_TOKEN=wmw_... wingworker
`

func main() {
	sandbox.Main() // a skill's launcher when started as one; returns otherwise
	fs := flag.NewFlagSet("wingworker", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(os.Stderr, usage) }
	cfgFile := fs.String("config", os.Getenv("WINGMAN_WORKER_CONFIG"), "config file (YAML)")
	showVersion := fs.Bool("version", false, "print the version")
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		os.Exit(2)
	}
	if *showVersion {
		fmt.Println("wingworker", version)
		return
	}
	if err := run(*cfgFile); err != nil {
		fmt.Fprintln(os.Stderr, "wingworker:", err)
		os.Exit(1)
	}
}

func run(cfgFile string) error {
	cfg, err := config.LoadWorker(cfgFile, os.Getenv)
	if err != nil {
		return err
	}
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel)) // validated by LoadWorker
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})).With("worker", cfg.ID)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	w, closeAll, err := agent.Build(ctx, cfg, log, version)
	if err != nil {
		return err
	}
	defer closeAll()
	return w.Run(ctx)
}
