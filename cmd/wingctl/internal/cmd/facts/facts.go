// Package facts implements "wingctl facts": the latest state of everything
// the workers observe.
package facts

import (
	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
)

// NewCmdFacts returns "wingctl facts" with its verbs.
func NewCmdFacts(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.NewNounCmd("facts <command>", "List what the workers observe",
		`A fact is the latest known state of one thing a worker observes: a
container, a VM, a host, a service. Each is keyed by worker, type and name.`)
	cmd.AddCommand(NewCmdList(f, nil))
	return cmd
}
