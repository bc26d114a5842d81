// Package tui implements "wingctl tui", and what "wingctl" alone runs on a
// terminal: the interactive console.
package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmd/login"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/tui"
)

// Options are the inputs of "wingctl tui".
type Options struct {
	IO      *iostreams.IOStreams
	Client  func() (*client.Client, error)
	Server  func() (string, error)
	Getenv  func(string) string
	LogFile string
	// SpecFile is a dashboard spec to show first (-f).
	SpecFile string
	// Login runs "wingctl login" when there is no valid credential.
	Login func(ctx context.Context) error
	// Forget drops the client built before a login.
	Forget func()
}

// NewCmdTUI returns "wingctl tui"; runF replaces the run in tests.
func NewCmdTUI(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Client: f.Client, Server: f.Server, Getenv: f.Getenv, Forget: f.ForgetClient}
	cmd := &cobra.Command{
		Use:   "tui",
		Short: "Open the interactive console",
		Long: `Open Wingman's console in the terminal: incidents, plans (approve and
reject after a confirmation that shows the blast radius), workers with their
offline backlog, and the audit log, kept live by the server's event stream.
When the server goes away the status line says "reconnecting" and the views
catch up once it is back.

Running wingctl with no command on a terminal opens it too. With no valid
credential it starts "wingctl login" first.

The first view is a dashboard: the overview template, or the spec given
with -f; ] and [ switch templates, o opens a spec file.

Keys: tab and shift+tab or 1-5 switch views, ↑/↓ (or k/j) move, enter
opens, / filters a list, esc goes back, ctrl+r reloads, ? shows every key,
q quits. Nothing needs a mouse. NO_COLOR=1 turns colours off.

The console logs to $XDG_STATE_HOME/wingman/wingctl-tui.log (else
~/.local/state/wingman/wingctl-tui.log), never over the screen.`,
		Example: `  wingctl
  wingctl tui --server https://wingman.lan
  wingctl tui -f ~/dashboards/nas.yaml`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.LogFile = logFile(opts.Getenv)
			opts.Login = func(ctx context.Context) error {
				lc := login.NewCmdLogin(f, nil)
				lc.SetContext(ctx)
				if err := lc.ParseFlags(nil); err != nil {
					return err
				}
				return lc.RunE(lc, nil)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return Run(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.SpecFile, "file", "f", "", "dashboard spec (YAML or JSON) to show first")
	return cmd
}

// Run checks the credential, logging in when there is none that works,
// then runs the console.
func Run(ctx context.Context, opts *Options) error {
	c, err := opts.Client()
	if err == nil {
		_, err = c.Whoami(ctx)
	}
	if errors.Is(err, domain.ErrUnauthenticated) {
		fmt.Fprintln(opts.IO.ErrOut, "No valid credential for this server; logging in first.")
		if err := opts.Login(ctx); err != nil {
			return err
		}
		opts.Forget()
		if c, err = opts.Client(); err == nil {
			_, err = c.Whoami(ctx)
		}
	}
	if err != nil {
		return err
	}
	return tui.Run(ctx, tui.Options{Client: c, Server: c.BaseURL(), In: opts.IO.In, Out: opts.IO.Out, ErrOut: opts.IO.ErrOut,
		LogFile: opts.LogFile, SpecFile: opts.SpecFile})
}

// logFile is where the console logs.
func logFile(getenv func(string) string) string {
	dir := getenv("XDG_STATE_HOME")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "wingman", "wingctl-tui.log")
}
