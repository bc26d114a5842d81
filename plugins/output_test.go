package plugins

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		s    string
		max  int
		want string
	}{
		{"hello", 5, "hello"},
		{"hello", 10, "hello"},
		{"hello world", 5, "hello…[truncated 6 bytes]"},
		{"", 3, ""},
		// "é" is two bytes: cutting after its first byte would leave an
		// invalid sequence, so the cut moves before it.
		{"caféteria", 4, "caf…[truncated 7 bytes]"},
		{"caféteria", 5, "café…[truncated 5 bytes]"},
		{"日本語", 4, "日…[truncated 6 bytes]"},
		{strings.Repeat("x", DefaultMaxOutput+1), 0, strings.Repeat("x", DefaultMaxOutput) + "…[truncated 1 bytes]"},
	}
	for _, tt := range tests {
		got := Truncate(tt.s, tt.max)
		if got != tt.want {
			t.Errorf("Truncate(%.20q, %d) = %.60q, want %.60q", tt.s, tt.max, got, tt.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("Truncate(%.20q, %d) is not valid UTF-8", tt.s, tt.max)
		}
	}
}

func TestCappedBuffer(t *testing.T) {
	b := NewCappedBuffer(10)
	for _, s := range []string{"0123", "4567", "89ab", "cdef"} {
		if n, err := b.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", s, n, err)
		}
	}
	if got, want := b.String(), "0123456789…[truncated 6 bytes]"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	if b.Kept() != "0123456789" || b.Dropped() != 6 {
		t.Errorf("Kept = %q, Dropped = %d", b.Kept(), b.Dropped())
	}

	small := NewCappedBuffer(10)
	fmt.Fprint(small, "short")
	if small.String() != "short" || small.Dropped() != 0 {
		t.Errorf("under the cap: %q, dropped %d", small.String(), small.Dropped())
	}

	// A rune split at the cap is left out whole.
	u := NewCappedBuffer(4)
	fmt.Fprint(u, "abcé")
	if got, want := u.String(), "abc…[truncated 2 bytes]"; got != want {
		t.Errorf("split rune: %q, want %q", got, want)
	}
}

func TestCappedBufferConcurrent(t *testing.T) {
	b := NewCappedBuffer(1000)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				b.Write([]byte("0123456789"))
			}
		})
	}
	wg.Wait()
	if len(b.Kept()) != 1000 || b.Dropped() != 7000 {
		t.Fatalf("kept %d, dropped %d", len(b.Kept()), b.Dropped())
	}
}
