// Package status implements "wingctl status".
package status

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/client"
)

// StatusOptions are the inputs of "wingctl status".
type StatusOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format
	Now    func() time.Time
}

// NewCmdStatus returns "wingctl status"; runF replaces the run in tests.
func NewCmdStatus(f *cmdutil.Factory, runF func(*StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{IO: f.IOStreams, Client: f.Client, Now: f.Now}
	return &cobra.Command{
		Use:   "status",
		Short: "Show the control plane's summary",
		Long: `Show the control plane's summary: its version and store, how many workers
are registered and online, and how many incidents are open and plans wait
for approval.`,
		Example: `  wingctl status
  wingctl status -o json | jq .pending_plans`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
}

func statusRun(ctx context.Context, opts *StatusOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	s, err := c.Status(ctx)
	if err != nil {
		return err
	}
	return output.Print(opts.IO.Out, opts.Format, s, func(w io.Writer) error {
		t := output.NewTable(w)
		t.Row("Server:", c.BaseURL())
		t.Row("Version:", s.Version)
		t.Row("Store:", s.Store)
		t.Row("Server time:", output.Stamp(opts.Now(), &s.Now))
		t.Row("Workers:", fmt.Sprintf("%d (%d online)", s.Workers, s.WorkersOnline))
		t.Row("Open incidents:", fmt.Sprint(s.OpenIncidents))
		t.Row("Pending plans:", fmt.Sprint(s.PendingPlans))
		t.Row("Facts:", fmt.Sprint(s.Facts))
		return t.Flush()
	})
}
