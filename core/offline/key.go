package offline

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// SyncKey returns the worker's sync key from state/sync.key in the buffer
// folder dir, making one (256 random bits, mode 0600) the first time.
func SyncKey(dir string) (string, error) {
	path := filepath.Join(dir, "state", "sync.key")
	data, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(data))) >= 32 {
		return strings.TrimSpace(string(data)), nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("read sync key: %w", err)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make sync key: %w", err)
	}
	key := hex.EncodeToString(b)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("make sync key: %w", err)
	}
	if err := writeAtomic(filepath.Dir(path), "sync.key", []byte(key+"\n")); err != nil {
		return "", fmt.Errorf("make sync key: %w", err)
	}
	return key, nil
}
