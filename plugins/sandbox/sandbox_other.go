//go:build !linux

// Elsewhere than Linux there is no sandbox: Run always refuses, and the
// fallback for Python skills on those workers lives beside this package.

package sandbox

import (
	"context"
	"fmt"
	"io/fs"
	"runtime"
)

// Check reports that nothing of the sandbox is available.
func Check() (Support, error) { return Support{}, nil }

// Run refuses: a degraded sandbox would be no sandbox at all here.
func Run(context.Context, Spec) (Result, error) {
	return Result{}, fmt.Errorf("%w: %s has no Landlock or seccomp", ErrUnsupported, runtime.GOOS)
}

// ownedSafely is never asked: FindLauncher finds no launcher here.
func ownedSafely(path string, _ fs.FileInfo) error {
	return fmt.Errorf("%s: no sandbox launcher on %s: %w", path, runtime.GOOS, fs.ErrPermission)
}
