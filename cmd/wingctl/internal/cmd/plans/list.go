package plans

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

// ListOptions are the inputs of "wingctl plans list".
type ListOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format
	Now    func() time.Time

	Status string
	Limit  int
}

// NewCmdList returns "wingctl plans list"; runF replaces the run in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Client: f.Client, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List plans",
		Long: `List plans, newest first. APPROVALS shows distinct approvers so far of those
the plan needs; EXPIRES is when a pending plan lapses.

Statuses: ` + strings.Join(statuses, ", ") + `.`,
		Example: `  # What waits for me?
  wingctl plans list --status pending

  wingctl plans list --status failed --limit 5 -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Status != "" && !slices.Contains(statuses, opts.Status) {
				return cmdutil.FlagErrorf("--status %q is not one of %s", opts.Status, strings.Join(statuses, ", "))
			}
			if opts.Limit < 0 {
				return cmdutil.FlagErrorf("--limit must not be negative")
			}
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Status, "status", "", "only plans with this status")
	cmd.Flags().IntVar(&opts.Limit, "limit", 0, "at most this many (0: the server's default)")
	_ = cmd.RegisterFlagCompletionFunc("status", cobra.FixedCompletions(statuses, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	ps, err := c.ListPlans(ctx, domain.PlanFilter{Status: domain.PlanStatus(opts.Status), Limit: opts.Limit})
	if err != nil {
		return err
	}
	now := opts.Now()
	return output.PrintList(opts.IO, opts.Format, ps, "No plans found.", output.Columns[domain.Plan]{
		Headers: []string{"ID", "STATUS", "APPROVALS", "ACTIONS", "CREATED", "EXPIRES", "TITLE"},
		Row: func(p domain.Plan) []string {
			expires := ""
			if !p.Status.Decided() {
				expires = output.Ago(now, &p.ExpiresAt)
			}
			return []string{p.ID, string(p.Status), approvals(p), fmt.Sprint(len(p.Actions)),
				output.Ago(now, &p.CreatedAt), expires, p.Title}
		},
	})
}
