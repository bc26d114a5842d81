// The maintainer keys a worker or control plane trusts: pinned in a YAML
// file with their key ids, and a revocation list that wins over a pin.

package signature

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"aead.dev/minisign"
	"go.yaml.in/yaml/v3"
)

// Key is a pinned maintainer public key.
type Key struct {
	ID     string // minisign's key id, 16 upper-case hex digits
	Name   string // who holds it, for people
	Public minisign.PublicKey
}

// KeyID formats a minisign key id as minisign prints it.
func KeyID(id uint64) string { return fmt.Sprintf("%016X", id) }

// Keyring is the set of pinned keys and revoked key ids. The zero value
// trusts no key, so nothing verifies.
type Keyring struct {
	keys    map[uint64]Key
	revoked map[uint64]bool
}

// keyringDoc is the file's form.
type keyringDoc struct {
	Keys []struct {
		ID        string `yaml:"id"`
		Name      string `yaml:"name"`
		PublicKey string `yaml:"public_key"`
	} `yaml:"keys"`
	Revoked []string `yaml:"revoked"`
}

// LoadKeyring reads a keyring file; an empty path is the empty keyring.
func LoadKeyring(path string) (*Keyring, error) {
	if path == "" {
		return &Keyring{}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("maintainer keys: %w", err)
	}
	return ParseKeyring(data, path)
}

// ParseKeyring reads a keyring:
//
//	keys:                      # keys whose signatures make a skill verified
//	  - id: 3B1F0C7A9D2E4F18   # minisign's key id; must match the key
//	    name: Wingman maintainers 2025
//	    public_key: RWQYT+...  # the key's base64 line from its .pub file
//	revoked:                   # key ids never accepted, pinned or not
//	  - 0123456789ABCDEF
//
// source names the file in errors.
func ParseKeyring(data []byte, source string) (*Keyring, error) {
	var doc keyringDoc
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	k := &Keyring{keys: map[uint64]Key{}, revoked: map[uint64]bool{}}
	for i, r := range doc.Revoked {
		id, err := parseKeyID(r)
		if err != nil {
			return nil, fmt.Errorf("%s: revoked[%d]: %w", source, i, err)
		}
		k.revoked[id] = true
	}
	for i, e := range doc.Keys {
		var pub minisign.PublicKey
		if err := pub.UnmarshalText([]byte(strings.TrimSpace(e.PublicKey))); err != nil {
			return nil, fmt.Errorf("%s: keys[%d].public_key: %w", source, i, err)
		}
		id, err := parseKeyID(e.ID)
		if err != nil {
			return nil, fmt.Errorf("%s: keys[%d].id: %w", source, i, err)
		}
		if id != pub.ID() {
			return nil, fmt.Errorf("%s: keys[%d]: id %s does not match the key, whose id is %s", source, i, e.ID, KeyID(pub.ID()))
		}
		if _, dup := k.keys[id]; dup {
			return nil, fmt.Errorf("%s: keys[%d]: key %s is pinned twice", source, i, e.ID)
		}
		k.keys[id] = Key{ID: KeyID(id), Name: e.Name, Public: pub}
	}
	return k, nil
}

func parseKeyID(s string) (uint64, error) {
	if len(s) != 16 {
		return 0, fmt.Errorf("%q is not a key id of 16 hex digits", s)
	}
	id, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a key id of 16 hex digits", s)
	}
	return id, nil
}

// PublicKeyID returns the key id of a public key given as its .pub file's
// text or its base64 line alone.
func PublicKeyID(text string) (string, error) {
	var pub minisign.PublicKey
	if err := pub.UnmarshalText([]byte(strings.TrimSpace(text))); err != nil {
		return "", fmt.Errorf("public key: %w", err)
	}
	return KeyID(pub.ID()), nil
}
