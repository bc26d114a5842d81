// The escape suite: from inside a sandboxed skill, every way out fails, and
// how it fails is asserted. Where a layer is what stops an escape, a control
// run without that layer (a degraded run) shows the same skill getting
// through, so that a denial is never the accident of something else. Here:
// the network, other processes, namespaces and mounts, files.

package sandbox

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestEscapeNetwork(t *testing.T) { eachLauncher(t, testEscapeNetwork) }

func testEscapeNetwork(t *testing.T, launcher string) {
	needPython(t)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	conns := make(chan net.Conn, 10)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns <- c
		}
	}()
	udp, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	tcpPort := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	udpPort := strconv.Itoa(udp.LocalAddr().(*net.UDPAddr).Port)
	spec := pythonSpec(skillDir(t), "network.py", tcpPort, udpPort)
	spec.Launcher = launcher

	res := runSkill(t, spec)
	expect(t, res, map[string]string{
		"tcp-connect":   "denied EPERM",
		"tcp-listen":    "denied EPERM",
		"tcp6-listen":   "denied EPERM",
		"udp-send":      "denied EPERM",
		"unix-abstract": "denied EPERM",
		"netlink":       "denied EPERM",
		"packet":        "denied EPERM",
		"socketpair":    "denied EPERM",
	})
	select {
	case c := <-conns:
		c.Close()
		t.Fatal("the listener was reached from inside the sandbox")
	case <-time.After(100 * time.Millisecond): // an accepted connection would be here by now
	}
	_ = udp.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if n, _, err := udp.ReadFrom(make([]byte, 64)); err == nil {
		t.Fatalf("a %d-byte datagram got out of the sandbox", n)
	}

	// Landlock alone (ABI 4 and up) still refuses TCP: a second wall.
	sup := full(t)
	if sup.LandlockABI < 4 {
		t.Skipf("Landlock ABI %d restricts no TCP", sup.LandlockABI)
	}
	res = control(t, spec, Support{LandlockABI: sup.LandlockABI})
	expect(t, res, map[string]string{
		"tcp-connect": "denied EACCES",
		"tcp-listen":  "denied EACCES",
		"tcp6-listen": "denied EACCES",
	})
	select {
	case c := <-conns:
		c.Close()
		t.Fatal("the listener was reached with Landlock's network rules")
	case <-time.After(100 * time.Millisecond):
	}
}

func TestEscapeProcesses(t *testing.T) {
	needPython(t)
	spec := pythonSpec(skillDir(t), "process.py")
	res := runSkill(t, spec)
	expect(t, res, map[string]string{
		"ptrace-parent":  "denied EPERM",
		"vm-read-parent": "denied EPERM",
		"signal-parent":  "denied EPERM",
		"ptrace-child":   "denied EPERM",
	})

	// Without seccomp, tracing its own child is allowed: the filter is
	// what stops it.
	res = control(t, spec, Support{LandlockABI: full(t).LandlockABI})
	expect(t, res, map[string]string{"ptrace-child": "allowed"})
}

func TestEscapeNamespacesAndMounts(t *testing.T) {
	needPython(t)
	spec := pythonSpec(skillDir(t), "namespaces.py")
	res := runSkill(t, spec)
	expect(t, res, map[string]string{
		"unshare-user":   "denied EPERM",
		"unshare-mount":  "denied EPERM",
		"unshare-net":    "denied EPERM",
		"clone-newuser":  "denied EPERM",
		"clone3-newuser": "denied ENOSYS",
		"mount":          "denied EPERM",
		"umount":         "denied EPERM",
		"chroot":         "denied EPERM",
		"setsid":         "denied EPERM",
		"setpgid":        "denied EPERM",
	})

	// Without seccomp, a user namespace (root inside it, mounts next) and
	// a process group of its own are there for the taking.
	res = control(t, spec, Support{LandlockABI: full(t).LandlockABI})
	expect(t, res, map[string]string{
		"unshare-user":  "allowed",
		"clone-newuser": "allowed",
		"setpgid":       "allowed",
	})
}

func TestEscapeFiles(t *testing.T) { eachLauncher(t, testEscapeFiles) }

func testEscapeFiles(t *testing.T, launcher string) {
	needPython(t)
	needLayer(t, LayerLandlock)
	dir := skillDir(t)
	outside, token := outsideDir(t)
	scratch := openDir(t, 0o700)
	// A link planted in the scratch folder before the run, as an earlier
	// run of a skill might leave it.
	if err := os.Symlink(token, filepath.Join(scratch, "planted")); err != nil {
		t.Fatal(err)
	}
	// In /tmp itself, which anyone may write to.
	tmp := filepath.Join(os.TempDir(), "wingman-escaped-"+strconv.Itoa(os.Getpid()))
	t.Cleanup(func() { _ = os.Remove(tmp) })
	spec := pythonSpec(dir, "files.py", token, outside, tmp)
	spec.Scratch = scratch
	spec.Launcher = launcher

	res := runSkill(t, spec)
	expect(t, res, map[string]string{
		"read-token":        "denied EACCES",
		"list-outside":      "denied EACCES",
		"read-etc":          "denied EACCES",
		"read-proc":         "denied EACCES",
		"read-skill":        "allowed",
		"write-outside":     "denied EACCES",
		"write-skill":       "denied EACCES",
		"truncate-skill":    "denied EACCES",
		"write-tmp":         "denied EACCES",
		"write-scratch":     "allowed",
		"symlink-planted":   "denied EACCES",
		"symlink-read":      "denied EACCES",
		"symlink-dir-read":  "denied EACCES",
		"symlink-dir-write": "denied EACCES",
		"symlink-write":     "denied EACCES",
		"hardlink":          "denied", // EXDEV or EACCES, by ABI
		"rename-out":        "denied",
		"dotdot-read":       "denied EACCES",
	})
	if strings.Contains(string(res.Stdout)+string(res.Stderr), secretToken) {
		t.Error("the token's content came out of the sandbox")
	}
	for _, f := range []string{filepath.Join(outside, "escaped"), filepath.Join(dir, "escaped"), tmp} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("the skill wrote %s", f)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "victim.txt")); err != nil || string(b) != "keep me\n" {
		t.Errorf("victim.txt = %q, %v", b, err)
	}

	// Without Landlock, nobody's file modes alone let the token out.
	res = control(t, spec, Support{Seccomp: true})
	expect(t, res, map[string]string{"read-token": "allowed"})
}
