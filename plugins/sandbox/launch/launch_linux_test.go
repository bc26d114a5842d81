package launch

import (
	"bytes"
	"math"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A filter is loaded whole or not at all: the kernel's length field is a
// uint16, and one instruction more than it holds must not load as a
// program cut short.
func TestSockFprog(t *testing.T) {
	one := []byte{0x06, 0, 0, 0, 0, 0, 0xff, 0x7f} // ret ALLOW
	for _, n := range []int{1, 4096, math.MaxUint16} {
		f, err := sockFprog(bytes.Repeat(one, n))
		if err != nil || int(f.Len) != n {
			t.Fatalf("%d instructions: %+v, %v", n, f, err)
		}
		got := unsafe.Slice((*byte)(unsafe.Pointer(f.Filter)), n*unix.SizeofSockFilter)
		if !bytes.Equal(got[:8], one) {
			t.Errorf("%d instructions: first one is %x", n, got[:8])
		}
	}
	for _, raw := range [][]byte{nil, one[:7], append(bytes.Repeat(one, 2), 0), bytes.Repeat(one, math.MaxUint16+1)} {
		if f, err := sockFprog(raw); err == nil {
			t.Errorf("a filter of %d bytes: Len %d, want refused", len(raw), f.Len)
		}
	}
}
