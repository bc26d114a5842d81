// Package tokens implements "wingctl tokens": the API tokens people use.
package tokens

import (
	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
)

// NewCmdTokens returns "wingctl tokens" with its verbs.
func NewCmdTokens(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.NewNounCmd("tokens <command>", "Create, list and revoke API tokens",
		`An API token acts as one user with one role: viewer (read), operator (also
approve and reject plans) or admin (also manage workers and tokens). Tokens
with the same name are the same user, so two tokens of one person count as
one approver. The secret is shown once, when the token is created.

All token commands need the admin role.`)
	cmd.AddCommand(NewCmdCreate(f, nil), NewCmdList(f, nil), NewCmdRevoke(f, nil))
	return cmd
}
