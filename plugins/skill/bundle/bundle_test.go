package bundle

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

func TestNewChecksNames(t *testing.T) {
	for _, bad := range []string{"../x", "/abs", "a/../../b", ".git/config", "a//b"} {
		if _, err := New(map[string][]byte{bad: nil}); err == nil {
			t.Errorf("New accepted %q", bad)
		}
	}
	if _, err := New(map[string][]byte{"lib": {1}, "lib/x.py": {2}}); err == nil || !strings.Contains(err.Error(), "both a file and the folder") {
		t.Errorf("file/folder clash: %v", err)
	}
	many := map[string][]byte{}
	for i := range MaxFiles + 1 {
		many[strings.Repeat("a", i+1)] = nil
	}
	if _, err := New(many); !errors.Is(err, ErrTooLarge) {
		t.Errorf("too many files: %v", err)
	}
	if _, err := New(map[string][]byte{"big": make([]byte, MaxFileSize+1)}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("too big a file: %v", err)
	}
}

func TestWriteThenRead(t *testing.T) {
	b, err := New(map[string][]byte{"manifest.yaml": []byte("id: x\n"), "run": []byte("#!/bin/sh\n"), "lib/a/b.txt": []byte("b")})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "skill")
	if err := b.WriteDir(dir, "run"); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]os.FileMode{"manifest.yaml": 0o444, "run": 0o555, "lib/a/b.txt": 0o444, "lib": 0o755 | os.ModeDir} {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil || info.Mode() != want {
			t.Errorf("%s: mode %v (%v), want %v", name, info.Mode(), err, want)
		}
	}
	if err := b.WriteDir(dir, ""); err == nil {
		t.Error("WriteDir over an existing folder succeeded")
	}
	got, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Names(), []string{"lib/a/b.txt", "manifest.yaml", "run"}) {
		t.Fatalf("read back %v", got.Names())
	}
	if data, _ := got.File("run"); !bytes.Equal(data, []byte("#!/bin/sh\n")) {
		t.Errorf("run = %q", data)
	}
}

func TestReadDirRefusesSpecialFiles(t *testing.T) {
	tests := []struct {
		name string
		make func(dir string) error
		want string
	}{
		{"symlink", func(dir string) error { return os.Symlink("/etc/passwd", filepath.Join(dir, "skill.py")) }, "skill.py is a symlink"},
		{"symlinked folder", func(dir string) error { return os.Symlink("/etc", filepath.Join(dir, "lib")) }, "lib is a symlink"},
		{"fifo", func(dir string) error { return syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644) }, "pipe is a special file"},
		{"device", func(dir string) error {
			return syscall.Mknod(filepath.Join(dir, "null"), syscall.S_IFCHR|0o666, 1<<8|3)
		}, "null is a special file"},
		{"too big", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "big"), make([]byte, MaxFileSize+1), 0o644)
		}, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "manifest.yaml"), []byte("id: x\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := tt.make(dir); err != nil {
				t.Skipf("cannot make one here: %v", err)
			}
			if _, err := ReadDir(dir); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReadDir = %v, want %q", err, tt.want)
			}
		})
	}
}
