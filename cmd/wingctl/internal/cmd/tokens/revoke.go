package tokens

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/core/client"
)

// RevokeOptions are the inputs of "wingctl tokens revoke".
type RevokeOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)

	ID string
}

// NewCmdRevoke returns "wingctl tokens revoke"; runF replaces the run in
// tests.
func NewCmdRevoke(f *cmdutil.Factory, runF func(*RevokeOptions) error) *cobra.Command {
	opts := &RevokeOptions{IO: f.IOStreams, Client: f.Client}
	return &cobra.Command{
		Use:   "revoke <token-id>",
		Short: "Revoke a token",
		Long: `Revoke a token by its ID (see "wingctl tokens list"): it stops working at
once. It does not prompt. Exits 4 when there is no such token.`,
		Example: `  wingctl tokens revoke tk-2b9e`,
		Args:    cmdutil.ExactArgs(1, "a token ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if runF != nil {
				return runF(opts)
			}
			return revokeRun(cmd.Context(), opts)
		},
	}
}

func revokeRun(ctx context.Context, opts *RevokeOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	if err := c.RevokeToken(ctx, opts.ID); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Revoked token %s.\n", opts.ID)
	return nil
}
