package dashboards

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

// ListOptions are the inputs of "wingctl dashboards list".
type ListOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format
}

// NewCmdList returns "wingctl dashboards list"; runF replaces the run in
// tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Client: f.Client}
	return &cobra.Command{
		Use:   "list",
		Short: "List the server's pre-built dashboards",
		Long: `List the pre-built dashboards the server has, by name, with their titles.
Print one with "wingctl dash NAME", or start a spec of your own from one
with "wingctl dashboards show NAME".`,
		Example: `  wingctl dashboards list
  wingctl dashboards list -o json | jq -r '.[].name'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
}

func listRun(ctx context.Context, opts *ListOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	ts, err := c.DashboardTemplates(ctx)
	if err != nil {
		return err
	}
	return output.PrintList(opts.IO, opts.Format, ts, "The server has no pre-built dashboards.", output.Columns[domain.DashboardTemplate]{
		Headers: []string{"NAME", "TITLE", "DESCRIPTION"},
		Row:     func(t domain.DashboardTemplate) []string { return []string{t.Name, t.Title, t.Description} },
	})
}
