// Package workers implements "wingctl workers": registering the wingworker
// agents that observe and act at each site.
package workers

import (
	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
)

// NewCmdWorkers returns "wingctl workers" with its verbs.
func NewCmdWorkers(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.NewNounCmd("workers <command>", "List, add and remove workers",
		`A worker is one wingworker agent at one site. It reports facts and health,
and runs the tasks of approved plans that target it. It authenticates with
its own token, shown once by "wingctl workers add".`)
	cmd.AddCommand(NewCmdList(f, nil), NewCmdAdd(f, nil), NewCmdRemove(f, nil))
	return cmd
}
