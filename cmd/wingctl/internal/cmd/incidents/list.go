package incidents

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

// ListOptions are the inputs of "wingctl incidents list".
type ListOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format
	Now    func() time.Time

	State  string
	Worker string
	Limit  int
}

// NewCmdList returns "wingctl incidents list"; runF replaces the run in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Client: f.Client, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List incidents",
		Long: `List incidents, newest first, optionally only those in one state (open,
acknowledged or resolved) or on one worker.`,
		Example: `  wingctl incidents list --state open
  wingctl incidents list --worker edge-1 --limit 5 -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch domain.IncidentState(opts.State) {
			case "", domain.IncidentOpen, domain.IncidentAcknowledged, domain.IncidentResolved:
			default:
				return cmdutil.FlagErrorf("--state %q is not one of open, acknowledged, resolved", opts.State)
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
	cmd.Flags().StringVar(&opts.State, "state", "", "only incidents in this state: open, acknowledged or resolved")
	cmd.Flags().StringVar(&opts.Worker, "worker", "", "only incidents on this worker")
	cmd.Flags().IntVar(&opts.Limit, "limit", 0, "at most this many (0: the server's default)")
	_ = cmd.RegisterFlagCompletionFunc("state", cobra.FixedCompletions(
		[]string{"open", "acknowledged", "resolved"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	incs, err := c.ListIncidents(ctx, domain.IncidentFilter{
		State: domain.IncidentState(opts.State), WorkerID: opts.Worker, Limit: opts.Limit,
	})
	if err != nil {
		return err
	}
	now := opts.Now()
	return output.PrintList(opts.IO, opts.Format, incs, "No incidents found.", output.Columns[domain.Incident]{
		Headers: []string{"ID", "SEVERITY", "STATE", "WORKER", "TARGET", "OPENED", "PLAN", "TITLE"},
		Row: func(in domain.Incident) []string {
			return []string{in.ID, string(in.Severity), string(in.State), in.WorkerID,
				target(in.TargetType, in.Target), output.Ago(now, &in.OpenedAt), in.PlanID, in.Title}
		},
	})
}
