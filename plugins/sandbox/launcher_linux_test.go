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

// A launcher that anyone but root and the worker's uid could replace, in
// place or by renaming, is not used: it is the whole sandbox.
func TestUsableLauncherNotReplaceable(t *testing.T) {
	write := func(dir string, mode os.FileMode) string {
		t.Helper()
		f := filepath.Join(dir, LauncherName)
		if err := os.WriteFile(f, []byte("#!/bin/true\n"), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(f, mode); err != nil { // past the umask
			t.Fatal(err)
		}
		return f
	}
	cases := []struct {
		name string
		path string
		ok   bool
	}{
		{"0755 in 0755", write(openDir(t, 0o755), 0o755), true},
		{"0775 in 0755", write(openDir(t, 0o755), 0o775), false},
		{"0757 in 0755", write(openDir(t, 0o755), 0o757), false},
		{"0755 in 0777", write(openDir(t, 0o777), 0o755), false},
		{"0755 in 0775", write(openDir(t, 0o775), 0o755), false},
		{"0755 in sticky 1777", write(openDir(t, 0o777|os.ModeSticky), 0o755), true},
	}
	if os.Geteuid() == 0 {
		other := write(openDir(t, 0o755), 0o755)
		if err := os.Chown(other, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, struct {
			name string
			path string
			ok   bool
		}{"owned by nobody", other, false})
		otherDir := openDir(t, 0o755)
		if err := os.Chown(otherDir, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, struct {
			name string
			path string
			ok   bool
		}{"in a folder owned by nobody", write(otherDir, 0o755), false})
	}
	for _, c := range cases {
		err := usable(c.path, false)
		if c.ok != (err == nil) || (err != nil && !errors.Is(err, fs.ErrPermission)) {
			t.Errorf("%s: usable = %v, want ok %v", c.name, err, c.ok)
		}
	}
}
