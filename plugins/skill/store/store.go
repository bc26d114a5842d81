// Package store keeps the control plane's installed skills.
//
// Skills from the marketplace (community) live in Wingman's database
// (core/store), which every wingmand replica shares: installed once,
// through any replica, they are the set every replica serves its workers.
// Local skills, the user's own, are folders placed by hand under
// <data-dir>/skills/local/<id>/ and stay on the disk of the replica they
// were placed on: with several replicas, place them on each one, or a
// worker gets them only from the replicas that have them.
//
// Every skill is checked by plugins/skill/trust when it is installed and
// again whenever it is read, so files changed in the database or on disk
// are caught before a worker gets them. Service puts the marketplace in
// front of it for the API.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/semver"

	"github.com/wingman-dev/wingman/core/domain"
	corestore "github.com/wingman-dev/wingman/core/store"
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

// errDatabase is wrapped by a failure of the database, which, unlike the
// other errors of a read, says nothing about the skill.
var errDatabase = errors.New("skills store")

// errAdded is an install's first write finding the skill added by
// another transaction since it looked.
var errAdded = fmt.Errorf("%w: the skill was installed meanwhile", errDatabase)

// Store is the installed skills. It is safe for concurrent use, and any
// number of Stores, in as many replicas, may share one database.
type Store struct {
	db    corestore.Store
	local string // <data-dir>/skills/local
	keys  *signature.Keyring
}

// Installed is a skill that passed its checks.
type Installed struct {
	trust.Admitted
	Bundle      bundle.Bundle
	InstalledAt time.Time
}

// Broken is a skill that no longer passes them.
type Broken struct {
	ID     string
	Source trust.Source
	Err    error
}

// Open opens the store: the marketplace skills in db, the local skills
// under root/local (made when missing), their signatures checked with
// keys.
func Open(db corestore.Store, root string, keys *signature.Keyring) (*Store, error) {
	local := filepath.Join(root, string(trust.Local))
	if err := os.MkdirAll(local, 0o755); err != nil {
		return nil, fmt.Errorf("skills store: %w", err)
	}
	return &Store{db: db, local: local, keys: keys}, nil
}

// maxStored bounds a row's encoded files: a bundle at its caps, in
// base64, with its names (200 characters at most, each escaped to 6 at
// worst, as \u003c). A larger row was not written by an install and is
// refused before it is decoded.
const maxStored = (bundle.MaxTotalSize+2)/3*4 + bundle.MaxFiles*2048

// encode is how a skill's files are kept in the database: a JSON object
// from each path to its content.
func encode(b bundle.Bundle) ([]byte, error) {
	data, err := json.Marshal(b.Files())
	if err != nil {
		return nil, fmt.Errorf("skills store: encode: %w", err)
	}
	return data, nil
}

// fromRow decodes and checks a marketplace skill as the database keeps it.
// Whoever can write to the database must not get a skill past the checks
// that an install runs, so the row is trusted no more than the registry.
func (s *Store) fromRow(row domain.StoredSkill) (Installed, error) {
	if len(row.Files) > maxStored {
		return Installed{}, fmt.Errorf("%w: skill %s: its stored files take %d bytes, more than an install ever stores (%d)",
			trust.ErrRefused, row.ID, len(row.Files), maxStored)
	}
	var files map[string][]byte
	if err := json.Unmarshal(row.Files, &files); err != nil {
		return Installed{}, fmt.Errorf("%w: skill %s: its stored files do not decode: %w", trust.ErrRefused, row.ID, err)
	}
	b, err := bundle.New(files)
	if err != nil {
		return Installed{}, fmt.Errorf("%w: skill %s: %w", trust.ErrRefused, row.ID, err)
	}
	in, err := s.admit(b, trust.Community, row.ID, "the database's row "+row.ID, row.InstalledAt)
	if err == nil && in.Manifest.Version != row.Version {
		return Installed{}, fmt.Errorf("%w: the database's row %s says version %s, its files %s", trust.ErrRefused, row.ID, row.Version, in.Manifest.Version)
	}
	return in, err
}

// readLocal reads and checks the local skill id.
func (s *Store) readLocal(id string) (Installed, error) {
	dir := filepath.Join(s.local, id)
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
	return s.admit(b, trust.Local, id, "folder "+dir, info.ModTime().UTC())
}

// admit checks b, kept under id in where, as a skill from src.
func (s *Store) admit(b bundle.Bundle, src trust.Source, id, where string, at time.Time) (Installed, error) {
	a, err := trust.Admit(b, src, s.keys)
	if err != nil {
		return Installed{}, err
	}
	if a.Manifest.ID != id {
		return Installed{}, fmt.Errorf("%w: %s holds skill %s", trust.ErrRefused, where, a.Manifest.ID)
	}
	return Installed{Admitted: a, Bundle: b, InstalledAt: at}, nil
}

// Get returns the installed skill id: the marketplace's, else the local
// one.
func (s *Store) Get(ctx context.Context, id string) (in Installed, err error) {
	var inner error
	err = s.db.View(ctx, func(tx corestore.Tx) error {
		in, inner = s.GetIn(tx, id)
		return nil
	})
	if err != nil {
		return Installed{}, fmt.Errorf("%w: %w", errDatabase, err)
	}
	return in, inner
}

// GetIn is Get inside the caller's transaction: a check made while a plan
// is proposed reads through the proposing transaction rather than wait
// for a second connection.
func (s *Store) GetIn(tx corestore.Tx, id string) (Installed, error) {
	if !marketplace.ValidID(id) {
		return Installed{}, fmt.Errorf("%w: %q is not a skill id", ErrNotInstalled, id)
	}
	row, err := tx.GetSkill(id, false)
	switch {
	case err == nil:
		return s.fromRow(row)
	case errors.Is(err, domain.ErrNotFound):
		return s.readLocal(id)
	}
	return Installed{}, fmt.Errorf("%w: %w", errDatabase, err)
}

// List returns the skills that pass their checks and those that do not,
// each sorted by id. A local skill with the id of a marketplace one is
// broken: the marketplace's is the one every replica serves. (An install
// refuses an id a local skill has, but only on the replica that has it.)
func (s *Store) List(ctx context.Context) ([]Installed, []Broken, error) {
	var rows []domain.StoredSkill
	err := s.db.View(ctx, func(tx corestore.Tx) (err error) {
		rows, err = tx.ListSkills()
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", errDatabase, err)
	}
	var ok []Installed
	var broken []Broken
	community := make(map[string]bool, len(rows))
	for _, row := range rows {
		community[row.ID] = true
		in, err := s.fromRow(row)
		if err != nil {
			broken = append(broken, Broken{ID: row.ID, Source: trust.Community, Err: err})
			continue
		}
		ok = append(ok, in)
	}
	entries, err := os.ReadDir(s.local)
	if err != nil {
		return nil, nil, fmt.Errorf("skills store: %w", err)
	}
	for _, e := range entries {
		id := e.Name()
		if strings.HasPrefix(id, ".") {
			continue // hidden, as an editor's or a copy's leftovers are: never a skill id
		}
		if community[id] {
			broken = append(broken, Broken{ID: id, Source: trust.Local,
				Err: fmt.Errorf("skill %s is installed from the marketplace too, which wins; rename or remove skills/local/%s", id, id)})
			continue
		}
		in, err := s.readLocal(id)
		if err != nil {
			broken = append(broken, Broken{ID: id, Source: trust.Local, Err: err})
			continue
		}
		ok = append(ok, in)
	}
	slices.SortFunc(ok, func(a, b Installed) int { return strings.Compare(a.Manifest.ID, b.Manifest.ID) })
	return ok, broken, nil
}

// Install checks b as a community skill and installs it, replacing the
// installed version. A version older than the installed one, or the same
// version with other files, is refused unless force; an installed version
// that fails its checks is replaced whatever its version. It returns the
// skill installed, the version it found installed ("" if none) and
// whether it wrote: the same version with the same files, installed by
// another replica meanwhile, is left as it is.
func (s *Store) Install(ctx context.Context, b bundle.Bundle, force bool) (Installed, string, bool, error) {
	a, err := trust.Admit(b, trust.Community, s.keys)
	if err != nil {
		return Installed{}, "", false, err
	}
	m := a.Manifest
	if _, err := os.Lstat(filepath.Join(s.local, m.ID)); err == nil {
		return Installed{}, "", false, fmt.Errorf("%w: %s (skills/local/%s)", ErrTaken, m.ID, m.ID)
	}
	files, err := encode(b)
	if err != nil {
		return Installed{}, "", false, err
	}
	var in Installed
	previous, wrote := "", false
	// The installed row stays locked from the version check to the write,
	// so two replicas installing at once cannot both pass the check. A
	// first install has no row to lock: it only adds one, and when another
	// replica added it meanwhile, runs again against that row.
	install := func(tx corestore.Tx) error {
		in, previous, wrote = Installed{}, "", false
		row, err := tx.GetSkill(m.ID, true)
		if err != nil && !errors.Is(err, domain.ErrNotFound) {
			return fmt.Errorf("%w: %w", errDatabase, err)
		}
		found := err == nil
		if found {
			old, err := s.fromRow(row)
			if err == nil { // a broken one has no version to keep
				previous = old.Manifest.Version
				switch c := semver.Compare("v"+m.Version, "v"+previous); {
				case c == 0 && sameFiles(old.Bundle, b):
					in = old
					return nil
				case c < 0 && !force:
					return fmt.Errorf("%w: %s %s is older than the installed %s; force it to roll back", ErrRollback, m.ID, m.Version, previous)
				case c == 0 && !force:
					return fmt.Errorf("%w: %s %s has other files than the installed %s %s; force it to replace them", ErrRollback, m.ID, m.Version, m.ID, previous)
				}
			}
		}
		// Milliseconds, as the database keeps it, so that a later read
		// gives the same time.
		at := time.Now().UTC().Truncate(time.Millisecond)
		in, wrote = Installed{Admitted: a, Bundle: b, InstalledAt: at}, true
		row = domain.StoredSkill{ID: m.ID, Version: m.Version, Files: files, InstalledAt: at}
		if !found {
			if err := tx.AddSkill(row); err != nil {
				if errors.Is(err, domain.ErrConflict) {
					return errAdded
				}
				return fmt.Errorf("%w: %w", errDatabase, err)
			}
			return nil
		}
		if err := tx.PutSkill(row); err != nil {
			return fmt.Errorf("%w: %w", errDatabase, err)
		}
		return nil
	}
	for range 3 {
		var inner error
		err = s.db.Update(ctx, func(tx corestore.Tx) error {
			inner = install(tx)
			return inner
		})
		if err != nil && inner == nil { // the transaction's begin or commit
			err = fmt.Errorf("%w: %w", errDatabase, err)
		}
		if !errors.Is(err, errAdded) {
			break
		}
	}
	if err != nil {
		return Installed{}, previous, false, err
	}
	return in, previous, wrote, nil
}

// Remove removes a community skill. Local skills are the user's files,
// removed by hand.
func (s *Store) Remove(ctx context.Context, id string) (Installed, error) {
	if !marketplace.ValidID(id) {
		return Installed{}, fmt.Errorf("%w: %q is not a skill id", ErrNotInstalled, id)
	}
	var row domain.StoredSkill
	err := s.db.Update(ctx, func(tx corestore.Tx) (err error) {
		if row, err = tx.GetSkill(id, true); err != nil {
			return err
		}
		return tx.DeleteSkill(id)
	})
	if errors.Is(err, domain.ErrNotFound) {
		if _, lerr := os.Lstat(filepath.Join(s.local, id)); lerr == nil {
			return Installed{}, fmt.Errorf("%w: %s is a local skill; remove skills/local/%s by hand", ErrTaken, id, id)
		}
		return Installed{}, fmt.Errorf("%w: %s", ErrNotInstalled, id)
	}
	if err != nil {
		return Installed{}, fmt.Errorf("%w: %w", errDatabase, err)
	}
	in, _ := s.fromRow(row) // a broken skill is removed too
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
