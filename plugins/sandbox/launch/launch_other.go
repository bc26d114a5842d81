//go:build !linux

package launch

// Main returns at once: elsewhere than Linux there is no sandbox, and so
// no launcher to be.
func Main() {}
