package ansible

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func TestResolvePlaybook(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "playbooks")
	outside := filepath.Join(root, "outside")
	write(t, filepath.Join(dir, "site.yml"), "- hosts: all\n")
	write(t, filepath.Join(dir, "roles", "web.yaml"), "- hosts: web\n")
	write(t, filepath.Join(dir, "notes.txt"), "")
	write(t, filepath.Join(outside, "evil.yml"), "- hosts: all\n")
	if err := os.Mkdir(filepath.Join(dir, "dir.yml"), 0o755); err != nil {
		t.Fatal(err)
	}
	symlink(t, filepath.Join(outside, "evil.yml"), filepath.Join(dir, "escape.yml"))
	symlink(t, outside, filepath.Join(dir, "out"))
	symlink(t, "site.yml", filepath.Join(dir, "alias.yml"))
	symlink(t, "notes.txt", filepath.Join(dir, "notes.yml"))

	ok := []struct{ name, want string }{
		{"site.yml", "site.yml"},
		{"roles/web.yaml", "roles/web.yaml"},
		{"./roles//web.yaml", "roles/web.yaml"},
		{filepath.Join(dir, "site.yml"), "site.yml"},
		{"alias.yml", "site.yml"}, // a link within the directory runs its target
	}
	for _, tt := range ok {
		got, err := resolvePlaybook(dir, tt.name)
		if want := filepath.Join(dir, tt.want); err != nil || got != want {
			t.Errorf("resolvePlaybook(%q) = %q, %v; want %q", tt.name, got, err, want)
		}
	}

	refused := []struct{ name, want string }{
		{"", "empty"},
		{"../outside/evil.yml", `".."`},
		{"roles/../site.yml", `".."`}, // harmless, but a plan has no business naming ..
		{filepath.Join(outside, "evil.yml"), "outside the playbooks directory"},
		{"escape.yml", "outside the playbooks directory"},
		{"out/evil.yml", "outside the playbooks directory"},
		{"/etc/passwd", "not a .yml or .yaml file"},
		{"notes.txt", "not a .yml or .yaml file"},
		{"notes.yml", "not a .yml or .yaml file"},
		{"dir.yml", "not a regular file"},
		{"missing.yml", "no such file"},
		{"site.yml\x00.yml", "NUL"},
	}
	for _, tt := range refused {
		got, err := resolvePlaybook(dir, tt.name)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("resolvePlaybook(%q) = %q, %v; want an error containing %q", tt.name, got, err, tt.want)
		}
	}
}

func TestWithin(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"/srv/playbooks/a.yml", true},
		{"/srv/playbooks/sub/a.yml", true},
		{"/srv/playbooks", false},
		{"/srv/playbooks-evil/a.yml", false},
		{"/srv/a.yml", false},
		{"/srv/playbooks/..a.yml", true}, // a name starting with dots, not a parent
	}
	for _, tt := range tests {
		if got := within("/srv/playbooks", tt.path); got != tt.want {
			t.Errorf("within(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}
