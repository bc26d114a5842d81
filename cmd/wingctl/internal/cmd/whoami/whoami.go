// Package whoami implements "wingctl whoami".
package whoami

import (
	"context"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

// WhoamiOptions are the inputs of "wingctl whoami".
type WhoamiOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format
	Now    func() time.Time
}

// NewCmdWhoami returns "wingctl whoami"; runF replaces the run in tests.
func NewCmdWhoami(f *cmdutil.Factory, runF func(*WhoamiOptions) error) *cobra.Command {
	opts := &WhoamiOptions{IO: f.IOStreams, Client: f.Client, Now: f.Now}
	return &cobra.Command{
		Use:   "whoami",
		Short: "Show who your token or login acts as",
		Long: `Show the user (or worker) your token or "wingctl login" acts as, its role,
and when the credential expires. A login renews itself before then, so its
expiry moves on. Useful to check that a credential works: it exits 6 when it
is missing or not accepted, and 5 when you are signed in without a role.`,
		Example: `  wingctl whoami
  wingctl --token "$NEW_TOKEN" whoami
  wingctl whoami -o json | jq -r .role`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return whoamiRun(cmd.Context(), opts)
		},
	}
}

func whoamiRun(ctx context.Context, opts *WhoamiOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	p, err := c.Whoami(ctx)
	if err != nil {
		return err
	}
	return output.Print(opts.IO.Out, opts.Format, p, func(w io.Writer) error {
		t := output.NewTable(w)
		t.Row("Name:", p.Name)
		t.Row("Kind:", string(p.Kind))
		if p.Kind == domain.PrincipalWorker {
			t.Row("Worker:", p.WorkerID)
		} else {
			t.Row("Role:", string(p.Role))
			t.Row("User ID:", p.UserID)
		}
		if p.TokenID != "" {
			t.Row("Token ID:", p.TokenID)
		}
		if p.ExpiresAt != nil {
			t.Row("Expires:", output.Stamp(opts.Now(), p.ExpiresAt))
		}
		t.Row("Server:", c.BaseURL())
		return t.Flush()
	})
}
