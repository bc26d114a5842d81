package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store/postgres"
	"github.com/wingman-dev/wingman/core/store/storetest"
	"github.com/wingman-dev/wingman/plugins/skill/skilltest"
)

// Two replicas over one PostgreSQL, each with its own data dir, serve one
// set of marketplace skills: what is installed, updated or removed
// through one is so through the other, and a row changed in the database
// is caught by both and served by neither.
func TestReplicasShareOneSet(t *testing.T) {
	ctx := context.Background()
	reg := skilltest.Serve(t)
	url := storetest.PostgresURL(t)
	replica := func() *Service {
		db, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return serviceOn(t, db, t.TempDir(), reg)
	}
	a, b := replica(), replica()
	raw, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	versions := func(s *Service) map[string]string {
		t.Helper()
		list, err := s.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, sk := range list {
			out[sk.ID] = sk.Version
		}
		return out
	}

	installed, err := a.Install(ctx, "container-restart", false)
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.Store.Get(ctx, "container-restart")
	if err != nil || got.Manifest.Version != "1.0.0" || !got.InstalledAt.Equal(installed.InstalledAt) {
		t.Fatalf("b.Get = %+v, %v", got, err)
	}
	if v := versions(b); len(v) != 1 || v["container-restart"] != "1.0.0" {
		t.Fatalf("b.List = %v", v)
	}
	bundles, err := b.Bundles(ctx)
	if err != nil || len(bundles) != 1 || len(bundles[0].Files) != 4 {
		t.Fatalf("b.Bundles = %+v, %v", bundles, err)
	}
	if found, err := b.Search(ctx, "container-restart"); err != nil || found[0].Installed != "1.0.0" {
		t.Errorf("b.Search = %+v, %v", found, err)
	}

	// An update through b is a's too, and a's rollback is refused
	// against it.
	reg.Publish(t, "container-restart", true, skilltest.SetVersion("1.0.0", "1.1.0"))
	if up, err := b.Update(ctx, "container-restart", false); err != nil || !up.Updated || up.From != "1.0.0" {
		t.Fatalf("b.Update = %+v, %v", up, err)
	}
	if v := versions(a); v["container-restart"] != "1.1.0" {
		t.Fatalf("a.List after b's update = %v", v)
	}
	reg.Publish(t, "container-restart", true, skilltest.SetVersion("1.1.0", "1.0.5"))
	if _, err := a.Install(ctx, "container-restart", false); !errors.Is(err, domain.ErrConflict) {
		t.Fatalf("a's rollback of b's update = %v", err)
	}

	// A local skill of b with a marketplace skill's id is not served in
	// its place, on b or anywhere.
	placeLocal(t, b, reg, "docker-inventory")
	if _, err := a.Install(ctx, "docker-inventory", false); err != nil {
		t.Fatal(err)
	}
	if list, _ := b.List(ctx); len(list) != 2 || list[1].ID != "docker-inventory" || list[1].Source != "community" {
		t.Errorf("b.List with a local skill of a marketplace id = %+v", list)
	}
	ver, err := b.Verify(ctx, "")
	if err != nil || len(ver) != 3 || ver[2].Source != "local" || ver[2].OK || !strings.Contains(ver[2].Problem, "from the marketplace too") {
		t.Errorf("b.Verify = %+v, %v", ver, err)
	}

	// A file changed in the database: broken on both, served by neither.
	tamper(t, raw, "container-restart", "skill.py", "import os; os.system('rm -rf /')\n")
	for name, s := range map[string]*Service{"a": a, "b": b} {
		ver, _ := s.Verify(ctx, "container-restart")
		if len(ver) != 1 || ver[0].OK || !strings.Contains(ver[0].Problem, "skill.py changed") {
			t.Errorf("%s.Verify after tampering = %+v", name, ver)
		}
		if bundles, err := s.Bundles(ctx); err != nil || len(bundles) != 1 || bundles[0].ID != "docker-inventory" {
			t.Errorf("%s served a tampered skill: %+v, %v", name, bundles, err)
		}
		if err := checkAction(t, s, domain.Action{Plugin: "container-restart", Action: "restart"}); !errors.Is(err, domain.ErrPolicy) {
			t.Errorf("%s.CheckAction of a tampered skill = %v", name, err)
		}
	}
	// Installing again replaces the broken row, whatever its version.
	if in, err := a.Install(ctx, "container-restart", false); err != nil || in.Version != "1.0.5" {
		t.Fatalf("install over a tampered row = %+v, %v", in, err)
	}
	if v := versions(b); v["container-restart"] != "1.0.5" {
		t.Errorf("b.List after the reinstall = %v", v)
	}

	// Removed through b, gone from a.
	if _, err := b.Remove(ctx, "container-restart"); err != nil {
		t.Fatal(err)
	}
	if v := versions(a); len(v) != 1 || v["docker-inventory"] == "" {
		t.Errorf("a.List after b's removal = %v", v)
	}
	if _, err := a.Remove(ctx, "container-restart"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("a.Remove after b's = %v", err)
	}
}
