// Package factory builds the cmdutil.Factory that wingctl's commands run
// with. It is the one place that decides which server and token they use.
package factory

import (
	"sync"
	"time"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/build"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/sso"
	"github.com/wingman-dev/wingman/core/client"
)

// New returns the Factory for one run of wingctl. getenv is os.Getenv
// outside tests. The client is built on first use, from the global flags
// as parsed by then.
func New(ios *iostreams.IOStreams, getenv func(string) string) *cmdutil.Factory {
	g := &cmdutil.GlobalFlags{Output: output.Table}
	f := &cmdutil.Factory{IOStreams: ios, Globals: g, Now: time.Now, Getenv: getenv}
	f.Server = func() (string, error) { return ResolveServer(*g, getenv) }
	var (
		mu     sync.Mutex
		cached *client.Client
		err    error
		built  bool
	)
	resolve := func() (*client.Client, error) {
		t, err := Resolve(*g, getenv)
		if err != nil {
			return nil, err
		}
		opts := []client.Option{client.WithUserAgent("wingctl/" + build.Version)}
		if t.Login != nil {
			// The ID token is asked for before each request, so that a long
			// run (approve --wait) renews it as it nears expiry.
			src := sso.NewSource(sso.Credentials{Path: t.TokenSource}, t.Server, *t.Login, sso.HTTPClient())
			opts = append(opts, client.WithTokenSource(src.Token))
		}
		return client.New(t.Server, t.Token, opts...), nil
	}
	f.Client = func() (*client.Client, error) {
		mu.Lock()
		defer mu.Unlock()
		if !built {
			cached, err = resolve()
			built = true
		}
		return cached, err
	}
	f.ForgetClient = func() {
		mu.Lock()
		built = false
		mu.Unlock()
	}
	return f
}
