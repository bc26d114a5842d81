// Package audit implements "wingctl audit": reading the append-only audit
// log and checking that nobody edited it.
package audit

import (
	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
)

// NewCmdAudit returns "wingctl audit" with its verbs.
func NewCmdAudit(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.NewNounCmd("audit <command>", "Read and verify the audit log",
		`Every attempt to change something, allowed or refused, is written to the
audit log. Each event carries the hash of the one before it, so an edited,
removed or reordered event breaks the chain; "wingctl audit verify" checks
it on your machine, not the server's.`)
	cmd.AddCommand(NewCmdList(f, nil), NewCmdVerify(f, nil))
	return cmd
}
