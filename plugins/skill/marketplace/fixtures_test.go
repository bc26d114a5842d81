package marketplace

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wingman-dev/wingman/plugins/skill/bundle"
	"github.com/wingman-dev/wingman/plugins/skill/signature"
)

// regen rewrites the registry fixtures: go test ./plugins/skill/marketplace -run TestRegenerate -regen
var regen = flag.Bool("regen", false, "rewrite testdata/registry's keys, signatures and index")

const (
	registryDir = "../../../testdata/registry"
	keysDir     = "../../../testdata/registry-keys"
)

// How each fixture plugin is signed: by the pinned maintainer key, by a
// key that is pinned and revoked, by a key nobody pinned, or not at all.
var signedBy = map[string]string{
	"container-restart": "maintainer",
	"tampered-restart":  "maintainer",
	"claims-trusted":    "maintainer",
	"revoked-signer":    "revoked",
	"stranger-signed":   "stranger",
}

// TestRegenerate writes testdata/registry-keys (only when missing, so that
// signatures made elsewhere stay valid), every fixture's signature.sig,
// the tampering of tampered-restart, and plugins.json.
func TestRegenerate(t *testing.T) {
	if !*regen {
		t.Skip("run with -regen to rewrite the fixtures")
	}
	keys := map[string][]byte{}
	for _, name := range []string{"maintainer", "revoked"} {
		keys[name] = loadOrMakeKey(t, name)
	}
	_, keys["stranger"], _ = signature.GenerateKey("")
	var pins []map[string]string
	for _, name := range []string{"maintainer", "revoked"} {
		pub := readPub(t, name)
		pins = append(pins, map[string]string{"id": pub.id, "name": "test " + name + " key", "public_key": pub.line})
	}
	keyring := "# The keys the tests pin. The revoked key is pinned too: revocation must win.\nkeys:\n"
	for _, p := range pins {
		keyring += "  - id: " + p["id"] + "\n    name: " + p["name"] + "\n    public_key: " + p["public_key"] + "\n"
	}
	keyring += "revoked:\n  - " + pins[1]["id"] + "\n"
	write(t, filepath.Join(keysDir, "keyring.yaml"), []byte(keyring))

	// tampered-restart is container-restart's code, signed, then changed.
	src, err := os.ReadFile(filepath.Join(registryDir, "plugins/container-restart/skill.py"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(registryDir, "plugins/tampered-restart/skill.py"), src)

	dirs, err := filepath.Glob(filepath.Join(registryDir, "plugins/*"))
	if err != nil {
		t.Fatal(err)
	}
	ix := Index{Format: 1}
	for _, dir := range dirs {
		id := filepath.Base(dir)
		_ = os.Remove(filepath.Join(dir, signature.FileName))
		b, err := bundle.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if who := signedBy[id]; who != "" {
			sk, err := signature.ParsePrivateKey(keys[who], "")
			if err != nil {
				t.Fatal(err)
			}
			sig, err := signature.Sign(sk, b)
			if err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(dir, signature.FileName), sig)
		}
		if id == "tampered-restart" {
			write(t, filepath.Join(dir, "skill.py"), append(src, "# changed after signing\n"...))
		}
		if b, err = bundle.ReadDir(dir); err != nil {
			t.Fatal(err)
		}
		m, err := b.Manifest()
		if err != nil {
			t.Fatal(err)
		}
		files := b.Names()
		if id == "bad-path" {
			files = append(files, "../../../registry-keys/maintainer.key")
		}
		ix.Plugins = append(ix.Plugins, Entry{ID: m.ID, Name: m.Name, Version: m.Version, Author: m.Author,
			Description: m.Description, TrustLevel: m.TrustLevel, Permissions: m.Permissions, Files: files})
	}
	slices.SortFunc(ix.Plugins, func(a, b Entry) int { return strings.Compare(a.ID, b.ID) })
	out, err := json.MarshalIndent(ix, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(registryDir, IndexFile), append(out, '\n'))
}

func loadOrMakeKey(t *testing.T, name string) []byte {
	t.Helper()
	path := filepath.Join(keysDir, name+".key")
	if data, err := os.ReadFile(path); err == nil {
		return data
	}
	pub, priv, err := signature.GenerateKey("")
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(keysDir, name+".pub"), pub)
	write(t, path, priv)
	return priv
}

type pubKey struct{ id, line string }

// readPub reads a .pub file's key line and its id.
func readPub(t *testing.T, name string) pubKey {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(keysDir, name+".pub"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	line := lines[len(lines)-1]
	id, err := signature.PublicKeyID(line)
	if err != nil {
		t.Fatal(err)
	}
	return pubKey{id: id, line: line}
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
