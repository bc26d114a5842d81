package dashboards

import (
	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/dashboards/spec"
)

// SchemaOptions are the inputs of "wingctl dashboards schema".
type SchemaOptions struct {
	IO *iostreams.IOStreams
}

// NewCmdSchema returns "wingctl dashboards schema"; runF replaces the run
// in tests.
func NewCmdSchema(f *cmdutil.Factory, runF func(*SchemaOptions) error) *cobra.Command {
	opts := &SchemaOptions{IO: f.IOStreams}
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of a dashboard spec",
		Long: `Print the JSON Schema (draft 2020-12) every dashboard spec is checked
against, the one built into wingctl and wingmand. Point an editor at it for
completion and checks as you type; the YAML language server reads a
"# yaml-language-server: $schema=FILE" comment at the top of a spec.

The schema checks a spec's shape; "wingctl dashboards validate" also checks
its queries, their parameters and which components can show them.`,
		Example: `  wingctl dashboards schema > ~/.config/wingman/dashboard.schema.json
  wingctl dashboards schema | jq '.$defs.icon.enum'`,
		Args: cmdutil.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			_, err := opts.IO.Out.Write(spec.Schema())
			return err
		},
	}
}
