// Package build holds what the linker stamps into wingctl.
package build

// Version is set with -ldflags "-X github.com/wingman-dev/wingman/cmd/wingctl/internal/build.Version=v1.2.3".
var Version = "dev"
