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

// applyLandlock restricts the calling thread, which must be locked to its
// goroutine and never unlocked, and which must have no_new_privs set. The
// rest of the runtime's threads stay unrestricted unless the kernel can
// synchronise them (ABI 8): the launcher only ever execs from this one.
func applyLandlock(cfg launchConfig) error {
	abi, err := landlockABI()
	if err != nil {
		return err
	}
	var rules []landlock.Rule
	for _, p := range systemReadOnly {
		rule, err := readOnly(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue // not every distribution has /lib32 or /libx32
		}
		if err != nil {
			return err
		}
		rules = append(rules, rule)
	}
	for _, p := range cfg.ReadOnly {
		rule, err := readOnly(p)
		if err != nil {
			return err
		}
		rules = append(rules, rule)
	}
	rules = append(rules, landlock.RWFiles("/dev/null"))
	scratch := landlock.RWDirs(cfg.Scratch)
	if abi >= 2 {
		// Moving files between folders of the scratch; asking for it on
		// ABI 1 would make the library enforce nothing at all.
		scratch = scratch.WithRefer()
	}
	rules = append(rules, scratch)

	fd, flags, err := handledLandlock.NewRulesetFD(rules...)
	if err != nil {
		return fmt.Errorf("landlock ruleset: %w", err)
	}
	if fd < 0 {
		return errors.New("landlock: nothing to enforce on this kernel")
	}
	defer unix.Close(fd)
	if abi >= 8 {
		flags |= ll.FlagRestrictSelfTSync
	}
	if err := ll.LandlockRestrictSelf(fd, flags); err != nil {
		return fmt.Errorf("landlock_restrict_self: %w", err)
	}
	return nil
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
