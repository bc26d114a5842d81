// Package approve implements "wingctl approve", made for scripts: it never
// prompts, and its exit code says what happened.
package approve

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

// DefaultPollInterval is how often --wait asks for the plan's status.
const DefaultPollInterval = 250 * time.Millisecond

// ApproveOptions are the inputs of "wingctl approve".
type ApproveOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format

	PlanID       string
	Comment      string
	Wait         bool
	Timeout      time.Duration
	PollInterval time.Duration
}

// NewCmdApprove returns "wingctl approve"; runF replaces the run in tests.
func NewCmdApprove(f *cmdutil.Factory, runF func(*ApproveOptions) error) *cobra.Command {
	opts := &ApproveOptions{IO: f.IOStreams, Client: f.Client, PollInterval: DefaultPollInterval}
	cmd := &cobra.Command{
		Use:   "approve <plan-id>",
		Short: "Approve a plan",
		Long: `Record your approval of a plan. When it was the last approval the plan
needed, the plan is approved and its tasks are sent to the workers.

approve never prompts and never reads stdin, so it is safe in scripts: the
exit code says what happened. With --wait it blocks until the plan has run
and exits 0 only if it succeeded. If the plan still needs approvals from
other people, it exits 3 at once, with or without --wait.

Review the plan first with "wingctl plans show".

` + cmdutil.ExitCodesHelp,
		Example: `  wingctl approve pl-7f3a
  wingctl approve pl-7f3a --comment "checked the disk" --wait --timeout 5m

  # In a script
  if wingctl approve "$PLAN" --wait; then echo done; else echo "exit $?"; fi

  # The plan as JSON, after it ran
  wingctl approve pl-7f3a --wait -o json`,
		Args: cmdutil.ExactArgs(1, "a plan ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("timeout") && !opts.Wait {
				return cmdutil.FlagErrorf("--timeout needs --wait")
			}
			if opts.Timeout <= 0 {
				return cmdutil.FlagErrorf("--timeout must be positive")
			}
			opts.PlanID = args[0]
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return approveRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Comment, "comment", "", "a note stored with your approval")
	cmd.Flags().BoolVar(&opts.Wait, "wait", false, "wait until the plan has run; exit non-zero unless it succeeded")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", 10*time.Minute, "with --wait: give up waiting after this long")
	return cmd
}

func approveRun(ctx context.Context, opts *ApproveOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	d, err := c.Approve(ctx, opts.PlanID, opts.Comment)
	if err != nil {
		return err
	}
	p := d.Plan
	// With -o json or yaml a script reads the plan whatever happened; a
	// pending approval prints no table line, as its PendingError says it.
	if d.Outcome == domain.DecisionOutcomePending || p.Status == domain.PlanPending {
		if err := output.Print(opts.IO.Out, opts.Format, p, nil); err != nil {
			return err
		}
		return &cmdutil.PendingError{PlanID: opts.PlanID, NeedMore: d.ApprovalsNeeded}
	}
	if !opts.Wait {
		return output.Printf(opts.IO.Out, opts.Format, p, "Approved plan %s: %s (%s)\n", p.ID, p.Title, p.Status)
	}

	fmt.Fprintf(opts.IO.ErrOut, "Approved plan %s; waiting for it to finish.\n", p.ID)
	p, err = waitFinished(ctx, c, p, opts)
	if err != nil {
		return err
	}
	if err := output.Printf(opts.IO.Out, opts.Format, p, "Plan %s %s.\n", p.ID, p.Status); err != nil {
		return err
	}
	return outcome(p)
}
