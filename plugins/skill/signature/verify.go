// Verifying a skill's signature.sig against the pinned keys and the files.

package signature

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"aead.dev/minisign"

	"github.com/wingman-dev/wingman/plugins/skill/bundle"
)

// Reasons a signature is refused, tested with errors.Is. Every error
// Verify returns wraps exactly one.
var (
	ErrUnsigned   = errors.New("signature: the skill has no signature.sig")
	ErrMalformed  = errors.New("signature: signature.sig is malformed")
	ErrUnknownKey = errors.New("signature: signed with a key that is not pinned")
	ErrRevoked    = errors.New("signature: signed with a revoked key")
	ErrBad        = errors.New("signature: the signature does not match")
	ErrOtherSkill = errors.New("signature: the signature is for another skill or version")
	ErrFiles      = errors.New("signature: the files differ from the signed list")
)

// Verify checks b's signature.sig: signed by a pinned key that is not
// revoked, over a list naming id at version, and listing exactly b's
// other files with their SHA-256. It returns the key that signed.
func (k *Keyring) Verify(b bundle.Bundle, id, version string) (Key, error) {
	raw, ok := b.File(FileName)
	if !ok {
		return Key{}, ErrUnsigned
	}
	listText, sigText, ok := bytes.Cut(raw, []byte("\n\n"))
	if !ok {
		return Key{}, fmt.Errorf("%w: no blank line between the list and the signature", ErrMalformed)
	}
	listText = append(listText, '\n')
	var sig minisign.Signature
	if err := sig.UnmarshalText(bytes.TrimRight(sigText, "\n")); err != nil {
		return Key{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	keyID := KeyID(sig.KeyID)
	if k.revoked[sig.KeyID] {
		return Key{}, fmt.Errorf("%w: key %s is on the revocation list", ErrRevoked, keyID)
	}
	key, ok := k.keys[sig.KeyID]
	if !ok {
		return Key{}, fmt.Errorf("%w: key %s (pinned: %s)", ErrUnknownKey, keyID, k.pinnedList())
	}
	if !minisign.Verify(key.Public, listText, bytes.TrimRight(sigText, "\n")) {
		return Key{}, fmt.Errorf("%w: the list or its signature was changed after key %s signed it", ErrBad, keyID)
	}
	list, err := parseList(listText)
	if err != nil {
		return Key{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if list.ID != id || list.Version != version || sig.TrustedComment != trustedComment(id, version) {
		return Key{}, fmt.Errorf("%w: signed for %s %s, this is %s %s", ErrOtherSkill, list.ID, list.Version, id, version)
	}
	if err := compare(list, ListOf(id, version, b)); err != nil {
		return Key{}, err
	}
	return key, nil
}

// compare names every difference between the signed list and the files.
func compare(signed, have List) error {
	var diffs []string
	for _, name := range slices.Sorted(maps.Keys(signed.Files)) {
		d, ok := have.Files[name]
		switch {
		case !ok:
			diffs = append(diffs, "missing file "+name)
		case d != signed.Files[name]:
			diffs = append(diffs, name+" changed (its SHA-256 is not the signed one)")
		}
	}
	for _, name := range slices.Sorted(maps.Keys(have.Files)) {
		if _, ok := signed.Files[name]; !ok {
			diffs = append(diffs, "extra file "+name+" (not signed)")
		}
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%w: %s", ErrFiles, strings.Join(diffs, "; "))
	}
	return nil
}

func (k *Keyring) pinnedList() string {
	var ids []string
	for id, key := range k.keys {
		if !k.revoked[id] {
			ids = append(ids, key.ID)
		}
	}
	if len(ids) == 0 {
		return "none; pin maintainer keys in MARKETPLACE_KEYS"
	}
	slices.Sort(ids)
	return strings.Join(ids, ", ")
}
