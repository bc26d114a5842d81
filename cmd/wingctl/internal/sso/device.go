// The device authorization grant (RFC 8628), for a terminal without a
// browser: the person approves the code on any other device.

package sso

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"golang.org/x/oauth2"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
)

// Device runs the device authorization grant: it shows the verification
// URL and the user code on w, then polls the provider as it asks
// (interval, slow_down, authorization_pending) until the person approves,
// denies (cmdutil.ErrLoginDenied) or the code expires
// (cmdutil.ErrLoginExpired). ctx carries the HTTP client as
// oauth2.HTTPClient.
func Device(ctx context.Context, conf *oauth2.Config, w io.Writer) (*oauth2.Token, error) {
	if conf.Endpoint.DeviceAuthURL == "" {
		return nil, errors.New("the identity provider offers no device authorization; log in with --browser")
	}
	da, err := conf.DeviceAuth(ctx)
	if err != nil {
		return nil, fmt.Errorf("start the device login: %w", explain(err))
	}
	fmt.Fprintf(w, "To log in, open %s in a browser on any device and enter this code:\n\n  Code: %s\n\n",
		da.VerificationURI, da.UserCode)
	if da.VerificationURIComplete != "" {
		fmt.Fprintf(w, "Or open %s, which fills the code in.\n", da.VerificationURIComplete)
	}
	if !da.Expiry.IsZero() {
		fmt.Fprintf(w, "Waiting for approval; the code expires in %s.\n", time.Until(da.Expiry).Round(time.Second))
	}
	tok, err := conf.DeviceAccessToken(ctx, da)
	if err == nil {
		return tok, nil
	}
	// DeviceAccessToken gives up at the code's expiry with the deadline it
	// set itself; a ctx of the caller that ended is the caller's doing.
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		return nil, fmt.Errorf("the device code expired before it was approved; run wingctl login again: %w", cmdutil.ErrLoginExpired)
	}
	return nil, fmt.Errorf("device login: %w", explain(err))
}

// explain turns the provider's OAuth error into a sentence, and the
// refusals that have their own exit codes into their errors.
func explain(err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return err
	}
	why := re.ErrorCode
	if re.ErrorDescription != "" {
		why += ": " + re.ErrorDescription
	}
	switch re.ErrorCode {
	case "access_denied":
		return fmt.Errorf("the login was denied at the identity provider (%s): %w", why, cmdutil.ErrLoginDenied)
	case "expired_token":
		return fmt.Errorf("the device code expired before it was approved (%s); run wingctl login again: %w", why, cmdutil.ErrLoginExpired)
	case "":
		return err // no OAuth error: its own message has the status and body
	}
	return fmt.Errorf("the identity provider refused: %s", why)
}
