package root

import (
	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmd/approve"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmd/audit"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmd/dash"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmd/dashboards"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmd/facts"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmd/incidents"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmd/login"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmd/logout"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmd/plans"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmd/plugins"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmd/reject"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmd/status"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmd/tokens"
	tuicmd "github.com/wingman-dev/wingman/cmd/wingctl/internal/cmd/tui"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmd/users"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmd/version"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmd/whoami"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmd/workers"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
)

// NewCmdRoot returns the wingctl command with every subcommand, its global
// flags bound to f.Globals.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "wingctl <command> [flags]",
		Short: "Operate a Wingman homelab control plane",
		Long: `wingctl talks to wingmand, the Wingman control plane: it shows what the
workers observed, the incidents and the plans proposed to fix them, approves
or rejects plans, and manages workers, tokens and the audit log.

The server is --server, else $WINGMAN_SERVER, else "server:" in the config
file, else http://127.0.0.1:8470. The credential is --token, else
$WINGMAN_TOKEN, else your "wingctl login" to that server, else "token:" in
the config file ($XDG_CONFIG_HOME/wingman/config.yaml or
~/.config/wingman/config.yaml), else, for a server on this host only, the
admin token wingmand wrote to its data directory on first start.

` + cmdutil.ExitCodesHelp,
		Example: `  # Log in through single sign-on (a device code over SSH)
  wingctl login --server https://wingman.lan

  # See what needs attention
  wingctl status
  wingctl incidents list --state open
  wingctl plans show pl-7f3a

  # Approve from a script and wait for the plan to run
  wingctl approve pl-7f3a --comment "disk is full" --wait

  # Talk to another server
  WINGMAN_SERVER=https://wingman.lan WINGMAN_TOKEN=... wingctl plans list -o json`,
		Args: rootArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// On a terminal wingctl alone is the console; in a script or a
			// pipe it is the help.
			if !f.IOStreams.IsStdinTTY() || !f.IOStreams.IsStdoutTTY() {
				return cmd.Help()
			}
			console := tuicmd.NewCmdTUI(f, nil)
			console.SetContext(cmd.Context())
			return console.RunE(console, nil)
		},
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	cmd.SetFlagErrorFunc(cmdutil.FlagErrorFunc)

	g := f.Globals
	pf := cmd.PersistentFlags()
	pf.StringVar(&g.Server, "server", "", "wingmand URL (default $WINGMAN_SERVER, config file, or "+"http://127.0.0.1:8470)")
	pf.StringVar(&g.Token, "token", "", "API token (default $WINGMAN_TOKEN, your wingctl login, the config file, or the local admin token)")
	pf.VarP(&g.Output, "output", "o", "output format: table, json or yaml")
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return output.Formats, cobra.ShellCompDirectiveNoFileComp
	})

	cmd.AddCommand(
		status.NewCmdStatus(f, nil),
		whoami.NewCmdWhoami(f, nil),
		login.NewCmdLogin(f, nil),
		tuicmd.NewCmdTUI(f, nil),
		logout.NewCmdLogout(f, nil),
		users.NewCmdUsers(f),
		incidents.NewCmdIncidents(f),
		plans.NewCmdPlans(f),
		approve.NewCmdApprove(f, nil),
		reject.NewCmdReject(f, nil),
		workers.NewCmdWorkers(f),
		plugins.NewCmdPlugins(f),
		tokens.NewCmdTokens(f),
		facts.NewCmdFacts(f),
		audit.NewCmdAudit(f),
		dash.NewCmdDash(f, nil),
		dashboards.NewCmdDashboards(f),
		version.NewCmdVersion(f, nil),
	)
	return cmd
}

// rootArgs makes an unknown command a usage error (exit 2) instead of
// cobra's plain error.
func rootArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return cmdutil.UnknownCommand(cmd, args[0])
	}
	return nil
}
