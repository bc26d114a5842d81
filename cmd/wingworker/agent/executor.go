package agent

import (
	"context"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/plugins"
)

// maxOutput caps what a task's output sends back.
const maxOutput = 64 << 10

// executor runs tasks through the plugin registry.
type executor struct{ reg *plugins.Registry }

func (e executor) Capabilities() []string { return e.reg.Capabilities() }

func (e executor) Has(plugin, action string) bool {
	_, err := e.reg.Lookup(plugin, action)
	return err == nil
}

func (e executor) Execute(ctx context.Context, t domain.WorkerTask) domain.ExecutionResultPayload {
	p, err := e.reg.Lookup(t.Plugin, t.Action)
	if err != nil {
		now := time.Now().UTC()
		return domain.ExecutionResultPayload{TaskID: t.TaskID, Status: domain.TaskFailed, Error: err.Error(), StartedAt: &now, FinishedAt: &now}
	}
	timeout := time.Duration(t.TimeoutSeconds) * time.Second
	if timeout <= 0 {
		timeout = 10 * time.Minute
	}
	res := plugins.Run(ctx, p, plugins.Action{TaskID: t.TaskID, PlanID: t.PlanID, Name: t.Action, Target: t.Target,
		Params: t.Params, BlastRadius: t.BlastRadius, Timeout: timeout}, maxOutput)
	res.TaskID = t.TaskID
	return res
}
