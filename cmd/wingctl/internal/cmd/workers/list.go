package workers

import (
	"context"
	"fmt"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

// ListOptions are the inputs of "wingctl workers list".
type ListOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format
	Now    func() time.Time
}

// NewCmdList returns "wingctl workers list"; runF replaces the run in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Client: f.Client, Now: f.Now}
	return &cobra.Command{
		Use:   "list",
		Short: "List workers",
		Long: `List every registered worker with its site, health, when it last reported
and the version it runs. A worker that never reported is "unknown" and was
last seen "never".

SANDBOX is how the worker confines the skills it runs, as its heartbeat
says: "full" when the kernel has every layer (Landlock and seccomp);
"DEGRADED (landlock)" when layers are missing and an admin allowed skills
to run without them (SKILLS_ALLOW_DEGRADED_SANDBOX), so they run less
confined; "off (landlock)" when layers are missing and that was not
allowed, so the worker runs no skill; "fallback" on a worker not on
Linux; "unknown" when its report cannot be read; "-" for a worker that
has not said. With -o json it is "sandbox": {"mode": ..., "missing":
[...]}.

BACKLOG is what waits in the worker's offline buffer as of its newest
heartbeat: files, bytes and the age of the oldest. LAST SYNC is when the
worker last reported an empty backlog. GAPS counts the recent drops from a
full buffer (history that is lost, and shown rather than hidden); see them
with -o json.`,
		Example: `  wingctl workers list
  wingctl workers list -o json | jq -r '.[] | select(.health != "healthy") | .id'
  wingctl workers list -o json | jq -r '.[] | select(.sandbox.mode != "full") | .id'`,
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
	ws, err := c.ListWorkers(ctx)
	if err != nil {
		return err
	}
	now := opts.Now()
	empty := `No workers registered. Add one with "wingctl workers add".`
	return output.PrintList(opts.IO, opts.Format, ws, empty, output.Columns[domain.Worker]{
		Headers: []string{"ID", "SITE", "HEALTH", "SANDBOX", "LAST SEEN", "BACKLOG", "LAST SYNC", "GAPS", "VERSION"},
		Row: func(wk domain.Worker) []string {
			return []string{wk.ID, wk.SiteName, string(wk.Health), sandbox(wk.Sandbox), output.Ago(now, wk.LastSeenAt),
				backlog(now, wk.Backlog), output.Ago(now, wk.LastSyncAt), gaps(wk.Gaps), wk.Version}
		},
	})
}

// sandbox reads as domain.SandboxState shows it, or "-" when the worker
// has not said.
func sandbox(s *domain.SandboxState) string {
	if s == nil {
		return "-"
	}
	return s.String()
}

// backlog reads "12 files, 48 KiB, oldest 3h ago", or "-" when empty.
func backlog(now time.Time, b domain.Backlog) string {
	s := "-"
	if b.Files > 0 {
		s = fmt.Sprintf("%d files, %s, oldest %s", b.Files, humanize.IBytes(uint64(b.Bytes)), output.Ago(now, b.Oldest))
	}
	if b.Quarantined > 0 {
		s += fmt.Sprintf(" (%d quarantined)", b.Quarantined)
	}
	return s
}

// gaps reads "2 (31 files lost)", or "-".
func gaps(gs []domain.Gap) string {
	if len(gs) == 0 {
		return "-"
	}
	files := 0
	for _, g := range gs {
		files += g.Files
	}
	return fmt.Sprintf("%d (%d files lost)", len(gs), files)
}
