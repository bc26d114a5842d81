package dashboards

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/dashboards/document"
	"github.com/wingman-dev/wingman/dashboards/query"
	"github.com/wingman-dev/wingman/dashboards/spec"
)

// ValidateOptions are the inputs of "wingctl dashboards validate".
type ValidateOptions struct {
	IO     *iostreams.IOStreams
	Format output.Format

	// File is the spec, "-" for stdin.
	File string
	// Queries is a queries.yaml whose queries the spec may use besides
	// the built-in ones.
	Queries string
}

// Validation is what -o json and -o yaml print.
type Validation struct {
	File       string           `json:"file"`
	Valid      bool             `json:"valid"`
	Sections   int              `json:"sections"`
	Components int              `json:"components"`
	Problems   []domain.Problem `json:"problems"`
}

// NewCmdValidate returns "wingctl dashboards validate"; runF replaces the
// run in tests.
func NewCmdValidate(f *cmdutil.Factory, runF func(*ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "validate <file>",
		Short: "Check a dashboard spec without a server",
		Long: `Check a dashboard spec the way the server does before it renders one,
without a server: against the spec's schema, then against the built-in
named queries (and those of --queries, a copy of the server's
queries.yaml): that every query exists, that each component can show what
its query returns, and that every parameter is in bounds.

Every problem is listed, one a line, as FILE: PATH: MESSAGE, where PATH
finds the value in the file (sections[1].components[0].type) and MESSAGE
says what to do about it. Exits 1 when there is any; with -o json the
problems are in "problems". FILE "-" reads the spec from stdin.`,
		Example: `  wingctl dashboards validate nas.yaml
  wingctl dashboards validate nas.yaml --queries /var/lib/wingman/queries.yaml
  generate-spec | wingctl dashboards validate - -o json | jq -r '.problems[].message'`,
		Args: cmdutil.ExactArgs(1, "a spec file (or - for stdin)"),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.File = args[0]
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return validateRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Queries, "queries", "", "a queries.yaml whose queries the spec may also use")
	return cmd
}

func validateRun(opts *ValidateOptions) error {
	reg, err := registry(opts.Queries)
	if err != nil {
		return err
	}
	data, err := ReadSpec(opts.IO.In, opts.File)
	if err != nil {
		return err
	}
	v := Validation{File: opts.File, Valid: true, Problems: []domain.Problem{}}
	s, err := spec.Parse(data, reg)
	var refused *document.Error
	switch {
	case errors.As(err, &refused):
		v.Valid = false
		for _, p := range refused.Problems {
			v.Problems = append(v.Problems, domain.Problem{Path: p.Path, Message: p.Message})
		}
	case err != nil:
		return fmt.Errorf("validate %s: %w", opts.File, err)
	default:
		v.Sections = len(s.Sections)
		for _, sec := range s.Sections {
			v.Components += len(sec.Components)
		}
	}
	err = output.Print(opts.IO.Out, opts.Format, v, func(w io.Writer) error {
		if v.Valid {
			fmt.Fprintf(opts.IO.ErrOut, "%s is a valid dashboard spec: %s, %s.\n", v.File,
				plural(v.Sections, "section"), plural(v.Components, "component"))
			return nil
		}
		PrintProblems(w, v.File, v.Problems)
		return nil
	})
	if err == nil && !v.Valid {
		return cmdutil.ErrSilent
	}
	return err
}

// registry is the built-in queries, and those of a queries.yaml when one
// is named.
func registry(queries string) (*query.Registry, error) {
	if queries == "" {
		return query.Builtin()
	}
	reg, err := query.Load(queries)
	if err != nil {
		return nil, fmt.Errorf("queries %s: %w", queries, err)
	}
	return reg, nil
}

// ReadSpec reads a spec from file, or stdin for "-" (see
// document.ReadSpec).
func ReadSpec(stdin io.Reader, file string) ([]byte, error) {
	if file == "-" {
		return document.ReadSpec(stdin, file)
	}
	return document.ReadSpecFile(file)
}

// plural counts n of a noun: "1 section", "3 sections".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
