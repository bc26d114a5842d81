// Who may change the launcher.

package sandbox

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// ownedSafely refuses a file or folder that someone other than root and
// the worker's uid could change.
func ownedSafely(path string, info fs.FileInfo) error {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return fmt.Errorf("%s: no owner to check: %w", path, fs.ErrPermission)
	}
	if st.Uid != 0 && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("%s: owned by uid %d, neither root nor this worker's: %w", path, st.Uid, fs.ErrPermission)
	}
	if info.Mode().Perm()&0o022 != 0 && !(info.IsDir() && info.Mode()&fs.ModeSticky != 0) {
		return fmt.Errorf("%s: mode %s, writable by others than its owner: %w", path, info.Mode(), fs.ErrPermission)
	}
	return nil
}
