// What the running kernel offers the sandbox.

package sandbox

import (
	"fmt"
	"sync"

	seccomp "github.com/elastic/go-seccomp-bpf"
)

// checkOnce caches Check: what the kernel offers does not change while the
// worker runs.
var checkOnce = sync.OnceValues(probe)

// Check reports what the running kernel offers the sandbox.
func Check() (Support, error) { return checkOnce() }

func probe() (Support, error) {
	abi, err := landlockABI()
	if err != nil {
		return Support{}, fmt.Errorf("sandbox: %w", err)
	}
	return Support{LandlockABI: abi, Seccomp: seccomp.Supported()}, nil
}
