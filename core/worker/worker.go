// Package worker is wingworker's runtime: it reports health, sends what its
// collectors observe, and runs the tasks of approved plans through an
// executor, all through the control plane's API with the worker's token.
// It stays small: no database, no LLM beyond an optional local one, and
// nothing it does needs credentials other than its own token.
package worker

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/offline"
)

// Collector observes one source.
type Collector interface {
	Name() string
	Collect(ctx context.Context) ([]domain.WireFact, error)
}

// Watcher is a collector that also hears of changes as they happen (Docker
// events); changed asks for a collection now.
type Watcher interface {
	Watch(ctx context.Context, changed func())
}

// LogSource summarises log files at the site (core/collect/filelog); only
// its summaries are sent, never a line.
type LogSource interface {
	Run(ctx context.Context)
	Flush(now time.Time) []domain.LogSummary
}

// Executor runs tasks; the plugins registry is one.
type Executor interface {
	// Capabilities lists plugin.action names the executor can run.
	Capabilities() []string
	// Execute runs a task that was checked to be runnable.
	Execute(ctx context.Context, t domain.WorkerTask) domain.ExecutionResultPayload
	// Has reports whether plugin.action can run here.
	Has(plugin, action string) bool
}

// Worker is one running wingworker.
type Worker struct {
	Config     config.Worker
	Client     *client.Client
	Collectors []Collector
	Logs       LogSource // nil when no files are summarised
	Executor   Executor
	// Outbox is where every envelope goes before it is sent; Inbox holds
	// the tasks taken. Both live in OFFLINE_BUFFER_DIR.
	Outbox *offline.Outbox
	Inbox  *offline.Inbox
	// Sync is where the control plane may pull the backlog, served on
	// SyncListener; both nil when the worker only pushes (behind NAT).
	Sync         *domain.SyncEndpoint
	SyncListener net.Listener
	// BacklogRate caps how many envelopes a second the worker pushes from
	// its backlog (the control plane has its own cap on top).
	BacklogRate float64
	Log         *slog.Logger
	Version     string
	Now         func() time.Time
	// Sandbox is how the worker confines its skills. Each heartbeat
	// carries it, so that a degraded or missing sandbox shows wherever
	// the worker does; nil reports none.
	Sandbox *domain.SandboxState
}

// heartbeatEvery bounds the time between health reports whatever the
// collection interval, well inside the control plane's default 90 s.
const heartbeatEvery = 30 * time.Second

// Run works until ctx ends.
func (w *Worker) Run(ctx context.Context) error {
	collectNow := make(chan struct{}, 1)
	poke := func() {
		select {
		case collectNow <- struct{}{}:
		default:
		}
	}
	for _, c := range w.Collectors {
		if wt, ok := c.(Watcher); ok {
			go wt.Watch(ctx, poke)
		}
	}
	go w.push(ctx)
	if w.SyncListener != nil {
		srv := &http.Server{Handler: offline.Handler(w.Outbox, w.Sync.Key), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := srv.Serve(w.SyncListener); !errors.Is(err, http.ErrServerClosed) {
				w.Log.Error("offline sync endpoint stopped", "err", err)
			}
		}()
		defer srv.Close()
	}
	tasksDone := make(chan struct{})
	go func() {
		defer close(tasksDone)
		w.runTasks(ctx)
	}()
	// A task under way is reported before Run returns (its plugin saw ctx
	// end and stopped): the result must not be lost on shutdown.
	defer func() { <-tasksDone }()
	if w.Logs != nil {
		go w.Logs.Run(ctx)
	}
	w.heartbeat(ctx)
	w.collect(ctx)
	collectTick := time.NewTicker(w.Config.CollectInterval)
	defer collectTick.Stop()
	beatTick := time.NewTicker(min(heartbeatEvery, w.Config.CollectInterval))
	defer beatTick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-beatTick.C:
			w.heartbeat(ctx)
		case <-collectTick.C:
			w.collect(ctx)
			w.sendLogs()
		case <-collectNow:
			// Events come in bursts (die, then restart): let the burst pass
			// so one collection sees its end.
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(300 * time.Millisecond):
			}
			w.collect(ctx)
		}
	}
}

func (w *Worker) heartbeat(ctx context.Context) {
	caps := []string{}
	for _, c := range w.Collectors {
		caps = append(caps, "collect."+c.Name())
	}
	caps = append(caps, w.Executor.Capabilities()...)
	if w.Sandbox != nil {
		caps = append(caps, w.Sandbox.Capability())
	}
	backlog := w.Outbox.Backlog()
	w.emit(domain.PayloadHealth, domain.HealthPayload{Status: domain.WorkerHealthy, Version: w.Version, Capabilities: caps,
		Backlog: &backlog, Gaps: w.Outbox.Gaps(), HeldTasks: w.heldTasks(), Sync: w.Sync})
}

func (w *Worker) collect(ctx context.Context) {
	var facts []domain.WireFact
	for _, c := range w.Collectors {
		f, err := c.Collect(ctx)
		if err != nil {
			w.Log.Warn("collect", "collector", c.Name(), "err", err)
			continue
		}
		facts = append(facts, f...)
	}
	if len(facts) > 0 {
		w.emit(domain.PayloadFacts, domain.FactsPayload{Facts: facts})
	}
}

// sendLogs sends the summaries of the last interval, if any line came.
func (w *Worker) sendLogs() {
	if w.Logs == nil {
		return
	}
	if sums := w.Logs.Flush(w.Now().UTC()); len(sums) > 0 {
		w.emit(domain.PayloadLogs, domain.LogsPayload{Summaries: sums})
	}
}
