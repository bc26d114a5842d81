package launch

import (
	"reflect"
	"strings"
	"testing"
)

func TestConfigRoundTrip(t *testing.T) {
	c := Config{
		Path:          "/usr/bin/python3",
		Argv:          []string{"python3", "-B", "skill.py", ""},
		Env:           []string{"HOME=/tmp/x", "LANG=C.UTF-8"},
		Limits:        []Rlimit{{Resource: 0, Value: 30}, {Resource: 7, Value: 1<<64 - 1}},
		LastLimits:    []Rlimit{{Resource: 6, Value: 64}},
		Landlock:      true,
		LandlockFlags: 1 << 3,
		Seccomp:       []byte{0x20, 0, 0, 0, 4, 0, 0, 0},
	}
	got, err := decode(c.Encode())
	if err != nil || !reflect.DeepEqual(got, c) {
		t.Fatalf("decode(Encode(c)) = %+v, %v; want %+v", got, err, c)
	}
}

// Orders cut short anywhere, or with bytes to spare, are refused rather
// than half applied.
func TestConfigMalformed(t *testing.T) {
	b := Config{Path: "/bin/true", Argv: []string{"true"}, Limits: []Rlimit{{Resource: 1, Value: 2}}}.Encode()
	for n := range len(b) {
		if _, err := decode(b[:n]); err == nil {
			t.Errorf("decoding the first %d of %d bytes succeeded", n, len(b))
		}
	}
	if _, err := decode(append(b, 0)); err == nil {
		t.Error("decoding with a trailing byte succeeded")
	}
	// A count far beyond what follows fails without allocating it.
	huge := append([]byte{byte(len(version))}, version...)
	huge = append(huge, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)
	if _, err := decode(huge); err == nil {
		t.Error("decoding an impossible length succeeded")
	}
	// The Landlock flag is 0 or 1: a 2 is no reason to skip Landlock.
	var e encoder
	e.string(version)
	e.string("/bin/true")
	for range 4 { // argv, env, limits, last limits
		e.uint(0)
	}
	e.uint(2)
	e.uint(0)
	e.string("")
	if c, err := decode(e.b); err == nil {
		t.Errorf("decoding a Landlock flag of 2 succeeded: %+v", c)
	}
	e.b[len(e.b)-3] = 1
	if c, err := decode(e.b); err != nil || !c.Landlock {
		t.Errorf("decoding a Landlock flag of 1: %+v, %v", c, err)
	}
}

func TestConfigOtherVersion(t *testing.T) {
	b := Config{Path: "/bin/true"}.Encode()
	other := append([]byte{byte(len(version))}, strings.Replace(version, "1", "9", 1)...)
	other = append(other, b[1+len(version):]...)
	if _, err := decode(other); err == nil || !strings.Contains(err.Error(), "worker's build") {
		t.Errorf("decoding another version: %v", err)
	}
}
