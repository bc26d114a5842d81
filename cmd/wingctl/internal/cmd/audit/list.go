package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

// ListOptions are the inputs of "wingctl audit list".
type ListOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format
	Now    func() time.Time

	After int64
	Limit int
}

// NewCmdList returns "wingctl audit list"; runF replaces the run in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Client: f.Client, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List audit events",
		Long: `List one page of audit events, oldest first, starting after sequence number
--after. When more follow, a note on stderr gives the --after for the next
page; with -o json it is the "next" field (0 at the end).`,
		Example: `  wingctl audit list
  wingctl audit list --after 200 --limit 50
  wingctl audit list -o json | jq '.events[] | select(.outcome == "refused")'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.After < 0 {
				return cmdutil.FlagErrorf("--after must not be negative")
			}
			if opts.Limit < 0 {
				return cmdutil.FlagErrorf("--limit must not be negative")
			}
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().Int64Var(&opts.After, "after", 0, "start after this sequence number")
	cmd.Flags().IntVar(&opts.Limit, "limit", 0, "at most this many (0: the server's default)")
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	page, err := c.Audit(ctx, opts.After, opts.Limit)
	if err != nil {
		return err
	}
	if opts.Format != output.Table {
		// The whole page: its "next" is the --after of the page that follows.
		return output.Print(opts.IO.Out, opts.Format, page, nil)
	}
	now := opts.Now()
	err = output.PrintList(opts.IO, opts.Format, page.Events, "No audit events found.", output.Columns[domain.AuditEvent]{
		Headers: []string{"SEQ", "WHEN", "ACTOR", "ROLE", "ACTION", "SUBJECT", "OUTCOME", "REASON"},
		Row: func(e domain.AuditEvent) []string {
			return []string{fmt.Sprint(e.Seq), output.Ago(now, &e.At), e.ActorName, string(e.ActorRole),
				e.Action, e.Subject, string(e.Outcome), e.Reason}
		},
	})
	if err == nil && page.Next != 0 {
		fmt.Fprintf(opts.IO.ErrOut, "More events follow: wingctl audit list --after %d\n", page.Next)
	}
	return err
}
