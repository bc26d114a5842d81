// Package worker is wingworker's runtime: it reports health, sends what its
// collectors observe, and runs the tasks of approved plans through an
// executor, all through the control plane's API with the worker's token.
// It stays small: no database, no LLM beyond an optional local one, and
// nothing it does needs credentials other than its own token.
package worker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/domain"
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
	Log        *slog.Logger
	Version    string
	Now        func() time.Time
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
			w.sendLogs(ctx)
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
	w.send(ctx, domain.PayloadHealth, domain.HealthPayload{Status: domain.WorkerHealthy, Version: w.Version, Capabilities: caps})
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
		w.send(ctx, domain.PayloadFacts, domain.FactsPayload{Facts: facts})
	}
}

// sendLogs sends the summaries of the last interval, if any line came.
func (w *Worker) sendLogs(ctx context.Context) {
	if w.Logs == nil {
		return
	}
	if sums := w.Logs.Flush(w.Now().UTC()); len(sums) > 0 {
		w.send(ctx, domain.PayloadLogs, domain.LogsPayload{Summaries: sums})
	}
}

// send delivers one envelope, retrying the same envelope (same id, so the
// control plane stores it once) while the control plane is unreachable or
// failing; only a refusal (the envelope is wrong and will stay wrong) ends
// the retries. The durable offline buffer replaces this loop in a later
// version.
func (w *Worker) send(ctx context.Context, pt domain.PayloadType, payload any) {
	raw, err := json.Marshal(payload)
	if err != nil {
		w.Log.Error("encode envelope", "type", pt, "err", err)
		return
	}
	env := domain.Envelope{ID: newID(), WorkerID: w.Config.ID, SiteName: w.Config.SiteName, Timestamp: w.Now().UTC(),
		PayloadType: pt, Payload: raw}
	for backoff := time.Second; ; backoff = min(2*backoff, 30*time.Second) {
		_, err := w.Client.Ingest(ctx, env)
		if err == nil {
			return
		}
		if refused(err) || ctx.Err() != nil {
			w.Log.Error("send", "type", pt, "err", err)
			return
		}
		w.Log.Warn("control plane did not take the envelope; retrying", "type", pt, "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
	}
}

// runTasks long-polls for tasks and runs them one at a time.
func (w *Worker) runTasks(ctx context.Context) {
	backoff := time.Second
	for ctx.Err() == nil {
		t, err := w.Client.NextTask(ctx, 30*time.Second)
		if err != nil {
			if ctx.Err() == nil {
				w.Log.Warn("take task", "err", err, "retry_in", backoff)
				select {
				case <-ctx.Done():
				case <-time.After(backoff):
				}
				backoff = min(2*backoff, 30*time.Second)
			}
			continue
		}
		backoff = time.Second
		if t == nil {
			continue
		}
		res := w.run(ctx, *t)
		w.Log.Info("task finished", "task", t.TaskID, "plan", t.PlanID, "action", t.Plugin+"."+t.Action,
			"target", t.Target, "status", res.Status)
		// The result goes out even when the worker is stopping.
		sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		w.send(sendCtx, domain.PayloadExecutionResult, res)
		cancel()
		// A finished task changes what the collectors see.
		w.collect(ctx)
	}
}

// run checks that a task may run here, then runs it. A task that is not
// part of a plan, or names an action this worker does not have, is
// refused with the reason, never run.
func (w *Worker) run(ctx context.Context, t domain.WorkerTask) domain.ExecutionResultPayload {
	now := w.Now().UTC()
	refuse := func(why string) domain.ExecutionResultPayload {
		w.Log.Warn("task refused", "task", t.TaskID, "reason", why)
		return domain.ExecutionResultPayload{TaskID: t.TaskID, Status: domain.TaskFailed, Error: "refused by worker: " + why,
			StartedAt: &now, FinishedAt: &now}
	}
	var res domain.ExecutionResultPayload
	switch {
	case t.PlanID == "":
		res = refuse("the task belongs to no approved plan")
	case !w.Executor.Has(t.Plugin, t.Action):
		res = refuse(fmt.Sprintf("this worker has no %s.%s; it has %v", t.Plugin, t.Action, w.Executor.Capabilities()))
	default:
		res = w.Executor.Execute(ctx, t)
	}
	res.TaskID, res.Attempt = t.TaskID, t.Attempt
	return res
}

// refused reports whether the control plane rejected an envelope for what
// it is, so that sending it again cannot help.
func refused(err error) bool {
	for _, e := range []error{domain.ErrInvalid, domain.ErrTooLarge, domain.ErrForbidden, domain.ErrUnauthenticated, domain.ErrNotFound} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "env-" + hex.EncodeToString(b)
}
