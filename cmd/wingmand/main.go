// Command wingmand is Wingman's control plane: facts, incidents, plans,
// approvals and audit behind one HTTP API. See `wingmand --help`.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingworker/agent"
	"github.com/wingman-dev/wingman/core/api"
	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/daemon"
	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/dashboards/document"
	"github.com/wingman-dev/wingman/dashboards/query"
	"github.com/wingman-dev/wingman/dashboards/service"
	"github.com/wingman-dev/wingman/plugins/sandbox"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	sandbox.Main() // the local worker's skill launcher when started as one; returns otherwise
	if err := newRoot().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "wingmand:", err)
		os.Exit(1)
	}
}

func newRoot() *cobra.Command {
	var cfgFile string
	var localWorker bool
	flags := config.DefaultDaemon(os.Getenv)
	serve := &cobra.Command{
		Use:   "serve",
		Short: "Run the control plane (the default command)",
		Long: `Run the control plane until SIGINT or SIGTERM.

On first start wingmand creates a bootstrap admin token and writes it to
<data-dir>/admin.token (mode 0600); wingctl on the same machine picks it up.
SIGHUP reloads the policy file. Dashboards read the built-in named queries
and, when it exists, <data-dir>/queries.yaml (read at start; a query there
that could write, or any other problem, stops wingmand with the list).

Settings come from flags, then the environment, then the config file, then
defaults:
  --listen         WINGMAN_LISTEN      listen         (default 127.0.0.1:8470)
  --data-dir       WINGMAN_DATA_DIR    data_dir       (default ~/.local/share/wingman)
  --database-url   DATABASE_URL        database_url   (PostgreSQL; default: SQLite in the data dir)
  --policy         WINGMAN_POLICY      policy_file    (default <data-dir>/policy.yaml if present)
  --log-level      WINGMAN_LOG_LEVEL   log_level      (debug, info, warn, error)
  --log-format     WINGMAN_LOG_FORMAT  log_format     (text or json)

Single sign-on comes from the environment only (OIDC_ENABLED=true turns it
on; local API tokens keep working beside it):
  OIDC_ISSUER_URL     the provider's issuer (https; http only on loopback)
  OIDC_CLIENT_ID      the client registered for Wingman; its ID tokens are accepted
  OIDC_CLIENT_SECRET  that client's secret, for the web sign-in
  OIDC_CLI_CLIENT_ID  the public client wingctl logs in with (default OIDC_CLIENT_ID)
  OIDC_SCOPES         scopes to request (default "openid profile email")
  OIDC_ROLE_CLAIM     the ID token claim listing the user's groups (default groups)
  OIDC_ROLE_MAP       group=role pairs, such as "wingman-admins=admin,ops=operator"
  OIDC_DEFAULT_ROLE   the role of users in no mapped group: none (default:
                      refused until an admin gives them one with wingctl users
                      set-role), viewer, operator or admin
  OIDC_CA_FILE        a CA certificate to trust for the provider

With single sign-on, a web console is served under /web/ (OIDC_CLIENT_ID is
its client; register <public URL>/web/callback as its redirect URI):
  WINGMAN_PUBLIC_URL       where browsers reach wingmand, such as
                           https://wingman.lan (default: each request's host)
  WINGMAN_TRUSTED_PROXIES  addresses or networks of reverse proxies whose
                           X-Forwarded-Proto: https is believed (cookies Secure)
  WINGMAN_WEB_SESSION_TTL  how long a web session lasts at most (default 12h)

Plugins (skills) from the marketplace are kept in the database, so every
replica serves workers the same set; your own go under
<data-dir>/skills/local/<id>/ on each replica, by hand. Settings from the
environment:
  MARKETPLACE_ENABLED  true to search, install and update from the registry
                       (default false; installed skills are served either way)
  MARKETPLACE_REPO     github.com/OWNER/NAME[@BRANCH] or an http(s) URL of a
                       folder in the registry's layout
                       (default github.com/wingman-plugins/registry)
  MARKETPLACE_KEYS     YAML file pinning the maintainer keys (with key ids)
                       and revoked ids; without it no skill is verified
  PLUGIN_AUTO_UPDATE   true to update installed skills every
                       PLUGIN_AUTO_UPDATE_INTERVAL (default 6h)`,
		Example: `  wingmand
  wingmand serve --data-dir ./data --listen 0.0.0.0:8470
  wingmand --local-worker        # the control plane and a worker for this machine, in one go
  DATABASE_URL=postgres://wingman@db/wingman wingmand --config /etc/wingman/wingmand.yaml
  OIDC_ENABLED=true OIDC_ISSUER_URL=https://sso.lan/realms/home OIDC_CLIENT_ID=wingman \
    OIDC_ROLE_MAP=wingman-admins=admin,ops=operator wingmand`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfgFile == "" {
				cfgFile = os.Getenv("WINGMAN_CONFIG")
			}
			cfg, err := config.LoadDaemon(cfgFile, os.Getenv)
			if err != nil {
				return err
			}
			applyFlags(cmd, &cfg, flags)
			if err := cfg.Validate(); err != nil {
				return err
			}
			sso, err := config.LoadOIDC(os.Getenv)
			if err != nil {
				return err
			}
			console, err := config.LoadWeb(os.Getenv)
			if err != nil {
				return err
			}
			return run(cmd.Context(), cfg, sso, console, localWorker || os.Getenv("WINGMAN_LOCAL_WORKER") == "true")
		},
	}
	f := serve.Flags()
	f.StringVar(&cfgFile, "config", "", "config file (YAML; env WINGMAN_CONFIG)")
	f.StringVar(&flags.Listen, "listen", flags.Listen, "address to serve the API on")
	f.StringVar(&flags.DataDir, "data-dir", flags.DataDir, "where the SQLite database and admin.token live")
	f.StringVar(&flags.DatabaseURL, "database-url", "", "PostgreSQL URL; the embedded SQLite is used when empty")
	f.StringVar(&flags.PolicyFile, "policy", "", "approval policy file (YAML)")
	f.StringVar(&flags.LogLevel, "log-level", flags.LogLevel, "debug, info, warn or error")
	f.StringVar(&flags.LogFormat, "log-format", flags.LogFormat, "text or json")
	f.BoolVar(&localWorker, "local-worker", false, "also run a worker for this machine (Docker if it answers, host facts) in this process (env WINGMAN_LOCAL_WORKER=true)")

	root := &cobra.Command{
		Use:           "wingmand",
		Short:         "Wingman's control plane",
		Long:          "wingmand keeps Wingman's facts, incidents, plans, approvals and audit log, behind one HTTP API.\nWith no command it runs `serve`.",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE:          serve.RunE,
	}
	root.Flags().AddFlagSet(serve.Flags())
	root.AddCommand(serve)
	return root
}

// applyFlags copies the flags the user set over the loaded configuration.
func applyFlags(cmd *cobra.Command, cfg *config.Daemon, flags config.Daemon) {
	set := map[string]func(){
		"listen":       func() { cfg.Listen = flags.Listen },
		"data-dir":     func() { cfg.DataDir = flags.DataDir },
		"database-url": func() { cfg.DatabaseURL = flags.DatabaseURL },
		"policy":       func() { cfg.PolicyFile = flags.PolicyFile },
		"log-level":    func() { cfg.LogLevel = flags.LogLevel },
		"log-format":   func() { cfg.LogFormat = flags.LogFormat },
	}
	for name, apply := range set {
		if cmd.Flags().Changed(name) {
			apply()
		}
	}
}

func newLogger(cfg config.Daemon) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel)) // validated before
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

func run(parent context.Context, cfg config.Daemon, sso config.OIDC, console config.Web, localWorker bool) error {
	log := newLogger(cfg)
	ctx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	defer stop()
	dash, err := dashboardsOption(cfg, log)
	if err != nil {
		return err
	}
	skills, err := skillsOption(cfg, log)
	if err != nil {
		return err
	}
	d, err := daemon.New(ctx, cfg, log, version, daemon.WithOIDC(sso), dash, skills, daemon.WithWeb(console))
	if err != nil {
		return err
	}
	defer d.Close()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for range hup {
			d.ReloadPolicy()
		}
	}()
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	// Serving starts first: the local worker's start fetches its skills
	// from this very server.
	served := make(chan error, 1)
	go func() { served <- d.Serve(ctx, ln) }()
	if localWorker {
		stopWorker, err := startLocalWorker(ctx, d, cfg, ln.Addr().(*net.TCPAddr), log)
		if err != nil {
			stop()
			return errors.Join(err, <-served)
		}
		defer func() {
			stop() // the worker stops with the server, whatever stopped that
			stopWorker()
		}()
	}
	return <-served
}

// dashboardsOption serves dashboards with the built-in named queries and
// those of <data-dir>/queries.yaml when there is one; a queries.yaml with
// a problem stops wingmand, rather than leave dashboards that break later.
func dashboardsOption(cfg config.Daemon, log *slog.Logger) (daemon.Option, error) {
	var (
		reg *query.Registry
		err error
	)
	source := filepath.Join(cfg.DataDir, "queries.yaml")
	if fileExists(source) {
		reg, err = query.Load(source)
	} else {
		source = "built-in"
		reg, err = query.Builtin()
	}
	if err != nil {
		return nil, fmt.Errorf("dashboard queries: %w", err)
	}
	log.Info("dashboard queries loaded", "source", source, "queries", len(reg.Names()))
	build := func(st store.Store) (api.Dashboards, error) {
		return service.New(service.Config{Store: st, Registry: reg, Log: log.With("component", "dashboards")})
	}
	return daemon.WithDashboards(build, api.DashboardLimits{MaxBody: document.DefaultMaxBytes}), nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// startLocalWorker runs a worker for this machine beside the control
// plane, talking to it over loopback like any other worker.
func startLocalWorker(ctx context.Context, d *daemon.Daemon, cfg config.Daemon, addr *net.TCPAddr, log *slog.Logger) (func(), error) {
	token, err := d.LocalWorker(ctx, "local", "This machine")
	if err != nil {
		return nil, err
	}
	wcfg := config.DefaultWorker()
	wcfg.ID, wcfg.SiteName, wcfg.Token = "local", "This machine", token
	wcfg.ControlPlaneURL = fmt.Sprintf("http://127.0.0.1:%d", addr.Port)
	wcfg.CollectInterval = 15 * time.Second
	wcfg.OfflineBufferDir = filepath.Join(cfg.DataDir, "offline")
	w, closeAll, err := agent.Build(ctx, wcfg, log.With("worker", "local"), version)
	if err != nil {
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := w.Run(ctx); err != nil {
			log.Error("local worker stopped", "err", err)
		}
	}()
	return func() { <-done; closeAll() }, nil
}
