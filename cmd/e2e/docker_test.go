package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testImage is built from Debian's busybox-static (no registry is
// reachable): a rootfs of one static binary, imported as an image.
const testImage = "wingman-test/busybox:latest"

var imageOnce sync.Once
var imageErr error

// requireDocker skips the test when no Docker engine answers, except under
// CI=true, where that fails it; then it makes sure the test image exists.
func requireDocker(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "docker", "info", "--format", "{{.ServerVersion}}").CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("a Docker engine is required under CI=true: %v: %s", err, out)
		}
		t.Skipf("no Docker engine (set CI=true to make this a failure): %v", err)
	}
	imageOnce.Do(func() { imageErr = buildImage() })
	if imageErr != nil {
		t.Fatalf("build %s: %v", testImage, imageErr)
	}
}

func buildImage() error {
	if exec.Command("docker", "image", "inspect", testImage).Run() == nil {
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
	if err := exec.Command("cp", busybox, filepath.Join(root, "bin", "busybox")).Run(); err != nil {
		return err
	}
	for _, app := range []string{"sh", "sleep", "cat", "echo", "test", "["} {
		if err := os.Symlink("busybox", filepath.Join(root, "bin", app)); err != nil {
			return err
		}
	}
	tar := exec.Command("tar", "-C", root, "-c", ".")
	imp := exec.Command("docker", "import", "--change", "ENV PATH=/bin", "-", testImage)
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
		return &exec.ExitError{Stderr: out}
	}
	return nil
}

// docker runs the docker CLI and returns its trimmed output.
func docker(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("docker", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("docker %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}
