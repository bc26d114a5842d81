// Signing a skill and making maintainer keys.

package signature

import (
	"bytes"
	"fmt"

	"aead.dev/minisign"

	"github.com/wingman-dev/wingman/plugins/skill/bundle"
)

// Sign returns the content of signature.sig for b: its list, a blank
// line, and the minisign signature of the list made with key. The id and
// version come from b's manifest, which must be valid; an existing
// signature.sig in b is ignored.
func Sign(key minisign.PrivateKey, b bundle.Bundle) ([]byte, error) {
	m, err := b.Manifest()
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	list := ListOf(m.ID, m.Version, b).Text()
	sig := minisign.SignWithComments(key, list, trustedComment(m.ID, m.Version),
		"wingman skill signature, key "+KeyID(key.ID()))
	var out bytes.Buffer
	out.Write(list)
	out.WriteByte('\n')
	out.Write(sig)
	return out.Bytes(), nil
}

// trustedComment is signed with the list; it repeats who the signature
// is for, so that minisign's own tools show it too.
func trustedComment(id, version string) string {
	return "wingman-skill " + id + " " + version
}

// GenerateKey makes a maintainer key pair: the public key file's text
// (minisign's .pub format) and the private key's, encrypted with password
// unless it is empty.
func GenerateKey(password string) (pub, priv []byte, err error) {
	pk, sk, err := minisign.GenerateKey(nil)
	if err != nil {
		return nil, nil, fmt.Errorf("generate key: %w", err)
	}
	pub, _ = pk.MarshalText()
	if password == "" {
		priv, err = sk.MarshalText()
	} else {
		priv, err = minisign.EncryptKey(password, sk)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("generate key: %w", err)
	}
	return pub, priv, nil
}

// ParsePrivateKey reads a private key file's text, decrypting it with
// password when it is encrypted.
func ParsePrivateKey(text []byte, password string) (minisign.PrivateKey, error) {
	var sk minisign.PrivateKey
	if minisign.IsEncrypted(text) {
		k, err := minisign.DecryptKey(password, text)
		if err != nil {
			return sk, fmt.Errorf("private key: %w (wrong password?)", err)
		}
		return k, nil
	}
	if err := sk.UnmarshalText(text); err != nil {
		return sk, fmt.Errorf("private key: %w", err)
	}
	return sk, nil
}
