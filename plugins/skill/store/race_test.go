package store

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/wingman-dev/wingman/core/domain"
	corestore "github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/core/store/postgres"
	"github.com/wingman-dev/wingman/core/store/storetest"
	"github.com/wingman-dev/wingman/plugins/skill/bundle"
	"github.com/wingman-dev/wingman/plugins/skill/skilltest"
)

// pausingDB runs pause after the first GetSkill of its write
// transactions, so that a test can slip another replica's install in
// between an install's version check and its write.
type pausingDB struct {
	corestore.Store
	once  sync.Once
	pause func()
}

type pausingTx struct {
	corestore.Tx
	db *pausingDB
}

func (d *pausingDB) Update(ctx context.Context, fn func(corestore.Tx) error) error {
	return d.Store.Update(ctx, func(tx corestore.Tx) error { return fn(pausingTx{tx, d}) })
}

func (t pausingTx) GetSkill(id string, lock bool) (domain.StoredSkill, error) {
	sk, err := t.Tx.GetSkill(id, lock)
	t.db.once.Do(t.db.pause)
	return sk, err
}

// fetch is the registry's current bundle of id.
func fetch(t *testing.T, s *Service, id string) bundle.Bundle {
	t.Helper()
	ix, err := s.Market.Index(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	e, err := ix.Find(id)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Market.Fetch(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Two replicas installing one skill for the first time at once: the row
// lock has no row to lock, so the one that writes last must not replace
// the other's newer version without force (a rollback nobody asked for).
func TestFirstInstallRace(t *testing.T) {
	ctx := context.Background()
	reg := skilltest.Serve(t)
	url := storetest.PostgresURL(t)
	open := func() corestore.Store {
		db, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	read, resume := make(chan struct{}), make(chan struct{})
	slow := &pausingDB{Store: open(), pause: func() { close(read); <-resume }}
	a, b := serviceOn(t, slow, t.TempDir(), reg), serviceOn(t, open(), t.TempDir(), reg)

	older := fetch(t, a, "container-restart") // 1.0.0
	reg.Publish(t, "container-restart", true, skilltest.SetVersion("1.0.0", "1.1.0"))
	newer := fetch(t, b, "container-restart")

	done := make(chan error, 1)
	go func() {
		_, _, _, err := a.Store.Install(ctx, older, false)
		done <- err
	}()
	<-read // a found no row and is about to write 1.0.0
	if _, _, _, err := b.Store.Install(ctx, newer, false); err != nil {
		t.Fatal(err)
	}
	close(resume)
	if err := <-done; !errors.Is(err, ErrRollback) {
		t.Errorf("a's install of 1.0.0 after b's first install of 1.1.0 = %v, want a rollback refused", err)
	}
	got, err := b.Store.Get(ctx, "container-restart")
	if err != nil || got.Manifest.Version != "1.1.0" {
		t.Errorf("installed after the race: %+v, %v", got.Manifest, err)
	}
}

// pausingView runs pause after its first read, so that a test can slip
// another replica's update in between an update's look at what is
// installed and its install.
type pausingView struct {
	corestore.Store
	once  sync.Once
	pause func()
}

func (d *pausingView) View(ctx context.Context, fn func(corestore.Tx) error) error {
	err := d.Store.View(ctx, fn)
	d.once.Do(d.pause)
	return err
}

// Two replicas updating one skill at once (automatic updates run on
// each): the one that finds the new version already installed by the
// other reports no update, so the change is audited once.
func TestConcurrentUpdatesReportOne(t *testing.T) {
	ctx := context.Background()
	reg := skilltest.Serve(t)
	url := storetest.PostgresURL(t)
	open := func() corestore.Store {
		db, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	read, resume := make(chan struct{}), make(chan struct{})
	b := serviceOn(t, open(), t.TempDir(), reg)
	if _, err := b.Install(ctx, "container-restart", false); err != nil { // 1.0.0
		t.Fatal(err)
	}
	a := serviceOn(t, &pausingView{Store: open(), pause: func() { close(read); <-resume }}, t.TempDir(), reg)
	reg.Publish(t, "container-restart", true, skilltest.SetVersion("1.0.0", "1.1.0"))

	type result struct {
		up  domain.SkillUpdate
		err error
	}
	done := make(chan result, 1)
	go func() {
		up, err := a.Update(ctx, "container-restart", false)
		done <- result{up, err}
	}()
	<-read // a saw 1.0.0 installed
	if up, err := b.Update(ctx, "container-restart", false); err != nil || !up.Updated {
		t.Fatalf("b's update: %+v, %v", up, err)
	}
	close(resume)
	r := <-done
	if r.err != nil || r.up.Updated || r.up.To != "1.1.0" {
		t.Errorf("a's update after b had installed 1.1.0: %+v, %v; want no update reported", r.up, r.err)
	}
}
