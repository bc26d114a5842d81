// Command wingsandbox is the sandbox's launcher, and nothing else: the
// worker (wingworker, or wingmand's local worker) starts it for every
// skill it runs, with its orders on an inherited pipe; it confines itself
// and execs the skill. It is a binary of its own, installed beside them,
// because a skill waits for its launcher's start-up every time: this one
// links only plugins/sandbox/launch, not the worker's packages. Without
// it the worker starts its own binary instead, more slowly.
//
// Run by hand it only says what it is.
package main

import (
	"os"

	"github.com/wingman-dev/wingman/plugins/sandbox/launch"
)

func main() {
	launch.Main() // never returns when started as the launcher
	_, _ = os.Stderr.WriteString("wingsandbox: the skill sandbox's launcher, started by the worker; nothing to run by hand\n")
	os.Exit(2)
}
