package tokens

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

// ListOptions are the inputs of "wingctl tokens list".
type ListOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format
	Now    func() time.Time
}

// NewCmdList returns "wingctl tokens list"; runF replaces the run in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Client: f.Client, Now: f.Now}
	return &cobra.Command{
		Use:   "list",
		Short: "List tokens",
		Long: `List API and worker tokens, without their secrets: who each acts as, its
role, when it was created and last used, and whether it still works.`,
		Example: `  wingctl tokens list
  wingctl tokens list -o json | jq -r '.[] | select(.revoked_at == null) | .id'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
}

func listRun(ctx context.Context, opts *ListOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	ts, err := c.ListTokens(ctx)
	if err != nil {
		return err
	}
	now := opts.Now()
	return output.PrintList(opts.IO, opts.Format, ts, "No tokens found.", output.Columns[domain.Token]{
		Headers: []string{"ID", "NAME", "KIND", "ROLE", "STATE", "CREATED"},
		Row: func(tk domain.Token) []string {
			name := tk.Name
			if tk.Kind == domain.TokenWorker && tk.WorkerID != "" {
				name = tk.WorkerID
			}
			return []string{tk.ID, name, string(tk.Kind), string(tk.Role), state(now, tk),
				output.Ago(now, &tk.CreatedAt)}
		},
	})
}

// state says whether a token still authenticates.
func state(now time.Time, t domain.Token) string {
	switch {
	case t.RevokedAt != nil:
		return "revoked"
	case t.ExpiresAt != nil && !t.ExpiresAt.After(now):
		return "expired"
	}
	return "active"
}
