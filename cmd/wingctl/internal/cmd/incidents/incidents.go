// Package incidents implements "wingctl incidents": what the advisor found
// wrong in the workers' facts.
package incidents

import (
	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
)

// NewCmdIncidents returns "wingctl incidents" with its verbs.
func NewCmdIncidents(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.NewNounCmd("incidents <command>", "List and inspect incidents",
		`An incident is something wrong that Wingman noticed in what the workers
report, such as a container that keeps crashing or a full disk. There is at
most one open incident per worker and target; a plan to fix it may follow.`)
	cmd.AddCommand(NewCmdList(f, nil), NewCmdShow(f, nil))
	return cmd
}

// target names what an incident is about, e.g. "container/nginx".
func target(typ, name string) string {
	if typ == "" {
		return name
	}
	return typ + "/" + name
}
