package signature

import (
	"bytes"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wingman-dev/wingman/plugins/skill/bundle"
)

const (
	registry = "../../../testdata/registry/plugins"
	keys     = "../../../testdata/registry-keys"
)

func keyring(t *testing.T) *Keyring {
	t.Helper()
	k, err := LoadKeyring(filepath.Join(keys, "keyring.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func fixture(t *testing.T, id string) map[string][]byte {
	t.Helper()
	b, err := bundle.ReadDir(filepath.Join(registry, id))
	if err != nil {
		t.Fatal(err)
	}
	return b.Files()
}

func mustBundle(t *testing.T, files map[string][]byte) bundle.Bundle {
	t.Helper()
	b, err := bundle.New(files)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVerifySigned(t *testing.T) {
	k, err := keyring(t).Verify(mustBundle(t, fixture(t, "container-restart")), "container-restart", "1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := os.ReadFile(filepath.Join(keys, "maintainer.pub"))
	if id, _ := PublicKeyID(string(pub)); k.ID != id || k.Name != "test maintainer key" {
		t.Errorf("signed by %+v, want the maintainer key %s", k, id)
	}
}

// Every refusal the issue lists, each on its own.
func TestVerifyRefuses(t *testing.T) {
	good := fixture(t, "container-restart")
	with := func(edit func(files map[string][]byte)) map[string][]byte {
		files := maps.Clone(good)
		for name, data := range files {
			files[name] = slices.Clone(data)
		}
		edit(files)
		return files
	}
	type tc struct {
		name        string
		files       map[string][]byte
		id, version string
		want        error
		msg         string
	}
	tests := []tc{
		{"missing file", with(func(f map[string][]byte) { delete(f, "README.md") }), "", "", ErrFiles, "missing file README.md"},
		{"extra file", with(func(f map[string][]byte) { f["helper.py"] = []byte("import os\n") }), "", "", ErrFiles, "extra file helper.py (not signed)"},
		{"wrong key", fixture(t, "stranger-signed"), "stranger-signed", "", ErrUnknownKey, "is not pinned"},
		{"revoked key", fixture(t, "revoked-signer"), "revoked-signer", "", ErrRevoked, "is on the revocation list"},
		{"another plugin's id", good, "other-skill", "", ErrOtherSkill, "signed for container-restart 1.0.0, this is other-skill 1.0.0"},
		{"another version", good, "", "1.0.1", ErrOtherSkill, "signed for container-restart 1.0.0, this is container-restart 1.0.1"},
		{"signature moved to another plugin", with(func(f map[string][]byte) {
			inv := fixture(t, "docker-inventory")
			clear(f)
			maps.Copy(f, inv)
			f[FileName] = good[FileName]
		}), "docker-inventory", "0.3.0", ErrOtherSkill, "signed for container-restart 1.0.0"},
		{"unsigned", fixture(t, "docker-inventory"), "docker-inventory", "0.3.0", ErrUnsigned, "no signature.sig"},
		{"tampered fixture", fixture(t, "tampered-restart"), "tampered-restart", "", ErrFiles, "skill.py changed"},
		{"list edited", with(func(f map[string][]byte) {
			f[FileName] = bytes.Replace(f[FileName], []byte("version 1.0.0"), []byte("version 9.0.0"), 1)
		}), "", "9.0.0", ErrBad, "changed after key"},
		{"signature garbled", with(func(f map[string][]byte) { f[FileName] = []byte("hello\n") }), "", "", ErrMalformed, "no blank line"},
	}
	// A changed byte in any file, the signature's own lines included.
	for _, name := range slices.Sorted(maps.Keys(good)) {
		for _, at := range []int{0, len(good[name]) / 2, len(good[name]) - 2} {
			files := with(func(f map[string][]byte) { f[name][at] ^= 0x01 })
			want, msg := ErrFiles, name+" changed"
			if name == FileName {
				want, msg = nil, ""
			}
			tests = append(tests, tc{"byte " + name, files, "", "", want, msg})
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, version := tt.id, tt.version
			if id == "" {
				id = "container-restart"
				if strings.HasSuffix(tt.name, "fixture") || tt.name == "wrong key" || tt.name == "revoked key" {
					id = tt.id
				}
			}
			if version == "" {
				version = "1.0.0"
			}
			_, err := keyring(t).Verify(mustBundle(t, tt.files), id, version)
			if err == nil {
				t.Fatal("Verify accepted it")
			}
			if tt.want != nil && (!errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg)) {
				t.Errorf("Verify = %v, want %v saying %q", err, tt.want, tt.msg)
			}
		})
	}
}

func TestEmptyKeyringVerifiesNothing(t *testing.T) {
	k, err := LoadKeyring("")
	if err != nil {
		t.Fatal(err)
	}
	_, err = k.Verify(mustBundle(t, fixture(t, "container-restart")), "container-restart", "1.0.0")
	if !errors.Is(err, ErrUnknownKey) || !strings.Contains(err.Error(), "pin maintainer keys in MARKETPLACE_KEYS") {
		t.Errorf("Verify = %v", err)
	}
}

func TestParseKeyringRefuses(t *testing.T) {
	pub, _ := os.ReadFile(filepath.Join(keys, "maintainer.pub"))
	line := strings.TrimSpace(string(pub))
	line = line[strings.LastIndex(line, "\n")+1:]
	for doc, want := range map[string]string{
		"keys:\n  - id: 0000000000000000\n    public_key: " + line + "\n": "does not match the key",
		"keys:\n  - id: XYZ\n    public_key: " + line + "\n":              "not a key id",
		"keys:\n  - id: 0000000000000000\n    public_key: bad\n":          "public_key",
		"revoked: [nope]\n": "revoked[0]",
		"keyz: []\n":        "field keyz not found",
	} {
		if _, err := ParseKeyring([]byte(doc), "k.yaml"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseKeyring(%q) = %v, want %q", doc, err, want)
		}
	}
}

// Signing and verifying round-trip with a fresh key. It is made without a
// password: minisign's scrypt parameters take most of a minute per
// encryption or decryption here, too slow for every test run.
func TestSignRoundTrip(t *testing.T) {
	pubText, privText, err := GenerateKey("")
	if err != nil {
		t.Fatal(err)
	}
	sk, err := ParsePrivateKey(privText, "")
	if err != nil {
		t.Fatal(err)
	}
	files := fixture(t, "docker-inventory")
	sig, err := Sign(sk, mustBundle(t, files))
	if err != nil {
		t.Fatal(err)
	}
	files[FileName] = sig
	id, _ := PublicKeyID(string(pubText))
	line := strings.TrimSpace(string(pubText))
	line = line[strings.LastIndex(line, "\n")+1:]
	k, err := ParseKeyring([]byte("keys:\n  - id: "+id+"\n    name: me\n    public_key: "+line+"\n"), "k.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if key, err := k.Verify(mustBundle(t, files), "docker-inventory", "0.3.0"); err != nil || key.ID != id {
		t.Fatalf("Verify = %+v, %v", key, err)
	}
}
