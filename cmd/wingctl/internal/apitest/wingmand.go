// A real wingmand in process, for the commands whose answers are best
// checked against the server itself rather than a recorded one.

package apitest

import (
	"bytes"
	"testing"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/dashboards/dashtest"
)

// Dashboards starts a wingmand serving the dashboards of the homelab
// dashtest seeds, read at its instant (dashtest.Now), and returns a
// Factory that talks to it as its admin, printing in format.
func Dashboards(t *testing.T, format output.Format) (f *cmdutil.Factory, out, errOut *bytes.Buffer) {
	t.Helper()
	url, token := dashtest.Serve(t)
	return NewFactory(url, token, format)
}
