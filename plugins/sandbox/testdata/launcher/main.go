// Command launcher is nothing but the sandbox's launcher: what a dedicated
// launcher binary, with none of the worker's packages to initialise and no
// cgo, costs at start-up. Built by BenchmarkStartup only.
package main

import "github.com/wingman-dev/wingman/plugins/sandbox"

func main() { sandbox.Main() }
