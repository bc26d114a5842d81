// "wingctl plugins update".

package plugins

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

// UpdateOptions are the inputs of "wingctl plugins update".
type UpdateOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format

	IDs   []string
	Force bool
}

// NewCmdUpdate returns "wingctl plugins update"; runF replaces the run in
// tests.
func NewCmdUpdate(f *cmdutil.Factory, runF func(*UpdateOptions) error) *cobra.Command {
	opts := &UpdateOptions{IO: f.IOStreams, Client: f.Client}
	cmd := &cobra.Command{
		Use:   "update [<plugin-id>...]",
		Short: "Update installed plugins to the registry's version",
		Long: `Install the registry's version of the named plugins, or of every installed
marketplace plugin when none is named. A new version is checked as a first
install is; an older one is refused unless --force (a rollback), and so is
the same version with other files.

Needs the admin role; audited. Prints one line per plugin; exits 1 when any
update was refused (the others still happen).`,
		Example: `  wingctl plugins update
  wingctl plugins update container-restart
  wingctl plugins update container-restart --force`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IDs = args
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return updateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "take the registry's version even when it is older (a rollback)")
	return cmd
}

func updateRun(ctx context.Context, opts *UpdateOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	ids := opts.IDs
	if len(ids) == 0 {
		installed, err := c.ListSkills(ctx)
		if err != nil {
			return err
		}
		for _, in := range installed {
			if in.Source == "community" {
				ids = append(ids, in.ID)
			}
		}
	}
	var results []domain.SkillUpdate
	var errs []error
	for _, id := range ids {
		up, err := c.UpdateSkill(ctx, id, opts.Force)
		if err != nil {
			errs = append(errs, err)
			fmt.Fprintf(opts.IO.ErrOut, "%s: %v\n", id, err)
			continue
		}
		results = append(results, up)
	}
	if err := output.PrintList(opts.IO, opts.Format, results, "Nothing to update.", output.Columns[domain.SkillUpdate]{
		Headers: []string{"ID", "FROM", "TO", "UPDATED"},
		Row: func(u domain.SkillUpdate) []string {
			return []string{u.ID, u.From, u.To, map[bool]string{true: "yes", false: "no, newest installed"}[u.Updated]}
		},
	}); err != nil {
		return err
	}
	if len(errs) == 1 {
		return errs[0]
	}
	if len(errs) > 1 {
		return fmt.Errorf("%d updates refused: %w", len(errs), errors.Join(errs...))
	}
	return nil
}
