//go:build !unix

package sso

// lock is a no-op where flock is missing (Windows): each write is still
// atomic, and a renewal another process spent is taken from the file.
func (c Credentials) lock() (release func(), err error) { return func() {}, nil }
