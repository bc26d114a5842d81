// Package version implements "wingctl version".
package version

import (
	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/build"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
)

// VersionOptions are the inputs of "wingctl version".
type VersionOptions struct {
	IO      *iostreams.IOStreams
	Format  output.Format
	Version string
}

// NewCmdVersion returns "wingctl version"; runF replaces the run in tests.
func NewCmdVersion(f *cmdutil.Factory, runF func(*VersionOptions) error) *cobra.Command {
	opts := &VersionOptions{IO: f.IOStreams, Version: build.Version}
	return &cobra.Command{
		Use:   "version",
		Short: "Print wingctl's version",
		Long:  `Print the version wingctl was built as. It does not contact the server; "wingctl status" shows the server's version.`,
		Example: `  wingctl version
  wingctl version -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return versionRun(opts)
		},
	}
}

func versionRun(opts *VersionOptions) error {
	v := struct {
		Version string `json:"version"`
	}{opts.Version}
	return output.Printf(opts.IO.Out, opts.Format, v, "wingctl version %s\n", opts.Version)
}
