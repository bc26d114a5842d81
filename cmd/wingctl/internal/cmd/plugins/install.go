// "wingctl plugins install".

package plugins

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

// InstallOptions are the inputs of "wingctl plugins install".
type InstallOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format

	ID    string
	Force bool
}

// NewCmdInstall returns "wingctl plugins install"; runF replaces the run in
// tests.
func NewCmdInstall(f *cmdutil.Factory, runF func(*InstallOptions) error) *cobra.Command {
	opts := &InstallOptions{IO: f.IOStreams, Client: f.Client}
	cmd := &cobra.Command{
		Use:   "install <plugin-id>",
		Short: "Install a plugin from the marketplace",
		Long: `Have the control plane download a plugin from the registry, check it and
keep it; workers fetch it on their next sync and check it again.

The checks: names and sizes of every file; the manifest against its
schema; a plugin claiming "trusted" is refused; a "verified" one must be
signed by a pinned, unrevoked maintainer key over exactly its files, id and
version; an unsigned one installs as sandboxed (read-only, never runs an
action). A version older than the installed one is refused unless --force.

Needs the admin role; audited. Exits 7 when a check refuses the plugin,
4 when the registry has no such plugin, 1 for a refused rollback.`,
		Example: `  wingctl plugins install container-restart
  wingctl plugins install container-restart --force   # roll back to the registry's older version`,
		Args: cmdutil.ExactArgs(1, "a plugin ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return installRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "install even an older version than the installed one (a rollback)")
	return cmd
}

func installRun(ctx context.Context, opts *InstallOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	in, err := c.InstallSkill(ctx, opts.ID, opts.Force)
	if err != nil {
		return err
	}
	return output.Printf(opts.IO.Out, opts.Format, in, "Installed %s\n", describe(in))
}

// describe reads "container-restart 1.0.0 (verified, signed by KEY (name); permissions docker:read,docker:restart)".
func describe(in domain.InstalledSkill) string {
	s := fmt.Sprintf("%s %s (%s", in.ID, in.Version, in.TrustLevel)
	if in.Signer != "" {
		s += ", signed by " + in.Signer
	}
	return s + "; permissions " + joined(in.Permissions) + ")"
}
