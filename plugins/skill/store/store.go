// Package store keeps the control plane's installed skills on disk, under
// <data-dir>/skills: community/<id>/ for skills from the marketplace and
// local/<id>/ for the user's own (placed there by hand). Every skill is
// checked by plugins/skill/trust when it is installed and again whenever
// it is read, so a file changed on disk is caught before a worker gets it.
// Service puts the marketplace in front of it for the API.
package store

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/semver"

	"github.com/wingman-dev/wingman/plugins/skill/bundle"
	"github.com/wingman-dev/wingman/plugins/skill/marketplace"
	"github.com/wingman-dev/wingman/plugins/skill/signature"
	"github.com/wingman-dev/wingman/plugins/skill/trust"
)

// Errors a caller tests with errors.Is.
var (
	// ErrRollback is wrapped when an install would replace a skill with an
	// older version, or the same version with other files, without force.
	ErrRollback = errors.New("store: older than the installed version")
	// ErrNotInstalled is wrapped when no skill has the id.
	ErrNotInstalled = errors.New("store: not installed")
	// ErrTaken is wrapped when a local skill already has the id.
	ErrTaken = errors.New("store: the id is taken by a local skill")
)

// Store is the installed skills. It is safe for concurrent use.
type Store struct {
	root string
	keys *signature.Keyring
	mu   sync.Mutex // serialises changes
}

// Installed is a skill on disk that passed its checks.
type Installed struct {
	trust.Admitted
	Bundle      bundle.Bundle
	InstalledAt time.Time
}

// Broken is a skill on disk that no longer passes them.
type Broken struct {
	ID     string
	Source trust.Source
	Err    error
}

// Open opens (making it when missing) the store at root, checking
// signatures with keys.
func Open(root string, keys *signature.Keyring) (*Store, error) {
	for _, src := range []trust.Source{trust.Community, trust.Local} {
		if err := os.MkdirAll(filepath.Join(root, string(src)), 0o755); err != nil {
			return nil, fmt.Errorf("skills store: %w", err)
		}
	}
	return &Store{root: root, keys: keys}, nil
}

func (s *Store) dir(src trust.Source, id string) string {
	return filepath.Join(s.root, string(src), id)
}

// read reads and checks the skill in dir.
func (s *Store) read(src trust.Source, id string) (Installed, error) {
	dir := s.dir(src, id)
	info, err := os.Lstat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return Installed{}, fmt.Errorf("%w: %s", ErrNotInstalled, id)
	}
	if err != nil {
		return Installed{}, fmt.Errorf("skill %s: %w", id, err)
	}
	if !info.IsDir() {
		return Installed{}, fmt.Errorf("skill %s: %s is not a folder", id, dir)
	}
	b, err := bundle.ReadDir(dir)
	if err != nil {
		return Installed{}, err
	}
	a, err := trust.Admit(b, src, s.keys)
	if err != nil {
		return Installed{}, err
	}
	if a.Manifest.ID != id {
		return Installed{}, fmt.Errorf("%w: folder %s holds skill %s", trust.ErrRefused, dir, a.Manifest.ID)
	}
	return Installed{Admitted: a, Bundle: b, InstalledAt: info.ModTime().UTC()}, nil
}

// Get returns the installed skill id, from the community or local folder.
func (s *Store) Get(id string) (Installed, error) {
	if !marketplace.ValidID(id) {
		return Installed{}, fmt.Errorf("%w: %q is not a skill id", ErrNotInstalled, id)
	}
	in, err := s.read(trust.Community, id)
	if errors.Is(err, ErrNotInstalled) {
		in, err = s.read(trust.Local, id)
	}
	return in, err
}

// List returns the skills that pass their checks and those that do not,
// each sorted by id.
func (s *Store) List() ([]Installed, []Broken, error) {
	var ok []Installed
	var broken []Broken
	for _, src := range []trust.Source{trust.Community, trust.Local} {
		entries, err := os.ReadDir(filepath.Join(s.root, string(src)))
		if err != nil {
			return nil, nil, fmt.Errorf("skills store: %w", err)
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") {
				continue // an install or removal in progress
			}
			in, err := s.read(src, e.Name())
			if err != nil {
				broken = append(broken, Broken{ID: e.Name(), Source: src, Err: err})
				continue
			}
			ok = append(ok, in)
		}
	}
	slices.SortFunc(ok, func(a, b Installed) int { return strings.Compare(a.Manifest.ID, b.Manifest.ID) })
	return ok, broken, nil
}

// Install checks b as a community skill and installs it, replacing the
// installed version. A version older than the installed one, or the same
// version with other files, is refused unless force. It returns the
// skill installed and the version it replaced ("" if none).
func (s *Store) Install(b bundle.Bundle, force bool) (Installed, string, error) {
	a, err := trust.Admit(b, trust.Community, s.keys)
	if err != nil {
		return Installed{}, "", err
	}
	m := a.Manifest
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := os.Lstat(s.dir(trust.Local, m.ID)); err == nil {
		return Installed{}, "", fmt.Errorf("%w: %s (skills/local/%s)", ErrTaken, m.ID, m.ID)
	}
	old, err := s.read(trust.Community, m.ID)
	had := err == nil
	previous := ""
	if had {
		previous = old.Manifest.Version
		switch c := semver.Compare("v"+m.Version, "v"+previous); {
		case c == 0 && sameFiles(old.Bundle, b):
			return old, previous, nil
		case c < 0 && !force:
			return Installed{}, previous, fmt.Errorf("%w: %s %s is older than the installed %s; force it to roll back", ErrRollback, m.ID, m.Version, previous)
		case c == 0 && !force:
			return Installed{}, previous, fmt.Errorf("%w: %s %s has other files than the installed %s %s; force it to replace them", ErrRollback, m.ID, m.Version, m.ID, previous)
		}
	} else if !errors.Is(err, ErrNotInstalled) && !errors.Is(err, trust.ErrRefused) {
		return Installed{}, "", err
	}
	// Write beside the final place, check what landed on disk, then swap.
	incoming := filepath.Join(s.root, string(trust.Community), "."+m.ID+"-"+random())
	if err := b.WriteDir(incoming, ""); err != nil {
		_ = os.RemoveAll(incoming)
		return Installed{}, previous, err
	}
	final := s.dir(trust.Community, m.ID)
	var retired string
	if _, err := os.Lstat(final); err == nil {
		retired = filepath.Join(s.root, string(trust.Community), ".old-"+m.ID+"-"+random())
		if err := os.Rename(final, retired); err != nil {
			_ = os.RemoveAll(incoming)
			return Installed{}, previous, fmt.Errorf("skills store: %w", err)
		}
	}
	if err := os.Rename(incoming, final); err != nil {
		_ = os.RemoveAll(incoming)
		if retired != "" {
			_ = os.Rename(retired, final)
		}
		return Installed{}, previous, fmt.Errorf("skills store: %w", err)
	}
	if retired != "" {
		_ = os.RemoveAll(retired)
	}
	in, err := s.read(trust.Community, m.ID)
	return in, previous, err
}

// Remove removes a community skill. Local skills are the user's files,
// removed by hand.
func (s *Store) Remove(id string) (Installed, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !marketplace.ValidID(id) {
		return Installed{}, fmt.Errorf("%w: %q is not a skill id", ErrNotInstalled, id)
	}
	dir := s.dir(trust.Community, id)
	if _, err := os.Lstat(dir); err != nil {
		if _, lerr := os.Lstat(s.dir(trust.Local, id)); lerr == nil {
			return Installed{}, fmt.Errorf("%w: %s is a local skill; remove skills/local/%s by hand", ErrTaken, id, id)
		}
		return Installed{}, fmt.Errorf("%w: %s", ErrNotInstalled, id)
	}
	in, _ := s.read(trust.Community, id) // a broken skill is removed too
	retired := filepath.Join(s.root, string(trust.Community), ".old-"+id+"-"+random())
	if err := os.Rename(dir, retired); err != nil {
		return Installed{}, fmt.Errorf("skills store: %w", err)
	}
	if err := os.RemoveAll(retired); err != nil {
		return in, fmt.Errorf("skills store: %w", err)
	}
	return in, nil
}

func sameFiles(a, b bundle.Bundle) bool {
	names := a.Names()
	if !slices.Equal(names, b.Names()) {
		return false
	}
	for _, n := range names {
		da, _ := a.Digest(n)
		db, _ := b.Digest(n)
		if da != db {
			return false
		}
	}
	return true
}

func random() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
