//go:build !unix

package bundle

// noFollow is not available here; os.Root still keeps opens inside the
// folder, and ReadDir refuses symlinks it lists.
const noFollow = 0
