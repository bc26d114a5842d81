package dashboards

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/client"
)

// ShowOptions are the inputs of "wingctl dashboards show".
type ShowOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format

	Name string
}

// NewCmdShow returns "wingctl dashboards show"; runF replaces the run in
// tests.
func NewCmdShow(f *cmdutil.Factory, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams, Client: f.Client}
	return &cobra.Command{
		Use:   "show <name>",
		Short: "Print a pre-built dashboard's spec",
		Long: `Print the YAML spec of one of the server's pre-built dashboards, exactly as
the server keeps it: the quickest start for a dashboard of your own. With
-o json it prints the name, title and description with the YAML in
"source".

Exits 4 when the server has no dashboard of that name.`,
		Example: `  wingctl dashboards show overview
  wingctl dashboards show containers > nas.yaml && $EDITOR nas.yaml && wingctl dash -f nas.yaml`,
		Args: cmdutil.ExactArgs(1, "a dashboard name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return showRun(cmd.Context(), opts)
		},
	}
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	t, err := c.DashboardTemplate(ctx, opts.Name)
	if err != nil {
		return err
	}
	return output.Print(opts.IO.Out, opts.Format, t, func(w io.Writer) error {
		_, err := io.WriteString(w, t.Source)
		return err
	})
}
