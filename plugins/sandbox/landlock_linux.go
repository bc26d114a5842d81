// The Landlock layer: which files a skill may read, run and write, and no
// network or IPC out of its sandbox.

package sandbox

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/landlock-lsm/go-landlock/landlock"
	ll "github.com/landlock-lsm/go-landlock/landlock/syscall"
	"golang.org/x/sys/unix"
)

// systemReadOnly is what every skill may read and execute: the loader, the
// shared libraries and the interpreters. Of /etc only the loader's cache and
// the time zone: the rest says too much about the host (users, hosts,
// credentials of other services).
var systemReadOnly = []string{
	"/usr", "/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin",
	"/etc/ld.so.cache", "/etc/localtime",
	"/dev/zero", "/dev/random", "/dev/urandom",
}

// handledLandlock is every right the library knows, down to what the kernel
// has: whatever is not granted below is denied, including TCP and UDP bind
// and connect, signals to processes outside the sandbox and abstract UNIX
// sockets. Denials by the skill go to the audit log.
var handledLandlock = landlock.V11.BestEffort().EnableLoggingForSubprocesses()

// landlockABI is the kernel's Landlock ABI version, 0 without Landlock.
func landlockABI() (int, error) {
	v, err := ll.LandlockGetABIVersion()
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("landlock ABI version: %w", err)
	}
	return v, nil
}

// landlockRuleset makes the ruleset the launcher enforces: it is made here,
// in the worker, so that the launcher links no Landlock library and only
// makes the one system call that enforces it (with flags, which say to
// synchronise every thread of the launcher where the kernel can, from
// ABI 8). The rules name files as the worker opens them; the skill's uid
// still needs the file modes to reach them. The caller closes the file.
func landlockRuleset(readOnlyPaths []string, scratch string, abi int) (*os.File, uint32, error) {
	var rules []landlock.Rule
	for _, p := range systemReadOnly {
		rule, err := readOnly(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue // not every distribution has /lib32 or /libx32
		}
		if err != nil {
			return nil, 0, err
		}
		rules = append(rules, rule)
	}
	for _, p := range readOnlyPaths {
		rule, err := readOnly(p)
		if err != nil {
			return nil, 0, err
		}
		rules = append(rules, rule)
	}
	rules = append(rules, landlock.RWFiles("/dev/null"))
	rw := landlock.RWDirs(scratch)
	if abi >= 2 {
		// Moving files between folders of the scratch; asking for it on
		// ABI 1 would make the library enforce nothing at all.
		rw = rw.WithRefer()
	}
	rules = append(rules, rw)

	fd, flags, err := handledLandlock.NewRulesetFD(rules...)
	if err != nil {
		return nil, 0, fmt.Errorf("landlock ruleset: %w", err)
	}
	if fd < 0 {
		return nil, 0, errors.New("landlock: nothing to enforce on this kernel")
	}
	if abi >= 8 {
		flags |= ll.FlagRestrictSelfTSync
	}
	return os.NewFile(uintptr(fd), "landlock-ruleset"), flags, nil
}

// readOnly grants read and execute under path, with the rights that fit a
// file or a folder: the kernel refuses folder rights on a file.
func readOnly(path string) (landlock.Rule, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("landlock: %w", err)
	}
	if info.IsDir() {
		return landlock.RODirs(path), nil
	}
	return landlock.ROFiles(path), nil
}
