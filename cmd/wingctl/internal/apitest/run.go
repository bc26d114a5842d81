package apitest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
)

// NewCmdFunc is the shape of every verb's constructor, such as
// plans.NewCmdList: runF, when not nil, replaces the verb's run.
type NewCmdFunc[O any] func(f *cmdutil.Factory, runF func(*O) error) *cobra.Command

// Run executes cmd with the space-separated args as a script would. A flag
// that does not parse is a usage error, as under the root.
func Run(cmd *cobra.Command, args string) error {
	cmd.SetArgs(strings.Fields(args))
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SetFlagErrorFunc(cmdutil.FlagErrorFunc)
	cmd.SilenceErrors = true
	cmd.SilenceUsage = true
	return cmd.Execute()
}

// ParseOptions runs the command newCmd builds with args and the global
// -o format, up to its run: it returns the options the run would have
// been given, nil when the command failed first. No server is contacted.
func ParseOptions[O any](format output.Format, newCmd NewCmdFunc[O], args string) (*O, error) {
	f, _, _ := NewFactory("http://unused", "t", format)
	var got *O
	err := Run(newCmd(f, func(o *O) error { got = o; return nil }), args)
	return got, err
}

// WantUsage fails the test unless err is a usage error (exit 2).
func WantUsage(t *testing.T, err error) {
	t.Helper()
	if cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("err = %v, want a usage error", err)
	}
}

// Exec runs the command newCmd builds with args against s, printing in
// format, and ends the test if it fails. It returns what the command
// wrote to stdout and to stderr.
func Exec[O any](t *testing.T, s *Server, format output.Format, newCmd NewCmdFunc[O], args string) (out, errOut *bytes.Buffer) {
	t.Helper()
	f, out, errOut := s.Factory(format)
	if err := Run(newCmd(f, nil), args); err != nil {
		t.Fatal(err)
	}
	return out, errOut
}
