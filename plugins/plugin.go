// Package plugins is how a worker changes anything: an execution plugin
// knows how to check, perform, verify and undo the actions of one kind of
// target (docker, script, http, ansible, proxmox). Wingman plans; plugins
// execute, and only the tasks of approved plans.
package plugins

import (
	"context"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// Action is one task as a plugin receives it.
type Action struct {
	TaskID      string
	PlanID      string
	Name        string // the action, e.g. "restart"
	Target      string
	Params      map[string]any
	BlastRadius domain.BlastRadius
	// Timeout bounds the whole run; Execute also sees it in ctx.
	Timeout time.Duration
}

// Result is what Execute did: output for people (capped by the runner) and
// data for ValidatePost and Rollback (for example the state before).
type Result struct {
	Output string
	Data   map[string]any
}

// Plugin is an execution plugin. Every method honours ctx. ValidatePre and
// ValidatePost return nil when all is well and an error that says what is
// wrong otherwise; Rollback is called only for reversible actions whose
// ValidatePost failed.
type Plugin interface {
	ID() string
	Actions() []string
	ValidatePre(ctx context.Context, a Action) error
	Execute(ctx context.Context, a Action) (Result, error)
	ValidatePost(ctx context.Context, a Action, r Result) error
	Rollback(ctx context.Context, a Action, r Result) error
}

// ReadOnly is implemented by plugins that may observe but never act, such
// as sandboxed skills. Registry.Register refuses one whose ReadOnly is
// true and Run never runs it, so its actions are neither advertised nor
// executed, whoever wires it.
type ReadOnly interface {
	ReadOnly() bool
}

// readOnly reports whether p says it is read-only.
func readOnly(p Plugin) bool {
	ro, ok := p.(ReadOnly)
	return ok && ro.ReadOnly()
}
