// The provider's signing keys and their rotation.

package oidctest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// signingKey is an RS256 key pair; as op.SigningKey it signs, as op.Key
// (through publicKey) it is published in the JWKS.
type signingKey struct {
	id   string
	priv *rsa.PrivateKey
}

func newSigningKey() (signingKey, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return signingKey{}, fmt.Errorf("oidctest: signing key: %w", err)
	}
	return signingKey{id: rand.Text(), priv: priv}, nil
}

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k signingKey) Key() any                                    { return k.priv }
func (k signingKey) ID() string                                  { return k.id }

type publicKey struct{ signingKey }

func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return &k.priv.PublicKey }

func (s *storage) currentKey() signingKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[len(s.keys)-1]
}

// SigningKey implements op.Storage: the newest key signs.
func (s *storage) SigningKey(context.Context) (op.SigningKey, error) { return s.currentKey(), nil }

// SignatureAlgorithms implements op.Storage.
func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

// KeySet implements op.Storage: every key ever used stays published, so
// tokens signed before a rotation still verify, as during a real
// provider's rollover.
func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]op.Key, len(s.keys))
	for i, k := range s.keys {
		keys[i] = publicKey{k}
	}
	return keys, nil
}

// RotateKey makes a new key the signing key, publishes it beside the old
// ones and returns its key id.
func (p *Provider) RotateKey() string {
	k, err := newSigningKey()
	if err != nil {
		p.t.Fatal(err)
	}
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	p.st.keys = append(p.st.keys, k)
	return k.id
}

// KeyID returns the id of the key that signs now.
func (p *Provider) KeyID() string { return p.st.currentKey().id }

// PublicKeyPEM returns the signing key's public half, PEM-encoded: what an
// attacker uses as the HMAC secret of an HS256 token, hoping the verifier
// takes the algorithm from the token.
func (p *Provider) PublicKeyPEM() []byte {
	der, err := x509.MarshalPKIXPublicKey(&p.st.currentKey().priv.PublicKey)
	if err != nil {
		p.t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}
