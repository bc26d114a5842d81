// Installed marketplace skills in the store.

package storetest

import (
	"bytes"
	"context"
	"database/sql"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

// testSkills: a skill's files come back as they were put, byte for byte;
// a put replaces the skill of the same id; the list is by id; a delete
// of a skill not there is ErrNotFound.
func testSkills(t *testing.T, s store.Store, _ *sql.DB) {
	// Not valid UTF-8, and with a NUL: the column is binary.
	restart := domain.StoredSkill{ID: "restart", Version: "1.0.0", Files: []byte("{\"a\":\"\xff\x00\"}"), InstalledAt: t0}
	inventory := domain.StoredSkill{ID: "inventory", Version: "0.1.0", Files: []byte(`{}`), InstalledAt: t0.Add(time.Minute)}
	same := func(got, want domain.StoredSkill) {
		t.Helper()
		if got.ID != want.ID || got.Version != want.Version || !bytes.Equal(got.Files, want.Files) || !got.InstalledAt.Equal(want.InstalledAt) {
			t.Errorf("skill = %+v, want %+v", got, want)
		}
	}
	update(t, s, func(tx store.Tx) error {
		_, err := tx.GetSkill("restart", true)
		wantErr(t, err, domain.ErrNotFound)
		for _, sk := range []domain.StoredSkill{restart, inventory} {
			if err := tx.PutSkill(sk); err != nil {
				return err
			}
		}
		return nil
	})
	restart.Version, restart.Files, restart.InstalledAt = "1.1.0", []byte(`{"b":""}`), t0.Add(time.Hour)
	update(t, s, func(tx store.Tx) error {
		got, err := tx.GetSkill("restart", true)
		if err != nil {
			return err
		}
		if got.Version != "1.0.0" {
			t.Errorf("before the update: %+v", got)
		}
		return tx.PutSkill(restart)
	})
	view(t, s, func(tx store.Tx) error {
		got, err := tx.GetSkill("restart", false)
		if err != nil {
			return err
		}
		same(got, restart)
		list, err := tx.ListSkills()
		if err != nil {
			return err
		}
		if len(list) != 2 {
			t.Fatalf("ListSkills = %+v", list)
		}
		same(list[0], inventory)
		same(list[1], restart)
		return nil
	})
	// A first install of an id already there is a conflict, which leaves
	// the transaction usable and the row as it was.
	update(t, s, func(tx store.Tx) error {
		wantErr(t, tx.AddSkill(domain.StoredSkill{ID: "restart", Version: "0.9.0", Files: []byte(`{}`), InstalledAt: t0}), domain.ErrConflict)
		got, err := tx.GetSkill("restart", true)
		if err != nil {
			return err
		}
		same(got, restart)
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		if err := tx.DeleteSkill("inventory"); err != nil {
			return err
		}
		wantErr(t, tx.DeleteSkill("inventory"), domain.ErrNotFound)
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		list, err := tx.ListSkills()
		if len(list) != 1 || list[0].ID != "restart" {
			t.Errorf("ListSkills after the delete = %+v", list)
		}
		return err
	})
}

// testSkillLock: installs that read a skill locked and write it back
// never lose one another's change.
func testSkillLock(t *testing.T, s store.Store, _ *sql.DB) {
	update(t, s, func(tx store.Tx) error {
		return tx.PutSkill(domain.StoredSkill{ID: "counter", Version: "0", Files: []byte(`{}`), InstalledAt: t0})
	})
	const n = 8
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			err := s.Update(context.Background(), func(tx store.Tx) error {
				sk, err := tx.GetSkill("counter", true)
				if err != nil {
					return err
				}
				v, err := strconv.Atoi(sk.Version)
				if err != nil {
					return err
				}
				sk.Version = strconv.Itoa(v + 1)
				return tx.PutSkill(sk)
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	view(t, s, func(tx store.Tx) error {
		sk, err := tx.GetSkill("counter", false)
		if err == nil && sk.Version != strconv.Itoa(n) {
			t.Errorf("after %d locked increments the version is %s", n, sk.Version)
		}
		return err
	})
}
