// "wingctl plugins remove".

package plugins

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/core/client"
)

// RemoveOptions are the inputs of "wingctl plugins remove".
type RemoveOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)

	ID string
}

// NewCmdRemove returns "wingctl plugins remove"; runF replaces the run in
// tests.
func NewCmdRemove(f *cmdutil.Factory, runF func(*RemoveOptions) error) *cobra.Command {
	opts := &RemoveOptions{IO: f.IOStreams, Client: f.Client}
	return &cobra.Command{
		Use:     "remove <plugin-id>",
		Aliases: []string{"rm"},
		Short:   "Remove an installed marketplace plugin",
		Long: `Remove a plugin the marketplace installed. Workers drop it at their next
sync, so it stops running within a minute (SKILLS_SYNC_INTERVAL); a plan
naming it then fails on the worker. Local skills are your files: remove
them from <data-dir>/skills/local by hand. It does not prompt.

Needs the admin role; audited. Exits 4 when it is not installed.`,
		Example: `  wingctl plugins remove container-restart`,
		Args:    cmdutil.ExactArgs(1, "a plugin ID"),
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
	if err := c.RemoveSkill(ctx, opts.ID); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Removed plugin %s.\n", opts.ID)
	return nil
}
