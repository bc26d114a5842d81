// Package cmdutil holds what every wingctl command shares: the Factory of
// its dependencies, the typed errors that decide the exit code, and
// argument checks that report usage errors.
package cmdutil

import (
	"time"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/client"
)

// GlobalFlags are the values of the root's persistent flags. The root binds
// them and commands read them in RunE, after parsing.
type GlobalFlags struct {
	Server string
	Token  string
	Output output.Format
}

// Factory gives commands their dependencies. Client is lazy: help,
// completion and usage errors never read config files or open connections.
type Factory struct {
	IOStreams *iostreams.IOStreams
	Globals   *GlobalFlags
	Client    func() (*client.Client, error)
	// ForgetClient makes the next Client resolve the credential again,
	// as after a login made in the same run (the TUI's).
	ForgetClient func()
	Now          func() time.Time
	// Server resolves the server alone, for the commands that need no
	// token: login and logout.
	Server func() (string, error)
	// Getenv reads the environment; os.Getenv outside tests.
	Getenv func(string) string
}

// Format is the -o value the command was run with.
func (f *Factory) Format() output.Format {
	if f.Globals == nil || f.Globals.Output == "" {
		return output.Table
	}
	return f.Globals.Output
}
