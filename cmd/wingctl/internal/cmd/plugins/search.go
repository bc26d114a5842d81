// "wingctl plugins search".

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

// SearchOptions are the inputs of "wingctl plugins search".
type SearchOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format

	Query string
}

// NewCmdSearch returns "wingctl plugins search"; runF replaces the run in
// tests.
func NewCmdSearch(f *cmdutil.Factory, runF func(*SearchOptions) error) *cobra.Command {
	opts := &SearchOptions{IO: f.IOStreams, Client: f.Client}
	return &cobra.Command{
		Use:   "search [<words>]",
		Short: "Search the marketplace",
		Long: `List the registry's plugins whose id, name or description contains the
words (all of them with none). TRUST and PERMISSIONS are what the registry
claims; they are checked when a plugin is installed. SIGNED says whether
it carries a maintainer's signature. INSTALLED is the version installed
here, if any.

Exits 7 when the marketplace is off on the server (MARKETPLACE_ENABLED).`,
		Example: `  wingctl plugins search
  wingctl plugins search docker
  wingctl plugins search snapshot -o json | jq -r '.[] | select(.signed) | .id'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				opts.Query = args[0]
				for _, a := range args[1:] {
					opts.Query += " " + a
				}
			}
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return searchRun(cmd.Context(), opts)
		},
	}
}

func searchRun(ctx context.Context, opts *SearchOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	found, err := c.SearchSkills(ctx, opts.Query)
	if err != nil {
		return err
	}
	return output.PrintList(opts.IO, opts.Format, found, "No plugin in the registry matches.", output.Columns[domain.MarketplaceSkill]{
		Headers: []string{"ID", "VERSION", "TRUST", "SIGNED", "PERMISSIONS", "INSTALLED", "DESCRIPTION"},
		Row: func(s domain.MarketplaceSkill) []string {
			signed := "no"
			if s.Signed {
				signed = "yes"
			}
			return []string{s.ID, s.Version, s.TrustLevel, signed, joined(s.Permissions), dash(s.Installed), s.Description}
		},
	})
}
