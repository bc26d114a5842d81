// Package root assembles wingctl's command tree and runs it: it is what
// main calls, and the one place an error becomes an exit code.
package root

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/factory"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
)

// Main runs wingctl with the process's arguments, streams and environment
// and returns the exit code.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return Run(ctx, os.Args[1:], iostreams.System(), os.Getenv)
}

// Run runs wingctl with args and returns the exit code, printing any error
// as "wingctl: <message>" on ErrOut.
func Run(ctx context.Context, args []string, ios *iostreams.IOStreams, getenv func(string) string) int {
	f := factory.New(ios, getenv)
	cmd := NewCmdRoot(f)
	cmd.SetArgs(args)
	cmd.SetIn(ios.In)
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	ran, err := cmd.ExecuteContextC(ctx)
	if err != nil {
		printError(ios.ErrOut, ran, err)
	}
	return cmdutil.ExitCode(err)
}

func printError(w io.Writer, cmd *cobra.Command, err error) {
	if errors.Is(err, cmdutil.ErrSilent) {
		return
	}
	fmt.Fprintf(w, "wingctl: %s\n", err)
	var flagErr *cmdutil.FlagError
	if errors.As(err, &flagErr) && cmd != nil {
		fmt.Fprintf(w, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
}
