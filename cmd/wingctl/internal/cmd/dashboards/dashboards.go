// Package dashboards implements "wingctl dashboards": the server's
// pre-built dashboards, and checking a spec of your own before anything
// renders it.
package dashboards

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/core/domain"
)

// NewCmdDashboards returns "wingctl dashboards" with its verbs.
func NewCmdDashboards(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.NewNounCmd("dashboards <command>", "List the pre-built dashboards and check specs",
		`A dashboard is a spec: a YAML (or JSON) document of sections, each a grid of
components from a fixed library (stat_card, line_chart, bar_chart, table,
timeline, topology, heatmap, list), each showing a named query of the
server's. A spec names queries and never carries SQL.

The server renders a spec or a pre-built template into the data each
component shows; "wingctl dash" prints one, and the TUI's Dashboard view
keeps one up to date.`)
	cmd.AddCommand(NewCmdList(f, nil), NewCmdShow(f, nil), NewCmdValidate(f, nil), NewCmdSchema(f, nil))
	return cmd
}

// PrintProblems lists why a spec was refused, one problem a line, each
// with the path of the value it is about, as a person finds it in the
// file.
func PrintProblems(w io.Writer, file string, problems []domain.Problem) {
	for _, p := range problems {
		if p.Path == "" {
			fmt.Fprintf(w, "%s: %s\n", file, p.Message)
			continue
		}
		fmt.Fprintf(w, "%s: %s: %s\n", file, p.Path, p.Message)
	}
}
