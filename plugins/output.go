package plugins

import (
	"fmt"
	"sync"
	"unicode/utf8"
)

// DefaultMaxOutput is the output cap used when none is given: enough for a
// person to see what happened, small enough for every result to travel.
const DefaultMaxOutput = 64 << 10

// TruncatedMarker is what follows output that was cut, n being the number
// of bytes left out.
func TruncatedMarker(n int64) string {
	return fmt.Sprintf("…[truncated %d bytes]", n)
}

// Truncate returns s if it is at most max bytes long, and otherwise its
// first max bytes (fewer when that would split a UTF-8 sequence) followed by
// TruncatedMarker. A max of zero or less means DefaultMaxOutput.
func Truncate(s string, max int) string {
	if max <= 0 {
		max = DefaultMaxOutput
	}
	if len(s) <= max {
		return s
	}
	cut := completeRunes(s[:max])
	return s[:cut] + TruncatedMarker(int64(len(s)-cut))
}

// completeRunes returns the length of the longest prefix of s that does not
// end inside a UTF-8 sequence, so that cut output stays valid text.
func completeRunes(s string) int {
	for i := len(s) - 1; i >= 0 && i >= len(s)-utf8.UTFMax; i-- {
		if utf8.RuneStart(s[i]) {
			if utf8.FullRuneInString(s[i:]) {
				return len(s)
			}
			return i
		}
	}
	return len(s)
}

// A CappedBuffer is an io.Writer that keeps the first bytes written to it,
// up to its cap, and counts the rest. Write never fails and never blocks on
// a full buffer, so a chatty child process cannot stall on its output. It
// is safe for concurrent use.
type CappedBuffer struct {
	mu      sync.Mutex
	max     int
	buf     []byte // len(buf) <= max; guarded by mu
	dropped int64  // guarded by mu
}

// NewCappedBuffer returns a buffer that keeps at most max bytes; a max of
// zero or less means DefaultMaxOutput.
func NewCappedBuffer(max int) *CappedBuffer {
	if max <= 0 {
		max = DefaultMaxOutput
	}
	return &CappedBuffer{max: max}
}

// Write keeps what fits and counts the rest; it always reports len(p).
func (b *CappedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	keep := min(len(p), b.max-len(b.buf))
	b.buf = append(b.buf, p[:keep]...)
	b.dropped += int64(len(p) - keep)
	return len(p), nil
}

// Dropped returns how many bytes were written beyond the cap.
func (b *CappedBuffer) Dropped() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.dropped
}

// Kept returns the bytes kept, as they were written.
func (b *CappedBuffer) Kept() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

// String returns what was kept and, when bytes were dropped, the
// TruncatedMarker counting them.
func (b *CappedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dropped == 0 {
		return string(b.buf)
	}
	s := string(b.buf)
	cut := completeRunes(s)
	return s[:cut] + TruncatedMarker(b.dropped+int64(len(s)-cut))
}
