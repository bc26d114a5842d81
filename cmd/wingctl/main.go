// Command wingctl is the operator's command line for wingmand: it lists
// incidents and plans, approves or rejects plans, and manages workers,
// tokens and the audit log.
package main

import (
	"os"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/root"
)

func main() {
	os.Exit(root.Main())
}
