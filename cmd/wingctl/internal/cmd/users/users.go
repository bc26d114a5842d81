// Package users implements "wingctl users": the people single sign-on
// provisioned, and the roles admins give them over their groups'.
package users

import (
	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/core/domain"
)

// NewCmdUsers returns "wingctl users" with its verbs.
func NewCmdUsers(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.NewNounCmd("users <command>", "List single sign-on users and override their roles",
		`A user appears here at their first "wingctl login" (or web sign-in). Their
role comes from their groups at the identity provider (OIDC_ROLE_MAP on the
server, else OIDC_DEFAULT_ROLE) at each sign-in, unless an admin set one
with "wingctl users set-role", which wins until it is removed.

People who use local API tokens are not listed: each token carries its own
role (see "wingctl tokens list").

All user commands need the admin role.`)
	cmd.AddCommand(NewCmdList(f, nil), NewCmdSetRole(f, nil))
	return cmd
}

// role is the role u acts with, and what decides it.
func role(u domain.User) (string, string) {
	if u.RoleOverride != "" {
		return string(u.RoleOverride), "override"
	}
	if u.Role == "" {
		return "none", "groups"
	}
	return string(u.Role), "groups"
}
