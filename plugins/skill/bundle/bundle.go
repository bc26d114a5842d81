// Package bundle holds a skill's files in memory, as they travel from the
// marketplace to the control plane and from it to workers. Every way in
// (a map from the network, a folder on disk) checks names and sizes the
// same way: relative clean paths only, no symlinks or device files, and
// caps on the number of files and their size, so that a hostile skill
// cannot write outside its folder or fill a disk.
package bundle

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/wingman-dev/wingman/plugins/skill/manifest"
)

// Caps on what one skill may hold.
const (
	MaxFiles     = 64
	MaxFileSize  = 16 << 20
	MaxTotalSize = 32 << 20
)

// ErrTooLarge is wrapped when a skill breaks one of the caps.
var ErrTooLarge = errors.New("bundle: skill too large")

// Bundle is a skill's files by path relative to its folder ("skill.py",
// "lib/x.py"). It is immutable once made.
type Bundle struct {
	files map[string][]byte
}

// New checks files and returns them as a bundle. The map is copied.
func New(files map[string][]byte) (Bundle, error) {
	if len(files) > MaxFiles {
		return Bundle{}, fmt.Errorf("%w: %d files, at most %d", ErrTooLarge, len(files), MaxFiles)
	}
	total := 0
	out := make(map[string][]byte, len(files))
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := manifest.CheckPath(name); err != nil {
			return Bundle{}, fmt.Errorf("bundle: %w", err)
		}
		data := files[name]
		if len(data) > MaxFileSize {
			return Bundle{}, fmt.Errorf("%w: %s is %d bytes, at most %d", ErrTooLarge, name, len(data), MaxFileSize)
		}
		total += len(data)
		if total > MaxTotalSize {
			return Bundle{}, fmt.Errorf("%w: more than %d bytes in all", ErrTooLarge, MaxTotalSize)
		}
		out[name] = slices.Clone(data)
	}
	// A file and a folder of the same name cannot both be written.
	for name := range out {
		for dir := parent(name); dir != ""; dir = parent(dir) {
			if _, clash := out[dir]; clash {
				return Bundle{}, fmt.Errorf("bundle: %s is both a file and the folder of %s", dir, name)
			}
		}
	}
	return Bundle{files: out}, nil
}

func parent(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			return name[:i]
		}
	}
	return ""
}

// Names lists the files, sorted.
func (b Bundle) Names() []string { return slices.Sorted(maps.Keys(b.files)) }

// File returns a file's content and whether the bundle has it. The slice
// must not be changed.
func (b Bundle) File(name string) ([]byte, bool) {
	data, ok := b.files[name]
	return data, ok
}

// Files returns a copy of every file, for the wire.
func (b Bundle) Files() map[string][]byte {
	out := make(map[string][]byte, len(b.files))
	for k, v := range b.files {
		out[k] = slices.Clone(v)
	}
	return out
}

// Digest is the SHA-256 of a file's content.
func (b Bundle) Digest(name string) ([32]byte, bool) {
	data, ok := b.files[name]
	if !ok {
		return [32]byte{}, false
	}
	return sha256.Sum256(data), true
}

// Manifest parses the bundle's manifest.yaml.
func (b Bundle) Manifest() (*manifest.Manifest, error) {
	data, ok := b.files[manifest.FileName]
	if !ok {
		return nil, fmt.Errorf("bundle: no %s", manifest.FileName)
	}
	m, err := manifest.Parse(data, manifest.FileName)
	if err != nil {
		return nil, err
	}
	if _, ok := b.files[m.Entrypoint]; !ok {
		return nil, &manifest.Error{File: manifest.FileName, Problems: []manifest.Problem{{Field: "entrypoint",
			Reason: fmt.Sprintf("%q is not among the skill's files (%v)", m.Entrypoint, b.Names())}}}
	}
	return m, nil
}
