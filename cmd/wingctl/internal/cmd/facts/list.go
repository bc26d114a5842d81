package facts

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

// ListOptions are the inputs of "wingctl facts list".
type ListOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format
	Now    func() time.Time

	Filter domain.FactFilter
}

// NewCmdList returns "wingctl facts list"; runF replaces the run in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Client: f.Client, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List facts",
		Long: `List facts, optionally only those of one worker, type, name or status.
Attributes are in the JSON and YAML output only.`,
		Example: `  wingctl facts list --worker edge-1 --type container
  wingctl facts list --status exited
  wingctl facts list --name nginx -o yaml`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Filter.Limit < 0 {
				return cmdutil.FlagErrorf("--limit must not be negative")
			}
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Filter.WorkerID, "worker", "", "only facts of this worker")
	fl.StringVar(&opts.Filter.Type, "type", "", "only facts of this type, e.g. container")
	fl.StringVar(&opts.Filter.Name, "name", "", "only facts with this name")
	fl.StringVar(&opts.Filter.Status, "status", "", "only facts with this status, e.g. running")
	fl.IntVar(&opts.Filter.Limit, "limit", 0, "at most this many (0: the server's default)")
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	fs, err := c.ListFacts(ctx, opts.Filter)
	if err != nil {
		return err
	}
	now := opts.Now()
	return output.PrintList(opts.IO, opts.Format, fs, "No facts found.", output.Columns[domain.Fact]{
		Headers: []string{"WORKER", "TYPE", "NAME", "STATUS", "OBSERVED"},
		Row: func(fc domain.Fact) []string {
			return []string{fc.WorkerID, fc.Type, fc.Name, fc.Status, output.Ago(now, &fc.ObservedAt)}
		},
	})
}
