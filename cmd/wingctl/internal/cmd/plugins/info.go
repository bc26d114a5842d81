// "wingctl plugins info".

package plugins

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/client"
)

// InfoOptions are the inputs of "wingctl plugins info".
type InfoOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format

	ID string
}

// NewCmdInfo returns "wingctl plugins info"; runF replaces the run in
// tests.
func NewCmdInfo(f *cmdutil.Factory, runF func(*InfoOptions) error) *cobra.Command {
	opts := &InfoOptions{IO: f.IOStreams, Client: f.Client}
	return &cobra.Command{
		Use:   "info <plugin-id>",
		Short: "Show a marketplace plugin: permissions, files, README",
		Long: `Show what the registry says about one plugin before you install it: its
version, author, claimed trust level and permissions, whether it is signed,
its files and the URL they come from, and its README.

Exits 4 when the registry has no such plugin.`,
		Example: `  wingctl plugins info container-restart
  wingctl plugins info container-restart -o json | jq .permissions`,
		Args: cmdutil.ExactArgs(1, "a plugin ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return infoRun(cmd.Context(), opts)
		},
	}
}

func infoRun(ctx context.Context, opts *InfoOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	in, err := c.SkillInfo(ctx, opts.ID)
	if err != nil {
		return err
	}
	return output.Print(opts.IO.Out, opts.Format, in, func(w io.Writer) error {
		signed := "no (installs as sandboxed: read-only, never runs actions)"
		if in.Signed {
			signed = "yes (verified on install against the pinned maintainer keys)"
		}
		fmt.Fprintf(w, "%s %s — %s\nauthor:       %s\ntrust claimed: %s\nsigned:       %s\npermissions:  %s\ninstalled:    %s\nsource:       %s\nfiles:        %s\n",
			in.ID, in.Version, in.Name, in.Author, in.TrustLevel, signed, joined(in.Permissions), dash(in.Installed), in.Source,
			strings.Join(in.Files, ", "))
		if in.Readme != "" {
			fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(in.Readme))
		}
		return nil
	})
}
