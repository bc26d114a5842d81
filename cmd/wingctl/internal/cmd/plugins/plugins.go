// Package plugins implements "wingctl plugins": the marketplace of skills
// (search, info, install, update, remove, list, verify) on the control
// plane, and the maintainers' tools that need no server (keygen, sign).
package plugins

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
)

// NewCmdPlugins returns "wingctl plugins" with its verbs.
func NewCmdPlugins(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.NewNounCmd("plugins <command>", "Find, install and check skills from the plugin marketplace",
		`Skills are plugins from the marketplace (a GitHub registry the control
plane reads) or your own. The control plane installs and keeps them;
workers fetch them from it, verify them again with their own pinned
maintainer keys, and run them in a sandbox.

A skill's trust level decides what it may do:
  verified   signed by a pinned maintainer key; uses exactly the permissions
             it declares, and its actions may be part of a plan
  sandboxed  unsigned; may only read, and its actions never run
  trusted    shipped with Wingman only (skills/core); never from the registry

Changes (install, update, remove) need the admin role and are audited.
keygen and sign are for skill maintainers and need no server.`)
	cmd.AddCommand(NewCmdSearch(f, nil), NewCmdInfo(f, nil), NewCmdInstall(f, nil), NewCmdUpdate(f, nil),
		NewCmdRemove(f, nil), NewCmdList(f, nil), NewCmdVerify(f, nil), NewCmdKeygen(f, nil), NewCmdSign(f, nil))
	return cmd
}

// dash shows an empty cell as "-".
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func joined(s []string) string { return dash(strings.Join(s, ",")) }
