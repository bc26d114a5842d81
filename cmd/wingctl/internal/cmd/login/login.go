// Package login implements "wingctl login": single sign-on through the
// identity provider of the server, by device code or through a browser.
package login

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"time"

	"github.com/pkg/browser"
	"github.com/spf13/cobra"
	"golang.org/x/oauth2"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/build"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/sso"
	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

// LoginOptions are the inputs of "wingctl login".
type LoginOptions struct {
	IO     *iostreams.IOStreams
	Server func() (string, error)
	Format output.Format
	// Credentials is where the login is kept.
	Credentials sso.Credentials
	// ProviderHTTP reaches the identity provider.
	ProviderHTTP *http.Client
	// Open shows a page in the person's browser; nil only prints it.
	Open func(url string) error

	// UseDevice is the flow to run: from --device or --browser, else
	// decided by whether this session has a browser.
	UseDevice bool
	Timeout   time.Duration
	// ShadowedBy names the token that this run and later ones send
	// instead of the login (--token or WINGMAN_TOKEN), if any.
	ShadowedBy string
}

// NewCmdLogin returns "wingctl login"; runF replaces the run in tests.
func NewCmdLogin(f *cmdutil.Factory, runF func(*LoginOptions) error) *cobra.Command {
	opts := &LoginOptions{IO: f.IOStreams, Server: f.Server, ProviderHTTP: sso.HTTPClient()}
	var device, useBrowser, noOpen bool
	cmd := &cobra.Command{
		Use:   "login [--device | --browser]",
		Short: "Log in through the server's single sign-on",
		Long: `Log in to wingmand through its identity provider (Keycloak, Authentik, Okta,
Google...). wingctl asks the server which provider and client to use, so
only the server's URL is needed (--server, $WINGMAN_SERVER or the config
file).

--device shows a URL and a code to enter on any device with a browser, such
as your phone: the way to log in over SSH. --browser opens the provider's
page in a browser on this machine and takes its answer on a one-time
listener at 127.0.0.1 (authorization code with PKCE). Without either, the
browser is used unless this is an SSH session or, on Linux and the BSDs,
there is no display.

The tokens are kept in $XDG_CONFIG_HOME/wingman/credentials.json (else
~/.config/wingman/credentials.json), readable by you only, one login per
server. wingctl renews them by itself before they expire, until you run
"wingctl logout". --token and $WINGMAN_TOKEN still take precedence, for
scripts and break-glass access.

Exits 11 when the login is denied (or a browser callback is not this
login's), 12 when the device code expires before it is approved, 5 when you
are signed in but have no role in Wingman yet: ask an admin to run "wingctl
users set-role".`,
		Example: `  # Over SSH: enter the code on your phone
  wingctl login --server https://wingman.lan --device

  # On a desktop: the browser opens
  wingctl login

  # Print the page instead of opening it (another browser, another machine)
  wingctl login --browser --no-open`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if device && useBrowser {
				return cmdutil.FlagErrorf("--device and --browser exclude each other: pick one flow")
			}
			if opts.Timeout <= 0 {
				return cmdutil.FlagErrorf("--timeout must be positive, such as 5m")
			}
			opts.UseDevice = device || (!useBrowser && !sso.HasBrowser(f.Getenv, runtime.GOOS))
			if !noOpen {
				opts.Open = openBrowser
			}
			opts.Credentials = sso.Credentials{Path: sso.CredentialsPath(f.Getenv)}
			switch {
			case f.Globals.Token != "":
				opts.ShadowedBy = "--token"
			case f.Getenv("WINGMAN_TOKEN") != "":
				opts.ShadowedBy = "WINGMAN_TOKEN"
			}
			opts.Format = f.Format()
			if runF != nil {
				return runF(opts)
			}
			return loginRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&device, "device", false, "log in with a code entered on any device (RFC 8628)")
	cmd.Flags().BoolVar(&useBrowser, "browser", false, "log in through a browser on this machine")
	cmd.Flags().BoolVar(&noOpen, "no-open", false, "with the browser flow, print the page to open instead of opening it")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", 15*time.Minute, "give up when the login is not done after this long")
	return cmd
}

// openBrowser keeps the opener's own chatter off wingctl's stdout, which
// may be a script's -o json.
func openBrowser(url string) error {
	browser.Stdout, browser.Stderr = io.Discard, io.Discard
	return browser.OpenURL(url)
}

func loginRun(ctx context.Context, opts *LoginOptions) error {
	server, err := opts.Server()
	if err != nil {
		return err
	}
	ua := client.WithUserAgent("wingctl/" + build.Version)
	ac, err := client.New(server, "", ua).AuthConfig(ctx)
	if err != nil {
		return err
	}
	if !ac.OIDC {
		return fmt.Errorf("%s does not offer single sign-on (OIDC_ENABLED is off there); "+
			"use an API token instead: --token or WINGMAN_TOKEN", server)
	}
	tctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	tok, conf, err := obtain(context.WithValue(tctx, oauth2.HTTPClient, opts.ProviderHTTP), opts, ac)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		return fmt.Errorf("the login was not done within --timeout %s: %w", opts.Timeout, cmdutil.ErrLoginExpired)
	}
	if err != nil {
		return err
	}
	login, err := sso.NewLogin(ac.Issuer, conf, tok)
	if err != nil {
		return err
	}

	// The server has the last word on the token and the role.
	p, err := client.New(server, login.IDToken, ua).Whoami(ctx)
	switch {
	case errors.Is(err, domain.ErrForbidden):
		// Kept all the same: it works as soon as an admin gives a role.
		if perr := opts.Credentials.Put(server, login); perr != nil {
			return perr
		}
		return fmt.Errorf("logged in, but %w", err)
	case err != nil:
		return fmt.Errorf("the identity provider signed you in, but %s refused the token: %w", server, err)
	}
	if err := opts.Credentials.Put(server, login); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Logged in to %s as %s (%s).\n", server, p.Name, p.Role)
	if opts.ShadowedBy != "" {
		fmt.Fprintf(opts.IO.ErrOut, "Note: %s is set and is sent instead of this login until you drop it.\n", opts.ShadowedBy)
	}
	return output.Print(opts.IO.Out, opts.Format, p, nil)
}

// obtain runs the chosen flow and returns the provider's tokens.
func obtain(ctx context.Context, opts *LoginOptions, ac domain.AuthConfig) (*oauth2.Token, *oauth2.Config, error) {
	conf, err := sso.Discover(ctx, opts.ProviderHTTP, ac)
	if err != nil {
		return nil, nil, err
	}
	var tok *oauth2.Token
	if opts.UseDevice {
		tok, err = sso.Device(ctx, conf, opts.IO.ErrOut)
	} else {
		tok, err = sso.Browser(ctx, *conf, opts.Open, opts.IO.ErrOut)
	}
	return tok, conf, err
}
