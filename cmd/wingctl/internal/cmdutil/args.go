package cmdutil

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// ExactArgs requires n arguments, named in the message (e.g. "a plan ID"),
// and reports anything else as a usage error.
func ExactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return FlagErrorf("%s needs %s", cmd.CommandPath(), what)
		}
		if len(args) > n {
			return FlagErrorf("%s takes %s, got unexpected %q", cmd.CommandPath(), what, args[n])
		}
		return nil
	}
}

// NoArgs refuses positional arguments as a usage error.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return FlagErrorf("unexpected argument %q for %s", args[0], cmd.CommandPath())
	}
	return nil
}

// NewNounCmd returns a command that only groups verbs, such as "plans".
// Run alone it prints its help; with an unknown verb it is a usage error
// rather than help with exit 0, which a script would take for success.
func NewNounCmd(use, short, long string) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Long:  long,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return UnknownCommand(cmd, args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
}

// UnknownCommand is the usage error for a verb or noun that does not exist,
// with cobra's suggestions for a typo.
func UnknownCommand(cmd *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q for %s", name, cmd.CommandPath())
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's own default, which SuggestionsFor does not apply
	}
	if s := cmd.SuggestionsFor(name); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return &FlagError{err: errors.New(msg)}
}
