package users

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

// ListOptions are the inputs of "wingctl users list".
type ListOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format
	Now    func() time.Time
}

// NewCmdList returns "wingctl users list"; runF replaces the run in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Client: f.Client, Now: f.Now}
	return &cobra.Command{
		Use:   "list",
		Short: "List single sign-on users and their roles",
		Long: `List the people single sign-on provisioned, oldest first: their ID, name and
e-mail from the identity provider, the role they act with, and whether that
role comes from their groups (as of their newest sign-in) or an admin's
override. A role of "none" means they can sign in but do nothing yet.`,
		Example: `  wingctl users list
  wingctl users list -o json | jq -r '.[] | select(.role_override != null) | .name'`,
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
	us, err := c.ListUsers(ctx)
	if err != nil {
		return err
	}
	now := opts.Now()
	return output.PrintList(opts.IO, opts.Format, us, "No user has signed in yet.", output.Columns[domain.User]{
		Headers: []string{"ID", "NAME", "EMAIL", "ROLE", "FROM", "CREATED"},
		Row: func(u domain.User) []string {
			r, from := role(u)
			return []string{u.ID, u.Name, u.Email, r, from, output.Ago(now, &u.CreatedAt)}
		},
	})
}
