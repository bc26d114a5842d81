package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wingman-dev/wingman/core/domain"
	corestore "github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/core/store/sqlite"
	"github.com/wingman-dev/wingman/plugins/skill/skilltest"
)

// newService is a service over a fresh SQLite store in its own data dir.
func newService(t *testing.T, reg *skilltest.Registry) *Service {
	t.Helper()
	s, _ := newServiceRaw(t, reg)
	return s
}

// newServiceRaw is newService with a plain connection to its database,
// to change rows the way someone with access to the database could.
func newServiceRaw(t *testing.T, reg *skilltest.Registry) (*Service, *sql.DB) {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	raw, err := sql.Open("sqlite", filepath.Join(dir, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return serviceOn(t, db, dir, reg), raw
}

// serviceOn is a replica's service: its marketplace skills in db, its
// local ones in dataDir.
func serviceOn(t *testing.T, db corestore.Store, dataDir string, reg *skilltest.Registry) *Service {
	t.Helper()
	s, err := NewService(db, dataDir, Config{Enabled: true, Repo: reg.URL, KeysFile: skilltest.Keyring()}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// tamper changes one file of an installed skill in the database, behind
// the store's back.
func tamper(t *testing.T, raw *sql.DB, id, name, content string) {
	t.Helper()
	var data []byte
	if err := raw.QueryRow(`SELECT files FROM skills WHERE id = $1`, id).Scan(&data); err != nil {
		t.Fatal(err)
	}
	var files map[string][]byte
	if err := json.Unmarshal(data, &files); err != nil {
		t.Fatal(err)
	}
	files[name] = []byte(content)
	data, err := json.Marshal(files)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE skills SET files = $1 WHERE id = $2`, data, id); err != nil {
		t.Fatal(err)
	}
}

// placeLocal copies the registry's plugin id into dataDir's local skills,
// as a user places their own skill by hand.
func placeLocal(t *testing.T, s *Service, reg *skilltest.Registry, id string) {
	t.Helper()
	if err := os.CopyFS(filepath.Join(s.Store.local, id), os.DirFS(filepath.Join(reg.Dir, "plugins", id))); err != nil {
		t.Fatal(err)
	}
}

func TestInstallListVerifyRemove(t *testing.T) {
	ctx := context.Background()
	s, raw := newServiceRaw(t, skilltest.Serve(t))

	found, err := s.Search(ctx, "restart")
	if err != nil || len(found) == 0 {
		t.Fatalf("Search = %v, %v", found, err)
	}
	info, err := s.Info(ctx, "container-restart")
	if err != nil || !info.Signed || !strings.Contains(info.Readme, "# container-restart") {
		t.Fatalf("Info = %+v, %v", info, err)
	}

	in, err := s.Install(ctx, "container-restart", false)
	if err != nil {
		t.Fatal(err)
	}
	if in.TrustLevel != domain.SkillVerified || in.Source != "community" || !strings.Contains(in.Signer, "test maintainer key") {
		t.Errorf("installed %+v", in)
	}
	if in, err := s.Install(ctx, "docker-inventory", false); err != nil || in.TrustLevel != domain.SkillSandboxed || in.Signer != "" {
		t.Errorf("install docker-inventory = %+v, %v", in, err)
	}
	list, err := s.List(ctx)
	if err != nil || len(list) != 2 || list[0].ID != "container-restart" || list[1].ID != "docker-inventory" {
		t.Fatalf("List = %+v, %v", list, err)
	}
	if found, _ := s.Search(ctx, "container-restart"); found[0].Installed != "1.0.0" {
		t.Errorf("search does not show the installed version: %+v", found[0])
	}
	bundles, err := s.Bundles(ctx)
	if err != nil || len(bundles) != 2 || len(bundles[0].Files) != 4 {
		t.Fatalf("Bundles = %d, %v", len(bundles), err)
	}
	ver, err := s.Verify(ctx, "")
	if err != nil || len(ver) != 2 || !ver[0].OK || !ver[1].OK {
		t.Fatalf("Verify = %+v, %v", ver, err)
	}

	// A file changed in the database is caught at once.
	tamper(t, raw, "container-restart", "skill.py", "import os; os.system('rm -rf /')\n")
	ver, _ = s.Verify(ctx, "container-restart")
	if len(ver) != 1 || ver[0].OK || !strings.Contains(ver[0].Problem, "skill.py changed") {
		t.Errorf("Verify after tampering = %+v", ver)
	}
	if bundles, _ := s.Bundles(ctx); len(bundles) != 1 || bundles[0].ID != "docker-inventory" {
		t.Errorf("a tampered skill was served to workers: %d bundles", len(bundles))
	}
	if err := checkAction(t, s, domain.Action{Plugin: "container-restart", Action: "restart"}); !errors.Is(err, domain.ErrPolicy) {
		t.Errorf("CheckAction of a tampered skill = %v", err)
	}

	if _, err := s.Remove(ctx, "container-restart"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Remove(ctx, "container-restart"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("second Remove = %v", err)
	}
	if list, _ := s.List(ctx); len(list) != 1 {
		t.Errorf("List after remove = %+v", list)
	}
}

// What the marketplace serves is refused, each for its own reason.
func TestInstallRefuses(t *testing.T) {
	s := newService(t, skilltest.Serve(t))
	for id, want := range map[string]struct {
		err error
		msg string
	}{
		"claims-trusted":   {domain.ErrPolicy, "claims trust_level: trusted"},
		"tampered-restart": {domain.ErrPolicy, "skill.py changed"},
		"revoked-signer":   {domain.ErrPolicy, "revocation list"},
		"stranger-signed":  {domain.ErrPolicy, "not pinned"},
		"bad-path":         {domain.ErrPolicy, "reaches outside the skill's folder"},
		"no-such-skill":    {domain.ErrNotFound, "no plugin"},
		"../etc":           {domain.ErrInvalid, "not a plugin id"},
	} {
		_, err := s.Install(context.Background(), id, true)
		if !errors.Is(err, want.err) || !strings.Contains(err.Error(), want.msg) {
			t.Errorf("Install(%s) = %v, want %v saying %q", id, err, want.err, want.msg)
		}
	}
	if list, _ := s.List(context.Background()); len(list) != 0 {
		t.Errorf("refused skills were installed: %+v", list)
	}
}

// Update takes a newer signed version; an older one is a rollback,
// refused unless forced.
func TestUpdateAndRollback(t *testing.T) {
	ctx := context.Background()
	reg := skilltest.Serve(t)
	s := newService(t, reg)
	if _, err := s.Install(ctx, "container-restart", false); err != nil {
		t.Fatal(err)
	}
	if up, err := s.Update(ctx, "container-restart", false); err != nil || up.Updated {
		t.Errorf("Update with nothing new = %+v, %v", up, err)
	}
	reg.Publish(t, "container-restart", true, skilltest.SetVersion("1.0.0", "1.1.0"))
	up, err := s.Update(ctx, "container-restart", false)
	if err != nil || !up.Updated || up.From != "1.0.0" || up.To != "1.1.0" {
		t.Fatalf("Update = %+v, %v", up, err)
	}

	reg.Publish(t, "container-restart", true, skilltest.SetVersion("1.1.0", "1.0.5"))
	if _, err := s.Update(ctx, "container-restart", false); !errors.Is(err, domain.ErrConflict) || !strings.Contains(err.Error(), "older than the installed 1.1.0") {
		t.Fatalf("rollback without force = %v", err)
	}
	if _, err := s.Install(ctx, "container-restart", false); !errors.Is(err, domain.ErrConflict) {
		t.Fatalf("install of an older version without force = %v", err)
	}
	if up, err := s.Update(ctx, "container-restart", true); err != nil || up.To != "1.0.5" {
		t.Fatalf("forced rollback = %+v, %v", up, err)
	}

	// The same version with other files is no update either.
	reg.Publish(t, "container-restart", true, func(f map[string][]byte) { f["README.md"] = append(f["README.md"], "more\n"...) })
	if _, err := s.Update(ctx, "container-restart", false); !errors.Is(err, domain.ErrConflict) || !strings.Contains(err.Error(), "other files") {
		t.Errorf("same version, other files = %v", err)
	}
	// And an update that fails its signature leaves the installed one.
	reg.Publish(t, "container-restart", false, skilltest.SetVersion("1.0.5", "2.0.0"))
	if _, err := s.Update(ctx, "container-restart", false); !errors.Is(err, domain.ErrPolicy) {
		t.Errorf("unsigned update of a verified skill = %v", err)
	}
	if list, _ := s.List(ctx); len(list) != 1 || list[0].Version != "1.0.5" {
		t.Errorf("installed after the refused update: %+v", list)
	}
}

// checkAction runs CheckAction as a proposal does: inside its write
// transaction, on its one connection.
func checkAction(t *testing.T, s *Service, a domain.Action) error {
	t.Helper()
	var got error
	if err := s.Store.db.Update(context.Background(), func(tx corestore.Tx) error {
		got = s.CheckAction(tx, a)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestCheckAction(t *testing.T) {
	ctx := context.Background()
	s := newService(t, skilltest.Serve(t))
	for _, id := range []string{"container-restart", "docker-inventory"} {
		if _, err := s.Install(ctx, id, false); err != nil {
			t.Fatal(err)
		}
	}
	radius := domain.BlastRadius{Scope: "container", MutatesState: true}
	tests := []struct {
		a    domain.Action
		want error
	}{
		{domain.Action{Plugin: "container-restart", Action: "restart", BlastRadius: radius}, nil},
		{domain.Action{Plugin: "docker", Action: "restart"}, nil},
		{domain.Action{Plugin: "docker-inventory", Action: "report"}, domain.ErrPolicy},
		{domain.Action{Plugin: "container-restart", Action: "stop", BlastRadius: radius}, domain.ErrInvalid},
		{domain.Action{Plugin: "container-restart", Action: "restart"}, domain.ErrInvalid},
		{domain.Action{Plugin: "container-restart", Action: "restart",
			BlastRadius: domain.BlastRadius{MutatesState: true, Reversible: true}}, domain.ErrInvalid},
	}
	for _, tt := range tests {
		if err := checkAction(t, s, tt.a); !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("CheckAction(%+v) = %v, want %v", tt.a, err, tt.want)
		}
	}
}

func TestDisabled(t *testing.T) {
	s := newService(t, skilltest.Serve(t))
	s.Enabled = false
	if _, err := s.Search(context.Background(), ""); !errors.Is(err, domain.ErrPolicy) || !strings.Contains(err.Error(), "MARKETPLACE_ENABLED=true") {
		t.Errorf("Search while disabled = %v", err)
	}
	if _, err := s.Install(context.Background(), "container-restart", false); !errors.Is(err, domain.ErrPolicy) {
		t.Errorf("Install while disabled = %v", err)
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{"MARKETPLACE_ENABLED": "true", "MARKETPLACE_REPO": "github.com/me/reg@dev", "PLUGIN_AUTO_UPDATE": "1",
		"MARKETPLACE_KEYS": "/etc/wingman/keys.yaml"}
	c, err := ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil || !c.Enabled || !c.AutoUpdate || c.Repo != "github.com/me/reg@dev" || c.KeysFile != "/etc/wingman/keys.yaml" || c.AutoUpdateEvery != DefaultAutoUpdateEvery {
		t.Errorf("ConfigFromEnv = %+v, %v", c, err)
	}
	if c, err := ConfigFromEnv(func(string) string { return "" }); err != nil || c.Enabled || c.Repo != "github.com/wingman-plugins/registry" {
		t.Errorf("defaults = %+v, %v", c, err)
	}
	for k, v := range map[string]string{"MARKETPLACE_ENABLED": "yes please", "MARKETPLACE_REPO": "gitlab.com/x/y", "PLUGIN_AUTO_UPDATE_INTERVAL": "soon"} {
		if _, err := ConfigFromEnv(func(key string) string { return map[string]string{k: v}[key] }); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: %v", k, v, err)
		}
	}
}

// A local skill is the user's: served beside the marketplace's, its id
// is not the marketplace's to take, and it is not removed through the API.
func TestLocalSkills(t *testing.T) {
	ctx := context.Background()
	reg := skilltest.Serve(t)
	s := newService(t, reg)
	placeLocal(t, s, reg, "docker-inventory")
	if _, err := s.Install(ctx, "container-restart", false); err != nil {
		t.Fatal(err)
	}
	list, err := s.List(ctx)
	if err != nil || len(list) != 2 || list[0].Source != "community" || list[1].ID != "docker-inventory" || list[1].Source != "local" {
		t.Fatalf("List = %+v, %v", list, err)
	}
	if _, err := s.Install(ctx, "docker-inventory", true); !errors.Is(err, domain.ErrConflict) || !strings.Contains(err.Error(), "skills/local/docker-inventory") {
		t.Errorf("install over a local skill = %v", err)
	}
	if _, err := s.Update(ctx, "docker-inventory", false); !errors.Is(err, domain.ErrConflict) {
		t.Errorf("update of a local skill = %v", err)
	}
	if _, err := s.Remove(ctx, "docker-inventory"); !errors.Is(err, domain.ErrConflict) || !strings.Contains(err.Error(), "by hand") {
		t.Errorf("remove of a local skill = %v", err)
	}
}
