package offline

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// smallDisk mounts a tmpfs of size bytes for the test: a real file system
// that answers ENOSPC. It needs root, which CI has; elsewhere the test is
// skipped, but never under CI=true.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mount a tmpfs for the full-disk test: %v: %s", err, out)
		}
		t.Skipf("cannot mount a tmpfs (not root?): %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", dir).Run() })
	return dir
}

// TestDiskFull: when the disk fills before the cap, the buffer drops its
// oldest droppable envelopes (recorded as disk_full gaps) to write new
// ones, never drops a result, answers ErrFull for a result that cannot be
// written, and keeps every file it still lists whole.
func TestDiskFull(t *testing.T) {
	dir := smallDisk(t, "64k")
	c := &clock{t0}
	o := open(t, dir, 100<<20, c) // the cap is far away: the disk is the limit
	var results []string
	var err error
	i := 0
	for ; i < 200; i++ {
		pt := domain.PayloadFacts
		if i%4 == 3 {
			pt = domain.PayloadExecutionResult
		}
		var name string
		name, err = o.Put(envelope(pt, t0.Add(time.Duration(i)*time.Second), 1000))
		if pt == domain.PayloadExecutionResult {
			if err != nil {
				break
			}
			results = append(results, name)
		} else if err != nil && !errors.Is(err, ErrDropped) {
			t.Fatalf("put facts %d on a full disk: %v", i, err)
		}
	}
	if !errors.Is(err, ErrFull) || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("after %d envelopes: %v; want a result refused with ErrFull and ENOSPC", i, err)
	}
	for _, r := range results {
		if _, err := os.Stat(filepath.Join(dir, r)); err != nil {
			t.Errorf("result %s lost on a full disk: %v", r, err)
		}
	}
	var diskFull bool
	for _, g := range o.Gaps() {
		diskFull = diskFull || (g.Reason == domain.GapDiskFull && g.PayloadType == domain.PayloadFacts)
	}
	if !diskFull {
		t.Errorf("no disk_full gap of facts in %+v", o.Gaps())
	}
	// Every file listed reads back whole; no temp file is left behind.
	for _, it := range o.List() {
		if _, err := o.Read(it.Name); err != nil {
			t.Errorf("read %s after the disk filled: %v", it.Name, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if len(e.Name()) > len(tempPrefix) && e.Name()[:len(tempPrefix)] == tempPrefix {
			t.Errorf("temp file left: %s", e.Name())
		}
	}
	// Sending frees room: the refused result is written on the next try.
	for _, it := range o.List() {
		if it.PayloadType == domain.PayloadExecutionResult {
			_ = o.Delete(it.Name)
		}
	}
	if _, err := o.Put(envelope(domain.PayloadExecutionResult, t0.Add(time.Hour), 1000)); err != nil {
		t.Errorf("a result once room was made: %v", err)
	}
}
