package plans

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

// ShowOptions are the inputs of "wingctl plans show".
type ShowOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format
	Now    func() time.Time

	ID string
}

// NewCmdShow returns "wingctl plans show"; runF replaces the run in tests.
func NewCmdShow(f *cmdutil.Factory, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams, Client: f.Client, Now: f.Now}
	return &cobra.Command{
		Use:   "show <plan-id>",
		Short: "Show one plan: its actions, rationale, approvals and tasks",
		Long: `Show everything needed to decide on a plan: each action with the plugin
that runs it, the worker and target, and its blast radius (scope, whether
it changes state, whether it can be undone); why the plan was proposed; who
approved or rejected it so far; and, once approved, its tasks.

Exits 4 when there is no such plan.`,
		Example: `  wingctl plans show pl-7f3a
  wingctl plans show pl-7f3a -o json | jq '.actions[].blast_radius'`,
		Args: cmdutil.ExactArgs(1, "a plan ID"),
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
	p, err := c.GetPlan(ctx, opts.ID)
	if err != nil {
		return err
	}
	return output.Print(opts.IO.Out, opts.Format, p, func(w io.Writer) error {
		return printPlan(w, opts.Now(), p)
	})
}

func printPlan(w io.Writer, now time.Time, p domain.Plan) error {
	fmt.Fprintf(w, "%s  %s\n", p.ID, p.Title)
	t := output.NewTable(w)
	t.Row("Status:", string(p.Status))
	t.Row("Approvals:", fmt.Sprintf("%s (author may approve: %s)", approvals(p), yesNo(p.AuthorMayApprove)))
	t.Row("Incident:", p.IncidentID)
	t.Row("Author:", p.Author)
	t.Row("Created:", output.Stamp(now, &p.CreatedAt))
	if p.Status.Decided() {
		t.Row("Decided:", output.Stamp(now, p.DecidedAt))
	} else {
		t.Row("Expires:", output.Stamp(now, &p.ExpiresAt))
	}
	if err := t.Flush(); err != nil {
		return err
	}

	fmt.Fprintf(w, "\nRationale:\n%s\n", indent(p.Rationale))

	fmt.Fprintf(w, "\nActions:\n")
	t = output.NewIndentedTable(w, "  ", "#", "PLUGIN", "ACTION", "WORKER", "TARGET", "SCOPE", "MUTATES", "REVERSIBLE")
	for i, a := range p.Actions {
		t.Row(fmt.Sprint(i+1), a.Plugin, a.Action, a.Worker, a.Target,
			a.BlastRadius.Scope, yesNo(a.BlastRadius.MutatesState), yesNo(a.BlastRadius.Reversible))
	}
	if err := t.Flush(); err != nil {
		return err
	}

	fmt.Fprintf(w, "\nApprovals:\n")
	if len(p.Approvals) == 0 {
		fmt.Fprintf(w, "  none yet\n")
	} else {
		t = output.NewIndentedTable(w, "  ", "USER", "ROLE", "DECISION", "WHEN", "COMMENT")
		for _, a := range p.Approvals {
			t.Row(a.UserName, string(a.Role), string(a.Decision), output.Ago(now, &a.At), a.Comment)
		}
		if err := t.Flush(); err != nil {
			return err
		}
	}

	if len(p.Tasks) > 0 {
		fmt.Fprintf(w, "\nTasks:\n")
		t = output.NewIndentedTable(w, "  ", "ID", "#", "WORKER", "ACTION", "STATUS", "ATTEMPTS", "FINISHED", "ERROR")
		for _, k := range p.Tasks {
			finished := ""
			if k.FinishedAt != nil {
				finished = output.Ago(now, k.FinishedAt)
			}
			t.Row(k.ID, fmt.Sprint(k.ActionIndex+1), k.WorkerID, k.Plugin+" "+k.Action+" "+k.Target,
				string(k.Status), fmt.Sprint(k.Attempts), finished, k.Error)
		}
		return t.Flush()
	}
	return nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func indent(s string) string {
	if s == "" {
		return "  -"
	}
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ")
}
