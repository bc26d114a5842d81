package workers

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/client"
)

// AddOptions are the inputs of "wingctl workers add".
type AddOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format

	ID   string
	Site string
}

// NewCmdAdd returns "wingctl workers add"; runF replaces the run in tests.
func NewCmdAdd(f *cmdutil.Factory, runF func(*AddOptions) error) *cobra.Command {
	opts := &AddOptions{IO: f.IOStreams, Client: f.Client}
	cmd := &cobra.Command{
		Use:   "add <worker-id> --site <name>",
		Short: "Register a worker and print its token",
		Long: `Register a worker and print the token it authenticates with. The token is
shown this once: the server keeps only its hash. In table output the token
is the only line on stdout, so it can be captured; with -o json it is the
"token" field.

Needs the admin role. Exits 1 if a worker with this ID exists.`,
		Example: `  wingctl workers add edge-1 --site home
  TOKEN=$(wingctl workers add nas-1 --site office)
  wingctl workers add edge-2 --site home -o json | jq -r .token`,
		Args: cmdutil.ExactArgs(1, "a worker ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(opts.Site) == "" {
				return cmdutil.FlagErrorf("--site is required: name the site the worker runs at")
			}
			opts.ID = args[0]
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return addRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Site, "site", "", "the site the worker runs at (required)")
	return cmd
}

func addRun(ctx context.Context, opts *AddOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	cw, err := c.CreateWorker(ctx, opts.ID, opts.Site)
	if err != nil {
		return err
	}
	note := fmt.Sprintf("Registered worker %s at site %s. Its token is shown only once; store it now:",
		cw.Worker.ID, cw.Worker.SiteName)
	return output.PrintSecret(opts.IO, opts.Format, cw, cw.Secret, note)
}
