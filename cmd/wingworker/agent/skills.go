// Wiring of the worker's skills: fetched from the control plane, verified and run by plugins/skill/loader.

package agent

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/plugins/skill/broker"
	"github.com/wingman-dev/wingman/plugins/skill/loader"
	"github.com/wingman-dev/wingman/plugins/skill/signature"
)

// skillSync is how often the worker fetches the control plane's skills
// unless SKILLS_SYNC_INTERVAL says otherwise.
const skillSync = time.Minute

// skills loads the skills: the worker's own core skills and those the
// control plane serves, each verified here with the worker's pinned keys
// (MARKETPLACE_KEYS), and keeps them in step with the control plane until
// ctx ends. A control plane that does not answer leaves the skills loaded
// before.
func skills(ctx context.Context, cfg config.Worker, c *client.Client, docker broker.Docker, log *slog.Logger) (*loader.Set, error) {
	dir := os.Getenv("WORKER_SKILLS_DIR")
	if dir == "" {
		dir = filepath.Join(filepath.Dir(cfg.OfflineBufferDir), "skills")
	}
	keys, err := signature.LoadKeyring(os.Getenv("MARKETPLACE_KEYS"))
	if err != nil {
		return nil, err
	}
	every := skillSync
	if v := os.Getenv("SKILLS_SYNC_INTERVAL"); v != "" {
		if every, err = time.ParseDuration(v); err != nil || every < time.Second {
			return nil, fmt.Errorf("SKILLS_SYNC_INTERVAL=%q: use a Go duration of at least 1s, such as 1m", v)
		}
	}
	degraded := false
	if v := os.Getenv("SKILLS_ALLOW_DEGRADED_SANDBOX"); v != "" {
		if degraded, err = strconv.ParseBool(v); err != nil {
			return nil, fmt.Errorf("SKILLS_ALLOW_DEGRADED_SANDBOX=%q: use true or false", v)
		}
	}
	log = log.With("component", "skills")
	set, err := loader.New(loader.Config{Keys: keys, Dir: dir, AllowDegraded: degraded, Log: log,
		Broker: &broker.Broker{Docker: docker, Log: log}})
	if err != nil {
		return nil, err
	}
	sync := func(ctx context.Context) {
		fetchCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		bundles, err := c.WorkerSkills(fetchCtx)
		if err != nil {
			log.Warn("fetch skills from the control plane; keeping those loaded", "err", err)
			return
		}
		if err := set.Sync(bundles); err != nil {
			log.Warn("some skills were refused", "err", err)
		}
	}
	sync(ctx)
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				sync(ctx)
			}
		}
	}()
	return set, nil
}
