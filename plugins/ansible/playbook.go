package ansible

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// resolvePlaybook returns the real path of the playbook name, relative to
// dir or absolute, refusing anything that is not a .yml or .yaml regular
// file inside dir once every symlink is resolved. dir must be a real path
// (no symlinks), as New makes it. A name with a ".." element is refused
// before anything is resolved: a plan has no business naming one.
func resolvePlaybook(dir, name string) (string, error) {
	if name == "" {
		return "", errors.New("param playbook: empty")
	}
	if strings.ContainsRune(name, 0) {
		return "", errors.New("param playbook: contains a NUL byte")
	}
	for _, el := range strings.Split(filepath.ToSlash(name), "/") {
		if el == ".." {
			return "", fmt.Errorf("param playbook: %q may not contain a \"..\" element", name)
		}
	}
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	path = filepath.Clean(path)
	if !hasPlaybookExt(path) {
		return "", fmt.Errorf("param playbook: %q is not a .yml or .yaml file", name)
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", fmt.Errorf("param playbook: %w", err)
	}
	if !within(dir, real) {
		return "", fmt.Errorf("param playbook: %q is outside the playbooks directory %s", name, dir)
	}
	// A link inside the directory may name a file of another kind.
	if !hasPlaybookExt(real) {
		return "", fmt.Errorf("param playbook: %q leads to %s, not a .yml or .yaml file", name, real)
	}
	st, err := os.Stat(real)
	if err != nil {
		return "", fmt.Errorf("param playbook: %w", err)
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("param playbook: %q is not a regular file", name)
	}
	return real, nil
}

func hasPlaybookExt(path string) bool {
	ext := filepath.Ext(path)
	return ext == ".yml" || ext == ".yaml"
}

// within reports whether path lies strictly inside dir; both are clean
// absolute paths.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != "." && rel != ".." &&
		!strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
