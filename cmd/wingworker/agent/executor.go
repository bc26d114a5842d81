package agent

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/plugins"
	"github.com/wingman-dev/wingman/plugins/skill/loader"
)

// maxOutput caps what a task's output sends back.
const maxOutput = 64 << 10

// executor runs tasks through the plugin registry, and then the loaded
// skills: a built-in's id is never a skill's.
type executor struct {
	reg    *plugins.Registry
	skills *loader.Set
}

func (e executor) Capabilities() []string {
	return slices.Sorted(slices.Values(append(e.reg.Capabilities(), e.skills.Registry().Capabilities()...)))
}

func (e executor) lookup(plugin, action string) (plugins.Plugin, error) {
	p, err := e.reg.Lookup(plugin, action)
	if errors.Is(err, plugins.ErrUnknown) {
		if sp, serr := e.skills.Registry().Lookup(plugin, action); serr == nil {
			return sp, nil
		}
	}
	return p, err
}

func (e executor) Has(plugin, action string) bool {
	_, err := e.lookup(plugin, action)
	return err == nil
}

func (e executor) Execute(ctx context.Context, t domain.WorkerTask) domain.ExecutionResultPayload {
	p, err := e.lookup(t.Plugin, t.Action)
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
