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
	"github.com/wingman-dev/wingman/core/client"
)

// New returns the Factory for one run of wingctl. getenv is os.Getenv
// outside tests. The client is built on first use, from the global flags
// as parsed by then.
func New(ios *iostreams.IOStreams, getenv func(string) string) *cmdutil.Factory {
	g := &cmdutil.GlobalFlags{Output: output.Table}
	f := &cmdutil.Factory{IOStreams: ios, Globals: g, Now: time.Now}
	f.Client = sync.OnceValues(func() (*client.Client, error) {
		t, err := Resolve(*g, getenv)
		if err != nil {
			return nil, err
		}
		return client.New(t.Server, t.Token, client.WithUserAgent("wingctl/"+build.Version)), nil
	})
	return f
}
