// "wingctl plugins list".

package plugins

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

// ListOptions are the inputs of "wingctl plugins list".
type ListOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format
}

// NewCmdList returns "wingctl plugins list"; runF replaces the run in
// tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Client: f.Client}
	return &cobra.Command{
		Use:   "list",
		Short: "List the installed plugins",
		Long: `List the skills the control plane keeps and serves to workers, with their
trust level, source (community from the marketplace, local your own), the
key that signed them and the actions a plan may name as <id>.<action>.
Sandboxed skills' actions never run. A skill whose files no longer pass
their checks is left out here; "wingctl plugins verify" shows it.`,
		Example: `  wingctl plugins list
  wingctl plugins list -o json | jq -r '.[] | select(.trust_level == "verified") | .id'`,
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
	list, err := c.ListSkills(ctx)
	if err != nil {
		return err
	}
	empty := `No plugins installed. Find some with "wingctl plugins search".`
	return output.PrintList(opts.IO, opts.Format, list, empty, output.Columns[domain.InstalledSkill]{
		Headers: []string{"ID", "VERSION", "TRUST", "SOURCE", "ACTIONS", "PERMISSIONS", "SIGNER"},
		Row: func(s domain.InstalledSkill) []string {
			return []string{s.ID, s.Version, s.TrustLevel, s.Source, joined(s.Actions), joined(s.Permissions), dash(s.Signer)}
		},
	})
}
