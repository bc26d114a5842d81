// Package reject implements "wingctl reject".
package reject

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/client"
)

// RejectOptions are the inputs of "wingctl reject".
type RejectOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format

	PlanID string
	Reason string
}

// NewCmdReject returns "wingctl reject"; runF replaces the run in tests.
func NewCmdReject(f *cmdutil.Factory, runF func(*RejectOptions) error) *cobra.Command {
	opts := &RejectOptions{IO: f.IOStreams, Client: f.Client}
	cmd := &cobra.Command{
		Use:   "reject <plan-id> --reason <text>",
		Short: "Reject a plan",
		Long: `Reject a pending plan. One rejection ends it: it will not run. The reason
is required; it is stored with the plan and in the audit log so the next
person knows why.

Exits 8 when the plan was already decided or has expired.`,
		Example: `  wingctl reject pl-7f3a --reason "restarting the database now would drop backups"
  wingctl reject pl-7f3a --reason "duplicate of pl-7f39" -o json`,
		Args: cmdutil.ExactArgs(1, "a plan ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(opts.Reason) == "" {
				return cmdutil.FlagErrorf("--reason is required: say why the plan should not run")
			}
			opts.PlanID = args[0]
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return rejectRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Reason, "reason", "", "why the plan should not run (required)")
	return cmd
}

func rejectRun(ctx context.Context, opts *RejectOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	d, err := c.Reject(ctx, opts.PlanID, opts.Reason)
	if err != nil {
		return err
	}
	p := d.Plan
	return output.Printf(opts.IO.Out, opts.Format, p, "Rejected plan %s: %s (%s)\n", p.ID, p.Title, p.Status)
}
