package incidents

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

// ShowOptions are the inputs of "wingctl incidents show".
type ShowOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format
	Now    func() time.Time

	ID string
}

// NewCmdShow returns "wingctl incidents show"; runF replaces the run in tests.
func NewCmdShow(f *cmdutil.Factory, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams, Client: f.Client, Now: f.Now}
	return &cobra.Command{
		Use:   "show <incident-id>",
		Short: "Show one incident",
		Long: `Show one incident in full: what it is about, its state over time, and the
plan proposed to fix it, if any. Exits 4 when there is no such incident.`,
		Example: `  wingctl incidents show in-3c1d
  wingctl incidents show in-3c1d -o yaml`,
		Args: cmdutil.ExactArgs(1, "an incident ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return showRun(cmd.Context(), opts)
		},
	}
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	in, err := c.GetIncident(ctx, opts.ID)
	if err != nil {
		return err
	}
	now := opts.Now()
	return output.Print(opts.IO.Out, opts.Format, in, func(w io.Writer) error {
		fmt.Fprintf(w, "%s  %s\n", in.ID, in.Title)
		t := output.NewTable(w)
		t.Row("Kind:", in.Kind)
		t.Row("Severity:", string(in.Severity))
		t.Row("State:", string(in.State))
		t.Row("Site:", in.SiteName)
		t.Row("Worker:", in.WorkerID)
		t.Row("Target:", target(in.TargetType, in.Target))
		t.Row("Plan:", in.PlanID)
		t.Row("Opened:", output.Stamp(now, &in.OpenedAt))
		t.Row("Acknowledged:", output.Stamp(now, in.AckedAt))
		t.Row("Resolved:", output.Stamp(now, in.ResolvedAt))
		if err := t.Flush(); err != nil {
			return err
		}
		if in.Detail != "" {
			_, err = fmt.Fprintf(w, "\n%s\n", in.Detail)
		}
		return err
	})
}
