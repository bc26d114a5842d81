// Which binary is the launcher: the dedicated one installed beside the
// worker, or the worker's own.

package sandbox

import (
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"

	"github.com/wingman-dev/wingman/plugins/sandbox/launch"
)

// LauncherName is the dedicated launcher's file name: cmd/wingsandbox,
// which `make build` puts beside wingworker and wingmand.
const LauncherName = "wingsandbox"

// Main makes the running binary the sandbox's launcher when Run started
// it as one, and otherwise returns at once: the fallback when no dedicated
// launcher is installed (Spec.Launcher empty). A binary that runs skills
// calls it first thing in main, before flags are parsed or anything is
// started; a test binary calls it first in TestMain. In a launcher it
// never returns: it execs the skill or exits with status 126.
func Main() { launch.Main() }

// FindLauncher returns the dedicated launcher beside the running
// executable, for Spec.Launcher. It links only the launcher's half of the
// sandbox, so it starts in a fraction of the time the worker's own binary
// takes, which initialises all of the worker's packages for every skill.
// When there is none it logs so and returns "": Run then re-executes the
// running binary, which must call Main. Elsewhere than Linux, where no
// skill is sandboxed, it returns "" quietly.
func FindLauncher(log *slog.Logger) string {
	if runtime.GOOS != "linux" {
		return ""
	}
	if log == nil {
		log = slog.Default()
	}
	exe, err := os.Executable()
	if err != nil {
		log.Warn("sandbox: cannot tell where this binary is; skills start it as their launcher, more slowly", "err", err)
		return ""
	}
	// Resolved once: what was checked is what each run starts.
	beside := filepath.Join(filepath.Dir(exe), LauncherName)
	path, err := filepath.EvalSymlinks(beside)
	if err == nil {
		err = usable(path, os.Geteuid() == 0)
	}
	if err != nil {
		log.Warn("sandbox: no usable launcher beside this binary; skills start this binary as their launcher, more slowly",
			"launcher", beside, "err", err)
		return ""
	}
	return path
}

// usable reports why the launcher at path (without symbolic links) is not
// to be used. It is the whole sandbox, started by path for every run: only
// root or the worker's own uid may be able to replace it, so the file and
// every folder above it must belong to one of them and be writable by no
// one else (a sticky folder such as /tmp excepted: others cannot rename or
// remove what they do not own). And the skills' uid must be able to
// execute it: a root worker starts it as that uid, which owns nothing here,
// so then the file must be executable by others and every folder above it
// searchable by others, where the worker's own binary, re-executed through
// /proc/self/exe, needs only the first. File modes only: an ACL could
// still refuse, and each run would then fail saying so.
func usable(path string, asOthers bool) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	exec := fs.FileMode(0o111)
	if asOthers {
		exec = 0o001
	}
	if !info.Mode().IsRegular() || info.Mode().Perm()&exec == 0 {
		return fmt.Errorf("%s: mode %s, not executable by the skills' uid: %w", path, info.Mode(), fs.ErrPermission)
	}
	if err := ownedSafely(path, info); err != nil {
		return err
	}
	for dir := filepath.Dir(path); ; dir = filepath.Dir(dir) {
		info, err := os.Stat(dir)
		if err != nil {
			return err
		}
		if asOthers && info.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("%s: mode %s, not searchable by the skills' uid: %w", dir, info.Mode(), fs.ErrPermission)
		}
		if err := ownedSafely(dir, info); err != nil {
			return err
		}
		if dir == filepath.Dir(dir) {
			return nil
		}
	}
}
