package approve

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

// waitFinished polls the plan until it reaches an end state, noting each
// change of status on ErrOut. A poll rather than the SSE stream keeps the
// CLI free of a stream reader; four small requests a second cost nothing.
func waitFinished(ctx context.Context, c *client.Client, p domain.Plan, opts *ApproveOptions) (domain.Plan, error) {
	waitCtx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	timer := time.NewTimer(opts.PollInterval)
	defer timer.Stop()
	for !p.Status.Finished() {
		select {
		case <-waitCtx.Done():
			return p, waitError(ctx, p, opts.Timeout)
		case <-timer.C:
		}
		next, err := c.GetPlan(waitCtx, p.ID)
		if err != nil {
			if waitCtx.Err() != nil {
				return p, waitError(ctx, p, opts.Timeout)
			}
			return p, err
		}
		if next.Status != p.Status {
			fmt.Fprintf(opts.IO.ErrOut, "%s: %s\n", next.ID, next.Status)
		}
		p = next
		timer.Reset(opts.PollInterval)
	}
	return p, nil
}

// waitError tells running out of --timeout from being interrupted.
func waitError(ctx context.Context, p domain.Plan, timeout time.Duration) error {
	if ctx.Err() != nil {
		return fmt.Errorf("stopped waiting for plan %s (status %s): %w", p.ID, p.Status, ctx.Err())
	}
	return fmt.Errorf("timed out after %s waiting for plan %s (status %s)", timeout, p.ID, p.Status)
}

// outcome turns a finished plan into the command's result: nil only for
// success.
func outcome(p domain.Plan) error {
	switch p.Status {
	case domain.PlanSucceeded:
		return nil
	case domain.PlanFailed, domain.PlanRolledBack:
		return &cmdutil.TaskFailedError{PlanID: p.ID, Status: p.Status, Detail: failedTask(p)}
	case domain.PlanRejected:
		return fmt.Errorf("plan %s was rejected: %w", p.ID, domain.ErrDecided)
	case domain.PlanExpired:
		return fmt.Errorf("plan %s: %w", p.ID, domain.ErrExpired)
	}
	return errors.New("plan " + p.ID + " ended in unknown status " + string(p.Status))
}

// failedTask describes the first task that did not succeed, the one an
// operator should look at.
func failedTask(p domain.Plan) string {
	for _, t := range p.Tasks {
		if t.Status == domain.TaskFailed || t.Status == domain.TaskRolledBack {
			msg := fmt.Sprintf("task %s (%s %s %s on %s) %s", t.ID, t.Plugin, t.Action, t.Target, t.WorkerID, t.Status)
			if t.Error != "" {
				msg += ": " + t.Error
			}
			return msg
		}
	}
	return ""
}
