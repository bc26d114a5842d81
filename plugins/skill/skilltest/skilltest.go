// Package skilltest gives tests a plugin registry over HTTP: a copy of
// testdata/registry that a test may change and sign again with the test
// maintainer key, served by an httptest server in the marketplace's
// layout.
package skilltest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/wingman-dev/wingman/plugins/skill/bundle"
	"github.com/wingman-dev/wingman/plugins/skill/marketplace"
	"github.com/wingman-dev/wingman/plugins/skill/signature"
)

// Testdata is the repository's testdata folder.
func Testdata() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "testdata")
}

// Keyring is the keyring file the tests pin: the maintainer key, and a
// revoked one.
func Keyring() string { return filepath.Join(Testdata(), "registry-keys", "keyring.yaml") }

// Registry is a copy of testdata/registry served over HTTP.
type Registry struct {
	Dir string
	URL string // the base URL, MARKETPLACE_REPO
}

// Serve copies testdata/registry into a temporary folder and serves it
// until the test ends.
func Serve(t testing.TB) *Registry {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "registry")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(Testdata(), "registry"))); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(srv.Close)
	return &Registry{Dir: dir, URL: srv.URL + "/"}
}

// SetVersion returns an edit for Publish that moves a manifest (and the
// VERSION line of the fixtures' skill.py) from one version to another.
func SetVersion(from, to string) func(map[string][]byte) {
	return func(files map[string][]byte) {
		for _, name := range []string{"manifest.yaml", "skill.py"} {
			files[name] = bytes.ReplaceAll(files[name], []byte(`version: `+from), []byte(`version: `+to))
			files[name] = bytes.ReplaceAll(files[name], []byte(`VERSION = "`+from+`"`), []byte(`VERSION = "`+to+`"`))
		}
	}
}

// Publish changes plugin id's files with edit (nil leaves them), signs
// them with the test maintainer key when sign is true (dropping the
// signature otherwise), and updates the index from the manifest, as the
// registry's maintainers would.
func (r *Registry) Publish(t testing.TB, id string, sign bool, edit func(files map[string][]byte)) {
	t.Helper()
	dir := filepath.Join(r.Dir, "plugins", id)
	b, err := bundle.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := b.Files()
	delete(files, signature.FileName)
	if edit != nil {
		edit(files)
	}
	if b, err = bundle.New(files); err != nil {
		t.Fatal(err)
	}
	if sign {
		key, err := os.ReadFile(filepath.Join(Testdata(), "registry-keys", "maintainer.key"))
		if err != nil {
			t.Fatal(err)
		}
		sk, err := signature.ParsePrivateKey(key, "")
		if err != nil {
			t.Fatal(err)
		}
		sig, err := signature.Sign(sk, b)
		if err != nil {
			t.Fatal(err)
		}
		files[signature.FileName] = sig
		if b, err = bundle.New(files); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := b.WriteDir(dir, ""); err != nil {
		t.Fatal(err)
	}
	m, err := b.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	r.editIndex(t, func(ix *marketplace.Index) {
		for i, e := range ix.Plugins {
			if e.ID == id {
				ix.Plugins[i] = marketplace.Entry{ID: m.ID, Name: m.Name, Version: m.Version, Author: m.Author,
					Description: m.Description, TrustLevel: m.TrustLevel, Permissions: m.Permissions, Files: b.Names()}
			}
		}
	})
}

func (r *Registry) editIndex(t testing.TB, edit func(*marketplace.Index)) {
	t.Helper()
	path := filepath.Join(r.Dir, marketplace.IndexFile)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ix marketplace.Index
	if err := json.Unmarshal(data, &ix); err != nil {
		t.Fatal(err)
	}
	edit(&ix)
	if data, err = json.MarshalIndent(ix, "", "  "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
