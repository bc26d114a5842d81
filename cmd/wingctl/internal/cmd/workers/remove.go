package workers

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/core/client"
)

// RemoveOptions are the inputs of "wingctl workers remove".
type RemoveOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)

	ID string
}

// NewCmdRemove returns "wingctl workers remove"; runF replaces the run in
// tests.
func NewCmdRemove(f *cmdutil.Factory, runF func(*RemoveOptions) error) *cobra.Command {
	opts := &RemoveOptions{IO: f.IOStreams, Client: f.Client}
	return &cobra.Command{
		Use:     "remove <worker-id>",
		Aliases: []string{"rm"},
		Short:   "Remove a worker and revoke its token",
		Long: `Remove a worker: its token stops working at once. It does not prompt.

Needs the admin role. Exits 4 when there is no such worker.`,
		Example: `  wingctl workers remove edge-1`,
		Args:    cmdutil.ExactArgs(1, "a worker ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if runF != nil {
				return runF(opts)
			}
			return removeRun(cmd.Context(), opts)
		},
	}
}

func removeRun(ctx context.Context, opts *RemoveOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	if err := c.DeleteWorker(ctx, opts.ID); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Removed worker %s.\n", opts.ID)
	return nil
}
