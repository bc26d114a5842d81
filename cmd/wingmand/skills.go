// Wiring of the plugin store (plugins/skill/store) into the daemon.

package main

import (
	"log/slog"
	"os"
	"time"

	"github.com/wingman-dev/wingman/core/api"
	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/daemon"
	corestore "github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/plugins/skill/store"
)

// skillsOption serves the plugin marketplace, the marketplace skills kept
// in the daemon's store and the local ones under <data-dir>/skills/local,
// with the MARKETPLACE_* and PLUGIN_AUTO_UPDATE settings of the
// environment.
func skillsOption(cfg config.Daemon, log *slog.Logger) (daemon.Option, error) {
	sc, err := store.ConfigFromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	var every time.Duration
	if sc.AutoUpdate {
		every = sc.AutoUpdateEvery
	}
	build := func(db corestore.Store) (api.Skills, error) {
		svc, err := store.NewService(db, cfg.DataDir, sc, log.With("component", "skills"))
		if err != nil {
			return nil, err
		}
		log.Info("plugin store", "marketplace", sc.Enabled, "registry", svc.Market.Base(), "auto_update", every,
			"maintainer_keys", sc.KeysFile)
		return svc, nil
	}
	return daemon.WithSkills(build, every), nil
}
