package plugins

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// abandonGrace is how long Run waits, once the action's time is up, for a
// step that has not returned. A plugin that honours ctx returns well within
// it; one that does not is abandoned, so a stuck plugin cannot hold a
// worker's task for ever.
const abandonGrace = 5 * time.Second

// Run carries one action through the lifecycle of p and reports the outcome
// as a worker sends it to wingmand:
//
//   - ValidatePre; when it fails nothing is executed.
//   - Execute; when it fails the task failed. Rollback is not attempted:
//     the Plugin contract keeps it for changes that completed but did not
//     take (a failed ValidatePost).
//   - ValidatePost; when it fails, Rollback runs only if
//     a.BlastRadius.Reversible. The task is rolled_back when the rollback
//     succeeded and failed otherwise.
//
// A read-only plugin (see ReadOnly) fails validate_pre without any step
// run. A panic in any step is recovered and fails that step. When a.Timeout is
// positive it bounds the whole run through ctx; a step still running
// abandonGrace after that is abandoned and fails. Output is Execute's
// output, capped by Truncate to maxOutput bytes. Validation records what
// each step that ran said ("ok" or its error) under "pre", "post" and
// "rollback". Run never returns an unfinished status.
func Run(ctx context.Context, p Plugin, a Action, maxOutput int) domain.ExecutionResultPayload {
	return run(ctx, p, a, maxOutput, abandonGrace)
}

func run(ctx context.Context, p Plugin, a Action, maxOutput int, grace time.Duration) (res domain.ExecutionResultPayload) {
	started := time.Now().UTC()
	res = domain.ExecutionResultPayload{
		TaskID:     a.TaskID,
		StartedAt:  &started,
		Validation: map[string]any{},
	}
	defer func() {
		finished := time.Now().UTC()
		res.FinishedAt = &finished
	}()
	fail := func(step string, err error) domain.ExecutionResultPayload {
		res.Status = domain.TaskFailed
		res.Error = step + ": " + err.Error()
		return res
	}

	if p == nil {
		res.Validation["pre"] = "no plugin"
		return fail("validate_pre", errors.New("no plugin"))
	}
	if readOnly(p) {
		res.Validation["pre"] = "refused"
		return fail("validate_pre", fmt.Errorf("%s: %w", p.ID(), ErrReadOnly))
	}
	if a.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, a.Timeout, fmt.Errorf("action timed out after %s", a.Timeout))
		defer cancel()
	}

	_, err := call(ctx, grace, func(ctx context.Context) (struct{}, error) {
		if !slices.Contains(p.Actions(), a.Name) {
			return struct{}{}, fmt.Errorf("plugin %q has no action %q", p.ID(), a.Name)
		}
		return struct{}{}, p.ValidatePre(ctx, a)
	})
	res.Validation["pre"] = said(err)
	if err != nil {
		return fail("validate_pre", err)
	}

	r, err := call(ctx, grace, func(ctx context.Context) (Result, error) { return p.Execute(ctx, a) })
	res.Output = Truncate(r.Output, maxOutput)
	if err != nil {
		return fail("execute", err)
	}

	_, err = call(ctx, grace, func(ctx context.Context) (struct{}, error) { return struct{}{}, p.ValidatePost(ctx, a, r) })
	res.Validation["post"] = said(err)
	if err == nil {
		res.Status = domain.TaskSucceeded
		return res
	}
	postErr := err
	if !a.BlastRadius.Reversible {
		res.Validation["rollback"] = "not attempted: the action is not reversible"
		return fail("validate_post", fmt.Errorf("%w (not reversible, no rollback attempted)", postErr))
	}

	_, err = call(ctx, grace, func(ctx context.Context) (struct{}, error) { return struct{}{}, p.Rollback(ctx, a, r) })
	res.Validation["rollback"] = said(err)
	if err != nil {
		return fail("validate_post", fmt.Errorf("%w; rollback failed: %w", postErr, err))
	}
	res.Status = domain.TaskRolledBack
	res.Error = "validate_post: " + postErr.Error() + "; rolled back"
	return res
}

// said is what a step said, for the Validation map.
func said(err error) string {
	if err != nil {
		return err.Error()
	}
	return "ok"
}

// call runs one step in its own goroutine, turning a panic into an error,
// and returns when the step does or, once ctx is done, after at most grace.
// A step abandoned that way keeps its goroutine until it returns; its
// result is dropped.
func call[T any](ctx context.Context, grace time.Duration, step func(context.Context) (T, error)) (T, error) {
	type outcome struct {
		v   T
		err error
	}
	var zero T
	if ctx.Err() != nil {
		return zero, fmt.Errorf("not started: %w", context.Cause(ctx))
	}
	done := make(chan outcome, 1) // buffered: an abandoned step must not block
	go func() {
		defer func() {
			if v := recover(); v != nil {
				done <- outcome{err: fmt.Errorf("panic: %v", v)}
			}
		}()
		v, err := step(ctx)
		done <- outcome{v, err}
	}()
	select {
	case o := <-done:
		return o.v, o.err
	case <-ctx.Done():
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case o := <-done:
		return o.v, o.err
	case <-t.C:
		return zero, fmt.Errorf("abandoned, still running %s after %w", grace, context.Cause(ctx))
	}
}
