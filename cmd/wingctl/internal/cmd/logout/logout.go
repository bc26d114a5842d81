// Package logout implements "wingctl logout".
package logout

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/sso"
)

// LogoutOptions are the inputs of "wingctl logout".
type LogoutOptions struct {
	IO          *iostreams.IOStreams
	Server      func() (string, error)
	Credentials sso.Credentials
}

// NewCmdLogout returns "wingctl logout"; runF replaces the run in tests.
func NewCmdLogout(f *cmdutil.Factory, runF func(*LogoutOptions) error) *cobra.Command {
	opts := &LogoutOptions{IO: f.IOStreams, Server: f.Server}
	return &cobra.Command{
		Use:   "logout",
		Short: "Forget the login to the server",
		Long: `Forget the tokens "wingctl login" keeps for the server (--server,
$WINGMAN_SERVER or the config file). wingctl then uses the config file's
token, if any. Logins to other servers stay. Logging out when not logged in
is not an error.`,
		Example: `  wingctl logout
  wingctl logout --server https://wingman.lan`,
		Args: cmdutil.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			opts.Credentials = sso.Credentials{Path: sso.CredentialsPath(f.Getenv)}
			if runF != nil {
				return runF(opts)
			}
			return logoutRun(opts)
		},
	}
}

func logoutRun(opts *LogoutOptions) error {
	server, err := opts.Server()
	if err != nil {
		return err
	}
	had, err := opts.Credentials.Delete(server)
	if err != nil {
		return err
	}
	if !had {
		fmt.Fprintf(opts.IO.ErrOut, "Not logged in to %s.\n", server)
		return nil
	}
	fmt.Fprintf(opts.IO.ErrOut, "Logged out of %s.\n", server)
	return nil
}
