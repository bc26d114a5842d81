//go:build unix

package filelog

import (
	"os"
	"syscall"
)

// removed reports whether the open file info describes has no name left:
// it was deleted, not renamed.
func removed(info os.FileInfo) bool {
	st, ok := info.Sys().(*syscall.Stat_t)
	return ok && st.Nlink == 0
}
