// "wingctl plugins verify".

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

// VerifyOptions are the inputs of "wingctl plugins verify".
type VerifyOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format

	ID string
}

// NewCmdVerify returns "wingctl plugins verify"; runF replaces the run in
// tests.
func NewCmdVerify(f *cmdutil.Factory, runF func(*VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{IO: f.IOStreams, Client: f.Client}
	return &cobra.Command{
		Use:   "verify [<plugin-id>]",
		Short: "Check the installed plugins' files and signatures",
		Long: `Check an installed plugin, or all of them, as the control plane keeps it
(in its database; local skills on its disk): every file against the signed
list, the signature against the pinned maintainer keys and the revocation
list, and the manifest against its schema and trust level. A plugin that
fails is not served to workers.

Exits 1 when any plugin fails, 4 when the named one is not installed.`,
		Example: `  wingctl plugins verify
  wingctl plugins verify container-restart
  wingctl plugins verify -o json | jq -r '.[] | select(.ok | not) | .problem'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdutil.FlagErrorf("verify takes at most one plugin ID")
			}
			if len(args) == 1 {
				opts.ID = args[0]
			}
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return verifyRun(cmd.Context(), opts)
		},
	}
}

func verifyRun(ctx context.Context, opts *VerifyOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	results, err := c.VerifySkills(ctx, opts.ID)
	if err != nil {
		return err
	}
	failed := 0
	for _, r := range results {
		if !r.OK {
			failed++
		}
	}
	err = output.PrintList(opts.IO, opts.Format, results, "No plugins installed.", output.Columns[domain.SkillVerification]{
		Headers: []string{"ID", "VERSION", "SOURCE", "TRUST", "RESULT", "SIGNER"},
		Row: func(r domain.SkillVerification) []string {
			result := "ok"
			if !r.OK {
				result = "FAILED: " + r.Problem
			}
			return []string{r.ID, dash(r.Version), r.Source, dash(r.TrustLevel), result, dash(r.Signer)}
		},
	})
	if err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d plugins failed verification", failed, len(results))
	}
	return nil
}
