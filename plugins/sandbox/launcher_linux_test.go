package sandbox

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// A launcher the skills' uid cannot reach is not used: every skill would
// fail to start, where the worker's own binary still can.
func TestUsableLauncher(t *testing.T) {
	open := openDir(t, 0o755)
	closed := openDir(t, 0o700)
	for _, dir := range []string{open, closed} {
		for name, mode := range map[string]os.FileMode{"all": 0o755, "owner": 0o700} {
			f := filepath.Join(dir, name)
			if err := os.WriteFile(f, []byte("#!/bin/true\n"), mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(f, mode); err != nil { // past the umask
				t.Fatal(err)
			}
		}
	}
	for _, c := range []struct {
		path     string
		asOthers bool
		ok       bool
	}{
		{filepath.Join(open, "all"), true, true},
		{filepath.Join(open, "owner"), true, false},
		{filepath.Join(closed, "all"), true, false},
		{filepath.Join(closed, "all"), false, true},
		{filepath.Join(closed, "owner"), false, true},
		{open, false, false},
	} {
		err := usable(c.path, c.asOthers)
		if c.ok != (err == nil) || (err != nil && !errors.Is(err, fs.ErrPermission)) {
			t.Errorf("usable(%s, as others %v) = %v, want ok %v", c.path, c.asOthers, err, c.ok)
		}
	}
	if err := usable(filepath.Join(open, "missing"), false); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing launcher: %v", err)
	}
}
