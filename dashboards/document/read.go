package document

import (
	"fmt"
	"io"
	"os"
)

// ReadSpec reads a spec from r, named name in errors: at most one byte
// over the largest spec, so that a huge one is refused as too large by the
// decoder rather than read into memory.
func ReadSpec(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, DefaultMaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read spec %s: %w", name, err)
	}
	return data, nil
}

// ReadSpecFile reads a spec from a regular file: a device (/dev/zero) or
// a named pipe would never end.
func ReadSpecFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read spec: %w", err)
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		return nil, fmt.Errorf("read spec %s: not a regular file", path)
	}
	return ReadSpec(f, path)
}
