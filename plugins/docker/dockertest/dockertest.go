// Package dockertest gives tests a real Docker engine and a test image
// built locally from Debian's busybox-static (no registry is reachable):
// a rootfs of one static binary, imported with `docker import`.
package dockertest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Image is the test image's name.
const Image = "wingman-test/busybox:latest"

var (
	imageOnce sync.Once
	imageErr  error
)

// Require skips the test when no Docker engine answers, except under
// CI=true, where that fails it; then it makes sure Image exists.
func Require(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "docker", "info", "--format", "{{.ServerVersion}}").CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("a Docker engine is required under CI=true: %v: %s", err, out)
		}
		t.Skipf("no Docker engine (set CI=true to make this a failure): %v", err)
	}
	imageOnce.Do(func() { imageErr = build() })
	if imageErr != nil {
		t.Fatalf("build %s: %v", Image, imageErr)
	}
}

func build() error {
	if exec.Command("docker", "image", "inspect", Image).Run() == nil {
		return nil
	}
	busybox, err := exec.LookPath("busybox")
	if err != nil {
		return err
	}
	root, err := os.MkdirTemp("", "wingman-rootfs-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	if err := os.MkdirAll(filepath.Join(root, "bin"), 0o755); err != nil {
		return err
	}
	if out, err := exec.Command("cp", busybox, filepath.Join(root, "bin", "busybox")).CombinedOutput(); err != nil {
		return fmt.Errorf("cp busybox: %v: %s", err, out)
	}
	for _, app := range []string{"sh", "sleep", "cat", "echo", "test", "["} {
		if err := os.Symlink("busybox", filepath.Join(root, "bin", app)); err != nil {
			return err
		}
	}
	tar := exec.Command("tar", "-C", root, "-c", ".")
	imp := exec.Command("docker", "import", "--change", "ENV PATH=/bin", "-", Image)
	pipe, err := tar.StdoutPipe()
	if err != nil {
		return err
	}
	imp.Stdin = pipe
	if err := tar.Start(); err != nil {
		return err
	}
	out, err := imp.CombinedOutput()
	if werr := tar.Wait(); err == nil && werr != nil {
		err = werr
	}
	if err != nil {
		return fmt.Errorf("docker import: %v: %s", err, out)
	}
	return nil
}

// Run starts a container of Image with a unique name, removed when the
// test ends, and returns the name.
func Run(t testing.TB, args ...string) string {
	t.Helper()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "wm-test-" + hex.EncodeToString(b)
	Docker(t, append([]string{"run", "-d", "--name", name}, args...)...)
	t.Cleanup(func() { _ = exec.Command("docker", "rm", "-f", name).Run() })
	return name
}

// Docker runs the docker CLI and returns its trimmed output.
func Docker(t testing.TB, args ...string) string {
	t.Helper()
	out, err := exec.Command("docker", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("docker %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}
