package sqlstore

import (
	"crypto/rand"
	"encoding/hex"
)

// newID returns prefix and n random bytes in hex. Plans use two bytes so
// their ids stay short enough to type (pl-7f3a); CreatePlan widens the id
// when a short one is taken.
func newID(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return prefix + hex.EncodeToString(b)
}
