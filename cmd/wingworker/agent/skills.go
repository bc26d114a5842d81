// Wiring of the worker's skills: fetched from the control plane, verified and run by plugins/skill/loader.

package agent

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/plugins/sandbox"
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
// before. It returns the sandbox they run in too, for the heartbeat.
// Skills reach the adapters only through brk, which holds the worker's own
// clients, so that no credential ever leaves the worker.
func skills(ctx context.Context, cfg config.Worker, c *client.Client, brk *broker.Broker, log *slog.Logger) (*loader.Set, domain.SandboxState, error) {
	var box domain.SandboxState
	dir := os.Getenv("WORKER_SKILLS_DIR")
	if dir == "" {
		dir = filepath.Join(filepath.Dir(cfg.OfflineBufferDir), "skills")
	}
	keys, err := signature.LoadKeyring(os.Getenv("MARKETPLACE_KEYS"))
	if err != nil {
		return nil, box, err
	}
	every := skillSync
	if v := os.Getenv("SKILLS_SYNC_INTERVAL"); v != "" {
		if every, err = time.ParseDuration(v); err != nil || every < time.Second {
			return nil, box, fmt.Errorf("SKILLS_SYNC_INTERVAL=%q: use a Go duration of at least 1s, such as 1m", v)
		}
	}
	degraded := false
	if v := os.Getenv("SKILLS_ALLOW_DEGRADED_SANDBOX"); v != "" {
		if degraded, err = strconv.ParseBool(v); err != nil {
			return nil, box, fmt.Errorf("SKILLS_ALLOW_DEGRADED_SANDBOX=%q: use true or false", v)
		}
	}
	log = log.With("component", "skills")
	box = sandboxState(runtime.GOOS, sandbox.Check, degraded, log)
	brk.Log = log
	set, err := loader.New(loader.Config{Keys: keys, Dir: dir, AllowDegraded: degraded, Log: log,
		Broker: brk, Launcher: sandbox.FindLauncher(log)})
	if err != nil {
		return nil, box, err
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
	// The first fetch comes before the worker takes tasks, so that a
	// skill's task is not refused for a skill not loaded yet.
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
	return set, box, nil
}

// sandboxState is the sandbox the worker's skills run in: on Linux, what
// the kernel offers (check) against whether an admin allowed a degraded
// sandbox, as plugins/sandbox decides each run. Where skills run less
// confined or not at all the log says so too, at once rather than at the
// first skill.
func sandboxState(goos string, check func() (sandbox.Support, error), allowDegraded bool, log *slog.Logger) domain.SandboxState {
	if goos != "linux" {
		return domain.SandboxState{Mode: domain.SandboxFallback}
	}
	sup, err := check()
	if err != nil {
		log.Error("no skill will run: the sandbox could not probe the kernel", "err", err)
		return domain.SandboxState{Mode: domain.SandboxOff}
	}
	missing := sup.Missing()
	switch {
	case len(missing) == 0:
		return domain.SandboxState{Mode: domain.SandboxFull}
	case allowDegraded:
		log.Warn("sandbox degraded: skills run without some of their confinement, as SKILLS_ALLOW_DEGRADED_SANDBOX allows",
			"missing", missing)
		return domain.SandboxState{Mode: domain.SandboxDegraded, Missing: missing}
	}
	log.Warn("no skill will run: the kernel lacks layers of the sandbox (SKILLS_ALLOW_DEGRADED_SANDBOX=true runs them without)",
		"missing", missing)
	return domain.SandboxState{Mode: domain.SandboxOff, Missing: missing}
}
