package external

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/wingman-dev/wingman/plugins"
)

// An Option configures Load.
type Option func(*config)

type config struct {
	describeTimeout time.Duration
	callTimeout     time.Duration
}

// WithDescribeTimeout bounds each plugin's describe call (default
// DefaultDescribeTimeout).
func WithDescribeTimeout(d time.Duration) Option {
	return func(c *config) { c.describeTimeout = d }
}

// WithCallTimeout bounds each action verb call (default
// DefaultCallTimeout); the action's own timeout bounds it too.
func WithCallTimeout(d time.Duration) Option {
	return func(c *config) { c.callTimeout = d }
}

// Load finds the plugins in dir and asks each to describe itself. A plugin
// is a regular file with an execute bit; dot files, subdirectories and
// files without an execute bit are skipped, so data and documentation can
// sit beside plugins. Symlinks, other special files, files anyone may
// write, and files whose describe fails or repeats an ID are refused.
//
// Load returns the plugins it loaded, in file name order, and an error
// naming each file it refused; the caller decides whether a partial load
// will do.
func Load(dir string, opts ...Option) ([]plugins.Plugin, error) {
	cfg := config{describeTimeout: DefaultDescribeTimeout, callTimeout: DefaultCallTimeout}
	for _, o := range opts {
		o(&cfg)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("external: %w", err)
	}
	var (
		loaded []plugins.Plugin
		errs   []error
		byID   = map[string]string{} // ID → path
	)
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		p, err := load(path, e, cfg)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("external plugin %s: %w", path, err))
		case p == nil: // not a plugin
		case byID[p.id] != "":
			errs = append(errs, fmt.Errorf("external plugin %s: refused: id %q already taken by %s", path, p.id, byID[p.id]))
		default:
			byID[p.id] = path
			loaded = append(loaded, p)
		}
	}
	return loaded, errors.Join(errs...)
}

// load checks one directory entry and describes it; it returns nil, nil
// for an entry that is not meant as a plugin.
func load(path string, e fs.DirEntry, cfg config) (*adapter, error) {
	switch {
	case strings.HasPrefix(e.Name(), "."), e.IsDir():
		return nil, nil
	case e.Type()&fs.ModeSymlink != 0:
		// What a link points to can change without the folder changing:
		// a plugin is the file in the folder, nothing else.
		return nil, errors.New("refused: a symlink; install the plugin file itself")
	case !e.Type().IsRegular():
		return nil, errors.New("refused: not a regular file")
	}
	info, err := e.Info()
	if err != nil {
		return nil, err
	}
	perm := info.Mode().Perm()
	if perm&0o111 == 0 {
		return nil, nil
	}
	if perm&0o002 != 0 {
		return nil, errors.New("refused: anyone may write it (chmod o-w)")
	}

	resp, err := call(context.Background(), path, cfg.describeTimeout, request{Verb: verbDescribe})
	if err != nil {
		return nil, fmt.Errorf("describe: %w", err)
	}
	if resp.OK != nil && !*resp.OK {
		return nil, fmt.Errorf("describe: not ok: %s", resp.Message)
	}
	if !validName(resp.ID) {
		return nil, fmt.Errorf("describe: %w: id %q does not match ^[a-z][a-z0-9_-]{0,63}$", ErrProtocol, resp.ID)
	}
	actions := slices.Sorted(slices.Values(resp.Actions))
	if len(actions) == 0 {
		return nil, fmt.Errorf("describe: %w: no actions", ErrProtocol)
	}
	for i, a := range actions {
		if !validName(a) {
			return nil, fmt.Errorf("describe: %w: action %q does not match ^[a-z][a-z0-9_-]{0,63}$", ErrProtocol, a)
		}
		if i > 0 && actions[i-1] == a {
			return nil, fmt.Errorf("describe: %w: action %q listed twice", ErrProtocol, a)
		}
	}
	return &adapter{path: path, id: resp.ID, actions: actions, callTimeout: cfg.callTimeout}, nil
}

// validName reports whether s matches ^[a-z][a-z0-9_-]{0,63}$, the form
// of plugin IDs and action names.
func validName(s string) bool {
	if s == "" || len(s) > 64 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
