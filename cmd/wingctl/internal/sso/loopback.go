// The authorization code flow with PKCE on a loopback listener (RFC 8252):
// the browser signs in at the provider and comes back to wingctl at
// http://127.0.0.1:PORT/callback. github.com/int128/oauth2cli does this,
// but the module proxy does not serve it, so this file does what wingctl
// needs of it.

package sso

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
)

// HasBrowser guesses whether a browser can open here: not in an SSH
// session, and on Unix systems other than macOS only with a display.
func HasBrowser(getenv func(string) string, goos string) bool {
	if getenv("SSH_CONNECTION") != "" || getenv("SSH_TTY") != "" {
		return false
	}
	switch goos {
	case "darwin", "windows":
		return true
	}
	return getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != ""
}

// CallbackPath is where the provider sends the browser back to.
const CallbackPath = "/callback"

// Browser runs the authorization code flow with PKCE (S256) and a random
// state. It listens on 127.0.0.1 on a random port, shows the sign-in URL
// on w and calls open with it (nil opens nothing), and takes one callback:
// whatever it holds ends the login, and the listener closes. A callback
// whose state is not this login's is refused (cmdutil.ErrLoginDenied), as
// is a login denied at the provider. ctx bounds the wait and carries the
// HTTP client as oauth2.HTTPClient.
func Browser(ctx context.Context, conf oauth2.Config, open func(string) error, w io.Writer) (*oauth2.Token, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the browser's callback: %w", err)
	}
	defer ln.Close()
	host := ln.Addr().String()
	conf.RedirectURL = "http://" + host + CallbackPath
	state, verifier := rand.Text(), oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier))

	done := make(chan result, 1)
	var claimed atomic.Bool
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A page in the browser may reach 127.0.0.1 under a host name of
		// its own (DNS rebinding); the provider sends the browser back to
		// exactly this host.
		if r.Host != host || r.URL.Path != CallbackPath || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		if !claimed.CompareAndSwap(false, true) {
			http.Error(w, "This login has ended; run wingctl login again.", http.StatusGone)
			return
		}
		tok, err := exchange(ctx, &conf, state, verifier, r.URL.Query())
		writePage(w, err)
		done <- result{tok, err}
	})}
	go srv.Serve(ln) //nolint:errcheck // ends with ErrServerClosed at Shutdown
	defer func() {
		// Shutdown lets the answer to the browser finish before closing.
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()

	fmt.Fprintf(w, "To log in, open this page in a browser:\n\n  %s\n\n", authURL)
	if open != nil {
		if err := open(authURL); err != nil {
			fmt.Fprintf(w, "Could not open a browser (%v); open the page above yourself.\n", err)
		}
	}
	fmt.Fprintf(w, "Waiting for the browser to come back to %s ...\n", conf.RedirectURL)
	select {
	case r := <-done:
		return r.tok, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("no answer from the browser: %w", ctx.Err())
	}
}

type result struct {
	tok *oauth2.Token
	err error
}

// exchange checks the callback's query and trades its code for tokens.
func exchange(ctx context.Context, conf *oauth2.Config, state, verifier string, q url.Values) (*oauth2.Token, error) {
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
		return nil, fmt.Errorf("the browser came back with a state that is not this login's; "+
			"refused, since another page may have sent it: %w", cmdutil.ErrLoginDenied)
	}
	if e := q.Get("error"); e != "" {
		why := e
		if d := q.Get("error_description"); d != "" {
			why += ": " + d
		}
		if e == "access_denied" {
			return nil, fmt.Errorf("the login was denied at the identity provider (%s): %w", why, cmdutil.ErrLoginDenied)
		}
		return nil, fmt.Errorf("the identity provider refused the login: %s", why)
	}
	code := q.Get("code")
	if code == "" {
		return nil, errors.New("the browser came back without an authorization code")
	}
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, fmt.Errorf("exchange the authorization code: %w", explain(err))
	}
	return tok, nil
}

// writePage tells the person in the browser how the login ended.
func writePage(w http.ResponseWriter, err error) {
	page := struct {
		OK    bool
		Error string
	}{OK: err == nil}
	status := http.StatusOK
	if err != nil {
		page.Error, status = err.Error(), http.StatusBadRequest
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = pageTemplate.Execute(w, page)
}

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<meta charset="utf-8"><title>Wingman login</title>
{{if .OK}}<p>You are logged in to Wingman. You can close this tab and return to the terminal.</p>
{{else}}<p>The Wingman login failed: {{.Error}}</p><p>Return to the terminal and run <code>wingctl login</code> again.</p>{{end}}
`))
