package tokens

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

// CreateOptions are the inputs of "wingctl tokens create".
type CreateOptions struct {
	IO     *iostreams.IOStreams
	Client func() (*client.Client, error)
	Format output.Format

	Name      string
	Role      domain.Role
	ExpiresIn time.Duration
}

// NewCmdCreate returns "wingctl tokens create"; runF replaces the run in
// tests.
func NewCmdCreate(f *cmdutil.Factory, runF func(*CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{IO: f.IOStreams, Client: f.Client}
	var role string
	cmd := &cobra.Command{
		Use:   "create --name <user> --role <viewer|operator|admin>",
		Short: "Create an API token and print its secret",
		Long: `Create an API token for the user called --name, with --role, and print its
secret. The secret is shown this once: the server keeps only its hash. In
table output the secret is the only line on stdout, so it can be captured;
with -o json it is the "token" field.`,
		Example: `  wingctl tokens create --name alice --role operator
  TOKEN=$(wingctl tokens create --name ci --role viewer)
  wingctl tokens create --name bob --role admin -o json | jq -r .token
  wingctl tokens create --name contractor --role viewer --expires-in 168h`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if strings.TrimSpace(opts.Name) == "" {
				return cmdutil.FlagErrorf("--name is required: name the user the token acts as")
			}
			if role == "" {
				return cmdutil.FlagErrorf("--role is required: viewer, operator or admin")
			}
			r, err := domain.ParseRole(role)
			if err != nil {
				return cmdutil.FlagErrorf("--role: %v", err)
			}
			opts.Role = r
			if opts.ExpiresIn < 0 {
				return cmdutil.FlagErrorf("--expires-in must be positive, such as 720h")
			}
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Name, "name", "", "the user the token acts as (required)")
	cmd.Flags().StringVar(&role, "role", "", "viewer, operator or admin (required)")
	cmd.Flags().DurationVar(&opts.ExpiresIn, "expires-in", 0, "the token stops working this long after now, such as 720h (default: never)")
	_ = cmd.RegisterFlagCompletionFunc("role", cobra.FixedCompletions(
		[]string{"viewer", "operator", "admin"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func createRun(ctx context.Context, opts *CreateOptions) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	req := domain.CreateTokenRequest{Name: opts.Name, Role: opts.Role}
	if opts.ExpiresIn > 0 {
		req.ExpiresIn = opts.ExpiresIn.String()
	}
	ct, err := c.CreateToken(ctx, req)
	if err != nil {
		return err
	}
	note := fmt.Sprintf("Created token %s for %s (%s). Its secret is shown only once; store it now:",
		ct.Token.ID, ct.Token.Name, ct.Token.Role)
	return output.PrintSecret(opts.IO, opts.Format, ct, ct.Secret, note)
}
