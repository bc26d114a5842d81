package users

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

// fromGroups is the ROLE word that removes an override.
const fromGroups = "groups"

// SetRoleOptions are the inputs of "wingctl users set-role".
type SetRoleOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format

	// User is an ID, an e-mail address or a name.
	User string
	// Role is the override; empty removes it.
	Role domain.Role
}

// NewCmdSetRole returns "wingctl users set-role"; runF replaces the run in
// tests.
func NewCmdSetRole(f *cmdutil.Factory, runF func(*SetRoleOptions) error) *cobra.Command {
	opts := &SetRoleOptions{IO: f.IOStreams, Client: f.Client}
	cmd := &cobra.Command{
		Use:   "set-role <user> <viewer|operator|admin|groups>",
		Short: "Give a user a role over what their groups give",
		Long: `Give a single sign-on user a role that wins over the one their groups map to,
from their next request on, or with "groups" remove it so that their groups
decide again. The user is named by ID (see "wingctl users list"), e-mail
address, or name when only one user has it. The change is audited.

Exits 4 when no user matches.`,
		Example: `  # A contractor in no mapped group may look, not touch
  wingctl users set-role carol@example.com viewer

  # Lock an admin down to operator while they are on call elsewhere
  wingctl users set-role u-3f9a1c operator

  # Back to what their groups say
  wingctl users set-role u-3f9a1c groups`,
		Args: cmdutil.ExactArgs(2, "a user and a role"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.User = args[0]
			if args[1] != fromGroups {
				r, err := domain.ParseRole(args[1])
				if err != nil {
					return cmdutil.FlagErrorf("%v, or %s to remove the override", err, fromGroups)
				}
				opts.Role = r
			}
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return setRoleRun(cmd.Context(), opts)
		},
	}
	cmd.ValidArgsFunction = func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(args) == 1 {
			return []string{"viewer", "operator", "admin", fromGroups}, cobra.ShellCompDirectiveNoFileComp
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return cmd
}

func setRoleRun(ctx context.Context, opts *SetRoleOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	us, err := c.ListUsers(ctx)
	if err != nil {
		return err
	}
	u, err := find(us, opts.User)
	if err != nil {
		return err
	}
	u, err = c.SetUserRole(ctx, u.ID, opts.Role)
	if err != nil {
		return err
	}
	if opts.Role == "" {
		r, _ := role(u)
		fmt.Fprintf(opts.IO.ErrOut, "%s (%s) has no override now: their groups decide (%s at their last sign-in).\n", u.Name, u.ID, r)
	} else {
		fmt.Fprintf(opts.IO.ErrOut, "%s (%s) now acts as %s, whatever their groups say.\n", u.Name, u.ID, u.RoleOverride)
	}
	return output.Print(opts.IO.Out, opts.Format, u, nil)
}

// find picks the one user named by an ID, an e-mail address or a name.
func find(us []domain.User, who string) (domain.User, error) {
	for _, u := range us {
		if u.ID == who {
			return u, nil
		}
	}
	var match []domain.User
	for _, u := range us {
		if strings.EqualFold(u.Email, who) || u.Name == who {
			match = append(match, u)
		}
	}
	switch len(match) {
	case 0:
		return domain.User{}, fmt.Errorf("no single sign-on user has the ID, e-mail or name %q (see wingctl users list): %w", who, domain.ErrNotFound)
	case 1:
		return match[0], nil
	}
	ids := make([]string, 0, len(match))
	for _, u := range match {
		ids = append(ids, u.ID)
	}
	slices.Sort(ids)
	return domain.User{}, fmt.Errorf("%d users match %q: name one by ID (%s)", len(match), who, strings.Join(ids, ", "))
}
